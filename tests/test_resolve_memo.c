/* Unit tests of the resolution memo (model/resolve_memo.h): an answer is
 * given back only in the frame it was made in (thread, function, distinct
 * and reached masks, every bound value), whatever becomes of the caller's
 * array of bound values; many frames and answers (past the recently used frames,
 * past several growths of every table, past the bound that empties the
 * memo) never give a wrong answer; a frame's stores mark holds for its
 * generation only. */
#include "check.h"
#include "model/resolve_memo.h"
#include <stdio.h>
#include <stdlib.h>

/* Frames and strings per frame of the growth test: more frames than the
 * recently used ones, more answers per frame than a frame's first table. */
#define MANY_FRAMES 3000
#define STRINGS_PER_FRAME 40
/* Above the memo's bound of 2^21 answers, so that it is emptied once. */
#define PAST_BOUND ((1 << 21) + 5000)

static const char *strings[STRINGS_PER_FRAME];
static const char *results[STRINGS_PER_FRAME];

static void test_frames_apart(void)
{
    tm_resolve_memo *memo = tm_memo_new();
    const char *a = "P0", *b = "P1", *s = "P0*.f", *r = "G:x.f";
    const char *bind[2] = {a, b};
    frame_env env = {1, 2, bind, 2, 1u, 0, 0, 0};
    tm_memo_put(memo, &env, s, r, 1, 0);
    const char *got = NULL;
    int d = 0, rd = 1;
    CHECK(tm_memo_get(memo, &env, s, &got, &d, &rd));
    CHECK(got == r);
    CHECK(d == 1 && rd == 0);
    frame_env other_thread = env, other_fn = env, other_mask = env, other_reached = env, fewer = env, once = env;
    other_thread.thread = 3;
    other_fn.fn = 4;
    other_mask.distinct = 0;
    other_reached.reached_distinct = 2u;
    fewer.nbind = 1;
    once.once_routine = 1; /* a once-routine names its heap objects apart */
    CHECK(!tm_memo_get(memo, &other_thread, s, &got, &d, &rd));
    CHECK(!tm_memo_get(memo, &other_fn, s, &got, &d, &rd));
    CHECK(!tm_memo_get(memo, &other_mask, s, &got, &d, &rd));
    CHECK(!tm_memo_get(memo, &other_reached, s, &got, &d, &rd));
    CHECK(!tm_memo_get(memo, &fewer, s, &got, &d, &rd));
    CHECK(!tm_memo_get(memo, &once, s, &got, &d, &rd));
    CHECK(!tm_memo_get(memo, &env, "P0*.g", &got, &d, &rd));
    /* the caller's array changes: the memo kept its own copy */
    bind[1] = "G:other";
    CHECK(!tm_memo_get(memo, &env, s, &got, &d, &rd));
    bind[1] = b;
    CHECK(tm_memo_get(memo, &env, s, &got, &d, &rd) && got == r);
    tm_memo_free(memo);
}

static void test_many_frames(void)
{
    tm_resolve_memo *memo = tm_memo_new();
    static const char *values[MANY_FRAMES];
    char text[32];
    for (int i = 0; i < MANY_FRAMES; i++) {
        snprintf(text, sizeof text, "&G:v%d", i);
        values[i] = strdup(text);
    }
    for (int i = 0; i < MANY_FRAMES; i++) {
        frame_env env = {i % 7, i % 11, &values[i], 1, 0, 0, 0, 0};
        for (int k = 0; k < STRINGS_PER_FRAME; k++)
            tm_memo_put(memo, &env, strings[k], results[(k + i) % STRINGS_PER_FRAME], 0, k & 1);
    }
    int right = 1;
    for (int i = MANY_FRAMES - 1; i >= 0; i--) {
        frame_env env = {i % 7, i % 11, &values[i], 1, 0, 0, 0, 0};
        for (int k = 0; k < STRINGS_PER_FRAME; k++) {
            const char *got = NULL;
            int d = 0, rd = 0;
            right &= tm_memo_get(memo, &env, strings[k], &got, &d, &rd) &&
                     got == results[(k + i) % STRINGS_PER_FRAME] && rd == (k & 1);
        }
    }
    CHECK(right);
    for (int i = 0; i < MANY_FRAMES; i++) free((void *)values[i]);
    tm_memo_free(memo);
}

/* Past the bound the memo forgets; what it still answers is right. */
static void test_past_bound(void)
{
    tm_resolve_memo *memo = tm_memo_new();
    const char *bind[1] = {"P0"};
    int wrong = 0;
    for (int i = 0; i < PAST_BOUND; i++) {
        frame_env env = {i / STRINGS_PER_FRAME, 0, bind, 1, 0, 0, 0, 0};
        tm_memo_put(memo, &env, strings[i % STRINGS_PER_FRAME], results[i % STRINGS_PER_FRAME], 0, 0);
    }
    size_t kept = 0;
    for (int i = 0; i < PAST_BOUND; i++) {
        frame_env env = {i / STRINGS_PER_FRAME, 0, bind, 1, 0, 0, 0, 0};
        const char *got = NULL;
        int d = 0, rd = 0;
        if (!tm_memo_get(memo, &env, strings[i % STRINGS_PER_FRAME], &got, &d, &rd)) continue;
        kept++;
        wrong += got != results[i % STRINGS_PER_FRAME];
    }
    CHECK(wrong == 0);
    CHECK(kept > 0 && kept < (size_t)PAST_BOUND);
    tm_memo_free(memo);
}

static void test_stores_mark(void)
{
    tm_resolve_memo *memo = tm_memo_new();
    const char *bind[1] = {"&G:q"};
    frame_env env = {0, 5, bind, 1, 0, 0, 0, 0}, other = {0, 6, bind, 1, 0, 0, 0, 0};
    CHECK(!tm_memo_stores_unchanged(memo, &env, 0));
    tm_memo_stores_mark(memo, &env, 0);
    CHECK(tm_memo_stores_unchanged(memo, &env, 0));
    CHECK(!tm_memo_stores_unchanged(memo, &env, 1));
    CHECK(!tm_memo_stores_unchanged(memo, &other, 0));
    tm_memo_stores_mark(memo, &env, 7);
    CHECK(tm_memo_stores_unchanged(memo, &env, 7));
    CHECK(!tm_memo_stores_unchanged(memo, &env, 0));
    tm_memo_free(memo);
}

int main(void)
{
    char text[32];
    for (int k = 0; k < STRINGS_PER_FRAME; k++) {
        snprintf(text, sizeof text, "P0*.f%d", k);
        strings[k] = strdup(text);
        snprintf(text, sizeof text, "G:x.f%d", k);
        results[k] = strdup(text);
    }
    test_frames_apart();
    test_many_frames();
    test_past_bound();
    test_stores_mark();
    for (int k = 0; k < STRINGS_PER_FRAME; k++) {
        free((void *)strings[k]);
        free((void *)results[k]);
    }
    return test_summary("resolve_memo");
}
