/* Globals that only one function names, which runs once (ownership.h):
 * a table of job arguments main fills element by element and hands out
 * by address (`ids[i] = i; submit(&ids[i]);`) is main's own until it
 * hands an element on, as a local array would be: every other function
 * reaches it only through a pointer main gave out, so what main wrote
 * into an element before handing it on in a synchronised way comes
 * before the taker's reads, and what it writes in a later round goes to
 * another element (round elements, ownership.c). So is a static pool
 * that only a producer thread started once names (`r = &reqs[i]; r->id
 * = i;` then, under the queue's lock, `STAILQ_INSERT_TAIL(&q, r, link)`):
 * the consumer reaches a request only through the queue. A global
 * another function names (a worker writing `results[i]`) is shared from
 * the start, as before.
 *
 * Invariants:
 *  1. A global is fn's when every place or value of the program rooted
 *     at it (a node's text, argument, guard or function pointer, with or
 *     without `&`) is in fn, no static initializer stores its address or
 *     into it, and fn runs once, in one thread: main, which no function
 *     calls by name; or a thread's entry that one spawn in main starts,
 *     outside any loop of main, and that no function calls or names as a
 *     value (it could be started or run again through it).
 *  2. The indexes of which function names each global and which
 *     functions run once are built on the first question, once
 *     (o->named_by, o->runs_once), and freed with o. */
#include "ownership_internal.h"
#include "place.h"
#include "../util/mem.h"
#include <ctype.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

/* The value stored per global in o->named_by: the one function naming it
 * (index + 1), or this when several do. */
#define NAMED_BY_SEVERAL ((void *)(intptr_t)-1)

/* How a global's place starts (facts.h). */
#define GLOBAL_ROOT "G:"

/* Records that function fn names the global at the root of s (when s is
 * rooted at one). */
static void note_root(rl_ownership *o, int fn, const char *s)
{
    if (rl_place_root(s, NULL) != RL_ROOT_GLOBAL) return;
    /* inside a choice or a call value, the name ends at its separator */
    size_t len = rl_place_root_len(s), inside = strcspn(s, RL_CALL_SEP RL_CALL_END);
    void **slot = rl_ptrmap_slot(&o->named_by, rl_intern_n(o->p->pool, s, inside < len ? inside : len));
    void *me = (void *)(intptr_t)(fn + 1);
    *slot = !*slot || *slot == me ? me : NAMED_BY_SEVERAL;
}

/* Whether c may end a name, so that a "G:" after it starts a place. */
static int name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '\'';
}

/* Records every global s names: at its root, and inside the choices and
 * call values it holds (`%long|&G:a|&G:b`: a pointer that may hold either
 * global; `@L_C|get|long|&G:a`: what `get(&a)` returns). Only the root
 * counted before, and a worker's `(*(sel ? &a : &b))++` left `a` main's
 * own: main's writes to it were dropped (round 28's r04). */
static void note_name(rl_ownership *o, int fn, const char *s)
{
    if (!s) return;
    for (const char *p = strstr(s, GLOBAL_ROOT); p; p = strstr(p + 1, GLOBAL_ROOT))
        if (p == s || !name_char(p[-1])) note_root(o, fn, p);
}

/* Records that the global at the root of s is named outside any one
 * function (a static initializer's pointer to it: reachable by anyone
 * from the start). */
static void note_shared(rl_ownership *o, const char *s)
{
    if (!s) return;
    if (s[0] == '&') s++;
    if (rl_place_root(s, NULL) != RL_ROOT_GLOBAL) return;
    *rl_ptrmap_slot(&o->named_by, rl_intern_n(o->p->pool, s, rl_place_root_len(s))) = NAMED_BY_SEVERAL;
}

static void index_names(rl_ownership *o)
{
    o->named_by_built = 1;
    for (size_t u = 0; u < o->p->nunits; u++) {
        const rl_unit_facts *f = o->p->units[u];
        for (int32_t i = 0; f && i < f->nstatics; i++) {
            note_shared(o, f->statics[i].place);
            note_shared(o, f->statics[i].value);
        }
    }
    for (size_t fn = 0; fn < o->p->nfns; fn++) {
        const rl_function *f = o->p->fns[fn].fn;
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            note_name(o, (int)fn, n->text);
            note_name(o, (int)fn, n->guard);
            note_name(o, (int)fn, n->fnptr);
            for (int32_t a = 0; a < n->nargs; a++) note_name(o, (int)fn, n->args[a]);
        }
    }
}

