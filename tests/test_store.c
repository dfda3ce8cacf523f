/* Tests of the findings store and the reports: a run survives the round trip
 * through SQLite field for field, bad files are refused with a message, a
 * failed write leaves earlier runs intact, and the reports have the
 * documented shape. A standalone program: exits nonzero if a check fails. */
#define _POSIX_C_SOURCE 200809L
#include "model/finding.h"
#include "model/finding_json.h"
#include "report/report.h"
#include "store/store.h"
#include "store/store_internal.h"
#include "util/mem.h"
#include <dirent.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define MAX_REPORT_BYTES 65536

static char dir[] = "/tmp/racelint-store-XXXXXX";

/* ------------------------------------------------------------------------
 * Fixtures. */

static char *path_in(const char *name)
{
    return rl_xasprintf("%s/%s", dir, name);
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char *p = path_in(e->d_name);
        unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

/* Runs constant SQL on a database behind the store's back. */
static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        fprintf(stderr, "  raw_exec(%s): %s\n", sql, sqlite3_errmsg(db));
    sqlite3_close(db);
}

static long long raw_count(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static rl_run_info sample_run(void)
{
    rl_run_info run = {0};
    run.started_at = "2024-05-01T12:00:00Z";
    run.finished_at = "2024-05-01T12:00:03Z";
    run.status = "complete";
    run.tool_version = "0.1.0";
    run.arguments = "[\"racelint\",\"check\",\"src/\"]";
    run.directory = "/home/dev/project";
    run.git_revision = "3f2c1a0b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a";
    run.git_dirty = 1;
    run.files = 12;
    run.units_failed = 1;
    run.findings = 2;
    run.duration_ms = 3120;
    return run;
}

static const rl_unit_status sample_units[] = {
    {"src/cache.c", "ok", NULL},
    {"src/broken.c", "failed", "src/broken.c:3:1: error: expected ';'\nsrc/broken.c:9:2: error: unknown type"},
};
#define NUNITS (sizeof sample_units / sizeof *sample_units)

static rl_event *add_event(rl_finding *f, const char *file, unsigned line, unsigned col, const char *function,
                           const char *kind, const char *what, const char *thread)
{
    rl_event *ev = rl_finding_add_event(f);
    ev->pos.file = rl_xstrdup(file);
    ev->pos.line = line;
    ev->pos.col = col;
    ev->function = rl_xstrdup(function);
    ev->kind = rl_xstrdup(kind);
    ev->what = what ? rl_xstrdup(what) : NULL;
    ev->thread = rl_xstrdup(thread);
    return ev;
}

static void set_spawn(rl_event *ev, const char *file, unsigned line, unsigned col, int multi)
{
    ev->spawn.file = rl_xstrdup(file);
    ev->spawn.line = line;
    ev->spawn.col = col;
    ev->multi_instance = multi;
}

/* Two findings: a race between a worker and main with call chains and
 * locks, and a suppressed finding with no hint, a NULL expression and text
 * that needs escaping in JSON. */
static void sample_findings(rl_findings *list)
{
    rl_finding *f = rl_findings_add(list);
    f->rule = rl_xstrdup("race");
    f->severity = RL_SEV_WARNING;
    f->location = rl_xstrdup("stats.hits");
    f->message = rl_xstrdup("data race on 'stats.hits'");
    f->hint = rl_xstrdup("hold 'stats_lock' in bump()");
    strcpy(f->fingerprint, "0123456789abcdef");
    rl_event *ev = add_event(f, "src/cache.c", 88, 9, "bump", "write", "stats.hits", "worker");
    set_spawn(ev, "src/main.c", 40, 5, 1);
    rl_event_add_frame(ev, "worker", "src/cache.c", 70, 1);
    rl_event_add_frame(ev, "bump", "src/cache.c", 75, 9);
    ev = add_event(f, "src/main.c", 52, 5, "main", "read", "stats.hits", "main");
    rl_event_add_frame(ev, "main", "src/main.c", 30, 1);
    rl_event_add_lock(ev, "stats_lock");

    f = rl_findings_add(list);
    f->rule = rl_xstrdup("lock-order");
    f->severity = RL_SEV_ERROR;
    f->location = rl_xstrdup("q->m[\"x\"]");
    f->message = rl_xstrdup("lock order inversion: caf\xc3\xa9 \\ \"quoted\"\ttab");
    strcpy(f->fingerprint, "fedcba9876543210");
    f->suppressed = 1;
    f->suppression = rl_xstrdup("racelint: ignore lock-order (reviewed)");
    ev = add_event(f, "src/queue.c", 10, 3, "push", "lock", NULL, "producer");
    set_spawn(ev, "src/main.c", 41, 5, 0);
    rl_event_add_frame(ev, "producer", "src/queue.c", 5, 1);
    rl_event_add_frame(ev, "push", "src/queue.c", 8, 5);
    rl_event_add_lock(ev, "q->m[\"x\"]");
    rl_event_add_lock(ev, "global_lock");
}

/* ------------------------------------------------------------------------
 * Comparisons. */

static void compare_position(const rl_position *got, const rl_position *want)
{
    CHECK_STR(got->file, want->file);
    CHECK_INT(got->line, want->line);
    CHECK_INT(got->col, want->col);
}

static void compare_event(const rl_event *got, const rl_event *want)
{
    compare_position(&got->pos, &want->pos);
    CHECK_STR(got->function, want->function);
    CHECK_STR(got->kind, want->kind);
    CHECK_STR(got->what, want->what);
    CHECK_STR(got->thread, want->thread);
    compare_position(&got->spawn, &want->spawn);
    CHECK_INT(got->multi_instance, want->multi_instance);
    CHECK_INT(got->nchain, want->nchain);
    for (size_t i = 0; i < got->nchain && i < want->nchain; i++) {
        CHECK_STR(got->chain[i].function, want->chain[i].function);
        compare_position(&got->chain[i].site, &want->chain[i].site);
    }
    CHECK_INT(got->nlocks, want->nlocks);
    for (size_t i = 0; i < got->nlocks && i < want->nlocks; i++) CHECK_STR(got->locks[i], want->locks[i]);
}

static void compare_findings(const rl_findings *got, const rl_findings *want)
{
    CHECK_INT(got->len, want->len);
    for (size_t i = 0; i < got->len && i < want->len; i++) {
        const rl_finding *g = &got->items[i], *w = &want->items[i];
        CHECK_STR(g->rule, w->rule);
        CHECK_INT(g->severity, w->severity);
        CHECK_STR(g->location, w->location);
        CHECK_STR(g->message, w->message);
        CHECK_STR(g->hint, w->hint);
        CHECK_STR(g->fingerprint, w->fingerprint);
        CHECK_INT(g->suppressed, w->suppressed);
        CHECK_STR(g->suppression, w->suppression);
        CHECK_INT(g->nevents, w->nevents);
        for (size_t j = 0; j < g->nevents && j < w->nevents; j++) compare_event(&g->events[j], &w->events[j]);
    }
}

static void compare_run(const rl_run_info *got, const rl_run_info *want)
{
    CHECK_INT(got->id, want->id);
    CHECK_STR(got->started_at, want->started_at);
    CHECK_STR(got->finished_at, want->finished_at);
    CHECK_STR(got->status, want->status);
    CHECK_STR(got->tool_version, want->tool_version);
    CHECK_STR(got->arguments, want->arguments);
    CHECK_STR(got->directory, want->directory);
    CHECK_STR(got->git_revision, want->git_revision);
    CHECK_INT(got->git_dirty, want->git_dirty);
    CHECK_INT(got->files, want->files);
    CHECK_INT(got->units_failed, want->units_failed);
    CHECK_INT(got->findings, want->findings);
    CHECK_INT(got->duration_ms, want->duration_ms);
}

/* Reads run_id back from an open store and compares it with what was
 * written. */
static void check_round_trip(rl_store *store, const rl_run_info *run, const rl_findings *findings)
{
    rl_error err = {{0}};
    rl_run_info got_run;
    CHECK(rl_store_get_run(store, run->id, &got_run, &err) == 0);
    compare_run(&got_run, run);
    rl_run_info_clear(&got_run);
    CHECK(got_run.started_at == NULL && got_run.id == 0);

    rl_unit_status *units;
    size_t nunits;
    CHECK(rl_store_load_units(store, run->id, &units, &nunits, &err) == 0);
    CHECK_INT(nunits, NUNITS);
    for (size_t i = 0; i < nunits && i < NUNITS; i++) {
        CHECK_STR(units[i].file, sample_units[i].file);
        CHECK_STR(units[i].status, sample_units[i].status);
        CHECK_STR(units[i].diagnostics, sample_units[i].diagnostics);
    }
    rl_units_free(units, nunits);

    rl_findings got = {0};
    CHECK(rl_store_load_findings(store, run->id, &got, &err) == 0);
    compare_findings(&got, findings);
    rl_findings_free(&got);
}

/* ------------------------------------------------------------------------
 * Tests. */

static void test_round_trip(void)
{
    char *path = path_in("racelint.db");
    rl_error err = {{0}};
    rl_findings findings = {0};
    sample_findings(&findings);
    rl_run_info run = sample_run();

    rl_store *store = rl_store_open(path, 0, &err);
    CHECK(store != NULL);
    if (!store) {
        fprintf(stderr, "  %s\n", err.msg);
        goto out;
    }
    CHECK_INT(rl_store_latest_run(store, &err), 0);
    CHECK(rl_store_record_run(store, &run, sample_units, NUNITS, &findings, &err) == 0);
    CHECK(run.id > 0);
    CHECK_INT(rl_store_latest_run(store, &err), run.id);
    check_round_trip(store, &run, &findings);

    /* A run outside git: git_dirty is not stored, and reads back as 0. */
    rl_run_info second = sample_run();
    second.git_revision = NULL;
    second.finished_at = NULL;
    second.arguments = NULL;
    CHECK(rl_store_record_run(store, &second, NULL, 0, NULL, &err) == 0);
    CHECK(second.id > run.id);
    CHECK_INT(rl_store_latest_run(store, &err), second.id);
    rl_run_info got;
    CHECK(rl_store_get_run(store, second.id, &got, &err) == 0);
    second.git_dirty = 0;
    compare_run(&got, &second);
    rl_run_info_clear(&got);
    rl_findings none = {0};
    CHECK(rl_store_load_findings(store, second.id, &none, &err) == 0);
    CHECK_INT(none.len, 0);

    CHECK(rl_store_get_run(store, second.id + 1, &got, &err) == -1);
    CHECK_CONTAINS(err.msg, "has no run");
    CHECK(rl_store_load_findings(store, second.id + 1, &none, &err) == -1);
    rl_store_close(store);

    /* Reopen, for writing and read-only: the data is still there. */
    store = rl_store_open(path, 0, &err);
    CHECK(store != NULL);
    if (store) {
        CHECK_INT(rl_store_latest_run(store, &err), second.id);
        check_round_trip(store, &run, &findings);
        rl_store_close(store);
    }
    store = rl_store_open(path, 1, &err);
    CHECK(store != NULL);
    if (store) {
        check_round_trip(store, &run, &findings);
        rl_run_info third = sample_run();
        CHECK(rl_store_record_run(store, &third, NULL, 0, NULL, &err) == -1);
        CHECK_CONTAINS(err.msg, "read-only");
        rl_store_close(store);
    }
    CHECK_INT(raw_count(path, "PRAGMA user_version"), RL_STORE_SCHEMA_VERSION);
    CHECK_INT(raw_count(path, "SELECT count(*) FROM runs"), 2);
out:
    rl_findings_free(&findings);
    free(path);
}

/* A store opened for writing logs ahead (WAL) and syncs at checkpoints
 * only (synchronous NORMAL, 1), not at each of a run's commits; one opened
 * for reading changes neither. */
static void test_write_mode(void)
{
    char *path = path_in("modes.db");
    rl_error err = {{0}};
    rl_store *store = rl_store_open(path, 0, &err);
    CHECK(store != NULL);
    if (store) {
        int64_t sync = -1;
        CHECK(rls_query_int(store, "PRAGMA synchronous", &sync, &err) == 0);
        CHECK_INT(sync, 1);
        rl_store_close(store);
    }
    CHECK_INT(raw_count(path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
    free(path);
}

/* Records sample_findings as one run, with an excerpt for each event
 * ("line N" and, for the first event, `first`); returns the run's id. */
static int64_t record_with_contexts(rl_store *store, const rl_findings *findings, const char *first)
{
    rl_error err = {{0}};
    rl_run_info run = sample_run();
    rl_source_context *ctx[2] = {NULL, NULL};
    for (size_t n = 0; n < 2; n++) {
        ctx[n] = rl_xcalloc(findings->items[n].nevents, sizeof *ctx[n]);
        for (size_t e = 0; e < findings->items[n].nevents; e++) {
            ctx[n][e].first_line = findings->items[n].events[e].pos.line - 2;
            ctx[n][e].text = n == 0 && e == 0 ? rl_xstrdup(first) : rl_xasprintf("line %zu", e);
        }
    }
    int ok = rl_store_begin_run(store, &run, &err) == 0 &&
             rl_store_finish_run(store, &run, sample_units, NUNITS, findings, ctx, &err) == 0;
    if (!ok) fprintf(stderr, "  %s\n", err.msg);
    CHECK(ok);
    for (size_t n = 0; n < 2; n++) rl_source_contexts_free(ctx[n], findings->items[n].nevents);
    return run.id;
}

/* A finding whose event rows, excerpts included, are those of a finding
 * already stored shares them (findings.events_of) instead of writing them
 * again, and reads back the same; one whose excerpt changed (an edited
 * comment beside the access) has rows of its own. */
static void test_shared_events(void)
{
    char *path = path_in("shared-events.db");
    rl_error err = {{0}};
    rl_findings findings = {0};
    sample_findings(&findings);
    rl_store *store = rl_store_open(path, 0, &err);
    CHECK(store != NULL);
    if (!store) goto out;
    int64_t first = record_with_contexts(store, &findings, "x = 1;");
    int64_t again = record_with_contexts(store, &findings, "x = 1;");
    int64_t edited = record_with_contexts(store, &findings, "x = 1; /* edited */");
    rl_findings got = {0};
    CHECK(rl_store_load_findings(store, again, &got, &err) == 0);
    compare_findings(&got, &findings);
    rl_findings_free(&got);
    CHECK(rl_store_load_findings(store, edited, &got, &err) == 0);
    compare_findings(&got, &findings);
    rl_findings_free(&got);

    /* `show` of the re-run's first finding: its events and excerpts. */
    int64_t id = 0;
    CHECK(rls_query_int(store, "SELECT max(id) - 1 FROM findings WHERE run_id = 2", &id, &err) == 0);
    rl_finding_row row;
    rl_source_context *ctx = NULL;
    CHECK(rl_store_load_finding(store, id, &got, &row, &ctx, &err) == 0);
    CHECK_INT(got.len, 1);
    if (got.len == 1 && ctx) {
        compare_event(&got.items[0].events[0], &findings.items[0].events[0]);
        CHECK_STR(ctx[0].text, "x = 1;");
        CHECK_INT(ctx[0].first_line, 86);
        CHECK_STR(ctx[1].text, "line 1");
    }
    if (got.len) rl_source_contexts_free(ctx, got.items[0].nevents);
    rl_finding_row_clear(&row);
    rl_findings_free(&got);
    rl_store_close(store);

    CHECK_INT(first, 1);
    /* run 1 wrote 3 rows, run 2 none, run 3 the 2 of its edited finding */
    CHECK_INT(raw_count(path, "SELECT count(*) FROM events"), 5);
    CHECK_INT(raw_count(path, "SELECT count(*) FROM findings WHERE run_id = 2 AND events_of IS NOT NULL"), 2);
    CHECK_INT(raw_count(path, "SELECT count(*) FROM findings WHERE run_id = 3 AND events_of IS NOT NULL"), 1);
    CHECK_INT(raw_count(path, "SELECT count(*) FROM finding_events"), 9);
    CHECK_INT(raw_count(path, "SELECT count(*) FROM finding_events AS e JOIN findings AS f ON f.id = e.finding_id"
                              " WHERE f.run_id = 3 AND e.context = 'x = 1; /* edited */'"), 1);
out:
    rl_findings_free(&findings);
    free(path);
}

/* Two connections to one file, as parallel CI jobs have: both can write. */
static void test_two_writers(void)
{
    char *path = path_in("shared.db");
    rl_error err = {{0}};
    rl_store *a = rl_store_open(path, 0, &err);
    rl_store *b = rl_store_open(path, 0, &err);
    CHECK(a && b);
    if (a && b) {
        rl_run_info ra = sample_run(), rb = sample_run();
        CHECK(rl_store_record_run(a, &ra, NULL, 0, NULL, &err) == 0);
        CHECK(rl_store_record_run(b, &rb, NULL, 0, NULL, &err) == 0);
        CHECK(rb.id == ra.id + 1);
        CHECK_INT(rl_store_latest_run(a, &err), rb.id);
    }
    rl_store_close(a);
    rl_store_close(b);
    free(path);
}

static void test_failed_record_keeps_earlier_runs(void)
{
    char *path = path_in("atomic.db");
    rl_error err = {{0}};
    rl_findings findings = {0};
    sample_findings(&findings);
    rl_run_info run = sample_run();
    rl_store *store = rl_store_open(path, 0, &err);
    CHECK(store != NULL);
    if (!store) goto out;
    CHECK(rl_store_record_run(store, &run, sample_units, NUNITS, &findings, &err) == 0);

    /* The second finding lacks its message: the run, its units and its
     * first finding are inserted before the failure, and must all go. */
    free(findings.items[1].message);
    findings.items[1].message = NULL;
    rl_run_info bad = sample_run();
    CHECK(rl_store_record_run(store, &bad, sample_units, NUNITS, &findings, &err) == -1);
    CHECK_CONTAINS(err.msg, path);
    CHECK_CONTAINS(err.msg, "findings.message");
    CHECK_INT(bad.id, 0);
    CHECK_INT(rl_store_latest_run(store, &err), run.id);
    rl_store_close(store);

    CHECK_INT(raw_count(path, "SELECT count(*) FROM runs"), 1);
    CHECK_INT(raw_count(path, "SELECT count(*) FROM units"), NUNITS);
    CHECK_INT(raw_count(path, "SELECT count(*) FROM findings"), 2);
    CHECK_INT(raw_count(path, "SELECT count(*) FROM events"), 3);
    store = rl_store_open(path, 0, &err);
    CHECK(store != NULL);
    if (store) {
        CHECK_INT(rl_store_latest_run(store, &err), run.id);
        rl_store_close(store);
    }
out:
    rl_findings_free(&findings);
    free(path);
}

/* Opens path, expecting failure with a message containing part. */
static void expect_open_error(const char *path, int read_only, const char *part)
{
    rl_error err = {{0}};
    rl_store *store = rl_store_open(path, read_only, &err);
    CHECK(store == NULL);
    rl_store_close(store);
    CHECK_CONTAINS(err.msg, part);
}

static void test_bad_files(void)
{
    char *text = path_in("notes.txt");
    char text_buf[MAX_REPORT_BYTES / 16];
    /* Long enough that SQLite reads it as a (bad) database header. */
    memset(text_buf, 'x', sizeof text_buf - 1);
    text_buf[sizeof text_buf - 1] = '\0';
    write_file(text, text_buf);
    expect_open_error(text, 0, "not a racelint database");
    expect_open_error(text, 0, text);
    expect_open_error(text, 1, "not a racelint database");

    char *missing = path_in("no/such/folder/racelint.db");
    expect_open_error(missing, 0, "does not exist");
    expect_open_error(missing, 0, "no/such/folder'");
    expect_open_error(dir, 0, "is a folder");
    char *absent = path_in("absent.db");
    expect_open_error(absent, 1, absent);
    expect_open_error("", 0, "no database path");

    /* A database from a newer racelint. */
    char *newer = path_in("newer.db");
    rl_error err = {{0}};
    rl_store_close(rl_store_open(newer, 0, &err));
    raw_exec(newer, "PRAGMA user_version = 99");
    char newer_msg[128];
    snprintf(newer_msg, sizeof newer_msg, "has schema version 99, newer than this racelint supports (%d); upgrade racelint",
             RL_STORE_SCHEMA_VERSION);
    expect_open_error(newer, 0, newer_msg);
    expect_open_error(newer, 1, "newer");

    /* Another program's database is never written into. */
    char *foreign = path_in("foreign.db");
    raw_exec(foreign, "CREATE TABLE notes (body TEXT)");
    expect_open_error(foreign, 0, "not a racelint database");
    CHECK_INT(raw_count(foreign, "SELECT count(*) FROM sqlite_master"), 1);

    /* A damaged event: loading names the database, and does not crash. */
    char *damaged = path_in("damaged.db");
    rl_findings findings = {0};
    sample_findings(&findings);
    rl_run_info run = sample_run();
    rl_store *store = rl_store_open(damaged, 0, &err);
    CHECK(store && rl_store_record_run(store, &run, NULL, 0, &findings, &err) == 0);
    rl_store_close(store);
    raw_exec(damaged, "UPDATE events SET chain = '{not json' WHERE idx = 1");
    store = rl_store_open(damaged, 1, &err);
    rl_findings got = {0};
    CHECK(store && rl_store_load_findings(store, run.id, &got, &err) == -1);
    CHECK_CONTAINS(err.msg, "events.chain");
    CHECK_INT(got.len, 0);
    raw_exec(damaged, "UPDATE events SET chain = '[{\"function\": 1}]' WHERE idx = 1");
    CHECK(store && rl_store_load_findings(store, run.id, &got, &err) == -1);
    CHECK_CONTAINS(err.msg, damaged);
    raw_exec(damaged, "UPDATE events SET chain = '[]', locks = NULL; UPDATE findings SET severity = 'fatal'");
    CHECK(store && rl_store_load_findings(store, run.id, &got, &err) == -1);
    CHECK_CONTAINS(err.msg, "unknown severity 'fatal'");
    rl_store_close(store);

    rl_findings_free(&findings);
    free(text);
    free(missing);
    free(absent);
    free(newer);
    free(foreign);
    free(damaged);
}

/* Captures what a report writes into a heap string. */
static char *capture(FILE *f)
{
    char *buf = rl_xcalloc(1, MAX_REPORT_BYTES);
    rewind(f);
    size_t n = fread(buf, 1, MAX_REPORT_BYTES - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_text_report(void)
{
    rl_findings findings = {0};
    sample_findings(&findings);
    FILE *f = tmpfile();
    rl_report_text(f, &findings);
    char *text = capture(f);
    const char *want =
        "src/cache.c:88:9: warning: data race on 'stats.hits' [race]\n"
        "src/cache.c:88:9: note: write in thread 'worker' (spawned at src/main.c:40:5, several instances)"
        " via worker -> bump, holding no locks\n"
        "src/main.c:52:5: note: read in thread 'main' via main, holding 'stats_lock'\n"
        "src/cache.c:88:9: note: hint: hold 'stats_lock' in bump()\n"
        "src/queue.c:10:3: error: lock order inversion: caf\xc3\xa9 \\ \"quoted\"\\ttab [lock-order]"
        " (suppressed: racelint: ignore lock-order (reviewed))\n"
        "src/queue.c:10:3: note: lock in thread 'producer' (spawned at src/main.c:41:5)"
        " via producer -> push, holding 'q->m[\"x\"]', 'global_lock'\n";
    CHECK_STR(text, want);
    free(text);
    rl_findings_free(&findings);

    CHECK_INT(rl_format_parse("text"), RL_FORMAT_TEXT);
    CHECK_INT(rl_format_parse("json"), RL_FORMAT_JSON);
    CHECK_INT(rl_format_parse("xml"), -1);
    CHECK_INT(rl_format_parse(NULL), -1);
}

static json_t *json_report(const rl_run_info *run, const rl_findings *findings)
{
    rl_error err = {{0}};
    FILE *f = tmpfile();
    CHECK(rl_report_json(f, run, findings, &err) == 0);
    char *text = capture(f);
    size_t len = strlen(text);
    CHECK(len > 0 && text[len - 1] == '\n');
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    if (!doc) fprintf(stderr, "  JSON report does not parse: %s\n", jerr.text);
    CHECK(doc != NULL);
    free(text);
    return doc;
}

/* doc's member at a path of keys (and "#N" array indexes). */
static json_t *at(json_t *v, const char *const *path)
{
    for (; v && *path; path++)
        v = **path == '#' ? json_array_get(v, (size_t)atoi(*path + 1)) : json_object_get(v, *path);
    return v;
}
#define AT(v, ...) at((v), (const char *const[]){__VA_ARGS__, NULL})

static void test_json_report(void)
{
    rl_findings findings = {0};
    sample_findings(&findings);
    rl_run_info run = sample_run();
    run.id = 7;
    json_t *doc = json_report(&run, &findings);
    if (doc) {
        CHECK_INT(json_integer_value(AT(doc, "version")), RL_JSON_FORMAT_VERSION);
        CHECK_STR(json_string_value(AT(doc, "tool", "name")), "racelint");
        CHECK_STR(json_string_value(AT(doc, "tool", "version")), "0.1.0");
        CHECK_INT(json_integer_value(AT(doc, "run", "id")), 7);
        CHECK_STR(json_string_value(AT(doc, "run", "status")), "complete");
        CHECK_STR(json_string_value(AT(doc, "run", "arguments", "#2")), "src/");
        CHECK(json_is_true(AT(doc, "run", "git_dirty")));
        CHECK_INT(json_integer_value(AT(doc, "run", "duration_ms")), 3120);
        CHECK_INT(json_array_size(AT(doc, "findings")), 2);

        json_t *f0 = AT(doc, "findings", "#0");
        CHECK_STR(json_string_value(AT(f0, "rule")), "race");
        CHECK_STR(json_string_value(AT(f0, "severity")), "warning");
        CHECK_STR(json_string_value(AT(f0, "location")), "stats.hits");
        CHECK_STR(json_string_value(AT(f0, "fingerprint")), "0123456789abcdef");
        CHECK_STR(json_string_value(AT(f0, "hint")), "hold 'stats_lock' in bump()");
        CHECK(json_is_false(AT(f0, "suppressed")));
        CHECK(json_is_null(AT(f0, "suppression")));
        CHECK_STR(json_string_value(AT(f0, "primary", "file")), "src/cache.c");
        CHECK_INT(json_integer_value(AT(f0, "primary", "line")), 88);
        CHECK_INT(json_integer_value(AT(f0, "primary", "col")), 9);
        CHECK_INT(json_array_size(AT(f0, "events")), 2);
        CHECK_STR(json_string_value(AT(f0, "events", "#0", "kind")), "write");
        CHECK_STR(json_string_value(AT(f0, "events", "#0", "thread")), "worker");
        CHECK_INT(json_integer_value(AT(f0, "events", "#0", "spawn", "line")), 40);
        CHECK(json_is_true(AT(f0, "events", "#0", "multi_instance")));
        CHECK_STR(json_string_value(AT(f0, "events", "#0", "chain", "#1", "function")), "bump");
        CHECK_INT(json_integer_value(AT(f0, "events", "#0", "chain", "#1", "line")), 75);
        CHECK_INT(json_array_size(AT(f0, "events", "#0", "locks")), 0);
        CHECK(json_is_null(AT(f0, "events", "#1", "spawn")));
        CHECK_STR(json_string_value(AT(f0, "events", "#1", "locks", "#0")), "stats_lock");

        json_t *f1 = AT(doc, "findings", "#1");
        CHECK_STR(json_string_value(AT(f1, "severity")), "error");
        CHECK_STR(json_string_value(AT(f1, "message")), findings.items[1].message);
        CHECK(json_is_null(AT(f1, "hint")));
        CHECK(json_is_true(AT(f1, "suppressed")));
        CHECK_STR(json_string_value(AT(f1, "suppression")), "racelint: ignore lock-order (reviewed)");
        CHECK(json_is_null(AT(f1, "events", "#0", "what")));
        CHECK_STR(json_string_value(AT(f1, "events", "#0", "locks", "#0")), "q->m[\"x\"]");
        json_decref(doc);
    }

    /* No run, and a file name that is not UTF-8: still valid JSON. */
    free(findings.items[0].events[0].pos.file);
    findings.items[0].events[0].pos.file = rl_xstrdup("caf\xe9.c");
    doc = json_report(NULL, &findings);
    if (doc) {
        CHECK(json_is_null(AT(doc, "run")));
        CHECK_STR(json_string_value(AT(doc, "tool", "version")), "");
        CHECK_STR(json_string_value(AT(doc, "findings", "#0", "primary", "file")), "caf\xef\xbf\xbd.c");
        json_decref(doc);
    }
    rl_findings_free(&findings);

    /* An empty list is an empty array, not a missing member. */
    rl_findings empty = {0};
    doc = json_report(&run, &empty);
    if (doc) {
        CHECK(json_is_array(AT(doc, "findings")) && json_array_size(AT(doc, "findings")) == 0);
        json_decref(doc);
    }
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_round_trip();
    test_write_mode();
    test_shared_events();
    test_two_writers();
    test_failed_record_keeps_earlier_runs();
    test_bad_files();
    test_text_report();
    test_json_report();
    remove_dir();
    return test_summary(NULL);
}
