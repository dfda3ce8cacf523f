/* The frontend's walker: libclang AST -> facts. Each function body is walked
 * once; statements become structure nodes, expressions become access and
 * call events written in the place syntax of facts.h.
 *
 * Invariants:
 *  1. Only memory another thread could see is recorded: globals, static
 *     locals, anything reached through a pointer, and locals whose address
 *     is taken. Plain locals and parameters never become accesses.
 *  2. Whether a call locks, spawns, joins, allocates or is atomic is asked
 *     of the API model by name; the walker knows no API by heart.
 *  3. Values are computed by the same code that emits events, with emission
 *     switched off (w->silent) when only the value is wanted, so a value and
 *     the events it stands for can never disagree. */
#include "frontend.h"
#include "annotations.h"
#include "cursor.h"
#include "fnflow.h"
#include "../util/mem.h"
#include "../util/ptrmap.h"
#include "../util/strbuf.h"
#include <clang-c/Index.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How an expression's result is used. */
typedef enum use_mode {
    USE_READ,  /* its value is read */
    USE_WRITE, /* it is assigned */
    USE_RMW,   /* read, then written (++, +=) */
    USE_ADDR,  /* only its address is computed (&x, array decay) */
} use_mode;

/* Longest identifier read back from source text for macro names. */
#define MAX_IDENT 128
/* Guard against pathological alias chains (p = q; q = r; ...). */
#define MAX_ALIAS_DEPTH 16
/* Per-expression recursion bound: deeper trees are walked without detail. */
#define MAX_EXPR_DEPTH 512

struct rl_frontend {
    CXIndex index;
    const rl_apimodel *model;
    char *resource_dir_flag;
};

typedef struct local_var {
    CXCursor decl;
    unsigned hash;
    const char *name;
    int param_index;   /* >= 0 for parameters */
    int is_pointer;
    int exposed;       /* its address is taken somewhere */
    int addr_of_ptr;   /* &p taken: p's value is unknowable */
    int modified;      /* changed in place (++, +=): not a copy of its initialiser */
    CXCursor *assigns; /* right-hand sides assigned to it */
    int nassigns, cap_assigns;
    int alias_state;   /* 0 unknown yet, 1 computing, 2 done */
    const char *alias; /* its single known value, or NULL */
    int ntop_assigns;  /* assignments that are statements of the body itself */
    int straight;      /* every assignment is one: its value is followed in
                          program order (current) instead of merged */
    const char *current; /* straight: the value assigned last in the walk */
    int32_t trylock_node; /* holds the result of that TRYLOCK node, or -1 */
} local_var;

typedef struct walker {
    rl_frontend *fe;
    CXTranslationUnit tu;
    rl_unit_facts *facts;
    rl_function *fn;
    const char *fn_name;
    local_var *locals;
    int nlocals, cap_locals;
    int32_t cur;       /* SEQ node receiving events */
    int silent;        /* compute values without emitting events */
    int in_alias;      /* computing a flow-insensitive alias (rlw_local_alias) */
    int has_jumps;     /* the body has labels or gotos: no straight locals */
    int depth;
    int32_t last_trylock;  /* most recent TRYLOCK node emitted */
    rl_ptrmap annotations; /* callee name (interned) -> rl_lock_annotation*, or rlw_no_annotation */
    rl_ptrmap globals;     /* file-scope variable name (interned) -> CXCursor* of its declaration */
    rl_ptrmap guards;      /* variable or field USR -> its GUARDED_BY text, or rlw_no_annotation */
    rl_ptrmap noreturn;    /* callee USR (interned) -> NORETURN_YES or rlw_no_annotation */
} walker;

/* A callee known to carry no lock attribute. */
static const char rlw_no_annotation[] = "";
/* A callee declared never to return. */
static const char NORETURN_YES[] = "noreturn";

/* ---- small libclang helpers ---------------------------------------------- */

typedef struct child_list {
    CXCursor items[8];
    CXCursor *heap;
    int len, cap;
} child_list;

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

static void rlw_children_of(CXCursor c, child_list *l)
{
    l->len = 0;
    l->heap = NULL;
    l->cap = 0;
    clang_visitChildren(c, collect_child, l);
}

static CXCursor rlw_child_at(const child_list *l, int i)
{
    return l->heap ? l->heap[i] : l->items[i];
}

static void rlw_children_free(child_list *l)
{
    free(l->heap);
    l->heap = NULL;
}

static const char *rlw_intern_cx(walker *w, CXString s)
{
    const char *r = rl_intern(w->facts->pool, clang_getCString(s) ? clang_getCString(s) : "");
    clang_disposeString(s);
    return r;
}

static rl_loc rlw_loc_of(walker *w, CXCursor c)
{
    rl_loc loc = {0};
    CXFile file;
    unsigned line, col;
    /* The start of the expression (`stats.failed`), not clang's preferred
     * location (the member name). */
    CXSourceLocation where = clang_getRangeStart(clang_getCursorExtent(c));
    if (clang_equalLocations(where, clang_getNullLocation())) where = clang_getCursorLocation(c);
    clang_getExpansionLocation(where, &file, &line, &col, NULL);
    loc.line = line;
    loc.col = col;
    loc.file = file ? rlw_intern_cx(w, clang_getFileName(file)) : w->facts->main_file;
    return loc;
}

static int rlw_type_is_pointer(CXType t)
{
    t = clang_getCanonicalType(t);
    return t.kind == CXType_Pointer;
}

static int rlw_type_is_array(CXType t)
{
    t = clang_getCanonicalType(t);
    return t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray || t.kind == CXType_VariableArray ||
           t.kind == CXType_DependentSizedArray;
}

static int rlw_type_is_atomic(CXType t)
{
    return clang_getCanonicalType(t).kind == CXType_Atomic;
}

static int rlw_type_is_function(CXType t)
{
    t = clang_getCanonicalType(t);
    return t.kind == CXType_FunctionProto || t.kind == CXType_FunctionNoProto;
}

/* Spelling of a type without qualifiers, for type-based places. */
static const char *rlw_type_key(walker *w, CXType t)
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

/* Strips parentheses and single-child implicit casts. */

/* The identifier written at the start of c in the source (the macro name
 * when c comes from a macro expansion such as atomic_fetch_add). */
static int rlw_source_ident(walker *w, CXCursor c, char *buf, size_t size)
{
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile file;
    unsigned offset;
    clang_getExpansionLocation(clang_getRangeStart(r), &file, NULL, NULL, &offset);
    buf[0] = '\0';
    if (!file) return 0;
    size_t len;
    const char *text = clang_getFileContents(w->tu, file, &len);
    if (!text) return 0;
    size_t n = 0;
    while (offset + n < len && n + 1 < size && (isalnum((unsigned char)text[offset + n]) || text[offset + n] == '_')) {
        buf[n] = text[offset + n];
        n++;
    }
    buf[n] = '\0';
    return n > 0;
}

/* Evaluates an integer constant expression; returns 1 when it is one. */
static int rlw_const_int(CXCursor c, long long *value)
{
    CXEvalResult r = clang_Cursor_Evaluate(c);
    if (!r) return 0;
    int ok = clang_EvalResult_getKind(r) == CXEval_Int;
    if (ok) *value = clang_EvalResult_getAsLongLong(r);
    clang_EvalResult_dispose(r);
    return ok;
}

/* ---- locals ---------------------------------------------------------------- */

static local_var *rlw_find_local(walker *w, CXCursor decl)
{
    unsigned h = clang_hashCursor(decl);
    for (int i = 0; i < w->nlocals; i++)
        if (w->locals[i].hash == h && clang_equalCursors(w->locals[i].decl, decl)) return &w->locals[i];
    return NULL;
}

static local_var *rlw_add_local(walker *w, CXCursor decl, int param_index)
{
    RL_GROW(w->locals, w->cap_locals, w->nlocals + 1);
    local_var *v = &w->locals[w->nlocals++];
    memset(v, 0, sizeof *v);
    v->decl = decl;
    v->hash = clang_hashCursor(decl);
    v->name = rlw_intern_cx(w, clang_getCursorSpelling(decl));
    v->param_index = param_index;
    v->is_pointer = rlw_type_is_pointer(clang_getCursorType(decl));
    v->trylock_node = -1;
    return v;
}

/* A variable is a function-local object when it has automatic storage. */
static int rlw_is_automatic(CXCursor decl)
{
    if (clang_getCursorKind(decl) == CXCursor_ParmDecl) return 1;
    if (clang_getCursorKind(decl) != CXCursor_VarDecl) return 0;
    enum CX_StorageClass sc = clang_Cursor_getStorageClass(decl);
    if (sc == CX_SC_Static || sc == CX_SC_Extern) return 0;
    CXCursor parent = clang_getCursorSemanticParent(decl);
    enum CXCursorKind pk = clang_getCursorKind(parent);
    return pk == CXCursor_FunctionDecl;
}

/* The local variable at the root of an lvalue built from `.` and array
 * subscripts (the storage itself, not through a pointer). */
static local_var *lvalue_root_local(walker *w, CXCursor c)
{
    for (int guard = 0; guard < MAX_EXPR_DEPTH; guard++) {
        c = rl_cursor_strip(c);
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k == CXCursor_DeclRefExpr) {
            CXCursor d = clang_getCursorReferenced(c);
            return rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
        }
        child_list l;
        rlw_children_of(c, &l);
        CXCursor base = l.len ? rlw_child_at(&l, 0) : clang_getNullCursor();
        rlw_children_free(&l);
        if (k == CXCursor_MemberRefExpr) {
            if (rlw_type_is_pointer(clang_getCursorType(base))) return NULL;
            c = base;
        } else if (k == CXCursor_ArraySubscriptExpr) {
            if (!rlw_type_is_array(clang_getCursorType(rl_cursor_strip(base)))) return NULL;
            c = base;
        } else {
            return NULL;
        }
    }
    return NULL;
}

typedef struct prepass_ctx {
    walker *w;
} prepass_ctx;

/* First pass over a body: declare locals, find which have their address
 * taken and what is assigned to local pointers (for aliasing). */
static enum CXChildVisitResult rlw_visit_initializer(CXCursor c, CXCursor parent, CXClientData data);

static enum CXChildVisitResult rlw_prepass_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    walker *w = ((prepass_ctx *)data)->w;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_VarDecl && !rlw_is_automatic(c)) {
        /* a static local's initializer (a handler table inside a function) */
        clang_visitChildren(c, rlw_visit_initializer, w);
    } else if (k == CXCursor_VarDecl && rlw_is_automatic(c)) {
        local_var *v = rlw_add_local(w, c, -1);
        child_list l;
        rlw_children_of(c, &l);
        if (l.len && clang_isExpression(clang_getCursorKind(rlw_child_at(&l, l.len - 1)))) {
            CXCursor init = rlw_child_at(&l, l.len - 1);
            RL_PUSH(v->assigns, v->nassigns, v->cap_assigns, init);
        }
        rlw_children_free(&l);
    } else if (k == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_AddrOf) {
        child_list l;
        rlw_children_of(c, &l);
        if (l.len) {
            local_var *v = lvalue_root_local(w, rlw_child_at(&l, 0));
            if (v) {
                v->exposed = 1;
                CXCursor operand = rl_cursor_strip(rlw_child_at(&l, 0));
                if (v->is_pointer && clang_getCursorKind(operand) == CXCursor_DeclRefExpr) v->addr_of_ptr = 1;
            }
        }
        rlw_children_free(&l);
    } else if (k == CXCursor_DeclRefExpr && rlw_type_is_array(clang_getCursorType(c))) {
        /* An array used as a value decays to a pointer to it. */
        enum CXCursorKind pk = clang_getCursorKind(parent);
        if (pk != CXCursor_ArraySubscriptExpr && pk != CXCursor_UnaryExpr && pk != CXCursor_MemberRefExpr) {
            CXCursor d = clang_getCursorReferenced(c);
            local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
            if (v) v->exposed = 1;
        }
    } else if ((k == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(c) >= CXUnaryOperator_PostInc &&
                clang_getCursorUnaryOperatorKind(c) <= CXUnaryOperator_PreDec) ||
               k == CXCursor_CompoundAssignOperator) {
        child_list l;
        rlw_children_of(c, &l);
        CXCursor target = l.len ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
        rlw_children_free(&l);
        if (clang_getCursorKind(target) == CXCursor_DeclRefExpr) {
            CXCursor d = clang_getCursorReferenced(target);
            local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
            if (v) v->modified = 1;
        }
    } else if (k == CXCursor_LabelStmt || k == CXCursor_GotoStmt || k == CXCursor_IndirectGotoStmt) {
        w->has_jumps = 1;
    } else if (k == CXCursor_BinaryOperator && clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_Assign) {
        child_list l;
        rlw_children_of(c, &l);
        if (l.len == 2) {
            CXCursor lhs = rl_cursor_strip(rlw_child_at(&l, 0));
            if (clang_getCursorKind(lhs) == CXCursor_DeclRefExpr) {
                CXCursor d = clang_getCursorReferenced(lhs);
                local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
                if (v) RL_PUSH(v->assigns, v->nassigns, v->cap_assigns, rlw_child_at(&l, 1));
            }
        }
        rlw_children_free(&l);
    }
    return CXChildVisit_Recurse;
}

