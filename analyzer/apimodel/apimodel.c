/* API models: loads the YAML model files (the .yaml files of models/ and the
 * project config's `functions:` list; parsed by apimodel_parse.c) into two
 * hash tables, exact names and prefixes, that the frontend queries for
 * every call expression.
 *
 * Invariants:
 *  1. Loading is all-or-nothing: definitions are parsed into a pending list
 *     and reach the model only when the whole input (or folder) is valid.
 *  2. A name is defined at most once per table; a later definition replaces
 *     the earlier one, so a project config loaded last overrides models/. */
/* scandir and alphasort are POSIX.1-2008. */
#define _POSIX_C_SOURCE 200809L
#include "apimodel.h"
#include "apimodel_internal.h"
#include "../util/file.h"
#include "../util/mem.h"
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define TABLE_MIN_SLOTS 64
/* Grow when more than half full: linear probing stays short. */
#define TABLE_MAX_LOAD_NUM 1
#define TABLE_MAX_LOAD_DEN 2

/* ---- Hash tables ---------------------------------------------------------- */

/* Open addressing; fn == NULL marks an empty slot. The hash and length are
 * kept so that probing for prefixes of a name compares text only on a hit. */
typedef struct slot {
    uint64_t hash;
    size_t len;
    rl_api_fn *fn;
} slot;

typedef struct fn_table {
    slot *slots;
    size_t nslots, count; /* nslots is zero or a power of two */
} fn_table;

struct rl_apimodel {
    fn_table exact;
    fn_table prefixes;
    size_t longest_prefix; /* find() never tries a longer prefix */
    char **entry_points;   /* the project config's entry_points: globs */
    size_t nentry_points;
};

/* FNV-1a one byte at a time, so find() can hash every prefix of a name in
 * one pass. */
static uint64_t hash_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * FNV_PRIME;
}

static uint64_t hash_n(const char *s, size_t n)
{
    uint64_t h = FNV_OFFSET;
    for (size_t i = 0; i < n; i++) h = hash_step(h, (unsigned char)s[i]);
    return h;
}

/* The slot holding key, or the empty slot where it would go. */
static slot *table_slot(const fn_table *t, const char *key, size_t len, uint64_t hash)
{
    size_t mask = t->nslots - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        slot *s = &t->slots[i];
        if (!s->fn) return s;
        if (s->hash == hash && s->len == len && memcmp(s->fn->name, key, len) == 0) return s;
    }
}

void rla_fn_free(rl_api_fn *fn)
{
    if (!fn) return;
    free(fn->name);
    free(fn->state);
    free(fn->origin);
    free(fn);
}

static void table_grow(fn_table *t)
{
    fn_table bigger = {NULL, t->nslots ? t->nslots * 2 : TABLE_MIN_SLOTS, t->count};
    bigger.slots = rl_xcalloc(bigger.nslots, sizeof *bigger.slots);
    for (size_t i = 0; i < t->nslots; i++) {
        slot *old = &t->slots[i];
        if (old->fn) *table_slot(&bigger, old->fn->name, old->len, old->hash) = *old;
    }
    free(t->slots);
    *t = bigger;
}

/* Inserts fn, taking ownership; replaces (and frees) an earlier definition. */
static void table_put(fn_table *t, rl_api_fn *fn)
{
    if ((t->count + 1) * TABLE_MAX_LOAD_DEN > t->nslots * TABLE_MAX_LOAD_NUM) table_grow(t);
    size_t len = strlen(fn->name);
    uint64_t hash = hash_n(fn->name, len);
    slot *s = table_slot(t, fn->name, len, hash);
    if (s->fn)
        rla_fn_free(s->fn);
    else
        t->count++;
    s->hash = hash;
    s->len = len;
    s->fn = fn;
}

static void table_free(fn_table *t)
{
    for (size_t i = 0; i < t->nslots; i++) rla_fn_free(t->slots[i].fn);
    free(t->slots);
}

rl_apimodel *rl_apimodel_new(void)
{
    return rl_xcalloc(1, sizeof(rl_apimodel));
}

void rl_apimodel_free(rl_apimodel *model)
{
    if (!model) return;
    table_free(&model->exact);
    table_free(&model->prefixes);
    for (size_t i = 0; i < model->nentry_points; i++) free(model->entry_points[i]);
    free(model->entry_points);
    free(model);
}

const char *const *rl_apimodel_entry_points(const rl_apimodel *model, size_t *n)
{
    *n = model->nentry_points;
    return (const char *const *)model->entry_points;
}

size_t rl_apimodel_count(const rl_apimodel *model)
{
    return model->exact.count + model->prefixes.count;
}

