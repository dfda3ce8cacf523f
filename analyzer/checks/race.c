/* Rule `race`: unprotected conflicting accesses from threads that may run
 * together. Accesses are grouped by resolved location first, so only
 * accesses to the same memory are ever paired (rl_model groups them); each pair of access sites
 * is reported once, with the first (shortest) context that shows it. */
#include "checks.h"
#include "evidence.h"
#include "../model/guards.h"
#include "../model/place.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Some lock held by both sides orders them, unless both hold it only in
 * shared (read) mode. */
static int common_lock(const rl_lockset *a, const rl_lockset *b)
{
    if (a == b) { /* locksets are interned: the common case in big groups */
        for (size_t i = 0; i < a->n; i++)
            if (!a->e[i].shared) return 1;
        return 0;
    }
    for (size_t i = 0; i < a->n; i++) {
        int mb = rl_ls_mode(b, a->e[i].lock);
        if (mb < 0) continue;
        if (!(a->e[i].shared && mb == 1)) return 1;
    }
    return 0;
}

/* The place with the thread qualifier removed, for fingerprints. */
static const char *stable_key(const char *place)
{
    if (place[0] == 't') {
        const char *colon = strchr(place, ':');
        if (colon) return colon + 1;
    }
    return place;
}

/* "'x' is accessed holding 'l' at 12 of 14 places; this one does not".
 * Sets *rank to the guard's coverage: a location guarded almost everywhere
 * and missed in one place is the likeliest real bug. */
