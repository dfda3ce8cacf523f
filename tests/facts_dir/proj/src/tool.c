#include "counters.h"
#include <stdio.h>

static void *serve(void *arg)
{
    (void)arg;
    count_served();
    return NULL;
}

int main(void)
{
    pthread_t t[TOOL_WORKERS];
    for (int i = 0; i < TOOL_WORKERS; i++) pthread_create(&t[i], NULL, serve, NULL);
    for (int i = 0; i < TOOL_WORKERS; i++) pthread_join(t[i], NULL);
    printf("%ld\n", counters_total());
    return 0;
}
