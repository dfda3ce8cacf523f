/* Expressions of the event walker (walker.h): each expression is walked
 * once, emitting ACCESS events for the memory it reads and writes, and
 * yields the place it designates and the pointer value it computes, in
 * the place and value syntax of facts.h. Calls go to walk_call.c.
 *
 * Invariants:
 *  1. Only places another thread could reach become accesses (walker.h,
 *     invariant 1): rlw_emit_access filters the rest.
 *  2. An expression used only for its address (USE_ADDR) emits no access
 *     of itself; its operands are still read.
 *  3. Nesting deeper than MAX_EXPR_DEPTH is not walked. */
#include "walker.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* ---- event emission ---------------------------------------------------- */

int32_t rlw_emit(walker *w, rl_node_kind kind, CXCursor at)
{
    if (w->silent) return -1;
    return rl_fn_add_node(w->fn, kind, w->cur, rlw_loc_of(w, at));
}

/* An ACCESS node of place with these flags, whatever the place. */
static int32_t emit_access_node(walker *w, CXCursor at, const char *place, const char *display, uint8_t flags)
{
    if (w->silent) return -1;
    /* a place named by type through a list cursor (walk_cursor.c) */
    const char *cursor = place[0] == '{' ? rlw_expr_cursor(w, at) : NULL;
    int32_t id = rlw_emit(w, RL_N_ACCESS, at);
    if (id < 0) return -1;
    rl_node *n = &w->fn->nodes[id];
    n->cursor = cursor;
    n->text = rl_intern(w->facts->pool, place);
    n->display = rl_intern(w->facts->pool, display);
    n->flags = flags;
    if (strchr(place, '[')) n->target = rlw_index_variable(w, at);
    return id;
}

/* Whether place's root is a local whose address never goes out of the
 * expression that takes it (walk_locals.c: not exposed). */
static int local_hidden(const walker *w, const char *place)
{
    if (strncmp(place, "L:", 2) != 0) return 0;
    size_t n = strcspn(place + 2, ".[*");
    for (int i = 0; i < w->nlocals; i++)
        if (w->locals[i].exposed && strlen(w->locals[i].name) == n && strncmp(w->locals[i].name, place + 2, n) == 0)
            return 0;
    return 1;
}

/* Whether the first len characters of local place "L:name..." step into
 * a member or an element of the local ("L:h.slot", "L:a[]"). */
static int steps_into_local(const char *place, size_t len)
{
    return strcspn(place + 2, ".[") < len - 2;
}

/* Whether place is a member or element of a hidden local ("L:h.slot"):
 * no other thread reaches it, but a pointer stored there leads to
 * memory that may be shared ("L:h.slot*": `*h.slot += 1`). */
static int hidden_local_part(const walker *w, const char *place)
{
    return local_hidden(w, place) && !strchr(place, '*') && steps_into_local(place, strlen(place));
}

/* A place is worth recording when another thread could reach it. An
 * object of unknown origin is only identified by its type, and only a
 * struct or union type says enough: "any char buffer" or "any int" would
 * pair every string with every other. A hidden local is not, but what a
 * pointer in one of its members or elements points to may be (a plain
 * local pointer's deref is named by the pointer's value instead:
 * walk_locals.c). */
static int place_is_shared_candidate(walker *w, const char *place)
{
    if (!place || !*place) return 0;
    if (place[0] == '{' && !rl_type_is_aggregate_key(place)) return 0;
    if (local_hidden(w, place)) {
        const char *star = strchr(place, '*');
        return star && steps_into_local(place, (size_t)(star - place));
    }
    return 1;
}

/* The store of a pointer value into a hidden local's member or element
 * (hidden_local_part): a store for the model to follow, no access
 * (RL_ACC_STORE_ONLY). -1 when place is no such part. */
static int32_t emit_hidden_local_store(walker *w, CXCursor at, const char *place, const char *display,
                                       const char *value)
{
    if (w->silent || !value || !value[0] || !hidden_local_part(w, place)) return -1;
    int32_t id = emit_access_node(w, at, place, display, RL_ACC_WRITE);
    if (id < 0) return -1;
    w->fn->nodes[id].api = rl_intern(w->facts->pool, RL_ACC_STORE_ONLY);
    rlw_set_args(w, id, &value, 1);
    return id;
}

void rlw_mark_zero_store(walker *w, int32_t id, CXCursor value)
{
    long long v = -1;
    if (rlw_const_int(rl_cursor_strip(value), &v) && v == 0) w->fn->nodes[id].api = rl_intern(w->facts->pool, RL_ATOMIC_ZERO);
}

