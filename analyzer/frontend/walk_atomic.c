/* Atomic operations of the event walker (walker.h): C11 <stdatomic.h>
 * operations and GCC's __atomic and __sync builtins, called as functions
 * or reaching libclang as an AtomicExpr, and fences. Each pointer
 * argument becomes an atomic access of what it points to, the object as
 * the operation uses it (load, store, read-modify-write), marked with
 * what the model needs of it: relaxed, an exchange, a store of 0; an
 * atomic pointer's stored value is followed as a plain pointer's is. A
 * spinlock built from atomics is walk_lock.c's (rlw_spin_gate); calls of
 * everything else are walk_call.c's.
 *
 * Invariants:
 *  1. No operation is known by heart: the API model names the atomic
 *     functions (walker.h, invariant 2); only the forms of their
 *     arguments (which one is the order, which the stored value) are
 *     read from their names here.
 *  2. Two atomic accesses never race; what an atomic access marks
 *     (facts.h: RL_ATOMIC_RELAXED, RL_ATOMIC_EXCHANGE, RL_ATOMIC_ZERO)
 *     says only what it orders, never that it is shared. */
#include "walker.h"
#include <stdlib.h>
#include <string.h>

/* What an atomic operation named name does to its object (its first
 * argument): a load reads it, a store writes it, anything else (an
 * exchange, a fetch-and-op, a compare-and-swap) does both. Two atomic
 * accesses never race, but an atomic one and a plain one do when either
 * writes: an atomic load beside a plain read is no race. */
static use_mode atomic_object_mode(const char *name)
{
    if (strstr(name, "exchange") || strstr(name, "fetch") || strstr(name, "test_and_set")) return USE_RMW;
    if (strstr(name, "_load")) return USE_READ;
    if (strstr(name, "_store") || strcmp(name, "atomic_init") == 0) return USE_WRITE;
    return USE_RMW;
}

/* An atomic operation's memory order and stored value, when it has them
 * (null cursors otherwise). */
typedef struct atomic_operands {
    CXCursor order, value;
} atomic_operands;

/* Whether an atomic operation is a compare-and-swap storing its desired
 * value by value (not `__atomic_compare_exchange`, which takes a pointer
 * to it). */
static int compare_and_swap_by_value(const char *name)
{
    return name && (strstr(name, "compare_exchange") || strstr(name, "compare_and_swap")) &&
           strcmp(name, "__atomic_compare_exchange") != 0;
}

/* The argument of a compare-and-swap called as a function that holds the
 * value it stores: (ptr, expected, desired, ...) for the GCC and C11 forms
 * alike. */
#define CAS_CALL_DESIRED 2

/* For an operation called as a function (`__sync_*`, `__c11_atomic_*`
 * reached as calls): the C11 and GCC forms take their order last and
 * their value second (a compare-and-swap's desired value third); the
 * __sync builtins order fully and take no order. */
static atomic_operands call_operands(const char *name, CXCursor *args, int nargs)
{
    atomic_operands o = {clang_getNullCursor(), nargs >= 2 ? args[1] : clang_getNullCursor()};
    if (compare_and_swap_by_value(name)) o.value = nargs > CAS_CALL_DESIRED ? args[CAS_CALL_DESIRED] : clang_getNullCursor();
    if (name && strncmp(name, "__sync", 6) != 0 && nargs >= 2) o.order = args[nargs - 1];
    return o;
}

/* The memory order a lock API called as a function takes, for
 * rlw_spin_gate (walker.h): a GCC `__atomic_` builtin's (the success order of a
 * compare-and-swap, else its last argument); none (a null cursor) for the
 * others, pthreads' and the fully ordering `__sync_` builtins. */
CXCursor rlw_spin_call_order(const char *name, CXCursor *args, int nargs)
{
    enum { CAS_SUCCESS_ORDER = 4 }; /* ptr, expected, desired, weak, success, failure */
    if (!name || strncmp(name, "__atomic_", 9) != 0 || nargs < 2) return clang_getNullCursor();
    if (strstr(name, "compare_exchange")) return nargs > CAS_SUCCESS_ORDER ? args[CAS_SUCCESS_ORDER] : clang_getNullCursor();
    return args[nargs - 1];
}

/* Whether an operation of these operands is relaxed: its order the
 * constant 0 (`memory_order_relaxed`, `__ATOMIC_RELAXED`; the forms
 * without one are sequentially consistent, clang's `atomic_load(&x)`
 * passing 5). */
static int atomic_relaxed(atomic_operands o)
{
    return !clang_Cursor_isNull(o.order) && rlw_memory_order(o.order) == RLW_ORDER_RELAXED;
}

/* Whether an atomic object of pointer type a points to holds a pointer
 * (`_Atomic(struct res *) pub`, `struct node *_Atomic head`). */
