/* List cursors (walker.h): a local pointer given one start value and
 * otherwise only steps through itself (`n = n->next`, or `n = nx` with
 * every value of the local `nx` such a step). Its values are no single
 * one (walk_locals.c), so the walk names what it points to by the
 * pointee's type ("{struct node}.v"), which never meets the nodes the
 * code that links them names by their site. An access through a cursor
 * carries it (rl_node.cursor, "START|STEP": the start's value and the
 * step's member path, "G:head|.next", or a getter's, "G:head|=USR"),
 * and the model records the access under the objects the start and its
 * steps lead to as well, when the stores tell (model/cursors.c). A
 * getter step (`n = node_next(n)`) keeps the local from being a choice
 * of its start and the call (walk_locals.c, rlw_local_alias).
 *
 * Invariants:
 *  1. A local is a cursor only when its flow-insensitive alias is none
 *     (rlw_local_alias), its address is never taken, and every value it
 *     is given is NULL, the one start value or a step through one and the
 *     same member path or getter.
 *  2. Computed once per local (local_var.cursor_state), with emission off
 *     (walker.h, invariant 3).
 *  3. The start is a plain value the model resolves alone: no choice, no
 *     call result, no type-named object, no integer. */
#include "walker.h"
#include <string.h>

/* Whether expression e is local v itself. */
static int is_local(walker *w, CXCursor e, const local_var *v)
{
    e = rl_cursor_strip(e);
    return clang_getCursorKind(e) == CXCursor_DeclRefExpr && rlw_find_local(w, clang_getCursorReferenced(e)) == v;
}

/* The base expression of member expression e (the `n` of `n->next`), or
 * a null cursor. */
static CXCursor member_base(CXCursor e)
{
    child_list l;
    rlw_children_of(e, &l);
    CXCursor base = l.len == 1 ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
    rlw_children_free(&l);
    return base;
}

/* The variable reference at the root of member expression e, through
 * its chain of members (`n` of `n->link.next`), when that root is a
 * pointer; a null cursor otherwise. */
static CXCursor pointer_root(CXCursor e)
{
    e = rl_cursor_strip(e);
    if (clang_getCursorKind(e) != CXCursor_MemberRefExpr) return clang_getNullCursor();
    for (CXCursor base = member_base(e); !clang_Cursor_isNull(base); base = member_base(base)) {
        if (clang_getCursorKind(base) == CXCursor_DeclRefExpr)
            return rlw_type_is_pointer(clang_getCursorType(base)) ? base : clang_getNullCursor();
        if (clang_getCursorKind(base) != CXCursor_MemberRefExpr) break;
    }
    return clang_getNullCursor();
}

/* Whether expression e reads a pointer member of what local v points to
 * (`v->next`, `v->link.next`): a step of a list cursor. */
static int is_member_step(walker *w, CXCursor e, const local_var *v)
{
    CXCursor root = pointer_root(e);
    return !clang_Cursor_isNull(root) && rlw_type_is_pointer(clang_getCursorType(rl_cursor_strip(e))) &&
           is_local(w, root, v);
}

/* The function a getter step calls (`node_next(n)`: a call of a named
 * function with local v as its one argument, returning a pointer), or a
 * null cursor. The model reads the member path from what it returns. */
static CXCursor getter_of(walker *w, CXCursor e, const local_var *v)
{
    e = rl_cursor_strip(e);
    if (clang_getCursorKind(e) != CXCursor_CallExpr || clang_Cursor_getNumArguments(e) != 1 ||
        !rlw_type_is_pointer(clang_getCursorType(e)) || !is_local(w, clang_Cursor_getArgument(e, 0), v))
        return clang_getNullCursor();
    CXCursor callee = clang_getCursorReferenced(e);
    return clang_getCursorKind(callee) == CXCursor_FunctionDecl ? callee : clang_getNullCursor();
}

int rlw_is_getter_step(walker *w, const local_var *v, CXCursor a)
{
    return !clang_Cursor_isNull(getter_of(w, a, v));
}

/* Whether e steps v once: a member step or a getter step. */
static int is_one_step(walker *w, CXCursor e, const local_var *v)
{
    return is_member_step(w, e, v) || rlw_is_getter_step(w, v, e);
}

/* Whether assignment a of local v steps it: a member or getter step
 * through v, or the value of another local whose every value but NULL is
 * one (`nx = n->next; ... n = nx;`). */
static int is_step(walker *w, const local_var *v, CXCursor a)
{
    CXCursor e = rl_cursor_strip(a);
    if (is_one_step(w, e, v)) return 1;
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr) return 0;
    local_var *u = rlw_find_local(w, clang_getCursorReferenced(e));
    if (!u || u == v || u->param_index >= 0 || u->addr_of_ptr || u->nassigns == 0) return 0;
    for (int i = 0; i < u->nassigns; i++)
        if (!rl_cursor_is_null_constant(u->assigns[i]) && !is_one_step(w, u->assigns[i], v)) return 0;
    return 1;
}

