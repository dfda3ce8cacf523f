/* Objects a thread claims by a flag of their own (walker.h): a helper of
 * the unit that looks for a free slot, marks it taken and returns it,
 *
 *     for (int i = 0; i < N; i++) {
 *         struct conn *c = &p->conns[i];
 *         if (!c->in_use) { c->in_use = 1; return c; }
 *     }
 *     return NULL;
 *
 * called under the pool's lock, after which the caller uses the slot
 * without the lock (`c->requests++`) and hands it back by clearing the
 * flag under the lock. Two calls never return one slot while it is taken,
 * so what two instances of a thread do through their claims touches two
 * objects: the member accesses through such a pointer are emitted with
 * the access flag RL_ACC_CLAIMED, as elements indexed by a claimed index
 * are (walk_claim.c). The flag's own accesses are ordinary accesses: when
 * they are not under a lock, the `race` rule reports the flag, and the
 * claims are not unique.
 *
 * A flag array works the same way for indices (`if (!in_use[i]) {
 * in_use[i] = 1; slot = i; }` ... `return slot;`, -1 for none): the
 * helper's result is a claimed index for walk_claim.c.
 *
 * Invariants:
 *  1. A helper's return is a claim only inside the `if` that tested the
 *     flag false (`!o->f`, `o->f == 0`, `!in_use[i]`) and set it to a
 *     nonzero constant, and it gives that object (`o` for `o->f`, `&o` for
 *     `o.f`) or that index (`i`), the same text, returned or stored in
 *     the one local every return gives; every other value is a null
 *     (objects) or negative (indices) constant.
 *  2. A local is a claimed pointer only when every value it is given is
 *     such a helper's result, the address of an element by a claimed index
 *     (`j = &jobs[next++]` under the lock), the pointer such an element
 *     holds (`j = jobs[next++]`) or a null constant, one at least a claim,
 *     and it is neither changed in place nor has its address taken.
 *  3. Only helpers whose body is in the unit are looked into; the verdict
 *     is kept per unit (walker.claims, under a key of its own). */
#include "walker.h"
#include "cursor.h"
#include "../util/mem.h"
#include "../util/strpool.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest object text compared (`p->slots[i]`): longer ones are no
 * claim, not a truncated match. */
#define MAX_OBJECT_TEXT 256
/* Enclosing claiming `if`s a return is looked up in, and how deep the
 * statement tree of a helper is followed. */
#define MAX_CLAIM_IFS 8
#define MAX_STMT_DEPTH 64

static const char FLAG_CLAIM_YES[] = "flag claim";

/* The source text of c without blanks, 0 when it does not fit in size or
 * does not lie in one file. */
static int expr_text(walker *w, CXCursor c, char *buf, size_t size)
{
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile f1 = NULL, f2 = NULL;
    unsigned o1 = 0, o2 = 0;
    clang_getExpansionLocation(clang_getRangeStart(r), &f1, NULL, NULL, &o1);
    clang_getExpansionLocation(clang_getRangeEnd(r), &f2, NULL, NULL, &o2);
    if (!f1 || !f2 || !clang_File_isEqual(f1, f2) || o2 <= o1) return 0;
    size_t len = 0;
    const char *text = clang_getFileContents(w->tu, f1, &len);
    if (!text || o2 > len) return 0;
    size_t n = 0;
    for (unsigned i = o1; i < o2; i++) {
        if (isspace((unsigned char)text[i])) continue;
        if (n + 1 >= size) return 0;
        buf[n++] = text[i];
    }
    buf[n] = '\0';
    return n > 0;
}

/* The flag member a condition tests false (`!o->f`, `o->f == 0`, `0 ==
 * o.f`), or a null cursor. */
