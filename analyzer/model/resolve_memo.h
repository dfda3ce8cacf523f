/* A memo of resolution (resolve.c): the program-wide name of one fact
 * string in one frame. Contexts of one function that differ only in their
 * entry locks or phase bind the same values, and resolving the same
 * access or argument again in each was most of the whole-program phase on
 * real code (building and interning long names). Resolution is a pure
 * function of the frame (thread, function, bound values, which parameters
 * are distinct) and of the string, so its answers can be kept.
 *
 * Invariants:
 *  1. Keys are compared by pointer: the string and every bound value
 *     outlive the memo (fact strings, interned names, literals). Two
 *     copies of one text are two keys: a miss, never a wrong answer.
 *  2. A hit returns exactly what resolving again would: nothing read by
 *     resolution changes after the model starts exploring (return
 *     summaries, ownership, choices are fixed by then).
 *  3. The memo is bounded (MEMO_MAX_ENTRIES); when full it is emptied,
 *     which costs time, never a different answer. */
#ifndef RL_RESOLVE_MEMO_H
#define RL_RESOLVE_MEMO_H
#include "threads_internal.h"

typedef struct tm_resolve_memo tm_resolve_memo;

tm_resolve_memo *tm_memo_new(void);
void tm_memo_free(tm_resolve_memo *memo);

/* The remembered resolution of s in env: 1 with *result and the two
 * "distinct" answers set, 0 when not remembered. */
int tm_memo_get(tm_resolve_memo *memo, const frame_env *env, const char *s, const char **result, int *distinct,
                int *root_distinct);
void tm_memo_put(tm_resolve_memo *memo, const frame_env *env, const char *s, const char *result, int distinct,
                 int root_distinct);

/* Whether tm_memo_stores_mark marked env's frame at this generation of
 * the stores (rl_model.stores_generation): recording the frame's stores
 * then changed nothing, and nothing has changed since, so recording them
 * again would change nothing either (resolve.c, tm_record_stores). */
int tm_memo_stores_unchanged(tm_resolve_memo *memo, const frame_env *env, uint64_t generation);
void tm_memo_stores_mark(tm_resolve_memo *memo, const frame_env *env, uint64_t generation);
#endif
