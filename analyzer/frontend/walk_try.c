/* Conditions on outcomes, in the event walker (walker.h): which branch of
 * an `if` or a loop's test means that a trylock succeeded, that a thread
 * start succeeded, that a fallible wait waited, that a spin on an atomic
 * saw the value it waits for, or that a decrement left the last reference
 * (walk_last_ref.c); the IF or LOOP node gets the node of that operation
 * (`aux`) and the branch (RL_TRY_ON_TRUE, RL_TRY_ON_FALSE).
 *
 * Invariants:
 *  1. A condition is read as written: `==`, `!=`, `!`, comparisons with
 *     constants, `&&` and `||` (a start on either side of them), a local
 *     holding an operation's result; anything else marks no branch, so
 *     that the model assumes the operation may have failed.
 *  2. Only nodes the walker already emitted within the condition's extent
 *     are read; nothing here emits a node. */
#include "walker.h"
#include <string.h>

/* Which outcome of `cond` implies that a trylock succeeded: RL_TRY_ON_TRUE,
 * RL_TRY_ON_FALSE or 0. *node receives the TRYLOCK node involved. Handles
 * `trylock(..) == 0`, `!trylock(..)`, `rc` holding a trylock's result,
 * comparisons with constants, && and ||. A thread start's result is
 * tested the same way (its SPAWN node: which outcome means the thread
 * started), as both return zero on success unless their model says
 * otherwise. */
static int try_polarity(walker *w, CXCursor cond, int32_t *node, int depth);

static int flip(int p)
{
    return p == RL_TRY_ON_TRUE ? RL_TRY_ON_FALSE : p == RL_TRY_ON_FALSE ? RL_TRY_ON_TRUE : 0;
}

/* Whether location x lies from a to b (one file: a call's extent). */
static int loc_within(rl_loc x, rl_loc a, rl_loc b)
{
    int after_a = x.line > a.line || (x.line == a.line && x.col >= a.col);
    int before_b = x.line < b.line || (x.line == b.line && x.col <= b.col);
    return after_a && before_b;
}

/* Where cursor c starts and ends (its expansion). */
static void extent_of(walker *w, CXCursor c, rl_loc *from, rl_loc *to)
{
    *from = *to = rlw_loc_of(w, c);
    clang_getExpansionLocation(clang_getRangeEnd(clang_getCursorExtent(c)), NULL, &to->line, &to->col, NULL);
}

/* How far back trylock_node_at and rlw_plain_read_at look for the events
 * of a condition they were just handed: those are among the last emitted
 * (a scan of the whole body for each condition made large functions
 * quadratic); an expression emitting more gets no outcome. */
#define MAX_CONDITION_NODES 512

/* A call of a wait that says whether it waited (sem_trywait). */
static int fallible_wait(walker *w, const rl_node *n)
{
    const rl_api_fn *api = n->callee && n->display ? rlw_lookup_api(w, n->display) : NULL;
    return api && api->kind == RL_API_WAIT && api->can_fail;
}

/* The TRYLOCK node emitted for a trylock call at the cursor's position,
 * or the CALL node of a wait that may fail there (sem_trywait),
 * or the SPAWN node of a thread start there (not a callback handed on),
 * or the load that acquires of an atomic operation's object within the
 * call (`atomic_load_explicit(&ready, memory_order_acquire)`: the access
 * is where its object is written, inside the call). */
static int32_t trylock_node_at(walker *w, CXCursor call)
{
    rl_loc loc, end;
    extent_of(w, call, &loc, &end);
    int32_t load = -1;
    for (int32_t i = w->fn->nnodes - 1; i >= 0 && i >= w->fn->nnodes - MAX_CONDITION_NODES; i--) {
        const rl_node *n = &w->fn->nodes[i];
        int here = n->loc.line == loc.line && n->loc.col == loc.col;
        int outcome = n->kind == RL_N_TRYLOCK || (n->kind == RL_N_SPAWN && !(n->flags & RL_SPAWN_CALLBACK)) ||
                      (here && n->kind == RL_N_CALL && fallible_wait(w, n));
        if (outcome && here) return i;
        if (load < 0 && rl_node_is_atomic_load(n) && loc_within(n->loc, loc, end)) load = i;
    }
    return load;
}

