/* API models: which functions create and join threads, take and release
 * locks, run code once, allocate, or access memory through their pointer
 * arguments. This is data, not code: it is read at run time from the YAML
 * files in models/ and from the project's config file, so users can describe
 * their own wrappers (a thread pool's submit, a spin_acquire) without
 * touching the analyzer. The frontend asks this module about every call.
 *
 * Later definitions of a name replace earlier ones, so a project's config
 * loaded after models/ can override a built-in model. */
#ifndef RL_APIMODEL_H
#define RL_APIMODEL_H
#include "../util/error.h"
#include <stddef.h>
#include <stdint.h>

typedef enum rl_api_kind {
    RL_API_LOCK,     /* takes the lock at arg `lock` */
    RL_API_TRYLOCK,  /* takes it only when the call succeeds */
    RL_API_UNLOCK,   /* releases the lock at arg `lock` */
    RL_API_SPAWN,    /* runs function arg `entry` with arg `arg` on a new thread;
                        writes the thread handle through arg `handle` (-1: none) */
    RL_API_JOIN,     /* waits for the thread whose handle is arg `handle` */
    RL_API_ONCE,     /* runs function arg `entry` once per control arg `handle` */
    RL_API_ATOMIC,   /* every pointer argument is accessed atomically */
    RL_API_ALLOC,    /* returns a fresh heap object (and may read or write,
                        `reads`/`writes`, what an argument points to:
                        realloc copies and releases the old object) */
    RL_API_ACCESS,   /* reads/writes memory through pointer args (memcpy...) */
    RL_API_LOCKINIT, /* initialises the lock at arg `lock` with attributes at arg
                        `attr` (a non-NULL attr may make it recursive) */
    RL_API_EXIT,     /* never returns: ends the process (exit, abort) */
    RL_API_THREAD_EXIT, /* never returns: ends the calling thread (pthread_exit) */
    RL_API_JUMP,     /* never returns: jumps elsewhere in the thread (longjmp) */
    RL_API_FREE,     /* releases the object its argument 0 points to: does not
                        keep it (free, reached directly or through a hook);
                        `writes` makes the release an access of the object */
    RL_API_POST,     /* wakes a waiter on the object at arg `handle` (sem_post,
                        pthread_cond_signal): what came before it is ordered
                        before what the waiter does after its wait */
    RL_API_WAIT,     /* waits for a post on the object at arg `handle`
                        (sem_wait, pthread_cond_wait) */
    RL_API_BARRIER,  /* waits at the barrier at arg `handle` until its count
                        of threads arrived (pthread_barrier_wait): a post and
                        a wait on it at once */
    RL_API_ATOMIC_BEGIN, /* enters the process-wide atomic section: no other
                            thread's atomic section runs until ATOMIC_END
                            (SV-COMP's __VERIFIER_atomic_begin) */
    RL_API_ATOMIC_END,   /* leaves it */
    RL_API_ATOMIC_FUNCTION, /* a function with a body whose every call runs as
                               one atomic section (__VERIFIER_atomic_*) */
    RL_API_SETJMP,   /* returns 0, then again nonzero from a jump (longjmp)
                        to the buffer at arg `handle`: the locks held then
                        are those held at the jump */
    RL_API_LOCKDESTROY, /* ends the lock at arg `lock` (pthread_mutex_destroy):
                           nobody holds it after, a caller included */
    RL_API_SEMINIT,  /* sets up the semaphore at arg `handle` with the count
                        at arg `value` (sem_init): a count that is no
                        constant 0 or 1 lets several waiters through at once */
    RL_API_REGISTER, /* registers function arg `entry` to be called later, with
                        arg `arg`, by whatever thread dispatches the event
                        loop at arg `loop` (the default loop without it), as
                        the event at arg `handle` (the returned object
                        without it): event_set, event_assign, event_new */
    RL_API_ATTACH,   /* attaches the event at arg `handle`, with what it was
                        registered with, to the loop at arg `loop`
                        (event_base_set) */
    RL_API_DISPATCH, /* runs the loop at arg `loop` (the default loop without
                        it) in the calling thread: calls the functions
                        registered with its events, each registered
                        argument going to parameter `param`
                        (event_base_loop, event_dispatch) */
    RL_API_KIND_COUNT
} rl_api_kind;

/* The lock every atomic section holds (kinds atomic_begin, atomic_end,
 * atomic_function), as a global place. Names starting with two
 * underscores are reserved to the implementation in C, so no program's
 * global can take it. */
#define RL_ATOMIC_SECTION_LOCK "G:__atomic_section"

/* The global place of a library's hidden static object named `state` in a
 * model (RL_HIDDEN_STATE_PREFIX followed by the name), reserved the same
 * way: the calls sharing it race as accesses to one global would. */
#define RL_HIDDEN_STATE_PREFIX "G:__hidden_state_"

