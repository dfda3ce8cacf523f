/* The facts cache as the driver uses it (unit_cache.h): the keys, the
 * content hashes of the files on disk, reading each unit's stored facts
 * (at once, or, deferred, only what says they still hold and their
 * digest) and storing the facts of the units parsed.
 *
 * Invariants:
 *  1. A unit's stored facts are used only while every file they were made
 *     from hashes as recorded: the facts' own list when they are read,
 *     the row's list (the same, written with them) when deferred.
 *  2. A blob is checked (checksum, facts_check) before its facts are used;
 *     one that fails is a miss with a warning, and the unit is parsed.
 *  3. A deferred unit has no facts, only its digest, until
 *     rl_unit_cache_load_deferred: the driver reads them only when the
 *     stored results of the run cannot be used. */
#include "unit_cache.h"
#include "facts/facts.h"
#include "facts/facts_check.h"
#include "frontend/frontend.h"
#include "results.h"
#include "util/file.h"
#include "util/mem.h"
#include "util/ptrmap.h"
#include "util/strbuf.h"
#include "util/strpool.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_file_into(const char *path, uint64_t h)
{
    uint64_t fh = 0;
    if (rl_file_hash(path, &fh) != 0) fh = 1;
    return rl_hash_bytes(&fh, sizeof fh, h);
}

/* The run key (driver.h): what shapes every unit's facts besides its
 * files and flags. */
uint64_t rl_facts_run_key(const rl_analysis_options *opts)
{
    uint64_t h = rl_hash_str("racelint facts " RL_VERSION);
    /* The build, not only the version: facts cached by an older build of
     * the same version would lack what a newer frontend extracts. */
    uint64_t exe = rl_binary_digest();
    h = rl_hash_bytes(&exe, sizeof exe, h);
    /* libclang's file, not its version string: asking for the version
     * would load libclang, most of a run that parses nothing. */
    uint64_t clang = rl_frontend_libclang_identity();
    h = rl_hash_bytes(&clang, sizeof clang, h);
    if (opts->resource_dir) h = rl_hash_bytes(opts->resource_dir, strlen(opts->resource_dir) + 1, h);
    char *dir = opts->models_dir ? rl_xstrdup(opts->models_dir) : rl_default_models_dir();
    if (dir) {
        struct dirent **names = NULL;
        int n = scandir(dir, &names, NULL, alphasort);
        for (int i = 0; i < n; i++) {
            const char *nm = names[i]->d_name;
            size_t len = strlen(nm);
            if (len > 5 && strcmp(nm + len - 5, ".yaml") == 0) {
                char *path = rl_xasprintf("%s/%s", dir, nm);
                h = rl_hash_bytes(nm, len + 1, h);
                h = hash_file_into(path, h);
                free(path);
            }
            free(names[i]);
        }
        free(names);
        free(dir);
    }
    if (opts->config_file) h = hash_file_into(opts->config_file, rl_hash_bytes("config", 6, h));
    return h;
}

