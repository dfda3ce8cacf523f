/* racelint's command line: a thin layer over the library (driver.h, the
 * store and the reports). Each subcommand is one function in the table at
 * the bottom; option parsing is shared.
 *
 * Exit codes (README.md, "Exit status", one row a command): 0 success, 1
 * only from a gate (check, diff, findings --fail-on) that found findings, 2
 * usage or input error, 3 analysis incomplete (--max-parse-failures
 * exceeded). */
#include "../driver.h"
#include "../frontend/frontend.h"
#include "../report/report.h"
#include "../store/store.h"
#include "../util/clock.h"
#include "../util/mem.h"
#include "../util/outfile.h"
#include "../util/strbuf.h"
#include "git.h"
#include "history.h"
#include "output.h"
#include "report_cmd.h"
#include "threads_cmd.h"
#include "cc_cmd.h"
#include "../facts_dir.h"
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef RL_VERSION
#define RL_VERSION "0.0.0"
#endif

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2, EXIT_INCOMPLETE = 3 };

#define DEFAULT_DB_DIR ".racelint"
#define DEFAULT_DB_FILE ".racelint/racelint.db"
#define MAX_JOBS_OPTION 256
/* A unit that parses for ten minutes is a generated monster or a parser
 * loop; real units take seconds. */
#define DEFAULT_UNIT_TIMEOUT_SEC 600
#define MAX_UNIT_TIMEOUT_SEC (7 * 24 * 3600)
/* The whole-program phase, all programs together (util/budget.h). */
#define DEFAULT_ANALYSIS_TIMEOUT_SEC 1800
/* The default memory ceiling is this share of physical memory, so that the
 * kernel's OOM killer never takes the whole run. */
#define DEFAULT_MEMORY_PERCENT 75
/* Below this a ceiling would stop every parser at once (one worker alone
 * holds more), and would print as "0 MiB". */
#define MIN_MEMORY_CEILING ((uint64_t)64 << 20)
#define MIN_MEMORY_CEILING_TEXT "64M"
/* More shards than CI jobs anyone runs; a typo like 4/40000 is refused. */
#define MAX_SHARDS 10000

typedef struct options {
    const char *build_dir;
    const char *format;
    const char *output;
    const char *db;
    const char *rules;
    const char *resource_dir;
    const char *run;
    const char *config;
    const char *baseline, *fail_on, *rule, *file_pattern, *status, *note; /* history.h */
    long max_rows;
    int format_set;
    const char *src_root;
    long max_parse_failures; /* -1: unlimited */
    int jobs;
    rl_parse_limits limits;
    int quiet;
    int verbose;
    int no_cache;
    int no_db;
    int dump_facts;
    char **paths;
    int npaths;
    char **flags;
    int nflags;
    unsigned analysis_timeout_sec; /* --analysis-timeout */
    const char **programs;  /* --program, repeatable */
    size_t nprograms;
    const char **facts_dirs; /* --facts, repeatable: link these facts files */
    size_t nfacts_dirs;
    const char *facts_cache; /* --facts-cache / --facts-out */
    unsigned shard_k, shard_n; /* --shard K/N (shard_n 0: none) */
    uint64_t facts_max_size;   /* --facts-max-size (0: unbounded) */
} options;

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "racelint: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'racelint --help'.\n");
    return EXIT_USAGE;
}

