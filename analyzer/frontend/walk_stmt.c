/* Statements of the event walker (walker.h): each statement of a body
 * becomes a structure node (IF, LOOP, SWITCH, CASE, RETURN, BREAK,
 * CONTINUE, GOTO, LABEL) whose SEQ children receive the events of its
 * parts, so that the model sees the body's control flow.
 *
 * Invariants:
 *  1. Every part of a statement is walked once, into the SEQ of the node
 *     where it runs (condition, body, step, then, else).
 *  2. w->cur is restored after walking into a child SEQ.
 *  3. Nesting deeper than MAX_EXPR_DEPTH is not walked. */
#include "walker.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int32_t rlw_open_seq(walker *w, int32_t parent, CXCursor at)
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

void rlw_expr_into(walker *w, CXCursor c, int32_t into)
{
    int32_t saved = w->cur;
    w->cur = into;
    rlw_expr(w, c, USE_READ, NULL);
    w->cur = saved;
}

/* Walks an `if`'s branches (else_c may be null) into their SEQs, each
 * from the values the straight locals have after the condition; where
 * they meet, a local holds what either left it, a branch that ends in a
 * return, break, continue or call that never returns leaving nothing
 * (walk_locals.c, rlw_flow_join). */
static void walk_branches(walker *w, CXCursor then_c, int32_t then, CXCursor else_c, int32_t els)
{
    int dead_before = w->flow_dead;
    const char **entry = rlw_flow_save(w);
    w->flow_dead = 0;
    stmt_into(w, then_c, then);
    int then_dead = w->flow_dead;
    const char **after_then = then_dead ? NULL : rlw_flow_save(w);
    rlw_flow_restore(w, entry);
    w->flow_dead = 0;
    if (!clang_Cursor_isNull(else_c)) stmt_into(w, else_c, els);
    int else_dead = w->flow_dead;
    if (else_dead && !then_dead) rlw_flow_restore(w, after_then);
    else if (!then_dead) rlw_flow_join(w, after_then);
    w->flow_dead = dead_before || (then_dead && else_dead);
    free(entry);
    free(after_then);
}

/* Whether statement c is `continue;` or `return ...;`, or a block ending
 * in one: an `if` whose only branch it is lets the code after it run only
 * once its test failed, as a spin loop's exit does: the loop around it
 * tries again, or the caller does (`while (!ring_push(r, m));`, a push
 * that returns false while the ring is full; walk_lock.c, rlw_set_try). */
static int ends_in_leaving(CXCursor c)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_ContinueStmt || k == CXCursor_ReturnStmt) return 1;
    if (k != CXCursor_CompoundStmt) return 0;
    child_list l;
    rlw_children_of(c, &l);
    int leaves = l.len > 0 && ends_in_leaving(rlw_child_at(&l, l.len - 1));
    rlw_children_free(&l);
    return leaves;
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
        rlw_set_try(w, node, cx, !has_else && ends_in_leaving(rlw_child_at(&l, l.len - 1)));
        rlw_set_correlated(w, node, cx);
        rlw_note_value_test(w, node, cx, cond);
        rlw_note_order_test(w, node, cx);
        rlw_note_null_test(w, node, cx);
        walk_branches(w, rlw_child_at(&l, l.len - (has_else ? 2 : 1)), then,
                      has_else ? rlw_child_at(&l, l.len - 1) : clang_getNullCursor(), els);
        rlw_note_conditional_lock(w, node, cx, has_else);
    }
    rlw_children_free(&l);
}

/* The variable a `for` step changes by one (`i++`, `--i`, `i += 1`), or
 * a null cursor; *up is set when it counts up. */
