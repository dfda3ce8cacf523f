/* Internal to the thread model: what its files share. Not for rules
 * (they ask threads.h) and not for anything outside analyzer/model/.
 *
 *  threads.c    builds the model: threads, accesses, lock events,
 *               groups; frees it;
 *  exploration.c  pass 2 per thread: contexts and the worklist;
 *  ctx_position.c  where a context stands, for its key: phases and
 *               the order points of its thread;
 *  resolve.c    names places, values and locksets of a function in a
 *               context;
 *  ctx_calls.c  a context's calls: the values each binds to its
 *               callee, the functions one through a pointer reaches;
 *  stores.c     pointers stored in memory (their points-to sets in
 *               stored_set.c), followed when naming places and locks;
 *  discovery.c  pass 1 per thread: spawn and join sites, children;
 *  intervals.c  their intervals, joins and creation locks (discovery.h
 *               holds what those two share);
 *  ordering.c   positions and intervals: which accesses may run together;
 *  accesses.c   the accesses of every context, their groups;
 *  lock_events.c  the lock events of every context; histories;
 *  posts.c      the posts that publish an access (its function's, its
 *               callers' after the call);
 *  round_handoffs.c  rounds of two loops lined up by a semaphore.
 *
 * Invariants:
 *  1. Functions shared between the files are prefixed tm_ (thread model);
 *     everything else stays static in its file.
 *  2. Every name a tm_ function returns is interned in the program's pool:
 *     equal names are equal pointers.
 *  3. An rl_posvec owns its v: pos_extend, pos_copy and pos_prefix_then
 *     return a new vector the caller releases with pos_free. */
#ifndef RL_THREADS_INTERNAL_H
#define RL_THREADS_INTERNAL_H
#include "threads.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdlib.h>
#include <string.h>

/* Bounds that keep pathological programs finite. */
#define MAX_THREADS 4096
#define MAX_CONTEXTS (1 << 20)
#define MAX_SPAWN_DEPTH 16
/* Positions keep MIN_POS_DEPTH frames, and up to MAX_POS_DEPTH in a
 * thread whose entry reaches at most POS_PATH_BUDGET call paths through
 * spawning functions within that many calls: each such path is a context
 * of its own (tm_position_depth, rl_thread.pos_depth). Deeper calls share
 * the position of their deepest kept frame (discovery and exploration
 * agree). zstd starts its pool 15 calls below main. */
#define MIN_POS_DEPTH 8
#define MAX_POS_DEPTH 16
#define POS_PATH_BUDGET 2000
/* Calls followed while looking for spawn sites, per thread. */
#define DISCOVERY_BUDGET 20000
#define MAX_CANDIDATES 32
#define MAX_PARAMS 32
/* How many times run_worklist explores again the contexts whose callees
 * the points-to sets gave, once they grew: each round follows one more
 * level of callbacks that register callbacks (a worker's loop runs the
 * notify callback main registered, which registers each connection's). */
#define MAX_STORE_ROUNDS 4

/* One frame of a thread: the function, and the values bound to its
 * parameters (distinct: the parameters handed one object per instance;
 * caller: those holding what the root thread's unknown caller passed, a
 * public function's arguments, known in thread discovery only). */
typedef struct frame_env {
    int thread;
    int fn;
    const char *const *bind;
    int nbind;
    uint32_t distinct;
    uint32_t caller;
    uint32_t reached_distinct; /* bit i: bind[i] was reached through pointers
                            from an object distinct per instance (the
                            objects it leads to are per instance when
                            tm_follow_stores finds them made per instance) */
    int once_routine;    /* the frame runs in a once-routine: once in the
                            program, whichever thread runs it, so the heap
                            objects it makes are no thread's own */
} frame_env;

/* The frame a context runs. */
static inline frame_env tm_ctx_env(const rl_ctx *c)
{
    return (frame_env){c->thread, c->fn, c->bind, c->nbind, c->distinct, 0, c->reached_distinct,
                       c->in_once == RL_RUN_ONCE_ROUTINE};
}

/* The facts of program function fn. */
static inline const rl_function *fn_of(const rl_model *m, int fn)
{
    return m->program->fns[fn].fn;
}

/* ---- positions ------------------------------------------------------------ */

static inline rl_posvec pos_extend(const rl_posvec *p, int32_t node)
{
    rl_posvec r = {rl_xmalloc((size_t)(p->n + 1) * sizeof(int32_t)), p->n + 1, 0};
    if (p->n) memcpy(r.v, p->v, (size_t)p->n * sizeof(int32_t));
    r.v[p->n] = node;
    return r;
}

