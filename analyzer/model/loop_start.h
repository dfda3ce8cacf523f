/* Waits whose loop may never wait.
 *
 * A wait loop's exit orders what the poster did before its post before
 * what follows (flow.c, waited_in_loop): `while (!ready) wait(&cv, &m)`
 * is left only once the predicate, read under the mutex, held, and only
 * a poster made it hold. That holds when the predicate kept the thread
 * in the loop until someone changed it. A test that fails at the value
 * its global starts the program with (`static int paused; ... while
 * (paused) wait(...)`, a producer's `while (n == CAP)` with n starting
 * at 0) lets the first thread to get there pass without waiting: nothing
 * was posted, and what follows is ordered after nothing (the probes'
 * r25, r09, r11: the pass of a bounded buffer's producer hid its races
 * with the consumer).
 *
 * The frontend marks such loops (RL_LOOP_START_FALSE, facts.h, the
 * global in their text). The global may still hold its starting value
 * when the loop is first reached unless some function writes it
 * (itself, or by a direct call, transitively) before its first step
 * towards such a loop or a thread start (the node itself, or a direct
 * call that leads to one): `pending = n; start_workers(); while
 * (pending > 0) wait(...)` sets it first, and then the loop does wait.
 * A marked loop over a global that may still hold its starting value is
 * no wait at its exit.
 *
 * What it does not see: writes through calls by pointer, and an order
 * between a writer and the loop made by other means than program order
 * and thread starts (a join, another wait); both leave the loop taken
 * for one that may not wait, a finding more, never one fewer.
 *
 * Invariant: `kept` maps a global's place, interned in the program pool,
 * to 1 when the global may still hold its starting value where a marked
 * loop testing it is first reached; a global absent from it does not. */
#ifndef RL_LOOP_START_H
#define RL_LOOP_START_H
#include "program.h"
#include "../util/ptrmap.h"
#include <stddef.h>

/* Fills `kept` (see above) for every global some marked loop tests.
 * order[0..n) lists every function, callees before callers where the
 * call graph allows (flow.c's post-order). Cheap when no loop is
 * marked. */
void rl_loop_start_find(rl_program *p, const size_t *order, size_t n, rl_ptrmap *kept);

/* Whether LOOP node n's exit is no wait: it is marked and its global may
 * still hold its starting value when it is first reached. */
int rl_loop_start_may_skip(const rl_program *p, const rl_ptrmap *kept, const rl_node *n);

#endif
