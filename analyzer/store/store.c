/* The findings store (store.h): every run, its translation units, findings
 * and their events in one SQLite database. The only file that speaks SQL;
 * every statement is constant text, and values always go through binding.
 *
 * A database file is data from elsewhere (a CI cache, a colleague's
 * checkout), so opening one trusts nothing in it:
 *  1. The path must be a regular file (or not exist yet, for writing): a
 *     FIFO or a device is refused before SQLite opens it.
 *  2. Every connection turns off what a stored schema could use to act:
 *     triggers, extension loading, fts3_tokenizer(), untrusted schema
 *     functions; defensive mode forbids writing the schema by hand.
 *  3. A file holding tables, indexes, views or triggers that racelint's own
 *     migrations did not create is refused, naming them.
 *  4. Every statement has a time bound (RACELINT_QUERY_TIMEOUT_MS), so a
 *     crafted file cannot make a command run forever. */
#include "store_internal.h"
#include "../model/finding_json.h"
#include "../util/mem.h"
#include "../util/clock.h"
#include "../util/strbuf.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Parallel CI jobs append to one file: a writer waits this long for another
 * job's transaction to finish before reporting the database as busy.
 * RACELINT_BUSY_TIMEOUT_MS overrides it (a CI that shares a database over
 * slow storage waits longer; the robustness tests wait less). */
#define RL_BUSY_TIMEOUT_MS 30000
#define RL_BUSY_TIMEOUT_ENV "RACELINT_BUSY_TIMEOUT_MS"

/* Every statement is interrupted after running this long (not counting
 * waits for another process's lock): no command of racelint needs more on
 * a real database, and a crafted one (a huge table, a recursive query in
 * `racelint sql`) cannot hold it forever. RACELINT_QUERY_TIMEOUT_MS
 * overrides it (0: no limit). */
#define RL_QUERY_TIMEOUT_MS 30000
#define RL_QUERY_TIMEOUT_ENV "RACELINT_QUERY_TIMEOUT_MS"
/* SQLite calls the time check every this many virtual machine steps. */
#define RL_PROGRESS_STEPS 1000
/* A writer blocked by another process's lock retries this often. */
#define RL_BUSY_SLICE_MS 10
/* At most this many unknown schema objects are named in the message. */
#define RL_MAX_FOREIGN_NAMED 5

/* PRAGMA application_id of our files ("RLNT"), so that another program's
 * SQLite database is refused instead of being written into. */
#define RL_STORE_APPLICATION_ID 0x524C4E54

/* Room for "PRAGMA <name> = <integer>". */
#define RL_PRAGMA_SQL_MAX 96


/* Schema migrations: migrations[i] takes a database from schema version i
 * to i + 1. A new version appends one script and bumps
 * RL_STORE_SCHEMA_VERSION; existing scripts never change, because databases
 * in the field were built by them. SQLite keeps the column comments in
 * sqlite_master, so `sqlite3 racelint.db .schema` documents the file. */
