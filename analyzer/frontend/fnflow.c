/* Function-pointer flows of a unit (fnflow.h). One walk over the unit's
 * own declarations: assignments, initializers (struct and array
 * initializer lists included, designated or positional), call arguments
 * and returns whose value can hold a function become rl_fnflow facts. The
 * walk is separate from the event walker (walker.h) because it needs no
 * control structure, and keeping it apart keeps both small. */
#include "fnflow.h"
#include "cursor.h"
#include "../util/ptrmap.h"
#include "../util/strpool.h"
#include "../util/strbuf.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Values one expression can yield (both arms of a conditional, ...). */
#define MAX_VALUES 8
/* Children read from one cursor; init lists and calls with more are rare
 * and their extra children are read through the walk's recursion anyway. */
#define MAX_KIDS 64
/* Nesting of values inside values (a ? (b ? f : g) : h). */
#define MAX_VALUE_DEPTH 16

typedef struct flowctx {
    rl_unit_facts *facts;
    CXCursor fn;        /* enclosing function definition, or null */
    int32_t fn_index;   /* its index in facts->fns, -1 outside bodies
                           (or for a function the walker did not record) */
    rl_ptrmap *fn_by_usr; /* interned USR -> index + 1 in facts->fns */
    CXCursor callee;    /* the function the call being entered calls
                           directly: its name is a call, not a use */
    const rl_apimodel *model; /* which functions allocate; NULL: none known */
    rl_ptrmap allocators; /* "fn:" values of allocators seen -> 1 */
} flowctx;

typedef struct vlist {
    const char *v[MAX_VALUES];
    int n;
} vlist;

typedef struct kids {
    CXCursor c[MAX_KIDS];
    int n;
} kids;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    kids *k = data;
    if (k->n < MAX_KIDS) k->c[k->n++] = c;
    return CXChildVisit_Continue;
}

static void kids_of(CXCursor c, kids *out)
{
    out->n = 0;
    clang_visitChildren(c, collect, out);
}

/* Interns "prefix" + the cursor's USR (+ suffix). */
static const char *usr_name(flowctx *x, const char *prefix, CXCursor c, const char *suffix)
{
    CXString usr = clang_getCursorUSR(c);
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%s%s%s", prefix, clang_getCString(usr), suffix ? suffix : "");
    clang_disposeString(usr);
    const char *s = rl_intern(x->facts->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return s;
}

/* A mark of the file that defines the struct or union rec: a hash of its
 * real path, 0 when libclang gives none. A struct's USR is its tag alone
 * (c:@S@dictType), so a vendored library's `struct dictType` and the
 * program's own, defined in two headers with different members, would be
 * one slot, and a call through either's `valDup` would reach the
 * callbacks stored in both. The defining file tells them apart and keeps
 * one struct one slot in every unit that includes its header, whatever
 * members conditional compilation gives it there. */
static uint64_t record_file_mark(CXCursor rec)
{
    CXCursor def = clang_getCursorDefinition(rec);
    if (clang_Cursor_isNull(def)) def = rec;
    CXFile file = NULL;
    clang_getExpansionLocation(clang_getCursorLocation(def), &file, NULL, NULL, NULL);
    if (!file) return 0;
    CXString real = clang_File_tryGetRealPathName(file);
    const char *path = clang_getCString(real);
    CXString name = clang_getFileName(file);
    if (!path || !*path) path = clang_getCString(name);
    uint64_t mark = path && *path ? rl_hash_str(path) : 0;
    clang_disposeString(real);
    clang_disposeString(name);
    return mark;
}

/* The slot of a struct field: "f:" and its USR with the defining file's
 * mark before the field's name (c:@S@dictType$MARK@FI@valDup), so that
 * rl_callgraph_same_name_targets still finds the name after the last
 * RL_FIELD_USR_MARK. A union's members alias: its slot is "u:" and the
 * union's USR with the mark after it. */
static const char *field_slot(flowctx *x, CXCursor field)
{
    CXCursor rec = clang_getCursorSemanticParent(field);
    int is_union = clang_getCursorKind(rec) == CXCursor_UnionDecl;
    CXString usr = clang_getCursorUSR(is_union ? rec : field);
    const char *u = clang_getCString(usr);
    const char *name = NULL;
    for (const char *m = strstr(u, RL_FIELD_USR_MARK); m; m = strstr(m + 1, RL_FIELD_USR_MARK)) name = m;
    if (is_union || !name) name = u + strlen(u);
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%s%.*s$%016llx%s", is_union ? "u:" : "f:", (int)(name - u), u,
                 (unsigned long long)record_file_mark(rec), name);
    clang_disposeString(usr);
    const char *s = rl_intern(x->facts->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return s;
}

static const char *type_slot(flowctx *x, CXType t)
{
    CXString sp = clang_getTypeSpelling(clang_getCanonicalType(t));
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "t:%s", clang_getCString(sp));
    clang_disposeString(sp);
    const char *s = rl_intern(x->facts->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return s;
}

/* Whether a value of type t can hold a function: a function, a pointer to
 * one, or an array of such. */
static int holds_function(CXType t)
{
    t = clang_getCanonicalType(t);
    while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray || t.kind == CXType_VariableArray)
        t = clang_getCanonicalType(clang_getArrayElementType(t));
    if (t.kind == CXType_Pointer) t = clang_getCanonicalType(clang_getPointeeType(t));
    return t.kind == CXType_FunctionProto || t.kind == CXType_FunctionNoProto;
}

