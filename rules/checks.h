/* Rules (checks) plug in here: each is one file with a run function that
 * reads the model and appends findings, registered once in checks.def (the
 * one list of rule ids, names and descriptions that reports draw on).
 * A rule never walks facts or issues SQL: it asks the model. */
#ifndef RL_CHECKS_H
#define RL_CHECKS_H
#include "model/finding.h"
#include "model/threads.h"
#include "options.h"

typedef struct rl_check_ctx {
    const rl_model *model;
    rl_findings *out;
    const rl_rule_options *options; /* the run's rule options (options.h) */
} rl_check_ctx;

typedef struct rl_check {
    const char *id;          /* rule id, as in [race] */
    const char *name;        /* CamelCase name for SARIF */
    const char *summary;     /* one line */
    const char *description; /* a paragraph: what it finds and why it matters */
    rl_severity level;
    void (*run)(rl_check_ctx *ctx);
} rl_check;

#define RL_CHECK(id, cname, level, summary, description) void rl_check_##cname(rl_check_ctx *ctx);
#include "checks.def"
#undef RL_CHECK

/* The registry, in checks.def order. */
extern const rl_check rl_checks[];
extern const size_t rl_nchecks;
const rl_check *rl_check_find(const char *id);

#endif
