/* Locks in the event walker (walker.h): LOCK, UNLOCK, TRYLOCK and LOCKINIT
 * nodes for modelled lock calls and for functions carrying lock attributes
 * (ACQUIRE, RELEASE, TRY_ACQUIRE), the locks a definition REQUIRES on
 * entry, the GUARDED_BY lock of an accessed variable or field, and the
 * locks an `if` on an unchanged local takes again (correlated conditions).
 * Which outcome of a condition means that a trylock succeeded is
 * walk_try.c's.
 *
 * Invariants:
 *  1. Attributes are read once per declaration per unit: the walker's
 *     annotations and guards caches remember "none" as rlw_no_annotation.
 *  2. A lock is named by a place, like any other object (facts.h); a lock
 *     that cannot be named emits no node. */
#include "walker.h"
#include <string.h>

const char rlw_no_annotation[] = "";

static enum CXChildVisitResult find_field(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    const char **name = data;
    if (clang_getCursorKind(c) != CXCursor_FieldDecl) return CXChildVisit_Continue;
    CXString s = clang_getCursorSpelling(c);
    int found = strcmp(clang_getCString(s), *name) == 0;
    clang_disposeString(s);
    if (!found) return CXChildVisit_Continue;
    *name = NULL;
    return CXChildVisit_Break;
}

/* The lock decl is declared GUARDED_BY, as a place: a sibling field of the
 * struct at `object` (GUARDED_BY(lock) on a field), or a global. Read once
 * per declaration. Returns NULL when there is none. */
static const char *declared_guard(walker *w, CXCursor decl, const char *object)
{
    const char *usr = rlw_intern_cx(w, clang_getCursorUSR(decl));
    void **slot = rl_ptrmap_slot(&w->guards, usr);
    if (!*slot) {
        char text[RL_ANNOTATION_MAX_TEXT];
        *slot = rl_annotation_guarded_by(w->tu, decl, text, sizeof text) == 0
                    ? (void *)rl_intern(w->facts->pool, text) : (void *)rlw_no_annotation;
    }
    const char *text = *slot;
    if (text == rlw_no_annotation) return NULL;
    char root[RL_ANNOTATION_MAX_TEXT], path[RL_ANNOTATION_MAX_TEXT];
    const char *rest = rl_capability_root(text, root, sizeof root);
    if (!rest || rl_capability_path(rest, 0, path, sizeof path) != 0) return NULL;
    rl_strbuf place = RL_STRBUF_INIT;
    const char *wanted = root;
    if (object && clang_getCursorKind(decl) == CXCursor_FieldDecl)
        clang_visitChildren(clang_getCursorSemanticParent(decl), find_field, &wanted);
    if (!wanted) {
        rlw_drop_type_steps(object, &place); /* a sibling field (lock names: no type steps) */
        rl_sb_printf(&place, ".%s", root);
    } else {
        const CXCursor *g = rl_ptrmap_get(&w->globals, rl_intern(w->facts->pool, root));
        if (g) rlw_var_place(w, *g, root, &place);
    }
    int ok = place.len > 0;
    rl_sb_append(&place, path);
    const char *r = ok ? rl_intern(w->facts->pool, rl_sb_str(&place)) : NULL;
    rl_sb_free(&place);
    return r;
}

void rlw_set_guard(walker *w, int32_t id, CXCursor decl, const char *object)
{
    if (id >= 0) w->fn->nodes[id].guard = declared_guard(w, decl, object);
}

/* place with its first collapsed array step ("[]") naming element index
 * ("[3]") when index is a constant (>= 0), appended to out. */
void rlw_place_element(const char *place, long long index, rl_strbuf *out)
{
    const char *element = strchr(place, '[');
    if (index >= 0 && element && element[1] == ']') {
        rl_sb_appendn(out, place, (size_t)(element - place));
        rl_sb_printf(out, "[%lld]", index);
        rl_sb_append(out, element + 2);
    } else {
        rl_sb_append(out, place);
    }
}

