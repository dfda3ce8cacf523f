/* Pointers stored in memory (threads_internal.h): the pointer values the
 * contexts store, by resolved place, so that a later load can name what
 * it points to (`ctx->seen` holding `&packets_seen`, a callback field
 * holding a function), and the naming of places and locks through them.
 * Each place keeps the one value it was given, which names what it leads
 * to, and the set of every value (stored_set.h), which judges whether a
 * place of several values still leads to an instance's own object. The
 * calls made through the functions stored are stored_callees.c's.
 *
 * Invariants:
 *  1. A place given two different values is marked ambiguous once and
 *     never followed for a name; its set keeps every value, up to
 *     RL_STORED_SET_MAX.
 *  2. Following is bounded (MAX_SPAWN_DEPTH rounds), and only the
 *     judgement of a place starting at an instance's own object
 *     (root_distinct) reads the sets: names never depend on them.
 *  3. Every change of a place's value or set bumps
 *     rl_model.stores_generation, so that a frame whose stores were
 *     recorded is recorded again only when something changed.
 *  4. The follow cache (tm_follow_cache_start) answers only at the
 *     generation its answer was made at, and keeps no answer whose
 *     making changed the generation: a hit is what following again
 *     would give. */
#include "threads_internal.h"
#include "field_values.h"
#include "place.h"
#include "resolve_memo.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdlib.h>
#include <string.h>

/* Bytes of a pointer's place tm_follow_stores copies on its stack (a
 * longer one goes to the heap). */
#define PREFIX_ON_STACK 256

/* Marks a place that was given different pointer values (tm_collect_stores). */
static const char AMBIGUOUS[] = "";

/* The stored pointer value at place, or, when none is recorded and the
 * place's root is an allocator wrapper's object, the one stored at the
 * same place of the object as the wrapper named it. *key: the place it
 * was recorded at. */
static int is_plain_place(const char *value);

/* The most places one_address_through_self visits: a list's head, the
 * next member of its one node, the heads of the lists a node moves to. */
#define MAX_SELF_PLACES 16

/* The place `rest` names in the object at `address` ("&X"): X rest,
 * interned and normalised. */
static const char *object_through(rl_strpool *pool, const char *address, const char *rest)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, address + 1);
    rl_sb_append(&sb, rest);
    const char *place = rl_place_intern_normalized(pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return place;
}

/* The one address a place of several stored values holds when every
 * other value comes down to it: pointers read back through a place of
 * the set (`head = m->next` with m read from head: a list popped; the
 * member read is that of the one object), and pointers copied from
 * another place (`m->next = head`, a list pushed; `done = m`, a node
 * filed on a second list after its pop), whose own values are copies
 * that come down to it in turn; NULL is no store. An Andersen points-to
 * set of the place holds that one object. A place reached by a copy
 * that was given an address of its own is another list (two lists whose
 * nodes one push helper allocates): that gives NULL, so that each list
 * keeps its own name (`queue_pop_early_return.c`). The places are
 * visited as a worklist, at most MAX_SELF_PLACES of them; two addresses,
 * a value not traced, an overflowed set or a place more give NULL. */
