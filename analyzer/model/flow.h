/* Lock flow inside functions: which locks a function holds at each of its
 * events, in its own terms (places relative to its parameters and globals),
 * and what it does to its caller's locks (its summary).
 *
 * The rules, applied along the fact tree:
 *  - sequence: events in order; LOCK adds, UNLOCK removes;
 *  - if/switch: branches start from the state after the condition and
 *    merge by intersection; a trylock counts only on its success branch;
 *  - loops: iterate to a fixpoint (sets only shrink), exits merge the
 *    failing condition with every break;
 *  - return/break/continue/goto end a path; labels merge forward gotos;
 *  - a call applies the callee's summary: locks it returns holding are
 *    added (lock_db() wrappers), locks it may release are removed, its
 *    parameters replaced by the call's arguments;
 *  - a wait (API kind wait, or a callee that waits) adds the object waited
 *    on to "acquired", as a lock taken would be; a loop holding a wait
 *    adds it at its exit (its predicate held). Posts are listed per
 *    function for rl_flow_posted_after;
 *  - setjmp / longjmp: the branch taken when a setjmp returns nonzero
 *    (a TRYLOCK flagged RL_LOCK_JUMP_TARGET) holds what every jump of the
 *    function (or of its callees) held; a call to a callee that never
 *    returns but jumps ends the path, as a jump does.
 * "held" is a must-set (held on every path); "released" is a may-set of
 * locks that the function let go of, which hides a caller's lock; "may"
 * is what some path holds (for misuse rules, which must not fire on locks
 * taken and released under correlated conditions). RETURN nodes record
 * the state they return with. */
#ifndef RL_FLOW_H
#define RL_FLOW_H
#include "lockset.h"
#include "program.h"

typedef struct rl_fn_flow {
    const rl_lockset **held;     /* per node: locks acquired and held here (NULL: unreachable) */
    const rl_lockset **released; /* per node: caller locks possibly released before here */
    const rl_lockset **may;      /* per node: locks acquired here on some path */
    const rl_lockset **acquired; /* per node: locks this body took before it
                                    on every path (held or released since) */
    const rl_lockset *end_held;  /* held when the body falls off its end (NULL: it never does) */
    const rl_lockset *exit_held; /* summary: held at every return */
    const rl_lockset *exit_released;
    const rl_lockset *exit_may;  /* summary: held at some return */
    const rl_lockset *exit_acquired; /* summary: taken before every return */
    /* Hand-offs by post and wait (API kinds post, wait): */
    const rl_lockset *posted;    /* summary: objects its body or a callee may
                                    post on (a may-set; own terms) */
    const rl_lockset *waited;    /* summary: objects its body or a callee may
                                    wait on (own terms) */
    const rl_lockset *posted_unlocked; /* summary: condition variables it
                                    signals holding no lock and having
                                    released none before (own terms): posts
                                    only for a caller that holds or released
                                    one around the call (apimodel.h,
                                    through_lock) */
    int32_t *post_nodes;         /* its calls that post, in node order */
    const rl_lockset **post_objects; /* per post node: the objects, own terms */
    size_t nposts;
    /* Jumps (API kind jump: longjmp) back to a setjmp (kind setjmp): */
    const rl_lockset *jump_held; /* summary: held at every jump its body or a
                                    callee makes (own terms); NULL: none */
    int returns;                 /* summary: some return is reachable */
    int param_tests;             /* its body's value tests of its parameters
                                    (flow.c, decides_tests): 0 not counted
                                    yet, else 1 + how many */
    const rl_lockset *barriers;  /* summary: the barriers among `waited`
                                    (API kind barrier: a post and a wait at once;
                                    or own_barriers) */
    const rl_lockset *own_barriers; /* objects its body both posts on and
                                    waits on, in the two branches of one `if`:
                                    a barrier made by hand (the last to
                                    arrive broadcasts, the others wait) */
    int32_t *wait_nodes;         /* its calls that wait, in node order */
    const rl_lockset **wait_objects; /* per wait node: the objects, own terms */
    size_t nwaits;
    /* rl_flow_posted_after's answers, per node, made on first use (every
     * context of the function asks again for each access): known[i] is 0
     * until then, else 1 + the answer's *rounds. */
    const rl_lockset **posted_after;
    uint8_t *posted_after_known;
    /* Per node: the first `return` after it that every path from it
     * reaches first (its SEQ holds the node), or nnodes; made on first
     * use by flow_posts.c (reached_after). */
    int32_t *cut_by_return;
    int analysed;
} rl_fn_flow;

