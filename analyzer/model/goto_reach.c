/* Code reached only by jumping, placed where the jump is (goto_reach.h). */
#include "goto_reach.h"
#include "../util/mem.h"
#include <string.h>

/* The previous sibling of node i in its parent, or -1. */
static int32_t previous_sibling(const rl_function *f, int32_t i)
{
    int32_t parent = f->nodes[i].parent, prev = -1;
    if (parent < 0) return -1;
    for (int32_t ch = f->nodes[parent].first_child; ch >= 0 && ch != i; ch = f->nodes[ch].next_sibling) prev = ch;
    return prev;
}

/* The latest goto to label node `label`, when every goto to it comes
 * before it; -1 otherwise (none, or one after it: a loop). */
static int32_t latest_goto_before(const rl_function *f, int32_t label)
{
    const char *name = f->nodes[label].text;
    int32_t latest = -1;
    for (int32_t i = 0; name && i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind != RL_N_GOTO || !n->text || strcmp(n->text, name) != 0) continue;
        if (i > label) return -1;
        latest = i;
    }
    return latest;
}

int32_t *rl_goto_positions(const rl_function *f)
{
    int32_t *position = NULL;
    for (int32_t l = 0; l < f->nnodes; l++) {
        if (f->nodes[l].kind != RL_N_LABEL) continue;
        int32_t parent = f->nodes[l].parent, prev = previous_sibling(f, l);
        if (parent < 0 || f->nodes[parent].kind != RL_N_SEQ || prev < 0 || !rl_node_is_jump(&f->nodes[prev])) continue;
        int32_t jump = latest_goto_before(f, l);
        if (jump < 0) continue;
        if (!position) {
            position = rl_xmalloc((size_t)f->nnodes * sizeof *position);
            for (int32_t i = 0; i < f->nnodes; i++) position[i] = i;
        }
        /* the label's region: it and its later siblings, up to the next
         * label, with their subtrees (invariant 2: the goto's own place) */
        int32_t at = position[jump];
        for (int32_t s = l; s >= 0 && (s == l || f->nodes[s].kind != RL_N_LABEL); s = f->nodes[s].next_sibling)
            for (int32_t i = s; i <= f->nodes[s].end; i++) position[i] = at;
    }
    return position;
}