const rl_api_fn *rl_apimodel_find(const rl_apimodel *model, const char *name)
{
    if (!name) return NULL;
    size_t len = strlen(name);
    if (model->exact.count) {
        slot *s = table_slot(&model->exact, name, len, hash_n(name, len));
        if (s->fn) return s->fn;
    }
    /* Probe every prefix from the shortest up; the last hit is the longest. */
    const rl_api_fn *best = NULL;
    size_t limit = len < model->longest_prefix ? len : model->longest_prefix;
    uint64_t h = FNV_OFFSET;
    for (size_t n = 1; n <= limit; n++) {
        h = hash_step(h, (unsigned char)name[n - 1]);
        slot *s = table_slot(&model->prefixes, name, n, h);
        if (s->fn) best = s->fn;
    }
    return best;
}

/* ---- Definitions parsed, then committed ------------------------------------ */

static void fn_list_free(rla_fn_list *list)
{
    for (size_t i = 0; i < list->len; i++) rla_fn_free(list->items[i]);
    free(list->items);
    for (size_t i = 0; i < list->nentry; i++) free(list->entry_points[i]);
    free(list->entry_points);
    memset(list, 0, sizeof *list);
}

static void commit(rl_apimodel *model, rla_fn_list *pending)
{
    if (pending->nentry) {
        model->entry_points = rl_xrealloc(model->entry_points,
                                          (model->nentry_points + pending->nentry) * sizeof *model->entry_points);
        memcpy(model->entry_points + model->nentry_points, pending->entry_points,
               pending->nentry * sizeof *pending->entry_points);
        model->nentry_points += pending->nentry;
        free(pending->entry_points);
        pending->entry_points = NULL;
        pending->nentry = pending->cap_entry = 0;
    }
    for (size_t i = 0; i < pending->len; i++) {
        rl_api_fn *fn = pending->items[i];
        if (fn->is_prefix) {
            size_t len = strlen(fn->name);
            if (len > model->longest_prefix) model->longest_prefix = len;
            table_put(&model->prefixes, fn);
        } else {
            table_put(&model->exact, fn);
        }
    }
    free(pending->items);
    pending->items = NULL;
    pending->len = pending->cap = 0;
}

/* ---- Loading -------------------------------------------------------------- */

static int load_text(rl_apimodel *model, const char *origin, const char *text, size_t len, int config,
                     rl_error *err)
{
    rla_fn_list pending = {0};
    if (rla_parse_buffer(&pending, origin, text, len, config, err) < 0) {
        fn_list_free(&pending);
        return -1;
    }
    commit(model, &pending);
    return 0;
}

int rl_apimodel_load_buffer(rl_apimodel *model, const char *origin, const char *text, size_t len, rl_error *err)
{
    return load_text(model, origin, text, len, 0, err);
}

int rl_apimodel_load_config(rl_apimodel *model, const char *origin, const char *text, size_t len, rl_error *err)
{
    return load_text(model, origin, text, len, 1, err);
}

static int parse_file(rla_fn_list *pending, const char *path, rl_error *err)
{
    char *text = NULL;
    size_t len = 0;
    if (rl_read_file(path, RL_APIMODEL_MAX_BYTES, "a model file", &text, &len, err) < 0) return -1;
    int rc = rla_parse_buffer(pending, path, text, len, 0, err);
    free(text);
    return rc;
}

int rl_apimodel_load_file(rl_apimodel *model, const char *path, rl_error *err)
{
    rla_fn_list pending = {0};
    if (parse_file(&pending, path, err) < 0) {
        fn_list_free(&pending);
        return -1;
    }
    commit(model, &pending);
    return 0;
}

/* The files a shell's `*.yaml` would match: hidden files are skipped. */
static int is_yaml_file(const struct dirent *d)
{
    static const char suffix[] = ".yaml";
    size_t len = strlen(d->d_name), slen = sizeof suffix - 1;
    return d->d_name[0] != '.' && len > slen && strcmp(d->d_name + len - slen, suffix) == 0;
}

/* All files of the folder go into one pending list, so a bad file leaves
 * the model as it was, not half loaded. */
int rl_apimodel_load_dir(rl_apimodel *model, const char *dir, rl_error *err)
{
    struct dirent **names;
    int n = scandir(dir, &names, is_yaml_file, alphasort);
    if (n < 0) return rl_fail(err, "%s: cannot read the rules folder: %s", dir, strerror(errno));
    if (n == 0) {
        free(names);
        return rl_fail(err, "%s: no .yaml files in this rules folder", dir);
    }
    size_t dlen = strlen(dir);
    const char *sep = dlen && dir[dlen - 1] == '/' ? "" : "/";
    rla_fn_list pending = {0};
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (rc == 0) {
            char *path = rl_xasprintf("%s%s%s", dir, sep, names[i]->d_name);
            rc = parse_file(&pending, path, err);
            free(path);
        }
        free(names[i]);
    }
    free(names);
    if (rc < 0) {
        fn_list_free(&pending);
        return -1;
    }
    commit(model, &pending);
    return 0;
}
