/* Strongly connected components of a program's call graph (recursion.h). */
#include "recursion.h"
#include "../util/mem.h"
#include <stdint.h>
#include <stdlib.h>

/* Tarjan's algorithm, iterative (call chains in real code run deeper than
 * a C stack should): components numbered in the order they complete, so
 * callees' components before their callers'. Edges are direct calls,
 * once-routines and the targets flows give calls through pointers;
 * matches by type alone are left out (they would join most of a program
 * into one cycle), and so are spawns, and the calls the thread model
 * never follows: those on a path that ends the process (doomed) and
 * those into a function whose every path ends it (exploration.c, explore).
 * An out-of-memory hook that panics and writes a crash report with the
 * allocator it failed in made one cycle of most of redis's server, and
 * every call inside a cycle loses its arguments' values (exploration.c,
 * widen_recursive_call). */
int *rl_recursion_components(rl_program *p)
{
    size_t n = p->nfns;
    int *comp = rl_xmalloc((n + 1) * sizeof *comp);
    int *index = rl_xmalloc((n + 1) * sizeof *index);
    int *low = rl_xmalloc((n + 1) * sizeof *low);
    char *on_stack = rl_xcalloc(n + 1, 1);
    int *stack = rl_xmalloc((n + 1) * sizeof *stack);
    /* the DFS: function and the next (node, target) to look at */
    struct dfs { int fn; int32_t node; size_t target; } *dfs = rl_xmalloc((n + 1) * sizeof *dfs);
    for (size_t i = 0; i < n; i++) index[i] = -1;
    int next_index = 0, ncomp = 0;
    size_t sp = 0;
    for (size_t root = 0; root < n; root++) {
        if (index[root] >= 0) continue;
        size_t dp = 0;
        dfs[dp++] = (struct dfs){(int)root, 0, 0};
        index[root] = low[root] = next_index++;
        stack[sp++] = (int)root;
        on_stack[root] = 1;
        while (dp) {
            struct dfs *d = &dfs[dp - 1];
            const rl_fn_info *info = &p->fns[d->fn];
            int pushed = 0;
            while (!pushed && d->node < info->fn->nnodes) {
                size_t count = 0;
                int weak = 0, one;
                /* a spawn runs its entry in another thread, whose contexts
                 * are its own: no recursion of this one */
                const int *t = info->fn->nodes[d->node].kind == RL_N_SPAWN || info->doomed[d->node]
                                   ? NULL
                                   : rl_program_callees(p, info, d->node, &one, &count, &weak);
                if (weak || d->target >= count) {
                    d->node++;
                    d->target = 0;
                    continue;
                }
                int w = t[d->target++];
                if (w < 0 || p->fns[w].exits) continue;
                if (index[w] < 0) {
                    index[w] = low[w] = next_index++;
                    stack[sp++] = w;
                    on_stack[w] = 1;
                    dfs[dp++] = (struct dfs){w, 0, 0};
                    pushed = 1;
                } else if (on_stack[w] && index[w] < low[d->fn]) {
                    low[d->fn] = index[w];
                }
            }
            if (pushed) continue;
            int v = d->fn;
            if (low[v] == index[v]) {
                int w;
                do {
                    w = stack[--sp];
                    on_stack[w] = 0;
                    comp[w] = ncomp;
                } while (w != v);
                ncomp++;
            }
            dp--;
            if (dp && low[v] < low[dfs[dp - 1].fn]) low[dfs[dp - 1].fn] = low[v];
        }
    }
    free(index);
    free(low);
    free(on_stack);
    free(stack);
    free(dfs);
    return comp;
}
