/* Indices that name an element no other instance touches (walker.h): the
 * element access of walk_expr.c asks here whether its index is the
 * instance's own (a copy of a parameter, a block of it, or the counter of
 * a `for` running over its block, rlw_range_param, which walk_stmt.c asks
 * when it enters the loop: emitted as the [#P<n>] step of facts.h). An
 * index claimed once from a shared counter is walk_claim.c's.
 *
 * Invariants:
 *  1. An index is the instance's own only when every instance computes a
 *     different one from its own value (a copy of a parameter assigned
 *     once, its address never taken): `id`, `id * S + k` with k below S,
 *     a loop over `[id * S, id * S + S)`.
 *  2. Locals are followed through their single assignment only
 *     (single_value), at most MAX_RANGE_DEPTH deep. */
#include "walker.h"
#include "cursor.h"
#include <stdio.h>
#include <string.h>

/* The object a read through a pointer reads from: the operand of `*p`,
 * the base of `p->f` (or of `s.f`); else a null cursor. *deref is set when
 * the step goes through a pointer. */
static CXCursor read_through(CXCursor s, int *deref)
{
    enum CXCursorKind k = clang_getCursorKind(s);
    int member = k == CXCursor_MemberRefExpr;
    if (!member && !(k == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_Deref))
        return clang_getNullCursor();
    child_list l;
    rlw_children_of(s, &l);
    CXCursor inner = l.len >= 1 ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
    rlw_children_free(&l);
    *deref = !member || (!clang_Cursor_isNull(inner) && rlw_type_is_pointer(clang_getCursorType(inner)));
    return inner;
}

/* The parameter an index is a copy of (`stats[id]` with `int id =
 * (intptr_t)arg`), or a value read from the object it points to (`int id
 * = *(int *)arg`, `a->id` with `a = arg`), or -1: a thread that indexes by
 * its own argument touches its own element. A value read through the
 * argument is taken to be the instance's own as the argument itself is
 * (its `&ids[i]` or `&args[i]` holding the loop counter), as an integer
 * argument is taken to be the counter; one step through a pointer at
 * most: what the instance's object points to may be anyone's. */
static int copied_param(walker *w, CXCursor idx)
{
    CXCursor s = rl_cursor_strip(idx);
    int derefs = 0;
    for (int guard = 0; guard < MAX_ALIAS_DEPTH; guard++) {
        int deref = 0;
        CXCursor inner = read_through(s, &deref);
        if (!clang_Cursor_isNull(inner)) {
            derefs += deref;
            if (derefs > 1) return -1;
            s = inner;
            continue;
        }
        if (clang_getCursorKind(s) != CXCursor_DeclRefExpr) return -1;
        CXCursor d = clang_getCursorReferenced(s);
        local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
        if (!v || v->exposed || v->modified) return -1;
        if (v->param_index >= 0) return v->nassigns == 0 ? v->param_index : -1;
        if (v->nassigns != 1) return -1;
        s = rl_cursor_strip(v->assigns[0]);
    }
    return -1;
}

int rlw_param_copy(walker *w, CXCursor value)
{
    return copied_param(w, value);
}

/* The parameter a block index starts from: `id * C + k` (or `k + C *
 * id`), with id a copy of a parameter (copied_param) and k the counter of
 * the innermost `for`, which stays in [0, C) (loop_scope.span): the
 * instance's own block of C elements, as `slots[id]` is its own slot
 * (`out[id * STRIDE + k]`). -1 otherwise. */
static int block_index_param(walker *w, CXCursor idx)
{
    CXCursor s = rl_cursor_strip(idx);
    if (w->loop.span <= 0 || clang_getCursorKind(s) != CXCursor_BinaryOperator ||
        clang_getCursorBinaryOperatorKind(s) != CXBinaryOperator_Add)
        return -1;
    child_list l;
    rlw_children_of(s, &l);
    int param = -1;
    for (int side = 0; l.len == 2 && side < 2 && param < 0; side++) {
        CXCursor mul = rl_cursor_strip(rlw_child_at(&l, side)), k = rl_cursor_strip(rlw_child_at(&l, 1 - side));
        if (clang_getCursorKind(k) != CXCursor_DeclRefExpr ||
            !clang_equalCursors(clang_getCursorReferenced(k), w->loop.counter) ||
            clang_getCursorKind(mul) != CXCursor_BinaryOperator ||
            clang_getCursorBinaryOperatorKind(mul) != CXBinaryOperator_Mul)
            continue;
        child_list f;
        rlw_children_of(mul, &f);
        long long c;
        for (int j = 0; f.len == 2 && j < 2 && param < 0; j++)
            if (rlw_const_int(rlw_child_at(&f, 1 - j), &c) && c == w->loop.span) param = copied_param(w, rlw_child_at(&f, j));
        rlw_children_free(&f);
    }
    rlw_children_free(&l);
    return param;
}


