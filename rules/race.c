/* Rule `race`: unprotected conflicting accesses from threads that may run
 * together. Accesses are grouped by resolved location first, so only
 * accesses to the same memory are ever paired (rl_model groups them). A
 * location that races is one finding, carrying every racing site and the
 * racing pairs among them, the most convincing pair first (sites.h). */
#include "checks.h"
#include "evidence.h"
#include "sites.h"
#include "util/budget.h"
#include "model/guards.h"
#include "model/place.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/u64set.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether a lock both sides hold orders them: not when both hold it only
 * in shared (read) mode, and not when one holds it only because the other
 * (or a thread both were created by) holds it for them from spawn to join
 * (a creation lock, threads.h), and never a lock reached through a
 * pointer racelint cannot trace ("{pthread_mutex_t}", "{?}": an
 * uninitialised or unknown pointer), which names no one object: two
 * threads each holding "some mutex" may hold two. ta / tb are the
 * threads, or -1 when the sides stand for several threads: then no
 * creation lock orders. */
static int lock_orders(const rl_model *m, int ta, int tb, const char *lock)
{
    if (rl_place_is_unknown_object(lock)) return 0;
    if (ta < 0 || tb < 0) return !rl_model_lock_is_creation(m, lock);
    int ha = rl_model_lock_holder(m, ta, lock), hb = rl_model_lock_holder(m, tb, lock);
    return !(ha == hb && (ha != ta || hb != tb));
}

/* Whether `indexed`, a lock named by a constant index ("G:cache[5].mu"),
 * held by a side that accesses element `index` of the same array, and
 * `collapsed`, that array's lock of unknown index ("G:cache[].mu"), guard
 * the accessed place as one lock. The place must be in the same array
 * ("G:cache[].refs") and the indexed lock the accessed element's: the lock
 * of unknown index is then taken to go with the element the other side
 * accesses (entry->mu guarding entry->refs, as two threads locking through
 * one unknown index are taken to share it), and that element is the
 * indexed lock's whenever the two sides touch one object. Another
 * element's lock (cache[4].mu for cache[5].refs), or one array's locks
 * guarding another array (m[4] and m[i] for data[4]), stay apart. */
static int element_lock_guards(const char *indexed, long long index, const char *collapsed, const char *place)
{
    const char *open = strchr(indexed, '['), *hole = strchr(collapsed, '[');
    if (index < 0 || !open || !hole || hole[1] != ']' || !place) return 0;
    size_t head = (size_t)(hole - collapsed);
    char *close = NULL;
    long long k = strtoll(open + 1, &close, 10);
    if ((size_t)(open - indexed) != head || strncmp(indexed, collapsed, head) != 0 || close == open + 1 ||
        *close != ']' || k != index || strcmp(close + 1, hole + 2) != 0)
        return 0;
    return strncmp(place, collapsed, head + 2) == 0;
}

/* Whether a and b, accessing `place`, hold one element lock between them
 * (element_lock_guards) that orders them (lock_orders, not both shared). */
static int common_element_lock(const rl_model *m, const rl_access *a, const rl_access *b, const char *place)
{
    for (int side = 0; side < 2; side++) {
        const rl_access *x = side ? b : a, *y = side ? a : b;
        for (size_t i = 0; i < x->held->n; i++) {
            const rl_lock_entry *li = &x->held->e[i];
            if (!strchr(li->lock, '[')) continue;
            for (size_t j = 0; j < y->held->n; j++) {
                const rl_lock_entry *lj = &y->held->e[j];
                if (li->shared && lj->shared) continue;
                if (element_lock_guards(li->lock, x->index, lj->lock, place) &&
                    lock_orders(m, x->thread, y->thread, li->lock) && lock_orders(m, y->thread, x->thread, lj->lock))
                    return 1;
            }
        }
    }
    return 0;
}

/* Whether some lock of `held` is an array's element (common_element_lock
 * looks at those only). */
static int holds_element_lock(const rl_lockset *held)
{
    for (size_t i = 0; i < held->n; i++)
        if (strchr(held->e[i].lock, '[')) return 1;
    return 0;
}

/* Whether place is one global object that no array holds ("G:resizes",
 * "G:stats.hits"): the same object for every thread and every index. */
static int is_single_global(const char *place)
{
    int param = -1;
    return place && rl_place_root(place, &param) == RL_ROOT_GLOBAL && !strchr(place, '[');
}

/* Whether place is a member outside any array of the object that holds
 * lock array `lock` ("H12_5.overflow" beside "H12_5.locks[]"): one
 * object, whichever element of the array a thread holds. */
