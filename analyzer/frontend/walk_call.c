/* Calls of the event walker (walker.h): what a call does is asked of the
 * API model by name (spawn, join, once, allocation, modelled access, lock
 * initialisation; lock calls go to walk_lock.c, atomic operations to
 * walk_atomic.c), and an
 * ordinary call becomes a CALL node with the values of its arguments, its
 * function pointer when indirect, and the value of its pointer result.
 *
 * Invariants:
 *  1. No API is known by heart: only the model (and lock attributes, in
 *     walk_lock.c) tells what a callee does (walker.h, invariant 2).
 *  2. Every argument is walked once, as a read; where the model says the
 *     call reads or writes what an argument points to, that object's
 *     access is emitted too.
 *  3. Call-result values never nest: an argument that is itself a call
 *     result is passed as unknown. */
#include "walker.h"
#include "fnflow.h"
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A callee declared never to return (the walker's noreturn cache). */
static const char NORETURN_YES[] = "noreturn";

/* The function pointer a call or spawn goes through, as a value: the
 * place it is read from ("P0", "G:handlers[]", "P0*.probe") or the
 * function itself ("fn:USR"); NULL when untraceable. The model resolves it
 * per context, where the binding or the object tells one function. */
static const char *fnptr_value(walker *w, const expr_out *o)
{
    const char *v = rl_sb_str(&o->value);
    if (!v[0] || v[0] == '{') return NULL;
    return rl_intern(w->facts->pool, v);
}

CXCursor rlw_call_arg(CXCursor call, int i)
{
    return clang_Cursor_getArgument(call, (unsigned)i);
}

/* The place of the object a pointer argument points to. */
void rlw_pointee_place(walker *w, CXCursor arg, rl_strbuf *place, rl_strbuf *display, long long *index)
{
    expr_out o;
    rlw_out_init(&o);
    rlw_expr(w, arg, USE_READ, &o);
    rlw_deref_place(w, rl_sb_str(&o.value), clang_getCursorType(arg), place);
    if (display) rl_sb_append(display, rl_sb_str(&o.display));
    if (index) *index = o.index;
    rlw_out_free(&o);
}

int rlw_unsized_builtin(const char *name, char *buf, size_t size)
{
    if (strncmp(name, "__sync_", 7) != 0) return 0;
    const char *us = strrchr(name, '_');
    if (!us || !isdigit((unsigned char)us[1])) return 0;
    for (const char *p = us + 1; *p; p++)
        if (!isdigit((unsigned char)*p)) return 0;
    size_t n = (size_t)(us - name);
    if (n >= size) return 0;
    memcpy(buf, name, n);
    buf[n] = '\0';
    return 1;
}

const rl_api_fn *rlw_lookup_api(walker *w, const char *name)
{
    const rl_api_fn *api = rl_apimodel_find(w->fe->model, name);
    if (api && !api->is_prefix) return api;
    /* __sync builtins are named with the operand size (_4, _8): retry
     * without it so that exact models such as __sync_lock_release match. */
    char base[MAX_IDENT];
    if (rlw_unsized_builtin(name, base, sizeof base)) {
        const rl_api_fn *exact = rl_apimodel_find(w->fe->model, base);
        if (exact) return exact;
    }
    return api;
}

/* The function a spawn/once argument names, or NULL for a pointer value. */
static int function_operand(walker *w, CXCursor arg, const char **usr, const char **name, const char **type)
{
    CXCursor s = rl_cursor_strip(arg);
    if (clang_getCursorKind(s) == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_AddrOf) {
        child_list l;
        rlw_children_of(s, &l);
        if (l.len == 1) s = rl_cursor_strip(rlw_child_at(&l, 0));
        rlw_children_free(&l);
    }
    if (clang_getCursorKind(s) == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(s);
        if (clang_getCursorKind(d) == CXCursor_FunctionDecl) {
            *usr = rlw_intern_cx(w, clang_getCursorUSR(d));
            *name = rlw_intern_cx(w, clang_getCursorSpelling(d));
            *type = rlw_type_key(w, clang_getCursorType(d));
            return 1;
        }
    }
    CXType t = clang_getCanonicalType(clang_getCursorType(s));
    if (t.kind == CXType_Pointer) t = clang_getPointeeType(t);
    *usr = NULL;
    *name = NULL;
    *type = rlw_type_key(w, t);
    return 0;
}

void rlw_set_args(walker *w, int32_t id, const char **vals, int n)
{
    if (id < 0) return;
    rl_node *node = &w->fn->nodes[id];
    node->nargs = n;
    node->args = n ? rl_xcalloc((size_t)n, sizeof *node->args) : NULL;
    for (int i = 0; i < n; i++) node->args[i] = rl_intern(w->facts->pool, vals[i] ? vals[i] : "");
}

static void walk_spawn_like(walker *w, CXCursor c, const rl_api_fn *api, const char *name, int nargs)
{
    const char *usr = NULL, *fname = NULL, *ftype = NULL, *target = NULL, *fnptr = NULL;
    expr_out argv, handle;
    rlw_out_init(&argv);
    rlw_out_init(&handle);
    rl_strbuf handle_place = RL_STRBUF_INIT;
    for (int i = 0; i < nargs; i++) {
        CXCursor a = rlw_call_arg(c, i);
        if (i == api->entry) {
            if (!function_operand(w, a, &usr, &fname, &ftype)) {
                expr_out fo;
                rlw_out_init(&fo);
                rlw_expr(w, a, USE_READ, &fo);
                fnptr = fnptr_value(w, &fo);
                rlw_out_free(&fo);
            }
            if (!usr) target = rl_fnflow_slot(w->facts, a);
        } else if (i == api->arg) {
            rlw_expr(w, a, USE_READ, &argv);
        } else if (i == api->handle) {
            /* A handle in an array reached by constant index names that
             * element (`tids[1]`), as a lock does (rlw_place_element). */
            if (api->kind == RL_API_JOIN) {
                rlw_expr(w, a, USE_READ, &handle);
                rlw_place_element(rl_sb_str(&handle.place), handle.index, &handle_place);
            } else {
                rl_strbuf raw = RL_STRBUF_INIT;
                long long index = -1;
                rlw_pointee_place(w, a, &raw, NULL, &index);
                rlw_place_element(rl_sb_str(&raw), api->kind == RL_API_SPAWN ? index : -1, &handle_place);
                rl_sb_free(&raw);
            }
        } else {
            rlw_expr(w, a, USE_READ, NULL);
        }
    }
    if (api->kind == RL_API_SPAWN && api->arg >= 0 && api->arg < nargs && !rl_sb_str(&argv.value)[0]) {
        /* An integer passed as the argument, `(void *)(intptr_t)i`, or a
         * pointer local holding only integers (`void *arg = (void
         * *)(unsigned long)j;`, redis's bio workers): its variable, so the
         * model can tell one value per instance. */
        CXCursor s = rl_cursor_strip(rlw_call_arg(c, api->arg));
        CXType st = clang_getCanonicalType(clang_getCursorType(s));
        int integer = st.kind >= CXType_Bool && st.kind <= CXType_Int128;
        CXCursor d = clang_getCursorKind(s) == CXCursor_DeclRefExpr ? clang_getCursorReferenced(s) : clang_getNullCursor();
        if (!integer && !clang_Cursor_isNull(d) && rlw_is_automatic(d)) integer = rlw_holds_only_integers(w, d);
        long long constant;
        if (integer && !clang_Cursor_isNull(d) && rlw_is_automatic(d))
            rl_sb_printf(&argv.value, "#L:%s", rlw_intern_cx(w, clang_getCursorSpelling(s)));
        else if (integer && rlw_const_int(s, &constant))
            /* `(void *)1L`: the thread's value, as a constant passed for
             * an integer parameter is (facts.h, "#="; format 37) */
            rl_sb_printf(&argv.value, RL_INT_CONSTANT_ARG "%lld", constant);
    }
    rl_node_kind kind = api->kind == RL_API_SPAWN ? RL_N_SPAWN : api->kind == RL_API_JOIN ? RL_N_JOIN : RL_N_ONCE;
    int32_t id = rlw_emit(w, kind, c);
    if (id >= 0) {
        rl_node *n = &w->fn->nodes[id];
        n->api = rl_intern(w->facts->pool, name);
        n->callee = usr;
        n->display = fname;
        n->target = target;
        n->fnptr = fnptr;
        if (kind == RL_N_SPAWN) {
            /* `if (pthread_create(...) != 0) { free(arg); }`: a condition
             * may test whether the thread started (rlw_set_try) */
            w->last_trylock = id;
            if (api->arg >= 0 && api->arg < nargs && rlw_spawn_arg_repeats(w, rlw_call_arg(c, api->arg)))
                n->flags |= RL_SPAWN_ARG_REPEATS;
            n->aux = api->arg >= 0 && api->arg < nargs ? rlw_arg_constant_element(rlw_call_arg(c, api->arg)) : -1;
            n->text = ftype;
            const char *vals[2] = {rl_sb_str(&argv.value), rl_sb_str(&handle_place)};
            rlw_set_args(w, id, vals, 2);
        } else {
            n->text = rl_intern(w->facts->pool, rl_sb_str(&handle_place));
        }
    }
    rlw_out_free(&argv);
    rlw_out_free(&handle);
    rl_sb_free(&handle_place);
}

/* Whether argument a is a string: a pointer to a character type (an array
 * of them decays to one), what printf's `%s` reads. */
static int is_string(CXCursor a)
{
    CXType t = clang_getCanonicalType(clang_getCursorType(a));
    if (t.kind != CXType_Pointer) return 0;
    enum CXTypeKind k = clang_getCanonicalType(clang_getPointeeType(t)).kind;
    return k == CXType_Char_S || k == CXType_Char_U || k == CXType_SChar || k == CXType_UChar;
}

/* Walks argument i of call c as a read, leaving its place, display and
 * value in o; when the model says the call reads or writes what the
 * argument points to (memcpy, realloc, free: api->reads, api->writes),
 * that object's access is emitted too, after the argument's own reads. */
static void walk_modelled_arg(walker *w, CXCursor c, const rl_api_fn *api, int i, expr_out *o)
{
    CXCursor a = rlw_call_arg(c, i);
    rlw_expr(w, a, USE_READ, o);
    uint32_t bit = i < 32 ? 1u << i : 0;
    /* printf's and snprintf's variadic strings are read through */
    int string = api && api->strings_from >= 0 && i >= api->strings_from && is_string(a);
    if (!api || (!(api->reads & bit) && !(api->writes & bit) && !string)) return;
    rl_strbuf place = RL_STRBUF_INIT;
    rlw_deref_place(w, rl_sb_str(&o->value), clang_getCursorType(a), &place);
    use_mode m = (api->writes & bit) ? ((api->reads & bit) || string ? USE_RMW : USE_WRITE) : USE_READ;
    CXType pointee = clang_getPointeeType(clang_getCursorType(rl_cursor_strip(a)));
    /* through a claimed pointer (`free(j)` of the job a claim gave), the
     * claim's own object, as its member accesses are (walk_flag_claim.c) */
    uint8_t claimed = rlw_type_is_pointer(clang_getCursorType(a)) && rlw_pointer_claimed(w, a) ? RL_ACC_CLAIMED : 0;
    int32_t id = rlw_emit_access(w, a, rl_sb_str(&place), rl_sb_str(&o->display), m,
                                 (rlw_access_type_flags(pointee) & RL_ACC_VOLATILE) | claimed);
    if (id >= 0 && (api->writes & bit) && (api->kind == RL_API_FREE || api->kind == RL_API_ALLOC))
        w->fn->nodes[id].flags |= RL_ACC_RELEASE;
    rl_sb_free(&place);
}

/* Whether a call passes the address of an element marked[i] says it
 * hands on (its loop round's own: `submit(p, &jobs[i])`, facts.h
 * RL_CALL_ROUND_ELEMENT; or one of constant index: `publish(&objs[1])`,
 * rl_node.element) and no unmarked argument points into the same array
 * (`jobs` itself). */
static int hands_element_alone(const char *const *vals, const uint8_t *marked, int nargs)
{
    int any = 0;
    for (int i = 0; i < nargs; i++) {
        if (!marked[i]) continue;
        any = 1;
        size_t base = strcspn(vals[i] + 1, "[*.") + 1; /* "&H3_4" of "&H3_4[].f" */
        for (int j = 0; j < nargs; j++) {
            const char *v = vals[j][0] == '&' ? vals[j] + 1 : vals[j];
            if (j != i && !marked[j] && strncmp(v, vals[i] + 1, base - 1) == 0 && strchr("[*.", v[base - 1]))
                return 0;
        }
    }
    return any;
}

/* The constant index of the one element a call hands on (rl_node.element):
 * exactly one argument is the address of an element of constant index
 * (element[i] >= 0) and no other argument points into its array; else -1.
 * Two such arguments (`swap(&a[0], &a[1])`) hand on two elements. */
static int32_t handed_constant_element(const char *const *vals, const int32_t *element, int nargs)
{
    int32_t found = -1;
    uint8_t *marked = rl_xcalloc((size_t)nargs + 1, 1);
    int nmarked = 0;
    for (int i = 0; i < nargs; i++)
        if (element[i] >= 0 && vals[i][0] == '&') {
            marked[i] = 1;
            nmarked++;
            found = element[i];
        }
    if (nmarked != 1 || !hands_element_alone(vals, marked, nargs)) found = -1;
    free(marked);
    return found;
}

/* Every argument of a call the model describes by its accesses alone
 * (memcpy) or by an allocation (realloc), walked with what it reaches. */
static void walk_modelled_args(walker *w, CXCursor c, const rl_api_fn *api, int nargs)
{
    for (int i = 0; i < nargs; i++) {
        expr_out o;
        rlw_out_init(&o);
        walk_modelled_arg(w, c, api, i, &o);
        rlw_out_free(&o);
    }
}

/* A call to a function that keeps its state in a hidden static object
 * (rand's seed, strtok's position, localtime's struct tm): an access to
 * that object, a reserved global named after the model's `state`, at the
 * call. Two threads calling such functions race as they would on a global
 * of their own (POSIX's functions that need not be thread-safe). */
static void emit_hidden_state(walker *w, CXCursor c, const rl_api_fn *api)
{
    rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
    rl_sb_printf(&place, RL_HIDDEN_STATE_PREFIX "%s", api->state);
    rl_sb_printf(&display, "%s (hidden in %s)", api->state, api->name);
    rlw_emit_access(w, c, rl_sb_str(&place), rl_sb_str(&display), api->state_read_only ? USE_READ : USE_RMW, 0);
    rl_sb_free(&place);
    rl_sb_free(&display);
}

/* The value of a call's pointer result, resolved by the model from the
 * callee's returns (facts.h, "@" values). Arguments that are themselves
 * call results are left unknown, so these values never nest. */
static void call_value(walker *w, CXCursor c, const char *callee, const rl_strbuf *args, int nargs, rl_strbuf *out)
{
    rl_loc loc = rlw_loc_of(w, c);
    CXType pointee = clang_getPointeeType(clang_getCanonicalType(clang_getCursorType(c)));
    rl_sb_printf(out, "@%u_%u" RL_CALL_SEP "%s" RL_CALL_SEP "%s", loc.line, loc.col, callee, rlw_type_key(w, pointee));
    for (int i = 0; i < nargs; i++) {
        const char *a = rl_sb_str(&args[i]);
        rl_sb_printf(out, RL_CALL_SEP "%s", strchr(a, RL_CALL_END[0]) || a[0] == '#' ? "" : a);
    }
    rl_sb_append(out, RL_CALL_END);
}

/* The RL_CALL_NORETURN / RL_CALL_EXITS flags of a direct call: from the
 * API model when it has an entry, else from the callee's declaration
 * (cached per callee). */
static uint8_t noreturn_flags(walker *w, CXCursor callee, const rl_api_fn *api)
{
    if (api && api->kind == RL_API_EXIT) return RL_CALL_NORETURN | RL_CALL_EXITS;
    if (api && (api->kind == RL_API_THREAD_EXIT || api->kind == RL_API_JUMP)) return RL_CALL_NORETURN;
    if (api) return 0;
    void **slot = rl_ptrmap_slot(&w->noreturn, rlw_intern_cx(w, clang_getCursorUSR(callee)));
    if (!*slot) *slot = rl_annotation_noreturn(w->tu, callee) ? (void *)NORETURN_YES : (void *)rlw_no_annotation;
    return *slot == NORETURN_YES ? RL_CALL_NORETURN : 0;
}

/* Whether parameter i of the function a call reaches is a function
 * pointer (declared `void (*cb)(int)` or `void cb(int)`). */
static int param_is_function_pointer(CXCursor callee, int direct, int i)
{
    if (!direct) return 0;
    CXType ft = clang_getCanonicalType(clang_getCursorType(callee));
    CXType pt = clang_getCanonicalType(clang_getArgType(ft, (unsigned)i));
    if (pt.kind == CXType_Pointer) pt = clang_getPointeeType(pt);
    return rlw_type_is_function(pt);
}

/* Enters (LOCK) or leaves (UNLOCK) the process-wide atomic section: one
 * lock that every atomic section holds (apimodel.h), so that two sections
 * never run together. */
static void emit_atomic_section(walker *w, CXCursor c, const char *name, rl_api_kind kind)
{
    rl_api_fn section;
    memset(&section, 0, sizeof section);
    section.kind = kind;
    section.lock = -1;
    rlw_emit_lock(w, c, &section, name, RL_ATOMIC_SECTION_LOCK, "atomic section");
}

/* Whether a direct call hands its arguments to code racelint cannot see
 * and knows nothing about: a function declared outside the system headers
 * (the project's own extern declaration), with no body in this unit and no
 * API model. The model checks that no other unit defines it. */
static int callee_is_unseen(CXCursor callee, const rl_api_fn *api)
{
    if (api || !clang_Cursor_isNull(clang_getCursorDefinition(callee))) return 0;
    return !clang_Location_isInSystemHeader(clang_getCursorLocation(clang_getCanonicalCursor(callee)));
}

/* One RL_SPAWN_CALLBACK node: the function `usr` (or, with usr NULL, what
 * the slot `target` holds) handed to the function `via`. No argument and
 * no handle: the thread is never joined. */
static void emit_callback_spawn(walker *w, CXCursor c, const char *via, const char *usr, const char *name,
                                const char *type, const char *target)
{
    int32_t id = rlw_emit(w, RL_N_SPAWN, c);
    if (id < 0) return;
    rl_node *n = &w->fn->nodes[id];
    n->flags = RL_SPAWN_CALLBACK;
    n->guard = via;
    n->callee = usr;
    n->display = name;
    n->text = type;
    n->target = target;
    const char *vals[2] = {"", ""};
    rlw_set_args(w, id, vals, 2);
}

typedef struct callback_fields {
    walker *w;
    CXCursor call;
    const char *via;
} callback_fields;

/* clang_Type_visitFields visitor: a callback spawn per member that holds
 * a function, through the member's slot (field-based: what any object's
 * member holds). */
static enum CXVisitorResult visit_callback_field(CXCursor field, CXClientData data)
{
    callback_fields *cf = data;
    const char *slot = rl_fnflow_field_slot(cf->w->facts, field);
    if (slot) {
        CXType t = clang_getCanonicalType(clang_getCursorType(field));
        if (t.kind == CXType_Pointer) t = clang_getPointeeType(t);
        emit_callback_spawn(cf->w, cf->call, cf->via, NULL, NULL, rlw_type_key(cf->w, t), slot);
    }
    return CXVisit_Continue;
}

/* Whether an argument is `&x` for a variable x: a table of operations
 * registered by address (`register_dev(&dev_ops)`), not any pointer to a
 * struct that happens to have a callback member (a lua_State's hook). */
static int names_variable_address(CXCursor arg)
{
    CXCursor s = rl_cursor_strip(arg);
    if (clang_getCursorKind(s) != CXCursor_UnaryOperator || clang_getCursorUnaryOperatorKind(s) != CXUnaryOperator_AddrOf)
        return 0;
    child_list l;
    rlw_children_of(s, &l);
    int named = 0;
    if (l.len == 1) {
        CXCursor e = rl_cursor_strip(rlw_child_at(&l, 0));
        named = clang_getCursorKind(e) == CXCursor_DeclRefExpr &&
                clang_getCursorKind(clang_getCursorReferenced(e)) == CXCursor_VarDecl;
    }
    rlw_children_free(&l);
    return named;
}

/* A function handed to unseen code (callee_is_unseen) may be called by it
 * at any time, from a thread of its own: an event library's handler, a
 * driver's operations registered with a kernel (Goblint's unknown
 * function semantics). Each function argument, and each member holding a
 * function of a variable whose address is an argument, becomes a callback
 * spawn after the call. */
static void emit_callback_spawns(walker *w, CXCursor c, CXCursor callee, int nargs)
{
    const char *via = rlw_intern_cx(w, clang_getCursorUSR(callee));
    for (int i = 0; i < nargs; i++) {
        CXCursor a = rlw_call_arg(c, i);
        const char *usr = NULL, *name = NULL, *type = NULL;
        if (function_operand(w, a, &usr, &name, &type)) {
            emit_callback_spawn(w, c, via, usr, name, type, NULL);
            continue;
        }
        if (!names_variable_address(a)) continue;
        CXType t = clang_getCanonicalType(clang_getCursorType(a));
        if (t.kind != CXType_Pointer) continue;
        CXType rec = clang_getCanonicalType(clang_getPointeeType(t));
        if (rec.kind != CXType_Record) continue;
        callback_fields cf = {w, c, via};
        clang_Type_visitFields(rec, visit_callback_field, &cf);
    }
}

/* The parameters a library's callback is handed at most, as values of
 * arguments: a comparator's two. */
#define MAX_PASSED 8

/* A library function that runs one of its arguments before it returns
 * (model key `calls` on an `access` entry: `qsort`'s comparator): a call
 * of that function here, in the caller's thread, handed what the
 * arguments the model's `passes` lists point into (the array's elements),
 * as the library will. The comparator's reads of a global, or of the
 * array, are its own accesses at its lines (round 25's r03, round 27's
 * r02: they were reported at the `qsort` call, or not at all). */
static void emit_library_callback(walker *w, CXCursor c, const rl_api_fn *api, int nargs)
{
    if (api->calls < 0 || api->calls >= nargs) return;
    CXCursor fexpr = rlw_call_arg(c, api->calls);
    const char *usr = NULL, *name = NULL, *type = NULL;
    int direct = function_operand(w, fexpr, &usr, &name, &type);
    const char *fnptr = NULL;
    if (!direct) {
        expr_out fo;
        rlw_out_init(&fo);
        rlw_expr_silent(w, fexpr, &fo);
        fnptr = fnptr_value(w, &fo);
        rlw_out_free(&fo);
        if (!fnptr) return; /* nothing known runs: no call to name */
    }
    const char *passed[MAX_PASSED], *vals[MAX_PASSED];
    int nvals = 0;
    for (int i = 0; i < nargs && i < (int)(sizeof api->passes * CHAR_BIT) && nvals < MAX_PASSED; i++) {
        if (!(api->passes & (1u << i))) continue;
        expr_out o;
        rlw_out_init(&o);
        rlw_expr_silent(w, rlw_call_arg(c, i), &o);
        passed[nvals++] = rl_intern(w->facts->pool, rl_sb_str(&o.value));
        rlw_out_free(&o);
    }
    /* the last argument listed goes to every parameter after it */
    CXType ft = clang_getCanonicalType(clang_getCursorType(fexpr));
    if (ft.kind == CXType_Pointer) ft = clang_getCanonicalType(clang_getPointeeType(ft));
    int nparams = clang_getNumArgTypes(ft);
    if (nparams < 0 || nparams > MAX_PASSED) nparams = nvals;
    for (int j = 0; j < nparams; j++) vals[j] = nvals ? passed[j < nvals ? j : nvals - 1] : "";
    int32_t id = rlw_emit(w, RL_N_CALL, c);
    if (id >= 0) {
        rl_node *n = &w->fn->nodes[id];
        if (direct) {
            n->callee = usr;
            n->display = name;
        } else {
            n->text = type;
            n->target = rl_fnflow_slot(w->facts, fexpr);
            n->fnptr = fnptr;
            n->flags = RL_CALL_INDIRECT;
        }
        rlw_set_args(w, id, vals, nparams);
    }
}

/* Whether e is an integer constant other than 1. */
static int many(CXCursor e)
{
    long long k;
    return !(rlw_const_int(rl_cursor_strip(e), &k) && k == 1);
}

/* Whether allocation call c makes an array: a count of elements other
 * than 1 (`calloc(n, sizeof *jobs)`), or a size that is a product
 * (`malloc(n * sizeof *jobs)`). Its value then points to its elements,
 * which share one name as a local array's do (`&H12_3[]`): `jobs[i].id`,
 * `jobs->id` and what a thread handed `&jobs[i]` reads are one location,
 * and each thread of a spawn loop gets its own element (discovery.c). */
static int allocates_array(CXCursor c, const rl_api_fn *api, int nargs)
{
    if (api->elements >= 0 && api->elements < nargs) return many(rlw_call_arg(c, api->elements));
    CXCursor x, y;
    return api->size >= 0 && api->size < nargs &&
           rlw_binary_operands(rl_cursor_strip(rlw_call_arg(c, api->size)), CXBinaryOperator_Mul, &x, &y) &&
           many(x) && many(y);
}

/* The nargs arguments of call c, in an array the caller frees. */
static CXCursor *call_args(CXCursor c, int nargs)
{
    CXCursor *args = rl_xcalloc((size_t)nargs + 1, sizeof *args);
    for (int i = 0; i < nargs; i++) args[i] = rlw_call_arg(c, i);
    return args;
}

/* Whether a model says only what a library function does to memory
 * (reads and writes through its arguments, an allocation, a release):
 * the library's, which a function of the unit's own (static) never is,
 * whatever its name (a program's `static void send(...)`: its body runs,
 * round 20's r7). A model making a function a lock, a wait, a start or an
 * atomic section applies by name, as a project declares its own wrappers
 * (`__VERIFIER_atomic_*`, svcomp.yaml). */
static int library_effects_only(const rl_api_fn *api)
{
    return api->kind == RL_API_ACCESS || api->kind == RL_API_ALLOC || api->kind == RL_API_FREE ||
           api->kind == RL_API_ATOMIC;
}

void rlw_walk_call(walker *w, CXCursor c, expr_out *out)
{
    int nargs = clang_Cursor_getNumArguments(c);
    if (nargs < 0) nargs = 0;
    CXCursor callee = clang_getCursorReferenced(c);
    int direct = clang_getCursorKind(callee) == CXCursor_FunctionDecl;
    const char *name = direct ? rlw_intern_cx(w, clang_getCursorSpelling(callee)) : NULL;
    const rl_api_fn *api = name ? rlw_lookup_api(w, name) : NULL;
    if (api && direct && library_effects_only(api) && clang_Cursor_getStorageClass(callee) == CX_SC_Static)
        api = NULL;
    if (!api && direct) {
        const rl_lock_annotation *ann = rlw_annotation_of(w, callee, name);
        if (ann) {
            rlw_walk_annotated_call(w, c, ann, name, nargs);
            return;
        }
    }
    if (api) {
        switch (api->kind) {
        case RL_API_LOCK:
        case RL_API_UNLOCK:
        case RL_API_TRYLOCK: {
            CXCursor *args = call_args(c, nargs);
            if (rlw_spin_gate(w, api, args, nargs, rlw_spin_call_order(name, args, nargs)))
                rlw_walk_sync_call(w, c, api, name, nargs);
            else rlw_walk_atomic_call(w, c, name, args, nargs, out);
            free(args);
            return;
        }
        case RL_API_SPAWN:
        case RL_API_JOIN:
        case RL_API_ONCE:
            walk_spawn_like(w, c, api, name, nargs);
            return;
        case RL_API_ATOMIC: {
            CXCursor *args = call_args(c, nargs);
            rlw_walk_atomic_call(w, c, name, args, nargs, out);
            free(args);
            return;
        }
        case RL_API_ALLOC: {
            walk_modelled_args(w, c, api, nargs);
            rl_loc loc = rlw_loc_of(w, c);
            char object[48]; /* "H<line>_<col>", the object's name (facts.h) */
            snprintf(object, sizeof object, "H%u_%u", loc.line, loc.col);
            if (api->zeroed && !w->silent) rl_facts_add_zeroed(w->facts, w->fn, object);
            if (out) {
                rl_sb_printf(&out->value, "&%s", object);
                if (allocates_array(c, api, nargs)) rl_sb_append(&out->value, "[]");
            }
            return;
        }
        case RL_API_ACCESS:
            walk_modelled_args(w, c, api, nargs);
            if (api->state) emit_hidden_state(w, c, api);
            emit_library_callback(w, c, api, nargs);
            return;
        case RL_API_LOCKINIT:
        case RL_API_LOCKDESTROY:
        case RL_API_SEMINIT:
            rlw_walk_lockinit(w, c, api, name, nargs);
            return;
        case RL_API_SETJMP:
            rlw_walk_setjmp(w, c, api, name, nargs);
            return;
        case RL_API_REGISTER:
        case RL_API_ATTACH:
        case RL_API_DISPATCH:
            rlw_walk_event_loop_call(w, c, api, nargs, out);
            return;
        case RL_API_ATOMIC_BEGIN:
        case RL_API_ATOMIC_END:
            for (int i = 0; i < nargs; i++) rlw_expr(w, rlw_call_arg(c, i), USE_READ, NULL);
            emit_atomic_section(w, c, name, api->kind == RL_API_ATOMIC_BEGIN ? RL_API_LOCK : RL_API_UNLOCK);
            return;
        case RL_API_ATOMIC_FUNCTION:
            /* The call below runs inside the section. */
            emit_atomic_section(w, c, name, RL_API_LOCK);
            break;
        default:
            break;
        }
    }
    /* An ordinary call: arguments are read, pointer values passed along
     * (a `free` also writes the object it releases, as its model says). */
    const char **vals = rl_xcalloc((size_t)nargs + 1, sizeof *vals);
    rl_strbuf *bufs = rl_xcalloc((size_t)nargs + 1, sizeof *bufs);
    uint8_t *round = rl_xcalloc((size_t)nargs + 1, 1); /* args `&jobs[i]` (RL_ROUND_ELEMENT) */
    int32_t *element = rl_xcalloc((size_t)nargs + 1, sizeof *element); /* args `&objs[1]`: 1 */
    for (int i = 0; i < nargs; i++) {
        expr_out o;
        rlw_out_init(&o);
        walk_modelled_arg(w, c, api, i, &o);
        rl_sb_append(&bufs[i], rl_sb_str(&o.value));
        round[i] = (uint8_t)(o.round_element && bufs[i].len && rl_sb_str(&bufs[i])[0] == '&');
        element[i] = rlw_arg_constant_element(rlw_call_arg(c, i));
        CXType at = clang_getCursorType(rlw_call_arg(c, i));
        if (!bufs[i].len && rl_cursor_is_null_constant(rlw_call_arg(c, i)) && param_is_function_pointer(callee, direct, i)) {
            /* NULL for a callback: "fn:" names no function, so a call
             * through the parameter reaches nothing in this context. */
            rl_sb_append(&bufs[i], RL_NULL_FUNCTION);
        } else if (!bufs[i].len && rl_cursor_is_null_constant(rlw_call_arg(c, i))) {
            /* NULL for an object (`ctx_new(NULL)`): the constant 0, as a
             * thread started with NULL gets ("#="). It points to nothing:
             * a member it is stored in holds no object, and the callee's
             * `if (s)` is decided. Before, it was an object of its type. */
            rl_sb_append(&bufs[i], RL_INT_CONSTANT_ARG "0");
        } else if (!bufs[i].len && rlw_type_is_pointer(at)) {
            /* An untraceable pointer: at least say what it points to. */
            rl_sb_printf(&bufs[i], "{%s}", rlw_type_key(w, clang_getPointeeType(clang_getCanonicalType(at))));
        } else if (!bufs[i].len && rlw_type_is_integer(at)) {
            /* A constant decides the callee's tests of its parameter
             * (`unlink(q, FALSE)`: "#="). An integer copied from a
             * parameter or read through one (`bump(s, a->id)`): as much
             * the instance's own as that parameter, for the callee's
             * `items[id]` (facts.h, "#P<n>"). */
            long long constant;
            int k;
            if (rlw_const_int(rl_cursor_strip(rlw_call_arg(c, i)), &constant))
                rl_sb_printf(&bufs[i], RL_INT_CONSTANT_ARG "%lld", constant);
            else if (i + 1 < nargs && (k = rlw_range_param(w, rlw_call_arg(c, i), rlw_call_arg(c, i + 1))) >= 0)
                rl_sb_printf(&bufs[i], "#P%d" RL_BLOCK_START, k); /* two arguments in a row giving the
                                                                     instance's block (rlw_range_param) */
            else if ((k = rlw_index_param(w, rlw_call_arg(c, i))) >= 0)
                rl_sb_printf(&bufs[i], "#P%d%s", k, rlw_param_itself(w, rlw_call_arg(c, i)) == k ? RL_PARAM_ITSELF : "");
        }
        rlw_out_free(&o);
    }
    const char *ftype = NULL, *target = NULL, *fnptr = NULL;
    if (!direct) {
        /* The callee expression: a function pointer read from somewhere. */
        child_list l;
        rlw_children_of(c, &l);
        if (l.len) {
            CXCursor fexpr = rlw_child_at(&l, 0);
            target = rl_fnflow_slot(w->facts, fexpr);
            expr_out fo;
            rlw_out_init(&fo);
            rlw_expr(w, rl_cursor_callee_pointer(fexpr), USE_READ, &fo);
            fnptr = fnptr_value(w, &fo);
            rlw_out_free(&fo);
            CXType t = clang_getCanonicalType(clang_getCursorType(fexpr));
            if (t.kind == CXType_Pointer) t = clang_getPointeeType(t);
            ftype = rlw_type_key(w, t);
        }
        rlw_children_free(&l);
    }
    if (direct && !api) rlw_note_getter_call(w, c, callee);
    int32_t id = rlw_emit(w, RL_N_CALL, c);
    if (id >= 0) {
        rl_node *n = &w->fn->nodes[id];
        if (direct) {
            n->callee = rlw_intern_cx(w, clang_getCursorUSR(callee));
            n->display = name;
            n->flags = noreturn_flags(w, callee, api);
            if (n->flags & RL_CALL_NORETURN) w->flow_dead = 1;
        } else {
            n->text = ftype;
            n->target = target;
            n->fnptr = fnptr;
            n->flags = RL_CALL_INDIRECT;
        }
        for (int i = 0; i < nargs; i++) vals[i] = rl_sb_str(&bufs[i]);
        rlw_set_args(w, id, vals, nargs);
        if (hands_element_alone(vals, round, nargs)) n->flags |= RL_CALL_ROUND_ELEMENT;
        n->element = handed_constant_element(vals, element, nargs);
        /* `if (sem_trywait(&s) == 0)`: a condition may test whether it
         * waited (rlw_set_try) */
        if (api && api->kind == RL_API_WAIT && api->can_fail) w->last_trylock = id;
    }
    /* A call through a pointer names the slot it reads the function from
     * instead of a function: the model knows whether that slot holds only
     * allocators (yarn's my_malloc_f, curl's Curl_cmalloc). */
    const char *value_of = direct ? rlw_intern_cx(w, clang_getCursorUSR(callee)) : target;
    if (out && value_of && rlw_type_is_pointer(clang_getCursorType(c))) call_value(w, c, value_of, bufs, nargs, &out->value);
    for (int i = 0; i < nargs; i++) rl_sb_free(&bufs[i]);
    free(bufs);
    free(vals);
    free(round);
    free(element);
    if (api && api->kind == RL_API_ATOMIC_FUNCTION) emit_atomic_section(w, c, name, RL_API_UNLOCK);
    if (direct && callee_is_unseen(callee, api)) emit_callback_spawns(w, c, callee, nargs);
    if (direct || (id >= 0 && w->fn->nodes[id].kind == RL_N_CALL && (w->fn->nodes[id].flags & RL_CALL_INDIRECT))) {
        /* `fill(s, ...)` with s a slot the caller claimed: the helper's
         * accesses through it are the claim's too; `w->work_cb(w)` too,
         * the callees told by the model */
        uint32_t claimed = rlw_note_claim_release(w, c, !direct);
        if (claimed && id >= 0) w->fn->nodes[id].aux = (int32_t)claimed;
    }
}

/* The result of a call through a pointer converted to a pointer to a
 * struct or union (`struct item *it = hooks.alloc(n)`): the call value
 * (whose callee field is the slot the function is read from, not a
 * function's "c:" USR) is given that pointee type, so that, when the model
 * finds no allocator behind the slot, the object is known by it, as an
 * untraced pointer of the converted type would be, rather than as
 * `{void}`. */
void rlw_retype_indirect_call(walker *w, CXCursor cast, expr_out *out)
{
    if (!out) return;
    const char *v = rl_sb_str(&out->value);
    const char *callee = v[0] == '@' ? strchr(v, RL_CALL_SEP[0]) : NULL;
    if (!callee || strncmp(callee + 1, "c:", 2) == 0) return;
    const char *type = strchr(callee + 1, RL_CALL_SEP[0]);
    CXType to = clang_getCanonicalType(clang_getCursorType(cast));
    if (!type || to.kind != CXType_Pointer) return;
    const char *key = rlw_type_key(w, clang_getPointeeType(to));
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "{%s}", key);
    int aggregate = rl_type_is_aggregate_key(rl_sb_str(&sb));
    rl_sb_truncate(&sb, 0);
    if (aggregate) {
        type++;
        size_t type_len = strcspn(type, RL_CALL_SEP RL_CALL_END);
        rl_sb_appendn(&sb, v, (size_t)(type - v));
        rl_sb_append(&sb, key);
        rl_sb_append(&sb, type + type_len);
        rl_sb_truncate(&out->value, 0);
        rl_sb_append(&out->value, rl_sb_str(&sb));
    }
    rl_sb_free(&sb);
}
