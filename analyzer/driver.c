/* The analysis pipeline (driver.h). Parsing is spread over worker threads,
 * one libclang index each; everything after the facts is single-threaded
 * and deterministic (units are merged in input order). */
#include "driver.h"
#include "apimodel/apimodel.h"
#include "checks/checks.h"
#include "facts/facts.h"
#include "frontend/frontend.h"
#include "model/flow.h"
#include "model/guards.h"
#include "model/place.h"
#include "model/program.h"
#include "model/threads.h"
#include "util/clock.h"
#include "util/file.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/ptrmap.h"
#include "util/strpool.h"
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Diagnostics kept per failed unit in the run record. */
#define MAX_DIAGS_KEPT 5
#define MAX_JOBS 256

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *rl_default_rules_dir(void)
{
    const char *env = getenv("RACELINT_RULES");
    if (env && *env) return rl_xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            static const char *const rel[] = {"/../rules", "/../share/racelint/rules", "/rules"};
            for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
                char *cand = rl_xasprintf("%s%s", exe, rel[i]);
                if (is_dir(cand)) return cand;
                free(cand);
            }
        }
    }
#ifdef RL_RULES_DIR
    if (is_dir(RL_RULES_DIR)) return rl_xstrdup(RL_RULES_DIR);
#endif
    return NULL;
}

typedef struct work {
    const rl_analysis_options *opts;
    const rl_apimodel *model;
    const rl_unit_list *units;
    rl_unit_facts **facts;   /* per unit, NULL when libclang gave up */
    char **errors;           /* per unit, message when facts is NULL */
    const size_t *todo;      /* the units to parse (not in the cache) */
    size_t ntodo;
    size_t next;             /* next index into todo */
    size_t done, failed;     /* for progress */
    pthread_mutex_t lock;
    pthread_cond_t changed;  /* done moved */
} work;


static void *worker(void *arg)
{
    work *w = arg;
    const char *resource_dir = w->opts->resource_dir;
#ifdef RL_CLANG_RESOURCE_DIR
    /* The headers of the libclang we were built with, if still there. */
    if (!resource_dir && RL_CLANG_RESOURCE_DIR[0] && is_dir(RL_CLANG_RESOURCE_DIR)) resource_dir = RL_CLANG_RESOURCE_DIR;
#endif
    rl_frontend *fe = rl_frontend_new(w->model, resource_dir);
    for (;;) {
        pthread_mutex_lock(&w->lock);
        size_t k = w->next++;
        pthread_mutex_unlock(&w->lock);
        if (k >= w->ntodo) break;
        size_t i = w->todo[k];
        rl_error err = {{0}};
        w->facts[i] = rl_frontend_extract(fe, &w->units->items[i], &err);
        if (!w->facts[i]) w->errors[i] = rl_xstrdup(err.msg);
        pthread_mutex_lock(&w->lock);
        w->done++;
        if (!w->facts[i] || w->facts[i]->parse_failed) w->failed++;
        pthread_cond_signal(&w->changed);
        pthread_mutex_unlock(&w->lock);
    }
    rl_frontend_free(fe);
    return NULL;
}

/* Parses the units of w->todo on `jobs` threads; the calling thread reports
 * progress (base units were done before, base_failed of them failed). */
static void extract_all(work *w, int jobs, size_t base, size_t base_failed)
{
    const rl_analysis_options *o = w->opts;
    if (jobs <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cores > 0 ? (int)cores : 1;
    }
    if (jobs > MAX_JOBS) jobs = MAX_JOBS;
    if ((size_t)jobs > w->ntodo) jobs = (int)w->ntodo;
    if (jobs < 1) return;
    if (jobs == 1 && !o->progress) {
        worker(w);
        return;
    }
    pthread_t *tids = rl_xcalloc((size_t)jobs, sizeof *tids);
    int started = 0;
    for (int i = 0; i < jobs; i++)
        if (pthread_create(&tids[i], NULL, worker, w) == 0) started++;
        else break;
    if (started == 0) {
        worker(w);
    } else if (o->progress) {
        pthread_mutex_lock(&w->lock);
        size_t seen = (size_t)-1;
        while (w->done < w->ntodo) {
            if (w->done != seen) {
                seen = w->done;
                size_t failed = w->failed;
                pthread_mutex_unlock(&w->lock);
                o->progress(o->progress_ctx, base + seen, w->units->len, base_failed + failed);
                pthread_mutex_lock(&w->lock);
                continue;
            }
            pthread_cond_wait(&w->changed, &w->lock);
        }
        pthread_mutex_unlock(&w->lock);
    }
    for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
    if (o->progress) o->progress(o->progress_ctx, base + w->done, w->units->len, base_failed + w->failed);
    free(tids);
}