static const char *one_address_through_self(rl_model *m, const char *key)
{
    const char *places[MAX_SELF_PLACES] = {key};
    /* whether places[i] may hold the address itself: the place asked
     * about and the members of its object do; a place whose pointer is
     * only copied here may not (another list's head given its own nodes
     * from the same allocation site is another list, not this one's) */
    uint8_t holds_address[MAX_SELF_PLACES] = {1};
    size_t nplaces = 1;
    const char *address = NULL;
    /* reads through a place of the set, resolved once the address is known */
    const char *reads[MAX_SELF_PLACES];
    size_t nreads = 0;
    for (size_t p = 0; p < nplaces || nreads; p++) {
        if (p >= nplaces) {
            /* every place so far expanded: follow the reads through them */
            if (!address) return NULL;
            const char *v = reads[--nreads];
            const char *member = object_through(m->program->pool, address, v + strcspn(v, "*") + 1);
            p = nplaces - 1;
            size_t j = 0;
            while (j < nplaces && places[j] != member) j++;
            if (j < nplaces) continue;
            if (nplaces == MAX_SELF_PLACES) return NULL;
            holds_address[nplaces] = 1;
            places[nplaces++] = member;
            continue;
        }
        const char *one = rl_ptrmap_get(&m->stored, places[p]);
        const rl_stored_set *set = rl_stored_sets_get(&m->stored_sets, places[p]);
        if (!one) continue; /* nothing stored: NULL only */
        if (one == AMBIGUOUS && (!set || set->overflowed)) return NULL;
        size_t count = one == AMBIGUOUS ? set->n : 1;
        for (size_t i = 0; i < count; i++) {
            const char *v = one == AMBIGUOUS ? set->values[i] : one;
            if (v[0] == '&' && !strpbrk(v, "%{*")) {
                if (!holds_address[p] || (address && address != v)) return NULL;
                address = v;
                continue;
            }
            /* a read through a place of the set ("K*.next") */
            size_t at = strcspn(v, "*");
            int through = 0;
            for (size_t j = 0; j < nplaces && !through; j++)
                through = strlen(places[j]) == at && strncmp(v, places[j], at) == 0;
            if (through && v[at] == '*') {
                /* a member of the one object is followed; a pointer read
                 * further on (`w->next = w->loop->wq`) is taken as it is,
                 * as a list's own value (as before session 33) */
                if (strchr(v + at + 1, '*') || strpbrk(v + at + 1, "%{[")) continue;
                if (nreads == MAX_SELF_PLACES) return NULL;
                reads[nreads++] = v;
                continue;
            }
            size_t j = 0;
            while (j < nplaces && places[j] != v) j++;
            if (j < nplaces) continue; /* `m->next = head`: the place itself */
            if (!is_plain_place(v) || nplaces == MAX_SELF_PLACES) return NULL;
            holds_address[nplaces] = 0;
            places[nplaces++] = v;
        }
    }
    return address;
}

/* The place `place` names in the object an allocator wrapper made, as
 * the wrapper names it (`t0:add_raw:H12_3.v.val` for the caller's
 * `t0:add:@9_5.v.val`): interned when make, else only looked up; NULL
 * when place's root is no wrapper's object seen from its caller (or,
 * not make, the name was never interned: nothing is stored there). */
static const char *wrapper_place(rl_model *m, const char *place, int make)
{
    size_t root = rl_place_root_len(place);
    const char *outer = rl_strpool_find_n(m->program->pool, place, root);
    const char *inner = outer ? tm_wrapper_inner(m, outer) : NULL;
    if (!inner) return NULL;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, inner);
    rl_sb_append(&sb, place + root);
    const char *inner_place = make ? rl_intern(m->program->pool, rl_sb_str(&sb))
                                   : rl_strpool_find(m->program->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return inner_place;
}

static const char *stored_value(rl_model *m, const char *place, const char **key)
{
    *key = place;
    const char *value = rl_ptrmap_get(&m->stored, place);
    if (value == AMBIGUOUS) {
        const char *one = one_address_through_self(m, place);
        return one ? one : value;
    }
    if (value) return value;
    const char *inner_place = wrapper_place(m, place, 0);
    if (!inner_place) return NULL;
    *key = inner_place;
    return rl_ptrmap_get(&m->stored, inner_place);
}

/* One pointer value stored at a place; a second, different one makes the
 * place ambiguous for good (not followed for a name). Each is kept in the
 * place's points-to set. */
static void record_store(rl_model *m, const char *place, const char *value)
{
    void **slot = rl_ptrmap_slot(&m->stored, place);
    const void *was = *slot;
    if (!*slot) *slot = (void *)value;
    else if (*slot != value) *slot = (void *)AMBIGUOUS;
    int grew = rl_stored_sets_add(&m->stored_sets, place, value);
    if (*slot != was || grew) m->stores_generation++;
}

uint64_t tm_store_key(const char *place, const char *value)
{
    const uint64_t mul = 0x9e3779b97f4a7c15ULL;
    uint64_t key = ((uint64_t)(uintptr_t)place * mul) ^ (uint64_t)(uintptr_t)value;
    return key ? key : 1; /* a set key is never 0 */
}

/* Notes how a store gave an element's address `&X[]`: as a whole array
 * (`a->buf = buffer`, `ctx[i].all = d` with d from calloc) or as one
 * element (`ctx[i].mine = &d[i]`), for tm_made_per_container. */
static void note_array_store(rl_model *m, const char *place, const char *value, int whole)
{
    if (value[0] != '&' || !strstr(value, "[]")) return;
    if (whole) {
        *rl_ptrmap_slot(&m->whole_arrays, value) = (void *)1;
        rl_u64set_add(&m->whole_array_stores, tm_store_key(place, value));
    } else {
        *rl_ptrmap_slot(&m->element_values, value) = (void *)1;
    }
}

/* Whether the value found at place is a whole array: every store gave it
 * so, or, when some gave it as an element, a store at this place did. */
