/* Barrier phases of a loop (phases.h): finding the loops whose every
 * round meets one barrier the same number of times, at statements of
 * the body, and the bodies of thread entries that meet one barrier
 * several times, and the phase of a node in such a region. */
#include "phases.h"
#include "place.h"
#include "../apimodel/apimodel.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdlib.h>
#include <string.h>

struct rl_phases {
    rl_phased_loop **of_fn; /* per function: its phased loops, or NULL */
    size_t *count;          /* per function */
    size_t nfns;
};

/* Whether node i lies in the subtree of node top. */
static int inside(const rl_function *f, int32_t top, int32_t i)
{
    return i >= top && i <= f->nodes[top].end;
}

/* Whether node i runs once whenever the statement `top` does: every node
 * from it up to top is a SEQ, or the condition of an `if` or `switch`
 * (`if (pthread_barrier_wait(&b) == PTHREAD_BARRIER_SERIAL_THREAD)`), in
 * no branch nor inner loop. */
static int statement_of(const rl_function *f, int32_t i, int32_t top)
{
    int32_t child = i;
    for (int32_t q = f->nodes[i].parent; q >= 0 && q != top; child = q, q = f->nodes[q].parent) {
        rl_node_kind k = f->nodes[q].kind;
        if (k == RL_N_SEQ) continue;
        if ((k == RL_N_IF || k == RL_N_SWITCH) && child == rl_fn_child(f, q, 0)) continue;
        return 0;
    }
    return 1;
}

/* Whether a call may wait on something in a callee (flow.h, waited): a
 * wait the loop's count would miss. */
static int callee_waits(rl_program *p, const rl_flow *flow, const rl_fn_info *info, int32_t call)
{
    int one, weak;
    size_t count;
    const int *callees = rl_program_callees(p, info, call, &one, &count, &weak);
    for (size_t c = 0; c < count; c++) {
        const rl_lockset *waited = flow->fns[callees[c]].waited;
        if (waited && waited->n) return 1;
    }
    return 0;
}

/* The barrier a call waits at inside its one direct callee: a barrier
 * made by hand (flow.h, barriers: `if (++count == n) broadcast; else
 * while (...) wait;`, or a library barrier's wait), one object, in the
 * caller's terms (`barrier_wait(&bar)` with the callee's `P0*.cv`:
 * `G:bar.cv`); NULL otherwise. */
static const char *called_barrier(rl_program *p, const rl_flow *flow, const rl_fn_info *info, int32_t call)
{
    int one, weak;
    size_t count;
    const int *callees = rl_program_callees(p, info, call, &one, &count, &weak);
    if (count != 1 || weak || !info->callees[call]) return NULL;
    const rl_lockset *barriers = flow->fns[callees[0]].barriers;
    if (!barriers || barriers->n != 1) return NULL;
    const rl_node *x = &info->fn->nodes[call];
    return rl_place_subst(p->pool, barriers->e[0].lock, (const char *const *)x->args, x->nargs);
}

/* Whether jump node i, in the body of loop `loop`, keeps every party's
 * count of the round's waits exact: a `return` or a `break` of the loop
 * leaves it (a party that leaves waits no more, and the others stop at
 * the next wait of that round: none moves to a later phase while it is
 * in an earlier one); a `break` or `continue` of a loop or `switch`
 * inside the body stays in the round. A `continue` of this loop starts
 * the next round with waits of this one missed, and a `goto` may go
 * anywhere. */
static int jump_keeps_count(const rl_function *f, int32_t loop, int32_t i)
{
    const rl_node *x = &f->nodes[i];
    if (x->kind == RL_N_RETURN) return 1;
    if (x->kind != RL_N_BREAK && x->kind != RL_N_CONTINUE) return 0;
    for (int32_t q = x->parent; q >= 0 && q != loop; q = f->nodes[q].parent) {
        if (f->nodes[q].kind == RL_N_LOOP) return 1;
        if (f->nodes[q].kind == RL_N_SWITCH && x->kind == RL_N_BREAK) return 1;
    }
    return x->kind == RL_N_BREAK;
}

/* The body whose waits region `top` counts: a loop's body, or the
 * function's root itself; -1 when top is neither a repeating loop nor
 * the root. */
static int32_t region_body(const rl_function *f, int32_t top)
{
    if (top == RL_ROOT_NODE) return RL_ROOT_NODE;
    return rl_node_is_repeating_loop(&f->nodes[top]) ? rl_fn_child(f, top, 1) : -1;
}

/* The barrier waits of region `top`'s body (a loop node, or the root),
 * when the region has phases (phases.h); their count in *n (0 when it has
 * none). The result is the caller's to free. */
