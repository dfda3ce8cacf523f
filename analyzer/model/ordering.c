/* Ordering (threads.h, "Ordering"): whether two accesses, or two
 * threads, may run at the same time. Positions are call-path vectors of
 * node indices in the spawning thread (threads_internal.h); a child runs
 * during its interval of its parent's positions, or from its start on
 * when a thread between them was not joined by its parent (it may outlive
 * it). Two accesses are ordered when their threads' intervals do not
 * overlap, when their threads come from the two branches of one `if` run
 * once, when one is made before its thread's creator let go of a lock the
 * other's thread (or an ancestor of it, before spawning towards it) takes
 * first (lock history), or when one's object was published under a lock
 * the other took (ownership.h), or when one comes before a post its
 * function makes (or a caller, once the call returned) on an object the
 * other's function waited on first (posts.c, flow.h: both travel in the
 * same sets, publish and history), or when
 * one is in a once-routine the other comes after (or shares), or when
 * each is made while its thread owns the object (ownership.h), or when
 * the parent's access follows, inside the branch where starting the child
 * failed, a join of it there. Also: which thread holds a creation lock.
 *
 * Invariants:
 *  1. Read only: nothing here changes the model, so rules may ask in any
 *     order.
 *  2. Cautious: when the thread tree does not settle a question, the
 *     answer is "may run together". */
#include "discovery.h"
#include "known.h"
#include "place.h"
#include "spawn_failure.h"
#include "threads_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for ":H<line>_<col>", the name of an allocation site. */
#define RL_SITE_NAME_MAX 32

/* ---- ordering ------------------------------------------------------------- */

rl_posvec rl_model_access_pos(const rl_model *m, const rl_access *a)
{
    return tm_ctx_position(m, &m->ctxs[a->ctx], a->node);
}

/* Whether position p of a parent lies in a child's interval. A distinct
 * object counts from the spawn to the join themselves; code that runs on
 * the first pass only (a run-once body) from the spawn itself: on that
 * first pass it comes before the spawn or not, whatever loop the spawn
 * is in. */
static const rl_posvec *interval_start(const rl_thread *child, int distinct, int first_pass)
{
    return distinct || first_pass ? &child->dstart : &child->start;
}

static int in_interval(const rl_posvec *p, const rl_thread *child, int distinct, int first_pass)
{
    const rl_posvec *end = distinct ? &child->dend : &child->end;
    return pos_cmp(p, interval_start(child, distinct, first_pass)) >= 0 && pos_cmp(p, end) < 0;
}

/* Whether an access runs on the first call of a run-once function only
 * (threads.h, RL_RUN_FIRST_PASS): past its guard, or in what that code
 * calls. */
static int first_pass_only(const rl_model *m, const rl_access *a)
{
    const rl_ctx *c = &m->ctxs[a->ctx];
    return c->in_once == RL_RUN_FIRST_PASS || rl_program_first_call_only(&m->program->fns[c->fn], a->node);
}

/* The child of `ancestor` on the way down to thread t, or -1. */
static int child_towards(const rl_model *m, int ancestor, int t)
{
    for (int c = t; c >= 0; c = m->threads[c].parent)
        if (m->threads[c].parent == ancestor) return c;
    return -1;
}

/* Whether thread t may outlive `top`, an ancestor of t or t itself: some
 * thread on the way down from top to t (top excluded) is not joined by its
 * parent, so it may run on after its parent ended, and after top ended. */
static int outlives(const rl_model *m, int t, int top)
{
    for (int x = t; x >= 0 && x != top; x = m->threads[x].parent)
        if (!m->threads[x].joined) return 1;
    return 0;
}

/* Whether position p of a child's parent comes after one of the child's
 * joins on the branch where starting it failed (threads.h), inside that
 * branch: p lies in the branch (or in a call made there), and in the
 * frame where p's path and the join's part, the join runs whenever the
 * block holding both reaches p, before it. zstd's POOL_create_advanced
 * frees the pool after joining the workers started so far; that branch is
 * all such a join ends the workers on. Another join of the child's own
 * handle (frame -1) ends it for all that follows it on its path. */
static int after_path_join(const rl_model *m, const rl_thread *child, const rl_posvec *p)
{
    for (int i = 0; i < child->npath_joins; i++) {
        const rl_path_join *join = &child->path_joins[i];
        int n = join->pos.n < p->n ? join->pos.n : p->n, k = 0;
        while (k < n && join->pos.v[k] == p->v[k]) k++;
        if (k == n || k < join->frame) continue;
        const rl_function *f = fn_of(m, join->frame_fns[k]);
        int32_t at = join->pos.v[k], node = p->v[k];
        if (at >= f->nnodes || node >= f->nnodes || at > node) continue;
        if (k == join->frame && !(node >= join->branch && node <= f->nodes[join->branch].end)) continue;
        /* a loop joining the handles one by one joins them all once left */
        for (int32_t q = f->nodes[at].parent; q >= 0; q = f->nodes[q].parent)
            if (f->nodes[q].kind == RL_N_LOOP && !(node >= q && node <= f->nodes[q].end)) at = q;
        if (rl_program_runs_before(f, at, node)) return 1;
    }
    return 0;
}

