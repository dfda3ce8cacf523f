/* Lookups and inserts. Inserts hold the lock; the hit counter does not. */
#include "cache.h"

struct cache the_cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

long cache_get(struct cache *c, long key)
{
    long slot = key % NSLOTS, value = -1;
    pthread_mutex_lock(&c->mu);
    if (c->keys[slot] == key) value = c->values[slot];
    pthread_mutex_unlock(&c->mu);
    if (value >= 0)
        c->hits++; /* racy: counted outside the lock */
    else
        c->misses++;
    return value;
}

void cache_put(struct cache *c, long key, long value)
{
    long slot = key % NSLOTS;
    pthread_mutex_lock(&c->mu); /* LOCK-REMOVED-IN-V2 */
    c->keys[slot] = key;
    c->values[slot] = value;
    pthread_mutex_unlock(&c->mu); /* LOCK-REMOVED-IN-V2 */
}
