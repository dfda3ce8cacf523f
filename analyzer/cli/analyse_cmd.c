/* The commands that analyse source: `racelint check` (the analysis, its
 * run recorded in the findings database, the report), `guards` (the
 * inferred guard map) and `threads` (programs and threads), and what they
 * share: loading the units, the facts cache on the store, the progress
 * line, the project config and the report writer.
 *
 * Exit codes as main.c says: 0, 1 (check found findings its --fail-on
 * counts), 2 usage or input error, 3 analysis incomplete. */
#include "analyse_cmd.h"
#include "../facts_dir.h"
#include "../frontend/frontend.h"
#include "../report/report.h"
#include "../store/store.h"
#include "../util/clock.h"
#include "../util/mem.h"
#include "../util/outfile.h"
#include "git.h"
#include "hist_check.h"
#include "output.h"
#include "project.h"
#include "scope.h"
#include "select.h"
#include "suppress.h"
#include "threads_cmd.h"
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RL_VERSION
#define RL_VERSION "0.0.0"
#endif

enum { EXIT_USAGE = 2, EXIT_INCOMPLETE = 3 };

static char *arguments_json(int argc, char **argv)
{
    json_t *arr = json_array();
    for (int i = 0; i < argc; i++) {
        /* json_string refuses invalid UTF-8: keep the slot, mark it. */
        json_t *s = json_string(argv[i]);
        json_array_append_new(arr, s ? s : json_string("?"));
    }
    char *s = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    char *copy = rl_xstrdup(s ? s : "[]");
    free(s);
    return copy;
}

/* units (may be NULL) feed SARIF's parse-failure notifications, baseline
 * (may be NULL) its baselineState. The report replaces -o FILE only once
 * it is whole (util/outfile.h). */
int rl_write_report_units(const rl_cli_options *o, const rl_run_info *run, const rl_findings *findings,
                              const rl_unit_status *units, size_t nunits, int incomplete,
                              const rl_findings *baseline)
{
    rl_outfile of;
    rl_error err = {{0}};
    if (rl_outfile_open(&of, o->output, &err) != 0) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        return -1;
    }
    FILE *out = of.f;
    int rc = 0;
    int format = rl_format_parse(o->format);
    rl_sarif_options so = {o->src_root, units, nunits, baseline, incomplete};
    if (format == RL_FORMAT_JSON || format == RL_FORMAT_SARIF || format == RL_FORMAT_CODEQUALITY) {
        rc = format == RL_FORMAT_JSON    ? rl_report_json(out, run, findings, &err)
             : format == RL_FORMAT_SARIF ? rl_report_sarif(out, run, findings, &so, &err)
                                         : rl_report_codequality(out, run, findings, &so, &err);
        if (rc) fprintf(stderr, "racelint: error: %s\n", err.msg);
    } else {
        rl_report_text(out, findings);
    }
    if (rl_outfile_close(&of, rc == 0, &err) != 0) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        rc = -1;
    }
    return rc;
}

static void report_parse_failures(const rl_analysis *a)
{
    for (size_t i = 0; i < a->nwarnings; i++) fprintf(stderr, "racelint: warning: %s\n", a->warnings[i]);
    for (size_t i = 0; i < a->nunits; i++) {
        const rl_unit_status *u = &a->units[i];
        const char *phrase = rl_unit_status_phrase(u->status);
        if (!phrase) continue;
        fprintf(stderr, "racelint: %s: %s\n", u->file, phrase);
        if (u->diagnostics) fprintf(stderr, "%s\n", u->diagnostics);
    }
}

/* The facts cache on the findings store (driver.h). Errors are not fatal:
 * the first is reported once, and the unit is parsed (or not cached). */
typedef struct store_cache {
    rl_store *store;
    int failed;
} store_cache;

static void cache_error(store_cache *c, const rl_error *err)
{
    if (!c->failed) fprintf(stderr, "racelint: warning: facts cache: %s\n", err->msg);
    c->failed = 1;
}

