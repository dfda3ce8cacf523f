/* The findings history commands (docs/history.md): the commands that read
 * and annotate the database (runs, findings, diff, show, history, sql,
 * triage). history.c, hist_findings.c and hist_show.c implement them;
 * what `racelint check` does around the analysis to keep the history
 * useful is hist_check.h. */
#ifndef RL_HISTORY_H
#define RL_HISTORY_H
#include "../model/finding.h"
#include "../store/store.h"
#include <stdio.h>

/* What main.c parsed for a history command. */
typedef struct rl_hist_args {
    const char *db;        /* --db; NULL: the default database */
    const char *format;    /* --format as given; NULL: the table */
    const char *output;    /* -o FILE; NULL: standard output */
    const char *run;       /* --run ID|latest */
    const char *rule;      /* findings --rule */
    const char *file;      /* findings --file PATTERN */
    const char *status;    /* findings --status new|open|fixed|suppressed */
    const char *note;      /* triage --note */
    const char *fail_on;   /* findings --fail-on new|any|none; NULL: none */
    long max_rows;         /* sql --max-rows; 0: the default */
    /* `findings` in a report format this module does not write itself
     * (sarif, ...): main.c's report writer, which also opens -o. Returns 0,
     * -1 on error, 1 when it does not know the format either. */
    int (*write_report)(const void *ctx, const rl_run_info *run, const rl_findings *findings);
    const void *report_ctx;
    int quiet;
    char **args;           /* positional arguments after the command */
    int nargs;
} rl_hist_args;

/* Each returns the exit code: 0, or 2 for a usage or input error (message
 * on stderr). 1 only from the gates: diff (a new unsuppressed finding) and
 * findings --fail-on new|any (a listed finding it counts); a query that
 * lists findings has still succeeded (README, Exit status). */
int rl_cmd_runs(const rl_hist_args *a);
int rl_cmd_findings(const rl_hist_args *a);
int rl_cmd_diff(const rl_hist_args *a);
int rl_cmd_show(const rl_hist_args *a);
int rl_cmd_history(const rl_hist_args *a);
int rl_cmd_sql(const rl_hist_args *a);
int rl_cmd_triage(const rl_hist_args *a);

#endif