static int stored_whole(rl_model *m, const char *place, const char *value)
{
    if (!rl_ptrmap_get(&m->whole_arrays, value)) return 0;
    return !rl_ptrmap_get(&m->element_values, value) ||
           rl_u64set_has(&m->whole_array_stores, tm_store_key(place, value));
}

int tm_record_holds_block(rl_model *m, const char *lo_place, const char *hi_place)
{
    int unused = 0;
    const char *lo = rl_ptrmap_get(&m->stored, tm_follow_stores(m, lo_place, 0, &unused));
    const char *hi = rl_ptrmap_get(&m->stored, tm_follow_stores(m, hi_place, 0, &unused));
    size_t mark = strlen(RL_RECORD_BLOCK_START);
    return lo && hi && lo != AMBIGUOUS && hi != AMBIGUOUS && strncmp(lo, RL_RECORD_BLOCK_START, mark) == 0 &&
           strncmp(hi, RL_RECORD_BLOCK_END, mark) == 0 && strcmp(lo + mark, hi + mark) == 0;
}

/* The pointers static initializers store (rl_static_store), as if stored
 * before anything runs: recorded before any context's. */
void tm_record_static_stores(rl_model *m)
{
    rl_strpool *pool = m->program->pool;
    for (size_t u = 0; u < m->program->nunits; u++) {
        const rl_unit_facts *f = m->program->units[u];
        for (int32_t i = 0; f && i < f->nstatics; i++) {
            const char *value = rl_intern(pool, f->statics[i].value);
            record_store(m, rl_intern(pool, f->statics[i].place), value);
            if (f->statics[i].field) tm_field_note(m, f->statics[i].field, value);
        }
    }
}

/* What a store into a member carrying one value gives that member of
 * every object (field_values.h): each value resolved, nothing for a null
 * or another integer constant; a value that resolves to nothing makes it
 * unknown. */
static void note_member_store(rl_model *m, const rl_node *n, const char *const *values, size_t nvalues)
{
    if (strncmp(n->args[0], RL_INT_CONSTANT_ARG, strlen(RL_INT_CONSTANT_ARG)) == 0) return;
    for (size_t v = 0; v < nvalues; v++) tm_field_note(m, n->field, values[v]);
    if (!nvalues) tm_field_note(m, n->field, "");
}

/* Records the pointer values one context writes into memory, so that a
 * load of that pointer later (`ctx->seen` holding `&packets_seen`, a
 * callback field holding a function) can name what it points to.
 * Contexts record theirs when explored, so that the threads analysed
 * later see them (a trampoline calling the function its creator stored in
 * the argument); and again at the end, once every context is known. */
void tm_record_stores(rl_model *m, const frame_env *env)
{
    /* Another context of the frame recorded the same stores, changing
     * nothing, and nothing changed since: this one would change nothing. */
    uint64_t before = m->stores_generation;
    if (tm_memo_stores_unchanged(m->resolve_memo, env, before)) return;
    const rl_function *f = fn_of(m, env->fn);
    tm_field_note_frame(m, env->fn);
    for (int32_t i = 0; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        /* a store into a member of a value the frontend could not trace */
        if (n->kind == RL_N_ACCESS && n->field && n->nargs != 1 && (n->flags & RL_ACC_WRITE))
            tm_field_note(m, n->field, "");
        if (n->kind != RL_N_ACCESS || n->nargs != 1 || !(n->flags & RL_ACC_WRITE)) continue;
        /* A store of one of several values (`L = a ? new_a() : new_b();
         * w->L = L;`) is a store of each: the place's points-to set gets
         * them all, and it is followed for none. */
        const char *values[RL_MAX_CHOICES];
        /* A value resolved to nothing is no store: a constant handed in
         * for the pointer (`ctx_new(NULL)`, "#=0", points to nothing, as a
         * null stored in place does), or one not traced */
        size_t nvalues = rl_place_alternatives(m->program->pool, tm_resolve(m, env, n->args[0], NULL), values);
        if (n->field) note_member_store(m, n, values, nvalues);
        /* A store through a pointer that may hold several objects (`el =
         * id < 0 ? main_loop : threads[id]->el`) may store into each, as
         * an access through it accesses each (accesses.c). */
        const char *alts[RL_MAX_CHOICES];
        size_t nalts = rl_place_alternatives(m->program->pool, tm_resolve(m, env, n->text, NULL), alts);
        for (size_t k = 0; k < nalts; k++) {
            int unused = 0;
            /* Keyed by the object as far as pointers are known (`A->next = p`
             * stores into the object A points to), as tm_follow_stores looks up. */
            const char *place = tm_follow_stores(m, alts[k], 0, &unused);
            /* The wrapper's name of the object stands for every object
             * the wrapper makes: a store through the caller's name is
             * one into it too, seen by whoever reached the object as the
             * wrapper named it (a dict's entry linked into its table by
             * the function making it, its value set by the caller). */
            const char *inner_place = wrapper_place(m, place, 1);
            for (size_t v = 0; v < nvalues; v++) {
                if (!values[v][0]) continue;
                record_store(m, place, values[v]);
                if (inner_place) record_store(m, inner_place, values[v]);
                note_array_store(m, place, values[v], (n->flags & RL_ACC_STORES_ARRAY) != 0);
            }
        }
    }
    if (m->stores_generation == before) tm_memo_stores_mark(m->resolve_memo, env, before);
}

