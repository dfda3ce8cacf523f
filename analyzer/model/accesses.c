/* From contexts to what the rules read (threads_internal.h): every ACCESS
 * node of every explored context becomes a resolved rl_access, grouped by
 * the place it touches, and every lock operation an rl_lock_event
 * (lock_events.c makes it). Runs once, after every thread is explored
 * and every store recorded (threads.c, rl_model_build), so that names
 * follow every stored pointer.
 *
 * Invariants:
 *  1. Accesses and lock events are appended context by context, in index
 *     order: a context's lock events are one run (ctx_lock_events).
 *  2. An access of an object its context owns, with no lock to publish it
 *     under and not taken from others, is not recorded (ownership.h).
 *  3. A group holds at most 2 * MAX_GROUP accesses; what it leaves out is
 *     counted in limits. */
#include "threads_internal.h"
#include "discovery.h"
#include "ownership.h"
#include "known.h"
#include "member_tests.h"
#include "../apimodel/apimodel.h"
#include "place.h"
#include "../util/budget.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- accesses ------------------------------------------------------------- */

/* Whether an access through a taken object goes on through a pointer
 * the stores say holds one object for every container (`n->ev->refs`,
 * one event pushed in a node to every worker's queue, round 18's p29;
 * `r->loop->bytes` in a helper handed a request taken off a queue,
 * round 19's r3):
 * what a taken object leads to goes with it (ownership.h, invariant 4)
 * only when the giver attached it to that object alone, or the stores do
 * not tell. Each pointer past the first deref is asked. */
static int taken_leads_to_shared(rl_model *m, const rl_ctx *c, const char *text)
{
    const char *first = strchr(text, '*');
    if (!first || !strchr(first + 1, '*')) return 0;
    frame_env env = tm_ctx_env(c);
    const char *resolved = tm_resolve(m, &env, text, NULL);
    const char *star = resolved ? strchr(resolved, '*') : NULL;
    for (star = star ? strchr(star + 1, '*') : NULL; star; star = strchr(star + 1, '*'))
        if (tm_stored_one_for_all(m, rl_intern_n(m->program->pool, resolved, (size_t)(star - resolved)))) return 1;
    return 0;
}

/* The parameter text is rooted at when context c's callers handed that
 * parameter's object in owned (rl_ctx.owned), else -1. */
static int owned_param(const rl_ctx *c, const char *text)
{
    int k = -1;
    if (!c->owned || rl_place_root(text, &k) != RL_ROOT_PARAM || k < 0 || k >= MAX_PARAMS) return -1;
    return (c->owned >> k) & 1u ? k : -1;
}

/* Whether an access touches an object its context owns: allocated here
 * and not published yet, taken off a shared structure here (*taken set),
 * or handed in owned (one deref from the parameter: the object's own
 * fields). *publish: the locks its publication is made under (NULL: none
 * needed). */
static int access_is_owned(rl_model *m, const rl_ctx *c, int32_t node, const char *text, const rl_lockset **publish,
                           int *taken)
{
    rl_handoff h;
    *publish = NULL;
    *taken = 0;
    if (rl_ownership_fresh_at(m->own, c->fn, node, text, &h) ||
        (rl_ownership_taken_at(m->own, c->fn, node, text, &h) && !taken_leads_to_shared(m, c, text))) {
        *publish = tm_handoff_locks(m, c, &h);
        *taken = h.taken;
        return 1;
    }
    /* a getter's result stands for the argument it is part of */
    const char *in_arg_terms = tm_call_place_in_arg_terms(m, text);
    if (in_arg_terms) text = in_arg_terms;
    int k = owned_param(c, text);
    if (k < 0) return 0;
    const char *star = strchr(text, '*');
    /* its own fields; anything a taken object leads to (ownership.h
     * invariant 4) */
    *taken = (c->owned_taken >> k) & 1u;
    if (!star || (strchr(star + 1, '*') != NULL && (!*taken || taken_leads_to_shared(m, c, text))) ||
        !rl_ownership_param_held_at(m->own, c->fn, k, node)) {
        *taken = 0;
        return 0;
    }
    *publish = c->owned_publish;
    if (!*publish) {
        /* no caller publishes it: this function does, further on */
        rl_handoff on = {.fn = c->fn, .node = rl_ownership_param_handed_on_after(m->own, c->fn, k, node)};
        *publish = tm_handoff_locks(m, c, &on);
    }
    return 1;
}

/* Whether an access not owned touches an object its context made or took
 * and has handed on or back since, in a synchronised way, through a
 * pointer it kept (rl_access.given_back): one its function made or took
 * (rl_ownership_given_back_at), or one handed in owned, taken, and
 * handed on by the function before the access (`release(s)` pushing the
 * slot back on the free list, then clearing `s->busy`: round 23's p20). */