static inline rl_posvec pos_copy(const rl_posvec *p)
{
    rl_posvec r = {NULL, p->n, p->infinite};
    if (p->n) {
        r.v = rl_xmalloc((size_t)p->n * sizeof(int32_t));
        memcpy(r.v, p->v, (size_t)p->n * sizeof(int32_t));
    }
    return r;
}

/* The position of node `node` of context c's function in its thread's
 * frame: the context's own when it is frozen (no spawn below it), else
 * the node's, where cleanup code reached only by gotos stands at its
 * latest goto (goto_reach.h). The caller frees it. */
static inline rl_posvec tm_ctx_position(const rl_model *m, const rl_ctx *c, int32_t node)
{
    if (c->frozen) return pos_copy(&c->pos);
    const int32_t *of = m->program->fns[c->fn].position_of;
    return pos_extend(&c->pos, of && node >= 0 ? of[node] : node);
}

/* A prefix of k frames of p, then `last`. */
static inline rl_posvec pos_prefix_then(const rl_posvec *p, int k, int32_t last)
{
    rl_posvec prefix = {p->v, k, 0};
    return pos_extend(&prefix, last);
}

/* Lexicographic order; a prefix comes first (a call precedes its body). */
static inline int pos_cmp(const rl_posvec *a, const rl_posvec *b)
{
    if (a->infinite || b->infinite) return a->infinite == b->infinite ? 0 : a->infinite ? 1 : -1;
    int n = a->n < b->n ? a->n : b->n;
    for (int i = 0; i < n; i++)
        if (a->v[i] != b->v[i]) return a->v[i] < b->v[i] ? -1 : 1;
    return a->n == b->n ? 0 : a->n < b->n ? -1 : 1;
}

static inline void pos_free(rl_posvec *p)
{
    free(p->v);
    p->v = NULL;
    p->n = 0;
}

/* How many argument values a call-like node (rl_program_call_like) binds
 * in callee: a call's arguments, up to MAX_PARAMS, and no more than the
 * callee declares: what a variadic function's `...` receives it reads by
 * `va_arg`, which names no parameter (frontend: unknown), so binding it
 * only split contexts by every format argument (curl's `failf(data,
 * "%s", name)`: 8 % of its contexts). A thread joined at once
 * (at_once.h) is handed its argument alone (a SPAWN's args[1] is its
 * handle). */
static inline int tm_bound_args(const rl_model *m, const rl_node *n, int callee)
{
    if (n->kind == RL_N_SPAWN) return 1;
    int bound = n->nargs < MAX_PARAMS ? n->nargs : MAX_PARAMS;
    if (callee >= 0 && m->program->fns[callee].fn->nparams < bound) bound = m->program->fns[callee].fn->nparams;
    return bound;
}

/* ---- resolve.c ------------------------------------------------------------ */

/* A hash of the "fn:" values a frame is bound to, 0 when none. */
uint64_t tm_fn_bindings_hash(const char *const *bind, int nbind);
/* A place or value of function env->fn as a program-wide name. *distinct
 * is set when the place is (part of) an object handed out one per thread
 * instance; *root_distinct when it is reached from one, even through
 * pointers. Either may be NULL. */
const char *tm_resolve2(rl_model *m, const frame_env *env, const char *s, int *distinct, int *root_distinct);
/* Whether call value v ("@L_C<SEP>CALLEE<SEP>...") gives a part of the
 * object one of its arguments points to: the callee returns that
 * parameter, or the address of one of its own fields (a getter,
 * `ZSTD_getSeqStore(zc)` returning `&zc->seqStore`, an aligner returning
 * its workspace): the value it gives in the caller's terms, the argument
 * put for the parameter (interned), else NULL. */
const char *tm_call_gives_part_of(rl_model *m, const char *v);
/* A place rooted at such a call's value ("@...*.f"), in the caller's
 * terms without the call ("P0*.seqStore.f"), else NULL. */
const char *tm_call_place_in_arg_terms(rl_model *m, const char *text);
const char *tm_resolve(rl_model *m, const frame_env *env, const char *s, int *distinct);
/* Whether a `for` counter of function fn runs from its parameter k to
 * k + 1 (facts.h, RL_LOOP_PARAM_RANGE): its elements are an instance's
 * own only where a caller passed a block for the two (ctx_calls.c). */
