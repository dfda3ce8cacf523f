/* The thread model (threads.h): builds it and keeps its tables. Per
 * thread, two passes:
 *  1. discovery (discovery.c): spawn and join sites, the children and
 *     their run intervals;
 *  2. exploration (here): a worklist over the contexts reachable from the
 *     entry, carrying bindings and entry locksets to a fixpoint.
 * Then every ACCESS node of every context becomes a resolved rl_access
 * (names from resolve.c), grouped by place, and every lock operation a
 * lock event (accesses.c). Ordering questions are answered in ordering.c.
 *
 * Invariants:
 *  1. Contexts are keyed by thread, function, bindings and position: one
 *     context per key, its entry locks the meet over every call reaching
 *     it (so the worklist ends). The position is the exact one on a path
 *     to one of the thread's order points, where it left them otherwise
 *     (leaving_prefix), or, in code that starts and joins no thread
 *     (frozen), the phase among the children's bounds.
 *  2. At most MAX_CONTEXTS contexts; past the soft limit (soft_limit())
 *     new ones keep only their function bindings. Every cut is counted in
 *     limits.
 *  3. Accesses and lock events are collected after every thread is
 *     explored and every store recorded: context by context, in index
 *     order. */
#include "threads_internal.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "ownership.h"
#include "known.h"
#include "member_tests.h"
#include "recursion.h"
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
/* Past the soft limit, new contexts ignore their bindings (one context per
 * function and phase): coarser, but exploration stays bounded. The limit
 * grows with the code, CONTEXTS_PER_FUNCTION for each function of the
 * program, and is never below CONTEXT_SOFT_LIMIT: the contexts a program
 * needs follow its functions and the objects each is handed, and a
 * fixed bound cut zstd's command line (2,000 functions, 122,000 contexts)
 * at 100,000, its job threads' compression contexts then known by type
 * alone (22 false findings of 27, measured). 128 a function leaves room:
 * of the seven codebases measured, zstd needs the most, 61 (memcached
 * 18, curl 13, redis 8). */
#define CONTEXT_SOFT_LIMIT 100000
#define CONTEXTS_PER_FUNCTION 128

static size_t soft_limit(const rl_program *p)
{
    size_t by_code = p->nfns * CONTEXTS_PER_FUNCTION;
    size_t limit = by_code > CONTEXT_SOFT_LIMIT ? by_code : CONTEXT_SOFT_LIMIT;
    return limit < MAX_CONTEXTS ? limit : MAX_CONTEXTS;
}

/* ---- pass 2: contexts ---------------------------------------------------- */

