/* Merging unit facts into one program (program.h). */
#include "program.h"
#include "at_once.h"
#include "exit_paths.h"
#include "callgraph.h"
#include "goto_reach.h"
#include "../apimodel/apimodel.h"
#include "../util/mem.h"
#include <stdlib.h>
#include <string.h>

rl_program *rl_program_new(void)
{
    rl_program *p = rl_xcalloc(1, sizeof *p);
    p->pool = rl_strpool_new();
    p->main_fn = -1;
    return p;
}

int rl_program_find(const rl_program *p, const char *usr)
{
    void *v = rl_ptrmap_get(&p->by_usr, usr);
    return v ? (int)((intptr_t)v - 1) : -1;
}

void rl_program_add_unit(rl_program *p, const rl_unit_facts *facts)
{
    rl_program_add_unit_roots(p, facts, 1);
}

void rl_program_add_unit_roots(rl_program *p, const rl_unit_facts *facts, int may_root)
{
    RL_PUSH(p->units, p->nunits, p->cap_units, facts);
    for (int32_t i = 0; i < facts->nfns; i++) {
        const rl_function *fn = &facts->fns[i];
        const char *usr = rl_intern(p->pool, fn->usr);
        if (rl_program_find(p, usr) >= 0) continue;
        RL_GROW(p->fns, p->cap_fns, p->nfns + 1);
        rl_fn_info *info = &p->fns[p->nfns];
        memset(info, 0, sizeof *info);
        info->fn = fn;
        info->usr = usr;
        info->name = rl_intern(p->pool, fn->name);
        info->may_root = may_root;
        info->type = rl_intern(p->pool, fn->type);
        info->callees = rl_xcalloc((size_t)fn->nnodes + 1, sizeof *info->callees);
        for (int32_t n = 0; n < fn->nnodes; n++)
            if (fn->nodes[n].callee) info->callees[n] = rl_intern(p->pool, fn->nodes[n].callee);
        rl_ptrmap_put(&p->by_usr, usr, (void *)(intptr_t)(p->nfns + 1));
        if (strcmp(fn->name, "main") == 0 && p->main_fn < 0) p->main_fn = (int)p->nfns;
        p->nfns++;
    }
    /* A function's address may be taken in a unit other than the one that
     * defines it, so the marks are kept by USR and applied in finish. */
    for (int32_t i = 0; i < facts->naddr_taken; i++)
        rl_ptrmap_put(&p->addr_taken, rl_intern(p->pool, facts->addr_taken[i]), (void *)1);
    for (int32_t i = 0; i < facts->nalloc_slots; i++)
        rl_ptrmap_put(&p->alloc_slots, rl_intern(p->pool, facts->alloc_slots[i]), (void *)1);
}

/* ---- exit paths ---------------------------------------------------------- */

int rl_program_call_noreturn(const rl_program *p, const rl_fn_info *info, int32_t node)
{
    const rl_node *n = &info->fn->nodes[node];
    if (n->kind != RL_N_CALL) return 0;
    if (n->flags & RL_CALL_NORETURN) return 1;
    int callee = info->callees[node] ? rl_program_find(p, info->callees[node]) : -1;
    return callee >= 0 && p->fns[callee].exits;
}

/* ---- thread creation ------------------------------------------------------ */

/* Of the candidates of a call through field slot `target` that nothing
 * flows into, those that same-named fields of other structs hold (both
 * lists are ascending); all of them when that leaves none. Computed once
 * per slot. */
static const rl_fn_list *same_field_candidates(rl_program *p, const char *target, const rl_fn_list *cands)
{
    void **v = rl_ptrmap_slot(&p->same_field, target);
    if (!*v) {
        rl_fn_list *both = rl_xcalloc(1, sizeof *both);
        size_t nsame;
        const int *same = rl_callgraph_same_name_targets(p->calls, target, &nsame);
        for (size_t i = 0, k = 0; i < cands->len && k < nsame;) {
            if (cands->items[i] < same[k]) {
                i++;
            } else if (cands->items[i] > same[k]) {
                k++;
            } else {
                RL_PUSH(both->items, both->len, both->cap, cands->items[i]);
                i++;
                k++;
            }
        }
        *v = both;
    }
    const rl_fn_list *both = *v;
    return both->len ? both : cands;
}

