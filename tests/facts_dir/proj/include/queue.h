#ifndef QUEUE_H
#define QUEUE_H
#include <pthread.h>
#define QUEUE_SLOTS 16
struct queue {
    pthread_mutex_t lock;
    int items[QUEUE_SLOTS];
    int len;
};
int queue_push(struct queue *q, int v);
int queue_pop(struct queue *q, int *v);
#endif
