/* The analysis pipeline as a library call: inputs -> frontend -> facts ->
 * program -> lock flow -> thread model -> rules -> findings. The CLI, the
 * fixture runner and fuzzers all call this; it prints nothing itself except
 * through the progress callback. Parsing happens in worker processes
 * (workers.h); the caller must not have threads of its own running. The
 * configuration it reads (the API models, the project config) is found and
 * loaded by config.h, included here for the driver's callers. */
#ifndef RL_DRIVER_H
#define RL_DRIVER_H
#include "config.h"
#include "frontend/inputs.h"
#include "model/finding.h"
#include "store/store.h"
#include "util/error.h"
#include "workers.h"
#include "rules/options.h"

/* A facts digest as the store keeps it, and a file's hash in a facts
 * cache entry's list: 16 lowercase hex digits. */
#define RL_DIGEST_HEX_LEN 16
/* Reads the 64-bit value of the RL_DIGEST_HEX_LEN lowercase hex digits s
 * starts with into *out: 0, or -1 when s does not start with as many
 * (unit_cache.c). */
int rl_parse_hex64(const char *s, uint64_t *out);

/* The facts cache, as the driver sees it (the store implements it; the
 * driver knows no SQL). Blobs are rl_facts_serialize images; a key names
 * everything besides the files that shapes a unit's facts (flags, tool,
 * libclang and API model versions). Both are called from the driver's own
 * thread only, never from parsing workers. */
typedef struct rl_facts_cache {
    void *ctx;
    /* A heap copy of the blob stored for (file, key) (caller frees), or NULL. */
    void *(*get)(void *ctx, const char *file, const char *key, size_t *len);
    /* Replaces what is stored for file; files lists the files the facts
     * were made from, one 'HASH PATH' line each; digest is the facts'
     * rl_facts_digest (0: not computed). Between begin and end. */
    void (*put)(void *ctx, const char *file, const char *key, const char *files, uint64_t digest, const void *blob,
                size_t len);
    /* May be NULL. What is stored for (file, key) without the facts: 1
     * with *files (heap copy, caller frees: its 'HASH PATH' lines) and
     * *digest set, 0 when there is no such entry or it has no digest. */
    int (*probe)(void *ctx, const char *file, const char *key, char **files, uint64_t *digest);
    void (*begin)(void *ctx);
    void (*end)(void *ctx);
    /* When not NULL, called instead of put for every unit parsed, with
     * facts or without (parse errors and failed units included: a facts
     * directory keeps what the link step must report). */
    void (*put_unit)(void *ctx, const rl_unit_spec *unit, const char *key, const struct rl_parsed_unit *parsed);
    /* The results cache (results.h), both NULL when there is none: the
     * stored results of the whole-program phase for key (a heap copy, the
     * caller frees), and storing them. */
    void *(*results_get)(void *ctx, const char *key, size_t *len);
    void (*results_put)(void *ctx, const char *key, const void *blob, size_t len);
} rl_facts_cache;

typedef struct rl_analysis_options {
    const char *models_dir;     /* API model folder (NULL: rl_default_models_dir) */
    const char *resource_dir;  /* clang resource folder, NULL for libclang's own */
    const char *config_file;   /* project config (.racelint.yaml), may be NULL */
    int jobs;                  /* parsing worker processes (0: cores) */
    rl_parse_limits limits;    /* per-unit time, memory ceiling (0: none); the
                                  ceiling covers the whole-program phase too */
    unsigned analysis_timeout_sec; /* the whole-program phase, all programs
                                  together (0: no limit; util/budget.h) */
    int want_guards;           /* also compute the guard map (rl_analysis.guards) */
    int dump_facts;            /* write every unit's facts to dump_out */
    void *dump_out;            /* FILE* */
    const rl_facts_cache *cache; /* NULL: parse every unit */
    int cache_refresh;         /* parse every unit, then store the facts */
    int facts_only;            /* stop once the facts are in the cache:
                                  units recorded, nothing analysed */
    /* Called on the driver's thread as units complete (done of total,
     * failures so far); may be NULL. */
    void (*progress)(void *ctx, size_t done, size_t total, size_t failed);
    void *progress_ctx;
    /* Analyse only the programs of these names (link.h); none: all. A name
     * that matches no program fails the run with the list of names. */
    const char *const *programs;
    size_t nprograms;
    /* Functions that application threads call, any number at once: names
     * or fnmatch globs (the project config's entry_points:). rl_analyze
     * sets them from the config; for rl_analyze_facts, the caller. */
    const char *const *entry_points;
    size_t nentry_points;
    /* The API models, borrowed, for what the model asks about library
     * functions reached through pointers (an allocator or free stored in
     * a hook); rl_analyze sets it; NULL: none is known. */
    const struct rl_apimodel *api;
    /* For the results cache: a digest of each unit's facts (0: no facts),
     * as many as units; set by rl_analyze from the facts it read. NULL:
     * results are neither reused nor stored. */
    const uint64_t *facts_digests;
    /* The rules' options (rules/options.h; all zero: the defaults). They
     * change findings only, so they are part of the results key, not of
     * the facts key. */
    rl_rule_options rule_options;
} rl_analysis_options;

/* One thread of a program as the model sees it (racelint threads). */
/* A join of a thread: the join call, and the call of the function holding
 * it in that function's caller (line 0 when the join is in the parent's
 * entry). */
typedef struct rl_join_summary {
    rl_position at;
    rl_position call;
} rl_join_summary;

