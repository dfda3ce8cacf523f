/* Null tests of an object's member, and tests of its bits under a mask,
 * decided by what the program stores there (member_tests.h): the stores
 * into every tested member are summed up per object (member_values),
 * each context's tests decided from them, and the contexts no live call
 * reaches marked dead.
 *
 * Invariants: as member_tests.h. Also: a member is "tested" by its text
 * after the parameter's deref (".conn" of "P0*.conn"); only stores whose
 * place ends so are classified, so that a program without such tests
 * pays one scan of its functions. */
#include "member_tests.h"
#include "field_values.h"
#include "known.h"
#include "place.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the stores into one object's member were: the bits some store
 * may set (a constant stored, or or-ed in: `c->flags |= F`; a null
 * pointer or `&=` sets none), and whether any store was made and any
 * stored a value not known. Kept per object in rl_ptrmaps, allocated
 * (values_slot), freed with the map (free_values). */
typedef struct member_values {
    uint64_t bits;
    uint8_t stored, other;
} member_values;

/* The values kept for key in map, made empty when absent. */
static member_values *values_slot(rl_ptrmap *map, const char *key)
{
    void **slot = rl_ptrmap_slot(map, key);
    if (!*slot) *slot = rl_xcalloc(1, sizeof(member_values));
    return *slot;
}

static void merge_values(member_values *into, const member_values *v)
{
    into->bits |= v->bits;
    into->stored |= v->stored;
    into->other |= v->other;
}

static void free_values(rl_ptrmap *map)
{
    for (size_t i = 0; i < map->nslots; i++)
        if (map->keys[i]) free(map->values[i]);
    rl_ptrmap_free(map);
}

void tm_note_call_edge(rl_model *m, int parent, int32_t call, int child)
{
    if (parent < 0) return;
    RL_PUSH(m->call_edges, m->ncall_edges, m->cap_call_edges, ((tm_call_edge){parent, call, child}));
}

/* Whether IF node n tests a member read through a parameter against 0,
 * or its bits under a mask (facts.h: text "P<n>*.f", display "0" or
 * RL_IF_MASK_TEST "M"). */
static int is_member_test(const rl_node *n)
{
    return n->kind == RL_N_IF && (n->flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE)) && rl_text_is_member_test(n->text);
}

/* The bits IF member test n looks at: its mask, or every bit for a test
 * against 0. */
static uint64_t tested_bits(const rl_node *n)
{
    long long mask = 0;
    return rl_prefixed_int(n->display, RL_IF_MASK_TEST, &mask) ? (uint64_t)mask : ~(uint64_t)0;
}

/* The member part of a place: what follows its last deref, or its root
 * (".conn" of "P0*.conn", of "H12_3.conn"); "" when none. */
static const char *member_part(const char *place)
{
    const char *star = strrchr(place, '*');
    const char *rest = star ? star + 1 : place + rl_place_root_len(place);
    return rest[0] == '.' ? rest : "";
}


/* Whether every call that entered context ci passed the null pointer
 * constant for parameter `param` (a parameter no test of the callee's
 * made a fact of its context: `c->conn = conn;` alone). */
static int callers_pass_null(const rl_model *m, const tm_callers *callers, size_t ci, int param)
{
    size_t from = callers->first[ci], to = callers->first[ci + 1];
    for (size_t k = from; k < to; k++) {
        const tm_call_edge *e = &m->call_edges[callers->into[k]];
        const rl_node *call = &m->program->fns[m->ctxs[e->parent].fn].fn->nodes[e->call];
        if (param >= call->nargs || !call->args[param] || strcmp(call->args[param], RL_NULL_STORE) != 0) return 0;
    }
    return from < to;
}

/* Whether value v, stored by context ci, is a null pointer: the constant
 * (RL_NULL_STORE) or a parameter of ci's that its callers passed NULL
 * for (a fact of its key: known.h; or what every call passed). */
