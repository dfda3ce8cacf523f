#include "queue.h"

int queue_push(struct queue *q, int v)
{
    int ok = 0;
    pthread_mutex_lock(&q->lock);
    if (q->len < QUEUE_SLOTS) {
        q->items[q->len++] = v;
        ok = 1;
    }
    pthread_mutex_unlock(&q->lock);
    return ok;
}

int queue_pop(struct queue *q, int *v)
{
    int ok = 0;
    pthread_mutex_lock(&q->lock);
    if (q->len > 0) {
        *v = q->items[--q->len];
        ok = 1;
    }
    pthread_mutex_unlock(&q->lock);
    return ok;
}