static void print_help(void)
{
    puts("usage: racelint <command> [options]\n"
         "\n"
         "Commands:\n"
         "  check [-p BUILD_DIR] [PATH...] [-- FLAGS...]\n"
         "                     analyse a codebase: the compile_commands.json in BUILD_DIR,\n"
         "                     or C files and folders (searched for .c files) with FLAGS\n"
         "  guards [-p BUILD_DIR] [PATH...] [-- FLAGS...]\n"
         "                     print the inferred guard map: each shared location, the lock\n"
         "                     held at most of its accesses, and how many hold it\n"
         "  threads [-p BUILD_DIR] [PATH...] [-- FLAGS...] [--format text|json]\n"
         "                     the programs of the build and the threads racelint finds in\n"
         "                     each: entry, spawn site, instances, join\n"
         "  findings [--run ID|latest] [--rule R] [--file PATTERN] [--status new|open|fixed|suppressed]\n"
         "                     list the findings of a recorded run (default: latest);\n"
         "                     exit 0 unless --fail-on new|any makes it a gate\n"
         "  runs               list the recorded runs\n"
         "  diff [RUN_A] [RUN_B]\n"
         "                     new, fixed and still open findings (default: the two latest runs)\n"
         "  show FINDING       one finding (id or fingerprint): accesses, source, traces, history\n"
         "  history FINGERPRINT\n"
         "                     every run in which a finding appeared\n"
         "  triage FINDING false-positive|intended|confirmed [--note TEXT]\n"
         "                     record a decision that follows the finding into later runs\n"
         "  sql 'SELECT ...'   read-only SQL on the findings database\n"
         "  report [--run ID|latest] -o DIR\n"
         "                     write DIR/index.html, an HTML report of a recorded run\n"
         "  cc --facts-dir DIR -- COMPILER ARGS...\n"
         "                     compiler launcher: runs the compiler as given and writes\n"
         "                     the unit's facts to DIR for check --facts (never fails the\n"
         "                     build; RACELINT_CC_VERBOSE=1 says what it did)\n"
         "  help               show this text\n"
         "\n"
         "Options:\n"
         "  -p DIR             build folder holding compile_commands.json\n"
         "  --program NAME     check, guards, threads: analyse only this program of the\n"
         "                     build (a unit defining main; repeatable; -v lists them)\n"
         "  --format FMT       text (default), json, sarif or codequality (GitLab)\n"
         "  --src-root DIR     SARIF/code quality/HTML paths relative to DIR (default: .)\n"
         "  --max-parse-failures N\n"
         "                     exit 3 when more than N units fail to parse (default: no limit)\n"
         "  -o FILE            write the report to FILE instead of standard output\n"
         "  --db FILE          findings database (default .racelint/racelint.db)\n"
         "  --baseline latest|RUN|FILE\n"
         "                     check: only findings not in the baseline count, marked new\n"
         "  --fail-on new|any|none\n"
         "                     check: which findings make the exit status 1 (default: any;\n"
         "                     new with --baseline); findings: the same, as a gate\n"
         "                     (default: none, a query exits 0)\n"
         "  --format table|csv|json\n"
         "                     history commands and guards (default: table, also in a pipe)\n"
         "  --no-db            do not record the run\n"
         "  --models DIR       API model folder (default: the installed models/)\n"
         "  --config FILE      project config (default: the nearest .racelint.yaml)\n"
         "  --resource-dir DIR clang resource folder for system headers\n"
         "  -j N               parse N units in parallel (default: number of cores)\n"
         "  --unit-timeout S   skip a unit that takes more than S seconds to parse\n"
         "                     (default: 600; 0: no limit)\n"
         "  --analysis-timeout S\n"
         "                     stop the whole-program phase after S seconds, saying what was\n"
         "                     not analysed (default: 1800; 0: no limit)\n"
         "  --max-memory SIZE  skip the unit whose parser pushes racelint's memory over\n"
         "                     SIZE, e.g. 4G (default: 75% of physical memory; 0: none)\n"
         "  -q, --quiet        no summary or progress on standard error\n"
         "  -v, --verbose      check: units parsed and cached, time of each phase\n"
         "  --no-cache         check: parse every unit, ignoring (and renewing) cached facts\n"
         "  --dump-facts       print the extracted facts (debugging)\n"
         "  --facts DIR        check, guards, threads: analyse the facts files in DIR\n"
         "                     (racelint cc, --shard) without parsing; repeatable; with -p,\n"
         "                     the units of its compile_commands.json, missing ones named\n"
         "  --facts-cache DIR, --facts-out DIR\n"
         "                     keep each unit's facts as a file in DIR; units whose file is\n"
         "                     still valid are not parsed again\n"
         "  --shard K/N        check -p: only extract the facts of shard K of N (a stable\n"
         "                     hash of each unit's path) into --facts-out DIR; no analysis\n"
         "  --facts-max-size SIZE\n"
         "                     prune the oldest facts files of --facts-cache DIR beyond SIZE\n"
         "  --version          print the version\n"
         "\n"
         "Exit status: 0 success (a query that lists findings too), 1 a gate found\n"
         "findings (check; diff: a new one; findings --fail-on new|any), 2 usage or\n"
         "input error, 3 analysis incomplete (more parse failures than\n"
         "--max-parse-failures); see the README's Exit status table.");
}

