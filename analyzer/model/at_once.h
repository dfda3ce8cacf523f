/* Threads joined at once: `pthread_create(&t, NULL, fn, arg);
 * pthread_join(t, NULL);`, the join the very next statement, with nothing
 * between the two but the join's own read of the handle.
 *
 * Why they run as calls. The spawner does nothing while the thread runs:
 * everything it did before the start happens before the thread's first
 * step, everything after the join after its last. So no access of the
 * spawner's thread can race with the thread's. Against any other thread,
 * the thread's accesses run while the spawner sits between the two
 * statements, holding the locks it held at the start: an access of
 * another thread under one of those locks cannot run meanwhile. That is
 * exactly what a call of fn(arg) at the start's place, inheriting the
 * spawner's locks, tells the rest of the model. So the model explores
 * such a start as that call (exploration.c, discovery.c), and neither the
 * start nor its join counts as one: a function is no spawner for them,
 * its callers need no positions for them (program.c's mark_spawners),
 * and a library whose only starts are joined at once has no roots.
 *
 * sqlite's unix VFS tests the platform's locks this way
 * (`testThreadLockingBehavior`), and since every statement's code reaches
 * its VFS, every function of the library counted as a spawner: thirteen
 * roots, each exploring the whole library with positions along every
 * call path, for nothing that could run alongside anything
 * (docs/performance.md).
 *
 * Invariant: a marked SPAWN and the JOIN it pairs with are siblings in
 * one block, the JOIN's handle place equal to the SPAWN's (args[1]), a
 * place with no array element in it (`t`, `w->tid`; not `th[i]`, which
 * another element may be). Marks are per node, RL_AT_ONCE_SPAWN or
 * RL_AT_ONCE_JOIN, in rl_fn_info.at_once. */
#ifndef RL_AT_ONCE_H
#define RL_AT_ONCE_H
#include "program.h"

enum { RL_AT_ONCE_SPAWN = 1, RL_AT_ONCE_JOIN = 2 };

/* Fills p->fns[i].at_once for every function (allocating it; the program
 * frees it). Call once, after the exit paths are marked: a doomed start
 * is left as it is. */
void rl_at_once_mark(rl_program *p);

#endif