typedef struct rl_api_fn {
    char *name;           /* function name, or a prefix when is_prefix */
    int is_prefix;        /* matches every name starting with `name` */
    rl_api_kind kind;
    int lock;             /* LOCK/TRYLOCK/UNLOCK: index of the lock pointer;
                             WAIT: of the mutex a condition variable's wait
                             lets go of and takes back (-1 for a semaphore):
                             such a wait may return without a post */
    int shared;           /* LOCK/TRYLOCK: acquires in shared (read) mode */
    int success_nonzero;  /* TRYLOCK, and WAIT with can_fail: success is a
                             nonzero return (else zero) */
    int through_lock;     /* POST (`orders: through_lock`): a condition
                             variable's signal, which orders what came
                             before it only through the mutex its waiter
                             takes back: made holding a lock, or after
                             releasing one (model/flow.c) */
    int can_fail;         /* WAIT: may return without waiting (`success`
                             given: sem_trywait, sem_timedwait); it orders
                             only where its result says it waited */
    int entry, arg, handle; /* SPAWN/JOIN/ONCE argument indices, -1 if none */
    int attr;             /* LOCKINIT: index of the attributes argument, -1 if none */
    int value;            /* TRYLOCK/UNLOCK: the call is one only when this
                             argument is an integer constant, nonzero for a
                             TRYLOCK, 0 for an UNLOCK (a spinlock built from
                             a compare-and-swap or an exchange, released by a
                             store of 0); else a plain atomic. -1: always */
    int expected;         /* TRYLOCK: the expected-value argument, which must
                             be 0 or point to a local only ever set to 0; -1
                             if none */
    int loop;             /* REGISTER/ATTACH/DISPATCH: the event loop argument,
                             -1: the process's default loop */
    int param;            /* DISPATCH: the callback parameter receiving the
                             argument registered with it */
    int elements, size;   /* ALLOC: the arguments giving the number of
                             elements (calloc's first) and the size in bytes
                             (malloc's), -1 if none: they tell an array from
                             one object */
    int zeroed;           /* ALLOC: the memory comes back zeroed (calloc;
                             key `memory: zeroed`) */
    uint32_t reads, writes; /* ACCESS, ALLOC, FREE: bit i set = arg i read /
                               written through */
    int strings_from;     /* ACCESS: every argument from this index on that
                             is a string (a char pointer: what printf's %s
                             reads) is read through; -1: none */
    int calls;            /* ACCESS: the argument holding a function the call
                             runs, in the caller's thread, before it
                             returns (qsort's comparator); -1 if none */
    uint32_t passes;      /* ACCESS with calls: bit i set = that function is
                             handed pointers into arg i, the lowest to its
                             first parameter; the last one listed goes to
                             every parameter after (qsort: both elements) */
    char *state;          /* ACCESS: the hidden static object the call uses
                             (rand's seed, strtok's position), or NULL */
    int state_read_only;  /* ACCESS: the call only reads `state` (getenv) */
    char *origin;         /* "file:line" the definition came from */
} rl_api_fn;

typedef struct rl_apimodel rl_apimodel;

/* Input bounds: a model file is a hand-written list, so anything bigger is a
 * mistake (or hostile) and is refused with a message rather than parsed. */
#define RL_APIMODEL_MAX_BYTES (1u << 20)  /* 1 MiB per file or buffer */
#define RL_APIMODEL_MAX_ENTRIES 10000     /* entries in one `functions:` list */
#define RL_APIMODEL_MAX_DEPTH 64          /* lists and mappings inside each other */
#define RL_APIMODEL_MAX_ANCHORS 256       /* anchors (&name) in one file or buffer */

rl_apimodel *rl_apimodel_new(void);
void rl_apimodel_free(rl_apimodel *model);

/* Loads one YAML model file (see models/README.md for the format). On error
 * the message names the file, line and problem, and the model is unchanged. */
int rl_apimodel_load_file(rl_apimodel *model, const char *path, rl_error *err);
/* Loads every *.yaml file of a folder in name order. */
int rl_apimodel_load_dir(rl_apimodel *model, const char *dir, rl_error *err);
/* Loads the `functions:` list of an in-memory YAML document (used by the
 * config file loader and by fuzzers); `origin` names it in messages. */
int rl_apimodel_load_buffer(rl_apimodel *model, const char *origin, const char *text, size_t len, rl_error *err);
/* Like rl_apimodel_load_buffer, but for a document that holds more than
 * models (the project config): only its `functions:` key is read and other
 * top-level keys, `version` included, are left to the caller. A document
 * without `functions:` loads nothing. load_buffer itself is strict: it wants
 * `version: 1` and refuses unknown top-level keys, as rules files do. */
int rl_apimodel_load_config(rl_apimodel *model, const char *origin, const char *text, size_t len, rl_error *err);

/* The model for a called function's name, or NULL. Exact names win over
 * prefixes; among prefixes the longest wins. */
const rl_api_fn *rl_apimodel_find(const rl_apimodel *model, const char *name);

/* The project config's `entry_points:` (names or fnmatch globs of
 * functions that application threads call, any number of them at once),
 * in the order given; *n = 0 for none. Borrowed from the model. */
const char *const *rl_apimodel_entry_points(const rl_apimodel *model, size_t *n);

size_t rl_apimodel_count(const rl_apimodel *model);
const char *rl_api_kind_name(rl_api_kind kind);

#endif
