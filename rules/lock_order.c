/* Rule `lock-order-inversion`: the lock-order graph has an edge a -> b
 * when some thread acquires b while holding a. A cycle whose edges come
 * from threads that may run together (or from several instances of one
 * thread) can deadlock, unless both acquisitions hold a common gate lock.
 * Trylocks form no edge (they back off), nor do acquisitions made while
 * main runs alone, nor two locks taken in the order a test of their
 * addresses or ids decides (`if (x < y)`, RL_IF_ORDERS). One finding per strongly connected component, showing
 * one cycle through it. */
#include "checks.h"
#include "evidence.h"
#include "model/place.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sites kept per edge: enough to find two threads that run together. */
#define MAX_EDGE_SITES 16

typedef struct edge {
    int from, to;                 /* lock indices */
    size_t sites[MAX_EDGE_SITES]; /* lock events acquiring `to` holding `from` */
    int nsites;
} edge;

typedef struct graph {
    const char **locks;
    size_t nlocks, cap_locks;
    rl_ptrmap index;              /* lock -> index + 1 */
    edge *edges;
    size_t nedges, cap_edges;
    rl_ptrmap edge_index;         /* "from\x1fto" interned -> index + 1 */
} graph;

static int lock_index(graph *g, const char *lock)
{
    void **slot = rl_ptrmap_slot(&g->index, lock);
    if (!*slot) {
        RL_PUSH(g->locks, g->nlocks, g->cap_locks, lock);
        *slot = (void *)(intptr_t)g->nlocks;
    }
    return (int)((intptr_t)*slot - 1);
}

static void add_edge(const rl_model *m, graph *g, const char *from, const char *to, size_t site)
{
    int a = lock_index(g, from), b = lock_index(g, to);
    rl_strbuf key = RL_STRBUF_INIT;
    rl_sb_printf(&key, "%d\x1f%d", a, b);
    void **slot = rl_ptrmap_slot(&g->edge_index, rl_intern(m->program->pool, rl_sb_str(&key)));
    rl_sb_free(&key);
    if (!*slot) {
        RL_GROW(g->edges, g->cap_edges, g->nedges + 1);
        edge *e = &g->edges[g->nedges++];
        memset(e, 0, sizeof *e);
        e->from = a;
        e->to = b;
        *slot = (void *)(intptr_t)g->nedges;
    }
    edge *e = &g->edges[(intptr_t)*slot - 1];
    if (e->nsites < MAX_EDGE_SITES) e->sites[e->nsites++] = site;
}

/* Tarjan's strongly connected components over the lock graph. */
typedef struct tarjan {
    const graph *g;
    int *index, *low, *on_stack, *stack, *comp;
    int sp, counter, ncomps;
} tarjan;

static void strong_connect(tarjan *t, int v)
{
    t->index[v] = t->low[v] = t->counter++;
    t->stack[t->sp++] = v;
    t->on_stack[v] = 1;
    for (size_t i = 0; i < t->g->nedges; i++) {
        const edge *e = &t->g->edges[i];
        if (e->from != v) continue;
        if (t->index[e->to] < 0) {
            strong_connect(t, e->to);
            if (t->low[e->to] < t->low[v]) t->low[v] = t->low[e->to];
        } else if (t->on_stack[e->to] && t->index[e->to] < t->low[v]) {
            t->low[v] = t->index[e->to];
        }
    }
    if (t->low[v] == t->index[v]) {
        int w;
        do {
            w = t->stack[--t->sp];
            t->on_stack[w] = 0;
            t->comp[w] = t->ncomps;
        } while (w != v);
        t->ncomps++;
    }
}

static rl_access as_access(const rl_lock_event *e)
{
    rl_access a;
    memset(&a, 0, sizeof a);
    a.ctx = e->ctx;
    a.node = e->node;
    a.place = e->lock;
    a.held = e->held;
    a.thread = e->thread;
    a.via_global = e->via_global;
    return a;
}