/* Whether lock argument arg is `&A[i]` in a loop that does nothing else
 * (`for (i = 0; i < N; i++) pthread_mutex_lock(&A[i]);`), i its counter
 * and N the length of the array A: after the loop, every element is
 * held (a resize taking all of a striped table's locks). */
static int every_element(walker *w, CXCursor arg)
{
    CXCursor a = rl_cursor_strip(arg);
    if (w->loop.span <= 0 || clang_Cursor_isNull(w->loop.counter) || clang_getCursorKind(a) != CXCursor_UnaryOperator ||
        clang_getCursorUnaryOperatorKind(a) != CXUnaryOperator_AddrOf)
        return 0;
    child_list l;
    rlw_children_of(a, &l);
    CXCursor sub = l.len == 1 ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
    rlw_children_free(&l);
    if (clang_Cursor_isNull(sub) || clang_getCursorKind(sub) != CXCursor_ArraySubscriptExpr) return 0;
    rlw_children_of(sub, &l);
    CXCursor base = l.len == 2 ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
    CXCursor idx = l.len == 2 ? rl_cursor_strip(rlw_child_at(&l, 1)) : clang_getNullCursor();
    rlw_children_free(&l);
    if (clang_Cursor_isNull(idx) || clang_getCursorKind(idx) != CXCursor_DeclRefExpr ||
        !clang_equalCursors(clang_getCursorReferenced(idx), w->loop.counter))
        return 0;
    CXType t = clang_getCanonicalType(clang_getCursorType(base));
    if (t.kind != CXType_ConstantArray || clang_getArraySize(t) != w->loop.span) return 0;
    /* the loop's body is that one call */
    rlw_children_of(w->loop.stmt, &l);
    CXCursor body = l.len ? rlw_child_at(&l, l.len - 1) : clang_getNullCursor();
    rlw_children_free(&l);
    if (!clang_Cursor_isNull(body) && clang_getCursorKind(body) == CXCursor_CompoundStmt) {
        rlw_children_of(body, &l);
        body = l.len == 1 ? rlw_child_at(&l, 0) : clang_getNullCursor();
        rlw_children_free(&l);
    }
    body = clang_Cursor_isNull(body) ? body : rl_cursor_strip(body);
    if (clang_Cursor_isNull(body) || clang_getCursorKind(body) != CXCursor_CallExpr) return 0;
    for (int i = 0; i < clang_Cursor_getNumArguments(body); i++)
        if (clang_equalCursors(rl_cursor_strip(rlw_call_arg(body, i)), a)) return 1;
    return 0;
}

/* The place of the lock a pointer argument points to. A lock in an array
 * reached with a constant index is that element, so that m[3] and m[4] are
 * two locks ("G:m[3]", "G:m[4]"); with any other index the name keeps the
 * collapsed element ("G:m[]"), which stands for every element (releasing
 * it may release any of them: rl_ls_remove_elements). Accesses keep the
 * collapsed name and carry their constant index apart (walk_expr.c). */
void rlw_lock_place(walker *w, CXCursor arg, rl_strbuf *place, rl_strbuf *display)
{
    long long index = -1;
    rl_strbuf raw = RL_STRBUF_INIT;
    rlw_pointee_place(w, arg, &raw, display, &index);
    rlw_place_element(rl_sb_str(&raw), index, place);
    rl_sb_free(&raw);
    size_t n = place->len;
    if (n >= 2 && strcmp(rl_sb_str(place) + n - 2, "[]") == 0 && every_element(w, arg))
        rl_sb_append(place, RL_EVERY_ELEMENT);
}

static void end_correlations(walker *w, const char *lock);

