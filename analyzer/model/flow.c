/* Intraprocedural lock flow and function summaries (flow.h): the walk of
 * each body, bottom up over the call graph; what a function posts and
 * waits on is found from the walk by flow_sync.c (flow_internal.h). */
#include "flow_internal.h"
#include "loop_start.h"
#include "place.h"
#include "../apimodel/apimodel.h"
#include "../util/mem.h"
#include <stdlib.h>
#include <string.h>

/* Rounds of summary recomputation before giving up on recursion cycles. */
#define MAX_SUMMARY_ROUNDS 6
/* Loop fixpoint iterations; sets only shrink, so this is a safety net. */
#define MAX_LOOP_ROUNDS 8

static const state UNREACHABLE = {NULL, NULL, NULL, NULL, NULL};

static state meet(walk *w, state a, state b)
{
    if (!a.held) return b;
    if (!b.held) return a;
    state r;
    r.held = rl_ls_meet(w->flow->locks, a.held, b.held);
    r.released = rl_ls_union(w->flow->locks, a.released, b.released);
    r.may = rl_ls_union(w->flow->locks, a.may, b.may);
    r.acquired = rl_ls_meet(w->flow->locks, a.acquired, b.acquired);
    r.nested = rl_ls_meet(w->flow->locks, a.nested, b.nested);
    return r;
}

static int same(state a, state b)
{
    return a.held == b.held && a.released == b.released && a.may == b.may && a.acquired == b.acquired &&
           a.nested == b.nested;
}

static const char *lock_name(walk *w, const rl_node *n)
{
    return rl_intern(w->p->pool, n->text ? n->text : "");
}

static state acquire(walk *w, state s, const rl_node *n)
{
    if (!s.held) return s;
    /* One lock taken again while held: a recursive mutex (anything else
     * deadlocks here, which double-lock reports). One depth is counted; a
     * deeper nesting is released early, which only loses protection. A
     * name that stands for several locks (m[], a type's) may be another
     * lock each time: not nested. */
    if (rl_ls_mode(s.held, lock_name(w, n)) == 0 && !(n->flags & RL_LOCK_SHARED) &&
        rl_place_is_single_object(lock_name(w, n)))
        s.nested = rl_ls_add(w->flow->locks, s.nested, lock_name(w, n), 0);
    s.held = rl_ls_add(w->flow->locks, s.held, lock_name(w, n), (n->flags & RL_LOCK_SHARED) != 0);
    s.may = rl_ls_add(w->flow->locks, s.may, lock_name(w, n), (n->flags & RL_LOCK_SHARED) != 0);
    s.acquired = rl_ls_add(w->flow->locks, s.acquired, lock_name(w, n), 0);
    /* A caller's lock let go and taken back on this path (a wait for
     * workers: unlock, join, lock again, in a loop) is the caller's
     * again: its callers hold it after the call on every path, whether or
     * not the loop ran. */
    if (rl_ls_contains(s.released, lock_name(w, n)))
        s.released = rl_ls_remove(w->flow->locks, s.released, lock_name(w, n));
    return s;
}

static state release(walk *w, state s, const char *lock)
{
    if (!s.held) return s;
    /* Releasing a lock this function took is balanced; only a release of
     * a lock it did not take lets go of the caller's (this also keeps a
     * recursive mutex's inner lock/unlock pair from hiding the outer one). */
    if (rl_ls_contains(s.nested, lock)) {
        s.nested = rl_ls_remove(w->flow->locks, s.nested, lock); /* the inner of two: still held */
        return s;
    }
    if (rl_ls_contains(s.held, lock)) {
        /* Through an element of unknown index ("m[]"), any element held
         * by a constant index ("m[3]") may be the one released. */
        s.held = rl_ls_remove_elements(w->flow->locks, rl_ls_remove(w->flow->locks, s.held, lock), lock);
        s.may = rl_ls_remove(w->flow->locks, s.may, lock);
        return s;
    }
    s.released = rl_ls_add(w->flow->locks, s.released, lock, 0);
    if (rl_place_is_unknown_object(lock)) {
        /* Through a pointer of unknown origin: it may be any lock, so none
         * is held on every path any more (the caller's are dropped by the
         * same entry in `released`, see tm_held_at). Some path may
         * still hold each: `may` keeps them. */
        s.held = rl_ls_empty(w->flow->locks);
        return s;
    }
    if (lock[0] == '%') {
        /* Through a pointer that may hold one of several locks: each of
         * them may be released here. */
        const char *alts[RL_MAX_CHOICES];
        size_t n = rl_place_alternatives(w->p->pool, lock, alts);
        for (size_t i = 0; i < n; i++) {
            s.held = rl_ls_remove(w->flow->locks, s.held, alts[i]);
            s.released = rl_ls_add(w->flow->locks, s.released, alts[i], 0);
        }
        return s;
    }
    s.held = rl_ls_remove_elements(w->flow->locks, s.held, lock); /* as above */
    s.may = rl_ls_remove(w->flow->locks, s.may, lock);
    return s;
}

