/* What a function's posts and waits order, asked by the model once the
 * lock flow has found them (flow.h: rl_flow_posted_after,
 * rl_flow_posted_after_call, rl_flow_posted_before, rl_flow_waits_before;
 * and the second round of posts: rl_flow_second_round, rl_flow_add_waits).
 * The flow (flow.c) lists each function's post and wait nodes with their
 * objects; these queries read only those lists and the function's tree.
 *
 * Invariants:
 *  1. Nothing here changes a flow but the per-node memo of
 *     rl_flow_posted_after (rl_fn_flow.posted_after), made on first use;
 *     the marks it returns are interned in the program's pool.
 *  2. A post counts for an access only when nothing lets the waiter in
 *     before the access runs: no round of a loop that posts without
 *     waiting, no barrier the access may already have passed, and no
 *     earlier post on the same object without a wait between, or then
 *     only for a waiter that waited a second time (the object's mark,
 *     place.h RL_AGAIN_MARK) when there was exactly one. */
#include "flow.h"
#include "place.h"
#include "../util/mem.h"
#include <stdlib.h>
#include <string.h>

/* Whether function f waits somewhere in nodes [from, to]. */
static int waits_between(const rl_fn_flow *ff, int32_t from, int32_t to)
{
    for (size_t k = 0; k < ff->nwaits; k++)
        if (ff->wait_nodes[k] >= from && ff->wait_nodes[k] <= to) return 1;
    return 0;
}

/* Whether node `node` of f lies inside the loop node `loop`. */
static int inside(const rl_function *f, int32_t loop, int32_t node)
{
    return node > loop && node <= f->nodes[loop].end;
}

/* The barriers of `objects` that node i of f may already have passed: a
 * wait at one of them comes before i in node order, or in a loop holding
 * i (the next round waits before it runs i again). */
static const rl_lockset *barriers_passed(const rl_flow *flow, const rl_fn_flow *ff, const rl_function *f, int32_t i,
                                         const rl_lockset *objects)
{
    const rl_lockset *r = rl_ls_empty(flow->locks);
    if (!ff->barriers || !ff->barriers->n) return r;
    for (size_t k = 0; k < ff->nwaits; k++) {
        int32_t wn = ff->wait_nodes[k];
        int before = wn < i;
        for (int32_t p = f->nodes[i].parent; p >= 0 && !before; p = f->nodes[p].parent)
            if (rl_node_is_repeating_loop(&f->nodes[p]) && inside(f, p, wn)) before = 1;
        if (!before) continue;
        const rl_lockset *w = ff->wait_objects[k];
        for (size_t e = 0; e < w->n; e++)
            if (rl_ls_contains(ff->barriers, w->e[e].lock) && rl_ls_contains(objects, w->e[e].lock))
                r = rl_ls_add(flow->locks, r, w->e[e].lock, 0);
    }
    return r;
}

/* Whether post node j, before node i in a loop that holds both and waits,
 * posts again in the next round, after i: the dispatcher reading a result
 * after its wait for `done`, then posting the next job (`for (...) {
 * fill; post(&ready); wait(&done); read; }`). */
static int next_round_posts(const rl_function *f, const rl_fn_flow *ff, int32_t i, int32_t j)
{
    for (int32_t p = f->nodes[i].parent; p >= 0; p = f->nodes[p].parent) {
        const rl_node *loop = &f->nodes[p];
        if (rl_node_is_repeating_loop(loop) && j > p && j <= loop->end)
            return waits_between(ff, p, loop->end);
    }
    return 0;
}

/* How posted_after_now counts: for a caller's call, with no posts of a
 * next round and the earlier ones left to the chain of callers
 * (rl_flow_posted_after_call); i's object is a new one each round
 * (rl_flow_posted_after_new). */
enum { POSTS_SURELY = 1, POSTS_NEW_EACH_ROUND = 2 };

static const rl_lockset *posted_after_now(const rl_flow *flow, const rl_function *f, int fn, int32_t i, int *rounds,
                                          int how);

