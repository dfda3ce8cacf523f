/* The store's statement helpers (store_internal.h): prepare, execute,
 * step, bind and read columns, each with the error worded for the user.
 *
 * Invariants:
 *  1. Each reports errors through rls_db_error, which must run before
 *     anything else touches the connection (sqlite3_errmsg is reset by the
 *     next call).
 *  2. Every statement starts its time bound (rls_query_begin) before it
 *     runs, and again before each execution of a reused statement.
 *  3. Values are only ever bound, never formatted into SQL. */
#include "store_internal.h"
#include "../util/mem.h"
#include <sqlite3.h>
#include <stdlib.h>

/* ------------------------------------------------------------------------
 * Statement helpers. Each reports errors through db_error, which must run
 * before anything else touches the connection (sqlite3_errmsg is reset by
 * the next call). */

int rls_db_error(rl_store *s, rl_error *err, const char *what)
{
    if (s->timed_out)
        return rl_fail(err, "database '%s': %s: the query ran longer than %d ms and was stopped (%s)", s->path, what,
                       s->query_ms, RL_QUERY_TIMEOUT_ENV);
    if (sqlite3_errcode(s->db) == SQLITE_NOTADB)
        return rl_fail(err, "'%s' is not a racelint database (file is not SQLite)", s->path);
    int code = sqlite3_errcode(s->db);
    if (code == SQLITE_READONLY)
        return rl_fail(err, "database '%s' is read-only (the file, or its folder for the journal, cannot be written): %s: %s",
                       s->path, what, sqlite3_errmsg(s->db));
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return rl_fail(err, "database '%s' is locked by another process; gave up after waiting %d ms (%s): %s: %s",
                       s->path, s->busy_ms, RL_BUSY_TIMEOUT_ENV, what, sqlite3_errmsg(s->db));
    /* A full disk shows as SQLITE_FULL, a file size limit (EFBIG) as a
     * bare "disk I/O error" on a write: name both. */
    int ext = sqlite3_extended_errcode(s->db);
    if (code == SQLITE_FULL || ext == SQLITE_IOERR_WRITE || ext == SQLITE_IOERR_FSYNC || ext == SQLITE_IOERR_TRUNCATE)
        return rl_fail(err, "database '%s': %s: %s: the file could not be written (disk full, or a file size limit?)",
                       s->path, what, sqlite3_errmsg(s->db));
    return rl_fail(err, "database '%s': %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

int rls_no_such_run(rl_store *s, int64_t run_id, rl_error *err)
{
    return rl_fail(err, "database '%s' has no run %lld", s->path, (long long)run_id);
}

/* Runs constant SQL that takes no parameters (transactions, the schema). */
int rls_exec(rl_store *s, const char *sql, const char *what, rl_error *err)
{
    rls_query_begin(s);
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) return rls_db_error(s, err, what);
    return 0;
}

/* Undoes the open transaction, if any, after an error already reported. */
void rls_rollback(rl_store *s)
{
    if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *rls_prepare(rl_store *s, const char *sql, const char *what, rl_error *err)
{
    sqlite3_stmt *st = NULL;
    rls_query_begin(s);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        rls_db_error(s, err, what);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Executes a bound statement that returns no rows and readies it for the
 * next set of parameters. */
int rls_step_done(rl_store *s, sqlite3_stmt *st, const char *what, rl_error *err)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : rls_db_error(s, err, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    rls_query_begin(s); /* the next execution has a time bound of its own */
    return rc;
}

/* The single integer a constant query returns (0 when it returns no row). */
int rls_query_int(rl_store *s, const char *sql, int64_t *out, rl_error *err)
{
    sqlite3_stmt *st = rls_prepare(s, sql, "reading the database", err);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        rc = 0;
    } else {
        rc = rls_db_error(s, err, "reading the database");
    }
    sqlite3_finalize(st);
    return rc;
}

/* NULL binds as SQL NULL (sqlite3_bind_text's documented behaviour). The
 * text must stay alive until the statement is reset. */
void rls_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Binds file, line, col at i, i+1, i+2; a NULL pos binds three NULLs. */
void rls_bind_position(sqlite3_stmt *st, int i, const rl_position *pos)
{
    if (!pos) return; /* unbound parameters are NULL */
    rls_bind_text(st, i, pos->file);
    sqlite3_bind_int64(st, i + 1, pos->line);
    sqlite3_bind_int64(st, i + 2, pos->col);
}

/* A heap copy of a text column, NULL for SQL NULL. */
char *rls_column_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? rl_xstrdup((const char *)s) : NULL;
}

void rls_column_position(sqlite3_stmt *st, int i, rl_position *pos)
{
    pos->file = rls_column_text(st, i);
    pos->line = (unsigned)sqlite3_column_int64(st, i + 1);
    pos->col = (unsigned)sqlite3_column_int64(st, i + 2);
}

/* Steps a statement expected to return at most one row: 1 for a row, 0 for
 * none, -1 on error. */
int rls_step_row(rl_store *s, sqlite3_stmt *st, const char *what, rl_error *err)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) return 1;
    return rc == SQLITE_DONE ? 0 : rls_db_error(s, err, what);
}