static int access_given_back(rl_model *m, const rl_ctx *c, int32_t node, const char *text)
{
    if (!text || !strchr(text, '*')) return 0;
    if (rl_ownership_given_back_at(m->own, c->fn, node, text)) return 1;
    int k = owned_param(c, text);
    return k >= 0 && ((c->owned_taken >> k) & 1u) && !rl_ownership_param_held_at(m->own, c->fn, k, node);
}

/* Whether place lies in a global that is no array element: one object
 * for every thread, whatever pointer reached it. No instance owns it,
 * even through the pointer field of its own argument (`bump(j->target)`
 * with jobs[0].target and jobs[2].target both &ca); an element of a
 * global array may be one instance's (`ctx->drops =
 * &per_worker_drops[i]`). */
static int is_one_static_object(const char *place)
{
    int param = -1;
    return rl_place_root(place, &param) == RL_ROOT_GLOBAL && !strchr(place, '[');
}

/* Whether place lies in a local variable of a thread other than
 * `thread` (or in a member of one): one object, whichever instance of
 * `thread` reaches it (main's `long counter` handed to every worker
 * through its own record, `a[i].counter = &counter`). An element of a
 * local array may be one instance's (`&a[i]`), what a local pointer leads
 * to (a `*` step) may be anything, and a thread's own locals are each
 * instance's own. */
static int others_single_local(const char *place, int thread)
{
    int owner = rl_place_thread(place);
    if (owner < 0 || owner == thread || strpbrk(place, "[*")) return 0;
    const char *fn = strchr(place, ':'); /* "tN:FN:L:name" */
    const char *root = fn ? strchr(fn + 1, ':') : NULL;
    return root && strncmp(root + 1, "L:", 2) == 0;
}

/* Whether place lies in one object no instance of `thread` owns: a
 * global that is no array element, or another thread's local. */
static int one_object_for_all(const char *place, int thread)
{
    return is_one_static_object(place) || others_single_local(place, thread);
}

/* Whether place follows a pointer that was only ever given addresses of
 * such objects (one_object_for_all): `jobs[i].target`, set to &ca in two
 * jobs and &cb in another, leads to a global whichever it is, even though
 * the job is the instance's own. */
static int through_static_pointer(rl_model *m, const char *place, int thread)
{
    for (const char *star = strchr(place, '*'); star; star = strchr(star + 1, '*')) {
        const char *pointer = rl_intern_n(m->program->pool, place, (size_t)(star - place));
        const rl_stored_set *set = rl_stored_sets_get(&m->stored_sets, pointer);
        if (!set || set->overflowed || !set->n) continue;
        size_t statics = 0;
        for (size_t i = 0; i < set->n; i++)
            statics += set->values[i][0] == '&' && one_object_for_all(set->values[i] + 1, thread);
        if (statics == set->n) return 1;
    }
    return 0;
}

/* Whether an access (text, in its function's terms) goes through a
 * pointer loaded from an element indexed by a parameter's value
 * ("G:ctxs[#P0].stats*.requests"): the element is the instance's own when
 * that value is, what the pointer leads to only as the stores tell. */
static int through_own_element_pointer(const char *text)
{
    const char *index = text ? strstr(text, "[#P") : NULL;
    return index && strchr(index, '*') != NULL;
}

/* The pointer place holds up to its last deref ("G:ctxs[].stats" of
 * "G:ctxs[].stats*.requests"), interned; place itself without one. */
static const char *pointer_before_last_deref(rl_model *m, const char *place)
{
    const char *star = strrchr(place, '*');
    return star ? rl_intern_n(m->program->pool, place, (size_t)(star - place)) : place;
}

/* Whether an access (text, in its function's terms) is to an element
 * indexed by a value distinct per instance (`[#P<n>]`, parameter n bound
 * distinct: `s->items[a->id]`, `slots[id]`): each instance's own element,
 * even of an object every instance shares. */
static int indexed_by_own_value(const char *text, const frame_env *env)
{
    return (rl_place_index_params(text) & env->distinct) != 0;
}

/* The locks held by one alternative of an access through a choice: a
 * lock reached through the same choice is that alternative's lock
 * (`m = &s->mutex; d = &s->datum;` with s one of A and B: A.datum under
 * A.mutex, B.datum under B.mutex). Other locks through a choice are no
 * one object and protect nothing. */