/* A lock destroyed on this path (the last reference's release, which
 * unlocks and destroys the lock and frees its object) is gone: it is held
 * by nobody after, and its release does not reach the callers, who hold
 * it until the call as far as they can tell. Touching the object after
 * that would be a use after free, not a race. Before, curl's pool, whose
 * slot start drops the last reference on its error path, lost the pool's
 * lock in every caller of the slot start. */
static state destroyed(walk *w, state s, const char *lock)
{
    if (!s.held) return s;
    s.held = rl_ls_remove(w->flow->locks, s.held, lock);
    s.may = rl_ls_remove(w->flow->locks, s.may, lock);
    s.released = rl_ls_remove(w->flow->locks, s.released, lock);
    s.nested = rl_ls_remove(w->flow->locks, s.nested, lock);
    return s;
}

/* Locks named in a callee's terms, rewritten in the caller's: parameters
 * become the call's arguments; the callee's own locals are dropped. */
const rl_lockset *flow_translate(walk *w, const rl_lockset *s, const rl_node *call)
{
    const rl_lockset *r = rl_ls_empty(w->flow->locks);
    for (size_t i = 0; s && i < s->n; i++) {
        rl_root_kind k = rl_place_root(s->e[i].lock, NULL);
        if (k == RL_ROOT_LOCAL || k == RL_ROOT_HEAP) continue;
        const char *t = rl_place_subst(w->p->pool, s->e[i].lock, call->args, call->nargs);
        /* `post(&cv[type])` in a helper handed `submit(1)`: any element
         * of the caller's, as its own `&cv[j]` names one */
        if (t[0]) t = rl_place_subst_index(w->p->pool, t, call->args, call->nargs);
        if (t[0]) r = rl_ls_add(w->flow->locks, r, t, s->e[i].shared);
    }
    return r;
}

static state apply_callee(walk *w, state s, const rl_node *call, int callee)
{
    if (!s.held || callee < 0) return s;
    rl_fn_flow *cf = &w->flow->fns[callee];
    if (!cf->analysed || !cf->exit_held) return s;
    state own = {cf->exit_held, cf->exit_released, cf->exit_may, cf->exit_acquired, NULL};
    flow_call_summary(w, call, callee, &own); /* a call whose constants decide its tests */
    const rl_lockset *rel = flow_translate(w, own.released, call);
    const rl_lockset *acq = flow_translate(w, own.held, call);
    const rl_lockset *may = flow_translate(w, own.may, call);
    /* What the callee took on every path, it took before what follows. */
    if (own.acquired) s.acquired = rl_ls_union(w->flow->locks, s.acquired, flow_translate(w, own.acquired, call));
    for (size_t i = 0; i < rel->n; i++) s = release(w, s, rel->e[i].lock);
    for (size_t i = 0; i < acq->n; i++)
        s.held = rl_ls_add(w->flow->locks, s.held, acq->e[i].lock, acq->e[i].shared);
    /* A callee that returns holding a lock on some paths (an iterator's
     * begin, a conditional lock) may leave it held. */
    s.may = rl_ls_union(w->flow->locks, s.may, may);
    return s;
}

static state apply_call(walk *w, state s, int32_t id)
{
    const rl_node *n = &w->fn->nodes[id];
    const char *usr = w->info->callees[id];
    if (usr) return apply_callee(w, s, n, rl_program_find(w->p, usr));
    /* Indirect call: only effects common to every candidate are certain;
     * candidates are usually handlers with no net lock effect. One
     * function that flows into the pointer, found by the flows and not
     * by type, is the callee: its effects are the call's (the unlock
     * pthread_cleanup_pop(1) runs through glibc's __cancel_routine). */
    int one = -1, weak = 0;
    size_t count = 0;
    const int *targets = rl_program_callees(w->p, w->info, id, &one, &count, &weak);
    if (targets && count == 1 && !weak) return apply_callee(w, s, n, targets[0]);
    return s;
}

