/* Conditional expressions and the expressions libclang shows as
 * "unexposed" (walker.h): `c ? x : y`, GNU's `x ?: y`, an implicit
 * conversion, a designated initializer, `__builtin_choose_expr`,
 * `va_arg`, and the C11 and GNU atomic operations (walk_call.c), told
 * apart here because libclang gives all but the first one cursor kind.
 *
 * Invariants:
 *  1. An expression is an atomic operation only when it is none of the
 *     others: taken for one, a designator made its value's pointee an
 *     atomic read-write (facts format 46).
 *  2. A conditional's value is one value when its arms agree, a choice
 *     of both when each is traceable and the expression is a pointer,
 *     else nothing (facts.h). */
#include "walker.h"
#include <string.h>

/* The value of a conditional expression c whose arms gave x and y (each
 * the null constant or not): `a < b ? a : b`: equal arms are that value;
 * different ones become a choice the model resolves per context (both
 * arms may name the same object there, as two elements of one array
 * do); `g_slot ? g_slot : NULL`: a null arm names no object, so whatever
 * the result points to, the other arm gave. */
static void conditional_value(walker *w, CXCursor c, const expr_out *x, int x_null, const expr_out *y, int y_null,
                              expr_out *out)
{
    const char *vx = rl_sb_str(&x->value), *vy = rl_sb_str(&y->value);
    if (!vy[0] && y_null) vy = vx;
    if (!vx[0] && x_null) vx = vy;
    if (strcmp(vx, vy) == 0) {
        rl_sb_append(&out->value, vx);
    } else if (rlw_choice_alternative_ok(vx) && rlw_choice_alternative_ok(vy) &&
               rlw_type_is_pointer(clang_getCursorType(c))) {
        CXType pointee = clang_getPointeeType(clang_getCanonicalType(clang_getCursorType(c)));
        rl_sb_printf(&out->value, "%%%s", rlw_type_key(w, pointee));
        rlw_append_alternative(&out->value, vx);
        rlw_append_alternative(&out->value, vy);
        rl_sb_append(&out->value, RL_CALL_END);
    }
}

void rlw_walk_conditional(walker *w, CXCursor c, expr_out *out)
{
    child_list l;
    rlw_children_of(c, &l);
    expr_out x, y;
    rlw_out_init(&x);
    rlw_out_init(&y);
    /* The arms run on one outcome each of the condition: an IF node, as
     * for && and ||, when events are being emitted. */
    int32_t node = l.len == 3 ? rlw_emit(w, RL_N_IF, c) : -1;
    if (node >= 0) rlw_note_order_test(w, node, rlw_child_at(&l, 0));
    int32_t saved = w->cur, seqs[3] = {-1, -1, -1};
    if (node >= 0)
        for (int i = 0; i < 3; i++) seqs[i] = rlw_open_seq(w, node, c);
    for (int i = 0; i < l.len; i++) {
        if (node >= 0) w->cur = seqs[i];
        rlw_expr(w, rlw_child_at(&l, i), USE_READ, i == 1 ? &x : i == 2 ? &y : NULL);
        /* `ok ? value : -1`: which outcome of a trylock, or of a flag,
         * the arms run on, as for an `if` */
        if (i == 0 && node >= 0) rlw_set_try(w, node, rlw_child_at(&l, 0), 0);
    }
    w->cur = saved;
    if (out && l.len == 3)
        conditional_value(w, c, &x, rl_cursor_is_null_constant(rlw_child_at(&l, 1)), &y,
                          rl_cursor_is_null_constant(rlw_child_at(&l, 2)), out);
    rlw_children_free(&l);
    rlw_out_free(&x);
    rlw_out_free(&y);
}

/* libclang shows four kinds of expression as an unexposed one of
 * several children: C11 and GNU atomic operations (AtomicExpr: object,
 * order, operands), designated initializers (DesignatedInitExpr: `.next
 * = p`, `[2] = x`, GNU's `next: p`; a member reference or the index
 * constants, then the value), GNU's `a ?: b` (BinaryConditional-
 * Operator: the common operand three times, as condition and value,
 * then the other) and GNU's `__builtin_choose_expr`. Taken for an atomic
 * operation, a designator made its value's pointee an atomic exchange. */
static int is_designated_init(walker *w, CXCursor c, const child_list *l)
{
    if (clang_getCursorKind(rlw_child_at(l, 0)) == CXCursor_MemberRef) return 1;
    int first = rlw_source_first_char(w, c);
    return first == '.' || first == '[';
}

