/* The thread model: which threads exist, what each of them executes, with
 * which locks held, and which of them can run at the same time. Rules ask
 * this module questions; they never walk facts themselves.
 *
 * Threads. `main` is thread 0 (without a main, every function that spawns
 * and is called by nobody is a root thread). Every spawn site reached from
 * a thread creates a child thread per possible entry function. A child is
 * multi-instance when its spawn site runs in a loop (unless it is joined
 * in the same iteration) or its parent is multi-instance.
 *
 * Contexts. A thread runs functions in contexts: the function, the values
 * bound to its pointer parameters (so `m->count` and `m->lock` name the same
 * object `m` the caller passed), and the thread's phase (where in the
 * spawner's code the call happens). The locks held when a context is
 * entered are the intersection over every call site that reaches it.
 *
 * Ordering. Positions in a spawning thread are call-path vectors of node
 * indices. A child runs from its spawn (or the start of the loop around the
 * spawn, for later instances) to the join of its handle (or the end of the
 * loop around that join). Two accesses may run together when their
 * threads' intervals overlap, per the rules in threads.c.
 *
 * Memory. Locals and heap objects of a function are qualified by thread,
 * so they are shared only when their address reaches another thread as a
 * spawn argument. Objects handed one per instance (`&args[i]`, a malloc in
 * the spawn loop) are "distinct": instances of the same spawn do not share
 * them. */
#ifndef RL_THREADS_H
#define RL_THREADS_H
#include "flow.h"
#include "program.h"
#include "stored_set.h"
#include "../util/u64set.h"

typedef struct rl_posvec {
    int32_t *v;
    int n;
    int infinite; /* for interval ends: never */
} rl_posvec;

/* Locks remembered per thread for ordering by lock history. */
#define RL_MAX_CREATION_HISTORY 4

/* A place a thread may be joined: the join, and the call of its function
 * in that function's caller (line 0 when none). */
typedef struct rl_join_site {
    rl_loc loc;
    rl_loc call_loc;
} rl_join_site;

/* A join that ends a thread only for what follows it on its own path:
 * one on the branch where starting the thread failed (its position in the
 * parent's frame, the function of each frame, the frame of the `if`
 * testing the start, and that `if`'s branch holding the join there), or
 * (frame and branch -1) any other join of the thread's own handle than
 * the one its interval ends at. */
typedef struct rl_path_join {
    rl_posvec pos;
    int *frame_fns;
    int frame;
    int32_t branch;
} rl_path_join;

/* A join a thread's parent makes after starting it, of a global handle
 * that is not the thread's own: a thread it starts in turn may be the
 * one joined (a grandchild joined by its grandparent). `at` is the
 * join's position in the parent's frame; `held` the locks the parent
 * holds without a break from the thread's spawn to that join, in the
 * same function (resolved; NULL for none). */
typedef struct rl_later_join {
    const char *handle;
    rl_join_site site;   /* where it is, for racelint threads */
    rl_posvec at;
    const rl_lockset *held;
} rl_later_join;

/* A join some thread makes, as discovery met it: the handle resolved in
 * that thread's context and the join's position in its frames. */
typedef struct rl_join_made {
    int thread;
    const char *handle;
    rl_posvec at;
    rl_join_site site;
} rl_join_made;

/* The parameter of a thread's entry that its start binds the thread's
 * argument to (pthread_create's, thrd_create's `arg`). */
#define RL_THREAD_ARG_PARAM 0

