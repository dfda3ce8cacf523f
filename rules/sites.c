/* One finding per location (sites.h). Doubts, each lowering confidence one
 * step (0: high, 1: medium, 2 or more: low):
 *  - a side reached through a call through a pointer that only its type
 *    resolved (rl_model_ctx_via_indirect);
 *  - a location that stands for many objects (a type-based place `{T}`, an
 *    array element): the two sides may touch different ones;
 *  - both sides reach their object only by its type (each a `{T}` place):
 *    nothing shows they share an object, only that the objects have one
 *    type, and in real code most such pairs are each thread's own (zstd's
 *    compression contexts, one per pool job);
 *  - a side's pointer may hold several objects and this is one of them
 *    (rl_access.one_of_several), once per such side: the pair may be two
 *    objects (a connection from `conns[fd]` or a new one);
 *  - both sides hold locks, none in common: the code does lock, with
 *    locks that differ (two if one of them is itself a summary of many
 *    objects, a maybe-lock that may well be the same lock on both sides).
 * A write with no lock anywhere has no lock doubt. */
#include "sites.h"
#include "evidence.h"
#include "model/place.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/strpool.h"
#include <stdlib.h>
#include <string.h>

/* A pair whose sides both lock, with locks that differ, has this many
 * lock doubts; two when one of the locks is a summary of many objects. */
#define DOUBTS_LOCKS_DIFFER 1
#define DOUBTS_MAYBE_LOCK 2

void rl_sites_init(rl_sites *s, const rl_model *m)
{
    memset(s, 0, sizeof *s);
    s->model = m;
}

void rl_sites_reset(rl_sites *s)
{
    const rl_model *m = s->model;
    signed char *weak = s->weak;
    const rl_rule_options *options = s->options;
    s->weak = NULL;
    rl_sites_free(s);
    rl_sites_init(s, m);
    s->weak = weak;
    s->options = options;
}

/* rl_model_ctx_via_indirect, asked once per context (it walks the chain
 * of callers, and a rule asks for every pair). */
static int weak_ctx(rl_sites *s, int ctx)
{
    if (!s->weak) {
        s->weak = rl_xmalloc(s->model->nctxs + 1);
        memset(s->weak, -1, s->model->nctxs + 1);
    }
    if (s->weak[ctx] < 0) s->weak[ctx] = rl_model_ctx_via_indirect(s->model, ctx) ? 1 : 0;
    return s->weak[ctx];
}

void rl_sites_free(rl_sites *s)
{
    free(s->weak);
    rl_ptrmap_free(&s->by_key);
    free(s->sites);
    free(s->pairs);
    rl_u64set_free(&s->seen);
    memset(s, 0, sizeof *s);
}

/* The site of access a, created on first sight. Sites are keyed by
 * position, so a macro expansion is one site, and so are the threads and
 * contexts that reach one expression. */
static size_t site_of(rl_sites *s, const rl_access *a)
{
    const rl_node *n = &rl_model_ctx_function(s->model, a->ctx)->nodes[a->node];
    /* a 64-bit hash of the position stands for it (a collision would
     * need two positions of one location to agree on 64 bits) */
    const char *file = n->loc.file ? n->loc.file : "";
    uint32_t where[2] = {n->loc.line, n->loc.col};
    uint64_t h = rl_hash_bytes(where, sizeof where, rl_hash_bytes(file, strlen(file), 0));
    void **slot = rl_ptrmap_slot(&s->by_key, (const void *)(uintptr_t)(h | 1));
    if (!*slot) {
        RL_GROW(s->sites, s->cap_sites, s->nsites + 1);
        s->sites[s->nsites] = (rl_site){a, 0, weak_ctx(s, a->ctx)};
        *slot = (void *)(uintptr_t)++s->nsites;
    }
    size_t i = (uintptr_t)*slot - 1;
    s->sites[i].flags |= rl_race_flags(s->options, a) & (RL_ACC_READ | RL_ACC_WRITE | RL_ACC_ATOMIC);
    return i;
}

uint8_t rl_race_flags(const rl_rule_options *o, const rl_access *a)
{
    uint8_t flags = a->flags;
    if (!o) return flags;
    if (o->race_ignore_volatile && (flags & RL_ACC_VOLATILE)) return 0;
    if (o->race_ignore_free && (flags & RL_ACC_RELEASE)) flags &= (uint8_t)~RL_ACC_WRITE;
    return (flags & (RL_ACC_READ | RL_ACC_WRITE)) ? flags : 0;
}

