/* The kept answers of the ownership questions (ownership_memo.h). */
#include "ownership_memo.h"
#include "../util/mem.h"
#include <stdint.h>
#include <stdlib.h>

#define INITIAL_ANSWER_SLOTS 16
/* The two questions, as indexes. */
#define NQUESTIONS 3

/* One kept answer about a text other than its node's own. */
typedef struct text_answer {
    const char *text; /* NULL = empty slot */
    int32_t node;
    unsigned char question;
    own_answer answer;
} text_answer;

/* The answers about a node's own text, by question. */
typedef struct node_answers {
    unsigned char known[NQUESTIONS];
    own_answer answer[NQUESTIONS];
} node_answers;

/* One function's answers. */
typedef struct fn_answers {
    node_answers *own;  /* nnodes entries, allocated on first use */
    text_answer *slots; /* open addressing, at most half full */
    size_t nslots, count;
} fn_answers;

struct own_memo {
    fn_answers *fns;
    size_t nfns;
};

own_memo *own_memo_new(size_t nfns)
{
    own_memo *memo = rl_xcalloc(1, sizeof *memo);
    memo->fns = rl_xcalloc(nfns + 1, sizeof *memo->fns);
    memo->nfns = nfns;
    return memo;
}

void own_memo_free(own_memo *memo)
{
    if (!memo) return;
    for (size_t i = 0; i < memo->nfns; i++) {
        free(memo->fns[i].own);
        free(memo->fns[i].slots);
    }
    free(memo->fns);
    free(memo);
}

static size_t text_hash(int32_t node, const char *text, int question)
{
    uint64_t h = ((uint64_t)(uint32_t)node << 2 | (uint64_t)question) * 0x9E3779B97F4A7C15ULL;
    h ^= (uint64_t)(uintptr_t)text;
    h *= 0xBF58476D1CE4E5B9ULL;
    return (size_t)(h ^ (h >> 31));
}

/* The slot of a question in t (which has slots): its kept answer, or the
 * empty slot where it goes. */
static text_answer *text_slot(const fn_answers *t, int32_t node, const char *text, int question)
{
    size_t mask = t->nslots - 1, j = text_hash(node, text, question) & mask;
    for (; t->slots[j].text; j = (j + 1) & mask) {
        const text_answer *a = &t->slots[j];
        if (a->text == text && a->node == node && a->question == question) break;
    }
    return &t->slots[j];
}

/* Gives t room for one more answer: its table doubled when it would be
 * more than half full. */
static void make_room(fn_answers *t)
{
    if ((t->count + 1) * 2 <= t->nslots) return;
    text_answer *old = t->slots;
    size_t nold = t->nslots;
    t->nslots = nold ? nold * 2 : INITIAL_ANSWER_SLOTS;
    t->slots = rl_xcalloc(t->nslots, sizeof *t->slots);
    for (size_t i = 0; i < nold; i++)
        if (old[i].text) *text_slot(t, old[i].node, old[i].text, old[i].question) = old[i];
    free(old);
}

const own_answer *own_memo_get(own_memo *memo, const rl_function *f, int fn, int32_t node, const char *text,
                               int question)
{
    const fn_answers *t = &memo->fns[fn];
    if (text == f->nodes[node].text) {
        const node_answers *na = t->own ? &t->own[node] : NULL;
        int q = question - OWN_QUESTION_FRESH;
        return na && na->known[q] ? &na->answer[q] : NULL;
    }
    const text_answer *a = t->count ? text_slot(t, node, text, question) : NULL;
    return a && a->text ? &a->answer : NULL;
}

const own_answer *own_memo_put(own_memo *memo, const rl_function *f, int fn, int32_t node, const char *text,
                               int question, int answer, const rl_handoff *handoff)
{
    fn_answers *t = &memo->fns[fn];
    own_answer kept = {(unsigned char)answer, *handoff};
    if (text == f->nodes[node].text) {
        if (!t->own) t->own = rl_xcalloc((size_t)f->nnodes, sizeof *t->own);
        int q = question - OWN_QUESTION_FRESH;
        t->own[node].known[q] = 1;
        t->own[node].answer[q] = kept;
        return &t->own[node].answer[q];
    }
    make_room(t);
    text_answer *a = text_slot(t, node, text, question);
    if (!a->text) t->count++;
    *a = (text_answer){text, node, (unsigned char)question, kept};
    return &a->answer;
}
