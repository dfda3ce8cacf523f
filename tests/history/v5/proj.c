/* The program whose findings tests/history/v5.sql records, as the schema-5
 * racelint (one finding per racing site) saw it: a counter raced from four
 * sites (two in one macro expansion), a rwlock written under its read
 * lock at two sites, and a heap object shared by two threads. */
#include <pthread.h>
#include <stdlib.h>

struct conn { long bytes; };
long hits;
long table;
static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;

#define BUMP(x) ((x) = (x) + 1)

static void *reader(void *arg)
{
    long seen = hits;
    (void)seen;
    return arg;
}

static void *writer(void *arg)
{
    hits++;
    BUMP(hits);
    pthread_rwlock_rdlock(&table_lock);
    table = 1;
    pthread_rwlock_unlock(&table_lock);
    return arg;
}

static void *resizer(void *arg)
{
    struct conn *c = arg;
    c->bytes += 1;
    pthread_rwlock_rdlock(&table_lock);
    table = 2;
    pthread_rwlock_unlock(&table_lock);
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    struct conn *c = calloc(1, sizeof *c);
    pthread_create(&t[0], NULL, reader, NULL);
    pthread_create(&t[1], NULL, writer, NULL);
    pthread_create(&t[2], NULL, resizer, c);
    c->bytes = 5;
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    free(c);
    return 0;
}
