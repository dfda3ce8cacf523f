/* The thread model (threads.h): builds it and keeps its tables. Per
 * thread, two passes:
 *  1. discovery (discovery.c): spawn and join sites, the children and
 *     their run intervals;
 *  2. exploration (here): a worklist over the contexts reachable from the
 *     entry, carrying bindings and entry locksets to a fixpoint.
 * Then every ACCESS node of every context becomes a resolved rl_access
 * (names from resolve.c), grouped by place, and every lock operation a
 * lock event. Ordering questions are answered in ordering.c.
 *
 * Invariants:
 *  1. Contexts are keyed by thread, function, bindings and phase: one
 *     context per key, its entry locks the meet over every call reaching
 *     it (so the worklist ends).
 *  2. At most MAX_CONTEXTS contexts; past CONTEXT_SOFT_LIMIT new ones keep
 *     only their function bindings. Every cut is counted in limits.
 *  3. Accesses and lock events are collected after every thread is
 *     explored and every store recorded: context by context, in index
 *     order. */
#include "threads_internal.h"
#include "ownership.h"
#include "scoped.h"
#include "resolve_memo.h"
#include "place.h"
#include "../util/budget.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds that keep pathological programs finite. */
#define MAX_CONTEXTS (1 << 20)
/* Past this many contexts, new ones ignore their bindings (one context per
 * function and phase): coarser, but exploration stays bounded. */
#define CONTEXT_SOFT_LIMIT 100000

/* ---- pass 2: contexts ---------------------------------------------------- */

static int pos_order(const void *a, const void *b)
{
    return pos_cmp(a, b);
}

/* Where a position lies relative to each child's interval: contexts at
 * positions with the same signature are interchangeable. Each child's
 * class (before its start, inside, past dstart, past dend, after its end)
 * only changes when the position passes one of its bounds, and bounds are
 * ordered (start <= dstart < dend <= end, child_interval), so the number
 * of the thread's bounds at or before the position names the classes of
 * all children at once: a binary search, however many children there are.
 * The bounds are sorted once, when the thread's first context is keyed:
 * its children are all known by then (create_children). */
static void phase_signature(rl_model *m, int thread, const rl_posvec *pos, rl_strbuf *out)
{
    rl_thread *t = &m->threads[thread];
    if (!t->phase_ready) {
        t->phase_bounds = rl_xcalloc((size_t)t->nchildren * 4 + 1, sizeof *t->phase_bounds);
        for (int i = t->first_child; i < t->first_child + t->nchildren; i++) {
            const rl_thread *c = &m->threads[i];
            const rl_posvec *bounds[] = {&c->start, &c->dstart, &c->dend, &c->end};
            for (size_t k = 0; k < sizeof bounds / sizeof *bounds; k++)
                if (!bounds[k]->infinite) t->phase_bounds[t->nphase_bounds++] = pos_copy(bounds[k]);
        }
        qsort(t->phase_bounds, (size_t)t->nphase_bounds, sizeof *t->phase_bounds, pos_order);
        t->phase_ready = 1;
    }
    int lo = 0, hi = t->nphase_bounds;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (pos_cmp(&t->phase_bounds[mid], pos) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    rl_sb_append_int(out, lo);
}

static int get_ctx(rl_model *m, int thread, int fn, const char **bind, int nbind, uint32_t distinct,
                   uint32_t owned, const rl_posvec *pos, int frozen, int in_once, const rl_lockset *entry,
                   const rl_lockset *entry_may, int parent, int32_t call)
{
    const char *fn_only[MAX_PARAMS];
    if (m->nctxs >= CONTEXT_SOFT_LIMIT && nbind) {
        m->limits.contexts_merged++;
        /* Past the soft limit, data pointers are dropped; function values
         * stay (a NULL or a given callback decides what the callee calls,
         * and there are few of them). */
        int kept = 0;
        for (int i = 0; i < nbind && i < MAX_PARAMS; i++) {
            int is_fn = bind[i] && strncmp(bind[i], "fn:", 3) == 0;
            fn_only[i] = is_fn ? bind[i] : "";
            if (is_fn) kept = i + 1;
        }
        bind = fn_only;
        nbind = kept;
        distinct = 0;
        owned = 0;
    }
    rl_strbuf key = RL_STRBUF_INIT;
    /* thread|fn|in_once|distinct|bindings...|position, built without
     * printf: this runs once per call analysed. */
    const long long head[] = {thread, fn, in_once, distinct};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++) {
        rl_sb_append_int(&key, head[i]);
        rl_sb_appendc(&key, '|');
    }
    for (int i = 0; i < nbind; i++) {
        if (bind[i]) rl_sb_append(&key, bind[i]);
        rl_sb_appendc(&key, '|');
    }
    if (frozen) {
        rl_sb_appendc(&key, 'F');
        phase_signature(m, thread, pos, &key);
    } else {
        for (int i = 0; i < pos->n; i++) {
            rl_sb_append_int(&key, pos->v[i]);
            rl_sb_appendc(&key, '.');
        }
    }
    const char *k = rl_intern(m->program->pool, rl_sb_str(&key));
    rl_sb_free(&key);
    void **slot = rl_ptrmap_slot(&m->ctx_by_key, k);
    if (*slot) {
        rl_ctx *c = &m->ctxs[(intptr_t)*slot - 1];
        c->owned &= owned; /* owned only if owned at every call */
        const rl_lockset *met = rl_ls_meet(m->flow->locks, c->entry, entry);
        const rl_lockset *may = rl_ls_union(m->flow->locks, c->entry_may, entry_may);
        if (met != c->entry || may != c->entry_may) {
            c->entry = met;
            c->entry_may = may;
            c->queued = 1;
            if ((size_t)((intptr_t)*slot - 1) < m->queue_lo) m->queue_lo = (size_t)((intptr_t)*slot - 1);
        }
        return (int)((intptr_t)*slot - 1);
    }
    if (m->nctxs >= MAX_CONTEXTS) {
        m->limits.contexts_dropped++;
        return -1;
    }
    RL_GROW(m->ctxs, m->cap_ctxs, m->nctxs + 1);
    rl_ctx *c = &m->ctxs[m->nctxs];
    memset(c, 0, sizeof *c);
    c->thread = thread;
    c->fn = fn;
    c->nbind = nbind;
    c->bind = rl_xcalloc((size_t)nbind + 1, sizeof *c->bind);
    for (int i = 0; i < nbind; i++) c->bind[i] = bind[i];
    c->distinct = distinct;
    c->owned = owned;
    c->pos = pos_copy(pos);
    c->frozen = frozen;
    c->in_once = in_once;
    c->entry = entry;
    c->entry_may = entry_may;
    c->parent_ctx = parent;
    c->call_node = call;
    c->queued = 1;
    if (m->nctxs < m->queue_lo) m->queue_lo = m->nctxs;
    *slot = (void *)(intptr_t)(m->nctxs + 1);
    return (int)m->nctxs++;
}