/* ---- event emission ---------------------------------------------------- */

static int32_t rlw_emit(walker *w, rl_node_kind kind, CXCursor at)
{
    if (w->silent) return -1;
    return rl_fn_add_node(w->fn, kind, w->cur, rlw_loc_of(w, at));
}

/* A place is worth recording when another thread could reach it. An
 * object of unknown origin is only identified by its type, and only a
 * struct or union type says enough: "any char buffer" or "any int" would
 * pair every string with every other. */
static int place_is_shared_candidate(walker *w, const char *place)
{
    if (!place || !*place) return 0;
    if (place[0] == '{' && !rl_type_is_aggregate_key(place)) return 0;
    if (strncmp(place, "L:", 2) == 0) {
        /* L:name... : only locals whose address escapes the expression. */
        size_t n = strcspn(place + 2, ".[*");
        for (int i = 0; i < w->nlocals; i++)
            if (w->locals[i].exposed && strlen(w->locals[i].name) == n && strncmp(w->locals[i].name, place + 2, n) == 0)
                return 1;
        return 0;
    }
    return 1;
}

/* Returns the ACCESS node emitted, or -1. */
static int32_t rlw_emit_access(walker *w, CXCursor at, const char *place, const char *display, use_mode mode, int atomic)
{
    if (w->silent || mode == USE_ADDR || !place_is_shared_candidate(w, place)) return -1;
    int32_t id = rlw_emit(w, RL_N_ACCESS, at);
    if (id < 0) return -1;
    rl_node *n = &w->fn->nodes[id];
    n->text = rl_intern(w->facts->pool, place);
    n->display = rl_intern(w->facts->pool, display);
    n->flags = (uint8_t)((mode == USE_WRITE ? RL_ACC_WRITE : mode == USE_RMW ? (RL_ACC_WRITE | RL_ACC_READ) : RL_ACC_READ) |
                         (atomic ? RL_ACC_ATOMIC : 0));
    return id;
}

/* ---- expressions ----------------------------------------------------------
 * rlw_expr() walks an expression used in `mode`, emitting its accesses. When
 * `place` is non-NULL it receives the place the expression designates (for
 * lvalues); when `value` is non-NULL it receives its pointer value. */

typedef struct expr_out {
    rl_strbuf place;   /* place syntax of facts.h, "" if none */
    rl_strbuf display; /* as the user would write it */
    rl_strbuf value;   /* value syntax, "" if unknown */
    long long index;   /* the constant index of the place's first [], or -1 */
} expr_out;

static void rlw_out_init(expr_out *o)
{
    memset(o, 0, sizeof *o);
    o->index = -1;
}

static void rlw_out_free(expr_out *o)
{
    rl_sb_free(&o->place);
    rl_sb_free(&o->display);
    rl_sb_free(&o->value);
}

static void rlw_expr(walker *w, CXCursor c, use_mode mode, expr_out *out);
static void rlw_stmt(walker *w, CXCursor c);
static int rlw_is_null_constant(CXCursor c);

/* The place reached by dereferencing a pointer value of type ptr_type. */
static void rlw_deref_place(walker *w, const char *value, CXType ptr_type, rl_strbuf *place)
{
    if (value[0] == '&') {
        rl_sb_append(place, value + 1);
    } else if (value[0] && value[0] != '{') {
        rl_sb_append(place, value);
        rl_sb_appendc(place, '*');
    } else {
        CXType pointee = clang_getPointeeType(clang_getCanonicalType(ptr_type));
        rl_sb_printf(place, "{%s}", rlw_type_key(w, pointee));
    }
}

/* Walks all children of c as reads. */
static void rlw_read_children(walker *w, CXCursor c)
{
    child_list l;
    rlw_children_of(c, &l);
    for (int i = 0; i < l.len; i++) {
        CXCursor k = rlw_child_at(&l, i);
        if (clang_isExpression(clang_getCursorKind(k))) rlw_expr(w, k, USE_READ, NULL);
        else if (clang_isStatement(clang_getCursorKind(k))) rlw_stmt(w, k);
    }
    rlw_children_free(&l);
}

static const char *rlw_local_alias(walker *w, local_var *v, int depth);

/* The value of a named variable (when it is a pointer). */
static void var_value(walker *w, CXCursor decl, const char *place, expr_out *out)
{
    local_var *v = rlw_is_automatic(decl) ? rlw_find_local(w, decl) : NULL;
    if (!v) {
        rl_sb_append(&out->value, place); /* a global pointer: its stored value */
        return;
    }
    if (v->param_index >= 0 && !v->addr_of_ptr) {
        /* A parameter never reassigned keeps its incoming value. */
        if (v->nassigns == 0) {
            rl_sb_printf(&out->value, "P%d", v->param_index);
            return;
        }
    }
    if (v->straight && !w->in_alias) {
        /* Assigned only by statements of the body itself: the value the
         * walk assigned last (`p = A->next; ... p = B->next;`). */
        if (v->current) rl_sb_append(&out->value, v->current);
        else if (v->param_index >= 0) rl_sb_printf(&out->value, "P%d", v->param_index);
        return;
    }
    const char *alias = rlw_local_alias(w, v, 0);
    if (alias) rl_sb_append(&out->value, alias);
}

/* The declaring file's base name, made an identifier (`stats.c` ->
 * `stats_c`), to tell apart file-scope statics of the same name. */
static void append_file_tag(walker *w, CXCursor decl, rl_strbuf *out)
{
    CXFile file;
    clang_getExpansionLocation(clang_getCursorLocation(decl), &file, NULL, NULL, NULL);
    const char *path = file ? rlw_intern_cx(w, clang_getFileName(file)) : w->facts->main_file;
    const char *base = strrchr(path, '/');
    for (const char *p = base ? base + 1 : path; *p; p++) rl_sb_appendc(out, isalnum((unsigned char)*p) ? *p : '_');
}

static enum CXChildVisitResult find_field(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    const char **name = data;
    if (clang_getCursorKind(c) != CXCursor_FieldDecl) return CXChildVisit_Continue;
    CXString s = clang_getCursorSpelling(c);
    int found = strcmp(clang_getCString(s), *name) == 0;
    clang_disposeString(s);
    if (!found) return CXChildVisit_Continue;
    *name = NULL;
    return CXChildVisit_Break;
}

static void rlw_var_place(walker *w, CXCursor d, const char *name, rl_strbuf *place);

/* The lock decl is declared GUARDED_BY, as a place: a sibling field of the
 * struct at `object` (GUARDED_BY(lock) on a field), or a global. Read once
 * per declaration. Returns NULL when there is none. */
static const char *declared_guard(walker *w, CXCursor decl, const char *object)
{
    const char *usr = rlw_intern_cx(w, clang_getCursorUSR(decl));
    void **slot = rl_ptrmap_slot(&w->guards, usr);
    if (!*slot) {
        char text[RL_ANNOTATION_MAX_TEXT];
        *slot = rl_annotation_guarded_by(w->tu, decl, text, sizeof text) == 0
                    ? (void *)rl_intern(w->facts->pool, text) : (void *)rlw_no_annotation;
    }
    const char *text = *slot;
    if (text == rlw_no_annotation) return NULL;
    char root[RL_ANNOTATION_MAX_TEXT], path[RL_ANNOTATION_MAX_TEXT];
    const char *rest = rl_capability_root(text, root, sizeof root);
    if (!rest || rl_capability_path(rest, 0, path, sizeof path) != 0) return NULL;
    rl_strbuf place = RL_STRBUF_INIT;
    const char *wanted = root;
    if (object && clang_getCursorKind(decl) == CXCursor_FieldDecl)
        clang_visitChildren(clang_getCursorSemanticParent(decl), find_field, &wanted);
    if (!wanted) {
        rl_sb_printf(&place, "%s.%s", object, root); /* a sibling field */
    } else {
        const CXCursor *g = rl_ptrmap_get(&w->globals, rl_intern(w->facts->pool, root));
        if (g) rlw_var_place(w, *g, root, &place);
    }
    int ok = place.len > 0;
    rl_sb_append(&place, path);
    const char *r = ok ? rl_intern(w->facts->pool, rl_sb_str(&place)) : NULL;
    rl_sb_free(&place);
    return r;
}

static void rlw_set_guard(walker *w, int32_t id, CXCursor decl, const char *object)
{
    if (id >= 0) w->fn->nodes[id].guard = declared_guard(w, decl, object);
}

static void set_index(walker *w, int32_t id, long long index)
{
    if (id >= 0) w->fn->nodes[id].aux = (int32_t)index;
}

/* The place of variable d, named name. */
static void rlw_var_place(walker *w, CXCursor d, const char *name, rl_strbuf *place)
{
    if (rlw_is_automatic(d)) {
        rl_sb_printf(place, "L:%s", name);
    } else if (clang_getCursorKind(clang_getCursorSemanticParent(d)) == CXCursor_FunctionDecl) {
        rl_sb_printf(place, "G:%s'%s", name, w->fn_name); /* static local: one per function */
    } else if (clang_Cursor_getStorageClass(d) == CX_SC_Static) {
        /* internal linkage: one per file (two files' `static int count`
         * are different objects) */
        rl_sb_printf(place, "G:%s'", name);
        append_file_tag(w, d, place);
    } else {
        rl_sb_printf(place, "G:%s", name);
    }
}

static void walk_declref(walker *w, CXCursor c, use_mode mode, expr_out *out)
{
    CXCursor d = clang_getCursorReferenced(c);
    enum CXCursorKind dk = clang_getCursorKind(d);
    if (dk == CXCursor_FunctionDecl) {
        /* A function used as a value: its address is taken, and the value
         * names it ("fn:USR"), so that a callee's call through the
         * parameter it arrives in reaches this function alone. */
        const char *usr = rlw_intern_cx(w, clang_getCursorUSR(d));
        if (!w->silent) rl_facts_add_addr_taken(w->facts, usr);
        if (out) rl_sb_printf(&out->value, "fn:%s", usr);
        return;
    }
    if (dk != CXCursor_VarDecl && dk != CXCursor_ParmDecl) return;
    if (clang_getCursorTLSKind(d) != CXTLS_None) return; /* thread-local: private */
    const char *name = rlw_intern_cx(w, clang_getCursorSpelling(d));
    rl_strbuf place = RL_STRBUF_INIT;
    rlw_var_place(w, d, name, &place);
    CXType t = clang_getCursorType(c);
    int is_array = rlw_type_is_array(t);
    if (out) {
        rl_sb_append(&out->place, rl_sb_str(&place));
        rl_sb_append(&out->display, name);
        if (is_array) rl_sb_printf(&out->value, "&%s[]", rl_sb_str(&place));
        else if (rlw_type_is_pointer(t) || (dk == CXCursor_ParmDecl && rlw_type_is_function(t)))
            var_value(w, d, rl_sb_str(&place), out); /* `void cb(int)` as a parameter is a pointer */
    }
    if (!is_array) rlw_set_guard(w, rlw_emit_access(w, c, rl_sb_str(&place), name, mode, rlw_type_is_atomic(t)), d, NULL);
    rl_sb_free(&place);
}

