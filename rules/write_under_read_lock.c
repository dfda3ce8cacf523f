/* Rule `write-under-read-lock`: a write made while the guarding rwlock is
 * held only in shared mode, when some other access to the same location
 * can run at the same time (so that the shared mode really admits a
 * conflicting reader); an access holding that lock for writing cannot. One finding per location, its sites every such
 * write (sites.h). */
#include "checks.h"
#include "evidence.h"
#include "sites.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include <stdlib.h>
#include <string.h>

/* The first lock held in shared mode, when no lock is held exclusively. */
static const char *read_only_lock(const rl_lockset *held)
{
    const char *shared = NULL;
    for (size_t i = 0; held && i < held->n; i++) {
        if (!held->e[i].shared) return NULL;
        if (!shared) shared = held->e[i].lock;
    }
    return shared;
}

/* Whether access b holds in exclusive mode a lock that the write a holds
 * for reading: b's writer excludes a's reader, so they never overlap. */
static int excluded_by_writer(const rl_access *a, const rl_access *b)
{
    for (size_t i = 0; b->held && i < b->held->n; i++)
        if (!b->held->e[i].shared && rl_ls_contains(a->held, b->held->e[i].lock)) return 1;
    return 0;
}

/* Whether some access to the location may run while the write a runs
 * under its read lock: one that may run together with it and does not
 * hold that lock for writing. */
static int has_concurrent_peer(const rl_model *m, const rl_access_group *g, const rl_access *a)
{
    for (size_t j = 0; j < g->len; j++) {
        const rl_access *b = &m->accesses[g->items[j]];
        if (!excluded_by_writer(a, b) && rl_model_may_run_together(m, a, b)) return 1;
    }
    return 0;
}

void rl_check_WriteUnderReadLock(rl_check_ctx *ctx)
{
    const rl_model *m = ctx->model;
    rl_sites sites;
    rl_sites_init(&sites, m);
    for (size_t k = 0; k < m->ngroups; k++) {
        const rl_access_group *g = &m->groups[k];
        rl_sites_reset(&sites);
        for (size_t i = 0; i < g->len; i++) {
            const rl_access *a = &m->accesses[g->items[i]];
            if (!(a->flags & RL_ACC_WRITE) || (a->flags & RL_ACC_ATOMIC)) continue; /* an atomic write is fine */
            if (!read_only_lock(a->held) || !has_concurrent_peer(m, g, a)) continue;
            rl_sites_add(&sites, a);
        }
        const rl_access *a;
        rl_finding *f = rl_sites_emit(&sites, ctx->out, "write-under-read-lock", RL_SEV_WARNING, g->place, &a, NULL);
        if (!f) continue;
        rl_strbuf lk = RL_STRBUF_INIT;
        rl_evidence_lock_name(m, read_only_lock(a->held), &lk);
        char *what = rl_evidence_what(m, a);
        f->message = rl_xasprintf("write to '%s' while '%s' is held only for reading", what, rl_sb_str(&lk));
        free(what);
        f->hint = rl_xasprintf("take '%s' in write mode (pthread_rwlock_wrlock) around %s", rl_sb_str(&lk),
                               f->nevents > 1 ? "these writes" : "this write");
        rl_sb_free(&lk);
    }
    rl_sites_free(&sites);
}