static int stores_null(const rl_model *m, const tm_callers *callers, size_t ci, const char *v)
{
    if (strcmp(v, RL_NULL_STORE) == 0) return 1;
    if (v[0] != 'P') return 0;
    const rl_ctx *c = &m->ctxs[ci];
    for (int i = 0; c->known && i < c->known->n; i++) {
        const rl_known_fact *f = &c->known->e[i];
        if (f->eq && f->value == 0 && f->place && strcmp(f->place, v) == 0) return 1;
    }
    int param = -1;
    return rl_place_root(v, &param) == RL_ROOT_PARAM && !v[rl_place_root_len(v)] &&
           callers_pass_null(m, callers, ci, param);
}

/* Whether every call that entered context ci passed an integer constant
 * for parameter `param` (`c->flags = flags;` in a constructor called
 * `client_new(-1, F_FAKE)`), the bits of each or-ed into *bits. */
static int callers_pass_constants(const rl_model *m, const tm_callers *callers, size_t ci, int param, uint64_t *bits)
{
    size_t from = callers->first[ci], to = callers->first[ci + 1];
    uint64_t all = 0;
    for (size_t k = from; k < to; k++) {
        const tm_call_edge *e = &m->call_edges[callers->into[k]];
        const rl_node *call = &m->program->fns[m->ctxs[e->parent].fn].fn->nodes[e->call];
        long long value = 0;
        if (param >= call->nargs || !rl_int_constant_arg(call->args[param], &value)) return 0;
        all |= (uint64_t)value;
    }
    *bits |= all;
    return from < to;
}

/* Whether value v, stored by context ci, is a constant, and the bits it
 * may set in *bits: a null pointer (stores_null), an integer constant
 * (facts.h: "#=K" stored, "#|K" or-ed in, "#&K" masked, which sets
 * none), or an integer parameter of ci's ("#P<n>") its callers passed a
 * constant for (a fact of its key, known.h, or what every call passed). */
static int stored_constant(const rl_model *m, const tm_callers *callers, size_t ci, const char *v, uint64_t *bits)
{
    if (stores_null(m, callers, ci, v)) return 1;
    int param = -1, used = 0;
    if (sscanf(v, RL_INSTANCE_TEST "%d%n", &param, &used) == 1 && !v[used] && param >= 0) {
        /* an integer parameter stored (`c->flags = flags`) */
        const rl_ctx *c = &m->ctxs[ci];
        for (int i = 0; c->known && i < c->known->n; i++) {
            const rl_known_fact *f = &c->known->e[i];
            if (f->eq && f->place && rl_known_param_of(f->place) == param) {
                *bits |= (uint64_t)f->value;
                return 1;
            }
        }
        return callers_pass_constants(m, callers, ci, param, bits);
    }
    long long k = 0;
    if (rl_int_constant_arg(v, &k) || rl_prefixed_int(v, RL_OR_CONSTANT_STORE, &k)) {
        *bits |= (uint64_t)k;
        return 1;
    }
    return rl_prefixed_int(v, RL_AND_CONSTANT_STORE, &k);
}

/* The objects' member a context's place names, keyed as stores.c keys
 * the pointers stored there, into out[RL_MAX_CHOICES]: one, or each of a
 * choice's (`c = lua ? script_client : module_client`); 0 when one is not
 * named. */
static size_t member_objects(rl_model *m, const frame_env *env, const char *text, const char **out)
{
    const char *alts[RL_MAX_CHOICES];
    size_t n = rl_place_alternatives(m->program->pool, tm_resolve(m, env, text, NULL), alts);
    for (size_t k = 0; k < n; k++) {
        if (!alts[k][0] || alts[k][0] == '{') return 0;
        int unused = 0;
        out[k] = tm_follow_stores(m, alts[k], 0, &unused);
    }
    return n;
}

/* member_objects for a parameter bound to a member's object tag
 * (field_values.h: an object known only for its member tests), with the
 * parameter bound to that object. */
