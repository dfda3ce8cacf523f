/* Tests in conditions (walker.h): what an `if` or a loop tests, recorded
 * on its node so that the model can decide the test, or know what it
 * means, without the AST.
 *
 * - value tests of a global or a parameter against a constant (`if (G ==
 *   K)`, `if (cb != NULL)`, `if (locked)`): RL_IF_VALUE_EQ / _NE, decided
 *   in a context that knows the value (model/known.h); and of a copy of
 *   a parameter (`if (id == 0)`): the instance a thread's branch runs in;
 * - order tests of two values (`if (a->id < b->id)`): RL_IF_ORDERS, for
 *   the lock-order rule;
 * - null tests of a local holding a place's value (`t = head; if (t)`):
 *   RL_IF_NONNULL_*, for ownership;
 * - a loop's test of a global the program starts with a value that
 *   fails it (`static int paused; ... while (paused) wait(...)`):
 *   RL_LOOP_START_FALSE, so that its exit is not taken for a post
 *   (model/loop_start.h).
 *
 * Invariants:
 *  1. A node records one kind of test: a value test is no order test nor
 *     a null test; what one test set first is kept.
 *  2. A test is recorded only when its condition's SEQ holds nothing but
 *     the read it tests (a parameter's read is no access: nothing). */
#include "walker.h"
#include "cursor.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The variable cursor c (stripped) reads, itself or a member of it by
 * `.` (`g.ring.used`): its DeclRefExpr, or a null cursor when c reads
 * anything else (through a pointer, a call). The operand form a value
 * test accepts (model/known.h). */
static CXCursor dotted_variable(CXCursor c)
{
    for (int depth = 0; depth < MAX_EXPR_DEPTH; depth++) {
        c = rl_cursor_strip(c);
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k == CXCursor_DeclRefExpr) return c;
        if (k != CXCursor_MemberRefExpr) break;
        child_list l;
        rlw_children_of(c, &l);
        /* `a.b`: one child, the struct; `p->b` reads through a pointer */
        int dot = l.len == 1 && clang_getCursorType(rl_cursor_strip(rlw_child_at(&l, 0))).kind != CXType_Pointer;
        CXCursor base = dot ? rlw_child_at(&l, 0) : c;
        rlw_children_free(&l);
        if (!dot) break;
        c = base;
    }
    return clang_getNullCursor();
}

static int plain_variable_read(CXCursor c)
{
    return !clang_Cursor_isNull(dotted_variable(c));
}

/* Records on IF node `node` a value test of `text` (a global's place, or
 * one of facts.h's parameter names) against k: the condition holds
 * exactly when text == k (eq) or text != k (!eq). */
static void mark_value_test(walker *w, int32_t node, const char *text, int eq, long long k)
{
    char value[32];
    snprintf(value, sizeof value, "%lld", k);
    rl_node *n = &w->fn->nodes[node];
    n->text = rl_intern(w->facts->pool, text);
    n->display = rl_intern(w->facts->pool, value);
    n->flags |= eq ? RL_IF_VALUE_EQ : RL_IF_VALUE_NE;
}

/* `if (cb)`, `if (cb != NULL)`, `if (!cb)` with cb a pointer parameter
 * the function never assigns nor takes the address of: the IF records a
 * test of "P<n>" against 0, so that a call passing NULL for a callback
 * (facts.h, "fn:") decides it in the callee (model/known.h: libuv's
 * `uv_fs_open(NULL, &req, ..., NULL)` from a worker runs the synchronous
 * branch only). So for an integer parameter tested against any constant
 * k (`if (locked)`, `if (mode == 2)`), decided by a call passing a
 * constant (facts.h, "#="): curl's `thrdq_unlink(q, FALSE, ...)` does
 * not run its `if (locked) unlock(&q->lock)`. The condition's SEQ must
 * hold nothing: reading a parameter is no access. */
static int note_param_test(walker *w, int32_t node, CXCursor operand, int eq, long long k, int32_t cond_seq)
{
    CXCursor ref = rl_cursor_strip(operand);
    if (clang_getCursorKind(ref) != CXCursor_DeclRefExpr) return 0;
    CXCursor decl = clang_getCursorReferenced(ref);
    CXType type = clang_getCursorType(decl);
    if (clang_getCursorKind(decl) != CXCursor_ParmDecl) return 0;
    if (!(rlw_type_is_pointer(type) && k == 0) && !rlw_type_is_integer(type)) return 0;
    local_var *v = rlw_find_local(w, decl);
    if (!v || v->param_index < 0 || v->exposed || v->addr_of_ptr || v->modified || v->nassigns) return 0;
    for (int32_t i = cond_seq + 1; i <= w->fn->nodes[cond_seq].end; i++)
        if (w->fn->nodes[i].kind != RL_N_SEQ) return 0;
    char param[32];
    snprintf(param, sizeof param, "P%d", v->param_index);
    mark_value_test(w, node, param, eq, k);
    return 1;
}

