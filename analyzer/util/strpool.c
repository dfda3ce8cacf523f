/* String interning with an open-addressing table over an arena of chunks. */
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

struct rl_strpool {
    const char **slots; /* open addressing, NULL = empty */
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
    const char **slots = rl_xcalloc(n, sizeof *slots);
    for (size_t i = 0; i < pool->nslots; i++) {
        const char *s = pool->slots[i];
        if (!s) continue;
        size_t j = rl_hash_str(s) & (n - 1);
        while (slots[j]) j = (j + 1) & (n - 1);
        slots[j] = s;
    }
    free(pool->slots);
    pool->slots = slots;
    pool->nslots = n;
}

const char *rl_intern_n(rl_strpool *pool, const char *s, size_t n)
{
    if (!s) return NULL;
    if ((pool->count + 1) * 2 > pool->nslots) rehash(pool);
    size_t mask = pool->nslots - 1;
    size_t j = rl_hash_bytes(s, n, 0) & mask;
    while (pool->slots[j]) {
        const char *t = pool->slots[j];
        if (strncmp(t, s, n) == 0 && t[n] == '\0') return t;
        j = (j + 1) & mask;
    }
    const char *copy = arena_copy(pool, s, n);
    pool->slots[j] = copy;
    pool->count++;
    return copy;
}

const char *rl_strpool_find(const rl_strpool *pool, const char *s)
{
    if (!s || pool->nslots == 0) return NULL;
    size_t n = strlen(s), mask = pool->nslots - 1;
    for (size_t j = rl_hash_bytes(s, n, 0) & mask; pool->slots[j]; j = (j + 1) & mask)
        if (strcmp(pool->slots[j], s) == 0) return pool->slots[j];
    return NULL;
}

const char *rl_intern(rl_strpool *pool, const char *s)
{
    return s ? rl_intern_n(pool, s, strlen(s)) : NULL;
}