void rl_sites_add(rl_sites *s, const rl_access *a)
{
    site_of(s, a);
}

/* Whether a set holds a lock that may be another name of a lock the
 * other side holds: a summary of many objects (by type, an element of
 * unknown index, a choice), or a lock reached through a pointer the model
 * did not follow to one object ("X.pool*.lock": X.pool was given several
 * values, or none racelint traced), which may be the very lock the other
 * side names by its object. */
static int has_maybe_lock(const rl_lockset *held)
{
    for (size_t i = 0; held && i < held->n; i++)
        if (!rl_place_is_single_object(held->e[i].lock) || strchr(held->e[i].lock, '*')) return 1;
    return 0;
}

/* Whether the two sets name some lock in common (held for reading by
 * both, or through a thread that created the other: not locks that
 * differ). */
static int share_a_lock(const rl_lockset *a, const rl_lockset *b)
{
    for (size_t i = 0; i < a->n; i++)
        if (rl_ls_contains(b, a->e[i].lock)) return 1;
    return 0;
}

/* The doubts of a pair beyond its sites' own (file comment). */
/* The doubts of the places and the locksets: the same for every pair of
 * two classes (rl_sites_base_doubts). */
static int class_doubts(const rl_access *a, const rl_access *b)
{
    int doubts = 0;
    if (!rl_place_is_single_object(a->place) || !rl_place_is_single_object(b->place)) doubts++;
    if (rl_place_is_by_type(a->place) && rl_place_is_by_type(b->place)) doubts++;
    if (a->held && a->held->n && b->held && b->held->n && !share_a_lock(a->held, b->held))
        doubts += has_maybe_lock(a->held) || has_maybe_lock(b->held) ? DOUBTS_MAYBE_LOCK : DOUBTS_LOCKS_DIFFER;
    return doubts;
}

/* The doubts of one pair of accesses themselves: one of several objects a
 * pointer may hold, on one side, or on both. */
static int access_doubts(const rl_access *a, const rl_access *b)
{
    return a->one_of_several + b->one_of_several;
}

static int pair_doubts(const rl_access *a, const rl_access *b)
{
    return class_doubts(a, b) + access_doubts(a, b);
}

int rl_sites_base_doubts(const rl_access *a, const rl_access *b)
{
    return class_doubts(a, b);
}

/* Doubts past the bound counted at the bound: callers index arrays by
 * doubts (sites.h). */
static int bounded_doubts(int doubts)
{
    return doubts < RL_SITES_MAX_DOUBTS ? doubts : RL_SITES_MAX_DOUBTS;
}

int rl_sites_pair_doubts_from(rl_sites *s, int base, const rl_access *a, const rl_access *b)
{
    int weak = weak_ctx(s, a->ctx) || weak_ctx(s, b->ctx);
    int doubts = base + access_doubts(a, b) + (weak ? 1 : 0);
    return bounded_doubts(doubts);
}

int rl_sites_least_doubts_from(rl_sites *s, int base, const rl_access *a)
{
    int doubts = base + a->one_of_several + (weak_ctx(s, a->ctx) ? 1 : 0);
    return bounded_doubts(doubts);
}

void rl_sites_add_pair(rl_sites *s, const rl_access *a, const rl_access *b)
{
    size_t x = site_of(s, a), y = site_of(s, b);
    size_t lo = x < y ? x : y, hi = x < y ? y : x;
    uint64_t key = ((uint64_t)lo << 32 | (uint64_t)(uint32_t)hi) + 1;
    if (!rl_u64set_add(&s->seen, key)) return;
    int doubts = pair_doubts(a, b) + (s->sites[x].doubts || s->sites[y].doubts ? 1 : 0);
    RL_GROW(s->pairs, s->cap_pairs, s->npairs + 1);
    s->pairs[s->npairs] = (rl_site_pair){x, y, a, b, doubts, s->npairs};
    s->npairs++;
}

