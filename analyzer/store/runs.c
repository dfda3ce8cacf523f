/* Runs in the store (store.h): a run recorded whole or in two steps
 * (begun as 'running', then finished or ended), its units and notices,
 * and reading runs and units back. Findings are written and read in
 * findings.c.
 *
 * Invariants:
 *  1. A run's findings, units and final status are written in one
 *     transaction (store.h, invariant 1).
 *  2. A run still 'running' on this host whose process is gone is marked
 *     'incomplete' when another run begins here (mark_stale_runs).
 *  3. Everything read back is a heap copy the caller owns
 *     (rl_run_info_clear, rl_units_free). */
#include "store_internal.h"
#include "../model/finding_json.h"
#include "../util/mem.h"
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Recording a run. */

/* Compact JSON text of v (which it releases); the caller frees. */
char *rls_json_text(json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    return text;
}

/* Binds the columns every write of a run sets, from ?1 on. */
static int bind_run(sqlite3_stmt *st, const rl_run_info *run)
{
    int i = 1;
    rls_bind_text(st, i++, run->started_at);
    rls_bind_text(st, i++, run->finished_at);
    rls_bind_text(st, i++, run->status);
    rls_bind_text(st, i++, run->tool_version);
    rls_bind_text(st, i++, run->arguments);
    rls_bind_text(st, i++, run->directory);
    rls_bind_text(st, i++, run->git_revision);
    /* NULL outside a checkout, or when it could not be told */
    if (run->git_revision && !run->git_dirty_unknown) sqlite3_bind_int(st, i, run->git_dirty != 0);
    i++;
    sqlite3_bind_int64(st, i++, run->files);
    sqlite3_bind_int64(st, i++, run->units_failed);
    sqlite3_bind_int64(st, i++, run->findings);
    sqlite3_bind_int64(st, i++, run->duration_ms);
    if (run->pid) sqlite3_bind_int64(st, i, run->pid);
    i++;
    rls_bind_text(st, i++, run->host);
    rls_bind_text(st, i++, run->baseline);
    rls_bind_text(st, i++, run->git_branch);
    rls_bind_text(st, i++, run->config);
    char *programs = rls_json_text(rl_json_strings((const char *const *)run->programs, run->nprograms));
    sqlite3_bind_text(st, i++, programs ? programs : "[]", -1, SQLITE_TRANSIENT);
    free(programs);
    rls_bind_text(st, i++, run->incomplete);
    rls_bind_text(st, i++, run->options);
    return i;
}

static int insert_run(rl_store *s, const rl_run_info *run, int64_t *id, rl_error *err)
{
    static const char sql[] =
        "INSERT INTO runs (started_at, finished_at, status, tool_version, arguments, directory,"
        " git_revision, git_dirty, files, units_failed, findings, duration_ms, pid, host, baseline, git_branch, config,"
        " programs, incomplete, options) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
        " ?16, ?17, ?18, ?19, ?20)";
    sqlite3_stmt *st = rls_prepare(s, sql, "recording the run", err);
    if (!st) return -1;
    bind_run(st, run);
    int rc = rls_step_done(s, st, "recording the run", err);
    *id = sqlite3_last_insert_rowid(s->db);
    sqlite3_finalize(st);
    return rc;
}

/* Rewrites every column of run run->id. */
static int update_run(rl_store *s, const rl_run_info *run, rl_error *err)
{
    static const char sql[] =
        "UPDATE runs SET started_at = ?1, finished_at = ?2, status = ?3, tool_version = ?4, arguments = ?5,"
        " directory = ?6, git_revision = ?7, git_dirty = ?8, files = ?9, units_failed = ?10, findings = ?11,"
        " duration_ms = ?12, pid = ?13, host = ?14, baseline = ?15, git_branch = ?16, config = ?17, programs = ?18"
        ", incomplete = ?19, options = ?20 WHERE id = ?21";
    sqlite3_stmt *st = rls_prepare(s, sql, "recording the run", err);
    if (!st) return -1;
    int i = bind_run(st, run);
    sqlite3_bind_int64(st, i, run->id);
    int rc = rls_step_done(s, st, "recording the run", err);
    if (rc == 0 && sqlite3_changes(s->db) != 1) rc = rls_no_such_run(s, run->id, err);
    sqlite3_finalize(st);
    return rc;
}

