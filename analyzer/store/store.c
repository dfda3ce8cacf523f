/* Opening the findings store (store.h): a connection to one SQLite
 * database, made safe to use on a file from elsewhere, with the schema
 * brought up to date (schema.c). Runs are written and read in runs.c,
 * findings in findings.c, through the statement helpers of statements.c;
 * history queries are in query.c.
 *
 * A database file is data from elsewhere (a CI cache, a colleague's
 * checkout), so opening one trusts nothing in it:
 *  1. The path must be a regular file (or not exist yet, for writing): a
 *     FIFO or a device is refused before SQLite opens it.
 *  2. Every connection turns off what a stored schema could use to act:
 *     triggers, extension loading, fts3_tokenizer(), untrusted schema
 *     functions; defensive mode forbids writing the schema by hand.
 *  3. A file holding tables, indexes, views or triggers that racelint's own
 *     migrations did not create is refused, naming them (schema.c).
 *  4. Every statement has a time bound (RACELINT_QUERY_TIMEOUT_MS), so a
 *     crafted file cannot make a command run forever. */
#include "store_internal.h"
#include "../util/mem.h"
#include "../util/clock.h"
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

/* Every statement is interrupted after running this long (not counting
 * waits for another process's lock): no command of racelint needs more on
 * a real database, and a crafted one (a huge table, a recursive query in
 * `racelint sql`) cannot hold it forever. RACELINT_QUERY_TIMEOUT_MS
 * overrides it (0: no limit). */
#define RL_QUERY_TIMEOUT_MS 30000
/* SQLite calls the time check every this many virtual machine steps. */
#define RL_PROGRESS_STEPS 1000
/* A writer blocked by another process's lock retries this often. */
#define RL_BUSY_SLICE_MS 10

/* ------------------------------------------------------------------------
 * Opening: the path, then the connection. */

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

/* Whether this connection now sees the database in WAL mode. Reading the
 * schema first makes SQLite read the file's header again, which says when
 * another process has switched it meanwhile. */
static int sees_wal(rl_store *s, rl_error *err)
{
    int64_t objects;
    if (rls_query_int(s, "SELECT count(*) FROM sqlite_master", &objects, err)) return -1;
    sqlite3_stmt *st = NULL;
    int wal = 0;
    if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *mode = (const char *)sqlite3_column_text(st, 0);
        wal = mode && strcmp(mode, "wal") == 0;
    }
    sqlite3_finalize(st);
    return wal;
}

/* WAL lets readers and one writer from parallel jobs proceed together.
 * Two processes creating one database at once: the one that read the file
 * before the other switched it still sees a rollback journal, and its own
 * switch needs an exclusive lock that the other's open WAL connection
 * denies until that connection closes, a whole run later. So the switch
 * is tried without waiting, and while it is busy the mode is looked at
 * again (the other process may have switched it), for up to busy_ms. */
static int switch_to_wal(rl_store *s, rl_error *err)
{
    for (long long waited = 0; waited < s->busy_ms; waited += RL_BUSY_SLICE_MS) {
        int wal = sees_wal(s, err);
        if (wal != 0) return wal < 0 ? -1 : 0;
        sqlite3_busy_handler(s->db, NULL, NULL);
        int rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) & 0xff;
        sqlite3_busy_handler(s->db, wait_for_lock, s);
        if (rc == SQLITE_OK) return 0;
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
        sqlite3_sleep(RL_BUSY_SLICE_MS);
        s->waited_ms += RL_BUSY_SLICE_MS;
    }
    /* Once more with the busy handler: success, or the usual error. */
    return rls_exec(s, "PRAGMA journal_mode = WAL", "switching to WAL mode", err);
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
    /* Switching modes writes the file, so a read-only open keeps the mode. */
    if (!s->read_only && switch_to_wal(s, err)) return -1;
    /* In WAL mode, NORMAL syncs the log at checkpoints only, not at every
     * commit: a power cut may lose the last runs recorded, never corrupt
     * the file (SQLite's documented guarantee for WAL). A run records in
     * several transactions (its start, its facts and results caches, its
     * findings); syncing each was most of an unchanged re-run of a small
     * codebase (docs/performance.md). */
    if (!s->read_only && rls_exec(s, "PRAGMA synchronous = NORMAL", "setting the sync mode", err)) return -1;
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
    if (rc == 0) rc = rls_migrate(s, err);
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
