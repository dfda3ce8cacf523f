/* Locks of another element of the array an access touches
 * (threads_internal.h: tm_drop_other_element_locks).
 *
 * An element's lock of unknown index ("G:acct[].m") is taken to guard
 * the element of its array the other side touches ("G:acct[].balance"):
 * both are named with their index collapsed, and two threads locking
 * through one unknown index are taken to share it (rules/race.c). That
 * hides the textbook transfer that locks only its source account:
 *
 *     pthread_mutex_lock(&acct[from].m);
 *     acct[from].balance -= amount;
 *     acct[to].balance += amount;      // another element's lock
 *
 * The frontend names the parameter indexing each access's and each
 * lock's element (facts.h: the node's target). Where every acquisition
 * of that lock in the access's own function is indexed by a parameter
 * other than the access's, the lock is another element's: the access
 * does not hold it. Locals are not named: one is often computed from the
 * parameters (`lo = from < to ? from : to`, two shards locked in index
 * order, then `shards[from]` and `shards[to]` touched under both).
 *
 * Invariants:
 *  1. Only locks of the same array as the access (the place up to its
 *     first "[]" alike), taken in the access's own function, each indexed
 *     by a parameter: a lock taken by a caller, or indexed by anything
 *     else, keeps the old reading (it guards).
 *  2. Names, not values, are compared: `lock(&a[i].m); i++; a[i].x++`
 *     is taken as the same element, and two parameters as two elements
 *     (a caller passing one value for both: a race reported). */
#include "threads_internal.h"
#include <string.h>

/* Whether every acquisition of `lock` in function f (resolved in env) is
 * indexed by a variable other than `index`, with at least one. */
static int other_elements_only(rl_model *m, const frame_env *env, const rl_function *f, const char *lock,
                               const char *index)
{
    int found = 0;
    for (int32_t j = 0; j < f->nnodes; j++) {
        const rl_node *x = &f->nodes[j];
        if ((x->kind != RL_N_LOCK && x->kind != RL_N_TRYLOCK) || !x->text) continue;
        int unused = 0;
        const char *l = tm_follow_stores(m, tm_resolve(m, env, x->text, NULL), 0, &unused);
        if (strcmp(l, lock) != 0) continue;
        if (!x->target || strcmp(x->target, index) == 0) return 0;
        found = 1;
    }
    return found;
}

const rl_lockset *tm_drop_other_element_locks(rl_model *m, const frame_env *env, const rl_ctx *c, int32_t i,
                                              const rl_lockset *held, const char *resolved)
{
    const rl_function *f = m->program->fns[c->fn].fn;
    const char *index = f->nodes[i].target;
    const char *hole = resolved ? strstr(resolved, "[]") : NULL;
    if (!index || !held || !hole) return held;
    size_t array = (size_t)(hole - resolved) + 2; /* "G:acct[]" */
    const rl_lockset *r = held;
    for (size_t k = 0; k < held->n; k++) {
        const char *lock = held->e[k].lock;
        if (strncmp(lock, resolved, array) == 0 && other_elements_only(m, env, f, lock, index))
            r = rl_ls_remove(m->flow->locks, r, lock);
    }
    return r;
}
