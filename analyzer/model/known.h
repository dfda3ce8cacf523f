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
 * branch; facts.h, "P<n>"). So is one testing an integer parameter it
 * never assigns against a constant (`if (locked) unlock(&q->lock);`),
 * from a call passing a constant for it (curl's `thrdq_unlink(q, FALSE,
 * TRUE)`; facts.h, "#="). Such a fact is the callee's own: it is not
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

struct rl_flow;

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
rl_known_index *rl_known_build(rl_program *p, const struct rl_flow *flow);
void rl_known_free(rl_known_index *k);

/* The facts the callee of CALL node `call` of function fn starts with,
 * in a context of fn that holds `inherited` and whose dead map is `dead`
 * (rl_known_dead): the inherited facts still valid at the call and, when
 * `establish`, those of the tests enclosing it; kept when the callee
 * tests their global. NULL when none. */
const rl_known_set *rl_known_for_call(rl_known_index *k, int fn, const rl_known_set *inherited, const uint8_t *dead,
                                      int32_t call, int callee, int establish);

/* ---- modes ---------------------------------------------------------------
 * The same facts, kept for every context as what every path to it tested
 * (rl_ctx.entry_conds: met over its calls, not in its key) and for every
 * access (rl_access.conds), tell the `race` rule that two accesses run
 * under values of one global that exclude each other: pigz decodes or
 * compresses, and its compress threads exist only when it compresses
 * (`if (g.decode) ... else parallel_compress()`). The rule trusts that
 * only when the global is a mode, written while no other thread runs
 * (ordering.c). */

/* The facts true at node `node` of fn in a context entered with `conds`:
 * the tests around the node and the entry's facts, each not killed before
 * the node (nearest first, at most RL_KNOWN_MAX). */
const rl_known_set *rl_known_at(rl_known_index *k, int fn, const rl_known_set *conds, const uint8_t *dead, int32_t node);
/* The facts of both sets (interned); NULL for none. */
const rl_known_set *rl_known_meet(rl_known_index *k, const rl_known_set *a, const rl_known_set *b);
/* A global about which a and b hold facts that exclude each other (`G ==
 * 1` and `G == 2`, `G == 0` and `G != 0`), or NULL. */
const char *rl_known_contradiction(const rl_known_set *a, const rl_known_set *b);
/* The facts true along one call path: frame i is node nodes[i] of function
 * fns[i] (the path's root first; a thread's spawn position). */
const rl_known_set *rl_known_on_path(rl_known_index *k, const int *fns, const int32_t *nodes, int nframes);

/* The parameter a tested place is ("P<n>" alone: a value test of that
 * parameter, decided by a constant a call passes), or -1. */
int rl_known_param_of(const char *place);
/* Which branch of value-test IF t knows the test's outcome: 1 (then) for
 * the left operand of an `&&`, 2 (else) for that of an `||`, 0 for both. */
int rl_known_branch_knowing(const rl_node *t);

/* ---- instances -----------------------------------------------------------
 * A thread started several times, each instance with a value of its own
 * (the loop counter, `&args[i]`), that tests a copy of it (`int id =
 * (intptr_t)arg; if (id == 0) total += ...`, facts.h RL_INSTANCE_TEST)
 * runs the branch where it equals K in one instance only: two accesses
 * both under `id == K`, for one K, are one instance's, in its program
 * order, never side by side. The tests give facts like a global's
 * ("#P<n>@<function>", never killed: the copy is never changed), kept as
 * modes are (rl_access.conds), never handed to callees to decide by
 * and never a contradiction (id == 0 and id == 1 are two instances that
 * do run together). ordering.c asks when the thread's own entry made
 * the test, on the parameter its start binds. */

/* The fact name of function fn's tests of a copy of parameter `param`, or
 * NULL when fn makes none. */
const char *rl_known_instance_place(const rl_known_index *k, int fn, int param);
/* Whether a and b both hold `instance == K`, for one K. */
int rl_known_same_instance(const rl_known_set *a, const rl_known_set *b, const char *instance);

/* ---- barrier phases ---------------------------------------------------------
 * A node in the body of a loop whose rounds meet one barrier the same
 * number of times (phases.h) runs in one phase of the round: a fact
 * (RL_PHASE_FACT_PREFIX ... == phase) made where the loop is and carried
 * into callees like a mode's, never killed and never a contradiction. */

/* Whether a and b hold two phases of one loop: they never run together. */
int rl_known_phases_differ(const rl_known_set *a, const rl_known_set *b);

/* ---- serial threads -----------------------------------------------------------
 * A wait at a global barrier returns one nonzero value to one thread a
 * round (PTHREAD_BARRIER_SERIAL_THREAD), and the code testing for it
 * (facts.h, RL_SERIAL_TEST) runs in that thread alone: two accesses both
 * in such branches of one barrier are one round's pick, or two rounds'
 * whose picks a wait at that barrier separates. A fact like a mode's,
 * never killed. */

/* Whether a and b both run where a wait at one barrier picked their
 * thread. */
int rl_known_both_serial(const rl_known_set *a, const rl_known_set *b);

/* Whether a write of `place` writes a tested global, a part of one or a
 * struct holding one (what rl_known_note_write would note). */
int rl_known_writes_tested(const rl_known_index *k, const char *place);
/* Records a write of `place` (an access's resolved place) made while a
 * thread other than its own may run: a tested global it is, or is part
 * of, or holds, is no mode. */
void rl_known_note_write(rl_known_index *k, const char *place);
/* Whether tested global `place` is a mode: no write of it was noted. */
int rl_known_is_mode(const rl_known_index *k, const char *place);

/* Per node of fn, nonzero where the node cannot run in a context holding
 * `facts`; NULL when the facts decide nothing there. */
const uint8_t *rl_known_dead(rl_known_index *k, int fn, const rl_known_set *facts);

#endif