/* What the program does with a function, as index_runs gathers it. */
enum {
    FN_CALLED = 1,      /* a call names it (not a spawn) */
    FN_VALUE = 2,       /* a value names it ("fn:" USR) */
    FN_SPAWNED = 4,     /* a spawn starts it */
    FN_SPAWNED_MORE = 8 /* by another spawn, or by one in a loop or outside main */
};

/* The function a "fn:" value or a callee's USR names, or -1. */
static int fn_named(const rl_ownership *o, const char *usr)
{
    const char *key = usr ? rl_strpool_find(o->p->pool, usr) : NULL;
    return key ? rl_program_find(o->p, key) : -1;
}

static void note_value(const rl_ownership *o, unsigned char *use, const char *v)
{
    int target = v && strncmp(v, RL_NULL_FUNCTION, strlen(RL_NULL_FUNCTION)) == 0
                     ? fn_named(o, v + strlen(RL_NULL_FUNCTION))
                     : -1;
    if (target >= 0) use[target] |= FN_VALUE;
}

/* Whether node i of main lies inside a loop that may run more than once
 * (not `do { } while (0)`, nor a loop left in its first pass). */
static int in_loop(const rl_function *f, int32_t i)
{
    for (int32_t a = f->nodes[i].parent; a >= 0; a = f->nodes[a].parent)
        if (rl_node_is_repeating_loop(&f->nodes[a])) return 1;
    return 0;
}

/* Fills o->runs_once (invariant 1): one pass over every node. */
static void index_runs(rl_ownership *o)
{
    const rl_program *p = o->p;
    unsigned char *use = rl_xcalloc(p->nfns + 1, 1);
    for (size_t u = 0; u < p->nunits; u++) {
        const rl_unit_facts *f = p->units[u];
        for (int32_t i = 0; f && i < f->nstatics; i++) note_value(o, use, f->statics[i].value);
    }
    for (size_t fn = 0; fn < p->nfns; fn++) {
        const rl_fn_info *info = &p->fns[fn];
        for (int32_t i = 0; i < info->fn->nnodes; i++) {
            const rl_node *n = &info->fn->nodes[i];
            int callee = info->callees[i] ? fn_named(o, info->callees[i]) : -1;
            if (callee >= 0 && n->kind == RL_N_SPAWN) {
                int more = (use[callee] & FN_SPAWNED) || (int)fn != p->main_fn || in_loop(info->fn, i);
                use[callee] |= FN_SPAWNED | (more ? FN_SPAWNED_MORE : 0);
            } else if (callee >= 0) {
                use[callee] |= FN_CALLED;
            }
            note_value(o, use, n->text);
            note_value(o, use, n->fnptr);
            for (int32_t a = 0; a < n->nargs; a++) note_value(o, use, n->args[a]);
        }
    }
    o->runs_once = rl_xcalloc(p->nfns + 1, 1);
    int main_once = p->main_fn >= 0 && !(use[p->main_fn] & (FN_CALLED | FN_VALUE | FN_SPAWNED));
    for (size_t fn = 0; fn < p->nfns; fn++)
        o->runs_once[fn] = (int)fn == p->main_fn ? main_once : main_once && use[fn] == FN_SPAWNED;
    free(use);
}

/* The one function naming the global at `root` when it runs once
 * (invariant 1), or -1. */
static int sole_owner(rl_ownership *o, const char *root)
{
    if (!o->named_by_built) {
        index_names(o);
        index_runs(o);
    }
    const char *key = rl_strpool_find(o->p->pool, root);
    void *by = key ? rl_ptrmap_get(&o->named_by, key) : NULL;
    if (!by || by == NAMED_BY_SEVERAL) return -1;
    int fn = (int)(intptr_t)by - 1;
    return o->runs_once[fn] ? fn : -1;
}

int own_global_is_owners(rl_ownership *o, int fn, const char *root)
{
    return fn >= 0 && sole_owner(o, root) == fn;
}

int rl_ownership_global_has_one_owner(rl_ownership *o, const char *root)
{
    return sole_owner(o, root) >= 0;
}
