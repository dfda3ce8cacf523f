/* Intraprocedural lock flow and function summaries (flow.h). */
#include "flow.h"
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
} walk;

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
static const rl_lockset *translate(walk *w, const rl_lockset *s, const rl_node *call)
{
    const rl_lockset *r = rl_ls_empty(w->flow->locks);
    for (size_t i = 0; s && i < s->n; i++) {
        rl_root_kind k = rl_place_root(s->e[i].lock, NULL);
        if (k == RL_ROOT_LOCAL || k == RL_ROOT_HEAP) continue;
        const char *t = rl_place_subst(w->p->pool, s->e[i].lock, call->args, call->nargs);
        if (t[0]) r = rl_ls_add(w->flow->locks, r, t, s->e[i].shared);
    }
    return r;
}

static state apply_callee(walk *w, state s, const rl_node *call, int callee)
{
    if (!s.held || callee < 0) return s;
    rl_fn_flow *cf = &w->flow->fns[callee];
    if (!cf->analysed || !cf->exit_held) return s;
    const rl_lockset *rel = translate(w, cf->exit_released, call);
    const rl_lockset *acq = translate(w, cf->exit_held, call);
    const rl_lockset *may = translate(w, cf->exit_may, call);
    /* What the callee took on every path, it took before what follows. */
    if (cf->exit_acquired) s.acquired = rl_ls_union(w->flow->locks, s.acquired, translate(w, cf->exit_acquired, call));
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
/* Whether node n of a function is a fence flagged `flag`
 * (RL_CALL_FENCE_RELEASE or RL_CALL_FENCE_ACQUIRE). */
/* Locked flags. `lock(m); done = 1; unlock(m);` against `lock(m); ok =
 * done; unlock(m); if (ok) ...`: a reader that saw the flag set under the
 * lock took the lock after the writer let it go, so what the writer did
 * before setting the flag comes before what the reader does once it saw
 * it. As for an atomic flag, the store is a post on the flag and the
 * tested read a wait on it, found on the branch that read it set
 * (on_branch): a plain store of a nonzero constant made under a lock, to
 * a flag some condition tests after taking a lock in its body
 * (flow->tested_flags, RL_READ_LOCKED, by its last member or its global's
 * name, so that a store posts only where a test may take it: posts are
 * summarised up every caller), and a plain read made under a lock and
 * tested by a condition. Which locks is not compared: a flag
 * written and read under two locks races, and that race is reported. */

/* The key of a flag's place: its last member (".done"), or the whole
 * place for a variable. */
static const char *flag_key(const char *place)
{
    const char *dot = strrchr(place, '.');
    return dot ? dot : place;
}

/* Whether a flag's place is in one of flow's flag sets. Looked up, not
 * interned: a key no set holds is in no pool either. */
static int flag_in(const rl_ptrmap *set, const rl_strpool *pool, const char *place)
{
    const char *key = rl_strpool_find(pool, flag_key(place));
    return key && rl_ptrmap_get(set, key);
}

/* Whether node i is a plain read made under a lock, of a flag some
 * store sets to a constant (flow->set_flags: a read of anything else
 * waits for nothing, and would only make the histories larger). */
static int locked_flag_read(const walk *w, int32_t i)
{
    const rl_node *n = &w->fn->nodes[i];
    const rl_lockset *held = w->out->held[i];
    return n->kind == RL_N_ACCESS && (n->flags & RL_ACC_READ) && !(n->flags & (RL_ACC_WRITE | RL_ACC_ATOMIC)) &&
           held && held->n > 0 && flag_in(&w->flow->set_flags, w->p->pool, n->text);
}

/* Whether node i stores a nonzero constant to a tested flag under a lock. */
static int locked_flag_store(const walk *w, int32_t i)
{
    const rl_node *n = &w->fn->nodes[i];
    const rl_lockset *held = w->out->held[i];
    return n->kind == RL_N_ACCESS && n->api && strcmp(n->api, RL_STORE_FLAG) == 0 && !(n->flags & RL_ACC_ATOMIC) &&
           held && held->n > 0 && flag_in(&w->flow->tested_flags, w->p->pool, n->text);
}

/* The flags some condition tests with a plain read after a lock call
 * (flow->tested_flags), and those some store sets to a constant
 * (flow->set_flags). */
static void find_flags(rl_program *p, rl_flow *flow)
{
    for (size_t k = 0; k < p->nfns; k++) {
        const rl_function *f = p->fns[k].fn;
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            if (n->kind == RL_N_ACCESS && n->api && strcmp(n->api, RL_STORE_FLAG) == 0)
                rl_ptrmap_put(&flow->set_flags, rl_intern(p->pool, flag_key(n->text)), (void *)1);
            if ((n->kind != RL_N_IF && n->kind != RL_N_LOOP) || n->aux < 0 || (n->flags & RL_IF_LAST)) continue;
            const rl_node *t = &f->nodes[n->aux];
            if (t->kind == RL_N_ACCESS && !(t->flags & (RL_ACC_ATOMIC | RL_ACC_WRITE)) && t->api &&
                strcmp(t->api, RL_READ_LOCKED) == 0)
                rl_ptrmap_put(&flow->tested_flags, rl_intern(p->pool, flag_key(t->text)), (void *)1);
        }
    }
}

