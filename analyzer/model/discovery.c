/* Discovery, pass 1 of the thread model (threads_internal.h, discovery.h):
 * finds a thread's spawn and join sites with their positions, walking
 * only the functions that spawn or join (rl_fn_info.spawns), and creates
 * its children: one per possible entry of each spawn site, with whether
 * several instances run, the interval in which they run (from the spawn,
 * or the head of the loop around it, to the join of their handle, or the
 * end of the loop around that join), and the locks their creator holds
 * through their life (creation locks and history); intervals.c decides
 * those from the sites found here.
 *
 * Invariants:
 *  1. Bounded: at most DISCOVERY_BUDGET calls walked per thread,
 *     MAX_SPAWN_DEPTH nested calls, the thread's pos_depth frames per position,
 *     MAX_THREADS threads; every cut is counted in rl_model.limits.
 *  2. A callee is walked once per top-level statement of the entry and
 *     callbacks bound (again only when reached at a smaller depth):
 *     reaching it again marks its spawns repeated, and walks it for its
 *     joins alone (rejoin), at most RL_MAX_JOIN_WRAPPER_DEPTH calls deep.
 *  3. Children of one thread are contiguous in rl_model.threads, and each
 *     child's bounds are ordered: start <= dstart < dend <= end.
 *  4. Spawns and joins in doomed code are left out. */
#include "discovery.h"
#include "ownership.h"
#include "place.h"
#include "../util/budget.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- handles kept in struct fields ---------------------------------------- */

/* The field a handle is kept in, when the handle is an element or the
 * value of a struct field (`.threads*` in `t0:pool_create:H40_15.threads*`,
 * `&ctx->threads[i]`): the last field step with the steps after it, all
 * of them `*`, `[]` or a constant index (`[3]`). NULL otherwise. */
const char *tm_handle_field(const char *handle)
{
    const char *dot = strrchr(handle, '.');
    if (!dot || strchr(dot, RL_CALL_SEP[0])) return NULL;
    const char *p = dot + 1;
    if (!(isalpha((unsigned char)*p) || *p == '_')) return NULL;
    while (isalnum((unsigned char)*p) || *p == '_') p++;
    for (; *p; p++)
        if (*p != '*' && *p != '[' && *p != ']' && !isdigit((unsigned char)*p)) return NULL;
    return dot;
}

/* Whether s, past its first n bytes, is only `*` and `[]` steps (or
 * `[3]`), the first a `*`. */
static int only_derefs_after(const char *s, size_t n)
{
    if (s[n] != '*') return 0;
    for (const char *p = s + n; *p; p++)
        if (*p != '*' && *p != '[' && *p != ']' && !isdigit((unsigned char)*p)) return 0;
    return 1;
}

/* The field a spawn's handle is kept in when its function stores the
 * handle's array in a struct field itself, before or after the spawn
 * (zstd's POOL_resize: `ctx->threads = threadPool;` then
 * `pthread_create(&threadPool[i], ...)`): handle_field of the field's
 * place with the handle's steps, interned; NULL when none. In the
 * function's own terms, so it needs no store to be known yet. */
static const char *stored_handle_field(rl_model *m, const rl_function *fn, const char *handle)
{
    size_t hlen = strlen(handle);
    for (int32_t i = 0; i < fn->nnodes; i++) {
        const rl_node *n = &fn->nodes[i];
        if (n->kind != RL_N_ACCESS || !(n->flags & RL_ACC_WRITE) || n->nargs != 1 || !n->args[0][0]) continue;
        const char *value = n->args[0];
        size_t vlen = strlen(value);
        const char *steps = NULL;
        if (value[0] == '&' && strcmp(value + 1, handle) == 0) steps = "*";
        else if (vlen < hlen && strncmp(handle, value, vlen) == 0 && only_derefs_after(handle, vlen)) steps = handle + vlen;
        if (!steps) continue;
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_printf(&sb, "%s%s", n->text, steps);
        const char *field = tm_handle_field(rl_sb_str(&sb));
        const char *key = field ? rl_intern(m->program->pool, field) : NULL;
        rl_sb_free(&sb);
        if (key) return key;
    }
    return NULL;
}

/* Where the caller of a spawning function keeps the handle when the
 * function returns (a pointer to) it: yarn's launch() returns the thread
 * whose `id` it started, and pigz keeps it in `writeth` to
 * `join(writeth)` later; curl's Curl_thread_create() returns the
 * pthread_t it allocated, kept in `tslot->thread`. The place the caller
 * writes the call's value to, with the handle's steps past the returned
 * value (`writeth*.id`), resolved in the caller's frame. When the caller
 * stores the value in no place the facts name (a local, `thread *th =
 * launch(...); ... join(th);`) and the function returns an object it
 * allocated, the caller names that object by its call site, as it does
 * when the value reaches join() (resolve.c, resolve_call): `H59_23.id`.
 * NULL when not so. Identities are not traced through calls otherwise,
 * and the join names the handle by that place. */
