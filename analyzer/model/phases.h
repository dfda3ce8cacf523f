/* Barrier phases of a loop: which step of a round a node runs in.
 *
 * Workers that meet at one barrier twice a round (`for (g = 0; g < N;
 * g++) { slot[id] = ...; barrier_wait(&b); if (id == 0) total += slot[0]
 * + slot[1]; barrier_wait(&b); }`) move through the round's phases in
 * lockstep: no party leaves its k-th wait before every party arrived at
 * it, so what one does between its waits k-1 and k of a round comes
 * after what every other did before its own wait k-1, and before what
 * any does after wait k; round after round. Two accesses made in the
 * same loop, in two different phases (counted modulo the waits of a
 * round), never run side by side, whichever instances make them. The
 * history of waits (flow.h) tells the first half (the read after the
 * first wait comes after the write before it); it cannot tell that the
 * write of the next round comes after the read, because the first round
 * reaches the write with no wait before it.
 *
 * A loop has phases only when its shape makes the count exact on every
 * path: every barrier wait in its body is a statement of the body itself
 * or the condition of one (in no branch of an `if` or `switch`, in no
 * inner loop), all on one barrier, at least two
 * of them; nothing in the body skips a wait of a round and stays (no
 * `continue` of the loop, `goto`, label, or call that does not return: a
 * `break` or `return` that leaves the loop is allowed, as a party that
 * leaves waits no more and the others stop at the round's next wait);
 * and no call in the
 * body goes to a function that waits on anything (a helper's wait would
 * be a wait the count misses). The phase of a node of the body is the
 * number of those waits before it, modulo their number. known.c carries
 * phases as facts ("#phase@<fn>:<loop>" == phase) into callees, as it
 * carries a mode (rl_access.conds), and ordering.c asks
 * rl_known_phases_differ.
 *
 * The body of a function no code calls (a thread's entry, run once in
 * each thread that runs it) is such a region too, on the same terms, its
 * phases the waits before a node, not modulo: what one instance does
 * between its waits j and j + 1 comes after what every other did before
 * its wait j, and before what any does after its wait j + 1 (three
 * phases of a reduction: slots written, one instance sums them, all read
 * the sum; round 27's r06). A function some call may reach (a helper, a
 * pool's job, run again in one thread) counts from no known start and
 * has no such region. As for loops, the barrier's count is taken to be
 * the number of its parties.
 *
 * Invariants:
 *  1. Regions are listed per function in node order, the root's last; a
 *     function without phased regions has none listed (the common case
 *     costs a NULL).
 *  2. Wait nodes of a region are in node order.
 *  3. A root region belongs to a function no CALL or ONCE node of the
 *     program reaches (rl_program_callees, every candidate). */
#ifndef RL_PHASES_H
#define RL_PHASES_H
#include "flow.h"
#include "program.h"

/* The prefix of a phased loop's fact name: "#phase@<fn>:<loop node>", a
 * name no place has (known.h). */
#define RL_PHASE_FACT_PREFIX "#phase@"

/* The function's root node (facts.h, invariant 1): the region of a body
 * run once. */
#define RL_ROOT_NODE 0

typedef struct rl_phased_loop {
    int32_t loop;        /* the LOOP node, or RL_ROOT_NODE for a body run once */
    const char *name;    /* its fact name, interned in the program pool */
    int32_t *waits;      /* the body's barrier waits, in node order */
    int nwaits;          /* at least 2; at the root (run once) phases are
                            counted, not taken modulo nwaits */
} rl_phased_loop;

typedef struct rl_phases rl_phases;

/* Finds every phased loop of the program. Never NULL. */
rl_phases *rl_phases_build(rl_program *p, const rl_flow *flow);
void rl_phases_free(rl_phases *ph);

/* The phased loops of function fn (count in *n), or NULL. */
const rl_phased_loop *rl_phases_of(const rl_phases *ph, int fn, size_t *n);

/* The phase of node `at` in region l of function f: -1 when `at` is not
 * in the region's body. */
int rl_phase_at(const rl_function *f, const rl_phased_loop *l, int32_t at);

#endif
