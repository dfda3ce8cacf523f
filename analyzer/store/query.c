/* Reading the findings history (store.h, schema 2): runs with their
 * effective status, findings compared across runs, one fingerprint's
 * history, triage decisions, and the read-only `racelint sql`. Every
 * statement is constant text with bound values, except rl_store_sql, which
 * runs the user's query under an authorizer that only allows reading. */
#include "store_internal.h"
#include "../util/mem.h"
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>

#define FINGERPRINT_HEX 16
#define MIN_FINGERPRINT_PREFIX 4
#define MAX_AMBIGUOUS_SHOWN 5
#define HOST_NAME_BYTES 256

/* `racelint sql` limits (besides the row cap and the time budget). */
#define SQL_MAX_TEXT_BYTES (16 * 1024 * 1024)
#define SQL_MAX_QUERY_BYTES (100 * 1000)
#define SQL_MAX_COLUMNS 500

int rls_process_alive(int64_t pid)
{
    if (pid <= 0 || pid != (int64_t)(pid_t)pid) return 0;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* This host's name (the runs.host of runs made here), or NULL. */
static char *this_host(void)
{
    char name[HOST_NAME_BYTES];
    if (gethostname(name, sizeof name) != 0) return NULL;
    name[sizeof name - 1] = '\0';
    return rl_xstrdup(name);
}

/* Runs a query returning one integer with one bound integer (or none). */
static int64_t query_id(rl_store *s, const char *sql, int64_t arg, rl_error *err)
{
    sqlite3_stmt *st = rls_prepare(s, sql, "reading the runs", err);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, arg);
    int found = rls_step_row(s, st, "reading the runs", err);
    int64_t id = found == 1 ? sqlite3_column_int64(st, 0) : found == 0 ? 0 : -1;
    sqlite3_finalize(st);
    return id;
}

int64_t rl_store_latest_complete_run(rl_store *s, rl_error *err)
{
    return query_id(s, "SELECT coalesce(max(id), 0) FROM runs WHERE status = 'complete' AND ?1 = ?1", 0, err);
}

int64_t rl_store_previous_complete_run(rl_store *s, int64_t run_id, rl_error *err)
{
    return query_id(s, "SELECT coalesce(max(id), 0) FROM runs WHERE status = 'complete' AND id < ?1", run_id, err);
}

int rl_store_list_runs(rl_store *s, rl_run_info **runs, size_t *nruns, rl_error *err)
{
    *runs = NULL;
    *nruns = 0;
    sqlite3_stmt *st = rls_prepare(s, "SELECT " RLS_RUN_COLUMNS " FROM runs ORDER BY id", "reading the runs", err);
    if (!st) return -1;
    char *host = this_host();
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        RL_GROW(*runs, cap, *nruns + 1);
        rl_run_info *r = &(*runs)[(*nruns)++];
        memset(r, 0, sizeof *r);
        rls_read_run(st, r);
        /* Killed before it finished: nothing will ever complete it. */
        if (r->status && strcmp(r->status, "running") == 0 && host && r->host && strcmp(host, r->host) == 0 &&
            !rls_process_alive(r->pid)) {
            free(r->status);
            r->status = rl_xstrdup("incomplete");
        }
    }
    free(host);
    rc = rc == SQLITE_DONE ? 0 : rls_db_error(s, err, "reading the runs");
    sqlite3_finalize(st);
    if (rc) {
        rl_runs_free(*runs, *nruns);
        *runs = NULL;
        *nruns = 0;
    }
    return rc;
}

void rl_runs_free(rl_run_info *runs, size_t nruns)
{
    for (size_t i = 0; i < nruns; i++) rl_run_info_clear(&runs[i]);
    free(runs);
}

/* ------------------------------------------------------------------------
 * Finding rows. */

#define ROW_SELECT                                                                                        \
    "SELECT f.id, f.run_id, f.rule, f.severity, f.fingerprint, f.location, f.message, f.hint, f.file,"   \
    " f.line, f.col, f.suppressed, f.suppression,"                                                         \
    " EXISTS (SELECT 1 FROM findings AS o WHERE o.run_id = ?2 AND o.fingerprint = f.fingerprint),"       \
    " t.decision, t.note, r.started_at, r.status, r.git_revision, r.git_dirty"                           \
    " FROM findings AS f JOIN runs AS r ON r.id = f.run_id"                                              \
    " LEFT JOIN triage_current AS t ON t.fingerprint = f.fingerprint "

