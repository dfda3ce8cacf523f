/* Posts that publish an access (threads_internal.h, tm_posted_after):
 * the objects a thread posts on after an access, in the access's own
 * function (flow.h, rl_flow_posted_after) and in its callers once the
 * call returned (rl_flow_posted_after_call), less what earlier posts on
 * the same objects let a waiter do first. A waiter on one of them after
 * its wait comes after the access (ordering.c, publication_orders).
 *
 * Earlier posts. A waiter woken by a post before the access may be
 * reading while it runs, so a later post on that object orders nothing
 * for it; for one that waited a second time it does, if the access came
 * after exactly one post on the object: the later post publishes on the
 * object's second-round mark (place.h, RL_AGAIN_MARK), which only a
 * second wait puts in a history. Two earlier posts, or one in a loop,
 * and the object is dropped. Which posts count as earlier:
 *  - against the function's own later posts, the posts before the access
 *    in it and in its callers before their calls, up to the first level
 *    that waited in between (`post(&req); wait(&ack);`: a handshake, the
 *    waiter finished that round);
 *  - against a caller's later post, every post before the access up the
 *    whole chain, waits or not: the later post may be a thread's last
 *    act (a worker counting itself out), and any wait on the way, on
 *    anything, says nothing of the waiter the earlier one woke.
 *
 * Invariants:
 *  1. A context stands for every call of its function from its caller's
 *     (contexts merge calls): a caller's post counts when it follows each
 *     such call, and a caller's earlier post when it precedes some call.
 *     The calls are the caller's direct calls of the function, and the
 *     context's own call node when it calls through a pointer (an event
 *     loop's dispatch). Contexts of other callers merge into it too (a
 *     helper with no arguments, `xmalloc(n)`, called from a worker's
 *     set-up before a barrier and from `grow()` after it): a chain's later
 *     post counts when every caller context's chain posts it (chain_of,
 *     over tm_callers' edges); earlier posts are the first caller's
 *     chain's (earlier_of).
 *  2. Everything returned is resolved in the access's context (as held
 *     locks are, tm_history_at), interned in the lockset table; the memo
 *     (tm_posts) owns only its arrays and maps. */
#include "threads_internal.h"
#include "flow.h"
#include "member_tests.h"
#include "place.h"

/* What a caller does around the calls a context stands for (invariant
 * 1), in its own terms: before (with no wait between, or any), after. */
typedef struct calls_answer {
    const rl_lockset *before, *before_twice; /* no wait between */
    int waited;                              /* every such call came after a wait */
    const rl_lockset *all, *all_twice;       /* any wait between */
    const rl_lockset *after;                 /* after each call, surely (NULL: none) */
    int after_rounds;                        /* some such post in a loop holding a call */
    int found;                               /* some call was */
} calls_answer;

/* Per context, what its callers' chain does around it (resolved). */
typedef struct chain_posts {
    const rl_lockset *later_all;    /* posted after the calls, up the chain */
    const rl_lockset *later;        /* less the chain's earlier posts */
    int later_rounds;
    const rl_lockset *earlier, *earlier_twice; /* posted before them, any waits */
    int earlier_known;
    int known;
    int in_progress;                /* chain_of on a cycle of contexts */
    calls_answer around;            /* around_calls, once known */
    int around_known;
} chain_posts;

/* A remembered rl_flow_second_round: contexts of one chain share their
 * interned sets, and the round is costly on long chains (curl). */
typedef struct round_answer {
    const rl_lockset *s, *once, *twice; /* s NULL: empty slot */
    const rl_lockset *r;
} round_answer;

struct tm_posts {
    round_answer *rounds; /* open addressing, a power of two */
    size_t nrounds, cap_rounds;
    chain_posts *by_ctx;  /* by context index */
    size_t nctxs;
    const tm_callers *callers; /* every call edge into each context (borrowed) */
    rl_ptrmap calls;      /* (caller, callee) -> calls_answer* (owned), direct calls only */
    /* the last answer of tm_posted_after, per context: the accesses of a
     * function share a few posted sets (interned), and resolving one again
     * for each access was most of the model's time on curl's thread pool */
    int memo_ctx;
    const rl_lockset *memo_posted, *memo_r;
    int memo_waited;
    /* and of the callers' part, per context and earlier posts of its own */
    int later_ctx;
    const rl_lockset *later_once, *later_twice, *later_r;
};

tm_posts *tm_posts_new(const rl_model *m, const struct tm_callers *callers)
{
    tm_posts *pm = rl_xcalloc(1, sizeof *pm);
    pm->callers = callers;
    pm->nctxs = m->nctxs;
    pm->by_ctx = rl_xcalloc(m->nctxs + 1, sizeof *pm->by_ctx);
    pm->memo_ctx = pm->later_ctx = -1;
    return pm;
}