const rl_lockset *rl_flow_posted_after(const rl_flow *flow, const rl_function *f, int fn, int32_t i, int *rounds)
{
    rl_fn_flow *ff = &flow->fns[fn];
    if (i < 0 || i >= f->nnodes) return posted_after_now(flow, f, fn, i, rounds, 0);
    if (!ff->posted_after_known) {
        ff->posted_after = rl_xcalloc((size_t)f->nnodes, sizeof *ff->posted_after);
        ff->posted_after_known = rl_xcalloc((size_t)f->nnodes, 1);
    }
    if (!ff->posted_after_known[i]) {
        int r = 0;
        ff->posted_after[i] = posted_after_now(flow, f, fn, i, &r, 0);
        ff->posted_after_known[i] = (uint8_t)(1 + (r != 0));
    }
    if (rounds) *rounds = ff->posted_after_known[i] - 1;
    return ff->posted_after[i];
}

/* Whether node j, after node i, may run after i at all: no `return` on
 * every path from i comes between them (one whose SEQ holds i, as
 * `if (busy) { unlock; g = v; return -1; } ... running = 1;` holds the
 * write: the flag set below is on the other path). A post j counts for
 * i only then. */
static int reached_after(rl_fn_flow *ff, const rl_function *f, int32_t i, int32_t j)
{
    if (!ff->cut_by_return) {
        /* once per function: each return cuts off the nodes of its SEQ
         * before it (curl: asked for every access and post pair, a scan
         * between them doubled the thread phase) */
        ff->cut_by_return = rl_xmalloc(((size_t)f->nnodes + 1) * sizeof *ff->cut_by_return);
        for (int32_t n = 0; n < f->nnodes; n++) ff->cut_by_return[n] = f->nnodes;
        for (int32_t n = 0; n < f->nnodes; n++) {
            int32_t seq = f->nodes[n].parent;
            if (f->nodes[n].kind != RL_N_RETURN || seq < 0) continue;
            for (int32_t k = seq + 1; k < n; k++)
                if (ff->cut_by_return[k] > n) ff->cut_by_return[k] = n;
        }
    }
    return j < ff->cut_by_return[i];
}

/* Whether node j, after node i, lies on another path than i's where the
 * two part: in the other branch of the `if` holding both, or in a later
 * case of the `switch` holding both with a jump (a `break`) before that
 * case. Node order puts an `else` after its `then`, and a case after
 * the one before it, though neither runs after the other. */
static int on_other_path(const rl_function *f, int32_t i, int32_t j)
{
    int32_t a = f->nodes[j].parent;
    while (a >= 0 && !inside(f, a, i)) a = f->nodes[a].parent;
    if (a < 0) return 0;
    if (f->nodes[a].kind == RL_N_IF) {
        int32_t then_branch = rl_fn_child(f, a, 1);
        return then_branch >= 0 && (i == then_branch || inside(f, then_branch, i)) && j > f->nodes[then_branch].end;
    }
    int32_t s = a;
    while (s >= 0 && f->nodes[s].kind != RL_N_SWITCH) s = f->nodes[s].parent;
    if (s < 0) return 0;
    int jumped = 0;
    for (int32_t n = i + 1; n < j; n++) {
        if (rl_node_is_jump(&f->nodes[n])) jumped = 1;
        if (f->nodes[n].kind == RL_N_CASE && jumped) return 1;
    }
    return 0;
}

/* r (NULL: empty) with the last-reference mark (place.h) of each of
 * `objects` that may be a counter: a place, not a mark already. */
static const rl_lockset *with_last_marks(const rl_flow *flow, const rl_lockset *r, const rl_lockset *objects)
{
    rl_lock_entry *marks = rl_xmalloc((objects->n + 1) * sizeof *marks);
    size_t n = 0;
    for (size_t e = 0; e < objects->n; e++)
        if (!rl_place_is_last_mark(objects->e[e].lock, NULL) && !rl_place_is_again_mark(objects->e[e].lock))
            marks[n++] = (rl_lock_entry){rl_place_last_mark(flow->pool, objects->e[e].lock), 0};
    const rl_lockset *m = rl_ls_of(flow->locks, marks, n);
    free(marks);
    return r ? rl_ls_union(flow->locks, r, m) : m;
}