/* Whether lock is held in set s, and in which mode (*shared). */
static int holds(const rl_lockset *s, const char *lock, int *shared)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (s->e[i].lock == lock) {
            *shared = s->e[i].shared;
            return 1;
        }
    return 0;
}

/* Whether two acquisitions of a cycle are made under a common gate: one
 * lock besides the cycle's own (`cycle`, the locks its edges leave from),
 * one object, held by both and exclusively by at least one. The two
 * threads are then never inside at once, and the inversion cannot
 * deadlock (both take `gate` before a and b, in either order). */
static int gated(const rl_lock_event *x, const rl_lock_event *y, const rl_ptrmap *cycle)
{
    for (size_t i = 0; x->held && i < x->held->n; i++) {
        const char *lock = x->held->e[i].lock;
        int shared = 0;
        if (rl_ptrmap_get(cycle, lock) || !rl_place_is_single_object(lock) || !holds(y->held, lock, &shared))
            continue;
        if (!(shared && x->held->e[i].shared)) return 1;
    }
    return 0;
}

/* Two sites of different edges that may run at the same time, not under
 * a common gate. */
static int sites_concurrent(const rl_model *m, const edge *x, const edge *y, const rl_ptrmap *cycle, size_t *sx,
                            size_t *sy)
{
    for (int i = 0; i < x->nsites; i++)
        for (int j = 0; j < y->nsites; j++) {
            const rl_lock_event *ex = &m->lock_events[x->sites[i]], *ey = &m->lock_events[y->sites[j]];
            if (gated(ex, ey, cycle)) continue;
            rl_access a = as_access(ex), b = as_access(ey);
            if (rl_model_may_run_together(m, &a, &b)) {
                *sx = x->sites[i];
                *sy = y->sites[j];
                return 1;
            }
        }
    return 0;
}

/* The last acquisition of `lock` in context c before node `limit`, or,
 * `through_wrappers`, in a lock wrapper c calls before it (`obj_lock(&A)`,
 * rl_evidence_in_lock_wrapper: the lock it returns holding; a scan of
 * every context, made only for the cycles reported); -1 if none. */
static long acquisition_before(const rl_model *m, int c, int32_t limit, const char *lock, int through_wrappers)
{
    long found = -1;
    int32_t found_at = -1;
    for (size_t i = m->ctx_lock_events[c]; i < m->ctx_lock_events[c + 1]; i++) {
        const rl_lock_event *e = &m->lock_events[i];
        if (e->node < limit && e->node > found_at && e->lock == lock && e->kind != RL_N_UNLOCK)
            found = (long)i, found_at = e->node;
    }
    for (size_t d = 0; through_wrappers && d < m->nctxs; d++) {
        const rl_ctx *w = &m->ctxs[d];
        if (w->parent_ctx != c || w->call_node >= limit || w->call_node <= found_at ||
            !rl_evidence_in_lock_wrapper(m, (int)d))
            continue;
        long inside = acquisition_before(m, (int)d, INT32_MAX, lock, 1);
        if (inside >= 0) found = inside, found_at = w->call_node;
    }
    return found;
}

/* The acquisition of `lock` that is held at `inner`: in the same context
 * before it, or in a caller before the call that leads to it, taken
 * there (or, `through_wrappers`, in a lock wrapper called there); -1 if
 * none. */
static long outer_acquisition(const rl_model *m, const rl_lock_event *inner, const char *lock, int through_wrappers)
{
    int32_t limit = inner->node;
    for (int c = inner->ctx; c >= 0; limit = m->ctxs[c].call_node, c = m->ctxs[c].parent_ctx) {
        long found = acquisition_before(m, c, limit, lock, through_wrappers);
        if (found >= 0) return found;
    }
    return -1;
}