/* `if (c->conn)`, `if (!c->conn)`, `if (c->conn == NULL)`: a null test of
 * a pointer member read straight through a pointer parameter ("P<n>*.f",
 * the condition's one access): the IF records a value test of that
 * place against 0 (facts format 41), decided by the model in a context
 * whose parameter is an object every store leaves that member null in
 * (model/member_tests.h: a placeholder `client_create(NULL)`, freed by a
 * destructor that only touches shared state for a real connection). */
static const rl_node *only_plain_read(const walker *w, int32_t cond_seq);

static int note_member_test(walker *w, int32_t node, CXCursor operand, int eq, long long k, int32_t cond_seq)
{
    CXCursor m = rl_cursor_strip(operand);
    if (k != 0 || clang_getCursorKind(m) != CXCursor_MemberRefExpr || !rlw_type_is_pointer(clang_getCursorType(m)))
        return 0;
    const rl_node *read = only_plain_read(w, cond_seq);
    if (!read || !rl_text_is_member_test(read->text)) return 0;
    mark_value_test(w, node, read->text, eq, 0);
    return 1;
}

/* `if (c->flags & M)`, `if (!(c->flags & M))`, `if ((c->flags & M) ==
 * 0)`: a test of an integer member's bits under a constant mask, read
 * straight through a pointer parameter (the condition's one access):
 * the IF records a value test of "P<n>*.f" whose display is the mask
 * (RL_IF_MASK_TEST, facts format 70), decided by the model in a context
 * whose parameter is an object no store sets those bits in (model/
 * member_tests.h: redis's scripting client, whose flags never hold
 * CLIENT_SLAVE, freed by a destructor that touches the replicas' list
 * only for a replica). */
static int note_member_mask_test(walker *w, int32_t node, CXCursor operand, int eq, long long k, int32_t cond_seq)
{
    CXCursor a = rl_cursor_strip(operand);
    if (k != 0 || clang_getCursorKind(a) != CXCursor_BinaryOperator ||
        clang_getCursorBinaryOperatorKind(a) != CXBinaryOperator_And)
        return 0;
    child_list l;
    rlw_children_of(a, &l);
    long long mask = 0;
    CXCursor member = clang_getNullCursor();
    if (l.len == 2 && rlw_const_int(rlw_child_at(&l, 1), &mask)) member = rl_cursor_strip(rlw_child_at(&l, 0));
    else if (l.len == 2 && rlw_const_int(rlw_child_at(&l, 0), &mask)) member = rl_cursor_strip(rlw_child_at(&l, 1));
    rlw_children_free(&l);
    if (clang_Cursor_isNull(member) || clang_getCursorKind(member) != CXCursor_MemberRefExpr ||
        !rlw_type_is_integer(clang_getCursorType(member)) || mask == 0)
        return 0;
    const rl_node *read = only_plain_read(w, cond_seq);
    if (!read || !rl_text_is_member_test(read->text)) return 0;
    char display[32];
    snprintf(display, sizeof display, "%s%lld", RL_IF_MASK_TEST, mask);
    rl_node *n = &w->fn->nodes[node];
    n->text = read->text;
    n->display = rl_intern(w->facts->pool, display);
    n->flags |= eq ? RL_IF_VALUE_EQ : RL_IF_VALUE_NE;
    return 1;
}

/* `if (id == K)` with id a copy of a parameter (`int id = (intptr_t)arg`)
 * or a value read through it (`a->id`), of integer type: the IF records
 * a test of "#P<n>" against K (facts.h), the value a thread's instance
 * was started with, when the thread's starts give each instance its own
 * (model/known.h, "instances"): the branch where it equals K runs in
 * that one instance only. The condition's SEQ may hold reads only (the
 * read through the parameter). */
static int note_instance_test(walker *w, int32_t node, CXCursor operand, int eq, long long k, int32_t cond_seq)
{
    if (!rlw_type_is_integer(clang_getCursorType(rl_cursor_strip(operand)))) return 0;
    int param = rlw_param_copy(w, operand);
    if (param < 0) return 0;
    for (int32_t i = cond_seq + 1; i <= w->fn->nodes[cond_seq].end; i++) {
        const rl_node *n = &w->fn->nodes[i];
        if (n->kind != RL_N_SEQ && (n->kind != RL_N_ACCESS || (n->flags & (RL_ACC_WRITE | RL_ACC_ATOMIC)))) return 0;
    }
    char text[32];
    snprintf(text, sizeof text, "%s%d", RL_INSTANCE_TEST, param);
    mark_value_test(w, node, text, eq, k);
    return 1;
}

