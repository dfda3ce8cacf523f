/* A set of nonzero 64-bit keys (hashes, packed ids), open addressing.
 * Rules and the model use it to remember what they have seen (racing
 * sites, kinds of access) without a pointer to key it by. */
#ifndef RL_U64SET_H
#define RL_U64SET_H
#include <stdint.h>
#include <stddef.h>

typedef struct rl_u64set {
    uint64_t *keys; /* 0 marks an empty slot */
    size_t nslots, count;
} rl_u64set;

#define RL_U64SET_INIT {NULL, 0, 0}

/* key must not be 0. */
int rl_u64set_has(const rl_u64set *s, uint64_t key);
/* Adds key; 1 when it was not there yet. */
int rl_u64set_add(rl_u64set *s, uint64_t key);
void rl_u64set_free(rl_u64set *s);

#endif
