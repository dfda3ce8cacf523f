/* Hand-offs (ownership.h): where a function hands an object on, and how
 * (node_publishes: a store, a thread start, a return, a call whose callee
 * keeps it; a store into a container the function still holds goes where
 * the container goes), listed per function and object (own_handoffs_of);
 * which parameters a function keeps (rl_ownership_keeps); which calls
 * give fresh objects (rl_ownership_call_fresh: a callee whose every
 * return is fresh, not a constructor that started a thread on its
 * object; a hook that holds only allocators). Split from ownership.c,
 * which asks per access whether an object is still its function's own
 * before these hand-offs (ownership_between.c).
 *
 * Invariants: those of ownership.h (1: what may keep a pointer; 3: a
 * recursion still being answered counts as keeping); the answers per
 * function and per slot, and the hand-off lists, are memoized in
 * rl_ownership (ownership_internal.h) and freed with it. */
#include "ownership_internal.h"
#include "callgraph.h"
#include "place.h"
#include "../apimodel/apimodel.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int keeps(rl_ownership *o, int fn, int k);

/* What a call through a pointer reading `slot` may reach, program-wide:
 * the program functions the slot holds (*targets, *ntargets) and the library functions
 * without a body (lib, *nlib, up to OWN_MAX_LIBRARY_TARGETS). 0 when that
 * is not known: nothing flows into the slot (candidates by type only), or
 * too many library functions do. */
static int slot_targets(rl_ownership *o, const char *slot, const int **targets, size_t *ntargets, const char **lib,
                        size_t *nlib)
{
    *targets = NULL;
    *ntargets = *nlib = 0;
    if (!slot) return 0;
    *nlib = rl_callgraph_externals(o->p->calls, slot, lib, OWN_MAX_LIBRARY_TARGETS);
    if (*nlib > OWN_MAX_LIBRARY_TARGETS) return 0;
    *targets = rl_callgraph_targets(o->p->calls, slot, ntargets);
    /* a slot only null flows into calls nothing: known, and keeps nothing */
    return *ntargets + *nlib > 0 || rl_callgraph_holds_null(o->p->calls, slot);
}

/* Whether a library function (without a body) is known to keep none of
 * its pointer arguments: its API model says all it does with them (a
 * lock, a wait or post on a condition variable, a join, a copy through
 * them, a release), and none of those kinds stores a pointer it is
 * given. A spawn, a once-routine, an atomic (which may store the value),
 * a thread exit (whose value a joiner gets), an allocator (realloc) or a
 * function with no model may keep anything (invariant 1). */
static int library_keeps_nothing(rl_ownership *o, const char *usr)
{
    static const rl_api_kind described[] = {
        RL_API_FREE, RL_API_LOCK,    RL_API_TRYLOCK, RL_API_UNLOCK, RL_API_LOCKINIT, RL_API_JOIN,
        RL_API_POST, RL_API_WAIT,    RL_API_BARRIER, RL_API_ACCESS, RL_API_SETJMP,   RL_API_EXIT,
        RL_API_JUMP,     RL_API_LOCKDESTROY, RL_API_SEMINIT,
    };
    for (size_t i = 0; i < sizeof described / sizeof described[0]; i++)
        if (rl_program_library_is(o->p, usr, (int)described[i])) return 1;
    return 0;
}

static int slot_is_empty(rl_ownership *o, const char *slot);

/* KEEPS_SYNC, KEEPS_UNSYNC, KEEPS_RETURN or DOES_NOT_KEEP for argument k of the call
 * node n of fn (callee: its direct callee in the program, or -1). A
 * library function whose model describes what it does with its pointers
 * does not keep them (library_keeps_nothing); any other library function
 * may keep anything (invariant 1). A call through a pointer does not keep
 * the argument when no function it may reach does (a free hook), or when
 * no function is ever stored where the pointer is read (a hook left
 * NULL, slot_is_empty: it runs nothing); otherwise it may, and nothing
 * says how. */