/* A LOCK, UNLOCK or TRYLOCK node for a modelled call (or atomic macro). */
void rlw_emit_lock(walker *w, CXCursor c, const rl_api_fn *api, const char *name, const char *place,
                   const char *display)
{
    rl_node_kind kind = api->kind == RL_API_LOCK ? RL_N_LOCK : api->kind == RL_API_UNLOCK ? RL_N_UNLOCK : RL_N_TRYLOCK;
    int32_t id = rlw_emit(w, kind, c);
    if (id < 0) return;
    rl_node *n = &w->fn->nodes[id];
    rl_strbuf lock = RL_STRBUF_INIT;
    rlw_drop_type_steps(place, &lock);
    n->text = rl_intern(w->facts->pool, rl_sb_str(&lock));
    rl_sb_free(&lock);
    n->display = rl_intern(w->facts->pool, display);
    n->api = rl_intern(w->facts->pool, name);
    n->flags = (uint8_t)((api->shared ? RL_LOCK_SHARED : 0) | (api->value >= 0 ? RL_LOCK_SPIN : 0));
    if (kind == RL_N_TRYLOCK) w->last_trylock = id;
    if (kind == RL_N_LOCK) w->locks_taken++;
    if (kind == RL_N_UNLOCK) {
        if (w->locks_taken > 0) w->locks_taken--;
        end_correlations(w, n->text);
    }
}

/* setjmp(env): a TRYLOCK node flagged RL_LOCK_JUMP_TARGET on the buffer,
 * so that the branch taken when it returns nonzero (after a longjmp) is
 * known the way a trylock's success branch is; the lock flow gives that
 * branch the locks held at the jumps (flow.c). */
void rlw_walk_setjmp(walker *w, CXCursor c, const rl_api_fn *api, const char *name, int nargs)
{
    for (int i = 0; i < nargs; i++)
        if (i != api->handle) rlw_expr(w, rlw_call_arg(c, i), USE_READ, NULL);
    if (api->handle >= nargs) return;
    rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
    rlw_pointee_place(w, rlw_call_arg(c, api->handle), &place, &display, NULL);
    if (rl_sb_str(&place)[0]) {
        rl_api_fn target;
        memset(&target, 0, sizeof target);
        target.kind = RL_API_TRYLOCK;
        int32_t before = w->last_trylock;
        rlw_emit_lock(w, c, &target, name, rl_sb_str(&place), rl_sb_str(&display));
        if (w->last_trylock != before) w->fn->nodes[w->last_trylock].flags |= RL_LOCK_JUMP_TARGET;
    }
    rl_sb_free(&place);
    rl_sb_free(&display);
}

/* pthread_mutex_init(&m, &attr): which lock, and whether its attributes
 * (anything but a constant 0/NULL) may make it recursive; or
 * pthread_mutex_destroy(&m), a LOCKINIT node marked RL_LOCK_DESTROY; or
 * sem_init(&s, 0, n), marked RL_LOCK_COUNTING unless n is 0 or 1, and
 * RL_LOCK_STARTS_EMPTY when n is 0. */
void rlw_walk_lockinit(walker *w, CXCursor c, const rl_api_fn *api, const char *name, int nargs)
{
    int recursive = 0, counting = 0, empty = 0;
    int object = api->kind == RL_API_SEMINIT ? api->handle : api->lock;
    for (int i = 0; i < nargs; i++) {
        if (i == object) continue;
        long long v = 0;
        int setting = i == (api->kind == RL_API_SEMINIT ? api->value : api->attr); /* attributes, or a count */
        int constant = setting && rlw_const_int(rl_cursor_strip(rlw_call_arg(c, i)), &v);
        if (setting && api->kind != RL_API_SEMINIT) recursive = !(constant && v == 0);
        if (setting && api->kind == RL_API_SEMINIT) counting = !(constant && (v == 0 || v == 1));
        if (setting && api->kind == RL_API_SEMINIT) empty = constant && v == 0;
        rlw_expr(w, rlw_call_arg(c, i), USE_READ, NULL);
    }
    if (object < 0 || object >= nargs) return;
    rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
    rlw_lock_place(w, rlw_call_arg(c, object), &place, &display);
    int32_t id = rlw_emit(w, RL_N_LOCKINIT, c);
    if (id >= 0) {
        rl_node *n = &w->fn->nodes[id];
        rl_strbuf lock = RL_STRBUF_INIT;
        rlw_drop_type_steps(rl_sb_str(&place), &lock);
        n->text = rl_intern(w->facts->pool, rl_sb_str(&lock));
        rl_sb_free(&lock);
        n->display = rl_intern(w->facts->pool, rl_sb_str(&display));
        n->api = rl_intern(w->facts->pool, name);
        n->flags = (uint8_t)(api->kind == RL_API_LOCKDESTROY ? RL_LOCK_DESTROY
                             : recursive                   ? RL_LOCK_RECURSIVE
                             : counting                    ? RL_LOCK_COUNTING
                             : empty                       ? RL_LOCK_STARTS_EMPTY
                                                           : 0);
    }
    rl_sb_free(&place);
    rl_sb_free(&display);
}

