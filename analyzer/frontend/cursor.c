/* Cursor helpers shared by the walkers (cursor.h). */
#include "cursor.h"

/* Nesting of parentheses and casts looked through; deeper is left as is. */
#define MAX_STRIP_DEPTH 64
/* Children read from one cursor: a cast has at most a type and an operand. */
#define MAX_STRIP_KIDS 4

typedef struct kids {
    CXCursor *c;
    int max, n;
} kids;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    kids *k = data;
    if (k->n < k->max) k->c[k->n] = c;
    k->n++;
    return CXChildVisit_Continue;
}

int rl_cursor_children(CXCursor c, CXCursor *out, int max)
{
    kids k = {out, max, 0};
    clang_visitChildren(c, collect, &k);
    return k.n;
}

static enum CXVisitorResult collect_field(CXCursor c, CXClientData data)
{
    kids *k = data;
    if (k->n == k->max) return CXVisit_Break;
    k->c[k->n++] = c;
    return CXVisit_Continue;
}

int rl_cursor_fields(CXType t, CXCursor *out, int max)
{
    kids k = {out, max, 0};
    clang_Type_visitFields(t, collect_field, &k);
    return k.n;
}

CXCursor rl_cursor_strip(CXCursor c)
{
    for (int guard = 0; guard < MAX_STRIP_DEPTH; guard++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr && k != CXCursor_CStyleCastExpr) break;
        CXCursor ks[MAX_STRIP_KIDS];
        int n = rl_cursor_children(c, ks, MAX_STRIP_KIDS);
        if (n > MAX_STRIP_KIDS) break;
        /* A cast's children may start with the type written; the operand
         * is the last. A designated initializer (an unexposed expression
         * with a designator first) is not looked through here. */
        if (n == 0 || (k == CXCursor_UnexposedExpr && n != 1)) break;
        CXCursor last = ks[n - 1];
        if (!clang_isExpression(clang_getCursorKind(last))) break;
        c = last;
    }
    return c;
}

static int is_function_type(CXType t)
{
    t = clang_getCanonicalType(t);
    return t.kind == CXType_FunctionProto || t.kind == CXType_FunctionNoProto;
}

CXCursor rl_cursor_callee_pointer(CXCursor c)
{
    c = rl_cursor_strip(c);
    for (int guard = 0; guard < MAX_STRIP_DEPTH; guard++) {
        if (clang_getCursorKind(c) != CXCursor_UnaryOperator ||
            clang_getCursorUnaryOperatorKind(c) != CXUnaryOperator_Deref || !is_function_type(clang_getCursorType(c)))
            break;
        CXCursor operand;
        if (rl_cursor_children(c, &operand, 1) != 1) break;
        c = rl_cursor_strip(operand);
    }
    return c;
}


int rl_cursor_is_null_constant(CXCursor c)
{
    c = rl_cursor_strip(c);
    if (clang_getCursorKind(c) == CXCursor_CXXNullPtrLiteralExpr) return 1;
    CXEvalResult r = clang_Cursor_Evaluate(c);
    if (!r) return 0;
    int null = clang_EvalResult_getKind(r) == CXEval_Int && clang_EvalResult_getAsLongLong(r) == 0;
    clang_EvalResult_dispose(r);
    return null;
}
