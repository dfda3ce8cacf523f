/* Exit paths of a program's functions (exit_paths.c): whether a
 * function always ends the process, and which of its nodes lie on paths
 * that end it (rl_fn_info.exits, rl_fn_info.doomed; program.h).
 *
 * Invariant: run once, by rl_program_finish, after the call graph is
 * built and before the spawners are marked (a start on a path that ends
 * the process starts nothing that runs beside the rest). */
#ifndef RL_EXIT_PATHS_H
#define RL_EXIT_PATHS_H
#include "program.h"

/* Marks rl_fn_info.exits and fills rl_fn_info.doomed for every function
 * of p. */
void rl_exit_paths_mark(rl_program *p);

#endif
