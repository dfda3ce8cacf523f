/* Shared by the history commands' files (history.c, hist_findings.c,
 * hist_show.c) and check's (hist_check.c): exit codes, --fail-on, the
 * output of a listing and the helpers of hist_util.c (rlh_ functions).
 * Nothing outside analyzer/cli includes this. */
#ifndef RL_HIST_INTERNAL_H
#define RL_HIST_INTERNAL_H
#include "history.h"
#include "output.h"
#include "../util/outfile.h"
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

/* Hex digits of a finding's fingerprint. */
#define FINGERPRINT_HEX 16

/* What --fail-on asks to count for exit status 1: new findings, any
 * unsuppressed finding, or nothing. */
typedef enum fail_on { FAIL_ON_NEW, FAIL_ON_ANY, FAIL_ON_NONE } fail_on;

/* Where a command writes: standard output or -o FILE. */
typedef struct output {
    FILE *f;
    rl_outfile file;
} output;

/* Print "racelint: error: ..." (fmt with one %s for usage) and return
 * EXIT_USAGE. */
int rlh_error_msg(const char *msg);
int rlh_usage(const char *fmt, const char *arg);
/* Reads --fail-on (check and findings); 0, or -1 when unknown. */
int rlh_parse_fail_on(const char *name, fail_on *out);
/* --db, or the default database. */
const char *rlh_db_path(const rl_hist_args *a);
/* Opens the database for reading; NULL after printing why. */
rl_store *rlh_open_for_reading(const char *path);
/* Opens standard output or -o FILE; -1 after printing why. */
int rlh_open_out(const char *path, output *o);
/* Gives up on the output: -o FILE keeps what it held. */
void rlh_drop_out(output *o);
/* Closes the output when ok, else drops it; -1 unless closed whole. */
int rlh_finish_out(output *o, int ok);
/* Parses --format for a history command; -1 after printing why. */
int rlh_out_format(const rl_hist_args *a, int allow_text);
/* The output, format and database of a read-only listing; NULL (printed,
 * output closed) when any fails. */
rl_store *rlh_begin_listing(const rl_hist_args *a, output *out, int *fmt);
/* A run spec ("latest", NULL, or a number) as a run id; -1 with err set. */
int64_t rlh_resolve_run(rl_store *s, const char *spec, const char *what, rl_error *err);
/* Whether a row is suppressed (by its run or the current triage), why
 * (heap text or NULL), and its status: new, open or suppressed. */
int rlh_row_suppressed(const rl_finding_row *r);
char *rlh_row_suppression(const rl_finding_row *r);
const char *rlh_row_status(const rl_finding_row *r);
/* "FILE:LINE:COL" (heap), or NULL without a file. */
char *rlh_position_text(const char *file, int64_t line, int64_t col);
/* "3f2c1a0b9d8e" or "3f2c1a0b9d8e-dirty" (heap); NULL outside git. */
char *rlh_tree_text(const char *revision, int dirty, int dirty_unknown);
/* The JSON report of some findings as a jansson tree, or NULL. */
json_t *rlh_report_json(const rl_run_info *run, const rl_findings *findings);
/* Applies the current triage decision of r to f. */
void rlh_apply_triage(rl_finding *f, const rl_finding_row *r);
/* "FILE:LINE:COL: note: TEXT" after a finding of the text report. */
void rlh_text_note(FILE *out, const rl_finding *f, const char *text);

#endif
