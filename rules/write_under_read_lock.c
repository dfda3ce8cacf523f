/* Rule `write-under-read-lock`: a write made while the guarding rwlock is
 * held only in shared mode. Reported once per write site, when some other
 * access to the same location can run at the same time (so that the
 * shared mode really admits a conflicting reader). */
#include "checks.h"
#include "evidence.h"
#include "util/mem.h"
#include "util/strbuf.h"
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

static int has_concurrent_peer(const rl_model *m, const rl_access_group *g, const rl_access *a)
{
    for (size_t j = 0; j < g->len; j++) {
        const rl_access *b = &m->accesses[g->items[j]];
        if (rl_model_may_run_together(m, a, b)) return 1;
    }
    return 0;
}

void rl_check_WriteUnderReadLock(rl_check_ctx *ctx)
{
    const rl_model *m = ctx->model;
    rl_ptrmap reported = RL_PTRMAP_INIT; /* site -> 1 */
    for (size_t k = 0; k < m->ngroups; k++) {
        const rl_access_group *g = &m->groups[k];
        for (size_t i = 0; i < g->len; i++) {
            const rl_access *a = &m->accesses[g->items[i]];
            if (!(a->flags & RL_ACC_WRITE)) continue;
            const char *lock = read_only_lock(a->held);
            if (!lock || !has_concurrent_peer(m, g, a)) continue;
            const rl_function *fn = rl_model_ctx_function(m, a->ctx);
            const rl_node *n = &fn->nodes[a->node];
            void **slot = rl_ptrmap_slot(&reported, n);
            if (*slot) continue;
            *slot = (void *)1;
            rl_finding *f = rl_findings_add(ctx->out);
            f->rule = rl_xstrdup("write-under-read-lock");
            f->severity = RL_SEV_WARNING;
            f->location = rl_evidence_location(a);
            rl_strbuf lk = RL_STRBUF_INIT;
            rl_model_lock_display(m, lock, &lk);
            f->message = rl_xasprintf("write to '%s' while '%s' is held only for reading",
                                      n->display && n->display[0] ? n->display : f->location, rl_sb_str(&lk));
            f->hint = rl_xasprintf("take '%s' in write mode (pthread_rwlock_wrlock) around this write", rl_sb_str(&lk));
            rl_sb_free(&lk);
            rl_evidence_add_access(m, f, a);
            const char *parts[3] = {f->events[0].function, f->events[0].kind, f->events[0].thread};
            rl_evidence_fingerprint(f, f->location, parts, 3);
        }
    }
    rl_ptrmap_free(&reported);
}