static CXCursor stepped_variable(CXCursor step, int *up)
{
    CXCursor s = rl_cursor_strip(step), operand = clang_getNullCursor();
    child_list l;
    rlw_children_of(s, &l);
    enum CXCursorKind k = clang_getCursorKind(s);
    *up = 0;
    if (k == CXCursor_UnaryOperator && l.len == 1) {
        enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(s);
        if (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PreInc || op == CXUnaryOperator_PostDec ||
            op == CXUnaryOperator_PreDec)
            operand = rl_cursor_strip(rlw_child_at(&l, 0));
        *up = op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PreInc;
    } else if ((k == CXCursor_CompoundAssignOperator || k == CXCursor_BinaryOperator) && l.len == 2) {
        long long v;
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(s);
        if ((op == CXBinaryOperator_AddAssign || op == CXBinaryOperator_SubAssign) &&
            rlw_const_int(rlw_child_at(&l, 1), &v) && v == 1)
            operand = rl_cursor_strip(rlw_child_at(&l, 0));
        *up = op == CXBinaryOperator_AddAssign;
    }
    rlw_children_free(&l);
    if (clang_Cursor_isNull(operand) || clang_getCursorKind(operand) != CXCursor_DeclRefExpr) return clang_getNullCursor();
    return clang_getCursorReferenced(operand);
}

/* The variable a `for` step moves up by a stride other than the constant
 * 1 (`i += NT`), with the stride in *stride; else a null cursor. */
static CXCursor strided_variable(CXCursor step, CXCursor *stride)
{
    CXCursor s = rl_cursor_strip(step), counter = clang_getNullCursor();
    child_list l;
    rlw_children_of(s, &l);
    long long v = 0;
    if (clang_getCursorKind(s) == CXCursor_CompoundAssignOperator && l.len == 2 &&
        clang_getCursorBinaryOperatorKind(s) == CXBinaryOperator_AddAssign &&
        !(rlw_const_int(rlw_child_at(&l, 1), &v) && v == 1)) {
        CXCursor lhs = rl_cursor_strip(rlw_child_at(&l, 0));
        if (clang_getCursorKind(lhs) == CXCursor_DeclRefExpr) {
            counter = clang_getCursorReferenced(lhs);
            *stride = rlw_child_at(&l, 1);
        }
    }
    rlw_children_free(&l);
    return counter;
}

/* X of `counter OP X` (s stripped), or a null cursor. */
static CXCursor counter_operand(CXCursor s, enum CXBinaryOperatorKind op, CXCursor counter)
{
    CXCursor found = clang_getNullCursor();
    if (clang_getCursorKind(s) != CXCursor_BinaryOperator || clang_getCursorBinaryOperatorKind(s) != op) return found;
    child_list l;
    rlw_children_of(s, &l);
    CXCursor lhs = l.len == 2 ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
    if (!clang_Cursor_isNull(lhs) && clang_getCursorKind(lhs) == CXCursor_DeclRefExpr &&
        clang_equalCursors(clang_getCursorReferenced(lhs), counter))
        found = rlw_child_at(&l, 1);
    rlw_children_free(&l);
    return found;
}

CXCursor rlw_counter_start(CXCursor counter, CXCursor init)
{
    if (clang_Cursor_isNull(init)) return clang_getNullCursor();
    CXCursor s = rl_cursor_strip(init), found = clang_getNullCursor();
    child_list l;
    if (clang_getCursorKind(s) == CXCursor_DeclStmt) {
        rlw_children_of(s, &l);
        for (int i = 0; i < l.len && clang_Cursor_isNull(found); i++) {
            CXCursor d = rlw_child_at(&l, i);
            if (!clang_equalCursors(d, counter)) continue;
            child_list v;
            rlw_children_of(d, &v);
            if (v.len && clang_isExpression(clang_getCursorKind(rlw_child_at(&v, v.len - 1))))
                found = rlw_child_at(&v, v.len - 1);
            rlw_children_free(&v);
        }
        rlw_children_free(&l);
    } else {
        found = counter_operand(s, CXBinaryOperator_Assign, counter);
    }
    return found;
}

CXCursor rlw_counter_bound(CXCursor counter, CXCursor test)
{
    return clang_Cursor_isNull(test) ? test : counter_operand(rl_cursor_strip(test), CXBinaryOperator_LT, counter);
}

/* The bound C of a `for` over [start, C) that counts up from a constant
 * start >= 0 (`for (k = 0; k < C; k++)`), or -1: the counter then stays
 * in [0, C); *start gets its start then. */
static long long counter_span(CXCursor counter, CXCursor init, CXCursor test, long long *start)
{
    long long bound = -1;
    *start = -1;
    CXCursor from = rlw_counter_start(counter, init), to = rlw_counter_bound(counter, test);
    if (clang_Cursor_isNull(from) || clang_Cursor_isNull(to) || !rlw_const_int(from, start) || *start < 0 ||
        !rlw_const_int(to, &bound))
        return -1;
    return bound > 0 ? bound : -1;
}