static int is_array(CXType t)
{
    t = clang_getCanonicalType(t);
    return t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray || t.kind == CXType_VariableArray ||
           t.kind == CXType_DependentSizedArray;
}

/* The slot of a declaration that can hold a function pointer. */
static const char *decl_slot(flowctx *x, CXCursor d)
{
    enum CXCursorKind k = clang_getCursorKind(d);
    if (k == CXCursor_ParmDecl) {
        CXCursor fn = clang_getCursorSemanticParent(d);
        int n = clang_Cursor_getNumArguments(fn);
        for (int i = 0; i < n; i++) {
            if (!clang_equalCursors(clang_Cursor_getArgument(fn, (unsigned)i), d)) continue;
            char suffix[24];
            snprintf(suffix, sizeof suffix, "#%d", i);
            return usr_name(x, "p:", fn, suffix);
        }
        return NULL;
    }
    if (k == CXCursor_VarDecl) return usr_name(x, "v:", d, NULL);
    if (k == CXCursor_FieldDecl) return field_slot(x, d);
    return NULL;
}

/* The value "fn:" USR of a function, noting it when the API models say
 * it allocates (malloc stored as a hook: copy_into marks the slot). */
static const char *function_value(flowctx *x, CXCursor d)
{
    const char *v = usr_name(x, "fn:", d, NULL);
    if (x->model) {
        CXString name = clang_getCursorSpelling(d);
        const rl_api_fn *api = rl_apimodel_find(x->model, clang_getCString(name));
        clang_disposeString(name);
        if (api && api->kind == RL_API_ALLOC) rl_ptrmap_put(&x->allocators, v, (void *)1);
    }
    return v;
}

static void add_value(vlist *out, const char *v)
{
    if (!v) return;
    for (int i = 0; i < out->n; i++)
        if (out->v[i] == v) return;
    if (out->n < MAX_VALUES) out->v[out->n++] = v;
}

