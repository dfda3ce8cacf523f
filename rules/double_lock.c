/* Rule `double-lock`: an exclusive acquisition of a lock that every path
 * to it already holds, or every path of some call to its function (a
 * helper called both with and without the lock: the call holding it is
 * an event of its own, "call", when the chain printed is another's),
 * unless the lock may be recursive. One finding per acquisition site. */
#include "checks.h"
#include "evidence.h"
#include "model/place.h"
#include "util/mem.h"
#include "util/strbuf.h"

void rl_check_DoubleLock(rl_check_ctx *ctx)
{
    const rl_model *m = ctx->model;
    rl_ptrmap reported = RL_PTRMAP_INIT;
    for (size_t i = 0; i < m->nlock_events; i++) {
        const rl_lock_event *e = &m->lock_events[i];
        if (e->kind != RL_N_LOCK) continue;
        /* Held on every path here, or on every path of some call to this
         * context (a helper taking the lock one caller holds) */
        int mode = rl_ls_mode(e->held, e->lock);
        int from_caller = mode < 0 && e->held_some && (mode = rl_ls_mode(e->held_some, e->lock)) >= 0;
        if (mode < 0 || (mode == 1 && e->shared)) continue; /* not held, or read lock twice */
        if (rl_model_lock_is_recursive(m, e->lock)) continue;
        /* A callee found only by its type may never be called here: too
         * weak to claim a self-deadlock. */
        if (rl_model_ctx_via_indirect(m, e->ctx)) continue;
        if (!rl_model_lock_is_one_object(m, e->lock)) continue; /* see threads.h */
        const rl_node *n = &rl_model_ctx_function(m, e->ctx)->nodes[e->node];
        void **slot = rl_ptrmap_slot(&reported, n);
        if (*slot) continue;
        *slot = (void *)1;
        rl_finding *f = rl_findings_add(ctx->out);
        f->rule = rl_xstrdup("double-lock");
        f->severity = RL_SEV_ERROR;
        rl_strbuf name = RL_STRBUF_INIT;
        rl_evidence_lock_name(m, e->lock, &name);
        f->location = rl_xstrdup(rl_sb_str(&name));
        f->message = from_caller ? rl_xasprintf("'%s' is acquired while already held when called from a caller "
                                                "that holds it: this thread deadlocks on itself",
                                                rl_sb_str(&name))
                                 : rl_xasprintf("'%s' is acquired while already held: this thread deadlocks on itself",
                                                rl_sb_str(&name));
        f->hint = rl_xasprintf("release '%s' before this call, or do not take it again here (a callee that needs it "
                               "can assume the caller holds it)", rl_sb_str(&name));
        rl_sb_free(&name);
        rl_evidence_add_node(m, f, e->ctx, e->node, "lock", e->held);
        /* the call made holding it, when the chain printed is another */
        if (from_caller && e->held_by_ctx >= 0)
            rl_evidence_add_node(m, f, e->held_by_ctx, e->held_by_call, "call", e->held_some);
        const char *parts[2] = {f->events[0].function, f->events[0].thread};
        rl_evidence_fingerprint(f, e->lock, parts, 2);
    }
    rl_ptrmap_free(&reported);
}
