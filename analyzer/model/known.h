/* Values a thread has tested: branches decided by an earlier test of the
 * same global on the same thread.
 *
 * redis's I/O threads run `if (io_threads_op == IO_THREADS_OP_READ)
 * readQueryFromClient(c)`, and deep in its callees the shared parser
 * stops before running the command: `if (io_threads_op !=
 * IO_THREADS_OP_IDLE) { ...; break; }`. Under the first test the second
 * is decided, and an I/O thread never runs a command. The frontend marks
 * such tests (RL_IF_VALUE_EQ / RL_IF_VALUE_NE, facts.h: `G == K`,
 * `G != K`, `G`, `!G` on a plain global scalar). A context carries the
 * facts its callers' tests established (an rl_known_set), and in it its
 * function's tests of those globals are decided: the branch not taken,
 * and what only follows a branch that always jumps, are dead there
 * (tm_held_at answers NULL, as for unreachable code), so their accesses,
 * locks and calls are not the thread's.
 *
 * Why it may be trusted: if another thread could change G between the
 * two tests, its write and this thread's reads of G race, and the `race`
 * rule reports that race on G itself; what is pruned follows from G's
 * value only. A fact is dropped where the thread itself may change G or
 * learn of another thread's change: a write to G by the function or a
 * callee (transitively), or a lock taken, before the use (in a loop,
 * anywhere in the loop that is still live). Atomic and volatile globals
 * are never marked (their value may change between two tests without a
 * race).
 *
 * Parameters too: a function that tests a pointer parameter against 0
 * (`if (cb != NULL)`, one it never assigns) is entered from a call
 * passing NULL for it, or a function, with that test decided (libuv's
 * workers call `uv_fs_open(NULL, &req, ..., NULL)`: the synchronous
 * branch; facts.h, "P<n>"). Such a fact is the callee's own: it is not
 * handed further down, and nothing kills it.
 *
 * Cost: a fact goes into a callee only when the callee or one of its
 * callees tests that global, so contexts split only along those calls;
 * a set holds at most RL_KNOWN_MAX facts (the oldest dropped first,
 * which can only keep code live).
 *
 * Invariants:
 *  1. Sets are interned: equal sets are the same pointer, and their
 *     `key` (interned in the program pool) names them in context keys.
 *     The empty set is NULL.
 *  2. A set holds at most one fact per global, most recent first.
 *  3. Dead maps are computed once per (function, set) and owned by the
 *     index; NULL means nothing is decided (every node as flow says). */
#ifndef RL_KNOWN_H
#define RL_KNOWN_H
#include "program.h"
#include <stdint.h>

#define RL_KNOWN_MAX 4
/* Parameters a null test is followed for: bits of a mask. */
#define RL_KNOWN_MAX_PARAM 32

typedef struct rl_known_fact {
    const char *place; /* the global, a G: place interned in the program pool */
    long long value;
    int eq;            /* 1: place == value; 0: place != value */
} rl_known_fact;

typedef struct rl_known_set {
    int n;
    rl_known_fact e[RL_KNOWN_MAX];
    const char *key;   /* canonical text, interned */
} rl_known_set;

typedef struct rl_known_index rl_known_index;

/* Indexes the program's value tests, and which functions test or write
 * each tested global, themselves or through callees. Cheap when the
 * program has none. */
rl_known_index *rl_known_build(rl_program *p);
void rl_known_free(rl_known_index *k);

/* The facts the callee of CALL node `call` of function fn starts with,
 * in a context of fn that holds `inherited` and whose dead map is `dead`
 * (rl_known_dead): the inherited facts still valid at the call and, when
 * `establish`, those of the tests enclosing it; kept when the callee
 * tests their global. NULL when none. */
const rl_known_set *rl_known_for_call(rl_known_index *k, int fn, const rl_known_set *inherited, const uint8_t *dead,
                                      int32_t call, int callee, int establish);

/* Per node of fn, nonzero where the node cannot run in a context holding
 * `facts`; NULL when the facts decide nothing there. */
const uint8_t *rl_known_dead(rl_known_index *k, int fn, const rl_known_set *facts);

#endif