static const char *kept_handle(rl_model *m, const rl_function *fn, const char *handle, const discovery *d)
{
    if (d->caller_fn < 0 || !d->caller_env || !handle[0]) return NULL;
    /* The handle's steps past the object the returned pointer points to:
     * `*.id` for `return th;` and `&th->id` ("T*.id" after "T"), and
     * for `return &X;` and `&X.id` ("X.id" after "&X"). */
    const char *rest = NULL;
    int fresh = 0; /* the returned object is one the function allocates */
    for (int32_t i = 0; i < fn->nnodes && !rest; i++) {
        const rl_node *n = &fn->nodes[i];
        size_t len = n->kind == RL_N_RETURN && n->text ? strlen(n->text) : 0;
        if (len && strncmp(handle, n->text, len) == 0 && handle[len] == '*') {
            rest = handle + len + 1;
        } else if (len > 1 && n->text[0] == '&' && strncmp(handle, n->text + 1, len - 1) == 0 &&
                   (!handle[len - 1] || handle[len - 1] == '.' || handle[len - 1] == '[')) {
            rest = handle + len - 1;
            fresh = rl_place_root(n->text, NULL) == RL_ROOT_HEAP && !strpbrk(n->text + 1, ".[*");
        }
    }
    if (!rest) return NULL;
    const rl_function *cf = fn_of(m, d->caller_fn);
    rl_loc at = cf->nodes[d->caller_node].loc;
    char prefix[48];
    snprintf(prefix, sizeof prefix, "@%u_%u" RL_CALL_SEP, at.line, at.col);
    size_t plen = strlen(prefix);
    for (int32_t i = 0; i < cf->nnodes; i++) {
        const rl_node *n = &cf->nodes[i];
        if (n->kind != RL_N_ACCESS || !(n->flags & RL_ACC_WRITE) || n->nargs != 1 || strncmp(n->args[0], prefix, plen) != 0)
            continue;
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_printf(&sb, "%s*%s", n->text, rest);
        const char *kept = tm_resolve(m, d->caller_env, rl_intern(m->program->pool, rl_sb_str(&sb)), NULL);
        rl_sb_free(&sb);
        return kept[0] ? kept : NULL;
    }
    if (!fresh) return NULL;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "H%u_%u%s", at.line, at.col, rest);
    const char *kept = tm_resolve(m, d->caller_env, rl_sb_str(&sb), NULL);
    rl_sb_free(&sb);
    return kept[0] ? kept : NULL;
}

/* ---- pass 1: spawn and join sites ---------------------------------------- */

/* Whether a spawn's (or a spawn wrapper's) argument is one object per
 * run of the node: an element of a loop's own (the counter, &args[i]), or
 * a heap object this function allocates before the node, in the same run
 * of every loop around the node. Outside any loop, that is an object the
 * same call of the function allocated and still owns at the spawn, which
 * hands it on (a start wrapper that puts the thread's function and
 * argument in a fresh record for a trampoline, curl's
 * Curl_thread_create), whoever calls the function how often; through an
 * allocator hook (a fresh call value, rl_ownership_value_fresh) too. An
 * object handed elsewhere before the spawn may be reached by other
 * threads than its own; what the function does with it after the spawn
 * (links it into a list) does not make the next call's object this one
 * (rl_ownership_unpublished_at). */