static const char *const migrations[] = {
    /* 0 -> 1: the initial schema. */
    "-- One row per racelint invocation that analysed code.\n"
    "CREATE TABLE runs (\n"
    "    id           INTEGER PRIMARY KEY, -- run number, increasing\n"
    "    started_at   TEXT NOT NULL,       -- ISO-8601 UTC, e.g. 2024-05-01T12:00:00Z\n"
    "    finished_at  TEXT,                -- ISO-8601 UTC; NULL if it never finished\n"
    "    status       TEXT NOT NULL,       -- 'complete', 'interrupted' or 'failed'\n"
    "    tool_version TEXT NOT NULL,       -- racelint version that made the run\n"
    "    arguments    TEXT,                -- the command line, as a JSON array of strings\n"
    "    directory    TEXT,                -- current directory of the run\n"
    "    git_revision TEXT,                -- HEAD commit; NULL outside a git checkout\n"
    "    git_dirty    INTEGER,             -- 1 if the checkout had uncommitted changes\n"
    "    files        INTEGER,             -- translation units analysed\n"
    "    units_failed INTEGER,             -- translation units that could not be parsed\n"
    "    findings     INTEGER,             -- findings reported, suppressed ones included\n"
    "    duration_ms  INTEGER              -- wall-clock time of the run\n"
    ");\n"
    "\n"
    "-- How each translation unit of a run fared.\n"
    "CREATE TABLE units (\n"
    "    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
    "    file        TEXT NOT NULL,  -- the source file, as given to racelint\n"
    "    status      TEXT NOT NULL,  -- 'ok', 'errors', 'failed', 'cached' or 'skipped'\n"
    "    diagnostics TEXT            -- first compiler diagnostics, newline separated\n"
    ");\n"
    "CREATE INDEX units_run ON units(run_id);\n"
    "\n"
    "-- One row per finding of a run.\n"
    "CREATE TABLE findings (\n"
    "    id          INTEGER PRIMARY KEY,\n"
    "    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
    "    rule        TEXT NOT NULL,  -- rule id, e.g. 'race'\n"
    "    severity    TEXT NOT NULL,  -- 'note', 'warning' or 'error'\n"
    "    fingerprint TEXT NOT NULL,  -- 16 hex digits, stable across unrelated edits\n"
    "    location    TEXT NOT NULL,  -- the shared location, e.g. 'stats.hits'\n"
    "    message     TEXT NOT NULL,  -- one-line summary\n"
    "    hint        TEXT,           -- how to fix it; NULL if the rule has no hint\n"
    "    file        TEXT,           -- primary position (that of event 0), copied\n"
    "    line        INTEGER,        --   here so that queries need no join;\n"
    "    col         INTEGER,        --   NULL when the finding has no events\n"
    "    suppressed  INTEGER NOT NULL DEFAULT 0, -- 1 if suppressed\n"
    "    suppression TEXT            -- why it is suppressed\n"
    ");\n"
    "CREATE INDEX findings_fingerprint ON findings(fingerprint);\n"
    "CREATE INDEX findings_run ON findings(run_id);\n"
    "\n"
    "-- The sides of a finding: the accesses (or lock acquisitions) involved.\n"
    "CREATE TABLE events (\n"
    "    finding_id     INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,\n"
    "    idx            INTEGER NOT NULL, -- order within the finding; 0 is the primary\n"
    "    file           TEXT,             -- position of the access\n"
    "    line           INTEGER,\n"
    "    col            INTEGER,\n"
    "    function       TEXT,             -- function containing the access\n"
    "    kind           TEXT,             -- 'read', 'write', 'lock', ...\n"
    "    what           TEXT,             -- the expression as written, e.g. 'c->v[]'\n"
    "    thread         TEXT,             -- thread entry function; 'main' for main\n"
    "    spawn_file     TEXT,             -- where that thread is created;\n"
    "    spawn_line     INTEGER,          --   line 0 for the main thread\n"
    "    spawn_col      INTEGER,\n"
    "    multi_instance INTEGER,          -- 1 if the thread runs in several instances\n"
    "    chain          TEXT,             -- JSON array of {function,file,line,col}, entry first\n"
    "    locks          TEXT,             -- JSON array of the lock names held\n"
    "    PRIMARY KEY (finding_id, idx)\n"
    ");\n",

    /* 1 -> 2: findings history (docs/history.md). */
    "-- Who is making a run: a 'running' run whose process is gone was killed.\n"
    "ALTER TABLE runs ADD COLUMN pid INTEGER;  -- process id of the racelint that made the run\n"
    "ALTER TABLE runs ADD COLUMN host TEXT;    -- host name it ran on\n"
    "ALTER TABLE runs ADD COLUMN baseline TEXT; -- the --baseline the run was checked against\n"
    "CREATE INDEX runs_status ON runs(status, id);\n"
    "CREATE INDEX findings_run_fingerprint ON findings(run_id, fingerprint);\n"
    "\n"
    "-- The source lines around each event, as they were when the run was made.\n"
    "ALTER TABLE events ADD COLUMN context_line INTEGER; -- line number of the first line of context\n"
    "ALTER TABLE events ADD COLUMN context TEXT;         -- the lines, newline separated\n"
    "\n"
    "-- Triage decisions, append-only: the latest per fingerprint is the current one.\n"
    "CREATE TABLE triage (\n"
    "    id          INTEGER PRIMARY KEY,\n"
    "    fingerprint TEXT NOT NULL,    -- the finding, across runs (findings.fingerprint)\n"
    "    decision    TEXT NOT NULL     -- 'false-positive', 'intended' or 'confirmed'\n"
    "                CHECK (decision IN ('false-positive', 'intended', 'confirmed')),\n"
    "    note        TEXT,             -- why\n"
    "    decided_at  TEXT NOT NULL,    -- ISO-8601 UTC\n"
    "    author      TEXT,             -- login name of who decided\n"
    "    run_id      INTEGER           -- run of the finding it was made on\n"
    ");\n"
    "CREATE INDEX triage_fingerprint ON triage(fingerprint, id);\n"
    "\n"
    "-- The current decision of each triaged fingerprint.\n"
    "CREATE VIEW triage_current AS\n"
    "    SELECT t.* FROM triage AS t\n"
    "    WHERE t.id = (SELECT max(u.id) FROM triage AS u WHERE u.fingerprint = t.fingerprint);\n",

    /* 2 -> 3: the facts cache (docs/performance.md). */
    "-- The facts of each translation unit as last parsed, reused while none of\n"
    "-- its files changed: one row per unit.\n"
    "CREATE TABLE facts_cache (\n"
    "    file       TEXT PRIMARY KEY, -- the unit's main file, as given to racelint\n"
    "    key        TEXT NOT NULL,    -- hash of its flags, racelint, libclang and API model versions\n"
    "    files      TEXT NOT NULL,    -- the files it was built from: 'HASH PATH' lines, main file first\n"
    "    facts      BLOB NOT NULL,    -- the facts, in racelint's binary format (facts_io.c)\n"
    "    updated_at TEXT NOT NULL     -- ISO-8601 UTC\n"
    ");\n",

    /* 3 -> 4: what a run was made from (docs/robustness.md, security). */
    "-- The branch of the analysed checkout, and the project config the run used.\n"
    "ALTER TABLE runs ADD COLUMN git_branch TEXT; -- branch checked out; NULL when detached or outside git\n"
    "ALTER TABLE runs ADD COLUMN config TEXT;     -- the .racelint.yaml the run used; NULL for none\n",

    /* 4 -> 5: programs and notices (docs/analysis.md, Programs; Bounds). */
    "-- The programs of the build that the run analysed, and those a finding was found in.\n"
    "ALTER TABLE runs ADD COLUMN programs TEXT;     -- JSON array of program names; NULL before schema 5\n"
    "ALTER TABLE findings ADD COLUMN programs TEXT; -- JSON array of program names; NULL before schema 5\n"
    "\n"
    "-- What the analysis said about a run besides findings: limits hit, spawns\n"
    "-- that found no thread, programs that start none.\n"
    "CREATE TABLE notices (\n"
    "    run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
    "    idx     INTEGER NOT NULL, -- order within the run\n"
    "    code    TEXT NOT NULL,    -- stable id, e.g. 'limit-contexts', 'threads-not-found'\n"
    "    program TEXT,             -- the program it concerns; NULL for the whole run\n"
    "    message TEXT NOT NULL,    -- one sentence for people\n"
    "    PRIMARY KEY (run_id, idx)\n"
    ");\n",

    /* 5 -> 6: incomplete runs, and the source excerpts of each run
     * (docs/ci.md, exit status 3; docs/html-report.md). */
    "-- Why the analysis of a run is incomplete (exit status 3): too many units did not parse.\n"
    "ALTER TABLE runs ADD COLUMN incomplete TEXT; -- one sentence; NULL when complete (and before schema 6)\n"
    "\n"
    "-- Source excerpts, each distinct text once whatever the number of runs showing it.\n"
    "CREATE TABLE snippets (\n"
    "    hash TEXT PRIMARY KEY, -- 16 hex digits: FNV-1a 64 of text\n"
    "    text TEXT NOT NULL     -- source lines, newline separated, each cut at 512 bytes\n"
    ");\n"
    "\n"
    "-- The excerpt a run showed around each of its events' lines, as the file was then.\n"
    "CREATE TABLE run_snippets (\n"
    "    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
    "    file       TEXT NOT NULL,    -- as the events name it\n"
    "    line       INTEGER NOT NULL, -- the event's line\n"
    "    first_line INTEGER NOT NULL, -- line number of the excerpt's first line\n"
    "    hash       TEXT NOT NULL REFERENCES snippets(hash),\n"
    "    PRIMARY KEY (run_id, file, line)\n"
    ");\n",

    /* 6 -> 7: one finding per location, confidence (docs/database.md).
     * rls_migrate_location_findings() then gives the findings of race and
     * write-under-read-lock, one per site until now, the fingerprint of
     * their location's finding. */
    "-- How sure racelint is of a finding, and which of its events race together.\n"
    "ALTER TABLE findings ADD COLUMN confidence TEXT;   -- 'high', 'medium' or 'low'; NULL before schema 7\n"
    "ALTER TABLE findings ADD COLUMN pairs TEXT;        -- JSON array of [a, b] event indices that race, best first\n"
    "ALTER TABLE findings ADD COLUMN pairs_total INTEGER; -- racing pairs found (pairs keeps at most 10)\n"
    "ALTER TABLE findings ADD COLUMN site_fingerprint TEXT; -- the per-site fingerprint before schema 7, when migrated\n",

    /* 7 -> 8: the results cache (docs/performance.md, Re-runs). */
    "-- The results of the whole-program phase of recent runs, reused by a run\n"
    "-- whose inputs are the same (analyzer/results.h); only the newest few are kept.\n"
    "CREATE TABLE results_cache (\n"
    "    key        TEXT PRIMARY KEY, -- hash of every unit's facts, racelint's binary, API models, config, options\n"
    "    results    BLOB NOT NULL,    -- findings, programs and notices, as JSON (results format 1)\n"
    "    updated_at TEXT NOT NULL     -- ISO-8601 UTC\n"
    ");\n",
};

