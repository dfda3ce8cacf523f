/* The parse-failure gate (parse_gate.h): when a run with units that did
 * not parse is incomplete, and the bounded list the summary prints. */
#include "parse_gate.h"
#include "../util/mem.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PERCENT_MAX 100

rl_parse_gate rl_parse_gate_default(void)
{
    rl_parse_gate g = {RL_DEFAULT_MAX_PARSE_FAILURE_PERCENT, 1};
    return g;
}

int rl_parse_gate_parse(const char *text, rl_parse_gate *out)
{
    char *end;
    errno = 0;
    long n = strtol(text, &end, 10);
    if (!*text || *text == '-' || *text == '+' || errno || n < 0 || end == text) return -1;
    int percent = *end == '%';
    if (percent) end++;
    if (*end || (percent && n > PERCENT_MAX)) return -1;
    out->max = n;
    out->percent = percent;
    return 0;
}

size_t rl_parse_failures_count(const rl_unit_status *units, size_t nunits)
{
    size_t failed = 0;
    for (size_t i = 0; i < nunits; i++)
        if (rl_unit_status_phrase(units[i].status)) failed++;
    return failed;
}

char *rl_parse_gate_check(const rl_parse_gate *gate, const rl_unit_status *units, size_t nunits)
{
    size_t failed = rl_parse_failures_count(units, nunits);
    if (failed == 0) return NULL;
    const char *plural = nunits == 1 ? "" : "s";
    if (failed == nunits)
        return rl_xasprintf("%zu of %zu unit%s did not parse cleanly; no unit was analysed whole", failed, nunits, plural);
    int over = gate->percent ? failed * PERCENT_MAX > (size_t)gate->max * nunits : failed > (size_t)gate->max;
    if (!over) return NULL;
    return rl_xasprintf("%zu of %zu unit%s did not parse cleanly, more than --max-parse-failures %ld%s allows", failed,
                        nunits, plural, gate->max, gate->percent ? "%" : "");
}

void rl_parse_failures_print(FILE *out, const rl_unit_status *units, size_t nunits)
{
    size_t listed = 0, failed = 0;
    for (size_t i = 0; i < nunits; i++) {
        const char *phrase = rl_unit_status_phrase(units[i].status);
        if (!phrase) continue;
        if (++failed > RL_PARSE_FAILURES_LISTED) continue;
        listed++;
        char *first = rl_unit_first_error(&units[i]);
        fprintf(out, "racelint:   %s: %s%s%s\n", units[i].file, phrase, first ? ": " : "", first ? first : "");
        free(first);
    }
    if (failed > listed)
        fprintf(out, "racelint:   ... and %zu more (every one is in the JSON and SARIF reports and the database)\n",
                failed - listed);
}

void rl_parse_failures_summary(FILE *out, const char *incomplete, const rl_unit_status *units, size_t nunits)
{
    size_t failed = rl_parse_failures_count(units, nunits);
    if (failed == 0) return;
    if (incomplete)
        fprintf(out, "racelint: error: the analysis is incomplete, exit status 3: %s\n", incomplete);
    else
        fprintf(out, "racelint: warning: %zu of %zu unit%s did not parse cleanly; findings in %s may be missing:\n",
                failed, nunits, nunits == 1 ? "" : "s", failed == 1 ? "it" : "them");
    rl_parse_failures_print(out, units, nunits);
}