/* What an expression may evaluate to, as slots and function constants. */
static void values(flowctx *x, CXCursor e, vlist *out, int depth)
{
    if (depth > MAX_VALUE_DEPTH) return;
    if (rl_cursor_is_null_constant(e)) {
        /* `.free = NULL`: what the slot holds there calls nothing */
        add_value(out, rl_intern(x->facts->pool, RL_NULL_FUNCTION));
        return;
    }
    e = rl_cursor_strip(e);
    enum CXCursorKind k = clang_getCursorKind(e);
    kids ks;
    switch (k) {
    case CXCursor_DeclRefExpr: {
        CXCursor d = clang_getCursorReferenced(e);
        if (clang_getCursorKind(d) == CXCursor_FunctionDecl) add_value(out, function_value(x, d));
        else add_value(out, decl_slot(x, d));
        break;
    }
    case CXCursor_MemberRefExpr:
        add_value(out, decl_slot(x, clang_getCursorReferenced(e)));
        break;
    case CXCursor_ArraySubscriptExpr:
        kids_of(e, &ks);
        if (ks.n >= 1 && is_array(clang_getCursorType(rl_cursor_strip(ks.c[0])))) values(x, ks.c[0], out, depth + 1);
        else add_value(out, type_slot(x, clang_getCursorType(e)));
        break;
    case CXCursor_UnaryOperator: {
        enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(e);
        kids_of(e, &ks);
        if (op == CXUnaryOperator_AddrOf && ks.n == 1) values(x, ks.c[0], out, depth + 1);
        else if (op == CXUnaryOperator_Deref && ks.n == 1 && !clang_equalCursors(rl_cursor_callee_pointer(e), e))
            values(x, ks.c[0], out, depth + 1); /* `*f` is the function f holds */
        else if (op == CXUnaryOperator_Deref) add_value(out, type_slot(x, clang_getCursorType(e)));
        break;
    }
    case CXCursor_ConditionalOperator:
        kids_of(e, &ks);
        for (int i = 1; i < ks.n; i++) values(x, ks.c[i], out, depth + 1);
        break;
    case CXCursor_BinaryOperator: {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
        kids_of(e, &ks);
        if ((op == CXBinaryOperator_Assign || op == CXBinaryOperator_Comma) && ks.n == 2) values(x, ks.c[1], out, depth + 1);
        break;
    }
    case CXCursor_CallExpr: {
        CXCursor d = clang_getCursorReferenced(e);
        if (clang_getCursorKind(d) == CXCursor_FunctionDecl) add_value(out, usr_name(x, "r:", d, NULL));
        break;
    }
    default:
        break;
    }
}

/* The one slot an lvalue names, or NULL. */
static const char *lvalue_slot(flowctx *x, CXCursor e)
{
    vlist v = {{0}, 0};
    values(x, e, &v, 0);
    for (int i = 0; i < v.n; i++)
        if (strncmp(v.v[i], "fn:", 3) != 0 && strncmp(v.v[i], "r:", 2) != 0) return v.v[i];
    return NULL;
}

const char *rl_fnflow_slot(rl_unit_facts *facts, CXCursor callee_expr)
{
    flowctx x = {facts, clang_getNullCursor(), -1, NULL, clang_getNullCursor(), NULL, RL_PTRMAP_INIT};
    const char *slot = lvalue_slot(&x, callee_expr);
    rl_ptrmap_free(&x.allocators);
    return slot;
}

const char *rl_fnflow_field_slot(rl_unit_facts *facts, CXCursor field)
{
    if (clang_getCursorKind(field) != CXCursor_FieldDecl || !holds_function(clang_getCursorType(field))) return NULL;
    flowctx x = {facts, clang_getNullCursor(), -1, NULL, clang_getNullCursor(), NULL, RL_PTRMAP_INIT};
    return field_slot(&x, field);
}

const char *rl_fnflow_member_slot(rl_unit_facts *facts, CXCursor field)
{
    /* the members of the system's types (pthread_mutex_t's list links)
     * are the library's business */
    if (clang_getCursorKind(field) != CXCursor_FieldDecl ||
        clang_Location_isInSystemHeader(clang_getCursorLocation(field)))
        return NULL;
    flowctx x = {facts, clang_getNullCursor(), -1, NULL, clang_getNullCursor(), NULL, RL_PTRMAP_INIT};
    return field_slot(&x, field);
}

