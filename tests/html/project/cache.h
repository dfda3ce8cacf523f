/* A tiny key-value cache shared by worker threads (test project for the
 * HTML and SARIF reports: several files, several findings). */
#ifndef CACHE_H
#define CACHE_H
#include <pthread.h>

#define NSLOTS 64

struct cache {
    pthread_mutex_t mu;
    long keys[NSLOTS];
    long values[NSLOTS];
    long hits, misses;
};

extern struct cache the_cache;

long cache_get(struct cache *c, long key);
void cache_put(struct cache *c, long key, long value);
void log_event(const char *what, long key);
#endif
