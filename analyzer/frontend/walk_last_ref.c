/* The last reference of a counter, in the event walker (walker.h): which
 * `if` tests that a decrement by one brought a reference count to zero
 * (`if (atomic_fetch_sub(&o->refs, 1) == 1)`, `if (--c->refs == 0)` under
 * a lock, through a local holding the new value or the test's truth), so
 * that the model orders every other holder's decrement before that
 * branch (facts.h, RL_IF_LAST; model/flow.c).
 *
 * Invariants:
 *  1. A decrement is a write the walker already emitted within the
 *     expression (rlw_write_within): the test names that node, never one
 *     of another statement the local was not given.
 *  2. Only locals given one value and never changed stand for it. */
#include "walker.h"
#include <string.h>

/* The one value local c was given, when c names a local given one and
 * never changed (`int last = (--c->refs == 0);`); a null cursor else. */
static CXCursor single_value_of_local(walker *w, CXCursor c)
{
    if (clang_getCursorKind(c) != CXCursor_DeclRefExpr) return clang_getNullCursor();
    CXCursor d = clang_getCursorReferenced(c);
    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    if (!v || v->exposed || v->modified || v->nassigns != 1) return clang_getNullCursor();
    return v->assigns[0];
}

/* The decrement by one of a counter that expression c is: its ACCESS
 * node, with *old set when c's value is the counter's before the
 * decrement (`atomic_fetch_sub`, `__sync_fetch_and_sub`, `n--`) rather
 * than after (`__atomic_sub_fetch`, `__sync_sub_and_fetch`, `--n`);
 * -1 when c is no such decrement. A local given such a value once, and
 * never changed, is that value (`left = --b->refs;` under a lock, tested
 * after the unlock). `--n` on a plain counter is one only while a lock
 * is held (flow.c decides). */
static int32_t counter_decrement(walker *w, CXCursor c, int *old, int depth)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_DeclRefExpr && depth == 0) {
        CXCursor value = single_value_of_local(w, c);
        return clang_Cursor_isNull(value) ? -1 : counter_decrement(w, rl_cursor_strip(value), old, depth + 1);
    }
    if (k == CXCursor_UnaryOperator) {
        enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(c);
        if (op != CXUnaryOperator_PreDec && op != CXUnaryOperator_PostDec) return -1;
        *old = op == CXUnaryOperator_PostDec;
        return rlw_write_within(w, c, 0);
    }
    if (k != CXCursor_CallExpr && k != CXCursor_UnexposedExpr) return -1;
    char name[MAX_IDENT];
    if (!rlw_source_ident(w, c, name, sizeof name)) return -1;
    if (strstr(name, "fetch_sub") || strstr(name, "fetch_and_sub")) *old = 1;
    else if (strstr(name, "sub_fetch") || strstr(name, "sub_and_fetch")) *old = 0;
    else return -1;
    /* by one: the operand is the third child either way (a call's
     * callee, object, value; an AtomicExpr's object, order, value) */
    enum { DECREMENT_OPERAND = 2 };
    child_list l;
    rlw_children_of(c, &l);
    long long by = 0;
    int one = l.len > DECREMENT_OPERAND &&
              rlw_const_int(rl_cursor_strip(rlw_child_at(&l, DECREMENT_OPERAND)), &by) && by == 1;
    rlw_children_free(&l);
    return one ? rlw_write_within(w, c, 1) : -1;
}

/* Whether cond tests that an atomic decrement by one brought its counter
 * to zero (`atomic_fetch_sub(&o->refs, 1) == 1`, `!__sync_sub_and_fetch(&n,
 * 1)`, `--refs != 0`): the branch (RL_TRY_ON_TRUE or RL_TRY_ON_FALSE)
 * where it did, *counter its ACCESS node; 0 for any other condition. */
static int decrement_test(walker *w, CXCursor cond, int32_t *counter)
{
    CXCursor c = rl_cursor_strip(cond);
    enum CXCursorKind k = clang_getCursorKind(c);
    int old = 0, result = 0;
    child_list l;
    rlw_children_of(c, &l);
    if (k == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot && l.len == 1) {
        /* `!x`: x is zero */
        int32_t id = counter_decrement(w, rl_cursor_strip(rlw_child_at(&l, 0)), &old, 0);
        if (id >= 0 && !old) *counter = id, result = RL_TRY_ON_TRUE;
    } else if (k == CXCursor_BinaryOperator && l.len == 2) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
        CXCursor a = rlw_child_at(&l, 0), b = rlw_child_at(&l, 1);
        long long kval;
        CXCursor other = clang_getNullCursor();
        if (rlw_const_int(b, &kval)) other = a;
        else if (rlw_const_int(a, &kval)) other = b;
        int32_t id = clang_Cursor_isNull(other) ? -1 : counter_decrement(w, rl_cursor_strip(other), &old, 0);
        /* the counter reached zero: the old value was 1, or the new one 0 */
        if (id >= 0 && kval == (old ? 1 : 0) && (op == CXBinaryOperator_EQ || op == CXBinaryOperator_NE)) {
            *counter = id;
            result = op == CXBinaryOperator_EQ ? RL_TRY_ON_TRUE : RL_TRY_ON_FALSE;
        }
    }
    rlw_children_free(&l);
    return result;
}

/* decrement_test, also through a local holding the test's truth, taken
 * under the lock and tested after its unlock (`last = (--c->refs == 0);
 * unlock; if (last) free(c);`, or `if (!last)`). */
int rlw_last_reference_test(walker *w, CXCursor cond, int32_t *counter)
{
    int direct = decrement_test(w, cond, counter);
    if (direct) return direct;
    CXCursor c = rl_cursor_strip(cond);
    CXCursor held = single_value_of_local(w, c);
    if (!clang_Cursor_isNull(held)) return decrement_test(w, held, counter);
    if (clang_getCursorKind(c) != CXCursor_UnaryOperator || clang_getCursorUnaryOperatorKind(c) != CXUnaryOperator_LNot)
        return 0;
    CXCursor operand;
    if (rl_cursor_children(c, &operand, 1) != 1) return 0;
    held = single_value_of_local(w, rl_cursor_strip(operand));
    int inner = clang_Cursor_isNull(held) ? 0 : decrement_test(w, held, counter);
    return inner == RL_TRY_ON_TRUE ? RL_TRY_ON_FALSE : inner == RL_TRY_ON_FALSE ? RL_TRY_ON_TRUE : 0;
}

