/* Shared by the store's own files: the connection (store.c), the schema
 * (schema.c), the statement helpers (statements.c), runs (runs.c),
 * findings (findings.c), snippets (snippets.c), the facts and results
 * caches (cache.c), schema 7's data step (migrate7.c) and the history
 * queries (query.c). Nothing outside analyzer/store includes this. */
#ifndef RL_STORE_INTERNAL_H
#define RL_STORE_INTERNAL_H
#include "store.h"
#include <jansson.h>
#include <sqlite3.h>

/* The environment variables that override the store's busy and query time
 * limits (store.c); errors that hit a limit name them (statements.c). */
#define RL_BUSY_TIMEOUT_ENV "RACELINT_BUSY_TIMEOUT_MS"
#define RL_QUERY_TIMEOUT_ENV "RACELINT_QUERY_TIMEOUT_MS"

struct rl_store {
    sqlite3 *db;
    char *path;
    int read_only;
    int busy_ms;  /* how long a write waits for another process's lock */
    /* The time bound of every statement (store.c, "Time"): a statement
     * is interrupted once it has run query_ms, not counting the time it
     * waited for another process's lock. */
    int query_ms;
    long long query_start; /* when the current statement started (rl_now_ms) */
    long long waited_ms;   /* how long it has waited for locks so far */
    int timed_out;         /* the last statement was interrupted for its time */
};

/* Starts the time bound of a statement about to run; rls_prepare,
 * rls_exec and rls_step_done call it, rl_store_sql sets its own limit. */
void rls_query_begin(rl_store *s);

/* Each reports errors through rls_db_error, which must run before anything
 * else touches the connection (sqlite3_errmsg is reset by the next call). */
int rls_db_error(rl_store *s, rl_error *err, const char *what);
int rls_no_such_run(rl_store *s, int64_t run_id, rl_error *err);
/* Constant SQL without parameters (transactions, the schema). */
int rls_exec(rl_store *s, const char *sql, const char *what, rl_error *err);
/* Undoes the open transaction, if any, after an error already reported. */
void rls_rollback(rl_store *s);
sqlite3_stmt *rls_prepare(rl_store *s, const char *sql, const char *what, rl_error *err);
/* Executes a bound statement that returns no rows, then resets it. */
int rls_step_done(rl_store *s, sqlite3_stmt *st, const char *what, rl_error *err);
/* Steps a statement expected to return at most one row: 1 row, 0 none, -1 error. */
int rls_step_row(rl_store *s, sqlite3_stmt *st, const char *what, rl_error *err);
/* The single integer a constant query returns (0 when it returns no row). */
int rls_query_int(rl_store *s, const char *sql, int64_t *out, rl_error *err);
/* NULL binds as SQL NULL; the text must live until the statement is reset. */
void rls_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Binds file, line, col at i, i+1, i+2; a NULL pos binds nothing (NULL). */
void rls_bind_position(sqlite3_stmt *st, int i, const rl_position *pos);
/* A heap copy of a text column, NULL for SQL NULL. */
char *rls_column_text(sqlite3_stmt *st, int i);
void rls_column_position(sqlite3_stmt *st, int i, rl_position *pos);
int rls_run_exists(rl_store *s, int64_t run_id, rl_error *err);
/* Reads the columns of the findings/events SELECTs of rl_store_load_findings
 * (RLS_FINDING_COLUMNS, RLS_EVENT_COLUMNS). */
int rls_load_finding(rl_store *s, sqlite3_stmt *st, rl_finding *f, int64_t *id, rl_error *err);
int rls_load_events(rl_store *s, sqlite3_stmt *st, int64_t finding_id, rl_finding *f, rl_error *err);

/* Writes the run's source excerpts (snippets.c): inside the transaction of
 * rl_store_finish_run. */
int rls_insert_snippets(rl_store *s, int64_t run_id, const rl_findings *findings, rl_source_context *const *contexts,
                        rl_error *err);

#define RLS_FINDING_COLUMNS                                                                                   \
    "id, rule, severity, fingerprint, location, message, hint, suppressed, suppression, programs, confidence," \
    " pairs, pairs_total"
#define RLS_EVENT_COLUMNS                                                                            \
    "file, line, col, function, kind, what, thread, spawn_file, spawn_line, spawn_col, multi_instance," \
    " chain, locks"

/* The finding whose event rows finding ?1 shows: its own, or those of the
 * identical finding it shares them with (findings.c, invariant 3). */
#define RLS_EVENTS_OF "(SELECT coalesce(events_of, id) FROM findings WHERE id = ?1)"

#define RLS_RUN_COLUMNS                                                                                   \
    "id, started_at, finished_at, status, tool_version, arguments, directory, git_revision, git_dirty," \
    " files, units_failed, findings, duration_ms, pid, host, baseline, git_branch, config, programs, incomplete," \
    " options"
/* Reads the RLS_RUN_COLUMNS of the current row into out. */
void rls_read_run(sqlite3_stmt *st, rl_run_info *out);

/* The schema version from which race and write-under-read-lock give one
 * finding per location (migrate7.c). */
#define RLS_SCHEMA_LOCATION_FINDINGS 7
/* Gives the per-site findings of those rules that schema 6 and older recorded the
 * fingerprint of their location's finding (rl_location_fingerprint, from
 * the rule, the location and the functions of every finding of that
 * location in the run), keeping the old one in site_fingerprint, and moves
 * triage decisions to the new fingerprints. Inside the migration's
 * transaction. */
int rls_migrate_location_findings(rl_store *s, rl_error *err);

/* rls_migrate's result for an older schema opened read-only. */
#define RLS_OLDER (-2)
/* Brings the schema to RL_STORE_SCHEMA_VERSION (schema.c): 0, -1 with err
 * set, or RLS_OLDER. */
int rls_migrate(rl_store *s, rl_error *err);

/* Compact JSON text of v (which it releases); the caller frees. */
char *rls_json_text(json_t *v);
/* Reads a JSON array of strings column into *names (NULL when empty). */
void rls_read_names(sqlite3_stmt *st, int col, char ***names, size_t *n);
/* Writes a run's findings and their events (findings.c), inside the
 * transaction of the run; contexts may be NULL. */
int rls_insert_findings(rl_store *s, int64_t run_id, const rl_findings *list, rl_source_context *const *contexts,
                        rl_error *err);

/* Whether process pid exists on this host (kill(pid, 0)). */
int rls_process_alive(int64_t pid);

#endif
