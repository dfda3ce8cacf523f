/* Small libclang helpers of the event walker (walker.h): a cursor's
 * children as a list, interned spellings, source locations, type tests and
 * type keys, the identifier written at a cursor, integer constants.
 *
 * Invariants:
 *  1. Every string returned is interned in the unit's facts pool (the
 *     walker's facts), so it lives as long as the facts; every CXString
 *     read is disposed here.
 *  2. A child_list filled by rlw_children_of is released by
 *     rlw_children_free, whatever its length. */
#include "walker.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static enum CXChildVisitResult collect_child(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    child_list *l = data;
    if (l->len < 8) {
        l->items[l->len] = c;
    } else {
        if (l->len == 8) {
            l->cap = 16;
            l->heap = rl_xmalloc(l->cap * sizeof *l->heap);
            memcpy(l->heap, l->items, sizeof l->items);
        }
        RL_GROW(l->heap, l->cap, l->len + 1);
        l->heap[l->len] = c;
    }
    l->len++;
    return CXChildVisit_Continue;
}

void rlw_children_of(CXCursor c, child_list *l)
{
    l->len = 0;
    l->heap = NULL;
    l->cap = 0;
    clang_visitChildren(c, collect_child, l);
}

CXCursor rlw_child_at(const child_list *l, int i)
{
    return l->heap ? l->heap[i] : l->items[i];
}

void rlw_children_free(child_list *l)
{
    free(l->heap);
    l->heap = NULL;
}

const char *rlw_intern_cx(walker *w, CXString s)
{
    const char *r = rl_intern(w->facts->pool, clang_getCString(s) ? clang_getCString(s) : "");
    clang_disposeString(s);
    return r;
}

rl_loc rlw_loc_at(walker *w, CXSourceLocation where)
{
    rl_loc loc = {0};
    CXFile file;
    unsigned line, col;
    clang_getExpansionLocation(where, &file, &line, &col, NULL);
    loc.line = line;
    loc.col = col;
    loc.file = file ? rlw_intern_cx(w, clang_getFileName(file)) : w->facts->main_file;
    return loc;
}

rl_loc rlw_loc_of(walker *w, CXCursor c)
{
    /* The start of the expression (`stats.failed`), not clang's preferred
     * location (the member name). */
    CXSourceLocation where = clang_getRangeStart(clang_getCursorExtent(c));
    if (clang_equalLocations(where, clang_getNullLocation())) where = clang_getCursorLocation(c);
    return rlw_loc_at(w, where);
}

int rlw_type_is_pointer(CXType t)
{
    t = clang_getCanonicalType(t);
    return t.kind == CXType_Pointer;
}

int rlw_type_is_integer(CXType t)
{
    t = clang_getCanonicalType(t);
    return (t.kind >= CXType_Bool && t.kind <= CXType_Int128) || t.kind == CXType_Enum;
}

int rlw_type_is_array(CXType t)
{
    t = clang_getCanonicalType(t);
    return t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray || t.kind == CXType_VariableArray ||
           t.kind == CXType_DependentSizedArray;
}

int rlw_expr_is_array(CXCursor e)
{
    CXCursor s = rl_cursor_strip(e);
    enum CXCursorKind k = clang_getCursorKind(s);
    if (k == CXCursor_DeclRefExpr) k = clang_getCursorKind(clang_getCursorReferenced(s));
    return k != CXCursor_ParmDecl && rlw_type_is_array(clang_getCursorType(s));
}

int rlw_type_is_atomic(CXType t)
{
    return clang_getCanonicalType(t).kind == CXType_Atomic;
}

uint8_t rlw_access_type_flags(CXType t)
{
    CXType canonical = clang_getCanonicalType(t);
    return (uint8_t)((rlw_type_is_atomic(t) ? RL_ACC_ATOMIC : 0) |
                     (clang_isVolatileQualifiedType(canonical) ? RL_ACC_VOLATILE : 0));
}

int rlw_type_is_function(CXType t)
{
    t = clang_getCanonicalType(t);
    return t.kind == CXType_FunctionProto || t.kind == CXType_FunctionNoProto;
}