static int call_keeps(rl_ownership *o, int fn, const rl_node *n, int callee, int k)
{
    if (callee >= 0) return keeps(o, callee, k);
    if (!(n->flags & RL_CALL_INDIRECT)) {
        const char *usr = o->p->fns[fn].callees[n - o->p->fns[fn].fn->nodes];
        return library_keeps_nothing(o, usr) ? DOES_NOT_KEEP : KEEPS_UNSYNC;
    }
    const int *targets;
    const char *lib[OWN_MAX_LIBRARY_TARGETS];
    size_t ntargets, nlib;
    if (!slot_targets(o, n->target, &targets, &ntargets, lib, &nlib))
        return slot_is_empty(o, n->target) ? DOES_NOT_KEEP : KEEPS_UNSYNC;
    for (size_t i = 0; i < nlib; i++)
        if (!library_keeps_nothing(o, lib[i])) return KEEPS_UNSYNC;
    for (size_t i = 0; i < ntargets; i++)
        if (keeps(o, targets[i], k) != DOES_NOT_KEEP) return KEEPS_UNSYNC;
    return DOES_NOT_KEEP;
}

/* Whether a store of value into place puts an object's address into one
 * of that object's own fields (`v->top = &v->stack[0]`, `n->next = n`):
 * place reaches no pointer, and its root is the value's. Whoever finds
 * the field already holds the object: nothing is handed on. */
static int stores_into_itself(const char *place, const char *value)
{
    if (value[0] == '&') value++;
    size_t root = rl_place_root_len(place);
    return root > 0 && !strchr(place, '*') && rl_place_root_len(value) == root && strncmp(place, value, root) == 0;
}

/* Whether the address of local `place`'s root ("L:ca" of "L:ca.b") is
 * handed out anywhere in fn: passed, stored or returned as "&L:ca" or an
 * address inside it. A pointer stored into such a local (`ca.b = b;
 * pthread_create(..., &ca)`) reaches whoever gets its address. */
static int local_escapes(const rl_ownership *o, int fn, const char *place)
{
    size_t root = rl_place_root_len(place);
    const rl_function *f = o->p->fns[fn].fn;
    for (int32_t i = 0; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        for (int32_t a = 0; a <= n->nargs; a++) {
            const char *v = a < n->nargs ? n->args[a] : (n->kind == RL_N_RETURN ? n->text : NULL);
            if (!v || v[0] != '&' || strncmp(v + 1, place, root) != 0) continue;
            char next = v[1 + root];
            if (next == '\0' || next == '.' || next == '[') return 1;
        }
    }
    return 0;
}

/* How far a store into a held container is followed: a job holding a
 * payload, a message holding a job; deeper (or a cycle of containers
 * storing each other) counts as handed on without a lock. */
#define MAX_CONTAINER_DEPTH 2

/* A store at node i of fn of a pointer into a member of `place`'s object,
 * a heap object fn made and has handed to no one yet (`j->arg = d;`, j
 * just allocated): whoever gets the container finds the pointer, so the
 * store hands it on where the container's first hand-off after i does,
 * with that one's kind and locks (the job pushed on a queue under its
 * lock). A container never handed on after i takes it nowhere. Before,
 * such a store was a hand-off without a lock: what the maker wrote into
 * a lazy-free job's payload met the background thread freeing it
 * (job_payload_handed_on_with_job.c). */
static int container_handoff(rl_ownership *o, int fn, int32_t i, const char *place, rl_handoff *h, int32_t *at_out)
{
    unsigned line, col;
    size_t root = rl_place_root_len(place);
    if (o->container_depth >= MAX_CONTAINER_DEPTH ||
        (sscanf(place, "H%u_%u", &line, &col) != 2 && sscanf(place, "@%u_%u", &line, &col) != 2))
        return HANDOFF_UNSYNC;
    char *heap = rl_xstrndup(place, root);
    o->container_depth++;
    int kind = HANDOFF_UNSYNC;
    int32_t at = -1;
    if (own_fresh_object_at(o, fn, i, heap, line, col, NULL, OWNED_UNTIL_NODE)) {
        const handoff_list *l = own_handoffs_of(o, fn, heap, own_test_heap, 'H');
        size_t k = 0;
        while (k < l->n && l->nodes[k] <= i) k++;
        kind = k < l->n ? l->kinds[k] : NO_HANDOFF;
        if (k < l->n && h) *h = l->where[k];
        if (k < l->n) at = l->nodes[k];
    }
    o->container_depth--;
    if (at_out) *at_out = at;
    free(heap);
    return kind;
}