/* The `for` counter around that runs over the instance's own block and
 * is the whole index (`a[i]`, with i from `id * S` below `id * S + S`):
 * the parameter id copies, or -1. */
static int owned_counter_param(walker *w, CXCursor idx, const char **members)
{
    CXCursor s = rl_cursor_strip(idx);
    if (clang_getCursorKind(s) != CXCursor_DeclRefExpr) return -1;
    CXCursor d = clang_getCursorReferenced(s);
    for (int i = w->loop.nowned - 1; i >= 0; i--)
        if (clang_equalCursors(w->loop.owned[i].counter, d)) {
            /* assigned in the body as well: no longer the loop's alone */
            local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
            if (!v || v->nassigns > 1 || v->exposed) return -1;
            *members = w->loop.owned[i].members;
            return w->loop.owned[i].param;
        }
    return -1;
}

int rlw_index_param_or_range(walker *w, CXCursor idx, const char **members)
{
    *members = NULL;
    int p = copied_param(w, idx);
    if (p < 0) p = block_index_param(w, idx);
    return p >= 0 ? p : owned_counter_param(w, idx, members);
}

int rlw_index_param(walker *w, CXCursor idx)
{
    const char *members;
    int p = rlw_index_param_or_range(w, idx, &members);
    return members ? -1 : p; /* a record's range: an element step only */
}

/* ---- ranges of a `for` counter that are an instance's own -------------- */

/* The smallest constant stride that deals elements round-robin: a stride
 * of 1 visits every element. */
#define MIN_STRIDE 2

/* How many locals assigned once a range's bound is followed through. */
#define MAX_RANGE_DEPTH 4

/* e, followed through the locals of the function assigned once (`int
 * start = id * chunk;`): the expression that gives its value. */
static CXCursor single_value(walker *w, CXCursor e)
{
    e = rl_cursor_strip(e);
    for (int depth = 0; depth < MAX_RANGE_DEPTH && clang_getCursorKind(e) == CXCursor_DeclRefExpr; depth++) {
        CXCursor d = clang_getCursorReferenced(e);
        local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
        if (!v || v->param_index >= 0 || v->exposed || v->modified || v->nassigns != 1) break;
        e = rl_cursor_strip(v->assigns[0]);
    }
    return e;
}

/* Whether a and b are one value: the same integer constant, or the same
 * variable (a block size `chunk` read twice), or the same member of the
 * same such (`cfg->chunk`). */
static int same_value(walker *w, CXCursor a, CXCursor b, int depth)
{
    a = rl_cursor_strip(a);
    b = rl_cursor_strip(b);
    if (clang_getCursorKind(a) == CXCursor_DeclRefExpr && clang_getCursorKind(b) == CXCursor_DeclRefExpr &&
        clang_equalCursors(clang_getCursorReferenced(a), clang_getCursorReferenced(b)))
        return 1;
    a = single_value(w, a);
    b = single_value(w, b);
    long long x, y;
    if (rlw_const_int(a, &x) && rlw_const_int(b, &y)) return x == y;
    enum CXCursorKind ka = clang_getCursorKind(a), kb = clang_getCursorKind(b);
    if (ka != kb || depth > MAX_RANGE_DEPTH) return 0;
    if (ka == CXCursor_DeclRefExpr) return clang_equalCursors(clang_getCursorReferenced(a), clang_getCursorReferenced(b));
    if (ka != CXCursor_MemberRefExpr ||
        !clang_equalCursors(clang_getCursorReferenced(a), clang_getCursorReferenced(b)))
        return 0;
    child_list la, lb;
    rlw_children_of(a, &la);
    rlw_children_of(b, &lb);
    int same = la.len == 1 && lb.len == 1 && same_value(w, rlw_child_at(&la, 0), rlw_child_at(&lb, 0), depth + 1);
    rlw_children_free(&la);
    rlw_children_free(&lb);
    return same;
}

