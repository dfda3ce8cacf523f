/* A library with no main that starts its own worker threads, the way
 * libuv's thread pool does: on first use, in a once-routine, through a
 * thread-creation wrapper that takes the entry as a parameter and hands it
 * to pthread_create through a union. A destructor joins the workers at
 * exit. The threads are the workers, started from the public function
 * that triggers the once-routine; neither the once-routine nor the
 * destructor is a thread of its own. With entry_points.yaml, the public
 * functions run in any number of application threads, and their unlocked
 * count races. */
#include <pthread.h>
#define NTHREADS 2
static pthread_t pool_threads[NTHREADS];
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static long tasks_done;
static long submitted; /* counted without a lock by the public functions */

static void pool_worker(void *arg)
{
    (void)arg;
    tasks_done++;
}

static int thread_create(pthread_t *t, void (*entry)(void *), void *arg)
{
    union {
        void (*in)(void *);
        void *(*out)(void *);
    } f;
    f.in = entry;
    return pthread_create(t, NULL, f.out, arg);
}

static void init_once(void)
{
    for (int i = 0; i < NTHREADS; i++) thread_create(&pool_threads[i], pool_worker, NULL);
}

void pool_submit(void)
{
    pthread_once(&pool_once, init_once);
    submitted++;
}

/* Another public function that may start the pool: the workers are still
 * started once. */
void pool_submit_urgent(void)
{
    pthread_once(&pool_once, init_once);
}

long pool_submitted(void)
{
    return submitted;
}

__attribute__((destructor)) static void pool_shutdown(void)
{
    for (int i = 0; i < NTHREADS; i++) pthread_join(pool_threads[i], NULL);
}
