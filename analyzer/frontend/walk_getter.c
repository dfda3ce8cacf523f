/* Calls of getters of atomic globals (walker.h: rlw_note_getter_call).
 *
 * Code that waits on an atomic counter often reads it through a small
 * accessor of its own (redis's I/O threads: `while (getIOPendingCount(id)
 * != 0)`, the getter a `static inline` function holding
 * `atomicGetWithSync(io_threads_pending[i], count); return count;`). The
 * condition then tests a call, not a load, and the wait it makes is not
 * seen: what the other side did before its release store was taken to
 * race with what the waiter does after (round 21's r4). The walker looks
 * into the callee's body when the unit has it and writes, at the call, an
 * atomic read of the object the getter loads, as if the load were written
 * there: a condition on the call then names it as on the load itself
 * (walk_lock.c), and a local given the call's value is noted as holding
 * the load's (rlw_note_result_local).
 *
 * Invariants:
 *  1. Only a getter whose body is a few statements ending in `return E;`
 *     counts, E being one atomic load, or a local given the value of one
 *     atomic load and nothing else but a constant; the load's object is
 *     a global (or an element of a global array: an index by the
 *     getter's parameter becomes "any element", `[]`), never something
 *     reached through the getter's parameters or locals, whose names
 *     mean nothing in the caller.
 *  2. The read written is an ACCESS node at the call's own position,
 *     atomic (never reported as a race), and relaxed when the getter's
 *     load names a relaxed order. Nothing else of the getter is written:
 *     its body is walked as its own function as before. */
#include "walker.h"
#include <stdio.h>
#include <string.h>

/* The most statements a getter's body may hold (`unsigned long count =
 * 0; atomicGet(...); return count;` is three). */
#define MAX_GETTER_STATEMENTS 4

/* Whether expression e (stripped) is one atomic load: a call of a
 * function the API models make an atomic operation with "load" in its
 * name, or clang's AtomicExpr written with such a macro
 * (`atomic_load_explicit`, `__atomic_load_n`). */
static int is_atomic_load(walker *w, CXCursor e)
{
    char name[MAX_IDENT];
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_CallExpr) {
        CXCursor callee = clang_getCursorReferenced(e);
        if (clang_getCursorKind(callee) != CXCursor_FunctionDecl) return 0;
        CXString s = clang_getCursorSpelling(callee);
        snprintf(name, sizeof name, "%s", clang_getCString(s));
        clang_disposeString(s);
    } else if (k != CXCursor_UnexposedExpr || !rlw_source_ident(w, e, name, sizeof name)) {
        return 0;
    }
    const rl_api_fn *api = rlw_lookup_api(w, name);
    return api && api->kind == RL_API_ATOMIC && strstr(name, "load") != NULL;
}

typedef struct local_loads {
    walker *w;
    CXCursor local;  /* the returned local */
    CXCursor load;   /* the one atomic load it is given, or null */
    int other;       /* it is given something else (not a constant) */
} local_loads;

/* Notes what value an assignment or declaration gives the local. */
static void note_given(local_loads *x, CXCursor value)
{
    CXCursor v = rl_cursor_strip(value);
    long long constant;
    if (is_atomic_load(x->w, v) && clang_Cursor_isNull(x->load)) x->load = v;
    else if (!rlw_const_int(v, &constant)) x->other = 1;
}

static enum CXChildVisitResult find_assignments(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    local_loads *x = data;
    enum CXCursorKind k = clang_getCursorKind(c);
    child_list l;
    if (k == CXCursor_VarDecl && clang_equalCursors(c, x->local)) {
        rlw_children_of(c, &l);
        if (l.len) note_given(x, rlw_child_at(&l, l.len - 1));
        rlw_children_free(&l);
        return CXChildVisit_Continue;
    }
    if ((k == CXCursor_BinaryOperator || k == CXCursor_CompoundAssignOperator)) {
        rlw_children_of(c, &l);
        CXCursor lhs = l.len == 2 ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
        int assigns = !clang_Cursor_isNull(lhs) && clang_getCursorKind(lhs) == CXCursor_DeclRefExpr &&
                      clang_equalCursors(clang_getCursorReferenced(lhs), x->local);
        if (assigns && k == CXCursor_BinaryOperator && clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_Assign)
            note_given(x, rlw_child_at(&l, 1));
        else if (assigns)
            x->other = 1;
        rlw_children_free(&l);
    }
    return CXChildVisit_Recurse;
}