static void read_row(sqlite3_stmt *st, rl_finding_row *r)
{
    int i = 0;
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, i++);
    r->run_id = sqlite3_column_int64(st, i++);
    r->rule = rls_column_text(st, i++);
    r->severity = rls_column_text(st, i++);
    r->fingerprint = rls_column_text(st, i++);
    r->location = rls_column_text(st, i++);
    r->message = rls_column_text(st, i++);
    r->hint = rls_column_text(st, i++);
    r->file = rls_column_text(st, i++);
    r->line = sqlite3_column_int64(st, i++);
    r->col = sqlite3_column_int64(st, i++);
    r->suppressed = sqlite3_column_int(st, i++) != 0;
    r->suppression = rls_column_text(st, i++);
    r->in_other = sqlite3_column_int(st, i++) != 0;
    r->triage = rls_column_text(st, i++);
    r->triage_note = rls_column_text(st, i++);
    r->run_started_at = rls_column_text(st, i++);
    r->run_status = rls_column_text(st, i++);
    r->run_git_revision = rls_column_text(st, i++);
    r->run_git_dirty = sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int(st, i);
    i++;
}

void rl_finding_row_clear(rl_finding_row *r)
{
    free(r->rule);
    free(r->severity);
    free(r->fingerprint);
    free(r->location);
    free(r->message);
    free(r->hint);
    free(r->file);
    free(r->suppression);
    free(r->triage);
    free(r->triage_note);
    free(r->run_started_at);
    free(r->run_status);
    free(r->run_git_revision);
    memset(r, 0, sizeof *r);
}

void rl_finding_rows_free(rl_finding_row *rows, size_t nrows)
{
    for (size_t i = 0; i < nrows; i++) rl_finding_row_clear(&rows[i]);
    free(rows);
}

/* Steps a prepared, bound ROW_SELECT statement into rows; finalizes it. */
static int collect_rows(rl_store *s, sqlite3_stmt *st, rl_finding_row **rows, size_t *nrows, rl_error *err)
{
    size_t cap = 0;
    int rc;
    *rows = NULL;
    *nrows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        RL_GROW(*rows, cap, *nrows + 1);
        read_row(st, &(*rows)[(*nrows)++]);
    }
    rc = rc == SQLITE_DONE ? 0 : rls_db_error(s, err, "reading the findings");
    sqlite3_finalize(st);
    if (rc) {
        rl_finding_rows_free(*rows, *nrows);
        *rows = NULL;
        *nrows = 0;
    }
    return rc;
}

int rl_store_finding_rows(rl_store *s, int64_t run_id, int64_t other_run_id, rl_finding_row **rows, size_t *nrows,
                          rl_error *err)
{
    *rows = NULL;
    *nrows = 0;
    if (rls_run_exists(s, run_id, err)) return -1;
    sqlite3_stmt *st = rls_prepare(s, ROW_SELECT "WHERE f.run_id = ?1 ORDER BY f.id", "reading the findings", err);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, other_run_id);
    return collect_rows(s, st, rows, nrows, err);
}

int rl_store_fingerprint_history(rl_store *s, const char *fingerprint, rl_finding_row **rows, size_t *nrows,
                                 rl_error *err)
{
    sqlite3_stmt *st =
        rls_prepare(s, ROW_SELECT "WHERE f.fingerprint = ?1 ORDER BY f.run_id, f.id", "reading the findings", err);
    if (!st) return -1;
    rls_bind_text(st, 1, fingerprint);
    sqlite3_bind_int64(st, 2, 0);
    return collect_rows(s, st, rows, nrows, err);
}

/* ------------------------------------------------------------------------
 * One finding. */

static int is_all(const char *s, int (*pred)(int))
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!pred((unsigned char)*s)) return 0;
    return 1;
}

