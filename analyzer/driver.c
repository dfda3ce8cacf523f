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
#include "util/mem.h"
#include "util/strbuf.h"
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    size_t next;
    pthread_mutex_t lock;
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
        size_t i = w->next++;
        pthread_mutex_unlock(&w->lock);
        if (i >= w->units->len) break;
        rl_error err = {{0}};
        w->facts[i] = rl_frontend_extract(fe, &w->units->items[i], &err);
        if (!w->facts[i]) w->errors[i] = rl_xstrdup(err.msg);
    }
    rl_frontend_free(fe);
    return NULL;
}

static void extract_all(work *w, int jobs)
{
    if (jobs <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cores > 0 ? (int)cores : 1;
    }
    if (jobs > MAX_JOBS) jobs = MAX_JOBS;
    if ((size_t)jobs > w->units->len) jobs = (int)w->units->len;
    if (jobs <= 1) {
        worker(w);
        return;
    }
    pthread_t *tids = rl_xcalloc((size_t)jobs, sizeof *tids);
    int started = 0;
    for (int i = 0; i < jobs; i++)
        if (pthread_create(&tids[i], NULL, worker, w) == 0) started++;
        else break;
    if (started == 0) worker(w);
    for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
    free(tids);
}

static void record_unit(rl_analysis *out, const rl_unit_spec *spec, const rl_unit_facts *facts, const char *error)
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
        u->status = rl_xstrdup("ok");
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
    FILE *f = fopen(path, "rb");
    if (!f) return rl_fail(err, "%s: cannot read the config file", path);
    char *text = rl_xmalloc(MAX_CONFIG_BYTES + 1);
    size_t n = fread(text, 1, MAX_CONFIG_BYTES + 1, f);
    int rc;
    if (ferror(f)) rc = rl_fail(err, "%s: read error", path);
    else if (n > MAX_CONFIG_BYTES) rc = rl_fail(err, "%s: larger than %d bytes", path, MAX_CONFIG_BYTES);
    else rc = rl_apimodel_load_config(model, path, text, n, err);
    fclose(f);
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
    pthread_mutex_init(&w.lock, NULL);
    extract_all(&w, opts->jobs);
    pthread_mutex_destroy(&w.lock);

    out->units = rl_xcalloc(units->len + 1, sizeof *out->units);
    rl_program *program = rl_program_new();
    for (size_t i = 0; i < units->len; i++) {
        record_unit(out, &units->items[i], w.facts[i], w.errors[i]);
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
    rl_check_ctx cc = {m, &out->findings};
    for (size_t i = 0; i < rl_nchecks; i++) rl_checks[i].run(&cc);
    rl_findings_sort(&out->findings);
    if (opts->want_guards) guard_map(m, out);

    rl_model_free(m);
    rl_flow_free(flow);
    rl_program_free(program);
    for (size_t i = 0; i < units->len; i++) {
        rl_facts_free(w.facts[i]);
        free(w.errors[i]);
    }
    free(w.facts);
    free(w.errors);
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