static int arg_is_distinct(rl_model *m, int fn_index, int32_t spawn_node, const char *arg_value)
{
    const rl_function *fn = fn_of(m, fn_index);
    int32_t loop = tm_innermost_loop(fn, spawn_node);
    unsigned line = 0, col = 0;
    if (!arg_value) return 0;
    if (loop < 0) {
        if (fn->nodes[spawn_node].kind != RL_N_SPAWN) return 0;
        int fresh = (sscanf(arg_value, "&H%u_%u", &line, &col) == 2 && !strpbrk(arg_value + 2, ".[*")) ||
                    (sscanf(arg_value, "@%u_%u", &line, &col) == 2 && rl_ownership_value_fresh(m->own, arg_value));
        return fresh && line <= fn->nodes[spawn_node].loc.line &&
               rl_ownership_unpublished_at(m->own, fn_index, spawn_node, arg_value);
    }
    /* An integer (the loop counter) passed by value: one per instance;
     * not a constant, the same for every one. */
    if (arg_value[0] == '#') return strncmp(arg_value, RL_INT_CONSTANT_ARG, strlen(RL_INT_CONSTANT_ARG)) != 0;
    /* What a constructor called in the loop before the spawn returns, a
     * fresh object per call (`t = task_new(k)`: rl_ownership_value_fresh),
     * as a heap object the loop allocates itself (below). */
    if (sscanf(arg_value, "@%u_%u", &line, &col) == 2 && rl_ownership_value_fresh(m->own, arg_value))
        return line >= fn->nodes[loop].loc.line && line <= fn->nodes[spawn_node].loc.line;
    if (arg_value[0] != '&') return 0;
    /* One element of an array per iteration: &args[i], unless its index
     * does not step with the loop (RL_SPAWN_ARG_REPEATS: &row[i] in the j
     * loop, &pair[i / 2]); through a pointer, &p[i] is `&p*` (the facts
     * keep no index of a pointer's elements, and `&*p` is not how a loop
     * hands out p itself). */
    if (strstr(arg_value, "[]"))
        return !(fn->nodes[spawn_node].kind == RL_N_SPAWN && (fn->nodes[spawn_node].flags & RL_SPAWN_ARG_REPEATS));
    size_t len = strlen(arg_value);
    if (len > 2 && arg_value[len - 1] == '*' && arg_value[len - 2] != '*') return 1;
    /* A heap object allocated in the same loop, before the spawn. */
    if (sscanf(arg_value, "&H%u_%u", &line, &col) == 2)
        return line >= fn->nodes[loop].loc.line && line <= fn->nodes[spawn_node].loc.line;
    return 0;
}

int tm_call_in_loop(const rl_model *m, int thread, const rl_function *fn, int32_t call_node)
{
    /* In a thread of several instances every instance runs the loop over
     * the same elements: an element is then no instance's own. */
    return !m->threads[thread].multi && tm_innermost_loop(fn, call_node) >= 0;
}

/* The arguments of a call in a loop that hand each iteration its own
 * object (`create_worker(fn, &threads[i])`, as arg_is_distinct decides
 * for a spawn's), as a mask: a spawn wrapper's argument is then per
 * instance. 0 in a thread of several instances (tm_call_in_loop). */
static uint32_t loop_distinct_args(rl_model *m, int thread, int fn_index, int32_t call_node)
{
    const rl_function *fn = fn_of(m, fn_index);
    if (!tm_call_in_loop(m, thread, fn, call_node)) return 0;
    const rl_node *n = &fn->nodes[call_node];
    uint32_t mask = 0;
    for (int32_t k = 0; k < n->nargs && k < MAX_PARAMS; k++)
        if (arg_is_distinct(m, fn_index, call_node, n->args[k])) mask |= 1u << k;
    return mask;
}

/* The function of every frame of a position, for a new site at depth n. */
int *tm_frames_with(const int *frame_fns, int n, int last_fn)
{
    int *f = rl_xmalloc((size_t)(n + 1) * sizeof(int));
    if (n) memcpy(f, frame_fns, (size_t)n * sizeof(int));
    f[n] = last_fn;
    return f;
}

/* The same spawn node reached again through another call path from the
 * same top-level statement: one more instance of the same thread rather
 * than a new thread. */
static int known_spawn(rl_model *m, const frame_env *env, discovery *d, int32_t node, const rl_posvec *pos)
{
    /* Frames handed different callbacks spawn different threads when the
     * callback decides what the thread runs: its entry is a pointer, or
     * its argument is an object the frame names apart (a trampoline's
     * capsule, started once per thread body). */
    uint64_t fh = tm_fn_bindings_hash(env->bind, env->nbind);
    const rl_fn_info *info = &m->program->fns[env->fn];
    const rl_node *n = &info->fn->nodes[node];
    const char *arg = NULL;
    for (size_t k = 0; k < d->nspawns; k++) {
        spawn_site *s = &d->spawns[k];
        if (s->node != node || s->frame_fns[s->pos.n - 1] != env->fn) continue;
        if ((pos->n ? pos->v[0] : node) != s->pos.v[0]) continue;
        if (s->fn_hash != fh) {
            if (!info->callees[node]) continue;
            if (!arg) arg = tm_resolve(m, env, n->nargs > 0 ? n->args[0] : "", NULL);
            if (arg != s->arg) continue;
        }
        s->repeated = 1;
        return 1;
    }
    return 0;
}

static void discover(rl_model *m, const frame_env *env, const rl_posvec *pos, int *frame_fns, int depth, discovery *d);

/* Where the function being walked was called from (the caller's call
 * node), line 0 in the thread's entry. */
static rl_loc caller_call_loc(const rl_model *m, const discovery *d)
{
    rl_loc none;
    memset(&none, 0, sizeof none);
    return d->caller_fn >= 0 ? fn_of(m, d->caller_fn)->nodes[d->caller_node].loc : none;
}

