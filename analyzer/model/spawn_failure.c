/* Where a thread start failed (spawn_failure.h). */
#include "spawn_failure.h"

/* Which child of an IF is which branch (facts.h: the condition first). */
enum { IF_THEN_CHILD = 1, IF_ELSE_CHILD = 2 };

/* The branch of IF node `x` that its start's failure takes, when x tests
 * the result of SPAWN node `spawn`; else -1. *succeeded gets the other. */
static int32_t failed_branch(const rl_function *fn, int32_t x, int32_t spawn, int32_t *succeeded)
{
    const rl_node *n = &fn->nodes[x];
    if (n->kind != RL_N_IF || n->aux != spawn || !(n->flags & (RL_TRY_ON_TRUE | RL_TRY_ON_FALSE))) return -1;
    /* the start succeeded when the condition is true: it failed on the
     * else branch; and the other way round */
    int on_true = (n->flags & RL_TRY_ON_TRUE) != 0;
    *succeeded = rl_fn_child(fn, x, on_true ? IF_THEN_CHILD : IF_ELSE_CHILD);
    return rl_fn_child(fn, x, on_true ? IF_ELSE_CHILD : IF_THEN_CHILD);
}

/* Whether branch `seq` always leaves the block: its last statement
 * returns or jumps (`if (pthread_create(...) == 0) return 0;`). */
static int always_leaves(const rl_function *fn, int32_t seq)
{
    int32_t last = -1;
    for (int32_t c = seq >= 0 ? fn->nodes[seq].first_child : -1; c >= 0; c = fn->nodes[c].next_sibling) last = c;
    if (last < 0) return 0;
    uint8_t k = fn->nodes[last].kind;
    return k == RL_N_RETURN || k == RL_N_GOTO || k == RL_N_BREAK || k == RL_N_CONTINUE;
}

/* Whether `x` follows, in its block, an IF testing `spawn` whose success
 * branch always leaves the block, with no label between them (a label
 * lets other paths in). */
static int follows_failed_test(const rl_function *fn, int32_t spawn, int32_t x)
{
    int32_t parent = fn->nodes[x].parent;
    if (parent < 0) return 0;
    int found = 0;
    for (int32_t c = fn->nodes[parent].first_child; c >= 0 && c != x; c = fn->nodes[c].next_sibling) {
        int32_t succeeded = -1;
        if (failed_branch(fn, c, spawn, &succeeded) >= 0) found = always_leaves(fn, succeeded);
        else if (fn->nodes[c].kind == RL_N_LABEL) found = 0;
    }
    return found;
}

int rl_spawn_failed_at(const rl_function *fn, int32_t spawn, int32_t node)
{
    if (spawn < 0 || spawn >= fn->nnodes || node < 0 || node >= fn->nnodes) return 0;
    for (int32_t x = node; x >= 0; x = fn->nodes[x].parent) {
        int32_t p = fn->nodes[x].parent, succeeded = -1;
        int32_t failed = p >= 0 ? failed_branch(fn, p, spawn, &succeeded) : -1;
        if (failed >= 0 && x == failed) return 1;
        if (follows_failed_test(fn, spawn, x)) return 1;
    }
    return 0;
}