static void walk_member(walker *w, CXCursor c, use_mode mode, expr_out *out)
{
    child_list l;
    rlw_children_of(c, &l);
    const char *field = rlw_intern_cx(w, clang_getCursorSpelling(c));
    long long index = -1;
    expr_out base;
    rlw_out_init(&base);
    rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
    if (l.len) {
        CXCursor b = rlw_child_at(&l, 0);
        CXType bt = clang_getCursorType(b);
        if (rlw_type_is_pointer(bt)) {
            rlw_expr(w, b, USE_READ, &base);
            rlw_deref_place(w, rl_sb_str(&base.value), bt, &place);
            rl_sb_printf(&display, "%s->%s", rl_sb_str(&base.display), field);
        } else {
            rlw_expr(w, b, USE_ADDR, &base);
            rl_sb_append(&place, rl_sb_str(&base.place));
            rl_sb_printf(&display, "%s.%s", rl_sb_str(&base.display), field);
            index = base.index; /* arr[3].x: still element 3 */
        }
    }
    rlw_children_free(&l);
    rl_strbuf object = RL_STRBUF_INIT; /* the struct the field is in */
    rl_sb_append(&object, rl_sb_str(&place));
    if (rl_sb_str(&place)[0]) rl_sb_printf(&place, ".%s", field);
    CXType t = clang_getCursorType(c);
    int is_array = rlw_type_is_array(t);
    if (!is_array) {
        int32_t id = rlw_emit_access(w, c, rl_sb_str(&place), rl_sb_str(&display), mode, rlw_type_is_atomic(t));
        if (object.len) rlw_set_guard(w, id, clang_getCursorReferenced(c), rl_sb_str(&object));
        set_index(w, id, index);
    }
    rl_sb_free(&object);
    if (out) {
        out->index = index;
        rl_sb_append(&out->place, rl_sb_str(&place));
        rl_sb_append(&out->display, rl_sb_str(&display));
        if (rl_sb_str(&place)[0]) {
            if (is_array) rl_sb_printf(&out->value, "&%s[]", rl_sb_str(&place));
            else if (rlw_type_is_pointer(t)) rl_sb_append(&out->value, rl_sb_str(&place));
        }
    }
    rlw_out_free(&base);
    rl_sb_free(&place);
    rl_sb_free(&display);
}

/* The parameter an index is a copy of (`stats[id]` with `int id =
 * (intptr_t)arg`), or -1: a thread that indexes by its own argument touches
 * its own element. */
static int index_param(walker *w, CXCursor idx)
{
    CXCursor s = rl_cursor_strip(idx);
    for (int guard = 0; guard < MAX_ALIAS_DEPTH && clang_getCursorKind(s) == CXCursor_DeclRefExpr; guard++) {
        CXCursor d = clang_getCursorReferenced(s);
        local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
        if (!v || v->exposed || v->modified) return -1;
        if (v->param_index >= 0) return v->nassigns == 0 ? v->param_index : -1;
        if (v->nassigns != 1) return -1;
        s = rl_cursor_strip(v->assigns[0]);
    }
    return -1;
}

static void walk_subscript(walker *w, CXCursor c, use_mode mode, expr_out *out)
{
    child_list l;
    rlw_children_of(c, &l);
    rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
    long long index = -1;
    if (l.len == 2) {
        CXCursor b = rlw_child_at(&l, 0), idx = rlw_child_at(&l, 1);
        /* `i[a]` is legal C: the pointer is whichever side is one. */
        if (!rlw_type_is_pointer(clang_getCursorType(b)) && rlw_type_is_pointer(clang_getCursorType(idx))) {
            CXCursor tmp = b;
            b = idx;
            idx = tmp;
        }
        rlw_expr(w, idx, USE_READ, NULL);
        int by_param = index_param(w, idx);
        expr_out base;
        rlw_out_init(&base);
        CXCursor sb = rl_cursor_strip(b);
        if (rlw_type_is_array(clang_getCursorType(sb))) {
            rlw_expr(w, sb, USE_ADDR, &base);
            if (!rl_sb_str(&base.place)[0]) {
                /* not a place we track */
            } else if (by_param >= 0) {
                rl_sb_printf(&place, "%s[#P%d]", rl_sb_str(&base.place), by_param);
            } else {
                /* table[3] and table[5] are different elements: the place
                 * stays table[] (locks in arrays keep one name), the
                 * constant index of its first [] goes with the access. */
                long long k;
                if (strchr(rl_sb_str(&base.place), '[')) index = base.index;
                else if (rlw_const_int(rl_cursor_strip(idx), &k) && k >= 0 && k <= INT32_MAX) index = k;
                rl_sb_printf(&place, "%s[]", rl_sb_str(&base.place));
            }
        } else {
            rlw_expr(w, b, USE_READ, &base);
            rlw_deref_place(w, rl_sb_str(&base.value), clang_getCursorType(b), &place);
        }
        rl_sb_printf(&display, "%s[]", rl_sb_str(&base.display));
        rlw_out_free(&base);
    }
    rlw_children_free(&l);
    CXType t = clang_getCursorType(c);
    int is_array = rlw_type_is_array(t);
    if (!is_array) set_index(w, rlw_emit_access(w, c, rl_sb_str(&place), rl_sb_str(&display), mode, rlw_type_is_atomic(t)), index);
    if (out) {
        out->index = index;
        rl_sb_append(&out->place, rl_sb_str(&place));
        rl_sb_append(&out->display, rl_sb_str(&display));
        if (is_array) rl_sb_printf(&out->value, "&%s[]", rl_sb_str(&place));
        else if (rlw_type_is_pointer(t)) rl_sb_append(&out->value, rl_sb_str(&place));
    }
    rl_sb_free(&place);
    rl_sb_free(&display);
}

static void walk_deref(walker *w, CXCursor c, CXCursor operand, use_mode mode, expr_out *out)
{
    expr_out base;
    rlw_out_init(&base);
    rlw_expr(w, operand, USE_READ, &base);
    rl_strbuf place = RL_STRBUF_INIT;
    rlw_deref_place(w, rl_sb_str(&base.value), clang_getCursorType(operand), &place);
    CXType t = clang_getCursorType(c);
    rl_strbuf display = RL_STRBUF_INIT;
    rl_sb_printf(&display, "*%s", rl_sb_str(&base.display));
    if (!rlw_type_is_array(t) && !rlw_type_is_function(t))
        rlw_emit_access(w, c, rl_sb_str(&place), rl_sb_str(&display), mode, rlw_type_is_atomic(t));
    if (out) {
        rl_sb_append(&out->place, rl_sb_str(&place));
        rl_sb_append(&out->display, rl_sb_str(&display));
        if (rlw_type_is_array(t)) rl_sb_printf(&out->value, "&%s[]", rl_sb_str(&place));
        else if (rlw_type_is_pointer(t)) rl_sb_append(&out->value, rl_sb_str(&place));
    }
    rlw_out_free(&base);
    rl_sb_free(&place);
    rl_sb_free(&display);
}

static void rlw_walk_call(walker *w, CXCursor c, expr_out *out);
static void rlw_walk_atomic_expr(walker *w, CXCursor c, expr_out *out);
static void rlw_set_args(walker *w, int32_t id, const char **vals, int n);

static void walk_unary(walker *w, CXCursor c, use_mode mode, expr_out *out)
{
    child_list l;
    rlw_children_of(c, &l);
    if (l.len != 1) {
        rlw_children_free(&l);
        rlw_read_children(w, c);
        return;
    }
    CXCursor operand = rlw_child_at(&l, 0);
    rlw_children_free(&l);
    switch (clang_getCursorUnaryOperatorKind(c)) {
    case CXUnaryOperator_Deref:
        walk_deref(w, c, operand, mode, out);
        break;
    case CXUnaryOperator_AddrOf: {
        expr_out inner;
        rlw_out_init(&inner);
        rlw_expr(w, operand, USE_ADDR, &inner);
        if (out && strncmp(rl_sb_str(&inner.value), "fn:", 3) == 0) {
            rl_sb_append(&out->value, rl_sb_str(&inner.value)); /* &f is f */
        } else if (out && rl_sb_str(&inner.place)[0]) {
            rl_sb_printf(&out->value, "&%s", rl_sb_str(&inner.place));
            rl_sb_append(&out->display, rl_sb_str(&inner.display));
        }
        rlw_out_free(&inner);
        break;
    }
    case CXUnaryOperator_PostInc:
    case CXUnaryOperator_PostDec:
    case CXUnaryOperator_PreInc:
    case CXUnaryOperator_PreDec: {
        expr_out inner;
        rlw_out_init(&inner);
        rlw_expr(w, operand, USE_RMW, &inner);
        if (out) rl_sb_append(&out->value, rl_sb_str(&inner.value));
        rlw_out_free(&inner);
        break;
    }
    default:
        rlw_expr(w, operand, USE_READ, NULL);
        break;
    }
}

static int32_t rlw_open_seq(walker *w, int32_t parent, CXCursor at);
static void rlw_expr_into(walker *w, CXCursor c, int32_t into);

/* `a && b`, `a || b`: b runs on one outcome of a only. Recorded as an IF
 * (condition a; then b for &&, else b for ||), so that what b does
 * happens on that branch alone: `ok || die()` ends one path, not all. */
static void walk_short_circuit(walker *w, CXCursor c, CXCursor lhs, CXCursor rhs, int is_and)
{
    int32_t node = rlw_emit(w, RL_N_IF, c);
    if (node < 0) {
        rlw_expr(w, lhs, USE_READ, NULL);
        rlw_expr(w, rhs, USE_READ, NULL);
        return;
    }
    int32_t cond = rlw_open_seq(w, node, c), then = rlw_open_seq(w, node, c), els = rlw_open_seq(w, node, c);
    rlw_expr_into(w, lhs, cond);
    rlw_expr_into(w, rhs, is_and ? then : els);
}

/* After an assignment to a straight local (local_var), its value from
 * here on. */
static void set_current(walker *w, CXCursor lhs, const char *value)
{
    if (w->in_alias) return;
    lhs = rl_cursor_strip(lhs);
    if (clang_getCursorKind(lhs) != CXCursor_DeclRefExpr) return;
    CXCursor d = clang_getCursorReferenced(lhs);
    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    if (v && v->straight) v->current = rl_intern(w->facts->pool, value);
}