/* The instance's value x stands for: with no counter, the parameter x is
 * a copy of (copied_param: a thread's id); with one, 0 when x is that
 * loop counter (the round whose record main fills: `args[t].lo = t *
 * chunk`). -1 otherwise. */
static int instance_value(walker *w, CXCursor x, CXCursor counter)
{
    if (clang_Cursor_isNull(counter)) return copied_param(w, x);
    x = rl_cursor_strip(x);
    return clang_getCursorKind(x) == CXCursor_DeclRefExpr && clang_equalCursors(clang_getCursorReferenced(x), counter)
               ? 0
               : -1;
}

/* `id * S` (or `S * id`), id the instance's value (instance_value): that
 * value's parameter, S in *size; else -1. */
static int scaled_param(walker *w, CXCursor e, CXCursor counter, CXCursor *size)
{
    CXCursor x, y;
    if (!rlw_binary_operands(single_value(w, e), CXBinaryOperator_Mul, &x, &y)) return -1;
    int p = instance_value(w, x, counter);
    if (p >= 0) {
        *size = y;
        return p;
    }
    p = instance_value(w, y, counter);
    if (p >= 0) *size = x;
    return p;
}

/* Where a block starts: `id * S`, or that past an offset every instance
 * shares (`1 + id * S`, `id * S + base`: a stencil's interior, after its
 * fixed edge): the parameter, S in *size, the offset in *offset (a null
 * cursor when none); else -1. */
static int block_start(walker *w, CXCursor e, CXCursor counter, CXCursor *size, CXCursor *offset)
{
    *offset = clang_getNullCursor();
    int p = scaled_param(w, e, counter, size);
    if (p >= 0) return p;
    CXCursor x, y;
    if (!rlw_binary_operands(single_value(w, e), CXBinaryOperator_Add, &x, &y)) return -1;
    for (int side = 0; side < 2; side++) {
        CXCursor scaled = side ? y : x, other = side ? x : y;
        p = scaled_param(w, scaled, counter, size);
        /* the offset must not vary with the instance */
        if (p >= 0 && instance_value(w, other, counter) < 0) {
            *offset = other;
            return p;
        }
    }
    return -1;
}

/* walker.h */
int rlw_block_element_param(walker *w, CXCursor idx)
{
    CXCursor size, offset;
    int p = block_start(w, idx, clang_getNullCursor(), &size, &offset);
    long long s = 0, k = 0;
    if (p < 0 || !rlw_const_int(single_value(w, size), &s) || s < 1) return -1;
    if (!clang_Cursor_isNull(offset) && (!rlw_const_int(single_value(w, offset), &k) || k < 0 || k >= s)) return -1;
    return p;
}

/* Whether two block offsets are the same: both none, or one value. */
static int same_offset(walker *w, CXCursor a, CXCursor b)
{
    if (clang_Cursor_isNull(a) || clang_Cursor_isNull(b)) return clang_Cursor_isNull(a) && clang_Cursor_isNull(b);
    return same_value(w, a, b, 0);
}

/* Whether e is `id + 1` (or `1 + id`), id the instance's value `param`. */
static int next_index(walker *w, CXCursor e, CXCursor counter, int param)
{
    CXCursor x, y;
    long long one = 0;
    if (!rlw_binary_operands(single_value(w, e), CXBinaryOperator_Add, &x, &y)) return 0;
    return (instance_value(w, x, counter) == param && rlw_const_int(y, &one) && one == 1) ||
           (instance_value(w, y, counter) == param && rlw_const_int(x, &one) && one == 1);
}

/* Whether e tests the instance's value for equality (`id == nthreads - 1`). */
static int tests_param(walker *w, CXCursor e, CXCursor counter, int param)
{
    CXCursor x, y;
    return rlw_binary_operands(rl_cursor_strip(e), CXBinaryOperator_EQ, &x, &y) &&
           (instance_value(w, x, counter) == param || instance_value(w, y, counter) == param);
}