/* Whether the program calls, runs once or starts function usr anywhere
 * but in the function itself (by name, or as a target flows give a call
 * through a pointer): an rl_callgraph_handed_in callback. Computed once,
 * from the flows' targets alone: rl_program_callees would ask
 * rl_program_indirect, which asks this, while it is being computed. */
static int program_calls(void *ctx, const char *usr)
{
    rl_program *p = ctx;
    if (!p->has_caller) {
        p->has_caller = rl_xcalloc(p->nfns + 1, 1);
        for (size_t i = 0; i < p->nfns; i++)
            for (int32_t k = 0; k < p->fns[i].fn->nnodes; k++) {
                const rl_node *n = &p->fns[i].fn->nodes[k];
                if (n->kind != RL_N_CALL && n->kind != RL_N_ONCE && n->kind != RL_N_SPAWN) continue;
                int one = -1;
                size_t count = 0;
                const int *t = NULL;
                if (p->fns[i].callees[k]) {
                    one = rl_program_find(p, p->fns[i].callees[k]);
                    t = &one;
                    count = one >= 0;
                } else if (n->target) {
                    t = rl_callgraph_targets(p->calls, n->target, &count);
                }
                for (size_t j = 0; j < count; j++)
                    if (t[j] != (int)i) p->has_caller[t[j]] = 1;
            }
    }
    int fn = rl_program_find(p, rl_intern(p->pool, usr));
    return fn < 0 || p->has_caller[fn];
}

/* Values of rl_program.handed_in. */
#define HANDED_IN ((void *)1)
#define NOT_HANDED_IN ((void *)2)

/* rl_callgraph_handed_in for a slot, asked once. */
static int handed_in(rl_program *p, const char *target)
{
    void **v = rl_ptrmap_slot(&p->handed_in, target);
    if (!*v) *v = rl_callgraph_handed_in(p->calls, target, program_calls, p) ? HANDED_IN : NOT_HANDED_IN;
    return *v == HANDED_IN;
}

/* The callees of a CALL node: its direct callee, or the candidates of an
 * indirect call (as the model will follow them). */
const int *rl_program_indirect(rl_program *p, const rl_node *n, size_t *count, int *weak)
{
    *weak = 0;
    const int *targets = rl_callgraph_targets(p->calls, n->target, count);
    if (targets) return targets;
    /* Only library functions flow there (a free hook holding free): the
     * call runs nothing of the program, and no match by type is made. */
    if (rl_callgraph_externals(p->calls, n->target, NULL, 0) > 0) return NULL;
    /* Only null flows there (`.onDelete = NULL`, the call tested
     * against it): the call runs nothing, and no match by type is made
     * either. A slot nothing flows into at all is another matter: what
     * fills it is out of sight (a callback handed in). */
    if (rl_callgraph_holds_null(p->calls, n->target)) return NULL;
    /* Only what code racelint does not see hands in can be there (a
     * plug-in's callback, through a registration function exported in a
     * table): none of the program's functions, whatever their type. */
    if (n->target && handed_in(p, n->target)) return NULL;
    const rl_fn_list *cands = n->text ? rl_program_candidates(p, rl_intern(p->pool, n->text)) : NULL;
    if (cands && n->target) cands = same_field_candidates(p, n->target, cands);
    *count = cands ? cands->len : 0;
    *weak = cands != NULL;
    return cands ? cands->items : NULL;
}

int rl_program_spawn_live(const rl_program *p, const rl_node *n)
{
    if (n->kind != RL_N_SPAWN) return 0;
    if (!(n->flags & RL_SPAWN_CALLBACK) || !n->guard) return 1;
    /* USRs are keyed by the program's interned copy; one the pool lacks
     * names no function of the program. */
    const char *via = rl_strpool_find(p->pool, n->guard);
    return !via || rl_program_find(p, via) < 0;
}

/* A C function's USR: "c:@F@name", or "c:file.c@F@name" when static. */
#define USR_FUNCTION_MARK "@F@"

/* The API model of a function by its USR, or NULL. */
static const rl_api_fn *library_model(const rl_program *p, const char *usr)
{
    const char *mark = usr && p->api ? strstr(usr, USR_FUNCTION_MARK) : NULL;
    return mark ? rl_apimodel_find(p->api, mark + strlen(USR_FUNCTION_MARK)) : NULL;
}