static int is_fence(const rl_node *n, uint8_t flag)
{
    return n->kind == RL_N_CALL && (n->flags & flag);
}

/* The function's last fence flagged `flag`, or -1 (one scan per walk). */
static int32_t last_fence(const rl_function *f, uint8_t flag)
{
    int32_t found = -1;
    for (int32_t i = 0; i < f->nnodes; i++)
        if (is_fence(&f->nodes[i], flag)) found = i;
    return found;
}

/* Whether the atomic load at node i acquires: its order does, or it is
 * relaxed and an acquire fence comes after it in the function (C11
 * 7.17.4: the fence then acquires what the load read). A plain read of a
 * flag acquires when it was made under a lock (locked_flag_read). */
static int load_acquires(const walk *w, int32_t i)
{
    if (!rl_node_is_atomic_load(&w->fn->nodes[i])) return locked_flag_read(w, i);
    return rl_node_is_acquire_load(&w->fn->nodes[i]) || w->last_acquire_fence > i;
}

/* Where the atomic store at node i releases: at itself when its order
 * does, at the release fence before it (the last one, `fence`, or -1)
 * when it is relaxed (what the function did before that fence is
 * released); -1 for neither. */
static int32_t release_point(const rl_function *f, int32_t i, int32_t fence)
{
    const rl_node *n = &f->nodes[i];
    if (rl_node_is_release_store(n)) return i;
    int relaxed_write = n->kind == RL_N_ACCESS && (n->flags & RL_ACC_ATOMIC) && (n->flags & RL_ACC_WRITE) && n->api &&
                        strcmp(n->api, RL_ATOMIC_RELAXED) == 0;
    return relaxed_write ? fence : -1;
}

/* Whether the decrement at node i, tested by a last reference's
 * condition (facts.h, RL_IF_LAST), orders the decrements of its counter:
 * an atomic one does; a plain one only under a lock of the function's
 * own (every thread decrementing under it, the one that brought the
 * counter to zero took the lock after every other had let it go). */
static int last_decrement(const walk *w, int32_t i)
{
    if (w->fn->nodes[i].flags & RL_ACC_ATOMIC) return 1;
    const rl_lockset *held = w->out->held[i];
    return held && held->n > 0;
}

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
        if (s.held && last_decrement(w, n->aux) &&
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
        if (s.held && load_acquires(w, n->aux)) s.acquired = rl_ls_add(w->flow->locks, s.acquired, t->text, 0);
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
    return (t->flags & RL_LOCK_JUMP_TARGET) ? landed(w, s) : acquire(w, s, t);
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
        at = rl_ls_union(w->flow->locks, s.held, translate(w, w->flow->fns[callee].jump_held, &w->fn->nodes[id]));
    if (!at) return;
    w->jumps = w->jumped ? rl_ls_meet(w->flow->locks, w->jumps, at) : at;
    w->jumped = 1;
}