static int base_polarity(walker *w, int32_t id)
{
    /* an atomic load: "success" is a nonzero value, which some store wrote
     * (memory starts zeroed, so a zero may be nobody's) */
    if (w->fn->nodes[id].kind == RL_N_ACCESS) return RL_TRY_ON_TRUE;
    if (w->fn->nodes[id].flags & RL_LOCK_JUMP_TARGET) return RL_TRY_ON_TRUE; /* nonzero: back from a jump */
    const rl_node *n = &w->fn->nodes[id];
    const char *name = n->kind == RL_N_CALL ? n->display : n->api; /* a fallible wait: the callee's name */
    const rl_api_fn *api = rlw_lookup_api(w, name);
    const rl_lock_annotation *ann = rl_ptrmap_get(&w->annotations, name);
    if (!api && ann && (const char *)ann != rlw_no_annotation) api = &ann->api;
    return api && api->success_nonzero ? RL_TRY_ON_TRUE : RL_TRY_ON_FALSE;
}

/* The atomic load in arithmetic c (`t - atomic_load(&head)`), or that
 * an operand of `x + y` or `x - y` holds, a local given the load's value
 * once (`t = atomic_load(&tail); ... h - t`), an acquiring one first;
 * else -1. */
static int32_t load_in_arithmetic(walker *w, CXCursor c)
{
    c = rl_cursor_strip(c);
    int32_t inside = trylock_node_at(w, c);
    if (inside >= 0 && rl_node_is_atomic_load(&w->fn->nodes[inside])) return inside;
    if (clang_getCursorKind(c) != CXCursor_BinaryOperator) return -1;
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
    if (op != CXBinaryOperator_Add && op != CXBinaryOperator_Sub) return -1;
    int32_t found = -1;
    child_list l;
    rlw_children_of(c, &l);
    for (int i = 0; i < l.len; i++) {
        CXCursor operand = rl_cursor_strip(rlw_child_at(&l, i));
        if (clang_getCursorKind(operand) != CXCursor_DeclRefExpr) continue;
        CXCursor d = clang_getCursorReferenced(operand);
        const local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
        if (!v || v->nassigns != 1 || v->exposed || v->trylock_node < 0) continue;
        const rl_node *load = &w->fn->nodes[v->trylock_node];
        if (rl_node_is_acquire_load(load) || (found < 0 && rl_node_is_atomic_load(load))) found = v->trylock_node;
    }
    rlw_children_free(&l);
    return found;
}

/* `load == v` or `load != v`, an atomic load compared with a value that
 * is no constant. In an `if`, the branch where they are equal read what
 * some store wrote (a ticket's turn), as a nonzero value is for a test
 * of truth. A loop spinning on such a comparison is left once the load
 * read the value waited for (`while (atomic_load(&serving) != my)`) or
 * a value other than the one the spinner saw last (`while
 * (atomic_load(&tail) == head)`, a ring's consumer), or, for a loop
 * testing an order (`while (atomic_load(&finished) < T)`), a value past
 * the one it started below: either way a store's value, so its exit is
 * the success. Only for atomic loads: a trylock's
 * result compared with a variable says nothing of its outcome. */