int rl_program_library_is(const rl_program *p, const char *usr, int kind)
{
    const rl_api_fn *api = library_model(p, usr);
    return api && (int)api->kind == kind;
}

const char *rl_program_sync_object(const rl_program *p, const rl_fn_info *info, int32_t node, int kind)
{
    const rl_node *n = &info->fn->nodes[node];
    if (n->kind != RL_N_CALL || !info->callees[node] || info->doomed[node]) return NULL;
    const rl_api_fn *api = library_model(p, info->callees[node]);
    if (!api || api->handle < 0 || api->handle >= n->nargs) return NULL;
    int barrier_counts = api->kind == RL_API_BARRIER && (kind == RL_API_POST || kind == RL_API_WAIT);
    if ((int)api->kind != kind && !barrier_counts) return NULL;
    /* The object the argument points to: "&X" is X, a pointer stored at
     * a place V is V's pointee; nothing for a value that names none. */
    const char *v = n->args[api->handle];
    if (!v || !v[0] || strchr("{%@#", v[0]) || strncmp(v, "fn:", 3) == 0) return NULL;
    if (v[0] == '&') return v[1] && !strchr("{%@", v[1]) ? rl_intern(p->pool, v + 1) : NULL;
    char *deref = rl_xasprintf("%s*", v);
    const char *r = rl_intern(p->pool, deref);
    free(deref);
    return r;
}

int rl_program_post_through_lock(const rl_program *p, const rl_fn_info *info, int32_t node)
{
    const rl_node *n = &info->fn->nodes[node];
    const rl_api_fn *api = n->kind == RL_N_CALL && info->callees[node] ? library_model(p, info->callees[node]) : NULL;
    return api && api->kind == RL_API_POST && api->through_lock;
}

int rl_program_wait_may_return_alone(const rl_program *p, const rl_fn_info *info, int32_t node)
{
    const rl_node *n = &info->fn->nodes[node];
    const rl_api_fn *api = n->kind == RL_N_CALL && info->callees[node] ? library_model(p, info->callees[node]) : NULL;
    return api && api->kind == RL_API_WAIT && api->lock >= 0;
}

int rl_program_wait_can_fail(const rl_program *p, const rl_fn_info *info, int32_t node)
{
    const rl_node *n = &info->fn->nodes[node];
    const rl_api_fn *api = n->kind == RL_N_CALL && info->callees[node] ? library_model(p, info->callees[node]) : NULL;
    return api && api->kind == RL_API_WAIT && api->can_fail;
}

const int *rl_program_callees(rl_program *p, const rl_fn_info *info, int32_t node, int *one, size_t *count, int *weak)
{
    *weak = 0;
    *count = 0;
    const rl_node *n = &info->fn->nodes[node];
    if (n->kind != RL_N_CALL && n->kind != RL_N_ONCE && n->kind != RL_N_SPAWN) return NULL;
    if (info->callees[node]) {
        *one = rl_program_find(p, info->callees[node]);
        *count = *one >= 0;
        return *one >= 0 ? one : NULL;
    }
    if (n->kind == RL_N_CALL && !(n->flags & RL_CALL_INDIRECT)) return NULL;
    return rl_program_indirect(p, n, count, weak);
}

/* Whether a CALL or ONCE node runs a function passing `test`: its direct
 * callee, or a target its pointer's flows reach. Matches by type alone
 * are not followed here, as thread discovery does not follow them. */
static int any_callee(rl_program *p, const rl_fn_info *info, int32_t n, int (*test)(const rl_program *, int))
{
    if (!rl_program_call_like(info, n)) return 0;
    size_t count;
    int weak, one;
    const int *targets = rl_program_callees(p, info, n, &one, &count, &weak);
    for (size_t k = 0; !weak && k < count; k++)
        if (test(p, targets[k])) return 1;
    return 0;
}

static int fn_starts(const rl_program *p, int f)
{
    return p->fns[f].starts;
}

/* Marks what thread discovery walks (program.h): functions that start
 * threads, through any chain of calls (a fixpoint: starts only grows), and
 * functions within RL_MAX_JOIN_WRAPPER_DEPTH calls of a join
 * (stop_workers() -> pool_free() -> pthread_join). Doomed code counts for
 * neither. Joins farther away are not looked for: their threads count as
 * running to the end of the program, which adds findings, never hides
 * one, and keeps discovery from walking every command of a server that
 * can shut down. */
