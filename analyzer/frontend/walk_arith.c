/* Pointer values of arithmetic (walker.h, rlw_arith_value): what `p + n`,
 * `p - offsetof(T, m)` and a tag set or masked off a pointer's low bits
 * point to, given the operands' values.
 *
 * Invariants:
 *  1. Arithmetic on one pointer stays within its object: the result is
 *     the pointer's value, except a move back by an offsetof, which names
 *     the struct around the member (container_of, facts.h's `^{T}m`).
 *  2. An integer mask or tag applied to a pointer (`(uintptr_t)p & ~7`,
 *     `(uintptr_t)p | tag`, the other operand carrying no pointer value)
 *     keeps the pointer's value; two pointers combined give none. */
#include "walker.h"
#include "offsetof.h"
#include <string.h>

/* `p - offsetof(T, m)`: the struct of type T around the member m that p
 * points to (container_of), as a value with one container step per member
 * of the designator, innermost first (facts.h): `&P0*^{struct dev}work`.
 * An object of type T when p is not known. Returns 0, writing nothing,
 * when `offset` is no offsetof. */
static int container_value(walker *w, const char *pointer, CXType ptr_type, CXCursor offset, rl_strbuf *value)
{
    CXCursor fields[RL_MAX_OFFSETOF_MEMBERS];
    int n = rl_offsetof_fields(offset, fields);
    if (n == 0) return 0;
    rl_strbuf place = RL_STRBUF_INIT;
    if (pointer[0] && pointer[0] != '{') rlw_deref_place(w, pointer, ptr_type, &place);
    const char *p = rl_sb_str(&place);
    if (!p[0] || p[0] == '{') {
        CXType outer = clang_getCursorType(clang_getCursorSemanticParent(fields[0]));
        rl_sb_printf(value, "&{%s}", rlw_type_key(w, outer));
    } else {
        rl_sb_printf(value, "&%s", p);
        for (int i = n - 1; i >= 0; i--) {
            CXType around = clang_getCursorType(clang_getCursorSemanticParent(fields[i]));
            rl_sb_printf(value, "^{%s}%s", rlw_type_key(w, around), rlw_intern_cx(w, clang_getCursorSpelling(fields[i])));
        }
    }
    rl_sb_free(&place);
    return 1;
}

/* Whether v, an operand's value, is a pointer a mask may tag: traced,
 * and no integer the frontend follows ("#..."). */
static int tagged_pointer_value(const char *v)
{
    return v[0] && v[0] != '#';
}

void rlw_arith_value(walker *w, enum CXBinaryOperatorKind op, CXCursor lhs, CXCursor rhs, const char *lhs_value,
                     const char *rhs_value, rl_strbuf *out)
{
    if (op == CXBinaryOperator_And || op == CXBinaryOperator_Or) {
        /* redis's dict entries keep their kind in the low bits */
        if (tagged_pointer_value(lhs_value) && !rhs_value[0]) rl_sb_append(out, lhs_value);
        else if (tagged_pointer_value(rhs_value) && !lhs_value[0]) rl_sb_append(out, rhs_value);
        return;
    }
    CXType lt = clang_getCursorType(lhs);
    if (rlw_type_is_pointer(lt)) {
        if (op != CXBinaryOperator_Sub || rlw_type_is_pointer(clang_getCursorType(rhs)) ||
            !container_value(w, lhs_value, lt, rhs, out))
            rl_sb_append(out, lhs_value);
    } else if (rlw_type_is_pointer(clang_getCursorType(rhs))) {
        rl_sb_append(out, rhs_value);
    }
}
