/* Lock events (threads_internal.h): while the accesses are collected
 * (accesses.c, tm_collect_accesses), every lock, trylock and unlock of a
 * context becomes an rl_lock_event: its lock resolved and followed
 * through stored pointers, the locks held there on every path and on
 * some, whether it is reached through a global; a lock initialisation
 * marks its lock recursive or counting instead. Then they are indexed per
 * context (tm_index_lock_events). Also what a context took or waited on
 * before a node, on every path (tm_history_at), which accesses and calls
 * carry.
 *
 * Invariants:
 *  1. Events come context by context, in index order (accesses.c's
 *     loop): tm_index_lock_events relies on it.
 *  2. An event's held_some is more than its held only when a caller on
 *     the context's chain of first calls (the one its evidence shows)
 *     holds the lock at the call, or another call into the context does
 *     (then held_by_ctx and held_by_call name it). */
#include "threads_internal.h"
#include "member_tests.h"
#include "place.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdint.h>
#include <string.h>

/* Values of returns_global's memo, one per function (0: not asked). */
enum { GLOBAL_UNKNOWN, GLOBAL_YES, GLOBAL_NO };

/* Whether every return of function fn that names an object names one
 * read from a global (`return instance;`). Asked once per function. */
static int returns_global(const rl_model *m, int fn, uint8_t *memo)
{
    if (memo[fn] != GLOBAL_UNKNOWN) return memo[fn] == GLOBAL_YES;
    const rl_function *f = m->program->fns[fn].fn;
    int any = 0, other = 0;
    for (int32_t i = 0; i < f->nnodes && !other; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind != RL_N_RETURN || !n->text || !n->text[0]) continue;
        if (rl_place_root(n->text, NULL) == RL_ROOT_GLOBAL) any = 1;
        else other = 1;
    }
    memo[fn] = any && !other ? GLOBAL_YES : GLOBAL_NO;
    return memo[fn] == GLOBAL_YES;
}

/* Whether an access of text `text` (in its function's terms) reaches its
 * object through a pointer stored in a global: a global's place with a
 * dereference (`G:instance*.verbose`), or a member of what a call returns
 * that returns only globals' values (`get_config()->verbose`); not
 * through what its own frame allocated or was handed (rl_access.via_global). */
int tm_reached_through_global(const rl_model *m, const char *text, uint8_t *memo)
{
    if (rl_place_root(text, NULL) == RL_ROOT_GLOBAL) return strchr(text, '*') != NULL;
    /* "@L_C<SEP>USR<SEP>...": the callee's USR */
    const char *usr = text[0] == '@' ? strchr(text, RL_CALL_SEP[0]) : NULL;
    const char *end = usr ? strchr(usr + 1, RL_CALL_SEP[0]) : NULL;
    const char *key = end ? rl_strpool_find_n(m->program->pool, usr + 1, (size_t)(end - usr - 1)) : NULL;
    int fn = key ? rl_program_find(m->program, key) : -1;
    return fn >= 0 && returns_global(m, fn, memo);
}

/* Whether a caller up the context's chain of first calls (the one its
 * evidence shows) holds `lock` on every path at the call leading here:
 * what the double-lock rule claims of a helper some call reaches holding
 * the lock must be true of the path it prints. */
static int chain_holds(rl_model *m, const rl_ctx *c, const char *lock)
{
    for (int p = c->parent_ctx, call = c->call_node; p >= 0; call = m->ctxs[p].call_node, p = m->ctxs[p].parent_ctx) {
        const rl_lockset *held = tm_follow_lock_stores(m, tm_held_at(m, &m->ctxs[p], call));
        if (held && rl_ls_contains(held, lock)) return 1;
    }
    return 0;
}

/* Whether some other call into context ci (not its first, which
 * chain_holds asks about) is made holding `lock` on every path: a helper
 * called once after its caller released the lock and once while it holds
 * it (round 22's r8). Its caller's context and call node go to *ctx and
 * *call. */
static int other_call_holds(rl_model *m, const tm_callers *callers, size_t ci, const char *lock, int *ctx,
                            int32_t *call)
{
    for (size_t k = callers->first[ci]; k < callers->first[ci + 1]; k++) {
        const tm_call_edge *e = &m->call_edges[callers->into[k]];
        if (e->parent < 0) continue;
        const rl_lockset *held = tm_follow_lock_stores(m, tm_held_at(m, &m->ctxs[e->parent], e->call));
        if (held && rl_ls_contains(held, lock)) {
            *ctx = e->parent;
            *call = e->call;
            return 1;
        }
    }
    return 0;
}

