/* The options of the rules, as clang-tidy's CheckOptions: named RULE.NAME
 * ("race.volatile"), each with a few words as values, the first its
 * default. They change what a rule reports, never the facts or the model,
 * so they are one set for the whole run (the project config's
 * `check_options:`, then `--check-option`), not per folder: a race is a
 * pair of accesses that may lie in two folders, and the whole-program
 * results are reused only for the same options (results.h).
 *
 * Invariants:
 *  1. rl_rule_options all zero is every option at its default.
 *  2. One table (options.c) names the options and their values: parsing,
 *     messages, help and every record of a run (JSON, SARIF, database)
 *     are made from it. */
#ifndef RL_RULE_OPTIONS_H
#define RL_RULE_OPTIONS_H
#include "util/error.h"
#include <stddef.h>

typedef struct rl_rule_options {
    /* race.volatile=ignore: accesses to volatile objects race with
     * nothing (flags, registers, counters meant to be racy) */
    int race_ignore_volatile;
    /* race.free=ignore: free and realloc do not write the object they
     * release (realloc still reads it) */
    int race_ignore_free;
} rl_rule_options;

/* How many options there are; option i's full name ("race.volatile"),
 * its rule ("race"), its name within the rule ("volatile"), the value it
 * has in o, and its default. */
size_t rl_rule_option_count(void);
const char *rl_rule_option_name(size_t i);
const char *rl_rule_option_rule(size_t i);
const char *rl_rule_option_param(size_t i);
const char *rl_rule_option_value(const rl_rule_options *o, size_t i);
const char *rl_rule_option_default(size_t i);

/* Sets option `name` to `value`; an unknown name or value is an error
 * naming origin (a file and line, or "--check-option") and what is
 * accepted. */
int rl_rule_option_set(rl_rule_options *o, const char *name, const char *value, const char *origin, rl_error *err);
/* The same from "NAME=VALUE". */
int rl_rule_option_parse(rl_rule_options *o, const char *spec, const char *origin, rl_error *err);

/* Every option and its value in o, as a JSON object's text (heap):
 * {"race.volatile": "report", "race.free": "ignore"}. */
char *rl_rule_options_json(const rl_rule_options *o);

#endif