typedef struct rl_thread {
    int id;
    int parent;          /* -1 for roots */
    int entry_fn;        /* program function index */
    int runs_fn;         /* a trampoline entry's one body: the function the
                            entry calls through a pointer its argument
                            tells (yarn's ignition running compress_thread),
                            else -1 */
    int *spawn_frames;   /* the function of each frame of spawn_pos (the
                            parent's entry first, the spawning function last);
                            NULL for roots */
    const char *started_in_once; /* spawned inside a once-routine: its
                            control, resolved (ordering.c); else NULL */
    int32_t spawn_node;  /* the spawn, in function spawn_fn */
    int spawn_repeated;  /* its spawn is reached through several call paths
                            (discovery.h): spawn_pos is one of them */
    int spawn_fn;        /* the function whose node spawn_node is, -1 for roots */
    rl_loc spawn_loc;
    const char *arg;     /* resolved spawn argument value */
    int32_t arg_index;   /* the constant index of the array element arg is
                            the address of (`&seen[1]`: facts.h, a SPAWN's
                            aux), -1 when none: what the thread touches
                            through its argument is that element, not
                            another thread's `&seen[0]` */
    int arg_distinct;
    int arg_loaded;      /* spawned in a loop with a pointer loaded from memory
                            (an array's element): distinct if what it points
                            to is made anew in each iteration */
    const char *handle;  /* resolved handle place, "" if none */
    int multi;           /* several instances run (own_multi, or its parent's) */
    int own_multi;       /* its own spawn site runs several times */
    int first_child, nchildren; /* children are contiguous in rl_model.threads */
    int joined;          /* a join of its handle was found after the spawn */
    const rl_lockset *creation_locks; /* held by the spawner from spawn to join:
                         held by the whole child (resolved), or NULL */
    int creation_holder; /* the thread holding them for it, -1 for none */
    rl_loc join_loc;     /* that join, when joined */
    rl_loc spawn_call_loc; /* the call of the function that spawns it, in
                         that function's caller (line 0: spawned in the
                         parent's entry); likewise for the join */
    rl_loc join_call_loc;
    rl_join_site *join_sites; /* every join that may end it, join_loc first */
    int njoin_sites;
    /* Joins on the branch where starting it failed (`if (pthread_create(...))
     * { pool_free(ctx); ... }`, discovery.c): they end the instances
     * started before, but only for what follows them inside that branch;
     * and its handle's other joins (an early return's `pool_free`), for
     * what follows them on their path (rl_path_join, ordering.c). */
    struct rl_path_join *path_joins;
    int npath_joins;
    /* Joins its parent makes later of other global handles (rl_later_join),
     * and, when its own parent never joins it but its grandparent does,
     * that grandparent (joined_by, else -1) and the join's position in the
     * grandparent's frame: it ends there. */
    rl_later_join *later_joins;
    int nlater_joins;
    int joined_by;
    rl_posvec joined_by_at;
    rl_join_site joined_by_site;
    /* A thread other than its ancestors that joins it (a pipeline's
     * second stage joining the first, handed its handle), else -1, and
     * where in that thread's frame: everything this thread did comes
     * before what the joiner does after that point (ordering.c). */
    int joiner;
    rl_posvec joiner_at;
    rl_join_site joiner_site; /* that join, for racelint threads */
    rl_loc caller_spawn_loc; /* a root: a spawn it reaches whose entry is
                         what its unknown caller passes (a public
                         thread-creation function), line 0 if none */
    /* Locks its creator held when it started, with where the creator
     * lets each go (in the creator's frame; infinite: never). Whatever this
     * thread does after taking one of them itself happens after that
     * release (lock_history_orders, threads.c). */
    const char *created_under[RL_MAX_CREATION_HISTORY];
    rl_posvec released_at[RL_MAX_CREATION_HISTORY];
    int ncreated_under;
    /* What its parent took (or waited on, or ran once) before spawning it
     * on every path: the parent's history at the spawn, in every frame of
     * the spawn's position (callee frames: global names only); NULL for
     * none. All it does comes after. */
    const rl_lockset *spawn_history;
    int pos_depth;       /* frames its positions keep (tm_position_depth) */
    rl_posvec spawn_pos, start, dstart, end, dend; /* in the parent's frame; d* for
                         objects distinct per instance: from the spawn itself
                         to the join itself, even inside loops */
    rl_posvec *phase_bounds; /* its children's finite bounds, sorted; built with */
    int nphase_bounds, phase_ready; /* its first context key (exploration.c) */
    /* A hash of each prefix of every finite position of its frame that an
     * ordering question compares an access's position with: its
     * children's spawns and bounds, the releases of the locks it created
     * them under, their path and later joins, the joins it makes
     * (exploration.c, get_ctx). Built with the phase bounds. */
    rl_u64set order_prefixes;
    /* A library root: the library's finishers (rl_model.finishers, by
     * index) it runs after its entry, because they join its children. */
    int *finishers;
    int nfinishers;
} rl_thread;

