/* Claimed indices (walker.h): whether the index of an element access
 * (walk_expr.c) was claimed once from a shared counter, emitted as the
 * access flag RL_ACC_CLAIMED; the instance's own indices are
 * walk_index.c's.
 *
 * A claimed index is one a thread takes from a shared counter by an
 * increment that yields each value once: `slot = atomic_fetch_add(&next,
 * 1)`, `t = p->next_task++` under the pool's lock, or the result of a
 * helper of the same unit that returns only such claims and negative
 * "none left" constants (`int t = pool_claim(p); if (t < 0) break;`),
 * either of them chosen by a conditional expression (`next < n ? next++ :
 * -1`), or an index a helper claims through a flag array
 * (walk_flag_claim.c).
 * Two claims from one counter never give the same value, so the elements
 * two instances of a thread touch through their claims are two elements.
 * The increments themselves are accesses of the counter: when they are
 * not synchronised, the `race` rule reports the counter, and the claims
 * are no longer unique; what the flag prunes follows from that
 * uniqueness alone, as pruning by a tested global follows from the
 * global's value (docs/analysis.md, "Values a thread has tested").
 *
 * Invariants:
 *  1. Only the bare index counts: `slots[t % N]` and `slots[t + 1]` may
 *     meet another claim's element, and are not claims.
 *  2. A local is a claim only when every value it is given is a claim or
 *     a negative constant, it is given at least one claim, and it is
 *     neither changed in place nor has its address taken.
 *  3. A helper is looked into only when its body is in the unit being
 *     walked; its verdict is kept per unit (walker.claims). Depth is
 *     bounded by MAX_CLAIM_DEPTH. */
#include "walker.h"
#include "cursor.h"
#include <stdio.h>
#include <string.h>

/* How many locals and helpers deep a claim is looked for. */
#define MAX_CLAIM_DEPTH 4

/* The walker's claims cache: a helper whose returns are claims, or not. */
static const char CLAIM_YES[] = "claim";

static int is_claim(walker *w, CXCursor e, CXCursor body, int depth);

/* walker.h; walk_pop.c asks it of a pop's index too. */
int rlw_shared_storage(CXCursor c)
{
    CXCursor root = rlw_lvalue_root(c); /* null: through a pointer */
    return clang_Cursor_isNull(root) || !rlw_is_automatic(root);
}

/* Whether c is an integer constant of at least 1 (an increment's step). */
static int positive_constant(CXCursor c)
{
    long long v = 0;
    return rlw_const_int(rl_cursor_strip(c), &v) && v >= 1;
}

/* Whether c is a negative integer constant: a helper's "none left". */
static int negative_constant(CXCursor c)
{
    long long v = 0;
    return rlw_const_int(rl_cursor_strip(c), &v) && v < 0;
}

/* Whether pointer expression c points to shared storage: `&X` with X
 * shared, or any other pointer (it may point anywhere). */
static int shared_storage_pointer(CXCursor c)
{
    c = rl_cursor_strip(c);
    if (clang_getCursorKind(c) != CXCursor_UnaryOperator || clang_getCursorUnaryOperatorKind(c) != CXUnaryOperator_AddrOf)
        return 1;
    child_list l;
    rlw_children_of(c, &l);
    int shared = l.len == 1 && rlw_shared_storage(rlw_child_at(&l, 0));
    rlw_children_free(&l);
    return shared;
}

/* The fetch-and-add operations, by the name written in the source: they
 * return each value of the counter once. The add-and-fetch ones return
 * the new value, once each as well. */
static int is_fetch_add_name(const char *name)
{
    static const char *const names[] = {
        "atomic_fetch_add", "atomic_fetch_add_explicit", "__atomic_fetch_add", "__atomic_add_fetch",
        "__c11_atomic_fetch_add", "__sync_fetch_and_add", "__sync_add_and_fetch",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) return 1;
    return 0;
}

/* `atomic_fetch_add(&next, 1)` and its siblings, a call (the __sync
 * builtins) or an AtomicExpr (<stdatomic.h>, __atomic builtins: their
 * children are the object, the memory order, then the operand). */