/* The barrier a call waits at, when c (stripped) is a call of a function
 * the API models call a barrier wait, or a local assigned once from one
 * (`int rc = pthread_barrier_wait(&b);`): its place, when it is a global
 * (a barrier handed in may be another group's); else NULL. */
static const char *global_barrier_waited(walker *w, CXCursor c)
{
    c = rl_cursor_strip(c);
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
        local_var *v = rlw_find_local(w, clang_getCursorReferenced(c));
        if (!v || v->param_index >= 0 || v->exposed || v->modified || v->nassigns != 1) return NULL;
        c = rl_cursor_strip(v->assigns[0]);
    }
    if (clang_getCursorKind(c) != CXCursor_CallExpr) return NULL;
    CXCursor callee = clang_getCursorReferenced(c);
    if (clang_getCursorKind(callee) != CXCursor_FunctionDecl) return NULL;
    const rl_api_fn *api = rlw_lookup_api(w, rlw_intern_cx(w, clang_getCursorSpelling(callee)));
    if (!api || api->kind != RL_API_BARRIER || api->handle < 0 || api->handle >= clang_Cursor_getNumArguments(c))
        return NULL;
    expr_out o;
    rlw_out_init(&o);
    rlw_expr_silent(w, rlw_call_arg(c, api->handle), &o);
    const char *v = rl_sb_str(&o.value);
    const char *r = strncmp(v, "&G:", 3) == 0 && !strpbrk(v + 3, "*[") ? rl_intern(w->facts->pool, v + 1) : NULL;
    rlw_out_free(&o);
    return r;
}

/* `if (pthread_barrier_wait(&b) == PTHREAD_BARRIER_SERIAL_THREAD)`, or the
 * same test of a local holding the wait's result: the branch where the
 * wait returned its one nonzero value runs in one thread a round, the
 * one the barrier picked (model/known.h, "serial threads"). The IF
 * records a value test of RL_SERIAL_TEST and the barrier's place
 * ("#serial:G:bar") against 1 (the then branch of
 * `== K`, K nonzero, or of `!= 0`). Only for a global barrier: one
 * handed in may be each group's own, and two groups' picks run side by
 * side. */
static int note_serial_test(walker *w, int32_t node, CXCursor operand, int eq, long long k)
{
    const char *barrier = (eq && k == 0) || (!eq && k != 0) ? NULL : global_barrier_waited(w, operand);
    if (!barrier) return 0;
    rl_strbuf text = RL_STRBUF_INIT;
    rl_sb_printf(&text, "%s%s", RL_SERIAL_TEST, barrier);
    mark_value_test(w, node, rl_sb_str(&text), 1, 1);
    rl_sb_free(&text);
    return 1;
}

/* The one event of a condition's SEQ when it is a plain read of a global
 * (not atomic, not volatile) whose place has none of the characters in
 * `refused` (a pointer followed, an element, ...); NULL otherwise. */
static const rl_node *only_global_read(const walker *w, int32_t cond_seq, const char *refused)
{
    const rl_node *read = only_plain_read(w, cond_seq);
    if (!read || strncmp(read->text, "G:", 2) != 0 || strpbrk(read->text, refused)) return NULL;
    return read;
}

/* The one node of a condition's SEQ, when it is a plain read (no write,
 * not atomic, not volatile) with a place; else NULL. */
/* The one node under seq other than SEQs, followed by the tree's links:
 * a short-circuit IF's branch SEQ is made before the nodes of the SEQ
 * beside it, so the indices up to its end are not all its own. NULL when
 * there are none, or more than one. */
static const rl_node *only_node_under(const rl_function *f, int32_t seq)
{
    const rl_node *one = NULL;
    for (int32_t c = f->nodes[seq].first_child; c >= 0; c = f->nodes[c].next_sibling) {
        const rl_node *n = &f->nodes[c];
        const rl_node *inner = n->kind == RL_N_SEQ ? only_node_under(f, c) : n;
        if (n->kind == RL_N_SEQ && n->first_child < 0) continue; /* an empty SEQ */
        if (!inner || one || (n->kind != RL_N_SEQ && n->first_child >= 0)) return NULL;
        one = inner;
    }
    return one;
}

static const rl_node *only_plain_read(const walker *w, int32_t cond_seq)
{
    const rl_node *read = only_node_under(w->fn, cond_seq);
    if (!read || read->kind != RL_N_ACCESS || !read->text ||
        (read->flags & (RL_ACC_WRITE | RL_ACC_ATOMIC | RL_ACC_VOLATILE)))
        return NULL;
    return read;
}

