/* The server: a pool of workers started and stopped through wrappers. */
#include "hooks.h"
#include "queue.h"
#include <stdlib.h>
#define NWORKERS 4
static pthread_t workers[NWORKERS];
static pthread_t logger;

static void *worker_main(void *arg)
{
    for (int i = 0; i < 100; i++) queue_push(queue_pop() + 1);
    return arg;
}

static void start_workers(void)
{
    for (int i = 0; i < NWORKERS; i++) pthread_create(&workers[i], NULL, worker_main, NULL);
    pthread_create(&logger, NULL, server_hooks.log_main, NULL);
    pthread_detach(logger);
}

static void stop_workers(void)
{
    for (int i = 0; i < NWORKERS; i++) pthread_join(workers[i], NULL);
}

int main(void)
{
    start_workers();
    stop_workers();
    return (int)queue_pushed;
}