static state run(walk *w, int32_t id, state s);

static state run_children(walk *w, int32_t id, state s)
{
    for (int32_t c = w->fn->nodes[id].first_child; c >= 0; c = w->fn->nodes[c].next_sibling) s = run(w, c, s);
    return s;
}

/* The state where a setjmp returned nonzero: a jump came back, holding
 * what the function's jumps hold (its summary from the previous round;
 * nothing before any is known, which only loses protection). */
static state landed(walk *w, state s)
{
    if (!s.held) return s;
    const rl_lockset *at = w->out->jump_held;
    s.held = at ? at : rl_ls_empty(w->flow->locks);
    s.may = rl_ls_union(w->flow->locks, s.may, s.held);
    s.nested = rl_ls_empty(w->flow->locks);
    return s;
}

/* The state on the branch where a condition's trylock succeeded; or,
 * for a correlated condition (facts.h, aux naming a LOCK node), on the
 * branch where the earlier `if` on the same local took that lock: held
 * there, when some path still holds it (none released it since: the
 * frontend ends the correlation at an unlock of it) and it is not held on
 * every path already. */
static state on_branch(walk *w, int32_t node, state s, int branch_flag)
{
    const rl_node *n = &w->fn->nodes[node];
    if (n->aux < 0 || !(n->flags & branch_flag)) return s;
    const rl_node *t = &w->fn->nodes[n->aux];
    if (t->kind == RL_N_SPAWN) return s; /* a thread start's outcome takes no lock */
    if (t->kind == RL_N_ACCESS && n->kind == RL_N_IF && (n->flags & RL_IF_LAST)) {
        /* the last reference of a counter: its decrement came after every
         * other thread's, each of them a post (an atomic fetch-and-op's
         * release sequence; a plain decrement's unlock, last_decrement):
         * the counter joins the history, and with it the mark that this
         * is its last reference (place.h: ordering.c orders every other
         * decrementer's accesses before this branch, and two such
         * branches of one counter never run together). A relaxed
         * decrement acquires only with an acquire fence after it. */
        if (s.held && flow_last_decrement(w, n->aux) &&
            (!t->api || strcmp(t->api, RL_ATOMIC_RELAXED) != 0 || w->last_acquire_fence > n->aux)) {
            s.acquired = rl_ls_add(w->flow->locks, s.acquired, t->text, 0);
            s.acquired = rl_ls_add(w->flow->locks, s.acquired, rl_place_last_mark(w->p->pool, t->text), 0);
        }
        return s;
    }
    if (t->kind == RL_N_ACCESS) {
        /* an atomic load that read a nonzero value read some store's:
         * what the storer released before it comes first, as after a
         * wait (the object joins the history); a relaxed load only with
         * an acquire fence after it */
        if (s.held && flow_load_acquires(w, n->aux)) {
            s.acquired = rl_ls_add(w->flow->locks, s.acquired, t->text, 0);
            w->branch_waits = rl_ls_add(w->flow->locks, w->branch_waits ? w->branch_waits : rl_ls_empty(w->flow->locks),
                                        t->text, 0);
        }
        return s;
    }
    if (t->kind == RL_N_CALL) {
        /* a wait that says it waited (`if (sem_trywait(&s) == 0)`): as
         * after a wait, its object joins the history */
        const char *own = w->info->doomed[n->aux] ? NULL : rl_program_sync_object(w->p, w->info, n->aux, RL_API_WAIT);
        if (s.held && own) s.acquired = rl_ls_add(w->flow->locks, s.acquired, own, 0);
        return s;
    }
    if (t->kind == RL_N_LOCK) {
        const char *lock = lock_name(w, t);
        if (!s.held || !rl_ls_contains(s.may, lock) || rl_ls_contains(s.held, lock)) return s;
        return acquire(w, s, t);
    }
    if (t->flags & RL_LOCK_JUMP_TARGET) return landed(w, s);
    /* A spinlock whose word no release gives back (`atomic_store_explicit(
     * &lk, 0, memory_order_relaxed)` is a plain atomic store): the next
     * taker's acquire reads no release, and what the lock "guards" is
     * ordered by nothing. */
    if ((t->flags & RL_LOCK_SPIN) && !flow_spin_released(w, t)) return s;
    return acquire(w, s, t);
}

