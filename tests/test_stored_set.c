/* Unit tests of the points-to sets of places (model/stored_set.h): a
 * value is kept once per place, places are apart, the set holds up to
 * RL_STORED_SET_MAX values in the order first stored and one more marks
 * it overflowed for good (changing it once, then never again). */
#include "check.h"
#include "model/stored_set.h"
#include <stdio.h>
#include <stdlib.h>

/* Distinct values for the overflow test: one past the bound. */
#define NVALUES (RL_STORED_SET_MAX + 1)

static void test_members(void)
{
    rl_stored_sets sets = RL_STORED_SETS_INIT;
    const char *slot = "t0:new_loop:H5_3.data", *other = "G:config.el";
    const char *a = "&t0:create:H9_2", *b = "&t1:create:H9_2";
    CHECK(rl_stored_sets_get(&sets, slot) == NULL);
    CHECK(rl_stored_sets_add(&sets, slot, a) == 1);
    CHECK(rl_stored_sets_add(&sets, slot, a) == 0);
    CHECK(rl_stored_sets_add(&sets, slot, b) == 1);
    CHECK(rl_stored_sets_add(&sets, other, a) == 1);
    const rl_stored_set *s = rl_stored_sets_get(&sets, slot);
    CHECK(s && s->n == 2 && !s->overflowed);
    CHECK(s && s->values[0] == a && s->values[1] == b);
    const rl_stored_set *o = rl_stored_sets_get(&sets, other);
    CHECK(o && o->n == 1 && o->values[0] == a);
    rl_stored_sets_free(&sets);
}

static void test_overflow(void)
{
    static char texts[NVALUES][24];
    rl_stored_sets sets = RL_STORED_SETS_INIT;
    const char *slot = "t0:new_loop:H5_3.data";
    for (int i = 0; i < RL_STORED_SET_MAX; i++) {
        snprintf(texts[i], sizeof texts[i], "&t%d:create:H9_2", i);
        CHECK(rl_stored_sets_add(&sets, slot, texts[i]) == 1);
    }
    const rl_stored_set *s = rl_stored_sets_get(&sets, slot);
    CHECK(s && s->n == RL_STORED_SET_MAX && !s->overflowed);
    CHECK(rl_stored_sets_add(&sets, slot, texts[0]) == 0); /* a member: no change */
    snprintf(texts[RL_STORED_SET_MAX], sizeof texts[0], "&t%d:create:H9_2", RL_STORED_SET_MAX);
    CHECK(rl_stored_sets_add(&sets, slot, texts[RL_STORED_SET_MAX]) == 1);
    CHECK(s->overflowed && s->n == RL_STORED_SET_MAX);
    CHECK(rl_stored_sets_add(&sets, slot, texts[RL_STORED_SET_MAX]) == 0);
    CHECK(rl_stored_sets_add(&sets, slot, "&G:other") == 0);
    rl_stored_sets_free(&sets);
}

int main(void)
{
    test_members();
    test_overflow();
    return test_summary("stored_set");
}