/* How often a context's code runs (rl_ctx.in_once). Inside a
 * pthread_once / call_once routine its accesses are left out; past a
 * run-once guard (`if (G) return;`, program.h) they are made on the first
 * call only, so within a loop that spawns threads they run on its first
 * pass, not on every one (ordering.c, first_pass_only). */
enum { RL_RUN_EVERY_CALL = 0, RL_RUN_ONCE_ROUTINE = 1, RL_RUN_FIRST_PASS = 2 };

enum { RL_QUEUED_FULL = 1, RL_QUEUED_FOR_STORES = 2 };

typedef struct rl_ctx {
    int thread;
    int fn;
    const char **bind;   /* resolved value per parameter */
    int nbind;
    uint32_t distinct;   /* bit i: bind[i] is distinct per instance */
    uint32_t reached_distinct; /* bit i: bind[i] was reached through pointers
                            from a distinct object (frame_env) */
    rl_posvec pos;       /* where this context starts in the thread's frame */
    int frozen;          /* not in a spawning function: pos is the whole context's */
    int in_once;         /* RL_RUN_*: inside a pthread_once / call_once
                            routine, or past a run-once guard */
    const char *once_object; /* RL_RUN_ONCE_ROUTINE: the resolved once-control
                            of the call that entered the routine (the first
                            one), or NULL when unknown */
    const rl_lockset *entry; /* resolved locks held on entry (on every call path) */
    const rl_lockset *entry_may; /* resolved locks held on entry on some call path */
    const rl_lockset *entry_history; /* what every call path to it took or
                            waited on before the call (the callers' must
                            histories, met; resolved): its accesses come
                            after them as its callers' do (`wait(&cv);
                            report();`, `if (last) destroy(o)`) */
    const rl_lockset *entry_some; /* resolved locks some call holds on every
                            path to it (the callers' must-sets joined, not
                            met); NULL: none. For double-lock: a helper
                            that locks what one of its callers holds */
    uint32_t owned;      /* bit i: bind[i] is an object its callers own at
                            every call (ownership.h): its fields are not shared */
    uint8_t per_element; /* 1: every call runs once per iteration of a loop
                            (tm_call_in_loop) or from such a context, so
                            what it allocates is new each time; 2: some
                            call does not; 0: not reached by a call */
    const rl_lockset *owned_publish; /* the locks its callers publish those
                            objects under (resolved), NULL: none needed */
    int owned_publish_set; /* owned_publish was met by some call */
    uint32_t owned_taken; /* bit i: some call hands bind[i] owned because its
                            caller took it off a shared structure (its
                            accesses are kept, marked owned) */
    const struct rl_known_set *known; /* globals' values its callers tested
                            (known.h), in its key; NULL: none */
    const uint8_t *dead; /* per node: cannot run under `known` (known.h);
                            NULL: none */
    const struct rl_known_set *entry_conds; /* globals' values every call
                            path to it tested, its thread's spawn included
                            (known.h, modes; met over its calls, not in its
                            key); NULL: none */
    int parent_ctx;      /* the context that first called it, -1 at entries */
    int32_t call_node;   /* the call in parent_ctx */
    int shown_parent;    /* the caller a finding's chain shows: parent_ctx,
                            unless that call turned out dead (member_tests.c,
                            kill_unreached), then a live one */
    int32_t shown_call;  /* the call in shown_parent */
    int queued;          /* to be explored: RL_QUEUED_FULL, or
                            RL_QUEUED_FOR_STORES when only the points-to
                            sets grew since it was (its calls through them
                            may reach more; exploration.c, explore) */
    int stores_recorded; /* its stores are in rl_model.stored (exploration.c) */
    int callees_by_stores; /* a call of it reached what the points-to sets
                              held when explored (tm_stored_callees): it is
                              explored again when they grew */
    uint64_t stores_seen;  /* rl_model.stores_generation then */
    uint64_t callees_sig;  /* the callees the sets gave its calls, hashed */
    int callees_grew;      /* its last exploration found callees the one
                              before had not: the sets still grow for it */
} rl_ctx;

