/* Calls through pointers (callgraph.h). Slots are nodes of a graph whose
 * edges are copies (dst may hold what src holds). A worklist carries
 * (slot, function) pairs: each is pushed once, when the function first
 * enters the slot's set, and when popped flows along the slot's copy
 * edges and, for a slot that calls are made through, binds those calls'
 * arguments to the new target's parameters. */
#include "callgraph.h"
#include "program.h"
#include "../util/mem.h"
#include "../util/ptrmap.h"
#include "../util/strbuf.h"
#include "../util/strpool.h"
#include "../util/u64set.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* "fn:" USR: a function constant (facts.h). */
#define FUNCTION_PREFIX "fn:"
/* Parameter slots are named "p:USR#N" (facts.h). */
#define PARAM_SLOT_PREFIX "p:"
#define PARAM_SLOT_FMT PARAM_SLOT_PREFIX "%s#%d"

typedef struct call_arg {
    int32_t index;       /* argument position */
    int src;             /* its value's slot, or -1 for a constant */
    int constant;        /* the function it passes, when src is -1 */
} call_arg;

typedef struct slot {
    const char *name;    /* interned in the graph's pool */
    int *succ;           /* copy edges: slots that may hold what this holds */
    size_t nsucc, cap_succ;
    int *pred;           /* the same edges backwards: slots it copies from */
    size_t npred, cap_pred;
    int seeded;          /* a function constant is put in it directly */
    int *fns;            /* functions it may hold, in arrival order */
    size_t nfns, cap_fns;
    rl_u64set has;       /* the same functions, as fn + 1 */
    call_arg *calls;     /* arguments of calls made through it */
    size_t ncalls, cap_calls;
    int *sorted;         /* fns sorted, built on first query */
} slot;

struct rl_callgraph {
    const rl_program *p;
    rl_strpool *pool;
    rl_ptrmap index;     /* interned name -> slot index + 1 */
    slot *slots;
    size_t nslots, cap_slots;
    rl_u64set edges;     /* (src << 32 | dst) + 1 of copy edges made */
    uint64_t *work;      /* pending (slot << 32 | fn) pairs */
    size_t nwork, cap_work;
    /* Functions without a body in the program (malloc stored in a hook),
     * numbered from p->nfns on so that they flow like the others. */
    const char **externals;  /* USR, interned in the program pool */
    size_t nexternals, cap_externals;
    rl_ptrmap external_index; /* USR -> external number + 1 */
    rl_ptrmap by_field_name; /* interned field name -> field_fns* (owned) */
};

/* The functions of every field slot of one field name, sorted, unique. */
typedef struct field_fns {
    int *items;
    size_t len, cap;
} field_fns;

#define FIELD_SLOT_PREFIX "f:"

static int slot_of(rl_callgraph *g, const char *name)
{
    const char *key = rl_intern(g->pool, name);
    void **v = rl_ptrmap_slot(&g->index, key);
    if (*v) return (int)((intptr_t)*v - 1);
    RL_GROW(g->slots, g->cap_slots, g->nslots + 1);
    slot *s = &g->slots[g->nslots];
    memset(s, 0, sizeof *s);
    s->name = key;
    *v = (void *)(intptr_t)(g->nslots + 1);
    return (int)g->nslots++;
}

/* The function a "fn:" value names: its program index, or for a
 * function without a body its external number past p->nfns (invariant
 * 2); for "fn:" alone (RL_NULL_FUNCTION), the external whose USR is
 * empty, which stands for null (invariant 3). */
static int constant_of(rl_callgraph *g, const char *value)
{
    size_t n = strlen(FUNCTION_PREFIX);
    if (strncmp(value, FUNCTION_PREFIX, n) != 0) return -1;
    const char *usr = rl_intern(g->p->pool, value + n);
    int fn = rl_program_find(g->p, usr);
    if (fn >= 0) return fn;
    void **v = rl_ptrmap_slot(&g->external_index, usr);
    if (!*v) {
        RL_PUSH(g->externals, g->nexternals, g->cap_externals, usr);
        *v = (void *)(intptr_t)g->nexternals;
    }
    return (int)(g->p->nfns + (size_t)((intptr_t)*v - 1));
}

static int is_external(const rl_callgraph *g, int fn)
{
    return (size_t)fn >= g->p->nfns;
}

static int is_constant(const char *value)
{
    return strncmp(value, FUNCTION_PREFIX, strlen(FUNCTION_PREFIX)) == 0;
}