static const rl_lockset *correlated_locks(rl_model *m, const rl_lockset *held, const char *access, size_t k)
{
    size_t root = rl_place_root_len(access);
    const rl_lockset *r = rl_ls_empty(m->flow->locks);
    for (size_t i = 0; held && i < held->n; i++) {
        const char *lock = held->e[i].lock;
        if (lock[0] == '%' && rl_place_root_len(lock) == root && strncmp(lock, access, root) == 0) {
            const char *alts[RL_MAX_CHOICES];
            size_t n = rl_place_alternatives(m->program->pool, lock, alts);
            if (k < n) lock = alts[k];
        }
        r = rl_ls_add(m->flow->locks, r, lock, held->e[i].shared);
    }
    return r;
}

/* What orders an access before other threads' accesses: the locks its
 * owned object is published under (publish), and the objects its
 * function posts on after it (flow.h), resolved in the context. */
/* The element index of what access `text` of context c touches through
 * the thread's own argument (rl_thread.arg_index): the object a parameter
 * bound to that argument points to, or a member of it, not what its
 * pointers lead to; -1 otherwise. */
static int32_t element_handed_in(const rl_model *m, const rl_ctx *c, const char *text)
{
    const rl_thread *t = &m->threads[c->thread];
    int k = -1;
    if (t->arg_index < 0 || !text || rl_place_root(text, &k) != RL_ROOT_PARAM || k < 0 || k >= c->nbind) return -1;
    const char *star = strchr(text, '*');
    if (c->bind[k] != t->arg || !star || strchr(star + 1, '*')) return -1;
    return t->arg_index;
}

/* The element index of access `text` of context c, a thread's entry,
 * whose first index is the thread's own value, started as an integer
 * constant (`g_part[id]`, the thread started with `(void *)1L`: "[#P0]",
 * the spawn's argument "#=1", facts.h): that constant, as `g_part[1]`
 * written so would give; -1 otherwise. (Resolved, a constant binds
 * nothing: the spawn's own argument tells it.) */
static int32_t element_of_constant(const rl_model *m, const rl_ctx *c, const char *text)
{
    const rl_thread *t = &m->threads[c->thread];
    const char *first = text ? strchr(text, '[') : NULL;
    int k = -1;
    if (!first || sscanf(first, "[#P%d]", &k) != 1 || k != RL_THREAD_ARG_PARAM || c->parent_ctx >= 0 ||
        c->fn != t->entry_fn || t->runs_fn >= 0 || t->spawn_fn < 0)
        return -1;
    const rl_node *spawn = &fn_of(m, t->spawn_fn)->nodes[t->spawn_node];
    long long value;
    return spawn->kind == RL_N_SPAWN && spawn->nargs > 0 && rl_int_constant_arg(spawn->args[0], &value) &&
                   value >= 0 && value <= INT32_MAX
               ? (int32_t)value
               : -1;
}

/* Whether place lies in a heap object its context's own function
 * allocates inside the innermost loop around node `node`, before it (as
 * a spawn's fresh argument is judged, discovery.c), or node touches the
 * element the loop's counter indexes (facts.h, RL_ROUND_ELEMENT: the
 * producer filling `jobs[i]` before pushing `&jobs[i]`): an owned access
 * to it made before a post in that loop is made on a new object each
 * round (a producer's next message), so the round after does not make
 * it again for the waiter of this one (rl_access.rounds). */
/* The longest heap object name made_each_round looks at ("tN:FN:H<l>_<c>");
 * a longer one is judged not made each round, as before. */
#define HEAP_ROOT_MAX 512

static int made_each_round(rl_model *m, const rl_ctx *c, int32_t node, const char *place)
{
    const rl_function *fn = fn_of(m, c->fn);
    if (rl_api_is_round(fn->nodes[node].api)) return 1;
    size_t frame_len = 0;
    unsigned line, col;
    char object[HEAP_ROOT_MAX];
    size_t root = rl_place_heap_site(place, &frame_len, &line, &col);
    if (!root || root >= sizeof object) return 0;
    memcpy(object, place, root);
    object[root] = '\0';
    if (tm_heap_object_fn(m, object, &line, &col) != c->fn) return 0;
    const rl_function *f = fn_of(m, c->fn);
    /* allocated before the access in a function called round after
     * round (an updater's `set(t)` in its loop): a new object each call */
    if (c->per_element == 1 && line <= f->nodes[node].loc.line) return 1;
    int32_t loop = tm_innermost_loop(f, node);
    return loop >= 0 && line >= f->nodes[loop].loc.line && line <= f->nodes[node].loc.line;
}

/* Whether a claimed access goes through the pointer a table's element
 * holds (`j = jobs[next++]; j->len`, "G:jobs[]*.len") and the stores say
 * every element leads to one object: two claims of two elements then
 * meet on it, and the claim orders nothing (walk_flag_claim.c). */