/* Whether `g OP k` holds. */
static int compare_holds(enum CXBinaryOperatorKind op, long long g, long long k)
{
    switch (op) {
    case CXBinaryOperator_EQ: return g == k;
    case CXBinaryOperator_NE: return g != k;
    case CXBinaryOperator_LT: return g < k;
    case CXBinaryOperator_LE: return g <= k;
    case CXBinaryOperator_GT: return g > k;
    case CXBinaryOperator_GE: return g >= k;
    default: return 1;
    }
}

/* `K OP G` read as `G OP' K`. */
static enum CXBinaryOperatorKind mirrored(enum CXBinaryOperatorKind op)
{
    switch (op) {
    case CXBinaryOperator_LT: return CXBinaryOperator_GT;
    case CXBinaryOperator_LE: return CXBinaryOperator_GE;
    case CXBinaryOperator_GT: return CXBinaryOperator_LT;
    case CXBinaryOperator_GE: return CXBinaryOperator_LE;
    default: return op;
    }
}

/* A comparison of one operand with a constant: `!X` (X == 0), `X OP K`
 * or `K OP X` (read as `X OP' K`), or anything else as a bare `X` (X !=
 * 0). OP is == or !=, or any comparison when `orders`; K an integer
 * constant, or, when not `orders`, a null pointer constant (0). The
 * operand is not stripped. */
static int split_comparison(CXCursor c, int orders, CXCursor *operand, enum CXBinaryOperatorKind *op, long long *k)
{
    *operand = c;
    *op = CXBinaryOperator_NE;
    *k = 0;
    child_list l;
    rlw_children_of(c, &l);
    enum CXCursorKind kind = clang_getCursorKind(c);
    int shape = 1;
    if (kind == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot && l.len == 1) {
        *operand = rlw_child_at(&l, 0);
        *op = CXBinaryOperator_EQ;
    } else if (kind == CXCursor_BinaryOperator && l.len == 2) {
        enum CXBinaryOperatorKind b = clang_getCursorBinaryOperatorKind(c);
        CXCursor x = rlw_child_at(&l, 0), y = rlw_child_at(&l, 1);
        *op = b;
        if (b < CXBinaryOperator_LT || b > CXBinaryOperator_NE ||
            (!orders && b != CXBinaryOperator_EQ && b != CXBinaryOperator_NE))
            shape = 0;
        else if (rlw_const_int(y, k) || (!orders && rl_cursor_is_null_constant(y))) *operand = x;
        else if (rlw_const_int(x, k) || (!orders && rl_cursor_is_null_constant(x))) {
            *operand = y;
            *op = mirrored(b);
        } else shape = 0;
    }
    rlw_children_free(&l);
    return shape;
}

/* The pointer variable a null test reads (`t`, `t != NULL`, `!t`, `t ==
 * NULL`), and in *nonnull whether the test holds when it is not null; a
 * null cursor when a is no such test. */
static CXCursor null_tested_variable(CXCursor a, int *nonnull)
{
    CXCursor operand;
    enum CXBinaryOperatorKind op;
    long long k;
    if (!split_comparison(rl_cursor_strip(a), 0, &operand, &op, &k) || k != 0) return clang_getNullCursor();
    operand = rl_cursor_strip(operand);
    if (clang_getCursorKind(operand) != CXCursor_DeclRefExpr || !rlw_type_is_pointer(clang_getCursorType(operand)))
        return clang_getNullCursor();
    *nonnull = op == CXBinaryOperator_NE;
    return clang_getCursorReferenced(operand);
}

/* Whether value reads a member straight through variable var (`var->m`). */
static int reads_through(CXCursor value, CXCursor var)
{
    CXCursor m = rl_cursor_strip(value);
    if (clang_getCursorKind(m) != CXCursor_MemberRefExpr) return 0;
    child_list l;
    rlw_children_of(m, &l);
    CXCursor base = l.len == 1 ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
    rlw_children_free(&l);
    return clang_getCursorKind(base) == CXCursor_DeclRefExpr &&
           clang_equalCursors(clang_getCursorReferenced(base), var);
}

/* `if (t != NULL && t->index != K)`, `if (t == NULL || t->index != K)`:
 * an instance test through t (note_instance_test) behind a null test of
 * t that lets it decide (redis-benchmark's showThroughput returns early
 * on every thread but the first, and is also a timer of a program
 * without threads, which passes NULL). Where t is not null the condition
 * is the instance test itself, and only a thread's instance, started
 * with its own record, knows its value: IF `node` records the instance
 * test of b, both ways, as a plain `if (t->index != K)` would. Where t is
 * null (another caller) no instance value is known and the test decides
 * nothing. The short-circuit IF `inner` evaluates b in its then branch
 * (&&) or its else branch (||), which must hold reads only. Whether it
 * was such a test. */
