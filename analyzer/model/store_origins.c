/* Where the stored pointers came from (threads_internal.h,
 * tm_note_store_origins): two things a store's value does not say, read
 * from the context and the node that made it.
 *
 * - An object made in a loop is made anew each round, so a container
 *   given one has its own (stores.c, made_per_container). Not when the
 *   store runs more often than the allocation: a call in a loop nested in
 *   the allocating one (`ev = malloc(..); for (i...) push(&q[i], ev);`:
 *   one event, broadcast to every queue), or a loop around the store, or
 *   around any call on the way from the allocating function, that does
 *   not also hold the allocation. Such a store is "repeated".
 * - A pointer read by a pop (a moved index, held under a lock:
 *   RL_READ_POPPED) is taken off the shared array; stored at once into a
 *   container (`tc->c[tc->n++] = pool[--avail]`: a thread's own cache),
 *   it is that container's own, as an address made per container is.
 *   Such a store is "taken" when every store of that value there is one.
 * - An object a function makes on each call and stores, through a
 *   parameter, into the container its caller handed it (a list's push:
 *   `n = malloc(..); l->tail->next = n; l->tail = n;`, or in a helper it
 *   hands both to) is that container's own, as one made in a loop round
 *   is: every call makes another. Not when the store may run more often
 *   than the allocation (a loop around it that does not hold the
 *   allocation), and not when the container is the function's own
 *   object rather than one handed in. Such a store is "linked" when
 *   every store of that value there is one. The function storing one
 *   object into two containers it was handed, in one call, is not told
 *   apart (as a constructor's object registered twice is not, stores.c).
 *
 * Invariants:
 *  1. Runs once, after tm_collect_stores (every context known, every
 *     store recorded) and before any access is named; it bumps
 *     stores_generation, so that no answer of tm_follow_stores from
 *     before is reused.
 *  2. Stores are keyed as record_store keys them (stores.c: the place
 *     followed as far as stores lead, and the value, both interned).
 *  3. A value handed in from callers is followed up the call edges at
 *     most MAX_HANDED_UP calls: past that, or on reaching no context of
 *     the allocating function, the store is not called repeated (the
 *     cautious answer of made_per_container is the one before this). */
#include "threads_internal.h"
#include "discovery.h"
#include "flow.h"
#include "member_tests.h"
#include "place.h"
#include "../util/mem.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* How many calls up a value handed in is followed (invariant 3). */
#define MAX_HANDED_UP 8

/* Whether node `node` of context ctx (a store, or a call leading to
 * one) may run more than once for one run of the allocation of an object
 * made by function alloc_fn inside its loop alloc_loop: a loop around it
 * that does not hold the allocation, in the allocating function or on
 * the way to it. */
static int handed_repeatedly(const rl_model *m, const tm_callers *x, int ctx, int32_t node, int alloc_fn,
                             int32_t alloc_loop, int depth)
{
    const rl_ctx *c = &m->ctxs[ctx];
    const rl_function *f = fn_of(m, c->fn);
    int32_t loop = tm_innermost_loop(f, node);
    if (c->fn == alloc_fn) return loop >= 0 && !tm_in_subtree(f, loop, alloc_loop);
    if (loop >= 0) return 1;
    for (size_t k = x->first[ctx]; depth > 0 && k < x->first[ctx + 1]; k++) {
        const tm_call_edge *e = &m->call_edges[x->into[k]];
        if (e->parent >= 0 && handed_repeatedly(m, x, e->parent, e->call, alloc_fn, alloc_loop, depth - 1)) return 1;
    }
    return 0;
}

/* Whether a context of alloc_fn, ctx itself or one calling it (at most
 * depth calls up), was handed `container` as one of its parameters: a
 * store through a parameter bound to it then stores into the container
 * the allocating function's caller gave it. */
static int handed_to_maker(const rl_model *m, const tm_callers *x, int ctx, const char *container, int alloc_fn,
                           int depth)
{
    const rl_ctx *c = &m->ctxs[ctx];
    if (c->fn == alloc_fn) {
        for (int k = 0; k < c->nbind; k++)
            if (c->bind[k] == container) return 1;
        return 0;
    }
    for (size_t k = x->first[ctx]; depth > 0 && k < x->first[ctx + 1]; k++) {
        const tm_call_edge *e = &m->call_edges[x->into[k]];
        if (e->parent >= 0 && handed_to_maker(m, x, e->parent, container, alloc_fn, depth - 1)) return 1;
    }
    return 0;
}

