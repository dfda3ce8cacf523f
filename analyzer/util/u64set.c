/* Open-addressing set of 64-bit keys; see u64set.h. Keys are expected to
 * be hashes already, so their low bits pick the slot. */
#include "u64set.h"
#include "mem.h"
#include <stdlib.h>

#define INITIAL_SLOTS 64

int rl_u64set_has(const rl_u64set *s, uint64_t key)
{
    if (!s->nslots) return 0;
    for (size_t j = key & (s->nslots - 1); s->keys[j]; j = (j + 1) & (s->nslots - 1))
        if (s->keys[j] == key) return 1;
    return 0;
}

static void insert(uint64_t *keys, size_t nslots, uint64_t key)
{
    size_t j = key & (nslots - 1);
    while (keys[j]) j = (j + 1) & (nslots - 1);
    keys[j] = key;
}

int rl_u64set_add(rl_u64set *s, uint64_t key)
{
    if (rl_u64set_has(s, key)) return 0;
    if ((s->count + 1) * 2 > s->nslots) {
        size_t n = s->nslots ? s->nslots * 2 : INITIAL_SLOTS;
        uint64_t *keys = rl_xcalloc(n, sizeof *keys);
        for (size_t i = 0; i < s->nslots; i++)
            if (s->keys[i]) insert(keys, n, s->keys[i]);
        free(s->keys);
        s->keys = keys;
        s->nslots = n;
    }
    insert(s->keys, s->nslots, key);
    s->count++;
    return 1;
}

void rl_u64set_free(rl_u64set *s)
{
    free(s->keys);
    s->keys = NULL;
    s->nslots = s->count = 0;
}