/* rl_access.distinct of an access to what is the instance's own as a
 * whole (its slot, its parameter's object). */
#define RL_OWN_WHOLE 1

typedef struct rl_access {
    /* Pointers first, then the 32-bit fields, then the bytes: a program
     * holds a million of these (memcached), 64 bytes each, not the 80 the
     * padding of mixed fields took. */
    const char *place;   /* resolved, program pool */
    const rl_lockset *held; /* resolved */
    const char *guard;   /* resolved lock it is declared GUARDED_BY, or NULL */
    const struct rl_known_set *conds; /* globals' values every path to it
                            tested (known.h, modes), or NULL */
    const rl_lockset *history; /* the locks its function took before it on
                            every path, callees included (resolved) */
    const rl_lockset *posted_since_wait; /* the objects its function posts
                            on before it with no wait between (resolved;
                            NULL: none): a waiter on one of them may run
                            while it does (ordering.c, publication_orders) */
    const rl_lockset *publish; /* an object its thread allocated and will
                            publish holding these locks (resolved): another
                            thread that took one of them first comes after
                            (ownership.h); NULL otherwise */
    int ctx;
    int32_t node;
    int thread;
    int distinct;        /* the instance's own: RL_OWN_WHOLE, or, for an
                            element owned by an index in the place's k-th
                            array dimension past the first, RL_OWN_WHOLE
                            + k (two instances' own elements are apart
                            only when owned in one dimension); 0: not */
    int32_t index;       /* constant index of the place's first [], or -1 */
    uint8_t flags;       /* RL_ACC_* */
    uint8_t owned;       /* made while its thread owns the object: one it
                            allocated or took off a shared structure and has
                            not handed on yet (ownership.h) */
    uint8_t rounds;      /* a post that publishes it lies in a loop holding
                            it too: its thread makes it again, round after
                            round (rl_flow_posted_after) */
    uint8_t via_global : 1; /* reaches its object through a pointer stored
                            in a global (lock_events.c): another instance may
                            have allocated it, though it is named per thread */
    uint8_t one_of_several : 1; /* its pointer may hold several objects (a
                            choice: the connection read from `conns[fd]`, or
                            a new one), and this is the access to one of
                            them: the object touched may be another
                            (rules/race.md, confidence) */
    uint8_t taken : 1;   /* owned because its thread took the object off a
                            shared structure (ownership.h): another instance
                            of its thread may have handed it over */
    uint8_t given_back : 1; /* not owned because its thread, which made or
                            took the object, handed it on or back before
                            (rl_ownership_given_back_at): its locks taken
                            before say nothing of the next owner's */
    uint8_t after_a_last : 1; /* its history holds the mark of a counter's
                            last reference (place.h, RL_LAST_MARK): the
                            pair test reads the history for marks only
                            then (most histories have none, and that read
                            was nearly half of zstd's rule phase) */
} rl_access;

