/* Discovery, pass 1 of the thread model (threads_internal.h): finds a
 * thread's spawn and join sites with their positions, walking only the
 * functions that spawn or join (rl_fn_info.spawns), and creates its
 * children: one per possible entry of each spawn site, with whether
 * several instances run, the interval in which they run (from the spawn,
 * or the head of the loop around it, to the join of their handle, or the
 * end of the loop around that join), and the locks their creator holds
 * through their life (creation locks and history).
 *
 * Invariants:
 *  1. Bounded: at most DISCOVERY_BUDGET calls walked per thread,
 *     MAX_SPAWN_DEPTH nested calls, MAX_POS_DEPTH frames per position,
 *     MAX_THREADS threads; every cut is counted in rl_model.limits.
 *  2. A callee is walked once per top-level statement of the entry and
 *     callbacks bound (again only when reached at a smaller depth):
 *     reaching it again marks its spawns repeated, and walks it for its
 *     joins alone (rejoin), at most RL_MAX_JOIN_WRAPPER_DEPTH calls deep.
 *  3. Children of one thread are contiguous in rl_model.threads, and each
 *     child's bounds are ordered: start <= dstart < dend <= end.
 *  4. Spawns and joins in doomed code are left out. */
#include "threads_internal.h"
#include "place.h"
#include "../util/budget.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loops around one statement looked at for a spawn's instances. */
#define MAX_LOOP_NESTING 64

typedef struct spawn_site {
    rl_posvec pos;
    int *frame_fns;      /* function of each frame of pos */
    int32_t node;
    const char *arg;
    int arg_distinct;
    int arg_loaded;      /* in a loop, the argument is a pointer loaded from
                            memory (tm_arg_fresh_per_iteration decides) */
    const char *handle;
    const char *handle_field; /* the struct field the handle is kept in
                                 (handle_field), or NULL */
    const char *kept;    /* where the spawning function's caller keeps the
                            handle it returns (kept_handle), or NULL */
    int cut;             /* its position lost frames past MAX_POS_DEPTH */
    int entry_fn;        /* direct entry, or -1 */
    int *entries;        /* entries this context decides (by_context), owned */
    size_t nentries;
    int by_context;
    int from_caller;     /* the entry is what the root's unknown caller passes */
    const rl_node *node_ref; /* the SPAWN node, for indirect entries */
    rl_loc call_loc;     /* the call of its function in the caller's frame */
    rl_loc loc;
    int repeated;        /* reached through several call paths */
    int in_once;         /* found inside a once-routine */
    const char *once_object; /* that routine's control, resolved, or NULL */
    uint64_t fn_hash;    /* tm_fn_bindings_hash of its frame */
    const rl_lockset *held_own; /* locks held at the spawn, in its function's terms */
    const char **held_res;      /* the same locks resolved, entry by entry */
} spawn_site;

typedef struct join_site {
    rl_posvec pos;
    int *frame_fns;
    const char *handle;
    rl_loc loc;
    rl_loc call_loc;     /* the call of its function in the caller's frame */
} join_site;

/* The spawn sites found under one walked call (discover_call). */
typedef struct walked_call {
    size_t first_spawn, end_spawn; /* d->spawns[first_spawn .. end_spawn) */
    int depth;           /* the call depth it was walked at */
} walked_call;

typedef struct discovery {
    size_t budget;       /* calls left to follow */
    int cut;             /* a call was not followed for want of budget */
    spawn_site *spawns;
    size_t nspawns, cap_spawns;
    join_site *joins;
    size_t njoins, cap_joins;
    rl_ptrmap walked;    /* (callee, top-level statement) key -> index + 1 into calls */
    int once_depth;      /* once-routines the walk is inside */
    const char *once_object; /* the control of the outermost one, resolved */
    walked_call *calls;
    size_t ncalls, cap_calls;
    /* The frame that called the one being walked: its function (-1 in
     * the entry) and the call, uncut by MAX_POS_DEPTH. */
    int caller_fn;
    int32_t caller_node;
    const frame_env *caller_env;
    int joins_only;      /* calls left in a walk for joins only (rejoin) */
    int pos_cut;         /* frames walked past MAX_POS_DEPTH, not in positions */
} discovery;