/* The parameters of a callee that get what the root's unknown caller
 * passed: the call hands one of the frame's own such parameters on as it
 * is (`uv_thread_create_ex(tid, &params, entry, arg)` in
 * uv_thread_create). */
static uint32_t caller_params(const frame_env *env, const rl_node *call, int nvals)
{
    uint32_t out = 0;
    for (int a = 0; env->caller && a < nvals; a++) {
        /* The parameter's value itself: "P<n>", no step after it. */
        const char *v = call->args[a];
        if (v[0] != 'P' || !isdigit((unsigned char)v[1])) continue;
        char *end;
        long k = strtol(v + 1, &end, 10);
        if (!*end && k < MAX_PARAMS && (env->caller & (1u << k))) out |= 1u << a;
    }
    return out;
}

/* Walks callee (its frame sub) called at node i of the frame env, one
 * frame deeper; past the thread's pos_depth the position stops growing. */
static void walk_callee(rl_model *m, const frame_env *env, const frame_env *sub, const rl_posvec *pos, int *frame_fns,
                        int depth, discovery *d, int32_t i)
{
    int extend = pos->n < m->threads[env->thread].pos_depth;
    rl_posvec p2 = extend ? pos_extend(pos, i) : pos_copy(pos);
    int *ff = extend ? tm_frames_with(frame_fns, pos->n, env->fn) : tm_frames_with(frame_fns, pos->n - 1, frame_fns[pos->n - 1]);
    int saved_fn = d->caller_fn;
    int32_t saved_node = d->caller_node;
    const frame_env *saved_env = d->caller_env;
    d->caller_fn = env->fn;
    d->caller_node = i;
    d->caller_env = env;
    d->pos_cut += !extend;
    discover(m, sub, &p2, ff, depth + 1, d);
    d->pos_cut -= !extend;
    d->caller_fn = saved_fn;
    d->caller_node = saved_node;
    d->caller_env = saved_env;
    free(ff);
    pos_free(&p2);
}

/* A callee walked already from the same top-level statement is walked
 * again for its joins alone, with this call's arguments: join(writeth)
 * and join(g.load_thread) are one join_() walked once, but each joins
 * its own handle at its own position (pigz). Only functions within
 * RL_MAX_JOIN_WRAPPER_DEPTH calls of a join are followed, that many calls
 * deep, so the walk stays small. */
static void rejoin(rl_model *m, const frame_env *env, const rl_posvec *pos, int *frame_fns, int depth, discovery *d,
                   int32_t i, int callee, const char **vals, int nvals, uint32_t distinct, uint32_t caller)
{
    int left = d->joins_only ? d->joins_only - 1 : RL_MAX_JOIN_WRAPPER_DEPTH;
    if (m->program->fns[callee].join_depth > left || d->budget == 0) return;
    d->budget--;
    int once = fn_of(m, env->fn)->nodes[i].kind == RL_N_ONCE;
    frame_env sub = {env->thread, callee, vals, nvals, distinct, caller, 0, env->once_routine || once};
    int saved = d->joins_only;
    d->joins_only = left + 1;
    walk_callee(m, env, &sub, pos, frame_fns, depth, d, i);
    d->joins_only = saved;
}

/* Follows the call at node i of the frame into callee, when it can reach a
 * spawn or a join; counts what the bounds cut. */