/* How many times tm_collect_stores records every context's stores again
 * at most (each pass can name one more level of nested wrappers). */
#define MAX_STORE_PASSES 3

void tm_collect_stores(rl_model *m)
{
    for (size_t ci = 0; ci < m->nctxs; ci++) {
        const rl_ctx *c = &m->ctxs[ci];
        if (c->stores_recorded) continue;
        frame_env env = tm_ctx_env(c);
        tm_record_stores(m, &env);
    }
    /* A store is keyed by its object as far as the stores and allocator
     * wrappers known when it was recorded lead (`fe->data = d` in a frame
     * explored before the one that told what `l->events` holds). Now that
     * every context is known, record them again, under the object's full
     * name, until no new name appears. */
    for (int pass = 0; pass < MAX_STORE_PASSES; pass++) {
        size_t stored = m->stored.count, wrappers = m->wrapper_inner.count;
        for (size_t ci = 0; ci < m->nctxs; ci++) {
            const rl_ctx *c = &m->ctxs[ci];
            frame_env env = tm_ctx_env(c);
            tm_record_stores(m, &env);
        }
        if (m->stored.count == stored && m->wrapper_inner.count == wrappers) break;
    }
}

/* Whether two heap places (`tN:FN:H12_3...`) were allocated by the same
 * frame. */
static int same_frame_heap(const char *a, const char *b)
{
    size_t fa = 0, fb = 0;
    unsigned line, col;
    if (!rl_place_heap_site(a, &fa, &line, &col) || !rl_place_heap_site(b, &fb, &line, &col)) return 0;
    return fa == fb && memcmp(a, b, fa) == 0;
}

/* Whether value is the address of an element of the array the container
 * itself is an element of (`args[i].next = &args[(i + 1) % N]`): a
 * sibling's element, the neighbour's, not the container's own. */
static int sibling_element(const char *container_place, const char *value)
{
    const char *hole = value[0] == '&' ? strstr(value, "[]") : NULL;
    if (!hole) return 0;
    size_t n = (size_t)(hole + 2 - (value + 1));
    return strncmp(container_place, value + 1, n) == 0;
}

/* Whether the object value points to is made anew for each instance when
 * its container is: an element stored in a per-instance object (not a
 * sibling of the container), an object
 * each instance's own frame allocated, one made anew in each iteration of
 * a loop, one a function made on the call that linked it into the
 * container it was handed (a list's push making its node:
 * store_origins.c), or, in_wrapper (the container is the object an
 * allocator wrapper returns, container_place its field as the wrapper
 * names it), one the wrapper made too (`l->events = malloc(...)` in
 * `new_loop()`: each loop it makes gets its own table). */
int tm_made_per_container(rl_model *m, const char *container_place, int in_wrapper, const char *value)
{
    /* an element's address, unless stores gave it as the whole array
     * (`args[i].buf = buffer`: every instance's points to the same one) */
    int element = strstr(value, "[]") && !sibling_element(container_place, value) &&
                  !stored_whole(m, container_place, value);
    return element || tm_per_instance_heap(m, value) ||
           (tm_allocated_in_loop(m, rl_intern(m->program->pool, value + 1)) &&
            !tm_store_repeated(m, container_place, value)) ||
           tm_store_linked(m, container_place, value) || (in_wrapper && same_frame_heap(container_place, value + 1));
}

/* Values of m->made_per_call. */
#define MADE_PER_CALL ((void *)1)
#define NOT_MADE_PER_CALL ((void *)2)

/* Whether value points to a heap object its function returns (a
 * constructor: `client c = zmalloc(...); ...; return c;`), so that each
 * call makes a new one. Values are never followed through memory, so a
 * store of that object's name was made by the call that made it, or by a
 * function it handed the object to: each object is registered by the call
 * that made it, fresh per registration. */
