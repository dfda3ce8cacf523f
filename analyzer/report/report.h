/* Reports: render findings for people (compiler-style text, HTML) and for
 * tools (JSON, SARIF, code quality). Reports never analyse; they only
 * format what the rules found. What the report files share among
 * themselves, and nobody else needs, is in report_internal.h. */
#ifndef RL_REPORT_H
#define RL_REPORT_H
#include "../model/finding.h"
#include "../store/store.h"
#include <stdio.h>

/* The "version" of the JSON document (docs/json-format.md). Adding fields
 * keeps it; removing, renaming or changing the meaning of one bumps it. */
#define RL_JSON_FORMAT_VERSION 1

typedef enum rl_format { RL_FORMAT_TEXT, RL_FORMAT_JSON, RL_FORMAT_SARIF, RL_FORMAT_CODEQUALITY } rl_format;

/* Parses "text"/"json"/"sarif"/"codequality"; -1 when unknown. */
int rl_format_parse(const char *name);

/* Compiler-style diagnostics: one warning line per finding, then a note per
 * event (thread, call chain, locks held). */
void rl_report_text(FILE *out, const rl_findings *findings);

/* The JSON document described in docs/json-format.md. run may be NULL. */
int rl_report_json(FILE *out, const rl_run_info *run, const rl_findings *findings, rl_error *err);

/* ---- SARIF 2.1.0 (sarif.c, docs/sarif.md), GitLab code quality (codequality.c) ---- */

/* The tool's home page, as SARIF's tool.driver.informationUri. */
#ifndef RL_INFORMATION_URI
#define RL_INFORMATION_URI "https://github.com/racelint/racelint"
#endif
/* The uriBaseId of paths under the source root (CodeQL's name for it). */
#define RL_SARIF_SRCROOT "%SRCROOT%"

typedef struct rl_sarif_options {
    const char *src_root;          /* paths are made relative to it; NULL: the current folder */
    const rl_unit_status *units;   /* the run's units, for parse-failure notifications; may be NULL */
    size_t nunits;
    const rl_findings *baseline;   /* when set, every result gets a baselineState against it */
    int incomplete;                /* the analysis did not complete (exit code 3) */
} rl_sarif_options;

/* A SARIF 2.1.0 log with one run: the rules of rl_checks[], one result per
 * finding. run and opts may be NULL. */
int rl_report_sarif(FILE *out, const rl_run_info *run, const rl_findings *findings, const rl_sarif_options *opts,
                    rl_error *err);

/* A GitLab code quality report (a JSON array of issues) of the unsuppressed
 * findings. Uses opts->src_root only. */
int rl_report_codequality(FILE *out, const rl_run_info *run, const rl_findings *findings,
                          const rl_sarif_options *opts, rl_error *err);

/* ---- paths (paths.c) ---- */

/* `file` as reports show it: relative to src_root (NULL: the current
 * folder) when it lies inside it, else absolute. A relative `file` is
 * taken relative to base_dir (the run's directory; NULL: the current
 * folder). Sets *inside accordingly (inside may be NULL). Heap string. */
char *rl_report_path(const char *file, const char *base_dir, const char *src_root, int *inside);

/* ---- HTML (html.c, docs/html-report.md) ---- */

typedef struct rl_html_input {
    const rl_run_info *run;                /* the run shown */
    const rl_findings *findings;           /* its findings */
    const rl_unit_status *units;           /* its units (may be NULL) */
    size_t nunits;
    const rl_run_info *previous;           /* the run before it, NULL if none */
    const rl_findings *previous_findings;  /* its findings, NULL if none */
    const char *src_root;                  /* for display paths; NULL: the current folder */
    const rl_snippets *snippets;           /* the run's source excerpts; NULL or empty: none stored */
} rl_html_input;

/* One self-contained HTML page (inline CSS and script, no network): a
 * summary, then the findings with filters, search, sorting, grouping and
 * pages. Source is shown only from the excerpts stored with the run (never
 * today's files); a run without them is said so. Every text from the
 * sources or the database is HTML-escaped. */
int rl_report_html(FILE *out, const rl_html_input *in, rl_error *err);

#endif