/* The node of the frame of a child's start that position p of the
 * child's parent runs, when p lies in that frame on the same call path as
 * the start; -1 otherwise. */
static int32_t node_in_start_frame(const rl_thread *child, const rl_posvec *p)
{
    const rl_posvec *at = &child->spawn_pos;
    int n = at->n;
    if (n == 0 || p->n < n || at->v[n - 1] != child->spawn_node || child->spawn_fn < 0) return -1;
    for (int k = 0; k + 1 < n; k++)
        if (p->v[k] != at->v[k]) return -1;
    return p->v[n - 1];
}

/* Whether position p of a child's parent lies in the branch where the
 * child's own start failed (spawn_failure.h): p runs in the frame of the
 * start, on the same call path, in that branch of the `if` testing it.
 * No instance of the child runs from that start there. */
static int where_start_failed(const rl_model *m, const rl_thread *child, const rl_posvec *p)
{
    int32_t node = node_in_start_frame(child, p);
    return node >= 0 && rl_spawn_failed_at(fn_of(m, child->spawn_fn), child->spawn_node, node);
}

/* Whether position p of a child's parent lies in the loop that starts the
 * child's instances, before the start in the loop's body: what each round
 * does before it starts the round's instance. */
static int before_start_in_loop(const rl_model *m, const rl_thread *child, const rl_posvec *p)
{
    int32_t node = node_in_start_frame(child, p);
    if (node < 0) return 0;
    int32_t loop = tm_innermost_loop(fn_of(m, child->spawn_fn), child->spawn_node);
    return loop >= 0 && node > loop && node < child->spawn_node;
}

/* Whether the access has passed a barrier wait (its history holds an
 * object waited at as a barrier). */
static int after_barrier(const rl_model *m, const rl_access *a)
{
    for (size_t i = 0; a->history && i < a->history->n; i++)
        if (rl_ptrmap_get(&m->barriers, a->history->e[i].lock)) return 1;
    return 0;
}

/* Whether the ancestor's access `anc` touches, in another run of the
 * function that made it, the object a child's instance received as its
 * own (`desc`, distinct): a helper called twice (or from two places)
 * allocates a record, fills it, and starts a worker on it, so the second
 * call fills another record than the first worker's, though both have
 * the allocation's one name. The access must name the object by the
 * run's own allocation (its text rooted at it, not a pointer read from
 * memory, which could lead to an older record), and the run of that
 * function on the child's spawn chain must sit at another call path
 * (positions; frozen contexts keep none, and then nothing is decided). */
/* Whether a place's object name ends before character c: at the end, a
 * member or an element (not "H12_3" inside "H12_34"). */
static int object_ends(char c)
{
    return c == '\0' || c == '.' || c == '[';
}

static int other_run_of_maker(const rl_model *m, const rl_access *anc, const rl_access *desc)
{
    const rl_ctx *ac = &m->ctxs[anc->ctx];
    const rl_node *n = &fn_of(m, ac->fn)->nodes[anc->node];
    unsigned line, col;
    if (ac->frozen || !n->text || (sscanf(n->text, "H%u_%u", &line, &col) != 2 && sscanf(n->text, "@%u_%u", &line, &col) != 2))
        return 0;
    char site[RL_SITE_NAME_MAX];
    snprintf(site, sizeof site, ":H%u_%u", line, col);
    /* the same object on both sides, that allocation of that function */
    const char *at = strstr(anc->place, site);
    size_t len = at ? (size_t)(at - anc->place) + strlen(site) : 0;
    if (!at || strncmp(anc->place, desc->place, len) != 0 || !object_ends(anc->place[len]) ||
        !object_ends(desc->place[len]))
        return 0;
    /* that function's frame on the spawn's chain, at the access's depth */
    const rl_thread *t = &m->threads[desc->thread];
    int k = ac->pos.n;
    if (!t->spawn_frames || k >= t->spawn_pos.n || t->spawn_frames[k] != ac->fn) return 0;
    for (int d = 0; d < k; d++)
        if (t->spawn_pos.v[d] != ac->pos.v[d]) return 1;
    return 0;
}

/* An ancestor thread's access against a descendant's. The descendant runs
 * during the interval of the ancestor's child it descends from, or from
 * that child's start on when it may outlive the child; not past a join
 * of that child on a path where starting it failed (after_path_join),
 * nor in the branch where that start failed, for the object it hands
 * its own instance or for a child that runs once (where_start_failed:
 * other instances, started before, may still run). */