static int claims_shared_object(rl_model *m, const char *resolved)
{
    const char *hole = strstr(resolved, "[]*");
    if (!hole) return 0;
    const char *element = rl_strpool_find_n(m->program->pool, resolved, (size_t)(hole - resolved) + 2);
    return element && tm_pointer_leads_to_shared(m, element);
}

/* Whether the access `text` of context c is a member of an object its
 * caller claimed and handed it (`fill(s, ...)`, a CALL's claimed-argument
 * mask, facts.h): `P0*.len`, `P0*.buf[]`, the object's own members, not
 * what they point to; or an element indexed by a claimed index it was
 * handed (`finish(j, v)`: `results[j]`, "G:results[#P0]"). Only the
 * claimer's direct callee: a helper of the helper is not told. */
/* Whether function f stores the null constant into a member of what its
 * parameter k points to (`c->in_use = NULL`): a callee reached through a
 * pointer that hands a claimed slot back (the frontend tells so for
 * direct calls, frontend/walk_flag_claim.c). */
static int clears_member_of(const rl_function *f, int k)
{
    char prefix[16];
    int len = snprintf(prefix, sizeof prefix, "P%d*.", k);
    for (int32_t i = 0; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind == RL_N_ACCESS && (n->flags & RL_ACC_WRITE) && n->text && n->nargs == 1 && n->args[0] &&
            strcmp(n->args[0], RL_NULL_STORE) == 0 && strncmp(n->text, prefix, (size_t)len) == 0)
            return 1;
    }
    return 0;
}

static int claimed_by_caller(rl_model *m, const rl_ctx *c, const char *text)
{
    if (c->parent_ctx < 0 || c->call_node < 0) return 0;
    const rl_node *call = &fn_of(m, m->ctxs[c->parent_ctx].fn)->nodes[c->call_node];
    if (call->kind != RL_N_CALL || call->aux <= 0) return 0;
    uint32_t claimed_index = rl_place_index_params(text) & (uint32_t)call->aux;
    for (int k = 0; claimed_index && k < RL_CALL_MAX_CLAIMED_ARGS; k++)
        if (((claimed_index >> k) & 1) && tm_param_range_start(m, c->fn, k)) claimed_index &= ~(1u << k);
    if (claimed_index) return 1; /* a range from a claim may reach the next claim's elements */
    int param = -1;
    if (rl_place_root(text, &param) != RL_ROOT_PARAM || param < 0 ||
        param >= RL_CALL_MAX_CLAIMED_ARGS || !((call->aux >> param) & 1))
        return 0;
    const char *star = strchr(text, '*');
    if (!star || star[1] != '.' || strchr(star + 1, '*')) return 0;
    return !(call->flags & RL_CALL_INDIRECT) || !clears_member_of(fn_of(m, c->fn), param);
}

/* Repeat calls of a run-once function (program.h, once_guard) only test
 * the guard: the body ran at the thread's first call. The first call is
 * taken to be the earliest in the thread's positions (curl's main calls
 * curl_global_init before starting anything; global_init, reached again
 * through curl_easy_init once the resolver threads run, returns at once).
 * A first call that may be skipped (behind an `if`) would make a later
 * one run the body, which this does not see. */
static const void *thread_fn_key(int thread, int fn)
{
    return (const void *)(uintptr_t)((((uint64_t)(uint32_t)thread << 32) | (uint32_t)fn) + 1);
}

/* For each (thread, run-once function), the context of its earliest call. */
static void find_first_calls(const rl_model *m, rl_ptrmap *first)
{
    for (size_t ci = 0; ci < m->nctxs; ci++) {
        const rl_ctx *c = &m->ctxs[ci];
        if (m->program->fns[c->fn].once_guard < 0) continue;
        void **slot = rl_ptrmap_slot(first, thread_fn_key(c->thread, c->fn));
        if (!*slot || pos_cmp(&c->pos, &m->ctxs[(intptr_t)*slot - 1].pos) < 0) *slot = (void *)(intptr_t)(ci + 1);
    }
}

/* Whether node `node` of context ci never runs: it is past a run-once
 * guard, of its own function or of a caller's, in a call that is not the
 * thread's first. */
static int repeat_of_run_once(const rl_model *m, const rl_ptrmap *first, int ci, int32_t node)
{
    while (ci >= 0) {
        const rl_ctx *c = &m->ctxs[ci];
        if (rl_program_first_call_only(&m->program->fns[c->fn], node)) {
            intptr_t e = (intptr_t)rl_ptrmap_get(first, thread_fn_key(c->thread, c->fn));
            return e && e - 1 != ci && pos_cmp(&m->ctxs[e - 1].pos, &c->pos) < 0;
        }
        if (c->in_once != RL_RUN_FIRST_PASS) return 0;
        node = c->call_node;
        ci = c->parent_ctx;
    }
    return 0;
}