/* Whether store node `node` of context ctx links heap object `value`
 * (its address, "&tN:FN:H12_3", made by alloc_fn, not in a loop) into a
 * container the maker was handed (see the head of the file): stored
 * through a parameter of the storing function that a context of alloc_fn
 * was handed too, once per run of the allocation. */
static int links_made_object(const rl_model *m, const tm_callers *x, int ctx, int32_t node, int alloc_fn)
{
    const rl_ctx *c = &m->ctxs[ctx];
    const rl_node *n = &fn_of(m, c->fn)->nodes[node];
    int k = -1;
    if (alloc_fn < 0 || rl_place_root(n->text, &k) != RL_ROOT_PARAM || k < 0 || k >= c->nbind || !c->bind[k] ||
        !c->bind[k][0])
        return 0;
    return handed_to_maker(m, x, ctx, c->bind[k], alloc_fn, MAX_HANDED_UP) &&
           !handed_repeatedly(m, x, ctx, node, alloc_fn, -1, MAX_HANDED_UP);
}

/* Per function: whether its body reads by a pop at all (POPS_UNKNOWN
 * until asked), so that the functions without one, most of them, are not
 * scanned again for each of their stores in each of their contexts. */
enum { POPS_UNKNOWN, POPS_NONE, POPS_SOME };

static int reads_by_pop(const rl_function *f, uint8_t *pops)
{
    if (*pops == POPS_UNKNOWN) {
        *pops = POPS_NONE;
        for (int32_t i = 0; i < f->nnodes && *pops == POPS_NONE; i++)
            if (f->nodes[i].kind == RL_N_ACCESS && f->nodes[i].api && strcmp(f->nodes[i].api, RL_READ_POPPED) == 0)
                *pops = POPS_SOME;
    }
    return *pops == POPS_SOME;
}

/* Whether store node `store` of fn stores the pointer a pop read at its
 * own statement, holding a lock (value_text in fn's terms). */
static int popped_at_store(const rl_model *m, int fn, const rl_function *f, int32_t store, const char *value_text)
{
    const rl_fn_flow *ff = &m->flow->fns[fn];
    const rl_node *s = &f->nodes[store];
    for (int32_t i = 0; ff->held && i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind == RL_N_ACCESS && (n->flags & RL_ACC_READ) && n->api && strcmp(n->api, RL_READ_POPPED) == 0 &&
            n->text && strcmp(n->text, value_text) == 0 && n->loc.line == s->loc.line && n->loc.file == s->loc.file &&
            ff->held[i] && ff->held[i]->n > 0)
            return 1;
    }
    return 0;
}

/* Whether `value` ("&tN:FN:H12_3") is the address of a heap object made
 * inside a loop; its function and loop into *fn and *loop. */
static int made_in_loop(rl_model *m, const char *value, int *fn, int32_t *loop)
{
    if (value[0] != '&') return 0;
    const char *object = rl_intern(m->program->pool, value + 1);
    /* memoized: most stored objects are made once, and finding an
     * object's function scans the program's */
    if (!tm_allocated_in_loop(m, object)) return 0;
    unsigned line, col;
    *fn = tm_heap_object_fn(m, object, &line, &col);
    if (*fn < 0) return 0;
    *loop = tm_statement_loop(fn_of(m, *fn), line, col);
    return *loop >= 0;
}

/* Values of the makers map: the function that makes a heap object, + 2
 * (0 is a slot never asked about), or NO_MAKER. */
#define NO_MAKER ((void *)1)

/* The function making heap object value ("&tN:FN:H12_3"), memoized in
 * makers (finding it scans the program's functions), or -1. */
static int maker_of(rl_model *m, rl_ptrmap *makers, const char *value)
{
    const char *object = rl_intern(m->program->pool, value + 1);
    void **slot = rl_ptrmap_slot(makers, object);
    if (!*slot) {
        unsigned line, col;
        int fn = tm_heap_object_fn(m, object, &line, &col);
        *slot = fn < 0 ? NO_MAKER : (void *)(uintptr_t)(fn + 2);
    }
    return *slot == NO_MAKER ? -1 : (int)((uintptr_t)*slot - 2);
}