void tm_posts_free(tm_posts *pm)
{
    if (!pm) return;
    free(pm->rounds);
    for (size_t i = 0; i < pm->calls.nslots; i++)
        if (pm->calls.keys[i]) free(pm->calls.values[i]);
    rl_ptrmap_free(&pm->calls);
    free(pm->by_ctx);
    free(pm);
}

static const rl_lockset *union_of(rl_model *m, const rl_lockset *a, const rl_lockset *b)
{
    if (!a) return b;
    if (!b) return a;
    return rl_ls_union(m->flow->locks, a, b);
}

/* Adds to *a what the caller does around its call at node k. */
static void add_call(rl_model *m, int caller, int32_t k, calls_answer *a)
{
    const rl_function *f = m->program->fns[caller].fn;
    const rl_lockset *twice = NULL, *all_twice = NULL;
    const rl_lockset *before = rl_flow_posted_before(m->flow, f, caller, k, &twice);
    const rl_lockset *all = rl_flow_posts_before_all(m->flow, f, caller, k, &all_twice);
    int rounds = 0;
    const rl_lockset *after = rl_flow_posted_after_call(m->flow, f, caller, k, &rounds);
    if (!after) after = rl_ls_empty(m->flow->locks);
    a->before = union_of(m, a->before, before);
    a->before_twice = union_of(m, a->before_twice, twice);
    a->all = union_of(m, a->all, all);
    a->all_twice = union_of(m, a->all_twice, all_twice);
    a->waited = (a->found ? a->waited : 1) && rl_flow_waits_before(m->flow, caller, k);
    a->after = a->found ? rl_ls_meet(m->flow->locks, a->after, after) : after;
    a->after_rounds |= rounds;
    a->found = 1;
}

/* What `caller` does around its direct calls of `callee`: asked for every
 * context, kept per pair. */
static const calls_answer *direct_calls(rl_model *m, tm_posts *pm, int caller, int callee)
{
    void **slot = rl_ptrmap_slot(&pm->calls,
                                 (const void *)(uintptr_t)((((uint64_t)(uint32_t)caller << 32) | (uint32_t)callee) + 1));
    if (!*slot) {
        calls_answer *a = rl_xcalloc(1, sizeof *a);
        const rl_fn_info *info = &m->program->fns[caller];
        for (int32_t k = 0; k < info->fn->nnodes; k++)
            if (info->fn->nodes[k].kind == RL_N_CALL && info->callees[k] &&
                rl_program_find(m->program, info->callees[k]) == callee)
                add_call(m, caller, k, a);
        *slot = a;
    }
    return *slot;
}

/* What caller context `parent` does around its calls that context ci
 * stands for (invariant 1), in the caller's terms: its function's direct
 * calls of ci's, and `call` when that is a call through a pointer. */
static calls_answer calls_from(rl_model *m, tm_posts *pm, int ci, int parent, int32_t call)
{
    int caller = m->ctxs[parent].fn;
    calls_answer a = *direct_calls(m, pm, caller, m->ctxs[ci].fn);
    const rl_fn_info *info = &m->program->fns[caller];
    if (call >= 0 && call < info->fn->nnodes && !info->callees[call]) add_call(m, caller, call, &a);
    return a;
}

/* What context ci's first caller does around the calls ci stands for,
 * kept per context. */
static const calls_answer *around_calls(rl_model *m, tm_posts *pm, int ci)
{
    chain_posts *cp = &pm->by_ctx[ci];
    if (!cp->around_known) {
        const rl_ctx *c = &m->ctxs[ci];
        cp->around = calls_from(m, pm, ci, c->parent_ctx, c->call_node);
        cp->around_known = 1;
    }
    return &cp->around;
}

static size_t round_slot(const round_answer *table, size_t cap, const rl_lockset *s, const rl_lockset *once,
                         const rl_lockset *twice)
{
    uint64_t h = ((uint64_t)(uintptr_t)s * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)(uintptr_t)once * 0xC2B2AE3D27D4EB4FULL) ^
                 ((uint64_t)(uintptr_t)twice * 0x165667B19E3779F9ULL);
    size_t i = (size_t)(h ^ (h >> 29)) & (cap - 1);
    while (table[i].s && !(table[i].s == s && table[i].once == once && table[i].twice == twice)) i = (i + 1) & (cap - 1);
    return i;
}

