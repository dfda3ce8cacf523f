/* Locks in the event walker (walker.h): LOCK, UNLOCK, TRYLOCK and LOCKINIT
 * nodes for modelled lock calls and for functions carrying lock attributes
 * (ACQUIRE, RELEASE, TRY_ACQUIRE), the locks a definition REQUIRES on
 * entry, the GUARDED_BY lock of an accessed variable or field, and which
 * outcome of a condition means that a trylock succeeded.
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
 * sem_init(&s, 0, n), marked RL_LOCK_COUNTING unless n is 0 or 1. */
void rlw_walk_lockinit(walker *w, CXCursor c, const rl_api_fn *api, const char *name, int nargs)
{
    int recursive = 0, counting = 0;
    int object = api->kind == RL_API_SEMINIT ? api->handle : api->lock;
    for (int i = 0; i < nargs; i++) {
        if (i == object) continue;
        long long v = 0;
        int setting = i == (api->kind == RL_API_SEMINIT ? api->value : api->attr); /* attributes, or a count */
        int constant = setting && rlw_const_int(rl_cursor_strip(rlw_call_arg(c, i)), &v);
        if (setting && api->kind != RL_API_SEMINIT) recursive = !(constant && v == 0);
        if (setting && api->kind == RL_API_SEMINIT) counting = !(constant && (v == 0 || v == 1));
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
                                                           : 0);
    }
    rl_sb_free(&place);
    rl_sb_free(&display);
}

/* The variable reference an address `&v` takes (the DeclRefExpr of v),
 * or a null cursor when a is no such address. */
static CXCursor addressed_variable(CXCursor a)
{
    a = rl_cursor_strip(a);
    if (clang_getCursorKind(a) != CXCursor_UnaryOperator || clang_getCursorUnaryOperatorKind(a) != CXUnaryOperator_AddrOf)
        return clang_getNullCursor();
    child_list l;
    rlw_children_of(a, &l);
    CXCursor e = l.len == 1 ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
    rlw_children_free(&l);
    return clang_getCursorKind(e) == CXCursor_DeclRefExpr ? e : clang_getNullCursor();
}

/* Whether expected-value argument a is 0, or the address of a local only
 * ever set to 0 (`int expected = 0; while (!atomic_compare_exchange_strong(l,
 * &expected, 1)) expected = 0;`): a compare-and-swap from "free". */
static int expects_zero(walker *w, CXCursor a)
{
    if (rl_cursor_is_null_constant(rl_cursor_strip(a))) return 1;
    CXCursor e = addressed_variable(a);
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

/* ---- conditions guarded by a trylock ----------------------------------- */

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
    CXCursor ref = l.len ? addressed_variable(rlw_child_at(&l, 0)) : clang_getNullCursor();
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