static int ancestor_overlaps(const rl_model *m, const rl_access *anc, const rl_access *desc)
{
    int c = child_towards(m, anc->thread, desc->thread);
    if (c < 0) return 1;
    int distinct = desc->distinct && c == desc->thread, first_pass = first_pass_only(m, anc);
    if (distinct && other_run_of_maker(m, anc, desc)) return 0;
    rl_posvec p = rl_model_access_pos(m, anc);
    const rl_thread *d = &m->threads[desc->thread];
    int r = d->joined_by == anc->thread
                /* a grandchild the ancestor joins itself ends there */
                ? pos_cmp(&p, interval_start(&m->threads[c], distinct, first_pass)) >= 0 &&
                      pos_cmp(&p, &d->joined_by_at) < 0
            : outlives(m, desc->thread, c) ? pos_cmp(&p, interval_start(&m->threads[c], distinct, first_pass)) >= 0
                                           : in_interval(&p, &m->threads[c], distinct, first_pass) &&
                                                 !after_path_join(m, &m->threads[c], &p);
    /* asked last: only of pairs the intervals leave overlapping */
    if (r && (distinct || !m->threads[c].multi) && where_start_failed(m, &m->threads[c], &p)) r = 0;
    /* The instances of a spawn loop meet at a barrier: none leaves it before
     * every one arrived, the last started included, so what the loop did
     * before each start comes before what any instance does past the
     * barrier (the barrier's count is taken to be the instances'). */
    if (r && c == desc->thread && after_barrier(m, desc) && before_start_in_loop(m, &m->threads[c], &p)) r = 0;
    pos_free(&p);
    return r;
}

static int is_ancestor(const rl_model *m, int ancestor, int t)
{
    for (int x = m->threads[t].parent; x >= 0; x = m->threads[x].parent)
        if (x == ancestor) return 1;
    return 0;
}

int rl_model_lock_holder(const rl_model *m, int t, const char *lock)
{
    const rl_thread *th = &m->threads[t];
    if (th->creation_locks && th->creation_holder >= 0 && rl_ls_contains(th->creation_locks, lock)) return th->creation_holder;
    return t;
}

int rl_model_lock_is_creation(const rl_model *m, const char *lock)
{
    if (!m->any_creation_locks) return 0;
    for (size_t t = 0; t < m->nthreads; t++)
        if (m->threads[t].creation_locks && rl_ls_contains(m->threads[t].creation_locks, lock)) return 1;
    return 0;
}

/* Whether node `node` of f lies under child `which` (1: then, 2: else)
 * of the IF node `branch`. */
static int under_branch(const rl_function *f, int32_t branch, int which, int32_t node)
{
    int32_t c = rl_fn_child(f, branch, which);
    return c >= 0 && node >= c && node <= f->nodes[c].end;
}

/* Whether siblings a and b come from spawns on the two branches of one
 * `if` of their parent's entry function, which runs that `if` once: no
 * loop around it, no goto in the function that could run it again, and
 * a single instance of the parent. Then at most one of them exists. */
static int exclusive_spawns(const rl_model *m, const rl_thread *a, const rl_thread *b)
{
    const rl_thread *parent = &m->threads[a->parent];
    if (parent->multi || a->own_multi || b->own_multi || a->spawn_pos.n != 1 || b->spawn_pos.n != 1) return 0;
    const rl_function *f = fn_of(m, parent->entry_fn);
    int32_t na = a->spawn_pos.v[0], nb = b->spawn_pos.v[0];
    if (na < 0 || nb < 0 || na >= f->nnodes || nb >= f->nnodes) return 0;
    for (int32_t i = 0; i < f->nnodes; i++)
        if (f->nodes[i].kind == RL_N_GOTO) return 0;
    /* The innermost node holding both. */
    int32_t common = f->nodes[na].parent;
    while (common >= 0 && !(nb > common && nb <= f->nodes[common].end)) common = f->nodes[common].parent;
    for (int32_t p = common; p >= 0; p = f->nodes[p].parent)
        if (rl_node_is_repeating_loop(&f->nodes[p])) return 0;
    /* The nearest IF above both with them on its two branches. */
    for (int32_t p = common; p >= 0; p = f->nodes[p].parent)
        if (f->nodes[p].kind == RL_N_IF)
            return (under_branch(f, p, 1, na) && under_branch(f, p, 2, nb)) ||
                   (under_branch(f, p, 2, na) && under_branch(f, p, 1, nb));
    return 0;
}

/* Whether thread t, a descendant of x through x's child c, may still run
 * at position `start` of x's frame: it ends at x's join of it when x joins
 * it itself (joined_by), else with c, or never when it may outlive c. */
static int ends_after(const rl_model *m, int t, int c, int x, const rl_posvec *start)
{
    const rl_thread *th = &m->threads[t];
    if (th->joined_by == x) return pos_cmp(start, &th->joined_by_at) < 0;
    return outlives(m, t, c) || pos_cmp(start, &m->threads[c].end) < 0;
}