/* rl_flow_second_round, remembered. */
static const rl_lockset *second_round(rl_model *m, tm_posts *pm, const rl_lockset *s, const rl_lockset *once,
                                      const rl_lockset *twice)
{
    if (!s || !once) return s;
    if ((pm->nrounds + 1) * 2 > pm->cap_rounds) {
        size_t cap = pm->cap_rounds ? pm->cap_rounds * 2 : 1024;
        round_answer *table = rl_xcalloc(cap, sizeof *table);
        for (size_t i = 0; i < pm->cap_rounds; i++)
            if (pm->rounds[i].s) table[round_slot(table, cap, pm->rounds[i].s, pm->rounds[i].once, pm->rounds[i].twice)] = pm->rounds[i];
        free(pm->rounds);
        pm->rounds = table;
        pm->cap_rounds = cap;
    }
    round_answer *a = &pm->rounds[round_slot(pm->rounds, pm->cap_rounds, s, once, twice)];
    if (!a->s) {
        *a = (round_answer){s, once, twice, rl_flow_second_round(m->flow, s, once, twice)};
        pm->nrounds++;
    }
    return a->r;
}

static const rl_lockset *resolved(rl_model *m, const frame_env *env, const rl_lockset *objects)
{
    return objects && objects->n ? tm_follow_lock_stores(m, tm_resolve_locks(m, env, objects)) : NULL;
}

/* once and twice of two stretches of a thread, together: an object
 * posted on in both is posted on twice. */
static void combine(rl_model *m, const rl_lockset **once, const rl_lockset **twice, const rl_lockset *once2,
                    const rl_lockset *twice2)
{
    for (size_t e = 0; once2 && *once && e < once2->n; e++)
        if (rl_ls_contains(*once, once2->e[e].lock))
            *twice = rl_ls_add(m->flow->locks, *twice ? *twice : rl_ls_empty(m->flow->locks), once2->e[e].lock, 0);
    *once = union_of(m, *once, once2);
    *twice = union_of(m, *twice, twice2);
}

/* What context ci's chain of callers posts on after their calls, and
 * before them (any waits), resolved: kept per context. */
/* The posts before the calls up context ci's chain (any waits), in
 * cp->earlier and cp->earlier_twice: only asked for a chain with later
 * posts (most have none, and resolving every post of every caller was
 * a third of curl's model). */
static void earlier_of(rl_model *m, tm_posts *pm, int ci, chain_posts *cp)
{
    if (cp->earlier_known) return;
    /* The first caller's chain only: every caller context's, united,
     * made sets of every post a widely called helper's callers make
     * (curl's model took three times as long), and an earlier post only
     * takes an object away from the later ones. */
    const rl_ctx *c = &m->ctxs[ci];
    int p = c->parent_ctx;
    if (m->ctxs[p].parent_ctx >= 0) {
        chain_posts *up = &pm->by_ctx[p];
        earlier_of(m, pm, p, up);
        cp->earlier = up->earlier;
        cp->earlier_twice = up->earlier_twice;
    }
    const calls_answer *a = around_calls(m, pm, ci);
    frame_env penv = tm_ctx_env(&m->ctxs[p]);
    combine(m, &cp->earlier, &cp->earlier_twice, resolved(m, &penv, a->all), resolved(m, &penv, a->all_twice));
    cp->earlier_known = 1;
}

static const chain_posts *chain_of(rl_model *m, tm_posts *pm, int ci);

/* What one caller context p's chain posts after its call (a), resolved,
 * and whether some such post is in a loop around the call. */
static const rl_lockset *later_from(rl_model *m, tm_posts *pm, int p, const calls_answer *a, int *rounds)
{
    const chain_posts *up = chain_of(m, pm, p);
    const rl_lockset *after = NULL;
    if (a->after && a->after->n) {
        frame_env penv = tm_ctx_env(&m->ctxs[p]);
        after = resolved(m, &penv, a->after);
    }
    *rounds = (after && a->after_rounds) || (up->later_all && up->later_rounds);
    return union_of(m, up->later_all, after);
}

/* Meets cp->later_all with what every other caller context's chain posts
 * after its calls into ci (invariant 1; tm_callers' edges); NULL is
 * nothing. A caller context's direct calls of the function are all in
 * one answer (calls_from): the first caller's are not asked again, nor
 * another context's on its next edge; a call through a pointer is its
 * own. */
static void meet_other_callers(rl_model *m, tm_posts *pm, int ci, chain_posts *cp)
{
    const tm_callers *x = pm->callers;
    const rl_ctx *c = &m->ctxs[ci];
    int last_parent = c->parent_ctx;
    for (size_t k = x ? x->first[ci] : 0; x && cp->later_all && k < x->first[ci + 1]; k++) {
        const tm_call_edge *e = &m->call_edges[x->into[k]];
        if (e->parent < 0) continue;
        const rl_fn_info *info = &m->program->fns[m->ctxs[e->parent].fn];
        int direct = e->call >= 0 && e->call < info->fn->nnodes && info->callees[e->call];
        if (direct ? e->parent == c->parent_ctx || e->parent == last_parent
                   : e->parent == c->parent_ctx && e->call == c->call_node)
            continue;
        if (direct) last_parent = e->parent;
        calls_answer a = calls_from(m, pm, ci, e->parent, direct ? -1 : e->call);
        int rounds = 0;
        const rl_lockset *l = later_from(m, pm, e->parent, &a, &rounds);
        cp->later_all = l ? rl_ls_meet(m->flow->locks, cp->later_all, l) : NULL;
        if (cp->later_all && !cp->later_all->n) cp->later_all = NULL;
        cp->later_rounds |= rounds;
    }
}