/* Parses options shared by all commands; positional arguments and
 * everything after `--` are collected. Returns 0 or an exit code. */
static int parse_options(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->format = "text";
    o->max_parse_failures = -1;
    o->limits.unit_timeout_sec = DEFAULT_UNIT_TIMEOUT_SEC;
    o->analysis_timeout_sec = DEFAULT_ANALYSIS_TIMEOUT_SEC;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) o->limits.memory_ceiling = (uint64_t)pages / 100 * DEFAULT_MEMORY_PERCENT * (uint64_t)page;
    o->paths = rl_xcalloc((size_t)argc + 1, sizeof *o->paths);
    o->flags = rl_xcalloc((size_t)argc + 1, sizeof *o->flags);
    o->programs = rl_xcalloc((size_t)argc + 1, sizeof *o->programs);
    o->facts_dirs = rl_xcalloc((size_t)argc + 1, sizeof *o->facts_dirs);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(field)                                                   \
    do {                                                              \
        if (!value) return usage_error("option '%s' needs a value", a); \
        o->field = value;                                             \
        i++;                                                          \
    } while (0)
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++) o->flags[o->nflags++] = argv[i];
        } else if (strcmp(a, "-p") == 0) {
            TAKE(build_dir);
        } else if (strcmp(a, "--format") == 0) {
            TAKE(format);
            o->format_set = 1;
        } else if (strcmp(a, "-o") == 0) {
            TAKE(output);
        } else if (strcmp(a, "--db") == 0) {
            TAKE(db);
        } else if (strcmp(a, "--models") == 0 || strcmp(a, "--rules") == 0) { /* --rules: its former name */
            TAKE(rules);
        } else if (strcmp(a, "--resource-dir") == 0) {
            TAKE(resource_dir);
        } else if (strcmp(a, "--run") == 0) {
            TAKE(run);
        } else if (strcmp(a, "--config") == 0) {
            TAKE(config);
        } else if (strcmp(a, "--baseline") == 0) {
            TAKE(baseline);
        } else if (strcmp(a, "--fail-on") == 0) {
            TAKE(fail_on);
        } else if (strcmp(a, "--rule") == 0) {
            TAKE(rule);
        } else if (strcmp(a, "--file") == 0) {
            TAKE(file_pattern);
        } else if (strcmp(a, "--status") == 0) {
            TAKE(status);
        } else if (strcmp(a, "--note") == 0) {
            TAKE(note);
        } else if (strcmp(a, "--program") == 0) {
            if (!value) return usage_error("option '%s' needs a value", a);
            o->programs[o->nprograms++] = value;
            i++;
        } else if (strcmp(a, "--facts") == 0) {
            if (!value) return usage_error("option '%s' needs a value", a);
            o->facts_dirs[o->nfacts_dirs++] = value;
            i++;
        } else if (strcmp(a, "--facts-cache") == 0 || strcmp(a, "--facts-out") == 0) {
            TAKE(facts_cache);
        } else if (strcmp(a, "--shard") == 0) {
            if (!value) return usage_error("option '%s' needs a value", a);
            char *slash, *end;
            unsigned long k = strtoul(value, &slash, 10), n = *slash == '/' ? strtoul(slash + 1, &end, 10) : 0;
            if (*slash != '/' || *end || k < 1 || n < 1 || k > n || n > MAX_SHARDS)
                return usage_error("--shard wants K/N with 1 <= K <= N <= 10000, not '%s'", value);
            o->shard_k = (unsigned)k;
            o->shard_n = (unsigned)n;
            i++;
        } else if (strcmp(a, "--facts-max-size") == 0) {
            if (!value) return usage_error("option '%s' needs a value", a);
            if (rl_parse_size(value, &o->facts_max_size) != 0 || o->facts_max_size == 0)
                return usage_error("--facts-max-size wants a size such as 512M or 2G, not '%s'", value);
            i++;
        } else if (strcmp(a, "--max-rows") == 0) {
            if (!value) return usage_error("option '%s' needs a value", a);
            char *end;
            errno = 0;
            o->max_rows = strtol(value, &end, 10);
            if (!*value || *end || o->max_rows < 1 || errno) return usage_error("--max-rows wants a positive number, not '%s'", value);
            i++;
        } else if (strcmp(a, "--src-root") == 0) {
            TAKE(src_root);
        } else if (strcmp(a, "--max-parse-failures") == 0) {
            if (!value) return usage_error("option '%s' needs a value", a);
            char *end;
            errno = 0;
            long n = strtol(value, &end, 10);
            if (!*value || *end || n < 0 || errno) return usage_error("--max-parse-failures wants a number from 0, not '%s'", value);
            o->max_parse_failures = n;
            i++;
        } else if (strncmp(a, "-j", 2) == 0) {
            /* -j N and -jN, as make takes them */
            const char *num = a[2] ? a + 2 : value;
            if (!num) return usage_error("option '%s' needs a value", a);
            char *end;
            long j = strtol(num, &end, 10);
            if (*end || j < 1 || j > MAX_JOBS_OPTION) return usage_error("-j wants a number from 1 to 256, not '%s'", num);
            o->jobs = (int)j;
            if (!a[2]) i++;
        } else if (strcmp(a, "--unit-timeout") == 0 || strcmp(a, "--analysis-timeout") == 0) {
            if (!value) return usage_error("option '%s' needs a value", a);
            char *end;
            errno = 0;
            long n = strtol(value, &end, 10);
            if (!*value || *end || n < 0 || n > MAX_UNIT_TIMEOUT_SEC || errno) {
                fprintf(stderr, "racelint: error: %s wants seconds from 0 (no limit) to a week, not '%s'\n", a, value);
                return EXIT_USAGE;
            }
            if (strcmp(a, "--unit-timeout") == 0) o->limits.unit_timeout_sec = (unsigned)n;
            else o->analysis_timeout_sec = (unsigned)n;
            i++;
        } else if (strcmp(a, "--max-memory") == 0) {
            if (!value) return usage_error("option '%s' needs a value", a);
            if (rl_parse_size(value, &o->limits.memory_ceiling) != 0)
                return usage_error("--max-memory wants a size such as 4G, 512M or 0 (no ceiling), not '%s'", value);
            if (o->limits.memory_ceiling && o->limits.memory_ceiling < MIN_MEMORY_CEILING)
                return usage_error("--max-memory wants at least " MIN_MEMORY_CEILING_TEXT
                                   " (racelint alone needs that much), or 0 for no ceiling, not '%s'", value);
            i++;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o->verbose = 1;
        } else if (strcmp(a, "--no-cache") == 0) {
            o->no_cache = 1;
        } else if (strcmp(a, "--no-db") == 0) {
            o->no_db = 1;
        } else if (strcmp(a, "--dump-facts") == 0) {
            o->dump_facts = 1;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else {
            o->paths[o->npaths++] = argv[i];
        }
#undef TAKE
    }
    if (o->nfacts_dirs && (o->facts_cache || o->shard_n || o->npaths))
        return usage_error("%s", "--facts links facts files: it takes -p but no paths, --facts-cache or --shard");
    if (o->shard_n && (!o->build_dir || !o->facts_cache))
        return usage_error("%s", "--shard K/N needs -p BUILD_DIR and --facts-out DIR");
    if (o->facts_max_size && !o->facts_cache)
        return usage_error("%s", "--facts-max-size bounds --facts-cache DIR: give that too");
    if (rl_format_parse(o->format) < 0 && rl_out_parse(o->format, 1) < 0)
        return usage_error("unknown format '%s' (text, json, sarif, codequality; table, csv for the history commands)", o->format);
    return 0;
}