static int call_value_fresh(rl_ownership *o, const char *v);

/* Whether place is an own field of the object a call made fresh for fn
 * ("@L_C|CALLEE|...*.arg": one pointer followed, right after the call's
 * value; an allocator called through a hook, as curl's curlx_malloc is),
 * a container as an object fn allocated itself is. */
static int in_fresh_call_object(rl_ownership *o, const char *place)
{
    if (place[0] != '@' || rl_place_root(place, NULL) != RL_ROOT_CALL) return 0;
    const char *rest = place + rl_place_root_len(place);
    return rest[0] == '*' && !strchr(rest + 1, '*') && call_value_fresh(o, place);
}

/* Whether node i of fn hands on a value passing `test` (NO_HANDOFF,
 * HANDOFF_SYNC or HANDOFF_UNSYNC): stores it outside fn's locals, passes
 * it to a thread, returns it, or passes it to a call that may keep it.
 * For HANDOFF_SYNC, *h (when not NULL) says where (rl_handoff). A store
 * into a container fn still holds hands the value on where the container
 * goes: *container_at (when not NULL) is then that node of fn, else -1.
 * An out-parameter, not a field of o: answering one node asks about
 * others, of other functions too (a callee that keeps its argument in a
 * record it hands to a thread start), and a node of theirs is no node of
 * fn (curl's slot, started through Curl_thread_create, was taken to be
 * published before its own initialisation). */
static int node_publishes(rl_ownership *o, int fn, int32_t i, value_test test, const void *what, rl_handoff *h,
                          int of_param, int32_t *container_at)
{
    if (h) *h = (rl_handoff){fn, -1, NULL, 0};
    if (container_at) *container_at = -1;
    const rl_fn_info *info = &o->p->fns[fn];
    const rl_node *n = &info->fn->nodes[i];
    const rl_fn_flow *ff = &o->flow->fns[fn];
    switch ((rl_node_kind)n->kind) {
    case RL_N_ACCESS:
        if (n->nargs != 1 || !(n->flags & RL_ACC_WRITE) || !test(n->args[0], what) ||
            stores_into_itself(n->text, n->args[0]))
            return NO_HANDOFF;
        /* Into a local: published only when the local's address goes out,
         * and then by whatever hands that address on (a thread start
         * orders what came before it). */
        if (rl_place_root(n->text, NULL) == RL_ROOT_LOCAL)
            return local_escapes(o, fn, n->text) ? HANDOFF_SYNC : NO_HANDOFF;
        /* Into an object of fn's own that fn still holds: handed on with it. */
        if ((rl_place_root(n->text, NULL) == RL_ROOT_HEAP && !strchr(n->text, '*')) ||
            in_fresh_call_object(o, n->text))
            return container_handoff(o, fn, i, n->text, h, container_at);
        /* An atomic store releases what came before it, unless it is
         * relaxed (then only a lock held around it orders anything). */
        if ((n->flags & RL_ACC_ATOMIC) && !(n->api && strcmp(n->api, RL_ATOMIC_RELAXED) == 0)) return HANDOFF_SYNC;
        if (ff->held && ff->held[i] && ff->held[i]->n) {
            if (h) h->node = i;
            return HANDOFF_SYNC;
        }
        /* A plain store the function posts after, into a slot its taker
         * reads after waiting for that post (ownership_posted.c); not a
         * relaxed atomic store, which races with nothing and orders
         * nothing (`relaxed_pointer_publication.c`). */
        if (n->flags & RL_ACC_ATOMIC) return HANDOFF_UNSYNC;
        return own_store_handed_by_post(o, fn, i) ? HANDOFF_SYNC : HANDOFF_UNSYNC;
    case RL_N_RETURN:
        /* a parameter given back to its caller, who holds it already */
        if (!n->text || !test(n->text, what)) return NO_HANDOFF;
        return of_param ? HANDOFF_RETURN : HANDOFF_SYNC;
    case RL_N_SPAWN:
        return n->nargs > 0 && test(n->args[0], what) ? HANDOFF_SYNC : NO_HANDOFF;
    case RL_N_CALL: {
        int callee = info->callees[i] ? rl_program_find(o->p, info->callees[i]) : -1;
        int worst = NO_HANDOFF;
        for (int32_t a = 0; a < n->nargs; a++) {
            if (!test(n->args[a], what)) continue;
            int k = call_keeps(o, fn, n, callee, a);
            if (k == KEEPS_RETURN) {
                if (worst == NO_HANDOFF) worst = HANDOFF_RETURN;
                continue;
            }
            if (k == KEEPS_UNSYNC && ff->held && ff->held[i] && ff->held[i]->n) {
                /* Whatever the callee does with it (a list insertion
                 * helper, a library queue), it does holding the locks
                 * held at the call: a store made under them. */
                if (worst <= HANDOFF_RETURN && h) *h = (rl_handoff){fn, i, NULL, 0};
                worst = HANDOFF_SYNC;
                continue;
            }
            if (k == KEEPS_UNSYNC) return HANDOFF_UNSYNC;
            if (k == KEEPS_SYNC && worst <= HANDOFF_RETURN) {
                worst = HANDOFF_SYNC;
                int32_t kn = o->keep_node[(size_t)callee * OWN_MAX_PARAMS + (size_t)a];
                if (h && kn >= 0) *h = (rl_handoff){callee, kn, n, 0};
            }
        }
        return worst;
    }
    default:
        return NO_HANDOFF;
    }
}

