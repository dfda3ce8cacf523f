/* One spawn site reached through two calls of main: two threads that
 * racelint threads prints once, with their number. */
#include <pthread.h>

static void *job(void *arg)
{
    return arg;
}

static void start_one(pthread_t *t)
{
    pthread_create(t, NULL, job, NULL);
}

static void stop_one(pthread_t *t)
{
    pthread_join(*t, NULL);
}

int main(void)
{
    pthread_t a, b;
    start_one(&a);
    start_one(&b);
    stop_one(&a);
    stop_one(&b);
    return 0;
}