/* Whether a `for` whose step moves counter by one runs its body at least
 * once: the counter starts at a constant that its test, a comparison of
 * the counter with a constant, lets through (`i = 0; i < 8`, `i = 7;
 * i >= 0`). */
static int runs_at_least_once(CXCursor counter, CXCursor init, CXCursor test)
{
    long long start = 0, bound = 0;
    CXCursor from = rlw_counter_start(counter, init), s = clang_Cursor_isNull(test) ? test : rl_cursor_strip(test);
    if (clang_Cursor_isNull(from) || clang_Cursor_isNull(s) || !rlw_const_int(from, &start) ||
        clang_getCursorKind(s) != CXCursor_BinaryOperator)
        return 0;
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(s);
    CXCursor to = counter_operand(s, op, counter);
    if (clang_Cursor_isNull(to) || !rlw_const_int(to, &bound)) return 0;
    switch (op) {
    case CXBinaryOperator_LT: return start < bound;
    case CXBinaryOperator_LE: return start <= bound;
    case CXBinaryOperator_GT: return start > bound;
    case CXBinaryOperator_GE: return start >= bound;
    case CXBinaryOperator_NE: return start != bound;
    default: return 0;
    }
}

/* The last operand of a comma chain (`(lock(m), 1)` gives 1). */
static CXCursor comma_value(CXCursor e)
{
    CXCursor first, rest;
    e = rl_cursor_strip(e);
    while (rlw_binary_operands(e, CXBinaryOperator_Comma, &first, &rest)) e = rest;
    return e;
}

/* Whether expression e, or an operand of the comma chain it is, sets
 * the variable decl to 0 (`once_ = 0, unlock(m)`). */
static int assigns_zero(CXCursor e, CXCursor decl)
{
    CXCursor x, y;
    e = rl_cursor_strip(e);
    if (rlw_binary_operands(e, CXBinaryOperator_Comma, &x, &y)) return assigns_zero(x, decl) || assigns_zero(y, decl);
    return rlw_binary_operands(e, CXBinaryOperator_Assign, &x, &y) && clang_getCursorKind(x) == CXCursor_DeclRefExpr &&
           clang_equalCursors(clang_getCursorReferenced(x), decl) && rl_cursor_is_null_constant(comma_value(y));
}

/* Whether a `for` runs its body exactly once (RL_LOOP_SINGLE_PASS): its
 * test is a local flag `x` alone, its init gives x a nonzero constant
 * (`int x = (lock(m), 1)`), its step sets it to 0 (`x = 0, unlock(m)`),
 * and nothing else changes x: the scoped-lock macros' shape. */
static int single_pass(walker *w, CXCursor init, CXCursor test, CXCursor increment)
{
    if (clang_Cursor_isNull(init) || clang_Cursor_isNull(test) || clang_Cursor_isNull(increment)) return 0;
    CXCursor t = rl_cursor_strip(test);
    if (clang_getCursorKind(t) != CXCursor_DeclRefExpr) return 0;
    CXCursor x = clang_getCursorReferenced(t);
    local_var *v = rlw_is_automatic(x) ? rlw_find_local(w, x) : NULL;
    /* given two values: the init's and the step's */
    if (!v || v->param_index >= 0 || v->exposed || v->modified || v->nassigns != 2) return 0;
    long long start = 0;
    CXCursor from = rlw_counter_start(x, init);
    return !clang_Cursor_isNull(from) && rlw_const_int(comma_value(from), &start) && start != 0 &&
           assigns_zero(increment, x);
}

/* For statements: clang omits absent parts, so the ';' tokens of the header
 * tell which child is the init, the condition and the increment. */