static void mark_spawners(rl_program *p)
{
    for (size_t i = 0; i < p->nfns; i++) {
        rl_fn_info *info = &p->fns[i];
        info->join_depth = RL_MAX_JOIN_WRAPPER_DEPTH + 1;
        for (int32_t n = 0; n < info->fn->nnodes; n++) {
            if (info->doomed[n]) continue;
            if (info->at_once[n]) continue; /* runs as a call (at_once.h) */
            if (rl_program_spawn_live(p, &info->fn->nodes[n])) info->starts = 1;
            if (info->fn->nodes[n].kind == RL_N_JOIN) info->join_depth = 0;
        }
    }
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < p->nfns; i++) {
            rl_fn_info *info = &p->fns[i];
            for (int32_t n = 0; n < info->fn->nnodes && !info->starts; n++)
                if (any_callee(p, info, n, fn_starts)) info->starts = changed = 1;
        }
    }
    /* Distances to a join, one call level per round. */
    for (int round = 0; round < RL_MAX_JOIN_WRAPPER_DEPTH; round++) {
        for (size_t i = 0; i < p->nfns; i++) {
            rl_fn_info *info = &p->fns[i];
            if (info->join_depth <= round) continue;
            for (int32_t n = 0; n < info->fn->nnodes && info->join_depth > round + 1; n++) {
                if (!rl_program_call_like(info, n) || info->doomed[n]) continue;
                size_t count;
                int weak, one;
                const int *targets = rl_program_callees(p, info, n, &one, &count, &weak);
                for (size_t k = 0; !weak && k < count; k++)
                    if (p->fns[targets[k]].join_depth == round) info->join_depth = round + 1;
            }
        }
    }
    for (size_t i = 0; i < p->nfns; i++)
        p->fns[i].spawns = p->fns[i].starts || p->fns[i].join_depth <= RL_MAX_JOIN_WRAPPER_DEPTH;
}

int rl_program_walks_into(const rl_program *p, const rl_fn_info *info, int32_t node, int callee)
{
    /* A doomed call passes on thread starts only. */
    return info->doomed[node] ? p->fns[callee].starts : p->fns[callee].spawns;
}

/* The callees of node n that the two walks below follow: those of a
 * call or once-routine outside doomed code (*one holds a direct callee,
 * as rl_program_callees); NULL and *count = 0 for any other node. */
static const int *followed_callees(rl_program *p, const rl_fn_info *info, int32_t n, int *one, size_t *count)
{
    *count = 0;
    if (!rl_program_call_like(info, n) || info->doomed[n]) return NULL;
    int weak;
    return rl_program_callees(p, info, n, one, count, &weak);
}

/* Whether function f spawns or joins a thread itself (a live spawn, a
 * join, outside doomed code). */
static int has_thread_site(const rl_program *p, size_t f)
{
    const rl_fn_info *info = &p->fns[f];
    for (int32_t n = 0; n < info->fn->nnodes; n++) {
        const rl_node *node = &info->fn->nodes[n];
        if (info->doomed[n] || info->at_once[n]) continue;
        if (node->kind == RL_N_JOIN || (node->kind == RL_N_SPAWN && rl_program_spawn_live(p, node))) return 1;
    }
    return 0;
}

/* The deepest spawn or join site on a simple call path (no function
 * twice) through spawning functions: going round a cycle of calls
 * (libuv's loop running callbacks that queue work) reaches the same
 * sites again deeper, and orders nothing new. */
typedef struct simple_path_walk {
    rl_program *p;
    char *on_path;
    size_t cap, steps; /* steps taken; the walk stops at cap */
    int deepest;
} simple_path_walk;

static void deepest_on_simple_paths(simple_path_walk *w, int f, int d, int max_depth)
{
    if (w->steps >= w->cap) return;
    w->steps++;
    if (d > w->deepest && has_thread_site(w->p, (size_t)f)) w->deepest = d;
    if (d == max_depth) return;
    w->on_path[f] = 1;
    const rl_fn_info *info = &w->p->fns[f];
    for (int32_t n = 0; n < info->fn->nnodes && w->steps < w->cap; n++) {
        int one;
        size_t count;
        const int *callees = followed_callees(w->p, info, n, &one, &count);
        for (size_t k = 0; k < count; k++)
            if (w->p->fns[callees[k]].spawns && !w->on_path[callees[k]])
                deepest_on_simple_paths(w, callees[k], d + 1, max_depth);
    }
    w->on_path[f] = 0;
}