static int is_binary_conditional(const child_list *l)
{
    enum { COMMON_TIMES = 3 };
    if (l->len != COMMON_TIMES + 1) return 0;
    CXSourceRange common = clang_getCursorExtent(rlw_child_at(l, 0));
    for (int i = 1; i < COMMON_TIMES; i++)
        if (!clang_equalRanges(common, clang_getCursorExtent(rlw_child_at(l, i)))) return 0;
    return 1;
}

/* GNU's `__builtin_choose_expr(const, a, b)` (ChooseExpr: the constant,
 * then both arms), which libclang shows as the others. */
static int is_choose_expr(walker *w, CXCursor c, const child_list *l)
{
    char name[MAX_IDENT];
    return l->len == 3 && rlw_source_ident(w, c, name, sizeof name) && strcmp(name, "__builtin_choose_expr") == 0;
}

/* Only the arm the constant picks is evaluated; both when it is not
 * known. */
static void walk_choose_expr(walker *w, const child_list *l, use_mode mode, expr_out *out)
{
    long long pick = 0;
    if (rlw_const_int(rl_cursor_strip(rlw_child_at(l, 0)), &pick)) {
        rlw_expr(w, rlw_child_at(l, pick ? 1 : 2), mode, out);
    } else {
        rlw_expr(w, rlw_child_at(l, 1), mode, NULL);
        rlw_expr(w, rlw_child_at(l, 2), mode, NULL);
    }
}

/* `va_arg(ap, T)` (VAArgExpr: the va_list alone), which libclang shows
 * as it shows an implicit conversion of its one child. A conversion
 * starts where its operand does, so the source is read only for an
 * expression that starts before its child (every conversion of every
 * unit comes here). */
static int is_va_arg(walker *w, CXCursor c, CXCursor child)
{
    char name[MAX_IDENT];
    if (clang_equalLocations(clang_getCursorLocation(c), clang_getCursorLocation(child))) return 0;
    return rlw_source_ident(w, c, name, sizeof name) &&
           (strcmp(name, "va_arg") == 0 || strcmp(name, "__builtin_va_arg") == 0);
}

/* `a ?: b`: a read once, as condition and value, b on the other outcome;
 * the value as walk_conditional's. */
static void walk_binary_conditional(walker *w, CXCursor c, const child_list *l, expr_out *out)
{
    expr_out x, y;
    rlw_out_init(&x);
    rlw_out_init(&y);
    rlw_expr(w, rlw_child_at(l, 0), USE_READ, &x);
    rlw_expr(w, rlw_child_at(l, 3), USE_READ, &y);
    if (out) conditional_value(w, c, &x, 0, &y, rl_cursor_is_null_constant(rlw_child_at(l, 3)), out);
    rlw_out_free(&x);
    rlw_out_free(&y);
}

void rlw_walk_unexposed(walker *w, CXCursor c, use_mode mode, expr_out *out)
{
    child_list l;
    rlw_children_of(c, &l);
    if (l.len == 1 && is_va_arg(w, c, rlw_child_at(&l, 0))) {
        /* the next variable argument: a value racelint does not know
         * (not the va_list it is read through) */
        rlw_expr(w, rlw_child_at(&l, 0), USE_READ, NULL);
    } else if (l.len == 1) {
        CXCursor inner = rlw_child_at(&l, 0);
        CXType it = clang_getCursorType(inner);
        /* An implicit conversion: array and function decay only compute
         * an address; every other conversion reads its operand. */
        if (rlw_expr_is_array(inner) || rlw_type_is_function(it)) {
            rlw_expr(w, inner, USE_ADDR, out);
        } else {
            rlw_expr(w, inner, mode, out);
            rlw_retype_indirect_call(w, c, out);
        }
    } else if (l.len > 1 && is_designated_init(w, c, &l)) {
        /* the value; a designator is a member's name or a constant */
        rlw_expr(w, rlw_child_at(&l, l.len - 1), mode, out);
    } else if (is_choose_expr(w, c, &l)) {
        walk_choose_expr(w, &l, mode, out);
    } else if (is_binary_conditional(&l)) {
        walk_binary_conditional(w, c, &l, out);
    } else if (l.len > 1) {
        rlw_walk_atomic_expr(w, c, out);
    }
    rlw_children_free(&l);
}