static void stmt_for(walker *w, CXCursor c)
{
    child_list l;
    rlw_children_of(c, &l);
    if (l.len == 0) {
        int32_t node = rlw_emit(w, RL_N_LOOP, c);
        for (int k = 0; k < 3; k++) rlw_open_seq(w, node, c);
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
    CXCursor init = clang_getNullCursor(), test = clang_getNullCursor(), increment = clang_getNullCursor();
    /* With all three parts there, their order says which is which (a
     * header written by a macro has no ';' of its own to find). The init
     * runs once, before the loop: it is walked before the loop's node. */
    int complete = l.len == 4;
    enum { PART_INIT, PART_TEST, PART_STEP } role[3] = {PART_TEST, PART_TEST, PART_TEST};
    for (int i = 0; i < l.len - 1 && i < 3; i++) {
        CXCursor part = rlw_child_at(&l, i);
        unsigned off;
        clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(part)), NULL, NULL, NULL, &off);
        if (complete ? i == 0 : nsemi == 2 && off < semi[0]) role[i] = PART_INIT;
        else if (complete ? i == 2 : nsemi == 2 && off > semi[1]) role[i] = PART_STEP;
        if (role[i] == PART_INIT) {
            rlw_stmt(w, part);
            init = part;
        }
    }
    int32_t node = rlw_emit(w, RL_N_LOOP, c);
    int32_t cond = rlw_open_seq(w, node, c), body = rlw_open_seq(w, node, c), step = rlw_open_seq(w, node, c);
    for (int i = 0; i < l.len - 1 && i < 3; i++) {
        CXCursor part = rlw_child_at(&l, i);
        if (role[i] == PART_STEP) {
            stmt_into(w, part, step);
            increment = part;
        } else if (role[i] == PART_TEST) {
            rlw_expr_into(w, part, cond);
            rlw_set_try(w, node, part, 0);
            rlw_note_loop_start(w, node, part, cond);
            test = part;
        }
    }
    if (clang_Cursor_isNull(test) && (nsemi == 2 || complete)) w->fn->nodes[node].flags |= RL_LOOP_FOREVER;
    loop_scope outer = w->loop;
    w->loop.inside = 1;
    w->loop.stmt = c;
    int up = 0;
    w->loop.counter = clang_Cursor_isNull(increment) ? clang_getNullCursor() : stepped_variable(increment, &up);
    long long start = -1;
    w->loop.span = clang_Cursor_isNull(w->loop.counter) ? -1 : counter_span(w->loop.counter, init, test, &start);
    if (w->loop.span > 0 && !w->silent) {
        /* the counter's range, for the elements a spawn in the loop hands
         * out and the rounds a semaphore lines up (RL_N_LOOP's args:
         * facts.h) */
        char span[32], from[32];
        snprintf(span, sizeof span, "%s%lld", RL_INT_CONSTANT_ARG, w->loop.span);
        snprintf(from, sizeof from, "%s%lld", RL_INT_CONSTANT_ARG, start);
        const char *vals[2] = {span, from};
        rlw_set_args(w, node, vals, 2);
    }
    if (!clang_Cursor_isNull(w->loop.counter) && runs_at_least_once(w->loop.counter, init, test))
        w->fn->nodes[node].flags |= RL_LOOP_RUNS;
    if (single_pass(w, init, test, increment)) w->fn->nodes[node].flags |= RL_LOOP_SINGLE_PASS;
    if (up && w->loop.nowned < MAX_OWNED_COUNTERS) {
        CXCursor lo = rlw_counter_start(w->loop.counter, init), hi = rlw_counter_bound(w->loop.counter, test);
        /* a pointer walking the block: `b = &t[lo]; b < &t[hi]; b++` */
        int pointer = rlw_type_is_pointer(clang_getCursorType(w->loop.counter));
        int param = pointer ? rlw_pointer_range_param(w, lo, hi) : rlw_range_param(w, lo, hi);
        int first = param < 0 && !pointer ? rlw_param_range(w, lo, hi) : -1;
        if (first >= 0 && !w->fn->nodes[node].text) {
            /* a block handed in as (lo, hi): the model trusts the counter
             * only where the caller passed a block (ctx_calls.c) */
            char text[16];
            snprintf(text, sizeof text, "P%d", first);
            w->fn->nodes[node].text = rl_intern(w->facts->pool, text);
            w->fn->nodes[node].api = rl_intern(w->facts->pool, RL_LOOP_PARAM_RANGE);
            param = first;
        }
        /* a range the thread's record holds (`for (i = a->lo; i < a->hi;
         * i++)`): its own where the record was given a block (facts.h,
         * RL_RECORD_BLOCK_START) */
        const char *members = param < 0 ? rlw_record_range(w, lo, hi, &param) : NULL;
        if (param >= 0) w->loop.owned[w->loop.nowned++] = (owned_counter){w->loop.counter, param, members};
    }
    CXCursor stride = clang_getNullCursor();
    CXCursor strided = clang_Cursor_isNull(increment) ? stride : strided_variable(increment, &stride);
    if (!clang_Cursor_isNull(strided) && w->loop.nowned < MAX_OWNED_COUNTERS) {
        int param = rlw_stride_param(w, rlw_counter_start(strided, init), stride);
        if (param >= 0) w->loop.owned[w->loop.nowned++] = (owned_counter){strided, param, NULL};
    }
    stmt_into(w, body_c, body);
    w->loop = outer;
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
        if (!is_do && rlw_null_on_loop_entry(w, c, cx)) w->fn->nodes[node].flags |= RL_LOOP_RUNS;
        rlw_expr_into(w, cx, cond);
        rlw_set_try(w, node, cx, 0);
        if (!is_do) rlw_note_loop_start(w, node, cx, cond);
        loop_scope outer = w->loop;
        /* `do { } while (0)` runs once: the loops around it stay the
         * innermost ones */
        if (!(w->fn->nodes[node].flags & RL_LOOP_ONCE)) {
            /* the `for` counters around keep their ranges: they are not
             * this loop's to change */
            w->loop.inside = 1;
            w->loop.stmt = c;
            w->loop.counter = clang_getNullCursor();
            w->loop.span = -1;
        }
        stmt_into(w, bx, body);
        w->loop = outer;
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