void rl_facts_unit_key(uint64_t run, const rl_unit_spec *u, char out[17])
{
    uint64_t h = run;
    h = rl_hash_bytes(u->file, strlen(u->file) + 1, h);
    const char *d = u->directory ? u->directory : "";
    h = rl_hash_bytes(d, strlen(d) + 1, h);
    for (int i = 0; i < u->argc; i++) h = rl_hash_bytes(u->argv[i], strlen(u->argv[i]) + 1, h);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Hashes of files on disk, each read at most once per run. */
struct rl_file_hashes {
    rl_strpool *pool;
    rl_ptrmap map;    /* interned path -> uint64_t[2]: hash, readable */
    uint64_t **owned;
    size_t nowned, cap_owned;
};

rl_file_hashes *rl_file_hashes_new(void)
{
    rl_file_hashes *fh = rl_xcalloc(1, sizeof *fh);
    fh->pool = rl_strpool_new();
    return fh;
}

void rl_file_hashes_free(rl_file_hashes *fh)
{
    if (!fh) return;
    for (size_t i = 0; i < fh->nowned; i++) free(fh->owned[i]);
    free(fh->owned);
    rl_ptrmap_free(&fh->map);
    rl_strpool_free(fh->pool);
    free(fh);
}

static int current_hash(rl_file_hashes *fh, const char *path, uint64_t *out)
{
    const char *p = rl_intern(fh->pool, path);
    void **slot = rl_ptrmap_slot(&fh->map, p);
    if (!*slot) {
        uint64_t *h = rl_xmalloc(sizeof *h * 2);
        h[1] = rl_file_hash(p, &h[0]) == 0; /* h[1]: readable */
        RL_PUSH(fh->owned, fh->nowned, fh->cap_owned, h);
        *slot = h;
    }
    const uint64_t *h = *slot;
    *out = h[0];
    return h[1] ? 0 : -1;
}

const char *rl_facts_changed_dep(const rl_unit_facts *facts, rl_file_hashes *fh)
{
    if (facts->ndeps == 0) return facts->main_file;
    for (int32_t i = 0; i < facts->ndeps; i++) {
        uint64_t h;
        if (current_hash(fh, facts->deps[i].path, &h) != 0 || h != facts->deps[i].hash) return facts->deps[i].path;
    }
    return NULL;
}

/* The cached facts of unit u if every file they were made from is as it
 * was, else NULL. A blob that cannot be read back, or whose facts break
 * their invariants (facts_check.h: a crafted or damaged database), is
 * dropped with a warning naming the unit: the unit is parsed again. */
static rl_unit_facts *read_unit(const rl_facts_cache *c, rl_file_hashes *fh, const rl_unit_spec *u, const char *key,
                                uint64_t *digest, rl_analysis *out)
{
    size_t len = 0;
    void *blob = c->get(c->ctx, u->file, key, &len);
    if (!blob) return NULL;
    rl_unit_facts *f = rl_facts_deserialize(blob, len);
    if (f && c->results_put) *digest = rl_facts_digest(blob, len, f->ndeps); /* only the results cache keys on it */
    free(blob);
    rl_error why = {{0}};
    if (!f) {
        rl_analysis_warn(out, rl_xasprintf("facts cache: the entry of %s cannot be read back (damaged); "
                                           "parsing the unit again",
                                           u->file));
        return NULL;
    }
    if (rl_facts_validate(f, &why) != 0) {
        rl_analysis_warn(out, rl_xasprintf("facts cache: the entry of %s was dropped, its facts are inconsistent "
                                           "(%s); parsing the unit again",
                                           u->file, why.msg));
        rl_facts_free(f);
        return NULL;
    }
    int fresh = strcmp(f->main_file, u->file) == 0 && !f->parse_failed && !rl_facts_changed_dep(f, fh);
    if (!fresh) {
        rl_facts_free(f);
        return NULL;
    }
    return f;
}

int rl_parse_hex64(const char *s, uint64_t *out)
{
    if (strspn(s, "0123456789abcdef") < RL_DIGEST_HEX_LEN) return -1;
    char digits[RL_DIGEST_HEX_LEN + 1];
    memcpy(digits, s, RL_DIGEST_HEX_LEN);
    digits[RL_DIGEST_HEX_LEN] = '\0';
    *out = strtoull(digits, NULL, 16);
    return 0;
}

/* Whether every file of a facts cache entry's list ('HASH PATH' lines,
 * the unit's main file first) still has the hash listed, as
 * rl_facts_changed_dep asks of the facts themselves. A list that is not
 * in that shape is a change. */
static int files_unchanged(const char *files, rl_file_hashes *fh)
{
    int lines = 0;
    for (const char *p = files; *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        uint64_t listed, now;
        if (len <= RL_DIGEST_HEX_LEN + 1 || p[RL_DIGEST_HEX_LEN] != ' ' || rl_parse_hex64(p, &listed) != 0) return 0;
        char *path = rl_xstrndup(p + RL_DIGEST_HEX_LEN + 1, len - RL_DIGEST_HEX_LEN - 1);
        int same = current_hash(fh, path, &now) == 0 && now == listed;
        free(path);
        if (!same) return 0;
        lines++;
        p += len + (eol != NULL);
    }
    return lines > 0;
}

rl_unit_key *rl_unit_cache_keys(const rl_analysis_options *opts, const rl_unit_list *units)
{
    rl_unit_key *keys = rl_xcalloc(units->len + 1, sizeof *keys);
    uint64_t rk = rl_facts_run_key(opts);
    for (size_t i = 0; i < units->len; i++) rl_facts_unit_key(rk, &units->items[i], keys[i]);
    return keys;
}

int rl_unit_cache_can_defer(const rl_analysis_options *opts)
{
    const rl_facts_cache *c = opts->cache;
    return c && c->probe && c->results_get && c->results_put && !opts->cache_refresh && !opts->facts_only &&
           !opts->dump_facts && !opts->want_guards;
}

/* Whether the row of a unit says its facts still hold, with their digest:
 * the probe found it with a digest, and its files hash as listed. */
static int holds_deferred(const rl_facts_cache *c, rl_file_hashes *fh, const rl_unit_spec *u, const char *key,
                          uint64_t *digest)
{
    char *files = NULL;
    int ok = c->probe(c->ctx, u->file, key, &files, digest) && files_unchanged(files, fh);
    free(files);
    return ok;
}

size_t rl_unit_cache_lookup(const rl_analysis_options *opts, const rl_unit_list *units, const rl_unit_key *keys,
                            rl_file_hashes *fh, int defer, rl_cache_state *st, size_t *todo, rl_analysis *out)
{
    const rl_facts_cache *c = opts->cache;
    size_t ntodo = 0;
    for (size_t i = 0; i < units->len; i++) {
        rl_parsed_unit *p = &st->parsed[i];
        if (!opts->cache_refresh && defer && holds_deferred(c, fh, &units->items[i], keys[i], &p->digest)) {
            st->deferred[i] = 1;
        } else {
            p->digest = 0;
            if (!opts->cache_refresh) p->facts = read_unit(c, fh, &units->items[i], keys[i], &p->digest, out);
        }
        if (st->deferred[i] || p->facts) {
            st->cached[i] = 1;
            out->units_cached++;
        } else {
            todo[ntodo++] = i;
        }
    }
    return ntodo;
}

size_t rl_unit_cache_load_deferred(const rl_analysis_options *opts, const rl_unit_list *units,
                                   const rl_unit_key *keys, rl_file_hashes *fh, rl_cache_state *st, size_t *todo,
                                   rl_analysis *out)
{
    size_t ntodo = 0;
    for (size_t i = 0; i < units->len; i++) {
        if (!st->deferred[i]) continue;
        st->deferred[i] = 0;
        rl_parsed_unit *p = &st->parsed[i];
        p->facts = read_unit(opts->cache, fh, &units->items[i], keys[i], &p->digest, out);
        if (p->facts) continue;
        st->cached[i] = 0;
        out->units_cached--;
        p->digest = 0;
        todo[ntodo++] = i;
    }
    return ntodo;
}

void rl_unit_cache_store(const rl_facts_cache *c, const rl_unit_list *units, const rl_unit_key *keys,
                         const rl_parsed_unit *parsed, const size_t *todo, size_t ntodo)
{
    if (!c || ntodo == 0) return;
    if (c->begin) c->begin(c->ctx);
    for (size_t k = 0; k < ntodo; k++) {
        const rl_parsed_unit *u = &parsed[todo[k]];
        if (c->put_unit) {
            c->put_unit(c->ctx, &units->items[todo[k]], keys[todo[k]], u);
            continue;
        }
        /* Units with errors are parsed again, to report them again. */
        if (!u->facts || !u->blob || u->facts->parse_failed || u->facts->ndeps == 0) continue;
        rl_strbuf files = RL_STRBUF_INIT;
        for (int32_t d = 0; d < u->facts->ndeps; d++)
            rl_sb_printf(&files, "%016llx %s\n", (unsigned long long)u->facts->deps[d].hash, u->facts->deps[d].path);
        c->put(c->ctx, units->items[todo[k]].file, keys[todo[k]], rl_sb_str(&files), u->digest, u->blob,
               u->blob_len);
        rl_sb_free(&files);
    }
    if (c->end) c->end(c->ctx);
}
