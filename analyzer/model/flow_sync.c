/* A function's posts and waits (flow_internal.h): which of its nodes post
 * on which objects (signals, semaphore posts, flags set under a lock,
 * release stores, a last reference's decrement), which wait (waits,
 * semaphore waits, acquire loads tested by a condition), barriers made
 * with library calls or by hand, and the summaries its callers apply.
 *
 * Invariant: read only from a finished walk of the function (flow.c):
 * the held sets of w->out are those of this round. */
#include "flow_internal.h"
#include "loop_start.h"
#include "../apimodel/apimodel.h"
#include "../util/mem.h"
#include <stdlib.h>
#include <string.h>

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
    return n->kind == RL_N_ACCESS && rl_api_is_flag_store(n->api) && !(n->flags & RL_ACC_ATOMIC) &&
           held && held->n > 0 && flag_in(&w->flow->tested_flags, w->p->pool, n->text);
}

/* The flags some condition tests with a plain read after a lock call
 * (flow->tested_flags), those some store sets to a constant
 * (flow->set_flags), and the words spinlock releases give back
 * (flow->spin_released). */
void flow_find_flags(rl_program *p, rl_flow *flow)
{
    for (size_t k = 0; k < p->nfns; k++) {
        const rl_function *f = p->fns[k].fn;
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            if (n->kind == RL_N_ACCESS && rl_api_is_flag_store(n->api))
                rl_ptrmap_put(&flow->set_flags, rl_intern(p->pool, flag_key(n->text)), (void *)1);
            if (n->kind == RL_N_UNLOCK && (n->flags & RL_LOCK_SPIN) && n->text)
                rl_ptrmap_put(&flow->spin_released, rl_intern(p->pool, flag_key(n->text)), (void *)1);
            if ((n->kind != RL_N_IF && n->kind != RL_N_LOOP) || n->aux < 0 || (n->flags & RL_IF_LAST)) continue;
            const rl_node *t = &f->nodes[n->aux];
            if (t->kind == RL_N_ACCESS && !(t->flags & (RL_ACC_ATOMIC | RL_ACC_WRITE)) && t->api &&
                strcmp(t->api, RL_READ_LOCKED) == 0)
                rl_ptrmap_put(&flow->tested_flags, rl_intern(p->pool, flag_key(t->text)), (void *)1);
        }
    }
}

int flow_spin_released(const walk *w, const rl_node *n)
{
    return n->text && flag_in(&w->flow->spin_released, w->p->pool, n->text);
}

/* Whether node n of a function is a fence flagged `flag`
 * (RL_CALL_FENCE_RELEASE or RL_CALL_FENCE_ACQUIRE). */
static int is_fence(const rl_node *n, uint8_t flag)
{
    return n->kind == RL_N_CALL && (n->flags & flag);
}

/* The function's last fence flagged `flag`, or -1 (one scan per walk). */
int32_t flow_last_fence(const rl_function *f, uint8_t flag)
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
int flow_load_acquires(const walk *w, int32_t i)
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
int flow_last_decrement(const walk *w, int32_t i)
{
    if (w->fn->nodes[i].flags & RL_ACC_ATOMIC) return 1;
    const rl_lockset *held = w->out->held[i];
    return held && held->n > 0;
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
    /* kept in node order (posts_before groups a node's entries): a post
     * moved back to an earlier unlock goes before the later nodes */
    size_t at = *n;
    while (at > 0 && (*nodes)[at - 1] > i) at--;
    memmove(*nodes + at + 1, *nodes + at, (*n - at) * sizeof **nodes);
    memmove(*objects + at + 1, *objects + at, (*n - at) * sizeof **objects);
    (*nodes)[at] = i;
    (*objects)[at] = set;
    (*n)++;
}

/* Where a condition variable's signal at node i of the walked function
 * orders what came before it through a mutex (apimodel.h, through_lock):
 * at i when i holds a lock; else at the last unlock, or call that took
 * one, before it (`lock; ready = 1; unlock; signal;`): what the function
 * did between that unlock and the signal reaches the waiter through no
 * mutex (`unlock; j->result = 42; signal;` races with the waiter's read).
 * -1 when there is none. */
static int32_t lock_around(const walk *w, int32_t i)
{
    if (w->out->held[i] && w->out->held[i]->n) return i;
    for (int32_t j = i - 1; j >= 0; j--) {
        const rl_node *n = &w->fn->nodes[j];
        if (n->kind == RL_N_UNLOCK) return j;
        int callee = n->kind == RL_N_CALL && w->info->callees[j] ? rl_program_find(w->p, w->info->callees[j]) : -1;
        if (callee >= 0 && w->flow->fns[callee].exit_acquired && w->flow->fns[callee].exit_acquired->n) return j;
    }
    return -1;
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

/* The function's own post and wait calls, and the calls into callees that
 * post or wait, with its post-and-wait summary (posted, waits). Atomic
 * writes that release are posts on their objects (a flag set after the
 * data it announces); the atomic loads a condition tests are waits, their
 * objects joining the history on the branch that read a stored value
 * (on_branch). */
void flow_collect_posts_and_waits(walk *w)
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
            (locked_flag_store(w, i) || (tested_last && tested_last[i] && flow_last_decrement(w, i))))
            at = n->end + 1;
        if (at >= 0) {
            add_sync_node(&out->post_nodes, &out->post_objects, &out->nposts, &cap_posts, at,
                          rl_ls_add(w->flow->locks, rl_ls_empty(w->flow->locks), n->text, 0));
            posted = rl_ls_add(w->flow->locks, posted, n->text, 0);
            continue;
        }
        if ((n->kind == RL_N_IF || n->kind == RL_N_LOOP) && n->aux >= 0 && w->fn->nodes[n->aux].kind == RL_N_ACCESS &&
            !(n->flags & RL_IF_LAST) && flow_load_acquires(w, n->aux)) {
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
        const rl_lockset *waits = flow_waited_by_call(w, i, !in_loop_that_may_skip(w, i));
        int callee = w->info->callees[i] ? rl_program_find(w->p, w->info->callees[i]) : -1;
        if (callee >= 0 && w->flow->fns[callee].posted && w->flow->fns[callee].posted->n)
            objects = rl_ls_union(w->flow->locks, objects, flow_translate(w, w->flow->fns[callee].posted, &w->fn->nodes[i]));
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
                                   flow_translate(w, w->flow->fns[callee].posted_unlocked, &w->fn->nodes[i]));
        int32_t through = unlocked->n ? lock_around(w, i) : -1;
        if (through == i) {
            objects = rl_ls_union(w->flow->locks, objects, unlocked);
        } else if (through >= 0) {
            add_sync_node(&out->post_nodes, &out->post_objects, &out->nposts, &cap_posts, through, unlocked);
            posted = rl_ls_union(w->flow->locks, posted, unlocked);
        } else if (unlocked->n) {
            posted_unlocked = rl_ls_union(w->flow->locks, posted_unlocked, unlocked);
        }
        const char *barrier = rl_program_sync_object(w->p, w->info, i, RL_API_BARRIER);
        if (barrier) barriers = rl_ls_add(w->flow->locks, barriers, barrier, 0);
        if (callee >= 0 && w->flow->fns[callee].barriers && w->flow->fns[callee].barriers->n)
            barriers = rl_ls_union(w->flow->locks, barriers, flow_translate(w, w->flow->fns[callee].barriers, &w->fn->nodes[i]));
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