typedef struct rl_thread_summary {
    char *entry;               /* entry function: "main", or what the spawn runs */
    long parent;               /* index of the spawning thread in the program, -1 for roots */
    rl_position spawn;         /* the spawn call (file NULL for roots) */
    rl_position spawn_call;    /* the call of the function that spawns, in its
                                  caller (line 0: spawned in the parent's entry) */
    int several;               /* several instances may run at once */
    int joined;                /* a join of its handle was found */
    rl_position join;          /* that join (the first: it ends the thread) */
    rl_join_summary *joins;    /* every join that may end it, join first */
    size_t njoins;
    rl_position caller_spawn;  /* a root other than main: a spawn whose entry is
                                  what its unknown caller passes (line 0: none) */
} rl_thread_summary;

/* One program of the run (model/link.h) as analysed. */
typedef struct rl_program_summary {
    char *name;
    char *main_file;           /* the unit defining main; NULL for a library */
    size_t nunits;             /* units linked into it */
    size_t nthreads;           /* threads found, main (or the library's roots) included */
    size_t nspawn_sites;       /* spawn calls in its code, reached or not */
    rl_thread_summary *threads; /* nthreads entries, the model's order */
} rl_program_summary;



/* One line of the inferred guard map (`racelint guards`). */
typedef struct rl_guard_row {
    char *location;   /* as the code names it */
    char *lock;       /* the lock held at most of its sites, NULL if none */
    size_t covered;   /* sites holding it */
    size_t sites;     /* sites accessing the location */
    size_t threads;   /* threads accessing it */
} rl_guard_row;

typedef struct rl_analysis {
    rl_findings findings;
    rl_unit_status *units;
    size_t nunits;
    size_t units_failed;       /* parse failures (no AST or errors), skipped units included */
    size_t units_skipped;      /* stopped by a limit or a parser crash */
    size_t nthreads, ncontexts, naccesses;
    rl_guard_row *guards;      /* filled when options.want_guards */
    size_t nguards;
    size_t units_parsed;       /* units libclang parsed this run */
    size_t units_cached;       /* units whose facts came from the cache */
    int results_cached;        /* the whole-program phase was not run: its
                                  results are those of an earlier run with
                                  the same inputs (results.h) */
    /* Wall-clock milliseconds of each phase. */
    long long ms_cache_read;   /* cache lookups, re-hashing the files */
    long long ms_parse;        /* parsing and extracting the units */
    long long ms_cache_write;  /* writing new facts to the cache */
    long long ms_model;        /* program, lock flow, thread model */
    long long ms_program, ms_flow; /* the first two parts of ms_model */
    long long ms_rules;        /* the checks, sorting findings */
    rl_program_summary *programs; /* the programs analysed, in link order */
    size_t nprograms;
    size_t nprograms_linked;   /* programs in the build, --program aside */
    rl_notice *notices;
    size_t nnotices;
    /* Stored data the run dropped (a damaged or inconsistent cache
     * entry), one message each naming the unit, for the caller to print. */
    char **warnings;
    size_t nwarnings, cap_warnings;
} rl_analysis;

/* Appends a warning (takes msg, a heap string). */
void rl_analysis_warn(rl_analysis *a, char *msg);
/* Appends a notice (copies every string). */
void rl_analysis_notice(rl_analysis *a, const char *code, const char *program, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Runs the whole pipeline on `units`. Fails (-1, message) only for
 * problems that stop everything, such as unreadable API models; units that
 * fail to parse are recorded in the result and the rest is analysed. */
int rl_analyze(const rl_analysis_options *opts, const rl_unit_list *units, rl_analysis *out, rl_error *err);
void rl_analysis_free(rl_analysis *a);

/* The single-threaded half of rl_analyze, from facts on: linking into
 * programs, and for each selected program the call graph, lock flow,
 * thread model and rules, into out's programs, notices, sorted findings
 * (and the guard map when opts->want_guards), counts and model timings.
 * facts[i] may be NULL (a unit that did not parse). The facts must keep
 * the invariants of facts/facts_check.h. opts may be NULL (every program,
 * no guard map). For rl_analyze, and for the fuzz target of cached facts.
 * Fails only when opts names a program the build does not have. */
struct rl_unit_facts;
int rl_analyze_facts(const struct rl_unit_facts *const *facts, size_t n, const rl_analysis_options *opts,
                     rl_analysis *out, rl_error *err);

/* The keys of the facts cache. The run key hashes what shapes every
 * unit's facts besides its files and flags: racelint's version,
 * libclang's, the resource folder and the API models (the models folder's
 * .yaml files and the project config). A unit key adds the unit's file,
 * folder and flags (after the allowlist): 16 hex digits and a NUL. */
uint64_t rl_facts_run_key(const rl_analysis_options *opts);
void rl_facts_unit_key(uint64_t run_key, const rl_unit_spec *unit, char out[17]);

/* Content hashes of files on disk, each file read at most once (however
 * many units include it). */
typedef struct rl_file_hashes rl_file_hashes;
rl_file_hashes *rl_file_hashes_new(void);
void rl_file_hashes_free(rl_file_hashes *fh);
/* Whether stored facts still describe the files on disk: NULL when every
 * file they were made from (facts->deps) hashes as it did, else the first
 * file that changed or cannot be read (the main file when no deps). */
struct rl_unit_facts;
const char *rl_facts_changed_dep(const struct rl_unit_facts *facts, rl_file_hashes *fh);

/* The tail of rl_analyze, for units whose facts were obtained elsewhere
 * (facts files, facts_dir.h): records every unit (parsed[i].facts or its
 * error; units with facts count as cached when `cached` is set), loads the
 * API models for the entry points and runs rl_analyze_facts. out is reset
 * here; parsed stays the caller's. */
int rl_analyze_parsed(const rl_analysis_options *opts, const rl_unit_list *units, const rl_parsed_unit *parsed,
                      int cached, rl_analysis *out, rl_error *err);

#endif
