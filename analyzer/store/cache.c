/* The facts cache table (store.h, schema 3; the digest column, schema
 * 10) and the results cache table (schema 8). */
#include "store_internal.h"
#include "../util/mem.h"
#include <string.h>
#include <time.h>

/* The blob of the one row st selects (its first column): 1 and a heap
 * copy, 0 when there is no row or the blob is empty, -1 on error. */
static int read_blob(rl_store *s, sqlite3_stmt *st, const char *what, void **blob, size_t *len, rl_error *err)
{
    int rc = rls_step_row(s, st, what, err);
    if (rc == 1) {
        const void *b = sqlite3_column_blob(st, 0);
        int n = sqlite3_column_bytes(st, 0);
        if (b && n > 0) {
            *blob = rl_xmalloc((size_t)n);
            memcpy(*blob, b, (size_t)n);
            *len = (size_t)n;
        } else {
            rc = 0;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int rl_store_cache_get(rl_store *s, const char *file, const char *key, void **blob, size_t *len, rl_error *err)
{
    *blob = NULL;
    *len = 0;
    sqlite3_stmt *st = rls_prepare(s, "SELECT facts FROM facts_cache WHERE file = ?1 AND key = ?2",
                                   "reading the facts cache", err);
    if (!st) return -1;
    rls_bind_text(st, 1, file);
    rls_bind_text(st, 2, key);
    return read_blob(s, st, "reading the facts cache", blob, len, err);
}

int rl_store_results_get(rl_store *s, const char *key, void **blob, size_t *len, rl_error *err)
{
    *blob = NULL;
    *len = 0;
    sqlite3_stmt *st = rls_prepare(s, "SELECT results FROM results_cache WHERE key = ?1", "reading the results cache",
                                   err);
    if (!st) return -1;
    rls_bind_text(st, 1, key);
    return read_blob(s, st, "reading the results cache", blob, len, err);
}

int rl_store_results_put(rl_store *s, const char *key, const void *blob, size_t len, rl_error *err)
{
    if (len > (size_t)0x7fffffff) return 0; /* not worth caching */
    if (rls_exec(s, "BEGIN IMMEDIATE", "locking the database", err)) return -1;
    sqlite3_stmt *st = rls_prepare(s,
                                   "INSERT OR REPLACE INTO results_cache (key, results, updated_at)"
                                   " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                                   "writing the results cache", err);
    int rc = st ? 0 : -1;
    if (st) {
        rls_bind_text(st, 1, key);
        sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_STATIC);
        rc = rls_step_done(s, st, "writing the results cache", err);
        sqlite3_finalize(st);
    }
    /* Only the newest few: each is the size of a run's findings. */
    st = rc ? NULL
            : rls_prepare(s,
                          "DELETE FROM results_cache WHERE rowid NOT IN"
                          " (SELECT rowid FROM results_cache ORDER BY updated_at DESC, rowid DESC LIMIT ?1)",
                          "trimming the results cache", err);
    if (st) {
        sqlite3_bind_int(st, 1, RL_STORE_RESULTS_KEPT);
        rc = rls_step_done(s, st, "trimming the results cache", err);
        sqlite3_finalize(st);
    } else {
        rc = -1;
    }
    if (rc == 0) rc = rls_exec(s, "COMMIT", "writing the results cache", err);
    if (rc) rls_rollback(s);
    return rc;
}

int rl_store_cache_probe(rl_store *s, const char *file, const char *key, char **files, char **digest, rl_error *err)
{
    *files = NULL;
    *digest = NULL;
    sqlite3_stmt *st = rls_prepare(s, "SELECT files, digest FROM facts_cache WHERE file = ?1 AND key = ?2",
                                   "reading the facts cache", err);
    if (!st) return -1;
    rls_bind_text(st, 1, file);
    rls_bind_text(st, 2, key);
    int rc = rls_step_row(s, st, "reading the facts cache", err);
    if (rc == 1) {
        const unsigned char *f = sqlite3_column_text(st, 0), *d = sqlite3_column_text(st, 1);
        if (f && d) {
            *files = rl_xstrdup((const char *)f);
            *digest = rl_xstrdup((const char *)d);
        } else {
            rc = 0;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int rl_store_cache_put(rl_store *s, const char *file, const char *key, const char *files, const char *digest,
                       const void *blob, size_t len, rl_error *err)
{
    if (len > (size_t)0x7fffffff) return 0; /* not worth caching */
    sqlite3_stmt *st = rls_prepare(s,
                                   "INSERT OR REPLACE INTO facts_cache (file, key, files, facts, digest, updated_at)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                                   "writing the facts cache", err);
    if (!st) return -1;
    rls_bind_text(st, 1, file);
    rls_bind_text(st, 2, key);
    rls_bind_text(st, 3, files);
    sqlite3_bind_blob(st, 4, blob, (int)len, SQLITE_STATIC);
    rls_bind_text(st, 5, digest);
    int rc = rls_step_done(s, st, "writing the facts cache", err);
    sqlite3_finalize(st);
    return rc;
}

int rl_store_cache_begin(rl_store *s, rl_error *err)
{
    return rls_exec(s, "BEGIN IMMEDIATE", "locking the database", err);
}

int rl_store_cache_commit(rl_store *s, rl_error *err)
{
    int rc = rls_exec(s, "COMMIT", "writing the facts cache", err);
    if (rc) rls_rollback(s);
    return rc;
}