/* Whether the first n characters of a root name the root of place. */
static int has_root(const char *place, const char *root)
{
    size_t n = place ? strcspn(place + (place[0] == '&'), "*.[") : 0;
    return n && strlen(root) == n && strncmp(place + (place[0] == '&'), root, n) == 0;
}

/* Whether the acquisition `inner`, made holding the lock taken by event
 * `outer` in the same context, lies with it in one branch of an order
 * test of the two locks' roots (`if (x < y) { lock(&x->m); lock(&y->m);
 * } else { lock(&y->m); lock(&x->m); }`, RL_IF_ORDERS): every thread
 * then takes the two in one order, whichever objects they are. */
static int ordered_by_test(const rl_model *m, const rl_lock_event *inner, long outer)
{
    if (outer < 0 || m->lock_events[outer].ctx != inner->ctx) return 0;
    const rl_function *fn = rl_model_ctx_function(m, inner->ctx);
    const rl_node *a = &fn->nodes[m->lock_events[outer].node], *b = &fn->nodes[inner->node];
    for (int32_t branch = inner->node, p = b->parent; p >= 0; branch = p, p = fn->nodes[p].parent) {
        const rl_node *n = &fn->nodes[p];
        if (n->kind != RL_N_IF || !(n->flags & RL_IF_ORDERS)) continue;
        int32_t at = m->lock_events[outer].node;
        if (at < branch || at > fn->nodes[branch].end) continue;
        if ((has_root(a->text, n->text) && has_root(b->text, n->display)) ||
            (has_root(a->text, n->display) && has_root(b->text, n->text)))
            return 1;
    }
    return 0;
}

static void add_site(const rl_model *m, rl_finding *f, size_t site)
{
    const rl_lock_event *e = &m->lock_events[site];
    int32_t node = e->node;
    int ctx = rl_evidence_lock_site(m, e->ctx, &node);
    /* through a lock wrapper: where it is called (the order a maintainer
     * changes), then the lock call inside it (where the thread blocks) */
    if (ctx != e->ctx) rl_evidence_add_node(m, f, ctx, node, "lock", e->held);
    rl_evidence_add_node(m, f, e->ctx, e->node, "lock", e->held);
}

/* Reports one cycle: `path` holds edge indices around the component. */
static void report_cycle(rl_check_ctx *ctx, const graph *g, const size_t *path, int n, const size_t *sites)
{
    const rl_model *m = ctx->model;
    rl_finding *f = rl_findings_add(ctx->out);
    f->rule = rl_xstrdup("lock-order-inversion");
    f->severity = RL_SEV_WARNING;
    rl_strbuf loc = RL_STRBUF_INIT, msg = RL_STRBUF_INIT;
    const char **parts = rl_xcalloc((size_t)n + 1, sizeof *parts);
    for (int i = 0; i < n; i++) {
        const edge *e = &g->edges[path[i]];
        const rl_lock_event *le = &m->lock_events[sites[i]];
        rl_strbuf a = RL_STRBUF_INIT, b = RL_STRBUF_INIT;
        rl_evidence_lock_name(m, g->locks[e->from], &a);
        rl_evidence_lock_name(m, g->locks[e->to], &b);
        if (i) rl_sb_append(&loc, " -> ");
        rl_sb_append(&loc, rl_sb_str(&a));
        rl_sb_printf(&msg, "%s'%s' then '%s' in thread '%s'", i ? ", " : "", rl_sb_str(&a), rl_sb_str(&b),
                     rl_model_thread_name(m, le->thread));
        parts[i] = g->locks[e->from];
        rl_sb_free(&a);
        rl_sb_free(&b);
        long outer = outer_acquisition(m, le, g->locks[e->from], 1);
        if (outer >= 0) add_site(m, f, (size_t)outer);
        add_site(m, f, sites[i]);
    }
    f->location = rl_sb_take(&loc);
    /* doubts: some acquisition reached only through a weak call, some
     * lock of the cycle a summary of many objects */
    int weak = 0, summary = 0;
    for (int i = 0; i < n; i++) {
        weak |= rl_model_ctx_via_indirect(m, m->lock_events[sites[i]].ctx);
        summary |= !rl_place_is_single_object(g->locks[g->edges[path[i]].from]);
    }
    f->confidence = rl_evidence_confidence(weak + summary);
    f->message = rl_xasprintf("lock order inversion (potential deadlock): %s", rl_sb_str(&msg));
    f->hint = rl_xstrdup("acquire these locks in one global order everywhere, or use a trylock and back off");
    rl_sb_free(&msg);
    rl_evidence_fingerprint(f, "cycle", parts, (size_t)n);
    free(parts);
}