static void free_options(options *o)
{
    free(o->paths);
    free(o->flags);
    free(o->programs);
    free(o->facts_dirs);
}



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

/* The default database lives in .racelint/ under the current folder; the
 * folder is created on first use. An explicit --db must be in an existing
 * folder. */
static const char *database_path(const options *o)
{
    if (o->db) return o->db;
    mkdir(DEFAULT_DB_DIR, 0777);
    return DEFAULT_DB_FILE;
}

/* units (may be NULL) feed SARIF's parse-failure notifications, baseline
 * (may be NULL) its baselineState. The report replaces -o FILE only once
 * it is whole (util/outfile.h). */
static int write_report_units(const options *o, const rl_run_info *run, const rl_findings *findings,
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

/* The translation units named by -p or by paths (check, guards). Prints
 * warnings and the error; 0 or -1. */
static int load_units(const options *o, rl_unit_list *units)
{
    rl_error err = {{0}};
    memset(units, 0, sizeof *units);
    if (o->nfacts_dirs && !o->build_dir) return 0; /* the facts files name the units */
    int rc = o->build_dir ? rl_inputs_from_compdb(o->build_dir, units, &err)
                          : rl_inputs_from_paths(o->paths, o->npaths, o->flags, o->nflags, units, &err);
    for (size_t i = 0; i < units->nwarnings; i++) fprintf(stderr, "racelint: warning: %s\n", units->warnings[i]);
    if (rc != 0) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        rl_unit_list_free(units);
        return -1;
    }
    if (o->shard_n) rl_shard_filter(units, o->shard_k, o->shard_n);
    return 0;
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

static void cache_put(void *ctx, const char *file, const char *key, const char *files, const void *blob, size_t len)
{
    store_cache *c = ctx;
    rl_error err = {{0}};
    if (!c->failed && rl_store_cache_put(c->store, file, key, files, blob, len, &err) != 0) cache_error(c, &err);
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
static int project_config(const options *o, char **path, rl_error *err)
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
static void finish_facts_cache(const options *o, rl_facts_dir_cache *dc)
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

/* Runs the analysis with the options every analysing command shares; the
 * facts cache is the folder of --facts-cache, else the store when store
 * is not NULL, unless --no-cache. With --facts, the facts files are linked
 * instead, and without -p *units becomes the units they hold.
 * *config_used (when not NULL) gets the project config's path, or NULL. */
static int analyse(const options *o, rl_unit_list *units, int want_guards, rl_store *store, rl_analysis *a,
                   char **config_used, rl_error *err)
{
    char *config;
    if (project_config(o, &config, err) != 0) return -1;
    rl_analysis_options ao;
    memset(&ao, 0, sizeof ao);
    ao.config_file = config;
    ao.models_dir = o->rules;
    ao.resource_dir = o->resource_dir;
    ao.jobs = o->jobs;
    ao.limits = o->limits;
    ao.want_guards = want_guards;
    ao.dump_facts = o->dump_facts;
    ao.dump_out = stdout;
    ao.analysis_timeout_sec = o->analysis_timeout_sec;
    ao.programs = o->programs;
    ao.nprograms = o->nprograms;
    store_cache sc = {store, 0};
    rl_facts_cache cache = {&sc, cache_get, cache_put, cache_begin, cache_end, NULL};
    if (store) ao.cache = &cache;
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

static int need_inputs(const options *o, const char *cmd)
{
    if (!o->build_dir && o->npaths == 0 && o->nfacts_dirs == 0) {
        fprintf(stderr, "racelint: error: %s needs -p BUILD_DIR or at least one file or folder\nTry 'racelint --help'.\n", cmd);
        return EXIT_USAGE;
    }
    if (o->build_dir && o->npaths > 0) return usage_error("%s", "give either -p BUILD_DIR or paths, not both");
    return 0;
}

/* `racelint guards`: the inferred guard map (guards.h) of a codebase. */
static int cmd_guards(int argc, char **argv, const options *o)
{
    (void)argc;
    (void)argv;
    int rc = need_inputs(o, "guards");
    if (rc) return rc;
    rl_outfile of;
    rl_error oerr = {{0}};
    if (rl_outfile_open(&of, o->output, &oerr) != 0) {
        fprintf(stderr, "racelint: error: %s\n", oerr.msg);
        return EXIT_USAGE;
    }
    FILE *out = of.f;
    int fmt = rl_out_parse(o->format_set ? o->format : NULL, 0);
    rl_unit_list units;
    rl_error err = {{0}};
    rl_analysis a;
    if (fmt < 0) {
        rc = usage_error("unknown format '%s' for guards (table, csv, json)", o->format);
    } else if (load_units(o, &units) != 0) {
        rc = EXIT_USAGE;
    } else {
        if (analyse(o, &units, 1, NULL, &a, NULL, &err) != 0) {
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
        rl_unit_list_free(&units);
    }
    if (rl_outfile_close(&of, rc == 0, &oerr) != 0) {
        fprintf(stderr, "racelint: error: %s\n", oerr.msg);
        rc = EXIT_USAGE;
    }
    return rc;
}

/* The units of -p, paths or --facts, analysed without the store (for
 * the commands that record nothing); parse failures reported. 0, or -1
 * with the message printed and nothing left to free. */
static int load_and_analyse(const options *o, rl_unit_list *units, rl_analysis *a)
{
    if (load_units(o, units) != 0) return -1;
    rl_error err = {{0}};
    if (analyse(o, units, 0, NULL, a, NULL, &err) != 0) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        rl_unit_list_free(units);
        return -1;
    }
    report_parse_failures(a);
    return 0;
}

/* `racelint threads`: the programs and threads of a codebase. */
static int cmd_threads(int argc, char **argv, const options *o)
{
    (void)argc;
    (void)argv;
    int rc = need_inputs(o, "threads");
    if (rc) return rc;
    int json = o->format_set && strcmp(o->format, "json") == 0;
    if (o->format_set && !json && strcmp(o->format, "text") != 0)
        return usage_error("unknown format '%s' for threads (text, json)", o->format);
    rl_unit_list units;
    rl_analysis a;
    if (load_and_analyse(o, &units, &a) != 0) return EXIT_USAGE;
    rl_error err = {{0}};
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
    rl_unit_list_free(&units);
    return rc;
}

/* `racelint check -p BUILD --shard K/N --facts-out DIR`: one CI job's part
 * of the extraction. Facts only: no analysis, no run recorded; the link
 * job (check --facts) analyses and reports. */
static int check_shard(const options *o)
{
    rl_unit_list units;
    rl_analysis a;
    if (load_and_analyse(o, &units, &a) != 0) return EXIT_USAGE;
    if (!o->quiet)
        fprintf(stderr, "racelint: shard %u/%u: %zu unit%s, %zu parsed, %zu still valid in %s; not analysed: "
                        "link the shards with racelint check --facts\n", o->shard_k, o->shard_n, units.len,
                units.len == 1 ? "" : "s", a.units_parsed, a.units_cached, o->facts_cache);
    rl_analysis_free(&a);
    rl_unit_list_free(&units);
    return EXIT_CLEAN;
}

static int cmd_check(int argc, char **argv, const options *o)
{
    int usage = need_inputs(o, "check");
    if (usage) return usage;
    if (o->shard_n) return check_shard(o);
    long long t0 = rl_now_ms();
    rl_run_info run;
    memset(&run, 0, sizeof run);
    run.started_at = rl_iso_now();

    rl_error err = {{0}};
    rl_unit_list units;
    if (load_units(o, &units) != 0) {
        rl_run_info_clear(&run);
        return EXIT_USAGE;
    }

    /* Open the store before the long analysis, so a bad --db fails fast. */
    rl_store *store = NULL;
    if (!o->no_db) {
        store = rl_store_open(database_path(o), 0, &err);
        if (!store) {
            fprintf(stderr, "racelint: error: %s\n", err.msg);
            rl_unit_list_free(&units);
            rl_run_info_clear(&run);
            return EXIT_USAGE;
        }
    }

    /* The run is recorded as 'running' before the analysis (history.h). */
    char cwd[PATH_MAX];
    run.tool_version = rl_xstrdup(RL_VERSION);
    run.arguments = arguments_json(argc, argv);
    run.directory = rl_xstrdup(getcwd(cwd, sizeof cwd) ? cwd : "");
    run.files = (int64_t)units.len;
    if (rl_git_describe(&run, o->quiet, &err) != 0) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        rl_store_close(store);
        rl_unit_list_free(&units);
        rl_run_info_clear(&run);
        return EXIT_USAGE;
    }
    rl_check_args hargs = {o->db ? o->db : DEFAULT_DB_FILE, o->no_db, o->baseline, o->fail_on, o->format};
    rl_check_hist *hist = rl_hist_check_begin(&hargs, store, &run, &err);
    if (!hist) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        rl_store_close(store);
        rl_unit_list_free(&units);
        rl_run_info_clear(&run);
        return EXIT_USAGE;
    }

    rl_analysis a;
    int analysed = analyse(o, &units, 0, store, &a, &run.config, &err);
    if (analysed != 0) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        rl_hist_check_abort(hist, store, &run);
        rl_hist_check_end(hist, EXIT_USAGE);
        rl_store_close(store);
        rl_unit_list_free(&units);
        rl_run_info_clear(&run);
        return EXIT_USAGE;
    }
    report_parse_failures(&a);
    run.files = (int64_t)units.len; /* --facts without -p: known only now */

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
    int incomplete = o->max_parse_failures >= 0 && a.units_failed > (size_t)o->max_parse_failures;
    if (incomplete) {
        fprintf(stderr, "racelint: error: %zu unit%s failed to parse, more than --max-parse-failures %ld allows; the analysis is incomplete\n",
                a.units_failed, a.units_failed == 1 ? "" : "s", o->max_parse_failures);
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
        fprintf(stderr, "racelint: %zu unit%s parsed, %zu cached\n", a.units_parsed, a.units_parsed == 1 ? "" : "s",
                a.units_cached);
        fprintf(stderr,
                "racelint: timings (ms): cache-read %lld, parse %lld, cache-write %lld, model %lld, rules %lld,"
                " store %lld, total %lld\n",
                a.ms_cache_read, a.ms_parse, a.ms_cache_write, a.ms_model, a.ms_rules, t_store, rl_now_ms() - t0);
        fprintf(stderr, "racelint: model (ms): program %lld, lock flow %lld, threads %lld\n", a.ms_program, a.ms_flow,
                a.ms_model - a.ms_program - a.ms_flow);
    }
    int written = rl_hist_check_write(hist, o->format, o->output, &run, &a.findings);
    if (written == 1) written = write_report_units(o, &run, &a.findings, a.units, a.nunits, incomplete,
                                                       rl_hist_check_baseline(hist));
    if (written != 0) exit_code = EXIT_USAGE;
    if (!o->quiet) {
        print_programs_and_notices(&a, o->verbose);
        fprintf(stderr, "racelint: %zu finding%s in %zu file%s", a.findings.len, a.findings.len == 1 ? "" : "s",
                units.len, units.len == 1 ? "" : "s");
        if (a.nprograms > 1 || a.nprograms_linked > 1)
            fprintf(stderr, ", %zu program%s", a.nprograms, a.nprograms == 1 ? "" : "s");
        if (a.nnotices) fprintf(stderr, ", %zu notice%s", a.nnotices, a.nnotices == 1 ? "" : "s");
        size_t errors = a.units_failed - a.units_skipped;
        if (errors && a.units_skipped)
            fprintf(stderr, " (%zu with parse errors, %zu skipped)", errors, a.units_skipped);
        else if (errors || a.units_skipped)
            fprintf(stderr, " (%zu %s)", errors + a.units_skipped, errors ? "with parse errors" : "skipped");
        rl_hist_check_summary(hist, stderr);
        if (recorded) fprintf(stderr, "; run %lld recorded in %s", (long long)run.id, database_path(o));
        fprintf(stderr, "\n");
    }
    exit_code = rl_hist_check_end(hist, exit_code);
    rl_store_close(store);
    rl_analysis_free(&a);
    rl_unit_list_free(&units);
    rl_run_info_clear(&run);
    return exit_code;
}