/* Whether expected-value argument a is 0, or the address of a local only
 * ever set to 0 (`int expected = 0; while (!atomic_compare_exchange_strong(l,
 * &expected, 1)) expected = 0;`): a compare-and-swap from "free". */
static int expects_zero(walker *w, CXCursor a)
{
    if (rl_cursor_is_null_constant(rl_cursor_strip(a))) return 1;
    CXCursor e = rlw_addressed_variable(a);
    if (clang_Cursor_isNull(e)) return 0;
    CXCursor d = clang_getCursorReferenced(e);
    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    if (!v || v->param_index >= 0 || v->modified || v->nassigns == 0) return 0;
    for (int i = 0; i < v->nassigns; i++)
        if (!rl_cursor_is_null_constant(v->assigns[i])) return 0;
    return 1;
}

/* Whether memory order `order` (rlw_memory_order) makes a spin operation
 * a lock operation: taking the word must acquire and giving it back
 * release, or the word orders nothing of what it "guards" (a relaxed
 * compare-and-swap and a relaxed store are two atomic accesses, and the
 * counter between them races). */
static int spin_order_orders(const rl_api_fn *api, CXCursor order)
{
    long long o = rlw_memory_order(order);
    if (api->kind == RL_API_UNLOCK) return o == RLW_ORDER_RELEASE || o == RLW_ORDER_ACQ_REL || o == RLW_ORDER_SEQ_CST;
    return o == RLW_ORDER_ACQUIRE || o == RLW_ORDER_ACQ_REL || o == RLW_ORDER_SEQ_CST;
}

int rlw_spin_gate(walker *w, const rl_api_fn *api, const CXCursor *args, int nargs, CXCursor order)
{
    if (!spin_order_orders(api, order)) return 0;
    if (api->value < 0) return 1;
    long long v = 0;
    if (api->value >= nargs || !rlw_const_int(rl_cursor_strip(args[api->value]), &v)) return 0;
    if (api->kind == RL_API_UNLOCK ? v != 0 : v == 0) return 0;
    return api->expected < 0 || (api->expected < nargs && expects_zero(w, args[api->expected]));
}

void rlw_walk_sync_call(walker *w, CXCursor c, const rl_api_fn *api, const char *name, int nargs)
{
    rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
    int lock_arg = api->lock;
    for (int i = 0; i < nargs; i++)
        if (i != lock_arg) rlw_expr(w, rlw_call_arg(c, i), USE_READ, NULL);
    if (lock_arg >= nargs) return;
    rlw_lock_place(w, rlw_call_arg(c, lock_arg), &place, &display);
    int32_t before = w->fn->nnodes;
    rlw_emit_lock(w, c, api, name, rl_sb_str(&place), rl_sb_str(&display));
    /* the variable choosing the lock's element (`&acct[from].m`) */
    if (w->fn->nnodes > before && strchr(rl_sb_str(&place), '['))
        w->fn->nodes[w->fn->nnodes - 1].target = rlw_index_variable(w, rlw_call_arg(c, lock_arg));
    rl_sb_free(&place);
    rl_sb_free(&display);
}

