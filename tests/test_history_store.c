/* Unit tests of the store's history side (store.h, schema 2): the run
 * lifecycle (running -> complete, killed runs shown incomplete), finding
 * rows compared across runs, finding names (ids, fingerprints, prefixes),
 * triage, source contexts, and the read-only SQL guard. A standalone
 * program: exits nonzero if a check fails. */
#define _POSIX_C_SOURCE 200809L
#include "model/finding.h"
#include "store/store.h"
#include "util/mem.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static char dir[] = "/tmp/racelint-history-XXXXXX";

static char *path_in(const char *name)
{
    return rl_xasprintf("%s/%s", dir, name);
}

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) == SQLITE_OK) sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
}

static rl_run_info new_run(void)
{
    rl_run_info run = {0};
    run.started_at = "2024-05-01T12:00:00Z";
    run.finished_at = "2024-05-01T12:00:01Z";
    run.status = "complete";
    run.tool_version = "0.1.0";
    run.host = "test-host";
    run.pid = (int64_t)getpid();
    run.files = 1;
    return run;
}

/* One race finding on `location` with a given fingerprint. */
static void add_finding(rl_findings *list, const char *fingerprint, const char *location, unsigned line)
{
    rl_finding *f = rl_findings_add(list);
    f->rule = rl_xstrdup("race");
    f->severity = RL_SEV_WARNING;
    f->location = rl_xstrdup(location);
    f->message = rl_xasprintf("data race on '%s'", location);
    snprintf(f->fingerprint, sizeof f->fingerprint, "%s", fingerprint);
    for (int i = 0; i < 2; i++) {
        rl_event *ev = rl_finding_add_event(f);
        ev->pos.file = rl_xstrdup("src/a.c");
        ev->pos.line = line + (unsigned)i;
        ev->pos.col = 5;
        ev->function = rl_xstrdup("worker");
        ev->kind = rl_xstrdup(i ? "read" : "write");
        ev->what = rl_xstrdup(location);
        ev->thread = rl_xstrdup("worker");
        rl_event_add_frame(ev, "worker", "src/a.c", 1, 1);
    }
}

/* Records a complete run with the findings through begin/finish. */
static int64_t record(rl_store *s, rl_findings *findings, rl_source_context **contexts)
{
    rl_error err = {{0}};
    rl_run_info run = new_run();
    run.status = "running";
    if (rl_store_begin_run(s, &run, &err)) {
        fprintf(stderr, "  %s\n", err.msg);
        return -1;
    }
    run.status = "complete";
    run.findings = (int64_t)findings->len;
    if (rl_store_finish_run(s, &run, NULL, 0, findings, contexts, &err)) {
        fprintf(stderr, "  %s\n", err.msg);
        return -1;
    }
    return run.id;
}

static const char *status_of(rl_store *s, int64_t id)
{
    static char status[32];
    rl_error err = {{0}};
    rl_run_info *runs;
    size_t n;
    status[0] = '\0';
    if (rl_store_list_runs(s, &runs, &n, &err)) return "";
    for (size_t i = 0; i < n; i++)
        if (runs[i].id == id) snprintf(status, sizeof status, "%s", runs[i].status);
    rl_runs_free(runs, n);
    return status;
}