/* `done = 1;` on a plain object: RL_STORE_FLAG (facts.h). */
static void mark_flag_store(walker *w, int32_t id, CXCursor value)
{
    long long v = 0;
    if (rlw_const_int(rl_cursor_strip(value), &v) && v != 0)
        w->fn->nodes[id].api =
            rl_intern(w->facts->pool, rl_api_is_round(w->fn->nodes[id].api) ? RL_ROUND_FLAG : RL_STORE_FLAG);
    rlw_note_start_store(w, id, value);
}

void rlw_note_start_store(walker *w, int32_t id, CXCursor value)
{
    long long v = 0;
    if (id < 0 || w->silent || w->nstart_stores == RL_MAX_START_STORES || !w->fn->nodes[id].text ||
        !rlw_const_int(rl_cursor_strip(value), &v) || v == 0)
        return;
    for (int32_t q = w->fn->nodes[id].parent; q > 0; q = w->fn->nodes[q].parent)
        if (w->fn->nodes[q].kind != RL_N_SEQ) return;
    w->start_stores[w->nstart_stores++] = w->fn->nodes[id].text;
}

void rlw_mark_round_element(walker *w, int32_t node, int round)
{
    if (node >= 0 && round && !w->fn->nodes[node].api) w->fn->nodes[node].api = rl_intern(w->facts->pool, RL_ROUND_ELEMENT);
}

/* Whether idx is the bare counter of the innermost loop around, a `for`
 * stepping it (loop_scope.counter): each round indexes its own element. */
static int indexed_by_round(const walker *w, CXCursor idx)
{
    CXCursor s = rl_cursor_strip(idx);
    return !clang_Cursor_isNull(w->loop.counter) && clang_getCursorKind(s) == CXCursor_DeclRefExpr &&
           clang_equalCursors(clang_getCursorReferenced(s), w->loop.counter);
}

/* Returns the ACCESS node emitted, or -1. type_flags: RL_ACC_ATOMIC and
 * RL_ACC_VOLATILE from the object's type, RL_ACC_CLAIMED from its index;
 * others are ignored. */
int32_t rlw_emit_access(walker *w, CXCursor at, const char *place, const char *display, use_mode mode,
                        uint8_t type_flags)
{
    if (w->silent || mode == USE_ADDR || !place_is_shared_candidate(w, place)) return -1;
    return emit_access_node(
        w, at, place, display,
        (uint8_t)((mode == USE_WRITE ? RL_ACC_WRITE : mode == USE_RMW ? (RL_ACC_WRITE | RL_ACC_READ) : RL_ACC_READ) |
                  (type_flags & (RL_ACC_ATOMIC | RL_ACC_VOLATILE | RL_ACC_CLAIMED))));
}

int32_t rlw_emit_store(walker *w, CXCursor at, const char *place, const char *display, const char *value,
                       int store_only)
{
    int32_t id = rlw_emit_access(w, at, place, display, USE_WRITE, 0);
    if (id < 0) return emit_hidden_local_store(w, at, place, display, value);
    rlw_set_args(w, id, &value, 1);
    if (store_only) w->fn->nodes[id].api = rl_intern(w->facts->pool, RL_ACC_STORE_ONLY);
    return id;
}

/* ---- expressions (expr_out: walker.h) ------------------------------------ */

void rlw_out_init(expr_out *o)
{
    memset(o, 0, sizeof *o);
    o->index = -1;
}

void rlw_out_free(expr_out *o)
{
    rl_sb_free(&o->place);
    rl_sb_free(&o->display);
    rl_sb_free(&o->value);
}

void rlw_expr_silent(walker *w, CXCursor c, expr_out *out)
{
    int saved = w->silent;
    w->silent = 1;
    rlw_expr(w, c, USE_READ, out);
    w->silent = saved;
}

/* The place reached by dereferencing a pointer value of type ptr_type. */
void rlw_deref_place(walker *w, const char *value, CXType ptr_type, rl_strbuf *place)
{
    if (value[0] == '&') {
        rl_sb_append(place, value + 1);
    } else if (value[0] && value[0] != '{') {
        rl_sb_append(place, value);
        rl_sb_appendc(place, '*');
    } else {
        CXType pointee = clang_getPointeeType(clang_getCanonicalType(ptr_type));
        rl_sb_printf(place, "{%s}", rlw_type_key(w, pointee));
    }
}

/* Walks all children of c as reads. */
void rlw_read_children(walker *w, CXCursor c)
{
    child_list l;
    rlw_children_of(c, &l);
    for (int i = 0; i < l.len; i++) {
        CXCursor k = rlw_child_at(&l, i);
        if (clang_isExpression(clang_getCursorKind(k))) rlw_expr(w, k, USE_READ, NULL);
        else if (clang_isStatement(clang_getCursorKind(k))) rlw_stmt(w, k);
    }
    rlw_children_free(&l);
}

