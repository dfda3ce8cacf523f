/* A library with no main: it starts its own worker threads. */
#include <pthread.h>
static pthread_t pool_threads[2];
static long tasks_done;

static void *pool_worker(void *arg)
{
    tasks_done++;
    return arg;
}

void pool_start(void)
{
    for (int i = 0; i < 2; i++) pthread_create(&pool_threads[i], NULL, pool_worker, NULL);
}