static void test_lifecycle(void)
{
    char *path = path_in("life.db");
    rl_error err = {{0}};
    rl_store *s = rl_store_open(path, RL_STORE_WRITE, &err);
    CHECK(s != NULL);
    if (!s) goto out;
    char host[256];
    gethostname(host, sizeof host);
    host[sizeof host - 1] = '\0';

    /* A run of this process, on this host, still running. */
    rl_run_info run = new_run();
    run.status = "running";
    run.host = host;
    CHECK(rl_store_begin_run(s, &run, &err) == 0);
    CHECK_STR(status_of(s, run.id), "running");
    CHECK(rl_store_latest_complete_run(s, &err) == 0);

    /* A run whose process is gone: incomplete for readers... */
    rl_run_info dead = new_run();
    dead.status = "running";
    dead.host = host;
    dead.pid = 999999999; /* no such process */
    CHECK(rl_store_begin_run(s, &dead, &err) == 0);
    CHECK_STR(status_of(s, dead.id), "incomplete");
    /* ...and in the file after the next begin. */
    rl_run_info next = new_run();
    next.status = "running";
    next.host = host;
    CHECK(rl_store_begin_run(s, &next, &err) == 0);
    sqlite3 *db;
    sqlite3_stmt *st;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(db, "SELECT status FROM runs WHERE id = ?1", -1, &st, NULL) == SQLITE_OK);
    sqlite3_bind_int64(st, 1, dead.id);
    CHECK(sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "incomplete") == 0);
    sqlite3_finalize(st);
    sqlite3_close(db);

    /* Finishing and ending. */
    run.status = "complete";
    CHECK(rl_store_finish_run(s, &run, NULL, 0, NULL, NULL, &err) == 0);
    CHECK_STR(status_of(s, run.id), "complete");
    CHECK(rl_store_latest_complete_run(s, &err) == run.id);
    CHECK(rl_store_latest_run(s, &err) == run.id);
    next.status = "interrupted";
    next.finished_at = "2024-05-01T12:00:09Z";
    CHECK(rl_store_end_run(s, &next, &err) == 0);
    CHECK_STR(status_of(s, next.id), "interrupted");
    CHECK(rl_store_previous_complete_run(s, next.id + 1, &err) == run.id);
    rl_store_close(s);
out:
    free(path);
}

static void test_rows_and_names(void)
{
    char *path = path_in("rows.db");
    rl_error err = {{0}};
    rl_store *s = rl_store_open(path, RL_STORE_WRITE, &err);
    CHECK(s != NULL);
    if (!s) goto out;
    rl_findings one = {0}, two = {0};
    add_finding(&one, "aaaa000000000001", "hits", 10);
    add_finding(&one, "aaaa000000000002", "misses", 20);
    add_finding(&two, "aaaa000000000002", "misses", 25);
    add_finding(&two, "bbbb000000000003", "errors", 30);
    /* source context of the second run's first finding */
    rl_source_context ctx2[2] = {{24, "    x++;\n    misses++;"}, {0, NULL}};
    rl_source_context *contexts[2] = {ctx2, NULL};
    int64_t r1 = record(s, &one, NULL);
    int64_t r2 = record(s, &two, contexts);
    CHECK(r1 > 0 && r2 > r1);

    rl_finding_row *rows;
    size_t n;
    CHECK(rl_store_finding_rows(s, r2, r1, &rows, &n, &err) == 0);
    CHECK(n == 2 && rows[0].in_other && !rows[1].in_other);
    int64_t misses_id = n ? rows[0].id : 0;
    rl_finding_rows_free(rows, n);
    CHECK(rl_store_finding_rows(s, r1, r2, &rows, &n, &err) == 0);
    CHECK(n == 2 && !rows[0].in_other && rows[1].in_other); /* hits: fixed */
    rl_finding_rows_free(rows, n);
    CHECK(rl_store_fingerprint_history(s, "aaaa000000000002", &rows, &n, &err) == 0);
    CHECK(n == 2 && rows[0].run_id == r1 && rows[1].run_id == r2 && rows[1].line == 25);
    rl_finding_rows_free(rows, n);

    int64_t id;
    char fp[17];
    CHECK(rl_store_resolve_finding(s, "bbbb", &id, fp, &err) == 0);
    CHECK_STR(fp, "bbbb000000000003");
    CHECK(rl_store_resolve_finding(s, "aaaa", &id, fp, &err) == -1);
    CHECK_CONTAINS(err.msg, "ambiguous");
    CHECK(rl_store_resolve_finding(s, "aaaa000000000002", &id, fp, &err) == 0);
    CHECK(id == misses_id); /* the latest occurrence */
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", (long long)misses_id);
    CHECK(rl_store_resolve_finding(s, idtext, &id, fp, &err) == 0);
    CHECK_STR(fp, "aaaa000000000002");
    CHECK(rl_store_resolve_finding(s, "zz;--", &id, fp, &err) == -1);
    CHECK(rl_store_resolve_finding(s, "cccc", &id, fp, &err) == -1);

    rl_findings got = {0};
    rl_finding_row row;
    rl_source_context *ctx;
    CHECK(rl_store_load_finding(s, misses_id, &got, &row, &ctx, &err) == 0);
    if (got.len == 1) {
        CHECK(got.items[0].nevents == 2);
        CHECK(ctx[0].first_line == 24 && ctx[0].text && strcmp(ctx[0].text, "    x++;\n    misses++;") == 0);
        CHECK(ctx[1].text == NULL);
        rl_source_contexts_free(ctx, got.items[0].nevents);
        rl_finding_row_clear(&row);
    }
    rl_findings_free(&got);

    /* Triage: the latest decision is the current one. */
    rl_triage t = {0};
    t.fingerprint = "aaaa000000000002";
    t.decision = "false-positive";
    t.decided_at = "2024-05-03T00:00:00Z";
    CHECK(rl_store_add_triage(s, &t, &err) == 0);
    t.decision = "confirmed";
    CHECK(rl_store_add_triage(s, &t, &err) == 0);
    t.decision = "maybe";
    CHECK(rl_store_add_triage(s, &t, &err) == -1);
    rl_triage *log;
    size_t nlog;
    CHECK(rl_store_load_triage(s, NULL, &log, &nlog, &err) == 0);
    CHECK(nlog == 1 && strcmp(log[0].decision, "confirmed") == 0);
    rl_triage_free(log, nlog);
    CHECK(rl_store_load_triage(s, "aaaa000000000002", &log, &nlog, &err) == 0);
    CHECK(nlog == 2);
    rl_triage_free(log, nlog);

    char **fps;
    size_t nfps;
    CHECK(rl_store_run_fingerprints(s, r2, &fps, &nfps, &err) == 0);
    CHECK(nfps == 2 && strcmp(fps[0], "aaaa000000000002") == 0);
    for (size_t i = 0; i < nfps; i++) free(fps[i]);
    free(fps);
    rl_store_close(s);
    rl_findings_free(&one);
    rl_findings_free(&two);
out:
    free(path);
}