static void discover_call(rl_model *m, const frame_env *env, const rl_posvec *pos, int *frame_fns, int depth,
                          discovery *d, int32_t i, int callee)
{
    const rl_fn_info *info = &m->program->fns[env->fn];
    const rl_node *n = &info->fn->nodes[i];
    if (callee < 0 || !rl_program_walks_into(m->program, info, i, callee)) return;
    if (rl_budget_spent(m->program->budget)) return;
    if (depth >= MAX_SPAWN_DEPTH) {
        m->limits.depth_cut++;
        return;
    }
    if (d->budget == 0) {
        d->cut = 1;
        return;
    }
    for (int f = 0; f < pos->n; f++)
        if (frame_fns[f] == callee) return; /* recursion */
    if (callee == env->fn) return;
    /* A callee already walked from the same top-level statement of the
     * entry is not walked again: its spawn sites are those found the first
     * time, now reached through another path (known_spawn's "several
     * instances"). Walking every path again made discovery exponential in
     * the call graph's fan-out. */
    int32_t top = pos->n ? pos->v[0] : i;
    uint32_t distinct = 0;
    /* A once-routine takes no arguments from the call that runs it. */
    int takes_args = n->kind == RL_N_CALL || n->kind == RL_N_SPAWN;
    const char **vals = takes_args ? tm_bind_args(m, env, n, callee, &distinct, NULL) : NULL;
    int nvals = takes_args ? tm_bound_args(m, n, callee) : 0;
    if (vals) distinct |= loop_distinct_args(m, env->thread, env->fn, i);
    uint64_t key = (((uint64_t)(uint32_t)callee << 32) | (uint32_t)top) + 1;
    uint64_t fh = tm_fn_bindings_hash(vals, nvals);
    if (fh) key = (key ^ (fh * 0x9E3779B97F4A7C15ULL)) | 1; /* never 0 */
    void **memo = rl_ptrmap_slot(&d->walked, (void *)(uintptr_t)key);
    /* Reached again at a smaller depth, it is walked again: the nesting
     * bound may have cut the first walk short. */
    uint32_t caller = takes_args ? caller_params(env, n, nvals) : 0;
    if (d->joins_only || (*memo && d->calls[(uintptr_t)*memo - 1].depth <= depth)) {
        if (!d->joins_only) {
            const walked_call *w = &d->calls[(uintptr_t)*memo - 1];
            for (size_t k = w->first_spawn; k < w->end_spawn; k++) d->spawns[k].repeated = 1;
        }
        rejoin(m, env, pos, frame_fns, depth, d, i, callee, vals, nvals, distinct, caller);
        free(vals);
        return;
    }
    RL_GROW(d->calls, d->cap_calls, d->ncalls + 1);
    size_t record = d->ncalls++;
    d->calls[record].depth = depth;
    /* Until its walk ends, a record marks nothing (a recursion deeper
     * than the kept frames can reach it meanwhile). */
    d->calls[record].first_spawn = d->calls[record].end_spawn = d->nspawns;
    *memo = (void *)(uintptr_t)(record + 1);
    d->budget--;
    int once = n->kind == RL_N_ONCE;
    frame_env sub = {env->thread, callee, vals, nvals, distinct, caller, 0, env->once_routine || once};
    const char *outer_once = d->once_object;
    if (once && !d->once_object) d->once_object = tm_once_object(m, env, n);
    d->once_depth += once;
    walk_callee(m, env, &sub, pos, frame_fns, depth, d, i);
    d->once_depth -= once;
    d->once_object = outer_once;
    d->calls[record].end_spawn = d->nspawns;
    free(vals);
}

/* Spawns and joins in doomed code (program.h) are left out. A doomed call
 * is followed only into a callee that starts threads (a forked child's
 * worker_run(), a serve-then-exit function): the joins inside it still
 * order its own code. */
