/* Exploration, the thread model's pass 2 (threads_internal.h): for each
 * thread (tm_analyse_thread, once pass 1, discovery.c, has found its
 * children), a worklist over the contexts reachable from its entry and
 * its finishers', carrying bindings, entry locksets and the objects a
 * call hands its callee owned (owned_args) to a fixpoint. A recursive
 * call keeps only what its caller passes on; the contexts whose callees
 * the points-to sets gave are explored again as the sets grow
 * (MAX_STORE_ROUNDS). threads.c builds the model around it.
 *
 * Invariants:
 *  1. Contexts are keyed by thread, function, bindings and position: one
 *     context per key, its entry locks the meet over every call reaching
 *     it (so the worklist ends). The position is the exact one on a path
 *     to one of the thread's order points, where it left them otherwise
 *     (leaving_prefix), or, in code that starts and joins no thread
 *     (frozen), the phase among the children's bounds.
 *  2. At most MAX_CONTEXTS contexts; past the soft limit (soft_limit(),
 *     threads.c) new ones keep only their function bindings. Every cut
 *     is counted in limits. */
#include "threads_internal.h"
#include "field_values.h"
#include "ownership.h"
#include "known.h"
#include "member_tests.h"
#include "scoped.h"
#include "place.h"
#include "../util/budget.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdlib.h>
#include <string.h>

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
    c->shown_parent = parent;
    c->shown_call = call;
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
 * are few), a member's object tag (field_values.h: it depends on no
 * binding of the caller, so the cycle cannot make more of them) and
 * nothing else: a walk down a structure is one context per entry into
 * the cycle, not one per path through the structure. Keeping the
 * addresses of globals too (a once-control handed round a cycle) changed
 * nothing on libuv once spawns stopped counting as calls, and added false
 * findings on redis. */
static void widen_recursive_call(const rl_ctx *caller, const char **vals, int nvals, uint32_t *distinct,
                                 uint32_t *reached)
{
    for (int i = 0; i < nvals; i++) {
        if (!vals[i] || !vals[i][0] || strncmp(vals[i], "fn:", 3) == 0 || tm_is_member_tag(vals[i])) continue;
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

void tm_analyse_thread(rl_model *m, int t)
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