int tm_param_range_start(rl_model *m, int fn, int k);
/* (ctx_calls.c) Bindings for callee (-1: whichever): each argument
 * resolved in the caller, k-limited; through a pointer read from a
 * container's elements, an argument read from the same element is what
 * the elements holding callee hold (tm_correlated_arg). The caller frees
 * the array (not its names). */
const char **tm_bind_args(rl_model *m, const frame_env *env, const rl_node *call, int callee, uint32_t *distinct,
                          uint32_t *reached_distinct);
/* Whether a call runs once per iteration of a loop of its function, in a
 * thread of one instance: what the callee allocates is new each time. */
int tm_call_in_loop(const rl_model *m, int thread, const rl_function *fn, int32_t call_node);
/* Whether a spawn argument loaded from memory in the spawn loop
 * (`t = config.threads[i]`) points to an object made anew in each
 * iteration of the loop that stored it (`config.threads[i] =
 * createThread(i)`): the only value stored there names an allocation site
 * inside a loop. Asked when the child is analysed, once its parent's
 * stores are recorded. */
int tm_arg_fresh_per_iteration(rl_model *m, const char *arg);
/* Whether heap object ("tN:FN:H12_3", interned) is allocated inside a loop
 * of FN: a new object each iteration (remembered per object). */
int tm_allocated_in_loop(rl_model *m, const char *object);
/* (discovery.c) The innermost loop around the statement at line:col of
 * fn (a node index), or -1. */
int32_t tm_statement_loop(const rl_function *fn, unsigned line, unsigned col);
/* (store_origins.c) After the stores are collected: which stores of an
 * object made in a loop hand that one object to several containers (a
 * call in an inner loop, `for (i...) push(&q[i], ev)` with ev made once a
 * round), which stores a pointer a pop took off a shared array into
 * its taker's container (`tc->c[tc->n++] = pool[--avail]`), and which
 * link an object made by each call of a function into the container it
 * was handed (a list's push making its node). */
void tm_note_store_origins(rl_model *m);
/* (stores.c) The key of a store of value at place in the model's sets of
 * stores (both interned: their addresses name them). */
uint64_t tm_store_key(const char *place, const char *value);
/* Whether the store of value at place (both interned, as record_store
 * keys them) is one of those. */
int tm_store_repeated(const rl_model *m, const char *place, const char *value);
int tm_store_taken(const rl_model *m, const char *place, const char *value);
int tm_store_linked(const rl_model *m, const char *place, const char *value);
/* The function of a heap object "tN:FN[~HASH]:H<line>_<col>" (the whole
 * object, no steps), and its allocation site; -1 when it is no such
 * object or the function is not in the program (the first of that name). */
int tm_heap_object_fn(const rl_model *m, const char *object, unsigned *line, unsigned *col);

/* ---- held.c --------------------------------------------------------------- */

/* A lockset of env's function resolved in env, entry by entry. */
const rl_lockset *tm_resolve_locks(rl_model *m, const frame_env *env, const rl_lockset *s);
/* Locks held at a node of a context (NULL when the node is unreachable),
 * locks some path may hold there, and locks held there on every path of
 * some call to the context (rl_ctx.entry_some). */
const rl_lockset *tm_held_at(rl_model *m, const rl_ctx *c, int32_t node);
/* What context c took or waited on before node on every path (locks,
 * objects waited on, last references of counters: flow.h's `acquired`):
 * its function's own, and what every call path to c did before the call
 * (rl_ctx.entry_history); resolved, followed through stored pointers.
 * An access's history, and what a call hands its callee (lock_events.c). */
const rl_lockset *tm_history_at(rl_model *m, const rl_ctx *c, int32_t node);
const rl_lockset *tm_may_held_at(rl_model *m, const rl_ctx *c, int32_t node);
const rl_lockset *tm_held_some_at(rl_model *m, const rl_ctx *c, int32_t node);
/* The once-control a ONCE node names (its text, in the caller's terms),
 * resolved in the caller's context; NULL when it names none
 * (exploration.c). */
const char *tm_once_object(rl_model *m, const frame_env *env, const rl_node *n);

/* The functions a call or spawn through a pointer reaches in one context
 * (ctx_calls.c, tm_ctx_callees). */
