/* Unit tests of the utilities every stage leans on: the string pool (equal
 * strings are one pointer, across growth of its table, whatever their
 * hashes), the string buffer's integer appender (the model's keys) and the
 * content hash of the facts cache (the same in pieces as in one go, as
 * the frontend and the cache check compute it). */
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

/* Bytes of a fake file, long enough for several pieces and a tail. */
#define CONTENT_BYTES 100003
#define CONTENT_PIECE 4096

static void test_content_hash(void)
{
    unsigned char *buf = malloc(CONTENT_BYTES);
    for (size_t i = 0; i < CONTENT_BYTES; i++) buf[i] = (unsigned char)(i * 31 + i / 7);
    uint64_t whole = rl_hash_content(buf, CONTENT_BYTES, 0), pieces = 0;
    for (size_t at = 0; at < CONTENT_BYTES; at += CONTENT_PIECE) {
        size_t n = CONTENT_BYTES - at < CONTENT_PIECE ? CONTENT_BYTES - at : CONTENT_PIECE;
        pieces = rl_hash_content(buf + at, n, pieces);
    }
    CHECK(pieces == whole);
    /* one byte changed anywhere changes it */
    buf[CONTENT_BYTES / 2] ^= 1;
    CHECK(rl_hash_content(buf, CONTENT_BYTES, 0) != whole);
    buf[CONTENT_BYTES / 2] ^= 1;
    buf[CONTENT_BYTES - 1] ^= 0x80;
    CHECK(rl_hash_content(buf, CONTENT_BYTES, 0) != whole);
    free(buf);
    /* a zero byte more is another content, as is the empty file */
    CHECK(rl_hash_content("ab", 2, 0) != rl_hash_content("ab\0", 3, 0));
    CHECK(rl_hash_content("abcdefgh", 8, 0) != rl_hash_content("abcdefgh\0", 9, 0));
    CHECK(rl_hash_content("", 0, 0) != rl_hash_content("\0", 1, 0));
}

int main(void)
{
    test_intern_identity();
    test_append_int();
    test_content_hash();
    return test_summary("util");
}
