/* The resolution memo (resolve_memo.h). Answers are kept per frame: a
 * table of frames (thread, function, distinct and reached masks, bound
 * values), each with its own small open-addressing table of answers keyed by the
 * string's address. A context resolves many strings in one frame in a
 * row (its accesses, its calls' arguments, its locks), so the frame is
 * found once (RECENT_FRAMES remembers the last few) and its answers sit
 * together in memory: one program-wide table of every answer made each
 * look-up a cache miss, the largest single cost of the whole-program
 * phase on sqlite (perf: 18 %).
 *
 * Invariants (besides resolve_memo.h's):
 *  1. A frame owns a copy of its bound values (pointers to interned
 *     names): the caller's array may be a temporary.
 *  2. Both kinds of table are at most half full; every key is compared
 *     by value (frames) or by address (strings), never by text. */
#include "resolve_memo.h"
#include "../util/mem.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Answers kept before the memo is emptied: about 48 bytes each with the
 * slack of the tables, so the memo stays under ~100 MB on any program. */
#define MEMO_MAX_ENTRIES ((size_t)1 << 21)
#define INITIAL_FRAME_SLOTS 1024
#define INITIAL_ANSWER_SLOTS 8
/* Frames looked up last, checked before hashing: resolving one string
 * may step into a callee's frame (a call's result) and back. */
#define RECENT_FRAMES 4

typedef struct memo_answer {
    const char *s; /* NULL = empty slot */
    const char *result;
    uint8_t distinct, root_distinct;
} memo_answer;

typedef struct memo_frame {
    uint64_t hash;
    int32_t thread, fn;
    uint32_t distinct_mask, reached_mask;
    int once_routine; /* heap objects are named apart in a once-routine */
    int nbind;
    const char **bind; /* nbind interned values (NULL: unbound), owned */
    memo_answer *answers; /* open addressing; NULL until the first answer */
    size_t nslots, count;
    uint64_t stores_mark; /* tm_memo_stores_mark's generation + 1; 0: none */
} memo_frame;

struct tm_resolve_memo {
    memo_frame **frames; /* open addressing, at most half full */
    size_t nframe_slots, nframes;
    size_t nanswers; /* over every frame */
    memo_frame *recent[RECENT_FRAMES];
    unsigned next_recent;
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
    memo->nframe_slots = INITIAL_FRAME_SLOTS;
    memo->frames = rl_xcalloc(memo->nframe_slots, sizeof *memo->frames);
    return memo;
}

void tm_memo_free(tm_resolve_memo *memo)
{
    if (!memo) return;
    for (size_t i = 0; i < memo->nframe_slots; i++) {
        memo_frame *f = memo->frames[i];
        if (!f) continue;
        free(f->bind);
        free(f->answers);
        free(f);
    }
    free(memo->frames);
    free(memo);
}

static uint64_t frame_hash(const frame_env *env)
{
    uint64_t h = mix((uint64_t)env->nbind + 1, ((uint64_t)(uint32_t)env->thread << 32) | (uint32_t)env->fn);
    h = mix(h, ((uint64_t)env->reached_distinct << 32) | env->distinct);
    h = mix(h, (uint64_t)(env->once_routine != 0));
    for (int i = 0; i < env->nbind; i++) h = mix(h, (uint64_t)(uintptr_t)env->bind[i]);
    return h;
}

static int frame_is(const memo_frame *f, const frame_env *env)
{
    if (f->thread != env->thread || f->fn != env->fn || f->distinct_mask != env->distinct ||
        f->reached_mask != env->reached_distinct || f->once_routine != (env->once_routine != 0) ||
        f->nbind != env->nbind)
        return 0;
    for (int i = 0; i < env->nbind; i++)
        if (f->bind[i] != env->bind[i]) return 0;
    return 1;
}

/* Doubles the frame table when it would be more than half full. */
static void grow_frames(tm_resolve_memo *memo)
{
    if ((memo->nframes + 1) * 2 <= memo->nframe_slots) return;
    size_t slots = memo->nframe_slots * 2;
    memo_frame **bigger = rl_xcalloc(slots, sizeof *bigger);
    for (size_t i = 0; i < memo->nframe_slots; i++) {
        memo_frame *f = memo->frames[i];
        if (!f) continue;
        size_t j = f->hash & (slots - 1);
        while (bigger[j]) j = (j + 1) & (slots - 1);
        bigger[j] = f;
    }
    free(memo->frames);
    memo->frames = bigger;
    memo->nframe_slots = slots;
}