/* Finds a cycle through `start` inside its component (BFS over edges),
 * checks that its edges can run together, and reports it. */
static void find_cycle(rl_check_ctx *ctx, const graph *g, const tarjan *t, int start)
{
    const rl_model *m = ctx->model;
    size_t n = g->nlocks;
    long *via = rl_xmalloc(n * sizeof *via); /* edge that reached each lock */
    for (size_t i = 0; i < n; i++) via[i] = -1;
    int *queue = rl_xmalloc((n + 1) * sizeof *queue);
    int head = 0, tail = 0;
    queue[tail++] = start;
    long closing = -1;
    while (head < tail && closing < 0) {
        int v = queue[head++];
        for (size_t i = 0; i < g->nedges && closing < 0; i++) {
            const edge *e = &g->edges[i];
            if (e->from != v || t->comp[e->to] != t->comp[start]) continue;
            if (e->to == start) closing = (long)i;
            else if (via[e->to] < 0) {
                via[e->to] = (long)i;
                queue[tail++] = e->to;
            }
        }
    }
    if (closing >= 0) {
        /* Walk back from the closing edge to start. */
        size_t *path = rl_xmalloc((n + 1) * sizeof *path);
        int len = 0;
        for (long e = closing;; e = via[g->edges[e].from]) {
            path[len++] = (size_t)e;
            if (g->edges[e].from == start) break;
        }
        for (int i = 0; i < len / 2; i++) {
            size_t tmp = path[i];
            path[i] = path[len - 1 - i];
            path[len - 1 - i] = tmp;
        }
        /* Some two edges of the cycle must run at the same time. */
        size_t *sites = rl_xmalloc(((size_t)len + 1) * sizeof *sites);
        rl_ptrmap cycle = RL_PTRMAP_INIT;
        for (int i = 0; i < len; i++) {
            sites[i] = g->edges[path[i]].sites[0];
            rl_ptrmap_put(&cycle, g->locks[g->edges[path[i]].from], (void *)1);
        }
        int ok = 0;
        for (int i = 0; i < len && !ok; i++)
            for (int j = i + 1; j < len && !ok; j++)
                ok = sites_concurrent(m, &g->edges[path[i]], &g->edges[path[j]], &cycle, &sites[i], &sites[j]);
        if (ok) report_cycle(ctx, g, path, len, sites);
        rl_ptrmap_free(&cycle);
        free(sites);
        free(path);
    }
    free(via);
    free(queue);
}

/* The parameter a lock node's place starts from (`&from->lock` -> 0), or -1. */
static int param_root(const rl_node *n)
{
    int p = -1;
    return n->text && sscanf(n->text, "P%d*", &p) == 1 ? p : -1;
}

/* The parameter that decides which object a lock node takes: the one its
 * place starts from (param_root), or the one parameter that indexes it
 * (`&accts[from_id].lock`, "G:accts[#P0].lock" -> 0); -1 otherwise. */
static int lock_param(const rl_node *n)
{
    int p = param_root(n);
    if (p >= 0 || !n->text) return p;
    const char *index = strstr(n->text, "[#P");
    if (index && sscanf(index, "[#P%d]", &p) == 1 && !strstr(index + 1, "[#P")) return p;
    return -1;
}

/* Whether fn takes a lock through parameter `second` before one through
 * parameter `first` somewhere (then it orders them itself). */
