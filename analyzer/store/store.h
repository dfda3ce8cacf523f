/* The findings store: one SQLite database holding every run and its
 * findings. Only this module includes sqlite3.h.
 *
 * Invariants:
 *  1. A run is written in one transaction (rl_store_record_run): a crash
 *     leaves the previous state intact; there is never a half-written run.
 *  2. The schema version lives in PRAGMA user_version; opening a database
 *     made by a newer racelint fails with a message, an older one is
 *     migrated forward in place, keeping its data.
 *  3. WAL mode and a busy timeout let parallel CI jobs share one file; a
 *     writer syncs at checkpoints only (synchronous NORMAL): a power cut
 *     may lose the last runs, never corrupt the file.
 *  4. Every statement binds its parameters; no SQL is built from input
 *     (rl_store_sql runs the user's own read-only query, under an
 *     authorizer).
 *  5. `racelint check` writes a run in two steps: rl_store_begin_run
 *     inserts it as 'running', rl_store_finish_run adds its findings and
 *     final status in one transaction. A process killed in between leaves a
 *     'running' row that readers show as 'incomplete'.
 *  6. A database is untrusted input: a path that is not a regular file, and
 *     a file holding schema objects racelint did not create, are refused;
 *     every connection disables triggers, extensions and fts3_tokenizer();
 *     every statement is time-bounded (RACELINT_QUERY_TIMEOUT_MS). */
#ifndef RL_STORE_H
#define RL_STORE_H
#include "../model/finding.h"
#include "../util/error.h"
#include "table.h"
#include <stddef.h>
#include <stdint.h>

typedef struct rl_store rl_store;

/* How one translation unit fared. */
typedef struct rl_unit_status {
    char *file;
    char *status;       /* "ok", "errors" (parsed with errors), "failed", "cached",
                           "skipped" (stopped by a time or memory limit, or a crash) */
    char *diagnostics;  /* first diagnostics, newline separated; may be NULL */
} rl_unit_status;

/* How reports say what happened to a unit: NULL when it parsed cleanly
 * (ok or cached), else a phrase such as "could not be parsed". */
const char *rl_unit_status_phrase(const char *status);
/* The first line of a unit's diagnostics, its first error (heap), or NULL
 * when it has none. */
char *rl_unit_first_error(const rl_unit_status *u);

typedef struct rl_run_info {
    int64_t id;            /* filled by rl_store_record_run / read back */
    char *started_at;      /* ISO-8601 UTC */
    char *finished_at;
    char *status;          /* "complete", "interrupted", "failed" */
    char *tool_version;
    char *arguments;       /* the command line, as a JSON array */
    char *directory;       /* the current directory of the run */
    char *git_revision;    /* NULL outside a git checkout */
    int git_dirty;         /* 1 uncommitted changes, 0 none (see git_dirty_unknown) */
    int64_t files;
    int64_t units_failed;
    int64_t findings;
    int64_t duration_ms;
    /* Schema 2. */
    int git_dirty_unknown; /* in a checkout, but whether it is dirty is unknown */
    int64_t pid;           /* process that made the run (0: not recorded) */
    char *host;            /* host name it ran on */
    char *baseline;        /* the --baseline it was checked against, or NULL */
    /* Schema 4. */
    char *git_branch;      /* branch checked out; NULL when detached or outside git */
    char *config;          /* the project config (.racelint.yaml) the run used, or NULL */
    /* Schema 5: what the analysis said besides findings (owned). */
    rl_notice *notices;    /* limits hit, programs without threads */
    size_t nnotices;
    char **programs;       /* names of the programs analysed */
    size_t nprograms;
    /* Schema 6 (owned). */
    char *incomplete;      /* why the analysis is incomplete (exit 3); NULL when complete */
    rl_unit_status *parse_failures; /* the units that did not parse cleanly (from the units table) */
    size_t nparse_failures;
    /* Schema 9 (owned). */
    char *options;         /* the rule options in effect, a JSON object
                              {"race.volatile": "report", ...}; NULL before */
} rl_run_info;

/* Appends to run->parse_failures copies of the units that did not parse
 * cleanly (rl_unit_status_phrase not NULL). */
void rl_run_set_parse_failures(rl_run_info *run, const rl_unit_status *units, size_t nunits);

/* How rl_store_open opens the file. */
enum {
    RL_STORE_WRITE = 0,     /* read-write, created if missing, upgraded if older */
    RL_STORE_READ_ONLY = 1, /* read-only; an older schema is an error */
    RL_STORE_READ = 2       /* read-only, but an older schema is first upgraded
                               (a short read-write open) when the file allows */
};

/* Opens (creating if needed, with parent folder required to exist). */
rl_store *rl_store_open(const char *path, int mode, rl_error *err);
void rl_store_close(rl_store *store);
const char *rl_store_path(const rl_store *store);