/* `struct args a = {i, &lock};` in a local another thread may reach:
 * a write of the whole object (every member is set, those not named to
 * zero: a thread still reading the previous round's `a` races with it),
 * and the pointers it stores. */
static void local_init_stores(walker *w, CXCursor d, CXCursor init)
{
    if (w->silent) return;
    /* an initializer list, or a struct copied whole (walk_init.c) */
    if (clang_getCursorKind(init) != CXCursor_InitListExpr &&
        clang_getCanonicalType(clang_getCursorType(d)).kind != CXType_Record)
        return;
    rl_strbuf place = RL_STRBUF_INIT;
    const char *name = rlw_intern_cx(w, clang_getCursorSpelling(d));
    rlw_var_place(w, d, name, &place);
    rlw_emit_access(w, d, rl_sb_str(&place), name, USE_WRITE, rlw_access_type_flags(clang_getCursorType(d)));
    rlw_init_member_writes(w, init, clang_getCursorType(d), rl_sb_str(&place), name, 0);
    rl_sb_free(&place);
}

/* A local given a plain read of a flag (`ok = r->done;`, emitted from
 * node first_node on): it holds the read's value, as a local holding a
 * trylock's result does, so that `if (ok)` tests the flag (flow.c decides
 * whether it was read under a lock). */
static void note_flag_copy(walker *w, local_var *v, CXCursor e, int32_t first_node)
{
    int32_t id = rlw_plain_read_at(w, e);
    if (id >= first_node) rlw_note_result_local(w, v, e, id);
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
        /* `int b[2][n];`: a variable length array reads its sizes when
         * declared (expressions before the initializer, if any) */
        if (clang_getCanonicalType(clang_getCursorType(d)).kind == CXType_VariableArray)
            for (int k = 0; k < init.len - 1; k++)
                if (clang_isExpression(clang_getCursorKind(rlw_child_at(&init, k))))
                    rlw_expr(w, rlw_child_at(&init, k), USE_READ, NULL);
        if (init.len) {
            CXCursor e = rlw_child_at(&init, init.len - 1);
            if (clang_isExpression(clang_getCursorKind(e))) {
                int32_t before = w->last_trylock, first_node = w->fn->nnodes;
                local_var *v = rlw_find_local(w, d);
                expr_out o;
                rlw_out_init(&o);
                rlw_expr(w, e, USE_READ, v && v->straight ? &o : NULL);
                local_init_stores(w, d, e);
                rlw_cleanup_declared(w, d, e);
                if (v) v->claim_handed_back = 0; /* a new claim, if any (walk_flag_claim.c) */
                if (v && v->straight && !w->in_alias) rlw_local_set_current(w, v, e, &o);
                rlw_out_free(&o);
                /* `int rc = pthread_mutex_trylock(&m);` */
                if (v && w->last_trylock != before && w->last_trylock >= 0 &&
                    clang_getCursorKind(rl_cursor_strip(e)) != CXCursor_DeclRefExpr)
                    rlw_note_result_local(w, v, e, w->last_trylock);
                else if (v)
                    note_flag_copy(w, v, e, first_node); /* `int ok = r->done;` */
            }
        }
        rlw_children_free(&init);
    }
    rlw_children_free(&l);
}