static int by_fingerprint(rl_store *s, const char *spec, int64_t *finding_id, char fingerprint[17], rl_error *err)
{
    size_t n = strlen(spec);
    char prefix[FINGERPRINT_HEX + 1];
    for (size_t i = 0; i <= n; i++) prefix[i] = (char)tolower((unsigned char)spec[i]);
    sqlite3_stmt *st = rls_prepare(s,
                                   "SELECT fingerprint, max(id) FROM findings WHERE substr(fingerprint, 1, ?2) = ?1"
                                   " GROUP BY fingerprint ORDER BY fingerprint LIMIT ?3",
                                   "looking up the finding", err);
    if (!st) return -1;
    rls_bind_text(st, 1, prefix);
    sqlite3_bind_int64(st, 2, (int64_t)n);
    sqlite3_bind_int(st, 3, MAX_AMBIGUOUS_SHOWN + 1);
    char found[MAX_AMBIGUOUS_SHOWN + 1][FINGERPRINT_HEX + 1];
    int64_t ids[MAX_AMBIGUOUS_SHOWN + 1];
    int count = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && count <= MAX_AMBIGUOUS_SHOWN) {
        const char *fp = (const char *)sqlite3_column_text(st, 0);
        snprintf(found[count], sizeof found[count], "%s", fp ? fp : "");
        ids[count++] = sqlite3_column_int64(st, 1);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        rls_db_error(s, err, "looking up the finding");
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    if (count == 0)
        return rl_fail(err, "database '%s' has no finding with fingerprint %s'%s'", s->path,
                       n < FINGERPRINT_HEX ? "prefix " : "", spec);
    if (count > 1) {
        char list[(FINGERPRINT_HEX + 2) * (MAX_AMBIGUOUS_SHOWN + 1) + 8] = "";
        for (int i = 0; i < count && i < MAX_AMBIGUOUS_SHOWN; i++) {
            strcat(list, i ? ", " : "");
            strcat(list, found[i]);
        }
        if (count > MAX_AMBIGUOUS_SHOWN) strcat(list, ", ...");
        return rl_fail(err, "fingerprint prefix '%s' is ambiguous: %s; give more digits", spec, list);
    }
    memcpy(fingerprint, found[0], FINGERPRINT_HEX + 1);
    *finding_id = ids[0];
    return 0;
}

int rl_store_resolve_finding(rl_store *s, const char *spec, int64_t *finding_id, char fingerprint[17], rl_error *err)
{
    size_t n = spec ? strlen(spec) : 0;
    if (n == 0) return rl_fail(err, "no finding given: name it by id or fingerprint");
    if (n == FINGERPRINT_HEX && is_all(spec, isxdigit)) return by_fingerprint(s, spec, finding_id, fingerprint, err);
    if (is_all(spec, isdigit)) {
        errno = 0;
        char *end;
        long long id = strtoll(spec, &end, 10);
        if (errno || *end || id <= 0) return rl_fail(err, "'%s' is not a finding id", spec);
        sqlite3_stmt *st = rls_prepare(s, "SELECT fingerprint FROM findings WHERE id = ?1", "looking up the finding", err);
        if (!st) return -1;
        sqlite3_bind_int64(st, 1, id);
        int found = rls_step_row(s, st, "looking up the finding", err);
        if (found == 1) {
            const char *fp = (const char *)sqlite3_column_text(st, 0);
            snprintf(fingerprint, FINGERPRINT_HEX + 1, "%s", fp ? fp : "");
            *finding_id = id;
        }
        sqlite3_finalize(st);
        /* "0123": no such id, but maybe the start of a fingerprint */
        if (found == 0 && n >= MIN_FINGERPRINT_PREFIX && n < FINGERPRINT_HEX)
            return by_fingerprint(s, spec, finding_id, fingerprint, err);
        if (found == 0) return rl_fail(err, "database '%s' has no finding %lld", s->path, id);
        return found < 0 ? -1 : 0;
    }
    if (n >= MIN_FINGERPRINT_PREFIX && n < FINGERPRINT_HEX && is_all(spec, isxdigit))
        return by_fingerprint(s, spec, finding_id, fingerprint, err);
    return rl_fail(err,
                   "'%s' names no finding: give a finding id (a number), a fingerprint (16 hex digits)"
                   " or at least %d of its first digits",
                   spec, MIN_FINGERPRINT_PREFIX);
}

void rl_source_contexts_free(rl_source_context *contexts, size_t n)
{
    for (size_t i = 0; contexts && i < n; i++) free(contexts[i].text);
    free(contexts);
}

