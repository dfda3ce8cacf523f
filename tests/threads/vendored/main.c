/* Each worker sets its own table of a type that copies nothing, while
 * main copies through the vendored library. Only main runs vendor_dup:
 * vendor_copies is no race. The counted tables' dup is the program's
 * own and both workers run it on one counter: counted_copies races. */
#include <pthread.h>
#include "table.h"

/* The vendored library's interface (its header defines its own
 * struct table_type, which this unit cannot include beside table.h). */
void *vendor_copy(const void *value);

static long counted_copies;

static void *counted_dup(struct table *t, const void *value)
{
    (void)t;
    counted_copies++;
    return (void *)value;
}

static const struct table_type plain_type = {0, 0};
static const struct table_type counted_type = {counted_dup, 0};

static void *worker(void *arg)
{
    struct table own = {&plain_type, 0};
    struct table counted = {&counted_type, 0};
    table_set(&own, arg);
    table_set(&counted, arg);
    return 0;
}

int main(void)
{
    pthread_t a, b;
    static int x;
    pthread_create(&a, 0, worker, &x);
    pthread_create(&b, 0, worker, &x);
    vendor_copy(&x);
    pthread_join(a, 0);
    pthread_join(b, 0);
    return 0;
}