/* ---- the facts cache ----------------------------------------------------- */

static uint64_t hash_file_into(const char *path, uint64_t h)
{
    uint64_t fh = 0;
    if (rl_file_hash(path, &fh) != 0) fh = 1;
    return rl_hash_bytes(&fh, sizeof fh, h);
}

/* What shapes every unit's facts besides its files and flags: racelint's
 * version, libclang's, the clang resource folder and the API models (the
 * rules folder's .yaml files and the project config). */
static uint64_t run_key(const rl_analysis_options *opts)
{
    uint64_t h = rl_hash_str("racelint facts " RL_VERSION);
    char *clang = rl_frontend_clang_version();
    h = rl_hash_bytes(clang, strlen(clang) + 1, h);
    free(clang);
    if (opts->resource_dir) h = rl_hash_bytes(opts->resource_dir, strlen(opts->resource_dir) + 1, h);
    char *dir = opts->rules_dir ? rl_xstrdup(opts->rules_dir) : rl_default_rules_dir();
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

static void unit_key(uint64_t run, const rl_unit_spec *u, char out[17])
{
    uint64_t h = run;
    h = rl_hash_bytes(u->file, strlen(u->file) + 1, h);
    const char *d = u->directory ? u->directory : "";
    h = rl_hash_bytes(d, strlen(d) + 1, h);
    for (int i = 0; i < u->argc; i++) h = rl_hash_bytes(u->argv[i], strlen(u->argv[i]) + 1, h);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Hashes of files on disk, each read at most once per run. */
typedef struct file_hashes {
    rl_strpool *pool;
    rl_ptrmap map;    /* interned path -> uint64_t* (NULL-valued: unreadable) */
    uint64_t **owned;
    size_t nowned, cap_owned;
} file_hashes;

static int current_hash(file_hashes *fh, const char *path, uint64_t *out)
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

/* The cached facts of unit u if every file they were made from is as it
 * was, else NULL. */
static rl_unit_facts *cache_lookup(const rl_facts_cache *c, file_hashes *fh, const rl_unit_spec *u, const char *key)
{
    size_t len = 0;
    void *blob = c->get(c->ctx, u->file, key, &len);
    if (!blob) return NULL;
    rl_unit_facts *f = rl_facts_deserialize(blob, len);
    free(blob);
    if (!f) return NULL;
    int fresh = f->ndeps > 0 && strcmp(f->main_file, u->file) == 0 && !f->parse_failed;
    for (int32_t i = 0; fresh && i < f->ndeps; i++) {
        uint64_t h;
        fresh = current_hash(fh, f->deps[i].path, &h) == 0 && h == f->deps[i].hash;
    }
    if (!fresh) {
        rl_facts_free(f);
        return NULL;
    }
    return f;
}

static void record_unit(rl_analysis *out, const rl_unit_spec *spec, const rl_unit_facts *facts, const char *error,
                        int cached)
{
    rl_unit_status *u = &out->units[out->nunits++];
    memset(u, 0, sizeof *u);
    u->file = rl_xstrdup(spec->file);
    if (!facts) {
        u->status = rl_xstrdup("failed");
        u->diagnostics = rl_xstrdup(error ? error : "cannot parse");
        out->units_failed++;
        return;
    }
    if (!facts->parse_failed) {
        u->status = rl_xstrdup(cached ? "cached" : "ok");
        return;
    }
    out->units_failed++;
    u->status = rl_xstrdup("errors");
    rl_strbuf sb = RL_STRBUF_INIT;
    for (int32_t i = 0; i < facts->ndiags && i < MAX_DIAGS_KEPT; i++) {
        const rl_diag *d = &facts->diags[i];
        rl_sb_printf(&sb, "%s%s:%u:%u: error: %s", i ? "\n" : "", d->loc.file ? d->loc.file : spec->file,
                     d->loc.line, d->loc.col, d->message);
    }
    if (facts->ndiags > MAX_DIAGS_KEPT) rl_sb_printf(&sb, "\n(%d more)", facts->ndiags - MAX_DIAGS_KEPT);
    u->diagnostics = rl_sb_take(&sb);
}

#define CONFIG_NAME ".racelint.yaml"
/* Same bound as for model files: a config is a few lines of YAML. */
#define MAX_CONFIG_BYTES (1024 * 1024)

char *rl_find_config(const char *dir)
{
    char *cur = rl_xstrdup(dir);
    for (;;) {
        char *cand = rl_xasprintf("%s/%s", cur, CONFIG_NAME);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
            free(cur);
            return cand;
        }
        free(cand);
        char *slash = strrchr(cur, '/');
        if (!slash || slash == cur) break;
        *slash = '\0';
    }
    free(cur);
    return NULL;
}

/* Loads the `functions:` models of the project config. */
static int load_config(rl_apimodel *model, const char *path, rl_error *err)
{
    char *text;
    size_t len;
    if (rl_read_file(path, MAX_CONFIG_BYTES, "a config file", &text, &len, err) < 0) return -1;
    int rc = rl_apimodel_load_config(model, path, text, len, err);
    free(text);
    return rc;
}

static rl_apimodel *load_models(const rl_analysis_options *opts, rl_error *err)
{
    char *dir = opts->rules_dir ? rl_xstrdup(opts->rules_dir) : rl_default_rules_dir();
    if (!dir) {
        rl_fail(err, "cannot find the API model folder (rules/); pass --rules DIR or set RACELINT_RULES");
        return NULL;
    }
    rl_apimodel *model = rl_apimodel_new();
    int rc = rl_apimodel_load_dir(model, dir, err);
    free(dir);
    if (rc == 0 && opts->config_file) rc = load_config(model, opts->config_file, err);
    if (rc != 0) {
        rl_apimodel_free(model);
        return NULL;
    }
    return model;
}

/* The guard map of every location more than one thread (or instance)
 * touches, in name order. */
static void guard_map(const rl_model *m, rl_analysis *out)
{
    out->guards = rl_xcalloc(m->ngroups + 1, sizeof *out->guards);
    for (size_t i = 0; i < m->ngroups; i++) {
        rl_guard g = rl_guard_of(m, &m->groups[i]);
        int shared = g.threads > 1;
        for (size_t k = 0; !shared && k < m->groups[i].len; k++)
            shared = m->threads[m->accesses[m->groups[i].items[k]].thread].multi;
        if (!shared) continue;
        rl_guard_row *row = &out->guards[out->nguards++];
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_place_pretty(g.place, &sb);
        row->location = rl_sb_take(&sb);
        if (g.lock) {
            rl_model_lock_display(m, g.lock, &sb);
            row->lock = rl_sb_take(&sb);
        }
        row->covered = g.covered;
        row->sites = g.sites;
        row->threads = g.threads;
    }
}

int rl_analyze(const rl_analysis_options *opts, const rl_unit_list *units, rl_analysis *out, rl_error *err)
{
    memset(out, 0, sizeof *out);
    rl_apimodel *model = load_models(opts, err);
    if (!model) return -1;

    work w;
    memset(&w, 0, sizeof w);
    w.opts = opts;
    w.model = model;
    w.units = units;
    w.facts = rl_xcalloc(units->len + 1, sizeof *w.facts);
    w.errors = rl_xcalloc(units->len + 1, sizeof *w.errors);
    char *cached = rl_xcalloc(units->len + 1, 1);
    size_t *todo = rl_xcalloc(units->len + 1, sizeof *todo);
    char (*keys)[17] = NULL;

    long long t = rl_now_ms();
    const rl_facts_cache *cache = opts->cache;
    if (cache) {
        keys = rl_xcalloc(units->len + 1, sizeof *keys);
        uint64_t rk = run_key(opts);
        file_hashes fh = {rl_strpool_new(), RL_PTRMAP_INIT, NULL, 0, 0};
        for (size_t i = 0; i < units->len; i++) {
            unit_key(rk, &units->items[i], keys[i]);
            if (!opts->cache_refresh) w.facts[i] = cache_lookup(cache, &fh, &units->items[i], keys[i]);
            if (w.facts[i]) {
                cached[i] = 1;
                out->units_cached++;
            } else {
                todo[w.ntodo++] = i;
            }
        }
        for (size_t i = 0; i < fh.nowned; i++) free(fh.owned[i]);
        free(fh.owned);
        rl_ptrmap_free(&fh.map);
        rl_strpool_free(fh.pool);
    } else {
        for (size_t i = 0; i < units->len; i++) todo[w.ntodo++] = i;
    }
    out->ms_cache_read = rl_now_ms() - t;

    t = rl_now_ms();
    w.todo = todo;
    out->units_parsed = w.ntodo;
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.changed, NULL);
    extract_all(&w, opts->jobs, out->units_cached, 0);
    pthread_cond_destroy(&w.changed);
    pthread_mutex_destroy(&w.lock);
    out->ms_parse = rl_now_ms() - t;

    t = rl_now_ms();
    if (cache && w.ntodo > 0) {
        if (cache->begin) cache->begin(cache->ctx);
        for (size_t k = 0; k < w.ntodo; k++) {
            size_t i = todo[k];
            /* Units with errors are parsed again, to report them again. */
            if (!w.facts[i] || w.facts[i]->parse_failed || w.facts[i]->ndeps == 0) continue;
            size_t len = 0;
            unsigned char *blob = rl_facts_serialize(w.facts[i], &len);
            rl_strbuf files = RL_STRBUF_INIT;
            for (int32_t d = 0; d < w.facts[i]->ndeps; d++)
                rl_sb_printf(&files, "%016llx %s\n", (unsigned long long)w.facts[i]->deps[d].hash,
                             w.facts[i]->deps[d].path);
            cache->put(cache->ctx, units->items[i].file, keys[i], rl_sb_str(&files), blob, len);
            rl_sb_free(&files);
            free(blob);
        }
        if (cache->end) cache->end(cache->ctx);
    }
    out->ms_cache_write = rl_now_ms() - t;
    free(keys);
    free(todo);

    t = rl_now_ms();
    out->units = rl_xcalloc(units->len + 1, sizeof *out->units);
    rl_program *program = rl_program_new();
    for (size_t i = 0; i < units->len; i++) {
        record_unit(out, &units->items[i], w.facts[i], w.errors[i], cached[i]);
        if (!w.facts[i]) continue;
        if (opts->dump_facts && opts->dump_out) {
            rl_strbuf sb = RL_STRBUF_INIT;
            rl_facts_dump(w.facts[i], &sb);
            fputs(rl_sb_str(&sb), (FILE *)opts->dump_out);
            rl_sb_free(&sb);
        }
        rl_program_add_unit(program, w.facts[i]);
    }
    rl_program_finish(program);
    rl_flow *flow = rl_flow_compute(program);
    rl_model *m = rl_model_build(program, flow);
    out->nthreads = m->nthreads;
    out->ncontexts = m->nctxs;
    out->naccesses = m->naccesses;
    out->ms_model = rl_now_ms() - t;
    t = rl_now_ms();
    rl_check_ctx cc = {m, &out->findings};
    for (size_t i = 0; i < rl_nchecks; i++) rl_checks[i].run(&cc);
    rl_findings_sort(&out->findings);
    if (opts->want_guards) guard_map(m, out);
    out->ms_rules = rl_now_ms() - t;

    rl_model_free(m);
    rl_flow_free(flow);
    rl_program_free(program);
    for (size_t i = 0; i < units->len; i++) {
        rl_facts_free(w.facts[i]);
        free(w.errors[i]);
    }
    free(w.facts);
    free(w.errors);
    free(cached);
    rl_apimodel_free(model);
    return 0;
}

void rl_analysis_free(rl_analysis *a)
{
    for (size_t i = 0; i < a->nguards; i++) {
        free(a->guards[i].location);
        free(a->guards[i].lock);
    }
    free(a->guards);
    rl_findings_free(&a->findings);
    for (size_t i = 0; i < a->nunits; i++) rl_unit_status_clear(&a->units[i]);
    free(a->units);
    memset(a, 0, sizeof *a);
}
