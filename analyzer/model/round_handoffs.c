/* Hand-offs lined up round by round by a semaphore (threads_internal.h,
 * tm_rounds_line_up): a producer fills the element of an array its loop's
 * counter indexes and posts a semaphore, once a round; a consumer waits
 * on it, once a round, then touches the element its own loop's counter
 * indexes:
 *
 *     for (n = 0; n < N; n++) { jobs[n].input = n; sem_post(&todo); }
 *     for (n = 0; n < N; n++) { sem_wait(&todo); use(jobs[n].input); }
 *
 * The k-th wait returns after the k-th post, so the consumer's round k
 * comes after the producer's round k, and two rounds of the same number
 * are the only ones touching one element. A post in a loop that does not
 * wait orders nothing on its own (flow_posts.c: a waiter woken by the
 * round before may be reading while the next round writes), which made
 * every such pair a race (round 31's r05: a counting semaphore's n-th
 * post matching the n-th wait).
 *
 * Invariants (each a condition the answer needs; any doubt is "no"):
 *  1. Both accesses are made by a thread's entry itself (its first
 *     context), in a thread that runs once (not several instances), the
 *     only context of that function in the whole model (no second thread
 *     started on it, no call of it from elsewhere: each wait and post
 *     runs in one thread, and only there), each
 *     to the element its innermost `for`'s bare counter indexes
 *     (RL_ROUND_ELEMENT), both `for`s starting at the same constant
 *     (RL_N_LOOP's second argument), neither inside another loop, and no
 *     jump (break, continue, return, goto) anywhere in either loop.
 *  2. The semaphore is a global, set up empty (RL_LOCK_STARTS_EMPTY) by
 *     every set-up the program makes of it, posted by exactly one node
 *     and waited on by exactly one node of the whole program: the
 *     producer's post, straight in its loop's body (no branch) after the
 *     access, and the consumer's wait, straight in its loop's body before
 *     the access, a wait that returns only with a token (not
 *     sem_trywait's or sem_timedwait's). So each round posts once and
 *     waits once, and nothing else gives or takes a token.
 *  3. The program's posts, waits and set-ups per global semaphore are
 *     counted once, when the model is built (tm_count_round_sems, into
 *     m->round_sems), each count kept up to 2 ("more than one"), packed
 *     in the map's value; so are the contexts of each function
 *     (m->fn_contexts, up to 2); the questions only read them. */
#include "threads_internal.h"
#include "discovery.h"
#include "place.h"
#include "../apimodel/apimodel.h"
#include <stdint.h>

/* How a global semaphore's uses are counted in m->round_sems' values:
 * four counts of two bits each, each saturating at COUNT_MANY, the whole
 * plus one (a map value is never NULL). */
enum { COUNT_POSTS, COUNT_WAITS, COUNT_EMPTY_INITS, COUNT_OTHER_INITS, NCOUNTS };
#define COUNT_BITS 2
#define COUNT_MASK 3u
#define COUNT_MANY 2u

static unsigned count_of(uintptr_t packed, int which)
{
    return (unsigned)(packed >> (which * COUNT_BITS)) & COUNT_MASK;
}

/* Adds one use of kind `which` of global semaphore `object` (interned). */
static void count_use(rl_model *m, const char *object, int which)
{
    if (!object || rl_place_root(object, NULL) != RL_ROOT_GLOBAL) return;
    void **slot = rl_ptrmap_slot(&m->round_sems, object);
    uintptr_t packed = *slot ? (uintptr_t)*slot - 1 : 0;
    unsigned n = count_of(packed, which);
    if (n < COUNT_MANY) packed += (uintptr_t)1 << (which * COUNT_BITS);
    *slot = (void *)(packed + 1);
}

void tm_count_round_sems(rl_model *m)
{
    const rl_program *p = m->program;
    m->fn_contexts = rl_xcalloc(p->nfns + 1, 1);
    for (size_t c = 0; c < m->nctxs; c++)
        if (m->fn_contexts[m->ctxs[c].fn] < COUNT_MANY) m->fn_contexts[m->ctxs[c].fn]++;
    for (size_t fn = 0; fn < p->nfns; fn++) {
        const rl_function *f = p->fns[fn].fn;
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            if (n->kind == RL_N_CALL) {
                /* a barrier is no semaphore (sem_of): not counted */
                if (rl_program_sync_object(p, &p->fns[fn], i, RL_API_BARRIER)) continue;
                count_use(m, rl_program_sync_object(p, &p->fns[fn], i, RL_API_POST), COUNT_POSTS);
                count_use(m, rl_program_sync_object(p, &p->fns[fn], i, RL_API_WAIT), COUNT_WAITS);
            } else if (n->kind == RL_N_LOCKINIT && !(n->flags & RL_LOCK_DESTROY) && n->text) {
                /* interned in the program's pool, as the sync objects are */
                count_use(m, rl_intern(p->pool, n->text),
                          (n->flags & RL_LOCK_STARTS_EMPTY) ? COUNT_EMPTY_INITS : COUNT_OTHER_INITS);
            }
        }
    }
}