void tm_record_lock_event(rl_model *m, const tm_callers *callers, const rl_ctx *c, int ci, int32_t i,
                          const frame_env *env, uint8_t *global_returns)
{
    const rl_node *n = &fn_of(m, c->fn)->nodes[i];
    int unused = 0;
    const char *lock = tm_follow_stores(m, tm_resolve(m, env, n->text, NULL), 0, &unused);
    if (n->kind == RL_N_LOCKINIT) {
        if ((n->flags & RL_LOCK_RECURSIVE) && !(n->flags & RL_LOCK_DESTROY)) rl_ptrmap_put(&m->recursive, lock, (void *)1);
        if (n->flags & RL_LOCK_COUNTING) rl_ptrmap_put(&m->counting, lock, (void *)1);
        return;
    }
    void **slot = rl_ptrmap_slot(&m->lock_display, lock);
    if (!*slot && n->display && n->display[0]) *slot = (void *)rl_intern(m->program->pool, n->display);
    const rl_lockset *held = tm_follow_lock_stores(m, tm_held_at(m, c, i));
    if (!held || c->in_once == RL_RUN_ONCE_ROUTINE) return;
    RL_GROW(m->lock_events, m->cap_lock_events, m->nlock_events + 1);
    rl_lock_event *e = &m->lock_events[m->nlock_events++];
    e->ctx = ci;
    e->node = i;
    e->thread = c->thread;
    e->lock = lock;
    e->kind = n->kind;
    e->shared = (n->flags & RL_LOCK_SHARED) != 0;
    e->via_global = n->text && tm_reached_through_global(m, n->text, global_returns);
    e->held = held;
    e->may = tm_follow_lock_stores(m, tm_may_held_at(m, c, i));
    e->held_by_ctx = -1;
    e->held_by_call = -1;
    int some = c->entry_some && (chain_holds(m, c, lock) ||
                                 other_call_holds(m, callers, (size_t)ci, lock, &e->held_by_ctx, &e->held_by_call));
    e->held_some = some ? tm_follow_lock_stores(m, tm_held_some_at(m, c, i)) : held;
}

/* Events are recorded context by context, so each context's are one run. */
void tm_index_lock_events(rl_model *m)
{
    m->ctx_lock_events = rl_xcalloc(m->nctxs + 1, sizeof *m->ctx_lock_events);
    size_t e = 0;
    for (size_t c = 0; c <= m->nctxs; c++) {
        while (e < m->nlock_events && (size_t)m->lock_events[e].ctx < c) e++;
        m->ctx_lock_events[c] = e;
    }
}

int rl_model_lock_is_recursive(const rl_model *m, const char *lock)
{
    if (rl_ptrmap_get(&m->recursive, lock)) return 1;
    /* An element named by its index ("G:m[3]") initialised with the others
     * in a loop ("G:m[]"). */
    const char *open = strchr(lock, '[');
    const char *close = open ? strchr(open, ']') : NULL;
    if (!close || close == open + 1) return 0;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_appendn(&sb, lock, (size_t)(open - lock));
    rl_sb_append(&sb, "[]");
    rl_sb_append(&sb, close + 1);
    const char *collapsed = rl_strpool_find(m->program->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return collapsed && rl_ptrmap_get(&m->recursive, collapsed) != NULL;
}

/* What an access's context took or waited on before it on every path:
 * the locks its function took (callees included), the objects it waited
 * on, followed through stored pointers as held locks are
 * (`pthread_cond_wait(&t->fut->cv, ...)` waits on the future `t->fut`
 * was given), and what every call path to the context did before the
 * call (a helper called after `while (ready < n) pthread_cond_wait(...)`
 * comes after the wait as its caller does). */
const rl_lockset *tm_history_at(rl_model *m, const rl_ctx *c, int32_t node)
{
    const rl_fn_flow *ff = &m->flow->fns[c->fn];
    const rl_lockset *own = NULL;
    if (ff->acquired && ff->acquired[node] && ff->acquired[node]->n) {
        frame_env env = tm_ctx_env(c);
        own = tm_follow_lock_stores(m, tm_resolve_locks(m, &env, ff->acquired[node]));
    }
    const rl_lockset *entry = c->entry_history && c->entry_history->n ? c->entry_history : NULL;
    if (!entry) return own ? own : rl_ls_empty(m->flow->locks);
    /* what the function waited on that its callers had waited on before
     * the call: a second wait (place.h, RL_AGAIN_MARK) */
    return own ? rl_flow_add_waits(m->flow, entry, NULL, own) : entry;
}
