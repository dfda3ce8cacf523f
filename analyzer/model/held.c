/* The locks a context holds (threads_internal.h): a function's own held
 * and may-held sets at a node (flow.h) resolved in the context, with what
 * every call path to the context held on entry and what the function
 * requires by contract, less what it released of its callers' locks.
 * Split from resolve.c, which names the places these sets hold.
 *
 * Invariants:
 *  1. Every lockset returned is interned in the flow's lockset table
 *     (equal sets are equal pointers); NULL only for a node no path of
 *     the context reaches (tm_held_at).
 *  2. A release through a pointer of unknown origin releases every lock,
 *     the callers' included (flow.c): nothing here adds one back. */
#include "threads_internal.h"
#include "place.h"
#include "../util/mem.h"
#include <stdlib.h>

const rl_lockset *tm_resolve_locks(rl_model *m, const frame_env *env, const rl_lockset *s)
{
    if (!s || !s->n) return rl_ls_empty(m->flow->locks);
    rl_lock_entry stack[LOCKS_ON_STACK], *e = s->n <= LOCKS_ON_STACK ? stack : rl_xmalloc(s->n * sizeof *e);
    for (size_t i = 0; i < s->n; i++) e[i] = (rl_lock_entry){tm_resolve(m, env, s->e[i].lock, NULL), s->e[i].shared};
    const rl_lockset *r = rl_ls_of(m->flow->locks, e, s->n);
    if (e != stack) free(e);
    return r;
}

/* The locks a context holds on entry: those of every call path, and
 * those its function requires by contract (Clang's REQUIRES). */
static const rl_lockset *entry_locks(rl_model *m, const rl_ctx *c, const frame_env *env, const rl_lockset *entry)
{
    const rl_function *f = fn_of(m, c->fn);
    for (int32_t i = 0; i < f->nrequires; i++)
        entry = rl_ls_add(m->flow->locks, entry, tm_resolve(m, env, f->requires[i].place, NULL), f->requires[i].shared);
    return entry;
}

/* The locks of `held` left after the releases `rel` (resolved names): each
 * lock named; each lock a choice may be; every element of an array a
 * release of an element of unknown index may be; every lock, for a release
 * through a pointer of unknown origin (flow.c). */
static const rl_lockset *minus_released(rl_model *m, const rl_lockset *held, const rl_lockset *rel)
{
    rl_lockset_table *t = m->flow->locks;
    for (size_t i = 0; held && rel && i < rel->n; i++) {
        const char *lock = rel->e[i].lock;
        if (rl_place_is_unknown_object(lock)) return rl_ls_empty(t);
        const char *alts[RL_MAX_CHOICES];
        size_t n = rl_place_alternatives(m->program->pool, lock, alts);
        for (size_t k = 0; k < n; k++) held = rl_ls_remove_elements(t, rl_ls_remove(t, held, alts[k]), alts[k]);
    }
    return held;
}

/* Locks held at a node of a context: the function's own, plus those held
 * on entry and not released since. NULL when the node is unreachable. */
const rl_lockset *tm_held_at(rl_model *m, const rl_ctx *c, int32_t node)
{
    const rl_fn_flow *ff = &m->flow->fns[c->fn];
    if (!ff->held || !ff->held[node] || (c->dead && c->dead[node])) return NULL;
    frame_env env = tm_ctx_env(c);
    const rl_lockset *own = tm_resolve_locks(m, &env, ff->held[node]);
    const rl_lockset *rel = tm_resolve_locks(m, &env, ff->released[node]);
    const rl_lockset *inherited = minus_released(m, entry_locks(m, c, &env, c->entry), rel);
    const rl_lockset *all = own;
    for (size_t i = 0; inherited && i < inherited->n; i++)
        all = rl_ls_add(m->flow->locks, all, inherited->e[i].lock, inherited->e[i].shared);
    return all;
}

const rl_lockset *tm_held_some_at(rl_model *m, const rl_ctx *c, int32_t node)
{
    const rl_fn_flow *ff = &m->flow->fns[c->fn];
    if (!ff->held || !ff->held[node] || (c->dead && c->dead[node])) return NULL;
    frame_env env = tm_ctx_env(c);
    const rl_lockset *own = tm_resolve_locks(m, &env, ff->held[node]);
    const rl_lockset *rel = tm_resolve_locks(m, &env, ff->released[node]);
    const rl_lockset *entry = c->entry_some ? rl_ls_union(m->flow->locks, c->entry, c->entry_some) : c->entry;
    const rl_lockset *inherited = minus_released(m, entry_locks(m, c, &env, entry), rel);
    return rl_ls_union(m->flow->locks, own, inherited);
}

/* Locks some path may hold at a node: the function's own, plus any a
 * caller may hold. For misuse rules, which must not fire on locks taken
 * under correlated conditions. */
const rl_lockset *tm_may_held_at(rl_model *m, const rl_ctx *c, int32_t node)
{
    const rl_fn_flow *ff = &m->flow->fns[c->fn];
    if (!ff->may || !ff->held[node] || (c->dead && c->dead[node])) return NULL;
    frame_env env = tm_ctx_env(c);
    const rl_lockset *own = tm_resolve_locks(m, &env, ff->may[node]);
    return rl_ls_union(m->flow->locks, own, entry_locks(m, c, &env, c->entry_may));
}