static void copy_into(flowctx *x, const char *dst, CXCursor src)
{
    if (!dst) return;
    vlist v = {{0}, 0};
    values(x, src, &v, 0);
    for (int i = 0; i < v.n; i++) {
        if (v.v[i] != dst) rl_facts_add_fnflow(x->facts, RL_FNFLOW_COPY, dst, v.v[i], 0);
        if (rl_ptrmap_get(&x->allocators, v.v[i])) rl_facts_add_alloc_slot(x->facts, dst);
    }
}

static int can_hold(CXCursor e)
{
    return holds_function(clang_getCursorType(e)) || holds_function(clang_getCursorType(rl_cursor_strip(e)));
}

/* ---- initializers ------------------------------------------------------ */

typedef struct fields {
    CXCursor c[MAX_KIDS];
    int n;
} fields;

static void init_list(flowctx *x, const char *slot, CXType t, CXCursor list, int depth);

/* One element of an initializer list, going to `slot` of type t. */
static void init_element(flowctx *x, const char *slot, CXType t, CXCursor e, int depth)
{
    if (clang_getCursorKind(e) == CXCursor_InitListExpr) init_list(x, slot, t, e, depth + 1);
    else if (holds_function(t)) copy_into(x, slot, e);
}

/* `{ .cb = f, g }`, `{ {1, f}, {.cb = g} }`, `{ f, g }`: each element goes
 * to its field (designated, or the next in declaration order) or, for
 * arrays, to the array's own slot. */
static void init_list(flowctx *x, const char *slot, CXType t, CXCursor list, int depth)
{
    if (depth > MAX_VALUE_DEPTH) return;
    t = clang_getCanonicalType(t);
    kids ks;
    kids_of(list, &ks);
    if (t.kind == CXType_Record) {
        fields fs;
        fs.n = rl_cursor_fields(t, fs.c, MAX_KIDS);
        int next = 0;
        for (int i = 0; i < ks.n; i++) {
            CXCursor e = ks.c[i];
            CXCursor field = clang_getNullCursor();
            kids parts;
            kids_of(e, &parts);
            if (clang_getCursorKind(e) == CXCursor_UnexposedExpr && parts.n >= 2 &&
                clang_getCursorKind(parts.c[0]) == CXCursor_MemberRef) {
                /* .a.b = v: the last designator names the field */
                for (int p = 0; p < parts.n - 1; p++)
                    if (clang_getCursorKind(parts.c[p]) == CXCursor_MemberRef) field = clang_getCursorReferenced(parts.c[p]);
                for (int f = 0; f < fs.n; f++)
                    if (clang_equalCursors(fs.c[f], field)) next = f + 1;
                e = parts.c[parts.n - 1];
            } else if (next < fs.n) {
                field = fs.c[next++];
            }
            if (clang_Cursor_isNull(field)) continue;
            init_element(x, decl_slot(x, field), clang_getCursorType(field), e, depth);
        }
    } else if (is_array(t)) {
        CXType elem = clang_getArrayElementType(t);
        for (int i = 0; i < ks.n; i++) {
            CXCursor e = ks.c[i];
            kids parts;
            kids_of(e, &parts);
            /* [3] = v */
            if (clang_getCursorKind(e) == CXCursor_UnexposedExpr && parts.n >= 2) e = parts.c[parts.n - 1];
            init_element(x, slot, elem, e, depth);
        }
    } else {
        for (int i = 0; i < ks.n; i++) init_element(x, slot, t, ks.c[i], depth);
    }
}

static void on_var(flowctx *x, CXCursor var)
{
    kids ks;
    kids_of(var, &ks);
    CXCursor init = clang_getNullCursor();
    for (int i = 0; i < ks.n; i++)
        if (clang_isExpression(clang_getCursorKind(ks.c[i]))) init = ks.c[i];
    if (clang_Cursor_isNull(init)) return;
    const char *slot = decl_slot(x, var);
    init_element(x, slot, clang_getCursorType(var), rl_cursor_strip(init), 0);
}

/* A compound literal of a struct (`c->ops = (struct lock_ops){ lock, unlock,
 * m }`, or passed, or returned): its functions go to their fields, as a
 * declaration's brace initializer's do; wherever the struct value goes,
 * a copy carries those fields. */