static int holds_pointer(CXCursor a)
{
    CXType t = clang_getCanonicalType(clang_getPointeeType(clang_getCanonicalType(clang_getCursorType(a))));
    if (t.kind == CXType_Atomic) t = clang_getCanonicalType(clang_Type_getValueType(t));
    return t.kind == CXType_Pointer;
}

/* Pointer arguments of an atomic operation are accessed atomically; its
 * object (the first) as the operation named name does (NULL: read and
 * written), marked relaxed when its memory order is (facts.h). A load
 * that acquires is noted as a trylock's result is, for a local it is
 * stored in (`c = atomic_load(&instance); if (c) ...`: walk_lock.c).
 * An atomic pointer is followed as a plain one is: the pointer a store or
 * an exchange puts there is stored (the write's argument, which publishes
 * what it points to), not accessed, and a load or an exchange gives the
 * object's value (out: `r = atomic_load(&pub); r->tag` is what was
 * stored in pub). */
static void walk_atomic_args(walker *w, const char *name, CXCursor *args, int nargs, atomic_operands operands,
                             expr_out *out)
{
    int relaxed = atomic_relaxed(operands);
    int cas = compare_and_swap_by_value(name);
    int pointers = nargs > 0 && name && holds_pointer(args[0]) && (cas || !strstr(name, "compare"));
    /* a compare-and-swap stores its desired value when it succeeds: a
     * pointer published by it is published as by an exchange (round 17's
     * r2: a node pushed with a relaxed compare-and-swap) */
    int stores = pointers && !clang_Cursor_isNull(operands.value) &&
                 (strstr(name, "_store") || strstr(name, "exchange") || cas);
    expr_out stored;
    rlw_out_init(&stored);
    if (stores) rlw_expr(w, operands.value, USE_READ, &stored);
    for (int i = 0; i < nargs; i++) {
        CXCursor a = args[i];
        if (stores && clang_equalCursors(a, operands.value)) continue;
        if (rlw_type_is_pointer(clang_getCursorType(a))) {
            rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
            rlw_pointee_place(w, a, &place, &display, NULL);
            use_mode mode = i == 0 && name ? atomic_object_mode(name) : USE_RMW;
            int32_t id = rlw_emit_access(w, a, rl_sb_str(&place), rl_sb_str(&display), mode, RL_ACC_ATOMIC);
            if (id >= 0 && relaxed) w->fn->nodes[id].api = rl_intern(w->facts->pool, RL_ATOMIC_RELAXED);
            else if (id >= 0 && i == 0 && mode == USE_WRITE && !clang_Cursor_isNull(operands.value))
                rlw_mark_zero_store(w, id, operands.value);
            else if (id >= 0 && i == 0 && mode == USE_RMW && !(name && strstr(name, "fetch")))
                w->fn->nodes[id].api = rl_intern(w->facts->pool, RL_ATOMIC_EXCHANGE);
            if (id >= 0 && i == 0 && mode == USE_WRITE && !clang_Cursor_isNull(operands.value))
                rlw_note_start_store(w, id, operands.value);
            if (id >= 0 && i == 0 && rl_node_is_atomic_load(&w->fn->nodes[id])) w->last_trylock = id;
            if (id >= 0 && i == 0 && stores && rl_sb_str(&stored.value)[0]) {
                const char *vals[1] = {rl_sb_str(&stored.value)};
                rlw_set_args(w, id, vals, 1);
            }
            if (i == 0 && out && pointers && !cas && (strstr(name, "_load") || strstr(name, "exchange")))
                rl_sb_append(&out->value, rl_sb_str(&place));
            rl_sb_free(&place);
            rl_sb_free(&display);
        } else {
            rlw_expr(w, a, USE_READ, NULL);
        }
    }
    rlw_out_free(&stored);
}

long long rlw_memory_order(CXCursor order)
{
    long long o = RLW_ORDER_SEQ_CST;
    if (!clang_Cursor_isNull(order) && !rlw_const_int(rl_cursor_strip(order), &o)) o = RLW_ORDER_SEQ_CST;
    return o;
}

/* A fence (`atomic_thread_fence(memory_order_release)`,
 * `__atomic_thread_fence(__ATOMIC_ACQUIRE)`, `__sync_synchronize()`, a
 * full one): a CALL node flagged with what it orders, read by the model
 * with the relaxed atomics around it (model/flow.c). An order that is no
 * constant is taken to be sequentially consistent. */
