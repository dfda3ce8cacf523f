/* Fuzz target: suppression comments (`// racelint: ignore[race] why`, and
 * clang-tidy's `// NOLINT(racelint-race)`), parsed by rl_suppress_parse_line. The input's first line is the rule asked
 * about, the rest the source line. Seeds: corpus/suppress/. */
#include "fuzz.h"
#include "cli/suppress.h"

/* rl_suppress_scan cuts source lines to this length; longer ones are
 * still tried, as `racelint show` may pass any text. */
#define MAX_INPUT 4096
#define MAX_REASON 200

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *input = fuzz_cstring(data, size, MAX_INPUT);
    char *nl = strchr(input, '\n');
    const char *rule = "race", *line = input;
    if (nl) {
        *nl = '\0';
        rule = input;
        line = nl + 1;
    }
    char *reason = (char *)"unset";
    int covered = rl_suppress_parse_line(line, rule, &reason);
    FUZZ_CHECK(covered == 0 || covered == 1);
    if (covered) {
        /* The reason is a bounded piece of the line's comment. */
        FUZZ_CHECK(reason != NULL && strlen(reason) <= MAX_REASON && strstr(line, reason) != NULL);
        /* an ignore comment, or a NOLINT naming racelint's rules (whose
         * reason is empty) */
        FUZZ_CHECK(strstr(line, "racelint:") != NULL ||
                   (strstr(line, "NOLINT") != NULL && strstr(line, "racelint-") != NULL && reason[0] == '\0'));
    } else {
        FUZZ_CHECK(reason == NULL);
    }
    free(reason);
    free(input);
    return 0;
}