static int takes_in_order(const rl_function *fn, int first, int second)
{
    int seen_first = 0;
    for (int32_t i = 0; i < fn->nnodes; i++) {
        const rl_node *n = &fn->nodes[i];
        if (n->kind != RL_N_LOCK) continue;
        int p = lock_param(n);
        if (p == first) seen_first = 1;
        else if (p == second && seen_first) return 1;
    }
    return 0;
}

/* A finding of two acquisitions by function fn of locks of one name
 * (`lock`), its sites left to the caller to add. `message` is a format
 * taking the function's name and the lock's; `tag` keeps the fingerprint
 * apart from the other checks'. */
static rl_finding *two_acquisitions_finding(rl_check_ctx *ctx, const char *lock, const rl_function *fn,
                                            const char *tag, int doubts, const char *message, const char *hint)
{
    const rl_model *m = ctx->model;
    rl_finding *f = rl_findings_add(ctx->out);
    f->rule = rl_xstrdup("lock-order-inversion");
    f->severity = RL_SEV_WARNING;
    rl_strbuf name = RL_STRBUF_INIT;
    rl_evidence_lock_name(m, lock, &name);
    f->location = rl_xstrdup(rl_sb_str(&name));
    f->message = rl_xasprintf(message, fn->name, rl_sb_str(&name));
    f->hint = rl_xstrdup(hint);
    rl_sb_free(&name);
    f->confidence = rl_evidence_confidence(doubts);
    const char *parts[2] = {fn->name, tag};
    rl_evidence_fingerprint(f, lock, parts, 2);
    return f;
}

/* Reports two acquisitions by one function of locks of one name: lock
 * event `outer`, then event i taken while holding it
 * (two_acquisitions_finding). */
static void report_two_acquisitions(rl_check_ctx *ctx, size_t i, long outer, const rl_function *fn, const char *tag,
                                    int doubts, const char *message, const char *hint)
{
    rl_finding *f = two_acquisitions_finding(ctx, ctx->model->lock_events[i].lock, fn, tag, doubts, message, hint);
    add_site(ctx->model, f, (size_t)outer);
    add_site(ctx->model, f, i);
}

/* The message and hint of a function taking two locks of one name in the
 * order of its arguments. */
#define ARGUMENT_ORDER_MESSAGE \
    "'%s' takes two '%s' locks in argument order: calls with the arguments swapped, in threads that run together, deadlock"
#define ARGUMENT_ORDER_HINT \
    "take the two locks in a fixed order (for example by address or id), whatever the order of the arguments"

/* Whether lock event e may run at once with itself: in two instances of
 * its thread, or in two threads running its function's node. */
static int runs_with_itself(const rl_model *m, const rl_lock_event *e)
{
    rl_access a = as_access(e);
    if (rl_model_may_run_together(m, &a, &a)) return 1;
    for (size_t j = 0; j < m->nlock_events; j++) {
        const rl_lock_event *o = &m->lock_events[j];
        if (o->thread == e->thread || m->ctxs[o->ctx].fn != m->ctxs[e->ctx].fn || o->node != e->node) continue;
        rl_access b = as_access(o);
        if (rl_model_may_run_together(m, &a, &b)) return 1;
    }
    return 0;
}

/* The most calls of one context the checks below look at (a wrapper is
 * called a few times per function, a transfer from a few places). */
#define MAX_WRAPPER_CALLS 16

/* Whether every call of function fn passes integer constants in its
 * parameters `first` and `second`, in one order (`transfer(0, 1)` from
 * every thread): the two elements they index are then always taken the
 * lower (or the higher) first, whatever thread takes them. Constants bind
 * no value, so every such call enters one context and both elements are
 * one name. */