static int get_ctx(rl_model *m, int thread, int fn, const char **bind, int nbind, uint32_t distinct,
                   uint32_t reached_distinct, uint32_t owned, const rl_known_set *known, const rl_posvec *pos, int frozen,
                   int in_once, const rl_lockset *entry, const rl_lockset *entry_may, const rl_lockset *entry_history,
                   const rl_known_set *conds, int parent, int32_t call)
{
    const char *fn_only[MAX_PARAMS];
    if (m->nctxs >= m->limits.soft_contexts && nbind) {
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
        reached_distinct = 0;
        owned = 0;
        /* known stays: few contexts carry one (known.h), and dropping it
         * would make a thread run code its own tests rule out */
    }
    rl_strbuf key = RL_STRBUF_INIT;
    /* thread|fn|in_once|distinct|reached|bindings...|position, built
     * without printf: this runs once per call analysed. */
    const long long head[] = {thread, fn, in_once, distinct, reached_distinct};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++) {
        rl_sb_append_int(&key, head[i]);
        rl_sb_appendc(&key, '|');
    }
    for (int i = 0; i < nbind; i++) {
        if (bind[i]) rl_sb_append(&key, bind[i]);
        rl_sb_appendc(&key, '|');
    }
    if (known) rl_sb_append(&key, known->key);
    rl_sb_appendc(&key, '|');
    tm_prepare_positions(m, thread);
    int leaving;
    if (frozen) {
        rl_sb_appendc(&key, 'F');
        tm_phase_signature(m, thread, pos, &key);
    } else if ((leaving = tm_leaving_prefix(m, thread, fn, pos)) > 0) {
        /* the depth too: other_run_of_maker (ordering.c) reads it */
        rl_sb_appendc(&key, 'G');
        rl_sb_append_int(&key, pos->n);
        rl_sb_appendc(&key, ':');
        for (int i = 0; i < leaving; i++) {
            rl_sb_append_int(&key, pos->v[i]);
            rl_sb_appendc(&key, '.');
        }
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
        tm_note_call_edge(m, parent, call, (int)((intptr_t)*slot - 1));
        rl_ctx *c = &m->ctxs[(intptr_t)*slot - 1];
        c->owned &= owned; /* owned only if owned at every call */
        const rl_lockset *met = rl_ls_meet_by_type(m->flow->locks, c->entry, entry);
        const rl_lockset *may = rl_ls_union(m->flow->locks, c->entry_may, entry_may);
        const rl_lockset *history = rl_ls_meet(m->flow->locks, c->entry_history, entry_history);
        const rl_known_set *tested = rl_known_meet(m->known, c->entry_conds, conds);
        if (met != c->entry || may != c->entry_may || history != c->entry_history || tested != c->entry_conds) {
            c->entry = met;
            c->entry_may = may;
            c->entry_history = history;
            c->entry_conds = tested;
            c->queued = RL_QUEUED_FULL;
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
    c->reached_distinct = reached_distinct;
    c->owned = owned;
    c->known = known;
    c->dead = rl_known_dead(m->known, fn, known);
    c->pos = pos_copy(pos);
    c->frozen = frozen;
    c->in_once = in_once;
    c->entry = entry;
    c->entry_may = entry_may;
    c->entry_history = entry_history;
    c->entry_conds = conds;
    c->parent_ctx = parent;
    c->call_node = call;
    c->queued = RL_QUEUED_FULL;
    if (m->nctxs < m->queue_lo) m->queue_lo = m->nctxs;
    *slot = (void *)(intptr_t)(m->nctxs + 1);
    tm_note_call_edge(m, parent, call, (int)m->nctxs);
    return (int)m->nctxs++;
}

const rl_lockset *tm_handoff_locks(rl_model *m, const rl_ctx *c, const struct rl_handoff *h)
{
    if (h->node < 0) return NULL;
    const rl_fn_flow *ff = &m->flow->fns[h->fn];
    const rl_lockset *held = ff->held ? ff->held[h->node] : NULL;
    if (!held || !held->n) return NULL;
    frame_env env = tm_ctx_env(c);
    const rl_lockset *r = rl_ls_empty(m->flow->locks);
    for (size_t i = 0; i < held->n; i++) {
        const char *lock = held->e[i].lock;
        /* a callee's lock, in the allocating function's terms */
        if (h->call) lock = rl_place_subst(m->program->pool, lock, h->call->args, h->call->nargs);
        r = rl_ls_add(m->flow->locks, r, tm_resolve(m, &env, lock, NULL), 0);
    }
    return tm_follow_lock_stores(m, r); /* named as the readers' held locks are */
}

/* Whether pointer value v, at node of c's function, points to an object
 * the function took off a shared structure, or one such an object leads
 * to (rl_ownership_taken_at, asked of the object v points to). */
static int arg_taken(rl_model *m, const rl_ctx *c, int32_t node, const char *v, rl_handoff *h)
{
    if (!v[0] || v[0] == '&' || v[0] == '{') return 0;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, v);
    rl_sb_appendc(&sb, '*');
    /* interned: the ownership memo keys texts by address (ownership.h) */
    int r = rl_ownership_taken_at(m->own, c->fn, node, rl_intern(m->program->pool, rl_sb_str(&sb)), h);
    rl_sb_free(&sb);
    return r;
}

/* Which arguments of a call hand the callee an object its caller still
 * owns: one the caller allocated and has not published, one it took off
 * a shared structure (*taken: those, whose accesses stay for whoever
 * touches them after handing them on), or one it was itself handed
 * owned; *publish gets the locks the hand-off needs. */
/* Argument text v with a getter's result (tm_call_gives_part_of) put in
 * the terms of the argument it is part of: the value itself (`getter(p)`,
 * "@..."), a pointer loaded from it ("@...*.f") or the address of a part
 * of it ("&@...*.f": `&table->wksps`, table from an aligner); else v. */
static const char *arg_in_arg_terms(rl_model *m, const char *v)
{
    if (!v) return v;
    if (v[0] == '@' && !v[rl_place_root_len(v)]) {
        const char *part_of = tm_call_gives_part_of(m, v);
        return part_of ? part_of : v;
    }
    int amp = v[0] == '&';
    if (v[amp] != '@') return v;
    const char *place = tm_call_place_in_arg_terms(m, v + amp);
    if (!place) return v;
    if (!amp) return place;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "&%s", place);
    const char *r = rl_intern(m->program->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return r;
}