static size_t member_objects_of_tag(rl_model *m, const frame_env *env, const char *text, const char **out)
{
    int param = -1;
    if (rl_place_root(text, &param) != RL_ROOT_PARAM || param < 0 || param >= env->nbind || param >= MAX_PARAMS)
        return 0;
    const char *object = tm_member_tag_object(m, env->bind[param]);
    if (!object) return 0;
    const char *bind[MAX_PARAMS] = {0};
    for (int i = 0; i < env->nbind && i < MAX_PARAMS; i++) bind[i] = env->bind[i];
    bind[param] = object;
    frame_env with = *env;
    with.bind = bind;
    return member_objects(m, &with, text, out);
}

/* The key of what context ci stored at `place` (classify_stores). */
static const char *ctx_key(rl_strpool *pool, size_t ci, const char *place, int make)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append_int(&sb, (long long)ci);
    rl_sb_appendc(&sb, '|');
    rl_sb_append(&sb, place);
    const char *k = make ? rl_intern(pool, rl_sb_str(&sb)) : rl_strpool_find(pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return k;
}

/* The writes of each function into a tested member (node indices, -1
 * ended; NULL for none), found once per function, not per context. */
static int32_t **tested_writes(rl_model *m, const rl_ptrmap *tested)
{
    rl_program *p = m->program;
    int32_t **out = rl_xcalloc(p->nfns + 1, sizeof *out);
    for (size_t fi = 0; fi < p->nfns; fi++) {
        const rl_function *f = p->fns[fi].fn;
        size_t n = 0, cap = 0;
        int32_t *list = NULL;
        for (int32_t i = 0; f && i < f->nnodes; i++) {
            const rl_node *nd = &f->nodes[i];
            if (nd->kind != RL_N_ACCESS || !(nd->flags & RL_ACC_WRITE) || !nd->text) continue;
            const char *member = rl_strpool_find(p->pool, member_part(nd->text));
            if (member && rl_ptrmap_get(tested, member)) RL_PUSH(list, n, cap, i);
        }
        if (list) RL_PUSH(list, n, cap, -1);
        out[fi] = list;
    }
    return out;
}

/* Classifies every live store into a tested member, by object (stored)
 * and by context and object (by_ctx: an allocator wrapper names the
 * objects of all its calls in one thread alike, and only the context a
 * call entered says what that call's object got). */
static void classify_stores(rl_model *m, const tm_callers *callers, const rl_ptrmap *tested, rl_ptrmap *stored,
                            rl_ptrmap *by_ctx)
{
    rl_strpool *pool = m->program->pool;
    int32_t **writes = tested_writes(m, tested);
    for (size_t ci = 0; ci < m->nctxs; ci++) {
        const rl_ctx *c = &m->ctxs[ci];
        const rl_function *f = m->program->fns[c->fn].fn;
        frame_env env = tm_ctx_env(c);
        for (const int32_t *w = writes[c->fn]; w && *w >= 0; w++) {
            int32_t i = *w;
            const rl_node *n = &f->nodes[i];
            if (c->dead && c->dead[i]) continue;
            member_values kind = {0, 1, 0};
            if (!(n->nargs == 1 && n->args[0] && stored_constant(m, callers, ci, n->args[0], &kind.bits))) kind.other = 1;
            const char *alts[RL_MAX_CHOICES];
            size_t nalts = rl_place_alternatives(pool, tm_resolve(m, &env, n->text, NULL), alts);
            for (size_t k = 0; k < nalts; k++) {
                int unused = 0;
                const char *object = tm_follow_stores(m, alts[k], 0, &unused);
                merge_values(values_slot(stored, object), &kind);
                merge_values(values_slot(by_ctx, ctx_key(pool, ci, object, 1)), &kind);
            }
        }
    }
    for (size_t fi = 0; fi < m->program->nfns; fi++) free(writes[fi]);
    free(writes);
}

/* Items 0..n-1 grouped by key_of[item] < ngroups (a counting sort):
 * group g's items are order[start[g] .. start[g + 1]), in item order.
 * The caller frees both arrays. */