static int constant_indices_in_one_order(const rl_model *m, int fn, int first, int second)
{
    int order = 0;
    for (size_t c = 0; c < m->nctxs; c++) {
        if (m->ctxs[c].fn != fn) continue;
        int parents[MAX_WRAPPER_CALLS];
        int32_t nodes[MAX_WRAPPER_CALLS];
        size_t ncalls = rl_model_ctx_calls(m, (int)c, parents, nodes, MAX_WRAPPER_CALLS);
        if (ncalls == 0 || ncalls > MAX_WRAPPER_CALLS) return 0;
        for (size_t k = 0; k < ncalls; k++) {
            const rl_node *call = &rl_model_ctx_function(m, parents[k])->nodes[nodes[k]];
            long long a, b;
            if (first >= call->nargs || second >= call->nargs || !call->args[first] || !call->args[second] ||
                sscanf(call->args[first], RL_INT_CONSTANT_ARG "%lld", &a) != 1 ||
                sscanf(call->args[second], RL_INT_CONSTANT_ARG "%lld", &b) != 1 || a == b)
                return 0;
            int sign = a < b ? -1 : 1;
            if (order && sign != order) return 0;
            order = sign;
        }
    }
    return order != 0;
}

/* Two objects' locks of one kind (array elements, objects known by type)
 * share a name, so `transfer(a, b)` taking a->lock then b->lock is a
 * self-edge; so is `&accts[from_id]` then `&accts[to_id]`. It deadlocks when the function runs in threads that may pass
 * the objects in the opposite order, unless the function orders them. */
static void check_argument_order(rl_check_ctx *ctx, rl_ptrmap *reported)
{
    const rl_model *m = ctx->model;
    for (size_t i = 0; i < m->nlock_events; i++) {
        const rl_lock_event *e = &m->lock_events[i];
        if (e->kind != RL_N_LOCK || !rl_ls_contains(e->held, e->lock)) continue;
        const rl_function *fn = rl_model_ctx_function(m, e->ctx);
        const rl_node *n = &fn->nodes[e->node];
        int second = lock_param(n);
        if (second < 0) continue;
        long outer = outer_acquisition(m, e, e->lock, 0);
        if (outer < 0 || m->lock_events[outer].ctx != e->ctx) continue;
        int first = lock_param(&fn->nodes[m->lock_events[outer].node]);
        if (first < 0 || first == second || takes_in_order(fn, second, first)) continue;
        if (strstr(n->text, "[#P") && constant_indices_in_one_order(m, m->ctxs[e->ctx].fn, first, second)) continue;
        void **slot = rl_ptrmap_slot(reported, n);
        if (*slot || !runs_with_itself(m, e)) continue;
        *slot = (void *)1;
        report_two_acquisitions(ctx, i, outer, fn, "argument-order", rl_evidence_lock_doubts(m, e->ctx, e->lock),
                                ARGUMENT_ORDER_MESSAGE, ARGUMENT_ORDER_HINT);
    }
}

/* The parameter of its function that argument `arg` of a call is
 * (`lock_acct(to)` -> to's index), or -1. */
static int arg_param(const rl_node *call, int arg)
{
    if (arg < 0 || arg >= call->nargs || !call->args[arg] || call->args[arg][0] != 'P') return -1;
    char *end;
    long p = strtol(call->args[arg] + 1, &end, 10);
    return end != call->args[arg] + 1 && *end == '\0' && p < INT32_MAX ? (int)p : -1;
}

/* Whether, among the calls of one wrapper context (parents[], nodes[]),
 * fn calls it with its parameter `first` before a call with `second`
 * (then it orders the two itself, as takes_in_order asks of its own
 * locks: `if (a < b) { lock_acct(a); lock_acct(b); } else ...`). */
static int wrapper_calls_in_order(const rl_model *m, const rl_function *fn, const int *parents, const int32_t *nodes,
                                  size_t ncalls, int param, int first, int second)
{
    for (size_t a = 0; a < ncalls; a++)
        for (size_t b = 0; b < ncalls; b++)
            if (parents[a] == parents[b] && nodes[a] < nodes[b] && rl_model_ctx_function(m, parents[a]) == fn &&
                arg_param(&fn->nodes[nodes[a]], param) == first && arg_param(&fn->nodes[nodes[b]], param) == second)
                return 1;
    return 0;
}

