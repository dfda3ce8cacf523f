/* Where a thread start failed (spawn_failure.h). */
#include "spawn_failure.h"

#include <string.h>

/* Which child of an IF is which branch (facts.h: the condition first). */
enum { IF_THEN_CHILD = 1, IF_ELSE_CHILD = 2 };
/* Labels followed through gotos that are themselves after a label. */
#define MAX_LABEL_DEPTH 4

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

static int failed_at(const rl_function *fn, int32_t spawn, int32_t node, int depth);

/* Whether a start lies in a loop: a later round may start it again after
 * an earlier one worked, whatever its failure branch says. */
static int in_loop(const rl_function *fn, int32_t node)
{
    for (int32_t p = fn->nodes[node].parent; p >= 0; p = fn->nodes[p].parent)
        if (rl_node_is_repeating_loop(&fn->nodes[p])) return 1;
    return 0;
}

/* Whether `x` follows, in its block, a label that only paths where the
 * start did not take place reach: the statement before the label always
 * leaves (no path falls into it), and every `goto` to it comes before the
 * start or lies where the start failed (curl's Curl_thread_create:
 * `rc = pthread_create(...); if(rc) { ...; goto err; } return t; err:
 * free(ac);`). */
static int after_failure_label(const rl_function *fn, int32_t spawn, int32_t x, int depth)
{
    int32_t parent = fn->nodes[x].parent, label = -1, before = -1, prev = -1;
    if (parent < 0 || depth > MAX_LABEL_DEPTH || in_loop(fn, spawn)) return 0;
    for (int32_t c = fn->nodes[parent].first_child; c >= 0 && c != x; c = fn->nodes[c].next_sibling) {
        if (fn->nodes[c].kind == RL_N_LABEL) {
            label = c;
            before = prev;
        }
        prev = c;
    }
    if (label < 0 || before < 0 || !fn->nodes[label].text) return 0;
    uint8_t k = fn->nodes[before].kind;
    if (k != RL_N_RETURN && k != RL_N_GOTO) return 0;
    int gotos = 0;
    for (int32_t g = 0; g < fn->nnodes; g++) {
        const rl_node *n = &fn->nodes[g];
        if (n->kind != RL_N_GOTO || !n->text || strcmp(n->text, fn->nodes[label].text) != 0) continue;
        if (g >= spawn && !failed_at(fn, spawn, g, depth + 1)) return 0;
        gotos++;
    }
    return gotos > 0;
}

static int failed_at(const rl_function *fn, int32_t spawn, int32_t node, int depth)
{
    for (int32_t x = node; x >= 0; x = fn->nodes[x].parent) {
        int32_t p = fn->nodes[x].parent, succeeded = -1;
        int32_t failed = p >= 0 ? failed_branch(fn, p, spawn, &succeeded) : -1;
        if (failed >= 0 && x == failed) return 1;
        if (follows_failed_test(fn, spawn, x)) return 1;
        if (after_failure_label(fn, spawn, x, depth)) return 1;
    }
    return 0;
}

int rl_spawn_failed_at(const rl_function *fn, int32_t spawn, int32_t node)
{
    if (spawn < 0 || spawn >= fn->nnodes || node < 0 || node >= fn->nnodes) return 0;
    return failed_at(fn, spawn, node, 0);
}