static void group_items(size_t n, const size_t *key_of, size_t ngroups, size_t **start, size_t **order)
{
    size_t *s = rl_xcalloc(ngroups + 2, sizeof *s);
    for (size_t i = 0; i < n; i++) s[key_of[i] + 1]++;
    for (size_t g = 0; g < ngroups; g++) s[g + 1] += s[g];
    size_t *next = rl_xmalloc((ngroups + 1) * sizeof *next);
    memcpy(next, s, (ngroups + 1) * sizeof *next);
    size_t *o = rl_xmalloc((n + 1) * sizeof *o);
    for (size_t i = 0; i < n; i++) o[next[key_of[i]]++] = i;
    free(next);
    *start = s;
    *order = o;
}

/* The call edges grouped by the call's site ("fn|line|col", interned),
 * so that an object's makers are found without a scan of every edge
 * (redis: thousands of tests of a client's members). */
typedef struct edge_index {
    rl_ptrmap group; /* site -> 1 + its group */
    size_t *start;   /* group g's edges are order[start[g] .. start[g + 1]) */
    size_t *order;
} edge_index;

static const char *site_key(rl_strpool *pool, int fn, unsigned line, unsigned col, int make)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%d|%u|%u", fn, line, col);
    const char *k = make ? rl_intern(pool, rl_sb_str(&sb)) : rl_strpool_find(pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return k;
}

static void index_edges(rl_model *m, edge_index *x)
{
    size_t n = m->ncall_edges, groups = 0;
    size_t *group_of = rl_xmalloc((n + 1) * sizeof *group_of);
    x->group = (rl_ptrmap)RL_PTRMAP_INIT;
    for (size_t e = 0; e < n; e++) {
        const tm_call_edge *edge = &m->call_edges[e];
        const rl_ctx *p = &m->ctxs[edge->parent];
        const rl_node *call = &m->program->fns[p->fn].fn->nodes[edge->call];
        void **slot = rl_ptrmap_slot(&x->group, site_key(m->program->pool, p->fn, call->loc.line, call->loc.col, 1));
        if (!*slot) *slot = (void *)(uintptr_t)++groups;
        group_of[e] = (uintptr_t)*slot - 1;
    }
    group_items(n, group_of, groups, &x->start, &x->order);
    free(group_of);
}

static void free_edge_index(edge_index *x)
{
    rl_ptrmap_free(&x->group);
    free(x->start);
    free(x->order);
}

/* Whether heap object `object` ("tN:FN:H<l>_<c>", the root alone) is
 * allocated zeroed (facts.h, rl_function.zeroed): every member holds 0
 * until a store. */
static int allocated_zeroed(const rl_model *m, const char *object)
{
    unsigned line, col;
    int fn = tm_heap_object_fn(m, object, &line, &col);
    if (fn < 0) return 0;
    const rl_function *f = m->program->fns[fn].fn;
    char site[48];
    snprintf(site, sizeof site, "H%u_%u", line, col);
    for (int32_t k = 0; k < f->nzeroed; k++)
        if (strcmp(f->zeroed[k], site) == 0) return 1;
    return 0;
}

/* What the stores into member `place` of an object say, into *out: the
 * stores by its name; and when the object is what a call of an allocator
 * wrapper made (`obj_create(NULL)`: named by the call site in the
 * caller, by its own site in the wrapper), those the contexts that call
 * entered made at the wrapper's name (never those of the wrapper's other
 * calls). A wrapper's object whose making context is not found says a
 * value not known. */