/* The value of a named variable (when it is a pointer). */
static void var_value(walker *w, CXCursor decl, const char *place, expr_out *out)
{
    local_var *v = rlw_is_automatic(decl) ? rlw_find_local(w, decl) : NULL;
    if (!v) {
        rl_sb_append(&out->value, place); /* a global pointer: its stored value */
        return;
    }
    if (v->param_index >= 0 && !v->addr_of_ptr) {
        /* A parameter never reassigned keeps its incoming value. */
        if (v->nassigns == 0) {
            rl_sb_printf(&out->value, "P%d", v->param_index);
            return;
        }
    }
    if (v->straight && !w->in_alias) {
        /* Assigned only by statements of the body itself: the value the
         * walk assigned last (`p = A->next; ... p = B->next;`). */
        if (v->current) rl_sb_append(&out->value, v->current);
        else if (v->param_index >= 0) rl_sb_printf(&out->value, "P%d", v->param_index);
        out->round_element = v->current && v->current == v->round_value &&
                             !clang_Cursor_isNull(w->loop.counter) && clang_equalCursors(v->round_counter, w->loop.counter);
        return;
    }
    const char *alias = rlw_local_alias(w, v, 0);
    if (alias) rl_sb_append(&out->value, alias);
}

/* The declaring file's base name, made an identifier (`stats.c` ->
 * `stats_c`), to tell apart file-scope statics of the same name. */
static void append_file_tag(walker *w, CXCursor decl, rl_strbuf *out)
{
    CXFile file;
    clang_getExpansionLocation(clang_getCursorLocation(decl), &file, NULL, NULL, NULL);
    const char *path = file ? rlw_intern_cx(w, clang_getFileName(file)) : w->facts->main_file;
    const char *base = strrchr(path, '/');
    for (const char *p = base ? base + 1 : path; *p; p++) rl_sb_appendc(out, isalnum((unsigned char)*p) ? *p : '_');
}

void rlw_set_index(walker *w, int32_t id, long long index)
{
    if (id >= 0) w->fn->nodes[id].aux = (int32_t)index;
}

/* The place of variable d, named name. */
void rlw_var_place(walker *w, CXCursor d, const char *name, rl_strbuf *place)
{
    if (rlw_is_automatic(d)) {
        rl_sb_printf(place, "L:%s", name);
    } else if (clang_getCursorKind(clang_getCursorSemanticParent(d)) == CXCursor_FunctionDecl) {
        rl_sb_printf(place, "G:%s'%s", name, w->fn_name); /* static local: one per function */
    } else if (clang_Cursor_getStorageClass(d) == CX_SC_Static) {
        /* internal linkage: one per file (two files' `static int count`
         * are different objects) */
        rl_sb_printf(place, "G:%s'", name);
        append_file_tag(w, d, place);
    } else {
        rl_sb_printf(place, "G:%s", name);
    }
}

/* The pointers a compound literal or a copy of another struct assigned
 * as a whole struct stores (`args[i] = (struct arg){&svc, i}`, `ev =
 * slot`; its write is the whole object's, emitted by the caller), so that
 * a thread handed the object follows them as it would members assigned
 * one by one. */
static void struct_member_stores(walker *w, CXCursor lhs, CXCursor rhs, const expr_out *l)
{
    CXType t = clang_getCanonicalType(clang_getCursorType(lhs));
    CXCursor s = rl_cursor_strip(rhs);
    if (t.kind != CXType_Record) return;
    if (clang_getCursorKind(s) != CXCursor_CompoundLiteralExpr) {
        /* a struct copied whole (walk_init.c) */
        rlw_init_member_writes(w, s, t, rl_sb_str(&l->place), rl_sb_str(&l->display), 1);
        return;
    }
    child_list k;
    rlw_children_of(s, &k);
    CXCursor init = k.len ? rlw_child_at(&k, k.len - 1) : clang_getNullCursor();
    if (!clang_Cursor_isNull(init) && clang_getCursorKind(init) == CXCursor_InitListExpr)
        rlw_init_member_writes(w, init, t, rl_sb_str(&l->place), rl_sb_str(&l->display), 1);
    rlw_children_free(&k);
}