static CXCursor flag_tested_false(CXCursor cond)
{
    CXCursor c = rl_cursor_strip(cond), flag = clang_getNullCursor();
    child_list l;
    rlw_children_of(c, &l);
    if (clang_getCursorKind(c) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot && l.len == 1) {
        flag = rl_cursor_strip(rlw_child_at(&l, 0));
    } else if (clang_getCursorKind(c) == CXCursor_BinaryOperator &&
               clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_EQ && l.len == 2) {
        if (rl_cursor_is_null_constant(rlw_child_at(&l, 1))) flag = rl_cursor_strip(rlw_child_at(&l, 0));
        else if (rl_cursor_is_null_constant(rlw_child_at(&l, 0))) flag = rl_cursor_strip(rlw_child_at(&l, 1));
    }
    rlw_children_free(&l);
    enum CXCursorKind fk = clang_getCursorKind(flag);
    return fk == CXCursor_MemberRefExpr || fk == CXCursor_ArraySubscriptExpr ? flag : clang_getNullCursor();
}

typedef struct set_scan {
    walker *w;
    const char *flag; /* the flag's text */
    int found;
} set_scan;

/* Looks for `flag = K`, K a nonzero constant. */
static enum CXChildVisitResult find_flag_set(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    set_scan *s = data;
    CXCursor lhs, rhs;
    if (!rlw_binary_operands(c, CXBinaryOperator_Assign, &lhs, &rhs)) return CXChildVisit_Recurse;
    char text[MAX_OBJECT_TEXT];
    long long v = 0;
    if (rlw_const_int(rhs, &v) && v != 0 && expr_text(s->w, lhs, text, sizeof text) && strcmp(text, s->flag) == 0)
        s->found = 1;
    return s->found ? CXChildVisit_Break : CXChildVisit_Continue;
}

typedef struct claim_scan {
    walker *w;
    int index;       /* looking for claimed indices, not objects */
    char expect[MAX_CLAIM_IFS][MAX_OBJECT_TEXT]; /* what a claim gives */
    int nexpect;
    CXCursor local;  /* the local a return gives, its values checked (index mode) */
    int claims, others;
} claim_scan;

/* Whether value is a claim within the current ifs, or "none": a null
 * (objects) or negative (indices) constant; counts it. */
static void judge_value(claim_scan *s, CXCursor value)
{
    char text[MAX_OBJECT_TEXT];
    long long v = 0;
    CXCursor e = rl_cursor_strip(value);
    if (rlw_const_int(e, &v) && (s->index ? v < 0 : v == 0)) return; /* none free */
    int claimed = 0;
    if (expr_text(s->w, e, text, sizeof text))
        for (int i = 0; i < s->nexpect && !claimed; i++) claimed = strcmp(text, s->expect[i]) == 0;
    if (claimed) s->claims++;
    else s->others++;
}

static int names_local(CXCursor c, CXCursor decl)
{
    c = rl_cursor_strip(c);
    return clang_getCursorKind(c) == CXCursor_DeclRefExpr && clang_equalCursors(clang_getCursorReferenced(c), decl);
}

/* The text a claim made inside `if (!flag) { flag = K; ... }` gives: for
 * a member flag, its object (`o` for `o->f`, `&o` for `o.f`), returned;
 * for an element of a flag array (`in_use[i]`), its index (`i`),
 * returned or stored in a local that is returned. 0 when the if is no
 * claim (invariant 1); *index set for an element flag. */
static int claiming_if(walker *w, CXCursor ifstmt, char *expect, size_t size, int *index)
{
    child_list l;
    rlw_children_of(ifstmt, &l);
    int ok = 0;
    CXCursor flag = l.len >= 2 ? flag_tested_false(rlw_child_at(&l, 0)) : clang_getNullCursor();
    int element = clang_getCursorKind(flag) == CXCursor_ArraySubscriptExpr;
    char flag_text[MAX_OBJECT_TEXT], object[MAX_OBJECT_TEXT];
    child_list m;
    rlw_children_of(flag, &m);
    /* a member's one child is its object; an element's two, array and index */
    CXCursor part = m.len == (element ? 2 : 1) ? rlw_child_at(&m, element ? 1 : 0) : clang_getNullCursor();
    if (!clang_Cursor_isNull(part) && expr_text(w, flag, flag_text, sizeof flag_text) &&
        expr_text(w, part, object, sizeof object)) {
        set_scan s = {w, flag_text, 0};
        clang_visitChildren(rlw_child_at(&l, 1), find_flag_set, &s);
        int by_address = !element && !rlw_type_is_pointer(clang_getCursorType(part));
        ok = s.found && strlen(object) + 2 < size;
        if (ok) snprintf(expect, size, "%s%s", by_address ? "&" : "", object);
    }
    *index = element;
    rlw_children_free(&m);
    rlw_children_free(&l);
    return ok;
}

