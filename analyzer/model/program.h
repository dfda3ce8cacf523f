/* The whole program: every unit's facts merged, with the indexes the
 * analysis needs (functions by USR, address-taken functions by type, which
 * functions can spawn or join threads, which code only leads to the end of
 * the process).
 *
 * Exit paths. A call that ends the process (exit, abort, a function
 * declared noreturn whose body is not seen, or one whose every path ends
 * the process) makes the code that can only lead to it "doomed": it runs
 * while the program dies, and nothing after it runs. A join reached only
 * through doomed code orders nothing that matters and is ignored, so a
 * crash handler that joins every thread (redis's killThreads) cannot turn
 * every function that may assert into a thread-joining one. A callee that
 * starts threads is still followed from a doomed call
 * (`serve_forever_then_exit()`, a forked child's worker), with the joins
 * in it; spawn and join nodes that are themselves doomed are not. Strings that the model compares are
 * re-interned into the program's pool, so pointer equality holds across
 * units.
 *
 * The program borrows the unit facts; they must outlive it. */
#ifndef RL_PROGRAM_H
#define RL_PROGRAM_H
#include "../facts/facts.h"
#include "../util/ptrmap.h"
#include "../util/strpool.h"

/* How many calls away from a spawning thread's code its joins are looked
 * for: joins through wrappers (join_all() -> pool_free() -> pthread_join)
 * are found; a join deeper than that is not, and its thread counts as
 * running to the end (more findings, never fewer). */
#define RL_MAX_JOIN_WRAPPER_DEPTH 4

typedef struct rl_fn_info {
    const rl_function *fn;
    const char *usr;        /* interned in the program pool */
    const char *name;
    const char *type;
    int address_taken;
    int spawns;             /* thread discovery walks it: it starts threads, or
                               joins them within RL_MAX_JOIN_WRAPPER_DEPTH calls */
    int starts;             /* it or a callee, doomed calls included, spawns */
    int may_root;           /* a library may have it as a root (link.h) */
    int join_depth;         /* calls to the nearest live join (0: has one);
                               past RL_MAX_JOIN_WRAPPER_DEPTH: none near */
    int exits;              /* every path through its body ends the process */
    int32_t once_guard;     /* the IF of a run-once guard (`if (G) return;`
                               first, G set after: the rest runs on the
                               first call only), or -1 */
    int jumps_back;         /* some goto jumps to a label before it */
    const char **callees;   /* per node: callee USR interned in program pool */
    char *doomed;           /* per node: nonzero when it runs only on a path
                               that ends the process: RL_DOOMED_BRANCH in a
                               branch (a crash report before abort()),
                               RL_DOOMED_END on the function's own path,
                               inside no branch (a loop forever calling a
                               function that ends in exit(0)) */
    char *at_once;          /* per node: a thread start joined at once and
                               its join (at_once.h), or 0 */
    int32_t *position_of;   /* per node: the node whose position it takes,
                               a goto before the cleanup code it jumps to
                               (goto_reach.h); NULL: each its own */
} rl_fn_info;

/* Values of rl_fn_info.doomed. RL_DOOMED_END code is how the function
 * ends when no branch encloses it: in a thread's entry function that is
 * how the thread ends, not an error path, and thread exploration walks
 * its calls for accesses (exploration.c); everything else treats both
 * alike. */
enum { RL_DOOMED_BRANCH = 1, RL_DOOMED_END = 2 };

typedef struct rl_program {
    rl_strpool *pool;
    rl_fn_info *fns;
    size_t nfns, cap_fns;
    rl_ptrmap by_usr;       /* usr -> (index + 1) */
    rl_ptrmap by_type;      /* type -> rl_fn_list* of address-taken functions */
    rl_ptrmap addr_taken;   /* usr -> 1 for functions used as values */
    rl_ptrmap alloc_slots;  /* slot -> 1 for slots some unit stores an
                               allocator in (rl_unit_facts.alloc_slots) */
    int main_fn;            /* index of main, -1 if none */
    const rl_unit_facts **units; /* borrowed, in the order added */
    size_t nunits, cap_units;
    struct rl_callgraph *calls;  /* calls through pointers (callgraph.h) */
    struct rl_budget *budget;    /* borrowed: time and memory of the whole-program
                                    phase (util/budget.h); NULL: none */
    const char *const *entry_points; /* borrowed: globs of functions application
                                        threads call (threads.h roots) */
    size_t nentry_points;
    const struct rl_apimodel *api; /* borrowed: the API models, for library
                                      functions without a body; NULL: none */
    rl_ptrmap same_field;   /* slot -> rl_fn_list* (owned): rl_program_indirect's
                               candidates narrowed by field name */
    rl_ptrmap handed_in;    /* slot -> HANDED_IN or NOT_HANDED_IN: whether only
                               code racelint does not see fills it (program.c) */
    uint8_t *has_caller;    /* per function: called, run once or started by the
                               program; NULL until handed_in first needs it */
} rl_program;

typedef struct rl_fn_list {
    int *items;
    size_t len, cap;
} rl_fn_list;

rl_program *rl_program_new(void);
/* Adds a unit's functions; a function defined in several units (a static
 * inline in a header) is kept once. */
void rl_program_add_unit(rl_program *p, const rl_unit_facts *facts);
/* The same, saying whether the unit's functions may be roots of a library
 * (rl_fn_info.may_root; rl_program_add_unit: yes). */
void rl_program_add_unit_roots(rl_program *p, const rl_unit_facts *facts, int may_root);
/* Builds the indexes; call once after the last unit. */
void rl_program_finish(rl_program *p);
void rl_program_free(rl_program *p);

/* Index of the function with that (program-interned) USR, or -1. */
int rl_program_find(const rl_program *p, const char *usr);

