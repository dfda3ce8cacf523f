/* Facts directories (facts_dir.h): the cache interface on a folder of
 * facts files, the link step's choice of facts, pruning and shards. */
#include "facts_dir.h"
#include "facts/facts.h"
#include "facts/facts_check.h"
#include "facts/facts_file.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/strpool.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Units named one by one in a notice; the warnings name every one. */
#define NOTICE_NAMES 3
#define KEY_HEX "%016llx"

static void warn(char ***list, size_t *n, size_t *cap, char *msg)
{
    RL_PUSH(*list, *n, *cap, msg);
}

static char *file_path(const char *dir, const char *key)
{
    return rl_xasprintf("%s/%s%s", dir, key, RL_FACTS_FILE_EXT);
}

/* ---- the cache interface ----------------------------------------------------- */

static void *dir_get(void *ctx, const char *file, const char *key, size_t *len)
{
    rl_facts_dir_cache *c = ctx;
    char *path = file_path(c->dir, key);
    rl_facts_file f;
    rl_error err = {{0}};
    void *blob = NULL;
    if (access(path, F_OK) != 0) {
        free(path);
        return NULL;
    }
    if (rl_facts_file_read(path, &f, &err) != 0) {
        warn(&c->warnings, &c->nwarnings, &c->cap_warnings,
             rl_xasprintf("facts file %s: %s; skipped, the unit is parsed again", path, err.msg));
    } else if (f.kind == RL_FACTS_FILE_FACTS && strcmp(f.unit, file) == 0 && strcmp(f.run_key, c->run_key) == 0) {
        blob = f.blob;
        *len = f.blob_len;
        f.blob = NULL;
        utimensat(AT_FDCWD, path, NULL, 0); /* used: the last to be pruned */
    }
    rl_facts_file_clear(&f);
    free(path);
    return blob;
}

static void dir_put_unit(void *ctx, const rl_unit_spec *unit, const char *key, const rl_parsed_unit *parsed)
{
    rl_facts_dir_cache *c = ctx;
    rl_facts_file f;
    memset(&f, 0, sizeof f);
    f.unit = unit->file;
    f.directory = unit->directory;
    snprintf(f.key, sizeof f.key, "%s", key);
    snprintf(f.run_key, sizeof f.run_key, "%s", c->run_key);
    if (parsed->facts && parsed->blob) {
        f.kind = RL_FACTS_FILE_FACTS;
        f.blob = parsed->blob;
        f.blob_len = parsed->blob_len;
    } else {
        f.kind = RL_FACTS_FILE_FAILED;
        f.error = parsed->error ? parsed->error : "no facts";
    }
    rl_error err = {{0}};
    if (rl_facts_file_write(c->dir, &f, &err) == 0) {
        c->written++;
    } else {
        c->write_errors++;
        warn(&c->warnings, &c->nwarnings, &c->cap_warnings,
             rl_xasprintf("facts of %s not written: %s", unit->file, err.msg));
    }
}

void rl_facts_dir_cache_init(rl_facts_dir_cache *c, const char *dir, uint64_t run_key)
{
    memset(c, 0, sizeof *c);
    c->dir = dir;
    snprintf(c->run_key, sizeof c->run_key, KEY_HEX, (unsigned long long)run_key);
    c->iface.ctx = c;
    c->iface.get = dir_get;
    c->iface.put_unit = dir_put_unit;
}

void rl_facts_dir_cache_clear(rl_facts_dir_cache *c)
{
    for (size_t i = 0; i < c->nwarnings; i++) free(c->warnings[i]);
    free(c->warnings);
    c->warnings = NULL;
    c->nwarnings = c->cap_warnings = 0;
}

int rl_facts_dir_make(const char *dir, rl_error *err)
{
    char *path = rl_xstrdup(dir);
    int rc = 0;
    for (char *p = path + 1; rc == 0; p++) {
        int end = *p == '\0';
        if (*p != '/' && !end) continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) rc = rl_fail(err, "cannot make the folder '%s': %s", path, strerror(errno));
        if (end) break;
        *p = '/';
    }
    struct stat st;
    if (rc == 0 && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)))
        rc = rl_fail(err, "'%s' is not a folder", dir);
    free(path);
    return rc;
}

/* ---- listing ------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The facts files of dir (KEY.rlf, temporaries of writers at work are
 * hidden files and left alone), in name order. -1 when dir cannot be read. */
static int list_files(const char *dir, char ***names, size_t *n, rl_error *err)
{
    DIR *d = opendir(dir);
    if (!d) return rl_fail(err, "cannot read the facts folder '%s': %s", dir, strerror(errno));
    size_t cap = 0;
    *names = NULL;
    *n = 0;
    size_t ext = strlen(RL_FACTS_FILE_EXT);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len <= ext || strcmp(e->d_name + len - ext, RL_FACTS_FILE_EXT) != 0) continue;
        RL_PUSH(*names, *n, cap, rl_xasprintf("%s/%s", dir, e->d_name));
    }
    closedir(d);
    if (*n) qsort(*names, *n, sizeof **names, cmp_str);
    return 0;
}