/* Every return of the statement tree at c, with the claiming ifs around
 * it (invariant 1). */
static void scan_returns(claim_scan *s, CXCursor c, int depth)
{
    if (s->others) return;
    if (depth > MAX_STMT_DEPTH) {
        s->others++;
        return;
    }
    enum CXCursorKind k = clang_getCursorKind(c);
    child_list l;
    rlw_children_of(c, &l);
    int local_mode = !clang_Cursor_isNull(s->local);
    if (k == CXCursor_ReturnStmt && !local_mode) {
        if (l.len != 1) s->others++;
        else judge_value(s, rlw_child_at(&l, 0));
    } else if (local_mode && k == CXCursor_VarDecl && clang_equalCursors(c, s->local)) {
        if (l.len && clang_isExpression(clang_getCursorKind(rlw_child_at(&l, l.len - 1))))
            judge_value(s, rlw_child_at(&l, l.len - 1));
    } else if (local_mode && k == CXCursor_BinaryOperator &&
               clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_Assign && l.len == 2 &&
               names_local(rlw_child_at(&l, 0), s->local)) {
        judge_value(s, rlw_child_at(&l, 1));
    } else if (local_mode && (k == CXCursor_UnaryOperator || k == CXCursor_CompoundAssignOperator) && l.len &&
               names_local(rlw_child_at(&l, 0), s->local) &&
               !(k == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot)) {
        s->others++; /* changed in place, or its address taken */
    } else if (k == CXCursor_IfStmt && l.len >= 2) {
        int element = 0;
        int pushed = s->nexpect < MAX_CLAIM_IFS &&
                     claiming_if(s->w, c, s->expect[s->nexpect], sizeof s->expect[s->nexpect], &element) &&
                     element == s->index;
        scan_returns(s, rlw_child_at(&l, 0), depth + 1);
        if (pushed) s->nexpect++;
        scan_returns(s, rlw_child_at(&l, 1), depth + 1);
        if (pushed) s->nexpect--;
        for (int i = 2; i < l.len; i++) scan_returns(s, rlw_child_at(&l, i), depth + 1);
    } else if (k != CXCursor_LambdaExpr) {
        for (int i = 0; i < l.len; i++) scan_returns(s, rlw_child_at(&l, i), depth + 1);
    }
    rlw_children_free(&l);
}

/* The local every return of body gives (`return slot;`), or a null
 * cursor when the returns give anything else. */
static CXCursor returned_local(CXCursor body);

/* Whether the function a direct call reaches, defined in this unit,
 * returns only objects (index: indices) it claimed by their flag, and
 * null (negative) constants (invariant 3). */
static int helper_flag_claim(walker *w, CXCursor call, int index)
{
    CXCursor def = clang_getCursorDefinition(clang_getCursorReferenced(call));
    if (clang_getCursorKind(def) != CXCursor_FunctionDecl) return 0;
    CXString usr = clang_getCursorUSR(def);
    char *keyed = rl_xasprintf("%s|%d|%s", FLAG_CLAIM_YES, index, clang_getCString(usr));
    clang_disposeString(usr);
    const char *key = rl_intern(w->facts->pool, keyed);
    free(keyed);
    void **slot = rl_ptrmap_slot(&w->claims, key);
    if (*slot) return *slot == FLAG_CLAIM_YES;
    *slot = (void *)rlw_no_annotation;
    CXCursor body = rlw_function_body(def);
    if (clang_Cursor_isNull(body)) return 0;
    claim_scan *s = rl_xcalloc(1, sizeof *s);
    s->w = w;
    s->index = index;
    s->local = returned_local(body);
    scan_returns(s, body, 0);
    int claim = !s->others && s->claims > 0;
    free(s);
    if (claim) *slot = (void *)FLAG_CLAIM_YES;
    return claim;
}