/* Whether SPAWN node n starts a thread in this program: every spawn call
 * does; a callback handed to unseen code (RL_SPAWN_CALLBACK, facts.h) only
 * when the program defines no body for the function it was handed to. */
int rl_program_spawn_live(const rl_program *p, const rl_node *n);
/* Whether node `node` runs a function within the thread that reaches it:
 * a CALL, a ONCE, or a SPAWN joined at once (at_once.h), which runs as a
 * call of the thread's entry with its argument. */
static inline int rl_program_call_like(const rl_fn_info *info, int32_t node)
{
    uint8_t kind = info->fn->nodes[node].kind;
    return kind == RL_N_CALL || kind == RL_N_ONCE || (kind == RL_N_SPAWN && info->at_once[node]);
}
/* Whether a CALL node never returns: declared noreturn, modelled as exit,
 * thread_exit or jump, or calling a function that always ends the process. */
int rl_program_call_noreturn(const rl_program *p, const rl_fn_info *info, int32_t node);
/* Whether node `node` of a function runs on its first call only: it
 * comes after the function's run-once guard (rl_fn_info.once_guard). */
int rl_program_first_call_only(const rl_fn_info *info, int32_t node);
/* Whether node `child` runs whenever its parent node `parent` does: the
 * parent is a sequence, child is the condition of an `if`, a `switch` or
 * a loop, or the body of a loop whose body runs first (`do { } while`,
 * a macro's `do { } while (0)`). */
int rl_program_runs_with_parent(const rl_function *f, int32_t child, int32_t parent);
/* Whether node `first` of a function runs whenever the block holding both
 * it and node `then` reaches `then`: between `first` and that block only
 * nodes it runs with (rl_program_runs_with_parent: no branch of its own,
 * no loop that may not run). */
int rl_program_runs_before(const rl_function *f, int32_t first, int32_t then);
/* Whether node `to` of a function may run after node `from` in one call
 * of it: `to` lies after `from` and is not skipped on every path from
 * it (the other branch of an `if`, or code past a `return`, a call that
 * never returns, or a `goto` beyond it, the jumps being statements of
 * the blocks `from` lies in), or a loop holds both. Cautious: yes when
 * the function jumps backwards or the shape is not one of those. */
int rl_program_may_follow(const rl_program *p, const rl_fn_info *info, int32_t from, int32_t to);
/* Whether thread discovery follows the call at `node` into `callee`: the
 * callee spawns, or, from doomed code, starts threads. */
int rl_program_walks_into(const rl_program *p, const rl_fn_info *info, int32_t node, int callee);
/* How many call paths of at most d calls from function `entry` go
 * through functions thread discovery walks (rl_fn_info.spawns), for each
 * d from 0 to depth: totals[d] (depth + 1 entries). The thread model keys
 * a context per such path while its positions keep the frames; counted
 * up to cap (then cap). Doomed calls are left out. *deepest_site: the
 * most calls on such a path that repeats no function to a function that
 * itself spawns or joins a thread (0: the entry, or none within depth;
 * depth when the paths are more than cap). */
void rl_program_spawning_paths(rl_program *p, int entry, int depth, size_t cap, size_t *totals, int *deepest_site);
/* The functions a CALL, SPAWN or ONCE node through a pointer may reach:
 * those that flow into the slot it reads (callgraph.h); when only
 * functions without a body flow there (a hook holding free), none; when
 * nothing does, the address-taken functions of its type, and *weak is
 * set: for a field, those held by same-named fields of other structs when
 * there are any (rl_callgraph_same_name_targets), else all of them. NULL
 * and *count = 0 when there is none. */
const int *rl_program_indirect(rl_program *p, const rl_node *n, size_t *count, int *weak);
/* The functions a CALL, ONCE or SPAWN node runs: its direct callee (held
 * in *one, which the result then points at), or those its pointer reaches
 * (rl_program_indirect, which sets *weak). NULL with *count = 0 for none. */
const int *rl_program_callees(rl_program *p, const rl_fn_info *info, int32_t node, int *one, size_t *count, int *weak);
/* Whether the function USR (program-interned), which has no body in the
 * program, is modelled as `kind` (an rl_api_kind) in the API models: a
 * library allocator or free stored in a hook. */
int rl_program_library_is(const rl_program *p, const char *usr, int kind);
/* For a CALL node to a function modelled `kind` (RL_API_POST,
 * RL_API_WAIT or RL_API_BARRIER), the object it posts or waits on (a
 * condition variable, a semaphore, a barrier) as a place in the function's
 * terms, interned; else NULL. A barrier wait is both a post and a wait, so
 * it answers for all three kinds. Doomed calls count for nothing. */
const char *rl_program_sync_object(const rl_program *p, const rl_fn_info *info, int32_t node, int kind);
/* Whether CALL node `node` is a post that orders only through a mutex
 * (apimodel.h, through_lock: a condition variable's signal). */
int rl_program_post_through_lock(const rl_program *p, const rl_fn_info *info, int32_t node);
/* Whether the call at node is a wait that may return without a post: a
 * condition variable's, which lets go of a mutex (its model's `lock`),
 * may wake spuriously or miss a post made before it waited. */
int rl_program_wait_may_return_alone(const rl_program *p, const rl_fn_info *info, int32_t node);
/* Whether the call at node is a wait that may not wait at all and says so
 * in its result (sem_trywait, sem_timedwait: its model's `success`). */
int rl_program_wait_can_fail(const rl_program *p, const rl_fn_info *info, int32_t node);
/* Candidates for an indirect call or spawn through a pointer of `type`. */
const rl_fn_list *rl_program_candidates(const rl_program *p, const char *type);

#endif