static void add_fn(rl_callgraph *g, int s, int fn)
{
    if (fn < 0 || !rl_u64set_add(&g->slots[s].has, (uint64_t)fn + 1)) return;
    slot *sl = &g->slots[s];
    RL_PUSH(sl->fns, sl->nfns, sl->cap_fns, fn);
    RL_PUSH(g->work, g->nwork, g->cap_work, ((uint64_t)s << 32) | (uint32_t)fn);
}

static void add_edge(rl_callgraph *g, int src, int dst)
{
    if (src == dst || !rl_u64set_add(&g->edges, (((uint64_t)src << 32) | (uint32_t)dst) + 1)) return;
    slot *s = &g->slots[src];
    RL_PUSH(s->succ, s->nsucc, s->cap_succ, dst);
    slot *d = &g->slots[dst];
    RL_PUSH(d->pred, d->npred, d->cap_pred, src);
    /* What src already holds flows now; later arrivals follow the edge. */
    for (size_t i = 0; i < g->slots[src].nfns; i++) add_fn(g, dst, g->slots[src].fns[i]);
}

/* dst may hold value (a slot or a function constant). */
static void flow_into(rl_callgraph *g, int dst, const char *value)
{
    if (is_constant(value)) {
        g->slots[dst].seeded = 1;
        add_fn(g, dst, constant_of(g, value));
    } else {
        add_edge(g, slot_of(g, value), dst);
    }
}

/* A call through a slot now reaching fn passes its argument to fn's
 * parameter. */
static void bind_argument(rl_callgraph *g, int fn, const call_arg *a)
{
    if (is_external(g, fn)) return; /* no parameters we see */
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, PARAM_SLOT_FMT, g->p->fns[fn].usr, a->index);
    int param = slot_of(g, rl_sb_str(&sb));
    rl_sb_free(&sb);
    if (a->src >= 0) {
        add_edge(g, a->src, param);
    } else {
        g->slots[param].seeded = 1;
        add_fn(g, param, a->constant);
    }
}

static void load_flows(rl_callgraph *g, const rl_unit_facts *f)
{
    for (int32_t i = 0; i < f->nfnflows; i++) {
        const rl_fnflow *fl = &f->fnflows[i];
        int dst = slot_of(g, fl->dst);
        if (fl->kind == RL_FNFLOW_COPY) {
            flow_into(g, dst, fl->src);
            continue;
        }
        call_arg a = {fl->index, -1, -1};
        if (is_constant(fl->src)) a.constant = constant_of(g, fl->src);
        else a.src = slot_of(g, fl->src);
        if (a.src < 0 && a.constant < 0) continue;
        slot *s = &g->slots[dst];
        RL_PUSH(s->calls, s->ncalls, s->cap_calls, a);
        /* Targets already known take the argument now. */
        for (size_t k = 0; k < g->slots[dst].nfns; k++) bind_argument(g, g->slots[dst].fns[k], &a);
    }
}

