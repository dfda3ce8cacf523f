/* Which findings a check reports, the clang-tidy way: rules chosen by glob
 * patterns (`checks:` in .racelint.yaml, then --checks), files left out by
 * glob (`exclude:`, then --exclude). Each finding is judged by the config
 * nearest its file, found up the tree as .clang-tidy is (rl_find_config:
 * the same trust rules as the project config), with the command line on
 * top. Everything is still analysed: only what is reported changes.
 *
 * Precedence, last wins: every rule enabled; the `checks:` of the config
 * nearest the finding's primary file (or of --config FILE, which then
 * stands for every file); --checks, in the order given. A pattern is a
 * glob over rule ids (`*`, `lock-*`); `-GLOB` disables what it matches. A
 * file is excluded when a glob of --exclude, or of the `exclude:` of the
 * config nearest it, matches its path or the end of its path after a `/`
 * (the glob `vendor/` then a star excludes `/src/proj/vendor/zlib/inflate.c`); a config's
 * globs are also tried on the path relative to the config's folder. A
 * finding is dropped when all its events are in excluded files.
 *
 * The rule options of the config (`check_options:`, rules/options.h) are
 * read here too, but for the whole run from the project config only
 * (rl_config_rule_options below), not per finding. */
#ifndef RL_SELECT_H
#define RL_SELECT_H
#include "../model/finding.h"
#include "../util/error.h"
#include "rules/options.h"
#include <stddef.h>

typedef struct rl_selection rl_selection;

/* checks / excludes: the command line's (--checks values are
 * comma-separated lists); config: --config FILE or NULL. NULL with err
 * set when a pattern names no rule or a config's checks:/exclude: are
 * malformed. */
rl_selection *rl_selection_new(const char *const *checks, size_t nchecks, const char *const *excludes,
                               size_t nexcludes, const char *config, rl_error *err);
void rl_selection_free(rl_selection *s);

/* Drops (frees) the findings the selection does not report; the counts
 * of those dropped by rule and by exclusion go to *by_rule, *by_file.
 * -1 with err set when a config found on the way is malformed. */
int rl_selection_apply(rl_selection *s, rl_findings *findings, size_t *by_rule, size_t *by_file, rl_error *err);

/* Parses the `checks:` and `exclude:` keys of a config's text (other keys
 * are the config's own business): for the fuzz target and the tests.
 * Appends heap strings to the lists. */
int rl_selection_parse_config(const char *text, size_t len, const char *origin, char ***checks, size_t *nchecks,
                              char ***excludes, size_t *nexcludes, rl_error *err);

/* The project config the run used (its check_options: are the run's; a
 * folder's config with check_options: of its own is named in a warning by
 * rl_selection_apply, since they are not used). path may be NULL. */
void rl_selection_set_run_config(rl_selection *s, const char *path);

/* Rule options (rules/options.h) are one set for the whole run, not per
 * folder like checks: and exclude: (a race pairs accesses that may lie in
 * two folders): they are read from the `check_options:` mapping of the
 * project config (NAME: VALUE, e.g. `race.volatile: ignore`) into o. An
 * unknown name or value, or another shape, is an error naming the file and
 * line. The first reads the file at path, the second a config's text. */
int rl_config_rule_options(const char *path, rl_rule_options *o, rl_error *err);
int rl_config_parse_rule_options(const char *text, size_t len, const char *origin, rl_rule_options *o,
                                 rl_error *err);

#endif