static int beside_lock_array(const char *lock, const char *place)
{
    const char *hole = strstr(lock, "[]");
    if (!place || !hole || strchr(place, '[')) return 0;
    const char *dot = hole;
    while (dot > lock && dot[-1] != '.') dot--;
    size_t object = (size_t)(dot - lock); /* "H12_5." */
    return object > 0 && strncmp(place, lock, object) == 0;
}

/* The mode in which b holds every element of the array element lock
 * ("G:stripe[]" and b holding "G:stripe[].#every"), -1 for none. */
static int every_element_mode(const rl_model *m, const rl_lockset *b, const char *lock)
{
    size_t n = strlen(lock);
    if (n < 2 || strcmp(lock + n - 2, "[]") != 0) return -1;
    char *every = rl_xasprintf("%s%s", lock, RL_EVERY_ELEMENT);
    const char *name = rl_strpool_find(m->program->pool, every);
    free(every);
    return name ? rl_ls_mode(b, name) : -1;
}

/* The mode in which b holds lock, or a lock of every element it is one
 * of; for a lock of every element, any one element counts too. */
static int held_with_elements(const rl_model *m, const rl_lockset *b, const char *lock)
{
    int mode = rl_ls_mode(b, lock);
    if (mode >= 0) return mode;
    if (!rl_place_is_every_element(lock)) return every_element_mode(m, b, lock);
    char *one = rl_xstrndup(lock, strlen(lock) - strlen(RL_EVERY_ELEMENT));
    const char *name = rl_strpool_find(m->program->pool, one);
    free(one);
    return name ? rl_ls_mode(b, name) : -1;
}

/* Some lock held by both sides orders them (lock_orders). An element lock
 * of unknown index ("G:stripe[]", `lock(&stripe[b % N])`) may be a
 * different element on each side: it is taken to guard the elements of
 * an array indexed alike (`bucket_count[b]`, `accts[i].balance`), but not
 * one global outside any array (`resizes++` under whichever stripe the
 * thread holds), nor a member beside the lock array in its own object
 * (`h->overflow++` under `h->locks[b]`), place (NULL: any place). */
static int common_lock(const rl_model *m, int ta, const rl_lockset *a, int tb, const rl_lockset *b, const char *place)
{
    int single = is_single_global(place);
    for (size_t i = 0; i < a->n; i++) {
        const char *lock = a->e[i].lock;
        int mb = a == b ? a->e[i].shared : held_with_elements(m, b, lock);
        if (mb < 0 || (a->e[i].shared && mb == 1)) continue;
        /* one side holding every element holds the other's, whichever */
        int every = rl_place_is_every_element(lock) || (a != b && every_element_mode(m, b, lock) >= 0);
        if (!every && (single || beside_lock_array(lock, place)) && strstr(lock, "[]")) continue;
        if (lock_orders(m, ta, tb, lock)) return 1;
    }
    return 0;
}

/* "'x' is accessed holding 'l' at 12 of 14 places; this one does not".
 * Sets *rank to the guard's coverage: a location guarded almost everywhere
 * and missed in one place is the likeliest real bug. */