static void member_stores(rl_model *m, const rl_ptrmap *stored, const rl_ptrmap *by_ctx, const edge_index *x,
                          const char *place, member_values *out)
{
    rl_strpool *pool = m->program->pool;
    const member_values *own = rl_ptrmap_get(stored, place);
    if (own) merge_values(out, own);
    size_t frame_len = 0;
    unsigned line, col;
    size_t root = rl_place_heap_site(place, &frame_len, &line, &col);
    if (!root) return;
    char *outer = rl_xstrndup(place, root);
    const char *inner = tm_wrapper_inner(m, rl_intern(pool, outer));
    int fn = inner ? tm_heap_object_fn(m, outer, &line, &col) : -1;
    int thread = -1;
    /* made zeroed (calloc), itself or by the wrapper: 0 stored at first */
    if (allocated_zeroed(m, outer) || (inner && allocated_zeroed(m, inner))) out->stored = 1;
    free(outer);
    if (!inner) return;
    if (fn < 0 || sscanf(place, "t%d:", &thread) != 1) {
        out->other = 1;
        return;
    }
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, inner);
    rl_sb_append(&sb, place + root);
    const char *inner_place = rl_strpool_find(pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    int makers = 0;
    const char *site = site_key(pool, fn, line, col, 0);
    size_t g = site ? (uintptr_t)rl_ptrmap_get(&x->group, site) : 0;
    for (size_t j = g ? x->start[g - 1] : 0; g && j < x->start[g]; j++) {
        const tm_call_edge *edge = &m->call_edges[x->order[j]];
        if (m->ctxs[edge->parent].thread != thread) continue;
        makers++;
        const char *k = inner_place ? ctx_key(pool, (size_t)edge->child, inner_place, 0) : NULL;
        const member_values *v = k ? rl_ptrmap_get(by_ctx, k) : NULL;
        if (v) merge_values(out, v);
    }
    if (!makers) out->other = 1;
}

/* What the stores into member `place` of an object say (member_stores
 * and the pointers stored there), remembered per object in answers: a
 * client's member is tested in many contexts. */
static const member_values *member_answer(rl_model *m, rl_ptrmap *answers, const rl_ptrmap *stored,
                                          const rl_ptrmap *by_ctx, const edge_index *x, const char *place)
{
    const member_values *kept = rl_ptrmap_get(answers, place);
    if (kept) return kept;
    member_values *v = values_slot(answers, place);
    member_stores(m, stored, by_ctx, x, place, v);
    if (rl_ptrmap_get(&m->stored, place)) v->other = 1;
    return v;
}

/* Whether the bits `mask` of the member tested are 0 in each object
 * named[0..n) may be (every bit for a test against 0: the member is
 * null): each of a choice's alternatives, and through the points-to sets
 * each object an alternative leads to, had only constants stored there
 * that leave those bits clear, at least one. When the sets do not tell,
 * the stores keyed by the path itself answer for a single pointer, as
 * before, but not for a choice's alternative (a path whose objects
 * other paths may name). 0 for no object at all. */
static int tested_bits_clear(rl_model *m, rl_ptrmap *answers, const rl_ptrmap *stored, const rl_ptrmap *by_ctx,
                             const edge_index *x, const char *const *named, size_t n, uint64_t mask)
{
    for (size_t a = 0; a < n; a++) {
        const char *objects[TM_MAX_STORED_OBJECTS];
        int through = strchr(named[a], '*') != NULL;
        size_t nobjects = through ? tm_stored_objects(m, named[a], objects) : 0;
        if (!nobjects && through && n > 1) return 0;
        if (!nobjects) objects[nobjects++] = named[a];
        member_values all = {0, 0, 0};
        for (size_t k = 0; k < nobjects; k++) merge_values(&all, member_answer(m, answers, stored, by_ctx, x, objects[k]));
        if (!all.stored || all.other || (all.bits & mask)) return 0;
    }
    return n > 0;
}

/* c's dead map, made its own (a copy of what known.h decided) on first
 * change. */
static uint8_t *own_dead_map(rl_model *m, rl_ctx *c, uint8_t **made)
{
    if (*made) return *made;
    const rl_function *f = m->program->fns[c->fn].fn;
    uint8_t *d = rl_xcalloc((size_t)f->nnodes + 1, 1);
    if (c->dead) memcpy(d, c->dead, (size_t)f->nnodes);
    RL_PUSH(m->decided_dead, m->ndecided_dead, m->cap_decided_dead, d);
    c->dead = d;
    *made = d;
    return d;
}