typedef struct tm_targets {
    const int *fns;      /* count functions (buf, or the program's list) */
    size_t count;
    int weak;            /* matches by type alone (rl_program_callees) */
    int by_context;      /* this context's bindings decided them */
    int from_caller;     /* also what the root's unknown caller passes */
    int from_stores;     /* the points-to sets decided them: more stores
                            may add callees (tm_stored_callees) */
    int buf[MAX_CANDIDATES];
} tm_targets;
void tm_ctx_callees(rl_model *m, const frame_env *env, int32_t node, tm_targets *out);
/* The locks a hand-off is made under, resolved in the allocating
 * context (NULL: it orders by itself; exploration.c). */
struct rl_handoff;
const rl_lockset *tm_handoff_locks(rl_model *m, const rl_ctx *c, const struct rl_handoff *h);

/* From contexts to accesses and lock events (accesses.c), once every
 * thread is explored and every store recorded. Groups of accesses by
 * location keep their first MAX_GROUP accesses and, past that, one access
 * of each kind (thread, locks held, write or not) they do not hold yet,
 * up to MAX_GROUP more: a location touched from thousands of places by
 * one thread still meets the other threads' accesses. */
#define MAX_GROUP 4096
void tm_collect_accesses(rl_model *m);
void tm_group_accesses(rl_model *m);
/* (lock_events.c) While accesses are collected: lock operation node i of
 * context ci (c) as an rl_lock_event, or, for a lock initialisation, its
 * lock marked recursive or counting; callers are every call edge into
 * each context. global_returns is tm_reached_through_global's memo. */
struct tm_callers; /* member_tests.h */
void tm_record_lock_event(rl_model *m, const struct tm_callers *callers, const rl_ctx *c, int ci, int32_t i,
                          const frame_env *env, uint8_t *global_returns);
/* (lock_events.c) Whether an access of text (in its function's terms)
 * reaches its object through a pointer stored in a global
 * (rl_access.via_global); memo holds nfns + 1 zeroed bytes, an answer per
 * function. */
int tm_reached_through_global(const rl_model *m, const char *text, uint8_t *memo);
/* (lock_events.c) Once every event is recorded, their index per context
 * (rl_model.ctx_lock_events). */
void tm_index_lock_events(rl_model *m);

/* ---- stores.c ------------------------------------------------------------- */

/* Pointers stored in memory: recorded per context (tm_record_stores, when
 * explored; tm_collect_stores for the rest; tm_record_static_stores, those
 * of static initializers, before all), followed when naming places
 * and locks. */
void tm_record_stores(rl_model *m, const frame_env *env);
void tm_record_static_stores(rl_model *m);
void tm_collect_stores(rl_model *m); /* then every context again, under full names */
/* (resolve.c) Records which frames run once per instance of their thread (every
 * context of the frame bound to a per-instance value, reached once per
 * loop iteration, or in a thread of several instances), once every
 * context is known: tm_follow_stores then names what such a frame
 * allocated as each instance's own. */
void tm_index_instance_frames(rl_model *m);
/* (discovery.c) Once stored pointers are known: each thread a thread
 * other than its creator or descendants joins (rl_thread.joiner), from
 * the joins discovery kept (rl_model.joins_made). */
void tm_match_joiners(rl_model *m);
const char *tm_follow_stores(rl_model *m, const char *place, int root_distinct, int *distinct);
/* (element_locks.c) held without the locks of another element of the
 * array node i of context c touches (resolved): those every acquisition
 * in its function indexes by another variable than the access's
 * (`acct[to].balance` under `acct[from].m`). */
const rl_lockset *tm_drop_other_element_locks(rl_model *m, const frame_env *env, const rl_ctx *c, int32_t i,
                                              const rl_lockset *held, const char *resolved);
/* (stores.c) Whether the two members of a thread's record (their places)
 * were given the start and the end of one block of the round that filled
 * the record (facts.h, RL_RECORD_BLOCK_START), and nothing else. */
int tm_record_holds_block(rl_model *m, const char *lo_place, const char *hi_place);
/* Whether the pointer stored at `place` surely leads to one object shared
 * by every instance: the stores give it one known address (or several),
 * and none made per container or per call; or, past an object made per
 * container, a pointer the stores give such an address (stores.c). 0
 * when not known. */
int tm_pointer_leads_to_shared(rl_model *m, const char *place);
/* Whether the pointer at `pointer` (a place, followed as far as stores
 * lead) was only ever given objects made once for every container
 * holding it: its points-to set is known, all addresses, and none made
 * per container or per call (one event stored in every queue's node).
 * 0 when the stores do not tell. */
