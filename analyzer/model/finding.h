/* Findings: what rules emit and what the store and reports consume. A
 * finding is self-contained (it owns copies of every string), so it outlives
 * the facts and the model it came from and can be rebuilt from the store.
 *
 * Ownership: rl_findings owns its findings; a finding owns its accesses, and
 * an access owns its chain and lock names. rl_findings_free releases all. */
#ifndef RL_FINDING_H
#define RL_FINDING_H
#include <stddef.h>

typedef enum rl_severity { RL_SEV_NOTE, RL_SEV_WARNING, RL_SEV_ERROR } rl_severity;

/* How sure racelint is that a finding is real, from its evidence (each
 * rule's page says what lowers it). High is zero so that a finding no rule
 * graded, or one read back from an older store, counts as before. */
typedef enum rl_confidence { RL_CONF_HIGH = 0, RL_CONF_MEDIUM = 1, RL_CONF_LOW = 2 } rl_confidence;

/* At most this many pairs of racing sites are kept per finding (the most
 * convincing first); rl_finding.pairs_total counts them all. */
#define RL_MAX_PAIRS 10

/* Two events of one finding that race with each other: indices into
 * rl_finding.events. a == b: the site races with itself, in another
 * instance of its thread. */
typedef struct rl_pair {
    unsigned a, b;
} rl_pair;

/* A source position with its own copy of the path. */
typedef struct rl_position {
    char *file;
    unsigned line, col;
} rl_position;

/* One frame of a call chain: `function` called at `site` (the entry's
 * frame has the function's own position). */
typedef struct rl_frame {
    char *function;
    rl_position site;
} rl_frame;

/* One side of a finding: an access (or, for lock rules, an acquisition). */
typedef struct rl_event {
    rl_position pos;
    char *function;      /* function containing the access */
    char *kind;          /* "read", "write", "lock", ... */
    char *what;          /* the expression as written, e.g. "c->v[]" */
    char *thread;        /* thread entry function name, "main" for main */
    rl_position spawn;   /* where that thread is created (line 0 for main) */
    int multi_instance;  /* the thread runs in several instances */
    rl_frame *chain;     /* entry -> ... -> function, nchain frames */
    size_t nchain;
    char **locks;        /* locks held, as the user would write them */
    size_t nlocks;
} rl_event;

typedef struct rl_finding {
    char *rule;          /* rule id, e.g. "race" */
    rl_severity severity;
    char *location;      /* the shared location, e.g. "stats.hits" */
    char *message;       /* one-line summary */
    char *hint;          /* optional fix hint, may be NULL */
    double rank;         /* 0..1: the share of places that hold the inferred
                            guard; within a confidence, reports list higher
                            ranks first */
    rl_confidence confidence;
    char fingerprint[17];/* 16 hex digits, stable across unrelated edits */
    rl_event *events;    /* events[0] is the primary location; for a
                            location's finding (race, write-under-read-lock)
                            one event per site, the best pair's first */
    size_t nevents;
    rl_pair *pairs;      /* which events race with which, most convincing
                            first, at most RL_MAX_PAIRS; none for other rules */
    size_t npairs;
    size_t pairs_total;  /* racing pairs found, including those not kept */
    int suppressed;      /* suppressed by a source comment or triage */
    int hidden;          /* recorded but left out of this run's report and
                            exit status: below --min-confidence, or (text
                            report only) suppressed without --show-suppressed */
    char *suppression;   /* why, when suppressed */
    char **programs;     /* the programs it was found in (link.h), in
                            program order; none when not known (read back
                            from an older store) */
    size_t nprograms;
} rl_finding;

/* Something the user must be told about a run that is not a finding: a
 * limit the analysis hit, a program whose threads were not found, a
 * program that starts no thread. Shown in the summary, the JSON and SARIF
 * reports and the database. Owns its strings. */
typedef struct rl_notice {
    char *code;          /* stable id, e.g. "limit-contexts" */
    char *program;       /* the program it concerns, or NULL */
    char *message;       /* one sentence for people */
} rl_notice;

/* Frees n notices and the array. */
void rl_notices_free(rl_notice *list, size_t n);
/* A deep copy of n notices (NULL for none). */
rl_notice *rl_notices_copy(const rl_notice *list, size_t n);
/* Whether a notice says the analysis was cut short (a limit was hit, or
 * spawns found no thread), rather than informing. */
int rl_notice_is_limit(const rl_notice *n);

typedef struct rl_findings {
    rl_finding *items;
    size_t len, cap;
} rl_findings;

/* Appends a zeroed finding and returns it (valid until the next append). */
rl_finding *rl_findings_add(rl_findings *list);
/* Appends a zeroed event to f and returns it. */
rl_event *rl_finding_add_event(rl_finding *f);
void rl_event_add_frame(rl_event *ev, const char *function, const char *file, unsigned line, unsigned col);
void rl_event_add_lock(rl_event *ev, const char *lock);
/* Adds a program to the finding's list, once. */
void rl_finding_add_program(rl_finding *f, const char *program);
/* Moves every finding of src into dst, each marked as found in `program`;
 * a finding already in dst (same rule, fingerprint and primary position,
 * found in another program) only gains the program name. src is left
 * empty. */
void rl_findings_merge(rl_findings *dst, rl_findings *src, const char *program);
/* Adds a pair of events (indices) to f, counted in pairs_total and kept
 * while fewer than RL_MAX_PAIRS are. */
void rl_finding_add_pair(rl_finding *f, unsigned a, unsigned b);
/* Drops the call chain of every event of f that is in none of its kept
 * pairs and is not its primary event (events[0]): such a site keeps its
 * place, function, thread, kind and locks, which say where it is and what
 * it holds, but not how its thread gets there. A finding without pairs
 * keeps every chain. (A counter touched at 219 places kept 71,000 frames
 * in memcached's report: most of its 17 MB.) */
void rl_finding_drop_unpaired_chains(rl_finding *f);
/* The sites of a location's finding: its events, but a site racing with
 * itself in another thread counted once (rules/sites.h). */
size_t rl_finding_sites(const rl_finding *f);
/* Sorts findings by severity (errors first), confidence (highest first),
 * rank (highest first), then primary file, line, column, rule: the
 * likeliest bugs first, and deterministic output. */
void rl_findings_sort(rl_findings *list);
/* Keeps the findings keep() accepts, in order, and frees the others;
 * returns how many were removed. */
size_t rl_findings_keep(rl_findings *list, int (*keep)(const rl_finding *f, const void *ctx), const void *ctx);
void rl_findings_free(rl_findings *list);
/* Keeps the findings keep() says yes to, in order, and frees the others;
 * returns how many were dropped. */
size_t rl_findings_filter(rl_findings *list, int (*keep)(const rl_finding *f, void *ctx), void *ctx);
const char *rl_severity_name(rl_severity sev);
/* "high", "medium", "low"; rl_confidence_parse returns -1 for anything
 * else. */
const char *rl_confidence_name(rl_confidence c);
int rl_confidence_parse(const char *name);

/* The fingerprint of a location's finding (race, write-under-read-lock):
 * the rule, the location as rl_place_pretty writes it, and the distinct
 * names of the functions of its sites, in any order. No line, column,
 * thread number or file: it survives moved code and unrelated edits, and
 * the store computes it from what older schemas recorded (the migration to 7). */
void rl_location_fingerprint(char out[17], const char *rule, const char *location, const char *const *functions,
                             size_t nfunctions);

#endif
