/* A test program: two threads hammer the queue. */
#include "queue.h"
static void *pusher(void *arg)
{
    queue_push(2);
    return arg;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, pusher, NULL);
    pthread_create(&b, NULL, pusher, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