static void walk_declref(walker *w, CXCursor c, use_mode mode, expr_out *out)
{
    CXCursor d = clang_getCursorReferenced(c);
    enum CXCursorKind dk = clang_getCursorKind(d);
    if (dk == CXCursor_FunctionDecl) {
        /* A function used as a value: its address is taken, and the value
         * names it ("fn:USR"), so that a callee's call through the
         * parameter it arrives in reaches this function alone. */
        const char *usr = rlw_intern_cx(w, clang_getCursorUSR(d));
        if (!w->silent) rl_facts_add_addr_taken(w->facts, usr);
        if (out) rl_sb_printf(&out->value, "fn:%s", usr);
        return;
    }
    if (dk != CXCursor_VarDecl && dk != CXCursor_ParmDecl) return;
    if (clang_getCursorTLSKind(d) != CXTLS_None) return; /* thread-local: private */
    const char *name = rlw_intern_cx(w, clang_getCursorSpelling(d));
    rl_strbuf place = RL_STRBUF_INIT;
    rlw_var_place(w, d, name, &place);
    CXType t = clang_getCursorType(c);
    int is_array = rlw_expr_is_array(c);
    if (out) {
        rl_sb_append(&out->place, rl_sb_str(&place));
        rl_sb_append(&out->display, name);
        if (is_array) rl_sb_printf(&out->value, "&%s[]", rl_sb_str(&place));
        else if (rlw_type_is_pointer(t) ||
                 (dk == CXCursor_ParmDecl && (rlw_type_is_function(t) || rlw_type_is_array(t))))
            var_value(w, d, rl_sb_str(&place), out); /* `void cb(int)` as a parameter is a pointer */
    }
    if (!is_array) rlw_set_guard(w, rlw_emit_access(w, c, rl_sb_str(&place), name, mode, rlw_access_type_flags(t)), d, NULL);
    rl_sb_free(&place);
}

/* The element `b[idx]` an access c reads or writes (a subscript, or the
 * `*(b + idx)` it stands for). */
static void element_access(walker *w, CXCursor c, CXCursor b, CXCursor idx, use_mode mode, expr_out *out)
{
    rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
    long long index = -1;
    /* `i[a]` is legal C: the pointer is whichever side is one. */
    if (!rlw_type_is_pointer(clang_getCursorType(b)) && rlw_type_is_pointer(clang_getCursorType(idx))) {
        CXCursor tmp = b;
        b = idx;
        idx = tmp;
    }
    expr_out index_out;
    rlw_out_init(&index_out);
    rlw_expr(w, idx, USE_READ, &index_out);
    const char *range = NULL; /* a record's range: ":lo:hi" */
    int by_param = rlw_index_param_or_range(w, idx, &range);
    if (by_param < 0 && mode != USE_ADDR) by_param = rlw_block_element_param(w, idx);
    expr_out base;
    rlw_out_init(&base);
    CXCursor sb = rl_cursor_strip(b);
    if (rlw_expr_is_array(sb)) {
        rlw_expr(w, sb, USE_ADDR, &base);
        if (!rl_sb_str(&base.place)[0]) {
            /* not a place we track */
        } else if (by_param >= 0) {
            if (range) rl_sb_printf(&place, "%s[#R%d%s]", rl_sb_str(&base.place), by_param, range);
            else rl_sb_printf(&place, "%s[#P%d]", rl_sb_str(&base.place), by_param);
            if (strchr(rl_sb_str(&base.place), '[')) index = base.index; /* meals[2][id]: still row 2 */
        } else {
            /* table[3] and table[5] are different elements: the place
             * stays table[] (locks in arrays keep one name), the
             * constant index of its first [] goes with the access. */
            long long k;
            if (strchr(rl_sb_str(&base.place), '[')) index = base.index;
            else if (rlw_const_int(rl_cursor_strip(idx), &k) && k >= 0 && k <= INT32_MAX) index = k;
            rl_sb_printf(&place, "%s[]", rl_sb_str(&base.place));
        }
    } else {
        rlw_expr(w, b, USE_READ, &base);
        rlw_deref_place(w, rl_sb_str(&base.value), clang_getCursorType(b), &place);
        /* `res[a->tid]` through a pointer: the element is the one the
         * pointer leads to, and its index the instance's own as an
         * array's would be ("*[#P<n>]", which the model reads as the
         * pointer's element alone: model/resolve.c) */
        if (by_param >= 0 && rl_sb_str(&place)[0] && range) rl_sb_printf(&place, "[#R%d%s]", by_param, range);
        else if (by_param >= 0 && rl_sb_str(&place)[0]) rl_sb_printf(&place, "[#P%d]", by_param);
        /* `mine[i]` over the instance's block (`mine = &A[id * S]`) */
        else if (by_param < 0) by_param = rlw_mark_block_pointer(w, b, idx, &place);
    }
    rl_sb_printf(&display, "%s[]", rl_sb_str(&base.display));
    rlw_out_free(&base);
    CXType t = clang_getCursorType(c);
    int is_array = rlw_type_is_array(t);
    uint8_t flags = rlw_access_type_flags(t) |
                    (by_param < 0 && (rlw_index_claimed(w, idx) || rlw_in_claimed_object(w, sb)) ? RL_ACC_CLAIMED : 0);
    int round = indexed_by_round(w, idx);
    if (!is_array) {
        int32_t node = rlw_emit_access(w, c, rl_sb_str(&place), rl_sb_str(&display), mode, flags);
        rlw_set_index(w, node, index);
        rlw_mark_round_element(w, node, round);
        if (mode == USE_READ && rlw_type_is_pointer(t)) rlw_note_element_read(w, node, idx, rl_sb_str(&index_out.place));
    }
    rlw_out_free(&index_out);
    if (out) {
        out->index = index;
        out->round_element = round;
        rl_sb_append(&out->place, rl_sb_str(&place));
        rl_sb_append(&out->display, rl_sb_str(&display));
        if (is_array) rl_sb_printf(&out->value, "&%s[]", rl_sb_str(&place));
        else if (rlw_type_is_pointer(t)) rl_sb_append(&out->value, rl_sb_str(&place));
    }
    rl_sb_free(&place);
    rl_sb_free(&display);
}