static char *guard_hint(const rl_model *m, const rl_guard *g, const rl_access *a, const rl_access *b, double *rank)
{
    if (!g || !rl_guard_is_believed(g)) return NULL;
    rl_guard guard = *g;
    *rank = (double)guard.covered / (double)guard.sites;
    rl_strbuf lock = RL_STRBUF_INIT, where = RL_STRBUF_INIT;
    rl_model_lock_display(m, guard.lock, &lock);
    rl_place_pretty(a->place, &where);
    int a_misses = !rl_ls_contains(a->held, guard.lock), b_misses = !rl_ls_contains(b->held, guard.lock);
    const rl_node *na = &rl_model_ctx_function(m, a->ctx)->nodes[a->node];
    const rl_node *nb = &rl_model_ctx_function(m, b->ctx)->nodes[b->node];
    rl_strbuf missing = RL_STRBUF_INIT;
    if (a_misses) rl_sb_printf(&missing, "line %u", na->loc.line);
    if (b_misses && !(a_misses && na == nb)) rl_sb_printf(&missing, "%sline %u", a_misses ? " and " : "", nb->loc.line);
    char *hint;
    if (missing.len) {
        hint = rl_xasprintf("'%s' is accessed holding '%s' at %zu of %zu places; take it at %s", rl_sb_str(&where),
                            rl_sb_str(&lock), guard.covered, guard.sites, rl_sb_str(&missing));
    } else {
        /* Both hold the guard, but only for reading: the write needs it
         * exclusively. */
        const rl_access *w = (a->flags & RL_ACC_WRITE) ? a : b;
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

typedef struct pair_seen pair_seen;

/* What one run of the rule remembers: the pairs reported, and the guard of
 * each location, inferred once however many of its pairs race. */
typedef struct race_state {
    rl_check_ctx *ctx;
    pair_seen *seen;
    rl_ptrmap guards; /* place -> rl_guard* (owned) */
} race_state;

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

static void report(race_state *st, const rl_access *a, const rl_access *b)
{
    rl_check_ctx *ctx = st->ctx;
    const rl_model *m = ctx->model;
    /* The write first: it is what a user will want to change. */
    if (!(a->flags & RL_ACC_WRITE)) {
        const rl_access *t = a;
        a = b;
        b = t;
    }
    rl_finding *f = rl_findings_add(ctx->out);
    f->rule = rl_xstrdup("race");
    f->severity = RL_SEV_WARNING;
    f->location = rl_evidence_location(a);
    const rl_node *na = &rl_model_ctx_function(m, a->ctx)->nodes[a->node];
    f->message = rl_xasprintf("data race on '%s'", na->display && na->display[0] ? na->display : f->location);
    rl_evidence_add_access(m, f, a);
    rl_evidence_add_access(m, f, b);
    f->hint = guard_hint(m, guard_for(st, a->place), a, b, &f->rank);
    const char *parts[6];
    for (int i = 0; i < 2; i++) {
        const rl_event *ev = &f->events[i];
        parts[i * 3] = ev->function;
        parts[i * 3 + 1] = ev->kind;
        parts[i * 3 + 2] = ev->thread;
    }
    rl_evidence_fingerprint(f, stable_key(a->place), parts, 6);
}

/* A site is one access expression in the code. */
static uint64_t site_key(const rl_model *m, const rl_access *a)
{
    return ((uint64_t)(uint32_t)m->ctxs[a->ctx].fn << 32) | (uint32_t)a->node;
}

struct pair_seen {
    uint64_t *keys; /* open addressing over (site a, site b) hashes; 0 = empty */
    size_t nslots, count;
};

static int pair_first_time(pair_seen *s, uint64_t x, uint64_t y)
{
    if (x > y) {
        uint64_t t = x;
        x = y;
        y = t;
    }
    uint64_t h = (x * 0x9E3779B97F4A7C15ULL) ^ (y + 0x632BE59BD9B4E019ULL + (x << 6));
    if (!h) h = 1;
    if ((s->count + 1) * 2 > s->nslots) {
        size_t n = s->nslots ? s->nslots * 2 : 1024;
        uint64_t *keys = rl_xcalloc(n, sizeof *keys);
        for (size_t i = 0; i < s->nslots; i++) {
            if (!s->keys[i]) continue;
            size_t j = s->keys[i] & (n - 1);
            while (keys[j]) j = (j + 1) & (n - 1);
            keys[j] = s->keys[i];
        }
        free(s->keys);
        s->keys = keys;
        s->nslots = n;
    }
    size_t j = h & (s->nslots - 1);
    while (s->keys[j]) {
        if (s->keys[j] == h) return 0;
        j = (j + 1) & (s->nslots - 1);
    }
    s->keys[j] = h;
    s->count++;
    return 1;
}

/* Pairs every access of g with every access of h (each pair once when g
 * and h are the same group). */
static void check_pairs(race_state *st, const rl_access_group *g, const rl_access_group *h)
{
    const rl_model *m = st->ctx->model;
    for (size_t i = 0; i < g->len; i++) {
        const rl_access *a = &m->accesses[g->items[i]];
        for (size_t j = g == h ? i : 0; j < h->len; j++) {
            const rl_access *b = &m->accesses[h->items[j]];
            if (!((a->flags | b->flags) & RL_ACC_WRITE)) continue;
            if (common_lock(a->held, b->held)) continue;
            if (!rl_model_may_run_together(m, a, b)) continue;
            if (!pair_first_time(st->seen, site_key(m, a), site_key(m, b))) continue;
            report(st, a, b);
        }
    }
}

void rl_check_DataRace(rl_check_ctx *ctx)
{
    const rl_model *m = ctx->model;
    pair_seen seen = {0};
    race_state st = {ctx, &seen, RL_PTRMAP_INIT};
    for (size_t k = 0; k < m->ngroups; k++) {
        const rl_access_group *g = &m->groups[k];
        check_pairs(&st, g, g);
        /* A whole-object access (a struct copy) overlaps its fields: pair
         * this group with every enclosing object's group. */
        rl_strbuf prefix = RL_STRBUF_INIT;
        rl_sb_append(&prefix, g->place);
        for (size_t cut = prefix.len; cut > 0; cut--) {
            char ch = prefix.data[cut - 1];
            if (ch == '*' || ch == '}' || ch == ':') break; /* not through a pointer, not past the root */
            if ((ch != '.' && ch != '[') || cut < 2) continue;
            rl_sb_truncate(&prefix, cut - 1);
            const rl_access_group *outer = rl_model_group(m, rl_intern(m->program->pool, rl_sb_str(&prefix)));
            if (outer) check_pairs(&st, g, outer);
        }
        rl_sb_free(&prefix);
    }
    free(seen.keys);
    for (size_t i = 0; i < st.guards.nslots; i++)
        if (st.guards.keys[i]) free(st.guards.values[i]);
    rl_ptrmap_free(&st.guards);
}