static int awaited_value(walker *w, CXCursor a, CXCursor b, enum CXBinaryOperatorKind op, int32_t *node, int depth)
{
    int32_t load[2] = {-1, -1}; /* the atomic load each side is, or -1 */
    for (int side = 0; side < 2; side++) {
        int32_t found = -1;
        int p = try_polarity(w, side ? b : a, &found, depth + 1);
        /* atomic loads only: a plain flag is tested for truth */
        if (p == RL_TRY_ON_TRUE && found >= 0 && rl_node_is_atomic_load(&w->fn->nodes[found])) load[side] = found;
        else if (w->testing_loop && depth == 0)
            /* in arithmetic with what the spinner knows (`t -
             * atomic_load(&head) == N`, a ring's producer waiting for
             * room, or `h - t == N` with t a local given the load): the
             * loop is left when the load changed */
            load[side] = load_in_arithmetic(w, side ? b : a);
    }
    /* the side that acquires, when one does: in `h - t == N` or `t == h`
     * a ring's own index is a relaxed load too, and only the other
     * index's load waits */
    int side = load[0] >= 0 && (load[1] < 0 || rl_node_is_acquire_load(&w->fn->nodes[load[0]]) ||
                                !rl_node_is_acquire_load(&w->fn->nodes[load[1]]))
                   ? 0
                   : 1;
    if (load[side] < 0) return 0;
    *node = load[side];
    if (w->testing_loop && depth == 0) return RL_TRY_ON_FALSE; /* the loop's exit */
    return op == CXBinaryOperator_EQ ? RL_TRY_ON_TRUE : RL_TRY_ON_FALSE;
}

/* Whether atomic operation `load` (`atomic_load(&left)`) reads a global
 * whose starting value is a known nonzero constant (`static atomic_int
 * left = 1;`): a zero it reads is then a value some store wrote (a count
 * brought down to zero), not memory as it started. */
static int loads_global_started_nonzero(CXCursor load)
{
    child_list l;
    rlw_children_of(rl_cursor_strip(load), &l);
    CXCursor ref = l.len ? rlw_addressed_variable(rlw_child_at(&l, 0)) : clang_getNullCursor();
    rlw_children_free(&l);
    long long start = 0;
    return !clang_Cursor_isNull(ref) && rlw_initial_value(ref, &start) && start != 0;
}

/* Whether the function gave the object load reads a nonzero constant on
 * every path before it (`atomic_store(&left, N)` before starting the
 * workers, rlw_note_start_store): a zero read there is a store's too. */
static int started_nonzero_here(const walker *w, const rl_node *load)
{
    for (int i = 0; load->text && i < w->nstart_stores; i++)
        if (w->start_stores[i] == load->text) return 1;
    return 0;
}

/* Whether expression e is built on a call (`f(...)`, `f(...) != 0`,
 * `!f(...)`): asking its polarity reads no plain flag (which would mark
 * the read, rlw_plain_read_at). */
static int call_based(CXCursor e)
{
    for (int guard = 0; guard < MAX_ALIAS_DEPTH; guard++) {
        e = rl_cursor_strip(e);
        enum CXCursorKind k = clang_getCursorKind(e);
        if (k == CXCursor_CallExpr) return 1;
        if (k != CXCursor_UnaryOperator && k != CXCursor_BinaryOperator) return 0;
        child_list l;
        rlw_children_of(e, &l);
        long long kval;
        int next = l.len == 1 ? 0 : l.len == 2 && rlw_const_int(rlw_child_at(&l, 1), &kval) ? 0 : -1;
        if (next >= 0) e = rlw_child_at(&l, next);
        rlw_children_free(&l);
        if (next < 0) return 0;
    }
    return 0;
}

/* In `a || b` and `a && b` whose left side already gives the condition
 * an outcome p (`!c->name`), a thread start tested on the right
 * (`pthread_create(...) != 0`) with that same outcome is the one named:
 * where the condition says the start failed, it either failed or never
 * ran (round 20's r5: `if (!c->name || pthread_create(...)) { free(c);
 * ... }`), and the start is what the model's failure branches ask
 * about. */
static void start_on_right(walker *w, CXCursor b, int p, int32_t *node, int depth)
{
    int32_t start = -1;
    if (call_based(b) && try_polarity(w, b, &start, depth + 1) == p && start >= 0 &&
        w->fn->nodes[start].kind == RL_N_SPAWN)
        *node = start;
}