static void walk_subscript(walker *w, CXCursor c, use_mode mode, expr_out *out)
{
    child_list l;
    rlw_children_of(c, &l);
    if (l.len == 2) element_access(w, c, rlw_child_at(&l, 0), rlw_child_at(&l, 1), mode, out);
    rlw_children_free(&l);
}

/* `*(slots + id)` written for `slots[id]`: an array (not a pointer) plus
 * an integer, whose element is the subscript's, the thread's own slot
 * when id is its argument. Into *b and *idx. */
static int array_plus_index(CXCursor operand, CXCursor *b, CXCursor *idx)
{
    CXCursor s = rl_cursor_strip(operand);
    if (clang_getCursorKind(s) != CXCursor_BinaryOperator || clang_getCursorBinaryOperatorKind(s) != CXBinaryOperator_Add)
        return 0;
    child_list l;
    rlw_children_of(s, &l);
    int ok = 0;
    for (int side = 0; l.len == 2 && side < 2 && !ok; side++) {
        CXCursor x = rlw_child_at(&l, side), y = rlw_child_at(&l, 1 - side);
        if (rlw_expr_is_array(x) && !rlw_type_is_pointer(clang_getCursorType(y))) {
            *b = x;
            *idx = y;
            ok = 1;
        }
    }
    rlw_children_free(&l);
    return ok;
}

static void walk_deref(walker *w, CXCursor c, CXCursor operand, use_mode mode, expr_out *out)
{
    CXCursor array, index;
    if (array_plus_index(operand, &array, &index)) {
        element_access(w, c, array, index, mode, out);
        return;
    }
    expr_out base;
    rlw_out_init(&base);
    rlw_expr(w, operand, USE_READ, &base);
    rl_strbuf place = RL_STRBUF_INIT;
    rlw_deref_place(w, rl_sb_str(&base.value), clang_getCursorType(operand), &place);
    rlw_mark_owned_pointer(w, operand, &place);
    CXType t = clang_getCursorType(c);
    rl_strbuf display = RL_STRBUF_INIT;
    rl_sb_printf(&display, "*%s", rl_sb_str(&base.display));
    if (!rlw_type_is_array(t) && !rlw_type_is_function(t) &&
        rlw_emit_access(w, c, rl_sb_str(&place), rl_sb_str(&display), mode, rlw_access_type_flags(t)) >= 0)
        rlw_nested_accesses(w, c, rl_sb_str(&place), rl_sb_str(&display), mode, t);
    if (out) {
        rl_sb_append(&out->place, rl_sb_str(&place));
        rl_sb_append(&out->display, rl_sb_str(&display));
        if (rlw_type_is_array(t)) rl_sb_printf(&out->value, "&%s[]", rl_sb_str(&place));
        else if (rlw_type_is_pointer(t)) rl_sb_append(&out->value, rl_sb_str(&place));
    }
    rlw_out_free(&base);
    rl_sb_free(&place);
    rl_sb_free(&display);
}

