/* Baselines: the findings a `racelint check --baseline` run is compared
 * with. A recorded run fills one from the store (cli/hist_check.c); a file is
 * parsed here from its text, so that the fuzz target can feed it buffers. */
#ifndef RL_BASELINE_H
#define RL_BASELINE_H
#include "finding.h"
#include "../util/error.h"
#include <stddef.h>

/* A baseline file is read whole; a report this large is surely not one. */
#define RL_BASELINE_MAX_BYTES ((size_t)256 << 20)

typedef struct rl_baseline {
    char **fps;            /* fingerprints, sorted by strcmp (duplicates allowed) */
    size_t nfps;
    int fps_only;          /* only fingerprints: no findings for SARIF's baselineState */
    rl_findings findings;  /* the baseline's findings, when it has them */
} rl_baseline;

/* Parses the text of a baseline file into *b (its old contents are not
 * freed): a racelint JSON report (findings[].fingerprint and the findings
 * themselves), a SARIF log (results' partialFingerprints and fingerprints),
 * a JSON array of fingerprints, or a plain list (one fingerprint per line,
 * `#` starts a comment). origin names the file in messages. On error *b is
 * left empty. */
int rl_baseline_parse(rl_baseline *b, const char *origin, const char *text, size_t len, rl_error *err);

/* Whether fp is one of b's fingerprints. */
int rl_baseline_has(const rl_baseline *b, const char *fp);

void rl_baseline_free(rl_baseline *b);

#endif
