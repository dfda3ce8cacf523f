/* The findings store: one SQLite database holding every run and its
 * findings. Only this module includes sqlite3.h.
 *
 * Invariants:
 *  1. A run is written in one transaction (rl_store_record_run): a crash
 *     leaves the previous state intact; there is never a half-written run.
 *  2. The schema version lives in PRAGMA user_version; opening a database
 *     made by a newer racelint fails with a message, an older one is
 *     migrated forward in place, keeping its data.
 *  3. WAL mode and a busy timeout let parallel CI jobs share one file.
 *  4. Every statement binds its parameters; no SQL is built from input. */
#ifndef RL_STORE_H
#define RL_STORE_H
#include "../model/finding.h"
#include "../util/error.h"
#include <stdint.h>

typedef struct rl_store rl_store;

/* How one translation unit fared. */
typedef struct rl_unit_status {
    char *file;
    char *status;       /* "ok", "errors" (parsed with errors), "failed", "cached" */
    char *diagnostics;  /* first diagnostics, newline separated; may be NULL */
} rl_unit_status;

typedef struct rl_run_info {
    int64_t id;            /* filled by rl_store_record_run / read back */
    char *started_at;      /* ISO-8601 UTC */
    char *finished_at;
    char *status;          /* "complete", "interrupted", "failed" */
    char *tool_version;
    char *arguments;       /* the command line, as a JSON array */
    char *directory;       /* the current directory of the run */
    char *git_revision;    /* NULL outside a git checkout */
    int git_dirty;
    int64_t files;
    int64_t units_failed;
    int64_t findings;
    int64_t duration_ms;
} rl_run_info;

/* Opens (creating if needed, with parent folder required to exist). */
rl_store *rl_store_open(const char *path, int read_only, rl_error *err);
void rl_store_close(rl_store *store);

/* Writes a run, its unit statuses and findings in one transaction; sets
 * run->id. */
int rl_store_record_run(rl_store *store, rl_run_info *run, const rl_unit_status *units, size_t nunits,
                        const rl_findings *findings, rl_error *err);

/* Id of the latest run, 0 if there is none, -1 on error. */
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

#define RL_STORE_SCHEMA_VERSION 1

#endif