/* A call that jumps (longjmp), or whose callee may jump: what is held at
 * the jump joins the function's jump summary. */
static void note_jump(walk *w, state s, int32_t id)
{
    const char *usr = w->info->callees[id];
    if (!s.held || !usr || w->info->doomed[id]) return;
    const rl_lockset *at = NULL;
    int callee = rl_program_find(w->p, usr);
    if (callee < 0 && rl_program_library_is(w->p, usr, RL_API_JUMP)) at = s.held;
    else if (callee >= 0 && w->flow->fns[callee].jump_held)
        at = rl_ls_union(w->flow->locks, s.held, flow_translate(w, w->flow->fns[callee].jump_held, &w->fn->nodes[id]));
    if (!at) return;
    w->jumps = w->jumped ? rl_ls_meet(w->flow->locks, w->jumps, at) : at;
    w->jumped = 1;
}

static state run_if(walk *w, int32_t id, state s)
{
    int32_t cond = rl_fn_child(w->fn, id, 0), then = rl_fn_child(w->fn, id, 1), els = rl_fn_child(w->fn, id, 2);
    s = run(w, cond, s);
    int taken = flow_branch_decided(w, &w->fn->nodes[id]);
    state t = run(w, then, taken == 2 ? UNREACHABLE : on_branch(w, id, s, RL_TRY_ON_TRUE));
    state e = run(w, els, taken == 1 ? UNREACHABLE : on_branch(w, id, s, RL_TRY_ON_FALSE));
    return meet(w, t, e);
}

const rl_lockset *flow_translate(walk *w, const rl_lockset *s, const rl_node *call);

/* The objects the call at node i waits on (a wait, or a callee that may
 * wait: uv_cond_wait), in the caller's terms; empty for other nodes. A
 * condition variable's own wait counts only at the exit of a loop around
 * it (at_loop_exit): right after it, it may have returned without a post
 * (a spurious wakeup; a signal sent before it waited, then another one),
 * and only the loop's predicate, checked under the mutex, says the poster
 * came first. A wait that may not wait at all (sem_trywait) counts only
 * on the branch its result says it waited (on_branch), never here. */
const rl_lockset *flow_waited_by_call(walk *w, int32_t i, int at_loop_exit)
{
    const rl_lockset *r = rl_ls_empty(w->flow->locks);
    if (w->fn->nodes[i].kind != RL_N_CALL || w->info->doomed[i]) return r;
    const char *own = rl_program_sync_object(w->p, w->info, i, RL_API_WAIT);
    if (own && !at_loop_exit && rl_program_wait_may_return_alone(w->p, w->info, i)) own = NULL;
    if (own && rl_program_wait_can_fail(w->p, w->info, i)) own = NULL;
    if (own) r = rl_ls_add(w->flow->locks, r, own, 0);
    int callee = w->info->callees[i] ? rl_program_find(w->p, w->info->callees[i]) : -1;
    if (callee >= 0 && w->flow->fns[callee].waited && w->flow->fns[callee].waited->n)
        r = rl_ls_union(w->flow->locks, r, flow_translate(w, w->flow->fns[callee].waited, &w->fn->nodes[i]));
    return r;
}

/* The semaphore loop `id` waits on in every round: the object of a wait
 * at node i that cannot return without a post (no condition variable's,
 * no trywait's), a statement of the body itself (under no `if`, `switch`
 * or inner loop), in a loop that is left by its test (no `do`: a retry
 * around one wait, `do r = sem_wait(&s); while (r && errno == EINTR);`,
 * and no `for (;;)` left by a break); NULL otherwise. */
static const char *waited_each_round(walk *w, int32_t id, int32_t i)
{
    const rl_function *f = w->fn;
    if (f->nodes[id].flags & (RL_LOOP_DO | RL_LOOP_FOREVER)) return NULL;
    if (f->nodes[i].kind != RL_N_CALL || w->info->doomed[i]) return NULL;
    const char *own = rl_program_sync_object(w->p, w->info, i, RL_API_WAIT);
    if (!own || rl_program_wait_may_return_alone(w->p, w->info, i) || rl_program_wait_can_fail(w->p, w->info, i))
        return NULL;
    int32_t body = rl_fn_child(f, id, 1);
    for (int32_t p = f->nodes[i].parent; p != body; p = f->nodes[p].parent)
        if (p < 0 || p == id || f->nodes[p].kind != RL_N_SEQ) return NULL;
    return own;
}

