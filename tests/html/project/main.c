/* Starts readers and writers on the cache and a monitor that stops them. */
#include "cache.h"

#define NREADERS 3

static int stop;

static void *reader(void *arg)
{
    long key = (long)arg;
    while (!stop) {
        if (cache_get(&the_cache, key) < 0) log_event("miss", key);
        key += 7;
    }
    return NULL;
}

static void *writer(void *arg)
{
    (void)arg;
    for (long k = 0; k < 1000; k++) cache_put(&the_cache, k, k * 2);
    log_event("filled", 1000);
    return NULL;
}

int main(void)
{
    pthread_t readers[NREADERS], w;
    for (long i = 0; i < NREADERS; i++) pthread_create(&readers[i], NULL, reader, (void *)i);
    pthread_create(&w, NULL, writer, NULL);
    pthread_join(w, NULL);
    stop = 1;
    for (int i = 0; i < NREADERS; i++) pthread_join(readers[i], NULL);
    return 0;
}