static uint32_t owned_args(rl_model *m, const rl_ctx *c, int32_t node, const rl_node *n, const rl_lockset **publish,
                           uint32_t *taken)
{
    uint32_t owned = 0;
    *publish = NULL;
    *taken = 0;
    for (int32_t i = 0; i < n->nargs && i < MAX_PARAMS; i++) {
        const char *v = n->args[i];
        /* a getter's result stands for the argument it is part of */
        v = arg_in_arg_terms(m, v);
        int k = -1;
        int param = rl_place_root(v, &k) == RL_ROOT_PARAM && (v[0] == 'P' || v[0] == '&') && k >= 0 && k < MAX_PARAMS;
        /* the parameter itself, the address of one of its own fields
         * (`&zc->workspace`: one star, right after the parameter), or what
         * a taken one leads to (ownership.h invariant 4) */
        const char *star = strchr(v, '*');
        int own_field = v[0] == '&' && star && !strchr(star + 1, '*') && star == v + 1 + rl_place_root_len(v + 1);
        int from_param = param && ((v[0] == 'P' && !star) || own_field || (c->owned_taken & (1u << k)));
        rl_handoff h = {0};
        /* A pointer read from a local's member or element (`ev.arg`, its
         * value the place it is read from) hands on what it points to,
         * not the local: whose that is, the stores it was given say. */
        int read_from_local = v[0] != '&' && rl_place_root(v, NULL) == RL_ROOT_LOCAL;
        if ((!read_from_local && rl_ownership_fresh_at(m->own, c->fn, node, v, &h)) || arg_taken(m, c, node, v, &h)) {
            owned |= 1u << i;
            if (h.taken) *taken |= 1u << i;
            const rl_lockset *locks = tm_handoff_locks(m, c, &h);
            if (locks) *publish = locks;
        } else if (from_param && (c->owned & (1u << k))) {
            owned |= 1u << i;
            if (c->owned_taken & (1u << k)) *taken |= 1u << i;
            if (c->owned_publish) *publish = c->owned_publish;
        }
    }
    return owned;
}

const char *tm_once_object(rl_model *m, const frame_env *env, const rl_node *n)
{
    if (n->kind != RL_N_ONCE || !n->text || !n->text[0]) return NULL;
    const rl_lockset *own =
        rl_ls_add(m->flow->locks, rl_ls_empty(m->flow->locks), rl_intern(m->program->pool, n->text), 0);
    const rl_lockset *r = tm_resolve_locks(m, env, own);
    return r && r->n == 1 ? r->e[0].lock : NULL;
}

/* A recursive call (recursion.h) keeps the values its caller passes on
 * unchanged, function values (they decide what the callee calls; there
 * are few) and nothing else: a walk down a structure is one context per
 * entry into the cycle, not one per path through the structure. Keeping
 * the addresses of globals too (a once-control handed round a cycle)
 * changed nothing on libuv once spawns stopped counting as calls, and
 * added false findings on redis. */
static void widen_recursive_call(const rl_ctx *caller, const char **vals, int nvals, uint32_t *distinct,
                                 uint32_t *reached)
{
    for (int i = 0; i < nvals; i++) {
        if (!vals[i] || !vals[i][0] || strncmp(vals[i], "fn:", 3) == 0) continue;
        int passed_on = 0;
        for (int k = 0; k < caller->nbind && !passed_on; k++) passed_on = caller->bind[k] == vals[i];
        if (passed_on) continue;
        vals[i] = "";
        *distinct &= ~(1u << i);
        *reached &= ~(1u << i);
    }
}