/* A lock operation as some thread performs it. */
typedef struct rl_lock_event {
    int ctx;
    int32_t node;
    int thread;
    const char *lock;        /* resolved (and followed through stored pointers) */
    uint8_t kind;            /* RL_N_LOCK, RL_N_TRYLOCK or RL_N_UNLOCK */
    int shared;              /* taken in shared (read) mode */
    uint8_t via_global;      /* the lock reached through a global pointer
                                (rl_access.via_global) */
    const rl_lockset *held;  /* held on every path just before */
    const rl_lockset *may;   /* held on some path just before */
    const rl_lockset *held_some; /* held on every path of some call to the
                                context, just before (rl_ctx.entry_some) */
    int held_by_ctx;         /* the caller's context and call node of a
                                call into this context made holding the
                                lock, when the chain of first calls holds
                                none (held_some then has it); -1 when none */
    int32_t held_by_call;
} rl_lock_event;

/* All accesses to one resolved location, in discovery order. The items
 * of every group are one array (rl_model.group_items), group after group. */
typedef struct rl_access_group {
    const char *place;
    const size_t *items; /* indices into rl_model.accesses */
    size_t len;
} rl_access_group;

/* How often each bound of the model was hit (threads_internal.h and threads.c name the bounds).
 * Nothing is cut silently: the driver turns every non-zero count into a
 * notice the user sees. */
typedef struct rl_model_limits {
    size_t threads_dropped;   /* spawns not modelled past the thread limit */
    size_t contexts_dropped;  /* contexts not explored past the hard limit */
    size_t contexts_merged;   /* contexts that lost their bindings past the soft limit */
    size_t discovery_cut;     /* threads whose spawn-site search ran out of budget */
    size_t depth_cut;         /* calls not followed past the nesting limit */
    size_t candidates_cut;    /* indirect calls or spawns with more candidates than followed */
    size_t accesses_merged;   /* accesses folded into their kind past the group limit */
    size_t positions_cut;     /* spawn and join sites deeper than their thread's positions keep */
    size_t store_rounds_cut;  /* contexts whose calls the points-to sets decided, explored again no more
                                 though the sets grew (exploration.c, MAX_STORE_ROUNDS) */
    size_t max_threads, max_contexts, soft_contexts, discovery_budget, max_depth, max_candidates, max_group,
        min_pos_depth, max_store_rounds;
} rl_model_limits;