/* ---- the link step ------------------------------------------------------------- */

/* One readable facts file of the right run key. */
typedef struct entry {
    char *path;
    rl_facts_file file;
} entry;

/* What became of the units and files, for the notices. */
typedef struct tally {
    size_t damaged, foreign, stale, missing, superseded;
    rl_strbuf missing_names, stale_names;
} tally;

static void add_name(rl_strbuf *sb, size_t count, const char *name)
{
    if (count <= NOTICE_NAMES) rl_sb_printf(sb, "%s%s", count > 1 ? ", " : "", name);
    else if (count == NOTICE_NAMES + 1) rl_sb_append(sb, ", ...");
}

/* Reads every facts file of dirs; those of another run key or unreadable
 * are warned about and left out. */
static int load_entries(const char *const *dirs, size_t ndirs, const char *run_key, entry **out, size_t *nout,
                        tally *t, rl_analysis *a, rl_error *err)
{
    size_t cap = 0, total = 0;
    for (size_t d = 0; d < ndirs; d++) {
        char **names;
        size_t n;
        if (list_files(dirs[d], &names, &n, err) != 0) return -1;
        total += n;
        for (size_t i = 0; i < n; i++) {
            entry e = {names[i], {0}};
            rl_error why = {{0}};
            if (rl_facts_file_read(e.path, &e.file, &why) != 0) {
                t->damaged++;
                warn(&a->warnings, &a->nwarnings, &a->cap_warnings,
                     rl_xasprintf("facts file %s: %s; skipped", e.path, why.msg));
                free(e.path);
            } else if (strcmp(e.file.run_key, run_key) != 0) {
                t->foreign++;
                warn(&a->warnings, &a->nwarnings, &a->cap_warnings,
                     rl_xasprintf("facts file %s (%s): made by another racelint, libclang or set of API models "
                                  "(run key %s, this run's %s); skipped", e.path, e.file.unit, e.file.run_key, run_key));
                rl_facts_file_clear(&e.file);
                free(e.path);
            } else {
                RL_PUSH(*out, *nout, cap, e);
            }
        }
        free(names);
    }
    if (total == 0) {
        rl_strbuf sb = RL_STRBUF_INIT;
        for (size_t d = 0; d < ndirs; d++) rl_sb_printf(&sb, "%s'%s'", d ? ", " : "", dirs[d]);
        rl_fail(err, "no facts file (*%s) in %s: nothing to link", RL_FACTS_FILE_EXT, rl_sb_str(&sb));
        rl_sb_free(&sb);
        return -1;
    }
    return 0;
}

/* Newest first; equal times by path, so the choice never depends on the
 * order of the folders. */
static int cmp_newest(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->file.written_ns != y->file.written_ns) return x->file.written_ns > y->file.written_ns ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* The facts of entry e, when usable: readable back, consistent, and
 * every file they were made from unchanged. NULL with a warning naming
 * the file otherwise. */
static rl_unit_facts *usable_facts(const entry *e, rl_file_hashes *fh, tally *t, rl_analysis *a)
{
    rl_unit_facts *f = rl_facts_deserialize(e->file.blob, e->file.blob_len);
    rl_error why = {{0}};
    if (!f || rl_facts_validate(f, &why) != 0 || strcmp(f->main_file, e->file.unit) != 0) {
        t->damaged++;
        warn(&a->warnings, &a->nwarnings, &a->cap_warnings,
             rl_xasprintf("facts file %s: its facts are inconsistent (%s); skipped", e->path,
                          f && why.msg[0] ? why.msg : "they do not read back as the unit they name"));
        if (f) rl_facts_free(f);
        return NULL;
    }
    const char *changed = rl_facts_changed_dep(f, fh);
    if (changed) {
        t->stale++;
        add_name(&t->stale_names, t->stale, e->file.unit);
        warn(&a->warnings, &a->nwarnings, &a->cap_warnings,
             rl_xasprintf("facts file %s: stale, %s changed since %s was compiled; skipped", e->path, changed,
                          e->file.unit));
        rl_facts_free(f);
        return NULL;
    }
    return f;
}

/* Picks, among entries[idx[0..n)] (newest first), the first usable one
 * into *parsed: its facts, or the error of a failed unit. 1 when one was
 * found. Older usable entries are counted as superseded. */