static void solve(rl_callgraph *g)
{
    while (g->nwork > 0) {
        uint64_t w = g->work[--g->nwork];
        int s = (int)(w >> 32), fn = (int)(uint32_t)w;
        for (size_t i = 0; i < g->slots[s].nsucc; i++) add_fn(g, g->slots[s].succ[i], fn);
        for (size_t i = 0; i < g->slots[s].ncalls; i++) {
            call_arg a = g->slots[s].calls[i]; /* copy: binding may grow slots */
            bind_argument(g, fn, &a);
        }
    }
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The field name of a field slot's name, or NULL. */
static const char *field_name(const char *slot_name)
{
    if (strncmp(slot_name, FIELD_SLOT_PREFIX, strlen(FIELD_SLOT_PREFIX)) != 0) return NULL;
    const char *mark = NULL;
    for (const char *m = strstr(slot_name, RL_FIELD_USR_MARK); m; m = strstr(m + 1, RL_FIELD_USR_MARK)) mark = m;
    return mark && mark[strlen(RL_FIELD_USR_MARK)] ? mark + strlen(RL_FIELD_USR_MARK) : NULL;
}

/* Groups the solved field slots by field name (rl_callgraph_same_name_targets). */
static void index_field_names(rl_callgraph *g)
{
    size_t nslots = g->nslots; /* interning names below adds no slot */
    for (size_t i = 0; i < nslots; i++) {
        const char *name = field_name(g->slots[i].name);
        if (!name) continue;
        for (size_t k = 0; k < g->slots[i].nfns; k++) {
            /* Only program functions: a library function is no target. */
            if (is_external(g, g->slots[i].fns[k])) continue;
            void **v = rl_ptrmap_slot(&g->by_field_name, rl_intern(g->pool, name));
            if (!*v) *v = rl_xcalloc(1, sizeof(field_fns));
            field_fns *list = *v;
            RL_PUSH(list->items, list->len, list->cap, g->slots[i].fns[k]);
        }
    }
    for (size_t i = 0; i < g->by_field_name.nslots; i++) {
        field_fns *list = g->by_field_name.keys[i] ? g->by_field_name.values[i] : NULL;
        if (!list) continue;
        qsort(list->items, list->len, sizeof *list->items, cmp_int);
        size_t kept = 0;
        for (size_t k = 0; k < list->len; k++)
            if (kept == 0 || list->items[kept - 1] != list->items[k]) list->items[kept++] = list->items[k];
        list->len = kept;
    }
}

rl_callgraph *rl_callgraph_build(const rl_program *p, const rl_unit_facts *const *units, size_t nunits)
{
    rl_callgraph *g = rl_xcalloc(1, sizeof *g);
    g->p = p;
    g->pool = rl_strpool_new();
    for (size_t u = 0; u < nunits; u++)
        if (units[u]) load_flows(g, units[u]);
    solve(g);
    index_field_names(g);
    return g;
}

const int *rl_callgraph_same_name_targets(const rl_callgraph *g, const char *slot_name, size_t *n)
{
    *n = 0;
    const char *name = g && slot_name ? field_name(slot_name) : NULL;
    const char *key = name ? rl_strpool_find(g->pool, name) : NULL;
    const field_fns *list = key ? rl_ptrmap_get(&g->by_field_name, key) : NULL;
    if (!list) return NULL;
    *n = list->len;
    return list->items;
}

/* Every function the slot may hold, program functions first (ascending)
 * then externals; NULL and *n = 0 for none or an unknown slot. */
static const int *slot_functions(const rl_callgraph *g, const char *name, size_t *n)
{
    *n = 0;
    if (!g || !name) return NULL;
    /* A query must not grow the pool: look the name up without adding. */
    const char *key = rl_strpool_find(g->pool, name);
    void *v = key ? rl_ptrmap_get(&g->index, key) : NULL;
    if (!v) return NULL;
    /* The sorted copy is a cache built on first query: the one member a
     * query writes. */
    slot *s = (slot *)&g->slots[(intptr_t)v - 1];
    if (s->nfns == 0) return NULL;
    if (!s->sorted) {
        s->sorted = rl_xmalloc(s->nfns * sizeof *s->sorted);
        memcpy(s->sorted, s->fns, s->nfns * sizeof *s->sorted);
        qsort(s->sorted, s->nfns, sizeof *s->sorted, cmp_int);
    }
    *n = s->nfns;
    return s->sorted;
}

const int *rl_callgraph_targets(const rl_callgraph *g, const char *name, size_t *n)
{
    size_t all;
    const int *fns = slot_functions(g, name, &all);
    *n = 0;
    while (*n < all && !is_external(g, fns[*n])) ++*n;
    return *n ? fns : NULL;
}

/* Whether fn is the external standing for null (constant_of). */
static int is_null(const rl_callgraph *g, int fn)
{
    return is_external(g, fn) && !g->externals[(size_t)fn - g->p->nfns][0];
}

size_t rl_callgraph_externals(const rl_callgraph *g, const char *name, const char **out, size_t max)
{
    size_t all, k = 0;
    const int *fns = slot_functions(g, name, &all);
    for (size_t i = 0; i < all; i++) {
        if (!is_external(g, fns[i]) || is_null(g, fns[i])) continue;
        if (k < max) out[k] = g->externals[(size_t)fns[i] - g->p->nfns];
        k++;
    }
    return k;
}

int rl_callgraph_holds_null(const rl_callgraph *g, const char *name)
{
    size_t all;
    const int *fns = slot_functions(g, name, &all);
    for (size_t i = 0; i < all; i++)
        if (is_null(g, fns[i])) return 1;
    return 0;
}

int rl_callgraph_handed_in(const rl_callgraph *g, const char *name, int (*called)(void *ctx, const char *fn_usr),
                           void *ctx)
{
    const char *key = g && name ? rl_strpool_find(g->pool, name) : NULL;
    void *v = key ? rl_ptrmap_get(&g->index, key) : NULL;
    if (!v) return 0;
    /* Backwards from the slot, a depth-first walk over copy edges, to the
     * slots nothing flows into. */
    uint8_t *seen = rl_xcalloc(g->nslots, 1);
    int *stack = rl_xmalloc(g->nslots * sizeof *stack);
    size_t top = 0;
    int from_outside = 1, sources = 0;
    stack[top++] = (int)((intptr_t)v - 1);
    seen[stack[0]] = 1;
    size_t prefix = strlen(PARAM_SLOT_PREFIX);
    while (top > 0 && from_outside) {
        const slot *sl = &g->slots[stack[--top]];
        if (sl->seeded) from_outside = 0; /* a function is put here */
        for (size_t i = 0; i < sl->npred; i++)
            if (!seen[sl->pred[i]]) {
                seen[sl->pred[i]] = 1;
                stack[top++] = sl->pred[i];
            }
        if (sl->npred || !from_outside) continue;
        /* A source: a parameter, of a function nothing in the program
         * calls, or anything else (a slot the frontend could not trace). */
        const char *hash = strrchr(sl->name, '#');
        if (strncmp(sl->name, PARAM_SLOT_PREFIX, prefix) != 0 || !hash) {
            from_outside = 0;
            continue;
        }
        char *usr = rl_xstrndup(sl->name + prefix, (size_t)(hash - sl->name) - prefix);
        if (called(ctx, usr)) from_outside = 0;
        free(usr);
        sources++;
    }
    free(seen);
    free(stack);
    return from_outside && sources > 0;
}

int rl_callgraph_param_sources(const rl_callgraph *g, const char *name, const char *fn_usr, int nparams, uint32_t *params)
{
    *params = 0;
    const char *key = g && name ? rl_strpool_find(g->pool, name) : NULL;
    void *v = key ? rl_ptrmap_get(&g->index, key) : NULL;
    if (!v || nparams <= 0) return 0;
    /* The function's own parameter slots, where the walk stops. */
    int own[RL_CALLGRAPH_MAX_PARAMS];
    int nown = nparams < RL_CALLGRAPH_MAX_PARAMS ? nparams : RL_CALLGRAPH_MAX_PARAMS;
    for (int k = 0; k < nown; k++) {
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_printf(&sb, PARAM_SLOT_FMT, fn_usr, k);
        const char *pk = rl_strpool_find(g->pool, rl_sb_str(&sb));
        rl_sb_free(&sb);
        void *pv = pk ? rl_ptrmap_get(&g->index, pk) : NULL;
        own[k] = pv ? (int)((intptr_t)pv - 1) : -1;
    }
    /* Backwards from the slot, a depth-first walk over copy edges. */
    uint8_t *seen = rl_xcalloc(g->nslots, 1);
    int *stack = rl_xmalloc(g->nslots * sizeof *stack);
    size_t top = 0;
    int only = 1;
    stack[top++] = (int)((intptr_t)v - 1);
    seen[stack[0]] = 1;
    while (top > 0 && only) {
        int s = stack[--top];
        int param = -1;
        for (int k = 0; k < nown && param < 0; k++)
            if (own[k] == s) param = k;
        if (param >= 0) {
            *params |= 1u << param;
            continue;
        }
        const slot *sl = &g->slots[s];
        /* A constant put here is another source. */
        if (sl->seeded) only = 0;
        for (size_t i = 0; i < sl->npred; i++)
            if (!seen[sl->pred[i]]) {
                seen[sl->pred[i]] = 1;
                stack[top++] = sl->pred[i];
            }
    }
    free(seen);
    free(stack);
    if (!only) *params = 0;
    return only && *params != 0;
}

size_t rl_callgraph_slots(const rl_callgraph *g)
{
    return g ? g->nslots : 0;
}

void rl_callgraph_free(rl_callgraph *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->nslots; i++) {
        slot *s = &g->slots[i];
        free(s->succ);
        free(s->pred);
        free(s->fns);
        free(s->calls);
        free(s->sorted);
        rl_u64set_free(&s->has);
    }
    free(g->slots);
    free(g->work);
    free(g->externals);
    rl_ptrmap_free(&g->external_index);
    rl_u64set_free(&g->edges);
    for (size_t i = 0; i < g->by_field_name.nslots; i++) {
        field_fns *list = g->by_field_name.keys[i] ? g->by_field_name.values[i] : NULL;
        if (!list) continue;
        free(list->items);
        free(list);
    }
    rl_ptrmap_free(&g->by_field_name);
    rl_ptrmap_free(&g->index);
    rl_strpool_free(g->pool);
    free(g);
}