/* Whether history holds a counter's last-reference mark (place.h),
 * remembered per interned set in *memo: one look per set, not per access. */
static int holds_last_mark(rl_ptrmap *memo, const rl_lockset *history)
{
    if (!history || !history->n) return 0;
    void **slot = rl_ptrmap_slot(memo, history);
    if (!*slot) {
        int found = 0;
        for (size_t i = 0; i < history->n && !found; i++) found = rl_place_is_last_mark(history->e[i].lock, NULL);
        *slot = (void *)(uintptr_t)(found + 1);
    }
    return (uintptr_t)*slot == 2;
}

/* A write of global `place` by node `node` of context ci (one_root: the
 * program has one root thread): unless it is
 * made by a root thread while none of its threads runs, the globals it
 * writes are no modes (known.h). */
static void note_mode_write(rl_model *m, int one_root, int ci, int32_t node, const char *place)
{
    const rl_ctx *c = &m->ctxs[ci];
    if (!rl_known_writes_tested(m->known, place)) return;
    /* with other roots (a library's entry points), another may run */
    if (one_root && m->threads[c->thread].parent < 0 && rl_model_runs_alone(m, ci, node)) return;
    rl_known_note_write(m->known, place);
}

/* Records a barrier some context waits at (or a semaphore it waits on)
 * in `set`, named as the histories name what was waited on:
 * resolved, then followed through stored pointers
 * (`pthread_barrier_wait(&g->bar)` with `g` a global pointer to a heap
 * object is that object's barrier; tm_history_at). */
static void note_sync_object(rl_model *m, rl_ptrmap *set, const frame_env *env, const char *object)
{
    int unused = 0;
    rl_ptrmap_put(set, tm_follow_stores(m, tm_resolve(m, env, object, NULL), 0, &unused), (void *)1);
}

/* What every access an ACCESS node of a context makes shares, whatever
 * name or object each is recorded under (tm_collect_accesses): computed
 * once per node. */
typedef struct node_access {
    rl_model *m;
    const rl_ctx *c;
    int ci;
    int32_t i;
    const rl_node *n;
    const frame_env *env;
    int one_root;
    int distinct0, root_distinct; /* tm_resolve2's, for the node's text */
    const rl_lockset *publish;    /* after the posts (tm_posted_after) */
    const rl_lockset *since_wait; /* resolved */
    const rl_lockset *history;
    const rl_known_set *conds;
    const char *guard;            /* followed, or NULL */
    int rounds, call_rounds, owned, taken, given_back, via_global, claimed, after_a_last;
} node_access;

/* Records x's accesses to `resolved`, the node's place in its context (or,
 * cursor_object set, the same place in an object a list cursor walks:
 * cursors.c), holding `held`: one per object a pointer on the way may
 * hold. */