static void *cache_get(void *ctx, const char *file, const char *key, size_t *len)
{
    store_cache *c = ctx;
    rl_error err = {{0}};
    void *blob = NULL;
    if (c->failed) return NULL;
    if (rl_store_cache_get(c->store, file, key, &blob, len, &err) < 0) cache_error(c, &err);
    return blob;
}

static void cache_put(void *ctx, const char *file, const char *key, const char *files, uint64_t digest,
                      const void *blob, size_t len)
{
    store_cache *c = ctx;
    rl_error err = {{0}};
    char hex[RL_DIGEST_HEX_LEN + 1];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)digest);
    if (!c->failed && rl_store_cache_put(c->store, file, key, files, digest ? hex : NULL, blob, len, &err) != 0)
        cache_error(c, &err);
}

/* A stored digest is 16 lowercase hex digits, as cache_put writes it; any
 * other text (a hand-edited database) is no digest. */
static int parse_digest(const char *hex, uint64_t *out)
{
    if (strlen(hex) != RL_DIGEST_HEX_LEN || rl_parse_hex64(hex, out) != 0) return -1;
    return *out ? 0 : -1;
}

static int cache_probe(void *ctx, const char *file, const char *key, char **files, uint64_t *digest)
{
    store_cache *c = ctx;
    rl_error err = {{0}};
    char *hex = NULL;
    *files = NULL;
    if (c->failed) return 0;
    int rc = rl_store_cache_probe(c->store, file, key, files, &hex, &err);
    if (rc < 0) cache_error(c, &err);
    if (rc == 1 && parse_digest(hex, digest) != 0) rc = 0;
    free(hex);
    if (rc != 1) {
        free(*files);
        *files = NULL;
        return 0;
    }
    return 1;
}

static void cache_begin(void *ctx)
{
    store_cache *c = ctx;
    rl_error err = {{0}};
    if (!c->failed && rl_store_cache_begin(c->store, &err) != 0) cache_error(c, &err);
}

static void cache_end(void *ctx)
{
    store_cache *c = ctx;
    rl_error err = {{0}};
    if (rl_store_cache_commit(c->store, &err) != 0) cache_error(c, &err);
}

static void *results_get(void *ctx, const char *key, size_t *len)
{
    store_cache *c = ctx;
    rl_error err = {{0}};
    void *blob = NULL;
    if (c->failed) return NULL;
    if (rl_store_results_get(c->store, key, &blob, len, &err) < 0) cache_error(c, &err);
    return blob;
}

static void results_put(void *ctx, const char *key, const void *blob, size_t len)
{
    store_cache *c = ctx;
    rl_error err = {{0}};
    if (!c->failed && rl_store_results_put(c->store, key, blob, len, &err) != 0) cache_error(c, &err);
}

/* The progress line on a terminal: units done/total, failures, elapsed
 * time and an estimate, redrawn at most every PROGRESS_MS. */
#define PROGRESS_MS 100
typedef struct progress {
    long long start, last;
    int drawn;
} progress;

static void show_progress(void *ctx, size_t done, size_t total, size_t failed)
{
    progress *p = ctx;
    long long now = rl_now_ms();
    if (done < total && now - p->last < PROGRESS_MS) return;
    p->last = now;
    double elapsed = (double)(now - p->start) / RL_MS_PER_SEC;
    fprintf(stderr, "\r\033[Kracelint: %zu/%zu units", done, total);
    if (failed) fprintf(stderr, ", %zu failed", failed);
    fprintf(stderr, ", %.1fs", elapsed);
    if (done > 0 && done < total) fprintf(stderr, ", about %.0fs left", elapsed / (double)done * (double)(total - done));
    fflush(stderr);
    p->drawn = 1;
}

static void end_progress(progress *p)
{
    if (p->drawn) fprintf(stderr, "\r\033[K");
}

/* The project config: --config, or the one rl_find_config trusts (its
 * warning printed here). *path is NULL for none. */