static void expect_sql(rl_store *s, const char *sql, int ok, const char *part, int line)
{
    rl_error err = {{0}};
    rl_table t;
    int truncated;
    int rc = rl_store_sql(s, sql, 100, 5000, &t, &truncated, &err);
    test_check(ok ? rc == 0 : rc == -1, sql, __FILE__, line);
    if (rc == 0) rl_table_free(&t);
    if (!ok && part && !strstr(err.msg, part)) {
        fprintf(stderr, "  '%s' not in '%s'\n", part, err.msg);
        test_check(0, part, __FILE__, line);
    }
}

static void test_sql(void)
{
    char *path = path_in("sql.db");
    rl_error err = {{0}};
    rl_store *w = rl_store_open(path, RL_STORE_WRITE, &err);
    rl_findings one = {0};
    add_finding(&one, "aaaa000000000001", "hits", 10);
    CHECK(w && record(w, &one, NULL) > 0);
    rl_store_close(w);
    rl_findings_free(&one);

    rl_store *s = rl_store_open(path, RL_STORE_READ_ONLY, &err);
    CHECK(s != NULL);
    if (!s) goto out;
    rl_table t;
    int truncated;
    CHECK(rl_store_sql(s, "SELECT id, status, NULL AS n, 1.5 AS r FROM runs", 100, 5000, &t, &truncated, &err) == 0);
    CHECK(t.ncols == 4 && t.nrows == 1 && !truncated);
    CHECK(rl_table_cell(&t, 0, 0)->type == RL_VALUE_INT && rl_table_cell(&t, 0, 2)->type == RL_VALUE_NULL);
    CHECK(rl_table_cell(&t, 0, 3)->type == RL_VALUE_REAL);
    rl_table_free(&t);
    CHECK(rl_store_sql(s, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c", 7, 5000,
                       &t, &truncated, &err) == 0);
    CHECK(t.nrows == 7 && truncated);
    rl_table_free(&t);
    expect_sql(s, "SELECT count(*) FROM findings -- a comment", 1, NULL, __LINE__);
    expect_sql(s, "PRAGMA table_info(runs)", 1, NULL, __LINE__);
    expect_sql(s, "PRAGMA user_version", 1, NULL, __LINE__);
    expect_sql(s, "DELETE FROM runs", 0, "DELETE", __LINE__);
    expect_sql(s, "UPDATE runs SET status = 'x'", 0, "UPDATE", __LINE__);
    expect_sql(s, "INSERT INTO triage (fingerprint, decision, decided_at) VALUES ('a', 'intended', 'b')", 0,
               "INSERT", __LINE__);
    expect_sql(s, "ATTACH DATABASE ':memory:' AS m", 0, "ATTACH", __LINE__);
    expect_sql(s, "SELECT load_extension('x')", 0, "load_extension", __LINE__);
    expect_sql(s, "PRAGMA user_version = 3", 0, "PRAGMA", __LINE__);
    expect_sql(s, "PRAGMA writable_schema = ON", 0, "PRAGMA", __LINE__);
    expect_sql(s, "BEGIN", 0, NULL, __LINE__);
    expect_sql(s, "SELECT 1; SELECT 2", 0, "more than one", __LINE__);
    expect_sql(s, "", 0, "no SQL", __LINE__);
    /* a query that never ends is stopped by the time budget */
    CHECK(rl_store_sql(s, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
                       10, 300, &t, &truncated, &err) == -1);
    CHECK_CONTAINS(err.msg, "longer than 300 ms");
    rl_store_close(s);
    /* Only a read-only connection runs user SQL. */
    w = rl_store_open(path, RL_STORE_WRITE, &err);
    CHECK(w && rl_store_sql(w, "SELECT 1", 10, 1000, &t, &truncated, &err) == -1);
    rl_store_close(w);
out:
    free(path);
}