/* KEEPS_SYNC, KEEPS_UNSYNC, KEEPS_RETURN or DOES_NOT_KEEP for parameter k of fn. */
static int keeps(rl_ownership *o, int fn, int k)
{
    if (fn < 0 || (size_t)fn >= o->p->nfns || k < 0 || k >= OWN_MAX_PARAMS) return KEEPS_UNSYNC;
    unsigned char *slot = &o->keeps[(size_t)fn * OWN_MAX_PARAMS + (size_t)k];
    if (*slot == IN_PROGRESS) return KEEPS_UNSYNC; /* invariant 3 */
    if (*slot != UNKNOWN) return *slot;
    *slot = IN_PROGRESS;
    const rl_fn_info *info = &o->p->fns[fn];
    int worst = NO_HANDOFF;
    int32_t first = -1;
    for (int32_t i = 0; i < info->fn->nnodes && worst != HANDOFF_UNSYNC; i++) {
        rl_handoff h;
        int kind = node_publishes(o, fn, i, own_test_param, &k, &h, 1, NULL);
        /* The first synchronised store in the callee itself names the
         * locks; one deeper down orders by itself as far as we follow. */
        if (kind == HANDOFF_SYNC && worst <= HANDOFF_RETURN) first = h.call ? -1 : h.node;
        if (kind > worst) worst = kind;
    }
    o->keep_node[(size_t)fn * OWN_MAX_PARAMS + (size_t)k] = first;
    *slot = worst == HANDOFF_UNSYNC ? KEEPS_UNSYNC
            : worst == HANDOFF_SYNC ? KEEPS_SYNC
            : worst == HANDOFF_RETURN ? KEEPS_RETURN
                                      : DOES_NOT_KEEP;
    return *slot;
}

int rl_ownership_keeps(rl_ownership *o, int fn, int k)
{
    return keeps(o, fn, k) != DOES_NOT_KEEP;
}

static int returns_fresh(rl_ownership *o, int fn);

/* The callee field of a call value "@L_C|USR|...", interned, or NULL. */
const char *own_call_value_field(rl_ownership *o, const char *v)
{
    const char *usr = strchr(v, RL_CALL_SEP[0]);
    if (!usr) return NULL;
    usr++;
    const char *end = strchr(usr, RL_CALL_SEP[0]);
    return end ? rl_intern_n(o->p->pool, usr, (size_t)(end - usr)) : NULL;
}