/* Writes a run, its unit statuses and findings in one transaction; sets
 * run->id. */
int rl_store_record_run(rl_store *store, rl_run_info *run, const rl_unit_status *units, size_t nunits,
                        const rl_findings *findings, rl_error *err);

/* Id of the latest complete run (runs still running, interrupted, killed
 * or failed have no findings to show), 0 if there is none, -1 on error. */
int64_t rl_store_latest_run(rl_store *store, rl_error *err);
/* Reads one run's metadata; the caller frees with rl_run_info_clear. */
int rl_store_get_run(rl_store *store, int64_t run_id, rl_run_info *out, rl_error *err);
/* Reads back the findings of a run, events included (same shape as written). */
int rl_store_load_findings(rl_store *store, int64_t run_id, rl_findings *out, rl_error *err);

/* Reads back the unit statuses of a run, in the order written; the caller
 * frees them with rl_units_free. */
int rl_store_load_units(rl_store *store, int64_t run_id, rl_unit_status **units, size_t *nunits, rl_error *err);
void rl_units_free(rl_unit_status *units, size_t nunits);

void rl_run_info_clear(rl_run_info *run);
void rl_unit_status_clear(rl_unit_status *u);

/* ------------------------------------------------------------------------
 * Runs of `racelint check` (schema 2). */

/* Source lines around an event, read when the run was checked. */
typedef struct rl_source_context {
    unsigned first_line; /* line number of the first line of text */
    char *text;          /* the lines, '\n'-separated; NULL when unknown */
} rl_source_context;

/* Inserts run (status 'running', with run->pid and run->host) in its own
 * short transaction and sets run->id. Also marks 'incomplete' the
 * 'running' runs of this host whose process no longer exists. */
int rl_store_begin_run(rl_store *store, rl_run_info *run, rl_error *err);
/* In one transaction: updates run run->id with every field of run (status,
 * counts, times) and writes its units and findings. contexts, when not
 * NULL, holds for finding i an array of its nevents contexts (or NULL). */
int rl_store_finish_run(rl_store *store, const rl_run_info *run, const rl_unit_status *units, size_t nunits,
                        const rl_findings *findings, rl_source_context *const *contexts, rl_error *err);
/* Updates only status, finished_at, duration_ms and units counts of run
 * run->id (an interrupted or failed run). */
int rl_store_end_run(rl_store *store, const rl_run_info *run, rl_error *err);

/* Latest run with status 'complete'; 0 if none, -1 on error. */
int64_t rl_store_latest_complete_run(rl_store *store, rl_error *err);
/* The complete run before run_id (0 if none), -1 on error. */
int64_t rl_store_previous_complete_run(rl_store *store, int64_t run_id, rl_error *err);

/* Every run, oldest first. A 'running' run whose process is gone (same
 * host, no such pid) is reported with status 'incomplete'. */
int rl_store_list_runs(rl_store *store, rl_run_info **runs, size_t *nruns, rl_error *err);
void rl_runs_free(rl_run_info *runs, size_t nruns);

/* One stored finding as the history commands list it. */
typedef struct rl_finding_row {
    int64_t id, run_id;
    char *rule, *severity, *fingerprint, *location, *message, *hint;
    char *file;
    int64_t line, col;
    int suppressed;      /* as recorded by the run (source comment, triage) */
    char *suppression;
    int in_other;        /* the fingerprint is also in the other run asked about */
    char *triage;        /* current triage decision of the fingerprint, or NULL */
    char *triage_note;
    /* Filled by rl_store_fingerprint_history only. */
    char *run_started_at, *run_status, *run_git_revision;
    int run_git_dirty;   /* -1 unknown */
} rl_finding_row;

/* The findings of run_id in report order, each with in_other set when
 * other_run_id (0: none) has a finding with the same fingerprint. */
int rl_store_finding_rows(rl_store *store, int64_t run_id, int64_t other_run_id, rl_finding_row **rows,
                          size_t *nrows, rl_error *err);
/* Every occurrence of a fingerprint, oldest run first, with run details. */
int rl_store_fingerprint_history(rl_store *store, const char *fingerprint, rl_finding_row **rows, size_t *nrows,
                                 rl_error *err);
void rl_finding_rows_free(rl_finding_row *rows, size_t nrows);
void rl_finding_row_clear(rl_finding_row *row);

/* Resolves what a user typed to name a finding: a finding id (digits), a
 * fingerprint (16 hex digits) or a unique fingerprint prefix (at least 4
 * hex digits). Sets *finding_id (for a fingerprint: its latest
 * occurrence) and fingerprint. */
int rl_store_resolve_finding(rl_store *store, const char *spec, int64_t *finding_id, char fingerprint[17],
                             rl_error *err);
/* Appends to out one finding with its events, and sets *contexts (an
 * array of its nevents source contexts, entries may have NULL text) and
 * its row. */
