/* Clang's thread-safety attributes on a function declaration
 * (acquire_capability, release_capability, try_acquire_capability,
 * requires_capability and their older spellings) and on variables and
 * fields (guarded_by), so that a lock API
 * annotated in its header is modelled like one described in models/, and a
 * function that needs a lock held is analysed holding it; and GNU's
 * cleanup attribute on locals (a lock guard's release, walk_cleanup.c).
 * libclang has no API for these
 * attributes: they are read from its unexposed attribute cursors and the
 * tokens where the attribute (or the macro that wraps it) is written.
 * Internal to the frontend. */
#ifndef RL_ANNOTATIONS_H
#define RL_ANNOTATIONS_H
#include "../apimodel/apimodel.h"
#include "libclang.h"

#define RL_ANNOTATION_MAX_CAPS 4
#define RL_ANNOTATION_MAX_TEXT 128

/* One capability the function takes or releases: a parameter (the object
 * it points to, then `path`, e.g. "q->lock" is param 0 and ".lock"), or a
 * global variable (`global`, then `path`). */
typedef struct rl_capability_ref {
    int param;                             /* -1: a global */
    char global[RL_ANNOTATION_MAX_TEXT];   /* its name, when param is -1 */
    char path[RL_ANNOTATION_MAX_TEXT];     /* place syntax: ".f", ".f*.g" */
    char text[RL_ANNOTATION_MAX_TEXT];     /* as written: "q->lock" */
} rl_capability_ref;

typedef struct rl_lock_annotation {
    rl_api_fn api;   /* kind RL_API_LOCK, UNLOCK or TRYLOCK; shared; success_nonzero */
    rl_capability_ref caps[RL_ANNOTATION_MAX_CAPS];
    int ncaps;
} rl_lock_annotation;

/* Reads the lock attributes of function declaration fn. Returns 1 and
 * fills out when it takes, tries or releases capabilities racelint can
 * name, 0 otherwise. */
int rl_annotation_of_function(CXTranslationUnit tu, CXCursor fn, rl_lock_annotation *out);

/* The capabilities fn's body may assume held on entry: those of its
 * requires_capability attributes (and older spellings), and those it
 * releases. Fills caps and shared (1: held for reading), returns how many. */
int rl_annotation_requires(CXTranslationUnit tu, CXCursor fn, rl_capability_ref *caps, int *shared, int max);

/* Whether the function is declared never to return: _Noreturn,
 * [[noreturn]] or __attribute__((noreturn)). */
int rl_annotation_noreturn(CXTranslationUnit tu, CXCursor fn);
/* The capability a variable or field is declared guarded_by, as written
 * ("lock", "stats_mu", "mu.m"): 0 and text filled, or -1 when none. */
int rl_annotation_guarded_by(CXTranslationUnit tu, CXCursor decl, char *text, size_t size);

/* The function a local's cleanup attribute names
 * (`__attribute__((cleanup(unlock_ptr)))`): 0 and fn filled, or -1. */
int rl_annotation_cleanup(CXTranslationUnit tu, CXCursor decl, char *fn, size_t size);

/* A capability expression as written ("&q->lock", "mu.m", "lock"): its
 * root name (into root) and what follows it, or NULL when it has none. */
const char *rl_capability_root(const char *text, char *root, size_t size);
/* What follows the root (rl_capability_root) as a place-syntax path:
 * ".a.b", ".a*.b". pointee_root: the root is a pointer whose first "->"
 * names the object it points to (a parameter). 0, or -1 for anything
 * else (a subscript, a call). */
int rl_capability_path(const char *rest, int pointee_root, char *path, size_t size);

#endif