static void emit_fence(walker *w, CXCursor c, const char *name, CXCursor *args, int nargs)
{
    for (int i = 0; i < nargs; i++) rlw_expr(w, args[i], USE_READ, NULL);
    long long order = rlw_memory_order(nargs >= 1 ? args[nargs - 1] : clang_getNullCursor());
    uint8_t flags = 0;
    if (order == RLW_ORDER_RELEASE || order == RLW_ORDER_ACQ_REL || order == RLW_ORDER_SEQ_CST)
        flags |= RL_CALL_FENCE_RELEASE;
    if (order == RLW_ORDER_CONSUME || order == RLW_ORDER_ACQUIRE || order == RLW_ORDER_ACQ_REL ||
        order == RLW_ORDER_SEQ_CST)
        flags |= RL_CALL_FENCE_ACQUIRE;
    if (!flags) return;
    int32_t id = rlw_emit(w, RL_N_CALL, c);
    if (id < 0) return;
    w->fn->nodes[id].api = rl_intern(w->facts->pool, name);
    w->fn->nodes[id].flags = flags;
}

void rlw_walk_atomic_call(walker *w, CXCursor c, const char *name, CXCursor *args, int nargs, expr_out *out)
{
    if (strstr(name, "thread_fence") || strcmp(name, "__sync_synchronize") == 0) emit_fence(w, c, name, args, nargs);
    else walk_atomic_args(w, name, args, nargs, call_operands(name, args, nargs), out);
}

/* An AtomicExpr's children are its object, the memory order, then the
 * operands, each but the first after an order (clang's AtomicExpr: PTR,
 * ORDER, VAL1, ORDER_FAIL, VAL2): source argument k >= 1 is child 2k.
 * Fills args[0..max) with the source arguments it finds; returns how many. */
static int atomic_source_args(const child_list *l, CXCursor *args, int max)
{
    int n = 0;
    for (int k = 0; k < max && (k == 0 ? 0 : 2 * k) < l->len; k++) args[n++] = rlw_child_at(l, k == 0 ? 0 : 2 * k);
    return n;
}

/* The most source arguments of an atomic operation (the GNU
 * __atomic_compare_exchange_n has six, the orders among them). */
#define MAX_ATOMIC_ARGS 6
/* The children of clang's AtomicExpr holding the value stored: the first
 * value of most operations, the desired one of a compare-and-swap. */
#define ATOMIC_VALUE 2
#define ATOMIC_CAS_DESIRED 4

/* C11 <stdatomic.h> operations and __atomic builtins reach libclang as an
 * unexposed AtomicExpr. The macro name in the source tells which. */
void rlw_walk_atomic_expr(walker *w, CXCursor c, expr_out *out)
{
    char name[MAX_IDENT];
    child_list l;
    rlw_children_of(c, &l);
    rlw_source_ident(w, c, name, sizeof name);
    const rl_api_fn *api = name[0] ? rlw_lookup_api(w, name) : NULL;
    /* written through a macro of the program's own (`ngx_unlock(l)`
     * defined as `atomic_flag_clear_explicit(...)`): the macro whose
     * definition spells it, <stdatomic.h>'s (round 21's r5) */
    char spelled[MAX_IDENT];
    if (!api && rlw_spelled_in_macro(w, c, spelled, sizeof spelled) && (api = rlw_lookup_api(w, spelled)) != NULL)
        memcpy(name, spelled, sizeof name);
    CXCursor source[MAX_ATOMIC_ARGS];
    int nsource = atomic_source_args(&l, source, MAX_ATOMIC_ARGS);
    if (api && (api->kind == RL_API_TRYLOCK || api->kind == RL_API_LOCK || api->kind == RL_API_UNLOCK) && l.len &&
        rlw_spin_gate(w, api, source, nsource, l.len > 1 ? rlw_child_at(&l, 1) : clang_getNullCursor())) {
        rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
        rlw_lock_place(w, rlw_child_at(&l, 0), &place, &display);
        for (int i = 1; i < l.len; i++) rlw_expr(w, rlw_child_at(&l, i), USE_READ, NULL);
        rlw_emit_lock(w, c, api, name, rl_sb_str(&place), rl_sb_str(&display));
        rl_sb_free(&place);
        rl_sb_free(&display);
    } else {
        CXCursor *args = rl_xcalloc((size_t)l.len + 1, sizeof *args);
        for (int i = 0; i < l.len; i++) args[i] = rlw_child_at(&l, i);
        /* clang's AtomicExpr: PTR, ORDER, VAL1, ... (atomic_source_args);
         * a compare-and-swap's: PTR, ORDER, VAL1 (expected), ORDER_FAIL,
         * VAL2 (desired) */
        int cas = compare_and_swap_by_value(name[0] ? name : NULL);
        int value_at = cas ? ATOMIC_CAS_DESIRED : ATOMIC_VALUE;
        atomic_operands operands = {l.len >= 2 ? rlw_child_at(&l, 1) : clang_getNullCursor(),
                                    l.len > value_at ? rlw_child_at(&l, value_at) : clang_getNullCursor()};
        walk_atomic_args(w, name[0] ? name : NULL, args, l.len, operands, out);
        free(args);
    }
    rlw_children_free(&l);
}
