/* The locals of the function being walked (walker.h, local_var): declared
 * by a first pass over the body, which also finds which have their address
 * taken, which are changed in place and what is assigned to them; then the
 * value of a local pointer, followed in program order with the values of
 * an `if`'s branches merged where they meet (straight locals: the walk
 * keeps `current`, walk_stmt.c merges with rlw_flow_join) or merged over
 * every assignment (rlw_local_alias).
 *
 * Invariants:
 *  1. Which locals exist, which are exposed or modified and what is
 *     assigned to them come from the prepass alone, before any event of
 *     the body is emitted.
 *  2. A local whose address is taken as a pointer (&p) has no known value.
 *  3. Alias values are computed with emission off (w->silent), by the same
 *     code that emits events (walker.h, invariant 3).
 *  4. A straight local is assigned only where the walk meets its
 *     assignments in program order and once per run of the block that
 *     declares it: no label in the body, none of its assignments in a
 *     loop or switch body that does not also declare it. */
#include "walker.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

local_var *rlw_find_local(walker *w, CXCursor decl)
{
    unsigned h = clang_hashCursor(decl);
    for (int i = 0; i < w->nlocals; i++)
        if (w->locals[i].hash == h && clang_equalCursors(w->locals[i].decl, decl)) return &w->locals[i];
    return NULL;
}

local_var *rlw_add_local(walker *w, CXCursor decl, int param_index)
{
    RL_GROW(w->locals, w->cap_locals, w->nlocals + 1);
    local_var *v = &w->locals[w->nlocals++];
    memset(v, 0, sizeof *v);
    v->decl = decl;
    v->hash = clang_hashCursor(decl);
    v->name = rlw_intern_cx(w, clang_getCursorSpelling(decl));
    v->param_index = param_index;
    /* a parameter declared as an array is a pointer (rlw_expr_is_array) */
    v->is_pointer = rlw_type_is_pointer(clang_getCursorType(decl)) ||
                    (param_index >= 0 && rlw_type_is_array(clang_getCursorType(decl)));
    v->trylock_node = -1;
    v->trylock_polarity = 0;
    v->cond_lock_node = -1;
    return v;
}

/* A variable is a function-local object when it has automatic storage. */
int rlw_is_automatic(CXCursor decl)
{
    if (clang_getCursorKind(decl) == CXCursor_ParmDecl) return 1;
    if (clang_getCursorKind(decl) != CXCursor_VarDecl) return 0;
    enum CX_StorageClass sc = clang_Cursor_getStorageClass(decl);
    if (sc == CX_SC_Static || sc == CX_SC_Extern) return 0;
    CXCursor parent = clang_getCursorSemanticParent(decl);
    enum CXCursorKind pk = clang_getCursorKind(parent);
    return pk == CXCursor_FunctionDecl;
}

CXCursor rlw_lvalue_root(CXCursor c)
{
    for (int guard = 0; guard < MAX_EXPR_DEPTH; guard++) {
        c = rl_cursor_strip(c);
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k == CXCursor_DeclRefExpr) return clang_getCursorReferenced(c);
        child_list l;
        rlw_children_of(c, &l);
        CXCursor base = l.len ? rlw_child_at(&l, 0) : clang_getNullCursor();
        rlw_children_free(&l);
        if (k == CXCursor_MemberRefExpr) {
            if (clang_Cursor_isNull(base) || rlw_type_is_pointer(clang_getCursorType(base))) break;
            c = base;
        } else if (k == CXCursor_ArraySubscriptExpr) {
            if (clang_Cursor_isNull(base) || !rlw_expr_is_array(base)) break;
            c = base;
        } else {
            break;
        }
    }
    return clang_getNullCursor();
}

/* The local variable at the root of an lvalue built from `.` and array
 * subscripts (the storage itself, not through a pointer). */
static local_var *lvalue_root_local(walker *w, CXCursor c)
{
    CXCursor d = rlw_lvalue_root(c);
    return !clang_Cursor_isNull(d) && rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
}

/* First pass over a body: declare locals, find which have their address
 * taken and what is assigned to local pointers (for aliasing). */