static int insert_notices(rl_store *s, const rl_run_info *run, int64_t run_id, rl_error *err)
{
    static const char sql[] = "INSERT INTO notices (run_id, idx, code, program, message) VALUES (?1, ?2, ?3, ?4, ?5)";
    if (run->nnotices == 0) return 0;
    sqlite3_stmt *st = rls_prepare(s, sql, "recording the notices", err);
    int rc = st ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < run->nnotices; i++) {
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        rls_bind_text(st, 3, run->notices[i].code);
        rls_bind_text(st, 4, run->notices[i].program);
        rls_bind_text(st, 5, run->notices[i].message);
        rc = rls_step_done(s, st, "recording the notices", err);
    }
    sqlite3_finalize(st);
    return rc;
}

static int insert_units(rl_store *s, int64_t run_id, const rl_unit_status *units, size_t nunits, rl_error *err)
{
    static const char sql[] = "INSERT INTO units (run_id, file, status, diagnostics) VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *st = rls_prepare(s, sql, "recording the units", err);
    int rc = st ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < nunits; i++) {
        sqlite3_bind_int64(st, 1, run_id);
        rls_bind_text(st, 2, units[i].file);
        rls_bind_text(st, 3, units[i].status);
        rls_bind_text(st, 4, units[i].diagnostics);
        rc = rls_step_done(s, st, "recording the units", err);
    }
    sqlite3_finalize(st);
    return rc;
}

int rl_store_record_run(rl_store *s, rl_run_info *run, const rl_unit_status *units, size_t nunits,
                        const rl_findings *findings, rl_error *err)
{
    if (s->read_only) return rl_fail(err, "database '%s' is open read-only; cannot record a run", s->path);
    /* IMMEDIATE takes the write lock now, so a parallel job makes us wait
     * (up to the busy timeout) here rather than fail halfway through. */
    if (rls_exec(s, "BEGIN IMMEDIATE", "locking the database", err)) return -1;
    int64_t id = 0;
    int rc = insert_run(s, run, &id, err);
    if (rc == 0) rc = insert_units(s, id, units, nunits, err);
    if (rc == 0) rc = insert_notices(s, run, id, err);
    if (rc == 0 && findings) rc = rls_insert_findings(s, id, findings, NULL, err);
    if (rc == 0) rc = rls_exec(s, "COMMIT", "committing the run", err);
    if (rc) {
        rls_rollback(s);
        return -1;
    }
    run->id = id;
    return 0;
}

/* Marks 'incomplete' the runs still 'running' on this host whose process
 * is gone (killed, or crashed, before finishing). Inside a transaction. */
static int mark_stale_runs(rl_store *s, const char *host, rl_error *err)
{
    if (!host) return 0;
    sqlite3_stmt *st = rls_prepare(s, "SELECT id, pid FROM runs WHERE status = 'running' AND host = ?1 AND pid > 0",
                                   "reading the runs", err);
    sqlite3_stmt *up = st ? rls_prepare(s, "UPDATE runs SET status = 'incomplete' WHERE id = ?1", "marking a run", err)
                          : NULL;
    int rc = up ? 0 : -1, step = SQLITE_DONE;
    if (rc == 0) rls_bind_text(st, 1, host);
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (rls_process_alive(sqlite3_column_int64(st, 1))) continue;
        sqlite3_bind_int64(up, 1, sqlite3_column_int64(st, 0));
        rc = rls_step_done(s, up, "marking a run", err);
    }
    if (rc == 0 && step != SQLITE_DONE) rc = rls_db_error(s, err, "reading the runs");
    sqlite3_finalize(st);
    sqlite3_finalize(up);
    return rc;
}

int rl_store_begin_run(rl_store *s, rl_run_info *run, rl_error *err)
{
    if (s->read_only) return rl_fail(err, "database '%s' is open read-only; cannot record a run", s->path);
    if (rls_exec(s, "BEGIN IMMEDIATE", "locking the database", err)) return -1;
    int64_t id = 0;
    int rc = mark_stale_runs(s, run->host, err);
    if (rc == 0) rc = insert_run(s, run, &id, err);
    if (rc == 0) rc = rls_exec(s, "COMMIT", "committing the run", err);
    if (rc) {
        rls_rollback(s);
        return -1;
    }
    run->id = id;
    return 0;
}

int rl_store_finish_run(rl_store *s, const rl_run_info *run, const rl_unit_status *units, size_t nunits,
                        const rl_findings *findings, rl_source_context *const *contexts, rl_error *err)
{
    if (s->read_only) return rl_fail(err, "database '%s' is open read-only; cannot record a run", s->path);
    if (rls_exec(s, "BEGIN IMMEDIATE", "locking the database", err)) return -1;
    int rc = update_run(s, run, err);
    if (rc == 0) rc = insert_units(s, run->id, units, nunits, err);
    if (rc == 0) rc = insert_notices(s, run, run->id, err);
    if (rc == 0 && findings) rc = rls_insert_findings(s, run->id, findings, contexts, err);
    if (rc == 0 && findings && contexts) rc = rls_insert_snippets(s, run->id, findings, contexts, err);
    if (rc == 0) rc = rls_exec(s, "COMMIT", "committing the run", err);
    if (rc) rls_rollback(s);
    return rc;
}