static void walk_unary(walker *w, CXCursor c, use_mode mode, expr_out *out)
{
    child_list l;
    rlw_children_of(c, &l);
    if (l.len != 1) {
        rlw_children_free(&l);
        rlw_read_children(w, c);
        return;
    }
    CXCursor operand = rlw_child_at(&l, 0);
    rlw_children_free(&l);
    switch (clang_getCursorUnaryOperatorKind(c)) {
    case CXUnaryOperator_Deref:
        walk_deref(w, c, operand, mode, out);
        break;
    case CXUnaryOperator_AddrOf: {
        expr_out inner;
        rlw_out_init(&inner);
        rlw_expr(w, operand, USE_ADDR, &inner);
        if (out && strncmp(rl_sb_str(&inner.value), "fn:", 3) == 0) {
            rl_sb_append(&out->value, rl_sb_str(&inner.value)); /* &f is f */
        } else if (out && rl_sb_str(&inner.place)[0]) {
            rl_sb_printf(&out->value, "&%s", rl_sb_str(&inner.place));
            rl_sb_append(&out->display, rl_sb_str(&inner.display));
            out->index = inner.index; /* &m[3]: still element 3 */
            out->round_element = inner.round_element;
        }
        rlw_out_free(&inner);
        break;
    }
    case CXUnaryOperator_PostInc:
    case CXUnaryOperator_PostDec:
    case CXUnaryOperator_PreInc:
    case CXUnaryOperator_PreDec: {
        expr_out inner;
        rlw_out_init(&inner);
        rlw_expr(w, operand, USE_RMW, &inner);
        if (out) rl_sb_append(&out->value, rl_sb_str(&inner.value));
        rlw_out_free(&inner);
        break;
    }
    default:
        rlw_expr(w, operand, USE_READ, NULL);
        break;
    }
}

/* `a && b`, `a || b`: b runs on one outcome of a only. Recorded as an IF
 * (condition a; then b for &&, else b for ||), so that what b does
 * happens on that branch alone: `ok || die()` ends one path, not all. */
static void walk_short_circuit(walker *w, CXCursor c, CXCursor lhs, CXCursor rhs, int is_and)
{
    int32_t node = rlw_emit(w, RL_N_IF, c);
    if (node < 0) {
        rlw_expr(w, lhs, USE_READ, NULL);
        rlw_expr(w, rhs, USE_READ, NULL);
        return;
    }
    int32_t cond = rlw_open_seq(w, node, c), then = rlw_open_seq(w, node, c), els = rlw_open_seq(w, node, c);
    rlw_expr_into(w, lhs, cond);
    rlw_expr_into(w, rhs, is_and ? then : els);
}

/* After an assignment of rhs to a straight local (local_var), its value
 * from here on. */
static void set_current(walker *w, CXCursor lhs, CXCursor rhs, const expr_out *value)
{
    if (w->in_alias) return;
    lhs = rl_cursor_strip(lhs);
    if (clang_getCursorKind(lhs) != CXCursor_DeclRefExpr) return;
    CXCursor d = clang_getCursorReferenced(lhs);
    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    if (v && v->straight) rlw_local_set_current(w, v, rhs, value);
}

void rlw_local_set_current(walker *w, local_var *v, CXCursor rhs, const expr_out *value)
{
    const char *s = rl_sb_str(&value->value);
    v->current = rl_cursor_is_null_constant(rhs) ? rlw_null_value : rl_intern(w->facts->pool, s);
    int round = value->round_element && s[0] == '&';
    v->round_value = round ? v->current : NULL;
    v->round_counter = round ? w->loop.counter : clang_getNullCursor();
}

/* How deep rlw_names_whole_array follows a local pointer to what was
 * assigned to it (`p = q; q = calloc(...)`). */
#define MAX_WHOLE_ARRAY_HOPS 4

static int names_whole_array(walker *w, CXCursor e, int hops)
{
    CXCursor s = rl_cursor_strip(e);
    enum CXCursorKind k = clang_getCursorKind(s);
    if (k != CXCursor_DeclRefExpr && k != CXCursor_MemberRefExpr) return 0;
    enum CXTypeKind t = clang_getCanonicalType(clang_getCursorType(s)).kind;
    if (t == CXType_ConstantArray || t == CXType_IncompleteArray || t == CXType_VariableArray) return 1;
    /* A local pointer given only what an allocation returned, or whole
     * arrays, holds the start of the block, not an element an index
     * picked: `d = calloc(n, sizeof *d); ...; ctx[i].all = d` hands every
     * worker the one array (where `ctx[i].mine = &d[i]` hands each its
     * element; both values read `&H[]`). */
    if (k != CXCursor_DeclRefExpr || t != CXType_Pointer || hops >= MAX_WHOLE_ARRAY_HOPS) return 0;
    CXCursor d = clang_getCursorReferenced(s);
    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    if (!v || v->param_index >= 0 || v->modified || v->addr_of_ptr || v->nassigns == 0) return 0;
    int starts = 0;
    for (int i = 0; i < v->nassigns; i++) {
        if (rl_cursor_is_null_constant(v->assigns[i])) continue;
        CXCursor a = rl_cursor_strip(v->assigns[i]);
        if (clang_getCursorKind(a) != CXCursor_CallExpr && !names_whole_array(w, a, hops + 1)) return 0;
        starts++;
    }
    return starts > 0;
}

int rlw_names_whole_array(walker *w, CXCursor e)
{
    return names_whole_array(w, e, 0);
}