_Static_assert(sizeof migrations / sizeof *migrations == RL_STORE_SCHEMA_VERSION,
               "one migration per schema version");

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

static int not_ours(rl_store *s, rl_error *err, const char *why)
{
    return rl_fail(err, "'%s' is not a racelint database (%s)", s->path, why);
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

/* PRAGMA values cannot be bound, so this one statement is formatted; the
 * name and value are always our own constants, never input. */
static int set_pragma(rl_store *s, const char *name, long value, rl_error *err)
{
    char sql[RL_PRAGMA_SQL_MAX];
    snprintf(sql, sizeof sql, "PRAGMA %s = %ld", name, value);
    return rls_exec(s, sql, "writing the schema version", err);
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

/* ------------------------------------------------------------------------
 * Opening and the schema. */

/* The folder a database file lives in (its journal goes there too). */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return !slash ? rl_xstrdup(".") : slash == path ? rl_xstrdup("/") : rl_xstrndup(path, (size_t)(slash - path));
}

/* Whether path exists and is not a regular file (a FIFO, a device, a
 * socket). stat() says so without opening it (opening some devices acts);
 * what stat calls a regular file is then opened with O_NONBLOCK, which a
 * FIFO swapped in meanwhile cannot block, and checked again with fstat. */
static int not_regular_file(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return 0;
    if (!S_ISREG(st.st_mode)) return 1;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return 0; /* unreadable: SQLite says so */
    int bad = fstat(fd, &st) == 0 && !S_ISREG(st.st_mode);
    close(fd);
    return bad;
}

/* The checks SQLite would do with a vaguer message (or not at all): the
 * folder must exist, the path must be a regular file (SQLite would block
 * on a FIFO, and call /dev/null an empty database), and a database opened
 * for reading must exist. */
static int check_path(const char *path, int read_only, rl_error *err)
{
    char *dir = folder_of(path);
    struct stat st;
    int rc = 0, dir_missing = stat(dir, &st) != 0;
    if (dir_missing && errno != ENOENT && errno != ENOTDIR)
        rc = rl_fail(err, "cannot open database '%s': folder '%s': %s", path, dir, strerror(errno));
    else if (dir_missing || !S_ISDIR(st.st_mode))
        rc = rl_fail(err, "cannot open database '%s': folder '%s' does not exist", path, dir);
    else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        rc = rl_fail(err, "cannot open database '%s': it is a folder", path);
    else if (not_regular_file(path))
        rc = rl_fail(err, "cannot open database '%s': not a regular file (a FIFO, device or socket)", path);
    else if (read_only && stat(path, &st) != 0)
        rc = rl_fail(err, "cannot open database '%s': %s", path, strerror(errno));
    /* Even root cannot write there; SQLite would only say "unable to open
     * database file". */
    else if (!read_only && access(dir, W_OK) != 0 && errno == EROFS)
        rc = rl_fail(err, "cannot open database '%s' for writing: folder '%s' is on a read-only file system", path, dir);
    free(dir);
    return rc;
}

/* Why a WAL database's -shm file cannot be made beside path ("on a
 * read-only file system", "in a folder this user may not write"), or NULL
 * when its folder can be written. */
static const char *unwritable_folder(const char *path)
{
    char *dir = folder_of(path);
    const char *why = NULL;
    if (access(dir, W_OK) != 0) why = errno == EROFS ? "on a read-only file system" : "in a folder this user may not write";
    free(dir);
    return why;
}

/* Whether PATH-wal exists and is not empty. */
static int has_wal(const char *path)
{
    char *wal = rl_xasprintf("%s-wal", path);
    struct stat st;
    int has = stat(wal, &st) == 0 && st.st_size > 0;
    free(wal);
    return has;
}

/* "file:PATH?immutable=1", the path percent-encoded as URIs want. */
static char *immutable_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *uri = rl_xmalloc(n * 3 + sizeof "file:?immutable=1");
    char *o = uri;
    memcpy(o, "file:", 5);
    o += 5;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("/._-", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    strcpy(o, "?immutable=1");
    return uri;
}

/* ------------------------------------------------------------------------
 * Time: every statement is bounded (invariant 4). */

void rls_query_begin(rl_store *s)
{
    s->query_start = rl_now_ms();
    s->waited_ms = 0;
    s->timed_out = 0;
}

/* sqlite3_progress_handler: interrupts the statement once it has run for
 * query_ms (0: no limit), waits for locks excepted. */
static int over_time(void *data)
{
    rl_store *s = data;
    if (s->query_ms == 0 || rl_now_ms() - s->query_start - s->waited_ms < s->query_ms) return 0;
    s->timed_out = 1;
    return 1;
}

/* sqlite3_busy_handler: waits up to busy_ms for another process's lock, in
 * slices it counts as waiting, not running (over_time). */
static int wait_for_lock(void *data, int count)
{
    rl_store *s = data;
    if ((long long)count * RL_BUSY_SLICE_MS >= s->busy_ms) return 0;
    sqlite3_sleep(RL_BUSY_SLICE_MS);
    s->waited_ms += RL_BUSY_SLICE_MS;
    return 1;
}

/* ------------------------------------------------------------------------
 * The schema: its version, its objects, its migrations. */

/* Reads the schema version, refusing files that are not ours or are newer
 * than this build. Returns the version (0 for an empty database) or -1. */
static int64_t schema_version(rl_store *s, rl_error *err)
{
    int64_t app_id = 0, version = 0, objects = 0;
    if (rls_query_int(s, "PRAGMA application_id", &app_id, err) || rls_query_int(s, "PRAGMA user_version", &version, err) ||
        rls_query_int(s, "SELECT count(*) FROM sqlite_master", &objects, err))
        return -1;
    if (app_id != 0 && app_id != RL_STORE_APPLICATION_ID) return not_ours(s, err, "it belongs to another application");
    if (version > RL_STORE_SCHEMA_VERSION)
        return rl_fail(err,
                       "database '%s' has schema version %lld, newer than this racelint supports (%d);"
                       " upgrade racelint",
                       s->path, (long long)version, RL_STORE_SCHEMA_VERSION);
    if (version == 0) return objects ? not_ours(s, err, "it has tables but no racelint schema version") : 0;
    if (app_id != RL_STORE_APPLICATION_ID) return not_ours(s, err, "it lacks racelint's application id");
    return version;
}

/* SQLite's own objects: statistics tables (ANALYZE), sqlite_sequence, and
 * the indexes behind UNIQUE and PRIMARY KEY constraints. SQLite refuses
 * those names to CREATE; triggers and views never qualify. */
static int sqlite_internal(const char *type, const char *name)
{
    static const char prefix[] = "sqlite_";
    return (strcmp(type, "table") == 0 || strcmp(type, "index") == 0) && strncmp(name, prefix, sizeof prefix - 1) == 0;
}

/* Refuses a database holding schema objects (tables, indexes, views,
 * triggers) that migrations[0..version) do not create: a trigger would run
 * when racelint writes, a view or table would be read as if racelint had
 * made it. What racelint creates is learnt by running the same migrations
 * on an in-memory database, so the list cannot drift from the schema. */
static int check_schema_objects(rl_store *s, int64_t version, rl_error *err)
{
    sqlite3 *mem = NULL;
    int rc = sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK ? 0 : -1;
    for (int64_t v = 0; rc == 0 && v < version; v++)
        if (sqlite3_exec(mem, migrations[v], NULL, NULL, NULL) != SQLITE_OK) rc = -1;
    sqlite3_stmt *known = NULL;
    if (rc == 0 && sqlite3_prepare_v2(mem, "SELECT 1 FROM sqlite_master WHERE type = ?1 AND name = ?2", -1, &known,
                                      NULL) != SQLITE_OK)
        rc = -1;
    if (rc) {
        rc = rl_fail(err, "internal error: racelint's schema does not build in memory: %s",
                     mem ? sqlite3_errmsg(mem) : "out of memory");
        sqlite3_finalize(known);
        sqlite3_close(mem);
        return rc;
    }
    sqlite3_stmt *st = rls_prepare(s, "SELECT type, name FROM sqlite_master ORDER BY type, name", "reading the schema", err);
    rl_strbuf foreign = RL_STRBUF_INIT;
    size_t nforeign = 0;
    int step = SQLITE_DONE;
    while (st && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        if (!type || !name || sqlite_internal(type, name)) continue;
        sqlite3_bind_text(known, 1, type, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(known, 2, name, -1, SQLITE_TRANSIENT);
        int ours = sqlite3_step(known) == SQLITE_ROW;
        sqlite3_reset(known);
        if (ours) continue;
        if (nforeign < RL_MAX_FOREIGN_NAMED) rl_sb_printf(&foreign, "%s%s '%s'", nforeign ? ", " : "", type, name);
        nforeign++;
    }
    if (!st) rc = -1;
    else if (step != SQLITE_DONE) rc = rls_db_error(s, err, "reading the schema");
    else if (nforeign)
        rc = rl_fail(err,
                     "database '%s' holds %zu schema object%s racelint did not create: %s%s; refusing it"
                     " (a trigger or view runs SQL of its own; use a database racelint made)",
                     s->path, nforeign, nforeign == 1 ? "" : "s", rl_sb_str(&foreign),
                     nforeign > RL_MAX_FOREIGN_NAMED ? ", ..." : "");
    rl_sb_free(&foreign);
    sqlite3_finalize(st);
    sqlite3_finalize(known);
    sqlite3_close(mem);
    return rc;
}

/* migrate's result for an older schema opened read-only. */
#define RLS_OLDER (-2)

/* Brings the schema to RL_STORE_SCHEMA_VERSION, creating it in an empty
 * file. Runs in one transaction: a failed upgrade leaves the old schema. */
static int migrate(rl_store *s, rl_error *err)
{
    /* The version and the objects are read in one snapshot: another job
     * creating the schema between the two reads would otherwise look like
     * objects racelint did not create in an empty database. */
    if (rls_exec(s, "BEGIN", "reading the schema", err)) return -1;
    int64_t version = schema_version(s, err);
    int bad = version < 0 || check_schema_objects(s, version, err);
    if (bad) {
        rls_rollback(s);
        return -1;
    }
    if (rls_exec(s, "COMMIT", "reading the schema", err)) return -1;
    if (version == RL_STORE_SCHEMA_VERSION) return 0;
    if (s->read_only) {
        if (version == 0) return rl_fail(err, "database '%s' is empty: no racelint run was recorded in it", s->path);
        rl_fail(err,
                "database '%s' has schema version %lld, older than this racelint uses (%d);"
                " open it once for writing to upgrade it",
                s->path, (long long)version, RL_STORE_SCHEMA_VERSION);
        return RLS_OLDER;
    }

    /* Another job may be creating or upgrading the same file right now:
     * take the write lock, then look again. */
    if (rls_exec(s, "BEGIN IMMEDIATE", "locking the database", err)) return -1;
    version = schema_version(s, err);
    int rc = version < 0 ? -1 : 0;
    for (int64_t v = version; rc == 0 && v < RL_STORE_SCHEMA_VERSION; v++) {
        rc = rls_exec(s, migrations[v], "creating the schema", err);
        if (rc == 0 && v + 1 == RLS_SCHEMA_LOCATION_FINDINGS) rc = rls_migrate_location_findings(s, err);
    }
    if (rc == 0 && version == 0) rc = set_pragma(s, "application_id", RL_STORE_APPLICATION_ID, err);
    if (rc == 0 && version < RL_STORE_SCHEMA_VERSION) rc = set_pragma(s, "user_version", RL_STORE_SCHEMA_VERSION, err);
    if (rc == 0) rc = rls_exec(s, "COMMIT", "committing the schema", err);
    if (rc) rls_rollback(s);
    return rc;
}

/* Turns off, on this connection, everything a stored schema or a query
 * could use beyond reading and writing rows (invariant 2). */
static int harden(rl_store *s, rl_error *err)
{
    static const struct {
        int op, on;
        const char *name;
    } settings[] = {
        {SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, "load_extension"},
        {SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, "fts3_tokenizer"},
        {SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, "triggers"},
        {SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, "trusted_schema"},
        {SQLITE_DBCONFIG_DEFENSIVE, 1, "defensive"},
    };
    for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
        int now = -1;
        if (sqlite3_db_config(s->db, settings[i].op, settings[i].on, &now) != SQLITE_OK || now != settings[i].on)
            return rl_fail(err, "database '%s': SQLite would not set %s %s", s->path, settings[i].name,
                           settings[i].on ? "on" : "off");
    }
    return 0;
}

static int configure(rl_store *s, rl_error *err)
{
    int64_t objects;
    if (harden(s, err) || rl_env_ms(RL_BUSY_TIMEOUT_ENV, RL_BUSY_TIMEOUT_MS, &s->busy_ms, err) ||
        rl_env_ms(RL_QUERY_TIMEOUT_ENV, RL_QUERY_TIMEOUT_MS, &s->query_ms, err))
        return -1;
    sqlite3_busy_handler(s->db, wait_for_lock, s);
    sqlite3_progress_handler(s->db, RL_PROGRESS_STEPS, over_time, s);
    /* The first read of the file: a file that is not SQLite fails here
     * with SQLITE_NOTADB, which db_error words for the user. */
    if (rls_query_int(s, "SELECT count(*) FROM sqlite_master", &objects, err)) return -1;
    /* SQLite silently opens a file it may not write read-only. */
    if (!s->read_only && sqlite3_db_readonly(s->db, "main") == 1)
        return rl_fail(err, "cannot open database '%s' for writing: it is read-only (permission denied)", s->path);
    /* WAL lets readers and one writer from parallel jobs proceed together.
     * Switching modes writes the file, so a read-only open keeps the mode. */
    if (!s->read_only && rls_exec(s, "PRAGMA journal_mode = WAL", "switching to WAL mode", err)) return -1;
    return rls_exec(s, "PRAGMA foreign_keys = ON", "enabling foreign keys", err);
}

static rl_store *open_store(const char *path, int read_only, int *older, rl_error *err)
{
    if (!path || !*path) {
        rl_fail(err, "no database path given");
        return NULL;
    }
    if (check_path(path, read_only, err)) return NULL;

    rl_store *s = rl_xcalloc(1, sizeof *s);
    s->path = rl_xstrdup(path);
    s->read_only = read_only;
    int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        rl_fail(err, "cannot open database '%s': %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        rl_store_close(s);
        return NULL;
    }
    int rc = configure(s, err);
    int code = s->db ? sqlite3_errcode(s->db) : SQLITE_OK;
    /* A WAL database needs its -shm file even to be read ("unable to open"
     * or "attempt to write a readonly database" when it cannot be made). */
    const char *no_shm = rc && read_only && (code == SQLITE_CANTOPEN || code == SQLITE_READONLY) ? unwritable_folder(path)
                                                                                                  : NULL;
    if (no_shm && has_wal(path)) {
        rl_fail(err,
                "cannot read database '%s': it is %s, beside a -wal file that SQLite would have to apply first;"
                " open it once where it can be written",
                path, no_shm);
    } else if (no_shm) {
        /* Where the -shm file cannot be made, no racelint can write the
         * database either (that needs the same folder), so it is read as
         * immutable; not beside a -wal file, whose transactions immutable
         * would not see. */
        sqlite3_close(s->db);
        s->db = NULL;
        char *uri = immutable_uri(path);
        rc = sqlite3_open_v2(uri, &s->db, flags | SQLITE_OPEN_URI, NULL) != SQLITE_OK;
        free(uri);
        if (rc) rl_fail(err, "cannot open database '%s': %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        else rc = configure(s, err);
    }
    if (rc == 0) rc = migrate(s, err);
    if (rc) {
        if (older) *older = rc == RLS_OLDER;
        rl_store_close(s);
        return NULL;
    }
    return s;
}

rl_store *rl_store_open(const char *path, int mode, rl_error *err)
{
    int older = 0;
    rl_store *s = open_store(path, mode != RL_STORE_WRITE, &older, err);
    if (s || mode != RL_STORE_READ || !older) return s;
    /* A reader of an older file: upgrade it in a short read-write open,
     * then read. A file we may not write keeps the first message. */
    rl_error why;
    rl_store *w = open_store(path, 0, NULL, &why);
    if (!w) return NULL;
    rl_store_close(w);
    return open_store(path, 1, NULL, err);
}

const char *rl_store_path(const rl_store *s)
{
    return s->path;
}

void rl_store_close(rl_store *s)
{
    if (!s) return;
    sqlite3_close(s->db); /* every statement is finalized where it is used */
    free(s->path);
    free(s);
}

/* ------------------------------------------------------------------------
 * Recording a run. */

/* Compact JSON text of v (which it releases); the caller frees. */
static char *json_text(json_t *v)
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
    char *programs = json_text(rl_json_strings((const char *const *)run->programs, run->nprograms));
    sqlite3_bind_text(st, i++, programs ? programs : "[]", -1, SQLITE_TRANSIENT);
    free(programs);
    rls_bind_text(st, i++, run->incomplete);
    return i;
}

static int insert_run(rl_store *s, const rl_run_info *run, int64_t *id, rl_error *err)
{
    static const char sql[] =
        "INSERT INTO runs (started_at, finished_at, status, tool_version, arguments, directory,"
        " git_revision, git_dirty, files, units_failed, findings, duration_ms, pid, host, baseline, git_branch, config,"
        " programs, incomplete) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
        " ?18, ?19)";
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
        ", incomplete = ?19 WHERE id = ?20";
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


static int insert_event(rl_store *s, sqlite3_stmt *st, int64_t finding_id, size_t idx, const rl_event *ev,
                        const rl_source_context *ctx, rl_error *err)
{
    char *chain = json_text(rl_json_chain(ev));
    char *locks = json_text(rl_json_locks(ev));
    int i = 1;
    sqlite3_bind_int64(st, i++, finding_id);
    sqlite3_bind_int64(st, i++, (int64_t)idx);
    rls_bind_position(st, i, &ev->pos);
    i += 3;
    rls_bind_text(st, i++, ev->function);
    rls_bind_text(st, i++, ev->kind);
    rls_bind_text(st, i++, ev->what);
    rls_bind_text(st, i++, ev->thread);
    rls_bind_position(st, i, &ev->spawn);
    i += 3;
    sqlite3_bind_int(st, i++, ev->multi_instance != 0);
    rls_bind_text(st, i++, chain);
    rls_bind_text(st, i++, locks);
    if (ctx && ctx->text) {
        sqlite3_bind_int64(st, i, ctx->first_line);
        rls_bind_text(st, i + 1, ctx->text);
    }
    i += 2;
    int rc = rls_step_done(s, st, "recording an event", err);
    free(chain);
    free(locks);
    return rc;
}

static int insert_findings(rl_store *s, int64_t run_id, const rl_findings *list, rl_source_context *const *contexts,
                           rl_error *err)
{
    static const char finding_sql[] =
        "INSERT INTO findings (run_id, rule, severity, fingerprint, location, message, hint,"
        " file, line, col, suppressed, suppression, programs, confidence, pairs, pairs_total)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
    static const char event_sql[] =
        "INSERT INTO events (finding_id, idx, file, line, col, function, kind, what, thread,"
        " spawn_file, spawn_line, spawn_col, multi_instance, chain, locks, context_line, context)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
    sqlite3_stmt *fst = rls_prepare(s, finding_sql, "recording the findings", err);
    sqlite3_stmt *est = fst ? rls_prepare(s, event_sql, "recording the findings", err) : NULL;
    int rc = est ? 0 : -1;
    for (size_t n = 0; rc == 0 && n < list->len; n++) {
        const rl_finding *f = &list->items[n];
        int i = 1;
        sqlite3_bind_int64(fst, i++, run_id);
        rls_bind_text(fst, i++, f->rule);
        rls_bind_text(fst, i++, rl_severity_name(f->severity));
        rls_bind_text(fst, i++, f->fingerprint);
        rls_bind_text(fst, i++, f->location);
        rls_bind_text(fst, i++, f->message);
        rls_bind_text(fst, i++, f->hint);
        rls_bind_position(fst, i, f->nevents ? &f->events[0].pos : NULL);
        i += 3;
        sqlite3_bind_int(fst, i++, f->suppressed != 0);
        rls_bind_text(fst, i++, f->suppression);
        char *programs = f->nprograms ? json_text(rl_json_strings((const char *const *)f->programs, f->nprograms)) : NULL;
        rls_bind_text(fst, i++, programs);
        rls_bind_text(fst, i++, rl_confidence_name(f->confidence));
        char *pairs = f->npairs ? json_text(rl_json_pairs(f)) : NULL;
        rls_bind_text(fst, i++, pairs);
        if (f->npairs) sqlite3_bind_int64(fst, i, (sqlite3_int64)f->pairs_total);
        else sqlite3_bind_null(fst, i);
        i++;
        rc = rls_step_done(s, fst, "recording a finding", err);
        free(programs);
        free(pairs);
        int64_t finding_id = sqlite3_last_insert_rowid(s->db);
        const rl_source_context *ctx = contexts ? contexts[n] : NULL;
        for (size_t e = 0; rc == 0 && e < f->nevents; e++)
            rc = insert_event(s, est, finding_id, e, &f->events[e], ctx ? &ctx[e] : NULL, err);
    }
    sqlite3_finalize(fst);
    sqlite3_finalize(est);
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
    if (rc == 0 && findings) rc = insert_findings(s, id, findings, NULL, err);
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
    if (rc == 0 && findings) rc = insert_findings(s, run->id, findings, contexts, err);
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

/* Steps a statement expected to return at most one row: 1 for a row, 0 for
 * none, -1 on error. */
int rls_step_row(rl_store *s, sqlite3_stmt *st, const char *what, rl_error *err)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) return 1;
    return rc == SQLITE_DONE ? 0 : rls_db_error(s, err, what);
}

/* A JSON array of names stored by racelint (runs.programs,
 * findings.programs); anything else in the column (NULL before schema 5,
 * or a value that is not an array of strings) reads as no names. */
static void read_names(sqlite3_stmt *st, int col, char ***names, size_t *n)
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
    read_names(st, i++, &out->programs, &out->nprograms);
    out->incomplete = rls_column_text(st, i++);
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

static int parse_severity(const char *name, rl_severity *out)
{
    for (rl_severity sev = RL_SEV_NOTE; sev <= RL_SEV_ERROR; sev++) {
        if (name && strcmp(name, rl_severity_name(sev)) == 0) {
            *out = sev;
            return 0;
        }
    }
    return -1;
}

/* Decodes one JSON column (chain or locks) of an event into ev; SQL NULL
 * means an empty list. */
static int decode_json_column(rl_store *s, sqlite3_stmt *st, int i, int64_t finding_id, rl_event *ev,
                              int (*decode)(const json_t *, rl_event *, rl_error *), rl_error *err)
{
    const char *text = (const char *)sqlite3_column_text(st, i);
    if (!text) return 0;
    json_error_t jerr;
    json_t *v = json_loads(text, 0, &jerr);
    rl_error why;
    int rc = v ? decode(v, ev, &why) : rl_fail(&why, "%s", jerr.text);
    json_decref(v);
    if (rc)
        return rl_fail(err, "database '%s': finding %lld: bad events.%s: %s", s->path, (long long)finding_id,
                       sqlite3_column_name(st, i), why.msg);
    return 0;
}

int rls_load_events(rl_store *s, sqlite3_stmt *st, int64_t finding_id, rl_finding *f, rl_error *err)
{
    int rc = 0, step = SQLITE_DONE;
    sqlite3_bind_int64(st, 1, finding_id);
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        rl_event *ev = rl_finding_add_event(f);
        int i = 0;
        rls_column_position(st, i, &ev->pos);
        i += 3;
        ev->function = rls_column_text(st, i++);
        ev->kind = rls_column_text(st, i++);
        ev->what = rls_column_text(st, i++);
        ev->thread = rls_column_text(st, i++);
        rls_column_position(st, i, &ev->spawn);
        i += 3;
        ev->multi_instance = sqlite3_column_int(st, i++) != 0;
        rc = decode_json_column(s, st, i++, finding_id, ev, rl_json_read_chain, err);
        if (rc == 0) rc = decode_json_column(s, st, i++, finding_id, ev, rl_json_read_locks, err);
    }
    if (rc == 0 && step != SQLITE_DONE) rc = rls_db_error(s, err, "reading the events");
    sqlite3_reset(st);
    return rc;
}

