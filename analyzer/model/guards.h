/* Guard inference: which lock the code means to protect each shared
 * location with, judged by how many of the places that access it hold
 * that lock (the "belief" that stats.hits is guarded by stats_lock because
 * 12 of its 14 access sites hold it). Rules use it for fix hints; the
 * `guards` command prints the whole map. */
#ifndef RL_GUARDS_H
#define RL_GUARDS_H
#include "threads.h"

typedef struct rl_guard {
    const char *place;   /* resolved location */
    const char *lock;    /* the lock held at most of its access sites, or NULL */
    size_t covered;      /* access sites that hold it */
    size_t sites;        /* access sites (expressions in the code) reached
                            while other threads may run */
    size_t threads;      /* distinct threads that access it */
    int declared;        /* lock is the one the code declares (GUARDED_BY) */
} rl_guard;

/* The guard of one location (group of accesses). */
rl_guard rl_guard_of(const rl_model *m, const rl_access_group *g);

/* A guard counts as the location's intended lock when it is declared, or
 * covers more than half of the sites. */
int rl_guard_is_believed(const rl_guard *g);

/* Whether the guard belongs with the location, so that naming it in a fix
 * hint is not misleading: a declared guard; a lock of the same object or
 * struct (`stats.err_lock` for `stats.errors`, `c->lock` for `c->count`);
 * or a lock of the same module: taken in a file where the location is
 * accessed. A lock that merely happens to be held around everything a
 * thread does (a global lock of another module held for a whole worker
 * loop) does not belong with the data it covers. */
int rl_guard_belongs(const rl_model *m, const rl_access_group *g, const rl_guard *guard);

#endif