/* ---- loops ---------------------------------------------------------------- */

/* A loop that repeats: not `do { } while (0)`, the macro idiom. */
static int repeats(const rl_node *n)
{
    return n->kind == RL_N_LOOP && !(n->flags & RL_LOOP_ONCE);
}

static int32_t outermost_loop(const rl_function *fn, int32_t node)
{
    int32_t found = -1;
    for (int32_t p = fn->nodes[node].parent; p >= 0; p = fn->nodes[p].parent)
        if (repeats(&fn->nodes[p])) found = p;
    return found;
}

static int32_t innermost_loop(const rl_function *fn, int32_t node)
{
    for (int32_t p = fn->nodes[node].parent; p >= 0; p = fn->nodes[p].parent)
        if (repeats(&fn->nodes[p])) return p;
    return -1;
}

static int in_subtree(const rl_function *fn, int32_t root, int32_t node)
{
    return node >= root && node <= fn->nodes[root].end;
}

/* ---- handles kept in struct fields ---------------------------------------- */

/* The field a handle is kept in, when the handle is an element or the
 * value of a struct field (`.threads*` in `t0:pool_create:H40_15.threads*`,
 * `&ctx->threads[i]`): the last field step with the steps after it, all
 * of them `*`, `[]` or a constant index (`[3]`). NULL otherwise. */
static const char *handle_field(const char *handle)
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
        const char *field = handle_field(rl_sb_str(&sb));
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

static int arg_is_distinct(const rl_function *fn, int32_t spawn_node, const char *arg_value)
{
    int32_t loop = innermost_loop(fn, spawn_node);
    if (loop < 0 || !arg_value) return 0;
    /* An integer (the loop counter) passed by value: one per instance. */
    if (arg_value[0] == '#') return 1;
    if (arg_value[0] != '&') return 0;
    /* One element of an array per iteration: &args[i]; through a pointer,
     * &p[i] is `&p*` (the facts keep no index of a pointer's elements,
     * and `&*p` is not how a loop hands out p itself). */
    if (strstr(arg_value, "[]")) return 1;
    size_t len = strlen(arg_value);
    if (len > 2 && arg_value[len - 1] == '*' && arg_value[len - 2] != '*') return 1;
    /* A heap object allocated in the same loop, before the spawn. */
    unsigned line = 0, col = 0;
    if (sscanf(arg_value, "&H%u_%u", &line, &col) == 2)
        return line >= fn->nodes[loop].loc.line && line <= fn->nodes[spawn_node].loc.line;
    return 0;
}

uint32_t tm_loop_distinct_args(const rl_model *m, int thread, const rl_function *fn, int32_t call_node)
{
    /* In a thread of several instances every instance runs the loop over
     * the same elements: an element is then no instance's own. */
    if (m->threads[thread].multi) return 0;
    const rl_node *n = &fn->nodes[call_node];
    uint32_t mask = 0;
    for (int32_t k = 0; k < n->nargs && k < MAX_PARAMS; k++)
        if (arg_is_distinct(fn, call_node, n->args[k])) mask |= 1u << k;
    return mask;
}

int tm_call_in_loop(const rl_model *m, int thread, const rl_function *fn, int32_t call_node)
{
    return !m->threads[thread].multi && innermost_loop(fn, call_node) >= 0;
}

/* Whether the object an allocation site names ("tN:FN:H12_3", FN's own
 * call or allocation at line 12, column 3) is made inside a loop of FN:
 * a new object each iteration. */
static int allocated_in_loop(const rl_model *m, const char *object)
{
    const char *colon = strchr(object, ':');
    const char *name = colon ? colon + 1 : NULL;
    const char *site = name ? strchr(name, ':') : NULL;
    unsigned line = 0, col = 0;
    int used = 0;
    if (object[0] != 't' || !site || sscanf(site, ":H%u_%u%n", &line, &col, &used) != 2 || site[used]) return 0;
    size_t name_len = strcspn(name, "~:");
    for (size_t f = 0; f < m->program->nfns; f++) {
        const rl_fn_info *info = &m->program->fns[f];
        if (!info->fn || strncmp(info->name, name, name_len) != 0 || info->name[name_len]) continue;
        for (int32_t i = 0; i < info->fn->nnodes; i++) {
            rl_loc at = info->fn->nodes[i].loc;
            if (at.line == line && at.col == col) return innermost_loop(info->fn, i) >= 0;
        }
    }
    return 0;
}