static void walk_binary(walker *w, CXCursor c, expr_out *out)
{
    child_list l;
    rlw_children_of(c, &l);
    if (l.len != 2) {
        rlw_children_free(&l);
        rlw_read_children(w, c);
        return;
    }
    CXCursor lhs = rlw_child_at(&l, 0), rhs = rlw_child_at(&l, 1);
    rlw_children_free(&l);
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
    expr_out a, b;
    rlw_out_init(&a);
    rlw_out_init(&b);
    switch (op) {
    case CXBinaryOperator_Assign: {
        rlw_expr(w, rhs, USE_READ, &b);
        int32_t before = w->fn->nnodes;
        rlw_expr(w, lhs, USE_WRITE, &a);
        /* A pointer stored into shared memory: remember the value on the
         * write (ACCESS args[0]) so the model can follow it later. */
        int32_t last = w->fn->nnodes - 1;
        if (!w->silent && last >= before && rl_sb_str(&b.value)[0] && w->fn->nodes[last].kind == RL_N_ACCESS &&
            (w->fn->nodes[last].flags & RL_ACC_WRITE)) {
            const char *vals[1] = {rl_sb_str(&b.value)};
            rlw_set_args(w, last, vals, 1);
        }
        if (out) rl_sb_append(&out->value, rl_sb_str(&b.value));
        set_current(w, lhs, rl_sb_str(&b.value));
        break;
    }
    case CXBinaryOperator_LAnd:
    case CXBinaryOperator_LOr:
        walk_short_circuit(w, c, lhs, rhs, op == CXBinaryOperator_LAnd);
        break;
    case CXBinaryOperator_Comma:
        rlw_expr(w, lhs, USE_READ, NULL);
        rlw_expr(w, rhs, USE_READ, &b);
        if (out) rl_sb_append(&out->value, rl_sb_str(&b.value));
        break;
    case CXBinaryOperator_Add:
    case CXBinaryOperator_Sub:
        /* Pointer arithmetic stays within the same object. */
        rlw_expr(w, lhs, USE_READ, &a);
        rlw_expr(w, rhs, USE_READ, &b);
        if (out) {
            if (rlw_type_is_pointer(clang_getCursorType(lhs))) rl_sb_append(&out->value, rl_sb_str(&a.value));
            else if (rlw_type_is_pointer(clang_getCursorType(rhs))) rl_sb_append(&out->value, rl_sb_str(&b.value));
        }
        break;
    default:
        if (op >= CXBinaryOperator_MulAssign && op <= CXBinaryOperator_OrAssign) {
            rlw_expr(w, rhs, USE_READ, NULL);
            rlw_expr(w, lhs, USE_RMW, &a);
        } else {
            rlw_expr(w, lhs, USE_READ, NULL);
            rlw_expr(w, rhs, USE_READ, NULL);
        }
        break;
    }
    rlw_out_free(&a);
    rlw_out_free(&b);
}

static void walk_conditional(walker *w, CXCursor c, expr_out *out)
{
    child_list l;
    rlw_children_of(c, &l);
    expr_out x, y;
    rlw_out_init(&x);
    rlw_out_init(&y);
    /* The arms run on one outcome each of the condition: an IF node, as
     * for && and ||, when events are being emitted. */
    int32_t node = l.len == 3 ? rlw_emit(w, RL_N_IF, c) : -1;
    int32_t saved = w->cur, seqs[3] = {-1, -1, -1};
    if (node >= 0)
        for (int i = 0; i < 3; i++) seqs[i] = rlw_open_seq(w, node, c);
    for (int i = 0; i < l.len; i++) {
        if (node >= 0) w->cur = seqs[i];
        rlw_expr(w, rlw_child_at(&l, i), USE_READ, i == 1 ? &x : i == 2 ? &y : NULL);
    }
    w->cur = saved;
    /* `a < b ? a : b`: equal arms are that value; different ones become a
     * choice the model resolves per context (both arms may name the same
     * object there, as two elements of one array do). */
    const char *vx = rl_sb_str(&x.value), *vy = rl_sb_str(&y.value);
    if (out && l.len == 3 && strcmp(vx, vy) == 0) {
        rl_sb_append(&out->value, vx);
    } else if (out && l.len == 3 && vx[0] && vy[0] && !strchr(vx, RL_CALL_END[0]) && !strchr(vy, RL_CALL_END[0]) &&
               rlw_type_is_pointer(clang_getCursorType(c))) {
        CXType pointee = clang_getPointeeType(clang_getCanonicalType(clang_getCursorType(c)));
        rl_sb_printf(&out->value, "%%%s" RL_CALL_SEP "%s" RL_CALL_SEP "%s" RL_CALL_END, rlw_type_key(w, pointee), vx, vy);
    }
    rlw_children_free(&l);
    rlw_out_free(&x);
    rlw_out_free(&y);
}

static void rlw_expr(walker *w, CXCursor c, use_mode mode, expr_out *out)
{
    if (++w->depth > MAX_EXPR_DEPTH) {
        w->depth--;
        return;
    }
    enum CXCursorKind k = clang_getCursorKind(c);
    switch (k) {
    case CXCursor_ParenExpr: {
        child_list l;
        rlw_children_of(c, &l);
        if (l.len == 1) rlw_expr(w, rlw_child_at(&l, 0), mode, out);
        rlw_children_free(&l);
        break;
    }
    case CXCursor_UnexposedExpr: {
        child_list l;
        rlw_children_of(c, &l);
        if (l.len == 1) {
            CXCursor inner = rlw_child_at(&l, 0);
            CXType it = clang_getCursorType(inner);
            /* An implicit conversion: array and function decay only compute
             * an address; every other conversion reads its operand. */
            if (rlw_type_is_array(it) || rlw_type_is_function(it)) rlw_expr(w, inner, USE_ADDR, out);
            else rlw_expr(w, inner, mode, out);
        } else if (l.len > 1) {
            rlw_walk_atomic_expr(w, c, out);
        }
        rlw_children_free(&l);
        break;
    }
    case CXCursor_CStyleCastExpr: {
        child_list l;
        rlw_children_of(c, &l);
        if (l.len) rlw_expr(w, rlw_child_at(&l, l.len - 1), mode == USE_WRITE ? USE_WRITE : USE_READ, out);
        rlw_children_free(&l);
        break;
    }
    case CXCursor_DeclRefExpr:
        walk_declref(w, c, mode, out);
        break;
    case CXCursor_MemberRefExpr:
        walk_member(w, c, mode, out);
        break;
    case CXCursor_ArraySubscriptExpr:
        walk_subscript(w, c, mode, out);
        break;
    case CXCursor_UnaryOperator:
        walk_unary(w, c, mode, out);
        break;
    case CXCursor_BinaryOperator:
    case CXCursor_CompoundAssignOperator:
        walk_binary(w, c, out);
        break;
    case CXCursor_ConditionalOperator:
        walk_conditional(w, c, out);
        break;
    case CXCursor_CallExpr:
        rlw_walk_call(w, c, out);
        break;
    case CXCursor_UnaryExpr: /* sizeof, _Alignof: operands are not evaluated */
    case CXCursor_IntegerLiteral:
    case CXCursor_FloatingLiteral:
    case CXCursor_StringLiteral:
    case CXCursor_CharacterLiteral:
        break;
    case CXCursor_StmtExpr:
        rlw_read_children(w, c);
        break;
    default:
        rlw_read_children(w, c);
        break;
    }
    w->depth--;
}

/* ---- calls --------------------------------------------------------------- */

/* The function pointer a call or spawn goes through, as a value: the
 * place it is read from ("P0", "G:handlers[]", "P0*.probe") or the
 * function itself ("fn:USR"); NULL when untraceable. The model resolves it
 * per context, where the binding or the object tells one function. */
static const char *fnptr_value(walker *w, const expr_out *o)
{
    const char *v = rl_sb_str(&o->value);
    if (!v[0] || v[0] == '{') return NULL;
    return rl_intern(w->facts->pool, v);
}

static CXCursor rlw_call_arg(CXCursor call, int i)
{
    return clang_Cursor_getArgument(call, (unsigned)i);
}

/* The place of the object a pointer argument points to. */
static void rlw_pointee_place(walker *w, CXCursor arg, rl_strbuf *place, rl_strbuf *display)
{
    expr_out o;
    rlw_out_init(&o);
    rlw_expr(w, arg, USE_READ, &o);
    rlw_deref_place(w, rl_sb_str(&o.value), clang_getCursorType(arg), place);
    if (display) rl_sb_append(display, rl_sb_str(&o.display));
    rlw_out_free(&o);
}

static const rl_api_fn *lookup_api(walker *w, const char *name)
{
    const rl_api_fn *api = rl_apimodel_find(w->fe->model, name);
    if (api && !api->is_prefix) return api;
    /* __sync builtins are named with the operand size (_4, _8): retry
     * without it so that exact models such as __sync_lock_release match. */
    if (strncmp(name, "__sync_", 7) == 0) {
        const char *us = strrchr(name, '_');
        if (us && isdigit((unsigned char)us[1])) {
            char base[MAX_IDENT];
            size_t n = (size_t)(us - name);
            if (n < sizeof base) {
                memcpy(base, name, n);
                base[n] = '\0';
                const rl_api_fn *exact = rl_apimodel_find(w->fe->model, base);
                if (exact) return exact;
            }
        }
    }
    return api;
}

/* The function a spawn/once argument names, or NULL for a pointer value. */
static int function_operand(walker *w, CXCursor arg, const char **usr, const char **name, const char **type)
{
    CXCursor s = rl_cursor_strip(arg);
    if (clang_getCursorKind(s) == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_AddrOf) {
        child_list l;
        rlw_children_of(s, &l);
        if (l.len == 1) s = rl_cursor_strip(rlw_child_at(&l, 0));
        rlw_children_free(&l);
    }
    if (clang_getCursorKind(s) == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(s);
        if (clang_getCursorKind(d) == CXCursor_FunctionDecl) {
            *usr = rlw_intern_cx(w, clang_getCursorUSR(d));
            *name = rlw_intern_cx(w, clang_getCursorSpelling(d));
            *type = rlw_type_key(w, clang_getCursorType(d));
            return 1;
        }
    }
    CXType t = clang_getCanonicalType(clang_getCursorType(s));
    if (t.kind == CXType_Pointer) t = clang_getPointeeType(t);
    *usr = NULL;
    *name = NULL;
    *type = rlw_type_key(w, t);
    return 0;
}

static void rlw_set_args(walker *w, int32_t id, const char **vals, int n)
{
    if (id < 0) return;
    rl_node *node = &w->fn->nodes[id];
    node->nargs = n;
    node->args = n ? rl_xcalloc((size_t)n, sizeof *node->args) : NULL;
    for (int i = 0; i < n; i++) node->args[i] = rl_intern(w->facts->pool, vals[i] ? vals[i] : "");
}

/* A LOCK, UNLOCK or TRYLOCK node for a modelled call (or atomic macro). */
static void rlw_emit_lock(walker *w, CXCursor c, const rl_api_fn *api, const char *name, const char *place,
                      const char *display)
{
    rl_node_kind kind = api->kind == RL_API_LOCK ? RL_N_LOCK : api->kind == RL_API_UNLOCK ? RL_N_UNLOCK : RL_N_TRYLOCK;
    int32_t id = rlw_emit(w, kind, c);
    if (id < 0) return;
    rl_node *n = &w->fn->nodes[id];
    n->text = rl_intern(w->facts->pool, place);
    n->display = rl_intern(w->facts->pool, display);
    n->api = rl_intern(w->facts->pool, name);
    n->flags = (uint8_t)(api->shared ? RL_LOCK_SHARED : 0);
    if (kind == RL_N_TRYLOCK) w->last_trylock = id;
}

/* pthread_mutex_init(&m, &attr): which lock, and whether its attributes
 * (anything but a constant 0/NULL) may make it recursive. */
static void rlw_walk_lockinit(walker *w, CXCursor c, const rl_api_fn *api, const char *name, int nargs)
{
    int recursive = 0;
    for (int i = 0; i < nargs; i++) {
        if (i == api->lock) continue;
        long long v = 0;
        if (i == api->attr) recursive = !(rlw_const_int(rl_cursor_strip(rlw_call_arg(c, i)), &v) && v == 0);
        rlw_expr(w, rlw_call_arg(c, i), USE_READ, NULL);
    }
    if (api->lock >= nargs) return;
    rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
    rlw_pointee_place(w, rlw_call_arg(c, api->lock), &place, &display);
    int32_t id = rlw_emit(w, RL_N_LOCKINIT, c);
    if (id >= 0) {
        rl_node *n = &w->fn->nodes[id];
        n->text = rl_intern(w->facts->pool, rl_sb_str(&place));
        n->display = rl_intern(w->facts->pool, rl_sb_str(&display));
        n->api = rl_intern(w->facts->pool, name);
        n->flags = (uint8_t)(recursive ? RL_LOCK_RECURSIVE : 0);
    }
    rl_sb_free(&place);
    rl_sb_free(&display);
}

