/* A counter meant to be updated under its lock. */
#include <pthread.h>

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
long counter;

void count(void)
{
#ifdef SAMPLE_FIXED
    pthread_mutex_lock(&counter_lock);
#endif
    counter++;
#ifdef SAMPLE_FIXED
    pthread_mutex_unlock(&counter_lock);
#endif
}