typedef struct rl_model {
    rl_program *program;
    rl_flow *flow;
    rl_thread *threads;
    size_t nthreads, cap_threads;
    rl_ctx *ctxs;
    size_t nctxs, cap_ctxs;
    rl_access *accesses;
    size_t naccesses, cap_accesses;
    rl_ptrmap ctx_by_key;
    size_t queue_lo;          /* no context below this index is queued */
    rl_ptrmap lock_display;   /* resolved lock -> how the code wrote it */
    rl_ptrmap stored;         /* resolved place -> the one pointer value stored there */
    rl_stored_sets stored_sets; /* resolved place -> every value stored there (stored_set.h) */
    rl_ptrmap barriers;   /* resolved objects some context waits at as a
                             barrier (pthread_barrier_wait) -> 1 */
    rl_ptrmap sem_waits;  /* resolved objects some context waits on with
                             a wait that takes no mutex (sem_wait: one
                             post lets one wait through) -> 1 */
    int stores_settled;  /* the worklist is done with the points-to sets'
                            growth: a dispatch of a loop with no events
                            reaches every registered function (ctx_calls.c) */
    uint64_t stores_generation; /* bumped at every change of stored or
                                   wrapper_inner (stores.c, resolve.c) */
    rl_ptrmap returns;        /* function USR -> what it returns (return_summary) */
    struct rl_ownership *own; /* fresh and unlinked objects (ownership.h) */
    struct rl_known_index *known; /* values tested by threads (known.h) */
    struct rl_scoped *scoped; /* callbacks installed for one call (scoped.h) */
    struct rl_field_values *field_values; /* what each pointer member holds in every object (field_values.h) */
    struct tm_resolve_memo *resolve_memo; /* names already resolved per frame (resolve_memo.h) */
    struct tm_follow_cache *follow_cache; /* places already followed, while
                                  the accesses are collected (stores.c) */
    rl_ptrmap instance_frames; /* frame qualifier -> whether it runs once per instance (resolve.c) */
    rl_ptrmap wrapper_inner;   /* allocator wrapper's object at a call site -> as the wrapper named it */
    uint64_t *index_params;    /* per function, once known (bit 32): bit k set when it indexes an
                                  element by its parameter k, bit 33 + k when a `for` counter runs
                                  from parameter k < 31 to k + 1 (ctx_calls.c, param_uses) */
    rl_ptrmap made_in_loop;    /* heap object -> whether its site is in a loop (tm_allocated_in_loop) */
    rl_ptrmap made_per_call;   /* heap object -> whether its function returns it (stores.c) */
    rl_ptrmap whole_arrays;    /* values `&X[]` some store gave as a whole array
                                  (RL_ACC_STORES_ARRAY), not one element */
    rl_ptrmap element_values;  /* values `&X[]` some store gave as one element */
    rl_u64set repeated_stores; /* tm_store_key of stores handing one object made
                                  in a loop to several containers (store_origins.c) */
    rl_u64set taken_stores;    /* tm_store_key of stores of what a pop took */
    rl_u64set linked_stores;   /* tm_store_key of stores linking an object its
                                  function made into what it was handed, one
                                  store per call (store_origins.c) */
    rl_u64set whole_array_stores; /* store_key of each (place, value) stored whole:
                                  which of a value's stores gave it whole, when
                                  others gave it as an element (stores.c) */
    int *pos_depth_of;         /* per function: the frames positions keep in a
                                  thread it is the entry of, 0 until asked
                                  (tm_position_depth) */
    rl_model_limits limits;   /* bounds hit while building */
    rl_access_group *groups;  /* accesses grouped by place (atomics left out) */
    size_t ngroups;
    size_t *group_items;      /* the items of every group (rl_access_group) */
    rl_ptrmap group_by_place; /* place -> index + 1 into groups */
    rl_lock_event *lock_events; /* every lock, trylock and unlock, in context order */
    size_t nlock_events, cap_lock_events;
    size_t *ctx_lock_events;  /* nctxs + 1 entries: context c's events are
                                 lock_events[ctx_lock_events[c] .. [c + 1]) */
    rl_ptrmap recursive;      /* resolved lock -> 1 when it may be recursive */
    rl_ptrmap counting;       /* resolved semaphore -> 1 when set up with a
                                 count that lets several waiters through */
    rl_ptrmap round_sems;     /* global semaphore -> its posts, waits and
                                 set-ups counted (round_handoffs.c) */
    uint8_t *fn_contexts;     /* per function, its contexts counted up to 2
                                 (round_handoffs.c) */
    rl_u64set once_spawns;    /* spawn sites inside once-routines already made threads */
    rl_join_made *joins_made; /* every join discovery met, for
                                 tm_match_joiners */
    size_t njoins_made, cap_joins_made;
    int any_creation_locks;   /* some thread has creation locks (rl_model_lock_holder) */
    /* A library's finishers: its functions that nothing in it calls, that
     * join threads and start none (uv_library_shutdown, a destructor).
     * The application calls them once it is done with the library, so a
     * root whose children they join runs them after its entry. */
    int *finishers;           /* program function indices */
    size_t nfinishers;
    int *scc_of;              /* per function: its component of the call
                                 graph; a call within one is recursive
                                 (recursion.h) */
    struct tm_call_edge *call_edges; /* every call that entered a context
                                 (member_tests.h) */
    size_t ncall_edges, cap_call_edges;
    uint8_t **decided_dead;   /* dead maps member_tests.c made, owned here */
    size_t ndecided_dead, cap_decided_dead;
} rl_model;

/* Whether a context was reached through a call through a function pointer
 * that only its type resolved (nothing was seen flowing into the pointer:
 * weaker evidence than a direct call chain, callgraph.h). */
int rl_model_ctx_via_indirect(const rl_model *m, int ctx);