/* Marks dead, in context c, the branch of member test IF `t` its member
 * being null rules out; whether any was. */
static int decide_test(rl_model *m, rl_ctx *c, int32_t t, uint8_t **made)
{
    const rl_function *f = m->program->fns[c->fn].fn;
    const rl_node *n = &f->nodes[t];
    /* the condition holds exactly when the member equals 0 (EQ) or not */
    int holds = (n->flags & RL_IF_VALUE_EQ) != 0;
    int branch; /* 1: then dead, 2: else dead */
    if (n->api && strcmp(n->api, RL_IF_PART_AND) == 0) {
        if (holds) return 0; /* `if (c->conn == NULL && x)`: x still decides */
        branch = 1;
    } else if (n->api && strcmp(n->api, RL_IF_PART_OR) == 0) {
        if (!holds) return 0;
        branch = 2;
    } else {
        branch = holds ? 2 : 1;
    }
    int32_t child = rl_fn_child(f, t, branch);
    if (child < 0) return 0;
    uint8_t *d = own_dead_map(m, c, made);
    memset(d + child, 1, (size_t)(f->nodes[child].end - child + 1));
    return 1;
}

void tm_index_callers(const rl_model *m, tm_callers *x)
{
    size_t *child_of = rl_xmalloc((m->ncall_edges + 1) * sizeof *child_of);
    for (size_t e = 0; e < m->ncall_edges; e++) child_of[e] = (size_t)m->call_edges[e].child;
    group_items(m->ncall_edges, child_of, m->nctxs, &x->first, &x->into);
    free(child_of);
}

void tm_callers_free(tm_callers *x)
{
    free(x->first);
    free(x->into);
}

/* Marks dead every context no live call reaches from a context nothing
 * calls (a thread's entry, a finisher): reached forward, so that a cycle
 * entered only from dead code dies with it (redis's engine client: its
 * destructor's dead `moduleFireServerEvent` branch leads to a context
 * that frees another client, whose destructor calls that context again;
 * asking whether every caller is dead kept the cycle alive). */
static void kill_unreached(rl_model *m, const tm_callers *callers)
{
    size_t n = m->nctxs;
    size_t *parent_of = rl_xmalloc((m->ncall_edges + 1) * sizeof *parent_of);
    for (size_t e = 0; e < m->ncall_edges; e++) parent_of[e] = (size_t)m->call_edges[e].parent;
    size_t *start, *order;
    group_items(m->ncall_edges, parent_of, n, &start, &order);
    free(parent_of);
    uint8_t *reached = rl_xcalloc(n + 1, 1);
    size_t *via = rl_xmalloc((n + 1) * sizeof *via); /* the edge each was first reached by */
    size_t *queue = rl_xmalloc((n + 1) * sizeof *queue), head = 0, tail = 0;
    for (size_t ci = 0; ci < n; ci++)
        if (callers->first[ci] == callers->first[ci + 1]) reached[ci] = 1, queue[tail++] = ci;
    while (head < tail) {
        size_t ci = queue[head++];
        const rl_ctx *c = &m->ctxs[ci];
        for (size_t k = start[ci]; k < start[ci + 1]; k++) {
            const tm_call_edge *e = &m->call_edges[order[k]];
            if ((c->dead && c->dead[e->call]) || reached[e->child]) continue;
            reached[e->child] = 1;
            via[e->child] = order[k];
            queue[tail++] = (size_t)e->child;
        }
    }
    /* A finding's chain follows each context's first caller; where that
     * call is dead, or one of the chain's, it shows the live call the
     * search reached the context by (a breadth-first tree, so the chain
     * still ends at an entry). Contexts are made after their first
     * caller, so in index order each first caller is judged before. */
    uint8_t *chain_live = rl_xcalloc(n + 1, 1);
    for (size_t ci = 0; ci < n; ci++) {
        rl_ctx *c = &m->ctxs[ci];
        if (!reached[ci]) continue;
        int p = c->parent_ctx;
        chain_live[ci] = p < 0 || ((size_t)p < ci && chain_live[p] && !(m->ctxs[p].dead && m->ctxs[p].dead[c->call_node]));
        if (chain_live[ci] || p < 0) continue;
        const tm_call_edge *e = &m->call_edges[via[ci]];
        c->shown_parent = e->parent;
        c->shown_call = e->call;
    }
    free(chain_live);
    free(via);
    for (size_t ci = 0; ci < n; ci++) {
        if (reached[ci]) continue;
        rl_ctx *c = &m->ctxs[ci];
        uint8_t *made = NULL;
        uint8_t *d = own_dead_map(m, c, &made);
        memset(d, 1, (size_t)m->program->fns[c->fn].fn->nnodes);
    }
    free(queue);
    free(reached);
    free(start);
    free(order);
}