/* `(id + 1) * S` (either order): S in *size, else a null cursor. */
static CXCursor next_block_size(walker *w, CXCursor e, CXCursor counter, int param)
{
    CXCursor x, y;
    if (!rlw_binary_operands(single_value(w, e), CXBinaryOperator_Mul, &x, &y)) return clang_getNullCursor();
    if (next_index(w, x, counter, param)) return y;
    if (next_index(w, y, counter, param)) return x;
    return clang_getNullCursor();
}

/* The block e ends: the start plus S (either order), `(id + 1) * S` past
 * an offset or none (either order), or `id == K ? N : end` with one arm
 * such an end (the last instance takes the remainder). Its size and
 * offset go to *size and *offset; 0 when e ends no block of `param`. */
static int block_end_parts(walker *w, CXCursor e, CXCursor counter, int param, CXCursor *size, CXCursor *offset,
                           int depth)
{
    e = single_value(w, e);
    CXCursor x, y, s, o;
    if (rlw_binary_operands(e, CXBinaryOperator_Add, &x, &y)) {
        for (int side = 0; side < 2; side++) {
            CXCursor a = side ? y : x, b = side ? x : y;
            if (block_start(w, a, counter, &s, &o) == param && same_value(w, b, s, 0)) {
                *size = s;
                *offset = o;
                return 1;
            }
            s = next_block_size(w, a, counter, param);
            if (!clang_Cursor_isNull(s) && instance_value(w, b, counter) < 0) {
                *size = s;
                *offset = b;
                return 1;
            }
        }
        return 0;
    }
    s = next_block_size(w, e, counter, param);
    if (!clang_Cursor_isNull(s)) {
        *size = s;
        *offset = clang_getNullCursor();
        return 1;
    }
    if (clang_getCursorKind(e) != CXCursor_ConditionalOperator || depth > 0) return 0;
    child_list l;
    rlw_children_of(e, &l);
    int ok = l.len == 3 && tests_param(w, rlw_child_at(&l, 0), counter, param) &&
             (block_end_parts(w, rlw_child_at(&l, 1), counter, param, size, offset, depth + 1) ||
              block_end_parts(w, rlw_child_at(&l, 2), counter, param, size, offset, depth + 1));
    rlw_children_free(&l);
    return ok;
}

/* Whether e ends the block of `param` of that size past that offset. */
static int block_end(walker *w, CXCursor e, CXCursor counter, int param, CXCursor size, CXCursor offset)
{
    CXCursor s, o;
    return block_end_parts(w, e, counter, param, &s, &o, 0) && same_value(w, s, size, 0) && same_offset(w, o, offset);
}

/* Appends a key naming value x wherever it is written alike: a constant
 * in decimal, a variable by its USR, nothing for a null cursor (no
 * offset); 0 when x is neither. */
static int value_key(walker *w, CXCursor x, rl_strbuf *out)
{
    if (clang_Cursor_isNull(x)) return 1;
    x = rl_cursor_strip(x);
    CXCursor v = single_value(w, x);
    long long k;
    if (rlw_const_int(x, &k) || rlw_const_int(v, &k)) {
        rl_sb_printf(out, "%lld", k);
        return 1;
    }
    /* a variable by its name (`per`, given `inner / NT` once), as written:
     * the start and the end name it alike */
    if (clang_getCursorKind(x) != CXCursor_DeclRefExpr) x = v;
    if (clang_getCursorKind(x) != CXCursor_DeclRefExpr) return 0;
    CXString usr = clang_getCursorUSR(clang_getCursorReferenced(x));
    const char *u = clang_getCString(usr);
    int ok = u && u[0];
    if (ok) rl_sb_append(out, u);
    clang_disposeString(usr);
    return ok;
}

int rlw_counter_block_value(walker *w, CXCursor value, CXCursor counter, rl_strbuf *out)
{
    if (clang_Cursor_isNull(counter)) return 0;
    CXCursor size, offset;
    /* an end first: `t * S + S` ends the round's block */
    int end = block_end_parts(w, value, counter, 0, &size, &offset, 0);
    if (!end && block_start(w, value, counter, &size, &offset) != 0) return 0;
    rl_strbuf key = RL_STRBUF_INIT;
    int ok = value_key(w, size, &key);
    rl_sb_appendc(&key, '@');
    ok = ok && value_key(w, offset, &key);
    if (ok) rl_sb_printf(out, "%s%s", end ? RL_RECORD_BLOCK_END : RL_RECORD_BLOCK_START, rl_sb_str(&key));
    rl_sb_free(&key);
    return ok;
}

