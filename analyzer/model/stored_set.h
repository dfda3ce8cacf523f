/* Points-to sets of memory places (resolve.c): every different pointer
 * value the contexts store at one resolved place, up to a bound. The
 * model names an object through a place only when one value was ever
 * stored there (rl_model.stored); the set lets it still judge a place of
 * several values: whether each object it may hold is made anew per
 * container (an instance's own event table holding only clients made per
 * instance or per registration: resolve.c, tm_follow_stores).
 *
 * Invariants:
 *  1. Values and places are interned: compared by pointer; the set does
 *     not own them.
 *  2. A set holds each value once, in the order first stored, at most
 *     RL_STORED_SET_MAX of them; one more marks it overflowed for good,
 *     and an overflowed set tells nothing (its members are not all known).
 *  3. The set of a place holds every value its single value (rl_model.
 *     stored) was given: the two are recorded together (record_store). */
#ifndef RL_STORED_SET_H
#define RL_STORED_SET_H
#include "../util/ptrmap.h"
#include <stddef.h>

/* The most values kept per place. redis-benchmark's event table slot
 * holds a client per thread context (24) plus the values its handlers
 * store back; a place of more is judged as one of unknown values. */
#define RL_STORED_SET_MAX 64

typedef struct rl_stored_set {
    const char **values;
    size_t n, cap;
    int overflowed;
} rl_stored_set;

/* Every place's set: place -> rl_stored_set*. */
typedef struct rl_stored_sets {
    rl_ptrmap by_place;
} rl_stored_sets;

#define RL_STORED_SETS_INIT {RL_PTRMAP_INIT}

/* Adds value to place's set; 1 when the set changed (a new member, or
 * overflowed now), 0 when it already held value or had overflowed. */
int rl_stored_sets_add(rl_stored_sets *sets, const char *place, const char *value);

/* place's set, NULL when nothing was stored there. */
const rl_stored_set *rl_stored_sets_get(const rl_stored_sets *sets, const char *place);

void rl_stored_sets_free(rl_stored_sets *sets);
#endif