int tm_arg_fresh_per_iteration(rl_model *m, const char *arg)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%s*", arg);
    int unused = 0;
    const char *object = tm_follow_stores(m, rl_intern(m->program->pool, rl_sb_str(&sb)), 0, &unused);
    rl_sb_free(&sb);
    return allocated_in_loop(m, object);
}

/* The function of every frame of a position, for a new site at depth n. */
static int *frames_with(const int *frame_fns, int n, int last_fn)
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
 * frame deeper; past MAX_POS_DEPTH the position stops growing. */
static void walk_callee(rl_model *m, const frame_env *env, const frame_env *sub, const rl_posvec *pos, int *frame_fns,
                        int depth, discovery *d, int32_t i)
{
    int extend = pos->n < MAX_POS_DEPTH;
    rl_posvec p2 = extend ? pos_extend(pos, i) : pos_copy(pos);
    int *ff = extend ? frames_with(frame_fns, pos->n, env->fn) : frames_with(frame_fns, pos->n - 1, frame_fns[pos->n - 1]);
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
    frame_env sub = {env->thread, callee, vals, nvals, distinct, caller};
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
    const char **vals = n->kind == RL_N_CALL ? tm_bind_args(m, env, n, &distinct) : NULL;
    int nvals = n->kind == RL_N_CALL ? (n->nargs < MAX_PARAMS ? n->nargs : MAX_PARAMS) : 0;
    if (vals) distinct |= tm_loop_distinct_args(m, env->thread, info->fn, i);
    uint64_t key = (((uint64_t)(uint32_t)callee << 32) | (uint32_t)top) + 1;
    uint64_t fh = tm_fn_bindings_hash(vals, nvals);
    if (fh) key = (key ^ (fh * 0x9E3779B97F4A7C15ULL)) | 1; /* never 0 */
    void **memo = rl_ptrmap_slot(&d->walked, (void *)(uintptr_t)key);
    /* Reached again at a smaller depth, it is walked again: the nesting
     * bound may have cut the first walk short. */
    uint32_t caller = n->kind == RL_N_CALL ? caller_params(env, n, nvals) : 0;
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
    frame_env sub = {env->thread, callee, vals, nvals, distinct, caller};
    int once = n->kind == RL_N_ONCE;
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
        if (n->kind == RL_N_SPAWN) {
            if (d->joins_only || known_spawn(m, env, d, i, pos)) continue;
            RL_GROW(d->spawns, d->cap_spawns, d->nspawns + 1);
            spawn_site *s = &d->spawns[d->nspawns++];
            memset(s, 0, sizeof *s);
            s->pos = pos_extend(pos, i);
            s->frame_fns = frames_with(frame_fns, pos->n, env->fn);
            s->node = i;
            s->fn_hash = tm_fn_bindings_hash(env->bind, env->nbind);
            s->loc = n->loc;
            const char *sym_arg = n->nargs > 0 ? n->args[0] : "";
            int d_inherited = 0;
            s->arg = tm_resolve(m, env, sym_arg, &d_inherited);
            s->arg_distinct = arg_is_distinct(fn, i, sym_arg) || d_inherited;
            size_t arg_len = strlen(s->arg);
            s->arg_loaded = !s->arg_distinct && innermost_loop(fn, i) >= 0 && arg_len > 1 && s->arg[0] != '&' &&
                            s->arg[arg_len - 1] == '*';
            s->handle = n->nargs > 1 && n->args[1][0] ? tm_resolve(m, env, n->args[1], NULL) : "";
            s->handle_field = handle_field(s->handle);
            if (!s->handle_field && s->handle[0]) s->handle_field = stored_handle_field(m, fn, n->args[1]);
            s->kept = n->nargs > 1 ? kept_handle(m, fn, n->args[1], d) : NULL;
            const char *kept_field = s->kept ? handle_field(s->kept) : NULL;
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
            j->frame_fns = frames_with(frame_fns, pos->n, env->fn);
            j->handle = n->text && n->text[0] ? tm_resolve(m, env, n->text, NULL) : "";
            j->loc = n->loc;
            j->call_loc = caller_call_loc(m, d);
        } else if (n->kind == RL_N_CALL || n->kind == RL_N_ONCE) {
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

/* The outermost loop around a spawn whose iterations do not each join the
 * thread they start: the spawn runs again while earlier instances still
 * run, and later instances start at that loop's head. Loops are looked at
 * in every frame of the spawn's position, outermost first, so a spawn in
 * start_workers() called in a loop of main, and joined by stop_workers()
 * in the same iteration, does not overlap itself. Sets *frame to the
 * loop's frame; -1 when no such loop exists. */
static int32_t overlapping_loop(rl_model *m, const spawn_site *s, const join_site *join, int *frame)
{
    for (int k = 0; k < s->pos.n; k++) {
        const rl_function *fn = fn_of(m, s->frame_fns[k]);
        /* Whether the join is reached through the same calls as the spawn
         * down to this frame. */
        int same_prefix = join && join->pos.n > k && join->frame_fns[k] == s->frame_fns[k] &&
                          (k == 0 || memcmp(join->pos.v, s->pos.v, (size_t)k * sizeof(int32_t)) == 0);
        int32_t loops[MAX_LOOP_NESTING];
        int nloops = 0;
        for (int32_t p = fn->nodes[s->pos.v[k]].parent; p >= 0 && nloops < MAX_LOOP_NESTING; p = fn->nodes[p].parent)
            if (repeats(&fn->nodes[p])) loops[nloops++] = p;
        for (int i = nloops - 1; i >= 0; i--) {
            if (same_prefix && in_subtree(fn, loops[i], join->pos.v[k])) continue; /* joined in the iteration */
            *frame = k;
            return loops[i];
        }
    }
    return -1;
}

/* The locks the spawning function holds without a break from the spawn to
 * the join of the same thread, in the same function: the whole life of the
 * child runs inside those critical sections, so its accesses are protected
 * by them against every other thread that takes them (Goblint's creation
 * lockset). Resolved names; NULL for none. */
/* Whether node runs whenever its ancestor `top` does: only sequences
 * between them, no branch, loop or switch. */
static int straight_under(const rl_function *fn, int32_t node, int32_t top)
{
    for (int32_t p = fn->nodes[node].parent; p >= 0 && p != top; p = fn->nodes[p].parent)
        if (fn->nodes[p].kind != RL_N_SEQ) return 0;
    return 1;
}

static const rl_lockset *creation_locks(rl_model *m, const spawn_site *s, const join_site *join)
{
    if (!s->held_own || s->held_own->n == 0) return NULL;
    int last = s->pos.n - 1;
    const rl_fn_flow *ff = &m->flow->fns[s->frame_fns[last]];
    const rl_function *fn = fn_of(m, s->frame_fns[last]);
    int32_t from = s->pos.v[last], to = join->pos.v[last];
    /* The join must happen whenever the spawn does: both straight under
     * their nearest common block (not `if (maybe) pthread_join(...)`). */
    int32_t top = fn->nodes[from].parent;
    while (top >= 0 && !in_subtree(fn, top, to)) top = fn->nodes[top].parent;
    if (top < 0 || !straight_under(fn, from, top) || !straight_under(fn, to, top)) return NULL;
    const rl_lockset *out = NULL;
    for (size_t k = 0; k < s->held_own->n; k++) {
        const char *lock = s->held_own->e[k].lock;
        int kept = 1;
        /* Every node between, in program order, that can run holds it. */
        for (int32_t n = from + 1; n <= to && kept; n++) kept = !ff->held[n] || rl_ls_contains(ff->held[n], lock);
        if (!kept) continue;
        out = rl_ls_add(m->flow->locks, out ? out : rl_ls_empty(m->flow->locks), s->held_res[k],
                        s->held_own->e[k].shared);
    }
    return out;
}

/* Records the locks the creator holds at a spawn and where it lets each
 * go: the first node after the spawn, in its frame, that does not hold
 * it; never, when the spawn is in the creator's entry function and the
 * lock is held to its end. The nodes in between all hold it, so whatever
 * the creator does there happens before the child can take the lock.
 * Spawns in loops are left out (the loop's earlier nodes run again after
 * the spawn). */
static void creation_history(rl_model *m, rl_thread *child, const spawn_site *s)
{
    child->ncreated_under = 0;
    if (!s->held_own || !s->held_own->n) return;
    int last = s->pos.n - 1;
    const rl_function *fn = fn_of(m, s->frame_fns[last]);
    const rl_fn_flow *ff = &m->flow->fns[s->frame_fns[last]];
    int32_t from = s->pos.v[last];
    if (innermost_loop(fn, from) >= 0) return;
    for (size_t k = 0; k < s->held_own->n && child->ncreated_under < RL_MAX_CREATION_HISTORY; k++) {
        const char *lock = s->held_own->e[k].lock;
        if (s->held_own->e[k].shared) continue;
        int32_t release = -1;
        for (int32_t n = from + 1; n < fn->nnodes && release < 0; n++)
            if (ff->held[n] && !rl_ls_contains(ff->held[n], lock)) release = n;
        if (release < 0 && s->pos.n != 1) continue; /* let go by a caller, somewhere */
        int i = child->ncreated_under++;
        child->created_under[i] = s->held_res[k];
        if (release >= 0) {
            child->released_at[i] = pos_prefix_then(&s->pos, last, release);
        } else {
            child->released_at[i] = (rl_posvec){NULL, 0, 1};
        }
    }
}

/* Whether two handle places (or fields, handle_field) name the same
 * handle: the same place, or places that differ only in the index of
 * their first array step where one of them is collapsed ("t[]", any
 * element) and the other names an element ("t[1]"). Two different
 * constant indices ("t[0]", "t[1]") are two handles (rlw_place_element). */
static int same_handle(const char *a, const char *b)
{
    if (a == b) return 1;
    if (!a || !b) return 0;
    if (strcmp(a, b) == 0) return 1;
    const char *ea = strchr(a, '['), *eb = strchr(b, '[');
    if (!ea || !eb || ea - a != eb - b || strncmp(a, b, (size_t)(ea - a)) != 0) return 0;
    if (ea[1] != ']' && eb[1] != ']') return 0; /* two constants, or the same: a == b */
    const char *ra = strchr(ea, ']'), *rb = strchr(eb, ']');
    return ra && rb && strcmp(ra, rb) == 0;
}

/* Whether a join's handle is a spawn's handle exactly: that join belongs
 * to that spawn. */
static int joins_a_named_spawn(const discovery *d, const join_site *js)
{
    for (size_t k = 0; k < d->nspawns; k++)
        if (same_handle(d->spawns[k].handle, js->handle) || same_handle(d->spawns[k].kept, js->handle)) return 1;
    return 0;
}

/* The join that ends the thread of spawn s: the first after the spawn, by
 * the same thread, of the same handle. When no join names the handle as
 * the spawn does, a join of a handle kept in the same struct field, that
 * joins no other spawn's handle exactly: the spawn and the join name the
 * pool object apart (zstd's pool allocated through a wrapper and reached
 * again through its owner's field, `ctx->threads[i]` in POOL_create and
 * in POOL_join), and the object's identity is not traced through the
 * allocation and the stores. NULL when none. */
/* The branch of an `if` whose condition holds node `test` that holds
 * node `node` (it runs according to what `test` returned), or -1. */
static int32_t branch_tests(const rl_function *fn, int32_t test, int32_t node)
{
    for (int32_t p = fn->nodes[node].parent; p >= 0; p = fn->nodes[p].parent) {
        if (fn->nodes[p].kind != RL_N_IF) continue;
        int32_t cond = rl_fn_child(fn, p, 0);
        if (cond < 0 || !in_subtree(fn, cond, test) || in_subtree(fn, cond, node)) continue;
        for (int which = 1; which <= 2; which++) {
            int32_t branch = rl_fn_child(fn, p, which);
            if (branch >= 0 && in_subtree(fn, branch, node)) return branch;
        }
    }
    return -1;
}

/* Where a join after the spawn stands towards it, in the function where
 * their call paths part: JOIN_FOLLOWS when it may run after the spawn
 * (rl_program_may_follow: not on the other branch of an `if`, nor past a
 * `return` or a `goto` beyond it; a pool made in one branch of main and
 * one freed in another, zstd's benchmark, which ends with `goto _end`,
 * and its decompression, are other objects), JOIN_ON_FAILURE when it is
 * in a branch that tests what the spawn's call returned: the path where
 * starting the thread failed (`if (pthread_create(...)) { pool_free(ctx);
 * return NULL; }` in zstd's POOL_create_advanced), which joins the
 * instances started before, on that path only; else 0. */
enum { JOIN_FOLLOWS = 1, JOIN_ON_FAILURE = 2 };

static int join_placement(const rl_model *m, const spawn_site *s, const join_site *js, rl_failure_join *failure)
{
    int n = s->pos.n < js->pos.n ? s->pos.n : js->pos.n;
    for (int k = 0; k < n; k++) {
        if (s->frame_fns[k] != js->frame_fns[k]) return JOIN_FOLLOWS;
        if (s->pos.v[k] == js->pos.v[k]) continue;
        const rl_fn_info *info = &m->program->fns[s->frame_fns[k]];
        if (s->pos.v[k] >= info->fn->nnodes || js->pos.v[k] >= info->fn->nnodes) return JOIN_FOLLOWS; /* a finisher */
        if (!rl_program_may_follow(m->program, info, s->pos.v[k], js->pos.v[k])) return 0;
        int32_t branch = branch_tests(info->fn, s->pos.v[k], js->pos.v[k]);
        if (branch < 0) return JOIN_FOLLOWS;
        if (failure) {
            failure->frame = k;
            failure->branch = branch;
        }
        return JOIN_ON_FAILURE;
    }
    return JOIN_FOLLOWS;
}

/* How a join after the spawn names its thread's handle, whatever path it
 * is on: JOINS_HANDLE when it names the spawn's handle (or the place its
 * caller keeps it in), JOINS_BY_FIELD when it names a handle of the same
 * struct field that is exactly no other spawn's, else 0. */
enum { JOINS_BY_FIELD = 1, JOINS_HANDLE = 2 };

static int join_names(const spawn_site *s, const discovery *d, const join_site *js)
{
    if (!s->handle[0] || pos_cmp(&js->pos, &s->pos) <= 0) return 0;
    if (same_handle(js->handle, s->handle) || same_handle(js->handle, s->kept)) return JOINS_HANDLE;
    const char *field = s->handle_field;
    const char *jfield = field && js->handle[0] ? handle_field(js->handle) : NULL;
    if (!jfield || !same_handle(jfield, field) || joins_a_named_spawn(d, js)) return 0;
    return JOINS_BY_FIELD;
}

/* How a join ends its thread: as join_names, for a join that may run
 * after the spawn on the path where the thread started. */
static int join_kind(const rl_model *m, const spawn_site *s, const discovery *d, const join_site *js)
{
    int kind = join_names(s, d, js);
    return kind && join_placement(m, s, js, NULL) == JOIN_FOLLOWS ? kind : 0;
}

/* Records the joins on the branch where starting the thread failed
 * (JOIN_ON_FAILURE): what follows one of them on its own path comes after
 * the instances started before (ordering.c). */
static void list_failure_joins(const rl_model *m, rl_thread *child, const spawn_site *s, const discovery *d)
{
    for (size_t j = 0; j < d->njoins; j++) {
        const join_site *js = &d->joins[j];
        rl_failure_join f;
        if (!join_names(s, d, js) || join_placement(m, s, js, &f) != JOIN_ON_FAILURE) continue;
        f.pos = pos_copy(&js->pos);
        f.frame_fns = frames_with(js->frame_fns, js->pos.n - 1, js->frame_fns[js->pos.n - 1]);
        child->failure_joins =
            rl_xrealloc(child->failure_joins, (size_t)(child->nfailure_joins + 1) * sizeof *child->failure_joins);
        child->failure_joins[child->nfailure_joins++] = f;
    }
}

/* The best kind of join any join of the spawn is (join_kind). */
static int best_join_kind(const rl_model *m, const spawn_site *s, const discovery *d)
{
    int best = 0;
    for (size_t j = 0; j < d->njoins && best < JOINS_HANDLE; j++) {
        int k = join_kind(m, s, d, &d->joins[j]);
        if (k > best) best = k;
    }
    return best;
}

/* The join that ends the thread: of the joins of its handle, the first
 * after the spawn; of joins matched only by field, which may name other
 * objects of the same type (curl's pool, destroyed on an error path of
 * its creation and at the end), the last one, so that a weak match never
 * shortens the thread's life. */
static const join_site *join_of(const rl_model *m, const spawn_site *s, const discovery *d)
{
    int best = best_join_kind(m, s, d);
    int want = best == JOINS_HANDLE ? -1 : 1;
    const join_site *join = NULL;
    for (size_t j = 0; best && j < d->njoins; j++) {
        const join_site *js = &d->joins[j];
        if (join_kind(m, s, d, js) == best && (!join || pos_cmp(&js->pos, &join->pos) * want > 0)) join = js;
    }
    return join;
}

static int same_loc(rl_loc a, rl_loc b)
{
    return a.line == b.line && a.col == b.col && (a.file == b.file || (a.file && b.file && strcmp(a.file, b.file) == 0));
}

/* Every join that may end the child (those of the best kind, each place
 * once), for racelint threads: first the one that bounds its interval
 * (join_of), then where else it is joined (load() and load_end() in
 * pigz). */
static void list_joins(const rl_model *m, rl_thread *child, const spawn_site *s, const discovery *d, const join_site *first)
{
    int best = best_join_kind(m, s, d);
    for (size_t j = 0; best && j <= d->njoins; j++) {
        const join_site *js = j == 0 ? first : &d->joins[j - 1];
        if (join_kind(m, s, d, js) != best) continue;
        int seen = 0;
        for (int k = 0; k < child->njoin_sites && !seen; k++)
            seen = same_loc(child->join_sites[k].loc, js->loc) && same_loc(child->join_sites[k].call_loc, js->call_loc);
        if (seen) continue;
        child->join_sites = rl_xrealloc(child->join_sites, (size_t)(child->njoin_sites + 1) * sizeof *child->join_sites);
        child->join_sites[child->njoin_sites].loc = js->loc;
        child->join_sites[child->njoin_sites++].call_loc = js->call_loc;
    }
}

/* Whether the caller of the spawning function joins the thread later in
 * the same call (pigz's load() calling launch() and then join(), outb()
 * likewise): however many call paths reach that caller, each call ends
 * the thread it started before it returns. Frames above the caller may
 * differ; the caller's frame and those above it in the spawn's position
 * must be the join's, and the position must hold every frame. */
static int joined_by_caller(const spawn_site *s, const join_site *join)
{
    int c = s->pos.n - 2;
    /* Past MAX_POS_DEPTH, frame c is not the spawning function's caller. */
    if (!join || c < 0 || join->pos.n <= c || s->cut) return 0;
    for (int k = 0; k <= c; k++)
        if (join->frame_fns[k] != s->frame_fns[k] || (k < c && join->pos.v[k] != s->pos.v[k])) return 0;
    return join->pos.v[c] > s->pos.v[c];
}

/* Fills a child's multi flag and interval from its spawn site and the
 * parent's joins. */
static const join_site *child_interval(rl_model *m, rl_thread *child, const rl_thread *parent, const spawn_site *s,
                                       const discovery *d)
{
    const join_site *join = join_of(m, s, d);
    int frame = -1;
    int32_t around = overlapping_loop(m, s, join, &frame);
    /* A spawn reached through several call paths (commands dispatched
     * through a table all reaching one pool) runs several times; but when
     * the function that spawns also joins, each run ends before its call
     * returns, so the runs never overlap. */
    int last = s->pos.n - 1;
    int joined_in_frame = join && last >= 0 && join->pos.n == s->pos.n && join->frame_fns[last] == s->frame_fns[last] &&
                          memcmp(join->pos.v, s->pos.v, (size_t)last * sizeof(int32_t)) == 0;
    child->own_multi = (s->repeated && !joined_in_frame && !joined_by_caller(s, join)) || around >= 0;
    creation_history(m, child, s);
    if (joined_in_frame) {
        child->creation_locks = creation_locks(m, s, join);
        child->creation_holder = child->creation_locks ? parent->id : -1;
    } else if (!join) {
        /* Never joined, and created under a lock its creator never lets
         * go (it ends holding it: the process ends with main, any other
         * thread leaves it taken for good): the child runs entirely while
         * its creator holds it. */
        const rl_lockset *held = NULL;
        for (int i = 0; i < child->ncreated_under; i++)
            if (child->released_at[i].infinite)
                held = rl_ls_add(m->flow->locks, held ? held : rl_ls_empty(m->flow->locks), child->created_under[i], 0);
        child->creation_locks = held;
        child->creation_holder = held ? parent->id : -1;
    }
    m->any_creation_locks |= child->creation_locks != NULL || parent->creation_locks != NULL;
    /* Joined before its parent ends, it lives inside the parent's life,
     * and so inside the locks that protect the parent's, held by the same
     * thread. */
    if (join && parent->creation_locks && !child->creation_locks) {
        child->creation_locks = parent->creation_locks;
        child->creation_holder = parent->creation_holder;
    }
    child->multi = parent->multi || child->own_multi;
    list_failure_joins(m, child, s, d);
    child->start = around >= 0 ? pos_prefix_then(&s->pos, frame, around) : pos_copy(&s->pos);
    child->dstart = pos_copy(&s->pos);
    child->spawn_pos = pos_copy(&s->pos);
    if (!join) {
        child->end.infinite = 1;
        child->dend.infinite = 1;
        return NULL;
    }
    child->joined = 1;
    child->join_loc = join->loc;
    child->join_call_loc = join->call_loc;
    list_joins(m, child, s, d, join);
    child->end = pos_copy(&join->pos);
    child->dend = pos_copy(&join->pos);
    for (int k = 0; k < join->pos.n; k++) {
        const rl_function *jf = fn_of(m, join->frame_fns[k]);
        if (join->pos.v[k] >= jf->nnodes) continue; /* a finisher's frame past the entry */
        int32_t loop = outermost_loop(jf, join->pos.v[k]);
        if (loop < 0) continue;
        int same_prefix = s->pos.n > k && (k == 0 || memcmp(s->pos.v, join->pos.v, (size_t)k * sizeof(int32_t)) == 0) &&
                          s->frame_fns[k] == join->frame_fns[k];
        if (same_prefix && in_subtree(jf, loop, s->pos.v[k])) break; /* the spawn's own loop */
        pos_free(&child->end);
        child->end = pos_prefix_then(&join->pos, k, jf->nodes[loop].end + 1);
        break;
    }
    return join;
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
    t->spawn_ctx = -1;
    t->spawn_fn = -1;
    t->creation_holder = -1;
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
        frame_env sub = {t, m->finishers[k], NULL, 0, 0, 0};
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
            t->spawn_fn = s->frame_fns[s->pos.n - 1];
            t->spawn_loc = s->loc;
            t->spawn_call_loc = s->call_loc;
            t->arg = s->arg;
            t->arg_distinct = s->arg_distinct;
            t->arg_loaded = s->arg_loaded;
            t->started_in_once = s->once_object;
            t->handle = s->handle;
            const join_site *join = child_interval(m, t, &m->threads[parent], s, d);
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
    if (d.cut) m->limits.discovery_cut++;
    discovery_free(&d);
}