typedef struct rl_flow {
    rl_lockset_table *locks;
    rl_strpool *pool;  /* the program's, where marks are interned */
    rl_fn_flow *fns;   /* parallel to program->fns */
    size_t nfns;
    rl_ptrmap tested_flags; /* flag key (interned, flow.c's flag_key) -> 1:
                               what some condition tests with a plain read
                               after a lock call */
    rl_ptrmap set_flags;    /* flag key -> 1: what some plain store sets to a
                               nonzero constant (flow.c, locked flags) */
    rl_ptrmap kept_at_start; /* global place -> 1: a loop testing it may
                               never wait (loop_start.h) */
    rl_ptrmap spin_released; /* flag key -> 1: a word some spinlock release
                               built from an atomic store gives back
                               (RL_LOCK_SPIN UNLOCK: a store of 0 that
                               releases); a spinlock taken on a word no such
                               release gives back orders nothing (flow.c,
                               on_branch) */
    /* Summaries for one call whose constants decide its callee's tests
     * (flow.c, summary_for_call), made once a round: key (interned
     * "callee|args") -> index + 1 into call_summaries */
    rl_ptrmap call_summary_index;
    struct flow_summary_of_call *call_summaries;
    size_t ncall_summaries, cap_call_summaries;
} rl_flow;

/* The objects posted on after node i of function fn (own terms), whose
 * posts order what fn did at i before what a waiter on them does after
 * its wait: posts later in program order, by fn or its callees. A post
 * inside a loop that also holds i counts only when that loop waits too
 * (a bounded buffer's handshake); otherwise the next round of the loop
 * may redo i while a waiter reads. A barrier counts only for an access of
 * its first phase: no wait at that barrier comes before i in fn, nor in a
 * loop holding i (after a wait, the next wait orders i only before the
 * next phase, which the other thread's history cannot tell from this
 * one). NULL when none. *rounds (when not NULL): a post after i lies in a
 * loop that holds i too, so the thread makes the access again in the next
 * round, after that post: a waiter that took the post is ordered after
 * one round's access but not before the next one's. */
const rl_lockset *rl_flow_posted_after(const rl_flow *flow, const rl_function *f, int fn, int32_t i, int *rounds);
/* rl_flow_posted_after for a node whose object is a new one each round
 * of the loops around it (one the round took off a shared structure: a
 * server's next request): a post later in such a loop orders it though
 * the loop never waits, since the next round's node touches another
 * object; and no round makes it again (no *rounds). Not remembered. */
const rl_lockset *rl_flow_posted_after_new(const rl_flow *flow, const rl_function *f, int fn, int32_t i);
/* rl_flow_posted_after for a call node of a caller, as seen by the
 * callee's accesses: the posts after the call on some path from it, as
 * rl_flow_posted_after counts them (a waiter passes only after some post,
 * so a post on one path, `if (enabled) first_load();`, orders what came
 * before it), but none of a next round. A post in a later case of a
 * dispatcher's switch, past a `break`, or in the other branch of an `if`
 * holding the call orders nothing its callees did. The posts before the
 * call are not taken away: a chain of callers has them asked level by
 * level (accesses.c). Not remembered: callers ask once per pair. */
const rl_lockset *rl_flow_posted_after_call(const rl_flow *flow, const rl_function *f, int fn, int32_t call,
                                            int *rounds);
/* The objects function fn posts on before node i with no wait between
 * (NULL: none): a caller's post before a call, whose waiter may be
 * reading while the callee runs; in *twice (NULL: none) those of them
 * posted on at two nodes or more before i, or in a loop that does not
 * hold i. */
const rl_lockset *rl_flow_posted_before(const rl_flow *flow, const rl_function *f, int fn, int32_t i,
                                        const rl_lockset **twice);
/* Every object fn posts on before node i, whatever waits come between
 * (NULL: none), and in *twice those posted on twice or more, as
 * rl_flow_posted_before: the earlier posts a caller's later post
 * counts against (accesses.c), where a wait between, on anything, says
 * nothing of the waiter that took them. */
const rl_lockset *rl_flow_posts_before_all(const rl_flow *flow, const rl_function *f, int fn, int32_t i,
                                           const rl_lockset **twice);
int rl_flow_waits_before(const rl_flow *flow, int fn, int32_t i);

/* What a later post publishes on (s) after earlier posts on `once`, of
 * which those of `twice` (NULL: none) were posted on twice or more: an
 * object posted on once before is replaced by its second round's mark
 * (place.h, RL_AGAIN_MARK); one posted on twice, or whose mark s holds
 * already (an earlier post seen further down the chain of calls), is
 * taken away: the rounds past the second are not told apart. */
const rl_lockset *rl_flow_second_round(const rl_flow *flow, const rl_lockset *s, const rl_lockset *once,
                                       const rl_lockset *twice);
/* What a history `acquired` is after waiting on `waits`: each object
 * joins it, and one that `prior` (the history before the wait; NULL:
 * acquired itself) held already joins as its mark too (a second wait,
 * place.h). */
const rl_lockset *rl_flow_add_waits(const rl_flow *flow, const rl_lockset *acquired, const rl_lockset *prior,
                                    const rl_lockset *waits);

/* Computes every function's flow and summary (callees first, iterated
 * until summaries are stable). Lock names are interned in p->pool. */
rl_flow *rl_flow_compute(rl_program *p);
void rl_flow_free(rl_flow *flow);

#endif