static int made_per_call(rl_model *m, const char *value)
{
    if (value[0] != '&') return 0;
    const char *object = value + 1;
    void **slot = rl_ptrmap_slot(&m->made_per_call, object);
    if (*slot) return *slot == MADE_PER_CALL;
    *slot = NOT_MADE_PER_CALL;
    unsigned line, col, made_line, made_col;
    int fn = tm_heap_object_fn(m, object, &line, &col);
    const char *made = fn >= 0 ? tm_returned_value(m, fn, (int)strtol(object + 1, NULL, 10)) : NULL;
    /* the object itself, or a member of it (`L = &l->l.l; return L;`,
     * Lua's lua_newstate): each call makes a new one either way */
    if (made && rl_value_heap_address(made, &made_line, &made_col) && made_line == line && made_col == col)
        *slot = MADE_PER_CALL;
    return *slot == MADE_PER_CALL;
}

/* Whether pointer `from`, stored at key, was read from a member of the
 * objects key holds (`l->head = l->head->next`: "K*.next") and every
 * object stored in that member of each of them is one of key's own
 * (among key's set, or made per container): a list's head moved on to
 * the next node of the same list. */
static int read_from_own_objects(rl_model *m, const char *key, const rl_stored_set *set, const char *from,
                                 int in_wrapper)
{
    size_t klen = strlen(key);
    if (strncmp(from, key, klen) != 0 || from[klen] != '*' || strchr(from + klen + 1, '*')) return 0;
    const char *rest = from + klen + 1; /* ".next" */
    for (size_t i = 0; i < set->n; i++) {
        if (set->values[i][0] != '&') continue;
        const char *member = object_through(m->program->pool, set->values[i], rest);
        const rl_stored_set *next = rl_stored_sets_get(&m->stored_sets, member);
        for (size_t k = 0; next && k < next->n; k++) {
            const char *v = next->values[k];
            if (next->overflowed || v[0] != '&') return 0;
            size_t j = 0;
            while (j < set->n && set->values[j] != v) j++;
            if (j == set->n && !tm_made_per_container(m, key, in_wrapper, v)) return 0;
        }
    }
    return 1;
}

/* Whether every object a place of several pointer values (its points-to
 * set, stored_set.h) may hold is made per container, as
 * tm_made_per_container judges one value, or per registration
 * (made_per_call): the pointer leads to an object of the instance's own
 * whichever was stored. A value loaded from a place that is this one
 * again (a handler registering anew the client its own slot held) adds
 * no object, nor one read from a member of its own objects that holds
 * only its own (read_from_own_objects). Anything else (an overflowed
 * set, a value not traced) may be anybody's object. */
static int all_made_per_container(rl_model *m, const char *key, int in_wrapper)
{
    const rl_stored_set *set = rl_stored_sets_get(&m->stored_sets, key);
    if (!set || set->overflowed) return 0;
    for (size_t i = 0; i < set->n; i++) {
        const char *value = set->values[i];
        if (value[0] == '&') {
            if (!tm_made_per_container(m, key, in_wrapper, value) && !made_per_call(m, value)) return 0;
            continue;
        }
        if (tm_store_taken(m, key, value)) continue; /* popped into the container */
        int unused = 0;
        const char *from = value[0] ? tm_follow_stores(m, value, 0, &unused) : NULL;
        if (from != key && !(from && read_from_own_objects(m, key, set, from, in_wrapper))) return 0;
    }
    return 1;
}

/* Stored values followed through places read when they were stored
 * (follow_stores_now): a chain of copies of one pointer. */
#define MAX_VALUE_HOPS 4

/* Whether a stored value is the pointer read from a place named plainly
 * ("G:cfg.pool", "t0:main:H12_3.pool"): not an address ("&"), no pointer
 * followed on the way ("*"), no type, choice, call, integer or function. */
static int is_plain_place(const char *value)
{
    return value[0] != '&' && value[0] != '{' && value[0] != '%' && value[0] != '@' && value[0] != '#' &&
           strncmp(value, "fn:", 3) != 0 && !strpbrk(value, "*[");
}


/* Rewrites `X*...` into `Y...` when X only ever held &Y. With
 * root_distinct (the place starts at an instance's own object), sets
 * *distinct when the object finally named is the instance's own: from the
 * first pointer made per container on (the steps before it lead to the
 * instance's object: the array its pointer was loaded from), every one
 * was; and clears it when one after that was not (a block shared by
 * every instance's own object), or is not known. */
