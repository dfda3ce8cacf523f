/* Unit tests of the utilities every stage leans on: the string pool (equal
 * strings are one pointer, across growth of its table, whatever their
 * hashes) and the string buffer's integer appender (the model's keys). */
#include "check.h"
#include "util/strbuf.h"
#include "util/strpool.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* Enough strings to grow the pool's table many times over. */
#define MANY_STRINGS 20000

static void test_intern_identity(void)
{
    rl_strpool *pool = rl_strpool_new();
    const char **first = calloc(MANY_STRINGS, sizeof *first);
    char text[32];
    for (int i = 0; i < MANY_STRINGS; i++) {
        snprintf(text, sizeof text, "P0->f%d", i);
        first[i] = rl_intern(pool, text);
    }
    int same = 1, found = 1;
    for (int i = 0; i < MANY_STRINGS; i++) {
        snprintf(text, sizeof text, "P0->f%d", i);
        same &= rl_intern(pool, text) == first[i];
        found &= rl_strpool_find(pool, text) == first[i];
    }
    CHECK(same);
    CHECK(found);
    CHECK(rl_strpool_find(pool, "P0->g1") == NULL);
    /* A prefix of a pooled string is a string of its own. */
    const char *whole = rl_intern(pool, "G:stats.count");
    const char *prefix = rl_intern_n(pool, "G:stats.count", 7);
    CHECK_STR(prefix, "G:stats");
    CHECK(prefix != whole);
    CHECK(rl_intern(pool, "G:stats") == prefix);
    CHECK(rl_intern(pool, "") == rl_intern_n(pool, "xyz", 0));
    CHECK(rl_intern(pool, NULL) == NULL);
    free(first);
    rl_strpool_free(pool);
}

static void check_int(long long n, const char *want)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, "k");
    rl_sb_append_int(&sb, n);
    CHECK_STR(rl_sb_str(&sb), want);
    rl_sb_free(&sb);
}

static void test_append_int(void)
{
    check_int(0, "k0");
    check_int(7, "k7");
    check_int(-42, "k-42");
    check_int(1234567890123LL, "k1234567890123");
    check_int(LLONG_MAX, "k9223372036854775807");
    check_int(LLONG_MIN, "k-9223372036854775808");
}

int main(void)
{
    test_intern_identity();
    test_append_int();
    return test_summary("util");
}