/* The constant a loop's counter starts at (RL_N_LOOP's second argument),
 * -1 when the facts do not say. */
static long long loop_start(const rl_node *l)
{
    long long start, bound;
    return l->nargs >= 2 && rl_loop_counter_range(l, &start, &bound) ? start : -1;
}

/* The loop whose rounds access x is made in, when invariant 1 holds for
 * x; its node in *loop, its function in *f. */
static int round_of(const rl_model *m, const rl_access *x, const rl_function **f, int32_t *loop)
{
    const rl_ctx *c = &m->ctxs[x->ctx];
    const rl_thread *t = &m->threads[x->thread];
    if (c->parent_ctx >= 0 || c->fn != t->entry_fn || t->multi || x->index >= 0 || !m->fn_contexts ||
        m->fn_contexts[c->fn] != 1)
        return 0;
    *f = fn_of(m, c->fn);
    const rl_node *n = &(*f)->nodes[x->node];
    if (n->kind != RL_N_ACCESS || !rl_api_is_round(n->api)) return 0;
    *loop = tm_innermost_loop(*f, x->node);
    if (*loop < 0 || tm_outermost_loop(*f, x->node) != *loop) return 0;
    const rl_node *l = &(*f)->nodes[*loop];
    if (loop_start(l) < 0) return 0;
    for (int32_t i = *loop; i <= l->end; i++)
        if (rl_node_is_jump(&(*f)->nodes[i])) return 0;
    return 1;
}

/* Whether node i of f runs once in every round of `loop`: only sequences
 * between it and the loop (no branch, no inner loop). */
static int straight_in(const rl_function *f, int32_t loop, int32_t i)
{
    int32_t p = f->nodes[i].parent;
    while (p >= 0 && p != loop && f->nodes[p].kind == RL_N_SEQ) p = f->nodes[p].parent;
    return p == loop;
}

/* The global semaphore node i of fn posts (kind RL_API_POST) or waits on
 * (RL_API_WAIT), not a barrier, nor a wait that may return without a
 * token (sem_trywait, sem_timedwait); else NULL. */
static const char *sem_of(const rl_model *m, int fn, int32_t i, int kind)
{
    const rl_program *p = m->program;
    if (p->fns[fn].fn->nodes[i].kind != RL_N_CALL || rl_program_sync_object(p, &p->fns[fn], i, RL_API_BARRIER) ||
        (kind == RL_API_WAIT && rl_program_wait_can_fail(p, &p->fns[fn], i)))
        return NULL;
    const char *object = rl_program_sync_object(p, &p->fns[fn], i, kind);
    return object && rl_place_root(object, NULL) == RL_ROOT_GLOBAL ? object : NULL;
}

/* Whether the program uses semaphore `object` as invariant 2 says. */
static int used_once_each(const rl_model *m, const char *object)
{
    void *v = rl_ptrmap_get(&m->round_sems, object);
    if (!v) return 0;
    uintptr_t packed = (uintptr_t)v - 1;
    return count_of(packed, COUNT_POSTS) == 1 && count_of(packed, COUNT_WAITS) == 1 &&
           count_of(packed, COUNT_EMPTY_INITS) >= 1 && count_of(packed, COUNT_OTHER_INITS) == 0;
}

int tm_rounds_line_up(const rl_model *m, const rl_access *producer, const rl_access *consumer)
{
    const rl_function *pf, *cf;
    int32_t ploop, cloop;
    /* round_of makes sure both loops say where they start */
    if (producer->thread == consumer->thread || !round_of(m, producer, &pf, &ploop) ||
        !round_of(m, consumer, &cf, &cloop) || loop_start(&pf->nodes[ploop]) != loop_start(&cf->nodes[cloop]))
        return 0;
    int pfn = m->ctxs[producer->ctx].fn, cfn = m->ctxs[consumer->ctx].fn;
    /* the consumer's wait before its access, straight in its round */
    for (int32_t w = cloop; w < consumer->node; w++) {
        const char *object = sem_of(m, cfn, w, RL_API_WAIT);
        if (!object || !straight_in(cf, cloop, w) || !used_once_each(m, object)) continue;
        /* and the producer's post on it after its access, straight in
         * its round */
        for (int32_t q = producer->node + 1; q <= pf->nodes[ploop].end; q++)
            if (sem_of(m, pfn, q, RL_API_POST) == object && straight_in(pf, ploop, q)) return 1;
    }
    return 0;
}