/* What context ci's chain of callers posts on after their calls, and
 * that less their posts before them (any waits), resolved: kept per
 * context. */
static const chain_posts *chain_of(rl_model *m, tm_posts *pm, int ci)
{
    static const chain_posts none = {0};
    if (ci < 0 || (size_t)ci >= pm->nctxs || m->ctxs[ci].parent_ctx < 0) return &none;
    chain_posts *cp = &pm->by_ctx[ci];
    if (cp->known) return cp;
    if (cp->in_progress) return &none; /* a cycle of contexts: nothing surely posted */
    cp->in_progress = 1;
    const rl_ctx *c = &m->ctxs[ci];
    int rounds = 0;
    cp->later_all = later_from(m, pm, c->parent_ctx, around_calls(m, pm, ci), &rounds);
    cp->later_rounds = rounds;
    meet_other_callers(m, pm, ci, cp);
    cp->in_progress = 0;
    /* Taken away now for the whole chain, the function's own earlier
     * posts at each access (tm_posted_after): one after the other, as
     * at once (a mark whose object is posted on again goes). */
    if (cp->later_all) {
        earlier_of(m, pm, ci, cp);
        cp->later = second_round(m, pm, cp->later_all, cp->earlier, cp->earlier_twice);
        if (!cp->later->n) cp->later = NULL;
    }
    cp->known = 1;
    return cp;
}

/* The function's own later posts (resolved), less what earlier posts up
 * the chain, to the first level that waited, let a waiter do first. */
static const rl_lockset *own_posts(rl_model *m, tm_posts *pm, int ci, const frame_env *env, const rl_lockset *posted,
                                   int waited)
{
    const rl_lockset *r = resolved(m, env, posted);
    for (int p = ci; r && r->n && !waited && m->ctxs[p].parent_ctx >= 0; p = m->ctxs[p].parent_ctx) {
        const calls_answer *a = around_calls(m, pm, p);
        waited = a->waited;
        if (!a->before || !a->before->n) continue;
        frame_env penv = tm_ctx_env(&m->ctxs[m->ctxs[p].parent_ctx]);
        r = second_round(m, pm, r, resolved(m, &penv, a->before), resolved(m, &penv, a->before_twice));
    }
    return r;
}

const rl_lockset *tm_posted_after(rl_model *m, tm_posts *pm, int ci, int32_t node, const rl_lockset *publish,
                                  int new_each_round, int *rounds)
{
    const rl_ctx *c = &m->ctxs[ci];
    const rl_function *f = m->program->fns[c->fn].fn;
    *rounds = 0;
    const rl_lockset *posted = new_each_round ? rl_flow_posted_after_new(m->flow, f, c->fn, node)
                                              : rl_flow_posted_after(m->flow, f, c->fn, node, rounds);
    const chain_posts *chain = chain_of(m, pm, ci);
    if (!posted && !chain->later) return publish;
    frame_env env = tm_ctx_env(c);
    const rl_lockset *r = NULL;
    if (posted) {
        int waited = rl_flow_waits_before(m->flow, c->fn, node);
        if (pm->memo_ctx == ci && pm->memo_posted == posted && pm->memo_waited == waited) {
            r = pm->memo_r;
        } else {
            r = own_posts(m, pm, ci, &env, posted, waited);
            pm->memo_ctx = ci;
            pm->memo_posted = posted;
            pm->memo_waited = waited;
            pm->memo_r = r;
        }
    }
    if (chain->later) {
        /* the callers' later posts, less the function's own earlier
         * posts before the node (the chain's are gone already) */
        const rl_lockset *twice = NULL;
        const rl_lockset *own_once = rl_flow_posts_before_all(m->flow, f, c->fn, node, &twice), *later;
        if (pm->later_ctx == ci && pm->later_once == own_once && pm->later_twice == twice) {
            later = pm->later_r;
        } else {
            later = own_once ? second_round(m, pm, chain->later, resolved(m, &env, own_once), resolved(m, &env, twice))
                             : chain->later;
            pm->later_ctx = ci;
            pm->later_once = own_once;
            pm->later_twice = twice;
            pm->later_r = later;
        }
        if (later->n) {
            r = union_of(m, r, later);
            *rounds |= chain->later_rounds;
        }
    }
    if (!r || !r->n) return publish;
    return publish ? rl_ls_union(m->flow->locks, publish, r) : r;
}
