/* The parse-failure gate of `racelint check` (README, Exit status; issue:
 * "incomplete analysis fails the gate"). A run in which units did not parse
 * is incomplete when no unit parsed cleanly, or when more units failed than
 * --max-parse-failures allows: N units, or P% of the units (default 10%).
 * An incomplete run exits 3 whatever its findings, in every format.
 *
 * Invariants:
 *  1. A unit counts as failed when it did not parse cleanly
 *     (rl_unit_status_phrase is not NULL: errors, failed, skipped).
 *  2. A run where every unit failed is incomplete whatever the limit: a
 *     gate that analysed nothing must not pass.
 *  3. The summary names at most RL_PARSE_FAILURES_LISTED units, then says
 *     how many more there are; the JSON report, SARIF and the database
 *     hold every one. */
#ifndef RL_PARSE_GATE_H
#define RL_PARSE_GATE_H
#include "../store/store.h"
#include <stdio.h>

/* Default --max-parse-failures: more than this share of the units failing
 * makes the run incomplete. */
#define RL_DEFAULT_MAX_PARSE_FAILURE_PERCENT 10
#define RL_DEFAULT_MAX_PARSE_FAILURES_TEXT "10%"
/* Units named one by one in the summary. */
#define RL_PARSE_FAILURES_LISTED 10

typedef struct rl_parse_gate {
    long max;     /* units, or percent when percent is set */
    int percent;
} rl_parse_gate;

/* The default gate (10% of the units). */
rl_parse_gate rl_parse_gate_default(void);
/* Parses "N" (units) or "P%" (0..100 percent of the units); 0 or -1. */
int rl_parse_gate_parse(const char *text, rl_parse_gate *out);

/* Units of the list that did not parse cleanly (invariant 1). */
size_t rl_parse_failures_count(const rl_unit_status *units, size_t nunits);

/* NULL when the run is complete, else one sentence saying why it is not
 * (heap; the run's `incomplete` column, JSON run.incomplete). */
char *rl_parse_gate_check(const rl_parse_gate *gate, const rl_unit_status *units, size_t nunits);

/* The bounded list of the summary: "racelint:   FILE: PHRASE: FIRST ERROR"
 * for at most RL_PARSE_FAILURES_LISTED units, then "... and N more". */
void rl_parse_failures_print(FILE *out, const rl_unit_status *units, size_t nunits);

/* The end of the summary: when units failed, a warning (the run is
 * complete) or an error (incomplete: why, and that the exit status is 3),
 * then the bounded list. Nothing when every unit parsed. */
void rl_parse_failures_summary(FILE *out, const char *incomplete, const rl_unit_status *units, size_t nunits);

#endif