static char *guard_hint(const rl_model *m, const rl_rule_options *o, const rl_access_group *group,
                        const rl_guard *g, const rl_access *a, const rl_access *b, double *rank)
{
    /* No hint is better than a misleading one: only a lock that guards
     * most of the places and belongs with the location is named. */
    if (!g || !rl_guard_is_believed(g) || !rl_guard_belongs(m, group, g)) return NULL;
    rl_guard guard = *g;
    *rank = (double)guard.covered / (double)guard.sites;
    rl_strbuf lock = RL_STRBUF_INIT, where = RL_STRBUF_INIT;
    rl_evidence_lock_name(m, guard.lock, &lock);
    rl_evidence_name(m, a->place, &where);
    int a_misses = !rl_ls_contains(a->held, guard.lock), b_misses = !rl_ls_contains(b->held, guard.lock);
    const rl_node *na = &rl_model_ctx_function(m, a->ctx)->nodes[a->node];
    const rl_node *nb = &rl_model_ctx_function(m, b->ctx)->nodes[b->node];
    rl_strbuf missing = RL_STRBUF_INIT;
    if (a_misses) rl_sb_printf(&missing, "line %u", na->loc.line);
    if (b_misses && !(a_misses && na == nb)) rl_sb_printf(&missing, "%sline %u", a_misses ? " and " : "", nb->loc.line);
    char *hint;
    if (guard.declared) {
        /* The code says which lock: a miss is a bug, not a guess. */
        *rank = 1.0;
        hint = rl_xasprintf("'%s' is declared GUARDED_BY '%s'; take it %s%s", rl_sb_str(&where), rl_sb_str(&lock),
                            missing.len ? "at " : "for writing", missing.len ? rl_sb_str(&missing) : "");
    } else if (missing.len) {
        hint = rl_xasprintf("'%s' is accessed holding '%s' at %zu of %zu places; take it at %s", rl_sb_str(&where),
                            rl_sb_str(&lock), guard.covered, guard.sites, rl_sb_str(&missing));
    } else {
        /* Both hold the guard, but only for reading: the write needs it
         * exclusively. */
        const rl_access *w = (rl_race_flags(o, a) & RL_ACC_WRITE) ? a : b;
        const rl_node *nw = w == a ? na : nb;
        hint = rl_xasprintf("'%s' is accessed holding '%s' at %zu of %zu places, here only for reading; take it for "
                            "writing at line %u",
                            rl_sb_str(&where), rl_sb_str(&lock), guard.covered, guard.sites, nw->loc.line);
    }
    rl_sb_free(&lock);
    rl_sb_free(&where);
    rl_sb_free(&missing);
    return hint;
}


/* What one run of the rule remembers: the sites and pairs of the location
 * being checked, the pairs of access expressions already counted for it,
 * and the guard of each location. */
typedef struct race_state {
    rl_check_ctx *ctx;
    rl_sites sites;
    rl_u64set counted; /* pair_hash of the site pairs of this location */
    rl_u64set racing; /* site_hash of its sites known to race */
    size_t by_doubts[RL_SITES_MAX_DOUBTS + 1]; /* its confirmed pairs, by doubts */
    uint32_t location; /* which location is being paired, from 1 (class_split.racing_at) */
    rl_ptrmap guards; /* place -> rl_guard* (owned) */
    rl_ptrmap outer_splits; /* group -> class_split* (owned), in thread order */
    rl_u64set group_sketches; /* place_sketch of every group's place */
} race_state;

/* Bytes of a place's start and of its end that place_sketch reads. */
#define SKETCH_HEAD 8
#define SKETCH_TAIL 16

/* A cheap fingerprint of the first n bytes of a place: its length, its
 * first and last bytes, in constant time whatever its length. Equal
 * strings have equal sketches; unequal ones may too (then the pool says). */
static uint64_t place_sketch(const char *s, size_t n)
{
    const uint64_t mul = 0x9e3779b97f4a7c15ULL;
    unsigned char head[SKETCH_HEAD] = {0}, tail[SKETCH_TAIL] = {0};
    memcpy(head, s, n < SKETCH_HEAD ? n : SKETCH_HEAD);
    memcpy(tail, s + (n < SKETCH_TAIL ? 0 : n - SKETCH_TAIL), n < SKETCH_TAIL ? n : SKETCH_TAIL);
    uint64_t h = ((uint64_t)n + 1) * mul, w;
    memcpy(&w, head, sizeof w);
    h = ((h ^ w) * mul) ^ (h >> 29);
    for (size_t i = 0; i < SKETCH_TAIL; i += sizeof w) {
        memcpy(&w, tail + i, sizeof w);
        h = ((h ^ w) * mul) ^ (h >> 29);
    }
    return h ? h : 1; /* rl_u64set keys are nonzero */
}

static void index_group_places(race_state *st)
{
    const rl_model *m = st->ctx->model;
    for (size_t k = 0; k < m->ngroups; k++)
        rl_u64set_add(&st->group_sketches, place_sketch(m->groups[k].place, strlen(m->groups[k].place)));
}

static const rl_guard *guard_for(race_state *st, const char *place)
{
    void **slot = rl_ptrmap_slot(&st->guards, place);
    if (!*slot) {
        const rl_access_group *g = rl_model_group(st->ctx->model, place);
        if (!g) return NULL;
        rl_guard *guard = rl_xmalloc(sizeof *guard);
        *guard = rl_guard_of(st->ctx->model, g);
        *slot = guard;
    }
    return *slot;
}

/* The finding of location g, when some of its pairs race. */
static void report(race_state *st, const rl_access_group *g)
{
    const rl_model *m = st->ctx->model;
    const rl_access *a, *b;
    rl_finding *f = rl_sites_emit(&st->sites, st->ctx->out, "race", RL_SEV_WARNING, g->place, &a, &b);
    if (!f) return;
    char *what = rl_evidence_what(m, a);
    f->message = rl_xasprintf("data race on '%s'", what);
    free(what);
    f->hint = guard_hint(m, st->ctx->options, g, guard_for(st, g->place), a, b, &f->rank);
}