static const char *follow_stores_now(rl_model *m, const char *place, int root_distinct, int *own_out,
                                     int *shared_after_out, int *known_shared_out)
{
    rl_strpool *pool = m->program->pool;
    int own = 0, shared_after = 0, known_shared = 0;
    for (int round = 0; round < MAX_SPAWN_DEPTH; round++) {
        const char *star = strchr(place, '*');
        if (!star || place[0] == '{') break;
        /* The pointer's place is only looked up: a name the pool lacks
         * has no stored value of its own (interning every such prefix grew
         * the pool for nothing), but may still name a wrapper's object,
         * which stored_value reads from its text. */
        size_t len = (size_t)(star - place);
        const char *prefix = rl_strpool_find_n(pool, place, len);
        char text_buf[PREFIX_ON_STACK];
        char *text = NULL;
        if (!prefix) {
            text = len < sizeof text_buf ? text_buf : rl_xmalloc(len + 1);
            memcpy(text, place, len);
            text[len] = '\0';
            prefix = text;
        }
        const char *key;
        const char *value = stored_value(m, prefix, &key);
        int in_wrapper = key != prefix; /* found as the wrapper named it */
        /* A pointer read from a place when it was stored (`s->pool = p`,
         * p read from `m->pool` by a caller): that place's own value,
         * when it has one (curl's slot reaching its pool's lock as
         * `s->pool->lock`, the creator as `m->pool->lock`). */
        for (int hop = 0; hop < MAX_VALUE_HOPS && value && value != AMBIGUOUS && is_plain_place(value); hop++) {
            const char *ignored;
            const char *next = stored_value(m, value, &ignored);
            if (!next) break;
            value = next;
        }
        if (text && text != text_buf) free(text);
        if (value == AMBIGUOUS && root_distinct && all_made_per_container(m, key, in_wrapper)) {
            /* Several objects, each the container's own: not named (no
             * one of them is the object), but the instance's own. */
            own = 1;
            break;
        }
        if (!value || value == AMBIGUOUS || value[0] != '&') {
            shared_after = 1; /* a pointer not known: anybody's object */
            break;
        }
        place = object_through(pool, value, star + 1);
        /* judged only for a place that starts at an instance's own
         * object: the store recording and lock names, which ask most,
         * need the name alone */
        if (!root_distinct) continue;
        if (tm_made_per_container(m, key, in_wrapper, value)) own = 1;
        else if (own) shared_after = known_shared = 1;
    }
    *own_out = own;
    *shared_after_out = shared_after;
    if (known_shared_out) *known_shared_out = known_shared;
    return rl_place_normalize_final(pool, place);
}

/* Adds to addrs[*n] the addresses pointer place `key` may hold: those
 * stored there, and through each plain place whose pointer was copied
 * there (`playing = filling; filling = t;` with both given `&blocks[]`),
 * what that place may hold; a copy of a place on the way (path[0 ..
 * depth], the places being gathered) adds nothing. At most
 * MAX_VALUE_HOPS places deep; 0 when one value
 * is no plain address (an object known by type, a choice, a pointer
 * followed, a call), or there are more than RL_MAX_CHOICES. */
static int copied_addresses(rl_model *m, const char **path, int depth, const char **addrs, size_t *n)
{
    const char *key = path[depth];
    const char *one = rl_ptrmap_get(&m->stored, key);
    const rl_stored_set *set = one == AMBIGUOUS ? rl_stored_sets_get(&m->stored_sets, key) : NULL;
    if (!one || (one == AMBIGUOUS && (!set || set->overflowed))) return 0;
    size_t count = set ? set->n : 1;
    for (size_t k = 0; k < count; k++) {
        const char *v = set ? set->values[k] : one;
        int on_path = 0; /* a copy of a place being gathered: nothing new */
        for (int d = 0; d <= depth; d++) on_path |= path[d] == v;
        if (on_path) continue;
        if (v[0] == '&' && !strpbrk(v, "%{*")) {
            size_t j = 0;
            while (j < *n && addrs[j] != v) j++;
            if (j < *n) continue;
            if (*n == RL_MAX_CHOICES) return 0;
            addrs[(*n)++] = v;
            continue;
        }
        if (!is_plain_place(v) || depth + 1 >= MAX_VALUE_HOPS) return 0;
        path[depth + 1] = v;
        if (!copied_addresses(m, path, depth + 1, addrs, n)) return 0;
    }
    return 1;
}