static void record_named(node_access *x, const char *resolved, const rl_lockset *held, int cursor_object)
{
    rl_model *m = x->m;
    const rl_ctx *c = x->c;
    const rl_node *n = x->n;
    int32_t i = x->i;
    held = tm_drop_other_element_locks(m, x->env, c, i, held, resolved); /* `acct[to]` under `acct[from].m` */
    /* A pointer that may hold several objects: an access to each. */
    const char *alts[RL_MAX_CHOICES];
    size_t nalts = rl_place_alternatives(m->program->pool, resolved, alts);
    for (size_t k = 0; k < nalts; k++) {
        int distinct = x->distinct0;
        /* An access already the instance's own (through a parameter
         * its caller judged so, or an element of the instance's own
         * slot) is not judged again from the stores: the caller's
         * judgement holds in its callees (redis's bio workers freeing
         * the job of their own list through zfree). */
        const char *place = tm_follow_stores(m, alts[k], x->root_distinct && !x->distinct0, &distinct);
        if (!place[0] || (place[0] == '{' && !rl_type_is_aggregate_key(place))) continue; /* see place.h */
        if (distinct && !indexed_by_own_value(n->text, x->env) &&
            (one_object_for_all(place, c->thread) || through_static_pointer(m, alts[k], c->thread)))
            distinct = 0;
        /* the instance's own element, but a pointer in it that the
         * stores say leads to one object for every instance
         * (`ctxs[id].stats->requests`, one `stats` in every
         * element): shared, as through a parameter (ctx_calls.c) */
        if (distinct && x->distinct0 && through_own_element_pointer(n->text) &&
            tm_pointer_leads_to_shared(m, pointer_before_last_deref(m, alts[k])))
            distinct = 0;
        if ((n->flags & RL_ACC_NESTED) && place[0] != '{') continue; /* the whole access covers it */
        /* a pointer given several addresses: an access to each */
        const char *through = place, *subs[RL_MAX_CHOICES] = {place}, *via[RL_MAX_CHOICES] = {NULL};
        size_t nsubs = distinct ? 1 : tm_stored_alternatives(m, through, subs, via);
        for (size_t sub = 0; sub < nsubs; sub++) {
            place = subs[sub];
            if ((n->flags & RL_ACC_WRITE) && place != n->text && strncmp(place, "G:", 2) == 0)
                note_mode_write(m, x->one_root, x->ci, i, place);
            RL_GROW(m->accesses, m->cap_accesses, m->naccesses + 1);
            rl_access *a = &m->accesses[m->naccesses++];
            a->ctx = x->ci;
            a->node = i;
            a->place = place;
            a->held = nalts > 1 ? correlated_locks(m, held, resolved, k) : held;
            if (nsubs > 1) a->held = tm_stored_correlated_locks(m, a->held, through, via[sub]);
            a->thread = c->thread;
            a->distinct = distinct;
            a->flags = n->flags;
            if (x->claimed) a->flags |= RL_ACC_CLAIMED;
            if ((a->flags & RL_ACC_CLAIMED) && claims_shared_object(m, resolved)) a->flags &= (uint8_t)~RL_ACC_CLAIMED;
            /* The index names an element of the place's first array only
             * while resolving left that array first: no parameter root,
             * no pointer followed. */
            a->index = n->aux >= 0 && n->text[0] != 'P' && !strchr(n->text, '*') && nalts == 1 ? n->aux : -1;
            if (a->index < 0 && nalts == 1) a->index = element_handed_in(m, c, n->text);
            if (a->index < 0 && nalts == 1) a->index = element_of_constant(m, c, n->text);
            a->history = x->history;
            a->after_a_last = (uint8_t)x->after_a_last;
            a->publish = x->publish;
            a->posted_since_wait = x->since_wait;
            a->rounds = (uint8_t)(x->publish &&
                                  (x->rounds || (x->call_rounds && rl_place_root(place, NULL) != RL_ROOT_TYPE)) &&
                                  !(x->owned && made_each_round(m, c, i, place)));
            a->via_global = (uint8_t)x->via_global;
            /* a cursor's object is one of those its stores give, and may
             * be another list's of the same site */
            a->one_of_several = nalts > 1 || nsubs > 1 || cursor_object;
            a->owned = (uint8_t)x->owned;
            a->taken = (uint8_t)(x->taken != 0);
            a->given_back = (uint8_t)(x->given_back != 0);
            a->guard = x->guard;
            a->conds = x->conds;
        }
    }
}

