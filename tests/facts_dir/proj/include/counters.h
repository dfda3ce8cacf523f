#ifndef COUNTERS_H
#define COUNTERS_H
#include <pthread.h>
struct counters {
    pthread_mutex_t lock;
    long served;   /* guarded by lock */
    long dropped;  /* updated without the lock in count_drop: the race */
};
extern struct counters counters;
void count_served(void);
void count_drop(void);
long counters_total(void);
#endif