int rl_model_threads_may_overlap(const rl_model *m, int ta, int tb)
{
    if (ta == tb) return m->threads[ta].multi ? -1 : 0;
    /* Ancestor and descendant: it depends on where the ancestor is. */
    if (is_ancestor(m, ta, tb) || is_ancestor(m, tb, ta)) return -1;
    /* Relatives: compare the intervals of the two children of their
     * nearest common ancestor. */
    for (int x = m->threads[ta].parent; x >= 0; x = m->threads[x].parent) {
        int cb = child_towards(m, x, tb);
        if (cb < 0) continue;
        int ca = child_towards(m, x, ta);
        const rl_thread *a = &m->threads[ca], *b = &m->threads[cb];
        if (exclusive_spawns(m, a, b)) return 0;
        /* A descendant that may outlive the child it comes from runs on
         * past that child's end, unless x joins it itself (joined_by). */
        int overlap = ends_after(m, tb, cb, x, &a->start) && ends_after(m, ta, ca, x, &b->start);
        /* Siblings one of which was created under a lock: their accesses
         * may be ordered by it (lock_history_orders), and so may a
         * sibling's child that x joins. */
        int near_a = x == m->threads[ta].parent || m->threads[ta].joined_by == x;
        int near_b = x == m->threads[tb].parent || m->threads[tb].joined_by == x;
        if (overlap && near_a && near_b && (a->ncreated_under || b->ncreated_under)) return -1;
        return overlap;
    }
    /* Two roots: main and a library's roots are the one application
     * thread, calling the library one function at a time, unless the
     * project declared them entry points (several instances: any number
     * of application threads). A descendant of another root may run any
     * time. */
    if (m->threads[ta].parent < 0 && m->threads[tb].parent < 0) return m->threads[ta].multi || m->threads[tb].multi;
    return 1;
}

/* Ancestors of an access's thread whose spawn histories are followed. */
#define RL_MAX_ANCESTOR_HISTORY 8

/* Whether an access with `history` in thread c, made after c took a lock
 * its creator held when creating it, is ordered after access b: b is the
 * creator's, before the creator let that lock go, or belongs to a sibling
 * (or a sibling's child, joined_by) the creator joined before then. (The creator holds the lock from the
 * spawn to the release; c takes it only after.) */
static int history_orders(const rl_model *m, const rl_thread *c, const rl_lockset *history, const rl_access *b)
{
    for (int i = 0; i < c->ncreated_under; i++) {
        if (!rl_ls_contains(history, c->created_under[i])) continue;
        const rl_posvec *release = &c->released_at[i];
        if (b->thread == c->parent) {
            rl_posvec p = rl_model_access_pos(m, b);
            int before = release->infinite || pos_cmp(&p, release) < 0;
            pos_free(&p);
            if (before) return 1;
        } else if (b->thread != c->id && m->threads[b->thread].parent == c->parent) {
            const rl_thread *s = &m->threads[b->thread];
            if (s->joined && (release->infinite || pos_cmp(&s->end, release) <= 0)) return 1;
        } else if (m->threads[b->thread].joined_by == c->parent) {
            /* a grandchild of the creator that the creator joined */
            const rl_thread *g = &m->threads[b->thread];
            if (release->infinite || pos_cmp(&g->joined_by_at, release) <= 0) return 1;
        }
    }
    return 0;
}

/* lock_history_orders for a's thread, then for each ancestor: a thread
 * spawned after its parent took one of the parent's creation-history locks
 * (spawn_history) runs wholly after that lock's release by the
 * grandparent, as the parent's own accesses after it do. */
static int lock_history_orders(const rl_model *m, const rl_access *a, const rl_access *b)
{
    const rl_thread *c = &m->threads[a->thread];
    /* Only in the thread's entry function: no caller's path to account for. */
    const rl_ctx *cx = &m->ctxs[a->ctx];
    const rl_lockset *history = cx->parent_ctx < 0 && cx->fn == c->entry_fn ? a->history : NULL;
    for (int depth = 0; c->parent >= 0 && depth < RL_MAX_ANCESTOR_HISTORY; depth++) {
        if (history && c->ncreated_under && history_orders(m, c, history, b)) return 1;
        history = c->spawn_history;
        if (!history) return 0;
        c = &m->threads[c->parent];
    }
    return 0;
}

/* Whether thread t, or an ancestor, was started after its parent took,
 * waited on or ran the once-routine of `object` (its spawn_history): all
 * t does comes after that (main waiting for one worker's signal, then
 * starting the next worker on the same data: round 15's p21). */
static int started_after(const rl_model *m, int t, const char *object)
{
    for (; t >= 0 && m->threads[t].parent >= 0; t = m->threads[t].parent)
        if (m->threads[t].spawn_history && rl_ls_contains(m->threads[t].spawn_history, object)) return 1;
    return 0;
}

