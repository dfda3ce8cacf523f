/* Open-addressing pointer map; see ptrmap.h. */
#include "ptrmap.h"
#include "mem.h"
#include <stdint.h>
#include <stdlib.h>

#define INITIAL_SLOTS 64

static size_t hash_ptr(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static size_t find(const rl_ptrmap *m, const void *key)
{
    size_t mask = m->nslots - 1;
    size_t j = hash_ptr(key) & mask;
    while (m->keys[j] && m->keys[j] != key) j = (j + 1) & mask;
    return j;
}

static void grow(rl_ptrmap *m)
{
    rl_ptrmap bigger = {0};
    bigger.nslots = m->nslots ? m->nslots * 2 : INITIAL_SLOTS;
    bigger.keys = rl_xcalloc(bigger.nslots, sizeof *bigger.keys);
    bigger.values = rl_xcalloc(bigger.nslots, sizeof *bigger.values);
    for (size_t i = 0; i < m->nslots; i++) {
        if (!m->keys[i]) continue;
        size_t j = find(&bigger, m->keys[i]);
        bigger.keys[j] = m->keys[i];
        bigger.values[j] = m->values[i];
        bigger.count++;
    }
    free(m->keys);
    free(m->values);
    *m = bigger;
}

void *rl_ptrmap_get(const rl_ptrmap *m, const void *key)
{
    if (!m->nslots || !key) return NULL;
    size_t j = find(m, key);
    return m->keys[j] ? m->values[j] : NULL;
}

void **rl_ptrmap_slot(rl_ptrmap *m, const void *key)
{
    if ((m->count + 1) * 2 > m->nslots) grow(m);
    size_t j = find(m, key);
    if (!m->keys[j]) {
        m->keys[j] = key;
        m->values[j] = NULL;
        m->count++;
    }
    return &m->values[j];
}

void rl_ptrmap_put(rl_ptrmap *m, const void *key, void *value)
{
    *rl_ptrmap_slot(m, key) = value;
}

void rl_ptrmap_free(rl_ptrmap *m)
{
    free(m->keys);
    free(m->values);
    m->keys = NULL;
    m->values = NULL;
    m->nslots = m->count = 0;
}