/* A loop that waits (`while (!ready) pthread_cond_wait(&cv, &m);`) is
 * left once its predicate, checked under the mutex, held: even when it
 * did not wait at all, what the poster did before posting is ordered
 * before what follows. So the objects it waits on join the history at its
 * exit, as after a wait; unless its test fails at the value its global
 * starts with, and the loop may let the first thread through without
 * waiting (loop_start.h). */
static state waited_in_loop(walk *w, int32_t id, state exit_state)
{
    if (!exit_state.held || rl_loop_start_may_skip(w->p, &w->flow->kept_at_start, &w->fn->nodes[id]))
        return exit_state;
    const rl_lockset *waits = rl_ls_empty(w->flow->locks), *each_round = rl_ls_empty(w->flow->locks);
    for (int32_t i = id + 1; i <= w->fn->nodes[id].end; i++) {
        waits = rl_ls_union(w->flow->locks, waits, flow_waited_by_call(w, i, 1));
        const char *counted = waited_each_round(w, id, i);
        if (counted) each_round = rl_ls_add(w->flow->locks, each_round, counted, 0);
    }
    exit_state.acquired = rl_flow_add_waits(w->flow, exit_state.acquired, NULL, waits);
    /* A loop of semaphore waits (`for (i = 0; i < n; i++) sem_wait(&done);`)
     * waited once a round: a second time when it went round twice, as a
     * second wait after a first does (place.h, RL_AGAIN_MARK; ordering.c
     * asks it of a waiter for posts of a thread's several instances). */
    if (each_round->n) exit_state.acquired = rl_flow_add_waits(w->flow, exit_state.acquired, each_round, each_round);
    return exit_state;
}

static state run_loop(walk *w, int32_t id, state entry)
{
    const rl_node *n = &w->fn->nodes[id];
    int32_t cond = rl_fn_child(w->fn, id, 0), body = rl_fn_child(w->fn, id, 1), step = rl_fn_child(w->fn, id, 2);
    jump_target *saved_loop = w->loop, *saved_brk = w->brk;
    jump_target jt;
    w->loop = w->brk = &jt;
    if (n->flags & RL_LOOP_ONCE) {
        /* do { } while (0): the body once, no way back to its start */
        jt.breaks = jt.continues = UNREACHABLE;
        state body_out = meet(w, run(w, body, entry), jt.continues);
        state out = meet(w, run(w, cond, body_out), jt.breaks);
        w->loop = saved_loop;
        w->brk = saved_brk;
        return out;
    }
    if (n->flags & RL_LOOP_SINGLE_PASS) {
        /* for (once = 1; once; once = 0): the test, the body, the step
         * (a `continue` goes there too), and out */
        jt.breaks = jt.continues = UNREACHABLE;
        state body_out = run(w, body, run(w, cond, entry));
        state out = meet(w, run(w, step, meet(w, body_out, jt.continues)), jt.breaks);
        w->loop = saved_loop;
        w->brk = saved_brk;
        return out;
    }
    state head = entry, exit_state = UNREACHABLE;
    for (int round = 0; round < MAX_LOOP_ROUNDS; round++) {
        jt.breaks = jt.continues = UNREACHABLE;
        state after_cond, body_out;
        if (n->flags & RL_LOOP_DO) {
            body_out = run(w, body, head);
            body_out = meet(w, body_out, jt.continues);
            after_cond = run(w, cond, body_out);
            body_out = run(w, step, on_branch(w, id, after_cond, RL_TRY_ON_TRUE));
        } else {
            after_cond = run(w, cond, head);
            body_out = run(w, body, on_branch(w, id, after_cond, RL_TRY_ON_TRUE));
            body_out = run(w, step, meet(w, body_out, jt.continues));
        }
        /* a loop that runs its body at least once leaves only after it:
         * what every round does (takes each stripe's lock) holds after */
        state tested = (n->flags & RL_LOOP_RUNS) && !(n->flags & RL_LOOP_DO) ? run(w, cond, body_out) : after_cond;
        state leave = (n->flags & RL_LOOP_FOREVER) ? UNREACHABLE : on_branch(w, id, tested, RL_TRY_ON_FALSE);
        exit_state = meet(w, leave, jt.breaks);
        state next = meet(w, entry, body_out);
        if (same(next, head)) break;
        head = next;
    }
    w->loop = saved_loop;
    w->brk = saved_brk;
    return waited_in_loop(w, id, exit_state);
}