/* Whether the function USR (program-interned) gives a fresh object: a
 * program function that returns fresh ones, or a library function
 * modelled `alloc`. */
static int usr_allocates(rl_ownership *o, const char *usr)
{
    int fn = rl_program_find(o->p, usr);
    if (fn >= 0) return returns_fresh(o, fn) || rl_program_library_is(o->p, usr, RL_API_ALLOC);
    return rl_program_library_is(o->p, usr, RL_API_ALLOC);
}

/* Whether a call through a pointer read from `slot` (program-interned)
 * gives a fresh object: every function the slot may hold allocates (the
 * flows of callgraph.h, static initialisers included: a hook holding
 * malloc, or wrappers whose returns are fresh), and one is known. */
static int slot_allocates(rl_ownership *o, const char *slot)
{
    void **memo = rl_ptrmap_slot(&o->allocating, slot);
    if (*memo) return *memo == (void *)ANSWER_YES;
    *memo = (void *)ANSWER_NO; /* also while in progress (invariant 3) */
    const int *targets;
    const char *lib[OWN_MAX_LIBRARY_TARGETS];
    size_t ntargets, nlib;
    /* one known, not only null */
    if (!slot_targets(o, slot, &targets, &ntargets, lib, &nlib) || ntargets + nlib == 0) return 0;
    for (size_t i = 0; i < nlib; i++)
        if (!rl_program_library_is(o->p, lib[i], RL_API_ALLOC)) return 0;
    for (size_t i = 0; i < ntargets; i++)
        if (!usr_allocates(o, o->p->fns[targets[i]].usr)) return 0;
    *memo = (void *)ANSWER_YES;
    return 1;
}

/* Whether a call value "@L_C|CALLEE|..." gives a fresh object: its direct
 * callee returns fresh ones, or, for a call through a pointer (CALLEE is
 * then the slot the function is read from, facts.h), every function the
 * slot may hold allocates. */
static int call_value_fresh(rl_ownership *o, const char *v)
{
    const char *callee = own_call_value_field(o, v);
    return callee && rl_ownership_call_fresh(o, callee);
}

int rl_ownership_value_fresh(rl_ownership *o, const char *value)
{
    return value && value[0] == '@' && call_value_fresh(o, value);
}

int rl_ownership_call_fresh(rl_ownership *o, const char *callee)
{
    int target = rl_program_find(o->p, callee);
    return target >= 0 ? returns_fresh(o, target) : slot_allocates(o, callee) || usr_allocates(o, callee);
}

/* Whether a call through a pointer read from `slot` can run nothing: no
 * function, of the program or a library, is ever stored there (zstd's
 * `customMem.customAlloc`, NULL unless an application passes its own
 * allocator). Slot names are "X:..." with a one-letter kind (facts.h);
 * functions are USRs ("c:..."). */
static int slot_is_empty(rl_ownership *o, const char *slot)
{
    if (!slot || !slot[0] || slot[1] != ':' || !strchr(SLOT_KINDS, slot[0])) return 0;
    const int *targets;
    const char *lib[OWN_MAX_LIBRARY_TARGETS];
    size_t ntargets, nlib;
    /* nothing flows there, or only null: either way no function runs */
    (void)slot_targets(o, slot, &targets, &ntargets, lib, &nlib);
    return ntargets == 0 && nlib == 0;
}

/* Whether a call value is a call through a pointer that can run nothing
 * (slot_is_empty). */
static int call_through_empty_slot(rl_ownership *o, const char *v)
{
    return slot_is_empty(o, own_call_value_field(o, v));
}

static int starts_thread_on(rl_ownership *o, int fn, int32_t before, value_test test, const void *what);
/* Answers of rl_ownership.starts_on. */
enum { STARTS_UNKNOWN = 0, STARTS_IN_PROGRESS, STARTS_YES, STARTS_NO };

/* Whether fn hands its parameter k to a thread it starts, itself or
 * through a callee (memoized; a recursion in progress answers no). */
