/* The analysis pipeline (driver.h). Parsing is spread over worker
 * processes, one libclang index each; everything after the facts is
 * single-threaded and deterministic (units are merged in input order).
 * Where the API models and the project config come from is config.c's
 * business, and reading and writing the facts cache unit_cache.c's; this
 * file runs the phases (facts, parsing, stored results, programs, rules)
 * and records them. */
#include "driver.h"
#include "apimodel/apimodel.h"
#include "rules/checks.h"
#include "facts/facts.h"
#include "frontend/frontend.h"
#include "model/at_once.h"
#include "model/flow.h"
#include "model/guards.h"
#include "model/link.h"
#include "model/place.h"
#include "model/program.h"
#include "model/threads.h"
#include "results.h"
#include "unit_cache.h"
#include "util/budget.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "workers.h"
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Diagnostics kept per failed unit in the run record. */
#define MAX_DIAGS_KEPT 5
#define MAX_JOBS 256
/* Room for a count and its words in a notice ("each of its N ... is"). */
#define RL_COUNT_TEXT_MAX 96

/* The progress callback of the workers, as the caller's sees it: units
 * from the cache count as done before the first parse. */
typedef struct progress_base {
    const rl_analysis_options *opts;
    size_t done, total;
} progress_base;

static void parse_progress(void *ctx, size_t done, size_t failed)
{
    const progress_base *b = ctx;
    b->opts->progress(b->opts->progress_ctx, b->done + done, b->total, failed);
}

static int default_jobs(int jobs)
{
    if (jobs <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cores > 0 ? (int)cores : 1;
    }
    return jobs > MAX_JOBS ? MAX_JOBS : jobs;
}

void rl_analysis_warn(rl_analysis *out, char *msg)
{
    RL_PUSH(out->warnings, out->nwarnings, out->cap_warnings, msg);
}

static void record_unit(rl_analysis *out, const rl_unit_spec *spec, const rl_parsed_unit *parsed, int cached)
{
    const rl_unit_facts *facts = parsed->facts;
    rl_unit_status *u = &out->units[out->nunits++];
    memset(u, 0, sizeof *u);
    u->file = rl_xstrdup(spec->file);
    if (!facts && cached) {
        /* deferred (unit_cache.h): its stored facts hold, not read */
        u->status = rl_xstrdup("cached");
        return;
    }
    if (!facts) {
        u->status = rl_xstrdup(parsed->skipped ? "skipped" : "failed");
        u->diagnostics = rl_xstrdup(parsed->error ? parsed->error : "cannot parse");
        out->units_failed++;
        if (parsed->skipped) out->units_skipped++;
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
        const char *file = d->loc.file ? d->loc.file : spec->file;
        if (d->loc.line == 0) /* no position: the command line (an unknown flag) */
            rl_sb_printf(&sb, "%s%s: error: %s", i ? "\n" : "", file, d->message);
        else
            rl_sb_printf(&sb, "%s%s:%u:%u: error: %s", i ? "\n" : "", file, d->loc.line, d->loc.col, d->message);
    }
    if (facts->ndiags > MAX_DIAGS_KEPT) rl_sb_printf(&sb, "\n(%d more)", facts->ndiags - MAX_DIAGS_KEPT);
    u->diagnostics = rl_sb_take(&sb);
}

/* The guard map of every location more than one thread (or instance)
 * touches, in name order. */