static state run_switch(walk *w, int32_t id, state s)
{
    int32_t cond = rl_fn_child(w->fn, id, 0), body = rl_fn_child(w->fn, id, 1);
    s = run(w, cond, s);
    jump_target *saved_brk = w->brk;
    state saved_entry = w->switch_entry;
    jump_target jt;
    jt.breaks = jt.continues = UNREACHABLE;
    w->brk = &jt;
    w->switch_entry = s;
    state out = run(w, body, UNREACHABLE); /* code before the first case is dead */
    out = meet(w, out, jt.breaks);
    if (!(w->fn->nodes[id].flags & RL_SWITCH_DEFAULT)) out = meet(w, out, s);
    w->brk = saved_brk;
    w->switch_entry = saved_entry;
    return out;
}

static label_state *label(walk *w, const char *name)
{
    for (int i = 0; i < w->nlabels; i++)
        if (w->labels[i].name == name) return &w->labels[i];
    if (w->nlabels == MAX_LABELS) return NULL;
    label_state *l = &w->labels[w->nlabels++];
    l->name = name;
    l->st = UNREACHABLE;
    return l;
}

static void record(walk *w, int32_t id, state s)
{
    w->out->held[id] = s.held;
    w->out->released[id] = s.released;
    w->out->may[id] = s.may;
    w->out->acquired[id] = s.acquired;
}

/* A CALL node. Kept out of run(), whose frame every nesting level of the
 * fact tree pays for (facts_check.h: RL_FACTS_MAX_DEPTH). */
static state run_call(walk *w, int32_t id, state s)
{
    record(w, id, s);
    note_jump(w, s, id);
    /* A call that never returns ends the path, like a return that
     * returns nowhere: nothing after it runs, no lock is leaked. So does
     * a callee that only ever jumps away. */
    if (rl_program_call_noreturn(w->p, w->info, id)) return UNREACHABLE;
    int callee = w->info->callees[id] ? rl_program_find(w->p, w->info->callees[id]) : -1;
    if (callee >= 0 && w->flow->fns[callee].analysed && !w->flow->fns[callee].returns &&
        w->flow->fns[callee].jump_held)
        return UNREACHABLE;
    const rl_lockset *before = s.acquired;
    s = apply_call(w, s, id);
    /* After a wait, what was posted before it is ordered before what
     * follows: the object waited on joins the history. So after a callee
     * that may wait (yarn's wait_for, a switch whose every case waits in a
     * loop): it waits, or found the predicate it waits for already true.
     * A second wait is one on what the caller waited on before the call:
     * the callee's own history (apply_call) holds its wait already, which
     * is the same wait, not a second one (`do_wait(); x = after;`). */
    if (s.held) s.acquired = rl_flow_add_waits(w->flow, s.acquired, before, flow_waited_by_call(w, id, 0));
    /* The last party to arrive at a barrier made by hand (`if (++count ==
     * n) broadcast(&cv); else while (...) wait(&cv, &m);`, flow_sync.c,
     * hand_made_barriers: of the walk before) passes it by its post:
     * every other party counted itself under the mutex it holds, so what
     * they did before arriving comes before what it does next, as for
     * the parties that waited. */
    const rl_lockset *barriers = w->out->own_barriers;
    const char *post = s.held && barriers && barriers->n ? rl_program_sync_object(w->p, w->info, id, RL_API_POST) : NULL;
    if (post && rl_ls_contains(barriers, post))
        s.acquired = rl_flow_add_waits(w->flow, s.acquired, NULL,
                                       rl_ls_add(w->flow->locks, rl_ls_empty(w->flow->locks), post, 0));
    return s;
}

/* A ONCE node: after pthread_once(&ctl, init), init has run, and its
 * accesses (published on ctl, exploration.c) come before what follows. Kept
 * out of run() for the same reason as run_call(). */