/* Spelling of a type without qualifiers, for type-based places. */
const char *rlw_type_key(walker *w, CXType t)
{
    t = clang_getCanonicalType(t);
    if (t.kind == CXType_Atomic) t = clang_Type_getValueType(t);
    CXString s = clang_getTypeSpelling(t);
    const char *raw = clang_getCString(s);
    rl_strbuf sb = RL_STRBUF_INIT;
    /* Drop qualifiers so that `const struct map` and `struct map` agree. */
    static const char *const quals[] = {"const ", "volatile ", "restrict ", "_Atomic "};
    for (const char *p = raw; *p;) {
        int skipped = 0;
        for (size_t q = 0; q < sizeof quals / sizeof *quals; q++) {
            size_t n = strlen(quals[q]);
            if (strncmp(p, quals[q], n) == 0) {
                p += n;
                skipped = 1;
            }
        }
        if (!skipped) rl_sb_appendc(&sb, *p++);
    }
    const char *r = rl_intern(w->facts->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    clang_disposeString(s);
    return r;
}

/* Where c starts in its file (expansion location): the file and the
 * byte offset; 0 when it lies in no file. */
static int start_offset(CXCursor c, CXFile *file, unsigned *offset)
{
    *file = NULL;
    clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(c)), file, NULL, NULL, offset);
    return *file != NULL;
}

CXCursor rlw_address_element_index(CXCursor arg, int *nested)
{
    *nested = 0;
    CXCursor s = rl_cursor_strip(arg);
    if (clang_getCursorKind(s) != CXCursor_UnaryOperator || clang_getCursorUnaryOperatorKind(s) != CXUnaryOperator_AddrOf)
        return clang_getNullCursor();
    child_list l;
    rlw_children_of(s, &l);
    CXCursor e = l.len == 1 ? rlw_child_at(&l, 0) : clang_getNullCursor();
    rlw_children_free(&l);
    return clang_Cursor_isNull(e) ? e : rlw_element_index(e, nested);
}

CXCursor rlw_element_index(CXCursor lvalue, int *nested)
{
    *nested = 0;
    CXCursor e = rl_cursor_strip(lvalue);
    child_list l;
    /* `a[idx].f`: the element is the member's */
    while (!clang_Cursor_isNull(e) && clang_getCursorKind(e) == CXCursor_MemberRefExpr) {
        rlw_children_of(e, &l);
        int through_pointer = l.len == 1 && rlw_type_is_pointer(clang_getCursorType(rlw_child_at(&l, 0)));
        e = l.len == 1 && !through_pointer ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
        rlw_children_free(&l);
    }
    if (clang_Cursor_isNull(e) || clang_getCursorKind(e) != CXCursor_ArraySubscriptExpr) return clang_getNullCursor();
    rlw_children_of(e, &l);
    CXCursor base = l.len == 2 ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
    CXCursor idx = l.len == 2 ? rlw_child_at(&l, 1) : clang_getNullCursor();
    rlw_children_free(&l);
    *nested = !clang_Cursor_isNull(base) && clang_getCursorKind(base) == CXCursor_ArraySubscriptExpr;
    return idx;
}

/* Whether cursor c lies inside statement outer, by their extents: 1 or
 * 0, and -1 when either lies in no file. */
int rlw_lies_within(CXCursor c, CXCursor outer)
{
    CXFile fc, fo, fe;
    unsigned oc, oo, oe = 0;
    if (!start_offset(c, &fc, &oc) || !start_offset(outer, &fo, &oo)) return -1;
    clang_getExpansionLocation(clang_getRangeEnd(clang_getCursorExtent(outer)), &fe, NULL, NULL, &oe);
    return clang_File_isEqual(fc, fo) && oc >= oo && oc < oe;
}

/* The identifier written at the start of c in the source (the macro name
 * when c comes from a macro expansion such as atomic_fetch_add). */
/* The source text from the start of c's expansion (a macro's name, not
 * what it expands to) to the end of its file; NULL when not in a file. */
static const char *source_at(walker *w, CXCursor c, size_t *left)
{
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile file;
    unsigned offset;
    clang_getExpansionLocation(clang_getRangeStart(r), &file, NULL, NULL, &offset);
    if (!file) return NULL;
    size_t len;
    const char *text = clang_getFileContents(w->tu, file, &len);
    if (!text || offset > len) return NULL;
    *left = len - offset;
    return text + offset;
}

int rlw_source_ident(walker *w, CXCursor c, char *buf, size_t size)
{
    size_t left = 0, n = 0;
    const char *text = source_at(w, c, &left);
    buf[0] = '\0';
    while (text && n < left && n + 1 < size && (isalnum((unsigned char)text[n]) || text[n] == '_')) {
        buf[n] = text[n];
        n++;
    }
    buf[n] = '\0';
    return n > 0;
}

