/* The code a set of facts makes dead (known.h, rl_known_dead): the
 * branches of value tests the facts decide, walked from a function's
 * root, remembered per function and set of facts.
 *
 * Invariants: those of known.c; a dead map is made once per (function,
 * facts) key and owned by the index (rl_known_free frees it). */
#include "known_internal.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdlib.h>
#include <string.h>

/* Nesting of statements the dead-code walk follows; deeper code is left
 * live (as flow says), which only keeps findings. */
#define MAX_WALK_DEPTH 2048

/* The answer "nothing decided", remembered in the dead memo. */
static uint8_t no_dead;

typedef struct dead_walk {
    const rl_known_index *k;
    const rl_function *f;
    const rl_known_fact *facts;
    int nfacts;
    uint8_t *dead;
    int32_t *decided_by; /* per fact: the furthest loop_extent of the
                            tests it decided, or -1 */
    int decided;
} dead_walk;

/* 1 / 0 when the facts decide IF node i's condition, else -1. */
static int decide(dead_walk *w, int32_t i)
{
    const rl_node *t = &w->f->nodes[i];
    if (t->kind != RL_N_IF || !(t->flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE))) return -1;
    const char *place = rl_strpool_find(w->k->p->pool, t->text);
    for (int k = 0; k < w->nfacts; k++) {
        const rl_known_fact *fact = &w->facts[k];
        if (fact->place != place) continue;
        long long value = strtoll(t->display, NULL, 10);
        int is_value; /* G == value: 1, G != value: 0, unknown: -1 */
        if (fact->eq) is_value = fact->value == value;
        else is_value = fact->value == value ? 0 : -1;
        if (is_value < 0) return -1;
        int32_t ext = tk_loop_extent(w->f, i, -1);
        if (ext > w->decided_by[k]) w->decided_by[k] = ext;
        int holds = (t->flags & RL_IF_VALUE_EQ) ? is_value : !is_value; /* the test */
        /* a test one way decides its condition one way (facts.h): an
         * `&&` whose left operand fails, an `||` whose left one holds */
        int knows = rl_known_branch_knowing(t);
        if ((knows == 1 && holds) || (knows == 2 && !holds)) return -1;
        w->decided++;
        return holds;
    }
    return -1;
}

/* Marks the nodes of i's subtree that cannot run when i is entered with
 * `live`; whether control may leave i at its end. switch_live: whether
 * the enclosing switch runs (its case labels are entered from it). */
static int walk(dead_walk *w, int32_t i, int live, int switch_live, int depth)
{
    const rl_node *n = &w->f->nodes[i];
    if (!live) w->dead[i] = 1;
    if (depth > MAX_WALK_DEPTH) return 1;
    switch (n->kind) {
    case RL_N_SEQ: {
        int cur = live;
        for (int32_t c = n->first_child; c >= 0; c = w->f->nodes[c].next_sibling) {
            /* a label may be reached by a jump from anywhere; a case from
             * its switch */
            if (w->f->nodes[c].kind == RL_N_LABEL) cur = 1;
            if (w->f->nodes[c].kind == RL_N_CASE) cur = switch_live;
            cur = walk(w, c, cur, switch_live, depth + 1);
        }
        return cur;
    }
    case RL_N_IF: {
        walk(w, rl_fn_child(w->f, i, 0), live, switch_live, depth + 1);
        int d = live ? decide(w, i) : -1;
        int t = walk(w, rl_fn_child(w->f, i, 1), live && d != 0, switch_live, depth + 1);
        int e = walk(w, rl_fn_child(w->f, i, 2), live && d != 1, switch_live, depth + 1);
        return t || e;
    }
    case RL_N_LOOP:
        for (int k = 0; k < 3; k++) walk(w, rl_fn_child(w->f, i, k), live, switch_live, depth + 1);
        return live;
    case RL_N_SWITCH:
        walk(w, rl_fn_child(w->f, i, 0), live, switch_live, depth + 1);
        walk(w, rl_fn_child(w->f, i, 1), live, live, depth + 1);
        return live;
    default:
        if (rl_node_is_jump(n)) return 0;
        /* events: their own subtree is themselves */
        for (int32_t c = n->first_child; c >= 0; c = w->f->nodes[c].next_sibling)
            walk(w, c, live, switch_live, depth + 1);
        return live;
    }
}

const uint8_t *rl_known_dead(rl_known_index *k, int fn, const rl_known_set *facts)
{
    if (!k || !facts || !k->any || !k->fns[fn].tests) return NULL;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append_int(&sb, fn);
    rl_sb_appendc(&sb, '|');
    rl_sb_append(&sb, facts->key);
    const char *key = rl_intern(k->p->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    void **slot = rl_ptrmap_slot(&k->dead, key);
    if (*slot) return *slot == &no_dead ? NULL : *slot;
    const rl_function *f = k->p->fns[fn].fn;
    rl_known_fact kept[RL_KNOWN_MAX];
    int nkept = facts->n;
    memcpy(kept, facts->e, (size_t)nkept * sizeof *kept);
    uint8_t *dead = rl_xcalloc((size_t)f->nnodes, 1);
    int32_t decided_by[RL_KNOWN_MAX];
    /* Optimistic: decide with every fact, then drop a fact that some live
     * kill comes before a test it decided (the loop's next round included)
     * and decide again, until every fact kept holds where it is used. */
    for (;;) {
        memset(dead, 0, (size_t)f->nnodes);
        for (int i = 0; i < nkept; i++) decided_by[i] = -1;
        dead_walk w = {k, f, kept, nkept, dead, decided_by, 0};
        walk(&w, 0, 1, 1, 0);
        int dropped = -1;
        for (int i = 0; i < nkept && dropped < 0; i++) {
            if (rl_known_param_of(kept[i].place) >= 0) continue; /* nothing kills it */
            int b = tk_bit_of(k, kept[i].place);
            if (decided_by[i] >= 0 && tk_killed_between(k, fn, dead, b, -1, decided_by[i], -1, -1, 0)) dropped = i;
        }
        if (dropped < 0 && w.decided) {
            RL_PUSH(k->all_dead, k->ndead, k->cap_dead, dead);
            *slot = dead;
            return dead;
        }
        if (dropped < 0 || nkept == 1) break;
        memmove(&kept[dropped], &kept[dropped + 1], (size_t)(nkept - dropped - 1) * sizeof *kept);
        nkept--;
    }
    free(dead);
    *slot = &no_dead;
    return NULL;
}