static state run_once(walk *w, int32_t id, state s)
{
    const rl_node *n = &w->fn->nodes[id];
    record(w, id, s);
    if (s.held && n->text && n->text[0]) s.acquired = rl_ls_add(w->flow->locks, s.acquired, lock_name(w, n), 0);
    return s;
}

static state run(walk *w, int32_t id, state s)
{
    if (id < 0) return s;
    const rl_node *n = &w->fn->nodes[id];
    switch ((rl_node_kind)n->kind) {
    case RL_N_SEQ:
        return run_children(w, id, s);
    case RL_N_IF:
        return run_if(w, id, s);
    case RL_N_LOOP:
        return run_loop(w, id, s);
    case RL_N_SWITCH:
        return run_switch(w, id, s);
    case RL_N_CASE: {
        return meet(w, s, w->switch_entry);
    }
    case RL_N_RETURN:
        record(w, id, s);
        w->returns = meet(w, w->returns, s);
        return UNREACHABLE;
    case RL_N_BREAK:
        if (w->brk) w->brk->breaks = meet(w, w->brk->breaks, s);
        return UNREACHABLE;
    case RL_N_CONTINUE:
        if (w->loop) w->loop->continues = meet(w, w->loop->continues, s);
        return UNREACHABLE;
    case RL_N_GOTO: {
        label_state *l = label(w, n->text);
        if (l) l->st = meet(w, l->st, s);
        return UNREACHABLE;
    }
    case RL_N_LABEL: {
        label_state *l = label(w, n->text);
        return l ? meet(w, s, l->st) : s;
    }
    case RL_N_LOCK:
        record(w, id, s);
        return acquire(w, s, n);
    case RL_N_UNLOCK:
        record(w, id, s);
        return release(w, s, lock_name(w, n));
    case RL_N_LOCKINIT:
        record(w, id, s);
        return (n->flags & RL_LOCK_DESTROY) ? destroyed(w, s, lock_name(w, n)) : s;
    case RL_N_CALL:
        return run_call(w, id, s);
    case RL_N_ONCE:
        return run_once(w, id, s);
    default:
        /* ACCESS, TRYLOCK, SPAWN, JOIN, ONCE, LOCKINIT: record the state. */
        record(w, id, s);
        return s;
    }
}

state flow_walk_function(walk *w, state entry)
{
    w->returns = UNREACHABLE;
    state end = run(w, 0, entry); /* before reading the returns it met */
    return meet(w, w->returns, end);
}

/* Analyses one function; returns whether its summary changed. */
static int analyse(rl_program *p, rl_flow *flow, size_t i)
{
    walk w;
    memset(&w, 0, sizeof w);
    w.p = p;
    w.flow = flow;
    w.info = &p->fns[i];
    w.fn = w.info->fn;
    w.out = &flow->fns[i];
    w.returns = UNREACHABLE;
    w.last_acquire_fence = flow_last_fence(w.fn, RL_CALL_FENCE_ACQUIRE);
    if (!w.out->held) {
        w.out->held = rl_xcalloc((size_t)w.fn->nnodes + 1, sizeof *w.out->held);
        w.out->released = rl_xcalloc((size_t)w.fn->nnodes + 1, sizeof *w.out->released);
        w.out->may = rl_xcalloc((size_t)w.fn->nnodes + 1, sizeof *w.out->may);
        w.out->acquired = rl_xcalloc((size_t)w.fn->nnodes + 1, sizeof *w.out->acquired);
    }
    state entry = {rl_ls_empty(flow->locks), rl_ls_empty(flow->locks), rl_ls_empty(flow->locks),
                   rl_ls_empty(flow->locks), rl_ls_empty(flow->locks)};
    state end = run(&w, 0, entry);
    w.out->end_held = end.held;
    state exit_state = meet(&w, w.returns, end);
    int returns = exit_state.held != NULL;
    if (!exit_state.held) exit_state = entry; /* never returns (a thread loop) */
    const rl_lockset *jump_held = w.jumped ? w.jumps : NULL;
    const rl_lockset *posted = w.out->posted, *waited = w.out->waited, *barriers = w.out->barriers;
    const rl_lockset *posted_unlocked = w.out->posted_unlocked;
    flow_collect_posts_and_waits(&w);
    /* A spin on an atomic load that every return comes after (`while
     * (atomic_load(&serving) != my) ;` in a ticket lock's acquire) is a
     * wait the function surely made: its callers' calls wait too, so a
     * loop calling it posts and waits (flow_posts.c) */
    if (w.branch_waits && returns)
        w.out->waited = rl_ls_union(flow->locks, w.out->waited, rl_ls_meet(flow->locks, exit_state.acquired, w.branch_waits));
    int changed = !w.out->analysed || w.out->exit_held != exit_state.held ||
                  w.out->exit_released != exit_state.released || w.out->exit_may != exit_state.may ||
                  w.out->exit_acquired != exit_state.acquired || w.out->posted != posted ||
                  w.out->posted_unlocked != posted_unlocked ||
                  w.out->waited != waited || w.out->barriers != barriers || w.out->jump_held != jump_held ||
                  w.out->returns != returns;
    w.out->jump_held = jump_held;
    w.out->returns = returns;
    w.out->exit_held = exit_state.held;
    w.out->exit_released = exit_state.released;
    w.out->exit_may = exit_state.may;
    w.out->exit_acquired = exit_state.acquired;
    w.out->analysed = 1;
    return changed;
}