static int project_config(const rl_cli_options *o, char **path, rl_error *err)
{
    *path = NULL;
    if (o->config) {
        *path = rl_xstrdup(o->config);
        return 0;
    }
    char cwd[PATH_MAX];
    rl_config_lookup found;
    if (rl_find_config(getcwd(cwd, sizeof cwd) ? cwd : ".", &found, err) != 0) return -1;
    if (found.ignored) fprintf(stderr, "racelint: warning: %s\n", found.ignored);
    *path = found.path;
    found.path = NULL;
    rl_config_lookup_clear(&found);
    return 0;
}

/* The facts folder of --facts-cache after the run: what could not be
 * read or written there, and pruning to --facts-max-size. */
static void finish_facts_cache(const rl_cli_options *o, rl_facts_dir_cache *dc)
{
    for (size_t i = 0; i < dc->nwarnings; i++) fprintf(stderr, "racelint: warning: %s\n", dc->warnings[i]);
    size_t removed = 0;
    rl_error err = {{0}};
    if (o->facts_max_size && rl_facts_dir_prune(o->facts_cache, o->facts_max_size, &removed, &err) != 0)
        fprintf(stderr, "racelint: warning: %s\n", err.msg);
    if (removed && o->verbose)
        fprintf(stderr, "racelint: %zu facts file%s pruned from %s (--facts-max-size)\n", removed,
                removed == 1 ? "" : "s", o->facts_cache);
    rl_facts_dir_cache_clear(dc);
}

/* --check-option over the check_options: of the project config (NULL:
 * none) into *out; an error names the file and line or the option. */
static int rule_options(const rl_cli_options *o, const char *config, rl_rule_options *out, rl_error *err)
{
    memset(out, 0, sizeof *out);
    if (config && rl_config_rule_options(config, out, err) != 0) return -1;
    for (size_t i = 0; i < o->ncheck_options; i++)
        if (rl_rule_option_parse(out, o->check_options[i], "--check-option", err) != 0) return -1;
    return 0;
}

/* -v: the rule options that are not at their default. */
static void print_rule_options(const rl_rule_options *used)
{
    fprintf(stderr, "racelint: check options:");
    int any = 0;
    for (size_t i = 0; i < rl_rule_option_count(); i++)
        if (strcmp(rl_rule_option_value(used, i), rl_rule_option_default(i)) != 0) {
            fprintf(stderr, " %s=%s", rl_rule_option_name(i), rl_rule_option_value(used, i));
            any = 1;
        }
    fprintf(stderr, "%s\n", any ? "" : " the defaults");
}

/* Runs the analysis with the options every analysing command shares; the
 * facts cache is the folder of --facts-cache, else the store when store
 * is not NULL, unless --no-cache. With --facts, the facts files are linked
 * instead, and without -p *units becomes the units they hold.
 * *config_used (when not NULL) gets the project config's path, or NULL;
 * *used (when not NULL: check) the rule options, which are then read from
 * the config and the command line (otherwise the defaults). */