/* check_argument_order through a lock wrapper (`lock_acct(from);
 * lock_acct(to);`, the wrapper locking `&a->m`): both calls enter one
 * context of the wrapper when the two arguments share a name, so its one
 * lock event stands for both, the second taken while the first may be
 * held (e->may). The two acquisitions are the calls, judged as the
 * caller's: through two of its parameters, never in the other order. */
static void check_wrapped_argument_order(rl_check_ctx *ctx, rl_ptrmap *reported)
{
    const rl_model *m = ctx->model;
    for (size_t i = 0; i < m->nlock_events; i++) {
        const rl_lock_event *e = &m->lock_events[i];
        if (e->kind != RL_N_LOCK || !e->may || !rl_ls_contains(e->may, e->lock) || !rl_evidence_in_lock_wrapper(m, e->ctx))
            continue;
        int param = param_root(&rl_model_ctx_function(m, e->ctx)->nodes[e->node]);
        int parents[MAX_WRAPPER_CALLS];
        int32_t nodes[MAX_WRAPPER_CALLS];
        size_t ncalls = rl_model_ctx_calls(m, e->ctx, parents, nodes, MAX_WRAPPER_CALLS);
        if (param < 0 || ncalls > MAX_WRAPPER_CALLS) continue;
        for (size_t a = 0; a < ncalls; a++)
            for (size_t b = 0; b < ncalls; b++) {
                if (parents[a] != parents[b] || nodes[a] >= nodes[b]) continue;
                const rl_function *fn = rl_model_ctx_function(m, parents[a]);
                int first = arg_param(&fn->nodes[nodes[a]], param), second = arg_param(&fn->nodes[nodes[b]], param);
                if (first < 0 || second < 0 || first == second || takes_in_order(fn, second, first) ||
                    wrapper_calls_in_order(m, fn, parents, nodes, ncalls, param, second, first))
                    continue;
                void **slot = rl_ptrmap_slot(reported, &fn->nodes[nodes[b]]);
                if (*slot || !runs_with_itself(m, e)) continue;
                *slot = (void *)1;
                rl_finding *f = two_acquisitions_finding(ctx, e->lock, fn, "argument-order",
                                                         rl_evidence_lock_doubts(m, e->ctx, e->lock),
                                                         ARGUMENT_ORDER_MESSAGE, ARGUMENT_ORDER_HINT);
                rl_evidence_add_node(m, f, parents[a], nodes[a], "lock", e->held);
                rl_evidence_add_node(m, f, parents[b], nodes[b], "lock", e->may);
                rl_evidence_add_node(m, f, e->ctx, e->node, "lock", e->may);
            }
    }
}

/* Whether node `node` of fn lies under an IF (a branch the code chose),
 * or an order test (RL_IF_ORDERS) comes before it: the code may order
 * the locks it takes there (even and odd philosophers taking their forks
 * in opposite orders; the lower-numbered fork first). */
static int may_be_ordered(const rl_function *fn, int32_t node)
{
    for (int32_t p = fn->nodes[node].parent; p >= 0; p = fn->nodes[p].parent)
        if (fn->nodes[p].kind == RL_N_IF) return 1;
    for (int32_t i = 0; i < node; i++)
        if (fn->nodes[i].kind == RL_N_IF && (fn->nodes[i].flags & RL_IF_ORDERS)) return 1;
    return 0;
}

/* Two elements of one lock array (one name, "G:fork[]") taken one after
 * the other by a function that threads run together: philosopher i takes
 * fork[i], then fork[(i + 1) % N], and all of them may hold their first
 * and wait for their second. The lock-order graph cannot see it (one name
 * is no edge). Reported unless the code may order the two (may_be_ordered). */