int rl_store_end_run(rl_store *s, const rl_run_info *run, rl_error *err)
{
    static const char sql[] = "UPDATE runs SET status = ?1, finished_at = ?2, duration_ms = ?3, files = ?4,"
                              " units_failed = ?5 WHERE id = ?6";
    if (s->read_only) return rl_fail(err, "database '%s' is open read-only; cannot record a run", s->path);
    sqlite3_stmt *st = rls_prepare(s, sql, "recording the run", err);
    if (!st) return -1;
    rls_bind_text(st, 1, run->status);
    rls_bind_text(st, 2, run->finished_at);
    sqlite3_bind_int64(st, 3, run->duration_ms);
    sqlite3_bind_int64(st, 4, run->files);
    sqlite3_bind_int64(st, 5, run->units_failed);
    sqlite3_bind_int64(st, 6, run->id);
    int rc = rls_step_done(s, st, "recording the run", err);
    sqlite3_finalize(st);
    return rc;
}

/* ------------------------------------------------------------------------
 * Reading back. */

int64_t rl_store_latest_run(rl_store *s, rl_error *err)
{
    return rl_store_latest_complete_run(s, err);
}

/* A JSON array of names stored by racelint (runs.programs,
 * findings.programs); anything else in the column (NULL before schema 5,
 * or a value that is not an array of strings) reads as no names. */
void rls_read_names(sqlite3_stmt *st, int col, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    const char *text = (const char *)sqlite3_column_text(st, col);
    json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
    size_t len = json_is_array(arr) ? json_array_size(arr) : 0;
    if (len) *names = rl_xcalloc(len, sizeof **names);
    for (size_t i = 0; i < len; i++) {
        const char *v = json_string_value(json_array_get(arr, i));
        if (v) (*names)[(*n)++] = rl_xstrdup(v);
    }
    json_decref(arr);
}

void rls_read_run(sqlite3_stmt *st, rl_run_info *out)
{
    int i = 0;
    out->id = sqlite3_column_int64(st, i++);
    out->started_at = rls_column_text(st, i++);
    out->finished_at = rls_column_text(st, i++);
    out->status = rls_column_text(st, i++);
    out->tool_version = rls_column_text(st, i++);
    out->arguments = rls_column_text(st, i++);
    out->directory = rls_column_text(st, i++);
    out->git_revision = rls_column_text(st, i++);
    out->git_dirty_unknown = out->git_revision && sqlite3_column_type(st, i) == SQLITE_NULL;
    out->git_dirty = sqlite3_column_int(st, i++) != 0;
    out->files = sqlite3_column_int64(st, i++);
    out->units_failed = sqlite3_column_int64(st, i++);
    out->findings = sqlite3_column_int64(st, i++);
    out->duration_ms = sqlite3_column_int64(st, i++);
    out->pid = sqlite3_column_int64(st, i++);
    out->host = rls_column_text(st, i++);
    out->baseline = rls_column_text(st, i++);
    out->git_branch = rls_column_text(st, i++);
    out->config = rls_column_text(st, i++);
    rls_read_names(st, i++, &out->programs, &out->nprograms);
    out->incomplete = rls_column_text(st, i++);
    out->options = rls_column_text(st, i++);
}

/* The notices of run out->id, in order. */
static int read_notices(rl_store *s, rl_run_info *out, rl_error *err)
{
    static const char sql[] = "SELECT code, program, message FROM notices WHERE run_id = ?1 ORDER BY idx";
    sqlite3_stmt *st = rls_prepare(s, sql, "reading the notices", err);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, out->id);
    int rc, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        RL_GROW(out->notices, cap, out->nnotices + 1);
        rl_notice *n = &out->notices[out->nnotices++];
        n->code = rls_column_text(st, 0);
        n->program = rls_column_text(st, 1);
        n->message = rls_column_text(st, 2);
        if (!n->code) n->code = rl_xstrdup("");
        if (!n->message) n->message = rl_xstrdup("");
    }
    int ok = rc == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok ? 0 : rls_db_error(s, err, "reading the notices");
}

/* The units of run out->id that did not parse cleanly, in order. */
static int read_parse_failures(rl_store *s, rl_run_info *out, rl_error *err)
{
    rl_unit_status *units = NULL;
    size_t nunits = 0;
    if (rl_store_load_units(s, out->id, &units, &nunits, err) != 0) return -1;
    rl_run_set_parse_failures(out, units, nunits);
    rl_units_free(units, nunits);
    return 0;
}