size_t tm_stored_alternatives(rl_model *m, const char *place, const char **out, const char **via)
{
    out[0] = place;
    if (via) via[0] = NULL;
    const char *star = strchr(place, '*');
    if (!star || place[0] == '{' || place[0] == '%') return 1;
    const char *prefix = rl_strpool_find_n(m->program->pool, place, (size_t)(star - place));
    if (!prefix || rl_ptrmap_get(&m->stored, prefix) != AMBIGUOUS) return 1;
    const char *addrs[RL_MAX_CHOICES];
    size_t naddrs = 0;
    const char *path[MAX_VALUE_HOPS] = {prefix};
    if (!copied_addresses(m, path, 0, addrs, &naddrs) || naddrs == 0) return 1;
    size_t n = 0;
    for (size_t k = 0; k < naddrs; k++) {
        const char *alt = tm_stores_followed(m, object_through(m->program->pool, addrs[k], star + 1));
        size_t j = 0;
        while (j < n && out[j] != alt) j++;
        if (j < n) continue;
        if (via) via[n] = addrs[k];
        out[n++] = alt;
    }
    return n;
}

/* The most pointers tm_stored_objects follows through their points-to
 * sets on one path (a job queue's slot, the dict it was given, the
 * dict's values, a value's member: 4). */
#define MAX_OBJECT_STEPS 8

/* The last '*' of place before `star`, NULL when none. */
static const char *star_before(const char *place, const char *star)
{
    while (star > place)
        if (*--star == '*') return star;
    return NULL;
}

/* Adds to out[*n] every object `place` may name through the points-to
 * sets (tm_stored_objects), steps left; 0 when one is not known. */
static int gather_objects(rl_model *m, const char *place, int steps, const char **out, size_t *n)
{
    rl_strpool *pool = m->program->pool;
    if (!strchr(place, '*')) {
        for (size_t k = 0; k < *n; k++)
            if (out[k] == place) return 1;
        if (*n == TM_MAX_STORED_OBJECTS) return 0;
        out[(*n)++] = place;
        return 1;
    }
    if (steps == 0 || place[0] == '{' || place[0] == '%') return 0;
    /* The longest pointer a set is known for: a store made while its
     * own pointer had several values is keyed by the path written
     * ("G:engines*.vals[]"), not by each object the path may lead to. */
    for (const char *star = strrchr(place, '*'); star; star = star_before(place, star)) {
        const char *prefix = rl_strpool_find_n(pool, place, (size_t)(star - place));
        const rl_stored_set *set = prefix ? rl_stored_sets_get(&m->stored_sets, prefix) : NULL;
        if (!set) continue;
        if (set->overflowed) return 0;
        for (size_t k = 0; k < set->n; k++) {
            const char *v = set->values[k], *next;
            if (v[0] == '&' && !strpbrk(v, "%{")) {
                next = object_through(pool, v, star + 1);
            } else if (is_plain_place(v)) { /* a copy of another pointer */
                rl_strbuf sb = RL_STRBUF_INIT;
                rl_sb_append(&sb, v);
                rl_sb_append(&sb, star);
                next = rl_place_intern_normalized(pool, rl_sb_str(&sb));
                rl_sb_free(&sb);
            } else {
                return 0;
            }
            if (!gather_objects(m, tm_stores_followed(m, next), steps - 1, out, n)) return 0;
        }
        return 1;
    }
    return 0;
}

size_t tm_stored_objects(rl_model *m, const char *place, const char **out)
{
    size_t n = 0;
    return gather_objects(m, place, MAX_OBJECT_STEPS, out, &n) ? n : 0;
}

const rl_lockset *tm_stored_correlated_locks(rl_model *m, const rl_lockset *held, const char *place, const char *via)
{
    const char *star = strchr(place, '*');
    if (!held || !via || !star) return held;
    size_t prefix = (size_t)(star - place) + 1; /* "G:cur*" */
    const rl_lockset *r = rl_ls_empty(m->flow->locks);
    for (size_t i = 0; i < held->n; i++) {
        const char *lock = held->e[i].lock;
        if (strncmp(lock, place, prefix) == 0) lock = tm_stores_followed(m, object_through(m->program->pool, via, lock + prefix));
        r = rl_ls_add(m->flow->locks, r, lock, held->e[i].shared);
    }
    return r;
}

int tm_pointer_leads_to_shared(rl_model *m, const char *place)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%s*", place);
    const char *pointer = rl_intern(m->program->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    int own = 0, shared_after = 0, known_shared = 0;
    const char *object = follow_stores_now(m, pointer, 1, &own, &shared_after, &known_shared);
    /* followed one known address, not the instance's own: shared; so is
     * one past an object made per container that is not (one event in
     * every queue's node, round 18's r4); a pointer not known (only
     * shared_after) or not followed tells nothing */
    return (object != pointer && !own && !shared_after) || known_shared;
}

