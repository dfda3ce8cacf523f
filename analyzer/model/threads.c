/* The thread model (threads.h): discovers threads, explores the contexts
 * each thread runs, resolves accesses and locks to program-wide names, and
 * answers "may these two accesses run at the same time?".
 *
 * Per thread, two passes:
 *  1. discovery: walk only the functions that spawn or join (rl_fn_info.
 *     spawns) to find the thread's spawn and join sites with their
 *     positions; create the children and their run intervals;
 *  2. exploration: a worklist over contexts reachable from the entry,
 *     carrying bindings and entry locksets to a fixpoint.
 * Then every ACCESS node of every context becomes a resolved rl_access. */
#include "threads.h"
#include "ownership.h"
#include "place.h"
#include "../util/budget.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds that keep pathological programs finite. */
#define MAX_THREADS 4096
#define MAX_CONTEXTS (1 << 20)
#define MAX_SPAWN_DEPTH 16
/* Positions keep at most this many frames; deeper calls share the
 * position of their deepest kept frame (discovery and exploration agree). */
#define MAX_POS_DEPTH 8
/* Loops around one statement looked at for a spawn's instances. */
#define MAX_LOOP_NESTING 64
/* Calls followed while looking for spawn sites, per thread. */
#define DISCOVERY_BUDGET 20000
#define MAX_CANDIDATES 32
#define MAX_PARAMS 32
/* Access paths are k-limited: a value reached through more derefs than
 * this (a list walked recursively) stands for all deeper ones, so that
 * recursion cannot create contexts without end. */
#define MAX_DEREFS 3
#define MAX_VALUE_LEN 256
/* Past this many contexts, new ones ignore their bindings (one context per
 * function and phase): coarser, but exploration stays bounded. */
#define CONTEXT_SOFT_LIMIT 100000

typedef struct spawn_site {
    rl_posvec pos;
    int *frame_fns;      /* function of each frame of pos */
    int32_t node;
    const char *arg;
    int arg_distinct;
    const char *handle;
    int entry_fn;        /* direct entry, or -1 */
    const rl_node *node_ref; /* the SPAWN node, for indirect entries */
    rl_loc loc;
    int repeated;        /* reached through several call paths */
    int in_once;         /* found inside a once-routine */
    uint64_t fn_hash;    /* fn_bindings_hash of its frame */
    const rl_lockset *held_own; /* locks held at the spawn, in its function's terms */
    const char **held_res;      /* the same locks resolved, entry by entry */
} spawn_site;

typedef struct join_site {
    rl_posvec pos;
    int *frame_fns;
    const char *handle;
    rl_loc loc;
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
    walked_call *calls;
    size_t ncalls, cap_calls;
} discovery;

/* ---- positions ------------------------------------------------------------ */

static rl_posvec pos_extend(const rl_posvec *p, int32_t node)
{
    rl_posvec r = {rl_xmalloc((size_t)(p->n + 1) * sizeof(int32_t)), p->n + 1, 0};
    if (p->n) memcpy(r.v, p->v, (size_t)p->n * sizeof(int32_t));
    r.v[p->n] = node;
    return r;
}

static rl_posvec pos_copy(const rl_posvec *p)
{
    rl_posvec r = {NULL, p->n, p->infinite};
    if (p->n) {
        r.v = rl_xmalloc((size_t)p->n * sizeof(int32_t));
        memcpy(r.v, p->v, (size_t)p->n * sizeof(int32_t));
    }
    return r;
}

/* A prefix of k frames of p, then `last`. */
static rl_posvec pos_prefix_then(const rl_posvec *p, int k, int32_t last)
{
    rl_posvec prefix = {p->v, k, 0};
    return pos_extend(&prefix, last);
}

/* Lexicographic order; a prefix comes first (a call precedes its body). */
static int pos_cmp(const rl_posvec *a, const rl_posvec *b)
{
    if (a->infinite || b->infinite) return a->infinite == b->infinite ? 0 : a->infinite ? 1 : -1;
    int n = a->n < b->n ? a->n : b->n;
    for (int i = 0; i < n; i++)
        if (a->v[i] != b->v[i]) return a->v[i] < b->v[i] ? -1 : 1;
    return a->n == b->n ? 0 : a->n < b->n ? -1 : 1;
}

static void pos_free(rl_posvec *p)
{
    free(p->v);
    p->v = NULL;
    p->n = 0;
}

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

/* ---- resolution ----------------------------------------------------------- */

/* Marks a function whose returns disagree (see return_summary). */
static const char AMBIGUOUS_RETURN[] = "?";

typedef struct frame_env {
    int thread;
    int fn;
    const char *const *bind;
    int nbind;
    uint32_t distinct;
} frame_env;

static const rl_function *fn_of(const rl_model *m, int fn)
{
    return m->program->fns[fn].fn;
}

/* A hash of the functions a frame is handed as arguments ("fn:" values),
 * 0 when none. A function called with different callbacks runs as
 * different frames: the objects it allocates are named apart (a
 * trampoline's capsule holding one thread body or another), and thread
 * discovery walks it once per callback. Data pointers are left out: they
 * vary far more, and the walks would multiply. */
static uint64_t fn_bindings_hash(const char *const *bind, int nbind)
{
    uint64_t h = 0;
    for (int i = 0; i < nbind; i++)
        if (bind[i] && strncmp(bind[i], "fn:", 3) == 0) {
            h = rl_hash_bytes(bind[i], strlen(bind[i]), h + (uint64_t)i + 1);
            if (!h) h = 1;
        }
    return h;
}

/* A place or value of function env->fn as a program-wide name. *distinct
 * is set when the place is (part of) an object handed out one per thread
 * instance; *root_distinct when it is reached from one, even through
 * pointers. */
static const char *resolve2(rl_model *m, const frame_env *env, const char *s, int *distinct, int *root_distinct);
static const char *resolve(rl_model *m, const frame_env *env, const char *s, int *distinct);