static void walk_binary(walker *w, CXCursor c, expr_out *out)
{
    child_list l;
    rlw_children_of(c, &l);
    if (l.len != 2) {
        rlw_children_free(&l);
        rlw_read_children(w, c);
        return;
    }
    CXCursor lhs = rlw_child_at(&l, 0), rhs = rlw_child_at(&l, 1);
    rlw_children_free(&l);
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
    expr_out a, b;
    rlw_out_init(&a);
    rlw_out_init(&b);
    switch (op) {
    case CXBinaryOperator_Assign: {
        rlw_expr(w, rhs, USE_READ, &b);
        int32_t before = w->fn->nnodes;
        rlw_expr(w, lhs, USE_WRITE, &a);
        /* A pointer stored into shared memory: remember the value on the
         * write (ACCESS args[0]) so the model can follow it later. */
        int32_t last = w->fn->nnodes - 1;
        if (last >= before && w->fn->nodes[last].kind == RL_N_ACCESS && (w->fn->nodes[last].flags & RL_ACC_ATOMIC))
            rlw_mark_zero_store(w, last, rhs); /* `ready = 0;`, ready an atomic_int */
        else if (!w->silent && last >= before && w->fn->nodes[last].kind == RL_N_ACCESS &&
                 (w->fn->nodes[last].flags & RL_ACC_WRITE)) {
            mark_flag_store(w, last, rhs);
            rlw_note_gate_store(w, last, rhs);
        }
        int stores = !w->silent && last >= before && w->fn->nodes[last].kind == RL_N_ACCESS &&
                     (w->fn->nodes[last].flags & RL_ACC_WRITE);
        rl_strbuf block = RL_STRBUF_INIT;
        if (stores && !rl_sb_str(&b.value)[0] && rl_api_is_round(w->fn->nodes[last].api) &&
            strchr(w->fn->nodes[last].text, '.') &&
            rlw_counter_block_value(w, rhs, w->loop.counter, &block)) {
            /* `args[t].lo = t * chunk;`: the round's record given its block
             * (facts format 43) */
            const char *vals[1] = {rl_sb_str(&block)};
            rlw_set_args(w, last, vals, 1);
        } else if (stores && !rl_sb_str(&b.value)[0] && rlw_type_is_pointer(clang_getCursorType(lhs)) &&
                   rl_cursor_is_null_constant(rhs)) {
            /* `c->conn = NULL;`: a null stored, told from a value not
             * traced (facts format 41; model/member_tests.h) */
            const char *vals[1] = {RL_NULL_STORE};
            rlw_set_args(w, last, vals, 1);
        } else if (stores && !rl_sb_str(&b.value)[0]) {
            rlw_note_int_store(w, last, lhs, rhs, RL_INT_CONSTANT_ARG); /* `c->flags = F` */
        }
        if (stores && rl_sb_str(&b.value)[0]) {
            const char *vals[1] = {rl_sb_str(&b.value)};
            rlw_set_args(w, last, vals, 1);
            if (rlw_names_whole_array(w, rhs)) w->fn->nodes[last].flags |= RL_ACC_STORES_ARRAY;
            if (b.round_element && !w->fn->nodes[last].api) /* `head = &jobs[i]` */
                w->fn->nodes[last].api = rl_intern(w->facts->pool, RL_STORES_ROUND_ELEMENT);
        }
        rl_sb_free(&block);
        if (!stores) emit_hidden_local_store(w, lhs, rl_sb_str(&a.place), rl_sb_str(&a.display), rl_sb_str(&b.value));
        if (out) rl_sb_append(&out->value, rl_sb_str(&b.value));
        if (!w->silent && a.place.len) struct_member_stores(w, lhs, rhs, &a);
        set_current(w, lhs, rhs, &b);
        /* a claimed slot: a new claim, or handed back (walk_flag_claim.c) */
        rlw_note_local_assigned(w, lhs);
        rlw_note_member_cleared(w, lhs, rhs);
        break;
    }
    case CXBinaryOperator_LAnd:
    case CXBinaryOperator_LOr:
        walk_short_circuit(w, c, lhs, rhs, op == CXBinaryOperator_LAnd);
        break;
    case CXBinaryOperator_Comma:
        rlw_expr(w, lhs, USE_READ, NULL);
        rlw_expr(w, rhs, USE_READ, &b);
        if (out) rl_sb_append(&out->value, rl_sb_str(&b.value));
        break;
    case CXBinaryOperator_Add:
    case CXBinaryOperator_Sub:
    case CXBinaryOperator_And:
    case CXBinaryOperator_Or:
        rlw_expr(w, lhs, USE_READ, &a);
        rlw_expr(w, rhs, USE_READ, &b);
        if (out) rlw_arith_value(w, op, lhs, rhs, rl_sb_str(&a.value), rl_sb_str(&b.value), &out->value);
        break;
    default:
        if (op >= CXBinaryOperator_MulAssign && op <= CXBinaryOperator_OrAssign) {
            rlw_expr(w, rhs, USE_READ, NULL);
            int32_t before = w->fn->nnodes;
            rlw_expr(w, lhs, USE_RMW, &a);
            int32_t last = w->fn->nnodes - 1;
            if (!w->silent && last >= before && w->fn->nodes[last].kind == RL_N_ACCESS &&
                (w->fn->nodes[last].flags & RL_ACC_WRITE) && (op == CXBinaryOperator_OrAssign || op == CXBinaryOperator_AndAssign))
                rlw_note_int_store(w, last, lhs, rhs,
                                   op == CXBinaryOperator_OrAssign ? RL_OR_CONSTANT_STORE : RL_AND_CONSTANT_STORE);
        } else {
            rlw_expr(w, lhs, USE_READ, NULL);
            rlw_expr(w, rhs, USE_READ, NULL);
        }
        break;
    }
    rlw_out_free(&a);
    rlw_out_free(&b);
}