/* Whether a thread start tested on the left of `a && b` or `a || b`,
 * whose outcome p (*node, a SPAWN) the left side gave, stays the start
 * named once the right side is asked (start_on_right may name another).
 * Such a condition tells the start's outcome one way only: `if
 * (pthread_create(...) != 0 || c->port == 0) free(c);` frees where the
 * start failed and also where it worked and the port is 0, so its true
 * branch is no failure branch (the start on the right, `!c->name ||
 * pthread_create(...)`, is: where the left side holds, the start never
 * ran). The condition then names no start at all, as the model has no
 * test that holds one way for a start. */
static int start_on_left(walker *w, CXCursor b, int p, int32_t *node, int depth)
{
    int32_t left = *node;
    start_on_right(w, b, p, node, depth);
    return *node == left && left >= 0 && w->fn->nodes[left].kind == RL_N_SPAWN;
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
    if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
        CXCursor d = clang_getCursorReferenced(c);
        local_var *v = k == CXCursor_DeclRefExpr && rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
        if (!v) {
            /* a plain read of an _Atomic object (`while (!ready)`), or of
             * a plain flag (flow.c decides whether it was read under a
             * lock) */
            int32_t id = trylock_node_at(w, c);
            if (id < 0) id = rlw_plain_read_at(w, c);
            if (id < 0 || w->fn->nodes[id].kind != RL_N_ACCESS) return 0;
            *node = id;
            return base_polarity(w, id);
        }
        /* a local given an atomic load's value once: that value */
        if (v->trylock_node < 0 || (w->fn->nodes[v->trylock_node].kind == RL_N_ACCESS && v->nassigns > 1)) return 0;
        *node = v->trylock_node;
        return v->trylock_polarity ? v->trylock_polarity : base_polarity(w, v->trylock_node);
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
            CXCursor tested = clang_getNullCursor();
            if (rlw_const_int(b, &kval)) p = try_polarity(w, tested = a, node, depth + 1);
            else if (rlw_const_int(a, &kval)) p = try_polarity(w, tested = b, node, depth + 1);
            /* `x == 0` is `!x`; `x == K` (K nonzero) is truthiness of x.
             * Else an atomic load compared with a value, or in arithmetic
             * compared with a constant in a loop (awaited_value). An
             * atomic load of a global that started nonzero compared with
             * 0 (`while (atomic_load(&left) != 0)`, a count down to zero
             * used as a join) succeeds on zero, a store's value. */
            if (p && kval == 0 && rl_node_is_atomic_load(&w->fn->nodes[*node]) &&
                (loads_global_started_nonzero(tested) || started_nonzero_here(w, &w->fn->nodes[*node])))
                result = op == CXBinaryOperator_EQ ? RL_TRY_ON_TRUE : RL_TRY_ON_FALSE;
            else if (p) result = (op == CXBinaryOperator_EQ) == (kval == 0) ? flip(p) : p;
            else result = awaited_value(w, a, b, op, node, depth);
        } else if ((op == CXBinaryOperator_LT || op == CXBinaryOperator_LE || op == CXBinaryOperator_GT ||
                    op == CXBinaryOperator_GE) &&
                   w->testing_loop && depth == 0) {
            /* a spin until a counter reaches a value (`while
             * (atomic_load(&finished) < T)`): left once the load read
             * what some increment stored, as for `!=` (awaited_value) */
            result = awaited_value(w, a, b, op, node, depth);
        } else if (op == CXBinaryOperator_And && (rlw_const_int(a, &kval) || rlw_const_int(b, &kval)) && kval != 0) {
            /* a bit of a flags word (`atomic_load(&flags) & READY`): set,
             * the load read a stored value; clear, it tells nothing (other
             * bits may be set) */
            int p = try_polarity(w, rlw_const_int(b, &kval) ? a : b, node, depth + 1);
            result = p == RL_TRY_ON_TRUE ? p : 0;
        } else if (op == CXBinaryOperator_LAnd || op == CXBinaryOperator_LOr) {
            /* `a && b` is true only where a is; `a || b` false only where
             * a is false: the outcome a's true (false) side names */
            int p = op == CXBinaryOperator_LAnd ? RL_TRY_ON_TRUE : RL_TRY_ON_FALSE;
            int pa = try_polarity(w, a, node, depth + 1);
            if (pa != p) pa = try_polarity(w, b, node, depth + 1);
            else if (start_on_left(w, b, p, node, depth)) pa = 0;
            result = pa == p ? pa : 0;
        } else if (op == CXBinaryOperator_Assign) {
            result = try_polarity(w, b, node, depth + 1);
        }
    }
    rlw_children_free(&l);
    return result;
}