static void test_upgrade_on_read(void)
{
    char *path = path_in("old.db");
    rl_error err = {{0}};
    /* A schema 1 file: the current version minus migrations 2 to 11. */
    rl_store_close(rl_store_open(path, RL_STORE_WRITE, &err));
    raw_exec(path, "DROP VIEW finding_events; DROP INDEX findings_events_digest;"
                   " ALTER TABLE findings DROP COLUMN events_of; ALTER TABLE findings DROP COLUMN events_digest;"
                   " DROP TABLE facts_cache; DROP VIEW triage_current; DROP TABLE triage; DROP INDEX runs_status;"
                   " DROP INDEX findings_run_fingerprint; ALTER TABLE runs DROP COLUMN pid;"
                   " ALTER TABLE runs DROP COLUMN host; ALTER TABLE runs DROP COLUMN baseline;"
                   " ALTER TABLE runs DROP COLUMN git_branch; ALTER TABLE runs DROP COLUMN config;"
                   " ALTER TABLE runs DROP COLUMN programs; ALTER TABLE findings DROP COLUMN programs; DROP TABLE notices;"
                   " ALTER TABLE findings DROP COLUMN confidence; ALTER TABLE findings DROP COLUMN pairs;"
                   " ALTER TABLE findings DROP COLUMN pairs_total; ALTER TABLE findings DROP COLUMN site_fingerprint;"
                   " DROP TABLE run_snippets; DROP TABLE snippets; ALTER TABLE runs DROP COLUMN incomplete; DROP TABLE results_cache;"
                   " ALTER TABLE runs DROP COLUMN options;"
                   " ALTER TABLE events DROP COLUMN context_line; ALTER TABLE events DROP COLUMN context;"
                   " INSERT INTO runs (started_at, status, tool_version) VALUES ('2024-01-01T00:00:00Z', 'complete', '0.1.0');"
                   " PRAGMA user_version = 1");
    rl_store *s = rl_store_open(path, RL_STORE_READ_ONLY, &err);
    CHECK(s == NULL);
    CHECK_CONTAINS(err.msg, "older");
    s = rl_store_open(path, RL_STORE_READ, &err);
    CHECK(s != NULL);
    if (s) {
        CHECK(rl_store_latest_complete_run(s, &err) == 1);
        rl_store_close(s);
    }
    free(path);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_lifecycle();
    test_rows_and_names();
    test_sql();
    test_upgrade_on_read();
    char *cmd = rl_xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    free(cmd);
    return test_summary(NULL);
}
