/* Guard inference (guards.h). A site holds a lock when every context that
 * reaches it holds it; the guard is the lock held at the most sites (ties
 * broken by name, so results are stable). Accesses made while main runs
 * alone are left out: they need no lock, so they are no evidence. A lock
 * reached through a pointer racelint cannot trace ("{pthread_mutex_t}")
 * is never the guard: it names no one object (rules/race.c). */
#include "guards.h"
#include "place.h"
#include "../util/mem.h"
#include <stdlib.h>
#include <string.h>

typedef struct site {
    int fn;
    int32_t node;
    const rl_lockset *held; /* meet over the site's accesses */
} site;

rl_guard rl_guard_of(const rl_model *m, const rl_access_group *g)
{
    rl_guard r;
    memset(&r, 0, sizeof r);
    r.place = g->place;
    site *sites = rl_xcalloc(g->len + 1, sizeof *sites);
    size_t nsites = 0;
    int *threads = rl_xcalloc(g->len + 1, sizeof *threads);
    for (size_t i = 0; i < g->len; i++) {
        const rl_access *a = &m->accesses[g->items[i]];
        /* set-up and tear-down in main need no lock: they say nothing */
        if (rl_model_runs_alone(m, a->ctx, a->node)) continue;
        int fn = m->ctxs[a->ctx].fn;
        size_t k = 0;
        while (k < nsites && !(sites[k].fn == fn && sites[k].node == a->node)) k++;
        if (k == nsites) {
            sites[nsites].fn = fn;
            sites[nsites].node = a->node;
            sites[nsites++].held = a->held;
        } else {
            sites[k].held = rl_ls_meet(m->flow->locks, sites[k].held, a->held);
        }
        size_t t = 0;
        while (t < r.threads && threads[t] != a->thread) t++;
        if (t == r.threads) threads[r.threads++] = a->thread;
    }
    r.sites = nsites;
    /* A lock the code declares (GUARDED_BY) is the guard, however few of
     * the sites hold it. */
    for (size_t i = 0; i < g->len && !r.declared; i++) {
        const char *declared = m->accesses[g->items[i]].guard;
        if (!declared || !declared[0]) continue;
        r.lock = declared;
        r.declared = 1;
        for (size_t k = 0; k < nsites; k++) r.covered += rl_ls_contains(sites[k].held, declared) ? 1 : 0;
    }
    for (size_t k = 0; k < nsites && !r.declared; k++) {
        for (size_t l = 0; sites[k].held && l < sites[k].held->n; l++) {
            const char *lock = sites[k].held->e[l].lock;
            /* a lock through an untraceable pointer names no one object */
            if (rl_place_is_unknown_object(lock)) continue;
            size_t count = 0;
            for (size_t j = 0; j < nsites; j++) count += rl_ls_contains(sites[j].held, lock) ? 1 : 0;
            if (count > r.covered || (count == r.covered && r.lock && strcmp(lock, r.lock) < 0)) {
                r.covered = count;
                r.lock = lock;
            }
        }
    }
    free(sites);
    free(threads);
    return r;
}

int rl_guard_is_believed(const rl_guard *g)
{
    return g->lock && (g->declared || g->covered * 2 > g->sites);
}

/* The root object of a place (`G:stats`, `{struct conn}`, `t1:main:H4_2`):
 * its length, past a leading '&'. */
static size_t root_length(const char **place)
{
    if (**place == '&') (*place)++;
    return rl_place_root_len(*place);
}

static const char *node_file(const rl_model *m, int ctx, int32_t node)
{
    const char *file = rl_model_ctx_function(m, ctx)->nodes[node].loc.file;
    return file ? file : "";
}

int rl_guard_belongs(const rl_model *m, const rl_access_group *g, const rl_guard *guard)
{
    if (!guard->lock) return 0;
    if (guard->declared) return 1;
    const char *loc = g->place, *lock = guard->lock;
    size_t nloc = root_length(&loc), nlock = root_length(&lock);
    if (nloc == nlock && strncmp(loc, lock, nloc) == 0) return 1; /* the same object or struct type */
    /* The same module: the lock is taken in a file where the location is
     * accessed. The location's files are few; collect them once. */
    const char **files = rl_xcalloc(g->len + 1, sizeof *files);
    size_t nfiles = 0;
    for (size_t i = 0; i < g->len; i++) {
        const rl_access *a = &m->accesses[g->items[i]];
        const char *file = node_file(m, a->ctx, a->node);
        size_t k = 0;
        while (k < nfiles && strcmp(files[k], file) != 0) k++;
        if (k == nfiles) files[nfiles++] = file;
    }
    int belongs = 0;
    for (size_t e = 0; e < m->nlock_events && !belongs; e++) {
        const rl_lock_event *ev = &m->lock_events[e];
        if (ev->lock != guard->lock || ev->kind == RL_N_UNLOCK) continue;
        const char *file = node_file(m, ev->ctx, ev->node);
        for (size_t k = 0; k < nfiles && !belongs; k++) belongs = strcmp(files[k], file) == 0;
    }
    free(files);
    return belongs;
}