/* Whether access b comes after its thread, or an ancestor of its thread
 * before spawning towards it, ran the once-routine of control `object`:
 * its function's history, then the spawn histories up its thread's
 * chain. (Publication under locks keeps to the accessing function's
 * own history; a post's waiter may be an ancestor: publication_orders.) */
static int after_once(const rl_model *m, const rl_access *b, const char *object, const rl_access *in_routine)
{
    if ((b->history && rl_ls_contains(b->history, object)) || started_after(m, b->thread, object)) return 1;
    for (int t = b->thread; t >= 0 && m->threads[t].parent >= 0; t = m->threads[t].parent) {
        /* Started by the routine itself (libuv's init_once starting the
         * threadpool's workers): the routine runs once, and its thread
         * exists only from inside it, so what the routine did before the
         * spawn comes first. What it does after the spawn in the function
         * that spawns is not ordered (Goblint's 87-once/04: `g = 42` right
         * after pthread_create); in other functions it is taken to be
         * (libuv's init_threads spawns through uv_thread_create). */
        const rl_thread *th = &m->threads[t];
        if (th->started_in_once == object &&
            !(m->ctxs[in_routine->ctx].fn == th->spawn_fn && in_routine->node > th->spawn_node))
            return 1;
    }
    return 0;
}

/* Whether thread t, or an ancestor, was started by the once-routine of
 * control `object`: then t never runs that routine (it ran once, and t's
 * own once calls on that control return at once). */
static int started_by_once(const rl_model *m, int t, const char *object)
{
    for (; t >= 0; t = m->threads[t].parent)
        if (m->threads[t].started_in_once == object) return 1;
    return 0;
}

/* Whether access b comes after a's object was published under a lock b's
 * function took before b (ownership.h), or after a wait on an object a's
 * function posts on after a (flow.h).
 *
 * Two instances of one thread are ordered so only when each access lies
 * between a wait and a post on the same object (a semaphore used as a
 * lock: `sem_wait(&s); count++; sem_post(&s);`): the post after one lets
 * the wait before the other through. An instance whose wait comes after
 * its own post (`post; wait; use`) may be let through by that post, so
 * a post and a wait alone do not order two of them. A barrier does: no
 * instance leaves its wait before every party arrived, the other
 * instances included, so what one did before its wait comes before what
 * another does after its own (each worker writing its cell, then reading
 * its neighbour's). */
/* Whether b comes after the last reference of counter `object` in its
 * thread (place.h): after every decrement of it, another instance's of
 * its own thread too. `object` may be the mark itself: a decrement a path
 * from a skips by returning early orders a only before that last
 * reference (flow_posts.c, with_last_marks). */
static int after_last_reference(const rl_access *b, const char *object)
{
    if (!b->after_a_last) return 0;
    int mark = rl_place_is_last_mark(object, NULL);
    for (size_t i = 0; b->history && i < b->history->n; i++)
        if (mark ? b->history->e[i].lock == object : rl_place_is_last_mark(b->history->e[i].lock, object)) return 1;
    return 0;
}

/* Whether a and b both come after the last reference of one counter of
 * one object: one thread alone takes that branch. A counter known only
 * by its type may be several objects' counters, each with a last
 * reference of its own. */
static int after_one_last_reference(const rl_access *a, const rl_access *b)
{
    if (!a->after_a_last || !b->after_a_last) return 0;
    for (size_t i = 0; a->history && b->history && i < a->history->n; i++) {
        const char *mark = a->history->e[i].lock;
        if (rl_place_is_last_mark(mark, NULL) && rl_place_is_single_object(mark) && rl_ls_contains(b->history, mark))
            return 1;
    }
    return 0;
}

/* How publication_orders orders a before b: by a post b waited on, or
 * by the last reference of a counter a's side dropped, which comes after
 * every holder's decrement, the later rounds' of a loop too (a round
 * that takes a reference again found the counter above zero). */
enum { ORDERED_BY_POST = 1, ORDERED_BY_LAST_REFERENCE = 2 };

/* Whether b's thread, after the wait that orders b after a's post,
 * posted on an object a's thread waited on before a, with no wait
 * between that post and b: a may then run in a round that post let in,
 * while b runs. A bounded buffer's producer that signals `not_empty` and
 * fills its slot after the unlock (`count++; signal(&not_empty);
 * unlock(&m); buf[slot] = v;`) races with the consumer's read of the
 * slot, though the consumer's read of the round before comes before the
 * `not_full` the producer waited on (round 14's p04). */
static int let_in_by(const rl_access *a, const rl_access *b)
{
    for (size_t i = 0; b->posted_since_wait && a->history && i < b->posted_since_wait->n; i++)
        if (rl_ls_contains(a->history, b->posted_since_wait->e[i].lock)) return 1;
    return 0;
}