/* The member a plain read through parameter n's object names ("P<n>*.f":
 * `a->lo`, a the parameter or a copy of it), interned; NULL otherwise. */
static const char *record_member(walker *w, CXCursor e, int *param)
{
    expr_out o;
    rlw_out_init(&o);
    rlw_expr_silent(w, single_value(w, e), &o);
    const char *place = rl_sb_str(&o.place);
    int n = -1, used = 0;
    const char *member = NULL;
    if (sscanf(place, "P%d*.%n", &n, &used) == 1 && used > 0 && place[used] && !strpbrk(place + used, ".*[:]")) {
        *param = n;
        member = rl_intern(w->facts->pool, place + used);
    }
    rlw_out_free(&o);
    return member;
}

const char *rlw_record_range(walker *w, CXCursor lo, CXCursor hi, int *param)
{
    if (clang_Cursor_isNull(lo) || clang_Cursor_isNull(hi)) return NULL;
    int plo = -1, phi = -1;
    const char *a = record_member(w, lo, &plo), *b = record_member(w, hi, &phi);
    if (!a || !b || a == b || plo != phi || plo < 0) return NULL;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, ":%s:%s", a, b);
    const char *members = rl_intern(w->facts->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    *param = plo;
    return members;
}

int rlw_param_itself(walker *w, CXCursor e)
{
    e = rl_cursor_strip(e);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr) return -1;
    CXCursor d = clang_getCursorReferenced(e);
    const local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    return v && v->param_index >= 0 && v->nassigns == 0 && !v->modified && !v->exposed ? v->param_index : -1;
}

int rlw_range_param(walker *w, CXCursor lo, CXCursor hi)
{
    if (clang_Cursor_isNull(lo) || clang_Cursor_isNull(hi)) return -1;
    CXCursor size, offset, none = clang_getNullCursor();
    int param = block_start(w, lo, none, &size, &offset);
    return param >= 0 && block_end(w, hi, none, param, size, offset) ? param : -1;
}

/* A named array, or a named pointer: what a block's start is an element
 * of. */
static int names_elements(CXCursor base)
{
    return clang_getCursorKind(base) == CXCursor_DeclRefExpr &&
           (rlw_expr_is_array(base) || rlw_type_is_pointer(clang_getCursorType(base)));
}

/* `P + i` (either order), P a named array or pointer: into *base, *idx. */
static int named_plus_index(CXCursor e, CXCursor *base, CXCursor *idx)
{
    CXCursor x, y;
    if (!rlw_binary_operands(e, CXBinaryOperator_Add, &x, &y)) return 0;
    for (int side = 0; side < 2; side++) {
        CXCursor named = side ? y : x, index = side ? x : y;
        if (names_elements(named) && rlw_type_is_integer(clang_getCursorType(index))) {
            *base = named;
            *idx = index;
            return 1;
        }
    }
    return 0;
}

/* The index of `&P[i]` or `P + i` (e), P a named array or pointer, with
 * P's declaration in *array; a null cursor when e is neither. A pointer's
 * block is one of the elements it leads to: the same pointer, the same
 * object, whichever thread computes it (a pointer that differs by thread
 * names its elements by instance anyway). */
static CXCursor element_address(CXCursor e, CXCursor *array)
{
    CXCursor none = clang_getNullCursor(), idx = none, named;
    e = rl_cursor_strip(e);
    if (named_plus_index(e, &named, &idx)) {
        *array = clang_getCursorReferenced(named);
        return idx;
    }
    if (clang_getCursorKind(e) != CXCursor_UnaryOperator || clang_getCursorUnaryOperatorKind(e) != CXUnaryOperator_AddrOf)
        return none;
    child_list l;
    rlw_children_of(e, &l);
    CXCursor sub = l.len == 1 ? rl_cursor_strip(rlw_child_at(&l, 0)) : none;
    rlw_children_free(&l);
    if (clang_Cursor_isNull(sub) || clang_getCursorKind(sub) != CXCursor_ArraySubscriptExpr) return none;
    rlw_children_of(sub, &l);
    CXCursor base = l.len == 2 ? rl_cursor_strip(rlw_child_at(&l, 0)) : none;
    if (!clang_Cursor_isNull(base) && names_elements(base)) {
        *array = clang_getCursorReferenced(base);
        idx = rlw_child_at(&l, 1);
    }
    rlw_children_free(&l);
    return idx;
}

