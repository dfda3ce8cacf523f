/* Locks released by a local's cleanup attribute (walker.h).
 *
 * GNU C's `__attribute__((cleanup(f)))` on a local v calls f(&v) when v
 * leaves its scope: at the end of its block, and on every return, break
 * or continue that leaves the block. Scoped lock guards are built on it:
 *
 *     static void unlock_ptr(pthread_mutex_t **m) { pthread_mutex_unlock(*m); }
 *     #define SCOPED_LOCK(m) \
 *         pthread_mutex_t *guard_ __attribute__((cleanup(unlock_ptr))) = (lock(m), (m))
 *
 * Walking f(&v) as a call would leave the lock flow to see through a
 * parameter pointing to a local pointing to the lock; the walker instead
 * emits, at each exit of v's scope, the UNLOCK node of the lock v holds,
 * as if the unlock were written there.
 *
 * Invariants:
 *  1. A cleanup function is a release only when its definition in this
 *     unit calls a modelled unlock on `*p`, p its parameter (under a test
 *     of `*p` or not); any other cleanup function releases nothing.
 *  2. The guard's lock is the one its initialiser's value points to (the
 *     last operand of a comma), fixed where it is declared: a guard
 *     re-pointed later keeps its first lock.
 *  3. A goto out of the guard's block releases nothing: the label's block
 *     is not known when the goto is walked (the lock then seems held past
 *     it, a missed race or a reported double lock, never a hidden one).
 *  4. The stack holds the guards of the blocks being walked, innermost
 *     last; a block pops its own when it ends. */
#include "walker.h"
#include <string.h>

typedef struct unlock_search {
    walker *w;
    CXCursor param;
    const rl_api_fn *found;
    const char *name;
} unlock_search;

/* Whether e is `*p` for the parameter searched. */
static int is_deref_of(CXCursor e, CXCursor param)
{
    e = rl_cursor_strip(e);
    if (clang_getCursorKind(e) != CXCursor_UnaryOperator ||
        clang_getCursorUnaryOperatorKind(e) != CXUnaryOperator_Deref)
        return 0;
    child_list l;
    rlw_children_of(e, &l);
    CXCursor x = l.len ? rl_cursor_strip(rlw_child_at(&l, 0)) : clang_getNullCursor();
    rlw_children_free(&l);
    return clang_getCursorKind(x) == CXCursor_DeclRefExpr && clang_equalCursors(clang_getCursorReferenced(x), param);
}

static enum CXChildVisitResult find_unlock(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    unlock_search *s = data;
    if (clang_getCursorKind(c) == CXCursor_CallExpr) {
        const char *name = rlw_intern_cx(s->w, clang_getCursorSpelling(c));
        const rl_api_fn *api = rlw_lookup_api(s->w, name);
        if (api && api->kind == RL_API_UNLOCK && api->value < 0 && api->lock >= 0 &&
            api->lock < clang_Cursor_getNumArguments(c) && is_deref_of(rlw_call_arg(c, api->lock), s->param)) {
            s->found = api;
            s->name = name;
            return CXChildVisit_Break;
        }
    }
    return CXChildVisit_Recurse;
}

typedef struct definition_search {
    const char *name;
    CXCursor found;
} definition_search;

static enum CXChildVisitResult find_definition(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    definition_search *s = data;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_LinkageSpec || k == CXCursor_UnexposedDecl) return CXChildVisit_Recurse;
    if (k != CXCursor_FunctionDecl || !clang_isCursorDefinition(c)) return CXChildVisit_Continue;
    CXString n = clang_getCursorSpelling(c);
    int same = strcmp(clang_getCString(n), s->name) == 0;
    clang_disposeString(n);
    if (!same) return CXChildVisit_Continue;
    s->found = c;
    return CXChildVisit_Break;
}

/* The unlock API a cleanup function named fn applies to what its
 * parameter points to, or NULL (invariant 1). *api_name receives the
 * unlock's name. Cached per name in w->cleanups (the unlock's name, or
 * rlw_no_annotation): a unit's guards share a few. */
static const rl_api_fn *cleanup_release(walker *w, const char *fn, const char **api_name)
{
    void **slot = rl_ptrmap_slot(&w->cleanups, fn);
    if (*slot) {
        if (*slot == rlw_no_annotation) return NULL;
        const rl_api_fn *api = rlw_lookup_api(w, *slot);
        *api_name = *slot;
        return api;
    }
    *slot = (void *)rlw_no_annotation;
    definition_search d = {fn, clang_getNullCursor()};
    clang_visitChildren(clang_getTranslationUnitCursor(w->tu), find_definition, &d);
    if (clang_Cursor_isNull(d.found) || clang_Cursor_getNumArguments(d.found) != 1) return NULL;
    unlock_search s = {w, clang_Cursor_getArgument(d.found, 0), NULL, NULL};
    clang_visitChildren(rlw_function_body(d.found), find_unlock, &s);
    if (!s.found) return NULL;
    *slot = (void *)s.name;
    *api_name = s.name;
    return s.found;
}

/* The value of an initialiser: the last operand of its commas. */
static CXCursor init_value(CXCursor e)
{
    CXCursor x, y;
    e = rl_cursor_strip(e);
    while (rlw_binary_operands(e, CXBinaryOperator_Comma, &x, &y)) e = y;
    return e;
}

void rlw_cleanup_declared(walker *w, CXCursor decl, CXCursor init)
{
    char fn[MAX_IDENT];
    if (w->silent || rl_annotation_cleanup(w->tu, decl, fn, sizeof fn) != 0) return;
    const char *api_name = NULL;
    const rl_api_fn *api = cleanup_release(w, rl_intern(w->facts->pool, fn), &api_name);
    if (!api || clang_Cursor_isNull(init)) return;
    rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
    w->silent = 1; /* the initialiser's accesses are already emitted */
    rlw_lock_place(w, init_value(init), &place, &display);
    w->silent = 0;
    if (rl_sb_str(&place)[0]) {
        if (w->nreleases == w->cap_releases) {
            w->cap_releases = w->cap_releases ? 2 * w->cap_releases : 4;
            w->releases = rl_xrealloc(w->releases, (size_t)w->cap_releases * sizeof *w->releases);
        }
        w->releases[w->nreleases++] = (scoped_release){
            .lock = rl_intern(w->facts->pool, rl_sb_str(&place)),
            .display = rl_intern(w->facts->pool, rl_sb_str(&display)),
            .api_name = api_name,
            .api = api,
            .block = w->block_depth,
            .breakable = w->breakable_depth,
        };
    }
    rl_sb_free(&place);
    rl_sb_free(&display);
}

void rlw_block_leave(walker *w, CXCursor block)
{
    while (w->nreleases > 0 && w->releases[w->nreleases - 1].block >= w->block_depth) {
        int32_t before = w->fn->nnodes;
        const scoped_release *r = &w->releases[w->nreleases - 1];
        rlw_emit_lock(w, block, r->api, r->api_name, r->lock, r->display);
        /* at the block's closing brace, where the guard's scope ends */
        if (w->fn->nnodes > before)
            w->fn->nodes[before].loc = rlw_loc_at(w, clang_getRangeEnd(clang_getCursorExtent(block)));
        w->nreleases--;
    }
}

void rlw_cleanup_exit(walker *w, CXCursor at, int whole_function)
{
    for (int i = w->nreleases - 1; i >= 0; i--) {
        const scoped_release *r = &w->releases[i];
        if (!whole_function && (r->breakable < w->breakable_depth || w->breakable_depth == 0)) break;
        rlw_emit_lock(w, at, r->api, r->api_name, r->lock, r->display);
    }
}