/* The fact of thread t's entry's tests of its own value (known.h,
 * instances), when each of its instances is started with one of its own
 * and the entry is no trampoline; else NULL. */
static const char *entry_instance_place(const rl_model *m, const rl_thread *t)
{
    return t->arg_distinct && t->runs_fn < 0 ? rl_known_instance_place(m->known, t->entry_fn, RL_THREAD_ARG_PARAM)
                                             : NULL;
}

/* Whether access a runs in several instances of its thread, each of
 * which may post: its thread starts several times, and a lies under no
 * test that the instance's own value is one constant (known.h,
 * instances: `if (id == 0) { answer = 42; sem_post(&ready); }` is one
 * instance's). */
static int posted_by_several(const rl_model *m, const rl_access *a)
{
    const rl_thread *t = &m->threads[a->thread];
    if (!t->multi) return 0;
    const char *instance = entry_instance_place(m, t);
    return !(instance && rl_known_same_instance(a->conds, a->conds, instance));
}

/* Whether set s holds the mark of a second wait on `object` (place.h,
 * RL_AGAIN_MARK), compared by text: a mark is interned only where a flow
 * made one. */
static int holds_again_mark(const rl_lockset *s, const char *object)
{
    size_t len = strlen(object);
    for (size_t i = 0; s && i < s->n; i++) {
        const char *e = s->e[i].lock;
        if (strncmp(e, object, len) == 0 && strcmp(e + len, RL_AGAIN_MARK) == 0) return 1;
    }
    return 0;
}

/* Whether b, or an ancestor of its thread before the spawn towards it,
 * waited on `object` a second time: a second wait after a first, or a
 * loop of semaphore waits (`for (i = 0; i < n; i++) sem_wait(&done);`,
 * flow.c). */
static int waited_twice(const rl_model *m, const rl_access *b, const char *object)
{
    if (holds_again_mark(b->history, object)) return 1;
    for (int t = b->thread; t >= 0 && m->threads[t].parent >= 0; t = m->threads[t].parent)
        if (holds_again_mark(m->threads[t].spawn_history, object)) return 1;
    return 0;
}

static int publication_orders(const rl_model *m, const rl_access *a, const rl_access *b)
{
    if (!a->publish) return 0;
    int same_thread = a->thread == b->thread;
    for (size_t i = 0; i < a->publish->n; i++) {
        const char *object = a->publish->e[i].lock;
        if (b->history && after_last_reference(b, object)) return ORDERED_BY_LAST_REFERENCE;
        /* A shared access's publications are posts (an owned one's
         * include the locks its object is published under, which an
         * ancestor's earlier acquisition says nothing of). */
        if (!(b->history && rl_ls_contains(b->history, object)) &&
            !(!a->owned && !same_thread && started_after(m, b->thread, object)))
            continue;
        /* b's thread handed the object on or back before b, through a
         * pointer it kept, and a's thread took it off a shared place
         * (maybe after b's hand-off): b took the lock before a's
         * publication, not after (round 23's r4, a slot cleared after
         * its put, taken and put back by another meanwhile). An object
         * a's thread made reached b's thread only through a's
         * publication, kept pointer or not. */
        if (b->given_back && a->taken) continue;
        if (let_in_by(a, b)) continue;
        /* One wait takes one post: where every instance of a's thread
         * posts on a semaphore (a shared access's publications are
         * posts), a waiter that waited once may have been let through by
         * another instance's post while a's instance still runs (round
         * 20's r3). One that waited twice, or in a loop of waits, is
         * taken to have waited for every instance (only two rounds are
         * told apart, place.h). A barrier holds every party; a
         * condition variable's waiter, or a spin on an atomic, waits for
         * a predicate (all done), which the model does not read. */
        if (!same_thread && !a->owned && rl_ptrmap_get(&m->sem_waits, object) && posted_by_several(m, a) &&
            !waited_twice(m, b, object))
            continue;
        /* A semaphore of several tokens, both sides between a wait and a
         * post on it (a limiter): the waits may both pass on tokens it
         * started with, so neither came after the other's post. One side
         * only posting, the other only waiting, is a hand-off still (a
         * bounded buffer's `empty`, started at its size). */
        if (rl_ptrmap_get(&m->counting, object) && rl_ls_contains(b->publish, object) &&
            a->history && rl_ls_contains(a->history, object))
            continue;
        /* Another instance of a's thread finds an object a's instance
         * made only through its publication, after taking the lock it
         * was published under: after a, as another thread would. (One
         * it took off a pool may come from that other instance.) */
        if (!same_thread || (a->owned && (!a->taken || !b->owned)) || rl_ptrmap_get(&m->barriers, object)) return ORDERED_BY_POST;
        if (a->history && b->publish && rl_ls_contains(a->history, object) && rl_ls_contains(b->publish, object))
            return ORDERED_BY_POST;
    }
    return 0;
}