/* Counts call paths through the functions thread discovery walks
 * (program.h): one breadth-first round per call depth, each function
 * holding how many paths reach it (saturating at cap); then the deepest
 * site, depth-first over simple paths. */
void rl_program_spawning_paths(rl_program *p, int entry, int depth, size_t cap, size_t *totals, int *deepest_site)
{
    for (int d = 0; d <= depth; d++) totals[d] = 1;
    *deepest_site = 0;
    if (entry < 0 || (size_t)entry >= p->nfns || !p->fns[entry].spawns) return;
    size_t *cur = rl_xcalloc(p->nfns + 1, sizeof *cur), *next = rl_xcalloc(p->nfns + 1, sizeof *next);
    cur[entry] = 1;
    size_t total = 1;
    for (int d = 1; d <= depth; d++) {
        memset(next, 0, p->nfns * sizeof *next);
        for (size_t f = 0; f < p->nfns && total < cap; f++) {
            if (!cur[f]) continue;
            const rl_fn_info *info = &p->fns[f];
            for (int32_t n = 0; n < info->fn->nnodes && total < cap; n++) {
                int one;
                size_t count;
                const int *callees = followed_callees(p, info, n, &one, &count);
                for (size_t k = 0; k < count && total < cap; k++) {
                    if (!p->fns[callees[k]].spawns) continue;
                    size_t step = cur[f] < cap - total ? cur[f] : cap - total;
                    next[callees[k]] += step;
                    total += step;
                }
            }
        }
        totals[d] = total;
        size_t *swap = cur;
        cur = next;
        next = swap;
    }
    free(cur);
    free(next);
    simple_path_walk w = {p, rl_xcalloc(p->nfns + 1, 1), cap, 0, 0};
    deepest_on_simple_paths(&w, entry, 0, depth);
    /* past the budget, every depth may matter */
    *deepest_site = w.steps >= cap ? depth : w.deepest;
    free(w.on_path);
}

/* ---- run-once guards ----------------------------------------------------- */

/* The only statement of a branch, when it is a bare `return`. */
static int branch_only_returns(const rl_function *fn, int32_t branch)
{
    if (branch < 0) return 0;
    int32_t first = fn->nodes[branch].first_child;
    return first >= 0 && fn->nodes[first].kind == RL_N_RETURN && fn->nodes[first].next_sibling < 0 &&
           fn->nodes[first].first_child < 0;
}

/* The global the condition of an IF reads, when the condition is that
 * one access (`if (ready)`, `if (ctx != NULL)`, `if (initialized++)`). */
static const char *condition_global(const rl_function *fn, int32_t cond, int *writes)
{
    if (cond < 0) return NULL;
    const char *global = NULL;
    for (int32_t i = cond + 1; i <= fn->nodes[cond].end; i++) {
        const rl_node *n = &fn->nodes[i];
        if (n->kind == RL_N_SEQ) continue;
        if (n->kind != RL_N_ACCESS || !n->text || strncmp(n->text, "G:", 2) != 0 || global) return NULL;
        global = n->text;
        *writes = (n->flags & RL_ACC_WRITE) != 0;
    }
    return global;
}

/* A run-once guard: the function's first statement returns when a global
 * is set, and the function sets it (pigz's setup_jobs, `if (compress_have
 * != NULL) return;` then `compress_have = new_lock(0);`; curl's
 * global_init, `if (initialized++) return CURLE_OK;`). What follows the
 * guard runs on the first call only. The node of that IF, or -1. */
static int32_t run_once_guard(const rl_function *fn)
{
    if (fn->nnodes < 2 || fn->nodes[0].kind != RL_N_SEQ) return -1;
    int32_t guard = fn->nodes[0].first_child;
    if (guard < 0 || fn->nodes[guard].kind != RL_N_IF) return -1;
    int writes = 0;
    const char *global = condition_global(fn, rl_fn_child(fn, guard, 0), &writes);
    if (!global || !branch_only_returns(fn, rl_fn_child(fn, guard, 1))) return -1;
    int32_t otherwise = rl_fn_child(fn, guard, 2);
    if (otherwise >= 0 && fn->nodes[otherwise].first_child >= 0) return -1;
    for (int32_t i = fn->nodes[guard].end + 1; i < fn->nnodes && !writes; i++) {
        const rl_node *n = &fn->nodes[i];
        writes = n->kind == RL_N_ACCESS && (n->flags & RL_ACC_WRITE) && n->text && strcmp(n->text, global) == 0;
    }
    return writes ? guard : -1;
}