enum CXChildVisitResult rlw_prepass_visit(CXCursor c, CXCursor parent, CXClientData data)
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
    } else if (k == CXCursor_DeclRefExpr && rlw_expr_is_array(c)) {
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

/* The most values a local pointer may be given and still be followed:
 * past it, the local names an object of its pointee type. */
#define MAX_LOCAL_CHOICES 8

static int cmp_value(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int rlw_choice_alternative_ok(const char *v)
{
    const char *root = v[0] == '&' ? v + 1 : v;
    return v[0] && root[0] != '%';
}

/* Whether a value is a plain alternative of a local's values: traceable,
 * not an object known only by its type (`{T}`, `&{T}.next`: with an
 * alternative that can be any T, the local can be any T, and stepping
 * from it through casts would name any T's members after another type's),
 * not a function. */
static int plain_local_value(const char *v)
{
    const char *root = v[0] == '&' ? v + 1 : v;
    return rlw_choice_alternative_ok(v) && root[0] != '{' && strncmp(v, "fn:", 3) != 0;
}

void rlw_append_alternative(rl_strbuf *sb, const char *v)
{
    rl_sb_append(sb, RL_CALL_SEP);
    for (const char *p = v; *p; p++)
        rl_sb_appendc(sb, *p == RL_CALL_SEP[0]   ? RL_NESTED_SEP[0]
                          : *p == RL_CALL_END[0] ? RL_NESTED_END[0]
                                                 : *p);
}

/* The choice value (facts.h) of local v's values vals[0..n), n > 1, each
 * plain (plain_local_value): sorted, so that one set is one string;
 * interned. vals is reordered. */
static const char *local_choice(walker *w, const local_var *v, const char **vals, int n)
{
    qsort(vals, (size_t)n, sizeof *vals, cmp_value);
    CXType pointee = clang_getPointeeType(clang_getCanonicalType(clang_getCursorType(v->decl)));
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%%%s", rlw_type_key(w, pointee));
    for (int k = 0; k < n; k++) rlw_append_alternative(&sb, vals[k]);
    rl_sb_append(&sb, RL_CALL_END);
    const char *choice = rl_intern(w->facts->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return choice;
}

/* A local pointer assigned one and the same value everywhere (ignoring
 * NULL) is an alias of that value: `struct job *j = arg;` makes j's
 * accesses the argument's accesses. One assigned a few different values
 * that can all be traced (`s = x ? &A : &B`, `p = malloc(..)` then
 * `p = A->next`) is a choice of them ("%TYPE|A|B", facts.h): its accesses
 * are each object's. Flow-insensitive: every assignment counts anywhere
 * in the body. */
const char *rlw_local_alias(walker *w, local_var *v, int depth)
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
    int getter_steps = 0;
    for (int i = 0; i < v->nassigns && !untraceable; i++) {
        if (rl_cursor_is_null_constant(v->assigns[i])) continue;
        if (v->is_pointer && rlw_is_getter_step(w, v, v->assigns[i])) {
            getter_steps++; /* a list cursor's step (walk_cursor.c) */
            continue;
        }
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
    if (getter_steps) {
        /* a cursor stepped by a getter: named by its type, and carried
         * by its accesses (walk_cursor.c); a choice of the start and the
         * getter's call named none of its nodes */
    } else if (!untraceable && nvals == 1) {
        v->alias = vals[0];
    } else if (!untraceable && nvals > 1) {
        /* Only values the model can resolve alone: no type-named object,
         * no choice inside (choices do not nest). A call result is one:
         * `L = a ? new_a() : new_b();` gives L one of two fresh objects. */
        int plain = 1;
        for (int k = 0; k < nvals; k++)
            plain &= plain_local_value(vals[k]);
        if (plain) v->alias = local_choice(w, v, vals, nvals);
    }
    v->alias_state = 2;
    return v->alias;
}

/* Nesting of a condition's expression searched for assignments. */
#define MAX_CONDITION_DEPTH 32

/* Counts `p = ...` (e, of kind k, with children kids), made at `depth`
 * loops and switch bodies, as an assignment walked in program order when
 * it lies at the depth of p's declaration (rlw_mark_straight_locals). */
static void count_assign(walker *w, CXCursor e, enum CXCursorKind k, const child_list *kids, int depth)
{
    if (k != CXCursor_BinaryOperator || clang_getCursorBinaryOperatorKind(e) != CXBinaryOperator_Assign ||
        kids->len != 2)
        return;
    CXCursor lhs = rl_cursor_strip(rlw_child_at(kids, 0));
    if (clang_getCursorKind(lhs) != CXCursor_DeclRefExpr) return;
    CXCursor d = clang_getCursorReferenced(lhs);
    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    if (v && v->flow_depth == depth) v->nordered_assigns++;
}

/* Counts the assignments to locals that the condition `e` of an `if`
 * always makes when it is evaluated (`if ((s = pool->head) != NULL)`):
 * not those under `&&`, `||` or `?:`, which may be skipped. */
static void count_condition_assigns(walker *w, CXCursor e, int depth, int nesting)
{
    if (nesting > MAX_CONDITION_DEPTH) return;
    e = rl_cursor_strip(e);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_ConditionalOperator) return;
    if (k == CXCursor_BinaryOperator) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
        if (op == CXBinaryOperator_LAnd || op == CXBinaryOperator_LOr) return;
    }
    child_list kids;
    rlw_children_of(e, &kids);
    count_assign(w, e, k, &kids, depth);
    for (int i = 0; i < kids.len; i++) count_condition_assigns(w, rlw_child_at(&kids, i), depth, nesting + 1);
    rlw_children_free(&kids);
}

/* Counts the assignments statement `st` makes in program order, `depth`
 * being the loops and switch bodies around it: declarations with an
 * initialiser, `p = ...;` statements, the conditions of `if`s, in blocks
 * and in the branches of `if`s at any nesting. A loop's parts (a `for`'s
 * first clause included, `for (p = head; p; p = p->next)`) and a switch's
 * body lie deeper: an assignment there may run again, or not at all,
 * before a use walked after it, unless the local is declared there too. */
static void count_ordered_assigns(walker *w, CXCursor st, int depth, int nesting)
{
    if (nesting > MAX_EXPR_DEPTH) return;
    enum CXCursorKind k = clang_getCursorKind(st);
    child_list kids;
    rlw_children_of(st, &kids);
    switch (k) {
    case CXCursor_CompoundStmt:
        for (int i = 0; i < kids.len; i++) count_ordered_assigns(w, rlw_child_at(&kids, i), depth, nesting + 1);
        break;
    case CXCursor_IfStmt:
        /* [cond, then] or [cond, then, else] (a declaration before the
         * condition only in C++) */
        if (kids.len >= 2) {
            int has_else = kids.len >= 3;
            count_condition_assigns(w, rlw_child_at(&kids, kids.len - (has_else ? 3 : 2)), depth, 0);
            for (int i = kids.len - (has_else ? 2 : 1); i < kids.len; i++)
                count_ordered_assigns(w, rlw_child_at(&kids, i), depth, nesting + 1);
        }
        break;
    case CXCursor_ForStmt:
        /* A local declared in the first clause is assigned again by the
         * step and the body, which run again: they lie deeper still. */
        for (int i = 0; i < kids.len; i++) {
            CXCursor part = rlw_child_at(&kids, i);
            int first_clause = i == 0 && clang_getCursorKind(part) == CXCursor_DeclStmt;
            count_ordered_assigns(w, part, depth + (first_clause ? 1 : 2), nesting + 1);
        }
        break;
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt:
    case CXCursor_SwitchStmt:
        for (int i = 0; i < kids.len; i++) count_ordered_assigns(w, rlw_child_at(&kids, i), depth + 1, nesting + 1);
        break;
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt:
        if (kids.len) count_ordered_assigns(w, rlw_child_at(&kids, kids.len - 1), depth, nesting + 1);
        break;
    case CXCursor_DeclStmt:
        for (int j = 0; j < kids.len; j++) {
            CXCursor d = rlw_child_at(&kids, j);
            local_var *v = clang_getCursorKind(d) == CXCursor_VarDecl ? rlw_find_local(w, d) : NULL;
            if (!v) continue;
            v->flow_depth = depth;
            child_list init;
            rlw_children_of(d, &init);
            if (init.len && clang_isExpression(clang_getCursorKind(rlw_child_at(&init, init.len - 1))))
                v->nordered_assigns++;
            rlw_children_free(&init);
        }
        break;
    default:
        if (clang_isExpression(k)) count_assign(w, rl_cursor_strip(st), clang_getCursorKind(rl_cursor_strip(st)), &kids, depth);
        break;
    }
    rlw_children_free(&kids);
}

/* Finds the locals assigned only in program order (count_ordered_assigns)
 * in a body without labels: walk order is program order for them, so
 * their value at a use is the last one assigned before it, the values of
 * an `if`'s branches merged where they meet (a branch that returns
 * leaves none), even inside later loops (a pool's get `if (pool->head) {
 * s = pool->head; pool->head = s->next; return s; } s = malloc(...);
 * s->size = n;`: the object malloc made, not the pool's head too; and
 * the head alone in the branch that pops it). */
void rlw_mark_straight_locals(walker *w, CXCursor body)
{
    if (w->has_jumps) return;
    count_ordered_assigns(w, body, 0, 0);
    for (int i = 0; i < w->nlocals; i++) {
        local_var *v = &w->locals[i];
        v->straight = v->is_pointer && !v->addr_of_ptr && v->nassigns > 0 && v->nordered_assigns == v->nassigns;
    }
}

const char rlw_null_value[] = "";

/* What a straight local holds at this point: a parameter never assigned
 * yet holds its incoming value. */
static const char *flow_value(walker *w, const local_var *v)
{
    if (v->current || v->param_index < 0) return v->current;
    char pv[32];
    snprintf(pv, sizeof pv, "P%d", v->param_index);
    return rl_intern(w->facts->pool, pv);
}

const char **rlw_flow_save(walker *w)
{
    const char **saved = NULL;
    for (int i = 0; i < w->nlocals; i++) {
        if (!w->locals[i].straight) continue;
        if (!saved) saved = rl_xcalloc((size_t)w->nlocals, sizeof *saved);
        saved[i] = flow_value(w, &w->locals[i]);
    }
    return saved;
}

void rlw_flow_restore(walker *w, const char **saved)
{
    if (!saved) return;
    for (int i = 0; i < w->nlocals; i++)
        if (w->locals[i].straight) w->locals[i].current = saved[i];
}

/* Adds value v's alternatives (a choice's, each made plain again, or v
 * itself) to vals[*n]; returns 0 when v cannot be one (unknown, named by
 * type, a function) or they would be too many. */
static int add_alternatives(walker *w, const char *v, const char **vals, int *n)
{
    const char *alts[MAX_LOCAL_CHOICES];
    int nalts = 0;
    if (v[0] == '%') {
        const char *p = strchr(v, RL_CALL_SEP[0]);
        while (p && *p == RL_CALL_SEP[0]) {
            const char *start = p + 1;
            p = start + strcspn(start, RL_CALL_SEP RL_CALL_END);
            if (nalts == MAX_LOCAL_CHOICES) return 0;
            alts[nalts++] = rl_choice_unnest(w->facts->pool, rl_intern_n(w->facts->pool, start, (size_t)(p - start)));
        }
    } else {
        alts[nalts++] = v;
    }
    for (int i = 0; i < nalts; i++) {
        const char *a = alts[i];
        if (!plain_local_value(a)) return 0;
        int seen = 0;
        for (int k = 0; k < *n; k++) seen |= vals[k] == a;
        if (seen) continue;
        if (*n == MAX_LOCAL_CHOICES) return 0;
        vals[(*n)++] = a;
    }
    return 1;
}

/* The value of local v where a branch that left it `a` meets one that
 * left it `b` (flow_value's values). */
static const char *merge_values(walker *w, const local_var *v, const char *a, const char *b)
{
    if (a == b || !b || b == rlw_null_value) return a ? a : b;
    if (!a || a == rlw_null_value) return b;
    const char *vals[MAX_LOCAL_CHOICES];
    int n = 0;
    if (!add_alternatives(w, a, vals, &n) || !add_alternatives(w, b, vals, &n)) return rl_intern(w->facts->pool, "");
    return n == 1 ? vals[0] : local_choice(w, v, vals, n);
}

void rlw_flow_join(walker *w, const char **other)
{
    if (!other) return;
    for (int i = 0; i < w->nlocals; i++) {
        local_var *v = &w->locals[i];
        if (!v->straight) continue;
        v->current = merge_values(w, v, other[i], flow_value(w, v));
        v->round_value = NULL; /* which round's element the branches left it at */
    }
}

/* The local a loop condition tests for null (`!m`, `m == NULL`, `NULL ==
 * m`, `m == 0`), or NULL. */
static local_var *tested_for_null(walker *w, CXCursor cond)
{
    CXCursor e = rl_cursor_strip(cond), x, y;
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_LNot) {
        child_list l;
        rlw_children_of(e, &l);
        x = l.len == 1 ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
        rlw_children_free(&l);
    } else if (rlw_binary_operands(e, CXBinaryOperator_EQ, &x, &y)) {
        x = rl_cursor_strip(x);
        y = rl_cursor_strip(y);
        if (rl_cursor_is_null_constant(x)) x = y;
        else if (!rl_cursor_is_null_constant(y)) return NULL;
    } else {
        return NULL;
    }
    if (clang_Cursor_isNull(x) || clang_getCursorKind(x) != CXCursor_DeclRefExpr) return NULL;
    CXCursor d = clang_getCursorReferenced(x);
    return rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
}

/* Whether a `while` loop's first test surely passes: it tests for null a
 * local initialised to null whose every other assignment lies inside
 * the loop, with no jump around (`struct msg *m = NULL; while (!m) { lock;
 * m = head; ... unlock; }`): the body runs at least once (RL_LOOP_RUNS),
 * so what every round does holds after it. */
int rlw_null_on_loop_entry(walker *w, CXCursor loop, CXCursor cond)
{
    local_var *v = tested_for_null(w, cond);
    if (!v || v->param_index >= 0 || v->exposed || v->modified || w->has_jumps || v->nassigns < 1) return 0;
    child_list l;
    rlw_children_of(v->decl, &l);
    int null_init = l.len && clang_isExpression(clang_getCursorKind(rlw_child_at(&l, l.len - 1))) &&
                    rl_cursor_is_null_constant(rlw_child_at(&l, l.len - 1)) &&
                    clang_equalCursors(rlw_child_at(&l, l.len - 1), v->assigns[0]);
    rlw_children_free(&l);
    if (!null_init || rlw_lies_within(v->decl, loop) != 0) return 0;
    for (int i = 1; i < v->nassigns; i++)
        if (rlw_lies_within(v->assigns[i], loop) != 1) return 0;
    return 1;
}