/* Whether access a is handed on by a post of its own thread (its
 * publish set): on an object, not only on a second round's mark (place.h,
 * RL_AGAIN_MARK), which a thread that waited once does not wait for. */
static int hands_back(const rl_access *a)
{
    for (size_t i = 0; a->publish && i < a->publish->n; i++)
        if (!rl_place_is_again_mark(a->publish->e[i].lock)) return 1;
    return 0;
}

int rl_model_pair_may_be_ordered(const rl_model *m, const rl_access *a, const rl_access *b)
{
    /* Two threads that both run after a last reference of one counter
     * (two readers each dropping their reference to a shared object,
     * started apart) always overlap, but only one of them takes that
     * branch (after_one_last_reference): asked, or the last holder's
     * scrubbing met the other's (last_reference_of_two_threads.c). So is
     * a pair with a side on an object its thread took off a shared
     * structure (taken_after_locked_use). */
    return a->publish != NULL || b->publish != NULL || (a->owned && b->owned) || (a->after_a_last && b->after_a_last) ||
           (a->owned && a->taken) || (b->owned && b->taken) ||
           m->threads[a->thread].joiner == b->thread || m->threads[b->thread].joiner == a->thread;
}

/* Whether access a's thread has ended when b runs: b's thread joins it
 * (rl_thread.joiner), and b comes after that join in b's thread. */
static int joined_before(const rl_model *m, const rl_access *a, const rl_access *b)
{
    const rl_thread *t = &m->threads[a->thread];
    if (t->joiner < 0 || t->joiner != b->thread) return 0;
    rl_posvec p = tm_ctx_position(m, &m->ctxs[b->ctx], b->node);
    int after = pos_cmp(&p, &t->joiner_at) > 0;
    pos_free(&p);
    return after;
}

/* Whether a and b run under values of a mode that exclude each other
 * (known.h, modes): each was reached only after a test of the global, or
 * in a thread started only after one, and the global is written only
 * while a root thread runs alone, so it keeps its value while either
 * could run. */
static int modes_exclude(const rl_model *m, const rl_access *a, const rl_access *b)
{
    const char *mode = rl_known_contradiction(a->conds, b->conds);
    return mode && rl_known_is_mode(m->known, mode);
}

/* Whether instance fact `place` (RL_INSTANCE_TEST "<n>@<fn>", known.c)
 * names a test of a parameter bound, in the context of function fn up
 * a's chain of first calls, to the thread's own argument: the value its
 * entry was started with, handed on (`cron(t)` testing `t->index`). */
static int tests_thread_argument(const rl_model *m, const rl_access *a, const char *place)
{
    int param = -1, fn = -1;
    char tail;
    if (sscanf(place, RL_INSTANCE_TEST "%d@%d%c", &param, &fn, &tail) != 2) return 0;
    const rl_ctx *root = &m->ctxs[a->ctx];
    while (root->parent_ctx >= 0) root = &m->ctxs[root->parent_ctx];
    const char *arg = root->nbind > RL_THREAD_ARG_PARAM ? root->bind[RL_THREAD_ARG_PARAM] : NULL;
    if (!arg || !arg[0] || !(root->distinct & (1u << RL_THREAD_ARG_PARAM))) return 0;
    for (const rl_ctx *c = &m->ctxs[a->ctx];; c = &m->ctxs[c->parent_ctx]) {
        if (c->fn == fn) return param >= 0 && param < c->nbind && c->bind[param] && strcmp(c->bind[param], arg) == 0;
        if (c->parent_ctx < 0) return 0;
    }
}

/* Whether a and b, of one thread started several times with a value of
 * its own each, both run under a test that this value is one constant
 * (known.h, instances), made by its entry or by a helper handed the
 * thread's argument: one instance's, in program order. */
static int one_instance(const rl_model *m, const rl_access *a, const rl_access *b)
{
    const rl_thread *t = &m->threads[a->thread];
    if (a->thread != b->thread || !t->multi || !t->arg_distinct || t->runs_fn >= 0) return 0;
    const char *instance = entry_instance_place(m, t);
    if (instance && rl_known_same_instance(a->conds, b->conds, instance)) return 1;
    /* a test made by a helper the entry hands its argument to (a timer
     * callback every event loop runs, housekeeping only on loop 0: `if
     * (t->index != 0) return;`, round 21's r8) */
    for (int i = 0; a->conds && i < a->conds->n; i++) {
        const char *place = a->conds->e[i].place;
        if (place != instance && a->conds->e[i].eq && strncmp(place, RL_INSTANCE_TEST, strlen(RL_INSTANCE_TEST)) == 0 &&
            rl_known_same_instance(a->conds, b->conds, place) && tests_thread_argument(m, a, place) &&
            tests_thread_argument(m, b, place))
            return 1;
    }
    return 0;
}

