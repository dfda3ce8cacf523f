/* Rule `unlock-not-held`: a release of a lock that no path to it holds,
 * neither in this function nor in any caller. Using the may-held set (not
 * the must-held one) keeps locks taken under correlated conditions
 * (`if (x) lock; ... if (x) unlock;`) quiet. */
#include "checks.h"
#include "evidence.h"
#include "model/place.h"
#include "util/mem.h"
#include "util/strbuf.h"

/* The locks some code acquires: taken by a lock event, or held on some
 * path at some lock event (a trylock counts only where its success is
 * tested, so a test-and-set whose result is dropped acquires nothing):
 * key -> non-NULL. */
static void collect_acquired(const rl_model *m, rl_ptrmap *acquired)
{
    for (size_t i = 0; i < m->nlock_events; i++) {
        const rl_lock_event *e = &m->lock_events[i];
        if (e->kind == RL_N_LOCK) rl_ptrmap_put(acquired, e->lock, (void *)1);
        for (size_t k = 0; e->may && k < e->may->n; k++) rl_ptrmap_put(acquired, e->may->e[k].lock, (void *)1);
    }
}

void rl_check_UnlockNotHeld(rl_check_ctx *ctx)
{
    const rl_model *m = ctx->model;
    rl_ptrmap reported = RL_PTRMAP_INIT;
    /* An object nothing acquires is not used as a lock in this program
     * (an atomic_flag cleared as a plain flag, modelled as a spinlock's
     * release): its release is no half of a pair. */
    rl_ptrmap acquired = RL_PTRMAP_INIT;
    collect_acquired(m, &acquired);
    for (size_t i = 0; i < m->nlock_events; i++) {
        const rl_lock_event *e = &m->lock_events[i];
        if (e->kind != RL_N_UNLOCK || rl_ls_contains(e->may, e->lock)) continue;
        if (!rl_model_lock_is_one_object(m, e->lock)) continue; /* see threads.h */
        if (!rl_ptrmap_get(&acquired, e->lock)) continue;
        const rl_node *n = &rl_model_ctx_function(m, e->ctx)->nodes[e->node];
        /* A store of 0 to a word some code takes as a spinlock is also
         * how a plain flag is reset: no half of a pair either. */
        if (n->flags & RL_LOCK_SPIN) continue;
        void **slot = rl_ptrmap_slot(&reported, n);
        if (*slot) continue;
        *slot = (void *)1;
        rl_finding *f = rl_findings_add(ctx->out);
        f->rule = rl_xstrdup("unlock-not-held");
        f->severity = RL_SEV_WARNING;
        rl_strbuf name = RL_STRBUF_INIT;
        rl_evidence_lock_name(m, e->lock, &name);
        f->location = rl_xstrdup(rl_sb_str(&name));
        f->message = rl_xasprintf("'%s' is released but no path here holds it", rl_sb_str(&name));
        rl_sb_free(&name);
        rl_evidence_add_node(m, f, e->ctx, e->node, "unlock", e->may);
        f->confidence = rl_evidence_confidence(rl_evidence_lock_doubts(m, e->ctx, e->lock));
        const char *parts[2] = {f->events[0].function, f->events[0].thread};
        rl_evidence_fingerprint(f, e->lock, parts, 2);
    }
    rl_ptrmap_free(&reported);
    rl_ptrmap_free(&acquired);
}