/* `racelint findings --format sarif` and the other report formats. */
static int write_findings_report(const void *ctx, const rl_run_info *run, const rl_findings *findings)
{
    const options *o = ctx;
    if (rl_format_parse(o->format) < 0) return 1;
    return write_report_units(o, run, findings, NULL, 0, 0, NULL);
}

/* The history commands (history.h) take what they need from the options. */
static rl_hist_args hist_args(const options *o)
{
    rl_hist_args h;
    memset(&h, 0, sizeof h);
    h.db = o->db;
    h.format = o->format_set ? o->format : NULL;
    h.output = o->output;
    h.run = o->run;
    h.rule = o->rule;
    h.file = o->file_pattern;
    h.status = o->status;
    h.note = o->note;
    h.fail_on = o->fail_on;
    h.max_rows = o->max_rows;
    h.quiet = o->quiet;
    h.args = o->paths;
    h.nargs = o->npaths;
    h.write_report = write_findings_report;
    h.report_ctx = o;
    return h;
}

#define HISTORY_COMMAND(name, fn)                                  \
    static int name(int argc, char **argv, const options *o)       \
    {                                                              \
        (void)argc;                                                \
        (void)argv;                                                \
        rl_hist_args h = hist_args(o);                             \
        return fn(&h);                                             \
    }
