/* Objects made in a loop's rounds (threads_internal.h): the loop around
 * a statement, the function that made a heap object, whether a heap
 * object is allocated inside a loop of that function (each round makes
 * another: what a round hands a thread or stores in an element is that
 * round's own), and whether a lock lives in one object only.
 *
 * Invariants:
 *  1. A heap object is named by its allocation site in its function
 *     ("tN:FN:H<l>_<c>"); the answer for a site is kept in
 *     rl_model.made_in_loop, computed once.
 *  2. Only the source positions of the function's nodes are read: a
 *     library allocation, no node of its own, is inside a loop when the
 *     nodes around it both are. */
#include "discovery.h"
#include "place.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdlib.h>
#include <string.h>

/* -1, 0 or 1 as a is before, at or after line:col. */
static int loc_order(rl_loc a, unsigned line, unsigned col)
{
    if (a.line != line) return a.line < line ? -1 : 1;
    return a.col == col ? 0 : a.col < col ? -1 : 1;
}

/* The innermost loop around the statement at line:col of fn (its node),
 * or -1. A call (an allocator wrapper) is a node of its own. A library
 * allocation (`malloc`) is not: it is inside a loop when the nodes just
 * before and just after it are in the same loop (both tell: the last
 * statement of a loop's body is followed by what comes after the loop, a
 * statement before a loop is followed by the loop). */
int32_t tm_statement_loop(const rl_function *fn, unsigned line, unsigned col)
{
    int32_t before = -1, after = -1;
    for (int32_t i = 0; i < fn->nnodes; i++) {
        rl_loc at = fn->nodes[i].loc;
        int order = loc_order(at, line, col);
        if (order == 0) return tm_innermost_loop(fn, i);
        /* Ties: the deepest node (the last in pre-order) before, the
         * first after. */
        if (order < 0 && (before < 0 || loc_order(fn->nodes[before].loc, at.line, at.col) <= 0)) before = i;
        if (order > 0 && (after < 0 || loc_order(fn->nodes[after].loc, at.line, at.col) > 0)) after = i;
    }
    if (before < 0 || after < 0) return -1;
    int32_t loop = tm_innermost_loop(fn, before);
    return loop == tm_innermost_loop(fn, after) ? loop : -1;
}

/* Values of m->made_in_loop. */
#define MADE_IN_LOOP ((void *)1)
#define MADE_ONCE ((void *)2)

int tm_heap_object_fn(const rl_model *m, const char *object, unsigned *line, unsigned *col)
{
    size_t frame_len = 0;
    if (rl_place_heap_site(object, &frame_len, line, col) != strlen(object)) return -1;
    const char *name = strchr(object, ':') + 1; /* after "tN:" */
    size_t name_len = strcspn(name, "~:");
    for (size_t f = 0; f < m->program->nfns; f++) {
        const rl_fn_info *info = &m->program->fns[f];
        if (info->fn && strncmp(info->name, name, name_len) == 0 && !info->name[name_len]) return (int)f;
    }
    return -1;
}

/* Whether heap object `object` ("tN:FN:H<l>_<c>", the root alone) is
 * allocated by a statement inside a loop of the function that makes it. */
static int heap_made_in_loop(const rl_model *m, const char *object)
{
    unsigned line, col;
    int fn = tm_heap_object_fn(m, object, &line, &col);
    return fn >= 0 && tm_statement_loop(m->program->fns[fn].fn, line, col) >= 0;
}

int tm_allocated_in_loop(rl_model *m, const char *object)
{
    void **slot = rl_ptrmap_slot(&m->made_in_loop, object);
    if (!*slot) *slot = heap_made_in_loop(m, object) ? MADE_IN_LOOP : MADE_ONCE;
    return *slot == MADE_IN_LOOP;
}

int rl_model_lock_is_one_object(const rl_model *m, const char *lock)
{
    if (!rl_place_is_single_object(lock)) return 0;
    size_t frame_len = 0;
    unsigned line, col;
    size_t root = rl_place_heap_site(lock, &frame_len, &line, &col);
    if (!root) return 1;
    char *object = rl_xstrndup(lock, root);
    int in_loop = heap_made_in_loop(m, object);
    free(object);
    return !in_loop;
}

int tm_arg_fresh_per_iteration(rl_model *m, const char *arg)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%s*", arg);
    int unused = 0;
    const char *object = tm_follow_stores(m, rl_intern(m->program->pool, rl_sb_str(&sb)), 0, &unused);
    rl_sb_free(&sb);
    return tm_allocated_in_loop(m, object);
}