/* A site is one access expression in the code. */
static uint64_t site_key(const rl_model *m, const rl_access *a)
{
    return ((uint64_t)(uint32_t)m->ctxs[a->ctx].fn << 32) | (uint32_t)a->node;
}

/* No site key: a function index and a node are never both all ones. */
#define SITE_UNKNOWN UINT64_MAX

/* site_hash and pair_hash take site keys: the pairing loop reads them
 * from its split (class_split.site), not through each access's context. */
static uint64_t site_hash(uint64_t key)
{
    uint64_t h = (key + 1) * 0x9E3779B97F4A7C15ULL;
    return h ? h : 1;
}

/* The pair of access expressions of sites x and y, in either order. */
static uint64_t pair_hash(uint64_t x, uint64_t y)
{
    if (x > y) {
        uint64_t t = x;
        x = y;
        y = t;
    }
    uint64_t h = (x + 1) * 0x9E3779B97F4A7C15ULL ^ (y + 1) * 0xC2B2AE3D27D4EB4FULL;
    return h ? h : 1;
}

/* The accesses of a group that share a thread and a lockset form a class,
 * and classes that share one of the two form a run. Most pairs of accesses
 * are decided for a whole pair of runs or classes at once (only reads, a
 * common lock, threads that never overlap), so a location touched from
 * thousands of contexts costs pairs of runs, not pairs of accesses. Runs
 * are by whichever of thread and lockset has fewer distinct values in the
 * group: one thread's local seen under a thousand locks is one run, a
 * global locked the same way in a thousand threads is one run too. */
typedef struct access_class {
    int thread;
    const rl_lockset *held;
    int writes;          /* some member writes */
    int via_global;      /* some member reaches its object through a global
                            pointer (rl_access.via_global) */
    int element_locks;   /* `held` has a lock of an array element: only
                            then may common_element_lock find one */
    size_t first, n;     /* members: order[first .. first + n) */
} access_class;

typedef struct class_run {
    size_t first, n;     /* classes[first .. first + n) */
    int writes;
} class_run;

typedef struct class_split {
    size_t *order;       /* positions in the group, class by class */
    /* By position in the group, what pairing reads of every pair: the
     * site key (SITE_UNKNOWN until a pair needs it: split_site) and the
     * race flags (rl_race_flags) of each access, read once per group
     * instead of once per pair (zstd pairs a group of a thousand accesses
     * with itself). One allocation with order. */
    uint64_t *site;
    /* By position in order: the first position from it on whose access
     * writes (nkeys past the last): a read is paired with writes only,
     * and memcached's reads met reads 57 million times */
    size_t *next_write;
    /* By position in the group: the race_state.location at which its
     * site was found in racing (a split pairs with many locations' groups
     * as an enclosing one): 29 million pairs of memcached looked up two
     * sites already racing */
    uint32_t *racing_at;
    int32_t *index;      /* rl_access.index of each */
    uint8_t *flags;
    access_class *classes;
    size_t nclasses;
    class_run *runs;
    size_t nruns;
} class_split;

typedef struct class_key {
    int thread;
    uint64_t held;       /* held_order of the access's lockset */
    size_t pos;
} class_key;

/* Where a lockset sorts: by creation, never by address, so that classes,
 * runs and the pairs found come in the same order on every run. */
static uint64_t held_order(const rl_lockset *s)
{
    return s ? s->id : UINT64_MAX;
}