static void discover(rl_model *m, const frame_env *env, const rl_posvec *pos, int *frame_fns, int depth, discovery *d)
{
    const rl_function *fn = fn_of(m, env->fn);
    const rl_fn_info *info = &m->program->fns[env->fn];
    for (int32_t i = 0; i < fn->nnodes; i++) {
        const rl_node *n = &fn->nodes[i];
        if ((n->kind == RL_N_SPAWN || n->kind == RL_N_JOIN) && info->doomed[i]) continue;
        if (n->kind == RL_N_JOIN && info->at_once[i]) continue; /* its start runs as a call (at_once.h) */
        if (n->kind == RL_N_SPAWN && !info->at_once[i]) {
            if (d->joins_only || !rl_program_spawn_live(m->program, n) || known_spawn(m, env, d, i, pos)) continue;
            RL_GROW(d->spawns, d->cap_spawns, d->nspawns + 1);
            spawn_site *s = &d->spawns[d->nspawns++];
            memset(s, 0, sizeof *s);
            s->pos = pos_extend(pos, i);
            s->frame_fns = tm_frames_with(frame_fns, pos->n, env->fn);
            s->node = i;
            s->fn_hash = tm_fn_bindings_hash(env->bind, env->nbind);
            s->loc = n->loc;
            const char *sym_arg = n->nargs > 0 ? n->args[0] : "";
            int d_inherited = 0;
            s->arg = tm_resolve(m, env, sym_arg, &d_inherited);
            s->arg_distinct = arg_is_distinct(m, env->fn, i, sym_arg) || d_inherited;
            size_t arg_len = strlen(s->arg);
            /* A pointer loaded from memory: through a pointer (`w`, loaded
             * from `pool[i]` of a pointer `pool`) or from an array's
             * element (`workers[i]`). */
            s->arg_loaded = !s->arg_distinct && tm_innermost_loop(fn, i) >= 0 && arg_len > 2 && s->arg[0] != '&' &&
                            (s->arg[arg_len - 1] == '*' || strcmp(s->arg + arg_len - 2, "[]") == 0);
            s->handle = n->nargs > 1 && n->args[1][0] ? tm_resolve(m, env, n->args[1], NULL) : "";
            s->handle_field = tm_handle_field(s->handle);
            if (!s->handle_field && s->handle[0]) s->handle_field = stored_handle_field(m, fn, n->args[1]);
            s->kept = n->nargs > 1 ? kept_handle(m, fn, n->args[1], d) : NULL;
            const char *kept_field = s->kept ? tm_handle_field(s->kept) : NULL;
            if (kept_field) s->handle_field = rl_intern(m->program->pool, kept_field);
            s->entry_fn = info->callees[i] ? rl_program_find(m->program, info->callees[i]) : -1;
            if (s->entry_fn < 0 && n->fnptr) {
                /* Through a pointer the context tells (a pool's start
                 * function handed its worker): that worker alone; none
                 * for what a public function's caller passes. */
                tm_targets to;
                tm_ctx_callees(m, env, i, &to);
                if (to.by_context) {
                    s->by_context = 1;
                    s->from_caller = to.from_caller;
                    s->nentries = to.count;
                    s->entries = rl_xmalloc((to.count + 1) * sizeof *s->entries);
                    if (to.count) memcpy(s->entries, to.fns, to.count * sizeof *s->entries);
                }
            }
            s->call_loc = caller_call_loc(m, d);
            s->cut = d->pos_cut > 0;
            m->limits.positions_cut += s->cut;
            s->node_ref = n;
            s->in_once = d->once_depth > 0;
            s->once_object = d->once_object;
            const rl_fn_flow *ff = &m->flow->fns[env->fn];
            s->held_own = ff->held ? ff->held[i] : NULL;
            if (s->held_own && s->held_own->n) {
                s->held_res = rl_xcalloc(s->held_own->n, sizeof *s->held_res);
                for (size_t k = 0; k < s->held_own->n; k++) s->held_res[k] = tm_resolve(m, env, s->held_own->e[k].lock, NULL);
            }
        } else if (n->kind == RL_N_JOIN) {
            RL_GROW(d->joins, d->cap_joins, d->njoins + 1);
            join_site *j = &d->joins[d->njoins++];
            j->pos = pos_extend(pos, i);
            j->frame_fns = tm_frames_with(frame_fns, pos->n, env->fn);
            j->handle = n->text && n->text[0] ? tm_resolve(m, env, n->text, NULL) : "";
            j->loc = n->loc;
            j->call_loc = caller_call_loc(m, d);
            m->limits.positions_cut += d->pos_cut > 0;
        } else if (rl_program_call_like(info, i)) {
            /* Direct calls, once-routines (libuv's workers start in one),
             * and calls through pointers that flows resolve; not matches
             * by type alone, which would invent threads. */
            tm_targets to;
            tm_ctx_callees(m, env, i, &to);
            for (size_t k = 0; !to.weak && k < to.count; k++) discover_call(m, env, pos, frame_fns, depth, d, i, to.fns[k]);
        }
    }
}

static void discovery_free(discovery *d)
{
    for (size_t i = 0; i < d->nspawns; i++) {
        pos_free(&d->spawns[i].pos);
        free(d->spawns[i].frame_fns);
        free(d->spawns[i].entries);
        free(d->spawns[i].held_res);
    }
    for (size_t i = 0; i < d->njoins; i++) {
        pos_free(&d->joins[i].pos);
        free(d->joins[i].frame_fns);
    }
    free(d->spawns);
    free(d->joins);
    free(d->calls);
    rl_ptrmap_free(&d->walked);
}

int tm_add_thread(rl_model *m, int parent, int entry_fn)
{
    if (m->nthreads >= MAX_THREADS) {
        m->limits.threads_dropped++;
        return -1;
    }
    RL_GROW(m->threads, m->cap_threads, m->nthreads + 1);
    rl_thread *t = &m->threads[m->nthreads];
    memset(t, 0, sizeof *t);
    t->id = (int)m->nthreads;
    t->parent = parent;
    t->entry_fn = entry_fn;
    t->runs_fn = -1;
    t->spawn_node = -1;
    t->spawn_fn = -1;
    t->arg_index = -1;
    t->creation_holder = -1;
    t->joined_by = -1;
    t->joiner = -1;
    t->arg = "";
    t->handle = "";
    m->nthreads++;
    return t->id;
}

/* A thread whose entry already runs in one of its ancestors spawns
 * recursively: that ancestor runs in several instances instead of a new
 * thread being created (which would never end). */
static int recursive_spawn(rl_model *m, int parent, int entry_fn)
{
    for (int t = parent; t >= 0; t = m->threads[t].parent)
        if (m->threads[t].entry_fn == entry_fn) {
            m->threads[t].multi = 1;
            return 1;
        }
    return 0;
}

int32_t tm_finisher_position(const rl_model *m, int t, int k)
{
    return fn_of(m, m->threads[t].entry_fn)->nnodes + k;
}