int rl_store_load_finding(rl_store *s, int64_t finding_id, rl_findings *out, rl_finding_row *row,
                          rl_source_context **contexts, rl_error *err)
{
    rl_findings got = {0};
    rl_finding *f = rl_findings_add(&got);
    static const char finding_sql[] = "SELECT " RLS_FINDING_COLUMNS " FROM findings WHERE id = ?1";
    static const char event_sql[] = "SELECT " RLS_EVENT_COLUMNS " FROM events WHERE finding_id = " RLS_EVENTS_OF " ORDER BY idx";
    static const char context_sql[] = "SELECT context_line, context FROM events WHERE finding_id = " RLS_EVENTS_OF " ORDER BY idx";
    memset(row, 0, sizeof *row);
    *contexts = NULL;
    sqlite3_stmt *fst = rls_prepare(s, finding_sql, "reading the finding", err);
    sqlite3_stmt *est = fst ? rls_prepare(s, event_sql, "reading the finding", err) : NULL;
    sqlite3_stmt *cst = est ? rls_prepare(s, context_sql, "reading the finding", err) : NULL;
    sqlite3_stmt *rst = cst ? rls_prepare(s, ROW_SELECT "WHERE f.id = ?1", "reading the finding", err) : NULL;
    int rc = rst ? 0 : -1;
    if (rc == 0) {
        sqlite3_bind_int64(fst, 1, finding_id);
        int found = rls_step_row(s, fst, "reading the finding", err);
        int64_t id;
        if (found == 0) rc = rl_fail(err, "database '%s' has no finding %lld", s->path, (long long)finding_id);
        else if (found < 0) rc = -1;
        else rc = rls_load_finding(s, fst, f, &id, err);
    }
    if (rc == 0) rc = rls_load_events(s, est, finding_id, f, err);
    if (rc == 0) {
        *contexts = rl_xcalloc(f->nevents + 1, sizeof **contexts);
        sqlite3_bind_int64(cst, 1, finding_id);
        for (size_t i = 0; i < f->nevents && sqlite3_step(cst) == SQLITE_ROW; i++) {
            (*contexts)[i].first_line = (unsigned)sqlite3_column_int64(cst, 0);
            (*contexts)[i].text = rls_column_text(cst, 1);
        }
        sqlite3_bind_int64(rst, 1, finding_id);
        sqlite3_bind_int64(rst, 2, 0);
        int found = rls_step_row(s, rst, "reading the finding", err);
        if (found == 1) read_row(rst, row);
        else rc = -1;
    }
    sqlite3_finalize(fst);
    sqlite3_finalize(est);
    sqlite3_finalize(cst);
    sqlite3_finalize(rst);
    if (rc) {
        rl_source_contexts_free(*contexts, f->nevents);
        *contexts = NULL;
        rl_findings_free(&got);
        rl_finding_row_clear(row);
        return -1;
    }
    /* Move the finding into out. */
    rl_finding *dst = rl_findings_add(out);
    *dst = got.items[0];
    free(got.items);
    return 0;
}

/* ------------------------------------------------------------------------
 * Triage. */

static const char *const decisions[] = {"false-positive", "intended", "confirmed"};

int rl_triage_decision_valid(const char *d)
{
    for (size_t i = 0; d && i < sizeof decisions / sizeof *decisions; i++)
        if (strcmp(d, decisions[i]) == 0) return 1;
    return 0;
}

int rl_triage_suppresses(const char *d)
{
    return d && (strcmp(d, "false-positive") == 0 || strcmp(d, "intended") == 0);
}

int rl_store_add_triage(rl_store *s, const rl_triage *t, rl_error *err)
{
    static const char sql[] = "INSERT INTO triage (fingerprint, decision, note, decided_at, author, run_id)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    if (s->read_only) return rl_fail(err, "database '%s' is open read-only; cannot record a decision", s->path);
    if (!rl_triage_decision_valid(t->decision))
        return rl_fail(err, "unknown decision '%s' (false-positive, intended or confirmed)",
                       t->decision ? t->decision : "");
    sqlite3_stmt *st = rls_prepare(s, sql, "recording the decision", err);
    if (!st) return -1;
    rls_bind_text(st, 1, t->fingerprint);
    rls_bind_text(st, 2, t->decision);
    rls_bind_text(st, 3, t->note);
    rls_bind_text(st, 4, t->decided_at);
    rls_bind_text(st, 5, t->author);
    if (t->run_id > 0) sqlite3_bind_int64(st, 6, t->run_id);
    int rc = rls_step_done(s, st, "recording the decision", err);
    sqlite3_finalize(st);
    return rc;
}

