/* A worker started and joined ten calls below main, through a call tree
 * whose first four levels each call the next one eight times: 4096 call
 * paths lead to the spawn, too many for positions to keep every frame
 * (threads_internal.h, POS_PATH_BUDGET). Positions keep eight frames, and
 * the run says so with a limit-positions notice. */
#include <pthread.h>

static int runs;

static void *worker(void *arg)
{
    return arg;
}

static void run_worker(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) == 0) pthread_join(t, NULL);
    runs++;
}

static void chain1(void) { run_worker(); }
static void chain2(void) { chain1(); }
static void chain3(void) { chain2(); }
static void chain4(void) { chain3(); }
static void chain5(void) { chain4(); }

static void fan1(void) { chain5(); chain5(); chain5(); chain5(); chain5(); chain5(); chain5(); chain5(); }
static void fan2(void) { fan1(); fan1(); fan1(); fan1(); fan1(); fan1(); fan1(); fan1(); }
static void fan3(void) { fan2(); fan2(); fan2(); fan2(); fan2(); fan2(); fan2(); fan2(); }
static void fan4(void) { fan3(); fan3(); fan3(); fan3(); fan3(); fan3(); fan3(); fan3(); }

int main(void)
{
    fan4();
    return runs;
}