/* Whether a is the address of an element by a claimed index (`&jobs[next++]`
 * under the lock, `&jobs[t]` with t a claim: walk_claim.c), or of a member
 * of one (`&jobs[t].result`): the element is the claim's. */
static int address_of_claimed_element(walker *w, CXCursor a)
{
    int nested = 0;
    CXCursor idx = rlw_address_element_index(a, &nested);
    return !clang_Cursor_isNull(idx) && rlw_index_claimed(w, idx);
}

/* Whether a is the pointer read from an element by a claimed index
 * (`j = jobs[next++]` under the lock): the object the claim's element
 * points to, each element's own when the table holds one object an
 * element (the model keeps the claim only then: accesses.c). */
static int pointer_in_claimed_element(walker *w, CXCursor a)
{
    if (clang_getCursorKind(a) != CXCursor_ArraySubscriptExpr || !rlw_type_is_pointer(clang_getCursorType(a))) return 0;
    child_list l;
    rlw_children_of(a, &l);
    int claimed = l.len == 2 && rlw_index_claimed(w, rlw_child_at(&l, 1));
    rlw_children_free(&l);
    return claimed;
}

int rlw_pointer_claimed(walker *w, CXCursor base)
{
    CXCursor e = rl_cursor_strip(base);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_CallExpr) return helper_flag_claim(w, e, 0);
    if (k != CXCursor_DeclRefExpr) return 0;
    CXCursor d = clang_getCursorReferenced(e);
    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    if (!v || v->claim_handed_back) return 0;
    if (!v->flag_claim) {
        /* asked at every member access through the local: worked out once */
        int claims = 0, others = v->param_index >= 0 || v->exposed || v->modified;
        for (int i = 0; i < v->nassigns && !others; i++) {
            CXCursor a = rl_cursor_strip(v->assigns[i]);
            if (rl_cursor_is_null_constant(a)) continue;
            if (clang_getCursorKind(a) == CXCursor_CallExpr && helper_flag_claim(w, a, 0)) claims++;
            else if (address_of_claimed_element(w, a) || pointer_in_claimed_element(w, a)) claims++;
            else others++;
        }
        v->flag_claim = !others && claims > 0 ? 1 : 2;
    }
    return v->flag_claim == 1;
}

typedef struct return_local {
    CXCursor local;
    int others;
} return_local;

static enum CXChildVisitResult find_returned_local(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    return_local *r = data;
    if (clang_getCursorKind(c) != CXCursor_ReturnStmt) return CXChildVisit_Recurse;
    child_list l;
    rlw_children_of(c, &l);
    CXCursor v = l.len == 1 ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
    rlw_children_free(&l);
    CXCursor d = clang_getCursorKind(v) == CXCursor_DeclRefExpr ? clang_getCursorReferenced(v) : clang_getNullCursor();
    if (clang_getCursorKind(d) != CXCursor_VarDecl || !rlw_is_automatic(d) ||
        (!clang_Cursor_isNull(r->local) && !clang_equalCursors(d, r->local)))
        r->others++;
    else
        r->local = d;
    return r->others ? CXChildVisit_Break : CXChildVisit_Continue;
}

static CXCursor returned_local(CXCursor body)
{
    return_local r = {clang_getNullCursor(), 0};
    clang_visitChildren(body, find_returned_local, &r);
    return r.others ? clang_getNullCursor() : r.local;
}

int rlw_call_returns_flag_index(walker *w, CXCursor call)
{
    return clang_getCursorKind(call) == CXCursor_CallExpr && helper_flag_claim(w, call, 1);
}