int tm_stored_one_for_all(rl_model *m, const char *pointer)
{
    int unused = 0;
    const char *key = tm_follow_stores(m, pointer, 0, &unused);
    const rl_stored_set *set = rl_stored_sets_get(&m->stored_sets, key);
    if (!set || set->overflowed || !set->n) return 0;
    for (size_t i = 0; i < set->n; i++) {
        const char *v = set->values[i];
        if (v[0] != '&' || tm_made_per_container(m, key, 0, v) || made_per_call(m, v)) return 0;
    }
    return 1;
}

/* Slots of the follow cache (a power of two): a context's accesses follow
 * the same few places, and the contexts of one function come near each
 * other, so a small direct-mapped cache answers two calls in three on
 * memcached. */
#define FOLLOW_CACHE_SLOTS 65536
/* Spreads a place's address over the cache's slots (2^64 / golden ratio). */
#define FOLLOW_CACHE_MUL 0x9E3779B97F4A7C15ULL

/* One remembered tm_follow_stores, valid while the stores are as they
 * were (rl_model.stores_generation). */
struct tm_follow_cache {
    struct follow_answer {
        const char *place; /* NULL: empty */
        const char *result;
        uint64_t generation;
        uint8_t root_distinct, own, shared_after;
    } slots[FOLLOW_CACHE_SLOTS];
};

void tm_follow_cache_start(rl_model *m)
{
    if (!m->follow_cache) m->follow_cache = rl_xcalloc(1, sizeof *m->follow_cache);
}

void tm_follow_cache_stop(rl_model *m)
{
    free(m->follow_cache);
    m->follow_cache = NULL;
}

const char *tm_follow_stores(rl_model *m, const char *place, int root_distinct, int *distinct)
{
    int own = 0, shared_after = 0;
    struct follow_answer *slot = NULL;
    if (m->follow_cache) {
        uint64_t h = ((uint64_t)(uintptr_t)place * 2 + (uint64_t)(root_distinct != 0)) * FOLLOW_CACHE_MUL;
        slot = &m->follow_cache->slots[h >> 48 & (FOLLOW_CACHE_SLOTS - 1)];
        if (slot->place == place && slot->root_distinct == (root_distinct != 0) &&
            slot->generation == m->stores_generation) {
            if (slot->own) *distinct = !slot->shared_after;
            return slot->result;
        }
    }
    uint64_t generation = m->stores_generation;
    const char *result = follow_stores_now(m, place, root_distinct, &own, &shared_after, NULL);
    /* Kept only when following changed no store (naming an allocator
     * wrapper's object may record it, resolve.c): a later call with the
     * stores as they are now would do exactly this again. */
    if (slot && m->stores_generation == generation)
        *slot = (struct follow_answer){place, result, generation, (uint8_t)(root_distinct != 0), (uint8_t)own,
                                       (uint8_t)shared_after};
    if (own) *distinct = !shared_after;
    return result;
}

/* Lock names through stored pointers too (`pthread_mutex_lock(t->lock)`
 * with `t->lock = &m` is a lock on m). */
const rl_lockset *tm_follow_lock_stores(rl_model *m, const rl_lockset *held)
{
    if (!held || !held->n) return held ? rl_ls_empty(m->flow->locks) : NULL;
    rl_lock_entry stack[LOCKS_ON_STACK], *e = held->n <= LOCKS_ON_STACK ? stack : rl_xmalloc(held->n * sizeof *e);
    int same = 1;
    for (size_t i = 0; i < held->n; i++) {
        int unused = 0;
        e[i] = (rl_lock_entry){tm_follow_stores(m, held->e[i].lock, 0, &unused), held->e[i].shared};
        same &= e[i].lock == held->e[i].lock;
    }
    /* no lock through a stored pointer: the set itself (interned) */
    const rl_lockset *r = same ? held : rl_ls_of(m->flow->locks, e, held->n);
    if (e != stack) free(e);
    return r;
}

const char *tm_stored_single(rl_model *m, const char *place)
{
    const char *value = rl_ptrmap_get(&m->stored, place);
    return value == AMBIGUOUS ? NULL : value;
}

const char *tm_wrapper_place(rl_model *m, const char *place)
{
    return wrapper_place(m, place, 0);
}

const char *tm_stores_followed(rl_model *m, const char *v)
{
    int unused = 0;
    return tm_follow_stores(m, v, 0, &unused);
}
