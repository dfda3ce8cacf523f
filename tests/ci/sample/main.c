/* Two workers count events. */
#include <pthread.h>
#include <stdio.h>

void count(void);
extern long counter;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) count();
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%ld\n", counter);
    return 0;
}
