/* Summaries for one call (flow_internal.h: flow_call_summary).
 *
 * A function has one summary for every call (flow.c): the locks held at
 * every return, met over its branches. A wrapper told its mode by an
 * argument (`lock_acquire(l, EXCLUSIVE)` choosing `wrlock` or `rdlock`
 * inside) then holds the read lock at every call. A call passing an
 * integer constant for a parameter its callee tests against a constant
 * gets a summary of its own: the callee's body walked again with the
 * branches the constant rules out unreachable.
 *
 * Invariants:
 *  1. One level only: inside a walk for a call, calls take their callees'
 *     plain summaries (a recursive helper handing itself a constant would
 *     otherwise walk forever).
 *  2. The walk writes scratch per-node sets, never the callee's own: what
 *     the callee's nodes hold stays met over every call.
 *  3. A call's summary is made once a round of the fixpoint for each
 *     callee and arguments, and forgotten at the next round (the
 *     callees' own summaries may change). */
#include "flow_internal.h"
#include "known.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Which branch of IF n a call's constant arguments args decide (a walk
 * for one call, walk.call_args): 1 the then branch only, 2 the else branch
 * only, 0 both. Only a value test of a parameter (facts.h: text "P<n>",
 * display K) handed an integer constant (`#=K'`): `lock_acquire(l,
 * EXCLUSIVE)` into `if (mode == EXCLUSIVE) wrlock(...); else
 * rdlock(...);`. A test of an `&&`'s left operand decides only when it
 * fails, of an `||`'s only when it holds. */
static int decided_by(const char *const *args, int nargs, const rl_node *n)
{
    if (!args || !(n->flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE)) || !n->text || !n->display) return 0;
    int param = rl_known_param_of(n->text);
    const char *arg = param >= 0 && param < nargs ? args[param] : NULL;
    size_t prefix = strlen(RL_INT_CONSTANT_ARG);
    if (!arg || strncmp(arg, RL_INT_CONSTANT_ARG, prefix) != 0) return 0;
    char *end;
    long long value = strtoll(arg + prefix, &end, 10);
    if (*end) return 0;
    int holds = (value == strtoll(n->display, NULL, 10)) == ((n->flags & RL_IF_VALUE_EQ) != 0);
    int knows = rl_known_branch_knowing(n);
    if (knows == 1 && holds) return 0; /* `a && b`: a held, b decides */
    if (knows == 2 && !holds) return 0;
    return holds ? 1 : 2;
}

int flow_branch_decided(const walk *w, const rl_node *n)
{
    return decided_by(w->call_args, w->ncall_args, n);
}

/* Whether call's constant arguments decide some test of callee's body
 * (decided_by): the call then gets a summary of its own. */
static int decides_tests(const walk *w, const rl_node *call, int callee)
{
    const rl_function *f = w->p->fns[callee].fn;
    rl_fn_flow *cf = &w->flow->fns[callee];
    if (!f || !call->nargs) return 0;
    if (!cf->param_tests) { /* counted once: most functions test none */
        cf->param_tests = 1;
        for (int32_t i = 0; i < f->nnodes; i++)
            cf->param_tests += f->nodes[i].kind == RL_N_IF && (f->nodes[i].flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE)) &&
                               f->nodes[i].text && rl_known_param_of(f->nodes[i].text) >= 0;
    }
    if (cf->param_tests == 1) return 0;
    for (int32_t i = 0; i < f->nnodes; i++)
        if (f->nodes[i].kind == RL_N_IF && decided_by((const char *const *)call->args, call->nargs, &f->nodes[i]))
            return 1;
    return 0;
}

/* The summary of callee for one call whose constants decide some of its
 * tests (decides_tests): its body walked again with the branches they
 * rule out unreachable, into scratch per-node sets; its callees' own
 * summaries as they stand. Fills *exit (held, released, may, acquired at
 * every return; the entry state when it never returns). */
static void summary_for_call(walk *w, const rl_node *call, int callee, state *exit)
{
    rl_fn_flow *cf = &w->flow->fns[callee];
    const rl_function *f = w->p->fns[callee].fn;
    rl_fn_flow scratch = {0};
    size_t n = (size_t)f->nnodes + 1;
    scratch.held = rl_xcalloc(n, sizeof *scratch.held);
    scratch.released = rl_xcalloc(n, sizeof *scratch.released);
    scratch.may = rl_xcalloc(n, sizeof *scratch.may);
    scratch.acquired = rl_xcalloc(n, sizeof *scratch.acquired);
    scratch.own_barriers = cf->own_barriers;
    scratch.jump_held = cf->jump_held;
    walk sw;
    memset(&sw, 0, sizeof sw);
    sw.p = w->p;
    sw.flow = w->flow;
    sw.info = &w->p->fns[callee];
    sw.fn = f;
    sw.out = &scratch;
    sw.last_acquire_fence = flow_last_fence(f, RL_CALL_FENCE_ACQUIRE);
    sw.call_args = (const char *const *)call->args;
    sw.ncall_args = call->nargs;
    state entry = {rl_ls_empty(w->flow->locks), rl_ls_empty(w->flow->locks), rl_ls_empty(w->flow->locks),
                   rl_ls_empty(w->flow->locks), rl_ls_empty(w->flow->locks)};
    *exit = flow_walk_function(&sw, entry);
    if (!exit->held) *exit = entry;
    free(scratch.held);
    free(scratch.released);
    free(scratch.may);
    free(scratch.acquired);
}

/* A call's summary (summary_for_call) kept for the round. */
typedef struct flow_summary_of_call {
    state exit;
} flow_summary_of_call;

/* Forgets the round's call summaries: the callees' own may change in the
 * next round of the fixpoint (rl_flow_compute). */
void flow_forget_call_summaries(rl_flow *flow)
{
    rl_ptrmap_free(&flow->call_summary_index);
    free(flow->call_summaries);
    flow->call_summaries = NULL;
    flow->ncall_summaries = flow->cap_call_summaries = 0;
}

/* summary_for_call, made once a round for each callee and arguments. */
static void call_summary(walk *w, const rl_node *call, int callee, state *exit)
{
    rl_strbuf key = RL_STRBUF_INIT;
    rl_sb_printf(&key, "%d", callee);
    for (int i = 0; i < call->nargs; i++) rl_sb_printf(&key, "%c%s", RL_CALL_SEP[0], call->args[i] ? call->args[i] : "");
    void **slot = rl_ptrmap_slot(&w->flow->call_summary_index, rl_intern(w->p->pool, rl_sb_str(&key)));
    rl_sb_free(&key);
    if (*slot) {
        *exit = w->flow->call_summaries[(size_t)(uintptr_t)*slot - 1].exit;
        return;
    }
    summary_for_call(w, call, callee, exit);
    flow_summary_of_call made = {*exit};
    RL_PUSH(w->flow->call_summaries, w->flow->ncall_summaries, w->flow->cap_call_summaries, made);
    *slot = (void *)(uintptr_t)w->flow->ncall_summaries;
}

int flow_call_summary(walk *w, const rl_node *call, int callee, state *exit)
{
    if (w->call_args || !decides_tests(w, call, callee)) return 0;
    call_summary(w, call, callee, exit);
    return 1;
}
