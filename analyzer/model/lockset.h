/* Locksets: sets of held locks, each with its mode, interned so that equal
 * sets are the same pointer (cheap to store per event and to compare in the
 * fixpoints). NULL stands for "unreachable" (the top of the must-lattice):
 * meeting NULL with S gives S.
 *
 * A table owns every set it returns; sets live until rl_lockset_table_free. */
#ifndef RL_LOCKSET_H
#define RL_LOCKSET_H
#include <stddef.h>
#include <stdint.h>

typedef struct rl_lock_entry {
    const char *lock; /* interned place of the lock object */
    int shared;       /* held in shared (read) mode only */
} rl_lock_entry;

typedef struct rl_lockset {
    size_t n;
    rl_lock_entry *e; /* sorted by lock name (then address, for equal
                         names from two pools) */
    uint64_t hash;    /* of the entries, for the table */
    uint32_t id;      /* order of creation in its table: a set's place in
                         any order that must be the same on every run */
} rl_lockset;

typedef struct rl_lockset_table rl_lockset_table;

rl_lockset_table *rl_lockset_table_new(void);
void rl_lockset_table_free(rl_lockset_table *t);

const rl_lockset *rl_ls_empty(rl_lockset_table *t);
/* Adds lock (a re-acquisition in exclusive mode upgrades the entry). */
const rl_lockset *rl_ls_add(rl_lockset_table *t, const rl_lockset *s, const char *lock, int shared);
const rl_lockset *rl_ls_remove(rl_lockset_table *t, const rl_lockset *s, const char *lock);
/* The set of entries e[0..n) in any order, sorted in place: what adding
 * them one by one to the empty set gives (a lock given twice is held
 * shared only if every entry holds it shared), in one sort and one
 * look-up instead of a merge per entry. */
const rl_lockset *rl_ls_of(rl_lockset_table *t, rl_lock_entry *e, size_t n);
/* Must-meet: locks in both; a lock shared on either side stays shared. */
const rl_lockset *rl_ls_meet(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b);
/* The meet of what two calls of one context hold on entry, where a lock
 * of an object known only by its type ("{struct pool}.q.lock", reached
 * through pointers racelint cannot trace) is named after the path that
 * reached it, and two callers reaching the same kind of lock by two paths
 * name it twice: a lock in one set only, by type, with a lock of the
 * other by type ending in the same two members (".pool.lock": the lock
 * of what field `pool` holds; the same one member when a name has only
 * one), is kept, under the
 * smaller of the two names (so that the result does not depend on the
 * order the calls were met in). Both were held, and neither names one
 * object: race.c never takes such a lock for one in common with a traced
 * lock, and its doubts count it as a summary. Else rl_ls_meet. */
const rl_lockset *rl_ls_meet_by_type(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b);
/* Union (used for may-released sets); exclusive wins. */
const rl_lockset *rl_ls_union(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b);
/* a minus every lock named in b. */
const rl_lockset *rl_ls_minus(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b);
int rl_ls_contains(const rl_lockset *s, const char *lock);
/* s minus the locks that `collapsed`, a name with a collapsed array element
 * ("G:m[]"), may stand for: the elements named by a constant index
 * ("G:m[3]", frontend walk_lock.c). s itself when `collapsed` has none. */
const rl_lockset *rl_ls_remove_elements(rl_lockset_table *t, const rl_lockset *s, const char *collapsed);
/* The mode a lock is held in: -1 not held, 0 exclusive, 1 shared. */
int rl_ls_mode(const rl_lockset *s, const char *lock);

#endif