static int class_key_cmp(const void *x, const void *y)
{
    const class_key *a = x, *b = y;
    if (a->thread != b->thread) return a->thread < b->thread ? -1 : 1;
    if (a->held != b->held) return a->held < b->held ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* The group's accesses sorted once, by thread then lockset: its classes,
 * in that order (runs are made by arrange_runs). Accesses that take part
 * in no race under the options (rl_race_flags) are in no class. */
static class_split split_classes(const rl_model *m, const rl_rule_options *o, const rl_access_group *g)
{
    size_t n = g->len + 1;
    class_split cs = {rl_xcalloc(n, sizeof *cs.order + sizeof *cs.site + sizeof *cs.next_write + sizeof *cs.racing_at +
                                        sizeof *cs.index + sizeof *cs.flags),
                      NULL,
                      NULL,
                      NULL,
                      NULL,
                      NULL,
                      rl_xcalloc(n, sizeof *cs.classes),
                      0,
                      rl_xcalloc(n, sizeof *cs.runs),
                      0};
    cs.site = (uint64_t *)(cs.order + n);
    cs.next_write = (size_t *)(cs.site + n);
    cs.racing_at = (uint32_t *)(cs.next_write + n);
    cs.index = (int32_t *)(cs.racing_at + n);
    cs.flags = (uint8_t *)(cs.index + n);
    class_key *keys = rl_xcalloc(g->len + 1, sizeof *keys);
    size_t nkeys = 0;
    for (size_t i = 0; i < g->len; i++) {
        const rl_access *a = &m->accesses[g->items[i]];
        cs.site[i] = SITE_UNKNOWN;
        cs.flags[i] = rl_race_flags(o, a);
        cs.index[i] = a->index;
        if (cs.flags[i]) keys[nkeys++] = (class_key){a->thread, held_order(a->held), i};
    }
    qsort(keys, nkeys, sizeof *keys, class_key_cmp);
    for (size_t i = 0; i < nkeys; i++) {
        const rl_access *a = &m->accesses[g->items[keys[i].pos]];
        if (i == 0 || keys[i].thread != keys[i - 1].thread || keys[i].held != keys[i - 1].held)
            cs.classes[cs.nclasses++] = (access_class){a->thread, a->held, 0, 0, holds_element_lock(a->held), i, 0};
        access_class *c = &cs.classes[cs.nclasses - 1];
        c->n++;
        c->writes |= (cs.flags[keys[i].pos] & RL_ACC_WRITE) != 0;
        c->via_global |= a->via_global;
        cs.order[i] = keys[i].pos;
    }
    cs.next_write[nkeys] = nkeys;
    for (size_t y = nkeys; y-- > 0;) cs.next_write[y] = cs.flags[cs.order[y]] & RL_ACC_WRITE ? y : cs.next_write[y + 1];
    free(keys);
    return cs;
}

/* The site key of the access at position i of group g, worked out once
 * (splits copied for a pairing share the array). */
static uint64_t split_site(const rl_model *m, const class_split *cs, const rl_access_group *g, size_t i)
{
    if (cs->site[i] == SITE_UNKNOWN) cs->site[i] = site_key(m, &m->accesses[g->items[i]]);
    return cs->site[i];
}

static int by_held_then_thread(const void *x, const void *y)
{
    const access_class *a = x, *b = y;
    if (a->held != b->held) return held_order(a->held) < held_order(b->held) ? -1 : 1;
    return a->thread < b->thread ? -1 : a->thread > b->thread;
}

static int same_run(const access_class *a, const access_class *b, int by_lockset)
{
    return by_lockset ? a->held == b->held : a->thread == b->thread;
}

/* Whether runs by lockset are fewer than runs by thread. Classes come
 * sorted by thread, so their threads are counted as they come; their
 * locksets in a sorted copy. */
static int runs_by_lockset(const class_split *cs)
{
    size_t threads = 0, locksets = 0;
    for (size_t i = 0; i < cs->nclasses; i++)
        if (i == 0 || !same_run(&cs->classes[i], &cs->classes[i - 1], 0)) threads++;
    access_class *copy = rl_xcalloc(cs->nclasses + 1, sizeof *copy);
    memcpy(copy, cs->classes, cs->nclasses * sizeof *copy);
    qsort(copy, cs->nclasses, sizeof *copy, by_held_then_thread);
    for (size_t i = 0; i < cs->nclasses; i++)
        if (i == 0 || !same_run(&copy[i], &copy[i - 1], 1)) locksets++;
    free(copy);
    return locksets < threads;
}

/* Orders the classes for runs by thread or by lockset and makes the runs. */
static void arrange_runs(class_split *cs, int by_lockset)
{
    if (by_lockset) qsort(cs->classes, cs->nclasses, sizeof *cs->classes, by_held_then_thread);
    cs->nruns = 0;
    for (size_t i = 0; i < cs->nclasses; i++) {
        if (i == 0 || !same_run(&cs->classes[i], &cs->classes[i - 1], by_lockset))
            cs->runs[cs->nruns++] = (class_run){i, 0, 0};
        class_run *r = &cs->runs[cs->nruns - 1];
        r->n++;
        r->writes |= cs->classes[i].writes;
    }
}

static void class_split_free(class_split *cs)
{
    free(cs->order); /* site, index and flags with it */
    free(cs->classes);
    free(cs->runs);
}

/* A split to arrange for one pairing: its own classes and runs (arranging
 * reorders the classes), the order, sites and flags of the split it
 * copies (never written after split_classes). */
static class_split split_copy(const class_split *base)
{
    class_split cs = *base;
    cs.classes = rl_xcalloc(base->nclasses + 1, sizeof *cs.classes);
    memcpy(cs.classes, base->classes, base->nclasses * sizeof *cs.classes);
    cs.runs = rl_xcalloc(base->nclasses + 1, sizeof *cs.runs);
    cs.nruns = 0;
    return cs;
}

static void split_copy_free(class_split *cs)
{
    free(cs->classes);
    free(cs->runs);
}

/* The split of an enclosing object's group: one such group (a struct
 * copied whole) encloses every field's group and meets each of them, so
 * it is split once per run, not once per field. */
static const class_split *outer_split(race_state *st, const rl_access_group *h)
{
    void **slot = rl_ptrmap_slot(&st->outer_splits, h);
    if (!*slot) {
        class_split *cs = rl_xmalloc(sizeof *cs);
        *cs = split_classes(st->ctx->model, st->ctx->options, h);
        *slot = cs;
    }
    return *slot;
}

/* A pair of accesses that races: positions in the two groups. */
typedef struct race_pair {
    size_t i, j;
} race_pair;

static int race_pair_cmp(const void *x, const void *y)
{
    const race_pair *a = x, *b = y;
    if (a->i != b->i) return a->i < b->i ? -1 : 1;
    return a->j < b->j ? -1 : a->j > b->j;
}

typedef struct pair_list {
    race_pair *items;
    size_t len, cap;
} pair_list;

/* Whether the site of the access at position i of split cs races at this
 * location: known from the split's own mark, else from the set (another
 * access of the same site may have put it there), then marked. */
static int site_racing(const race_state *st, const class_split *cs, size_t i, uint64_t site)
{
    if (cs->racing_at[i] == st->location) return 1;
    if (!rl_u64set_has(&st->racing, site_hash(site))) return 0;
    cs->racing_at[i] = st->location;
    return 1;
}

/* Notes that the site of the access at position i of split cs races. */
static void mark_racing(race_state *st, const class_split *cs, size_t i, uint64_t site)
{
    rl_u64set_add(&st->racing, site_hash(site));
    cs->racing_at[i] = st->location;
}

/* Whether a pair with these doubts could still be among the RL_MAX_PAIRS
 * most convincing of the location (the pairs confirmed so far with as few
 * doubts are fewer than that). */
static int pair_wanted(const race_state *st, int doubts)
{
    size_t as_good = 0;
    for (int d = 0; d <= doubts; d++) as_good += st->by_doubts[d];
    return as_good < RL_MAX_PAIRS;
}

/* The racing pairs of accesses between class ca of g and class cb of h. */
static void class_pairs(race_state *st, const rl_access_group *g, const class_split *gs, const access_class *ca,
                        const rl_access_group *h, const class_split *hs, const access_class *cb, pair_list *out)
{
    const rl_model *m = st->ctx->model;
    if (!ca->writes && !cb->writes) return;
    if (common_lock(m, ca->thread, ca->held, cb->thread, cb->held, h->place)) return;
    int overlap = rl_model_threads_may_overlap(m, ca->thread, cb->thread);
    if (overlap == 0) return;
    /* Two instances of one thread on what is the thread's own (its locals,
     * its heap objects): only a side reaching it through a global pointer
     * meets the other (rl_model_may_run_together). Told for the classes,
     * not pair by pair: zstd's dictionary workers each have a workspace
     * touched at a thousand places, a million pairs per worker. */
    if (ca->thread == cb->thread && !ca->via_global && !cb->via_global &&
        !rl_model_instances_share(m, ca->thread, g->place))
        return;
    /* Every access of a group has the group's place and every one of a
     * class the class's lockset: the doubts those give are the same for
     * every pair of the two classes (reading the places for each pair was
     * a seventh of zstd's whole-program phase). Worked out at the first
     * pair that needs them. */
    int base_doubts = -1;
    for (size_t x = ca->first; x < ca->first + ca->n; x++) {
        size_t i = gs->order[x];
        const rl_access *a = &m->accesses[g->items[i]];
        uint64_t site_a = split_site(m, gs, g, i);
        uint8_t flags_a = gs->flags[i];
        int a_racing = site_racing(st, gs, i, site_a);
        /* Whether a's pairs with sites already racing are all unwanted:
         * none has fewer doubts than a's least (rl_sites_least_doubts_from)
         * and enough pairs have as few. Once so, so for good: racing sites
         * and confirmed pairs only grow. */
        int a_saturated = 0, a_least = -1;
        /* Within a class, each pair once: its members come by position
         * (split_classes), so those after a are the pairs (a, b), j >= i. */
        int a_writes = (flags_a & RL_ACC_WRITE) != 0;
        size_t y0 = ca == cb ? x : cb->first;
        for (size_t y = a_writes ? y0 : hs->next_write[y0]; y < cb->first + cb->n;
             y = a_writes ? y + 1 : hs->next_write[y + 1]) {
            size_t j = hs->order[y];
            if (flags_a & hs->flags[j] & RL_ACC_ATOMIC) continue; /* two atomic accesses never race */
            if (a->index >= 0 && hs->index[j] >= 0 && a->index != hs->index[j]) continue; /* table[3], table[5] */
            /* A pair that adds no site and would not be kept is not worth
             * confirming: a counter bumped at 2,000 places costs 2,000
             * confirmations, not 2,000,000. A pair of two racing sites is
             * kept only with fewer doubts than enough pairs have; a
             * pair's doubts are at least the classes' (base_doubts, the
             * same for every pair: read from cb's first member), so those
             * tests come first, reading the splits' arrays only
             * (memcached met 50 million pairs of racing sites). */
            uint64_t site_b = split_site(m, hs, h, j);
            int both_racing = 0;
            if (site_racing(st, hs, j, site_b)) {
                /* another pair may have made a's site race since */
                if (!a_racing) a_racing = site_racing(st, gs, i, site_a);
                both_racing = a_racing;
            }
            if (both_racing && a_saturated) continue;
            if (base_doubts < 0) base_doubts = rl_sites_base_doubts(a, &m->accesses[h->items[hs->order[cb->first]]]);
            if (a_least < 0) a_least = rl_sites_least_doubts_from(&st->sites, base_doubts, a);
            if (both_racing && !pair_wanted(st, a_least)) {
                a_saturated = 1;
                continue;
            }
            const rl_access *b = &m->accesses[h->items[j]];
            /* The enclosing group h's place is a prefix of g's: the part
             * both sides may touch. */
            if ((ca->element_locks || cb->element_locks) && common_element_lock(m, a, b, h->place)) continue;
            uint64_t pair = pair_hash(site_a, site_b);
            if (both_racing && rl_u64set_has(&st->counted, pair)) continue;
            int doubts = rl_sites_pair_doubts_from(&st->sites, base_doubts, a, b);
            if (both_racing && !pair_wanted(st, doubts)) continue;
            if ((overlap < 0 || rl_model_pair_may_be_ordered(m, a, b)) && !rl_model_may_run_together(m, a, b)) continue;
            rl_u64set_add(&st->counted, pair);
            mark_racing(st, gs, i, site_a);
            mark_racing(st, hs, j, site_b);
            a_racing = 1;
            st->by_doubts[doubts]++;
            /* Within one group, a pair is (lower, higher) position, as a
             * visit of every pair would first meet it. */
            race_pair rp = {i, j};
            if (g == h && j < i) rp = (race_pair){j, i};
            RL_PUSH(out->items, out->len, out->cap, rp);
        }
    }
}

/* Whether some pair of runs' classes can race: the test both classes
 * would fail for every member, on the runs' shared thread or lockset. */
static int runs_may_race(const rl_model *m, const class_split *gs, const class_run *r, const class_split *hs,
                         const class_run *q, int by_lockset, const char *place)
{
    if (!r->writes && !q->writes) return 0;
    const access_class *a = &gs->classes[r->first], *b = &hs->classes[q->first];
    if (by_lockset) return !common_lock(m, -1, a->held, -1, b->held, place);
    return rl_model_threads_may_overlap(m, a->thread, b->thread) != 0;
}

/* Counts the racing pairs of g with h (h may be g) as pairs of g's
 * location. Each pair of access expressions counts once, with the first
 * contexts that show it in group order (the shortest contexts come first),
 * as if every pair were visited; the write of a pair is its first side. */
static void check_pairs(race_state *st, const rl_access_group *g, const class_split *g_split,
                        const rl_access_group *h, const class_split *h_split)
{
    const rl_model *m = st->ctx->model;
    class_split gs = split_copy(g_split);
    int by_lockset = runs_by_lockset(&gs);
    arrange_runs(&gs, by_lockset);
    class_split hs = gs;
    if (g != h) {
        hs = split_copy(h_split);
        arrange_runs(&hs, by_lockset);
    }
    pair_list found = {0};
    for (size_t r = 0; r < gs.nruns; r++) {
        for (size_t q = g == h ? r : 0; q < hs.nruns; q++) {
            const class_run *rr = &gs.runs[r], *qq = &hs.runs[q];
            if (!runs_may_race(m, &gs, rr, &hs, qq, by_lockset, h->place)) continue;
            for (size_t x = rr->first; x < rr->first + rr->n; x++)
                for (size_t y = rr == qq ? x : qq->first; y < qq->first + qq->n; y++)
                    class_pairs(st, g, &gs, &gs.classes[x], h, &hs, &hs.classes[y], &found);
        }
    }
    if (found.len) qsort(found.items, found.len, sizeof *found.items, race_pair_cmp);
    for (size_t k = 0; k < found.len; k++) {
        const rl_access *a = &m->accesses[g->items[found.items[k].i]];
        const rl_access *b = &m->accesses[h->items[found.items[k].j]];
        if (!(rl_race_flags(st->ctx->options, a) & RL_ACC_WRITE)) {
            const rl_access *t = a;
            a = b;
            b = t;
        }
        rl_sites_add_pair(&st->sites, a, b);
    }
    free(found.items);
    if (g != h) split_copy_free(&hs);
    split_copy_free(&gs);
}

/* A whole-object access (a struct copy) overlaps its fields: pairs g with
 * the group of every object enclosing its place (a prefix ending before a
 * '.' or '[', not through a pointer, not past the root), innermost first.
 * A prefix whose sketch no group's place has is no group's place; one
 * that has is looked up in the pool, never added (interning every prefix
 * of every place grew the pool for nothing, and hashing each whole was
 * quadratic in the place's length). */
static void pair_enclosing(race_state *st, const rl_access_group *g, const class_split *g_split)
{
    const rl_model *m = st->ctx->model;
    const char *place = g->place;
    for (size_t cut = strlen(place); cut > 0; cut--) {
        char ch = place[cut - 1];
        if (ch == '*' || ch == '}' || ch == ':') break; /* not through a pointer, not past the root */
        if ((ch != '.' && ch != '[') || cut < 2) continue;
        if (!rl_u64set_has(&st->group_sketches, place_sketch(place, cut - 1))) continue;
        const char *enclosing = rl_strpool_find_n(m->program->pool, place, cut - 1);
        const rl_access_group *outer = enclosing ? rl_model_group(m, enclosing) : NULL;
        if (outer) check_pairs(st, g, g_split, outer, outer_split(st, outer));
    }
}

void rl_check_DataRace(rl_check_ctx *ctx)
{
    const rl_model *m = ctx->model;
    race_state st = {ctx, {0}, RL_U64SET_INIT, RL_U64SET_INIT, {0}, 0, RL_PTRMAP_INIT, RL_PTRMAP_INIT, RL_U64SET_INIT};
    index_group_places(&st);
    rl_sites_init(&st.sites, m);
    st.sites.options = ctx->options;
    for (size_t k = 0; k < m->ngroups; k++) {
        /* Past the whole-program budget, the locations not yet paired are
         * left: the driver says so (util/budget.h). */
        if (rl_budget_spent(m->program->budget)) break;
        const rl_access_group *g = &m->groups[k];
        rl_sites_reset(&st.sites);
        st.location++;
        rl_u64set_free(&st.counted);
        rl_u64set_free(&st.racing);
        memset(st.by_doubts, 0, sizeof st.by_doubts);
        class_split g_split = split_classes(m, ctx->options, g);
        check_pairs(&st, g, &g_split, g, &g_split);
        pair_enclosing(&st, g, &g_split);
        class_split_free(&g_split);
        report(&st, g);
    }
    rl_sites_free(&st.sites);
    rl_u64set_free(&st.counted);
    rl_u64set_free(&st.racing);
    for (size_t i = 0; i < st.guards.nslots; i++)
        if (st.guards.keys[i]) free(st.guards.values[i]);
    rl_ptrmap_free(&st.guards);
    for (size_t i = 0; i < st.outer_splits.nslots; i++) {
        class_split *cs = st.outer_splits.values[i];
        if (!st.outer_splits.keys[i]) continue;
        class_split_free(cs);
        free(cs);
    }
    rl_ptrmap_free(&st.outer_splits);
    rl_u64set_free(&st.group_sketches);
}