static state run_if(walk *w, int32_t id, state s)
{
    int32_t cond = rl_fn_child(w->fn, id, 0), then = rl_fn_child(w->fn, id, 1), els = rl_fn_child(w->fn, id, 2);
    s = run(w, cond, s);
    state t = run(w, then, on_branch(w, id, s, RL_TRY_ON_TRUE));
    state e = run(w, els, on_branch(w, id, s, RL_TRY_ON_FALSE));
    return meet(w, t, e);
}

static const rl_lockset *translate(walk *w, const rl_lockset *s, const rl_node *call);

/* The objects the call at node i waits on (a wait, or a callee that may
 * wait: uv_cond_wait), in the caller's terms; empty for other nodes. A
 * condition variable's own wait counts only at the exit of a loop around
 * it (at_loop_exit): right after it, it may have returned without a post
 * (a spurious wakeup; a signal sent before it waited, then another one),
 * and only the loop's predicate, checked under the mutex, says the poster
 * came first. A wait that may not wait at all (sem_trywait) counts only
 * on the branch its result says it waited (on_branch), never here. */
static const rl_lockset *waited_by_call(walk *w, int32_t i, int at_loop_exit)
{
    const rl_lockset *r = rl_ls_empty(w->flow->locks);
    if (w->fn->nodes[i].kind != RL_N_CALL || w->info->doomed[i]) return r;
    const char *own = rl_program_sync_object(w->p, w->info, i, RL_API_WAIT);
    if (own && !at_loop_exit && rl_program_wait_may_return_alone(w->p, w->info, i)) own = NULL;
    if (own && rl_program_wait_can_fail(w->p, w->info, i)) own = NULL;
    if (own) r = rl_ls_add(w->flow->locks, r, own, 0);
    int callee = w->info->callees[i] ? rl_program_find(w->p, w->info->callees[i]) : -1;
    if (callee >= 0 && w->flow->fns[callee].waited && w->flow->fns[callee].waited->n)
        r = rl_ls_union(w->flow->locks, r, translate(w, w->flow->fns[callee].waited, &w->fn->nodes[i]));
    return r;
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
    const rl_lockset *waits = rl_ls_empty(w->flow->locks);
    for (int32_t i = id + 1; i <= w->fn->nodes[id].end; i++)
        waits = rl_ls_union(w->flow->locks, waits, waited_by_call(w, i, 1));
    exit_state.acquired = rl_flow_add_waits(w->flow, exit_state.acquired, NULL, waits);
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
    if (s.held) s.acquired = rl_flow_add_waits(w->flow, s.acquired, before, waited_by_call(w, id, 0));
    return s;
}

/* A ONCE node: after pthread_once(&ctl, init), init has run, and its
 * accesses (published on ctl, threads.c) come before what follows. Kept
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

/* The most posts and waits of its own a function is searched through for
 * a barrier made by hand. */
#define MAX_OWN_SYNC 16

/* Whether node n of f lies in the subtree of node top (top included). */
static int in_subtree(const rl_function *f, int32_t top, int32_t n)
{
    return top >= 0 && n >= top && n <= f->nodes[top].end;
}

/* Whether nodes a and b of f lie in the two branches of one `if`. */
static int in_two_branches(const rl_function *f, int32_t a, int32_t b)
{
    for (int32_t p = f->nodes[a].parent; p >= 0; p = f->nodes[p].parent) {
        if (f->nodes[p].kind != RL_N_IF) continue;
        int32_t then = rl_fn_child(f, p, 1), els = rl_fn_child(f, p, 2);
        if ((in_subtree(f, then, a) && in_subtree(f, els, b)) || (in_subtree(f, els, a) && in_subtree(f, then, b)))
            return 1;
    }
    return 0;
}