static int pair_cmp(const void *x, const void *y)
{
    const rl_site_pair *a = x, *b = y;
    if (a->doubts != b->doubts) return a->doubts < b->doubts ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* A lone site's doubts: its chain, and a location of many objects. */
static int site_doubts(const rl_site *site)
{
    return site->doubts + (rl_place_is_single_object(site->rep->place) ? 0 : 1);
}

rl_finding *rl_sites_emit(rl_sites *s, rl_findings *out, const char *rule, rl_severity severity, const char *place,
                          const rl_access **first_a, const rl_access **first_b)
{
    if (s->nsites == 0) return NULL;
    const rl_model *m = s->model;
    if (s->npairs > 1) qsort(s->pairs, s->npairs, sizeof *s->pairs, pair_cmp);
    /* Events in order: the best pair's sides, then the other sites as
     * they were met. */
    size_t *event_of = rl_xcalloc(s->nsites, sizeof *event_of), *site_at = rl_xcalloc(s->nsites, sizeof *site_at);
    size_t nev = 0, best_site = 0;
    int doubts;
    if (s->npairs) {
        /* the best pair's sites show the accesses of that pair */
        s->sites[s->pairs[0].a].rep = s->pairs[0].pa;
        if (s->pairs[0].b != s->pairs[0].a) s->sites[s->pairs[0].b].rep = s->pairs[0].pb;
        site_at[nev++] = s->pairs[0].a;
        if (s->pairs[0].b != s->pairs[0].a) site_at[nev++] = s->pairs[0].b;
        doubts = s->pairs[0].doubts;
        best_site = s->pairs[0].a;
    } else {
        for (size_t i = 1; i < s->nsites; i++)
            if (site_doubts(&s->sites[i]) < site_doubts(&s->sites[best_site])) best_site = i;
        site_at[nev++] = best_site;
        doubts = site_doubts(&s->sites[best_site]);
    }
    for (size_t i = 0; i < s->nsites; i++)
        if (!(i == site_at[0] || (nev > 1 && i == site_at[1]))) site_at[nev++] = i;
    /* A site racing with itself from another thread (not another instance
     * of its own) shows that thread as a second event at the same place. */
    int other_thread = s->npairs && s->pairs[0].a == s->pairs[0].b && s->pairs[0].pa->thread != s->pairs[0].pb->thread;

    rl_finding *f = rl_findings_add(out);
    f->rule = rl_xstrdup(rule);
    f->severity = severity;
    /* The fingerprint's key is the location as rl_place_pretty writes it
     * (what schema 5 stored, with no allocation line); people read it
     * with heap objects named by their allocation site. */
    rl_strbuf key = RL_STRBUF_INIT, where = RL_STRBUF_INIT;
    rl_place_pretty(place, &key);
    rl_evidence_name(m, place, &where);
    f->location = rl_sb_take(&where);
    f->confidence = rl_evidence_confidence(doubts);
    const char **functions = rl_xcalloc(nev, sizeof *functions);
    for (size_t e = 0; e < nev; e++) {
        const rl_site *site = &s->sites[site_at[e]];
        event_of[site_at[e]] = e;
        rl_evidence_add_access(m, f, site->rep);
        /* the site's kind is every access counted there */
        free(f->events[e].kind);
        f->events[e].kind = rl_xstrdup(rl_access_kind_name(site->flags));
        functions[e] = f->events[e].function;
    }
    if (other_thread) {
        rl_evidence_add_access(m, f, s->pairs[0].pb);
        free(f->events[nev].kind);
        f->events[nev].kind = rl_xstrdup(rl_access_kind_name(s->sites[s->pairs[0].a].flags));
        rl_finding_add_pair(f, 0, (unsigned)nev);
    }
    for (size_t p = other_thread ? 1 : 0; p < s->npairs; p++)
        rl_finding_add_pair(f, (unsigned)event_of[s->pairs[p].a], (unsigned)event_of[s->pairs[p].b]);
    rl_location_fingerprint(f->fingerprint, rule, rl_sb_str(&key), functions, nev);
    rl_finding_drop_unpaired_chains(f);
    rl_sb_free(&key);
    if (first_a) *first_a = s->sites[best_site].rep;
    if (first_b) *first_b = s->npairs ? s->pairs[0].pb : s->sites[best_site].rep;
    free(functions);
    free(event_of);
    free(site_at);
    return f;
}