void rlw_stmt(walker *w, CXCursor c)
{
    if (++w->depth > MAX_EXPR_DEPTH) {
        w->depth--;
        return;
    }
    enum CXCursorKind k = clang_getCursorKind(c);
    child_list l;
    switch (k) {
    case CXCursor_CompoundStmt:
        w->block_depth++;
        rlw_children_of(c, &l);
        for (int i = 0; i < l.len; i++) rlw_stmt(w, rlw_child_at(&l, i));
        rlw_children_free(&l);
        rlw_block_leave(w, c);
        w->block_depth--;
        break;
    case CXCursor_IfStmt:
        stmt_if(w, c);
        break;
    case CXCursor_ForStmt:
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt:
    case CXCursor_SwitchStmt: {
        int dead_before = w->flow_dead;
        w->breakable_depth++;
        if (k == CXCursor_ForStmt) stmt_for(w, c);
        else if (k == CXCursor_SwitchStmt) stmt_switch(w, c);
        else stmt_while(w, c, k == CXCursor_DoStmt);
        w->breakable_depth--;
        /* the walk goes on after it whatever its body did last: a break
         * or return there ends no path around it */
        w->flow_dead = dead_before;
        break;
    }
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt:
        w->flow_dead = 0; /* reached from the switch */
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
        rlw_cleanup_exit(w, c, 1);
        int32_t id = rlw_emit(w, RL_N_RETURN, c);
        if (id >= 0 && rl_sb_str(&o.value)[0]) w->fn->nodes[id].text = rl_intern(w->facts->pool, rl_sb_str(&o.value));
        else if (id >= 0 && l.len && rlw_type_is_pointer(clang_getCursorType(rlw_child_at(&l, 0))) &&
                 rl_cursor_is_null_constant(rlw_child_at(&l, 0)))
            w->fn->nodes[id].text = rl_intern(w->facts->pool, ""); /* `return NULL`: no object */
        rlw_children_free(&l);
        rlw_out_free(&o);
        w->flow_dead = 1;
        break;
    }
    case CXCursor_BreakStmt:
        rlw_cleanup_exit(w, c, 0);
        rlw_emit(w, RL_N_BREAK, c);
        w->flow_dead = 1;
        break;
    case CXCursor_ContinueStmt:
        rlw_cleanup_exit(w, c, 0);
        rlw_emit(w, RL_N_CONTINUE, c);
        w->flow_dead = 1;
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
            int32_t before = w->last_trylock, first_node = w->fn->nnodes;
            rlw_expr(w, c, USE_READ, NULL);
            /* `rc = pthread_mutex_trylock(&m);` as a statement, or `ok =
             * r->done;` */
            CXCursor s = rl_cursor_strip(c);
            if (clang_getCursorKind(s) == CXCursor_BinaryOperator &&
                clang_getCursorBinaryOperatorKind(s) == CXBinaryOperator_Assign) {
                rlw_children_of(s, &l);
                CXCursor lhs = l.len ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
                CXCursor rhs = l.len > 1 ? rlw_child_at(&l, 1) : clang_getNullCursor();
                rlw_children_free(&l);
                if (clang_getCursorKind(lhs) == CXCursor_DeclRefExpr && !clang_Cursor_isNull(rhs)) {
                    CXCursor d = clang_getCursorReferenced(lhs);
                    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
                    if (v && w->last_trylock != before) rlw_note_result_local(w, v, rhs, w->last_trylock);
                    else if (v) note_flag_copy(w, v, rhs, first_node);
                }
            }
        } else {
            rlw_read_children(w, c);
        }
        break;
    }
    w->depth--;
}
