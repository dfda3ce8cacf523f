/* Rule `lock-leak`: a function that takes a lock and returns holding it on
 * some paths but not on others (an error return that forgets to unlock).
 * A lock held on every return is a wrapper (lock_db()) and is fine; so is
 * one taken by a trylock, whose holding depends on its result. Judged per
 * function from the lock flow; reported once per leaking return, with the
 * acquisition site, for functions some thread reaches. */
#include "checks.h"
#include "evidence.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include <stdlib.h>
#include <string.h>

/* The LOCK node of fn acquiring `lock` (program-interned), or -1. */
static int32_t acquisition(const rl_model *m, const rl_function *fn, const char *lock)
{
    for (int32_t i = 0; i < fn->nnodes; i++) {
        const rl_node *n = &fn->nodes[i];
        if (n->kind == RL_N_LOCK && n->text && rl_intern(m->program->pool, n->text) == lock) return i;
    }
    return -1;
}

static void report(rl_check_ctx *ctx, int c, const rl_function *fn, int32_t exit_node, int32_t lock_node,
                   const char *lock)
{
    const rl_model *m = ctx->model;
    rl_finding *f = rl_findings_add(ctx->out);
    f->rule = rl_xstrdup("lock-leak");
    f->severity = RL_SEV_WARNING;
    const rl_node *ln = &fn->nodes[lock_node];
    f->location = rl_xstrdup(ln->display && ln->display[0] ? ln->display : lock);
    f->message = rl_xasprintf("'%s' returns holding '%s' here, but releases it on other paths", fn->name, f->location);
    f->hint = rl_xasprintf("release '%s' before this return", f->location);
    rl_event *ret = rl_evidence_add_node(m, f, c, exit_node, "return", NULL);
    free(ret->what);
    ret->what = rl_xasprintf("return holding '%s'", f->location);
    rl_evidence_add_node(m, f, c, lock_node, "lock", NULL);
    const char *parts[1] = {fn->name};
    rl_evidence_fingerprint(f, lock, parts, 1);
}

void rl_check_LockLeak(rl_check_ctx *ctx)
{
    const rl_model *m = ctx->model;
    const rl_flow *flow = m->flow;
    int *first_ctx = rl_xmalloc((m->program->nfns + 1) * sizeof *first_ctx);
    for (size_t i = 0; i <= m->program->nfns; i++) first_ctx[i] = -1;
    for (size_t c = m->nctxs; c-- > 0;) first_ctx[m->ctxs[c].fn] = (int)c;
    rl_lockset_table *t = flow->locks;
    for (size_t fi = 0; fi < m->program->nfns; fi++) {
        const rl_fn_flow *ff = &flow->fns[fi];
        const rl_function *fn = m->program->fns[fi].fn;
        if (!ff->held || first_ctx[fi] < 0) continue;
        /* Exits: every reachable return, and falling off the end. */
        const rl_lockset *any = NULL, *all = NULL;
        int nexits = 0;
        for (int32_t i = 0; i < fn->nnodes; i++) {
            if (fn->nodes[i].kind != RL_N_RETURN || !ff->held[i]) continue;
            any = rl_ls_union(t, any, ff->held[i]);
            all = rl_ls_meet(t, all, ff->held[i]);
            nexits++;
        }
        if (ff->end_held) {
            any = rl_ls_union(t, any, ff->end_held);
            all = rl_ls_meet(t, all, ff->end_held);
            nexits++;
        }
        if (nexits < 2 || !any) continue;
        for (size_t k = 0; k < any->n; k++) {
            const char *lock = any->e[k].lock;
            if (rl_ls_contains(all, lock)) continue;
            int32_t lock_node = acquisition(m, fn, lock);
            if (lock_node < 0) continue; /* taken by a trylock or a callee */
            for (int32_t i = 0; i < fn->nnodes; i++)
                if (fn->nodes[i].kind == RL_N_RETURN && ff->held[i] && rl_ls_contains(ff->held[i], lock))
                    report(ctx, first_ctx[fi], fn, i, lock_node, lock);
            if (ff->end_held && rl_ls_contains(ff->end_held, lock))
                report(ctx, first_ctx[fi], fn, fn->nnodes - 1, lock_node, lock);
        }
    }
    free(first_ctx);
}