/* The frame of env, added when add is set; NULL when absent and not
 * added. */
static memo_frame *find_frame(tm_resolve_memo *memo, const frame_env *env, int add)
{
    for (unsigned k = 0; k < RECENT_FRAMES; k++) {
        memo_frame *f = memo->recent[k];
        if (f && frame_is(f, env)) return f;
    }
    if (add) grow_frames(memo);
    uint64_t h = frame_hash(env);
    size_t mask = memo->nframe_slots - 1, j = h & mask;
    memo_frame *found = NULL;
    for (; memo->frames[j] && !found; j = (j + 1) & mask)
        if (memo->frames[j]->hash == h && frame_is(memo->frames[j], env)) found = memo->frames[j];
    if (!found && !add) return NULL;
    if (!found) {
        found = rl_xcalloc(1, sizeof *found);
        found->hash = h;
        found->thread = env->thread;
        found->fn = env->fn;
        found->distinct_mask = env->distinct;
        found->reached_mask = env->reached_distinct;
        found->once_routine = env->once_routine != 0;
        found->nbind = env->nbind;
        found->bind = rl_xcalloc((size_t)env->nbind + 1, sizeof *found->bind);
        for (int i = 0; i < env->nbind; i++) found->bind[i] = env->bind[i];
        memo->frames[j] = found;
        memo->nframes++;
    }
    memo->recent[memo->next_recent++ % RECENT_FRAMES] = found;
    return found;
}

/* The slot of s in frame f: its answer, or the empty slot where it goes.
 * f has answer slots. */
static memo_answer *answer_slot(const memo_frame *f, const char *s)
{
    size_t mask = f->nslots - 1, j = mix(0, (uint64_t)(uintptr_t)s) & mask;
    while (f->answers[j].s && f->answers[j].s != s) j = (j + 1) & mask;
    return &f->answers[j];
}

int tm_memo_get(tm_resolve_memo *memo, const frame_env *env, const char *s, const char **result, int *distinct,
                int *root_distinct)
{
    const memo_frame *f = find_frame(memo, env, 0);
    if (!f || !f->count) return 0;
    const memo_answer *a = answer_slot(f, s);
    if (!a->s) return 0;
    *result = a->result;
    *distinct = a->distinct;
    *root_distinct = a->root_distinct;
    return 1;
}

/* Empties every frame's answers once the memo holds MEMO_MAX_ENTRIES
 * (resolve_memo.h, invariant 3); frames are kept. */
static void bound_answers(tm_resolve_memo *memo)
{
    if (memo->nanswers < MEMO_MAX_ENTRIES) return;
    for (size_t i = 0; i < memo->nframe_slots; i++) {
        memo_frame *f = memo->frames[i];
        if (!f) continue;
        free(f->answers);
        f->answers = NULL;
        f->nslots = f->count = 0;
    }
    memo->nanswers = 0;
}

/* Gives f room for one more answer: its table doubled when it would be
 * more than half full. */
static void grow_answers(memo_frame *f)
{
    if ((f->count + 1) * 2 <= f->nslots) return;
    memo_answer *old = f->answers;
    size_t nold = f->nslots;
    f->nslots = nold ? nold * 2 : INITIAL_ANSWER_SLOTS;
    f->answers = rl_xcalloc(f->nslots, sizeof *f->answers);
    for (size_t i = 0; i < nold; i++)
        if (old[i].s) *answer_slot(f, old[i].s) = old[i];
    free(old);
}

void tm_memo_put(tm_resolve_memo *memo, const frame_env *env, const char *s, const char *result, int distinct,
                 int root_distinct)
{
    bound_answers(memo);
    memo_frame *f = find_frame(memo, env, 1);
    grow_answers(f);
    memo_answer *a = answer_slot(f, s);
    if (!a->s) {
        f->count++;
        memo->nanswers++;
    }
    *a = (memo_answer){s, result, (uint8_t)distinct, (uint8_t)root_distinct};
}

int tm_memo_stores_unchanged(tm_resolve_memo *memo, const frame_env *env, uint64_t generation)
{
    const memo_frame *f = find_frame(memo, env, 0);
    return f && f->stores_mark == generation + 1;
}

void tm_memo_stores_mark(tm_resolve_memo *memo, const frame_env *env, uint64_t generation)
{
    find_frame(memo, env, 1)->stores_mark = generation + 1;
}