int rl_program_first_call_only(const rl_fn_info *info, int32_t node)
{
    return info->once_guard >= 0 && node > info->fn->nodes[info->once_guard].end;
}

/* ---- what may follow what ------------------------------------------------ */

static int in_subtree(const rl_function *fn, int32_t root, int32_t node)
{
    return node >= root && node <= fn->nodes[root].end;
}

/* Whether a loop that repeats holds both nodes. */
static int loop_holds_both(const rl_function *fn, int32_t a, int32_t b)
{
    for (int32_t p = fn->nodes[a].parent; p >= 0; p = fn->nodes[p].parent)
        if (rl_node_is_repeating_loop(&fn->nodes[p]) && in_subtree(fn, p, b)) return 1;
    return 0;
}

/* Whether some goto jumps back to a label before it (then the tree's
 * order is not the order things run in): each goto against the labels
 * seen before it. */
static int jumps_backwards(const rl_function *fn)
{
    const char **labels = NULL;
    size_t nlabels = 0, cap = 0;
    int back = 0;
    for (int32_t i = 0; i < fn->nnodes && !back; i++) {
        const rl_node *n = &fn->nodes[i];
        if (!n->text) continue;
        if (n->kind == RL_N_LABEL) RL_PUSH(labels, nlabels, cap, n->text);
        for (size_t l = 0; n->kind == RL_N_GOTO && l < nlabels && !back; l++) back = strcmp(labels[l], n->text) == 0;
    }
    free(labels);
    return back;
}

static int32_t label_named(const rl_function *fn, const char *name)
{
    for (int32_t l = 0; name && l < fn->nnodes; l++)
        if (fn->nodes[l].kind == RL_N_LABEL && fn->nodes[l].text && strcmp(fn->nodes[l].text, name) == 0) return l;
    return -1;
}

/* Where control goes from statement s when s is a jump (or a call that
 * never returns): the node whose subtree it leaves (a loop or switch for
 * break and continue), the label of a goto, RL_NOWHERE for a return or a
 * call that never returns, or -1 when s falls through. */
#define RL_NOWHERE (-2)
static int32_t jump_from(const rl_program *p, const rl_fn_info *info, int32_t s)
{
    const rl_function *fn = info->fn;
    switch ((rl_node_kind)fn->nodes[s].kind) {
    case RL_N_RETURN:
        return RL_NOWHERE;
    case RL_N_CALL:
        return rl_program_call_noreturn(p, info, s) ? RL_NOWHERE : -1;
    case RL_N_GOTO: {
        int32_t l = label_named(fn, fn->nodes[s].text);
        return l >= 0 ? l : -1;
    }
    case RL_N_BREAK:
    case RL_N_CONTINUE:
        for (int32_t q = fn->nodes[s].parent; q >= 0; q = fn->nodes[q].parent)
            if (fn->nodes[q].kind == RL_N_LOOP || (fn->nodes[q].kind == RL_N_SWITCH && fn->nodes[s].kind == RL_N_BREAK))
                return q;
        return -1;
    default:
        return -1;
    }
}

int rl_program_runs_with_parent(const rl_function *f, int32_t child, int32_t parent)
{
    const rl_node *p = &f->nodes[parent];
    if (p->kind == RL_N_SEQ) return 1;
    /* the condition of an `if`, a `switch` or a loop is evaluated at least
     * once (a macro's `if ((head->first = next) == NULL)`) */
    if ((p->kind == RL_N_IF || p->kind == RL_N_SWITCH || p->kind == RL_N_LOOP) && child == rl_fn_child(f, parent, 0))
        return 1;
    /* the body of a `do { } while (...)`, a macro's `do { } while (0)` */
    return p->kind == RL_N_LOOP && (p->flags & (RL_LOOP_DO | RL_LOOP_ONCE)) && child == rl_fn_child(f, parent, 1);
}

