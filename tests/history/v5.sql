-- A findings database as racelint wrote it at schema version 5 (one race
-- finding per racing site), from `racelint check v5` in tests/history, with
-- one triage decision; the facts cache is left out and the paths of the
-- machine replaced. The migration test upgrades it and checks that the
-- findings of a new run on v5/ are all unchanged, none new or fixed.
PRAGMA application_id = 1380732500;
PRAGMA user_version = 5;
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
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
, pid INTEGER, host TEXT, baseline TEXT, git_branch TEXT, config TEXT, programs TEXT);
INSERT INTO runs VALUES(1,'2026-12-03T11:44:07Z','2026-12-03T11:44:07Z','complete','0.1.0','["racelint","check","v5","--db","v5.db","--models","models"]','.','d654e5eaaf041e1468a505864b17031297e4285b',0,1,0,9,157,472,'host',NULL,'ux',NULL,'["proj"]');
CREATE TABLE units (
    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    file        TEXT NOT NULL,  -- the source file, as given to racelint
    status      TEXT NOT NULL,  -- 'ok', 'errors', 'failed', 'cached' or 'skipped'
    diagnostics TEXT            -- first compiler diagnostics, newline separated
);
INSERT INTO units VALUES(1,'v5/proj.c','ok',NULL);
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
, programs TEXT);
INSERT INTO findings VALUES(1,1,'race','warning','684a6d252b610474','table','data race on ''table''','''table'' is accessed holding ''table_lock'' at 2 of 2 places, here only for reading; take it for writing at line 27','v5/proj.c',27,5,0,NULL,'["proj"]');
INSERT INTO findings VALUES(2,1,'race','warning','198f31b434923f10','table','data race on ''table''','''table'' is accessed holding ''table_lock'' at 2 of 2 places, here only for reading; take it for writing at line 37','v5/proj.c',37,5,0,NULL,'["proj"]');
INSERT INTO findings VALUES(3,1,'race','warning','69ebdf5e2b8494b7','hits','data race on ''hits''',NULL,'v5/proj.c',17,17,0,NULL,'["proj"]');
INSERT INTO findings VALUES(4,1,'race','warning','a2ff6e66679fc6b9','hits','data race on ''hits''',NULL,'v5/proj.c',24,5,0,NULL,'["proj"]');
INSERT INTO findings VALUES(5,1,'race','warning','70352997cfc88f2e','hits','data race on ''hits''',NULL,'v5/proj.c',25,5,0,NULL,'["proj"]');
INSERT INTO findings VALUES(6,1,'write-under-read-lock','warning','ecaca554fe0ccfe9','table','write to ''table'' while ''table_lock'' is held only for reading','take ''table_lock'' in write mode (pthread_rwlock_wrlock) around this write','v5/proj.c',27,5,0,NULL,'["proj"]');
INSERT INTO findings VALUES(7,1,'race','warning','cb305cf38d500ad2','(heap object).bytes','data race on ''c->bytes''',NULL,'v5/proj.c',35,5,0,NULL,'["proj"]');
INSERT INTO findings VALUES(8,1,'write-under-read-lock','warning','378594db9f291125','table','write to ''table'' while ''table_lock'' is held only for reading','take ''table_lock'' in write mode (pthread_rwlock_wrlock) around this write','v5/proj.c',37,5,0,NULL,'["proj"]');
INSERT INTO findings VALUES(9,1,'race','warning','9cd304a6b7ddcb4f','(heap object).bytes','data race on ''c->bytes''',NULL,'v5/proj.c',49,5,0,NULL,'["proj"]');
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
    locks          TEXT, context_line INTEGER, context TEXT,             -- JSON array of the lock names held
    PRIMARY KEY (finding_id, idx)
);
INSERT INTO events VALUES(1,0,'v5/proj.c',27,5,'writer','write','table','writer','v5/proj.c',47,5,0,'[{"function":"writer","file":"v5/proj.c","line":22,"col":1}]','["table_lock (read)"]',25,replace('    BUMP(hits);\n    pthread_rwlock_rdlock(&table_lock);\n    table = 1;\n    pthread_rwlock_unlock(&table_lock);\n    return arg;','\n',char(10)));
INSERT INTO events VALUES(1,1,'v5/proj.c',37,5,'resizer','write','table','resizer','v5/proj.c',48,5,0,'[{"function":"resizer","file":"v5/proj.c","line":32,"col":1}]','["table_lock (read)"]',35,replace('    c->bytes += 1;\n    pthread_rwlock_rdlock(&table_lock);\n    table = 2;\n    pthread_rwlock_unlock(&table_lock);\n    return NULL;','\n',char(10)));
INSERT INTO events VALUES(2,0,'v5/proj.c',37,5,'resizer','write','table','resizer','v5/proj.c',48,5,0,'[{"function":"resizer","file":"v5/proj.c","line":32,"col":1}]','["table_lock (read)"]',35,replace('    c->bytes += 1;\n    pthread_rwlock_rdlock(&table_lock);\n    table = 2;\n    pthread_rwlock_unlock(&table_lock);\n    return NULL;','\n',char(10)));
INSERT INTO events VALUES(2,1,'v5/proj.c',27,5,'writer','write','table','writer','v5/proj.c',47,5,0,'[{"function":"writer","file":"v5/proj.c","line":22,"col":1}]','["table_lock (read)"]',25,replace('    BUMP(hits);\n    pthread_rwlock_rdlock(&table_lock);\n    table = 1;\n    pthread_rwlock_unlock(&table_lock);\n    return arg;','\n',char(10)));
INSERT INTO events VALUES(3,0,'v5/proj.c',17,17,'reader','read','hits','reader','v5/proj.c',46,5,0,'[{"function":"reader","file":"v5/proj.c","line":15,"col":1}]','[]',15,replace('static void *reader(void *arg)\n{\n    long seen = hits;\n    (void)seen;\n    return arg;','\n',char(10)));
INSERT INTO events VALUES(3,1,'v5/proj.c',24,5,'writer','read-write','hits','writer','v5/proj.c',47,5,0,'[{"function":"writer","file":"v5/proj.c","line":22,"col":1}]','[]',22,replace('static void *writer(void *arg)\n{\n    hits++;\n    BUMP(hits);\n    pthread_rwlock_rdlock(&table_lock);','\n',char(10)));
INSERT INTO events VALUES(4,0,'v5/proj.c',24,5,'writer','read-write','hits','writer','v5/proj.c',47,5,0,'[{"function":"writer","file":"v5/proj.c","line":22,"col":1}]','[]',22,replace('static void *writer(void *arg)\n{\n    hits++;\n    BUMP(hits);\n    pthread_rwlock_rdlock(&table_lock);','\n',char(10)));
INSERT INTO events VALUES(4,1,'v5/proj.c',17,17,'reader','read','hits','reader','v5/proj.c',46,5,0,'[{"function":"reader","file":"v5/proj.c","line":15,"col":1}]','[]',15,replace('static void *reader(void *arg)\n{\n    long seen = hits;\n    (void)seen;\n    return arg;','\n',char(10)));
INSERT INTO events VALUES(5,0,'v5/proj.c',25,5,'writer','write','hits','writer','v5/proj.c',47,5,0,'[{"function":"writer","file":"v5/proj.c","line":22,"col":1}]','[]',23,replace('{\n    hits++;\n    BUMP(hits);\n    pthread_rwlock_rdlock(&table_lock);\n    table = 1;','\n',char(10)));
INSERT INTO events VALUES(5,1,'v5/proj.c',17,17,'reader','read','hits','reader','v5/proj.c',46,5,0,'[{"function":"reader","file":"v5/proj.c","line":15,"col":1}]','[]',15,replace('static void *reader(void *arg)\n{\n    long seen = hits;\n    (void)seen;\n    return arg;','\n',char(10)));
INSERT INTO events VALUES(6,0,'v5/proj.c',27,5,'writer','write','table','writer','v5/proj.c',47,5,0,'[{"function":"writer","file":"v5/proj.c","line":22,"col":1}]','["table_lock (read)"]',25,replace('    BUMP(hits);\n    pthread_rwlock_rdlock(&table_lock);\n    table = 1;\n    pthread_rwlock_unlock(&table_lock);\n    return arg;','\n',char(10)));
INSERT INTO events VALUES(7,0,'v5/proj.c',35,5,'resizer','read-write','c->bytes','resizer','v5/proj.c',48,5,0,'[{"function":"resizer","file":"v5/proj.c","line":32,"col":1}]','[]',33,replace('{\n    struct conn *c = arg;\n    c->bytes += 1;\n    pthread_rwlock_rdlock(&table_lock);\n    table = 2;','\n',char(10)));
INSERT INTO events VALUES(7,1,'v5/proj.c',49,5,'main','write','c->bytes','main',NULL,0,0,0,'[{"function":"main","file":"v5/proj.c","line":42,"col":1}]','[]',47,replace('    pthread_create(&t[1], NULL, writer, NULL);\n    pthread_create(&t[2], NULL, resizer, c);\n    c->bytes = 5;\n    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);\n    free(c);','\n',char(10)));
INSERT INTO events VALUES(8,0,'v5/proj.c',37,5,'resizer','write','table','resizer','v5/proj.c',48,5,0,'[{"function":"resizer","file":"v5/proj.c","line":32,"col":1}]','["table_lock (read)"]',35,replace('    c->bytes += 1;\n    pthread_rwlock_rdlock(&table_lock);\n    table = 2;\n    pthread_rwlock_unlock(&table_lock);\n    return NULL;','\n',char(10)));
INSERT INTO events VALUES(9,0,'v5/proj.c',49,5,'main','write','c->bytes','main',NULL,0,0,0,'[{"function":"main","file":"v5/proj.c","line":42,"col":1}]','[]',47,replace('    pthread_create(&t[1], NULL, writer, NULL);\n    pthread_create(&t[2], NULL, resizer, c);\n    c->bytes = 5;\n    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);\n    free(c);','\n',char(10)));
INSERT INTO events VALUES(9,1,'v5/proj.c',35,5,'resizer','read-write','c->bytes','resizer','v5/proj.c',48,5,0,'[{"function":"resizer","file":"v5/proj.c","line":32,"col":1}]','[]',33,replace('{\n    struct conn *c = arg;\n    c->bytes += 1;\n    pthread_rwlock_rdlock(&table_lock);\n    table = 2;','\n',char(10)));
CREATE TABLE triage (
    id          INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL,    -- the finding, across runs (findings.fingerprint)
    decision    TEXT NOT NULL     -- 'false-positive', 'intended' or 'confirmed'
                CHECK (decision IN ('false-positive', 'intended', 'confirmed')),
    note        TEXT,             -- why
    decided_at  TEXT NOT NULL,    -- ISO-8601 UTC
    author      TEXT,             -- login name of who decided
    run_id      INTEGER           -- run of the finding it was made on
);
INSERT INTO triage VALUES(1,'cb305cf38d500ad2','intended','main writes before it can matter','2026-12-03T11:44:15Z','root',1);
CREATE TABLE facts_cache (
    file       TEXT PRIMARY KEY, -- the unit's main file, as given to racelint
    key        TEXT NOT NULL,    -- hash of its flags, racelint, libclang and API model versions
    files      TEXT NOT NULL,    -- the files it was built from: 'HASH PATH' lines, main file first
    facts      BLOB NOT NULL,    -- the facts, in racelint's binary format (facts_io.c)
    updated_at TEXT NOT NULL     -- ISO-8601 UTC
);
CREATE TABLE notices (
    run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    idx     INTEGER NOT NULL, -- order within the run
    code    TEXT NOT NULL,    -- stable id, e.g. 'limit-contexts', 'threads-not-found'
    program TEXT,             -- the program it concerns; NULL for the whole run
    message TEXT NOT NULL,    -- one sentence for people
    PRIMARY KEY (run_id, idx)
);
CREATE INDEX units_run ON units(run_id);
CREATE INDEX findings_fingerprint ON findings(fingerprint);
CREATE INDEX findings_run ON findings(run_id);
CREATE INDEX runs_status ON runs(status, id);
CREATE INDEX findings_run_fingerprint ON findings(run_id, fingerprint);
CREATE INDEX triage_fingerprint ON triage(fingerprint, id);
CREATE VIEW triage_current AS
    SELECT t.* FROM triage AS t
    WHERE t.id = (SELECT max(u.id) FROM triage AS u WHERE u.fingerprint = t.fingerprint);
COMMIT;