/* The locks a hand-off is made under, resolved in the allocating
 * context (NULL: it orders by itself). */
static const rl_lockset *handoff_locks(rl_model *m, const rl_ctx *c, const rl_handoff *h)
{
    if (h->node < 0) return NULL;
    const rl_fn_flow *ff = &m->flow->fns[h->fn];
    const rl_lockset *held = ff->held ? ff->held[h->node] : NULL;
    if (!held || !held->n) return NULL;
    frame_env env = {c->thread, c->fn, c->bind, c->nbind, c->distinct, 0};
    const rl_lockset *r = rl_ls_empty(m->flow->locks);
    for (size_t i = 0; i < held->n; i++) {
        const char *lock = held->e[i].lock;
        /* a callee's lock, in the allocating function's terms */
        if (h->call) lock = rl_place_subst(m->program->pool, lock, h->call->args, h->call->nargs);
        r = rl_ls_add(m->flow->locks, r, tm_resolve(m, &env, lock, NULL), 0);
    }
    return r;
}

/* Which arguments of a call hand the callee an object its caller still
 * owns: one the caller allocated and has not published, or one it was
 * itself handed owned; *publish gets the locks the hand-off needs. */
static uint32_t owned_args(rl_model *m, const rl_ctx *c, int32_t node, const rl_node *n, const rl_lockset **publish)
{
    uint32_t owned = 0;
    *publish = NULL;
    for (int32_t i = 0; i < n->nargs && i < MAX_PARAMS; i++) {
        const char *v = n->args[i];
        int k = -1;
        int from_param = rl_place_root(v, &k) == RL_ROOT_PARAM && v[0] == 'P' && strchr(v, '*') == NULL;
        rl_handoff h;
        if (rl_ownership_fresh_at(m->own, c->fn, node, v, &h)) {
            owned |= 1u << i;
            const rl_lockset *locks = handoff_locks(m, c, &h);
            if (locks) *publish = locks;
        } else if (from_param && k >= 0 && k < MAX_PARAMS && (c->owned & (1u << k))) {
            owned |= 1u << i;
            if (c->owned_publish) *publish = c->owned_publish;
        }
    }
    return owned;
}

/* Whether an access touches an object its context owns: allocated here
 * and not published yet, taken off a shared structure here (*taken set),
 * or handed in owned (one deref from the parameter: the object's own
 * fields). *publish: the locks its publication is made under (NULL: none
 * needed). */
static int access_is_owned(rl_model *m, const rl_ctx *c, int32_t node, const char *text, const rl_lockset **publish,
                           int *taken)
{
    rl_handoff h;
    *publish = NULL;
    *taken = 0;
    if (rl_ownership_fresh_at(m->own, c->fn, node, text, &h) || rl_ownership_taken_at(m->own, c->fn, node, text, &h)) {
        *publish = handoff_locks(m, c, &h);
        *taken = h.taken;
        return 1;
    }
    int k = -1;
    if (!c->owned || rl_place_root(text, &k) != RL_ROOT_PARAM || k < 0 || k >= MAX_PARAMS) return 0;
    const char *star = strchr(text, '*');
    if (!(c->owned & (1u << k)) || !star || strchr(star + 1, '*') != NULL) return 0;
    *publish = c->owned_publish;
    return 1;
}