const char *rlw_index_variable(walker *w, CXCursor e)
{
    int nested = 0;
    CXCursor s = rl_cursor_strip(e);
    int address = clang_getCursorKind(s) == CXCursor_UnaryOperator &&
                  clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_AddrOf;
    CXCursor index = address ? rlw_address_element_index(s, &nested) : rlw_element_index(s, &nested);
    /* an element of an element (`grid[i][j]`): which index is the place's
     * first [] is not asked */
    if (clang_Cursor_isNull(index) || nested) return NULL;
    index = rl_cursor_strip(index);
    if (clang_getCursorKind(index) != CXCursor_DeclRefExpr) return NULL;
    /* a parameter only: a local is often computed from them (`lo = from
     * < to ? from : to`, locks taken in index order), and the names of
     * two locals say nothing of their values */
    CXCursor var = clang_getCursorReferenced(index);
    if (clang_getCursorKind(var) != CXCursor_ParmDecl) return NULL;
    return rlw_intern_cx(w, clang_getCursorSpelling(var));
}

int rlw_spelled_in_macro(walker *w, CXCursor c, char *buf, size_t size)
{
    CXFile file;
    unsigned offset;
    clang_getSpellingLocation(clang_getRangeStart(clang_getCursorExtent(c)), &file, NULL, NULL, &offset);
    size_t len;
    const char *text = file ? clang_getFileContents(w->tu, file, &len) : NULL;
    buf[0] = '\0';
    if (!text || offset > len) return 0;
    /* back to the start of the logical line: lines ending in a backslash
     * continue the one before */
    size_t start = offset;
    for (;;) {
        while (start > 0 && text[start - 1] != '\n') start--;
        if (start == 0) break;
        size_t last = start - 1; /* the newline ending the line before */
        if (last > 0 && text[last - 1] == '\r') last--;
        if (last == 0 || text[last - 1] != '\\') break;
        start = last - 1;
    }
    const char *p = text + start, *end = text + offset;
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    if (p >= end || *p++ != '#') return 0;
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    if ((size_t)(end - p) < sizeof "define" || strncmp(p, "define", strlen("define")) != 0) return 0;
    p += strlen("define");
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    size_t n = 0;
    while (p + n < end && n + 1 < size && (isalnum((unsigned char)p[n]) || p[n] == '_')) {
        buf[n] = p[n];
        n++;
    }
    buf[n] = '\0';
    return n > 0;
}

int rlw_source_first_char(walker *w, CXCursor c)
{
    size_t left = 0;
    const char *text = source_at(w, c, &left);
    return text && left ? (unsigned char)text[0] : 0;
}

int rlw_binary_operands(CXCursor e, enum CXBinaryOperatorKind op, CXCursor *x, CXCursor *y)
{
    if (clang_getCursorKind(e) != CXCursor_BinaryOperator || clang_getCursorBinaryOperatorKind(e) != op) return 0;
    child_list l;
    rlw_children_of(e, &l);
    int ok = l.len == 2;
    if (ok) {
        *x = rl_cursor_strip(rlw_child_at(&l, 0));
        *y = rl_cursor_strip(rlw_child_at(&l, 1));
    }
    rlw_children_free(&l);
    return ok;
}

CXCursor rlw_function_body(CXCursor fn)
{
    CXCursor body = clang_getNullCursor();
    child_list l;
    rlw_children_of(fn, &l);
    for (int i = 0; i < l.len; i++)
        if (clang_getCursorKind(rlw_child_at(&l, i)) == CXCursor_CompoundStmt) body = rlw_child_at(&l, i);
    rlw_children_free(&l);
    return body;
}

/* Evaluates an integer constant expression; returns 1 when it is one. */
int rlw_const_int(CXCursor c, long long *value)
{
    CXEvalResult r = clang_Cursor_Evaluate(c);
    if (!r) return 0;
    int ok = clang_EvalResult_getKind(r) == CXEval_Int;
    if (ok) *value = clang_EvalResult_getAsLongLong(r);
    clang_EvalResult_dispose(r);
    return ok;
}

int rlw_is_constant(CXCursor c)
{
    CXEvalResult r = clang_Cursor_Evaluate(c);
    if (!r) return 0;
    int constant = clang_EvalResult_getKind(r) == CXEval_Int;
    clang_EvalResult_dispose(r);
    return constant;
}

CXCursor rlw_addressed_variable(CXCursor a)
{
    a = rl_cursor_strip(a);
    if (clang_getCursorKind(a) != CXCursor_UnaryOperator || clang_getCursorUnaryOperatorKind(a) != CXUnaryOperator_AddrOf)
        return clang_getNullCursor();
    child_list l;
    rlw_children_of(a, &l);
    CXCursor e = l.len == 1 ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
    rlw_children_free(&l);
    return clang_getCursorKind(e) == CXCursor_DeclRefExpr ? e : clang_getNullCursor();
}
