/* Fuzz target: baseline files (`racelint check --baseline FILE`): a JSON
 * report, a SARIF log or a fingerprint list, parsed by rl_baseline_parse,
 * then written as SARIF baseline states as check does. Seeds: corpus/baseline/. */
#include "fuzz.h"
#include "model/baseline.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_fingerprint(const char *s)
{
    return strlen(s) == 16 && strspn(s, "0123456789abcdef") == 16;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Opened once: the SARIF text itself is of no interest. */
    static FILE *sink;
    if (!sink) FUZZ_CHECK((sink = fopen("/dev/null", "w")) != NULL);

    rl_baseline b;
    rl_error err = {{0}};
    int rc = rl_baseline_parse(&b, "fuzz.json", (const char *)data, size, &err);
    fuzz_check_error(rc, &err);
    if (rc < 0) {
        FUZZ_CHECK(b.nfps == 0 && b.fps == NULL && b.findings.len == 0);
        return 0;
    }
    for (size_t i = 0; i < b.nfps; i++) {
        FUZZ_CHECK(is_fingerprint(b.fps[i]) && rl_baseline_has(&b, b.fps[i]));
        FUZZ_CHECK(i == 0 || strcmp(b.fps[i - 1], b.fps[i]) <= 0);
    }
    for (size_t i = 0; i < b.findings.len; i++) FUZZ_CHECK(is_fingerprint(b.findings.items[i].fingerprint));
    FUZZ_CHECK(!b.fps_only || b.findings.len == 0);

    /* The findings as check uses them: every one matches itself
     * ("unchanged"), and SARIF renders each with whatever fields it has. */
    if (!b.fps_only) {
        rl_sarif_options opts = {0};
        opts.src_root = "/fuzz-src"; /* paths in the input are made relative to it */
        opts.baseline = &b.findings;
        FUZZ_CHECK(rl_report_sarif(sink, NULL, &b.findings, &opts, &err) == 0);
    }
    rl_baseline_free(&b);
    return 0;
}