HISTORY_COMMAND(cmd_findings, rl_cmd_findings)
HISTORY_COMMAND(cmd_runs, rl_cmd_runs)
HISTORY_COMMAND(cmd_diff, rl_cmd_diff)
HISTORY_COMMAND(cmd_show, rl_cmd_show)
HISTORY_COMMAND(cmd_history, rl_cmd_history)
HISTORY_COMMAND(cmd_sql, rl_cmd_sql)
HISTORY_COMMAND(cmd_triage, rl_cmd_triage)

static int cmd_report(int argc, char **argv, const options *o)
{
    (void)argc;
    (void)argv;
    if (o->npaths) return usage_error("unexpected argument '%s'", o->paths[0]);
    rl_report_cmd_args args = {o->db, o->run, o->output, o->src_root, o->quiet};
    return rl_cmd_report(&args);
}

/* A command, and whether it can be a gate: only those take --fail-on, so
 * that `racelint runs --fail-on any` says it means nothing instead of
 * exiting 0 as if it had passed a check. */
typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv, const options *o);
    int takes_fail_on;
} command;

static const command commands[] = {
    {"check", cmd_check, 1},
    {"findings", cmd_findings, 1},
    {"runs", cmd_runs, 0},
    {"diff", cmd_diff, 0},
    {"show", cmd_show, 0},
    {"history", cmd_history, 0},
    {"sql", cmd_sql, 0},
    {"triage", cmd_triage, 0},
    {"report", cmd_report, 0},
    {"guards", cmd_guards, 0},
    {"threads", cmd_threads, 0},
};