const rl_lockset *rl_flow_posted_after_call(const rl_flow *flow, const rl_function *f, int fn, int32_t call,
                                            int *rounds)
{
    return posted_after_now(flow, f, fn, call, rounds, POSTS_SURELY);
}

const rl_lockset *rl_flow_posted_after_new(const rl_flow *flow, const rl_function *f, int fn, int32_t i)
{
    return posted_after_now(flow, f, fn, i, NULL, POSTS_NEW_EACH_ROUND);
}

/* rl_flow_posted_after, or rl_flow_posted_after_call when POSTS_SURELY:
 * then none of a next round, and the posts before i left to the caller
 * (it asks every level of a chain of calls for them once); with
 * POSTS_NEW_EACH_ROUND, a post later in a loop counts whether the loop
 * waits or not. Either way a post counts only on some path from i
 * (reached_after, on_other_path). */
static const rl_lockset *posted_after_now(const rl_flow *flow, const rl_function *f, int fn, int32_t i, int *rounds,
                                          int how)
{
    int surely = (how & POSTS_SURELY) != 0;
    const rl_fn_flow *ff = &flow->fns[fn];
    /* posts that order i before a counter's last reference only (their
     * objects' last marks): cut off by a return, or in a loop that does
     * not wait */
    const rl_lockset *r = NULL, *last_only = NULL;
    int in_loop = 0;
    for (size_t k = 0; k < ff->nposts; k++) {
        int32_t j = ff->post_nodes[k];
        if (j > i && !reached_after(&flow->fns[fn], f, i, j)) {
            /* a path from i returns without this post: it orders i before
             * no waiter but the last reference of a counter, which cannot
             * run while a holder keeps its reference (a holder that leaves
             * early without dropping it blocks that branch for good) */
            last_only = last_only ? rl_ls_union(flow->locks, last_only, ff->post_objects[k]) : ff->post_objects[k];
            continue;
        }
        if (j > i && on_other_path(f, i, j)) continue;
        if (surely ? j <= i : j <= i && !next_round_posts(f, ff, i, j)) continue;
        int ordered = 1;
        for (int32_t p = f->nodes[i].parent; p >= 0; p = f->nodes[p].parent) {
            const rl_node *loop = &f->nodes[p];
            if (!rl_node_is_repeating_loop(loop) || j > loop->end) continue;
            if (j > i) in_loop = 1;
            if (!(how & POSTS_NEW_EACH_ROUND) && !waits_between(ff, p, loop->end)) ordered = 0;
        }
        if (ordered) r = r ? rl_ls_union(flow->locks, r, ff->post_objects[k]) : ff->post_objects[k];
        /* A loop that posts without waiting may redo i before a waiter
         * reads, but not before a counter's last reference, which comes
         * after every round's decrement (a round that takes a reference
         * again found the counter above zero): the post orders i before
         * that mark still (refcount_pinned_in_loop.c) */
        else last_only = last_only ? rl_ls_union(flow->locks, last_only, ff->post_objects[k]) : ff->post_objects[k];
    }
    if (rounds) *rounds = in_loop && !(how & POSTS_NEW_EACH_ROUND);
    if (last_only) r = with_last_marks(flow, r, last_only);
    if (!r) return NULL;
    const rl_lockset *passed = barriers_passed(flow, ff, f, i, r);
    for (size_t e = 0; e < passed->n; e++) r = rl_ls_remove(flow->locks, r, passed->e[e].lock);
    /* A waiter woken by an earlier post on an object may be reading while
     * i runs, so a later post on it does not order i before that waiter
     * (`signal(&cv); flag = 1; signal(&cv);`): only before one that
     * waited a second time (place.h, RL_AGAIN_MARK). */
    const rl_lockset *twice = NULL;
    const rl_lockset *earlier = surely ? NULL : rl_flow_posted_before(flow, f, fn, i, &twice);
    if (earlier) r = rl_flow_second_round(flow, r, earlier, twice);
    return r->n ? r : NULL;
}

