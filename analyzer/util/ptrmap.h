/* A hash map from interned strings (compared by pointer) or any other stable
 * pointer to a pointer value. Keys are not owned. Used for function tables,
 * grouping accesses by location and memoising analysis contexts. */
#ifndef RL_PTRMAP_H
#define RL_PTRMAP_H
#include <stddef.h>

typedef struct rl_ptrmap {
    const void **keys;
    void **values;
    size_t nslots, count;
} rl_ptrmap;

#define RL_PTRMAP_INIT {NULL, NULL, 0, 0}

void *rl_ptrmap_get(const rl_ptrmap *m, const void *key);
/* Inserts or replaces. */
void rl_ptrmap_put(rl_ptrmap *m, const void *key, void *value);
/* Returns the slot of key's value, inserting NULL if absent. */
void **rl_ptrmap_slot(rl_ptrmap *m, const void *key);
void rl_ptrmap_free(rl_ptrmap *m);

#endif
