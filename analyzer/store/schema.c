/* The store's schema (store_internal.h): the migration scripts, one per
 * schema version, the version and application id a file carries, and the
 * check that a file holds no schema object racelint did not create.
 *
 * Invariants:
 *  1. migrations[i] takes a database from version i to i + 1; existing
 *     scripts never change (store.h, invariant 2).
 *  2. The version and the objects are read in one snapshot, and an upgrade
 *     runs in one transaction: a failed upgrade leaves the old schema.
 *  3. A file racelint did not make (another application id, tables
 *     without a version, objects the migrations do not create) is refused
 *     with the reason, never written into. */
#include "store_internal.h"
#include "../util/strbuf.h"
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

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

    /* 8 -> 9: the rule options of a run (rules/options.h). */
    "-- The rule options in effect (check_options: of the config, --check-option).\n"
    "ALTER TABLE runs ADD COLUMN options TEXT; -- JSON object, e.g. {\"race.volatile\": \"ignore\", ...}; NULL before schema 9\n",

    /* 9 -> 10: what the results cache keys on, kept beside the facts, so
     * that a run reusing stored results never reads the facts
     * (docs/performance.md). */
    "-- The digest of each unit's facts.\n"
    "ALTER TABLE facts_cache ADD COLUMN digest TEXT; -- 16 hex digits (rl_facts_digest); NULL before schema 10\n",

    /* 10 -> 11: findings share the events of an identical earlier finding
     * (findings.c, invariant 3; docs/database.md). */
    "-- A finding whose events are those of an earlier finding shares its rows.\n"
    "ALTER TABLE findings ADD COLUMN events_of INTEGER;     -- the finding whose events rows these are; NULL: its own\n"
    "ALTER TABLE findings ADD COLUMN events_digest INTEGER; -- hash of its events' rows; NULL before schema 11\n"
    "CREATE INDEX findings_events_digest ON findings(events_digest);\n"
    "\n"
    "-- Each finding's events, its own rows or those it shares.\n"
    "CREATE VIEW finding_events AS\n"
    "SELECT f.id AS finding_id, e.idx, e.file, e.line, e.col, e.function, e.kind, e.what, e.thread,\n"
    "       e.spawn_file, e.spawn_line, e.spawn_col, e.multi_instance, e.chain, e.locks, e.context_line, e.context\n"
    "FROM findings AS f JOIN events AS e ON e.finding_id = coalesce(f.events_of, f.id);\n",
};

_Static_assert(sizeof migrations / sizeof *migrations == RL_STORE_SCHEMA_VERSION,
               "one migration per schema version");

static int not_ours(rl_store *s, rl_error *err, const char *why)
{
    return rl_fail(err, "'%s' is not a racelint database (%s)", s->path, why);
}

/* PRAGMA values cannot be bound, so this one statement is formatted; the
 * name and value are always our own constants, never input. */
static int set_pragma(rl_store *s, const char *name, long value, rl_error *err)
{
    char sql[RL_PRAGMA_SQL_MAX];
    snprintf(sql, sizeof sql, "PRAGMA %s = %ld", name, value);
    return rls_exec(s, sql, "writing the schema version", err);
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

/* Brings the schema to RL_STORE_SCHEMA_VERSION, creating it in an empty
 * file. Runs in one transaction: a failed upgrade leaves the old schema. */
int rls_migrate(rl_store *s, rl_error *err)
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