/* The objects f posts on in one branch of an `if` and waits on in the
 * other (`if (++count == n) broadcast(&cv); else while (...) wait(&cv,
 * &m);`): every caller but the last waits until the last arrives, as at
 * pthread_barrier_wait. posts and waits: f's own, by node. */
static const rl_lockset *hand_made_barriers(walk *w, const int32_t *post_at, const char *const *post_obj, int nposts,
                                            const int32_t *wait_at, const char *const *wait_obj, int nwaits)
{
    const rl_lockset *r = rl_ls_empty(w->flow->locks);
    for (int i = 0; i < nposts; i++)
        for (int j = 0; j < nwaits; j++)
            if (strcmp(post_obj[i], wait_obj[j]) == 0 && in_two_branches(w->fn, post_at[i], wait_at[j]))
                r = rl_ls_add(w->flow->locks, r, post_obj[i], 0);
    return r;
}

/* Appends node i and its objects to a function's posts (or waits). */
static void add_sync_node(int32_t **nodes, const rl_lockset ***objects, size_t *n, size_t *cap, int32_t i,
                          const rl_lockset *set)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 4;
        *nodes = rl_xrealloc(*nodes, *cap * sizeof **nodes);
        *objects = rl_xrealloc(*objects, *cap * sizeof **objects);
    }
    (*nodes)[*n] = i;
    (*objects)[(*n)++] = set;
}

/* The function's own post and wait calls, and the calls into callees that
 * post or wait, with its post-and-wait summary (posted, waits). Atomic
 * writes that release are posts on their objects (a flag set after the
 * data it announces); the atomic loads a condition tests are waits, their
 * objects joining the history on the branch that read a stored value
 * (on_branch). */
/* Whether node i of the walked function holds a lock, or comes after an
 * unlock or a call that took one (`lock; ready = 1; unlock; signal;`):
 * a condition variable's signal there orders what came before it through
 * the mutex (apimodel.h, through_lock). */
static int lock_around(const walk *w, int32_t i)
{
    if (w->out->held[i] && w->out->held[i]->n) return 1;
    for (int32_t j = 0; j < i; j++) {
        const rl_node *n = &w->fn->nodes[j];
        if (n->kind == RL_N_UNLOCK) return 1;
        int callee = n->kind == RL_N_CALL && w->info->callees[j] ? rl_program_find(w->p, w->info->callees[j]) : -1;
        if (callee >= 0 && w->flow->fns[callee].exit_acquired && w->flow->fns[callee].exit_acquired->n) return 1;
    }
    return 0;
}

/* Whether node i is inside a loop whose wait may never run
 * (loop_start.h), the innermost loop around it: a condition variable's
 * wait there is no wait the function surely made. */
static int in_loop_that_may_skip(const walk *w, int32_t i)
{
    for (int32_t q = w->fn->nodes[i].parent; q >= 0; q = w->fn->nodes[q].parent)
        if (w->fn->nodes[q].kind == RL_N_LOOP) return rl_loop_start_may_skip(w->p, &w->flow->kept_at_start, &w->fn->nodes[q]);
    return 0;
}