static int note_guarded_instance_test(walker *w, int32_t node, enum CXBinaryOperatorKind op, CXCursor a, CXCursor b,
                                      int32_t inner)
{
    int nonnull = 0;
    CXCursor var = null_tested_variable(a, &nonnull);
    if (clang_Cursor_isNull(var) || nonnull != (op == CXBinaryOperator_LAnd)) return 0;
    CXCursor operand;
    enum CXBinaryOperatorKind cmp;
    long long k;
    if (!split_comparison(rl_cursor_strip(b), 0, &operand, &cmp, &k) || rlw_is_constant(operand) ||
        !reads_through(operand, var))
        return 0;
    int32_t branch = rl_fn_child(w->fn, inner, op == CXBinaryOperator_LAnd ? 1 : 2);
    if (branch < 0 || w->fn->nodes[branch].kind != RL_N_SEQ) return 0;
    return note_instance_test(w, node, operand, cmp == CXBinaryOperator_EQ, k, branch);
}

/* `if (A && B)` with B a test of a member read through a parameter, its
 * bits or its nullness (`if (server.master && c->flags & CLIENT_MASTER)`
 * in redis's freeClient): the then branch runs only where B holds too,
 * so IF `node` records B's test as the `&&`'s part (RL_IF_PART_AND) when
 * A gave it no member test of its own: a member test is decided per
 * object (model/member_tests.h), which the scripting engine's client
 * needs, where A's test of a global only says what the branch may
 * assume. B is evaluated in the then branch of the short-circuit IF
 * `inner`, whose SEQ must hold B's one read. */
static void note_right_member_test(walker *w, int32_t node, CXCursor right, int32_t inner)
{
    int32_t right_seq = rl_fn_child(w->fn, inner, 1);
    rl_node *n = &w->fn->nodes[node];
    if (right_seq < 0 || w->fn->nodes[right_seq].kind != RL_N_SEQ || (n->text && rl_text_is_member_test(n->text)))
        return;
    rl_node saved = *n;
    n->flags &= (uint8_t)~(RL_IF_VALUE_EQ | RL_IF_VALUE_NE);
    CXCursor operand;
    enum CXBinaryOperatorKind cmp;
    long long k;
    int noted = note_member_mask_test(w, node, right, 0, 0, right_seq);
    if (!noted && split_comparison(rl_cursor_strip(right), 0, &operand, &cmp, &k) && !rlw_is_constant(operand)) {
        int eq = cmp == CXBinaryOperator_EQ;
        noted = note_member_mask_test(w, node, operand, eq, k, right_seq) ||
                note_member_test(w, node, operand, eq, k, right_seq);
    }
    n = &w->fn->nodes[node];
    if (noted) n->api = rl_intern(w->facts->pool, RL_IF_PART_AND);
    else *n = saved;
}

/* `if (A && B)`, `if (A || B)` (c stripped): the short-circuit IF the
 * walk made of the condition (walk_expr.c, the one node of the
 * condition's SEQ: A in its condition, B in its then or else branch)
 * tests A exactly, as an `if (A)` would; IF `node` gets that test one
 * way, its api saying which (facts.h, RL_IF_PART_AND: a then branch runs
 * only where A held; RL_IF_PART_OR: an else branch only where A failed).
 * redis's freeClient calls `pubsubUnsubscribeAllPatterns(c, 0)`, whose
 * `if (notify && count == 0) addReply...(c)` then never runs. A chain
 * `A && B && C` is `(A && B) && C`: the test of A passes up through the
 * operators of one kind. Returns whether c was such an operator. */
