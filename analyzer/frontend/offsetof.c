/* offsetof recognition (offsetof.h). */
#include "offsetof.h"
#include "cursor.h"

/* Children of a cursor looked at: a builtin offsetof has its type and one
 * member per designator step. */
#define MAX_KIDS (RL_MAX_OFFSETOF_MEMBERS + 2)

typedef struct kids {
    CXCursor c[MAX_KIDS];
    int n;
} kids;

static kids children(CXCursor c)
{
    kids k;
    k.n = rl_cursor_children(c, k.c, MAX_KIDS);
    return k;
}

/* Whether a member reference leads to a field of a struct or union. */
static int is_field(CXCursor c)
{
    return clang_getCursorKind(c) == CXCursor_FieldDecl;
}

/* `__builtin_offsetof(TYPE, a.b)`: libclang shows it as an unexposed
 * expression whose children are the type, then one member reference per
 * step (an array step has an expression instead). */
static int builtin_fields(CXCursor c, CXCursor *fields)
{
    if (clang_getCursorKind(c) != CXCursor_UnexposedExpr) return 0;
    kids k = children(c);
    if (k.n < 2 || k.n > MAX_KIDS || clang_getCursorKind(k.c[0]) != CXCursor_TypeRef) return 0;
    for (int i = 1; i < k.n; i++) {
        if (clang_getCursorKind(k.c[i]) != CXCursor_MemberRef) return 0;
        fields[i - 1] = clang_getCursorReferenced(k.c[i]);
        if (!is_field(fields[i - 1])) return 0;
    }
    return k.n - 1;
}

/* Whether c, under parentheses and casts, is the integer constant 0. */
static int is_zero(CXCursor c)
{
    c = rl_cursor_strip(c);
    if (clang_getCursorKind(c) != CXCursor_IntegerLiteral) return 0;
    CXEvalResult r = clang_Cursor_Evaluate(c);
    if (!r) return 0;
    int zero = clang_EvalResult_getKind(r) == CXEval_Int && clang_EvalResult_getAsLongLong(r) == 0;
    clang_EvalResult_dispose(r);
    return zero;
}

/* `&((TYPE *)0)->a.b`: the address of members of an object at address 0,
 * outermost member innermost in the expression. */
static int macro_fields(CXCursor c, CXCursor *fields)
{
    c = rl_cursor_strip(c);
    if (clang_getCursorKind(c) != CXCursor_UnaryOperator || clang_getCursorUnaryOperatorKind(c) != CXUnaryOperator_AddrOf)
        return 0;
    kids k = children(c);
    if (k.n != 1) return 0;
    CXCursor reversed[RL_MAX_OFFSETOF_MEMBERS];
    int n = 0;
    CXCursor e = rl_cursor_strip(k.c[0]);
    while (clang_getCursorKind(e) == CXCursor_MemberRefExpr) {
        if (n == RL_MAX_OFFSETOF_MEMBERS) return 0;
        reversed[n] = clang_getCursorReferenced(e);
        if (!is_field(reversed[n])) return 0;
        n++;
        kids base = children(e);
        if (base.n != 1) return 0;
        e = base.c[0];
        /* the outermost member is reached through the null pointer (`->`) */
        if (clang_getCursorType(e).kind == CXType_Pointer) break;
        e = rl_cursor_strip(e);
    }
    if (n == 0 || clang_getCursorType(e).kind != CXType_Pointer || !is_zero(e)) return 0;
    for (int i = 0; i < n; i++) fields[i] = reversed[n - 1 - i];
    return n;
}

int rl_offsetof_fields(CXCursor c, CXCursor fields[RL_MAX_OFFSETOF_MEMBERS])
{
    CXCursor s = c;
    /* look through parentheses and casts down to the offsetof itself; the
     * builtin is an unexposed expression, which stripping would enter */
    for (int guard = 0; guard < RL_MAX_OFFSETOF_MEMBERS * 4; guard++) {
        int n = builtin_fields(s, fields);
        if (n) return n;
        enum CXCursorKind k = clang_getCursorKind(s);
        if (k != CXCursor_ParenExpr && k != CXCursor_CStyleCastExpr && k != CXCursor_UnexposedExpr) break;
        kids ks = children(s);
        if (ks.n == 0 || ks.n > MAX_KIDS) break;
        s = ks.c[ks.n - 1];
    }
    return macro_fields(c, fields);
}