static int choose(entry *entries, const size_t *idx, size_t n, rl_file_hashes *fh, tally *t, rl_analysis *a,
                  rl_parsed_unit *parsed)
{
    int found = 0;
    for (size_t k = 0; k < n; k++) {
        const entry *e = &entries[idx[k]];
        if (found) {
            t->superseded++;
            continue;
        }
        if (e->file.kind == RL_FACTS_FILE_FAILED) {
            parsed->error = rl_xasprintf("no facts: %s (%s)", e->file.error, e->path);
            found = 1;
        } else if ((parsed->facts = usable_facts(e, fh, t, a)) != NULL) {
            found = 1;
        }
    }
    return found;
}

static int cmp_entry_unit(const void *a, const void *b, void *ctx)
{
    const entry *entries = ctx;
    const entry *x = &entries[*(const size_t *)a], *y = &entries[*(const size_t *)b];
    int c = strcmp(x->file.unit, y->file.unit);
    return c ? c : cmp_newest(x, y);
}

static int cmp_entry_key(const void *a, const void *b, void *ctx)
{
    const entry *entries = ctx;
    const entry *x = &entries[*(const size_t *)a], *y = &entries[*(const size_t *)b];
    int c = strcmp(x->file.key, y->file.key);
    return c ? c : cmp_newest(x, y);
}

static void add_unit(rl_unit_list *units, const char *file, const char *dir)
{
    RL_GROW(units->items, units->cap, units->len + 1);
    rl_unit_spec *u = &units->items[units->len++];
    memset(u, 0, sizeof *u);
    u->file = rl_xstrdup(file);
    u->directory = rl_xstrdup(dir);
}

/* Without a compile database: one unit per source file, in name order. */
static void link_found(entry *entries, size_t n, rl_file_hashes *fh, tally *t, rl_analysis *a, rl_unit_list *units,
                       rl_parsed_unit **parsed)
{
    size_t *idx = rl_xcalloc(n + 1, sizeof *idx);
    for (size_t i = 0; i < n; i++) idx[i] = i;
    qsort_r(idx, n, sizeof *idx, cmp_entry_unit, entries);
    *parsed = rl_xcalloc(n + 1, sizeof **parsed);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(entries[idx[j]].file.unit, entries[idx[i]].file.unit) == 0) j++;
        rl_parsed_unit *p = &(*parsed)[units->len];
        if (choose(entries, idx + i, j - i, fh, t, a, p))
            add_unit(units, entries[idx[i]].file.unit, entries[idx[i]].file.directory);
        i = j;
    }
    free(idx);
}

/* With a compile database: its units, each by its unit key. */
static void link_listed(entry *entries, size_t n, const rl_unit_list *listed, uint64_t run_key, rl_file_hashes *fh,
                        tally *t, rl_analysis *a, rl_unit_list *units, rl_parsed_unit **parsed)
{
    size_t *idx = rl_xcalloc(n + 1, sizeof *idx);
    for (size_t i = 0; i < n; i++) idx[i] = i;
    qsort_r(idx, n, sizeof *idx, cmp_entry_key, entries);
    *parsed = rl_xcalloc(listed->len + 1, sizeof **parsed);
    char *used = rl_xcalloc(n + 1, 1);
    for (size_t u = 0; u < listed->len; u++) {
        const rl_unit_spec *spec = &listed->items[u];
        char key[RL_FACTS_KEY_SIZE];
        rl_facts_unit_key(run_key, spec, key);
        size_t lo = 0, hi = n; /* the first entry of this key */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (strcmp(entries[idx[mid]].file.key, key) < 0) lo = mid + 1;
            else hi = mid;
        }
        size_t end = lo;
        while (end < n && strcmp(entries[idx[end]].file.key, key) == 0) used[end++] = 1;
        rl_parsed_unit *p = &(*parsed)[u];
        add_unit(units, spec->file, spec->directory);
        if (end > lo && choose(entries, idx + lo, end - lo, fh, t, a, p)) continue;
        t->missing++;
        add_name(&t->missing_names, t->missing, spec->file);
        p->skipped = 1;
        p->error = rl_xasprintf("no usable facts for this unit in the facts folders%s",
                                end > lo ? " (only stale ones)" : "");
        warn(&a->warnings, &a->nwarnings, &a->cap_warnings,
             rl_xasprintf("%s: listed in the compile database but %s in the facts folders", spec->file,
                          end > lo ? "only stale facts are" : "no facts of its flags are"));
    }
    for (size_t i = 0; i < n; i++)
        if (!used[i]) t->superseded++; /* other flags, or units the database no longer lists */
    free(used);
    free(idx);
}

/* "1 unit was" / "2 units were". */
static const char *plural(size_t n)
{
    return n == 1 ? " was" : "s were";
}