int rl_store_load_triage(rl_store *s, const char *fingerprint, rl_triage **out, size_t *n, rl_error *err)
{
    static const char one_sql[] = "SELECT id, fingerprint, decision, note, decided_at, author, run_id FROM triage"
                                  " WHERE fingerprint = ?1 ORDER BY id";
    static const char all_sql[] = "SELECT id, fingerprint, decision, note, decided_at, author, run_id"
                                  " FROM triage_current ORDER BY fingerprint";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = rls_prepare(s, fingerprint ? one_sql : all_sql, "reading the triage decisions", err);
    if (!st) return -1;
    if (fingerprint) rls_bind_text(st, 1, fingerprint);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        RL_GROW(*out, cap, *n + 1);
        rl_triage *t = &(*out)[(*n)++];
        t->id = sqlite3_column_int64(st, 0);
        t->fingerprint = rls_column_text(st, 1);
        t->decision = rls_column_text(st, 2);
        t->note = rls_column_text(st, 3);
        t->decided_at = rls_column_text(st, 4);
        t->author = rls_column_text(st, 5);
        t->run_id = sqlite3_column_int64(st, 6);
    }
    rc = rc == SQLITE_DONE ? 0 : rls_db_error(s, err, "reading the triage decisions");
    sqlite3_finalize(st);
    if (rc) {
        rl_triage_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void rl_triage_free(rl_triage *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++) {
        free(t[i].fingerprint);
        free(t[i].decision);
        free(t[i].note);
        free(t[i].decided_at);
        free(t[i].author);
    }
    free(t);
}

int rl_store_run_fingerprints(rl_store *s, int64_t run_id, char ***fps, size_t *n, rl_error *err)
{
    *fps = NULL;
    *n = 0;
    if (rls_run_exists(s, run_id, err)) return -1;
    sqlite3_stmt *st = rls_prepare(s, "SELECT DISTINCT fingerprint FROM findings WHERE run_id = ?1 ORDER BY 1",
                                   "reading the baseline", err);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        RL_GROW(*fps, cap, *n + 1);
        (*fps)[(*n)++] = rls_column_text(st, 0);
    }
    rc = rc == SQLITE_DONE ? 0 : rls_db_error(s, err, "reading the baseline");
    sqlite3_finalize(st);
    if (rc) {
        for (size_t i = 0; i < *n; i++) free((*fps)[i]);
        free(*fps);
        *fps = NULL;
        *n = 0;
    }
    return rc;
}

/* ------------------------------------------------------------------------
 * `racelint sql`. */

/* PRAGMAs that only describe the database. Those that can also set a
 * value (user_version = 5) are allowed only without one; the connection is
 * read-only anyway, this just says so sooner. */
static const char *const readable_pragmas[] = {
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "collation_list", "function_list", "pragma_list", "compile_options", "database_list",
    "user_version", "application_id", "schema_version", "data_version", "page_count", "page_size",
    "freelist_count", "journal_mode", "encoding", "integrity_check", "quick_check", "foreign_key_check",
};
/* Of those, the ones whose argument is a name to describe, not a value to set. */
static const char *const pragmas_with_argument[] = {
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "table_list", "integrity_check", "quick_check", "foreign_key_check",
};

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcasecmp(name, list[i]) == 0) return 1;
    return 0;
}

/* The SQL functions a query may call: the core scalar, aggregate and
 * window functions, date and time, math and JSON (json_each and json_tree
 * included, as tables). Anything else is refused by name: functions that
 * reach past the data (load_extension, fts3_tokenizer, which hands out and
 * takes raw pointers), report on the build, or come from an extension.
 * Sorted, for bsearch. */
static const char *const allowed_functions[] = {
    "abs", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "avg", "ceil", "ceiling", "char",
    "coalesce", "concat", "concat_ws", "cos", "cosh", "count", "cume_dist", "date", "datetime", "degrees",
    "dense_rank", "exp", "first_value", "floor", "format", "glob", "group_concat", "hex", "ifnull", "iif", "instr",
    "json", "json_array", "json_array_length", "json_each", "json_error_position", "json_extract",
    "json_group_array", "json_group_object", "json_insert", "json_object", "json_patch", "json_quote",
    "json_remove", "json_replace", "json_set", "json_tree", "json_type", "json_valid", "julianday", "lag",
    "last_value", "lead", "length", "like", "likelihood", "likely", "ln", "log", "log10", "log2", "lower", "ltrim",
    "max", "min", "mod", "nth_value", "ntile", "nullif", "octet_length", "percent_rank", "pi", "pow", "power",
    "printf", "quote", "radians", "random", "randomblob", "rank", "replace", "round", "row_number", "rtrim",
    "sign", "sin", "sinh", "sqrt", "strftime", "string_agg", "substr", "substring", "sum", "tan", "tanh", "time",
    "timediff", "total", "trim", "trunc", "typeof", "unhex", "unicode", "unixepoch", "unlikely", "upper",
    "zeroblob",
};

