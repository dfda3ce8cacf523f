/* The assertions of racelint's C unit tests: each check counts as passed
 * or failed (a failure prints the file, line and the values compared), and
 * a test program ends with test_summary(), which prints the closing
 * "N passed, M failed" line and gives the exit status. One copy for every
 * test program, included once per program (the counters are its own). */
#ifndef TEST_CHECK_H
#define TEST_CHECK_H
#include <stdio.h>
#include <string.h>

/* How much of a long text a failed containment check shows. */
#define TEST_SHOWN 300

static int test_passed, test_failed;

static inline void test_check(int ok, const char *what, const char *file, int line)
{
    if (ok) {
        test_passed++;
    } else {
        test_failed++;
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    }
}

static inline void test_check_str(const char *got, const char *want, const char *what, const char *file, int line)
{
    int ok = (!got && !want) || (got && want && strcmp(got, want) == 0);
    if (!ok) fprintf(stderr, "  %s: got '%s', want '%s'\n", what, got ? got : "(null)", want ? want : "(null)");
    test_check(ok, what, file, line);
}

static inline void test_check_int(long long got, long long want, const char *what, const char *file, int line)
{
    if (got != want) fprintf(stderr, "  %s: got %lld, want %lld\n", what, got, want);
    test_check(got == want, what, file, line);
}

/* want 1: text must contain part; want 0: must not. */
static inline void test_check_contains(const char *text, const char *part, int want, const char *what, const char *file,
                              int line)
{
    int ok = (text && strstr(text, part)) ? want : !want;
    if (!ok)
        fprintf(stderr, "  %s: '%.*s' %s '%s'\n", what, TEST_SHOWN, text ? text : "(null)",
                want ? "lacks" : "has", part);
    test_check(ok, what, file, line);
}

/* Prints "[name: ]N passed, M failed" and returns the exit status. */
static inline int test_summary(const char *name)
{
    printf("%s%s%d passed, %d failed\n", name ? name : "", name ? ": " : "", test_passed, test_failed);
    return test_failed != 0;
}

#define CHECK(cond) test_check((cond) != 0, #cond, __FILE__, __LINE__)
#define CHECK_STR(got, want) test_check_str((got), (want), #got, __FILE__, __LINE__)
#define CHECK_INT(got, want) test_check_int((long long)(got), (long long)(want), #got, __FILE__, __LINE__)
#define CHECK_CONTAINS(text, part) test_check_contains((text), (part), 1, #text " contains " #part, __FILE__, __LINE__)
#define CHECK_HAS(text, part) test_check_contains((text), (part), 1, #text " has " #part, __FILE__, __LINE__)
#define CHECK_LACKS(text, part) test_check_contains((text), (part), 0, #text " lacks " #part, __FILE__, __LINE__)

#endif