static int note_operand_test(walker *w, int32_t node, CXCursor c, int32_t cond_seq)
{
    if (clang_getCursorKind(c) != CXCursor_BinaryOperator) return 0;
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
    if (op != CXBinaryOperator_LAnd && op != CXBinaryOperator_LOr) return 0;
    int32_t inner = rl_fn_child(w->fn, cond_seq, 0);
    if (inner < 0 || w->fn->nodes[inner].kind != RL_N_IF || rl_fn_child(w->fn, cond_seq, 1) >= 0) return 1;
    child_list l;
    rlw_children_of(c, &l);
    int guarded = l.len == 2 && note_guarded_instance_test(w, node, op, rlw_child_at(&l, 0), rlw_child_at(&l, 1), inner);
    if (l.len == 2 && !guarded) rlw_note_value_test(w, inner, rlw_child_at(&l, 0), rl_fn_child(w->fn, inner, 0));
    CXCursor right = l.len == 2 ? rlw_child_at(&l, 1) : clang_getNullCursor();
    rlw_children_free(&l);
    if (guarded) return 1;
    const char *part = op == CXBinaryOperator_LAnd ? RL_IF_PART_AND : RL_IF_PART_OR;
    const rl_node *in = &w->fn->nodes[inner];
    uint8_t test = in->flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE);
    if (test && !(in->api && strcmp(in->api, part) != 0)) {
        rl_node *n = &w->fn->nodes[node];
        n->text = in->text;
        n->display = in->display;
        n->flags |= test;
        n->api = rl_intern(w->facts->pool, part);
    }
    if (op == CXBinaryOperator_LAnd && !clang_Cursor_isNull(right)) note_right_member_test(w, node, right, inner);
    return 1;
}

/* `if (G == K)`, `if (G != K)`, `if (G)`, `if (!G)` with G a global
 * scalar read plainly: the IF records what it tests (RL_IF_VALUE_EQ /
 * RL_IF_VALUE_NE, facts.h), so that a callee testing G again under the
 * branch is decided (model/known.h). The condition's SEQ must hold that
 * one read and nothing else; an atomic or volatile G is left alone (its
 * value may change between two tests without a race). */
void rlw_note_value_test(walker *w, int32_t node, CXCursor cond, int32_t cond_seq)
{
    CXCursor operand;
    enum CXBinaryOperatorKind op;
    long long k;
    if (note_operand_test(w, node, rl_cursor_strip(cond), cond_seq)) return;
    /* `if (c->flags & M)`: the condition holds when the masked bits are not 0 */
    if (note_member_mask_test(w, node, cond, 0, 0, cond_seq)) return;
    if (!split_comparison(rl_cursor_strip(cond), 0, &operand, &op, &k)) return;
    if (rlw_is_constant(operand)) return;
    int eq = op == CXBinaryOperator_EQ; /* the condition holds exactly when G == K (1) or G != K (0) */
    if (note_param_test(w, node, operand, eq, k, cond_seq) || note_member_mask_test(w, node, operand, eq, k, cond_seq) ||
        note_instance_test(w, node, operand, eq, k, cond_seq) ||
        note_member_test(w, node, operand, eq, k, cond_seq) || note_serial_test(w, node, operand, eq, k))
        return;
    if (!plain_variable_read(operand)) return;
    const rl_node *read = only_global_read(w, cond_seq, "*[^~");
    if (read) mark_value_test(w, node, read->text, eq, k);
}

/* The root of a value or place ("P0" of "P0*.id", of "&P0*.lock"): what
 * an order test and a lock name must share; NULL when there is none. */
static const char *value_root(walker *w, const char *v)
{
    if (v[0] == '&') v++;
    size_t n = strcspn(v, "*.[");
    if (n == 0 || (v[0] != 'P' && strncmp(v, "L:", 2) != 0 && strncmp(v, "G:", 2) != 0)) return NULL;
    return rl_intern_n(w->facts->pool, v, n);
}

/* The root of an operand of an order test: of its value when it is a
 * pointer (`x`), else of the place it reads (`x->id`). */
static const char *operand_root(walker *w, CXCursor operand)
{
    expr_out o;
    rlw_out_init(&o);
    rlw_expr_silent(w, operand, &o);
    const char *v = rl_sb_str(&o.value)[0] ? rl_sb_str(&o.value) : rl_sb_str(&o.place);
    const char *root = v[0] ? value_root(w, v) : NULL;
    rlw_out_free(&o);
    return root;
}

/* What an IF records for an operand of an order test whose root is not
 * known (an integer local): the test still says the code orders values,
 * but names no lock's root. */
#define UNKNOWN_ROOT "?"

/* `if (x < y)`, `if (a->id > b->id)`, `a < b ? a : b`: an order test of
 * two values; the IF records their roots (RL_IF_ORDERS; UNKNOWN_ROOT where
 * there is none), so that locks taken in the order it decides form no
 * lock-order edge between them, and two elements of one lock array taken
 * after such a test are not a dining philosophers' circle
 * (rules/lock_order.c). */
