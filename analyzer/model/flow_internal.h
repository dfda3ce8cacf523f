/* The lock flow's internals, shared by its two files (flow.h is the
 * interface): flow.c walks a function's body and keeps what is held,
 * released and taken before at each node; flow_sync.c finds what the
 * function posts and waits on (signals, semaphores, flags set and read
 * under locks, release and acquire atomics, barriers) from what the walk
 * computed.
 *
 * Invariant: a walk is one function's, made by flow.c's analyse(); its
 * `out` holds the per-node sets of the walk before flow_sync.c reads
 * them. */
#ifndef RL_FLOW_INTERNAL_H
#define RL_FLOW_INTERNAL_H
#include "flow.h"
#include "program.h"

/* Labels a function may have before later ones are merged conservatively. */
#define MAX_LABELS 256

typedef struct state {
    const rl_lockset *held;     /* NULL = unreachable */
    const rl_lockset *released;
    const rl_lockset *may;      /* held on some path (union at merges) */
    const rl_lockset *acquired; /* taken earlier in this body on every path
                                   (released since or not) */
    const rl_lockset *nested;   /* held locks this body took again while
                                   holding them (a recursive mutex): the
                                   next release leaves them held */
} state;

typedef struct label_state {
    const char *name;
    state st;
} label_state;

typedef struct jump_target {
    state breaks, continues;
} jump_target;

typedef struct walk {
    rl_program *p;
    rl_flow *flow;
    const rl_function *fn;
    rl_fn_info *info;
    rl_fn_flow *out;
    state returns;
    label_state labels[MAX_LABELS];
    int nlabels;
    jump_target *loop;   /* innermost loop (continue target) */
    jump_target *brk;    /* innermost loop or switch (break target) */
    state switch_entry;  /* the state every CASE label merges in */
    const rl_lockset *jumps; /* held at every jump so far (meet) */
    int jumped;          /* some jump was seen */
    int32_t last_acquire_fence; /* the function's last acquire fence, or -1 */
    const rl_lockset *branch_waits; /* objects atomic loads tested by a
                                    condition waited on (on_branch); NULL:
                                    none yet */
    const char *const *call_args; /* a walk for one call (flow.c,
                                    apply_callee): its arguments, whose
                                    integer constants decide the body's
                                    tests of those parameters; NULL for
                                    the function's own walk */
    int ncall_args;
} walk;

/* (flow.c) Walks w's function from its first node in state entry; the
 * state at its returns and at its end, met (held NULL: it never returns). */
state flow_walk_function(walk *w, state entry);
/* (flow_calls.c) Which branch of IF n the constants of the call w walks
 * for decide (walk.call_args): 1 the then branch only, 2 the else branch
 * only, 0 both (always 0 in a function's own walk). */
int flow_branch_decided(const walk *w, const rl_node *n);
/* (flow_calls.c) The summary of callee for `call` when the call's integer
 * constants decide some test of its body, into *exit (held, released,
 * may, acquired at its returns); 0, *exit untouched, otherwise. */
int flow_call_summary(walk *w, const rl_node *call, int callee, state *exit);
/* (flow_calls.c) Forgets the round's call summaries (rl_flow_compute). */
void flow_forget_call_summaries(rl_flow *flow);

/* (flow.c) A callee's summary set in the caller's terms at `call`. */
const rl_lockset *flow_translate(walk *w, const rl_lockset *s, const rl_node *call);
/* (flow.c) The objects the call at node i waits on, in the caller's
 * terms; a condition variable's own wait only at_loop_exit. */
const rl_lockset *flow_waited_by_call(walk *w, int32_t i, int at_loop_exit);

/* (flow_sync.c) The flags some condition tests after a lock call, and
 * those some store sets to a constant (flow->tested_flags, set_flags),
 * and the words spinlock releases give back (flow->spin_released). */
void flow_find_flags(rl_program *p, rl_flow *flow);
/* (flow_sync.c) Whether a spinlock's word (TRYLOCK node n, RL_LOCK_SPIN)
 * is given back by some release in the program. */
int flow_spin_released(const walk *w, const rl_node *n);
/* (flow_sync.c) The function's last fence flagged `flag`, or -1. */
int32_t flow_last_fence(const rl_function *f, uint8_t flag);
/* (flow_sync.c) Whether the read at node i acquires: an atomic load that
 * does (or a relaxed one before an acquire fence), a flag read under a
 * lock. */
int flow_load_acquires(const walk *w, int32_t i);
/* (flow_sync.c) Whether the decrement at node i, tested for the last
 * reference, orders the others: atomic, or made under a lock. */
int flow_last_decrement(const walk *w, int32_t i);
/* (flow_sync.c) Fills w->out's posts, waits and barriers. */
void flow_collect_posts_and_waits(walk *w);

#endif