/* What a function returns, in its own terms, when every return agrees. */
static const char *return_summary(rl_model *m, int fn)
{
    void **slot = rl_ptrmap_slot(&m->returns, m->program->fns[fn].usr);
    if (*slot) return *slot == (void *)AMBIGUOUS_RETURN ? NULL : *slot;
    const rl_function *f = fn_of(m, fn);
    const char *found = NULL;
    int ok = 1;
    for (int32_t i = 0; i < f->nnodes && ok; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind != RL_N_RETURN) continue;
        if (n->text && !n->text[0]) continue; /* `return NULL` names no object */
        const char *v = n->text ? rl_intern(m->program->pool, n->text) : NULL;
        if (!v || (found && found != v)) ok = 0;
        else found = v;
    }
    *slot = ok && found ? (void *)found : (void *)AMBIGUOUS_RETURN;
    return ok ? found : NULL;
}

/* Resolves a call value "@L_C|USR|TYPE|args...": the callee's returned
 * value with its parameters bound to the arguments; a heap object the
 * callee allocates is a fresh object at this call site (an allocator
 * wrapper); anything else is an object of the pointee type. */
static const char *resolve_call(rl_model *m, const frame_env *env, const char *call, int depth)
{
    rl_strpool *pool = m->program->pool;
    char *copy = rl_xstrdup(call + 1);
    char *end = strchr(copy, RL_CALL_END[0]);
    if (end) *end = '\0';
    const char *fields[MAX_PARAMS + 3];
    int nf = 0;
    for (char *p = copy; nf < MAX_PARAMS + 3;) {
        fields[nf++] = p;
        char *sep = strchr(p, RL_CALL_SEP[0]);
        if (!sep) break;
        *sep = '\0';
        p = sep + 1;
    }
    const char *result = NULL;
    if (nf >= 3) {
        int callee = rl_program_find(m->program, rl_intern(pool, fields[1]));
        const char *ret = callee >= 0 && depth < MAX_SPAWN_DEPTH ? return_summary(m, callee) : NULL;
        if ((ret && strncmp(ret, "&H", 2) == 0) || (callee >= 0 && rl_ownership_unlinks(m->own, callee))) {
            /* An allocator wrapper, or a pop that hands the caller what it
             * unlinked: a fresh object at this call site. */
            rl_strbuf sb = RL_STRBUF_INIT;
            rl_sb_printf(&sb, "&H%s", fields[0]);
            result = resolve(m, env, rl_sb_str(&sb), NULL);
            rl_sb_free(&sb);
        } else if (ret && rl_place_root(ret, NULL) != RL_ROOT_LOCAL) {
            const char *args[MAX_PARAMS];
            int nargs = nf - 3;
            for (int i = 0; i < nargs; i++) args[i] = resolve(m, env, fields[3 + i], NULL);
            frame_env callee_env = {env->thread, callee, args, nargs, 0};
            result = rl_place_root(ret, NULL) == RL_ROOT_CALL || (ret[0] == '&' && ret[1] == '@')
                         ? resolve_call(m, &callee_env, ret + (ret[0] == '&'), depth + 1)
                         : resolve(m, &callee_env, ret, NULL);
        }
        if (!result || !result[0]) {
            rl_strbuf sb = RL_STRBUF_INIT;
            rl_sb_printf(&sb, "{%s}", fields[2]);
            result = rl_intern(pool, rl_sb_str(&sb));
            rl_sb_free(&sb);
        }
    }
    free(copy);
    return result ? result : rl_intern(pool, "");
}

/* Resolves a choice "%TYPE|A|B|...": each alternative in this context;
 * one object when they all agree (two elements of one array), else the
 * resolved choice of them (rl_choice_make), whose accesses are those of
 * every alternative. */
static const char *resolve_choice(rl_model *m, const frame_env *env, const char *choice)
{
    rl_strpool *pool = m->program->pool;
    char *copy = rl_xstrdup(choice + 1);
    char *end = strchr(copy, RL_CALL_END[0]);
    if (end) *end = '\0';
    const char *alts[RL_MAX_CHOICES];
    size_t n = 0;
    int too_many = 0;
    for (char *p = strchr(copy, RL_CALL_SEP[0]); p; p = strchr(p, RL_CALL_SEP[0])) {
        *p++ = '\0';
        if (n == RL_MAX_CHOICES) {
            too_many = 1;
            break;
        }
        alts[n++] = p;
    }
    const char *resolved[RL_MAX_CHOICES];
    int unknown = too_many || n < 2;
    for (size_t i = 0; i < n && !unknown; i++) {
        resolved[i] = resolve(m, env, alts[i], NULL);
        /* an alternative this context cannot name: the type, as before */
        if (!resolved[i][0] || resolved[i][0] == '{') unknown = 1;
    }
    const char *result = unknown ? rl_choice_make(pool, copy, NULL, 0) : rl_choice_make(pool, copy, resolved, n);
    free(copy);
    return result;
}