void rlw_note_order_test(walker *w, int32_t node, CXCursor cond)
{
    if (node < 0 || (w->fn->nodes[node].flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE))) return;
    CXCursor c = rl_cursor_strip(cond);
    if (clang_getCursorKind(c) != CXCursor_BinaryOperator) return;
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
    if (op != CXBinaryOperator_LT && op != CXBinaryOperator_GT && op != CXBinaryOperator_LE &&
        op != CXBinaryOperator_GE)
        return;
    child_list l;
    rlw_children_of(c, &l);
    int constant = 0;
    long long k;
    for (int i = 0; i < l.len; i++) constant |= rlw_const_int(rlw_child_at(&l, i), &k);
    const char *a = l.len == 2 ? operand_root(w, rlw_child_at(&l, 0)) : NULL;
    const char *b = l.len == 2 ? operand_root(w, rlw_child_at(&l, 1)) : NULL;
    rlw_children_free(&l);
    if (l.len != 2 || constant) return;
    /* two values of one object (`p->left < p->right ? p->left :
     * p->right`, a philosopher's lower fork): indices, ordered, of no
     * lock's root */
    if (a && a == b) a = b = NULL;
    if (!a) a = rl_intern(w->facts->pool, UNKNOWN_ROOT);
    if (!b) b = rl_intern(w->facts->pool, UNKNOWN_ROOT);
    rl_node *n = &w->fn->nodes[node];
    n->text = a;
    n->display = b;
    n->flags |= RL_IF_ORDERS;
}

/* `if (t)`, `if (!t)`, `if (t != NULL)`, `if (t == NULL)` with t a local
 * pointer holding the value read from a place (`t = head`; followed in
 * program order, or its one value wherever it is assigned): the IF records the place and which branch runs when
 * t is not null (RL_IF_NONNULL_*), so that an unlink under `if (t)` is
 * known to have run wherever the code dereferences t
 * (model/ownership.c). */
void rlw_note_null_test(walker *w, int32_t node, CXCursor cond)
{
    rl_node *n = node >= 0 ? &w->fn->nodes[node] : NULL;
    if (!n || (n->flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE | RL_IF_ORDERS)) || n->text) return;
    CXCursor c = rl_cursor_strip(cond);
    int nonnull_then = 1;
    child_list l;
    rlw_children_of(c, &l);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot && l.len == 1) {
        c = rl_cursor_strip(rlw_child_at(&l, 0));
        nonnull_then = 0;
    } else if (k == CXCursor_BinaryOperator && l.len == 2) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
        CXCursor a = rlw_child_at(&l, 0), b = rlw_child_at(&l, 1);
        if ((op == CXBinaryOperator_EQ || op == CXBinaryOperator_NE) && rl_cursor_is_null_constant(b)) c = rl_cursor_strip(a);
        else if ((op == CXBinaryOperator_EQ || op == CXBinaryOperator_NE) && rl_cursor_is_null_constant(a)) c = rl_cursor_strip(b);
        else c = clang_getNullCursor();
        nonnull_then = op == CXBinaryOperator_NE;
    }
    rlw_children_free(&l);
    if (clang_Cursor_isNull(c) || clang_getCursorKind(c) != CXCursor_DeclRefExpr ||
        !rlw_type_is_pointer(clang_getCursorType(c)))
        return;
    CXCursor d = clang_getCursorReferenced(c);
    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    const char *value = !v ? NULL : v->straight ? v->current : rlw_local_alias(w, v, 0);
    if (!value || !value[0] || value[0] == '&' || value[0] == '%' || value[0] == '@') return;
    n = &w->fn->nodes[node]; /* rlw_local_alias may have added nodes */
    n->text = value;
    n->flags |= nonnull_then ? RL_IF_NONNULL_THEN : RL_IF_NONNULL_ELSE;
}

/* The value a global scalar holds when the program starts, when this
 * unit says: its definition's constant initializer, or 0 for a
 * definition without one (C11 6.7.9p10). 0 (unknown) for an extern
 * declaration, whose definition is elsewhere, and for an initializer
 * that is no integer constant. An _Atomic scalar's is its value's. */
/* The definition of the variable ref refers to, when it has static
 * storage and this unit defines it (a tentative definition, `static
 * struct s g;`, may be its own); a null cursor otherwise (an extern
 * declaration, a local). */
static CXCursor static_definition(CXCursor ref)
{
    CXCursor none = clang_getNullCursor(), decl = clang_getCursorReferenced(ref);
    if (clang_getCursorKind(decl) != CXCursor_VarDecl) return none;
    CXCursor def = clang_getCursorDefinition(decl);
    if (!clang_Cursor_isNull(def) && clang_getCursorKind(def) == CXCursor_VarDecl) decl = def;
    enum CX_StorageClass storage = clang_Cursor_getStorageClass(decl);
    int file_scope = clang_getCursorKind(clang_getCursorSemanticParent(decl)) == CXCursor_TranslationUnit;
    return storage == CX_SC_Extern || (!file_scope && storage != CX_SC_Static) ? none : decl;
}

