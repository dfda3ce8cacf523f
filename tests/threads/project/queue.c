#include "queue.h"
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static int jobs[64];
static int njobs;
long queue_pushed;

void queue_push(int job)
{
    pthread_mutex_lock(&queue_lock);
    jobs[njobs++ & 63] = job;
    pthread_mutex_unlock(&queue_lock);
    queue_pushed++; /* unlocked: races in every program that runs threads */
}

int queue_pop(void)
{
    pthread_mutex_lock(&queue_lock);
    int j = njobs > 0 ? jobs[--njobs & 63] : -1;
    pthread_mutex_unlock(&queue_lock);
    return j;
}