static int compare_name(const void *key, const void *elem)
{
    return strcasecmp(key, *(const char *const *)elem);
}

static int function_allowed(const char *name)
{
    return name && bsearch(name, allowed_functions, sizeof allowed_functions / sizeof *allowed_functions,
                           sizeof *allowed_functions, compare_name) != NULL;
}

typedef struct sql_guard {
    char refused[RL_ERROR_MAX]; /* why the authorizer said no (first refusal) */
} sql_guard;

static int refuse(sql_guard *g, const char *what, const char *name)
{
    if (!g->refused[0]) snprintf(g->refused, sizeof g->refused, "%s%s%s%s", what, name ? " '" : "", name ? name : "",
                                 name ? "'" : "");
    return SQLITE_DENY;
}

/* What a refused action is called, for the message. */
static const char *action_name(int action)
{
    switch (action) {
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_VTABLE:
        return "CREATE";
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_VTABLE:
        return "DROP";
    case SQLITE_ALTER_TABLE:
        return "ALTER TABLE";
    case SQLITE_REINDEX:
        return "REINDEX";
    case SQLITE_ANALYZE:
        return "ANALYZE";
    case SQLITE_TRANSACTION:
        return "a transaction";
    case SQLITE_SAVEPOINT:
        return "SAVEPOINT";
    default:
        return "this statement";
    }
}

static int authorize(void *data, int action, const char *a, const char *b, const char *db, const char *trigger)
{
    (void)trigger;
    sql_guard *g = data;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_FUNCTION:
        /* b is the function's name (a table-valued one too). */
        if (!function_allowed(b)) return refuse(g, "the function", b ? b : "?");
        return SQLITE_OK;
    case SQLITE_UPDATE:
        /* The first use of json_each or json_tree registers the table in
         * the in-memory schema, which SQLite authorizes as an UPDATE of
         * sqlite_master's columns; the file itself is never written (the
         * connection is read-only, the statement must be too). */
        if (a && strcmp(a, "sqlite_master") == 0 && db && strcmp(db, "main") == 0) return SQLITE_OK;
        return refuse(g, "UPDATE of", a);
    case SQLITE_INSERT:
    case SQLITE_DELETE:
        return refuse(g, action == SQLITE_INSERT ? "INSERT into" : "DELETE from", a);
    case SQLITE_PRAGMA:
        /* a is the pragma, b its argument or value. */
        if (!in_list(a, readable_pragmas, sizeof readable_pragmas / sizeof *readable_pragmas))
            return refuse(g, "PRAGMA", a);
        if (b && !in_list(a, pragmas_with_argument, sizeof pragmas_with_argument / sizeof *pragmas_with_argument))
            return refuse(g, "setting PRAGMA", a);
        return SQLITE_OK;
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
        return refuse(g, action == SQLITE_ATTACH ? "ATTACH" : "DETACH", NULL);
    default:
        return refuse(g, action_name(action), NULL);
    }
}

/* Whether the rest of the text after the first statement holds another
 * statement (whitespace and comments do not count). */
static int another_statement(sqlite3 *db, const char *tail)
{
    while (tail && *tail) {
        sqlite3_stmt *st = NULL;
        const char *next = NULL;
        if (sqlite3_prepare_v2(db, tail, -1, &st, &next) != SQLITE_OK) return 1;
        if (st) {
            sqlite3_finalize(st);
            return 1;
        }
        if (!next || next == tail) break;
        tail = next;
    }
    return 0;
}

static void set_limits(sqlite3 *db)
{
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, SQL_MAX_TEXT_BYTES);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, SQL_MAX_QUERY_BYTES);
    sqlite3_limit(db, SQLITE_LIMIT_COLUMN, SQL_MAX_COLUMNS);
    sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, 0);
    sqlite3_limit(db, SQLITE_LIMIT_WORKER_THREADS, 0);
}

