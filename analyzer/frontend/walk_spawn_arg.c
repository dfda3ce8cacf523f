/* Spawn arguments (walker.h): what a thread start's argument hands the
 * instances of a spawn in a loop, for the SPAWN node's facts. The model
 * judges from them whether each instance gets an object of its own
 * (model/discovery.c, arg_is_distinct) and which element of an array a
 * thread is handed (rl_thread.arg_index).
 *
 * Invariants:
 *  1. Only the cursor of the argument and the walker's loop scope and
 *     locals are read; nothing is emitted.
 *  2. Unknown means "no": an argument is said to repeat, or to name a
 *     constant element, only when the code shows it. */
#include "walker.h"
#include <stdint.h>

/* Whether the index stepped by the loop: the counter itself, or the
 * counter plus or minus a constant. */
static int steps_with(CXCursor idx, CXCursor counter)
{
    CXCursor s = rl_cursor_strip(idx);
    if (clang_getCursorKind(s) == CXCursor_DeclRefExpr) return clang_equalCursors(clang_getCursorReferenced(s), counter);
    if (clang_getCursorKind(s) != CXCursor_BinaryOperator) return 0;
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(s);
    if (op != CXBinaryOperator_Add && op != CXBinaryOperator_Sub) return 0;
    child_list l;
    rlw_children_of(s, &l);
    long long v;
    int r = l.len == 2 && ((steps_with(rlw_child_at(&l, 0), counter) && rlw_const_int(rlw_child_at(&l, 1), &v)) ||
                           (op == CXBinaryOperator_Add && rlw_const_int(rlw_child_at(&l, 0), &v) &&
                            steps_with(rlw_child_at(&l, 1), counter)));
    rlw_children_free(&l);
    return r;
}

/* Whether a spawn argument in a loop is a local pointer whose every
 * value was given before the innermost loop around the spawn (`int *arr =
 * calloc(n, ...); for (...) pthread_create(..., arr)`): every instance
 * gets the same pointer, though it points into an array (whose value the
 * model writes as an element's, `&H[]`, as it does `&a[i]`'s). */
static int pointer_repeats(walker *w, CXCursor s)
{
    if (clang_getCursorKind(s) != CXCursor_DeclRefExpr) return 0;
    CXCursor d = clang_getCursorReferenced(s);
    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    if (!v || !v->is_pointer || v->exposed || v->addr_of_ptr || v->modified) return 0;
    if (v->param_index < 0 && rlw_lies_within(v->decl, w->loop.stmt) != 0) return 0;
    for (int i = 0; i < v->nassigns; i++)
        if (rlw_lies_within(v->assigns[i], w->loop.stmt) != 0) return 0;
    return 1;
}

/* The constant index of the element an argument is the address of
 * (`&seen[1]`), for a SPAWN node's aux: two threads handed two elements
 * touch two objects (threads.h, rl_thread.arg_index); and for a CALL
 * node's element (walk_call.c); -1 when the index is no constant. */
int32_t rlw_arg_constant_element(CXCursor arg)
{
    int nested = 0;
    CXCursor idx = rlw_address_element_index(arg, &nested);
    long long v;
    if (clang_Cursor_isNull(idx) || nested || !rlw_const_int(idx, &v) || v < 0 || v > INT32_MAX) return -1;
    return (int32_t)v;
}

/* Whether a spawn argument in a loop hands every instance the same
 * element of an array: the address of an element (rlw_address_element_index,
 * not of an element's element: `&grid[i][j]` is judged by neither) whose
 * index does not step with the innermost `for` around it (a constant,
 * or in a `for` with a known counter, any index but that counter, plus
 * or minus a constant), or a pointer set before the loop
 * (pointer_repeats). Several instances then get one element
 * (RL_SPAWN_ARG_REPEATS). */
int rlw_spawn_arg_repeats(walker *w, CXCursor arg)
{
    if (!w->loop.inside) return 0;
    if (pointer_repeats(w, rl_cursor_strip(arg))) return 1;
    int nested = 0;
    CXCursor idx = rlw_address_element_index(arg, &nested);
    if (clang_Cursor_isNull(idx) || nested) return 0;
    long long v;
    if (rlw_const_int(idx, &v)) return 1;
    return !clang_Cursor_isNull(w->loop.counter) && !steps_with(idx, w->loop.counter);
}

/* Whether local decl, a pointer, is only ever given integers converted
 * to pointers (its initialiser and assignments, casts stripped, of
 * integer type) and its address is never taken: a thread's index in
 * disguise. */
int rlw_holds_only_integers(walker *w, CXCursor decl)
{
    local_var *v = rlw_find_local(w, decl);
    if (!v || !v->is_pointer || v->exposed || v->modified || v->nassigns == 0) return 0;
    for (int i = 0; i < v->nassigns; i++) {
        CXType t = clang_getCanonicalType(clang_getCursorType(rl_cursor_strip(v->assigns[i])));
        if (t.kind < CXType_Bool || t.kind > CXType_Int128) return 0;
    }
    return 1;
}
