/* Pops by a moved index (walker.h): a pointer read from an array element
 * whose index is a shared counter the same function moves is a pop, the
 * array a stack or a ring of pointers: `c = p->cctxs[--p->avail]`, or
 * `p->avail--; c = p->cctxs[p->avail]` (zstd's context pool), or `t =
 * q->items[q->head]; q->head = (q->head + 1) % N`. Such a read is marked
 * RL_READ_POPPED (facts.h); the model takes what it read off the array
 * when a lock is held there (model/ownership_taken.c), as it takes a
 * list's head off its list (`job = head; head = job->next`).
 *
 * Why moving the index is the sign: a function that only looks at an
 * element leaves the index alone, and one that takes the element moves
 * the index past it so that no other taker reads it again until a push
 * stores another pointer there.
 *
 * Invariants:
 *  1. Only reads of pointer elements, by a bare index (`--n`, `n--`, or
 *     `n` itself) in shared storage (a global, a static, or memory
 *     reached through a pointer): a local index is the function's own
 *     cursor, not the array's.
 *  2. A read by `n` itself is a pop when the function writes `n` anywhere
 *     (before the read: a stack's decrement; after: a ring's advance);
 *     candidates are judged once the whole function is walked, and
 *     forgotten then.
 *  3. A read whose node already has an api (a tested read, RL_READ_LOCKED)
 *     keeps it. */
#include "walker.h"
#include "../util/mem.h"
#include <string.h>

typedef struct pop_candidate {
    int32_t node;            /* the ACCESS node reading the element */
    const char *index_place; /* the index's place, interned; NULL: the index
                                moved in the read itself (`a[--n]`) */
} pop_candidate;

/* Whether e is `--n` or `n--` on shared storage. */
static int moving_decrement(CXCursor e)
{
    if (clang_getCursorKind(e) != CXCursor_UnaryOperator) return 0;
    enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(e);
    if (op != CXUnaryOperator_PreDec && op != CXUnaryOperator_PostDec) return 0;
    child_list l;
    rlw_children_of(e, &l);
    int ok = l.len == 1 && rlw_shared_storage(rl_cursor_strip(rlw_child_at(&l, 0)));
    rlw_children_free(&l);
    return ok;
}

/* Whether e names a scalar in shared storage by itself: `n`, `p->n`. */
static int shared_counter(CXCursor e)
{
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k != CXCursor_MemberRefExpr && k != CXCursor_DeclRefExpr) return 0;
    return rlw_type_is_integer(clang_getCursorType(e)) && rlw_shared_storage(e);
}

static void mark(walker *w, int32_t node)
{
    rl_node *n = &w->fn->nodes[node];
    if (!n->api) n->api = rl_intern(w->facts->pool, RL_READ_POPPED);
}

void rlw_note_element_read(walker *w, int32_t node, CXCursor idx, const char *idx_place)
{
    if (node < 0 || w->silent || (w->fn->nodes[node].flags & RL_ACC_ATOMIC)) return;
    CXCursor s = rl_cursor_strip(idx);
    if (moving_decrement(s)) {
        mark(w, node);
        return;
    }
    if (!idx_place || !idx_place[0] || !shared_counter(s)) return;
    RL_GROW(w->pops, w->cap_pops, w->npops + 1);
    w->pops[w->npops++] = (pop_candidate){node, rl_intern(w->facts->pool, idx_place)};
}

void rlw_mark_pops(walker *w)
{
    const rl_function *f = w->fn;
    for (int k = 0; k < w->npops; k++) {
        const pop_candidate *c = &w->pops[k];
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            if (n->kind == RL_N_ACCESS && (n->flags & RL_ACC_WRITE) && n->text && strcmp(n->text, c->index_place) == 0) {
                mark(w, c->node);
                break;
            }
        }
    }
    w->npops = 0;
}