static void on_compound_literal(flowctx *x, CXCursor lit)
{
    CXType t = clang_getCanonicalType(clang_getCursorType(lit));
    if (t.kind != CXType_Record) return;
    kids ks;
    kids_of(lit, &ks);
    for (int i = 0; i < ks.n; i++)
        if (clang_getCursorKind(ks.c[i]) == CXCursor_InitListExpr) init_list(x, NULL, t, ks.c[i], 0);
}

/* ---- statements and calls ---------------------------------------------- */

static void on_assign(flowctx *x, CXCursor op)
{
    kids ks;
    kids_of(op, &ks);
    if (ks.n != 2 || !(can_hold(ks.c[0]) || can_hold(ks.c[1]))) return;
    copy_into(x, lvalue_slot(x, ks.c[0]), ks.c[1]);
}

static void on_call(flowctx *x, CXCursor call)
{
    CXCursor callee = clang_getCursorReferenced(call);
    int nargs = clang_Cursor_getNumArguments(call);
    if (clang_getCursorKind(callee) == CXCursor_FunctionDecl) {
        /* A callback registered with an event loop may be called by any
         * dispatch (walk_register.c): the slot they all read. */
        CXString name = clang_getCursorSpelling(callee);
        const rl_api_fn *api = x->model ? rl_apimodel_find(x->model, clang_getCString(name)) : NULL;
        clang_disposeString(name);
        if (api && api->kind == RL_API_REGISTER && api->entry < nargs)
            copy_into(x, RL_REGISTERED_SLOT, clang_Cursor_getArgument(call, (unsigned)api->entry));
        if (clang_Location_isInSystemHeader(clang_getCursorLocation(callee))) return;
        for (int i = 0; i < nargs; i++) {
            CXCursor a = clang_Cursor_getArgument(call, (unsigned)i);
            if (!can_hold(a)) continue;
            char suffix[24];
            snprintf(suffix, sizeof suffix, "#%d", i);
            copy_into(x, usr_name(x, "p:", callee, suffix), a);
        }
        return;
    }
    kids ks;
    kids_of(call, &ks);
    const char *target = ks.n ? lvalue_slot(x, ks.c[0]) : NULL;
    if (!target) return;
    for (int i = 0; i < nargs; i++) {
        CXCursor a = clang_Cursor_getArgument(call, (unsigned)i);
        if (!can_hold(a)) continue;
        vlist v = {{0}, 0};
        values(x, a, &v, 0);
        for (int k = 0; k < v.n; k++) rl_facts_add_fnflow(x->facts, RL_FNFLOW_CALL_ARG, target, v.v[k], i);
    }
}

static void on_return(flowctx *x, CXCursor ret)
{
    if (clang_Cursor_isNull(x->fn) || !holds_function(clang_getResultType(clang_getCursorType(x->fn)))) return;
    kids ks;
    kids_of(ret, &ks);
    if (ks.n == 1) copy_into(x, usr_name(x, "r:", x->fn, NULL), ks.c[0]);
}

/* ---- links between units ------------------------------------------------ */

static int is_external_global(CXCursor d)
{
    return clang_getCursorKind(d) == CXCursor_VarDecl && clang_getCursorLinkage(d) == CXLinkage_External &&
           !clang_Location_isInSystemHeader(clang_getCursorLocation(d));
}

/* Whether a file-scope declaration of a global defines it: with an
 * initializer, or as a tentative definition (`int x;`, redis's `struct
 * redisServer server;`), which libclang does not call a definition but C
 * makes one at the end of the unit. */
static int defines_global(CXCursor d)
{
    return clang_isCursorDefinition(d) || clang_Cursor_getStorageClass(d) != CX_SC_Extern;
}

/* A global of external linkage, or a function other than the one a call
 * calls directly (a callback stored or passed): what the enclosing
 * function, or outside bodies the unit, makes a linker pull in. */