const char *tm_once_object(rl_model *m, const frame_env *env, const rl_node *n)
{
    if (n->kind != RL_N_ONCE || !n->text || !n->text[0]) return NULL;
    const rl_lockset *own =
        rl_ls_add(m->flow->locks, rl_ls_empty(m->flow->locks), rl_intern(m->program->pool, n->text), 0);
    const rl_lockset *r = tm_resolve_locks(m, env, own);
    return r && r->n == 1 ? r->e[0].lock : NULL;
}

static void call_into(rl_model *m, int ci, int32_t node, int callee, int in_once, const rl_lockset *held,
                      const rl_lockset *may)
{
    rl_ctx c = m->ctxs[ci]; /* copy: get_ctx may move the array */
    const rl_node *n = &fn_of(m, c.fn)->nodes[node];
    frame_env env = {c.thread, c.fn, c.bind, c.nbind, c.distinct, 0};
    uint32_t distinct = 0;
    const char **vals = in_once ? NULL : tm_bind_args(m, &env, n, &distinct);
    int nvals = in_once ? 0 : (n->nargs < MAX_PARAMS ? n->nargs : MAX_PARAMS);
    /* Kept beside the context, not in its key: binding such calls apart
     * multiplied contexts for no better name. */
    uint8_t per_element =
        vals && (c.per_element == 1 || tm_call_in_loop(m, c.thread, fn_of(m, c.fn), node)) ? 1 : 2;
    int frozen = c.frozen || !m->program->fns[callee].spawns || c.pos.n >= MAX_POS_DEPTH;
    rl_posvec pos = c.frozen ? pos_copy(&c.pos) : pos_extend(&c.pos, node);
    const rl_lockset *publish = NULL;
    uint32_t owned = in_once ? 0 : owned_args(m, &c, node, n, &publish);
    /* A once-routine's context stays one to the end; past a run-once
     * guard, the callee runs on the first call only (RL_RUN_FIRST_PASS). */
    int run = c.in_once == RL_RUN_ONCE_ROUTINE || in_once ? RL_RUN_ONCE_ROUTINE
              : c.in_once || rl_program_first_call_only(&m->program->fns[c.fn], node) ? RL_RUN_FIRST_PASS
                                                                                     : RL_RUN_EVERY_CALL;
    int id = get_ctx(m, c.thread, callee, vals, nvals, distinct, owned, &pos, frozen, run, held, may, ci, node);
    if (id >= 0 && m->ctxs[id].per_element != 2) m->ctxs[id].per_element = per_element;
    if (id >= 0 && !m->ctxs[id].once_object)
        m->ctxs[id].once_object = c.in_once == RL_RUN_ONCE_ROUTINE ? c.once_object
                                  : in_once                        ? tm_once_object(m, &env, n)
                                                                   : NULL;
    if (id >= 0 && m->ctxs[id].owned) {
        /* Published under the locks of every call that hands it owned. */
        rl_ctx *cx = &m->ctxs[id];
        if (cx->owned_publish_set && publish && cx->owned_publish)
            cx->owned_publish = rl_ls_meet(m->flow->locks, cx->owned_publish, publish);
        else if (publish)
            cx->owned_publish = publish;
        cx->owned_publish_set = 1;
        if (cx->owned_publish && !cx->owned_publish->n) cx->owned = 0; /* nothing orders it */
    }
    pos_free(&pos);
    free(vals);
}

static void explore(rl_model *m, int ci)
{
    int fn = m->ctxs[ci].fn;
    const rl_function *f = fn_of(m, fn);
    const rl_fn_info *info = &m->program->fns[fn];
    rl_ctx *cx = &m->ctxs[ci];
    frame_env env = {cx->thread, cx->fn, cx->bind, cx->nbind, cx->distinct, 0};
    /* cx moves when call_into adds contexts: what the loop needs is read now */
    int entry = m->threads[cx->thread].entry_fn;
    /* Stores do not depend on the locks a context is entered with: once
     * per context, not on every re-exploration. */
    if (!cx->stores_recorded) {
        cx->stores_recorded = 1;
        tm_record_stores(m, &env);
    }
    for (int32_t i = 0; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        /* Calls in doomed code (a crash report) are not explored, except
         * those of a thread entry's own end (no branch around them: main
         * ending in exit(0)). Any other function's end may be a crash
         * path of its callers (an out-of-memory handler ending in a
         * panic), as far as this function alone can tell. */
        if (n->kind != RL_N_CALL && n->kind != RL_N_ONCE) continue;
        if (info->doomed[i] && !(info->doomed[i] == RL_DOOMED_END && fn == entry)) continue;
        const rl_lockset *held = tm_held_at(m, &m->ctxs[ci], i);
        if (!held) continue;
        const rl_lockset *may = tm_may_held_at(m, &m->ctxs[ci], i);
        tm_targets to;
        tm_ctx_callees(m, &env, i, &to);
        for (size_t k = 0; k < to.count && k < MAX_CANDIDATES; k++) {
            /* a hook installed only while some call runs (scoped.h) runs
             * in the threads that make that call */
            if (!info->callees[i] && !rl_scoped_allows(m->scoped, entry, to.fns[k])) continue;
            call_into(m, ci, i, to.fns[k], n->kind == RL_N_ONCE, held, may);
        }
        if (to.count > MAX_CANDIDATES) m->limits.candidates_cut++;
    }
}