static void rlw_walk_sync_call(walker *w, CXCursor c, const rl_api_fn *api, const char *name, int nargs)
{
    rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
    int lock_arg = api->lock;
    for (int i = 0; i < nargs; i++)
        if (i != lock_arg) rlw_expr(w, rlw_call_arg(c, i), USE_READ, NULL);
    if (lock_arg >= nargs) return;
    rlw_pointee_place(w, rlw_call_arg(c, lock_arg), &place, &display);
    rlw_emit_lock(w, c, api, name, rl_sb_str(&place), rl_sb_str(&display));
    rl_sb_free(&place);
    rl_sb_free(&display);
}

/* The lock attributes of a called function, read once per unit. */
static const rl_lock_annotation *rlw_annotation_of(walker *w, CXCursor callee, const char *name)
{
    void **slot = rl_ptrmap_slot(&w->annotations, name);
    if (!*slot) {
        rl_lock_annotation ann;
        if (rl_annotation_of_function(w->tu, callee, &ann)) {
            *slot = rl_xmalloc(sizeof ann);
            memcpy(*slot, &ann, sizeof ann);
        } else {
            *slot = (void *)rlw_no_annotation;
        }
    }
    return *slot == rlw_no_annotation ? NULL : *slot;
}

/* Appends a capability's place-syntax path (".a*.b") as C (".a->b"). */
static void path_display(const char *path, int first_arrow, rl_strbuf *out)
{
    for (const char *p = path; *p; p++) {
        if (*p == '*') continue;
        if (*p == '.' && (p > path ? p[-1] == '*' : first_arrow)) rl_sb_append(out, "->");
        else rl_sb_appendc(out, *p);
    }
}

/* A call of a function annotated ACQUIRE / RELEASE / TRY_ACQUIRE: one lock
 * node per capability it names, as for a modelled lock API. */
static void rlw_walk_annotated_call(walker *w, CXCursor c, const rl_lock_annotation *ann, const char *name, int nargs)
{
    for (int i = 0; i < nargs; i++) rlw_expr(w, rlw_call_arg(c, i), USE_READ, NULL);
    int caps = ann->api.kind == RL_API_TRYLOCK ? 1 : ann->ncaps; /* one success value: one lock */
    for (int k = 0; k < caps; k++) {
        const rl_capability_ref *cap = &ann->caps[k];
        rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
        if (cap->param >= 0 && cap->param < nargs) {
            CXCursor arg = rlw_call_arg(c, cap->param);
            CXCursor s = rl_cursor_strip(arg);
            int addr_of = clang_getCursorKind(s) == CXCursor_UnaryOperator &&
                          clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_AddrOf;
            w->silent++; /* the arguments were read above */
            rlw_pointee_place(w, arg, &place, &display);
            w->silent--;
            path_display(cap->path, !addr_of, &display);
        } else if (cap->param < 0) {
            const CXCursor *decl = rl_ptrmap_get(&w->globals, rl_intern(w->facts->pool, cap->global));
            if (decl) {
                rlw_var_place(w, *decl, cap->global, &place);
                rl_sb_append(&display, cap->global);
                path_display(cap->path, 0, &display);
            }
        }
        if (place.len) {
            rl_sb_append(&place, cap->path);
            rlw_emit_lock(w, c, &ann->api, name, rl_sb_str(&place), rl_sb_str(&display));
        }
        rl_sb_free(&place);
        rl_sb_free(&display);
    }
}

static void walk_spawn_like(walker *w, CXCursor c, const rl_api_fn *api, const char *name, int nargs)
{
    const char *usr = NULL, *fname = NULL, *ftype = NULL, *target = NULL, *fnptr = NULL;
    expr_out argv, handle;
    rlw_out_init(&argv);
    rlw_out_init(&handle);
    rl_strbuf handle_place = RL_STRBUF_INIT;
    for (int i = 0; i < nargs; i++) {
        CXCursor a = rlw_call_arg(c, i);
        if (i == api->entry) {
            if (!function_operand(w, a, &usr, &fname, &ftype)) {
                expr_out fo;
                rlw_out_init(&fo);
                rlw_expr(w, a, USE_READ, &fo);
                fnptr = fnptr_value(w, &fo);
                rlw_out_free(&fo);
            }
            if (!usr) target = rl_fnflow_slot(w->facts, a);
        } else if (i == api->arg) {
            rlw_expr(w, a, USE_READ, &argv);
        } else if (i == api->handle) {
            if (api->kind == RL_API_JOIN) {
                rlw_expr(w, a, USE_READ, &handle);
                rl_sb_append(&handle_place, rl_sb_str(&handle.place));
            } else {
                rlw_pointee_place(w, a, &handle_place, NULL);
            }
        } else {
            rlw_expr(w, a, USE_READ, NULL);
        }
    }
    if (api->kind == RL_API_SPAWN && api->arg >= 0 && api->arg < nargs && !rl_sb_str(&argv.value)[0]) {
        /* An integer passed as the argument, `(void *)(intptr_t)i`: its
         * variable, so the model can tell one value per instance. */
        CXCursor s = rl_cursor_strip(rlw_call_arg(c, api->arg));
        CXType st = clang_getCanonicalType(clang_getCursorType(s));
        int integer = st.kind >= CXType_Bool && st.kind <= CXType_Int128;
        if (integer && clang_getCursorKind(s) == CXCursor_DeclRefExpr && rlw_is_automatic(clang_getCursorReferenced(s)))
            rl_sb_printf(&argv.value, "#L:%s", rlw_intern_cx(w, clang_getCursorSpelling(s)));
    }
    rl_node_kind kind = api->kind == RL_API_SPAWN ? RL_N_SPAWN : api->kind == RL_API_JOIN ? RL_N_JOIN : RL_N_ONCE;
    int32_t id = rlw_emit(w, kind, c);
    if (id >= 0) {
        rl_node *n = &w->fn->nodes[id];
        n->api = rl_intern(w->facts->pool, name);
        n->callee = usr;
        n->display = fname;
        n->target = target;
        n->fnptr = fnptr;
        if (kind == RL_N_SPAWN) {
            n->text = ftype;
            const char *vals[2] = {rl_sb_str(&argv.value), rl_sb_str(&handle_place)};
            rlw_set_args(w, id, vals, 2);
        } else {
            n->text = rl_intern(w->facts->pool, rl_sb_str(&handle_place));
        }
    }
    rlw_out_free(&argv);
    rlw_out_free(&handle);
    rl_sb_free(&handle_place);
}

/* Pointer arguments of an atomic operation are accessed atomically. */
static void walk_atomic_args(walker *w, CXCursor *args, int nargs)
{
    for (int i = 0; i < nargs; i++) {
        CXCursor a = args[i];
        if (rlw_type_is_pointer(clang_getCursorType(a))) {
            rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
            rlw_pointee_place(w, a, &place, &display);
            rlw_emit_access(w, a, rl_sb_str(&place), rl_sb_str(&display), USE_RMW, 1);
            rl_sb_free(&place);
            rl_sb_free(&display);
        } else {
            rlw_expr(w, a, USE_READ, NULL);
        }
    }
}

static void walk_access_call(walker *w, CXCursor c, const rl_api_fn *api, int nargs)
{
    for (int i = 0; i < nargs; i++) {
        CXCursor a = rlw_call_arg(c, i);
        uint32_t bit = i < 32 ? 1u << i : 0;
        if (!(api->reads & bit) && !(api->writes & bit)) {
            rlw_expr(w, a, USE_READ, NULL);
            continue;
        }
        rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
        rlw_pointee_place(w, a, &place, &display);
        use_mode m = (api->writes & bit) ? ((api->reads & bit) ? USE_RMW : USE_WRITE) : USE_READ;
        rlw_emit_access(w, a, rl_sb_str(&place), rl_sb_str(&display), m, 0);
        rl_sb_free(&place);
        rl_sb_free(&display);
    }
}

/* The value of a call's pointer result, resolved by the model from the
 * callee's returns (facts.h, "@" values). Arguments that are themselves
 * call results are left unknown, so these values never nest. */
static void call_value(walker *w, CXCursor c, CXCursor callee, const rl_strbuf *args, int nargs, rl_strbuf *out)
{
    rl_loc loc = rlw_loc_of(w, c);
    CXType pointee = clang_getPointeeType(clang_getCanonicalType(clang_getCursorType(c)));
    rl_sb_printf(out, "@%u_%u" RL_CALL_SEP "%s" RL_CALL_SEP "%s", loc.line, loc.col, rlw_intern_cx(w, clang_getCursorUSR(callee)),
                 rlw_type_key(w, pointee));
    for (int i = 0; i < nargs; i++) {
        const char *a = rl_sb_str(&args[i]);
        rl_sb_printf(out, RL_CALL_SEP "%s", strchr(a, RL_CALL_END[0]) ? "" : a);
    }
    rl_sb_append(out, RL_CALL_END);
}

/* The RL_CALL_NORETURN / RL_CALL_EXITS flags of a direct call: from the
 * API model when it has an entry, else from the callee's declaration
 * (cached per callee). */
static uint8_t noreturn_flags(walker *w, CXCursor callee, const rl_api_fn *api)
{
    if (api && api->kind == RL_API_EXIT) return RL_CALL_NORETURN | RL_CALL_EXITS;
    if (api && (api->kind == RL_API_THREAD_EXIT || api->kind == RL_API_JUMP)) return RL_CALL_NORETURN;
    if (api) return 0;
    void **slot = rl_ptrmap_slot(&w->noreturn, rlw_intern_cx(w, clang_getCursorUSR(callee)));
    if (!*slot) *slot = rl_annotation_noreturn(w->tu, callee) ? (void *)NORETURN_YES : (void *)rlw_no_annotation;
    return *slot == NORETURN_YES ? RL_CALL_NORETURN : 0;
}

/* Whether parameter i of the function a call reaches is a function
 * pointer (declared `void (*cb)(int)` or `void cb(int)`). */
static int param_is_function_pointer(CXCursor callee, int direct, int i)
{
    if (!direct) return 0;
    CXType ft = clang_getCanonicalType(clang_getCursorType(callee));
    CXType pt = clang_getCanonicalType(clang_getArgType(ft, (unsigned)i));
    if (pt.kind == CXType_Pointer) pt = clang_getPointeeType(pt);
    return rlw_type_is_function(pt);
}