int rls_load_finding(rl_store *s, sqlite3_stmt *st, rl_finding *f, int64_t *id, rl_error *err)
{
    int i = 0;
    *id = sqlite3_column_int64(st, i++);
    f->rule = rls_column_text(st, i++);
    const char *severity = (const char *)sqlite3_column_text(st, i++);
    if (parse_severity(severity, &f->severity))
        return rl_fail(err, "database '%s': finding %lld has an unknown severity '%s'", s->path, (long long)*id,
                       severity ? severity : "");
    const char *fingerprint = (const char *)sqlite3_column_text(st, i++);
    snprintf(f->fingerprint, sizeof f->fingerprint, "%s", fingerprint ? fingerprint : "");
    f->location = rls_column_text(st, i++);
    f->message = rls_column_text(st, i++);
    f->hint = rls_column_text(st, i++);
    f->suppressed = sqlite3_column_int(st, i++) != 0;
    f->suppression = rls_column_text(st, i++);
    read_names(st, i++, &f->programs, &f->nprograms);
    int conf = rl_confidence_parse((const char *)sqlite3_column_text(st, i++));
    f->confidence = conf < 0 ? RL_CONF_HIGH : (rl_confidence)conf; /* NULL before schema 7 */
    const char *pairs = (const char *)sqlite3_column_text(st, i++);
    if (pairs && rl_json_read_pairs(pairs, f))
        return rl_fail(err, "database '%s': finding %lld has malformed pairs", s->path, (long long)*id);
    if (sqlite3_column_type(st, i) != SQLITE_NULL) f->pairs_total = (size_t)sqlite3_column_int64(st, i);
    i++;
    return 0;
}

