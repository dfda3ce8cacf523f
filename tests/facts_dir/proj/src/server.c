#include "counters.h"
#include "queue.h"
#include <stdio.h>

#define WORKERS 4

static struct queue jobs = {PTHREAD_MUTEX_INITIALIZER, {0}, 0};

static void *worker(void *arg)
{
    (void)arg;
    int job;
    while (queue_pop(&jobs, &job)) {
        if (job % 3 == 0) count_drop();
        else count_served();
    }
    return NULL;
}

int main(void)
{
    pthread_t t[WORKERS];
    for (int i = 0; i < QUEUE_SLOTS; i++) queue_push(&jobs, i);
    for (int i = 0; i < WORKERS; i++) pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < WORKERS; i++) pthread_join(t[i], NULL);
    printf("%ld\n", counters_total());
    return 0;
}