static void check_array_circle(rl_check_ctx *ctx, rl_ptrmap *reported)
{
    const rl_model *m = ctx->model;
    for (size_t i = 0; i < m->nlock_events; i++) {
        const rl_lock_event *e = &m->lock_events[i];
        if (e->kind != RL_N_LOCK || !strstr(e->lock, "[]") || !rl_ls_contains(e->held, e->lock)) continue;
        long outer = outer_acquisition(m, e, e->lock, 0);
        if (outer < 0 || m->lock_events[outer].ctx != e->ctx) continue;
        const rl_function *fn = rl_model_ctx_function(m, e->ctx);
        const rl_node *n = &fn->nodes[e->node];
        if (param_root(n) >= 0 || may_be_ordered(fn, e->node) || may_be_ordered(fn, m->lock_events[outer].node))
            continue;
        rl_access a = as_access(e);
        if (!rl_model_may_run_together(m, &a, &a)) continue;
        void **slot = rl_ptrmap_slot(reported, n);
        if (*slot) continue;
        *slot = (void *)1;
        report_two_acquisitions(ctx, i, outer, fn, "array-circle", 1 /* which elements: not known */,
                                "'%s' takes two locks of the array '%s', one while holding the other, in threads "
                                "that run together: each may hold one and wait for the next, in a circle",
                                "take the two elements in one order for every thread (the lower index first)");
    }
}

void rl_check_LockOrderInversion(rl_check_ctx *ctx)
{
    const rl_model *m = ctx->model;
    graph g;
    memset(&g, 0, sizeof g);
    for (size_t i = 0; i < m->nlock_events; i++) {
        const rl_lock_event *e = &m->lock_events[i];
        if (e->kind != RL_N_LOCK || rl_model_runs_alone(m, e->ctx, e->node)) continue;
        for (size_t k = 0; e->held && k < e->held->n; k++) {
            const char *outer = e->held->e[k].lock;
            if (outer == e->lock || ordered_by_test(m, e, outer_acquisition(m, e, outer, 0))) continue;
            add_edge(m, &g, outer, e->lock, i);
        }
    }
    if (g.nlocks > 1) {
        tarjan t;
        memset(&t, 0, sizeof t);
        t.g = &g;
        size_t n = g.nlocks;
        t.index = rl_xmalloc(n * sizeof(int));
        t.low = rl_xmalloc(n * sizeof(int));
        t.on_stack = rl_xcalloc(n, sizeof(int));
        t.stack = rl_xmalloc(n * sizeof(int));
        t.comp = rl_xmalloc(n * sizeof(int));
        for (size_t i = 0; i < n; i++) t.index[i] = -1;
        for (size_t i = 0; i < n; i++)
            if (t.index[i] < 0) strong_connect(&t, (int)i);
        /* One cycle per component of two or more locks, from its first lock. */
        char *done = rl_xcalloc((size_t)t.ncomps + 1, 1);
        int *size = rl_xcalloc((size_t)t.ncomps + 1, sizeof *size);
        for (size_t i = 0; i < n; i++) size[t.comp[i]]++;
        for (size_t i = 0; i < n; i++) {
            if (size[t.comp[i]] < 2 || done[t.comp[i]]) continue;
            done[t.comp[i]] = 1;
            find_cycle(ctx, &g, &t, (int)i);
        }
        free(done);
        free(size);
        free(t.index);
        free(t.low);
        free(t.on_stack);
        free(t.stack);
        free(t.comp);
    }
    free(g.locks);
    free(g.edges);
    rl_ptrmap_free(&g.index);
    rl_ptrmap_free(&g.edge_index);
    rl_ptrmap reported = RL_PTRMAP_INIT;
    check_argument_order(ctx, &reported);
    check_wrapped_argument_order(ctx, &reported);
    check_array_circle(ctx, &reported);
    rl_ptrmap_free(&reported);
}