static int fetch_add_claim(walker *w, CXCursor e)
{
    char name[MAX_IDENT];
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_CallExpr) {
        /* The builtin a __sync call reaches is sized
         * (__sync_fetch_and_add_4): its name without the size. */
        CXString s = clang_getCursorSpelling(clang_getCursorReferenced(e));
        if (!rlw_unsized_builtin(clang_getCString(s), name, sizeof name)) snprintf(name, sizeof name, "%s", clang_getCString(s));
        clang_disposeString(s);
        return is_fetch_add_name(name) && clang_Cursor_getNumArguments(e) >= 2 &&
               shared_storage_pointer(rlw_call_arg(e, 0)) && positive_constant(rlw_call_arg(e, 1));
    }
    /* An AtomicExpr: the macro or builtin name written at its start. */
    if (k != CXCursor_UnexposedExpr || !rlw_source_ident(w, e, name, sizeof name) || !is_fetch_add_name(name)) return 0;
    child_list l;
    rlw_children_of(e, &l);
    int ok = l.len == 3 && shared_storage_pointer(rlw_child_at(&l, 0)) && positive_constant(rlw_child_at(&l, 2));
    rlw_children_free(&l);
    return ok;
}

/* `counter++`, `++counter` or `counter += K` (K >= 1) on shared storage. */
static int increment_claim(CXCursor e)
{
    enum CXCursorKind k = clang_getCursorKind(e);
    int inc = k == CXCursor_UnaryOperator && (clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_PostInc ||
                                              clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_PreInc);
    int add = k == CXCursor_CompoundAssignOperator && clang_getCursorBinaryOperatorKind(e) == CXBinaryOperator_AddAssign;
    if (!inc && !add) return 0;
    child_list l;
    rlw_children_of(e, &l);
    int ok = l.len >= 1 && rlw_shared_storage(rlw_child_at(&l, 0)) && (inc || (l.len == 2 && positive_constant(rlw_child_at(&l, 1))));
    rlw_children_free(&l);
    return ok;
}

/* The most values a local may be given and still be judged a claim. */
#define MAX_CLAIM_ASSIGNS 8

/* What a helper's body gives one of its locals, for a local of a function
 * other than the one being walked (whose locals the walker knows). */
typedef struct local_scan {
    CXCursor decl;
    CXCursor assigns[MAX_CLAIM_ASSIGNS];
    int nassigns;
    int unknown; /* changed in place, address taken, or too many values */
} local_scan;

static int refers_to(CXCursor c, CXCursor decl)
{
    c = rl_cursor_strip(c);
    return clang_getCursorKind(c) == CXCursor_DeclRefExpr && clang_equalCursors(clang_getCursorReferenced(c), decl);
}

static void scan_assign(local_scan *s, CXCursor value)
{
    if (s->nassigns == MAX_CLAIM_ASSIGNS) s->unknown = 1;
    else s->assigns[s->nassigns++] = value;
}

static enum CXChildVisitResult scan_local(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    local_scan *s = data;
    enum CXCursorKind k = clang_getCursorKind(c);
    child_list l;
    rlw_children_of(c, &l);
    CXCursor first = l.len ? rlw_child_at(&l, 0) : clang_getNullCursor();
    if (k == CXCursor_VarDecl && clang_equalCursors(c, s->decl)) {
        if (l.len && clang_isExpression(clang_getCursorKind(rlw_child_at(&l, l.len - 1))))
            scan_assign(s, rlw_child_at(&l, l.len - 1));
    } else if (k == CXCursor_BinaryOperator && clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_Assign &&
               l.len == 2 && refers_to(first, s->decl)) {
        scan_assign(s, rlw_child_at(&l, 1));
    } else if ((k == CXCursor_CompoundAssignOperator || k == CXCursor_UnaryOperator) && l.len &&
               refers_to(first, s->decl)) {
        /* ++t, t += 2, &t: anything but reading it */
        int read = k == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(c) != CXUnaryOperator_AddrOf &&
                   (clang_getCursorUnaryOperatorKind(c) < CXUnaryOperator_PostInc ||
                    clang_getCursorUnaryOperatorKind(c) > CXUnaryOperator_PreDec);
        if (!read) s->unknown = 1;
    }
    rlw_children_free(&l);
    return s->unknown ? CXChildVisit_Break : CXChildVisit_Recurse;
}

/* Whether every value in assigns[0..n) is a claim or a negative constant,
 * and one at least a claim (invariant 2). */
static int values_claim(walker *w, const CXCursor *assigns, int n, CXCursor body, int depth)
{
    int claims = 0;
    for (int i = 0; i < n; i++) {
        if (negative_constant(assigns[i])) continue;
        if (!is_claim(w, assigns[i], body, depth + 1)) return 0;
        claims++;
    }
    return claims > 0;
}