void rl_run_set_parse_failures(rl_run_info *run, const rl_unit_status *units, size_t nunits)
{
    for (size_t i = 0; i < nunits; i++) {
        if (!rl_unit_status_phrase(units[i].status)) continue;
        run->parse_failures = rl_xrealloc(run->parse_failures, (run->nparse_failures + 1) * sizeof *run->parse_failures);
        rl_unit_status *u = &run->parse_failures[run->nparse_failures++];
        u->file = rl_xstrdup(units[i].file ? units[i].file : "");
        u->status = rl_xstrdup(units[i].status);
        u->diagnostics = units[i].diagnostics ? rl_xstrdup(units[i].diagnostics) : NULL;
    }
}

int rl_store_get_run(rl_store *s, int64_t run_id, rl_run_info *out, rl_error *err)
{
    static const char sql[] =
        "SELECT " RLS_RUN_COLUMNS " FROM runs WHERE id = ?1";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = rls_prepare(s, sql, "reading a run", err);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    int found = rls_step_row(s, st, "reading a run", err);
    if (found == 1) {
        rls_read_run(st, out);
    }
    sqlite3_finalize(st);
    if (found == 0) return rls_no_such_run(s, run_id, err);
    if (found < 0) return -1;
    if (read_notices(s, out, err) != 0) return -1;
    return read_parse_failures(s, out, err);
}

int rls_run_exists(rl_store *s, int64_t run_id, rl_error *err)
{
    sqlite3_stmt *st = rls_prepare(s, "SELECT 1 FROM runs WHERE id = ?1", "reading a run", err);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    int found = rls_step_row(s, st, "reading a run", err);
    sqlite3_finalize(st);
    if (found == 0) return rls_no_such_run(s, run_id, err);
    return found < 0 ? -1 : 0;
}

int rl_store_load_units(rl_store *s, int64_t run_id, rl_unit_status **units, size_t *nunits, rl_error *err)
{
    static const char sql[] = "SELECT file, status, diagnostics FROM units WHERE run_id = ?1 ORDER BY rowid";
    *units = NULL;
    *nunits = 0;
    if (rls_run_exists(s, run_id, err)) return -1;
    sqlite3_stmt *st = rls_prepare(s, sql, "reading the units", err);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        RL_GROW(*units, cap, *nunits + 1);
        rl_unit_status *u = &(*units)[(*nunits)++];
        u->file = rls_column_text(st, 0);
        u->status = rls_column_text(st, 1);
        u->diagnostics = rls_column_text(st, 2);
    }
    rc = rc == SQLITE_DONE ? 0 : rls_db_error(s, err, "reading the units");
    sqlite3_finalize(st);
    if (rc) {
        rl_units_free(*units, *nunits);
        *units = NULL;
        *nunits = 0;
    }
    return rc;
}

void rl_units_free(rl_unit_status *units, size_t nunits)
{
    for (size_t i = 0; i < nunits; i++) rl_unit_status_clear(&units[i]);
    free(units);
}

void rl_run_info_clear(rl_run_info *run)
{
    free(run->started_at);
    free(run->finished_at);
    free(run->status);
    free(run->tool_version);
    free(run->arguments);
    free(run->directory);
    free(run->git_revision);
    free(run->host);
    free(run->baseline);
    free(run->git_branch);
    free(run->config);
    free(run->incomplete);
    free(run->options);
    rl_units_free(run->parse_failures, run->nparse_failures);
    rl_notices_free(run->notices, run->nnotices);
    for (size_t i = 0; i < run->nprograms; i++) free(run->programs[i]);
    free(run->programs);
    memset(run, 0, sizeof *run);
}

const char *rl_unit_status_phrase(const char *status)
{
    if (!status || strcmp(status, "ok") == 0 || strcmp(status, "cached") == 0) return NULL;
    if (strcmp(status, "failed") == 0) return "could not be parsed";
    if (strcmp(status, "skipped") == 0) return "was skipped";
    return "parsed with errors; what parsed was analysed";
}

char *rl_unit_first_error(const rl_unit_status *u)
{
    if (!u->diagnostics || !u->diagnostics[0]) return NULL;
    return rl_xstrndup(u->diagnostics, strcspn(u->diagnostics, "\n"));
}

void rl_unit_status_clear(rl_unit_status *u)
{
    free(u->file);
    free(u->status);
    free(u->diagnostics);
    memset(u, 0, sizeof *u);
}