static int param_starts_thread(rl_ownership *o, int fn, int k)
{
    if (fn < 0 || (size_t)fn >= o->p->nfns || k < 0 || k >= OWN_MAX_PARAMS) return 0;
    unsigned char *slot = &o->starts_on[(size_t)fn * OWN_MAX_PARAMS + (size_t)k];
    if (*slot == STARTS_IN_PROGRESS) return 0;
    if (*slot != STARTS_UNKNOWN) return *slot == STARTS_YES;
    *slot = STARTS_IN_PROGRESS;
    int yes = starts_thread_on(o, fn, o->p->fns[fn].fn->nnodes, own_test_param, &k);
    *slot = yes ? STARTS_YES : STARTS_NO;
    return yes;
}

/* Whether a node of fn before `before` starts a thread on a value passing
 * test: a spawn's argument, or an argument a callee starts one on. */
static int starts_thread_on(rl_ownership *o, int fn, int32_t before, value_test test, const void *what)
{
    const rl_fn_info *info = &o->p->fns[fn];
    for (int32_t i = 0; i < before && i < info->fn->nnodes; i++) {
        const rl_node *n = &info->fn->nodes[i];
        if (n->kind == RL_N_SPAWN && n->nargs > 0 && test(n->args[0], what)) return 1;
        if (n->kind != RL_N_CALL || !info->callees[i]) continue;
        int callee = rl_program_find(o->p, info->callees[i]);
        for (int32_t a = 0; callee >= 0 && a < n->nargs; a++)
            if (test(n->args[a], what) && param_starts_thread(o, callee, a)) return 1;
    }
    return 0;
}

/* Whether return node `node` of fn gives the heap object `text` ("&H..",
 * or a fresh call's "@..") as a fresh object: not one fn started a thread on before (a
 * constructor starting its object's worker, `p = calloc(...);
 * pthread_create(&p->tid, 0, run, p); return p;`). That object is no
 * caller's own, and its name must be the one the thread knows it by, not
 * a fresh one per call site. A constructor that only links its object
 * into a shared list keeps giving fresh objects: the caller's accesses
 * before it uses the list are its own, as are the objects of each site. */
static int returned_unpublished(rl_ownership *o, int fn, int32_t node, const char *text)
{
    unsigned line, col;
    /* an allocator's object (zstd's `ctx = ZSTD_customCalloc(...)`,
     * returned as that call): the spawn names it by the same call */
    if (text[0] == '@') return !starts_thread_on(o, fn, node, own_test_heap, text);
    if (sscanf(text, "&H%u_%u", &line, &col) != 2) return 1;
    char heap[32];
    snprintf(heap, sizeof heap, "H%u_%u", line, col);
    return !starts_thread_on(o, fn, node, own_test_heap, heap);
}

int own_return_fresh(rl_ownership *o, int fn, int32_t i)
{
    const rl_node *n = &o->p->fns[fn].fn->nodes[i];
    if (!n->text) return OWN_RETURN_OTHER;
    if (!n->text[0]) return OWN_RETURN_NOTHING;
    int whole_call = n->text[0] == '@' && strlen(n->text) == rl_place_root_len(n->text);
    /* `if (mem.alloc) return mem.alloc(n); return malloc(n);` with
     * no hook ever set: that return is never taken */
    if (whole_call && call_through_empty_slot(o, n->text)) return OWN_RETURN_NOTHING;
    int fresh = (strncmp(n->text, "&H", 2) == 0 && !strchr(n->text, '*') && !strchr(n->text, '.') &&
                 returned_unpublished(o, fn, i, n->text)) ||
                (whole_call && call_value_fresh(o, n->text) && returned_unpublished(o, fn, i, n->text));
    return fresh ? OWN_RETURN_FRESH : OWN_RETURN_OTHER;
}

/* Whether every return of fn that names an object gives a fresh one: one
 * it allocates ("&H..") and has handed to no one before that return (a
 * constructor that starts its object's thread, or links it into a global
 * list, returns a shared object), one a callee returns fresh (an
 * allocator hook among them), or one it unlinks; NULL aside, and a return
 * through a hook nothing is stored in (call_through_empty_slot) aside. */
