/* Waits whose loop may never wait (loop_start.h): which globals tested by
 * a loop marked RL_LOOP_START_FALSE may still hold their starting value
 * where that loop is first reached.
 *
 * For each such global G, per function: whether it writes G (itself or
 * through direct calls, transitively) and whether it leads to a marked
 * loop on G or a thread start (the same way). A function that writes G
 * before its first step towards either sets G before the loop may be
 * reached: G is then not kept. Steps are compared by node index, which
 * is program order within a function up to loops' back edges: a write
 * later in a loop's body comes after the first pass. */
#include "loop_start.h"
#include "../util/mem.h"
#include <stdlib.h>
#include <string.h>

/* Per node of every function: the index of its direct callee, or -1. */
typedef struct callee_index {
    int **of; /* of[f][i] */
    size_t nfns;
} callee_index;

static void index_callees(const rl_program *p, callee_index *ci)
{
    ci->nfns = p->nfns;
    ci->of = rl_xcalloc(p->nfns + 1, sizeof *ci->of);
    for (size_t f = 0; f < p->nfns; f++) {
        const rl_fn_info *info = &p->fns[f];
        ci->of[f] = rl_xmalloc(((size_t)info->fn->nnodes + 1) * sizeof **ci->of);
        for (int32_t i = 0; i < info->fn->nnodes; i++)
            ci->of[f][i] = info->fn->nodes[i].kind == RL_N_CALL && info->callees[i]
                               ? rl_program_find(p, info->callees[i])
                               : -1;
    }
}

static void free_callees(callee_index *ci)
{
    for (size_t f = 0; f < ci->nfns; f++) free(ci->of[f]);
    free(ci->of);
}

static int writes_global(const rl_node *n, const char *g)
{
    return n->kind == RL_N_ACCESS && (n->flags & RL_ACC_WRITE) && n->text && strcmp(n->text, g) == 0;
}

static int marks_loop_on(const rl_node *n, const char *g)
{
    return n->kind == RL_N_LOOP && (n->flags & RL_LOOP_START_FALSE) && n->text && strcmp(n->text, g) == 0;
}

/* Whether node n is itself a step towards a marked loop on g: the loop,
 * or a thread start (loop_start.h). */
static int leads_itself(const rl_node *n, const char *g)
{
    return n->kind == RL_N_SPAWN || marks_loop_on(n, g);
}

/* Whether G may still hold its starting value wherever a marked loop on
 * it is first reached (loop_start.h). */
static int kept_at_start(const rl_program *p, const callee_index *ci, const size_t *order, size_t n, const char *g)
{
    char *writes = rl_xcalloc(p->nfns + 1, 1), *leads = rl_xcalloc(p->nfns + 1, 1);
    for (size_t f = 0; f < p->nfns; f++) {
        const rl_function *fn = p->fns[f].fn;
        for (int32_t i = 0; i < fn->nnodes; i++) {
            const rl_node *x = &fn->nodes[i];
            writes[f] |= (char)writes_global(x, g);
            leads[f] |= (char)leads_itself(x, g);
        }
    }
    /* callees first: a few sweeps settle what recursion leaves open */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t k = 0; k < n; k++) {
            size_t f = order[k];
            for (int32_t i = 0; i < p->fns[f].fn->nnodes; i++) {
                int c = ci->of[f][i];
                if (c < 0) continue;
                if (writes[c] && !writes[f]) writes[f] = 1, changed = 1;
                if (leads[c] && !leads[f]) leads[f] = 1, changed = 1;
            }
        }
    }
    int kept = 1;
    for (size_t f = 0; f < p->nfns && kept; f++) {
        if (!writes[f] || !leads[f]) continue;
        const rl_function *fn = p->fns[f].fn;
        for (int32_t i = 0; i < fn->nnodes; i++) {
            const rl_node *x = &fn->nodes[i];
            int c = ci->of[f][i];
            if (leads_itself(x, g) || (c >= 0 && leads[c])) break;
            if (writes_global(x, g) || (c >= 0 && writes[c])) {
                kept = 0;
                break;
            }
        }
    }
    free(writes);
    free(leads);
    return kept;
}

void rl_loop_start_find(rl_program *p, const size_t *order, size_t n, rl_ptrmap *kept)
{
    callee_index ci = {NULL, 0};
    rl_ptrmap seen = {0};
    for (size_t f = 0; f < p->nfns; f++) {
        const rl_function *fn = p->fns[f].fn;
        for (int32_t i = 0; i < fn->nnodes; i++) {
            const rl_node *x = &fn->nodes[i];
            if (x->kind != RL_N_LOOP || !(x->flags & RL_LOOP_START_FALSE) || !x->text) continue;
            const char *g = rl_intern(p->pool, x->text);
            if (rl_ptrmap_get(&seen, g)) continue;
            rl_ptrmap_put(&seen, g, (void *)1);
            if (!ci.of) index_callees(p, &ci);
            if (kept_at_start(p, &ci, order, n, g)) rl_ptrmap_put(kept, g, (void *)1);
        }
    }
    if (ci.of) free_callees(&ci);
    rl_ptrmap_free(&seen);
}

int rl_loop_start_may_skip(const rl_program *p, const rl_ptrmap *kept, const rl_node *n)
{
    if (n->kind != RL_N_LOOP || !(n->flags & RL_LOOP_START_FALSE) || !n->text) return 0;
    const char *g = rl_strpool_find(p->pool, n->text);
    return g && rl_ptrmap_get(kept, g);
}