/* `({ ...; e; })` (GNU statement expression, as in container_of): its
 * statements run in order, and the value is that of its last expression. */
static void walk_stmt_expr(walker *w, CXCursor c, expr_out *out)
{
    child_list l;
    rlw_children_of(c, &l);
    CXCursor body = l.len == 1 ? rlw_child_at(&l, 0) : clang_getNullCursor();
    rlw_children_free(&l);
    if (clang_getCursorKind(body) != CXCursor_CompoundStmt) {
        rlw_read_children(w, c);
        return;
    }
    rlw_children_of(body, &l);
    for (int i = 0; i < l.len; i++) {
        CXCursor k = rlw_child_at(&l, i);
        if (i == l.len - 1 && clang_isExpression(clang_getCursorKind(k))) rlw_expr(w, k, USE_READ, out);
        else if (clang_isExpression(clang_getCursorKind(k))) rlw_expr(w, k, USE_READ, NULL);
        else if (clang_isStatement(clang_getCursorKind(k)) || clang_isDeclaration(clang_getCursorKind(k))) rlw_stmt(w, k);
    }
    rlw_children_free(&l);
}

void rlw_expr(walker *w, CXCursor c, use_mode mode, expr_out *out)
{
    if (++w->depth > MAX_EXPR_DEPTH) {
        w->depth--;
        return;
    }
    enum CXCursorKind k = clang_getCursorKind(c);
    switch (k) {
    case CXCursor_ParenExpr: {
        child_list l;
        rlw_children_of(c, &l);
        if (l.len == 1) rlw_expr(w, rlw_child_at(&l, 0), mode, out);
        rlw_children_free(&l);
        break;
    }
    case CXCursor_UnexposedExpr:
        rlw_walk_unexposed(w, c, mode, out);
        break;
    case CXCursor_CStyleCastExpr: {
        child_list l;
        rlw_children_of(c, &l);
        if (l.len) {
            rlw_expr(w, rlw_child_at(&l, l.len - 1), mode == USE_WRITE ? USE_WRITE : USE_READ, out);
            rlw_retype_indirect_call(w, c, out);
        }
        rlw_children_free(&l);
        break;
    }
    case CXCursor_DeclRefExpr:
        walk_declref(w, c, mode, out);
        break;
    case CXCursor_MemberRefExpr:
        rlw_walk_member(w, c, mode, out);
        break;
    case CXCursor_ArraySubscriptExpr:
        walk_subscript(w, c, mode, out);
        break;
    case CXCursor_UnaryOperator:
        walk_unary(w, c, mode, out);
        break;
    case CXCursor_BinaryOperator:
    case CXCursor_CompoundAssignOperator:
        walk_binary(w, c, out);
        break;
    case CXCursor_ConditionalOperator:
        rlw_walk_conditional(w, c, out);
        break;
    case CXCursor_CallExpr:
        rlw_walk_call(w, c, out);
        break;
    case CXCursor_UnaryExpr:
        /* sizeof, _Alignof: operands are not evaluated, except for the size
         * of a variable length array (`sizeof(int[n])` reads n), the one
         * case where the result is no constant */
        if (!rlw_is_constant(c)) rlw_read_children(w, c);
        break;
    case CXCursor_IntegerLiteral:
    case CXCursor_FloatingLiteral:
    case CXCursor_StringLiteral:
    case CXCursor_CharacterLiteral:
        break;
    case CXCursor_StmtExpr:
        walk_stmt_expr(w, c, out);
        break;
    default:
        rlw_read_children(w, c);
        break;
    }
    w->depth--;
}