static const char *resolve2(rl_model *m, const frame_env *env, const char *s, int *distinct, int *root_distinct)
{
    rl_strpool *pool = m->program->pool;
    if (s[0] == '@' || s[0] == '%' || (s[0] == '&' && (s[1] == '@' || s[1] == '%'))) {
        /* A call's result or a choice, then the steps applied to it. */
        int amp = s[0] == '&';
        const char *root = s + amp;
        size_t rl = rl_place_root_len(root);
        const char *value = root[0] == '@' ? resolve_call(m, env, root, 0) : resolve_choice(m, env, root);
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_printf(&sb, "%sP0%s", amp ? "&" : "", root + rl);
        const char *vals[1] = {value};
        const char *r = amp ? rl_value_subst(pool, rl_sb_str(&sb), vals, 1) : rl_place_subst(pool, rl_sb_str(&sb), vals, 1);
        rl_sb_free(&sb);
        return r;
    }
    if (strstr(s, "[#P")) {
        /* Indexed by a parameter's value: the instance's own element when
         * that value is distinct per instance, any element otherwise. */
        rl_strbuf sb = RL_STRBUF_INIT;
        for (const char *p = s; *p;) {
            int n;
            if (sscanf(p, "[#P%d]", &n) == 1) {
                if (n >= 0 && n < MAX_PARAMS && (env->distinct & (1u << n)) && distinct) *distinct = 1;
                rl_sb_append(&sb, "[]");
                p = strchr(p, ']') + 1;
            } else {
                rl_sb_appendc(&sb, *p++);
            }
        }
        const char *plain = resolve2(m, env, rl_sb_str(&sb), distinct, root_distinct);
        rl_sb_free(&sb);
        return plain;
    }
    int param = -1;
    rl_root_kind k = rl_place_root(s, &param);
    if (k == RL_ROOT_PARAM) {
        /* The object handed to one instance is distinct, but not what its
         * pointer fields lead to: those may be shared again. */
        const char *rest = strchr(s, '*');
        int through_pointer = rest && strchr(rest + 1, '*') != NULL;
        int from_distinct = param >= 0 && param < MAX_PARAMS && (env->distinct & (1u << param));
        if (distinct && !through_pointer && from_distinct) *distinct = 1;
        if (root_distinct && from_distinct) *root_distinct = 1;
        return s[0] == '&' ? rl_value_subst(pool, s, env->bind, env->nbind)
                           : rl_place_subst(pool, s, env->bind, env->nbind);
    }
    if (k == RL_ROOT_LOCAL || k == RL_ROOT_HEAP) {
        char q[96];
        uint64_t fh = k == RL_ROOT_HEAP ? fn_bindings_hash(env->bind, env->nbind) : 0;
        if (fh) snprintf(q, sizeof q, "t%d:%s~%08x", env->thread, m->program->fns[env->fn].name, (unsigned)(fh & 0xffffffffu));
        else snprintf(q, sizeof q, "t%d:%s", env->thread, m->program->fns[env->fn].name);
        return rl_place_qualify(pool, s, q);
    }
    return rl_intern(pool, s ? s : "");
}

static const char *resolve(rl_model *m, const frame_env *env, const char *s, int *distinct)
{
    return resolve2(m, env, s, distinct, NULL);
}

/* Cuts a value after its MAX_DEREFS-th deref (see MAX_DEREFS). */
static const char *k_limit(rl_model *m, const char *value)
{
    /* A choice is bounded by its alternatives; cutting inside it would
     * break it. */
    if (value[0] == '%') return strlen(value) < MAX_VALUE_LEN ? value : rl_intern(m->program->pool, "");
    int derefs = 0;
    size_t n = 0;
    for (; value[n] && n < MAX_VALUE_LEN; n++) {
        if (value[n] == '*' && ++derefs > MAX_DEREFS) break;
    }
    if (!value[n]) return value;
    /* Keep the value up to (not including) the deref that goes too deep;
     * drop a dangling field step so the result is still a value. */
    return rl_intern_n(m->program->pool, value, n);
}

/* Bindings for a callee: each argument value resolved in the caller. */
static const char **bind_args(rl_model *m, const frame_env *env, const rl_node *call, uint32_t *distinct)
{
    int n = call->nargs < MAX_PARAMS ? call->nargs : MAX_PARAMS;
    const char **vals = rl_xcalloc((size_t)n + 1, sizeof *vals);
    *distinct = 0;
    for (int i = 0; i < n; i++) {
        int d = 0;
        vals[i] = k_limit(m, resolve(m, env, call->args[i], &d));
        if (d) *distinct |= 1u << i;
    }
    return vals;
}

static const rl_lockset *resolve_locks(rl_model *m, const frame_env *env, const rl_lockset *s)
{
    rl_lockset_table *t = m->flow->locks;
    const rl_lockset *r = rl_ls_empty(t);
    for (size_t i = 0; s && i < s->n; i++) r = rl_ls_add(t, r, resolve(m, env, s->e[i].lock, NULL), s->e[i].shared);
    return r;
}

/* The locks a context holds on entry: those of every call path, and
 * those its function requires by contract (Clang's REQUIRES). */
static const rl_lockset *entry_locks(rl_model *m, const rl_ctx *c, const frame_env *env, const rl_lockset *entry)
{
    const rl_function *f = fn_of(m, c->fn);
    for (int32_t i = 0; i < f->nrequires; i++)
        entry = rl_ls_add(m->flow->locks, entry, resolve(m, env, f->requires[i].place, NULL), f->requires[i].shared);
    return entry;
}

/* Locks held at a node of a context: the function's own, plus those held
 * on entry and not released since. NULL when the node is unreachable. */
static const rl_lockset *held_at(rl_model *m, const rl_ctx *c, int32_t node)
{
    const rl_fn_flow *ff = &m->flow->fns[c->fn];
    if (!ff->held || !ff->held[node]) return NULL;
    frame_env env = {c->thread, c->fn, c->bind, c->nbind, c->distinct};
    const rl_lockset *own = resolve_locks(m, &env, ff->held[node]);
    const rl_lockset *rel = resolve_locks(m, &env, ff->released[node]);
    const rl_lockset *inherited = rl_ls_minus(m->flow->locks, entry_locks(m, c, &env, c->entry), rel);
    const rl_lockset *all = own;
    for (size_t i = 0; inherited && i < inherited->n; i++)
        all = rl_ls_add(m->flow->locks, all, inherited->e[i].lock, inherited->e[i].shared);
    return all;
}

/* Locks some path may hold at a node: the function's own, plus any a
 * caller may hold. For misuse rules, which must not fire on locks taken
 * under correlated conditions. */
static const rl_lockset *may_held_at(rl_model *m, const rl_ctx *c, int32_t node)
{
    const rl_fn_flow *ff = &m->flow->fns[c->fn];
    if (!ff->may || !ff->held[node]) return NULL;
    frame_env env = {c->thread, c->fn, c->bind, c->nbind, c->distinct};
    const rl_lockset *own = resolve_locks(m, &env, ff->may[node]);
    return rl_ls_union(m->flow->locks, own, entry_locks(m, c, &env, c->entry_may));
}

/* Marks a place that was given different pointer values (collect_stores). */
static const char AMBIGUOUS[] = "";

static void record_stores(rl_model *m, const frame_env *env);
static const char *follow_stores(rl_model *m, const char *place, int root_distinct, int *distinct);

/* The functions a call or spawn through a pointer reaches in one context.
 * The pointer, resolved with the context's bindings, may be a function
 * itself ("fn:USR", passed down as an argument: `run(inc_a)` calling
 * `cb()`), or a place whose stores so far hold one function (a callback
 * field of the object this context works on): then that function alone.
 * Otherwise the program-wide answer (rl_program_callees), which merges
 * every function that ever flows into the pointer's slot. */