/* A library root runs the finishers whose joins end its children (their
 * first frame lies past its entry): the workers a public function starts
 * are joined by the library's shutdown function, which the application
 * calls once done with it (libuv's uv_library_shutdown). */
static void discover_finishers(rl_model *m, int t, discovery *d)
{
    if (m->threads[t].parent >= 0 || m->program->main_fn >= 0) return;
    int entry = m->threads[t].entry_fn;
    for (size_t k = 0; k < m->nfinishers; k++) {
        int32_t at = tm_finisher_position(m, t, (int)k);
        rl_posvec pos = {&at, 1, 0};
        frame_env sub = {t, m->finishers[k], NULL, 0, 0, 0, 0, 0};
        discover(m, &sub, &pos, &entry, 1, d);
    }
}

/* Records that the root runs the finisher a join of one of its children
 * lies in (none when the join is in its own code). */
static void attach_finisher(rl_model *m, int root, const join_site *join)
{
    rl_thread *t = &m->threads[root];
    int32_t past = join->pos.v[0] - fn_of(m, t->entry_fn)->nnodes;
    if (t->parent >= 0 || join->pos.n < 2 || past < 0) return;
    for (int i = 0; i < t->nfinishers; i++)
        if (t->finishers[i] == past) return;
    t->finishers = rl_xrealloc(t->finishers, (size_t)(t->nfinishers + 1) * sizeof *t->finishers);
    t->finishers[t->nfinishers++] = past;
}

static void create_children(rl_model *m, int parent, const discovery *d)
{
    m->threads[parent].first_child = (int)m->nthreads;
    for (size_t i = 0; i < d->nspawns; i++) {
        const spawn_site *s = &d->spawns[i];
        int entries[MAX_CANDIDATES];
        int nentries = 0;
        if (s->entry_fn >= 0) {
            entries[nentries++] = s->entry_fn;
        } else if (s->by_context) {
            for (size_t k = 0; k < s->nentries && nentries < MAX_CANDIDATES; k++) entries[nentries++] = s->entries[k];
            if (s->from_caller && !m->threads[parent].caller_spawn_loc.line) m->threads[parent].caller_spawn_loc = s->loc;
        } else if (s->node_ref) {
            size_t count;
            int weak;
            const int *targets = rl_program_indirect(m->program, s->node_ref, &count, &weak);
            for (size_t k = 0; k < count && nentries < MAX_CANDIDATES; k++) entries[nentries++] = targets[k];
            if (count > MAX_CANDIDATES) m->limits.candidates_cut++;
        }
        /* A spawn inside a once-routine runs once per program, whichever
         * thread gets there first (libuv's pool, started from any of its
         * public functions): it makes its threads once. */
        if (s->in_once) {
            uint64_t key = ((uint64_t)(uint32_t)s->frame_fns[s->pos.n - 1] << 32 | (uint32_t)s->node) + 1;
            if (!rl_u64set_add(&m->once_spawns, key)) continue;
        }
        for (int e = 0; e < nentries; e++) {
            if (recursive_spawn(m, parent, entries[e])) continue;
            int id = tm_add_thread(m, parent, entries[e]);
            if (id < 0) break;
            m->threads[parent].nchildren++;
            rl_thread *t = &m->threads[id];
            t->spawn_node = s->node;
            t->spawn_repeated = s->repeated;
            t->spawn_fn = s->frame_fns[s->pos.n - 1];
            t->spawn_frames = tm_frames_with(s->frame_fns, s->pos.n - 1, t->spawn_fn);
            t->spawn_loc = s->loc;
            t->spawn_call_loc = s->call_loc;
            t->arg = s->arg;
            /* an element of a collapsed array (`&L:seen[]`) with a
             * constant index at the spawn itself */
            const rl_node *spawn = &fn_of(m, t->spawn_fn)->nodes[s->node];
            t->arg_index = spawn->kind == RL_N_SPAWN && t->arg && t->arg[0] == '&' && strstr(t->arg, "[]") ? spawn->aux : -1;
            t->arg_distinct = s->arg_distinct;
            t->arg_loaded = s->arg_loaded;
            t->started_in_once = s->once_object;
            t->handle = s->handle;
            const join_site *join = tm_child_interval(m, t, &m->threads[parent], s, d);
            if (join) attach_finisher(m, parent, join);
        }
    }
}

/* The one function a thread's entry runs through a pointer, when the
 * entry makes exactly one call through a pointer reached from its
 * argument, and the argument (what its creator stored there) tells the
 * target: the body of a trampoline such
 * as yarn's ignition(). -1 otherwise. */