static int analyse(const rl_cli_options *o, rl_unit_list *units, int want_guards, rl_store *store, rl_analysis *a,
                   char **config_used, rl_rule_options *used, rl_error *err)
{
    char *config;
    if (project_config(o, &config, err) != 0) return -1;
    rl_analysis_options ao;
    memset(&ao, 0, sizeof ao);
    if (used && rule_options(o, config, used, err) != 0) {
        free(config);
        return -1;
    }
    if (used) ao.rule_options = *used;
    ao.config_file = config;
    ao.models_dir = o->rules;
    ao.resource_dir = o->resource_dir;
    ao.jobs = (int)o->jobs;
    ao.limits = o->limits;
    ao.want_guards = want_guards;
    ao.dump_facts = o->dump_facts;
    ao.dump_out = stdout;
    ao.analysis_timeout_sec = (unsigned)o->analysis_timeout_sec;
    ao.programs = o->programs;
    ao.nprograms = o->nprograms;
    store_cache sc = {store, 0};
    rl_facts_cache cache = {&sc, cache_get, cache_put, cache_probe, cache_begin, cache_end, NULL, results_get,
                            results_put};
    if (store) ao.cache = &cache;
    /* --no-cache: analyse afresh too (and store the new results). */
    if (o->no_cache) cache.results_get = NULL;
    ao.cache_refresh = o->no_cache;
    ao.facts_only = o->shard_n > 0;
    rl_facts_dir_cache dc;
    if (o->facts_cache) {
        if (rl_facts_dir_make(o->facts_cache, err) != 0) {
            free(config);
            return -1;
        }
        rl_facts_dir_cache_init(&dc, o->facts_cache, rl_facts_run_key(&ao));
        ao.cache = &dc.iface;
    }
    progress prog = {rl_now_ms(), 0, 0};
    if (!o->quiet && isatty(STDERR_FILENO)) {
        ao.progress = show_progress;
        ao.progress_ctx = &prog;
    }
    int rc;
    if (o->nfacts_dirs) {
        rl_unit_list linked;
        rc = rl_facts_dir_link(&ao, o->facts_dirs, o->nfacts_dirs, o->build_dir ? units : NULL, &linked, a, err);
        if (rc == 0) {
            rl_unit_list_free(units);
            *units = linked;
        }
    } else {
        rc = rl_analyze(&ao, units, a, err);
    }
    end_progress(&prog);
    if (o->facts_cache) finish_facts_cache(o, &dc);
    if (config_used) *config_used = config;
    else free(config);
    return rc;
}

/* The programs analysed (with -v, or when there are several) and every
 * notice: limits hit, programs whose threads were not found. Notices are
 * never hidden behind -v: a run cut short must not look complete. */
static void print_programs_and_notices(const rl_analysis *a, int verbose)
{
    if (verbose || a->nprograms > 1) {
        fprintf(stderr, "racelint: programs:");
        for (size_t i = 0; i < a->nprograms; i++) {
            const rl_program_summary *p = &a->programs[i];
            fprintf(stderr, "%s %s (%zu unit%s, %zu thread%s)", i ? "," : "", p->name, p->nunits,
                    p->nunits == 1 ? "" : "s", p->nthreads, p->nthreads == 1 ? "" : "s");
        }
        fprintf(stderr, "\n");
    }
    for (size_t i = 0; i < a->nnotices; i++) {
        const rl_notice *n = &a->notices[i];
        if (n->program && (a->nprograms > 1 || a->nprograms_linked > 1))
            fprintf(stderr, "racelint: note: program '%s': %s [%s]\n", n->program, n->message, n->code);
        else
            fprintf(stderr, "racelint: note: %s [%s]\n", n->message, n->code);
    }
}

/* `racelint guards`: the inferred guard map (guards.h) of a codebase. */
int rl_cmd_guards(int argc, char **argv, const rl_cli_options *o)
{
    (void)argc;
    (void)argv;
    int rc = 0;
    rl_outfile of;
    rl_error oerr = {{0}};
    if (rl_outfile_open(&of, o->output, &oerr) != 0) {
        fprintf(stderr, "racelint: error: %s\n", oerr.msg);
        return EXIT_USAGE;
    }
    FILE *out = of.f;
    int fmt = rl_out_parse(o->format_set ? o->format : NULL, 0);
    rl_scope sel;
    rl_error err = {{0}};
    rl_analysis a;
    if (fmt < 0) {
        rc = rl_cli_usage_error("unknown format '%s' for guards (table, csv, json)", o->format);
    } else if ((rc = rl_scope_units(o, "guards", &sel)) != 0) {
        rl_scope_free(&sel);
    } else {
        if (analyse(o, &sel.units, 1, NULL, &a, NULL, NULL, &err) != 0) {
            fprintf(stderr, "racelint: error: %s\n", err.msg);
            rc = EXIT_USAGE;
        } else {
            static const char *const cols[] = {"location", "guard", "covered", "sites", "threads", "believed"};
            rl_table t;
            rl_table_init(&t, sizeof cols / sizeof *cols, cols);
            for (size_t i = 0; i < a.nguards; i++) {
                const rl_guard_row *g = &a.guards[i];
                rl_value *row = rl_table_add_row(&t);
                rl_value_set_text(&row[0], g->location);
                rl_value_set_text(&row[1], g->lock);
                rl_value_set_int(&row[2], (int64_t)g->covered);
                rl_value_set_int(&row[3], (int64_t)g->sites);
                rl_value_set_int(&row[4], (int64_t)g->threads);
                rl_value_set_bool(&row[5], g->lock && g->covered * 2 > g->sites);
            }
            if (rl_out_write(out, (rl_out_format)fmt, &t) != 0) rc = EXIT_USAGE;
            rl_table_free(&t);
            rl_analysis_free(&a);
        }
        rl_scope_free(&sel);
    }
    if (rl_outfile_close(&of, rc == 0, &oerr) != 0) {
        fprintf(stderr, "racelint: error: %s\n", oerr.msg);
        rc = EXIT_USAGE;
    }
    return rc;
}