int rl_store_load_findings(rl_store *s, int64_t run_id, rl_findings *out, rl_error *err)
{
    static const char finding_sql[] =
        "SELECT " RLS_FINDING_COLUMNS " FROM findings WHERE run_id = ?1 ORDER BY id";
    static const char event_sql[] =
        "SELECT file, line, col, function, kind, what, thread, spawn_file, spawn_line, spawn_col,"
        " multi_instance, chain, locks FROM events WHERE finding_id = ?1 ORDER BY idx";
    if (rls_run_exists(s, run_id, err)) return -1;
    sqlite3_stmt *fst = rls_prepare(s, finding_sql, "reading the findings", err);
    sqlite3_stmt *est = fst ? rls_prepare(s, event_sql, "reading the findings", err) : NULL;
    int rc = est ? 0 : -1, step = SQLITE_DONE;
    rl_findings got = {0};
    if (rc == 0) sqlite3_bind_int64(fst, 1, run_id);
    while (rc == 0 && (step = sqlite3_step(fst)) == SQLITE_ROW) {
        int64_t id;
        rl_finding *f = rl_findings_add(&got);
        rc = rls_load_finding(s, fst, f, &id, err);
        if (rc == 0) rc = rls_load_events(s, est, id, f, err);
    }
    if (rc == 0 && step != SQLITE_DONE) rc = rls_db_error(s, err, "reading the findings");
    sqlite3_finalize(fst);
    sqlite3_finalize(est);
    if (rc) {
        rl_findings_free(&got);
        return -1;
    }
    /* Append, moving the findings (and everything they own) into out. */
    RL_GROW(out->items, out->cap, out->len + got.len);
    if (got.len) memcpy(out->items + out->len, got.items, got.len * sizeof *got.items);
    out->len += got.len;
    free(got.items);
    return 0;
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