const rl_lockset *rl_flow_second_round(const rl_flow *flow, const rl_lockset *s, const rl_lockset *once,
                                       const rl_lockset *twice)
{
    /* once may be hundreds of objects (every post up a chain of calls),
     * s a few: s is walked, and the result made in one step */
    if (!once || !once->n || !s || !s->n) return s;
    rl_lock_entry *out = rl_xmalloc((s->n + 1) * sizeof *out);
    size_t n = 0;
    int changed = 0;
    for (size_t e = 0; e < s->n; e++) {
        const char *object = s->e[e].lock;
        if (rl_place_is_again_mark(object)) {
            const char *base = rl_strpool_find_n(flow->pool, object, strlen(object) - (sizeof RL_AGAIN_MARK - 1));
            if (base && rl_ls_contains(once, base)) { /* a third round */
                changed = 1;
                continue;
            }
        } else if (rl_ls_contains(once, object)) {
            changed = 1;
            if (rl_ls_contains(twice, object)) continue;
            object = rl_place_again_mark(flow->pool, object);
        }
        out[n++] = (rl_lock_entry){object, s->e[e].shared};
    }
    const rl_lockset *r = changed ? rl_ls_of(flow->locks, out, n) : s;
    free(out);
    return r;
}

const rl_lockset *rl_flow_add_waits(const rl_flow *flow, const rl_lockset *acquired, const rl_lockset *prior,
                                    const rl_lockset *waits)
{
    const rl_lockset *r = rl_ls_union(flow->locks, acquired, waits);
    if (!prior) prior = acquired;
    for (size_t e = 0; waits && e < waits->n; e++) {
        const char *object = waits->e[e].lock;
        if (rl_ls_contains(prior, object) && !rl_place_is_last_mark(object, NULL))
            r = rl_ls_add(flow->locks, r, rl_place_again_mark(flow->pool, object), 0);
    }
    return r;
}

/* The objects fn posts on before node i (the result), and in *twice
 * those posted on at two nodes or more, or in a loop that does not hold
 * i (it may have run many times); with no wait between the post and i,
 * unless across_waits. */
static const rl_lockset *posts_before(const rl_flow *flow, const rl_function *f, int fn, int32_t i, int across_waits,
                                      const rl_lockset **twice)
{
    const rl_fn_flow *ff = &flow->fns[fn];
    /* once: the objects of the nodes before node j's; a node may be
     * listed twice (its own post and its callee's), and counts once */
    const rl_lockset *once = NULL, *before_node = NULL, *r = NULL;
    int32_t last = -1;
    for (size_t k = 0; k < ff->nposts; k++) {
        int32_t j = ff->post_nodes[k];
        if (j >= i || (!across_waits && waits_between(ff, j, i))) continue;
        if (j != last) before_node = once;
        last = j;
        int repeated = 0;
        for (int32_t p = f->nodes[j].parent; p >= 0 && !repeated; p = f->nodes[p].parent)
            repeated = rl_node_is_repeating_loop(&f->nodes[p]) && !inside(f, p, i);
        const rl_lockset *objects = ff->post_objects[k];
        for (size_t e = 0; e < objects->n; e++) {
            const char *object = objects->e[e].lock;
            if (repeated || (before_node && rl_ls_contains(before_node, object)))
                r = rl_ls_add(flow->locks, r ? r : rl_ls_empty(flow->locks), object, 0);
        }
        once = once ? rl_ls_union(flow->locks, once, objects) : objects;
    }
    *twice = r;
    return once;
}

/* A post comes before i in node order with no wait between them; a wait
 * between (`post(&req); wait(&ack);`) is a handshake: the waiter finished
 * that round first. */
const rl_lockset *rl_flow_posted_before(const rl_flow *flow, const rl_function *f, int fn, int32_t i,
                                        const rl_lockset **twice)
{
    return posts_before(flow, f, fn, i, 0, twice);
}

const rl_lockset *rl_flow_posts_before_all(const rl_flow *flow, const rl_function *f, int fn, int32_t i,
                                           const rl_lockset **twice)
{
    return posts_before(flow, f, fn, i, 1, twice);
}

int rl_flow_waits_before(const rl_flow *flow, int fn, int32_t i)
{
    const rl_fn_flow *ff = &flow->fns[fn];
    for (size_t k = 0; k < ff->nwaits; k++)
        if (ff->wait_nodes[k] < i) return 1;
    return 0;
}