/* The units of -p, paths or --facts (scope.h), analysed without the
 * store (for the commands that record nothing); parse failures reported.
 * 0, or the exit code with the message printed and nothing left to free. */
static int select_and_analyse(const rl_cli_options *o, const char *cmd, rl_scope *sel, rl_analysis *a)
{
    int rc = rl_scope_units(o, cmd, sel);
    if (rc != 0) {
        rl_scope_free(sel);
        return rc;
    }
    rl_error err = {{0}};
    if (analyse(o, &sel->units, 0, NULL, a, NULL, NULL, &err) != 0) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        rl_scope_free(sel);
        return EXIT_USAGE;
    }
    report_parse_failures(a);
    return 0;
}

/* `racelint threads`: the programs and threads of a codebase. */
int rl_cmd_threads(int argc, char **argv, const rl_cli_options *o)
{
    (void)argc;
    (void)argv;
    int rc = 0;
    int json = o->format_set && strcmp(o->format, "json") == 0;
    if (o->format_set && !json && strcmp(o->format, "text") != 0)
        return rl_cli_usage_error("unknown format '%s' for threads (text, json)", o->format);
    rl_error err = {{0}};
    if (rl_check_writable(o->output, &err) != 0) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        return EXIT_USAGE;
    }
    rl_scope sel;
    rl_analysis a;
    if ((rc = select_and_analyse(o, "threads", &sel, &a)) != 0) return rc;
    rl_outfile of;
    if (rl_outfile_open(&of, o->output, &err) != 0) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        rc = EXIT_USAGE;
    } else {
        if (rl_threads_print(of.f, &a, json, &err) != 0) {
            fprintf(stderr, "racelint: error: %s\n", err.msg);
            rc = EXIT_USAGE;
        }
        if (rl_outfile_close(&of, rc == 0, &err) != 0) {
            fprintf(stderr, "racelint: error: %s\n", err.msg);
            rc = EXIT_USAGE;
        }
    }
    rl_analysis_free(&a);
    rl_scope_free(&sel);
    return rc;
}

/* The least confidence a check reports: --min-confidence, else medium
 * for people (text) and low for tools, which get the field. -1 when the
 * option is not a level. */
static int min_confidence(const rl_cli_options *o)
{
    if (o->min_confidence) return rl_confidence_parse(o->min_confidence);
    int text = rl_format_parse(o->format ? o->format : "text") == RL_FORMAT_TEXT;
    return text ? RL_CONF_MEDIUM : RL_CONF_LOW;
}

/* Marks hidden the findings below the least confidence; their count. */
static size_t hide_unconfident(rl_findings *findings, int least)
{
    size_t n = 0;
    for (size_t i = 0; i < findings->len; i++) {
        rl_finding *f = &findings->items[i];
        f->hidden = (int)f->confidence > least;
        n += f->hidden != 0;
    }
    return n;
}

/* In a text report, suppressed findings are counted, not printed, unless
 * --show-suppressed; their count. */