int rlw_pointer_range_param(walker *w, CXCursor lo, CXCursor hi)
{
    if (clang_Cursor_isNull(lo) || clang_Cursor_isNull(hi)) return -1;
    CXCursor a = clang_getNullCursor(), b = clang_getNullCursor();
    CXCursor from = element_address(lo, &a), to = element_address(hi, &b);
    if (clang_Cursor_isNull(from) || clang_Cursor_isNull(to) || !clang_equalCursors(a, b)) return -1;
    return rlw_range_param(w, from, to);
}

/* Renames the element a place's last `[]` collapses as the one index
 * parameter `param` gives ("G:a[]" to "G:a[#P0]"); 0 when the place does
 * not end so. */
static int name_element_by_param(rl_strbuf *place, int param)
{
    size_t len = strlen(rl_sb_str(place));
    if (len < 2 || strcmp(rl_sb_str(place) + len - 2, "[]") != 0) return 0;
    rl_sb_truncate(place, len - 2);
    rl_sb_printf(place, "[#P%d]", param);
    return 1;
}

/* The parameter whose block the element `base[idx]` lies in
 * (rlw_mark_block_pointer), or -1. */
static int block_pointer_param(walker *w, CXCursor base, CXCursor idx)
{
    CXCursor i = rl_cursor_strip(idx);
    if (w->loop.span <= 0 || clang_getCursorKind(i) != CXCursor_DeclRefExpr ||
        !clang_equalCursors(clang_getCursorReferenced(i), w->loop.counter))
        return -1;
    CXCursor array = clang_getNullCursor();
    CXCursor start = element_address(single_value(w, base), &array);
    if (clang_Cursor_isNull(start)) return -1;
    CXCursor size, offset;
    int param = block_start(w, start, clang_getNullCursor(), &size, &offset);
    long long s = 0;
    if (param < 0 || !rlw_const_int(single_value(w, size), &s) || w->loop.span > s) return -1;
    return param;
}

int rlw_mark_block_pointer(walker *w, CXCursor base, CXCursor idx, rl_strbuf *place)
{
    int param = block_pointer_param(w, base, idx);
    if (param < 0) return -1;
    if (name_element_by_param(place, param)) return param;
    /* a block of what a pointer leads to ("G:p*"): the instance's own
     * element, as `p[id]` names it (walk_expr.c, element_access) */
    size_t len = strlen(rl_sb_str(place));
    if (len == 0 || rl_sb_str(place)[len - 1] != '*') return -1;
    rl_sb_printf(place, "[#P%d]", param);
    return param;
}

void rlw_mark_owned_pointer(walker *w, CXCursor base, rl_strbuf *place)
{
    const char *members = NULL;
    if (!w->loop.nowned) return; /* every deref comes here */
    CXCursor s = rl_cursor_strip(base);
    if (!rlw_type_is_pointer(clang_getCursorType(s))) return;
    int param = owned_counter_param(w, s, &members);
    if (param >= 0 && !members) name_element_by_param(place, param);
}

int rlw_param_range(walker *w, CXCursor lo, CXCursor hi)
{
    if (clang_Cursor_isNull(lo) || clang_Cursor_isNull(hi)) return -1;
    int first = rlw_param_itself(w, lo);
    return first >= 0 && rlw_param_itself(w, hi) == first + 1 ? first : -1;
}

int rlw_stride_param(walker *w, CXCursor start, CXCursor stride)
{
    if (clang_Cursor_isNull(start) || clang_Cursor_isNull(stride)) return -1;
    long long step = 0;
    if (rlw_const_int(rl_cursor_strip(stride), &step) && step < MIN_STRIDE) return -1;
    return copied_param(w, start);
}
