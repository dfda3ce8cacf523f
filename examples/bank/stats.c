/* Bank-wide statistics. The counters are meant to be updated under
 * stats_lock; one of them is not. */
#include "bank.h"

struct stats stats;
pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

void record_transfer(int ok)
{
    pthread_mutex_lock(&stats_lock);
    stats.transfers++;
    pthread_mutex_unlock(&stats_lock);
    if (!ok)
        stats.failed++; /* forgot the lock: tellers race here */
}