/* Passes over the contexts in index order until none is queued. Each pass
 * starts at queue_lo, below which nothing is queued: with one pass per
 * thread, scanning every context each time would be quadratic. */
static void run_worklist(rl_model *m)
{
    for (int changed = 1; changed;) {
        changed = 0;
        size_t start = m->queue_lo;
        m->queue_lo = SIZE_MAX;
        for (size_t i = start; i < m->nctxs; i++) {
            if (!m->ctxs[i].queued) continue;
            /* Past the budget, the contexts still queued stay unexplored
             * (the driver names the stage that stopped). */
            if (rl_budget_spent(m->program->budget)) return;
            m->ctxs[i].queued = 0;
            explore(m, (int)i);
            changed = 1;
        }
    }
}

const char *rl_model_thread_name(const rl_model *m, int t)
{
    const rl_thread *th = &m->threads[t];
    const char *entry = m->program->fns[th->entry_fn].name;
    if (th->runs_fn < 0) return entry;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%s (via %s)", m->program->fns[th->runs_fn].name, entry);
    const char *r = rl_intern(m->program->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return r;
}

static void analyse_thread(rl_model *m, int t)
{
    rl_thread th = m->threads[t];
    if (th.arg_loaded && !th.arg_distinct && th.arg && tm_arg_fresh_per_iteration(m, th.arg))
        th.arg_distinct = m->threads[t].arg_distinct = 1;
    const char *bind[1] = {th.arg};
    /* A root other than main is called by code racelint does not see (an
     * application calling a library's public function): its parameters
     * hold what that caller passes, in thread discovery. */
    uint32_t caller = th.parent < 0 && th.entry_fn != m->program->main_fn ? ~0u : 0u;
    frame_env env = {t, th.entry_fn, bind, 1, th.arg_distinct ? 1u : 0u, caller};
    rl_posvec empty = {NULL, 0, 0};
    tm_discover_children(m, t, &env);
    int frozen = !m->program->fns[th.entry_fn].spawns;
    const rl_lockset *entry = th.creation_locks ? th.creation_locks : rl_ls_empty(m->flow->locks);
    get_ctx(m, t, th.entry_fn, bind, 1, env.distinct, 0, &empty, frozen, 0, entry, entry, -1, -1);
    /* The library's finishers that join its children run after its entry,
     * at the positions discovery gave them. */
    const rl_thread *root = &m->threads[t];
    for (int k = 0; k < root->nfinishers; k++) {
        int32_t after = tm_finisher_position(m, t, root->finishers[k]);
        rl_posvec at = {&after, 1, 0};
        get_ctx(m, t, m->finishers[root->finishers[k]], NULL, 0, 0, 0, &at, 0, 0, entry, entry, -1, -1);
    }
    run_worklist(m);
    m->threads[t].runs_fn = tm_trampoline_body(m, &env);
}

/* ---- lock events ------------------------------------------------------------ */

static void record_lock_event(rl_model *m, const rl_ctx *c, int ci, int32_t i, const frame_env *env)
{
    const rl_node *n = &fn_of(m, c->fn)->nodes[i];
    int unused = 0;
    const char *lock = tm_follow_stores(m, tm_resolve(m, env, n->text, NULL), 0, &unused);
    if (n->kind == RL_N_LOCKINIT) {
        if (n->flags & RL_LOCK_RECURSIVE) rl_ptrmap_put(&m->recursive, lock, (void *)1);
        return;
    }
    void **slot = rl_ptrmap_slot(&m->lock_display, lock);
    if (!*slot && n->display && n->display[0]) *slot = (void *)rl_intern(m->program->pool, n->display);
    const rl_lockset *held = tm_follow_lock_stores(m, tm_held_at(m, c, i));
    if (!held || c->in_once == RL_RUN_ONCE_ROUTINE) return;
    RL_GROW(m->lock_events, m->cap_lock_events, m->nlock_events + 1);
    rl_lock_event *e = &m->lock_events[m->nlock_events++];
    e->ctx = ci;
    e->node = i;
    e->thread = c->thread;
    e->lock = lock;
    e->kind = n->kind;
    e->shared = (n->flags & RL_LOCK_SHARED) != 0;
    e->held = held;
    e->may = tm_follow_lock_stores(m, tm_may_held_at(m, c, i));
}

int rl_model_ctx_via_indirect(const rl_model *m, int ctx)
{
    for (int c = ctx; c >= 0 && m->ctxs[c].parent_ctx >= 0; c = m->ctxs[c].parent_ctx) {
        const rl_ctx *x = &m->ctxs[c];
        const rl_node *call = &fn_of(m, m->ctxs[x->parent_ctx].fn)->nodes[x->call_node];
        if (call->kind != RL_N_CALL || !(call->flags & RL_CALL_INDIRECT)) continue;
        size_t count;
        int weak;
        rl_program_indirect(m->program, call, &count, &weak);
        if (weak) return 1;
    }
    return 0;
}

/* Events are recorded context by context, so each context's are one run. */
static void index_lock_events(rl_model *m)
{
    m->ctx_lock_events = rl_xcalloc(m->nctxs + 1, sizeof *m->ctx_lock_events);
    size_t e = 0;
    for (size_t c = 0; c <= m->nctxs; c++) {
        while (e < m->nlock_events && (size_t)m->lock_events[e].ctx < c) e++;
        m->ctx_lock_events[c] = e;
    }
}

int rl_model_lock_is_recursive(const rl_model *m, const char *lock)
{
    if (rl_ptrmap_get(&m->recursive, lock)) return 1;
    /* An element named by its index ("G:m[3]") initialised with the others
     * in a loop ("G:m[]"). */
    const char *open = strchr(lock, '[');
    const char *close = open ? strchr(open, ']') : NULL;
    if (!close || close == open + 1) return 0;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_appendn(&sb, lock, (size_t)(open - lock));
    rl_sb_append(&sb, "[]");
    rl_sb_append(&sb, close + 1);
    const char *collapsed = rl_strpool_find(m->program->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return collapsed && rl_ptrmap_get(&m->recursive, collapsed) != NULL;
}

/* ---- accesses ------------------------------------------------------------- */

/* The locks an access's function took before it on every path (callees
 * included; its callers' are not known here). */
static const rl_lockset *access_history(rl_model *m, const rl_ctx *c, int32_t node, const frame_env *env)
{
    const rl_fn_flow *ff = &m->flow->fns[c->fn];
    if (!ff->acquired || !ff->acquired[node]) return NULL;
    return tm_resolve_locks(m, env, ff->acquired[node]);
}

/* The locks held by one alternative of an access through a choice: a
 * lock reached through the same choice is that alternative's lock
 * (`m = &s->mutex; d = &s->datum;` with s one of A and B: A.datum under
 * A.mutex, B.datum under B.mutex). Other locks through a choice are no
 * one object and protect nothing. */
static const rl_lockset *correlated_locks(rl_model *m, const rl_lockset *held, const char *access, size_t k)
{
    size_t root = rl_place_root_len(access);
    const rl_lockset *r = rl_ls_empty(m->flow->locks);
    for (size_t i = 0; held && i < held->n; i++) {
        const char *lock = held->e[i].lock;
        if (lock[0] == '%' && rl_place_root_len(lock) == root && strncmp(lock, access, root) == 0) {
            const char *alts[RL_MAX_CHOICES];
            size_t n = rl_place_alternatives(m->program->pool, lock, alts);
            if (k < n) lock = alts[k];
        }
        r = rl_ls_add(m->flow->locks, r, lock, held->e[i].shared);
    }
    return r;
}

/* What orders an access before other threads' accesses: the locks its
 * owned object is published under (publish), and the objects its
 * function posts on after it (flow.h), resolved in the context. */
static const rl_lockset *posted_after(rl_model *m, const rl_ctx *c, int32_t node, const frame_env *env,
                                      const rl_lockset *publish)
{
    const rl_lockset *posted = rl_flow_posted_after(m->flow, fn_of(m, c->fn), c->fn, node);
    if (!posted) return publish;
    const rl_lockset *r = tm_resolve_locks(m, env, posted);
    return publish ? rl_ls_union(m->flow->locks, publish, r) : r;
}

/* Each thread's spawn_history (threads.h): what its parent took before
 * the spawn on every path, frame by frame along the spawn's position: in
 * the parent's entry function (resolved in the parent's root context),
 * then in each callee down to the spawning function (global names only:
 * the callees' contexts are not looked up). A call through a pointer
 * ends the walk; what was found so far still holds. */
static void spawn_histories(rl_model *m)
{
    int *root = rl_xmalloc((m->nthreads + 1) * sizeof *root);
    for (size_t t = 0; t < m->nthreads; t++) root[t] = -1;
    for (size_t ci = 0; ci < m->nctxs; ci++) {
        const rl_ctx *c = &m->ctxs[ci];
        if (c->parent_ctx < 0 && root[c->thread] < 0 && c->fn == m->threads[c->thread].entry_fn) root[c->thread] = (int)ci;
    }
    for (size_t t = 0; t < m->nthreads; t++) {
        rl_thread *th = &m->threads[t];
        if (th->parent < 0 || th->spawn_pos.n < 1 || root[th->parent] < 0) continue;
        const rl_ctx *c = &m->ctxs[root[th->parent]];
        const rl_lockset *history = NULL;
        int fn = c->fn;
        for (int k = 0; k < th->spawn_pos.n && fn >= 0; k++) {
            const rl_function *f = fn_of(m, fn);
            int32_t node = th->spawn_pos.v[k];
            if (node < 0 || node >= f->nnodes) break;
            const rl_fn_flow *ff = &m->flow->fns[fn];
            const rl_lockset *own = ff->acquired ? ff->acquired[node] : NULL;
            if (k == 0 && own) {
                frame_env env = {c->thread, c->fn, c->bind, c->nbind, c->distinct, 0};
                history = tm_resolve_locks(m, &env, own);
            } else {
                for (size_t e = 0; own && e < own->n; e++)
                    if (rl_place_root(own->e[e].lock, NULL) == RL_ROOT_GLOBAL)
                        history = rl_ls_add(m->flow->locks, history ? history : rl_ls_empty(m->flow->locks),
                                            own->e[e].lock, 0);
            }
            const char *callee = m->program->fns[fn].callees[node];
            fn = callee ? rl_program_find(m->program, callee) : -1;
        }
        th->spawn_history = history && history->n ? history : NULL;
    }
    free(root);
}

/* Repeat calls of a run-once function (program.h, once_guard) only test
 * the guard: the body ran at the thread's first call. The first call is
 * taken to be the earliest in the thread's positions (curl's main calls
 * curl_global_init before starting anything; global_init, reached again
 * through curl_easy_init once the resolver threads run, returns at once).
 * A first call that may be skipped (behind an `if`) would make a later
 * one run the body, which this does not see. */
static const void *thread_fn_key(int thread, int fn)
{
    return (const void *)(uintptr_t)((((uint64_t)(uint32_t)thread << 32) | (uint32_t)fn) + 1);
}

/* For each (thread, run-once function), the context of its earliest call. */
static void find_first_calls(const rl_model *m, rl_ptrmap *first)
{
    for (size_t ci = 0; ci < m->nctxs; ci++) {
        const rl_ctx *c = &m->ctxs[ci];
        if (m->program->fns[c->fn].once_guard < 0) continue;
        void **slot = rl_ptrmap_slot(first, thread_fn_key(c->thread, c->fn));
        if (!*slot || pos_cmp(&c->pos, &m->ctxs[(intptr_t)*slot - 1].pos) < 0) *slot = (void *)(intptr_t)(ci + 1);
    }
}

/* Whether node `node` of context ci never runs: it is past a run-once
 * guard, of its own function or of a caller's, in a call that is not the
 * thread's first. */
static int repeat_of_run_once(const rl_model *m, const rl_ptrmap *first, int ci, int32_t node)
{
    while (ci >= 0) {
        const rl_ctx *c = &m->ctxs[ci];
        if (rl_program_first_call_only(&m->program->fns[c->fn], node)) {
            intptr_t e = (intptr_t)rl_ptrmap_get(first, thread_fn_key(c->thread, c->fn));
            return e && e - 1 != ci && pos_cmp(&m->ctxs[e - 1].pos, &c->pos) < 0;
        }
        if (c->in_once != RL_RUN_FIRST_PASS) return 0;
        node = c->call_node;
        ci = c->parent_ctx;
    }
    return 0;
}

static void collect_accesses(rl_model *m)
{
    rl_ptrmap first_calls = {0};
    find_first_calls(m, &first_calls);
    for (size_t ci = 0; ci < m->nctxs; ci++) {
        /* Past the budget, contexts left are not collected (reported). */
        if (rl_budget_spent(m->program->budget)) break;
        const rl_ctx *c = &m->ctxs[ci];
        const rl_function *f = fn_of(m, c->fn);
        frame_env env = {c->thread, c->fn, c->bind, c->nbind, c->distinct, 0};
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            if (n->kind == RL_N_TRYLOCK && (n->flags & RL_LOCK_JUMP_TARGET)) continue; /* a setjmp: no lock */
            if (n->kind == RL_N_LOCK || n->kind == RL_N_TRYLOCK || n->kind == RL_N_UNLOCK || n->kind == RL_N_LOCKINIT) {
                record_lock_event(m, c, (int)ci, i, &env);
                continue;
            }
            /* In a once-routine: kept when its control is known, as
             * published on it (everything after a once call on the same
             * control comes after the routine: flow.c); else left out. */
            if (n->kind != RL_N_ACCESS || (c->in_once == RL_RUN_ONCE_ROUTINE && !c->once_object)) continue;
            if (repeat_of_run_once(m, &first_calls, (int)ci, i)) continue;
            const rl_lockset *publish = NULL;
            int taken = 0, owned = access_is_owned(m, c, i, n->text, &publish, &taken);
            /* What nobody else can reach yet is not shared; what was taken
             * from others stays, for whoever wrongly touches it after
             * handing it over. */
            if (owned && !publish && !taken) continue;
            if (rl_ownership_released_unlinked(m->own, c->fn, i)) continue;
            publish = posted_after(m, c, i, &env, publish);
            if (c->in_once == RL_RUN_ONCE_ROUTINE)
                publish = rl_ls_add(m->flow->locks, publish ? publish : rl_ls_empty(m->flow->locks), c->once_object, 0);
            const rl_lockset *held = tm_follow_lock_stores(m, tm_held_at(m, c, i));
            if (!held) continue;
            int distinct0 = 0, root_distinct = 0;
            const char *resolved = tm_resolve2(m, &env, n->text, &distinct0, &root_distinct);
            if (!resolved[0]) continue;
            /* A pointer that may hold several objects: an access to each. */
            const char *alts[RL_MAX_CHOICES];
            size_t nalts = rl_place_alternatives(m->program->pool, resolved, alts);
            for (size_t k = 0; k < nalts; k++) {
                int distinct = distinct0;
                const char *place = tm_follow_stores(m, alts[k], root_distinct, &distinct);
                if (!place[0] || (place[0] == '{' && !rl_type_is_aggregate_key(place))) continue; /* see place.h */
                if ((n->flags & RL_ACC_NESTED) && place[0] != '{') continue; /* the whole access covers it */
                RL_GROW(m->accesses, m->cap_accesses, m->naccesses + 1);
                rl_access *a = &m->accesses[m->naccesses++];
                a->ctx = (int)ci;
                a->node = i;
                a->place = place;
                a->held = nalts > 1 ? correlated_locks(m, held, resolved, k) : held;
                a->thread = c->thread;
                a->distinct = distinct;
                a->flags = n->flags;
                /* The index names an element of the place's first array only
                 * while resolving left that array first: no parameter root,
                 * no pointer followed. */
                a->index = n->aux >= 0 && n->text[0] != 'P' && !strchr(n->text, '*') && nalts == 1 ? n->aux : -1;
                a->history = access_history(m, c, i, &env);
                a->publish = publish;
                a->owned = (uint8_t)owned;
                a->guard = NULL;
                if (n->guard) {
                    int unused = 0;
                    a->guard = tm_follow_stores(m, tm_resolve(m, &env, n->guard, NULL), 0, &unused);
                }
            }
        }
    }
    rl_ptrmap_free(&first_calls);
}

/* Groups non-atomic accesses by location: rules pair accesses within a
 * group only, which keeps the pairing near-linear in practice. A group
 * keeps its first MAX_GROUP accesses and, past that, one access of each
 * kind (thread, locks held, write or not) it does not hold yet, up to
 * MAX_GROUP more: a location touched from thousands of places by one
 * thread still meets the other threads' accesses. */
#define MAX_GROUP 4096

static uint64_t access_kind(const rl_access *a)
{
    uint64_t h = ((uint64_t)(uint32_t)a->thread * 0x9E3779B97F4A7C15ULL) ^ (uint64_t)(uintptr_t)a->held;
    h = (h ^ (a->flags & RL_ACC_WRITE ? 0xA5A5A5A5u : 0)) * 0xBF58476D1CE4E5B9ULL;
    return h ? h : 1;
}

static void group_accesses(rl_model *m)
{
    size_t cap = 0;
    for (size_t i = 0; i < m->naccesses; i++) {
        const rl_access *a = &m->accesses[i];
        if (a->flags & RL_ACC_ATOMIC) continue;
        void **slot = rl_ptrmap_slot(&m->group_by_place, a->place);
        if (!*slot) {
            RL_GROW(m->groups, cap, m->ngroups + 1);
            memset(&m->groups[m->ngroups], 0, sizeof *m->groups);
            m->groups[m->ngroups].place = a->place;
            *slot = (void *)(intptr_t)(++m->ngroups);
        }
        rl_access_group *g = &m->groups[(intptr_t)*slot - 1];
        if (g->len == MAX_GROUP && !g->kinds.count)
            for (size_t k = 0; k < g->len; k++) rl_u64set_add(&g->kinds, access_kind(&m->accesses[g->items[k]]));
        if (g->len < MAX_GROUP || (g->len < 2 * MAX_GROUP && rl_u64set_add(&g->kinds, access_kind(a))))
            RL_PUSH(g->items, g->len, g->cap, i);
        else
            m->limits.accesses_merged++;
    }
}

const rl_access_group *rl_model_group(const rl_model *m, const char *place)
{
    void *v = rl_ptrmap_get(&m->group_by_place, place);
    return v ? &m->groups[(intptr_t)v - 1] : NULL;
}

/* The functions the project config names as entry points run in
 * application threads, any number of them at once: each is a root thread
 * of several instances (unless it is a root already). */
static void add_entry_point_roots(rl_model *m)
{
    const rl_program *p = m->program;
    size_t nroots = m->nthreads;
    for (size_t i = 0; i < p->nfns; i++) {
        int match = 0;
        for (size_t k = 0; k < p->nentry_points && !match; k++) match = fnmatch(p->entry_points[k], p->fns[i].name, 0) == 0;
        if (!match) continue;
        int root = -1;
        for (size_t t = 0; t < nroots && root < 0; t++)
            if (m->threads[t].entry_fn == (int)i) root = (int)t;
        if (root < 0) root = tm_add_thread(m, -1, (int)i);
        if (root >= 0) m->threads[root].multi = m->threads[root].own_multi = 1;
    }
}

rl_model *rl_model_build(rl_program *p, rl_flow *flow)
{
    rl_model *m = rl_xcalloc(1, sizeof *m);
    m->program = p;
    m->flow = flow;
    m->limits.max_threads = MAX_THREADS;
    m->limits.max_contexts = MAX_CONTEXTS;
    m->limits.soft_contexts = CONTEXT_SOFT_LIMIT;
    m->limits.discovery_budget = DISCOVERY_BUDGET;
    m->limits.max_depth = MAX_SPAWN_DEPTH;
    m->limits.max_candidates = MAX_CANDIDATES;
    m->limits.max_group = MAX_GROUP;
    m->own = rl_ownership_new(p, flow);
    m->scoped = rl_scoped_new(p);
    m->resolve_memo = tm_memo_new();
    size_t cap_finishers = 0;
    tm_record_static_stores(m);
    if (p->main_fn >= 0) {
        tm_add_thread(m, -1, p->main_fn);
    } else {
        /* A library: the functions that start threads and that nothing in
         * it calls (directly, as a once-routine, or through a pointer that
         * flows resolve) are what the application calls to start them. */
        char *called = rl_xcalloc(p->nfns + 1, 1);
        for (size_t i = 0; i < p->nfns; i++)
            for (int32_t n = 0; n < p->fns[i].fn->nnodes; n++) {
                size_t count;
                int weak, one;
                const int *callees = rl_program_callees(p, &p->fns[i], n, &one, &count, &weak);
                for (size_t k = 0; !weak && k < count; k++)
                    if (callees[k] != (int)i) called[callees[k]] = 1;
            }
        for (size_t i = 0; i < p->nfns; i++)
            if (p->fns[i].starts && !called[i] && p->fns[i].may_root) tm_add_thread(m, -1, (int)i);
        for (size_t i = 0; i < p->nfns; i++)
            if (!p->fns[i].starts && !called[i] && p->fns[i].may_root && p->fns[i].spawns)
                RL_PUSH(m->finishers, m->nfinishers, cap_finishers, (int)i);
        free(called);
    }
    add_entry_point_roots(m);
    for (size_t t = 0; t < m->nthreads; t++) analyse_thread(m, (int)t);
    tm_collect_stores(m);
    tm_index_instance_frames(m);
    spawn_histories(m);
    collect_accesses(m);
    group_accesses(m);
    index_lock_events(m);
    return m;
}

void rl_model_free(rl_model *m)
{
    if (!m) return;
    rl_ownership_free(m->own);
    rl_scoped_free(m->scoped);
    for (size_t i = 0; i < m->nthreads; i++) {
        pos_free(&m->threads[i].spawn_pos);
        pos_free(&m->threads[i].start);
        pos_free(&m->threads[i].dstart);
        pos_free(&m->threads[i].end);
        pos_free(&m->threads[i].dend);
        for (int k = 0; k < m->threads[i].ncreated_under; k++) pos_free(&m->threads[i].released_at[k]);
        for (int k = 0; k < m->threads[i].nphase_bounds; k++) pos_free(&m->threads[i].phase_bounds[k]);
        free(m->threads[i].phase_bounds);
        free(m->threads[i].finishers);
        free(m->threads[i].join_sites);
        for (int k = 0; k < m->threads[i].nfailure_joins; k++) {
            pos_free(&m->threads[i].failure_joins[k].pos);
            free(m->threads[i].failure_joins[k].frame_fns);
        }
        free(m->threads[i].failure_joins);
        for (int k = 0; k < m->threads[i].nlater_joins; k++) pos_free(&m->threads[i].later_joins[k].at);
        free(m->threads[i].later_joins);
        pos_free(&m->threads[i].joined_by_at);
    }
    free(m->finishers);
    for (size_t i = 0; i < m->nctxs; i++) {
        free(m->ctxs[i].bind);
        pos_free(&m->ctxs[i].pos);
    }
    free(m->threads);
    free(m->ctxs);
    free(m->accesses);
    rl_ptrmap_free(&m->ctx_by_key);
    rl_ptrmap_free(&m->lock_display);
    rl_ptrmap_free(&m->stored);
    rl_ptrmap_free(&m->returns);
    tm_memo_free(m->resolve_memo);
    rl_ptrmap_free(&m->instance_frames);
    rl_ptrmap_free(&m->wrapper_inner);
    rl_ptrmap_free(&m->recursive);
    rl_u64set_free(&m->once_spawns);
    free(m->lock_events);
    free(m->ctx_lock_events);
    for (size_t i = 0; i < m->ngroups; i++) {
        free(m->groups[i].items);
        rl_u64set_free(&m->groups[i].kinds);
    }
    free(m->groups);
    rl_ptrmap_free(&m->group_by_place);
    free(m);
}

const rl_function *rl_model_ctx_function(const rl_model *m, int ctx)
{
    return fn_of(m, m->ctxs[ctx].fn);
}

void rl_model_lock_display(const rl_model *m, const char *lock, rl_strbuf *out)
{
    /* A named object reads best by its name (`checking.lock`); one known
     * only by type reads best as the code spells it (`from->lock`). */
    rl_root_kind k = rl_place_root(lock, NULL);
    const char *d = k == RL_ROOT_GLOBAL || k == RL_ROOT_QUALIFIED ? NULL : rl_ptrmap_get(&m->lock_display, lock);
    if (d) rl_sb_append(out, d);
    else rl_place_pretty(lock, out);
}
