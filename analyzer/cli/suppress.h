/* Source-comment suppressions and source context, read after the
 * analysis from the files the findings point into:
 *
 *     stats.failed++;  // racelint: ignore[race] only a statistic
 *
 *     // racelint: ignore[race,write-under-read-lock] reason
 *     stats.failed++;
 *
 *     stats.failed++;  // NOLINT(racelint-race)
 *     // NOLINTNEXTLINE(racelint-race, bugprone-foo)
 *
 * A comment on the line of any event of a finding, or on a line of its
 * own just before it, suppresses the finding when it names the finding's
 * rule (or `*`, or has no rule list at all). The clang-tidy forms count
 * only for their `racelint-RULE` entries (RULE a glob): NOLINT on the line
 * itself, NOLINTNEXTLINE on the line before; a bare NOLINT is another
 * tool's. Files are read defensively: regular files only,
 * lines cut at a bounded length, at most a bounded number of bytes. */
#ifndef RL_SUPPRESS_H
#define RL_SUPPRESS_H
#include "../model/finding.h"
#include "../store/store.h"

/* Lines of context stored before and after each event's line. */
#define RL_CONTEXT_LINES 2

/* Marks suppressed the findings a comment names, and returns the source
 * context of every event: (*contexts)[i] is an array of the nevents
 * contexts of finding i. Free with rl_suppress_contexts_free. */
void rl_suppress_scan(rl_findings *findings, rl_source_context ***contexts);
void rl_suppress_contexts_free(rl_source_context **contexts, const rl_findings *findings);

/* Audits the suppression comments of the files (and of the files the
 * findings point into): one notice per comment naming a rule racelint
 * does not have (code suppression-unknown-rule), or suppressing no finding
 * of this run (suppression-unused), appended to *notices. After
 * rl_suppress_scan and triage. */
void rl_suppress_audit(const rl_findings *findings, const char *const *files, size_t nfiles, rl_notice **notices,
                       size_t *nnotices);

/* Parses one source line: 1 if it holds a racelint ignore comment that
 * covers rule, with *reason set to a heap copy of its reason (may be "");
 * 0 if not. Exposed for tests and `racelint show`. */
int rl_suppress_parse_line(const char *line, const char *rule, char **reason);

/* Reads lines [first, last] of path (1-based), each cut to a bounded
 * length, joined with '\n'. NULL if the file cannot be read as a regular
 * file or has no line `first`. */
char *rl_read_source_lines(const char *path, unsigned first, unsigned last);

#endif
