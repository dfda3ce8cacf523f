/* String interning. Every string stored in facts and in the model lives in a
 * pool; equal strings from one pool are the same pointer, so later stages
 * compare and hash pointers instead of text. A pool owns all its strings and
 * frees them at once in rl_strpool_free. Not thread-safe: one pool per
 * worker, re-interned into the program's pool when facts are merged. */
#ifndef RL_STRPOOL_H
#define RL_STRPOOL_H
#include <stddef.h>
#include <stdint.h>

typedef struct rl_strpool rl_strpool;

rl_strpool *rl_strpool_new(void);
void rl_strpool_free(rl_strpool *pool);
/* Returns the pooled copy of s (NULL stays NULL). */
const char *rl_intern(rl_strpool *pool, const char *s);
const char *rl_intern_n(rl_strpool *pool, const char *s, size_t n);
/* The pooled copy of s if the pool holds one, else NULL; adds nothing. */
const char *rl_strpool_find(const rl_strpool *pool, const char *s);
/* The same for the n bytes at s. */
const char *rl_strpool_find_n(const rl_strpool *pool, const char *s, size_t n);

/* FNV-1a; stable across runs and machines (used in fingerprints too). */
uint64_t rl_hash_bytes(const void *data, size_t n, uint64_t seed);
/* The hash of a file's content that the facts cache records and checks
 * (every header of every unit, on every run): eight bytes a step, several
 * times faster than FNV-1a. Stable across runs; a machine of the other
 * byte order gets other values (its cache entries are parsed again). A
 * content may be hashed in pieces, each piece's hash the next one's seed,
 * when every piece but the last is a multiple of 8 bytes long. Seed 0
 * starts a content. */
uint64_t rl_hash_content(const void *data, size_t n, uint64_t seed);
uint64_t rl_hash_str(const char *s);

#endif
