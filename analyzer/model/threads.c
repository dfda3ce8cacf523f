/* The thread model (threads.h): builds it and keeps its tables. Per
 * thread, two passes:
 *  1. discovery (discovery.c): spawn and join sites, the children and
 *     their run intervals;
 *  2. exploration (exploration.c): a worklist over the contexts reachable
 *     from the entry, carrying bindings and entry locksets to a fixpoint.
 * Then every ACCESS node of every context becomes a resolved rl_access
 * (names from resolve.c), grouped by place, and every lock operation a
 * lock event (accesses.c, lock_events.c). Ordering questions are
 * answered in ordering.c.
 * Here: the root threads (main, a library's starters, the configured
 * entry points), the soft limit on contexts the exploration is given,
 * programs with nothing to explore (program_inert), spawn histories, and
 * the model freed.
 *
 * Invariants:
 *  1. Accesses and lock events are collected after every thread is
 *     explored and every store recorded: context by context, in index
 *     order. */
#include "threads_internal.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "ownership.h"
#include "known.h"
#include "member_tests.h"
#include "field_values.h"
#include "recursion.h"
#include "scoped.h"
#include "resolve_memo.h"
#include "place.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    m->field_values = tm_field_values_new(p);
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
        for (size_t t = 0; t < m->nthreads; t++) tm_analyse_thread(m, (int)t);
    tm_collect_stores(m);
    tm_note_store_origins(m);
    tm_decide_member_tests(m);
    tm_match_joiners(m);
    tm_index_instance_frames(m);
    spawn_histories(m);
    tm_count_round_sems(m);
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
    tm_field_values_free(m->field_values);
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
    rl_ptrmap_free(&m->round_sems);
    free(m->fn_contexts);
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
