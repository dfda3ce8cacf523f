/* The commands that analyse source: check, guards, threads
 * (analyse_cmd.c). Each takes the whole argv (check records it with the
 * run) and the parsed options, and returns the exit code. */
#ifndef RL_ANALYSE_CMD_H
#define RL_ANALYSE_CMD_H
#include "../model/finding.h"
#include "../store/store.h"
#include "options.h"

int rl_cmd_check(int argc, char **argv, const rl_cli_options *o);
int rl_cmd_guards(int argc, char **argv, const rl_cli_options *o);
int rl_cmd_threads(int argc, char **argv, const rl_cli_options *o);

/* Writes the findings in o->format (text, json, sarif, codequality) to
 * o->output or standard output, replacing the file only once whole.
 * units (may be NULL) feed SARIF's parse-failure notifications, baseline
 * (may be NULL) its baselineState. 0, or -1 after printing the error. */
int rl_write_report_units(const rl_cli_options *o, const rl_run_info *run, const rl_findings *findings,
                          const rl_unit_status *units, size_t nunits, int incomplete, const rl_findings *baseline);

#endif