static int32_t *phased_waits(rl_program *p, const rl_flow *flow, int fn, int32_t top, int *n)
{
    const rl_fn_info *info = &p->fns[fn];
    const rl_function *f = info->fn;
    int32_t loop = top, body = region_body(f, top);
    *n = 0;
    if (body < 0) return NULL;
    int32_t *waits = NULL;
    size_t cap = 0, count = 0;
    const char *barrier = NULL;
    int ok = 1;
    for (int32_t i = body + 1; ok && i <= f->nodes[body].end; i++) {
        const rl_node *x = &f->nodes[i];
        if ((rl_node_is_jump(x) && !jump_keeps_count(f, loop, i)) || x->kind == RL_N_LABEL) ok = 0;
        if (x->kind != RL_N_CALL || !ok) continue;
        if ((x->flags & RL_CALL_NORETURN) || info->doomed[i]) {
            ok = 0;
            continue;
        }
        const char *object = rl_program_sync_object(p, info, i, RL_API_BARRIER);
        if (!object) object = called_barrier(p, flow, info, i);
        if (object && statement_of(f, i, body) && (!barrier || barrier == object)) {
            barrier = object;
            RL_PUSH(waits, count, cap, i);
        } else if (object || rl_program_sync_object(p, info, i, RL_API_WAIT) || callee_waits(p, flow, info, i)) {
            ok = 0; /* another barrier, one in a branch, or a wait of another kind */
        }
    }
    if (!ok || count < 2) {
        free(waits);
        return NULL;
    }
    *n = (int)count;
    return waits;
}

/* Whether some call, run-once or dispatch of the program may reach
 * function fn (through a pointer too, by any candidate): a function no
 * code calls runs only as a thread's entry, once in each thread that
 * runs it. The bitmap is made on the first question, in *called (the
 * caller frees it): only programs with a function whose body waits at a
 * barrier twice ask. */
static int called_anywhere(rl_program *p, uint8_t **called, int fn)
{
    if (!*called) {
        *called = rl_xcalloc(p->nfns + 1, 1);
        for (size_t i = 0; i < p->nfns; i++)
            for (int32_t k = 0; p->fns[i].fn && k < p->fns[i].fn->nnodes; k++) {
                rl_node_kind kind = p->fns[i].fn->nodes[k].kind;
                if (kind != RL_N_CALL && kind != RL_N_ONCE) continue;
                int one, weak;
                size_t count = 0;
                const int *callees = rl_program_callees(p, &p->fns[i], k, &one, &count, &weak);
                for (size_t c = 0; c < count; c++)
                    if (callees[c] >= 0) (*called)[callees[c]] = 1;
            }
    }
    return (*called)[fn];
}

/* Adds region `top` of fn to ph with its waits (phased_waits, owned by
 * ph from here). */
static void add_region(rl_phases *ph, rl_program *p, size_t fn, int32_t top, int32_t *waits, int nwaits, size_t *cap)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%s%zu:%d", RL_PHASE_FACT_PREFIX, fn, (int)top);
    rl_phased_loop l = {top, rl_intern(p->pool, rl_sb_str(&sb)), waits, nwaits};
    rl_sb_free(&sb);
    RL_PUSH(ph->of_fn[fn], ph->count[fn], *cap, l);
}

rl_phases *rl_phases_build(rl_program *p, const rl_flow *flow)
{
    rl_phases *ph = rl_xcalloc(1, sizeof *ph);
    ph->nfns = p->nfns;
    ph->of_fn = rl_xcalloc(p->nfns ? p->nfns : 1, sizeof *ph->of_fn);
    ph->count = rl_xcalloc(p->nfns ? p->nfns : 1, sizeof *ph->count);
    uint8_t *called = NULL;
    for (size_t fn = 0; fn < p->nfns; fn++) {
        const rl_function *f = p->fns[fn].fn;
        size_t cap = 0;
        int nwaits = 0;
        int32_t *waits;
        for (int32_t i = 0; f && i < f->nnodes; i++)
            if (f->nodes[i].kind == RL_N_LOOP && (waits = phased_waits(p, flow, (int)fn, i, &nwaits)))
                add_region(ph, p, fn, i, waits, nwaits, &cap);
        /* the body of a thread's entry, run once: its phases counted from
         * its start (invariant 3) */
        waits = f && f->nnodes ? phased_waits(p, flow, (int)fn, RL_ROOT_NODE, &nwaits) : NULL;
        if (waits && called_anywhere(p, &called, (int)fn)) {
            free(waits);
            waits = NULL;
        }
        if (waits) add_region(ph, p, fn, RL_ROOT_NODE, waits, nwaits, &cap);
    }
    free(called);
    return ph;
}

void rl_phases_free(rl_phases *ph)
{
    if (!ph) return;
    for (size_t fn = 0; fn < ph->nfns; fn++) {
        for (size_t i = 0; i < ph->count[fn]; i++) free(ph->of_fn[fn][i].waits);
        free(ph->of_fn[fn]);
    }
    free(ph->of_fn);
    free(ph->count);
    free(ph);
}

const rl_phased_loop *rl_phases_of(const rl_phases *ph, int fn, size_t *n)
{
    *n = ph && fn >= 0 && (size_t)fn < ph->nfns ? ph->count[fn] : 0;
    return *n ? ph->of_fn[fn] : NULL;
}

int rl_phase_at(const rl_function *f, const rl_phased_loop *l, int32_t at)
{
    int32_t body = region_body(f, l->loop);
    if (body < 0 || !inside(f, body, at)) return -1;
    int before = 0; /* the waits before it, in node order */
    while (before < l->nwaits && l->waits[before] < at) before++;
    return l->loop == RL_ROOT_NODE ? before : before % l->nwaits;
}