/* The member path a step of v reads (".next"), given v's start value:
 * the step's value with v taken for its start, less the start's deref;
 * for a getter step, RL_CURSOR_GETTER and the getter's USR ("=c:@F@next"),
 * whose return the model reads; NULL when it is not one. */
static const char *step_path(walker *w, local_var *v, CXCursor step, const char *start)
{
    CXCursor e = rl_cursor_strip(step);
    CXCursor getter = getter_of(w, e, v);
    if (!clang_Cursor_isNull(getter)) {
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_printf(&sb, "%s%s", RL_CURSOR_GETTER, rlw_intern_cx(w, clang_getCursorUSR(getter)));
        const char *path = rl_intern(w->facts->pool, rl_sb_str(&sb));
        rl_sb_free(&sb);
        return path;
    }
    if (clang_getCursorKind(e) == CXCursor_DeclRefExpr) {
        /* through another local: its first member step says it */
        local_var *u = rlw_find_local(w, clang_getCursorReferenced(e));
        for (int i = 0; u && i < u->nassigns; i++)
            if (!rl_cursor_is_null_constant(u->assigns[i])) return step_path(w, v, u->assigns[i], start);
        return NULL;
    }
    v->alias = start;
    v->alias_state = 2;
    expr_out o;
    rlw_out_init(&o);
    rlw_expr(w, e, USE_READ, &o);
    const char *value = rl_sb_str(&o.value);
    /* what the start points to: "S*", or "X" for an address "&X" */
    const char *object = start[0] == '&' ? start + 1 : start;
    size_t n = strlen(object) + (start[0] == '&' ? 0 : 1);
    const char *path = strncmp(value, object, strlen(object)) == 0 && (start[0] == '&' || value[n - 1] == '*') &&
                               value[n] == '.'
                           ? rl_intern(w->facts->pool, value + n)
                           : NULL;
    rlw_out_free(&o);
    v->alias = NULL;
    return path && !strchr(path, '*') ? path : NULL;
}

/* Whether v is a start value the model resolves alone (invariant 3). */
static int plain_start(const char *v)
{
    return v[0] && v[0] != '{' && v[0] != '#' && v[0] != '%' && v[0] != '@' && strncmp(v, "fn:", 3) != 0 &&
           !strpbrk(v, "|" RL_CALL_SEP RL_CALL_END);
}

/* The cursor ("START|STEP") local v is, or NULL. */
static const char *local_cursor(walker *w, local_var *v)
{
    if (v->cursor_state) return v->cursor;
    v->cursor_state = 1;
    if (!v->is_pointer || v->addr_of_ptr || v->nassigns == 0 || rlw_local_alias(w, v, 0)) return NULL;
    int saved_silent = w->silent;
    w->silent = 1;
    w->in_alias++;
    const char *start = NULL, *path = NULL;
    int ok = 1;
    if (v->param_index >= 0) {
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_printf(&sb, "P%d", v->param_index);
        start = rl_intern(w->facts->pool, rl_sb_str(&sb));
        rl_sb_free(&sb);
    }
    int nsteps = 0;
    for (int i = 0; ok && i < v->nassigns; i++) {
        CXCursor a = v->assigns[i];
        if (rl_cursor_is_null_constant(a)) continue;
        if (is_step(w, v, a)) {
            nsteps++;
            continue;
        }
        expr_out o;
        rlw_out_init(&o);
        rlw_expr(w, a, USE_READ, &o);
        const char *val = rl_intern(w->facts->pool, rl_sb_str(&o.value));
        rlw_out_free(&o);
        ok = plain_start(val) && (!start || start == val);
        start = val;
    }
    for (int i = 0; ok && start && nsteps && i < v->nassigns; i++) {
        CXCursor a = v->assigns[i];
        if (rl_cursor_is_null_constant(a) || !is_step(w, v, a)) continue;
        const char *p = step_path(w, v, a, start);
        ok = p && (!path || path == p);
        path = p;
    }
    v->alias_state = 2;
    v->alias = NULL;
    w->in_alias--;
    w->silent = saved_silent;
    if (ok && start && path) {
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_printf(&sb, "%s|%s", start, path);
        v->cursor = rl_intern(w->facts->pool, rl_sb_str(&sb));
        rl_sb_free(&sb);
    }
    return v->cursor;
}

const char *rlw_expr_cursor(walker *w, CXCursor e)
{
    CXCursor root = pointer_root(e);
    local_var *v = clang_Cursor_isNull(root) ? NULL : rlw_find_local(w, clang_getCursorReferenced(root));
    return v ? local_cursor(w, v) : NULL;
}