void tm_decide_member_tests(rl_model *m)
{
    rl_program *p = m->program;
    rl_ptrmap tested = RL_PTRMAP_INIT;
    uint8_t *has_tests = rl_xcalloc(p->nfns + 1, 1);
    for (size_t fi = 0; fi < p->nfns; fi++) {
        const rl_function *f = p->fns[fi].fn;
        for (int32_t i = 0; f && i < f->nnodes; i++)
            if (is_member_test(&f->nodes[i])) {
                has_tests[fi] = 1;
                rl_ptrmap_put(&tested, rl_intern(p->pool, member_part(f->nodes[i].text)), (void *)1);
            }
    }
    if (tested.count) {
        rl_ptrmap stored = RL_PTRMAP_INIT, by_ctx = RL_PTRMAP_INIT, answers = RL_PTRMAP_INIT;
        tm_callers callers;
        tm_index_callers(m, &callers);
        classify_stores(m, &callers, &tested, &stored, &by_ctx);
        edge_index edges;
        index_edges(m, &edges);
        int decided = 0;
        for (size_t ci = 0; ci < m->nctxs; ci++) {
            rl_ctx *c = &m->ctxs[ci];
            if (!has_tests[c->fn]) continue;
            const rl_function *f = p->fns[c->fn].fn;
            frame_env env = tm_ctx_env(c);
            uint8_t *made = NULL;
            for (int32_t i = 0; i < f->nnodes; i++) {
                if (!is_member_test(&f->nodes[i]) || (c->dead && c->dead[i])) continue;
                const char *named[RL_MAX_CHOICES];
                size_t nnamed = member_objects(m, &env, f->nodes[i].text, named);
                if (!nnamed) nnamed = member_objects_of_tag(m, &env, f->nodes[i].text, named);
                if (tested_bits_clear(m, &answers, &stored, &by_ctx, &edges, named, nnamed, tested_bits(&f->nodes[i])))
                    decided |= decide_test(m, c, i, &made);
            }
        }
        if (decided) kill_unreached(m, &callers);
        tm_callers_free(&callers);
        free_edge_index(&edges);
        free_values(&answers);
        free_values(&stored);
        free_values(&by_ctx);
    }
    free(has_tests);
    rl_ptrmap_free(&tested);
}

size_t rl_model_ctx_calls(const rl_model *m, int ctx, int *parents, int32_t *nodes, size_t max)
{
    size_t n = 0;
    for (size_t e = 0; e < m->ncall_edges; e++) {
        const tm_call_edge *edge = &m->call_edges[e];
        if (edge->child != ctx) continue;
        if (n < max) parents[n] = edge->parent, nodes[n] = edge->call;
        n++;
    }
    return n;
}

void tm_member_tests_free(rl_model *m)
{
    for (size_t i = 0; i < m->ndecided_dead; i++) free(m->decided_dead[i]);
    free(m->decided_dead);
    free(m->call_edges);
}