static int returns_fresh(rl_ownership *o, int fn)
{
    if (o->fresh[fn]) return o->fresh[fn] == ANSWER_YES;
    o->fresh[fn] = ANSWER_NO; /* also while in progress (invariant 3) */
    if (rl_ownership_unlinks(o, fn)) {
        o->fresh[fn] = ANSWER_YES;
        return 1;
    }
    const rl_function *f = o->p->fns[fn].fn;
    int any = 0;
    for (int32_t i = 0; i < f->nnodes; i++) {
        if (f->nodes[i].kind != RL_N_RETURN) continue;
        int r = own_return_fresh(o, fn, i);
        if (r == OWN_RETURN_OTHER) return 0;
        any |= r == OWN_RETURN_FRESH;
    }
    if (any) o->fresh[fn] = ANSWER_YES;
    return any;
}

/* Sorts a hand-off list by node (insertion sort: lists are short), as
 * own_owned_between reads it. */
static void sort_handoffs(handoff_list *l)
{
    for (size_t a = 1; a < l->n; a++)
        for (size_t b = a; b > 0 && l->nodes[b - 1] > l->nodes[b]; b--) {
            int32_t node = l->nodes[b], via = l->via[b];
            unsigned char kind = l->kinds[b];
            rl_handoff where = l->where[b];
            l->nodes[b] = l->nodes[b - 1];
            l->via[b] = l->via[b - 1];
            l->kinds[b] = l->kinds[b - 1];
            l->where[b] = l->where[b - 1];
            l->nodes[b - 1] = node;
            l->via[b - 1] = via;
            l->kinds[b - 1] = kind;
            l->where[b - 1] = where;
        }
}

/* The hand-offs in fn of the object whose values pass `test` (named by
 * `heap`), computed on first use; `tag` keeps the memo of each test
 * apart. */
const handoff_list *own_handoffs_of(rl_ownership *o, int fn, const char *heap, value_test test, char tag)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%d%c%s", fn, tag, heap);
    const char *key = rl_intern(o->p->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    void **slot = rl_ptrmap_slot(&o->handoffs, key);
    if (*slot) return *slot;
    handoff_list *l = rl_xcalloc(1, sizeof *l);
    l->object = rl_intern(o->p->pool, heap);
    size_t cap = 0;
    const rl_function *f = o->p->fns[fn].fn;
    int sort = 0;
    for (int32_t i = 0; i < f->nnodes; i++) {
        rl_handoff h;
        int32_t container_at;
        int kind = node_publishes(o, fn, i, test, heap, &h, 0, &container_at);
        if (kind == NO_HANDOFF) continue;
        /* Put into a container fn still holds: handed on where the
         * container is, not at the store (`c->lim = malloc(...)`, then
         * `c->lim->max = 42` before c is published) */
        int32_t at = container_at >= 0 ? container_at : i;
        sort |= at != i;
        if (l->n == cap) {
            cap = cap ? 2 * cap : 4;
            l->nodes = rl_xrealloc(l->nodes, cap * sizeof *l->nodes);
            l->via = rl_xrealloc(l->via, cap * sizeof *l->via);
            l->kinds = rl_xrealloc(l->kinds, cap * sizeof *l->kinds);
            l->where = rl_xrealloc(l->where, cap * sizeof *l->where);
        }
        l->nodes[l->n] = at;
        l->via[l->n] = i;
        l->kinds[l->n] = (unsigned char)kind;
        l->where[l->n++] = h;
    }
    if (sort) sort_handoffs(l);
    /* looked up again: a container's list, made meanwhile
     * (container_handoff), may have moved the slots; and this very list
     * may have been made meanwhile, deeper, by a question about a
     * container that asked about this object again (two objects stored
     * in each other): that one, made with fewer containers left to
     * follow and read only by the question that made it, gives way to
     * this one */
    slot = rl_ptrmap_slot(&o->handoffs, key);
    own_handoff_list_free(*slot);
    *slot = l;
    return l;
}

void own_handoff_list_free(handoff_list *l)
{
    if (!l) return;
    free(l->nodes);
    free(l->via);
    free(l->kinds);
    free(l->where);
    free(l);
}
