/* Where a thread start failed: the branch of an `if` that tests the
 * start's result (`if (pthread_create(&t, NULL, fn, arg) != 0) {
 * free(arg); return -1; }`) and that its failure takes. The frontend
 * marks such an `if` as it marks one testing a trylock (facts format 13:
 * the IF's aux is the SPAWN node, RL_TRY_ON_TRUE or RL_TRY_ON_FALSE says
 * which outcome of the condition means the thread started).
 *
 * Why it matters: on that branch no thread runs from that start, so
 * nothing there races with it, and an argument only that start was to
 * receive is still the starter's own (ownership.c). Code after an `if`
 * whose success branch always leaves counts too, and code after a label
 * that only gotos from before the start or from where it failed reach
 * (`if (rc) goto err; return t; err: free(rec);`), for a start in no
 * loop. A start through a wrapper whose result is tested (`h =
 * thread_start(...); if (!h)`) is not recognised.
 *
 * Invariant: answers depend on the function's own nodes only. */
#ifndef RL_SPAWN_FAILURE_H
#define RL_SPAWN_FAILURE_H
#include "../facts/facts.h"

/* Whether node `node` of fn lies in the branch where SPAWN node `spawn`
 * of fn failed to start its thread. */
int rl_spawn_failed_at(const rl_function *fn, int32_t spawn, int32_t node);

#endif