/* Adds to into every store key of yes that no is without: a store
 * judged so each time it was seen. */
static void add_unanimous(rl_u64set *into, const rl_u64set *yes, const rl_u64set *no)
{
    for (size_t s = 0; s < yes->nslots; s++)
        if (yes->keys[s] && !rl_u64set_has(no, yes->keys[s])) rl_u64set_add(into, yes->keys[s]);
}

void tm_note_store_origins(rl_model *m)
{
    rl_strpool *pool = m->program->pool;
    tm_callers x;
    tm_index_callers(m, &x);
    rl_u64set taken = RL_U64SET_INIT, untaken = RL_U64SET_INIT;
    rl_u64set linked = RL_U64SET_INIT, unlinked = RL_U64SET_INIT;
    rl_ptrmap makers = RL_PTRMAP_INIT;
    uint8_t *pops = rl_xcalloc(m->program->nfns + 1, 1);
    for (size_t ci = 0; ci < m->nctxs; ci++) {
        const rl_ctx *c = &m->ctxs[ci];
        const rl_function *f = fn_of(m, c->fn);
        frame_env env = tm_ctx_env(c);
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            if (n->kind != RL_N_ACCESS || n->nargs != 1 || !(n->flags & RL_ACC_WRITE) || !n->args[0]) continue;
            if (c->dead && c->dead[i]) continue;
            const char *values[RL_MAX_CHOICES], *alts[RL_MAX_CHOICES];
            size_t nvalues = rl_place_alternatives(pool, tm_resolve(m, &env, n->args[0], NULL), values);
            size_t nalts = 0;
            int popped = -1; /* not asked yet */
            for (size_t v = 0; v < nvalues; v++) {
                if (!values[v][0]) continue;
                int alloc_fn = -1;
                int32_t alloc_loop = -1;
                int repeated = made_in_loop(m, values[v], &alloc_fn, &alloc_loop) &&
                               handed_repeatedly(m, &x, (int)ci, i, alloc_fn, alloc_loop, MAX_HANDED_UP);
                if (values[v][0] != '&' && popped < 0)
                    popped = reads_by_pop(f, &pops[c->fn]) && popped_at_store(m, c->fn, f, i, n->args[0]);
                /* an object made once per call, linked into what its maker was handed */
                int address = values[v][0] == '&' && !repeated && alloc_fn < 0;
                int links = address && links_made_object(m, &x, (int)ci, i, maker_of(m, &makers, values[v]));
                if (values[v][0] == '&' && !repeated && !address) continue; /* made in a loop: its own */
                if (!nalts) nalts = rl_place_alternatives(pool, tm_resolve(m, &env, n->text, NULL), alts);
                for (size_t k = 0; k < nalts; k++) {
                    int unused = 0;
                    uint64_t key = tm_store_key(tm_follow_stores(m, alts[k], 0, &unused), values[v]);
                    if (repeated) rl_u64set_add(&m->repeated_stores, key);
                    else if (address) rl_u64set_add(links ? &linked : &unlinked, key);
                    else rl_u64set_add(popped ? &taken : &untaken, key);
                }
            }
        }
    }
    /* taken only when every store of the value there was a pop's, linked
     * when every one linked it */
    add_unanimous(&m->taken_stores, &taken, &untaken);
    add_unanimous(&m->linked_stores, &linked, &unlinked);
    rl_u64set_free(&taken);
    rl_u64set_free(&untaken);
    rl_u64set_free(&linked);
    rl_u64set_free(&unlinked);
    rl_ptrmap_free(&makers);
    free(pops);
    tm_callers_free(&x);
    m->stores_generation++;
}

int tm_store_repeated(const rl_model *m, const char *place, const char *value)
{
    return rl_u64set_has(&m->repeated_stores, tm_store_key(place, value));
}

int tm_store_taken(const rl_model *m, const char *place, const char *value)
{
    return rl_u64set_has(&m->taken_stores, tm_store_key(place, value));
}

int tm_store_linked(const rl_model *m, const char *place, const char *value)
{
    return rl_u64set_has(&m->linked_stores, tm_store_key(place, value));
}