static void tally_notices(const tally *t, rl_analysis *a)
{
    if (t->missing)
        rl_analysis_notice(a, "facts-missing", NULL, "%zu unit%s of the compile database not analysed, no usable "
                           "facts: %s", t->missing, plural(t->missing), rl_sb_str(&t->missing_names));
    if (t->stale)
        rl_analysis_notice(a, "facts-stale", NULL, "%zu facts file%s stale (a file they were made from changed "
                           "since) and skipped: %s", t->stale, plural(t->stale), rl_sb_str(&t->stale_names));
    if (t->damaged)
        rl_analysis_notice(a, "facts-damaged", NULL, "%zu facts file%s unreadable or inconsistent, and skipped "
                           "(the warnings name them)", t->damaged, plural(t->damaged));
    if (t->foreign)
        rl_analysis_notice(a, "facts-foreign", NULL, "%zu facts file%s made by another racelint, libclang or set "
                           "of API models, and skipped", t->foreign, plural(t->foreign));
}

int rl_facts_dir_link(const rl_analysis_options *opts, const char *const *dirs, size_t ndirs,
                      const rl_unit_list *listed, rl_unit_list *units, rl_analysis *out, rl_error *err)
{
    memset(units, 0, sizeof *units);
    uint64_t run_key = rl_facts_run_key(opts);
    char run_hex[RL_FACTS_KEY_SIZE];
    snprintf(run_hex, sizeof run_hex, KEY_HEX, (unsigned long long)run_key);
    rl_analysis found; /* warnings gathered before the analysis resets out */
    memset(&found, 0, sizeof found);
    tally t;
    memset(&t, 0, sizeof t);
    t.missing_names = (rl_strbuf)RL_STRBUF_INIT;
    t.stale_names = (rl_strbuf)RL_STRBUF_INIT;
    entry *entries = NULL;
    size_t n = 0;
    int rc = load_entries(dirs, ndirs, run_hex, &entries, &n, &t, &found, err);
    rl_parsed_unit *parsed = NULL;
    if (rc == 0) {
        rl_file_hashes *fh = rl_file_hashes_new();
        if (listed) link_listed(entries, n, listed, run_key, fh, &t, &found, units, &parsed);
        else link_found(entries, n, fh, &t, &found, units, &parsed);
        rl_file_hashes_free(fh);
        if (units->len == 0) rc = rl_fail(err, "no usable facts in the facts folders: nothing to link");
    }
    if (rc == 0) rc = rl_analyze_parsed(opts, units, parsed, 1, out, err);
    if (rc == 0) {
        tally_notices(&t, out);
        for (size_t i = 0; i < found.nwarnings; i++) warn(&out->warnings, &out->nwarnings, &out->cap_warnings, found.warnings[i]);
        found.nwarnings = 0;
    }
    rl_analysis_free(&found);
    for (size_t i = 0; parsed && i < units->len; i++) rl_parsed_unit_clear(&parsed[i]);
    free(parsed);
    for (size_t i = 0; i < n; i++) {
        free(entries[i].path);
        rl_facts_file_clear(&entries[i].file);
    }
    free(entries);
    rl_sb_free(&t.missing_names);
    rl_sb_free(&t.stale_names);
    if (rc != 0) rl_unit_list_free(units);
    return rc;
}

/* ---- pruning and shards ---------------------------------------------------------- */

typedef struct aged {
    char *path;
    struct timespec mtime;
    uint64_t size;
} aged;

static int cmp_oldest(const void *a, const void *b)
{
    const aged *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec) return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec) return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->path, y->path);
}

int rl_facts_dir_prune(const char *dir, uint64_t max_bytes, size_t *removed, rl_error *err)
{
    *removed = 0;
    char **names;
    size_t n;
    if (list_files(dir, &names, &n, err) != 0) return -1;
    aged *files = rl_xcalloc(n + 1, sizeof *files);
    size_t nfiles = 0;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) != 0 || !S_ISREG(st.st_mode)) {
            free(names[i]);
            continue;
        }
        aged f = {names[i], st.st_mtim, (uint64_t)st.st_size};
        files[nfiles++] = f;
        total += f.size;
    }
    free(names);
    qsort(files, nfiles, sizeof *files, cmp_oldest);
    for (size_t i = 0; i < nfiles; i++) {
        if (total > max_bytes && unlink(files[i].path) == 0) {
            total -= files[i].size;
            (*removed)++;
        }
        free(files[i].path);
    }
    free(files);
    return 0;
}

unsigned rl_shard_of(const char *file, unsigned n)
{
    return n ? (unsigned)(rl_hash_str(file) % n) + 1 : 1;
}

void rl_shard_filter(rl_unit_list *units, unsigned k, unsigned n)
{
    size_t kept = 0;
    for (size_t i = 0; i < units->len; i++) {
        rl_unit_spec *u = &units->items[i];
        if (rl_shard_of(u->file, n) == k) {
            units->items[kept++] = *u;
            continue;
        }
        free(u->file);
        free(u->directory);
        for (int a = 0; a < u->argc; a++) free(u->argv[a]);
        free(u->argv);
    }
    units->len = kept;
}