/* Whether the lock was initialised with attributes that may make it
 * recursive (a second acquisition by the holder is then fine). */
int rl_model_lock_is_recursive(const rl_model *m, const char *lock);
/* Whether a resolved lock names one object (rl_place_is_single_object),
 * and not a heap object allocated in a loop, whose name is that of every
 * object the loop made (two accounts of one `calloc` in `for`): what a
 * self-deadlock or a release of a lock not held needs (discovery.c). */
int rl_model_lock_is_one_object(const rl_model *m, const char *lock);

/* Whether a node of a context runs while no other thread can run: in a
 * root thread (main) before its first spawn or after its joins. */
int rl_model_runs_alone(const rl_model *m, int ctx, int32_t node);

/* The group of a place, or NULL when nothing accesses it non-atomically. */
const rl_access_group *rl_model_group(const rl_model *m, const char *place);

/* Builds threads, contexts and resolved accesses. Borrows p and flow. */
rl_model *rl_model_build(rl_program *p, rl_flow *flow);
void rl_model_free(rl_model *m);

/* The thread that holds `lock` for thread t's accesses: the creator that
 * holds it from t's spawn to its join (a creation lock), else t itself. A
 * lock held by the same thread on both sides, one of them for a thread it
 * created, does not order them: that thread runs while its creator, and
 * its siblings created under the same lock, hold it. */
int rl_model_lock_holder(const rl_model *m, int t, const char *lock);
/* Whether some thread holds lock as a creation lock. */
int rl_model_lock_is_creation(const rl_model *m, const char *lock);

/* Whether an ordering of single accesses may apply to the pair (an owned
 * object published under a lock, two accesses each made while its thread
 * owned the object, one thread joining the other: rl_thread.joiner,
 * both after the last reference of a counter: rl_access.after_a_last, or
 * one touching an object it took off a shared structure):
 * then a rule must ask rl_model_may_run_together even when the threads
 * always overlap. */
int rl_model_pair_may_be_ordered(const rl_model *m, const rl_access *a, const rl_access *b);

/* Whether two instances of `thread` may touch one object at `place`
 * (neither reaching it through a global pointer): not when the place is
 * the own of a thread at or above it (its locals, its heap objects; place.h,
 * rl_place_thread) and no thread between them runs several instances per
 * instance of the owner. A rule may skip such pairs wholesale. */
int rl_model_instances_share(const rl_model *m, int thread, const char *place);

/* Whether two accesses can happen at the same time in different threads
 * (or two instances of one thread). */
int rl_model_may_run_together(const rl_model *m, const rl_access *a, const rl_access *b);
/* The part of that answer the two threads alone decide: 0 when no access
 * of ta can run with one of tb, 1 when any can, -1 when it depends on the
 * accesses (two instances of one thread; an ancestor and a descendant).
 * Lets a rule decide for many pairs of accesses at once. */
int rl_model_threads_may_overlap(const rl_model *m, int ta, int tb);

/* Position of an access in its thread's frame. */
rl_posvec rl_model_access_pos(const rl_model *m, const rl_access *a);

/* The function and node of an access (for messages). */
const rl_function *rl_model_ctx_function(const rl_model *m, int ctx);

/* The calls that entered context ctx (a context stands for every call of
 * its function with its bindings: `lock_acct(from); lock_acct(to);` with
 * both arguments elements of one array enter one): the first `max` as
 * (caller context, call node) pairs in parents[] and nodes[], in the
 * order the calls were met. Returns how many there are. */
size_t rl_model_ctx_calls(const rl_model *m, int ctx, int *parents, int32_t *nodes, size_t max);

/* A thread's name for messages: its entry function, or for a trampoline
 * "BODY (via ENTRY)". Interned in the program's pool. */
const char *rl_model_thread_name(const rl_model *m, int t);

/* How the user wrote a resolved lock (falls back to a pretty place). */
void rl_model_lock_display(const rl_model *m, const char *lock, struct rl_strbuf *out);

#endif