/* The lock attributes of a called function, read once per unit. */
const rl_lock_annotation *rlw_annotation_of(walker *w, CXCursor callee, const char *name)
{
    void **slot = rl_ptrmap_slot(&w->annotations, name);
    if (!*slot) {
        rl_lock_annotation ann;
        if (rl_annotation_of_function(w->tu, callee, &ann)) {
            *slot = rl_xmalloc(sizeof ann);
            memcpy(*slot, &ann, sizeof ann);
        } else {
            *slot = (void *)rlw_no_annotation;
        }
    }
    return *slot == rlw_no_annotation ? NULL : *slot;
}

/* Appends a capability's place-syntax path (".a*.b") as C (".a->b"). */
static void path_display(const char *path, int first_arrow, rl_strbuf *out)
{
    for (const char *p = path; *p; p++) {
        if (*p == '*') continue;
        if (*p == '.' && (p > path ? p[-1] == '*' : first_arrow)) rl_sb_append(out, "->");
        else rl_sb_appendc(out, *p);
    }
}

/* A call of a function annotated ACQUIRE / RELEASE / TRY_ACQUIRE: one lock
 * node per capability it names, as for a modelled lock API. */
void rlw_walk_annotated_call(walker *w, CXCursor c, const rl_lock_annotation *ann, const char *name, int nargs)
{
    for (int i = 0; i < nargs; i++) rlw_expr(w, rlw_call_arg(c, i), USE_READ, NULL);
    int caps = ann->api.kind == RL_API_TRYLOCK ? 1 : ann->ncaps; /* one success value: one lock */
    for (int k = 0; k < caps; k++) {
        const rl_capability_ref *cap = &ann->caps[k];
        rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
        if (cap->param >= 0 && cap->param < nargs) {
            CXCursor arg = rlw_call_arg(c, cap->param);
            CXCursor s = rl_cursor_strip(arg);
            int addr_of = clang_getCursorKind(s) == CXCursor_UnaryOperator &&
                          clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_AddrOf;
            w->silent++; /* the arguments were read above */
            rlw_lock_place(w, arg, &place, &display);
            w->silent--;
            path_display(cap->path, !addr_of, &display);
        } else if (cap->param < 0) {
            const CXCursor *decl = rl_ptrmap_get(&w->globals, rl_intern(w->facts->pool, cap->global));
            if (decl) {
                rlw_var_place(w, *decl, cap->global, &place);
                rl_sb_append(&display, cap->global);
                path_display(cap->path, 0, &display);
            }
        }
        if (place.len) {
            rl_sb_append(&place, cap->path);
            rlw_emit_lock(w, c, &ann->api, name, rl_sb_str(&place), rl_sb_str(&display));
        }
        rl_sb_free(&place);
        rl_sb_free(&display);
    }
}

/* ---- correlated conditions ----------------------------------------------- */

/* The local a condition tests, when it is `x`, `!x`, `x != 0` or `x == 0`
 * and x keeps one value through the body (its address never taken, never
 * changed in place, assigned at most once; a parameter never assigned):
 * two tests of it agree. *polarity: RL_TRY_ON_TRUE when the condition is
 * true exactly when x is nonzero, else RL_TRY_ON_FALSE. */
static local_var *condition_local(walker *w, CXCursor cond, int *polarity)
{
    CXCursor c = rl_cursor_strip(cond);
    int p = RL_TRY_ON_TRUE;
    child_list l;
    rlw_children_of(c, &l);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot && l.len == 1) {
        c = rl_cursor_strip(rlw_child_at(&l, 0));
        p = RL_TRY_ON_FALSE;
    } else if (k == CXCursor_BinaryOperator && l.len == 2) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
        long long kval;
        if ((op == CXBinaryOperator_EQ || op == CXBinaryOperator_NE) && rlw_const_int(rlw_child_at(&l, 1), &kval) &&
            kval == 0) {
            c = rl_cursor_strip(rlw_child_at(&l, 0));
            p = op == CXBinaryOperator_NE ? RL_TRY_ON_TRUE : RL_TRY_ON_FALSE;
        }
    }
    rlw_children_free(&l);
    if (clang_getCursorKind(c) != CXCursor_DeclRefExpr) return NULL;
    CXCursor d = clang_getCursorReferenced(c);
    local_var *v = rlw_is_automatic(d) ? rlw_find_local(w, d) : NULL;
    if (!v || v->exposed || v->modified || v->nassigns > (v->param_index >= 0 ? 0 : 1)) return NULL;
    *polarity = p;
    return v;
}