void tm_collect_accesses(rl_model *m)
{
    rl_ptrmap first_calls = {0}, last_marks = {0};
    tm_callers callers;
    tm_index_callers(m, &callers);
    tm_posts *posts = tm_posts_new(m, &callers);
    find_first_calls(m, &first_calls);
    uint8_t *global_returns = rl_xcalloc(m->program->nfns + 1, 1); /* returns_global's memo */
    int roots = 0;
    for (size_t t = 0; t < m->nthreads && roots < 2; t++) roots += m->threads[t].parent < 0;
    int one_root = roots == 1;
    tm_follow_cache_start(m);
    for (size_t ci = 0; ci < m->nctxs; ci++) {
        /* Past the budget, contexts left are not collected (reported). */
        if (rl_budget_spent(m->program->budget)) break;
        const rl_ctx *c = &m->ctxs[ci];
        const rl_function *f = fn_of(m, c->fn);
        frame_env env = tm_ctx_env(c);
        /* a barrier made by hand is one as pthread_barrier_wait's is */
        const rl_lockset *own_barriers = m->flow->fns[c->fn].own_barriers;
        for (size_t k = 0; own_barriers && k < own_barriers->n; k++)
            note_sync_object(m, &m->barriers, &env, own_barriers->e[k].lock);
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            if (n->kind == RL_N_ACCESS && (n->flags & RL_ACC_WRITE) && n->text && strncmp(n->text, "G:", 2) == 0)
                note_mode_write(m, one_root, (int)ci, i, n->text);
            if (n->kind == RL_N_TRYLOCK && (n->flags & RL_LOCK_JUMP_TARGET)) continue; /* a setjmp: no lock */
            if (n->kind == RL_N_LOCK || n->kind == RL_N_TRYLOCK || n->kind == RL_N_UNLOCK || n->kind == RL_N_LOCKINIT) {
                tm_record_lock_event(m, &callers, c, (int)ci, i, &env, global_returns);
                continue;
            }
            if (n->kind == RL_N_CALL) {
                const rl_fn_info *info = &m->program->fns[c->fn];
                const char *barrier = rl_program_sync_object(m->program, info, i, RL_API_BARRIER);
                if (barrier) note_sync_object(m, &m->barriers, &env, barrier);
                const char *waited = rl_program_sync_object(m->program, info, i, RL_API_WAIT);
                if (waited && !rl_program_wait_may_return_alone(m->program, info, i))
                    note_sync_object(m, &m->sem_waits, &env, waited);
                continue;
            }
            /* In a once-routine: kept when its control is known, as
             * published on it (everything after a once call on the same
             * control comes after the routine: flow.c); else left out. */
            if (n->kind != RL_N_ACCESS || (c->in_once == RL_RUN_ONCE_ROUTINE && !c->once_object)) continue;
            /* a store to follow, no access (facts.h: an event's library
             * members, a whole-struct assignment's pointer members) */
            if (n->api && strcmp(n->api, RL_ACC_STORE_ONLY) == 0) continue;
            if (repeat_of_run_once(m, &first_calls, (int)ci, i)) continue;
            const rl_lockset *publish = NULL;
            int taken = 0, owned = access_is_owned(m, c, i, n->text, &publish, &taken);
            /* What nobody else can reach yet is not shared; what was taken
             * from others stays, for whoever wrongly touches it after
             * handing it over. */
            if (owned && !publish && !taken) continue;
            int given_back = !owned && access_given_back(m, c, i, n->text);
            const char *unlink_lock = rl_ownership_released_unlinked(m->own, c->fn, i);
            int rounds = 0;
            /* an object taken off a shared structure is a new one each
             * round (a server's next request) */
            publish = tm_posted_after(m, posts, (int)ci, i, publish, owned && taken, &rounds);
            /* A function called round after round (a ring's try-pop in
             * its caller's loop) that posts after the access itself makes
             * the access again after its post, as one whose own loop
             * holds both does (rl_access.rounds), on an object it names:
             * one known by its type alone may be another each call (a
             * request submitted once). */
            int call_rounds =
                publish && c->per_element == 1 && rl_flow_posted_after(m->flow, fn_of(m, c->fn), c->fn, i, NULL);
            if (c->in_once == RL_RUN_ONCE_ROUTINE)
                publish = rl_ls_add(m->flow->locks, publish ? publish : rl_ls_empty(m->flow->locks), c->once_object, 0);
            const rl_lockset *held = tm_follow_lock_stores(m, tm_held_at(m, c, i));
            if (!held) continue;
            if (unlink_lock)
                held = rl_ls_add(m->flow->locks, held, tm_follow_stores(m, tm_resolve(m, &env, unlink_lock, NULL), 0, &(int){0}), 0);
            int distinct0 = 0, root_distinct = 0;
            const char *resolved = tm_resolve2(m, &env, n->text, &distinct0, &root_distinct);
            if (!resolved[0]) continue;
            node_access x = {.m = m, .c = c, .ci = (int)ci, .i = i, .n = n, .env = &env, .one_root = one_root,
                             .distinct0 = distinct0, .root_distinct = root_distinct, .publish = publish,
                             .rounds = rounds, .call_rounds = call_rounds, .owned = owned, .taken = taken,
                             .given_back = given_back};
            x.conds = rl_known_at(m->known, c->fn, c->entry_conds, c->dead, i);
            x.since_wait = rl_flow_posted_before(m->flow, f, c->fn, i, &(const rl_lockset *){NULL});
            if (x.since_wait) x.since_wait = tm_resolve_locks(m, &env, x.since_wait);
            x.via_global = n->text && tm_reached_through_global(m, n->text, global_returns);
            x.claimed = claimed_by_caller(m, c, n->text);
            x.history = tm_history_at(m, c, i);
            x.after_a_last = holds_last_mark(&last_marks, x.history);
            if (n->guard) {
                int unused = 0;
                x.guard = tm_follow_stores(m, tm_resolve(m, &env, n->guard, NULL), 0, &unused);
            }
            record_named(&x, resolved, held, 0);
            /* A list cursor's access is also one to each object its nodes
             * are (cursors.c): recorded under the type's name, which other
             * accesses named by the type meet (a lookup returning its
             * cursor), and under each object's, which the code that links
             * the nodes names, one of several (a node of another list made
             * at the same site may be the one touched). */
            const rl_lockset *node_helds[TM_MAX_CURSOR_OBJECTS];
            const char *node_places[TM_MAX_CURSOR_OBJECTS];
            size_t nnodes = tm_cursor_places(m, &env, n->cursor, resolved, held, node_places, node_helds);
            for (size_t k = 0; k < nnodes; k++) record_named(&x, node_places[k], node_helds[k], 1);
        }
    }
    rl_ptrmap_free(&first_calls);
    rl_ptrmap_free(&last_marks);
    tm_posts_free(posts);
    free(global_returns);
    tm_callers_free(&callers);
    tm_follow_cache_stop(m);
}