int main(int argc, char **argv)
{
    /* The launcher first: the compiler gets racelint's signal dispositions
     * and standard streams untouched (cc_cmd.c). */
    if (argc >= 2 && strcmp(argv[1], "cc") == 0) return rl_cmd_cc(argc - 2, argv + 2);
    /* A file size limit (ulimit -f) would otherwise kill racelint halfway
     * through a write. Ignored, the write fails with EFBIG instead, SQLite
     * rolls the transaction back and reports a full disk, and the run ends
     * with a message while the database keeps every earlier run. */
    signal(SIGXFSZ, SIG_IGN);
    rl_outfile_guard_std();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        print_help();
        return argc < 2 ? EXIT_USAGE : EXIT_CLEAN;
    }
    if (strcmp(argv[1], "--version") == 0) {
        char *clang = rl_frontend_clang_version();
        printf("racelint %s (%s)\n", RL_VERSION, clang);
        free(clang);
        return EXIT_CLEAN;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(argv[1], commands[i].name) != 0) continue;
        options o;
        int rc = parse_options(argc - 2, argv + 2, &o);
        if (rc == 0 && o.fail_on && !commands[i].takes_fail_on)
            rc = usage_error("--fail-on is for check and findings, not %s", commands[i].name);
        if (rc == 0) rc = commands[i].run(argc, argv, &o);
        free_options(&o);
        return rc;
    }
    return usage_error("unknown command '%s' (check, guards, findings, runs, diff, show, history, triage, sql, report, cc, help)", argv[1]);
}
