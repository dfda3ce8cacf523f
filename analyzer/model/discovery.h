/* Internal to thread discovery (threads_internal.h): what discovery.c,
 * which finds spawn and join sites, intervals.c, which turns each spawn
 * site into a child's interval, and loop_objects.c, which tells what a
 * loop's rounds make anew, share. Not for anything else.
 *
 * Invariants:
 *  1. A site's pos owns its vector and frame_fns has one function per
 *     frame of pos; both are released by discovery.c.
 *  2. Shared functions are prefixed tm_, as in threads_internal.h. */
#ifndef RL_DISCOVERY_H
#define RL_DISCOVERY_H
#include "threads_internal.h"

typedef struct spawn_site {
    rl_posvec pos;
    int *frame_fns;      /* function of each frame of pos */
    int32_t node;
    const char *arg;
    int arg_distinct;
    int arg_loaded;      /* in a loop, the argument is a pointer loaded from
                            memory (tm_arg_fresh_per_iteration decides) */
    const char *handle;
    const char *handle_field; /* the struct field the handle is kept in
                                 (handle_field), or NULL */
    const char *kept;    /* where the spawning function's caller keeps the
                            handle it returns (kept_handle), or NULL */
    int cut;             /* its position lost frames past the thread's pos_depth */
    int entry_fn;        /* direct entry, or -1 */
    int *entries;        /* entries this context decides (by_context), owned */
    size_t nentries;
    int by_context;
    int from_caller;     /* the entry is what the root's unknown caller passes */
    const rl_node *node_ref; /* the SPAWN node, for indirect entries */
    rl_loc call_loc;     /* the call of its function in the caller's frame */
    rl_loc loc;
    int repeated;        /* reached through several call paths */
    int in_once;         /* found inside a once-routine */
    const char *once_object; /* that routine's control, resolved, or NULL */
    uint64_t fn_hash;    /* tm_fn_bindings_hash of its frame */
    const rl_lockset *held_own; /* locks held at the spawn, in its function's terms */
    const char **held_res;      /* the same locks resolved, entry by entry */
} spawn_site;

typedef struct join_site {
    rl_posvec pos;
    int *frame_fns;
    const char *handle;
    rl_loc loc;
    rl_loc call_loc;     /* the call of its function in the caller's frame */
} join_site;

/* The spawn sites found under one walked call (discover_call). */
typedef struct walked_call {
    size_t first_spawn, end_spawn; /* d->spawns[first_spawn .. end_spawn) */
    int depth;           /* the call depth it was walked at */
} walked_call;

typedef struct discovery {
    size_t budget;       /* calls left to follow */
    int cut;             /* a call was not followed for want of budget */
    spawn_site *spawns;
    size_t nspawns, cap_spawns;
    join_site *joins;
    size_t njoins, cap_joins;
    rl_ptrmap walked;    /* (callee, top-level statement) key -> index + 1 into calls */
    int once_depth;      /* once-routines the walk is inside */
    const char *once_object; /* the control of the outermost one, resolved */
    walked_call *calls;
    size_t ncalls, cap_calls;
    /* The frame that called the one being walked: its function (-1 in
     * the entry) and the call, uncut by the thread's pos_depth. */
    int caller_fn;
    int32_t caller_node;
    const frame_env *caller_env;
    int joins_only;      /* calls left in a walk for joins only (rejoin) */
    int pos_cut;         /* frames walked past the thread's pos_depth, not in positions */
} discovery;

/* ---- loops ---------------------------------------------------------------- */

/* A loop that repeats: not `do { } while (0)`, the macro idiom. */
static inline int tm_repeats(const rl_node *n)
{
    return rl_node_is_repeating_loop(n);
}

static inline int32_t tm_outermost_loop(const rl_function *fn, int32_t node)
{
    int32_t found = -1;
    for (int32_t p = fn->nodes[node].parent; p >= 0; p = fn->nodes[p].parent)
        if (tm_repeats(&fn->nodes[p])) found = p;
    return found;
}

static inline int32_t tm_innermost_loop(const rl_function *fn, int32_t node)
{
    for (int32_t p = fn->nodes[node].parent; p >= 0; p = fn->nodes[p].parent)
        if (tm_repeats(&fn->nodes[p])) return p;
    return -1;
}

static inline int tm_in_subtree(const rl_function *fn, int32_t root, int32_t node)
{
    return node >= root && node <= fn->nodes[root].end;
}

/* The field a handle is kept in (`.threads*` in `t0:pool_create:H40_15.threads*`),
 * or NULL (discovery.c). */
const char *tm_handle_field(const char *handle);
/* The function of every frame of a position, for a new site at depth n
 * (allocated; discovery.c). */
int *tm_frames_with(const int *frame_fns, int n, int last_fn);
/* Fills a child's multi flag, interval, creation locks and joins from its
 * spawn site and the parent's joins; returns the join that ends it, or
 * NULL (intervals.c). */
const join_site *tm_child_interval(rl_model *m, rl_thread *child, const rl_thread *parent, const spawn_site *s,
                                   const discovery *d);

#endif
