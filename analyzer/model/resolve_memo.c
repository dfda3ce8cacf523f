/* The resolution memo (resolve_memo.h). Two open-addressing tables:
 * binding tuples, each stored once so that a frame's bound values become
 * one pointer, and the answers, keyed by that pointer, the thread, the
 * function, the distinct mask and the string. Both hash pointers, never
 * text. */
#include "resolve_memo.h"
#include "../util/mem.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Answers kept before the memo is emptied: about 48 bytes each, so the
 * memo stays under ~100 MB on any program. */
#define MEMO_MAX_ENTRIES ((size_t)1 << 21)
#define INITIAL_SLOTS 1024

typedef struct bind_tuple {
    uint64_t hash;
    int n;
    const char *v[]; /* n interned values (NULL for an unbound parameter) */
} bind_tuple;

typedef struct memo_entry {
    const char *s;             /* NULL = empty slot */
    const bind_tuple *bind;
    const char *result;
    int32_t thread, fn;
    uint32_t distinct_mask;
    uint32_t reached_mask;
    uint8_t distinct, root_distinct;
} memo_entry;

struct tm_resolve_memo {
    bind_tuple **tuples; /* open addressing, at most half full */
    size_t ntuple_slots, ntuples;
    memo_entry *entries; /* open addressing, at most half full */
    size_t nentry_slots, nentries;
};

static uint64_t mix(uint64_t h, uint64_t x)
{
    h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

tm_resolve_memo *tm_memo_new(void)
{
    tm_resolve_memo *memo = rl_xcalloc(1, sizeof *memo);
    memo->ntuple_slots = memo->nentry_slots = INITIAL_SLOTS;
    memo->tuples = rl_xcalloc(memo->ntuple_slots, sizeof *memo->tuples);
    memo->entries = rl_xcalloc(memo->nentry_slots, sizeof *memo->entries);
    return memo;
}

void tm_memo_free(tm_resolve_memo *memo)
{
    if (!memo) return;
    for (size_t i = 0; i < memo->ntuple_slots; i++) free(memo->tuples[i]);
    free(memo->tuples);
    free(memo->entries);
    free(memo);
}

static uint64_t tuple_hash(const char *const *bind, int n)
{
    uint64_t h = (uint64_t)n + 1;
    for (int i = 0; i < n; i++) h = mix(h, (uint64_t)(uintptr_t)bind[i]);
    return h;
}

static int tuple_equal(const bind_tuple *t, uint64_t h, const char *const *bind, int n)
{
    if (t->hash != h || t->n != n) return 0;
    for (int i = 0; i < n; i++)
        if (t->v[i] != bind[i]) return 0;
    return 1;
}

/* The stored tuple equal to bind[0..n), added when add is set; NULL when
 * absent and not added. */
static const bind_tuple *find_tuple(tm_resolve_memo *memo, const char *const *bind, int n, int add)
{
    if (add && (memo->ntuples + 1) * 2 > memo->ntuple_slots) {
        size_t slots = memo->ntuple_slots * 2;
        bind_tuple **bigger = rl_xcalloc(slots, sizeof *bigger);
        for (size_t i = 0; i < memo->ntuple_slots; i++) {
            bind_tuple *t = memo->tuples[i];
            if (!t) continue;
            size_t j = t->hash & (slots - 1);
            while (bigger[j]) j = (j + 1) & (slots - 1);
            bigger[j] = t;
        }
        free(memo->tuples);
        memo->tuples = bigger;
        memo->ntuple_slots = slots;
    }
    uint64_t h = tuple_hash(bind, n);
    size_t mask = memo->ntuple_slots - 1, j = h & mask;
    for (; memo->tuples[j]; j = (j + 1) & mask)
        if (tuple_equal(memo->tuples[j], h, bind, n)) return memo->tuples[j];
    if (!add) return NULL;
    bind_tuple *t = rl_xmalloc(sizeof *t + (size_t)n * sizeof t->v[0]);
    t->hash = h;
    t->n = n;
    if (n) memcpy(t->v, bind, (size_t)n * sizeof t->v[0]);
    memo->tuples[j] = t;
    memo->ntuples++;
    return t;
}

static uint64_t entry_hash(const frame_env *env, const bind_tuple *t, const char *s)
{
    uint64_t h = mix((uint64_t)(uintptr_t)s, (uint64_t)(uintptr_t)t);
    h = mix(h, ((uint64_t)(uint32_t)env->thread << 32) | (uint32_t)env->fn);
    return mix(h, ((uint64_t)env->reached_distinct << 32) | env->distinct);
}

static int entry_matches(const memo_entry *e, const frame_env *env, const bind_tuple *t, const char *s)
{
    return e->s == s && e->bind == t && e->thread == env->thread && e->fn == env->fn &&
           e->distinct_mask == env->distinct && e->reached_mask == env->reached_distinct;
}

/* The slot of (env, t, s): its entry, or the empty slot where it goes. */
static memo_entry *entry_slot(tm_resolve_memo *memo, const frame_env *env, const bind_tuple *t, const char *s)
{
    size_t mask = memo->nentry_slots - 1, j = entry_hash(env, t, s) & mask;
    while (memo->entries[j].s && !entry_matches(&memo->entries[j], env, t, s)) j = (j + 1) & mask;
    return &memo->entries[j];
}

int tm_memo_get(tm_resolve_memo *memo, const frame_env *env, const char *s, const char **result, int *distinct,
                int *root_distinct)
{
    const bind_tuple *t = find_tuple(memo, env->bind, env->nbind, 0);
    if (!t) return 0;
    const memo_entry *e = entry_slot(memo, env, t, s);
    if (!e->s) return 0;
    *result = e->result;
    *distinct = e->distinct;
    *root_distinct = e->root_distinct;
    return 1;
}

/* Doubles the answer table, or empties it once it holds MEMO_MAX_ENTRIES
 * (invariant 3); tuples are kept, they are few. */
static void make_room(tm_resolve_memo *memo)
{
    if ((memo->nentries + 1) * 2 <= memo->nentry_slots) return;
    memo_entry *old = memo->entries;
    size_t nold = memo->nentry_slots;
    int empty = memo->nentries >= MEMO_MAX_ENTRIES;
    if (!empty) memo->nentry_slots *= 2;
    memo->entries = rl_xcalloc(memo->nentry_slots, sizeof *memo->entries);
    memo->nentries = 0;
    for (size_t i = 0; i < nold && !empty; i++) {
        if (!old[i].s) continue;
        frame_env env = {old[i].thread, old[i].fn, NULL, 0, old[i].distinct_mask, 0, old[i].reached_mask};
        *entry_slot(memo, &env, old[i].bind, old[i].s) = old[i];
        memo->nentries++;
    }
    free(old);
}

void tm_memo_put(tm_resolve_memo *memo, const frame_env *env, const char *s, const char *result, int distinct,
                 int root_distinct)
{
    make_room(memo);
    const bind_tuple *t = find_tuple(memo, env->bind, env->nbind, 1);
    memo_entry *e = entry_slot(memo, env, t, s);
    if (!e->s) memo->nentries++;
    *e = (memo_entry){s, t, result, env->thread, env->fn, env->distinct, env->reached_distinct, (uint8_t)distinct,
                      (uint8_t)root_distinct};
}