static void rlw_walk_call(walker *w, CXCursor c, expr_out *out)
{
    int nargs = clang_Cursor_getNumArguments(c);
    if (nargs < 0) nargs = 0;
    CXCursor callee = clang_getCursorReferenced(c);
    int direct = clang_getCursorKind(callee) == CXCursor_FunctionDecl;
    const char *name = direct ? rlw_intern_cx(w, clang_getCursorSpelling(callee)) : NULL;
    const rl_api_fn *api = name ? lookup_api(w, name) : NULL;
    if (!api && direct) {
        const rl_lock_annotation *ann = rlw_annotation_of(w, callee, name);
        if (ann) {
            rlw_walk_annotated_call(w, c, ann, name, nargs);
            return;
        }
    }
    if (api) {
        switch (api->kind) {
        case RL_API_LOCK:
        case RL_API_UNLOCK:
        case RL_API_TRYLOCK:
            rlw_walk_sync_call(w, c, api, name, nargs);
            return;
        case RL_API_SPAWN:
        case RL_API_JOIN:
        case RL_API_ONCE:
            walk_spawn_like(w, c, api, name, nargs);
            return;
        case RL_API_ATOMIC: {
            CXCursor *args = rl_xcalloc((size_t)nargs + 1, sizeof *args);
            for (int i = 0; i < nargs; i++) args[i] = rlw_call_arg(c, i);
            walk_atomic_args(w, args, nargs);
            free(args);
            return;
        }
        case RL_API_ALLOC: {
            for (int i = 0; i < nargs; i++) rlw_expr(w, rlw_call_arg(c, i), USE_READ, NULL);
            if (out) {
                rl_loc loc = rlw_loc_of(w, c);
                rl_sb_printf(&out->value, "&H%u_%u", loc.line, loc.col);
            }
            return;
        }
        case RL_API_ACCESS:
            walk_access_call(w, c, api, nargs);
            return;
        case RL_API_LOCKINIT:
            rlw_walk_lockinit(w, c, api, name, nargs);
            return;
        default:
            break;
        }
    }
    /* An ordinary call: arguments are read, pointer values passed along. */
    const char **vals = rl_xcalloc((size_t)nargs + 1, sizeof *vals);
    rl_strbuf *bufs = rl_xcalloc((size_t)nargs + 1, sizeof *bufs);
    for (int i = 0; i < nargs; i++) {
        expr_out o;
        rlw_out_init(&o);
        rlw_expr(w, rlw_call_arg(c, i), USE_READ, &o);
        rl_sb_append(&bufs[i], rl_sb_str(&o.value));
        CXType at = clang_getCursorType(rlw_call_arg(c, i));
        if (!bufs[i].len && rlw_is_null_constant(rlw_call_arg(c, i)) && param_is_function_pointer(callee, direct, i)) {
            /* NULL for a callback: "fn:" names no function, so a call
             * through the parameter reaches nothing in this context. */
            rl_sb_append(&bufs[i], "fn:");
        } else if (!bufs[i].len && rlw_type_is_pointer(at)) {
            /* An untraceable pointer: at least say what it points to. */
            rl_sb_printf(&bufs[i], "{%s}", rlw_type_key(w, clang_getPointeeType(clang_getCanonicalType(at))));
        }
        rlw_out_free(&o);
    }
    const char *ftype = NULL, *target = NULL, *fnptr = NULL;
    if (!direct) {
        /* The callee expression: a function pointer read from somewhere. */
        child_list l;
        rlw_children_of(c, &l);
        if (l.len) {
            CXCursor fexpr = rlw_child_at(&l, 0);
            target = rl_fnflow_slot(w->facts, fexpr);
            expr_out fo;
            rlw_out_init(&fo);
            rlw_expr(w, fexpr, USE_READ, &fo);
            fnptr = fnptr_value(w, &fo);
            rlw_out_free(&fo);
            CXType t = clang_getCanonicalType(clang_getCursorType(fexpr));
            if (t.kind == CXType_Pointer) t = clang_getPointeeType(t);
            ftype = rlw_type_key(w, t);
        }
        rlw_children_free(&l);
    }
    int32_t id = rlw_emit(w, RL_N_CALL, c);
    if (id >= 0) {
        rl_node *n = &w->fn->nodes[id];
        if (direct) {
            n->callee = rlw_intern_cx(w, clang_getCursorUSR(callee));
            n->display = name;
            n->flags = noreturn_flags(w, callee, api);
        } else {
            n->text = ftype;
            n->target = target;
            n->fnptr = fnptr;
            n->flags = RL_CALL_INDIRECT;
        }
        for (int i = 0; i < nargs; i++) vals[i] = rl_sb_str(&bufs[i]);
        rlw_set_args(w, id, vals, nargs);
    }
    if (out && direct && rlw_type_is_pointer(clang_getCursorType(c))) call_value(w, c, callee, bufs, nargs, &out->value);
    for (int i = 0; i < nargs; i++) rl_sb_free(&bufs[i]);
    free(bufs);
    free(vals);
}

/* C11 <stdatomic.h> operations and __atomic builtins reach libclang as an
 * unexposed AtomicExpr. The macro name in the source tells which. */
static void rlw_walk_atomic_expr(walker *w, CXCursor c, expr_out *out)
{
    (void)out;
    char name[MAX_IDENT];
    child_list l;
    rlw_children_of(c, &l);
    rlw_source_ident(w, c, name, sizeof name);
    const rl_api_fn *api = name[0] ? lookup_api(w, name) : NULL;
    if (api && (api->kind == RL_API_TRYLOCK || api->kind == RL_API_LOCK || api->kind == RL_API_UNLOCK) && l.len) {
        rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
        rlw_pointee_place(w, rlw_child_at(&l, 0), &place, &display);
        for (int i = 1; i < l.len; i++) rlw_expr(w, rlw_child_at(&l, i), USE_READ, NULL);
        rlw_emit_lock(w, c, api, name, rl_sb_str(&place), rl_sb_str(&display));
        rl_sb_free(&place);
        rl_sb_free(&display);
    } else {
        CXCursor *args = rl_xcalloc((size_t)l.len + 1, sizeof *args);
        for (int i = 0; i < l.len; i++) args[i] = rlw_child_at(&l, i);
        walk_atomic_args(w, args, l.len);
        free(args);
    }
    rlw_children_free(&l);
}

/* ---- aliases of local pointers ------------------------------------------ */

static int rlw_is_null_constant(CXCursor c)
{
    long long v = 1; /* rlw_const_int leaves it alone when it fails */
    return rlw_const_int(rl_cursor_strip(c), &v) && v == 0;
}

/* The most values a local pointer may be given and still be followed:
 * past it, the local names an object of its pointee type. */
#define MAX_LOCAL_CHOICES 8

static int cmp_value(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A local pointer assigned one and the same value everywhere (ignoring
 * NULL) is an alias of that value: `struct job *j = arg;` makes j's
 * accesses the argument's accesses. One assigned a few different values
 * that can all be traced (`s = x ? &A : &B`, `p = malloc(..)` then
 * `p = A->next`) is a choice of them ("%TYPE|A|B", facts.h): its accesses
 * are each object's. Flow-insensitive: every assignment counts anywhere
 * in the body. */
static const char *rlw_local_alias(walker *w, local_var *v, int depth)
{
    if (v->alias_state == 2) return v->alias;
    if (v->alias_state == 1 || depth > MAX_ALIAS_DEPTH || v->addr_of_ptr) return NULL;
    v->alias_state = 1;
    const char *vals[MAX_LOCAL_CHOICES];
    int nvals = 0, untraceable = 0;
    int saved_silent = w->silent;
    w->silent = 1;
    w->in_alias++;
    if (v->param_index >= 0 && v->nassigns > 0) {
        /* A parameter that is also reassigned: its incoming value is one. */
        char pv[32];
        snprintf(pv, sizeof pv, "P%d", v->param_index);
        vals[nvals++] = rl_intern(w->facts->pool, pv);
    }
    for (int i = 0; i < v->nassigns && !untraceable; i++) {
        if (rlw_is_null_constant(v->assigns[i])) continue;
        expr_out o;
        rlw_out_init(&o);
        rlw_expr(w, v->assigns[i], USE_READ, &o);
        const char *val = rl_intern(w->facts->pool, rl_sb_str(&o.value));
        rlw_out_free(&o);
        int seen = 0;
        for (int k = 0; k < nvals; k++) seen |= vals[k] == val;
        if (seen) continue;
        if (!val[0] || nvals == MAX_LOCAL_CHOICES) untraceable = 1;
        else vals[nvals++] = val;
    }
    w->silent = saved_silent;
    w->in_alias--;
    v->alias = NULL;
    if (!untraceable && nvals == 1) {
        v->alias = vals[0];
    } else if (!untraceable && nvals > 1) {
        /* Only values the model can resolve alone: no type-named object,
         * no call result or choice inside (choices do not nest). */
        int plain = 1;
        for (int k = 0; k < nvals; k++)
            plain &= vals[k][0] != '{' && !strchr(vals[k], RL_CALL_END[0]) && strncmp(vals[k], "fn:", 3) != 0;
        if (plain) {
            qsort(vals, (size_t)nvals, sizeof *vals, cmp_value);
            CXType pointee = clang_getPointeeType(clang_getCanonicalType(clang_getCursorType(v->decl)));
            rl_strbuf sb = RL_STRBUF_INIT;
            rl_sb_printf(&sb, "%%%s", rlw_type_key(w, pointee));
            for (int k = 0; k < nvals; k++) rl_sb_printf(&sb, RL_CALL_SEP "%s", vals[k]);
            rl_sb_append(&sb, RL_CALL_END);
            v->alias = rl_intern(w->facts->pool, rl_sb_str(&sb));
            rl_sb_free(&sb);
        }
    }
    v->alias_state = 2;
    return v->alias;
}

/* ---- conditions guarded by a trylock ----------------------------------- */

/* Which outcome of `cond` implies that a trylock succeeded: RL_TRY_ON_TRUE,
 * RL_TRY_ON_FALSE or 0. *node receives the TRYLOCK node involved. Handles
 * `trylock(..) == 0`, `!trylock(..)`, `rc` holding a trylock's result,
 * comparisons with constants, && and ||. */
static int try_polarity(walker *w, CXCursor cond, int32_t *node, int depth);

static int flip(int p)
{
    return p == RL_TRY_ON_TRUE ? RL_TRY_ON_FALSE : p == RL_TRY_ON_FALSE ? RL_TRY_ON_TRUE : 0;
}

/* The TRYLOCK node emitted for a trylock call at the cursor's position. */
static int32_t trylock_node_at(walker *w, CXCursor call)
{
    rl_loc loc = rlw_loc_of(w, call);
    for (int32_t i = w->fn->nnodes - 1; i >= 0; i--) {
        const rl_node *n = &w->fn->nodes[i];
        if (n->kind == RL_N_TRYLOCK && n->loc.line == loc.line && n->loc.col == loc.col) return i;
    }
    return -1;
}

static int base_polarity(walker *w, int32_t id)
{
    const char *name = w->fn->nodes[id].api;
    const rl_api_fn *api = rl_apimodel_find(w->fe->model, name);
    const rl_lock_annotation *ann = rl_ptrmap_get(&w->annotations, name);
    if (!api && ann && (const char *)ann != rlw_no_annotation) api = &ann->api;
    return api && api->success_nonzero ? RL_TRY_ON_TRUE : RL_TRY_ON_FALSE;
}

static int try_polarity(walker *w, CXCursor cond, int32_t *node, int depth)
{
    if (depth > MAX_ALIAS_DEPTH) return 0;
    CXCursor c = rl_cursor_strip(cond);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_CallExpr || (k == CXCursor_UnexposedExpr)) {
        int32_t id = trylock_node_at(w, c);
        if (id < 0) return 0;
        *node = id;
        return base_polarity(w, id);
    }
    if (k == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(c);
        local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
        if (!v || v->trylock_node < 0) return 0;
        *node = v->trylock_node;
        return base_polarity(w, v->trylock_node);
    }
    child_list l;
    rlw_children_of(c, &l);
    int result = 0;
    if (k == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot && l.len == 1) {
        result = flip(try_polarity(w, rlw_child_at(&l, 0), node, depth + 1));
    } else if (k == CXCursor_BinaryOperator && l.len == 2) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
        CXCursor a = rlw_child_at(&l, 0), b = rlw_child_at(&l, 1);
        long long kval;
        if (op == CXBinaryOperator_EQ || op == CXBinaryOperator_NE) {
            int p = 0;
            if (rlw_const_int(b, &kval)) p = try_polarity(w, a, node, depth + 1);
            else if (rlw_const_int(a, &kval)) p = try_polarity(w, b, node, depth + 1);
            /* `x == 0` is `!x`; `x == K` (K nonzero) is truthiness of x. */
            if (p) result = (op == CXBinaryOperator_EQ) == (kval == 0) ? flip(p) : p;
        } else if (op == CXBinaryOperator_LAnd) {
            int pa = try_polarity(w, a, node, depth + 1);
            if (pa != RL_TRY_ON_TRUE) pa = try_polarity(w, b, node, depth + 1);
            result = pa == RL_TRY_ON_TRUE ? pa : 0;
        } else if (op == CXBinaryOperator_LOr) {
            int pa = try_polarity(w, a, node, depth + 1);
            if (pa != RL_TRY_ON_FALSE) pa = try_polarity(w, b, node, depth + 1);
            result = pa == RL_TRY_ON_FALSE ? pa : 0;
        } else if (op == CXBinaryOperator_Assign) {
            result = try_polarity(w, b, node, depth + 1);
        }
    }
    rlw_children_free(&l);
    return result;
}

