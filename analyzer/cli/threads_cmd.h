/* `racelint threads`: the programs of a build and the threads racelint
 * believes each one runs, with spawn sites, instances and joins, so that a
 * maintainer can check the model before reading a single finding. Also
 * prints the run's notices (limits hit, spawns that found no thread). */
#ifndef RL_THREADS_CMD_H
#define RL_THREADS_CMD_H
#include "../driver.h"
#include <stdio.h>

/* Writes the analysis's programs, threads and notices as text (one block
 * per program, one line per thread, children indented under their parent)
 * or as JSON (docs/json-format.md, "racelint threads"). 0, or -1 with a
 * message in err. */
int rl_threads_print(FILE *out, const rl_analysis *a, int json, rl_error *err);

#endif