int tm_trampoline_body(rl_model *m, const frame_env *env)
{
    const rl_function *f = fn_of(m, env->fn);
    int body = -1, calls = 0;
    for (int32_t i = 0; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind != RL_N_CALL || !(n->flags & RL_CALL_INDIRECT)) continue;
        /* Only a pointer the thread's argument leads to (the capsule's
         * probe), not a local cleanup handler. */
        if (!n->fnptr || strncmp(n->fnptr, "P0", 2) != 0) continue;
        tm_targets to;
        tm_ctx_callees(m, env, i, &to);
        calls++;
        body = to.by_context && to.count == 1 ? to.fns[0] : -1;
    }
    return calls == 1 ? body : -1;
}

/* The frames a thread's positions keep (threads_internal.h): as many as
 * its entry's call paths through spawning functions allow, each being a
 * context of its own, so that a pool started deep below main (zstd's,
 * 15 calls) keeps the order of what its creating function does; but no
 * more than reach its deepest spawn or join (and its node): deeper
 * frames order nothing and only multiply contexts (libuv's roots, whose
 * spawning functions call each other deeper than their sites lie). */
int tm_position_depth(rl_model *m, int entry_fn)
{
    if (!m->pos_depth_of) m->pos_depth_of = rl_xcalloc(m->program->nfns + 1, sizeof *m->pos_depth_of);
    if (!m->pos_depth_of[entry_fn]) {
        size_t totals[MAX_POS_DEPTH + 1];
        int deepest_site = 0;
        rl_program_spawning_paths(m->program, entry_fn, MAX_POS_DEPTH, POS_PATH_BUDGET + 1, totals, &deepest_site);
        int depth = MIN_POS_DEPTH;
        while (depth < MAX_POS_DEPTH && depth < deepest_site + 1 && totals[depth + 1] <= POS_PATH_BUDGET) depth++;
        m->pos_depth_of[entry_fn] = depth;
    }
    return m->pos_depth_of[entry_fn];
}

/* Keeps the joins thread t makes (tm_match_joiners matches them with the
 * threads they end once stored pointers are known: `pthread_join(*a->first,
 * NULL)` with `a->first = &first` set by main). */
static void keep_joins(rl_model *m, int t, const discovery *d)
{
    for (size_t j = 0; j < d->njoins; j++) {
        const join_site *js = &d->joins[j];
        if (!js->handle || !js->handle[0]) continue;
        RL_GROW(m->joins_made, m->cap_joins_made, m->njoins_made + 1);
        m->joins_made[m->njoins_made++] = (rl_join_made){t, js->handle, pos_copy(&js->pos), {js->loc, js->call_loc}};
    }
}

void tm_match_joiners(rl_model *m)
{
    if (!m->njoins_made) return;
    /* each thread's handle as stored pointers lead to it, once */
    const char **started = rl_xcalloc(m->nthreads + 1, sizeof *started);
    int ignored = 0;
    for (size_t k = 0; k < m->nthreads; k++)
        if (m->threads[k].handle && m->threads[k].handle[0])
            started[k] = tm_follow_stores(m, m->threads[k].handle, 0, &ignored);
    for (size_t j = 0; j < m->njoins_made; j++) {
        const rl_join_made *jm = &m->joins_made[j];
        int t = jm->thread, found = -1, several = 0;
        const char *handle = tm_follow_stores(m, jm->handle, 0, &ignored);
        for (size_t k = 0; k < m->nthreads && !several; k++) {
            if (!started[k] || strcmp(started[k], handle) != 0) continue;
            several = found >= 0;
            found = (int)k;
        }
        /* one thread started with that handle, once; not the joiner's own
         * child (its joins end it already) nor an ancestor */
        if (found < 0 || several || found == t) continue;
        rl_thread *p = &m->threads[found];
        int related = p->parent == t;
        for (int a = t; a >= 0 && !related; a = m->threads[a].parent) related = a == found;
        if (related || p->multi || p->joiner >= 0) continue;
        p->joiner = t;
        p->joiner_at = pos_copy(&jm->at);
        p->joiner_site = jm->site;
    }
    free(started);
}

/* Pass 1 for thread t, whose entry runs in env: its spawn and join sites,
 * then its children. Discovery's own records live only for this call. */
void tm_discover_children(rl_model *m, int t, const frame_env *env)
{
    rl_posvec empty = {NULL, 0, 0};
    discovery d;
    memset(&d, 0, sizeof d);
    d.budget = DISCOVERY_BUDGET;
    d.caller_fn = -1;
    if (m->program->fns[m->threads[t].entry_fn].spawns) discover(m, env, &empty, NULL, 0, &d);
    discover_finishers(m, t, &d);
    create_children(m, t, &d);
    keep_joins(m, t, &d);
    if (d.cut) m->limits.discovery_cut++;
    discovery_free(&d);
}