/* Post-order over direct calls so callees are summarised before callers. */
static void postorder(rl_program *p, size_t i, char *mark, size_t *order, size_t *n)
{
    /* Iterative DFS: recursion depth would follow the call graph's. */
    typedef struct frame {
        size_t fn;
        int32_t node;
    } frame;
    frame *stack = rl_xmalloc((p->nfns + 1) * sizeof *stack);
    size_t sp = 0;
    mark[i] = 1;
    stack[sp++] = (frame){i, 0};
    while (sp) {
        frame *f = &stack[sp - 1];
        const rl_fn_info *info = &p->fns[f->fn];
        int pushed = 0;
        while (f->node < info->fn->nnodes) {
            int32_t nd = f->node++;
            if (!info->callees[nd] || info->fn->nodes[nd].kind != RL_N_CALL) continue;
            int c = rl_program_find(p, info->callees[nd]);
            if (c >= 0 && !mark[c]) {
                mark[c] = 1;
                stack[sp++] = (frame){(size_t)c, 0};
                pushed = 1;
                break;
            }
        }
        if (!pushed) {
            order[(*n)++] = f->fn;
            sp--;
        }
    }
    free(stack);
}

rl_flow *rl_flow_compute(rl_program *p)
{
    rl_flow *flow = rl_xcalloc(1, sizeof *flow);
    flow->locks = rl_lockset_table_new();
    flow->pool = p->pool;
    flow->nfns = p->nfns;
    flow->fns = rl_xcalloc(p->nfns + 1, sizeof *flow->fns);
    flow_find_flags(p, flow);
    /* Label names compare by pointer: a function's labels all come from
     * its unit's pool. */
    char *mark = rl_xcalloc(p->nfns + 1, 1);
    size_t *order = rl_xmalloc((p->nfns + 1) * sizeof *order), n = 0;
    for (size_t i = 0; i < p->nfns; i++)
        if (!mark[i]) postorder(p, i, mark, order, &n);
    rl_loop_start_find(p, order, n, &flow->kept_at_start);
    for (int round = 0; round < MAX_SUMMARY_ROUNDS; round++) {
        int changed = 0;
        flow_forget_call_summaries(flow);
        for (size_t k = 0; k < n; k++) changed |= analyse(p, flow, order[k]);
        if (!changed) break;
    }
    flow_forget_call_summaries(flow);
    free(mark);
    free(order);
    return flow;
}

void rl_flow_free(rl_flow *flow)
{
    if (!flow) return;
    for (size_t i = 0; i < flow->nfns; i++) {
        free(flow->fns[i].held);
        free(flow->fns[i].released);
        free(flow->fns[i].may);
        free(flow->fns[i].acquired);
        free(flow->fns[i].post_nodes);
        free(flow->fns[i].post_objects);
        free(flow->fns[i].wait_nodes);
        free(flow->fns[i].wait_objects);
        free(flow->fns[i].posted_after);
        free(flow->fns[i].posted_after_known);
        free(flow->fns[i].cut_by_return);
    }
    free(flow->fns);
    rl_ptrmap_free(&flow->tested_flags);
    rl_ptrmap_free(&flow->set_flags);
    rl_ptrmap_free(&flow->kept_at_start);
    rl_ptrmap_free(&flow->spin_released);
    rl_lockset_table_free(flow->locks);
    free(flow);
}