int tm_stored_one_for_all(rl_model *m, const char *pointer);
/* The objects an access to place, already followed (tm_follow_stores),
 * may touch when its first pointer was given several addresses (a global
 * pointer set to &a here and &b there, or by its initializer): one place
 * per address, each followed (at most RL_MAX_CHOICES), as an Andersen
 * points-to set would give, and in via[] (when not NULL) the address it
 * went through. Otherwise the place itself (via NULL). Returns the
 * count. */
size_t tm_stored_alternatives(rl_model *m, const char *place, const char **out, const char **via);
/* Every object a place not followed to one name (tm_follow_stores) may
 * name, by the points-to sets of the pointers on its path, each set's
 * addresses and copied pointers followed in turn (a job queue's slot
 * given a dict, the dict's values, a value's member): out[] holds them
 * (room for TM_MAX_STORED_OBJECTS). 0 when one of those pointers has no known set, one
 * overflowed or holds anything else, or there are more: then the place
 * may name anything. */
#define TM_MAX_STORED_OBJECTS 16
size_t tm_stored_objects(rl_model *m, const char *place, const char **out);
/* (cursors.c) The objects an access through list cursor `cursor`
 * (rl_node.cursor), its place named by a type ("{struct node}.v"), also
 * touches: places[k] names it in the k-th object the cursor's start and
 * steps lead to in the context env is for, helds[k] the locks held with
 * those named by the same type renamed alike. Their count, at most
 * TM_MAX_CURSOR_OBJECTS; 0 when the stores tell none. After
 * tm_collect_stores only. */
#define TM_MAX_CURSOR_OBJECTS 4
size_t tm_cursor_places(rl_model *m, const frame_env *env, const char *cursor, const char *place,
                        const rl_lockset *held, const char **places, const rl_lockset **helds);
/* The locks held by the alternative of an access to `place` that went
 * through the address `via` (tm_stored_alternatives): a lock reached
 * through the same pointer is that object's lock (`lock(&cur->lock);
 * cur->n++` with cur set to &a and to &b: a.n under a.lock). */
const rl_lockset *tm_stored_correlated_locks(rl_model *m, const rl_lockset *held, const char *place, const char *via);
/* Between these, tm_follow_stores remembers its answers (a cache checked
 * against rl_model.stores_generation): tm_collect_accesses follows the
 * same places for many contexts. */
void tm_follow_cache_start(rl_model *m);
void tm_follow_cache_stop(rl_model *m);
const rl_lockset *tm_follow_lock_stores(rl_model *m, const rl_lockset *held);
/* The one pointer value stored at place (stores.c); NULL when none, or
 * when it was given several. */
const char *tm_stored_single(rl_model *m, const char *place);
/* v as far as single stored pointers lead: how the stores key it
 * (stores.c). */
const char *tm_stores_followed(rl_model *m, const char *v);
/* The place `place` names in the object an allocator wrapper made, as
 * the wrapper names it, when place's root is such an object as a caller
 * names it and that name was ever made; NULL otherwise (stores.c). */
const char *tm_wrapper_place(rl_model *m, const char *place);
/* Whether the object value ("&X") points to is made anew for each
 * container holding it at container_place (stores.c): an element of an
 * array, an instance's own heap object, one allocated in a loop's each
 * round, or, in_wrapper, one an allocator wrapper made beside the
 * container. */
int tm_made_per_container(rl_model *m, const char *container_place, int in_wrapper, const char *value);
/* The functions a call through resolved pointer place v reaches by the
 * points-to sets (stored_callees.c): those v's own set holds, or, v being a
 * member of the elements of a container of several values (an event
 * loop's events: "H3_4.evs[]*.cb"), those each element's member holds.
 * Fills out->buf and out->count; 0 (out->count meaningless) when the
 * sets do not tell: overflowed, holding something other than functions,
 * or naming none. */
int tm_stored_callees(rl_model *m, const char *v, tm_targets *out);
/* For such a call through a container's elements, the value argument
 * arg (resolved, read from the same element: "H3_4.evs[]*.arg") has for
 * callee: the members of the elements whose slot holds callee, one or a
 * choice. NULL when the call is not one of those. With root_distinct
 * (the container was reached from an instance's own object), *distinct
 * is set when each such element, and what its member holds, is made per
 * container: the instance's own, as its container is. */
const char *tm_correlated_arg(rl_model *m, const char *fnptr, const char *arg, int callee, int root_distinct,
                              int *distinct);