int rl_store_load_finding(rl_store *store, int64_t finding_id, rl_findings *out, rl_finding_row *row,
                          rl_source_context **contexts, rl_error *err);
void rl_source_contexts_free(rl_source_context *contexts, size_t n);

/* Triage decisions: an append-only log; the latest per fingerprint counts. */
typedef struct rl_triage {
    int64_t id;
    char *fingerprint, *decision, *note, *decided_at, *author;
    int64_t run_id;      /* run of the finding it was made on (0: unknown) */
} rl_triage;

/* "false-positive", "intended" or "confirmed". */
int rl_triage_decision_valid(const char *decision);
/* Decisions that suppress a finding: false-positive, intended. */
int rl_triage_suppresses(const char *decision);
int rl_store_add_triage(rl_store *store, const rl_triage *t, rl_error *err);
/* The decisions on one fingerprint (oldest first), or with fingerprint
 * NULL the current decision of every fingerprint. */
int rl_store_load_triage(rl_store *store, const char *fingerprint, rl_triage **out, size_t *n, rl_error *err);
void rl_triage_free(rl_triage *t, size_t n);

/* Fingerprints of a run's findings, sorted, for baselines. */
int rl_store_run_fingerprints(rl_store *store, int64_t run_id, char ***fps, size_t *n, rl_error *err);

/* ------------------------------------------------------------------------
 * Source excerpts of a run (schema 6, snippets.c): what the HTML report
 * shows around each event. rl_store_finish_run stores them from its
 * contexts. */

/* New excerpt text one run may add to the database. */
#define RL_SNIPPETS_MAX_RUN_BYTES ((size_t)16 << 20)

typedef struct rl_snippet {
    char *file;          /* as the events name it */
    unsigned line;       /* the event's line */
    unsigned first_line; /* line number of the first line of text */
    char *text;          /* the lines, '\n'-separated */
} rl_snippet;

typedef struct rl_snippets {
    rl_snippet *items;   /* sorted by file, line */
    size_t len;
} rl_snippets;

/* The excerpts of a run; none (len 0) for a run recorded before schema 6. */
int rl_store_load_snippets(rl_store *store, int64_t run_id, rl_snippets *out, rl_error *err);
/* The excerpt around line of file, or NULL. */
const rl_snippet *rl_snippets_find(const rl_snippets *list, const char *file, unsigned line);
void rl_snippets_free(rl_snippets *list);

/* ------------------------------------------------------------------------
 * `racelint sql`: the user's own SELECT, on a store opened read-only. An
 * authorizer allows only reading (SELECT, reads, an allowlist of ordinary
 * SQL functions, json_each and json_tree, recursive CTEs and a list of
 * informational PRAGMAs) and names what it refused; one statement; at most
 * max_rows rows (*truncated set when there were more) and timeout_ms of
 * work (0: the store's bound of every query, RACELINT_QUERY_TIMEOUT_MS).
 * A NUL byte in text is returned as \x00. */
int rl_store_sql(rl_store *store, const char *sql, size_t max_rows, long timeout_ms, rl_table *out, int *truncated,
                 rl_error *err);

/* ------------------------------------------------------------------------
 * The facts cache (schema 3): one blob per translation unit. */

/* Sets *blob (heap, caller frees) and *len to what is stored for file
 * under key: 1 found, 0 none (or stored under another key), -1 error. */
int rl_store_cache_get(rl_store *store, const char *file, const char *key, void **blob, size_t *len, rl_error *err);
/* Replaces the entry of file. files: its 'HASH PATH' lines; digest: 16
 * hex digits, rl_facts_digest of the blob (schema 10), or NULL. */
int rl_store_cache_put(rl_store *store, const char *file, const char *key, const char *files, const char *digest,
                       const void *blob, size_t len, rl_error *err);
/* What is stored for file under key, without the facts themselves:
 * *files (its 'HASH PATH' lines) and *digest (16 hex digits), heap
 * copies. 1 found with a digest, 0 none (or none recorded: a row written
 * before schema 10), -1 error. */
int rl_store_cache_probe(rl_store *store, const char *file, const char *key, char **files, char **digest,
                         rl_error *err);
/* The results cache (schema 8, results.h): the results stored for key
 * (*blob a heap copy, NULL when none; returns 1 found, 0 not, -1 error),
 * and storing them, keeping the newest RL_STORE_RESULTS_KEPT. */
#define RL_STORE_RESULTS_KEPT 4
int rl_store_results_get(rl_store *store, const char *key, void **blob, size_t *len, rl_error *err);
int rl_store_results_put(rl_store *store, const char *key, const void *blob, size_t len, rl_error *err);
/* Groups puts in one transaction. */
int rl_store_cache_begin(rl_store *store, rl_error *err);
int rl_store_cache_commit(rl_store *store, rl_error *err);

#define RL_STORE_SCHEMA_VERSION 11

#endif