/* The atomic load whose value getter `def` returns (invariant 1), or a
 * null cursor. */
static CXCursor returned_load(walker *w, CXCursor def)
{
    CXCursor none = clang_getNullCursor(), body = rlw_function_body(def);
    if (clang_Cursor_isNull(body) || clang_getCursorKind(body) != CXCursor_CompoundStmt) return none;
    child_list l;
    rlw_children_of(body, &l);
    CXCursor last = l.len ? rlw_child_at(&l, l.len - 1) : none;
    int small = l.len > 0 && l.len <= MAX_GETTER_STATEMENTS;
    rlw_children_free(&l);
    if (!small || clang_getCursorKind(last) != CXCursor_ReturnStmt) return none;
    rlw_children_of(last, &l);
    CXCursor e = l.len == 1 ? rl_cursor_strip(rlw_child_at(&l, 0)) : none;
    rlw_children_free(&l);
    if (clang_Cursor_isNull(e)) return none;
    if (is_atomic_load(w, e)) return e;
    CXCursor local = clang_getCursorKind(e) == CXCursor_DeclRefExpr ? clang_getCursorReferenced(e) : none;
    if (clang_Cursor_isNull(local) || clang_getCursorKind(local) != CXCursor_VarDecl || !rlw_is_automatic(local))
        return none;
    local_loads x = {w, local, none, 0};
    clang_visitChildren(body, find_assignments, &x);
    return x.other ? none : x.load;
}

/* The object the load reads: its first argument (a call's) or child (an
 * AtomicExpr's), a pointer. */
static CXCursor load_object(CXCursor load)
{
    if (clang_getCursorKind(load) == CXCursor_CallExpr) return rlw_call_arg(load, 0);
    child_list l;
    rlw_children_of(load, &l);
    CXCursor r = l.len ? rlw_child_at(&l, 0) : clang_getNullCursor();
    rlw_children_free(&l);
    return r;
}

/* The load's memory order argument, or a null cursor (seq_cst). */
static CXCursor load_order(CXCursor load)
{
    if (clang_getCursorKind(load) == CXCursor_CallExpr)
        return clang_Cursor_getNumArguments(load) >= 2 ? rlw_call_arg(load, 1) : clang_getNullCursor();
    child_list l;
    rlw_children_of(load, &l);
    CXCursor r = l.len >= 2 ? rlw_child_at(&l, 1) : clang_getNullCursor();
    rlw_children_free(&l);
    return r;
}

/* place with every index step that is not a constant made "[]" (an
 * index by the getter's parameter, "[#P0]", names the caller's nothing);
 * 0 when its root is not a global's. */
static int global_place(const char *place, rl_strbuf *out)
{
    if (strncmp(place, "G:", 2) != 0) return 0;
    for (const char *p = place; *p; p++) {
        if (*p == '[' && p[1] == '#') {
            const char *close = strchr(p, ']');
            if (!close) return 0;
            rl_sb_append(out, "[]");
            p = close;
            continue;
        }
        rl_sb_appendn(out, p, 1);
    }
    return 1;
}

void rlw_note_getter_call(walker *w, CXCursor call, CXCursor callee)
{
    if (w->silent) return;
    CXCursor def = clang_getCursorDefinition(callee);
    if (clang_Cursor_isNull(def)) return;
    CXCursor load = returned_load(w, def);
    if (clang_Cursor_isNull(load)) return;
    rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT, global = RL_STRBUF_INIT;
    rlw_pointee_place(w, load_object(load), &place, &display, NULL);
    if (global_place(rl_sb_str(&place), &global)) {
        int32_t id = rlw_emit_access(w, call, rl_sb_str(&global), rl_sb_str(&display), USE_READ, RL_ACC_ATOMIC);
        CXCursor order = load_order(load);
        if (id >= 0 && !clang_Cursor_isNull(order) && rlw_memory_order(order) == RLW_ORDER_RELAXED)
            w->fn->nodes[id].api = rl_intern(w->facts->pool, RL_ATOMIC_RELAXED);
        if (id >= 0 && rl_node_is_atomic_load(&w->fn->nodes[id])) w->last_trylock = id;
    }
    rl_sb_free(&place);
    rl_sb_free(&display);
    rl_sb_free(&global);
}
