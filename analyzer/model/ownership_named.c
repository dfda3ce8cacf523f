/* Globals that only main names (ownership.h): a table of job arguments
 * main fills element by element and hands out by address (`ids[i] = i;
 * submit(&ids[i]);`) is main's own until it hands an element on, as a
 * local array would be: every other function reaches it only through a
 * pointer main gave out, so what main wrote into an element before
 * handing it on in a synchronised way comes before the taker's reads, and
 * what it writes in a later round goes to another element (round
 * elements, ownership.c). A global another function names (a worker
 * writing `results[i]`) is shared from the start, as before.
 *
 * Invariants:
 *  1. A global is main's when every place or value of the program rooted
 *     at it (a node's text, argument, guard or function pointer, with or
 *     without `&`) is in main, no static initializer stores its address
 *     or into it, and main is no function's callee by name: one thread
 *     runs it, once.
 *  2. The index of which function names each global is built on the
 *     first question, once (o->named_by), and freed with o. */
#include "ownership_internal.h"
#include "place.h"
#include "../util/mem.h"
#include <ctype.h>
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

/* Whether a function calls main by name (invariant 1). */
static int main_is_called(const rl_ownership *o)
{
    const char *usr = o->p->fns[o->p->main_fn].usr;
    for (size_t fn = 0; fn < o->p->nfns; fn++) {
        const rl_fn_info *info = &o->p->fns[fn];
        for (int32_t i = 0; i < info->fn->nnodes; i++)
            if (info->callees[i] && strcmp(info->callees[i], usr) == 0) return 1;
    }
    return 0;
}

int own_global_is_mains(rl_ownership *o, int fn, const char *root)
{
    if (fn < 0 || fn != o->p->main_fn) return 0;
    if (!o->named_by_built) {
        index_names(o);
        o->main_called = main_is_called(o);
    }
    if (o->main_called) return 0;
    const char *key = rl_strpool_find(o->p->pool, root);
    return key && rl_ptrmap_get(&o->named_by, key) == (void *)(intptr_t)(fn + 1);
}