/* ---- statements -------------------------------------------------------- */

static int32_t rlw_open_seq(walker *w, int32_t parent, CXCursor at)
{
    return rl_fn_add_node(w->fn, RL_N_SEQ, parent, rlw_loc_of(w, at));
}

/* Walks c with events going into SEQ `into`. */
static void stmt_into(walker *w, CXCursor c, int32_t into)
{
    int32_t saved = w->cur;
    w->cur = into;
    rlw_stmt(w, c);
    w->cur = saved;
}

static void rlw_expr_into(walker *w, CXCursor c, int32_t into)
{
    int32_t saved = w->cur;
    w->cur = into;
    rlw_expr(w, c, USE_READ, NULL);
    w->cur = saved;
}

static void rlw_set_try(walker *w, int32_t node, CXCursor cond)
{
    int32_t try_node = -1;
    int p = try_polarity(w, cond, &try_node, 0);
    if (p && try_node >= 0) {
        w->fn->nodes[node].aux = try_node;
        w->fn->nodes[node].flags |= (uint8_t)p;
    }
}

static void stmt_if(walker *w, CXCursor c)
{
    child_list l;
    rlw_children_of(c, &l);
    int32_t node = rlw_emit(w, RL_N_IF, c);
    int32_t cond = rlw_open_seq(w, node, c), then = rlw_open_seq(w, node, c), els = rlw_open_seq(w, node, c);
    if (l.len >= 2) {
        /* With an else: [cond, then, else]; without: [cond, then]. */
        int has_else = l.len >= 3;
        CXCursor cx = rlw_child_at(&l, l.len - (has_else ? 3 : 2));
        rlw_expr_into(w, cx, cond);
        rlw_set_try(w, node, cx);
        stmt_into(w, rlw_child_at(&l, l.len - (has_else ? 2 : 1)), then);
        if (has_else) stmt_into(w, rlw_child_at(&l, l.len - 1), els);
    }
    rlw_children_free(&l);
}

/* For statements: clang omits absent parts, so the ';' tokens of the header
 * tell which child is the init, the condition and the increment. */
static void stmt_for(walker *w, CXCursor c)
{
    child_list l;
    rlw_children_of(c, &l);
    int32_t node = rlw_emit(w, RL_N_LOOP, c);
    int32_t cond = rlw_open_seq(w, node, c), body = rlw_open_seq(w, node, c), step = rlw_open_seq(w, node, c);
    if (l.len == 0) {
        rlw_children_free(&l);
        return;
    }
    CXCursor body_c = rlw_child_at(&l, l.len - 1);
    unsigned semi[2] = {0, 0};
    int nsemi = 0;
    CXSourceRange header = clang_getRange(clang_getRangeStart(clang_getCursorExtent(c)),
                                          clang_getRangeStart(clang_getCursorExtent(body_c)));
    CXToken *toks = NULL;
    unsigned ntoks = 0;
    clang_tokenize(w->tu, header, &toks, &ntoks);
    int depth = 0;
    for (unsigned i = 0; i < ntoks && nsemi < 2; i++) {
        CXString sp = clang_getTokenSpelling(w->tu, toks[i]);
        const char *t = clang_getCString(sp);
        if (strcmp(t, "(") == 0) depth++;
        else if (strcmp(t, ")") == 0) depth--;
        else if (strcmp(t, ";") == 0 && depth == 1)
            clang_getExpansionLocation(clang_getTokenLocation(w->tu, toks[i]), NULL, NULL, NULL, &semi[nsemi++]);
        clang_disposeString(sp);
    }
    clang_disposeTokens(w->tu, toks, ntoks);
    int have_cond = 0;
    for (int i = 0; i < l.len - 1; i++) {
        CXCursor part = rlw_child_at(&l, i);
        unsigned off;
        clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(part)), NULL, NULL, NULL, &off);
        if (nsemi == 2 && off < semi[0]) {
            rlw_stmt(w, part); /* init runs once, before the loop */
        } else if (nsemi == 2 && off > semi[1]) {
            stmt_into(w, part, step);
        } else {
            rlw_expr_into(w, part, cond);
            rlw_set_try(w, node, part);
            have_cond = 1;
        }
    }
    if (!have_cond && nsemi == 2) w->fn->nodes[node].flags |= RL_LOOP_FOREVER;
    stmt_into(w, body_c, body);
    rlw_children_free(&l);
}

static void stmt_while(walker *w, CXCursor c, int is_do)
{
    child_list l;
    rlw_children_of(c, &l);
    int32_t node = rlw_emit(w, RL_N_LOOP, c);
    int32_t cond = rlw_open_seq(w, node, c), body = rlw_open_seq(w, node, c);
    rlw_open_seq(w, node, c); /* empty step */
    if (l.len == 2) {
        CXCursor cx = rlw_child_at(&l, is_do ? 1 : 0), bx = rlw_child_at(&l, is_do ? 0 : 1);
        long long v;
        if (rlw_const_int(cx, &v) && v != 0) w->fn->nodes[node].flags |= RL_LOOP_FOREVER;
        if (is_do && rlw_const_int(cx, &v) && v == 0) w->fn->nodes[node].flags |= RL_LOOP_ONCE;
        rlw_expr_into(w, cx, cond);
        rlw_set_try(w, node, cx);
        stmt_into(w, bx, body);
    }
    if (is_do) w->fn->nodes[node].flags |= RL_LOOP_DO;
    rlw_children_free(&l);
}

static void stmt_switch(walker *w, CXCursor c)
{
    child_list l;
    rlw_children_of(c, &l);
    int32_t node = rlw_emit(w, RL_N_SWITCH, c);
    int32_t cond = rlw_open_seq(w, node, c), body = rlw_open_seq(w, node, c);
    if (l.len >= 2) {
        rlw_expr_into(w, rlw_child_at(&l, l.len - 2), cond);
        stmt_into(w, rlw_child_at(&l, l.len - 1), body);
    }
    rlw_children_free(&l);
}

static void enclosing_switch_has_default(walker *w)
{
    for (int32_t p = w->cur; p >= 0; p = w->fn->nodes[p].parent)
        if (w->fn->nodes[p].kind == RL_N_SWITCH) {
            w->fn->nodes[p].flags |= RL_SWITCH_DEFAULT;
            return;
        }
}

static void stmt_decl(walker *w, CXCursor c)
{
    child_list l;
    rlw_children_of(c, &l);
    for (int i = 0; i < l.len; i++) {
        CXCursor d = rlw_child_at(&l, i);
        if (clang_getCursorKind(d) != CXCursor_VarDecl || !rlw_is_automatic(d)) continue;
        child_list init;
        rlw_children_of(d, &init);
        if (init.len) {
            CXCursor e = rlw_child_at(&init, init.len - 1);
            if (clang_isExpression(clang_getCursorKind(e))) {
                int32_t before = w->last_trylock;
                local_var *v = rlw_find_local(w, d);
                expr_out o;
                rlw_out_init(&o);
                rlw_expr(w, e, USE_READ, v && v->straight ? &o : NULL);
                if (v && v->straight && !w->in_alias) v->current = rl_intern(w->facts->pool, rl_sb_str(&o.value));
                rlw_out_free(&o);
                /* `int rc = pthread_mutex_trylock(&m);` */
                if (v && w->last_trylock != before && w->last_trylock >= 0 &&
                    clang_getCursorKind(rl_cursor_strip(e)) != CXCursor_DeclRefExpr)
                    v->trylock_node = w->last_trylock;
            }
        }
        rlw_children_free(&init);
    }
    rlw_children_free(&l);
}

static void rlw_stmt(walker *w, CXCursor c)
{
    if (++w->depth > MAX_EXPR_DEPTH) {
        w->depth--;
        return;
    }
    enum CXCursorKind k = clang_getCursorKind(c);
    child_list l;
    switch (k) {
    case CXCursor_CompoundStmt:
        rlw_children_of(c, &l);
        for (int i = 0; i < l.len; i++) rlw_stmt(w, rlw_child_at(&l, i));
        rlw_children_free(&l);
        break;
    case CXCursor_IfStmt:
        stmt_if(w, c);
        break;
    case CXCursor_ForStmt:
        stmt_for(w, c);
        break;
    case CXCursor_WhileStmt:
        stmt_while(w, c, 0);
        break;
    case CXCursor_DoStmt:
        stmt_while(w, c, 1);
        break;
    case CXCursor_SwitchStmt:
        stmt_switch(w, c);
        break;
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt:
        rlw_emit(w, RL_N_CASE, c);
        if (k == CXCursor_DefaultStmt) enclosing_switch_has_default(w);
        rlw_children_of(c, &l);
        if (l.len) rlw_stmt(w, rlw_child_at(&l, l.len - 1));
        rlw_children_free(&l);
        break;
    case CXCursor_ReturnStmt: {
        /* The returned pointer, so that callers can name what they get
         * (a getter of a global, an allocator wrapper). */
        expr_out o;
        rlw_out_init(&o);
        rlw_children_of(c, &l);
        if (l.len) rlw_expr(w, rlw_child_at(&l, 0), USE_READ, &o);
        int32_t id = rlw_emit(w, RL_N_RETURN, c);
        if (id >= 0 && rl_sb_str(&o.value)[0]) w->fn->nodes[id].text = rl_intern(w->facts->pool, rl_sb_str(&o.value));
        else if (id >= 0 && l.len && rlw_type_is_pointer(clang_getCursorType(rlw_child_at(&l, 0))) &&
                 rlw_is_null_constant(rlw_child_at(&l, 0)))
            w->fn->nodes[id].text = rl_intern(w->facts->pool, ""); /* `return NULL`: no object */
        rlw_children_free(&l);
        rlw_out_free(&o);
        break;
    }
    case CXCursor_BreakStmt:
        rlw_emit(w, RL_N_BREAK, c);
        break;
    case CXCursor_ContinueStmt:
        rlw_emit(w, RL_N_CONTINUE, c);
        break;
    case CXCursor_GotoStmt: {
        int32_t id = rlw_emit(w, RL_N_GOTO, c);
        if (id >= 0) w->fn->nodes[id].text = rlw_intern_cx(w, clang_getCursorSpelling(clang_getCursorReferenced(c)));
        break;
    }
    case CXCursor_IndirectGotoStmt:
        rlw_read_children(w, c);
        rlw_emit(w, RL_N_RETURN, c); /* unknown target: end this path */
        break;
    case CXCursor_LabelStmt: {
        int32_t id = rlw_emit(w, RL_N_LABEL, c);
        if (id >= 0) w->fn->nodes[id].text = rlw_intern_cx(w, clang_getCursorSpelling(c));
        rlw_children_of(c, &l);
        if (l.len) rlw_stmt(w, rlw_child_at(&l, l.len - 1));
        rlw_children_free(&l);
        break;
    }
    case CXCursor_DeclStmt:
        stmt_decl(w, c);
        break;
    case CXCursor_NullStmt:
    case CXCursor_AsmStmt:
    case CXCursor_MSAsmStmt:
        break;
    default:
        if (clang_isExpression(k)) {
            int32_t before = w->last_trylock;
            rlw_expr(w, c, USE_READ, NULL);
            /* `rc = pthread_mutex_trylock(&m);` as a statement */
            CXCursor s = rl_cursor_strip(c);
            if (w->last_trylock != before && clang_getCursorKind(s) == CXCursor_BinaryOperator &&
                clang_getCursorBinaryOperatorKind(s) == CXBinaryOperator_Assign) {
                rlw_children_of(s, &l);
                CXCursor lhs = l.len ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
                rlw_children_free(&l);
                if (clang_getCursorKind(lhs) == CXCursor_DeclRefExpr) {
                    CXCursor d = clang_getCursorReferenced(lhs);
                    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
                    if (v) v->trylock_node = w->last_trylock;
                }
            }
        } else {
            rlw_read_children(w, c);
        }
        break;
    }
    w->depth--;
}