void rlw_set_correlated(walker *w, int32_t node, CXCursor cond)
{
    int p = 0;
    local_var *v = node >= 0 && w->fn->nodes[node].aux < 0 ? condition_local(w, cond, &p) : NULL;
    if (!v || v->cond_lock_node < 0) return;
    w->fn->nodes[node].aux = v->cond_lock_node;
    w->fn->nodes[node].flags |= (uint8_t)(p == v->cond_lock_polarity ? RL_TRY_ON_TRUE : RL_TRY_ON_FALSE);
}

/* The LOCK node a branch (a SEQ) runs whenever it runs: one of its
 * statements, or inside nested blocks only; -1 when none. */
static int32_t branch_lock(const rl_function *fn, int32_t seq)
{
    for (int32_t i = seq + 1; i <= fn->nodes[seq].end; i++) {
        if (fn->nodes[i].kind != RL_N_LOCK) continue;
        int32_t p = fn->nodes[i].parent;
        while (p >= 0 && p != seq && fn->nodes[p].kind == RL_N_SEQ) p = fn->nodes[p].parent;
        if (p == seq) return i;
    }
    return -1;
}

void rlw_note_conditional_lock(walker *w, int32_t node, CXCursor cond, int has_else)
{
    int p = 0;
    local_var *v = node >= 0 && !has_else ? condition_local(w, cond, &p) : NULL;
    if (!v) return;
    int32_t lock = branch_lock(w->fn, rl_fn_child(w->fn, node, 1));
    if (lock < 0) return;
    /* released again on the same branch: nothing is left held */
    for (int32_t i = lock + 1; i <= w->fn->nodes[node].end; i++)
        if (w->fn->nodes[i].kind == RL_N_UNLOCK && w->fn->nodes[i].text == w->fn->nodes[lock].text) return;
    v->cond_lock_node = lock;
    v->cond_lock_polarity = p;
}

/* An unlock of a lock some local's condition took ends that correlation:
 * the lock may no longer be held where the local says it is. */
static void end_correlations(walker *w, const char *lock)
{
    for (int i = 0; i < w->nlocals; i++) {
        local_var *v = &w->locals[i];
        if (v->cond_lock_node >= 0 && w->fn->nodes[v->cond_lock_node].text == lock) v->cond_lock_node = -1;
    }
}

/* REQUIRES(q->lock) on a definition: the body holds "P0*.lock" on entry. */
void rlw_required_locks(walker *w, CXCursor fc, rl_function *fn)
{
    rl_capability_ref caps[RL_ANNOTATION_MAX_CAPS];
    int shared[RL_ANNOTATION_MAX_CAPS];
    int n = rl_annotation_requires(w->tu, fc, caps, shared, RL_ANNOTATION_MAX_CAPS);
    if (n <= 0) return;
    fn->requires = rl_xcalloc((size_t)n, sizeof *fn->requires);
    for (int i = 0; i < n; i++) {
        rl_strbuf place = RL_STRBUF_INIT;
        if (caps[i].param >= 0) {
            rl_sb_printf(&place, "P%d*", caps[i].param);
        } else {
            const CXCursor *decl = rl_ptrmap_get(&w->globals, rl_intern(w->facts->pool, caps[i].global));
            if (decl) rlw_var_place(w, *decl, caps[i].global, &place);
        }
        if (place.len) {
            rl_sb_append(&place, caps[i].path);
            fn->requires[fn->nrequires].place = rl_intern(w->facts->pool, rl_sb_str(&place));
            fn->requires[fn->nrequires++].shared = shared[i];
        }
        rl_sb_free(&place);
    }
}