/* What resolve.c knows that the stores ask (stores.c): whether a value
 * points into an object of a frame that runs once per instance; the
 * object an allocator wrapper's object at a call site is as the wrapper
 * named it (NULL when none or several); what function fn returns, named
 * in its own frame in thread (no bindings), NULL when its returns
 * disagree. */
int tm_per_instance_heap(rl_model *m, const char *value);
const char *tm_wrapper_inner(rl_model *m, const char *outer);
const char *tm_returned_value(rl_model *m, int fn, int thread);
/* The member path function fn's returns read through its first
 * parameter (".next" of `return n->next;`), or NULL: a getter of the
 * next node (cursors.c). */
const char *tm_returned_member(rl_model *m, int fn);

/* Locksets of one name per lock taken in one frame rarely exceed this;
 * larger ones (curl's may-held sets) take the heap. */
#define LOCKS_ON_STACK 16

/* ---- discovery.c ---------------------------------------------------------- */

/* The frames positions keep in a thread whose entry is entry_fn: the most,
 * up to MAX_POS_DEPTH, whose call paths through spawning functions number
 * at most POS_PATH_BUDGET and that reach no further than one frame past
 * its deepest spawn or join site (on a path repeating no function), and
 * never fewer than MIN_POS_DEPTH (remembered per function). */
int tm_position_depth(rl_model *m, int entry_fn);

/* (ctx_position.c) Builds thread's phase bounds and order prefixes, once. */
void tm_prepare_positions(rl_model *m, int thread);
/* (ctx_position.c) Appends to out the phase of pos among the thread's
 * children's bounds (tm_prepare_positions first). */
void tm_phase_signature(const rl_model *m, int thread, const rl_posvec *pos, rl_strbuf *out);
/* (ctx_position.c) How many frames of pos name where it leaves every path
 * to the thread's order points; 0 when it lies on one, or for a run-once
 * function (tm_prepare_positions first). */
int tm_leaving_prefix(const rl_model *m, int thread, int fn, const rl_posvec *pos);

/* A new thread (a root when parent is -1); -1 past MAX_THREADS (counted). */
int tm_add_thread(rl_model *m, int parent, int entry_fn);
/* Pass 1 for thread t whose entry runs in env: creates its children. */
void tm_discover_children(rl_model *m, int t, const frame_env *env);
/* Where finisher k (rl_model.finishers) runs in root thread t: a first
 * frame past every node of the root's entry, so after all of it. */
int32_t tm_finisher_position(const rl_model *m, int t, int k);
/* The one function a thread's entry runs through a pointer its argument
 * tells (a trampoline's body), else -1. */
int tm_trampoline_body(rl_model *m, const frame_env *env);
/* (exploration.c) Both passes for thread t: its children discovered
 * (tm_discover_children), then every context its entry and its
 * finishers reach, explored to a fixpoint. */
void tm_analyse_thread(rl_model *m, int t);

/* posts.c: the objects posted on after node `node` of context ci, by its
 * function or by its callers once it returned, that order the access
 * there before a waiter's (less what earlier posts let a waiter do
 * first), joined to publish (NULL: none); *rounds: some such post is in
 * a loop that holds the access. new_each_round: the access's object is
 * one its round took off a shared structure (rl_flow_posted_after_new).
 * The memo lives while accesses are collected (it holds per-context
 * answers for m's contexts). */
typedef struct tm_posts tm_posts;
struct tm_callers; /* member_tests.h: every call edge into each context */
tm_posts *tm_posts_new(const rl_model *m, const struct tm_callers *callers);
void tm_posts_free(tm_posts *pm);
const rl_lockset *tm_posted_after(rl_model *m, tm_posts *pm, int ci, int32_t node, const rl_lockset *publish,
                                  int new_each_round, int *rounds);

/* Whether access `producer`, made before a post in each round of its
 * thread's loop, comes before `consumer`, made after the matching wait
 * in each round of another thread's loop, whenever the two touch one
 * element: both index it by their loop's counter from one start, and one
 * semaphore set up empty is posted and waited on once a round and
 * nowhere else (round_handoffs.c). */
int tm_rounds_line_up(const rl_model *m, const rl_access *producer, const rl_access *consumer);
/* Counts the posts, waits and set-ups of every global semaphore of the
 * program, for tm_rounds_line_up (round_handoffs.c). */
void tm_count_round_sems(rl_model *m);

#endif