static void guard_map(const rl_model *m, rl_analysis *out)
{
    /* Several programs append to one map. */
    out->guards = rl_xrealloc(out->guards, (out->nguards + m->ngroups + 1) * sizeof *out->guards);
    for (size_t i = 0; i < m->ngroups; i++) {
        rl_guard g = rl_guard_of(m, &m->groups[i]);
        int shared = g.threads > 1;
        for (size_t k = 0; !shared && k < m->groups[i].len; k++)
            shared = m->threads[m->accesses[m->groups[i].items[k]].thread].multi;
        if (!shared) continue;
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_place_pretty(g.place, &sb);
        /* Shared code seen again from a later program: one row. */
        int seen = 0;
        for (size_t k = 0; k < out->nguards && !seen; k++) seen = strcmp(out->guards[k].location, rl_sb_str(&sb)) == 0;
        if (seen) {
            rl_sb_free(&sb);
            continue;
        }
        rl_guard_row *row = &out->guards[out->nguards++];
        memset(row, 0, sizeof *row);
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

/* ---- programs -------------------------------------------------------------- */

void rl_analysis_notice(rl_analysis *a, const char *code, const char *program, const char *fmt, ...)
{
    a->notices = rl_xrealloc(a->notices, (a->nnotices + 1) * sizeof *a->notices);
    rl_notice *n = &a->notices[a->nnotices++];
    n->code = rl_xstrdup(code);
    n->program = program ? rl_xstrdup(program) : NULL;
    va_list ap;
    va_start(ap, fmt);
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    n->message = rl_sb_take(&sb);
}

static int program_selected(const rl_analysis_options *opts, const char *name)
{
    if (opts->nprograms == 0) return 1;
    for (size_t i = 0; i < opts->nprograms; i++)
        if (strcmp(opts->programs[i], name) == 0) return 1;
    return 0;
}

/* Every name given to --program must name a program of the build: a typo
 * would otherwise analyse nothing and look clean. */
static int check_program_names(const rl_analysis_options *opts, const rl_program_specs *specs, rl_error *err)
{
    for (size_t i = 0; i < opts->nprograms; i++) {
        int found = 0;
        for (size_t k = 0; k < specs->len && !found; k++) found = strcmp(specs->items[k].name, opts->programs[i]) == 0;
        if (found) continue;
        rl_strbuf names = RL_STRBUF_INIT;
        for (size_t k = 0; k < specs->len; k++) rl_sb_printf(&names, "%s%s", k ? ", " : "", specs->items[k].name);
        rl_fail(err, "no program named '%s' in the build; its programs are: %s", opts->programs[i],
                specs->len ? rl_sb_str(&names) : "(none: no unit could be analysed)");
        rl_sb_free(&names);
        return -1;
    }
    return 0;
}

/* The bounds of the thread model (threads.h, rl_model_limits), each with
 * the notice that says it was hit: how often (%zu) and the bound (%zu). */
static const struct {
    const char *code;
    size_t hit, bound; /* offsets into rl_model_limits */
    const char *fmt;
} limit_table[] = {
    {"limit-threads", offsetof(rl_model_limits, threads_dropped), offsetof(rl_model_limits, max_threads),
     "%zu spawns were not modelled past the limit of %zu threads: their races are not reported"},
    {"limit-contexts", offsetof(rl_model_limits, contexts_dropped), offsetof(rl_model_limits, max_contexts),
     "%zu calls were not explored past the limit of %zu calling contexts"},
    {"limit-contexts-merged", offsetof(rl_model_limits, contexts_merged), offsetof(rl_model_limits, soft_contexts),
     "%zu calls were analysed without their arguments' values (less precise) past %zu calling contexts"},
    {"limit-discovery", offsetof(rl_model_limits, discovery_cut), offsetof(rl_model_limits, discovery_budget),
     "%zu threads have more than %zu calls to search for thread creation; spawns past that are not modelled"},
    {"limit-depth", offsetof(rl_model_limits, depth_cut), offsetof(rl_model_limits, max_depth),
     "%zu calls nested deeper than %zu were not searched for thread creation"},
    {"limit-candidates", offsetof(rl_model_limits, candidates_cut), offsetof(rl_model_limits, max_candidates),
     "%zu calls through function pointers have more possible targets than the %zu followed"},
    {"limit-accesses", offsetof(rl_model_limits, accesses_merged), offsetof(rl_model_limits, max_group),
     "%zu accesses to locations touched from more than %zu places were folded into accesses of the same "
     "kind; each such line is not reported separately"},
    {"limit-positions", offsetof(rl_model_limits, positions_cut), offsetof(rl_model_limits, min_pos_depth),
     "%zu thread starts and joins lie deeper than the %zu calls a position keeps (more where few call paths "
     "lead to them): what runs below that depth counts as one step, unordered with them"},
    {"limit-store-rounds", offsetof(rl_model_limits, store_rounds_cut), offsetof(rl_model_limits, max_store_rounds),
     "%zu calls through pointers (event-loop dispatches, handler tables) were resolved again no more than %zu "
     "times as the stores they read grew: functions stored later are not called from them"},
};

/* Tells the user every bound of the model that this program hit. */
static void limit_notices(const rl_model_limits *l, const char *program, rl_analysis *out)
{
    for (size_t i = 0; i < sizeof limit_table / sizeof *limit_table; i++) {
        size_t hit = *(const size_t *)((const char *)l + limit_table[i].hit);
        size_t bound = *(const size_t *)((const char *)l + limit_table[i].bound);
        if (!hit) continue;
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_printf(&sb, limit_table[i].fmt, hit, bound);
        rl_analysis_notice(out, limit_table[i].code, program, "%s", rl_sb_str(&sb));
        rl_sb_free(&sb);
    }
}

static void set_position(rl_position *p, rl_loc loc)
{
    p->file = loc.file ? rl_xstrdup(loc.file) : NULL;
    p->line = loc.line;
    p->col = loc.col;
}

/* The model's threads, as plain owned data that outlives the model. */
static rl_thread_summary *summarize_threads(const rl_model *m)
{
    rl_thread_summary *out = rl_xcalloc(m->nthreads + 1, sizeof *out);
    for (size_t i = 0; i < m->nthreads; i++) {
        const rl_thread *t = &m->threads[i];
        rl_thread_summary *s = &out[i];
        s->entry = rl_xstrdup(rl_model_thread_name(m, (int)i));
        s->parent = t->parent;
        if (t->parent >= 0) set_position(&s->spawn, t->spawn_loc);
        if (t->parent >= 0 && t->spawn_call_loc.line) set_position(&s->spawn_call, t->spawn_call_loc);
        s->several = t->multi;
        /* A thread its grandparent joins (threads.h, joined_by), or
         * another thread than its creator (joiner), ends at that join,
         * its one join. */
        int by_grandparent = !t->joined && t->joined_by >= 0;
        int by_joiner = !t->joined && !by_grandparent && t->joiner >= 0;
        const rl_join_site *sites = by_grandparent ? &t->joined_by_site : by_joiner ? &t->joiner_site : t->join_sites;
        int nsites = by_grandparent || by_joiner ? 1 : t->njoin_sites;
        s->joined = t->joined || by_grandparent || by_joiner;
        if (s->joined) set_position(&s->join, sites[0].loc);
        s->joins = rl_xcalloc((size_t)nsites + 1, sizeof *s->joins);
        for (int k = 0; k < nsites; k++) {
            rl_join_summary *j = &s->joins[s->njoins++];
            set_position(&j->at, sites[k].loc);
            if (sites[k].call_loc.line) set_position(&j->call, sites[k].call_loc);
        }
        if (t->caller_spawn_loc.line) set_position(&s->caller_spawn, t->caller_spawn_loc);
    }
    return out;
}

/* Spawn calls in the program's code, reached or not: all of it for a
 * program with main; for the library, only in its own units (those no
 * main reaches), since the rest is analysed in the programs. With
 * at_once, only those joined at once (model/at_once.h), which start no
 * thread of their own in the model; *first (when not NULL) gets the first
 * counted, or NULL. */
static size_t count_spawn_sites(const rl_program *p, int library, int at_once, const rl_node **first)
{
    size_t n = 0;
    if (first) *first = NULL;
    for (size_t i = 0; i < p->nfns; i++) {
        if (library && !p->fns[i].may_root) continue;
        for (int32_t k = 0; k < p->fns[i].fn->nnodes; k++) {
            const rl_node *node = &p->fns[i].fn->nodes[k];
            int counted = node->kind == RL_N_SPAWN && !(node->flags & RL_SPAWN_CALLBACK) &&
                          (!at_once || p->fns[i].at_once[k] == RL_AT_ONCE_SPAWN);
            if (counted && first && !*first) *first = node;
            n += counted;
        }
    }
    return n;
}

/* The notice of a spent budget (util/budget.h): fmt takes what ran out
 * ("time", "memory") and the option that sets it. */
static void budget_notice(const rl_budget *budget, const char *program, const char *fmt, rl_analysis *out)
{
    int time = budget->state == RL_BUDGET_TIME;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, fmt, time ? "time" : "memory", time ? "--analysis-timeout" : "--max-memory");
    rl_analysis_notice(out, time ? "limit-time" : "limit-memory", program, "%s", rl_sb_str(&sb));
    rl_sb_free(&sb);
}

/* Links one program, runs the model and the rules on it, and merges its
 * findings into out (a finding of shared code found again in a later
 * program gains that program's name). */
static void analyse_program(const rl_analysis_options *opts, const rl_unit_facts *const *facts,
                            const rl_program_spec *spec, rl_budget *budget, rl_analysis *out)
{
    if (rl_budget_spent(budget)) {
        budget_notice(budget, spec->name, "not analysed: the whole-program phase ran out of %s before reaching it "
                                          "(%s)", out);
        return;
    }
    long long t = rl_now_ms();
    rl_program *program = rl_program_new();
    for (size_t i = 0; i < spec->nunits; i++) rl_program_add_unit_roots(program, facts[spec->units[i]], spec->roots[i]);
    program->budget = budget;
    program->entry_points = opts->entry_points;
    program->nentry_points = opts->nentry_points;
    program->api = opts->api; /* before finish: exit paths ask it which calls jump */
    rl_program_finish(program);
    long long ms_program = rl_now_ms() - t;
    rl_flow *flow = rl_flow_compute(program);
    long long ms_flow = rl_now_ms() - t - ms_program;
    rl_model *m = rl_model_build(program, flow);
    out->ms_program += ms_program;
    out->ms_flow += ms_flow;
    out->ms_model += rl_now_ms() - t;
    out->nthreads += m->nthreads;
    out->ncontexts += m->nctxs;
    out->naccesses += m->naccesses;

    rl_program_summary *ps = &out->programs[out->nprograms++];
    ps->name = rl_xstrdup(spec->name);
    ps->main_file = spec->main_unit >= 0 ? rl_xstrdup(facts[spec->main_unit]->main_file) : NULL;
    ps->nunits = spec->nunits;
    ps->nthreads = m->nthreads;
    ps->nspawn_sites = count_spawn_sites(program, spec->main_unit < 0, 0, NULL);
    ps->threads = summarize_threads(m);
    limit_notices(&m->limits, spec->name, out);
    size_t spawned = m->nthreads - (size_t)(m->nthreads > 0 && spec->main_unit >= 0);
    const rl_node *first_at_once;
    size_t at_once = count_spawn_sites(program, spec->main_unit < 0, 1, &first_at_once), shared_sites = 0;
    if (spawned > 0 && at_once > 0) {
        /* not threads of the model, so not listed with them: said here */
        const char *file = first_at_once->loc.file ? first_at_once->loc.file : "?";
        if (at_once == 1)
            rl_analysis_notice(out, "joined-at-once", spec->name,
                               "1 thread-creation call is joined at once by the function that makes it (at "
                               "%s:%u): its thread runs as a call there, not as a thread of its own",
                               file, first_at_once->loc.line);
        else
            rl_analysis_notice(out, "joined-at-once", spec->name,
                               "%zu thread-creation calls are joined at once by the functions that make them "
                               "(the first at %s:%u): their threads run as calls there, not as threads of their "
                               "own", at_once, file, first_at_once->loc.line);
    }
    if (spawned == 0 && at_once > 0 && at_once == ps->nspawn_sites) {
        char count[RL_COUNT_TEXT_MAX];
        snprintf(count, sizeof count, at_once == 1 ? "its one thread-creation call is" :
                                                     "each of its %zu thread-creation calls is", at_once);
        rl_analysis_notice(out, "single-threaded", spec->name,
                           "starts no thread that runs alongside anything: %s joined at once by the function "
                           "that makes it, which waits for the thread, so nothing in it can race", count);
    }
    else if (spawned == 0 && ps->nspawn_sites > 0)
        rl_analysis_notice(out, "threads-not-found", spec->name,
                           "the code calls a thread-creation function at %zu places, but no thread was found "
                           "running besides %s: those spawns are not reached from %s, so no race between them "
                           "is reported", ps->nspawn_sites - at_once, spec->main_unit >= 0 ? "main" : "the library's roots",
                           spec->main_unit >= 0 ? "main" : "any root");
    else if (spawned == 0 && spec->main_unit < 0 && (shared_sites = count_spawn_sites(program, 0, 0, NULL)) > 0)
        /* A library whose thread-starting units the programs link (curl's
         * resolver pool, linked into the curl tool): those are analysed
         * there, with their real callers; its own units start none. */
        rl_analysis_notice(out, "single-threaded", spec->name,
                           "its own units (those no program links) start no thread; the %zu thread-creation "
                           "call%s of the units it shares with the programs %s analysed in those programs",
                           shared_sites, shared_sites == 1 ? "" : "s", shared_sites == 1 ? "is" : "are");
    else if (spawned == 0)
        rl_analysis_notice(out, "single-threaded", spec->name,
                           "starts no thread: nothing in it can race");

    t = rl_now_ms();
    rl_findings found = {0};
    rl_check_ctx cc = {m, &found, &opts->rule_options};
    for (size_t i = 0; i < rl_nchecks; i++) rl_checks[i].run(&cc);
    rl_findings_merge(&out->findings, &found, spec->name);
    if (opts->want_guards) guard_map(m, out);
    out->ms_rules += rl_now_ms() - t;
    if (rl_budget_spent(budget))
        budget_notice(budget, spec->name, "the whole-program phase ran out of %s (%s) while analysing it: threads, "
                                          "calls and locations not reached by then are not reported", out);

    rl_model_free(m);
    rl_flow_free(flow);
    rl_program_free(program);
}

/* Whether the results of these facts may be stored (and reused, when the
 * cache can be read): a results cache, digests of every unit's facts, and no guard map (not stored). The
 * key is written to key. */
static int results_cacheable(const rl_analysis_options *opts, const rl_unit_facts *const *facts, size_t n,
                             char key[17])
{
    const rl_facts_cache *c = opts->cache;
    if (!c || !c->results_put || !opts->facts_digests || opts->want_guards) return 0;
    for (size_t i = 0; i < n; i++)
        if (facts[i] && !opts->facts_digests[i]) return 0;
    return rl_results_key(opts, opts->facts_digests, n, key) == 0;
}

/* The stored results for key, decoded into out; 0 when there are none or
 * they cannot be read back (then the phase runs; with warn, the user is
 * told why). */
static int reuse_results(const rl_analysis_options *opts, const char *key, rl_analysis *out, int warn)
{
    size_t len = 0;
    if (!opts->cache->results_get) return 0; /* --no-cache: analyse afresh, store anew */
    char *blob = opts->cache->results_get(opts->cache->ctx, key, &len);
    if (!blob) return 0;
    rl_error why = {{0}};
    int ok = rl_results_decode(blob, len, out, &why) == 0;
    free(blob);
    if (!ok && warn)
        rl_analysis_warn(out, rl_xasprintf("results cache: the stored results cannot be read back (%s); "
                                           "analysing again",
                                           why.msg));
    return ok;
}

static int analyze_linked(const rl_unit_facts *const *facts, size_t n, const rl_analysis_options *opts,
                          rl_analysis *out, int *budget_spent, rl_error *err);

/* The whole-program phase walks fact trees recursively (lock flow, the
 * values threads test, the rules) as deep as RL_FACTS_MAX_DEPTH allows; a
 * main thread's 8 MiB stack does not hold that in an optimised build (a
 * crafted facts cache crashed it). So the phase runs on a thread with this
 * much stack: address space only, touched only as deep as a walk goes
 * (workers.c does the same for the parse). */
#define ANALYSIS_STACK_BYTES ((size_t)1 << 30)

typedef struct linked_call {
    const rl_unit_facts *const *facts;
    size_t n;
    const rl_analysis_options *opts;
    rl_analysis *out;
    int *budget_spent;
    rl_error *err;
    int rc;
} linked_call;

static void *analyze_linked_thread(void *arg)
{
    linked_call *c = arg;
    c->rc = analyze_linked(c->facts, c->n, c->opts, c->out, c->budget_spent, c->err);
    return NULL;
}

/* analyze_linked on a thread with ANALYSIS_STACK_BYTES of stack, or here
 * when no such thread can start. */
static int analyze_linked_deep(const rl_unit_facts *const *facts, size_t n, const rl_analysis_options *opts,
                               rl_analysis *out, int *budget_spent, rl_error *err)
{
    linked_call c = {facts, n, opts, out, budget_spent, err, 0};
    pthread_attr_t attr;
    pthread_t t;
    pthread_attr_init(&attr);
    int started = pthread_attr_setstacksize(&attr, ANALYSIS_STACK_BYTES) == 0 &&
                  pthread_create(&t, &attr, analyze_linked_thread, &c) == 0;
    pthread_attr_destroy(&attr);
    if (!started) return analyze_linked(facts, n, opts, out, budget_spent, err);
    pthread_join(t, NULL);
    return c.rc;
}

int rl_analyze_facts(const rl_unit_facts *const *facts, size_t n, const rl_analysis_options *opts, rl_analysis *out,
                     rl_error *err)
{
    static const rl_analysis_options defaults;
    if (!opts) opts = &defaults;
    char key[17];
    int cacheable = results_cacheable(opts, facts, n, key);
    long long t = rl_now_ms();
    if (cacheable && reuse_results(opts, key, out, 1)) {
        out->results_cached = 1;
        out->ms_model += rl_now_ms() - t;
        return 0;
    }
    size_t first_notice = out->nnotices;
    int budget_spent = 0;
    int rc = analyze_linked_deep(facts, n, opts, out, &budget_spent, err);
    if (rc == 0 && cacheable && !budget_spent) {
        size_t len = 0;
        char *blob = rl_results_encode(out, first_notice, &len);
        if (blob) opts->cache->results_put(opts->cache->ctx, key, blob, len);
        free(blob);
    }
    return rc;
}

/* Links the facts into programs and analyses each selected one. A run cut
 * short by the whole-program budget sets *budget_spent: its results
 * depend on the machine's speed and are not stored. */
static int analyze_linked(const rl_unit_facts *const *facts, size_t n, const rl_analysis_options *opts,
                          rl_analysis *out, int *budget_spent, rl_error *err)
{
    rl_program_specs specs;
    rl_link_programs(facts, n, &specs);
    out->nprograms_linked = specs.len;
    int rc = check_program_names(opts, &specs, err);
    out->programs = rl_xcalloc(specs.len + 1, sizeof *out->programs);
    rl_budget budget;
    rl_budget_start(&budget, opts->analysis_timeout_sec, opts->limits.memory_ceiling);
    for (size_t i = 0; rc == 0 && i < specs.len; i++)
        if (program_selected(opts, specs.items[i].name)) analyse_program(opts, facts, &specs.items[i], &budget, out);
    *budget_spent = rl_budget_spent(&budget);
    rl_findings_sort(&out->findings);
    rl_program_specs_free(&specs);
    return rc;
}

static int analyse_units(const rl_analysis_options *opts, const rl_apimodel *model, const rl_unit_list *units,
                         const rl_parsed_unit *parsed, const char *cached, rl_analysis *out, rl_error *err);

/* The options of the whole-program phase: the caller's, with the entry
 * points and the API models loaded for this run (what the results key
 * reads too). */
static rl_analysis_options with_entry_points(const rl_analysis_options *opts, const rl_apimodel *model)
{
    rl_analysis_options o = *opts;
    o.entry_points = rl_apimodel_entry_points(model, &o.nentry_points);
    o.api = model;
    return o;
}

/* Parses units todo[0..ntodo) (their digests computed when the results
 * cache keys on them) and stores their facts in the cache. */
static void parse_and_store(const rl_analysis_options *opts, const rl_apimodel *model, const rl_unit_list *units,
                            const rl_unit_key *keys, rl_parsed_unit *parsed, const size_t *todo, size_t ntodo,
                            rl_analysis *out)
{
    if (ntodo == 0) return;
    const rl_facts_cache *cache = opts->cache;
    long long t = rl_now_ms();
    out->units_parsed += ntodo;
    progress_base base = {opts, units->len - ntodo, units->len};
    rl_parse_job job = {model, rl_clang_resource_dir(opts->resource_dir), units, todo, ntodo, default_jobs(opts->jobs),
                        opts->limits, opts->progress ? parse_progress : NULL, &base};
    rl_parse_units(&job, parsed);
    for (size_t k = 0; k < ntodo; k++) {
        rl_parsed_unit *u = &parsed[todo[k]];
        if (u->facts && u->blob && cache && cache->results_put)
            u->digest = rl_facts_digest(u->blob, u->blob_len, u->facts->ndeps);
    }
    out->ms_parse += rl_now_ms() - t;
    t = rl_now_ms();
    rl_unit_cache_store(cache, units, keys, parsed, todo, ntodo);
    out->ms_cache_write += rl_now_ms() - t;
}

/* With some units deferred (unit_cache.h: their facts hold, only their
 * digest read), the run's results may be stored under the key the digests
 * make: then neither the deferred facts nor the whole-program phase are
 * needed. Reading and checking every unit's facts was most of a run that
 * changed nothing, or nothing the facts show (redis: 20 MB of facts, 150
 * ms of 370). Fills out as analyse_units would, every unit recorded, and
 * returns 1; returns 0, having touched nothing in out but the timings,
 * to go the long way, which reports whatever made this fail (a damaged
 * result). */
static int reuse_stored_results(const rl_analysis_options *opts, const rl_apimodel *model, const rl_unit_list *units,
                                const rl_cache_state *st, rl_analysis *out)
{
    uint64_t *digests = rl_xcalloc(units->len + 1, sizeof *digests);
    int complete = 1;
    for (size_t i = 0; i < units->len; i++) {
        /* as analyse_units: a unit that failed has no facts and digest 0 */
        digests[i] = st->deferred[i] || st->parsed[i].facts ? st->parsed[i].digest : 0;
        if ((st->deferred[i] || st->parsed[i].facts) && !digests[i]) complete = 0;
    }
    rl_analysis_options with_entries = with_entry_points(opts, model);
    char key[17];
    long long t = rl_now_ms();
    /* no warning: the long way reads them again, and says why */
    int ok = complete && rl_results_key(&with_entries, digests, units->len, key) == 0 &&
             reuse_results(opts, key, out, 0);
    free(digests);
    out->ms_model += rl_now_ms() - t;
    if (!ok) return 0;
    out->results_cached = 1;
    out->units = rl_xcalloc(units->len + 1, sizeof *out->units);
    for (size_t i = 0; i < units->len; i++) record_unit(out, &units->items[i], &st->parsed[i], st->cached[i]);
    return 1;
}

int rl_analyze(const rl_analysis_options *opts, const rl_unit_list *units, rl_analysis *out, rl_error *err)
{
    memset(out, 0, sizeof *out);
    rl_apimodel *model = rl_load_api_models(opts->models_dir, opts->config_file, err);
    if (!model) return -1;

    /* Each unit's facts: from the cache (read, or deferred while only their
     * digest is needed) or from a parsing worker. */
    rl_cache_state st = {rl_xcalloc(units->len + 1, sizeof *st.parsed), rl_xcalloc(units->len + 1, 1),
                         rl_xcalloc(units->len + 1, 1)};
    size_t *todo = rl_xcalloc(units->len + 1, sizeof *todo);
    size_t ntodo = 0;
    rl_unit_key *keys = NULL;
    rl_file_hashes *fh = NULL;
    int deferring = 0;

    long long t = rl_now_ms();
    const rl_facts_cache *cache = opts->cache;
    if (cache) {
        keys = rl_unit_cache_keys(opts, units);
        fh = rl_file_hashes_new();
        deferring = rl_unit_cache_can_defer(opts);
        ntodo = rl_unit_cache_lookup(opts, units, keys, fh, deferring, &st, todo, out);
    } else {
        for (size_t i = 0; i < units->len; i++) todo[ntodo++] = i;
    }
    out->ms_cache_read = rl_now_ms() - t;
    parse_and_store(opts, model, units, keys, st.parsed, todo, ntodo, out);

    int rc = 0, done = 0;
    if (deferring && memchr(st.deferred, 1, units->len)) {
        done = reuse_stored_results(opts, model, units, &st, out);
        if (!done) {
            t = rl_now_ms();
            ntodo = rl_unit_cache_load_deferred(opts, units, keys, fh, &st, todo, out);
            out->ms_cache_read += rl_now_ms() - t;
            parse_and_store(opts, model, units, keys, st.parsed, todo, ntodo, out);
        }
    }
    rl_file_hashes_free(fh);
    free(keys);
    free(todo);
    if (done) {
        /* the results are reused: nothing more to analyse */
    } else if (opts->facts_only) {
        out->units = rl_xcalloc(units->len + 1, sizeof *out->units);
        for (size_t i = 0; i < units->len; i++) record_unit(out, &units->items[i], &st.parsed[i], st.cached[i]);
    } else {
        rc = analyse_units(opts, model, units, st.parsed, st.cached, out, err);
    }
    for (size_t i = 0; i < units->len; i++) rl_parsed_unit_clear(&st.parsed[i]);
    free(st.parsed);
    free(st.cached);
    free(st.deferred);
    rl_apimodel_free(model);
    return rc;
}

int rl_analyze_parsed(const rl_analysis_options *opts, const rl_unit_list *units, const rl_parsed_unit *parsed,
                      int cached, rl_analysis *out, rl_error *err)
{
    memset(out, 0, sizeof *out);
    rl_apimodel *model = rl_load_api_models(opts->models_dir, opts->config_file, err);
    if (!model) return -1;
    char *flags = rl_xcalloc(units->len + 1, 1);
    for (size_t i = 0; i < units->len; i++) flags[i] = parsed[i].facts && cached;
    out->units_cached = 0;
    for (size_t i = 0; i < units->len; i++) out->units_cached += (size_t)flags[i];
    int rc = analyse_units(opts, model, units, parsed, flags, out, err);
    free(flags);
    rl_apimodel_free(model);
    return rc;
}

/* The part of rl_analyze after the facts: records every unit, dumps the
 * facts when asked, and analyses the programs. Frees out on failure. */
static int analyse_units(const rl_analysis_options *opts, const rl_apimodel *model, const rl_unit_list *units,
                         const rl_parsed_unit *parsed, const char *cached, rl_analysis *out, rl_error *err)
{
    out->units = rl_xcalloc(units->len + 1, sizeof *out->units);
    const rl_unit_facts **facts = rl_xcalloc(units->len + 1, sizeof *facts);
    for (size_t i = 0; i < units->len; i++) {
        facts[i] = parsed[i].facts;
        record_unit(out, &units->items[i], &parsed[i], cached[i]);
        if (facts[i] && opts->dump_facts && opts->dump_out) {
            rl_strbuf sb = RL_STRBUF_INIT;
            rl_facts_dump(facts[i], &sb);
            fputs(rl_sb_str(&sb), (FILE *)opts->dump_out);
            rl_sb_free(&sb);
        }
    }
    rl_analysis_options with_entries = with_entry_points(opts, model);
    uint64_t *digests = rl_xcalloc(units->len + 1, sizeof *digests);
    for (size_t i = 0; i < units->len; i++) digests[i] = parsed[i].facts ? parsed[i].digest : 0;
    with_entries.facts_digests = digests;
    int rc = rl_analyze_facts(facts, units->len, &with_entries, out, err);
    free(digests);
    free(facts);
    if (rc != 0) rl_analysis_free(out); /* a failed analysis leaves nothing to free */
    return rc;
}

void rl_analysis_free(rl_analysis *a)
{
    for (size_t i = 0; i < a->nprograms; i++) {
        rl_program_summary *p = &a->programs[i];
        for (size_t k = 0; p->threads && k < p->nthreads; k++) {
            free(p->threads[k].entry);
            free(p->threads[k].spawn.file);
            free(p->threads[k].join.file);
            free(p->threads[k].spawn_call.file);
            free(p->threads[k].caller_spawn.file);
            for (size_t j = 0; j < p->threads[k].njoins; j++) {
                free(p->threads[k].joins[j].at.file);
                free(p->threads[k].joins[j].call.file);
            }
            free(p->threads[k].joins);
        }
        free(p->threads);
        free(p->name);
        free(p->main_file);
    }
    free(a->programs);
    rl_notices_free(a->notices, a->nnotices);
    for (size_t i = 0; i < a->nwarnings; i++) free(a->warnings[i]);
    free(a->warnings);
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