/* The value of a text column as a C string. A NUL byte would end the
 * string there and cut the value, so each one is written \\x00, the way
 * the table output writes the other control bytes. */
static char *text_value(const char *text, size_t n)
{
    static const char nul[] = "\\x00";
    size_t nuls = 0;
    for (size_t j = 0; j < n; j++) nuls += text[j] == '\0';
    char *copy = rl_xmalloc(n + nuls * (sizeof nul - 2) + 1), *o = copy;
    for (size_t j = 0; j < n; j++) {
        if (text[j]) {
            *o++ = text[j];
        } else {
            memcpy(o, nul, sizeof nul - 1);
            o += sizeof nul - 1;
        }
    }
    *o = '\0';
    return copy;
}

static void column_value(sqlite3_stmt *st, int i, rl_value *v)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        rl_value_set_int(v, sqlite3_column_int64(st, i));
        break;
    case SQLITE_FLOAT:
        rl_value_set_real(v, sqlite3_column_double(st, i));
        break;
    case SQLITE_TEXT:
        rl_value_take_text(v, text_value((const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i)));
        break;
    case SQLITE_BLOB: {
        /* As SQL writes it: X'0A1B' */
        const unsigned char *b = sqlite3_column_blob(st, i);
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        char *hex = rl_xmalloc(n * 2 + 4);
        size_t k = 0;
        hex[k++] = 'X';
        hex[k++] = '\'';
        for (size_t j = 0; j < n; j++) k += (size_t)snprintf(hex + k, 3, "%02X", b[j]);
        hex[k++] = '\'';
        hex[k] = '\0';
        rl_value_take_text(v, hex);
        break;
    }
    default:
        break;
    }
}

int rl_store_sql(rl_store *s, const char *sql, size_t max_rows, long timeout_ms, rl_table *out, int *truncated,
                 rl_error *err)
{
    memset(out, 0, sizeof *out);
    *truncated = 0;
    if (!s->read_only) return rl_fail(err, "internal error: racelint sql needs a read-only connection");
    sqlite3 *db = s->db;
    sql_guard g;
    memset(&g, 0, sizeof g);
    /* The connection already refuses extensions, fts3_tokenizer() and
     * untrusted schema functions (store.c, harden()); the authorizer
     * refuses anything but reading, and the time bound is the store's. */
    int store_limit = s->query_ms;
    if (timeout_ms > 0) s->query_ms = timeout_ms > INT_MAX ? INT_MAX : (int)timeout_ms;
    set_limits(db);
    sqlite3_set_authorizer(db, authorize, &g);

    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = 0;
    rls_query_begin(s);
    if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
        if (g.refused[0]) rc = rl_fail(err, "refused: %s (racelint sql only reads the database)", g.refused);
        else rc = rl_fail(err, "SQL error: %s", sqlite3_errmsg(db));
    } else if (!st) {
        rc = rl_fail(err, "no SQL statement given");
    } else if (another_statement(db, tail)) {
        rc = rl_fail(err, "refused: more than one SQL statement; give one SELECT");
    } else if (!sqlite3_stmt_readonly(st)) {
        rc = rl_fail(err, "refused: this statement (racelint sql only reads the database)");
    }
    if (rc == 0) {
        int ncols = sqlite3_column_count(st);
        const char **names = rl_xcalloc((size_t)ncols + 1, sizeof *names);
        for (int i = 0; i < ncols; i++) names[i] = sqlite3_column_name(st, i);
        rl_table_init(out, (size_t)ncols, names);
        free(names);
        int step;
        rls_query_begin(s);
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            if (out->nrows >= max_rows) {
                *truncated = 1;
                break;
            }
            rl_value *row = rl_table_add_row(out);
            for (int i = 0; i < ncols; i++) column_value(st, i, &row[i]);
        }
        if (step != SQLITE_ROW && step != SQLITE_DONE) {
            if (g.refused[0]) rc = rl_fail(err, "refused: %s (racelint sql only reads the database)", g.refused);
            else rc = rls_db_error(s, err, "running the query");
        }
    }
    sqlite3_finalize(st);
    sqlite3_set_authorizer(db, NULL, NULL);
    s->query_ms = store_limit;
    if (rc) rl_table_free(out);
    return rc;
}
