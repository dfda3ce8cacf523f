/* String interning with an open-addressing table over an arena of chunks.
 * Each slot keeps its string's hash: a probe compares hashes first and
 * reads a string only when they agree, and growing the table needs no
 * string at all. (Comparing the text of every probed string was a fifth
 * of the whole-program phase on the sqlite amalgamation.)
 *
 * The table's hash (table_hash) reads eight bytes at a time: hashing the
 * long resolved place names byte by byte was a fifth of memcached's
 * whole-program phase. It is never stored or compared across runs, so it
 * may change freely; rl_hash_bytes, which is stored (cache keys,
 * fingerprints), must not. */
#include "strpool.h"
#include "mem.h"
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (64 * 1024)
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    char data[];
} chunk;

typedef struct slot {
    uint64_t hash;
    const char *str; /* NULL = empty */
} slot;

struct rl_strpool {
    slot *slots; /* open addressing, linear probing, at most half full */
    size_t nslots, count;
    chunk *chunks;
};

uint64_t rl_hash_bytes(const void *data, size_t n, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ? seed : FNV_OFFSET;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

/* Where rl_hash_content starts (any nonzero constant: FNV's offset). */
#define CONTENT_SEED FNV_OFFSET
#define CONTENT_MUL 0x9e3779b97f4a7c15ULL /* 2^64 / golden ratio, odd */
/* The tail's length goes in the top byte of its zero-padded word, so that
 * "ab" and "ab\0" differ. */
#define TAIL_LENGTH_SHIFT 56

/* The multiply-and-fold steps both word hashes share: each 8-byte word of
 * p, then the tail zero-padded (its length in the top byte when
 * mark_tail). Each step is a bijection of h for a given word: two inputs
 * of one length that differ in a word differ from there on. */
static uint64_t fold_words(uint64_t h, const unsigned char *p, size_t n, int mark_tail)
{
    size_t i = 0;
    for (; i + sizeof(uint64_t) <= n; i += sizeof(uint64_t)) {
        uint64_t w;
        memcpy(&w, p + i, sizeof w);
        h = (h ^ w) * CONTENT_MUL;
        h ^= h >> 32;
    }
    if (i < n) {
        uint64_t w = 0;
        memcpy(&w, p + i, n - i);
        if (mark_tail) w ^= (uint64_t)(n - i) << TAIL_LENGTH_SHIFT;
        h = (h ^ w) * CONTENT_MUL;
        h ^= h >> 32;
    }
    return h;
}

uint64_t rl_hash_content(const void *data, size_t n, uint64_t seed)
{
    return fold_words(seed ? seed : CONTENT_SEED, data, n, 1);
}

/* A 64-bit multiply-and-fold hash over 8-byte words (the tail zero-padded,
 * the length folded in so that padding cannot collide with zero bytes). */
static uint64_t table_hash(const char *s, size_t n)
{
    uint64_t h = fold_words((uint64_t)n * CONTENT_MUL, (const unsigned char *)s, n, 0) * CONTENT_MUL;
    return h ^ (h >> 29);
}

uint64_t rl_hash_str(const char *s)
{
    return rl_hash_bytes(s, strlen(s), 0);
}

rl_strpool *rl_strpool_new(void)
{
    rl_strpool *p = rl_xcalloc(1, sizeof *p);
    p->nslots = 256;
    p->slots = rl_xcalloc(p->nslots, sizeof *p->slots);
    return p;
}

void rl_strpool_free(rl_strpool *pool)
{
    if (!pool) return;
    for (chunk *c = pool->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(pool->slots);
    free(pool);
}

static char *arena_copy(rl_strpool *pool, const char *s, size_t n)
{
    chunk *c = pool->chunks;
    if (!c || c->size - c->used < n + 1) {
        size_t size = n + 1 > CHUNK_SIZE ? n + 1 : CHUNK_SIZE;
        c = rl_xmalloc(sizeof *c + size);
        c->used = 0;
        c->size = size;
        c->next = pool->chunks;
        pool->chunks = c;
    }
    char *dst = c->data + c->used;
    memcpy(dst, s, n);
    dst[n] = '\0';
    c->used += n + 1;
    return dst;
}

static void rehash(rl_strpool *pool)
{
    size_t n = pool->nslots * 2;
    slot *slots = rl_xcalloc(n, sizeof *slots);
    for (size_t i = 0; i < pool->nslots; i++) {
        if (!pool->slots[i].str) continue;
        size_t j = pool->slots[i].hash & (n - 1);
        while (slots[j].str) j = (j + 1) & (n - 1);
        slots[j] = pool->slots[i];
    }
    free(pool->slots);
    pool->slots = slots;
    pool->nslots = n;
}

/* The slot holding the n bytes at s (hashed h), or the empty slot where
 * they would go. */
static size_t probe(const rl_strpool *pool, const char *s, size_t n, uint64_t h)
{
    size_t mask = pool->nslots - 1, j = h & mask;
    for (; pool->slots[j].str; j = (j + 1) & mask) {
        const char *t = pool->slots[j].str;
        if (pool->slots[j].hash == h && strncmp(t, s, n) == 0 && t[n] == '\0') break;
    }
    return j;
}

const char *rl_intern_n(rl_strpool *pool, const char *s, size_t n)
{
    if (!s) return NULL;
    if ((pool->count + 1) * 2 > pool->nslots) rehash(pool);
    uint64_t h = table_hash(s, n);
    size_t j = probe(pool, s, n, h);
    if (pool->slots[j].str) return pool->slots[j].str;
    const char *copy = arena_copy(pool, s, n);
    pool->slots[j].hash = h;
    pool->slots[j].str = copy;
    pool->count++;
    return copy;
}

const char *rl_strpool_find_n(const rl_strpool *pool, const char *s, size_t n)
{
    if (!s || pool->nslots == 0) return NULL;
    return pool->slots[probe(pool, s, n, table_hash(s, n))].str;
}

const char *rl_strpool_find(const rl_strpool *pool, const char *s)
{
    return s ? rl_strpool_find_n(pool, s, strlen(s)) : NULL;
}

const char *rl_intern(rl_strpool *pool, const char *s)
{
    return s ? rl_intern_n(pool, s, strlen(s)) : NULL;
}
