/* What a store into an integer member carries for the model (walker.h,
 * rlw_note_int_store): the constant it stores, or-s in or masks with,
 * the loop round's counter stored into the round's own element, or the
 * integer parameter it stores (facts.h: RL_INT_CONSTANT_ARG,
 * RL_OR_CONSTANT_STORE, RL_AND_CONSTANT_STORE, RL_ROUND_COUNTER_STORE,
 * RL_INSTANCE_TEST "<n>"; facts formats 70 and 71). The model reads the
 * bits an object's member may hold from them (model/member_tests.h) and
 * whether a member holds a value of its own per thread instance
 * (model/known.c, instances).
 *
 * Invariants:
 *  1. Only a store into a member (a place with a '.') of integer type
 *     that carries no value yet is given one; pointer stores keep theirs.
 *  2. A value that is none of these is left out: the store then says
 *     "a value not known", as before. */
#include "walker.h"
#include "cursor.h"
#include <stdio.h>
#include <string.h>

/* The index of the integer parameter rhs is, when the function never
 * assigns it nor takes its address, else -1. */
static int unchanged_int_param(walker *w, CXCursor rhs)
{
    CXCursor ref = rl_cursor_strip(rhs);
    if (clang_getCursorKind(ref) != CXCursor_DeclRefExpr) return -1;
    CXCursor decl = clang_getCursorReferenced(ref);
    if (clang_getCursorKind(decl) != CXCursor_ParmDecl || !rlw_type_is_integer(clang_getCursorType(decl))) return -1;
    local_var *v = rlw_find_local(w, decl);
    return v && v->param_index >= 0 && !v->exposed && !v->addr_of_ptr && !v->modified && !v->nassigns ? v->param_index
                                                                                                        : -1;
}

void rlw_note_int_store(walker *w, int32_t id, CXCursor lhs, CXCursor rhs, const char *prefix)
{
    long long k = 0;
    const rl_node *n = &w->fn->nodes[id];
    if (n->nargs || !n->text || !strchr(n->text, '.') || !rlw_type_is_integer(clang_getCursorType(lhs))) return;
    char value[40];
    int plain = strcmp(prefix, RL_INT_CONSTANT_ARG) == 0; /* `=`, not `|=` or `&=` */
    int param = plain ? unchanged_int_param(w, rhs) : -1;
    CXCursor r = rl_cursor_strip(rhs);
    if (plain && rl_api_is_round(n->api) && !clang_Cursor_isNull(w->loop.counter) &&
        clang_getCursorKind(r) == CXCursor_DeclRefExpr && clang_equalCursors(clang_getCursorReferenced(r), w->loop.counter))
        snprintf(value, sizeof value, "%s", RL_ROUND_COUNTER_STORE); /* `args[i].id = i` */
    else if (param >= 0) /* `c->flags = flags;`: what the callers pass */
        snprintf(value, sizeof value, "%s%d", RL_INSTANCE_TEST, param);
    else if (rlw_const_int(r, &k))
        snprintf(value, sizeof value, "%s%lld", prefix, k);
    else
        return;
    const char *vals[1] = {value};
    rlw_set_args(w, id, vals, 1);
}