static void collect_posts_and_waits(walk *w)
{
    rl_fn_flow *out = w->out;
    out->nposts = out->nwaits = 0;
    const rl_lockset *posted = rl_ls_empty(w->flow->locks);
    const rl_lockset *posted_unlocked = rl_ls_empty(w->flow->locks);
    const rl_lockset *waited = rl_ls_empty(w->flow->locks);
    const rl_lockset *barriers = rl_ls_empty(w->flow->locks);
    size_t cap_posts = 0, cap_waits = 0;
    int32_t own_post_at[MAX_OWN_SYNC], own_wait_at[MAX_OWN_SYNC];
    int32_t release_fence = -1; /* the last release fence met so far */
    const char *own_post[MAX_OWN_SYNC], *own_wait[MAX_OWN_SYNC];
    int nown_posts = 0, nown_waits = 0;
    /* the plain decrements a last reference's test reads (posts are
     * listed in node order: each is added where it is, not at its test) */
    uint8_t *tested_last = NULL;
    for (int32_t i = 0; i < w->fn->nnodes; i++) {
        const rl_node *n = &w->fn->nodes[i];
        if (n->kind != RL_N_IF || !(n->flags & RL_IF_LAST) || (w->fn->nodes[n->aux].flags & RL_ACC_ATOMIC)) continue;
        if (!tested_last) tested_last = rl_xcalloc((size_t)w->fn->nnodes, 1);
        tested_last[n->aux] = 1;
    }
    for (int32_t i = 0; i < w->fn->nnodes; i++) {
        const rl_node *n = &w->fn->nodes[i];
        if (is_fence(n, RL_CALL_FENCE_RELEASE)) release_fence = i;
        /* A store that posts on its object: an atomic one that releases
         * (a relaxed one after a release fence, at the fence); a flag set
         * under a lock, and a plain decrement under a lock tested for the
         * last reference (as an atomic one is), each at the node after it:
         * the store is released with the lock, before the reader or the
         * last holder takes it. */
        int32_t at = release_point(w->fn, i, release_fence);
        if (at < 0 && n->end + 1 < w->fn->nnodes &&
            (locked_flag_store(w, i) || (tested_last && tested_last[i] && last_decrement(w, i))))
            at = n->end + 1;
        if (at >= 0) {
            add_sync_node(&out->post_nodes, &out->post_objects, &out->nposts, &cap_posts, at,
                          rl_ls_add(w->flow->locks, rl_ls_empty(w->flow->locks), n->text, 0));
            posted = rl_ls_add(w->flow->locks, posted, n->text, 0);
            continue;
        }
        if ((n->kind == RL_N_IF || n->kind == RL_N_LOOP) && n->aux >= 0 && w->fn->nodes[n->aux].kind == RL_N_ACCESS &&
            !(n->flags & RL_IF_LAST) && load_acquires(w, n->aux)) {
            /* a condition testing an atomic load (or a flag read under a
             * lock) waits on its object, at the load: its object joins
             * the history on the branch that read a stored value
             * (on_branch). It is no wait of the function for its callers
             * (`waited`, its summary): that branch is one of several
             * (`if (atomic_load(&ready)) return data;`, a pool's `if
             * (!s->in_use)` claiming the slot on the other), and what the
             * callers get of it comes with the history of the function's
             * exit, as a spin loop's does. */
            const char *object = w->fn->nodes[n->aux].text;
            add_sync_node(&out->wait_nodes, &out->wait_objects, &out->nwaits, &cap_waits, n->aux,
                          rl_ls_add(w->flow->locks, rl_ls_empty(w->flow->locks), object, 0));
            continue;
        }
        if (w->fn->nodes[i].kind != RL_N_CALL || w->info->doomed[i]) continue;
        const rl_lockset *objects = rl_ls_empty(w->flow->locks);
        const char *own = rl_program_sync_object(w->p, w->info, i, RL_API_POST);
        if (own) objects = rl_ls_add(w->flow->locks, objects, own, 0);
        const char *own_waited = rl_program_sync_object(w->p, w->info, i, RL_API_WAIT);
        if (own && nown_posts < MAX_OWN_SYNC) {
            own_post_at[nown_posts] = i;
            own_post[nown_posts++] = own;
        }
        if (own_waited && nown_waits < MAX_OWN_SYNC) {
            own_wait_at[nown_waits] = i;
            own_wait[nown_waits++] = own_waited;
        }
        const rl_lockset *waits = waited_by_call(w, i, !in_loop_that_may_skip(w, i));
        int callee = w->info->callees[i] ? rl_program_find(w->p, w->info->callees[i]) : -1;
        if (callee >= 0 && w->flow->fns[callee].posted && w->flow->fns[callee].posted->n)
            objects = rl_ls_union(w->flow->locks, objects, translate(w, w->flow->fns[callee].posted, &w->fn->nodes[i]));
        /* A condition variable signalled with no lock held or released
         * (`f->done = 1; pthread_cond_signal(&f->cv);`) orders nothing
         * here: no mutex carries what came before it to the waiter. It
         * still does for a caller that holds one around the call. */
        const rl_lockset *unlocked = rl_ls_empty(w->flow->locks);
        if (own && rl_program_post_through_lock(w->p, w->info, i)) {
            unlocked = rl_ls_add(w->flow->locks, unlocked, own, 0);
            objects = rl_ls_remove(w->flow->locks, objects, own);
        }
        if (callee >= 0 && w->flow->fns[callee].posted_unlocked && w->flow->fns[callee].posted_unlocked->n)
            unlocked = rl_ls_union(w->flow->locks, unlocked,
                                   translate(w, w->flow->fns[callee].posted_unlocked, &w->fn->nodes[i]));
        if (unlocked->n && lock_around(w, i)) objects = rl_ls_union(w->flow->locks, objects, unlocked);
        else if (unlocked->n) posted_unlocked = rl_ls_union(w->flow->locks, posted_unlocked, unlocked);
        const char *barrier = rl_program_sync_object(w->p, w->info, i, RL_API_BARRIER);
        if (barrier) barriers = rl_ls_add(w->flow->locks, barriers, barrier, 0);
        if (callee >= 0 && w->flow->fns[callee].barriers && w->flow->fns[callee].barriers->n)
            barriers = rl_ls_union(w->flow->locks, barriers, translate(w, w->flow->fns[callee].barriers, &w->fn->nodes[i]));
        if (objects->n) {
            add_sync_node(&out->post_nodes, &out->post_objects, &out->nposts, &cap_posts, i, objects);
            posted = rl_ls_union(w->flow->locks, posted, objects);
        }
        if (waits->n) {
            add_sync_node(&out->wait_nodes, &out->wait_objects, &out->nwaits, &cap_waits, i, waits);
            waited = rl_ls_union(w->flow->locks, waited, waits);
        }
    }
    free(tested_last);
    out->own_barriers = hand_made_barriers(w, own_post_at, own_post, nown_posts, own_wait_at, own_wait, nown_waits);
    out->posted = posted;
    out->posted_unlocked = posted_unlocked;
    out->waited = waited;
    out->barriers = rl_ls_union(w->flow->locks, barriers, out->own_barriers);
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
    w.last_acquire_fence = last_fence(w.fn, RL_CALL_FENCE_ACQUIRE);
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
    collect_posts_and_waits(&w);
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
    find_flags(p, flow);
    /* Label names compare by pointer: a function's labels all come from
     * its unit's pool. */
    char *mark = rl_xcalloc(p->nfns + 1, 1);
    size_t *order = rl_xmalloc((p->nfns + 1) * sizeof *order), n = 0;
    for (size_t i = 0; i < p->nfns; i++)
        if (!mark[i]) postorder(p, i, mark, order, &n);
    rl_loop_start_find(p, order, n, &flow->kept_at_start);
    for (int round = 0; round < MAX_SUMMARY_ROUNDS; round++) {
        int changed = 0;
        for (size_t k = 0; k < n; k++) changed |= analyse(p, flow, order[k]);
        if (!changed) break;
    }
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
    }
    free(flow->fns);
    rl_ptrmap_free(&flow->tested_flags);
    rl_ptrmap_free(&flow->set_flags);
    rl_ptrmap_free(&flow->kept_at_start);
    rl_lockset_table_free(flow->locks);
    free(flow);
}
