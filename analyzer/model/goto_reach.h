/* Code reached only by jumping, placed where the jump is.
 *
 * C's cleanup idiom puts the error path after the function's last
 * `return`, under a label the earlier failures jump to:
 *
 *     tasks = calloc(n, sizeof *tasks);
 *     if (!tasks) goto fail;
 *     for (i = 0; i < n; i++) pthread_create(..., &tasks[i]);
 *     return tasks;
 *   fail:
 *     free(tasks);
 *     return NULL;
 *
 * In node order the free comes after the thread starts, and a parent's
 * code is ordered against its children by position (node order in the
 * spawning frame): the free was taken to run while the workers write
 * their tasks. It runs right after the goto, on a path where no thread
 * was started. A node of such a region (from a label whose previous
 * statement is a jump, to the next label of that sequence) stands, for
 * positions, at the latest goto to its label, when every goto to it comes
 * before the label (a goto after it makes a loop: left alone). A goto
 * after a start (`if (pthread_create(...)) goto fail;`) keeps the region
 * after that start.
 *
 * Invariants:
 *  1. position[i] <= i: a node only moves earlier, to a goto before it.
 *  2. A region's gotos may lie in an earlier region: they are placed
 *     first (labels in node order), and the region takes their place. */
#ifndef RL_GOTO_REACH_H
#define RL_GOTO_REACH_H
#include "../facts/facts.h"

/* Per node of f, the node whose position it takes, or NULL when every
 * node keeps its own (no label after a jump). The caller frees it. */
int32_t *rl_goto_positions(const rl_function *f);

#endif
