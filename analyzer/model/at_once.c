/* Threads joined at once (at_once.h): which SPAWN nodes are followed by
 * the join of their own handle and nothing else.
 *
 * Invariant: marking reads only the function's own nodes, so it is the
 * same in every program the function is linked into. */
#include "at_once.h"
#include "../util/mem.h"
#include <string.h>

/* Whether node k only reads `handle`: the argument of the join after it. */
static int reads_handle(const rl_node *k, const char *handle)
{
    return k->kind == RL_N_ACCESS && !(k->flags & RL_ACC_WRITE) && k->text && strcmp(k->text, handle) == 0;
}

/* The JOIN node that joins spawn s at once, or -1. */
static int32_t join_at_once(const rl_function *fn, int32_t s)
{
    const rl_node *spawn = &fn->nodes[s];
    if (spawn->kind != RL_N_SPAWN || (spawn->flags & RL_SPAWN_CALLBACK) || spawn->nargs < 2) return -1;
    const char *handle = spawn->args[1];
    if (!handle || !handle[0] || strchr(handle, '[')) return -1;
    int32_t j = spawn->next_sibling;
    while (j >= 0 && reads_handle(&fn->nodes[j], handle)) j = fn->nodes[j].next_sibling;
    if (j < 0 || fn->nodes[j].kind != RL_N_JOIN || !fn->nodes[j].text) return -1;
    return strcmp(fn->nodes[j].text, handle) == 0 ? j : -1;
}

void rl_at_once_mark(rl_program *p)
{
    for (size_t i = 0; i < p->nfns; i++) {
        rl_fn_info *info = &p->fns[i];
        const rl_function *fn = info->fn;
        info->at_once = rl_xcalloc((size_t)fn->nnodes + 1, 1);
        for (int32_t s = 0; s < fn->nnodes; s++) {
            if (info->doomed[s]) continue;
            int32_t j = join_at_once(fn, s);
            if (j < 0 || info->doomed[j]) continue;
            info->at_once[s] = RL_AT_ONCE_SPAWN;
            info->at_once[j] = RL_AT_ONCE_JOIN;
        }
    }
}
