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

#endif