static const int *ctx_callees(rl_model *m, const frame_env *env, int32_t node, int *one, size_t *count, int *weak)
{
    const rl_fn_info *info = &m->program->fns[env->fn];
    const rl_node *n = &info->fn->nodes[node];
    if (n->fnptr && !info->callees[node] && (n->kind == RL_N_CALL || n->kind == RL_N_SPAWN)) {
        const char *v = resolve(m, env, n->fnptr, NULL);
        if (v[0] && strncmp(v, "fn:", 3) != 0) {
            const char *stored = rl_ptrmap_get(&m->stored, v);
            if (stored && stored != AMBIGUOUS && strncmp(stored, "fn:", 3) == 0) v = stored;
        }
        if (strncmp(v, "fn:", 3) == 0) {
            /* A function without a body in this program runs nothing we see. */
            *one = rl_program_find(m->program, rl_intern(m->program->pool, v + 3));
            *count = *one >= 0;
            *weak = 0;
            return *one >= 0 ? one : NULL;
        }
    }
    return rl_program_callees(m->program, info, node, one, count, weak);
}

/* ---- pass 1: spawn and join sites ---------------------------------------- */

static int arg_is_distinct(const rl_function *fn, int32_t spawn_node, const char *arg_value)
{
    int32_t loop = innermost_loop(fn, spawn_node);
    if (loop < 0 || !arg_value) return 0;
    /* An integer (the loop counter) passed by value: one per instance. */
    if (arg_value[0] == '#') return 1;
    if (arg_value[0] != '&') return 0;
    /* One element of an array per iteration: &args[i]. */
    if (strstr(arg_value, "[]")) return 1;
    /* A heap object allocated in the same loop, before the spawn. */
    unsigned line = 0, col = 0;
    if (sscanf(arg_value, "&H%u_%u", &line, &col) == 2)
        return line >= fn->nodes[loop].loc.line && line <= fn->nodes[spawn_node].loc.line;
    return 0;
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
    uint64_t fh = fn_bindings_hash(env->bind, env->nbind);
    const rl_fn_info *info = &m->program->fns[env->fn];
    const rl_node *n = &info->fn->nodes[node];
    const char *arg = NULL;
    for (size_t k = 0; k < d->nspawns; k++) {
        spawn_site *s = &d->spawns[k];
        if (s->node != node || s->frame_fns[s->pos.n - 1] != env->fn) continue;
        if ((pos->n ? pos->v[0] : node) != s->pos.v[0]) continue;
        if (s->fn_hash != fh) {
            if (!info->callees[node]) continue;
            if (!arg) arg = resolve(m, env, n->nargs > 0 ? n->args[0] : "", NULL);
            if (arg != s->arg) continue;
        }
        s->repeated = 1;
        (void)m;
        return 1;
    }
    return 0;
}

static void discover(rl_model *m, const frame_env *env, const rl_posvec *pos, int *frame_fns, int depth, discovery *d);

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
    const char **vals = n->kind == RL_N_CALL ? bind_args(m, env, n, &distinct) : NULL;
    int nvals = n->kind == RL_N_CALL ? (n->nargs < MAX_PARAMS ? n->nargs : MAX_PARAMS) : 0;
    uint64_t key = (((uint64_t)(uint32_t)callee << 32) | (uint32_t)top) + 1;
    uint64_t fh = fn_bindings_hash(vals, nvals);
    if (fh) key = (key ^ (fh * 0x9E3779B97F4A7C15ULL)) | 1; /* never 0 */
    void **memo = rl_ptrmap_slot(&d->walked, (void *)(uintptr_t)key);
    /* Reached again at a smaller depth, it is walked again: the nesting
     * bound may have cut the first walk short. */
    if (*memo && d->calls[(uintptr_t)*memo - 1].depth <= depth) {
        const walked_call *w = &d->calls[(uintptr_t)*memo - 1];
        for (size_t k = w->first_spawn; k < w->end_spawn; k++) d->spawns[k].repeated = 1;
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
    frame_env sub = {env->thread, callee, vals, nvals, distinct};
    /* Past MAX_POS_DEPTH the position stops growing. */
    int extend = pos->n < MAX_POS_DEPTH;
    rl_posvec p2 = extend ? pos_extend(pos, i) : pos_copy(pos);
    int *ff = extend ? frames_with(frame_fns, pos->n, env->fn) : frames_with(frame_fns, pos->n - 1, frame_fns[pos->n - 1]);
    int once = n->kind == RL_N_ONCE;
    d->once_depth += once;
    discover(m, &sub, &p2, ff, depth + 1, d);
    d->once_depth -= once;
    d->calls[record].end_spawn = d->nspawns;
    free(ff);
    pos_free(&p2);
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
            if (known_spawn(m, env, d, i, pos)) continue;
            RL_GROW(d->spawns, d->cap_spawns, d->nspawns + 1);
            spawn_site *s = &d->spawns[d->nspawns++];
            memset(s, 0, sizeof *s);
            s->pos = pos_extend(pos, i);
            s->frame_fns = frames_with(frame_fns, pos->n, env->fn);
            s->node = i;
            s->fn_hash = fn_bindings_hash(env->bind, env->nbind);
            s->loc = n->loc;
            const char *sym_arg = n->nargs > 0 ? n->args[0] : "";
            int d_inherited = 0;
            s->arg = resolve(m, env, sym_arg, &d_inherited);
            s->arg_distinct = arg_is_distinct(fn, i, sym_arg) || d_inherited;
            s->handle = n->nargs > 1 && n->args[1][0] ? resolve(m, env, n->args[1], NULL) : "";
            s->entry_fn = info->callees[i] ? rl_program_find(m->program, info->callees[i]) : -1;
            if (s->entry_fn < 0 && n->fnptr) {
                /* Through a pointer the context tells (a pool's start
                 * function handed its worker): that worker alone. */
                size_t count;
                int weak, one;
                const int *entries = ctx_callees(m, env, i, &one, &count, &weak);
                if (entries == &one) s->entry_fn = one;
            }
            s->node_ref = n;
            s->in_once = d->once_depth > 0;
            const rl_fn_flow *ff = &m->flow->fns[env->fn];
            s->held_own = ff->held ? ff->held[i] : NULL;
            if (s->held_own && s->held_own->n) {
                s->held_res = rl_xcalloc(s->held_own->n, sizeof *s->held_res);
                for (size_t k = 0; k < s->held_own->n; k++) s->held_res[k] = resolve(m, env, s->held_own->e[k].lock, NULL);
            }
        } else if (n->kind == RL_N_JOIN) {
            RL_GROW(d->joins, d->cap_joins, d->njoins + 1);
            join_site *j = &d->joins[d->njoins++];
            j->pos = pos_extend(pos, i);
            j->frame_fns = frames_with(frame_fns, pos->n, env->fn);
            j->handle = n->text && n->text[0] ? resolve(m, env, n->text, NULL) : "";
            j->loc = n->loc;
        } else if (n->kind == RL_N_CALL || n->kind == RL_N_ONCE) {
            /* Direct calls, once-routines (libuv's workers start in one),
             * and calls through pointers that flows resolve; not matches
             * by type alone, which would invent threads. */
            size_t count;
            int weak, one;
            const int *callees = ctx_callees(m, env, i, &one, &count, &weak);
            for (size_t k = 0; !weak && k < count; k++) discover_call(m, env, pos, frame_fns, depth, d, i, callees[k]);
        }
    }
}