static size_t hide_suppressed(const rl_cli_options *o, rl_findings *findings)
{
    if (o->show_suppressed || rl_format_parse(o->format ? o->format : "text") != RL_FORMAT_TEXT) return 0;
    size_t n = 0;
    for (size_t i = 0; i < findings->len; i++) {
        rl_finding *f = &findings->items[i];
        if (f->suppressed && !f->hidden) {
            f->hidden = 1;
            n++;
        }
    }
    return n;
}

/* Suppression comments naming an unknown rule or suppressing nothing
 * become notices of the run (suppress.h), shown and recorded with the
 * others. */
static void audit_suppressions(rl_analysis *a, rl_run_info *run)
{
    const char **files = rl_xcalloc(a->nunits + 1, sizeof *files);
    for (size_t i = 0; i < a->nunits; i++) files[i] = a->units[i].file;
    size_t before = a->nnotices;
    rl_suppress_audit(&a->findings, files, a->nunits, &a->notices, &a->nnotices);
    free(files);
    if (a->nnotices == before) return;
    rl_notices_free(run->notices, run->nnotices);
    run->notices = rl_notices_copy(a->notices, a->nnotices);
    run->nnotices = a->nnotices;
}

/* `racelint check -p BUILD --shard K/N --facts-out DIR`: one CI job's part
 * of the extraction. Facts only: no analysis, no run recorded; the link
 * job (check --facts) analyses and reports. */
static int check_shard(const rl_cli_options *o)
{
    rl_scope sel;
    rl_analysis a;
    int rc = select_and_analyse(o, "check", &sel, &a);
    if (rc != 0) return rc;
    if (!o->quiet)
        fprintf(stderr, "racelint: shard %ld/%ld: %zu unit%s, %zu parsed, %zu still valid in %s; not analysed: "
                        "link the shards with racelint check --facts\n", o->shard_k, o->shard_n, sel.units.len,
                sel.units.len == 1 ? "" : "s", a.units_parsed, a.units_cached, o->facts_cache);
    rl_analysis_free(&a);
    rl_scope_free(&sel);
    return 0;
}