int32_t rlw_plain_read_at(walker *w, CXCursor c)
{
    c = rl_cursor_strip(c);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k != CXCursor_DeclRefExpr && k != CXCursor_MemberRefExpr) return -1;
    if (k == CXCursor_DeclRefExpr && rlw_is_automatic(clang_getCursorReferenced(c))) return -1;
    rl_loc at = rlw_loc_of(w, c);
    for (int32_t i = w->fn->nnodes - 1; i >= 0 && i >= w->fn->nnodes - MAX_CONDITION_NODES; i--) {
        const rl_node *n = &w->fn->nodes[i];
        if (n->kind != RL_N_ACCESS || n->loc.line != at.line || n->loc.col != at.col) continue;
        int plain_read = (n->flags & RL_ACC_READ) && !(n->flags & (RL_ACC_WRITE | RL_ACC_ATOMIC));
        if (plain_read && w->locks_taken > 0) w->fn->nodes[i].api = rl_intern(w->facts->pool, RL_READ_LOCKED);
        return plain_read ? i : -1;
    }
    return -1;
}

void rlw_note_result_local(walker *w, local_var *v, CXCursor e, int32_t id)
{
    int32_t found = -1;
    CXCursor s = rl_cursor_strip(e);
    /* the call itself: the local holds its result, read by base_polarity */
    int p = clang_getCursorKind(s) == CXCursor_CallExpr ? 0 : try_polarity(w, e, &found, 0);
    v->trylock_node = id;
    v->trylock_polarity = found == id ? p : 0;
}

/* ---- writes within an expression ---------------------------------------- */

int32_t rlw_write_within(walker *w, CXCursor c, int atomic)
{
    rl_loc loc, end;
    extent_of(w, c, &loc, &end);
    for (int32_t i = 0; i < w->fn->nnodes; i++) {
        const rl_node *n = &w->fn->nodes[i];
        if (n->kind == RL_N_ACCESS && (!atomic || (n->flags & RL_ACC_ATOMIC)) && (n->flags & RL_ACC_WRITE) &&
            loc_within(n->loc, loc, end))
            return i;
    }
    return -1;
}

void rlw_set_try(walker *w, int32_t node, CXCursor cond, int spins)
{
    int32_t counter = -1;
    int last = w->fn->nodes[node].kind == RL_N_IF ? rlw_last_reference_test(w, cond, &counter) : 0;
    if (last) {
        w->fn->nodes[node].aux = counter;
        w->fn->nodes[node].flags |= (uint8_t)(last | RL_IF_LAST);
        return;
    }
    int32_t try_node = -1;
    /* `if (t == atomic_load(&head)) continue;` (or `return false;`, the
     * caller trying again) spins as a loop on that test would, the code
     * after it being its exit */
    w->testing_loop = w->fn->nodes[node].kind == RL_N_LOOP || spins;
    int p = try_polarity(w, cond, &try_node, 0);
    w->testing_loop = 0;
    if (p && try_node >= 0) {
        w->fn->nodes[node].aux = try_node;
        w->fn->nodes[node].flags |= (uint8_t)p;
    }
}