static void call_into(rl_model *m, int ci, int32_t node, int callee, int in_once, const rl_lockset *held,
                      const rl_lockset *may)
{
    rl_ctx c = m->ctxs[ci]; /* copy: get_ctx may move the array */
    const rl_node *n = &fn_of(m, c.fn)->nodes[node];
    frame_env env = tm_ctx_env(&c);
    uint32_t distinct = 0, reached = 0;
    const char **vals = in_once ? NULL : tm_bind_args(m, &env, n, callee, &distinct, &reached);
    int nvals = in_once ? 0 : tm_bound_args(m, n, callee);
    /* Kept beside the context, not in its key: binding such calls apart
     * multiplied contexts for no better name. */
    uint8_t per_element =
        vals && (c.per_element == 1 || tm_call_in_loop(m, c.thread, fn_of(m, c.fn), node)) ? 1 : 2;
    int frozen = c.frozen || !m->program->fns[callee].spawns || c.pos.n >= m->threads[c.thread].pos_depth;
    rl_posvec pos = tm_ctx_position(m, &c, node);
    const rl_lockset *publish = NULL;
    uint32_t taken = 0;
    uint32_t owned = in_once ? 0 : owned_args(m, &c, node, n, &publish, &taken);
    /* A once-routine's context stays one to the end; past a run-once
     * guard, the callee runs on the first call only (RL_RUN_FIRST_PASS). */
    int run = c.in_once == RL_RUN_ONCE_ROUTINE || in_once ? RL_RUN_ONCE_ROUTINE
              : c.in_once || rl_program_first_call_only(&m->program->fns[c.fn], node) ? RL_RUN_FIRST_PASS
                                                                                     : RL_RUN_EVERY_CALL;
    /* Only a started thread's entry establishes facts (known.h): it is
     * where a worker decides what it does by a global's value */
    int establish = c.parent_ctx < 0 && m->threads[c.thread].parent >= 0 && c.fn == m->threads[c.thread].entry_fn;
    const rl_known_set *known = rl_known_for_call(m->known, c.fn, c.known, c.dead, node, callee, establish);
    if (vals && m->scc_of[c.fn] == m->scc_of[callee]) widen_recursive_call(&c, vals, nvals, &distinct, &reached);
    int id = get_ctx(m, c.thread, callee, vals, nvals, distinct, reached, owned, known, &pos, frozen, run, held, may,
                     tm_history_at(m, &c, node), rl_known_at(m->known, c.fn, c.entry_conds, c.dead, node), ci, node);
    if (id >= 0 && m->ctxs[id].per_element != 2) m->ctxs[id].per_element = per_element;
    if (id >= 0 && n->callee) {
        /* What this call holds on every path, though another call may not
         * (a helper locking what one caller holds): kept for double-lock,
         * from the caller as explored so far. Direct calls only: a call
         * through a pointer may reach functions it never calls (a list's
         * free method resolved field by field), and a self-deadlock is
         * claimed only where the code names the callee. */
        const rl_lockset *some = tm_held_some_at(m, &m->ctxs[ci], node);
        rl_ctx *cx = &m->ctxs[id];
        if (some && some->n) cx->entry_some = cx->entry_some ? rl_ls_union(m->flow->locks, cx->entry_some, some) : some;
    }
    if (id >= 0 && !m->ctxs[id].once_object)
        m->ctxs[id].once_object = c.in_once == RL_RUN_ONCE_ROUTINE ? c.once_object
                                  : in_once                        ? tm_once_object(m, &env, n)
                                                                   : NULL;
    if (id >= 0) m->ctxs[id].owned_taken |= taken;
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

/* Explores context ci: enters the callees of each of its calls. Only the
 * calls whose callees the points-to sets gave, when stores_only (the
 * context was queued again because the sets grew, nothing else changed:
 * its other calls would enter the same contexts with the same state). */
static void explore(rl_model *m, int ci, int stores_only)
{
    int fn = m->ctxs[ci].fn;
    const rl_function *f = fn_of(m, fn);
    const rl_fn_info *info = &m->program->fns[fn];
    rl_ctx *cx = &m->ctxs[ci];
    frame_env env = tm_ctx_env(cx);
    /* cx moves when call_into adds contexts: what the loop needs is read now */
    int entry = m->threads[cx->thread].entry_fn;
    /* Stores do not depend on the locks a context is entered with: once
     * per context, not on every re-exploration. */
    if (!cx->stores_recorded) {
        cx->stores_recorded = 1;
        tm_record_stores(m, &env);
    }
    uint64_t sig = 0; /* the callees the points-to sets gave, hashed */
    int by_stores = 0;
    for (int32_t i = 0; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        /* Calls in doomed code (a crash report) are not explored, except
         * those of a thread entry's own end (no branch around them: main
         * ending in exit(0)). Any other function's end may be a crash
         * path of its callers (an out-of-memory handler ending in a
         * panic), as far as this function alone can tell. */
        if (!rl_program_call_like(info, i)) continue;
        if (info->doomed[i] && !(info->doomed[i] == RL_DOOMED_END && fn == entry)) continue;
        if (stores_only && info->callees[i]) continue; /* a direct call */
        const rl_lockset *held = tm_held_at(m, &m->ctxs[ci], i);
        if (!held) continue;
        const rl_lockset *may = tm_may_held_at(m, &m->ctxs[ci], i);
        tm_targets to;
        tm_ctx_callees(m, &env, i, &to);
        if (stores_only && !to.from_stores) continue;
        if (to.from_stores) {
            m->ctxs[ci].callees_by_stores = 1;
            m->ctxs[ci].stores_seen = m->stores_generation;
            by_stores = 1;
            for (size_t k = 0; k < to.count; k++) sig += ((uint64_t)(uint32_t)i << 32 | (uint32_t)to.fns[k]) * 0x9E3779B97F4A7C15ULL;
        }
        for (size_t k = 0; k < to.count && k < MAX_CANDIDATES; k++) {
            /* a hook installed only while some call runs (scoped.h) runs
             * in the threads that make that call */
            if (!info->callees[i] && !rl_scoped_allows(m->scoped, entry, to.fns[k])) continue;
            /* a hook whose every path ends the process (an out-of-memory
             * handler that panics) runs on an exit path, as a direct
             * call to it does, doomed (exit_paths.h); in the thread's
             * entry it may be how the thread ends, as RL_DOOMED_END is */
            if (!info->callees[i] && fn != entry && m->program->fns[to.fns[k]].exits) continue;
            call_into(m, ci, i, to.fns[k], n->kind == RL_N_ONCE, held, may);
        }
        if (to.count > MAX_CANDIDATES) m->limits.candidates_cut++;
    }
    if (by_stores) {
        rl_ctx *c = &m->ctxs[ci];
        c->callees_grew = sig != c->callees_sig;
        c->callees_sig = sig;
    }
}

/* The contexts whose calls reached what the points-to sets held before
 * they grew since (a loop dispatching the events its callbacks
 * register), or, all, every context whose calls the sets decided; each
 * queued again when queue is set. Returns how many. */
static size_t stale_for_stores(rl_model *m, int all, int queue)
{
    size_t count = 0;
    for (size_t i = 0; i < m->nctxs; i++) {
        rl_ctx *c = &m->ctxs[i];
        if (!c->callees_by_stores || (!all && c->stores_seen == m->stores_generation)) continue;
        /* counting the cut: only those whose callees still grew */
        if (!queue && !c->callees_grew) continue;
        count++;
        if (!queue) continue;
        if (!c->queued) c->queued = RL_QUEUED_FOR_STORES;
        if (i < m->queue_lo) m->queue_lo = i;
    }
    return count;
}

/* How many times run_worklist explores again the contexts whose callees
 * the points-to sets gave, once they grew: each round follows one more
 * level of callbacks that register callbacks (a worker's loop runs the
 * notify callback main registered, which registers each connection's). */
#define MAX_STORE_ROUNDS 4

/* Whether the worklist has more to do once nothing is queued: the
 * contexts whose callees the sets gave, while rounds remain and the sets
 * grew (past the bound, counted: limit-store-rounds); then, once, every
 * such context with the sets settled. */
static int more_rounds(rl_model *m, int *rounds)
{
    if (*rounds < MAX_STORE_ROUNDS && stale_for_stores(m, 0, 1)) {
        ++*rounds;
        return 1;
    }
    if (m->stores_settled) return 0;
    if (*rounds == MAX_STORE_ROUNDS) m->limits.store_rounds_cut += stale_for_stores(m, 0, 0);
    m->stores_settled = 1;
    return stale_for_stores(m, 1, 1) > 0;
}

/* Passes over the contexts in index order until none is queued. Each pass
 * starts at queue_lo, below which nothing is queued: with one pass per
 * thread, scanning every context each time would be quadratic. */
static void run_worklist(rl_model *m)
{
    m->stores_settled = 0;
    for (int changed = 1, rounds = 0; changed || more_rounds(m, &rounds);) {
        changed = 0;
        size_t start = m->queue_lo;
        m->queue_lo = SIZE_MAX;
        for (size_t i = start; i < m->nctxs; i++) {
            if (!m->ctxs[i].queued) continue;
            /* Past the budget, the contexts still queued stay unexplored
             * (the driver names the stage that stopped). */
            if (rl_budget_spent(m->program->budget)) return;
            int stores_only = m->ctxs[i].queued == RL_QUEUED_FOR_STORES;
            m->ctxs[i].queued = 0;
            explore(m, (int)i, stores_only);
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
    frame_env env = {t, th.entry_fn, bind, 1, th.arg_distinct ? 1u : 0u, caller, th.arg_distinct ? 1u : 0u, 0};
    rl_posvec empty = {NULL, 0, 0};
    m->threads[t].pos_depth = tm_position_depth(m, th.entry_fn);
    tm_discover_children(m, t, &env);
    int frozen = !m->program->fns[th.entry_fn].spawns;
    const rl_lockset *entry = th.creation_locks ? th.creation_locks : rl_ls_empty(m->flow->locks);
    const rl_lockset *none = rl_ls_empty(m->flow->locks);
    /* What the path to its spawn tested: the thread exists only then
     * (known.h, modes); with several paths to it, nothing. */
    const rl_known_set *spawned_under =
        th.parent >= 0 && th.spawn_frames && !th.spawn_repeated
            ? rl_known_on_path(m->known, th.spawn_frames, th.spawn_pos.v, th.spawn_pos.n)
            : NULL;
    get_ctx(m, t, th.entry_fn, bind, 1, env.distinct, env.distinct, 0, NULL, &empty, frozen, 0, entry, entry, none,
            spawned_under, -1, -1);
    /* The library's finishers that join its children run after its entry,
     * at the positions discovery gave them. */
    const rl_thread *root = &m->threads[t];
    for (int k = 0; k < root->nfinishers; k++) {
        int32_t after = tm_finisher_position(m, t, root->finishers[k]);
        rl_posvec at = {&after, 1, 0};
        get_ctx(m, t, m->finishers[root->finishers[k]], NULL, 0, 0, 0, 0, NULL, &at, 0, 0, entry, entry, none, NULL, -1,
                -1);
    }
    run_worklist(m);
    m->threads[t].runs_fn = tm_trampoline_body(m, &env);
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

/* ---- spawn histories ------------------------------------------------------ */

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
                frame_env env = tm_ctx_env(c);
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

/* Whether nothing in the program can start a thread, take or release a
 * lock, or run once: no SPAWN (callbacks handed to unseen code included),
 * JOIN, LOCK, TRYLOCK, UNLOCK, LOCKINIT or ONCE node in any function, and
 * no configured entry points (application threads); a callback handed
 * to a function the program defines is no spawn (rl_program_spawn_live),
 * a setjmp no trylock, a start joined at once and its join neither
 * (at_once.h: such a thread runs as a call). Then only one thread runs, no access can race and
 * no lock rule has an event: the threads
 * are made (the program's summary lists them) but not explored. Lua's
 * interpreter, linked by memcached's and redis's builds as programs of
 * their own, cost most of their whole-program phase exploring for
 * nothing (docs/performance.md). */
static int program_inert(const rl_program *p)
{
    if (p->nentry_points) return 0;
    for (size_t i = 0; i < p->nfns; i++)
        for (int32_t k = 0; k < p->fns[i].fn->nnodes; k++)
            switch (p->fns[i].fn->nodes[k].kind) {
            case RL_N_SPAWN:
                if (rl_program_spawn_live(p, &p->fns[i].fn->nodes[k]) && !p->fns[i].at_once[k]) return 0;
                break;
            case RL_N_TRYLOCK:
                /* a setjmp takes no lock */
                if (!(p->fns[i].fn->nodes[k].flags & RL_LOCK_JUMP_TARGET)) return 0;
                break;
            case RL_N_JOIN:
                if (!p->fns[i].at_once[k]) return 0;
                break;
            case RL_N_LOCK:
            case RL_N_UNLOCK:
            case RL_N_LOCKINIT:
            case RL_N_ONCE:
                return 0;
            default:
                break;
            }
    return 1;
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
    m->limits.soft_contexts = soft_limit(p);
    m->limits.discovery_budget = DISCOVERY_BUDGET;
    m->limits.max_depth = MAX_SPAWN_DEPTH;
    m->limits.max_candidates = MAX_CANDIDATES;
    m->limits.max_store_rounds = MAX_STORE_ROUNDS;
    m->limits.max_group = MAX_GROUP;
    m->limits.min_pos_depth = MIN_POS_DEPTH;
    m->own = rl_ownership_new(p, flow);
    m->known = rl_known_build(p, flow);
    m->scoped = rl_scoped_new(p);
    m->resolve_memo = tm_memo_new();
    size_t cap_finishers = 0;
    tm_record_static_stores(m);
    m->scc_of = rl_recursion_components(p);
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
    if (!program_inert(p))
        for (size_t t = 0; t < m->nthreads; t++) analyse_thread(m, (int)t);
    tm_collect_stores(m);
    tm_note_store_origins(m);
    tm_decide_member_tests(m);
    tm_match_joiners(m);
    tm_index_instance_frames(m);
    spawn_histories(m);
    tm_collect_accesses(m);
    /* Nothing is resolved past this point: the memo's answers (a tenth of
     * the model's memory on memcached) make room for the groups. */
    tm_memo_free(m->resolve_memo);
    m->resolve_memo = tm_memo_new();
#ifdef __GLIBC__
    malloc_trim(0);
#endif
    tm_group_accesses(m);
    tm_index_lock_events(m);
    return m;
}

void rl_model_free(rl_model *m)
{
    if (!m) return;
    tm_member_tests_free(m);
    rl_ownership_free(m->own);
    rl_known_free(m->known);
    rl_scoped_free(m->scoped);
    for (size_t i = 0; i < m->nthreads; i++) {
        pos_free(&m->threads[i].spawn_pos);
        free(m->threads[i].spawn_frames);
        pos_free(&m->threads[i].start);
        pos_free(&m->threads[i].dstart);
        pos_free(&m->threads[i].end);
        pos_free(&m->threads[i].dend);
        for (int k = 0; k < m->threads[i].ncreated_under; k++) pos_free(&m->threads[i].released_at[k]);
        for (int k = 0; k < m->threads[i].nphase_bounds; k++) pos_free(&m->threads[i].phase_bounds[k]);
        free(m->threads[i].phase_bounds);
        rl_u64set_free(&m->threads[i].order_prefixes);
        free(m->threads[i].finishers);
        free(m->threads[i].join_sites);
        for (int k = 0; k < m->threads[i].npath_joins; k++) {
            pos_free(&m->threads[i].path_joins[k].pos);
            free(m->threads[i].path_joins[k].frame_fns);
        }
        free(m->threads[i].path_joins);
        for (int k = 0; k < m->threads[i].nlater_joins; k++) pos_free(&m->threads[i].later_joins[k].at);
        free(m->threads[i].later_joins);
        pos_free(&m->threads[i].joined_by_at);
        pos_free(&m->threads[i].joiner_at);
    }
    for (size_t j = 0; j < m->njoins_made; j++) pos_free(&m->joins_made[j].at);
    free(m->joins_made);
    free(m->finishers);
    free(m->scc_of);
    for (size_t i = 0; i < m->nctxs; i++) {
        free(m->ctxs[i].bind);
        pos_free(&m->ctxs[i].pos);
    }
    free(m->threads);
    free(m->ctxs);
    free(m->pos_depth_of);
    free(m->accesses);
    rl_ptrmap_free(&m->ctx_by_key);
    rl_ptrmap_free(&m->lock_display);
    rl_ptrmap_free(&m->stored);
    rl_stored_sets_free(&m->stored_sets);
    rl_ptrmap_free(&m->barriers);
    rl_ptrmap_free(&m->sem_waits);
    rl_ptrmap_free(&m->returns);
    tm_memo_free(m->resolve_memo);
    tm_follow_cache_stop(m);
    rl_ptrmap_free(&m->instance_frames);
    rl_ptrmap_free(&m->wrapper_inner);
    free(m->index_params);
    rl_ptrmap_free(&m->made_per_call);
    rl_ptrmap_free(&m->whole_arrays);
    rl_ptrmap_free(&m->element_values);
    rl_u64set_free(&m->whole_array_stores);
    rl_u64set_free(&m->repeated_stores);
    rl_u64set_free(&m->taken_stores);
    rl_u64set_free(&m->linked_stores);
    rl_ptrmap_free(&m->made_in_loop);
    rl_ptrmap_free(&m->recursive);
    rl_ptrmap_free(&m->counting);
    rl_u64set_free(&m->once_spawns);
    free(m->lock_events);
    free(m->ctx_lock_events);
    free(m->group_items);
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