int rl_program_runs_before(const rl_function *f, int32_t first, int32_t then)
{
    int32_t top = f->nodes[first].parent;
    while (top >= 0 && !(then > top && then <= f->nodes[top].end)) top = f->nodes[top].parent;
    for (int32_t c = first, p = f->nodes[first].parent; p >= 0 && p != top; c = p, p = f->nodes[p].parent)
        if (!rl_program_runs_with_parent(f, c, p)) return 0;
    return top >= 0;
}

int rl_program_may_follow(const rl_program *p, const rl_fn_info *info, int32_t from, int32_t to)
{
    const rl_function *fn = info->fn;
    if (from < 0 || to < 0 || from >= fn->nnodes || to >= fn->nnodes) return 1;
    if (loop_holds_both(fn, from, to)) return 1;
    if (to <= from || in_subtree(fn, from, to)) return to > from;
    if (info->jumps_back) return 1;
    /* Control leaves `cur` by falling through its end, up the tree, until
     * the node holding `to`; a jump among the statements after it moves
     * it (forwards only: no goto jumps back). */
    int32_t cur = from;
    for (int32_t steps = 0; steps <= fn->nnodes; steps++) {
        if (in_subtree(fn, cur, to) || (cur > to && !loop_holds_both(fn, cur, to))) return 0; /* jumped over it */
        int32_t par = fn->nodes[cur].parent;
        if (par < 0) return 0; /* past the function's end */
        const rl_node *pn = &fn->nodes[par];
        if (pn->kind == RL_N_IF && in_subtree(fn, par, to)) return cur == rl_fn_child(fn, par, 0); /* the other branch */
        if (pn->kind != RL_N_SEQ) {
            if (in_subtree(fn, par, to)) return 1; /* a switch's later case, a loop's step */
            cur = par;
            continue;
        }
        int32_t next = -1;
        for (int32_t s = fn->nodes[cur].next_sibling; s >= 0 && next < 0; s = fn->nodes[s].next_sibling) {
            if (in_subtree(fn, s, to)) return 1;
            int32_t j = jump_from(p, info, s);
            if (j == RL_NOWHERE) return 0;
            if (j >= 0) next = j;
        }
        cur = next >= 0 ? next : par;
    }
    return 1;
}

void rl_program_finish(rl_program *p)
{
    for (size_t i = 0; i < p->nfns; i++) {
        p->fns[i].once_guard = run_once_guard(p->fns[i].fn);
        p->fns[i].jumps_back = jumps_backwards(p->fns[i].fn);
        p->fns[i].position_of = rl_goto_positions(p->fns[i].fn);
    }
    for (size_t i = 0; i < p->nfns; i++) {
        rl_fn_info *info = &p->fns[i];
        if (!rl_ptrmap_get(&p->addr_taken, info->usr)) continue;
        info->address_taken = 1;
        void **slot = rl_ptrmap_slot(&p->by_type, info->type);
        if (!*slot) *slot = rl_xcalloc(1, sizeof(rl_fn_list));
        rl_fn_list *list = *slot;
        RL_PUSH(list->items, list->len, list->cap, (int)i);
    }
    p->calls = rl_callgraph_build(p, p->units, p->nunits);
    rl_exit_paths_mark(p);
    rl_at_once_mark(p);
    mark_spawners(p);
}

const rl_fn_list *rl_program_candidates(const rl_program *p, const char *type)
{
    return rl_ptrmap_get(&p->by_type, type);
}

void rl_program_free(rl_program *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->nfns; i++) {
        free(p->fns[i].callees);
        free(p->fns[i].doomed);
        free(p->fns[i].position_of);
        free(p->fns[i].at_once);
    }
    rl_ptrmap *lists[] = {&p->by_type, &p->same_field};
    for (size_t m = 0; m < sizeof lists / sizeof *lists; m++) {
        for (size_t i = 0; i < lists[m]->nslots; i++) {
            rl_fn_list *list = lists[m]->keys[i] ? lists[m]->values[i] : NULL;
            if (!list) continue;
            free(list->items);
            free(list);
        }
        rl_ptrmap_free(lists[m]);
    }
    rl_ptrmap_free(&p->by_usr);
    rl_ptrmap_free(&p->handed_in);
    free(p->has_caller);
    rl_ptrmap_free(&p->addr_taken);
    rl_ptrmap_free(&p->alloc_slots);
    rl_callgraph_free(p->calls);
    free(p->units);
    free(p->fns);
    rl_strpool_free(p->pool);
    free(p);
}