/* The local claimed pointer expression e names, or NULL. */
static local_var *claimed_local(walker *w, CXCursor e)
{
    e = rl_cursor_strip(e);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr) return NULL;
    CXCursor d = clang_getCursorReferenced(e);
    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    return v && rlw_pointer_claimed(w, e) ? v : NULL;
}

typedef struct clear_scan {
    CXCursor param;
    int found;
} clear_scan;

/* Looks for `param->m = 0`. */
static enum CXChildVisitResult find_member_cleared(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    clear_scan *s = data;
    CXCursor m, rhs;
    if (!rlw_binary_operands(c, CXBinaryOperator_Assign, &m, &rhs)) return CXChildVisit_Recurse;
    if (rl_cursor_is_null_constant(rhs) && clang_getCursorKind(m) == CXCursor_MemberRefExpr) {
        child_list b;
        rlw_children_of(m, &b);
        CXCursor base = b.len == 1 ? rl_cursor_strip(rlw_child_at(&b, 0)) : clang_getNullCursor();
        s->found = clang_getCursorKind(base) == CXCursor_DeclRefExpr &&
                   clang_equalCursors(clang_getCursorReferenced(base), s->param);
        rlw_children_free(&b);
    }
    return s->found ? CXChildVisit_Break : CXChildVisit_Continue;
}

uint32_t rlw_note_claim_release(walker *w, CXCursor call, int indirect)
{
    int nargs = clang_Cursor_getNumArguments(call);
    uint32_t kept = 0;
    for (int i = 0; i < nargs; i++) {
        CXCursor arg = rlw_call_arg(call, i);
        /* a claimed index (`finish(j, ...)`, j from take_job()): the
         * helper's element by that parameter is the claim's own, as the
         * caller's `results[j]` would be; an index is never handed back */
        if (i < RL_CALL_MAX_CLAIMED_ARGS && rlw_type_is_integer(clang_getCursorType(arg)) && rlw_index_claimed(w, arg)) {
            kept |= 1u << i;
            continue;
        }
        local_var *v = claimed_local(w, arg);
        if (!v) continue;
        /* a call through a pointer: whether its callees hand the claim
         * back is the model's to tell, from each callee's facts
         * (model/accesses.c, claimed_by_caller) */
        if (indirect) {
            if (i < RL_CALL_MAX_CLAIMED_ARGS) kept |= 1u << i;
            continue;
        }
        /* looked up only for a claim: this runs at every direct call */
        CXCursor def = clang_getCursorDefinition(clang_getCursorReferenced(call));
        CXCursor body = clang_getCursorKind(def) == CXCursor_FunctionDecl ? rlw_function_body(def) : clang_getNullCursor();
        /* a callee the unit lacks may hand it back too */
        clear_scan s = {clang_Cursor_getArgument(def, (unsigned)i), clang_Cursor_isNull(body)};
        if (!s.found && !clang_Cursor_isNull(s.param)) clang_visitChildren(body, find_member_cleared, &s);
        if (s.found) v->claim_handed_back = 1;
        else if (i < RL_CALL_MAX_CLAIMED_ARGS) kept |= 1u << i;
    }
    return kept;
}

void rlw_note_member_cleared(walker *w, CXCursor lhs, CXCursor rhs)
{
    CXCursor m = rl_cursor_strip(lhs);
    if (clang_getCursorKind(m) != CXCursor_MemberRefExpr || !rl_cursor_is_null_constant(rhs)) return;
    child_list l;
    rlw_children_of(m, &l);
    local_var *v = l.len == 1 ? claimed_local(w, rlw_child_at(&l, 0)) : NULL;
    rlw_children_free(&l);
    if (v) v->claim_handed_back = 1;
}

void rlw_note_local_assigned(walker *w, CXCursor lhs)
{
    CXCursor e = rl_cursor_strip(lhs);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr) return;
    CXCursor d = clang_getCursorReferenced(e);
    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    if (v) v->claim_handed_back = 0;
}