static void on_ref(flowctx *x, CXCursor ref)
{
    CXCursor d = clang_getCursorReferenced(ref);
    if (clang_getCursorKind(d) == CXCursor_FunctionDecl) {
        if (clang_equalCursors(clang_getCanonicalCursor(d), x->callee)) {
            x->callee = clang_getNullCursor(); /* the call's own callee */
            return;
        }
    } else if (!is_external_global(d)) {
        return;
    }
    CXString usr = clang_getCursorUSR(d);
    rl_facts_add_use(x->facts, x->fn_index, clang_getCString(usr));
    clang_disposeString(usr);
}

/* The index in facts->fns of the function a definition cursor names, -1
 * when the walker recorded none. */
static int32_t function_index(flowctx *x, CXCursor fn)
{
    CXString usr = clang_getCursorUSR(fn);
    const char *u = rl_intern(x->facts->pool, clang_getCString(usr));
    clang_disposeString(usr);
    void *v = rl_ptrmap_get(x->fn_by_usr, u);
    return v ? (int32_t)((intptr_t)v - 1) : -1;
}

static enum CXChildVisitResult visit(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    flowctx *x = data;
    switch (clang_getCursorKind(c)) {
    case CXCursor_DeclRefExpr:
        on_ref(x, c);
        break;
    case CXCursor_FunctionDecl: {
        if (!clang_isCursorDefinition(c)) return CXChildVisit_Continue;
        CXCursor saved = x->fn;
        int32_t saved_index = x->fn_index;
        x->fn = c;
        x->fn_index = function_index(x, c);
        clang_visitChildren(c, visit, x);
        x->fn = saved;
        x->fn_index = saved_index;
        return CXChildVisit_Continue;
    }
    case CXCursor_VarDecl:
        on_var(x, c);
        break;
    case CXCursor_CompoundLiteralExpr:
        on_compound_literal(x, c);
        break;
    case CXCursor_BinaryOperator:
        if (clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_Assign) on_assign(x, c);
        break;
    case CXCursor_CallExpr: {
        /* Its callee expression is its first child, walked next. */
        CXCursor callee = clang_getCursorReferenced(c);
        x->callee = clang_getCursorKind(callee) == CXCursor_FunctionDecl ? clang_getCanonicalCursor(callee)
                                                                         : clang_getNullCursor();
        on_call(x, c);
        break;
    }
    case CXCursor_ReturnStmt:
        on_return(x, c);
        break;
    default:
        break;
    }
    return CXChildVisit_Recurse;
}

static enum CXChildVisitResult visit_top(CXCursor c, CXCursor parent, CXClientData data)
{
    if (clang_Location_isInSystemHeader(clang_getCursorLocation(c))) return CXChildVisit_Continue;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_LinkageSpec || k == CXCursor_UnexposedDecl) return CXChildVisit_Recurse;
    flowctx *x = data;
    if (k == CXCursor_VarDecl && defines_global(c) && is_external_global(c)) {
        CXString usr = clang_getCursorUSR(c);
        rl_facts_add_global_defined(x->facts, clang_getCString(usr));
        clang_disposeString(usr);
    }
    visit(c, parent, data);
    /* A function's body was walked by visit itself; a declaration's
     * initializer is walked here for the calls and assignments in it. */
    if (k != CXCursor_FunctionDecl) clang_visitChildren(c, visit, data);
    return CXChildVisit_Continue;
}

void rl_fnflow_extract(CXTranslationUnit tu, rl_unit_facts *facts, const rl_apimodel *model)
{
    rl_ptrmap fn_by_usr = RL_PTRMAP_INIT;
    for (int32_t i = 0; i < facts->nfns; i++) rl_ptrmap_put(&fn_by_usr, facts->fns[i].usr, (void *)(intptr_t)(i + 1));
    flowctx x = {facts, clang_getNullCursor(), -1, &fn_by_usr, clang_getNullCursor(), model, RL_PTRMAP_INIT};
    clang_visitChildren(clang_getTranslationUnitCursor(tu), visit_top, &x);
    rl_ptrmap_free(&x.allocators);
    rl_ptrmap_free(&fn_by_usr);
}