/* ---- functions and translation units ---------------------------------- */

/* REQUIRES(q->lock) on a definition: the body holds "P0*.lock" on entry. */
static void rlw_required_locks(walker *w, CXCursor fc, rl_function *fn)
{
    rl_capability_ref caps[RL_ANNOTATION_MAX_CAPS];
    int shared[RL_ANNOTATION_MAX_CAPS];
    int n = rl_annotation_requires(w->tu, fc, caps, shared, RL_ANNOTATION_MAX_CAPS);
    if (n <= 0) return;
    fn->requires = rl_xcalloc((size_t)n, sizeof *fn->requires);
    for (int i = 0; i < n; i++) {
        rl_strbuf place = RL_STRBUF_INIT;
        if (caps[i].param >= 0) {
            rl_sb_printf(&place, "P%d*", caps[i].param);
        } else {
            const CXCursor *decl = rl_ptrmap_get(&w->globals, rl_intern(w->facts->pool, caps[i].global));
            if (decl) rlw_var_place(w, *decl, caps[i].global, &place);
        }
        if (place.len) {
            rl_sb_append(&place, caps[i].path);
            fn->requires[fn->nrequires].place = rl_intern(w->facts->pool, rl_sb_str(&place));
            fn->requires[fn->nrequires++].shared = shared[i];
        }
        rl_sb_free(&place);
    }
}

/* Finds the locals assigned only by statements of the body itself (a
 * declaration with an initialiser, or `p = ...;`), in a body without
 * labels: program order is walk order for them, so their value at a use
 * is the last one assigned before it, even inside later loops. */
static void rlw_mark_straight_locals(walker *w, CXCursor body)
{
    if (w->has_jumps) return;
    child_list l;
    rlw_children_of(body, &l);
    for (int i = 0; i < l.len; i++) {
        CXCursor st = rlw_child_at(&l, i);
        enum CXCursorKind k = clang_getCursorKind(st);
        child_list kids;
        rlw_children_of(st, &kids);
        if (k == CXCursor_DeclStmt) {
            for (int j = 0; j < kids.len; j++) {
                CXCursor d = rlw_child_at(&kids, j);
                local_var *v = clang_getCursorKind(d) == CXCursor_VarDecl ? rlw_find_local(w, d) : NULL;
                if (!v) continue;
                child_list init;
                rlw_children_of(d, &init);
                if (init.len && clang_isExpression(clang_getCursorKind(rlw_child_at(&init, init.len - 1)))) v->ntop_assigns++;
                rlw_children_free(&init);
            }
        } else if (k == CXCursor_BinaryOperator && clang_getCursorBinaryOperatorKind(st) == CXBinaryOperator_Assign &&
                   kids.len == 2) {
            CXCursor lhs = rl_cursor_strip(rlw_child_at(&kids, 0));
            if (clang_getCursorKind(lhs) == CXCursor_DeclRefExpr) {
                CXCursor d = clang_getCursorReferenced(lhs);
                local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
                if (v) v->ntop_assigns++;
            }
        }
        rlw_children_free(&kids);
    }
    rlw_children_free(&l);
    for (int i = 0; i < w->nlocals; i++) {
        local_var *v = &w->locals[i];
        v->straight = v->is_pointer && !v->addr_of_ptr && v->nassigns > 0 && v->ntop_assigns == v->nassigns;
    }
}

static void walk_function(walker *w, CXCursor fc)
{
    CXCursor body = clang_getNullCursor();
    child_list l;
    rlw_children_of(fc, &l);
    for (int i = 0; i < l.len; i++)
        if (clang_getCursorKind(rlw_child_at(&l, i)) == CXCursor_CompoundStmt) body = rlw_child_at(&l, i);
    rlw_children_free(&l);
    if (clang_Cursor_isNull(body)) return;

    rl_function *fn = rl_facts_add_function(w->facts);
    w->fn = fn;
    fn->usr = rlw_intern_cx(w, clang_getCursorUSR(fc));
    fn->name = rlw_intern_cx(w, clang_getCursorSpelling(fc));
    fn->type = rlw_type_key(w, clang_getCursorType(fc));
    fn->loc = rlw_loc_of(w, fc);
    w->fn_name = fn->name;
    w->nlocals = 0;
    w->depth = 0;
    w->silent = 0;
    w->last_trylock = -1;
    int np = clang_Cursor_getNumArguments(fc);
    fn->nparams = np > 0 ? np : 0;
    for (int i = 0; i < fn->nparams; i++) rlw_add_local(w, clang_Cursor_getArgument(fc, (unsigned)i), i);
    rlw_required_locks(w, fc, fn);
    w->has_jumps = 0;
    w->in_alias = 0;
    prepass_ctx pc = {w};
    clang_visitChildren(body, rlw_prepass_visit, &pc);
    rlw_mark_straight_locals(w, body);
    w->cur = rl_fn_add_node(fn, RL_N_SEQ, -1, fn->loc);
    rlw_stmt(w, body);
    for (int i = 0; i < w->nlocals; i++) free(w->locals[i].assigns);
    w->nlocals = 0;
}

/* Functions named in a global's initializer (handler tables, ops structs)
 * have their address taken: they are candidates for indirect calls. */
static enum CXChildVisitResult rlw_visit_initializer(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    walker *w = data;
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(c);
        if (clang_getCursorKind(d) == CXCursor_FunctionDecl) {
            CXString usr = clang_getCursorUSR(d);
            rl_facts_add_addr_taken(w->facts, clang_getCString(usr));
            clang_disposeString(usr);
        }
    }
    return CXChildVisit_Recurse;
}

static enum CXChildVisitResult visit_top(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    walker *w = data;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_FunctionDecl && clang_isCursorDefinition(c) &&
        !clang_Location_isInSystemHeader(clang_getCursorLocation(c))) {
        walk_function(w, c);
    } else if (k == CXCursor_VarDecl && !clang_Location_isInSystemHeader(clang_getCursorLocation(c))) {
        /* Remembered for capabilities named in attributes (ACQUIRE(mu)). */
        void **slot = rl_ptrmap_slot(&w->globals, rlw_intern_cx(w, clang_getCursorSpelling(c)));
        if (!*slot) *slot = rl_xmalloc(sizeof(CXCursor));
        *(CXCursor *)*slot = c;
        clang_visitChildren(c, rlw_visit_initializer, w);
    } else if (k == CXCursor_LinkageSpec || k == CXCursor_UnexposedDecl) {
        return CXChildVisit_Recurse;
    }
    return CXChildVisit_Continue;
}

/* Diagnostics of severity error or worse mark the unit as failed; the
 * facts extracted from what did parse are still kept. */
static void record_diagnostics(walker *w)
{
    unsigned n = clang_getNumDiagnostics(w->tu);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(w->tu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
        if (sev >= CXDiagnostic_Error) {
            rl_loc loc = {0};
            CXFile file;
            clang_getExpansionLocation(clang_getDiagnosticLocation(d), &file, &loc.line, &loc.col, NULL);
            loc.file = file ? rlw_intern_cx(w, clang_getFileName(file)) : w->facts->main_file;
            CXString msg = clang_getDiagnosticSpelling(d);
            rl_facts_add_diag(w->facts, sev == CXDiagnostic_Fatal ? RL_DIAG_FATAL : RL_DIAG_ERROR, loc,
                              clang_getCString(msg));
            clang_disposeString(msg);
            w->facts->parse_failed = 1;
        }
        clang_disposeDiagnostic(d);
    }
}

rl_frontend *rl_frontend_new(const rl_apimodel *model, const char *resource_dir)
{
    rl_frontend *fe = rl_xcalloc(1, sizeof *fe);
    fe->index = clang_createIndex(0, 0);
    fe->model = model;
    if (resource_dir && *resource_dir) fe->resource_dir_flag = rl_xasprintf("-resource-dir=%s", resource_dir);
    return fe;
}

void rl_frontend_free(rl_frontend *fe)
{
    if (!fe) return;
    clang_disposeIndex(fe->index);
    free(fe->resource_dir_flag);
    free(fe);
}

static const char *parse_error_name(enum CXErrorCode code)
{
    switch (code) {
    case CXError_Crashed: return "libclang crashed while parsing it";
    case CXError_InvalidArguments: return "invalid arguments";
    case CXError_ASTReadError: return "AST read error";
    default: return "libclang could not parse it";
    }
}

typedef struct deps_ctx {
    CXTranslationUnit tu;
    rl_unit_facts *facts;
    const char *directory;
} deps_ctx;

/* Records one file of the unit (the main file or an include) with the hash
 * of the contents clang read: what the facts cache checks the disk against. */
static void add_dep(CXFile file, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
    (void)stack;
    (void)depth;
    deps_ctx *d = data;
    size_t size = 0;
    const char *text = clang_getFileContents(d->tu, file, &size);
    CXString real = clang_File_tryGetRealPathName(file);
    const char *path = clang_getCString(real);
    char *owned = NULL;
    CXString name = clang_getFileName(file);
    if (!path || !*path) {
        path = clang_getCString(name);
        if (path && path[0] != '/' && d->directory && *d->directory)
            path = owned = rl_xasprintf("%s/%s", d->directory, path);
    }
    if (path && *path) {
        uint64_t h;
        if (text) h = rl_hash_bytes(text, size, 0);
        else if (rl_file_hash(path, &h) != 0) h = 0;
        rl_facts_add_dep(d->facts, path, h);
    }
    free(owned);
    clang_disposeString(real);
    clang_disposeString(name);
}

rl_unit_facts *rl_frontend_extract(rl_frontend *fe, const rl_unit_spec *unit, rl_error *err)
{
    /* Flags: the unit's own, then where to run from, then our additions. */
    int extra = 3;
    const char **argv = rl_xcalloc((size_t)unit->argc + (size_t)extra + 1, sizeof *argv);
    int argc = 0;
    for (int i = 0; i < unit->argc; i++) argv[argc++] = unit->argv[i];
    char *wd = NULL;
    if (unit->directory && *unit->directory) {
        wd = rl_xasprintf("-working-directory=%s", unit->directory);
        argv[argc++] = wd;
    }
    if (fe->resource_dir_flag) argv[argc++] = fe->resource_dir_flag;
    argv[argc++] = "-Wno-everything"; /* warnings are not ours to report */

    CXTranslationUnit tu = NULL;
    unsigned options = CXTranslationUnit_KeepGoing | CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles;
    enum CXErrorCode code = clang_parseTranslationUnit2(fe->index, unit->file, argv, argc, NULL, 0, options, &tu);
    free(argv);
    free(wd);
    if (code != CXError_Success || !tu) {
        rl_fail(err, "%s: cannot parse: %s", unit->file, parse_error_name(code));
        return NULL;
    }
    walker w;
    memset(&w, 0, sizeof w);
    w.fe = fe;
    w.tu = tu;
    w.facts = rl_facts_new(unit->file);
    record_diagnostics(&w);
    clang_visitChildren(clang_getTranslationUnitCursor(tu), visit_top, &w);
    rl_fnflow_extract(tu, w.facts);
    deps_ctx d = {tu, w.facts, unit->directory};
    clang_getInclusions(tu, add_dep, &d);
    free(w.locals);
    for (size_t i = 0; i < w.annotations.nslots; i++)
        if (w.annotations.keys[i] && w.annotations.values[i] != rlw_no_annotation) free(w.annotations.values[i]);
    rl_ptrmap_free(&w.annotations);
    for (size_t i = 0; i < w.globals.nslots; i++)
        if (w.globals.keys[i]) free(w.globals.values[i]);
    rl_ptrmap_free(&w.globals);
    rl_ptrmap_free(&w.guards);
    rl_ptrmap_free(&w.noreturn);
    clang_disposeTranslationUnit(tu);
    return w.facts;
}

char *rl_frontend_clang_version(void)
{
    CXString s = clang_getClangVersion();
    char *v = rl_xstrdup(clang_getCString(s));
    clang_disposeString(s);
    return v;
}
