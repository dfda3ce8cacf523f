/* The answers of rl_ownership_fresh_at, rl_ownership_taken_at and
 * rl_ownership_given_back_at, kept
 * (ownership.c): both are asked again in every context of a function, and
 * both depend only on the function, the node and the text. Internal to
 * ownership.c.
 *
 * Invariants:
 *  1. A text is keyed by its address: it outlives the memo (a fact
 *     string). Two copies of one text are two keys: a second asking, never
 *     a wrong answer.
 *  2. Answers about a node's own text (an access) sit in an array by node,
 *     the rest (a call's arguments) in a table per function: a context
 *     asks about its own function's nodes in a row. */
#ifndef RL_OWNERSHIP_MEMO_H
#define RL_OWNERSHIP_MEMO_H
#include "ownership.h"
#include "../facts/facts.h"
#include <stddef.h>

enum { OWN_QUESTION_FRESH = 1, OWN_QUESTION_TAKEN, OWN_QUESTION_GIVEN_BACK };

typedef struct own_answer {
    unsigned char answer;
    rl_handoff handoff; /* when answer is set */
} own_answer;

typedef struct own_memo own_memo;

own_memo *own_memo_new(size_t nfns);
void own_memo_free(own_memo *memo);
/* The kept answer to question about (fn, node, text), node being one of
 * the nodes of fn's facts f; NULL when not asked yet. */
const own_answer *own_memo_get(own_memo *memo, const rl_function *f, int fn, int32_t node, const char *text,
                               int question);
/* Keeps an answer; returns it as kept. */
const own_answer *own_memo_put(own_memo *memo, const rl_function *f, int fn, int32_t node, const char *text,
                               int question, int answer, const rl_handoff *handoff);
#endif
