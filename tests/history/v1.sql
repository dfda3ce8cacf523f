-- A findings database as racelint 0.1.0 (schema version 1) wrote it: the
-- migration test opens it with the current racelint, which must upgrade it
-- in place and keep every row.
PRAGMA application_id = 1380732500;
PRAGMA user_version = 1;
BEGIN;
-- One row per racelint invocation that analysed code.
CREATE TABLE runs (
    id           INTEGER PRIMARY KEY, -- run number, increasing
    started_at   TEXT NOT NULL,       -- ISO-8601 UTC, e.g. 2024-05-01T12:00:00Z
    finished_at  TEXT,                -- ISO-8601 UTC; NULL if it never finished
    status       TEXT NOT NULL,       -- 'complete', 'interrupted' or 'failed'
    tool_version TEXT NOT NULL,       -- racelint version that made the run
    arguments    TEXT,                -- the command line, as a JSON array of strings
    directory    TEXT,                -- current directory of the run
    git_revision TEXT,                -- HEAD commit; NULL outside a git checkout
    git_dirty    INTEGER,             -- 1 if the checkout had uncommitted changes
    files        INTEGER,             -- translation units analysed
    units_failed INTEGER,             -- translation units that could not be parsed
    findings     INTEGER,             -- findings reported, suppressed ones included
    duration_ms  INTEGER              -- wall-clock time of the run
);

-- How each translation unit of a run fared.
CREATE TABLE units (
    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    file        TEXT NOT NULL,  -- the source file, as given to racelint
    status      TEXT NOT NULL,  -- 'ok', 'errors', 'failed' or 'cached'
    diagnostics TEXT            -- first compiler diagnostics, newline separated
);
CREATE INDEX units_run ON units(run_id);

-- One row per finding of a run.
CREATE TABLE findings (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,  -- rule id, e.g. 'race'
    severity    TEXT NOT NULL,  -- 'note', 'warning' or 'error'
    fingerprint TEXT NOT NULL,  -- 16 hex digits, stable across unrelated edits
    location    TEXT NOT NULL,  -- the shared location, e.g. 'stats.hits'
    message     TEXT NOT NULL,  -- one-line summary
    hint        TEXT,           -- how to fix it; NULL if the rule has no hint
    file        TEXT,           -- primary position (that of event 0), copied
    line        INTEGER,        --   here so that queries need no join;
    col         INTEGER,        --   NULL when the finding has no events
    suppressed  INTEGER NOT NULL DEFAULT 0, -- 1 if suppressed
    suppression TEXT            -- why it is suppressed
);
CREATE INDEX findings_fingerprint ON findings(fingerprint);
CREATE INDEX findings_run ON findings(run_id);

-- The sides of a finding: the accesses (or lock acquisitions) involved.
CREATE TABLE events (
    finding_id     INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    idx            INTEGER NOT NULL, -- order within the finding; 0 is the primary
    file           TEXT,             -- position of the access
    line           INTEGER,
    col            INTEGER,
    function       TEXT,             -- function containing the access
    kind           TEXT,             -- 'read', 'write', 'lock', ...
    what           TEXT,             -- the expression as written, e.g. 'c->v[]'
    thread         TEXT,             -- thread entry function; 'main' for main
    spawn_file     TEXT,             -- where that thread is created;
    spawn_line     INTEGER,          --   line 0 for the main thread
    spawn_col      INTEGER,
    multi_instance INTEGER,          -- 1 if the thread runs in several instances
    chain          TEXT,             -- JSON array of {function,file,line,col}, entry first
    locks          TEXT,             -- JSON array of the lock names held
    PRIMARY KEY (finding_id, idx)
);
INSERT INTO runs VALUES (1, '2024-05-01T12:00:00Z', '2024-05-01T12:00:03Z', 'complete', '0.1.0',
  '["racelint","check","src/"]', '/home/dev/project', '3f2c1a0b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a', 0, 3, 0, 1, 3120);
INSERT INTO runs VALUES (2, '2024-05-02T12:00:00Z', '2024-05-02T12:00:02Z', 'complete', '0.1.0',
  '["racelint","check","src/"]', '/home/dev/project', '4a5f6e5d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f', 1, 3, 0, 1, 2045);
INSERT INTO units VALUES (1, 'src/stats.c', 'ok', NULL);
INSERT INTO units VALUES (2, 'src/stats.c', 'ok', NULL);
INSERT INTO findings VALUES (1, 1, 'race', 'warning', '0123456789abcdef', 'stats.failed', 'data race on ''stats.failed''',
  NULL, 'src/stats.c', 14, 9, 0, NULL);
INSERT INTO findings VALUES (2, 2, 'race', 'warning', '0123456789abcdef', 'stats.failed', 'data race on ''stats.failed''',
  NULL, 'src/stats.c', 15, 9, 0, NULL);
INSERT INTO events VALUES (1, 0, 'src/stats.c', 14, 9, 'record_transfer', 'read-write', 'stats.failed', 'teller',
  'src/main.c', 27, 9, 1, '[{"function":"teller","file":"src/main.c","line":8,"col":1}]', '[]');
INSERT INTO events VALUES (1, 1, 'src/stats.c', 14, 9, 'record_transfer', 'read-write', 'stats.failed', 'teller',
  'src/main.c', 27, 9, 1, '[{"function":"teller","file":"src/main.c","line":8,"col":1}]', '[]');
INSERT INTO events VALUES (2, 0, 'src/stats.c', 15, 9, 'record_transfer', 'read-write', 'stats.failed', 'teller',
  'src/main.c', 27, 9, 1, '[{"function":"teller","file":"src/main.c","line":8,"col":1}]', '[]');
INSERT INTO events VALUES (2, 1, 'src/stats.c', 15, 9, 'record_transfer', 'read-write', 'stats.failed', 'teller',
  'src/main.c', 27, 9, 1, '[{"function":"teller","file":"src/main.c","line":8,"col":1}]', '[]');
COMMIT;