static void discovery_free(discovery *d)
{
    for (size_t i = 0; i < d->nspawns; i++) {
        pos_free(&d->spawns[i].pos);
        free(d->spawns[i].frame_fns);
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

/* Fills a child's multi flag and interval from its spawn site and the
 * parent's joins. */
static void child_interval(rl_model *m, rl_thread *child, const rl_thread *parent, const spawn_site *s,
                           const discovery *d)
{
    const join_site *join = NULL;
    if (s->handle[0]) {
        for (size_t j = 0; j < d->njoins; j++) {
            const join_site *js = &d->joins[j];
            if (js->handle != s->handle || pos_cmp(&js->pos, &s->pos) <= 0) continue;
            if (!join || pos_cmp(&js->pos, &join->pos) < 0) join = js;
        }
    }
    int frame = -1;
    int32_t around = overlapping_loop(m, s, join, &frame);
    /* A spawn reached through several call paths (commands dispatched
     * through a table all reaching one pool) runs several times; but when
     * the function that spawns also joins, each run ends before its call
     * returns, so the runs never overlap. */
    int last = s->pos.n - 1;
    int joined_in_frame = join && last >= 0 && join->pos.n == s->pos.n && join->frame_fns[last] == s->frame_fns[last] &&
                          memcmp(join->pos.v, s->pos.v, (size_t)last * sizeof(int32_t)) == 0;
    child->own_multi = (s->repeated && !joined_in_frame) || around >= 0;
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
    child->start = around >= 0 ? pos_prefix_then(&s->pos, frame, around) : pos_copy(&s->pos);
    child->dstart = pos_copy(&s->pos);
    child->spawn_pos = pos_copy(&s->pos);
    if (!join) {
        child->end.infinite = 1;
        child->dend.infinite = 1;
        return;
    }
    child->joined = 1;
    child->join_loc = join->loc;
    child->end = pos_copy(&join->pos);
    child->dend = pos_copy(&join->pos);
    for (int k = 0; k < join->pos.n; k++) {
        const rl_function *jf = fn_of(m, join->frame_fns[k]);
        int32_t loop = outermost_loop(jf, join->pos.v[k]);
        if (loop < 0) continue;
        int same_prefix = s->pos.n > k && (k == 0 || memcmp(s->pos.v, join->pos.v, (size_t)k * sizeof(int32_t)) == 0) &&
                          s->frame_fns[k] == join->frame_fns[k];
        if (same_prefix && in_subtree(jf, loop, s->pos.v[k])) break; /* the spawn's own loop */
        pos_free(&child->end);
        child->end = pos_prefix_then(&join->pos, k, jf->nodes[loop].end + 1);
        break;
    }
}

static int add_thread(rl_model *m, int parent, int entry_fn)
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

static void create_children(rl_model *m, int parent, const discovery *d)
{
    m->threads[parent].first_child = (int)m->nthreads;
    for (size_t i = 0; i < d->nspawns; i++) {
        const spawn_site *s = &d->spawns[i];
        int entries[MAX_CANDIDATES];
        int nentries = 0;
        if (s->entry_fn >= 0) {
            entries[nentries++] = s->entry_fn;
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
            int id = add_thread(m, parent, entries[e]);
            if (id < 0) break;
            m->threads[parent].nchildren++;
            rl_thread *t = &m->threads[id];
            t->spawn_node = s->node;
            t->spawn_loc = s->loc;
            t->arg = s->arg;
            t->arg_distinct = s->arg_distinct;
            t->handle = s->handle;
            child_interval(m, t, &m->threads[parent], s, d);
        }
    }
}

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
    rl_sb_printf(out, "%d", lo);
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
    rl_sb_printf(&key, "%d|%d|%d|%u|", thread, fn, in_once, distinct);
    for (int i = 0; i < nbind; i++) rl_sb_printf(&key, "%s|", bind[i] ? bind[i] : "");
    if (frozen) {
        rl_sb_appendc(&key, 'F');
        phase_signature(m, thread, pos, &key);
    } else {
        for (int i = 0; i < pos->n; i++) rl_sb_printf(&key, "%d.", pos->v[i]);
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
    frame_env env = {c->thread, c->fn, c->bind, c->nbind, c->distinct};
    const rl_lockset *r = rl_ls_empty(m->flow->locks);
    for (size_t i = 0; i < held->n; i++) {
        const char *lock = held->e[i].lock;
        /* a callee's lock, in the allocating function's terms */
        if (h->call) lock = rl_place_subst(m->program->pool, lock, h->call->args, h->call->nargs);
        r = rl_ls_add(m->flow->locks, r, resolve(m, &env, lock, NULL), 0);
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
 * and not published yet, or handed in owned (one deref from the
 * parameter: the object's own fields). *publish: the locks its
 * publication is made under (NULL: none needed). */
static int access_is_owned(rl_model *m, const rl_ctx *c, int32_t node, const char *text, const rl_lockset **publish)
{
    rl_handoff h;
    *publish = NULL;
    if (rl_ownership_fresh_at(m->own, c->fn, node, text, &h)) {
        *publish = handoff_locks(m, c, &h);
        return 1;
    }
    int k = -1;
    if (!c->owned || rl_place_root(text, &k) != RL_ROOT_PARAM || k < 0 || k >= MAX_PARAMS) return 0;
    const char *star = strchr(text, '*');
    if (!(c->owned & (1u << k)) || !star || strchr(star + 1, '*') != NULL) return 0;
    *publish = c->owned_publish;
    return 1;
}

static void call_into(rl_model *m, int ci, int32_t node, int callee, int in_once, const rl_lockset *held,
                      const rl_lockset *may)
{
    rl_ctx c = m->ctxs[ci]; /* copy: get_ctx may move the array */
    const rl_node *n = &fn_of(m, c.fn)->nodes[node];
    frame_env env = {c.thread, c.fn, c.bind, c.nbind, c.distinct};
    uint32_t distinct = 0;
    const char **vals = in_once ? NULL : bind_args(m, &env, n, &distinct);
    int nvals = in_once ? 0 : (n->nargs < MAX_PARAMS ? n->nargs : MAX_PARAMS);
    int frozen = c.frozen || !m->program->fns[callee].spawns || c.pos.n >= MAX_POS_DEPTH;
    rl_posvec pos = c.frozen ? pos_copy(&c.pos) : pos_extend(&c.pos, node);
    const rl_lockset *publish = NULL;
    uint32_t owned = in_once ? 0 : owned_args(m, &c, node, n, &publish);
    int id = get_ctx(m, c.thread, callee, vals, nvals, distinct, owned, &pos, frozen, c.in_once || in_once, held, may,
                     ci, node);
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
    frame_env env = {cx->thread, cx->fn, cx->bind, cx->nbind, cx->distinct};
    /* Stores do not depend on the locks a context is entered with: once
     * per context, not on every re-exploration. */
    if (!cx->stores_recorded) {
        cx->stores_recorded = 1;
        record_stores(m, &env);
    }
    for (int32_t i = 0; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        /* Calls in doomed code (a crash report) are not explored. */
        if ((n->kind != RL_N_CALL && n->kind != RL_N_ONCE) || info->doomed[i]) continue;
        const rl_lockset *held = held_at(m, &m->ctxs[ci], i);
        if (!held) continue;
        const rl_lockset *may = may_held_at(m, &m->ctxs[ci], i);
        size_t count;
        int weak, one;
        const int *callees = ctx_callees(m, &env, i, &one, &count, &weak);
        for (size_t k = 0; k < count && k < MAX_CANDIDATES; k++)
            call_into(m, ci, i, callees[k], n->kind == RL_N_ONCE, held, may);
        if (count > MAX_CANDIDATES) m->limits.candidates_cut++;
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

/* The one function a thread's entry runs through a pointer, when the
 * entry makes exactly one call through a pointer reached from its
 * argument, and the argument (what its creator stored there) tells the
 * target: the body of a trampoline such
 * as yarn's ignition(). -1 otherwise. */
static int trampoline_body(rl_model *m, const frame_env *env)
{
    const rl_function *f = fn_of(m, env->fn);
    int body = -1, calls = 0;
    for (int32_t i = 0; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind != RL_N_CALL || !(n->flags & RL_CALL_INDIRECT)) continue;
        /* Only a pointer the thread's argument leads to (the capsule's
         * probe), not a local cleanup handler. */
        if (!n->fnptr || strncmp(n->fnptr, "P0", 2) != 0) continue;
        size_t count;
        int weak, one;
        const int *callees = ctx_callees(m, env, i, &one, &count, &weak);
        calls++;
        body = callees == &one ? one : -1;
    }
    return calls == 1 ? body : -1;
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
    const char *bind[1] = {th.arg};
    frame_env env = {t, th.entry_fn, bind, 1, th.arg_distinct ? 1u : 0u};
    rl_posvec empty = {NULL, 0, 0};
    discovery d;
    memset(&d, 0, sizeof d);
    d.budget = DISCOVERY_BUDGET;
    if (m->program->fns[th.entry_fn].spawns) discover(m, &env, &empty, NULL, 0, &d);
    create_children(m, t, &d);
    if (d.cut) m->limits.discovery_cut++;
    discovery_free(&d);
    int frozen = !m->program->fns[th.entry_fn].spawns;
    const rl_lockset *entry = th.creation_locks ? th.creation_locks : rl_ls_empty(m->flow->locks);
    get_ctx(m, t, th.entry_fn, bind, 1, env.distinct, 0, &empty, frozen, 0, entry, entry, -1, -1);
    run_worklist(m);
    m->threads[t].runs_fn = trampoline_body(m, &env);
}

/* ---- pointers stored in memory ------------------------------------------- */

/* Records the pointer values one context writes into memory, so that a
 * load of that pointer later (`ctx->seen` holding `&packets_seen`, a
 * callback field holding a function) can name what it points to. Places
 * given two different values are left alone. Contexts record theirs when
 * explored, so that the threads analysed later see them (a trampoline
 * calling the function its creator stored in the argument); and again at
 * the end, once every context is known. */
static void record_stores(rl_model *m, const frame_env *env)
{
    const rl_function *f = fn_of(m, env->fn);
    for (int32_t i = 0; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind != RL_N_ACCESS || n->nargs != 1 || !(n->flags & RL_ACC_WRITE)) continue;
        int unused = 0;
        /* Keyed by the object as far as pointers are known (`A->next = p`
         * stores into the object A points to), as follow_stores looks up. */
        const char *place = follow_stores(m, resolve(m, env, n->text, NULL), 0, &unused);
        const char *value = resolve(m, env, n->args[0], NULL);
        void **slot = rl_ptrmap_slot(&m->stored, place);
        if (!*slot) *slot = (void *)value;
        else if (*slot != value) *slot = (void *)AMBIGUOUS;
    }
}

static void collect_stores(rl_model *m)
{
    for (size_t ci = 0; ci < m->nctxs; ci++) {
        const rl_ctx *c = &m->ctxs[ci];
        if (c->stores_recorded) continue;
        frame_env env = {c->thread, c->fn, c->bind, c->nbind, c->distinct};
        record_stores(m, &env);
    }
}

/* Rewrites `X*...` into `Y...` when X only ever held &Y. */
static const char *follow_stores(rl_model *m, const char *place, int root_distinct, int *distinct)
{
    rl_strpool *pool = m->program->pool;
    for (int round = 0; round < MAX_SPAWN_DEPTH; round++) {
        const char *star = strchr(place, '*');
        if (!star || place[0] == '{') return place;
        const char *prefix = rl_intern_n(pool, place, (size_t)(star - place));
        const char *value = rl_ptrmap_get(&m->stored, prefix);
        if (!value || value == AMBIGUOUS || value[0] != '&') return place;
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_append(&sb, value + 1);
        rl_sb_append(&sb, star + 1);
        place = rl_intern(pool, rl_sb_str(&sb));
        rl_sb_free(&sb);
        /* An element stored in a per-instance object is per instance too. */
        if (root_distinct && strstr(value, "[]")) *distinct = 1;
    }
    return place;
}

/* Lock names through stored pointers too (`pthread_mutex_lock(t->lock)`
 * with `t->lock = &m` is a lock on m). */
static const rl_lockset *follow_lock_stores(rl_model *m, const rl_lockset *held)
{
    if (!held) return NULL;
    const rl_lockset *r = rl_ls_empty(m->flow->locks);
    for (size_t i = 0; i < held->n; i++) {
        int unused = 0;
        r = rl_ls_add(m->flow->locks, r, follow_stores(m, held->e[i].lock, 0, &unused), held->e[i].shared);
    }
    return r;
}

/* ---- lock events ------------------------------------------------------------ */

static int in_interval(const rl_posvec *p, const rl_thread *child, int distinct);

static void record_lock_event(rl_model *m, const rl_ctx *c, int ci, int32_t i, const frame_env *env)
{
    const rl_node *n = &fn_of(m, c->fn)->nodes[i];
    int unused = 0;
    const char *lock = follow_stores(m, resolve(m, env, n->text, NULL), 0, &unused);
    if (n->kind == RL_N_LOCKINIT) {
        if (n->flags & RL_LOCK_RECURSIVE) rl_ptrmap_put(&m->recursive, lock, (void *)1);
        return;
    }
    void **slot = rl_ptrmap_slot(&m->lock_display, lock);
    if (!*slot && n->display && n->display[0]) *slot = (void *)rl_intern(m->program->pool, n->display);
    const rl_lockset *held = follow_lock_stores(m, held_at(m, c, i));
    if (!held || c->in_once) return;
    RL_GROW(m->lock_events, m->cap_lock_events, m->nlock_events + 1);
    rl_lock_event *e = &m->lock_events[m->nlock_events++];
    e->ctx = ci;
    e->node = i;
    e->thread = c->thread;
    e->lock = lock;
    e->kind = n->kind;
    e->shared = (n->flags & RL_LOCK_SHARED) != 0;
    e->held = held;
    e->may = follow_lock_stores(m, may_held_at(m, c, i));
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
    return rl_ptrmap_get(&m->recursive, lock) != NULL;
}

int rl_model_runs_alone(const rl_model *m, int ctx, int32_t node)
{
    const rl_ctx *c = &m->ctxs[ctx];
    const rl_thread *t = &m->threads[c->thread];
    if (t->parent >= 0) return 0;
    rl_posvec p = c->frozen ? pos_copy(&c->pos) : pos_extend(&c->pos, node);
    int alone = 1;
    for (int i = t->first_child; i < t->first_child + t->nchildren && alone; i++)
        if (in_interval(&p, &m->threads[i], 0)) alone = 0;
    pos_free(&p);
    return alone;
}

/* ---- accesses ------------------------------------------------------------- */

/* The locks an access's function took before it on every path (callees
 * included; its callers' are not known here). */
static const rl_lockset *access_history(rl_model *m, const rl_ctx *c, int32_t node, const frame_env *env)
{
    const rl_fn_flow *ff = &m->flow->fns[c->fn];
    if (!ff->acquired || !ff->acquired[node]) return NULL;
    return resolve_locks(m, env, ff->acquired[node]);
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

static void collect_accesses(rl_model *m)
{
    for (size_t ci = 0; ci < m->nctxs; ci++) {
        /* Past the budget, contexts left are not collected (reported). */
        if (rl_budget_spent(m->program->budget)) break;
        const rl_ctx *c = &m->ctxs[ci];
        const rl_function *f = fn_of(m, c->fn);
        frame_env env = {c->thread, c->fn, c->bind, c->nbind, c->distinct};
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            if (n->kind == RL_N_LOCK || n->kind == RL_N_TRYLOCK || n->kind == RL_N_UNLOCK || n->kind == RL_N_LOCKINIT) {
                record_lock_event(m, c, (int)ci, i, &env);
                continue;
            }
            if (n->kind != RL_N_ACCESS || c->in_once) continue;
            const rl_lockset *publish = NULL;
            if (access_is_owned(m, c, i, n->text, &publish) && !publish) continue;
            const rl_lockset *held = follow_lock_stores(m, held_at(m, c, i));
            if (!held) continue;
            int distinct0 = 0, root_distinct = 0;
            const char *resolved = resolve2(m, &env, n->text, &distinct0, &root_distinct);
            if (!resolved[0]) continue;
            /* A pointer that may hold several objects: an access to each. */
            const char *alts[RL_MAX_CHOICES];
            size_t nalts = rl_place_alternatives(m->program->pool, resolved, alts);
            for (size_t k = 0; k < nalts; k++) {
                int distinct = distinct0;
                const char *place = follow_stores(m, alts[k], root_distinct, &distinct);
                if (!place[0] || (place[0] == '{' && !rl_type_is_aggregate_key(place))) continue; /* see place.h */
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
                a->guard = NULL;
                if (n->guard) {
                    int unused = 0;
                    a->guard = follow_stores(m, resolve(m, &env, n->guard, NULL), 0, &unused);
                }
            }
        }
    }
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
        if (root < 0) root = add_thread(m, -1, (int)i);
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
    if (p->main_fn >= 0) {
        add_thread(m, -1, p->main_fn);
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
            if (p->fns[i].starts && !called[i] && p->fns[i].may_root) add_thread(m, -1, (int)i);
        free(called);
    }
    add_entry_point_roots(m);
    for (size_t t = 0; t < m->nthreads; t++) analyse_thread(m, (int)t);
    collect_stores(m);
    collect_accesses(m);
    group_accesses(m);
    index_lock_events(m);
    return m;
}

void rl_model_free(rl_model *m)
{
    if (!m) return;
    rl_ownership_free(m->own);
    for (size_t i = 0; i < m->nthreads; i++) {
        pos_free(&m->threads[i].spawn_pos);
        pos_free(&m->threads[i].start);
        pos_free(&m->threads[i].dstart);
        pos_free(&m->threads[i].end);
        pos_free(&m->threads[i].dend);
        for (int k = 0; k < m->threads[i].ncreated_under; k++) pos_free(&m->threads[i].released_at[k]);
        for (int k = 0; k < m->threads[i].nphase_bounds; k++) pos_free(&m->threads[i].phase_bounds[k]);
        free(m->threads[i].phase_bounds);
    }
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

/* ---- ordering ------------------------------------------------------------- */

rl_posvec rl_model_access_pos(const rl_model *m, const rl_access *a)
{
    const rl_ctx *c = &m->ctxs[a->ctx];
    rl_posvec p = c->pos;
    if (!c->frozen) p = pos_extend(&c->pos, a->node);
    else p = pos_copy(&c->pos);
    return p;
}

static int in_interval(const rl_posvec *p, const rl_thread *child, int distinct)
{
    const rl_posvec *start = distinct ? &child->dstart : &child->start;
    const rl_posvec *end = distinct ? &child->dend : &child->end;
    return pos_cmp(p, start) >= 0 && pos_cmp(p, end) < 0;
}

/* The child of `ancestor` on the way down to thread t, or -1. */
static int child_towards(const rl_model *m, int ancestor, int t)
{
    for (int c = t; c >= 0; c = m->threads[c].parent)
        if (m->threads[c].parent == ancestor) return c;
    return -1;
}

/* An ancestor thread's access against a descendant's. */
static int ancestor_overlaps(const rl_model *m, const rl_access *anc, const rl_access *desc)
{
    int c = child_towards(m, anc->thread, desc->thread);
    if (c < 0) return 1;
    rl_posvec p = rl_model_access_pos(m, anc);
    int distinct = desc->distinct && c == desc->thread;
    int r = in_interval(&p, &m->threads[c], distinct);
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
        int overlap = pos_cmp(&a->start, &b->end) < 0 && pos_cmp(&b->start, &a->end) < 0;
        /* Siblings one of which was created under a lock: their accesses
         * may be ordered by it (lock_history_orders). */
        if (overlap && x == m->threads[ta].parent && x == m->threads[tb].parent &&
            (a->ncreated_under || b->ncreated_under))
            return -1;
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

/* Whether access a, made after its thread took a lock its creator held
 * when creating it, is ordered after access b: b is the creator's, before
 * the creator let that lock go, or belongs to a sibling the creator
 * joined before then. (The creator holds the lock from the spawn to the
 * release; a takes it only after.) */
static int lock_history_orders(const rl_model *m, const rl_access *a, const rl_access *b)
{
    const rl_thread *c = &m->threads[a->thread];
    if (!a->history || c->parent < 0 || !c->ncreated_under) return 0;
    /* Only in the thread's entry function: no caller's path to account for. */
    const rl_ctx *cx = &m->ctxs[a->ctx];
    if (cx->parent_ctx >= 0 || cx->fn != c->entry_fn) return 0;
    for (int i = 0; i < c->ncreated_under; i++) {
        if (!rl_ls_contains(a->history, c->created_under[i])) continue;
        const rl_posvec *release = &c->released_at[i];
        if (b->thread == c->parent) {
            rl_posvec p = rl_model_access_pos(m, b);
            int before = release->infinite || pos_cmp(&p, release) < 0;
            pos_free(&p);
            if (before) return 1;
        } else if (b->thread != a->thread && m->threads[b->thread].parent == c->parent) {
            const rl_thread *s = &m->threads[b->thread];
            if (s->joined && (release->infinite || pos_cmp(&s->end, release) <= 0)) return 1;
        }
    }
    return 0;
}

/* Whether access b comes after a's object was published under a lock b's
 * function took before b (ownership.h). */
static int publication_orders(const rl_access *a, const rl_access *b)
{
    if (!a->publish || !b->history || a->thread == b->thread) return 0;
    for (size_t i = 0; i < a->publish->n; i++)
        if (rl_ls_contains(b->history, a->publish->e[i].lock)) return 1;
    return 0;
}

int rl_model_pair_may_be_ordered(const rl_access *a, const rl_access *b)
{
    return a->publish != NULL || b->publish != NULL;
}

int rl_model_may_run_together(const rl_model *m, const rl_access *a, const rl_access *b)
{
    if (lock_history_orders(m, a, b) || lock_history_orders(m, b, a)) return 0;
    if (publication_orders(a, b) || publication_orders(b, a)) return 0;
    int overlap = rl_model_threads_may_overlap(m, a->thread, b->thread);
    if (overlap >= 0) return overlap;
    if (a->thread == b->thread) {
        /* Instances of one thread share only what is not theirs alone:
         * not their own locals, and not the locals of an ancestor whose
         * every instance starts exactly one instance of this thread. */
        if (a->distinct || b->distinct) return 0;
        int owner = -1;
        if (sscanf(a->place, "t%d:", &owner) != 1) return 1;
        for (int t = a->thread; t >= 0 && t != owner; t = m->threads[t].parent)
            if (m->threads[t].own_multi) return 1;
        return 0;
    }
    /* Ancestor and descendant: the descendant runs during an interval. */
    return is_ancestor(m, a->thread, b->thread) ? ancestor_overlaps(m, a, b) : ancestor_overlaps(m, b, a);
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