int rl_cmd_check(int argc, char **argv, const rl_cli_options *o)
{
    if (o->shard_n) return check_shard(o);
    int least = min_confidence(o);
    if (least < 0) return rl_cli_usage_error("--min-confidence wants high, medium or low, not '%s'", o->min_confidence);
    rl_error serr = {{0}};
    /* A bad --check-option fails now, before anything is recorded. */
    rl_rule_options given = {0};
    for (size_t i = 0; i < o->ncheck_options; i++)
        if (rl_rule_option_parse(&given, o->check_options[i], "--check-option", &serr) != 0)
            return rl_cli_usage_error("%s", serr.msg);
    rl_selection *selection = rl_selection_new(o->checks, o->nchecks, o->excludes, o->nexcludes, o->config, &serr);
    if (!selection) {
        fprintf(stderr, "racelint: error: %s\n", serr.msg);
        return EXIT_USAGE;
    }
    long long t0 = rl_now_ms();
    rl_error err = {{0}};
    /* An output that cannot be written fails now, not after the analysis. */
    if (rl_check_writable(o->output, &err) != 0) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        rl_selection_free(selection);
        return EXIT_USAGE;
    }
    rl_scope sel;
    int usage = rl_scope_units(o, "check", &sel);
    int db_default = 0;
    char *db_path = usage ? NULL : rl_database_path(o->db, sel.compdb, &db_default, &err);
    if (!usage && (!db_path || (db_default && !o->no_db && rl_database_folder(db_path, &err) != 0))) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        usage = EXIT_USAGE;
    }
    if (usage) {
        free(db_path);
        rl_scope_free(&sel);
        rl_selection_free(selection);
        return usage;
    }
    rl_run_info run;
    memset(&run, 0, sizeof run);
    run.started_at = rl_iso_now();
    rl_rule_options used = {0}; /* the rule options in effect, once read */

    /* From here on, an error goes through `fail`, which undoes what was
     * set up so far (the store and hist may be NULL, `analysed` says
     * whether `a` holds an analysis). */
    rl_check_hist *hist = NULL;
    rl_analysis a;
    int analysed = 0;
    const char *why = NULL;

    /* Open the store before the long analysis, so a bad --db fails fast. */
    rl_store *store = NULL;
    if (!o->no_db && !(store = rl_store_open(db_path, 0, &err))) goto fail;

    /* The run is recorded as 'running' before the analysis (hist_check.h). */
    char cwd[PATH_MAX];
    run.tool_version = rl_xstrdup(RL_VERSION);
    run.arguments = arguments_json(argc, argv);
    run.directory = rl_xstrdup(getcwd(cwd, sizeof cwd) ? cwd : "");
    run.files = (int64_t)sel.units.len;
    if (rl_git_describe(&run, o->quiet, &err) != 0) goto fail;
    rl_check_args hargs = {db_path, o->no_db, o->baseline, o->fail_on, o->format};
    if (!(hist = rl_hist_check_begin(&hargs, store, &run, &err))) goto fail;
    if (analyse(o, &sel.units, 0, store, &a, &run.config, &used, &err) != 0) goto fail;
    run.options = rl_rule_options_json(&used);
    rl_selection_set_run_config(selection, run.config);
    analysed = 1;
    report_parse_failures(&a);
    /* --checks, --exclude and the configs' checks:/exclude: choose what is
     * reported (and recorded) of what was analysed */
    size_t off_rule = 0, off_file = 0;
    if (rl_selection_apply(selection, &a.findings, &off_rule, &off_file, &serr) != 0) {
        why = serr.msg;
        goto fail;
    }
    rl_selection_free(selection);
    size_t unconfident = hide_unconfident(&a.findings, least);
    /* Findings outside the paths given with a compilation database are
     * left out of everything, and a notice says so (scope.h). */
    size_t outside = rl_scope_filter(&sel, &a.findings);
    if (outside)
        rl_analysis_notice(&a, "focus", NULL,
                           "%zu finding%s outside the paths given %s not reported (the whole program was analysed)",
                           outside, outside == 1 ? "" : "s", outside == 1 ? "was" : "were");
    run.files = (int64_t)sel.units.len; /* --facts without -p: known only now */

    run.finished_at = rl_iso_now();
    run.status = rl_xstrdup("complete");
    run.notices = rl_notices_copy(a.notices, a.nnotices);
    run.nnotices = a.nnotices;
    run.programs = rl_xcalloc(a.nprograms + 1, sizeof *run.programs);
    for (size_t i = 0; i < a.nprograms; i++) run.programs[run.nprograms++] = rl_xstrdup(a.programs[i].name);
    run.units_failed = (int64_t)a.units_failed;
    run.findings = (int64_t)a.findings.len;
    run.duration_ms = rl_now_ms() - t0;

    /* suppressions, baseline; the exit status --fail-on asks for */
    int exit_code = rl_hist_check_prepare(hist, &a.findings);
    size_t suppressed_hidden = hide_suppressed(o, &a.findings);
    audit_suppressions(&a, &run);
    run.incomplete = rl_parse_gate_check(&o->max_parse_failures, a.units, a.nunits);
    rl_run_set_parse_failures(&run, a.units, a.nunits);
    int incomplete = run.incomplete != NULL;
    if (incomplete) {
        free(run.status);
        run.status = rl_xstrdup("failed");
        exit_code = EXIT_INCOMPLETE;
    }
    long long t_store = rl_now_ms();
    int recorded = store != NULL;
    if (store && rl_hist_check_record(hist, store, &run, a.units, a.nunits, &a.findings, &err) != 0) {
        /* Nothing of this run was written (one transaction); say so, and
         * mark its 'running' row failed if the database still takes that. */
        fprintf(stderr, "racelint: error: %s; run %lld was not recorded, earlier runs are intact\n", err.msg,
                (long long)run.id);
        rl_hist_check_abort(hist, store, &run);
        recorded = 0;
        exit_code = EXIT_USAGE;
    }
    t_store = rl_now_ms() - t_store;
    if (o->verbose) {
        fprintf(stderr, "racelint: config: %s\n", run.config ? run.config : "none");
        print_rule_options(&used);
        fprintf(stderr, "racelint: %zu unit%s parsed, %zu cached\n", a.units_parsed, a.units_parsed == 1 ? "" : "s",
                a.units_cached);
        fprintf(stderr,
                "racelint: timings (ms): cache-read %lld, parse %lld, cache-write %lld, model %lld, rules %lld,"
                " store %lld, total %lld\n",
                a.ms_cache_read, a.ms_parse, a.ms_cache_write, a.ms_model, a.ms_rules, t_store, rl_now_ms() - t0);
        if (a.results_cached)
            fprintf(stderr, "racelint: whole-program results reused: the facts, models, config and options are "
                            "those of an earlier run (--no-cache analyses afresh)\n");
        else
            fprintf(stderr, "racelint: model (ms): program %lld, lock flow %lld, threads %lld\n", a.ms_program,
                    a.ms_flow, a.ms_model - a.ms_program - a.ms_flow);
        /* what the model's cost follows (docs/performance.md) */
        fprintf(stderr, "racelint: model: %zu thread%s, %zu contexts, %zu accesses\n", a.nthreads,
                a.nthreads == 1 ? "" : "s", a.ncontexts, a.naccesses);
    }
    int written = rl_hist_check_write(hist, o->format, o->output, &run, &a.findings);
    if (written == 1) written = rl_write_report_units(o, &run, &a.findings, a.units, a.nunits, incomplete,
                                                       rl_hist_check_baseline(hist));
    if (written != 0) exit_code = EXIT_USAGE;
    if (!o->quiet) {
        print_programs_and_notices(&a, o->verbose);
        fprintf(stderr, "racelint: %zu finding%s in %zu file%s", a.findings.len, a.findings.len == 1 ? "" : "s",
                sel.units.len, sel.units.len == 1 ? "" : "s");
        if (a.nprograms > 1 || a.nprograms_linked > 1)
            fprintf(stderr, ", %zu program%s", a.nprograms, a.nprograms == 1 ? "" : "s");
        if (a.nnotices) fprintf(stderr, ", %zu notice%s", a.nnotices, a.nnotices == 1 ? "" : "s");
        size_t errors = a.units_failed - a.units_skipped;
        if (errors && a.units_skipped)
            fprintf(stderr, " (%zu with parse errors, %zu skipped)", errors, a.units_skipped);
        else if (errors || a.units_skipped)
            fprintf(stderr, " (%zu %s)", errors + a.units_skipped, errors ? "with parse errors" : "skipped");
        rl_hist_check_summary(hist, stderr);
        if (suppressed_hidden) fprintf(stderr, " (not shown; --show-suppressed lists them)");
        if (unconfident)
            fprintf(stderr, "; %zu below --min-confidence %s, not shown", unconfident, rl_confidence_name(least));
        if (off_rule || off_file)
            fprintf(stderr, "; %zu left out by the checks selected, %zu located only in excluded files", off_rule,
                    off_file);
        if (recorded) fprintf(stderr, "; run %lld recorded in %s", (long long)run.id, db_path);
        fprintf(stderr, "\n");
    }
    if (!o->quiet || incomplete) rl_parse_failures_summary(stderr, run.incomplete, a.units, a.nunits);
    exit_code = rl_hist_check_end(hist, exit_code);
    rl_store_close(store);
    rl_analysis_free(&a);
    free(db_path);
    rl_scope_free(&sel);
    rl_run_info_clear(&run);
    return exit_code;

fail:
    fprintf(stderr, "racelint: error: %s\n", why ? why : err.msg);
    if (hist) {
        rl_hist_check_abort(hist, store, &run);
        rl_hist_check_end(hist, EXIT_USAGE);
    }
    rl_store_close(store);
    if (analysed) rl_analysis_free(&a);
    free(db_path);
    rl_scope_free(&sel);
    rl_run_info_clear(&run);
    rl_selection_free(selection);
    return EXIT_USAGE;
}

/* `racelint findings --format sarif` and the other report formats. */