/* Whether local decl, of the function whose body is given (a null cursor:
 * the function being walked), holds only claims. */
static int local_claim(walker *w, CXCursor decl, CXCursor body, int depth)
{
    if (clang_Cursor_isNull(body)) {
        local_var *v = rlw_find_local(w, decl);
        if (!v || v->param_index >= 0 || v->exposed || v->modified) return 0;
        return values_claim(w, v->assigns, v->nassigns, body, depth);
    }
    if (clang_getCursorKind(decl) != CXCursor_VarDecl) return 0; /* a helper's parameter */
    local_scan s;
    memset(&s, 0, sizeof s);
    s.decl = decl;
    clang_visitChildren(body, scan_local, &s);
    return !s.unknown && values_claim(w, s.assigns, s.nassigns, body, depth);
}

typedef struct return_scan {
    walker *w;
    CXCursor body;
    int depth;
    int claims, others;
} return_scan;

static enum CXChildVisitResult scan_return(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    return_scan *s = data;
    if (clang_getCursorKind(c) != CXCursor_ReturnStmt) return CXChildVisit_Recurse;
    child_list l;
    rlw_children_of(c, &l);
    if (l.len != 1) s->others++;
    else if (negative_constant(rlw_child_at(&l, 0))) { /* none left */
    } else if (is_claim(s->w, rlw_child_at(&l, 0), s->body, s->depth + 1)) s->claims++;
    else s->others++;
    rlw_children_free(&l);
    return s->others ? CXChildVisit_Break : CXChildVisit_Continue;
}

/* Whether the function a direct call reaches, defined in this unit,
 * returns only claims and negative constants (invariant 3). */
static int helper_claim(walker *w, CXCursor call, int depth)
{
    CXCursor def = clang_getCursorDefinition(clang_getCursorReferenced(call));
    if (clang_getCursorKind(def) != CXCursor_FunctionDecl) return 0;
    void **slot = rl_ptrmap_slot(&w->claims, rlw_intern_cx(w, clang_getCursorUSR(def)));
    if (*slot) return *slot == CLAIM_YES;
    *slot = (void *)rlw_no_annotation; /* a recursive helper is no claim */
    CXCursor body = rlw_function_body(def);
    if (clang_Cursor_isNull(body)) return 0;
    return_scan s = {w, body, depth, 0, 0};
    clang_visitChildren(body, scan_return, &s);
    int claim = !s.others && s.claims > 0;
    if (claim) *slot = (void *)CLAIM_YES;
    return claim;
}

/* Whether expression e, of the function whose body is given (null: the
 * one being walked), yields a value claimed once from a shared counter. */
static int is_claim(walker *w, CXCursor e, CXCursor body, int depth)
{
    if (depth > MAX_CLAIM_DEPTH) return 0;
    e = rl_cursor_strip(e);
    if (increment_claim(e) || fetch_add_claim(w, e)) return 1;
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        return rlw_is_automatic(d) && local_claim(w, d, body, depth);
    }
    if (k == CXCursor_ConditionalOperator) {
        /* `next < n ? next++ : -1`: a claim or "none left" either way
         * (round 24's r6), as the two assignments of an `if` would be */
        child_list l;
        rlw_children_of(e, &l);
        CXCursor arms[2] = {clang_getNullCursor(), clang_getNullCursor()};
        if (l.len == 3) arms[0] = rlw_child_at(&l, 1), arms[1] = rlw_child_at(&l, 2);
        rlw_children_free(&l);
        return !clang_Cursor_isNull(arms[0]) && values_claim(w, arms, 2, body, depth);
    }
    return k == CXCursor_CallExpr && (helper_claim(w, e, depth) || rlw_call_returns_flag_index(w, e));
}

int rlw_index_claimed(walker *w, CXCursor idx)
{
    CXCursor s = rl_cursor_strip(idx);
    /* invariant 1: the bare index, a local or a call, not arithmetic on it */
    enum CXCursorKind k = clang_getCursorKind(s);
    if (k != CXCursor_DeclRefExpr && k != CXCursor_CallExpr && k != CXCursor_UnexposedExpr &&
        k != CXCursor_UnaryOperator && k != CXCursor_CompoundAssignOperator)
        return 0;
    return is_claim(w, s, clang_getNullCursor(), 0);
}