/* A variable definition's initializer, its one expression child; a null
 * cursor when it has none. */
static CXCursor initializer_of(CXCursor def)
{
    child_list l;
    rlw_children_of(def, &l);
    CXCursor init = clang_getNullCursor();
    for (int i = 0; i < l.len; i++)
        if (clang_isExpression(clang_getCursorKind(rlw_child_at(&l, i)))) init = rlw_child_at(&l, i);
    rlw_children_free(&l);
    return init;
}

int rlw_initial_value(CXCursor ref, long long *value)
{
    CXCursor def = static_definition(ref);
    if (clang_Cursor_isNull(def)) return 0;
    CXType type = clang_getCanonicalType(clang_getCursorType(def));
    if (type.kind == CXType_Atomic) type = clang_getCanonicalType(clang_Type_getValueType(type));
    if (!rlw_type_is_integer(type)) return 0;
    CXCursor init = initializer_of(def);
    if (!clang_Cursor_isNull(init)) return rlw_const_int(init, value);
    *value = 0;
    return 1;
}

/* The value a member of a global struct read by `.` (`stats.count`,
 * `g.ring.used`) holds when the program starts, when this unit says: 0
 * for a struct defined without an initializer (C11 6.7.9p10: static
 * storage starts zeroed); unknown for one with an initializer, whose
 * members this does not read, and for a member that is no integer. */
static int member_initial_value(CXCursor member, long long *value)
{
    if (!rlw_type_is_integer(clang_getCanonicalType(clang_getCursorType(member)))) return 0;
    CXCursor root = dotted_variable(member);
    CXCursor def = clang_Cursor_isNull(root) ? root : static_definition(root);
    if (clang_Cursor_isNull(def) || !clang_Cursor_isNull(initializer_of(def))) return 0;
    *value = 0;
    return 1;
}

/* `while (G)`, `while (!G)`, `while (G OP K)` (OP a comparison, either
 * side) with G a plain global scalar, or a member of a global struct by
 * `.` (member_initial_value), whose starting value fails the test:
 * the LOOP records G (RL_LOOP_START_FALSE). A wait inside such a loop
 * may never run: a thread reaching it before anyone changed G passes
 * without waiting, so the loop's exit says nothing of a post
 * (model/loop_start.h decides whether G may still hold that value
 * there). A `do` loop runs its body first and is not marked. */
void rlw_note_loop_start(walker *w, int32_t node, CXCursor cond, int32_t cond_seq)
{
    CXCursor operand;
    enum CXBinaryOperatorKind op;
    long long k, start;
    if (!split_comparison(rl_cursor_strip(cond), 1, &operand, &op, &k)) return;
    operand = rl_cursor_strip(operand);
    int member = clang_getCursorKind(operand) == CXCursor_MemberRefExpr;
    if (member ? !member_initial_value(operand, &start)
               : clang_getCursorKind(operand) != CXCursor_DeclRefExpr || rlw_is_constant(operand) ||
                     !rlw_initial_value(operand, &start))
        return;
    if (compare_holds(op, start, k)) return;
    const rl_node *read = only_global_read(w, cond_seq, member ? "*[^~" : "*[^~.");
    if (!read) return;
    rl_node *n = &w->fn->nodes[node];
    n->text = read->text;
    n->flags |= RL_LOOP_START_FALSE;
    if (w->ngates < RL_MAX_LOOP_GATES) w->gates[w->ngates++] = (loop_gate){node, read->text, (int)op, k};
}

/* `safe_done = 0;` after `while (!safe_done) wait(...)`: a handshake
 * whose gate starts open (the other side counts as done before it ever
 * ran) and which the waiter closes itself once through. Its first pass
 * may not wait, but nothing the other side posts after has happened
 * yet; every later pass waits. Such a loop is left unmarked (its exit a
 * wait, as any other). A store that only moves G (`n++`) closes nothing
 * for certain. */
void rlw_note_gate_store(walker *w, int32_t id, CXCursor value)
{
    long long v;
    const rl_node *store = &w->fn->nodes[id];
    if (w->ngates == 0 || !store->text || !rlw_const_int(rl_cursor_strip(value), &v)) return;
    for (int g = 0; g < w->ngates; g++) {
        rl_node *loop = &w->fn->nodes[w->gates[g].node];
        if (id <= loop->end || strcmp(store->text, w->gates[g].global) != 0 ||
            !compare_holds((enum CXBinaryOperatorKind)w->gates[g].op, v, w->gates[g].k))
            continue;
        loop->flags &= (uint8_t)~RL_LOOP_START_FALSE;
        loop->text = NULL;
    }
}

