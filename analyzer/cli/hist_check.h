/* What `racelint check` does around the analysis to keep the findings
 * history useful (docs/history.md): a run row written before the analysis
 * and completed after it, SIGINT/SIGTERM recorded as an interrupted run,
 * unique fingerprints, source-comment and triage suppressions, and
 * baselines (hist_check.c). */
#ifndef RL_HIST_CHECK_H
#define RL_HIST_CHECK_H
#include "../model/finding.h"
#include "../store/store.h"
#include <stdio.h>

/* The CLI calls, in order: begin (after opening the
 * store, before the analysis), prepare (on the findings), record, write,
 * summary, end. abort replaces prepare..record when the analysis fails. */

typedef struct rl_check_hist rl_check_hist;

typedef struct rl_check_args {
    const char *db;        /* the database path (also read with --no-db, when it exists) */
    int no_db;
    const char *baseline;  /* --baseline latest|RUN_ID|FILE, or NULL */
    const char *fail_on;   /* --fail-on new|any|none, or NULL */
    const char *format;    /* the report format, checked to be one check writes */
} rl_check_args;

/* Validates the options, loads the baseline, inserts the run as 'running'
 * (store may be NULL with --no-db), and starts recording SIGINT/SIGTERM
 * as an interrupted run. run must have started_at, tool_version,
 * arguments, directory and the git fields (git.h); begin adds pid, host
 * and baseline. NULL with a message on error. */
rl_check_hist *rl_hist_check_begin(const rl_check_args *args, rl_store *store, rl_run_info *run, rl_error *err);
/* Makes fingerprints unique within the run, applies source-comment and
 * triage suppressions, reads source context, marks what is new against the
 * baseline. Returns the exit code --fail-on asks for: 1 or 0. */
int rl_hist_check_prepare(rl_check_hist *h, rl_findings *findings);
/* Writes the finished run (run->status as set by the caller). */
int rl_hist_check_record(rl_check_hist *h, rl_store *store, rl_run_info *run, const rl_unit_status *units,
                         size_t nunits, const rl_findings *findings, rl_error *err);
/* Marks the run failed when the analysis could not run. */
void rl_hist_check_abort(rl_check_hist *h, rl_store *store, rl_run_info *run);
/* With a baseline, writes the text and JSON reports with every new finding
 * marked; returns 1 when the caller should write the report itself (no
 * baseline, or another format), 0 when written, -1 on error. */
int rl_hist_check_write(rl_check_hist *h, const char *format, const char *output, const rl_run_info *run,
                        const rl_findings *findings);
/* The baseline's findings (for SARIF's baselineState), or NULL. */
const rl_findings *rl_hist_check_baseline(const rl_check_hist *h);
/* Appends "; N new against the baseline, M suppressed" to the summary. */
void rl_hist_check_summary(const rl_check_hist *h, FILE *out);
/* Stops the signal watcher and frees h. Returns exit_code, or 130 when
 * SIGINT arrived while the run was being recorded. */
int rl_hist_check_end(rl_check_hist *h, int exit_code);

#endif