/* Whether b touches an object its thread took off a shared structure
 * under a lock that a, another thread's access to it, holds: a reached
 * the object through the structure (a list's tail, a table's slot) while
 * it was still there, so a's critical section came before the one that
 * took it out (a tail queue's producer linking after the last node, the
 * consumer freeing the node it popped). A thread that kept a pointer
 * past the pop and uses it under the lock is not seen. */
static int taken_after_locked_use(const rl_access *a, const rl_access *b)
{
    if (!b->owned || !b->taken || !b->history || !a->held || a->thread == b->thread) return 0;
    for (size_t i = 0; i < a->held->n; i++)
        if (!a->held->e[i].shared && rl_ls_contains(b->history, a->held->e[i].lock)) return 1;
    return 0;
}

int rl_model_may_run_together(const rl_model *m, const rl_access *a, const rl_access *b)
{
    if (modes_exclude(m, a, b) || one_instance(m, a, b) || rl_known_phases_differ(a->conds, b->conds) ||
        rl_known_both_serial(a->conds, b->conds))
        return 0;
    /* One once-routine run for one control, whichever thread runs it, and
     * before whatever follows a once call on that control in any thread
     * (another instance of the same thread included). */
    const char *oa = m->ctxs[a->ctx].once_object, *ob = m->ctxs[b->ctx].once_object;
    if (oa && oa == ob) return 0;
    if ((oa && started_by_once(m, a->thread, oa)) || (ob && started_by_once(m, b->thread, ob))) return 0;
    if ((oa && after_once(m, b, oa, a)) || (ob && after_once(m, a, ob, b))) return 0;
    if (lock_history_orders(m, a, b) || lock_history_orders(m, b, a)) return 0;
    if (tm_rounds_line_up(m, a, b) || tm_rounds_line_up(m, b, a)) return 0;
    if (after_one_last_reference(a, b)) return 0;
    if (joined_before(m, a, b) || joined_before(m, b, a)) return 0;
    /* A hand-off one way orders the pair, unless the side handed on is
     * made again round after round: then the other side must also be
     * handed back before a post of its own (a bounded buffer's consumer
     * reading the slot before it signals `not_full`, not after; a worker
     * using the job before it posts `job_done`). */
    int ab = publication_orders(m, a, b), ba = publication_orders(m, b, a);
    if ((ab && (ab == ORDERED_BY_LAST_REFERENCE || !a->rounds || hands_back(b))) ||
        (ba && (ba == ORDERED_BY_LAST_REFERENCE || !b->rounds || hands_back(a))))
        return 0;
    /* Each made while its thread owned the object: one thread at a time
     * owns it, and it changes hands through a synchronised hand-off
     * (ownership.h), so the two never meet. Two instances of a taker each
     * touch the job it took (pigz's compress threads). */
    if (a->owned && b->owned) return 0;
    if (taken_after_locked_use(a, b) || taken_after_locked_use(b, a)) return 0;
    int overlap = rl_model_threads_may_overlap(m, a->thread, b->thread);
    if (overlap >= 0) return overlap;
    if (a->thread == b->thread) {
        /* Instances of one thread share only what is not theirs alone:
         * not their own locals, and not the locals of an ancestor whose
         * every instance starts exactly one instance of this thread. */
        if (a->distinct && a->distinct == b->distinct) return 0;
        /* Two elements indexed by claims from a shared counter: each
         * claim is another element (frontend/walk_index.c). */
        if (a->flags & b->flags & RL_ACC_CLAIMED) return 0;
        /* The thread's own heap object (allocated in it, named per
         * thread), but one side found it through a global pointer:
         * another instance may reach what one allocated and published
         * there (double-checked locking's fast path, the winner still
         * filling the object while another worker reads it). Ordered
         * pairs were ruled out above. */
        if (rl_place_thread(a->place) >= 0 && (a->via_global || b->via_global)) return 1;
        return rl_model_instances_share(m, a->thread, a->place);
    }
    /* Ancestor and descendant: the descendant runs during an interval. */
    return is_ancestor(m, a->thread, b->thread) ? ancestor_overlaps(m, a, b) : ancestor_overlaps(m, b, a);
}

int rl_model_instances_share(const rl_model *m, int thread, const char *place)
{
    int owner = rl_place_thread(place);
    if (owner < 0) return 1;
    for (int t = thread; t >= 0 && t != owner; t = m->threads[t].parent)
        if (m->threads[t].own_multi) return 1;
    return 0;
}

int rl_model_runs_alone(const rl_model *m, int ctx, int32_t node)
{
    const rl_ctx *c = &m->ctxs[ctx];
    const rl_thread *t = &m->threads[c->thread];
    if (t->parent >= 0) return 0;
    rl_posvec p = tm_ctx_position(m, c, node);
    int alone = 1;
    for (int i = t->first_child; i < t->first_child + t->nchildren && alone; i++)
        if (in_interval(&p, &m->threads[i], 0, 0)) alone = 0;
    pos_free(&p);
    return alone;
}