static uint64_t access_kind(const rl_access *a)
{
    uint64_t h = ((uint64_t)(uint32_t)a->thread * 0x9E3779B97F4A7C15ULL) ^ (uint64_t)(uintptr_t)a->held;
    h = (h ^ (a->flags & RL_ACC_WRITE ? 0xA5A5A5A5u : 0) ^ (a->flags & RL_ACC_ATOMIC ? 0x5A5A0000u : 0)) *
        0xBF58476D1CE4E5B9ULL;
    return h ? h : 1;
}

/* The end of a group's chain of accesses (tm_group_accesses). */
#define NO_GROUP ((size_t)-1)

/* Groups in two passes: the first decides, access by access in order,
 * which group keeps it, chaining each group's accesses (its kinds are
 * gathered from that chain only when it fills up); the second lays every
 * group's items out in one array. (A growing array per group cost more
 * than the accesses themselves: memcached has 370,000 groups.) */
void tm_group_accesses(rl_model *m)
{
    size_t cap = 0;
    size_t *next = rl_xmalloc((m->naccesses + 1) * sizeof *next); /* the group's next access */
    size_t *first = NULL, *last = NULL;
    rl_u64set **kinds = NULL; /* per group, once full: the (thread, locks, write, atomic) kinds it holds */
    for (size_t i = 0; i < m->naccesses; i++) next[i] = NO_GROUP;
    /* Plain accesses first; then the atomic ones, only of places some
     * plain access touches: two atomic accesses never race, but a plain
     * one races with an atomic one (C11 5.1.2.4: a conflicting pair, one of
     * them not atomic), and a place touched only atomically needs no group. */
    for (size_t step = 0; step < 2 * m->naccesses; step++) {
        int atomic_pass = step >= m->naccesses;
        size_t i = atomic_pass ? step - m->naccesses : step;
        const rl_access *a = &m->accesses[i];
        if (((a->flags & RL_ACC_ATOMIC) != 0) != atomic_pass) continue;
        void *found = NULL;
        void **slot = atomic_pass ? &found : rl_ptrmap_slot(&m->group_by_place, a->place);
        if (atomic_pass && !(found = rl_ptrmap_get(&m->group_by_place, a->place))) continue;
        if (!*slot) {
            size_t had = cap;
            RL_GROW(m->groups, cap, m->ngroups + 1);
            if (cap != had) {
                first = rl_xrealloc(first, cap * sizeof *first);
                last = rl_xrealloc(last, cap * sizeof *last);
                kinds = rl_xrealloc(kinds, cap * sizeof *kinds);
            }
            m->groups[m->ngroups] = (rl_access_group){a->place, NULL, 0};
            first[m->ngroups] = last[m->ngroups] = NO_GROUP;
            kinds[m->ngroups] = NULL;
            *slot = (void *)(intptr_t)(++m->ngroups);
        }
        size_t gi = (size_t)(intptr_t)*slot - 1;
        rl_access_group *g = &m->groups[gi];
        if (g->len == MAX_GROUP && !kinds[gi]) {
            kinds[gi] = rl_xcalloc(1, sizeof *kinds[gi]);
            for (size_t k = first[gi]; k != NO_GROUP; k = next[k]) rl_u64set_add(kinds[gi], access_kind(&m->accesses[k]));
        }
        if (g->len < MAX_GROUP || (g->len < 2 * MAX_GROUP && rl_u64set_add(kinds[gi], access_kind(a)))) {
            if (last[gi] == NO_GROUP) first[gi] = i;
            else next[last[gi]] = i;
            last[gi] = i;
            g->len++;
        } else {
            m->limits.accesses_merged++;
        }
    }
    size_t total = 0;
    for (size_t gi = 0; gi < m->ngroups; gi++) total += m->groups[gi].len;
    m->group_items = rl_xmalloc((total + 1) * sizeof *m->group_items);
    size_t at = 0;
    for (size_t gi = 0; gi < m->ngroups; gi++) {
        m->groups[gi].items = m->group_items + at;
        for (size_t k = first[gi]; k != NO_GROUP; k = next[k]) m->group_items[at++] = k;
        if (kinds[gi]) {
            rl_u64set_free(kinds[gi]);
            free(kinds[gi]);
        }
    }
    free(next);
    free(first);
    free(last);
    free(kinds);
}

const rl_access_group *rl_model_group(const rl_model *m, const char *place)
{
    void *v = rl_ptrmap_get(&m->group_by_place, place);
    return v ? &m->groups[(intptr_t)v - 1] : NULL;
}
