/* The frontend's entry (frontend.h): parses a translation unit with
 * libclang, records its diagnostics and the files it read, and walks each
 * function defined outside system headers once with the event walker
 * (walker.h: walk_stmt.c, walk_expr.c, walk_call.c, walk_lock.c,
 * walk_locals.c), turning it into facts.
 *
 * Invariants:
 *  1. One walker per unit; its caches (annotations, globals, guards,
 *     noreturn) live for the unit and are freed here.
 *  2. A unit with syntax errors still yields the facts of what parsed,
 *     with parse_failed set and the errors recorded as diagnostics.
 *  3. The walker's own invariants are listed in walker.h. */
#include "walker.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void walk_function(walker *w, CXCursor fc)
{
    CXCursor body = rlw_function_body(fc);
    if (clang_Cursor_isNull(body)) return;

    rl_function *fn = rl_facts_add_function(w->facts);
    w->fn = fn;
    fn->usr = rlw_intern_cx(w, clang_getCursorUSR(fc));
    fn->name = rlw_intern_cx(w, clang_getCursorSpelling(fc));
    fn->type = rlw_type_key(w, clang_getCursorType(fc));
    fn->loc = rlw_loc_of(w, fc);
    w->fn_name = fn->name;
    w->nlocals = 0;
    w->depth = 0;
    w->silent = 0;
    w->last_trylock = -1;
    w->nreleases = 0;
    w->locks_taken = 0;
    w->block_depth = 0;
    w->breakable_depth = 0;
    w->ngates = 0;
    w->nstart_stores = 0;
    memset(&w->loop, 0, sizeof w->loop);
    w->loop.counter = clang_getNullCursor();
    w->loop.span = -1;
    int np = clang_Cursor_getNumArguments(fc);
    fn->nparams = np > 0 ? np : 0;
    for (int i = 0; i < fn->nparams; i++) rlw_add_local(w, clang_Cursor_getArgument(fc, (unsigned)i), i);
    rlw_required_locks(w, fc, fn);
    w->has_jumps = 0;
    w->in_alias = 0;
    w->flow_dead = 0;
    prepass_ctx pc = {w};
    clang_visitChildren(body, rlw_prepass_visit, &pc);
    rlw_mark_straight_locals(w, body);
    w->cur = rl_fn_add_node(fn, RL_N_SEQ, -1, fn->loc);
    rlw_stmt(w, body);
    rlw_mark_pops(w);
    for (int i = 0; i < w->nlocals; i++) free(w->locals[i].assigns);
    w->nlocals = 0;
}

/* Functions named in a global's initializer (handler tables, ops structs)
 * have their address taken: they are candidates for indirect calls. */
enum CXChildVisitResult rlw_visit_initializer(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    walker *w = data;
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(c);
        if (clang_getCursorKind(d) == CXCursor_FunctionDecl) {
            CXString usr = clang_getCursorUSR(d);
            rl_facts_add_addr_taken(w->facts, clang_getCString(usr));
            clang_disposeString(usr);
        }
    }
    return CXChildVisit_Recurse;
}

/* Pointers recorded per variable from its static initializer. */
#define MAX_STATIC_STORES 256

/* A static initializer's pointer (rlw_init_stores): recorded when it is an
 * address or a function, which the model follows like a pointer stored
 * by an assignment before main (rl_static_store): `shared.ops->write`
 * calls what `locked_ops = { locked_write }` holds, not every function
 * any `dev_ops` holds (round 27's r05). */
static int add_static_store(walker *w, const char *place, const char *value, const char *field, CXCursor at,
                            void *ctx)
{
    (void)at;
    (void)ctx;
    if (value[0] != '&' && strncmp(value, RL_NULL_FUNCTION, strlen(RL_NULL_FUNCTION)) != 0) return 0;
    rl_facts_add_static_store(w->facts, place, value, field);
    return 1;
}

/* The pointers stored by the initializer of a variable defined at file
 * scope (its last child, when that is an expression). */
static void static_initializer(walker *w, CXCursor var)
{
    if (!clang_isCursorDefinition(var)) return;
    child_list l;
    rlw_children_of(var, &l);
    CXCursor init = l.len ? rlw_child_at(&l, l.len - 1) : clang_getNullCursor();
    rlw_children_free(&l);
    if (clang_Cursor_isNull(init) || !clang_isExpression(clang_getCursorKind(init))) return;
    CXType t = clang_getCanonicalType(clang_getCursorType(var));
    /* an array's size is an expression child too: not an initializer */
    if (t.kind != CXType_Pointer && clang_getCursorKind(init) != CXCursor_InitListExpr) return;
    rl_strbuf place = RL_STRBUF_INIT;
    rlw_var_place(w, var, rlw_intern_cx(w, clang_getCursorSpelling(var)), &place);
    int budget = MAX_STATIC_STORES;
    rlw_init_stores(w, init, t, &place, &budget, add_static_store, NULL);
    rl_sb_free(&place);
}

static enum CXChildVisitResult visit_top(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    walker *w = data;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_FunctionDecl && clang_isCursorDefinition(c) &&
        !clang_Location_isInSystemHeader(clang_getCursorLocation(c))) {
        walk_function(w, c);
    } else if (k == CXCursor_VarDecl && !clang_Location_isInSystemHeader(clang_getCursorLocation(c))) {
        /* Remembered for capabilities named in attributes (ACQUIRE(mu)). */
        void **slot = rl_ptrmap_slot(&w->globals, rlw_intern_cx(w, clang_getCursorSpelling(c)));
        if (!*slot) *slot = rl_xmalloc(sizeof(CXCursor));
        *(CXCursor *)*slot = c;
        clang_visitChildren(c, rlw_visit_initializer, w);
        static_initializer(w, c);
    } else if (k == CXCursor_LinkageSpec || k == CXCursor_UnexposedDecl) {
        return CXChildVisit_Recurse;
    }
    return CXChildVisit_Continue;
}

/* Diagnostics of severity error or worse mark the unit as failed; the
 * facts extracted from what did parse are still kept. */
static void record_diagnostics(walker *w)
{
    unsigned n = clang_getNumDiagnostics(w->tu);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(w->tu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
        if (sev >= CXDiagnostic_Error) {
            rl_loc loc = {0};
            CXFile file;
            clang_getExpansionLocation(clang_getDiagnosticLocation(d), &file, &loc.line, &loc.col, NULL);
            loc.file = file ? rlw_intern_cx(w, clang_getFileName(file)) : w->facts->main_file;
            CXString msg = clang_getDiagnosticSpelling(d);
            rl_facts_add_diag(w->facts, sev == CXDiagnostic_Fatal ? RL_DIAG_FATAL : RL_DIAG_ERROR, loc,
                              clang_getCString(msg));
            clang_disposeString(msg);
            w->facts->parse_failed = 1;
        }
        clang_disposeDiagnostic(d);
    }
}

rl_frontend *rl_frontend_new(const rl_apimodel *model, const char *resource_dir)
{
    rl_frontend *fe = rl_xcalloc(1, sizeof *fe);
    fe->model = model; /* the index is made by the first unit parsed (libclang.h) */
    if (resource_dir && *resource_dir) fe->resource_dir_flag = rl_xasprintf("-resource-dir=%s", resource_dir);
    return fe;
}

void rl_frontend_free(rl_frontend *fe)
{
    if (!fe) return;
    if (fe->index) clang_disposeIndex(fe->index);
    free(fe->resource_dir_flag);
    free(fe);
}

static const char *parse_error_name(enum CXErrorCode code)
{
    switch (code) {
    case CXError_Crashed: return "libclang crashed while parsing it";
    case CXError_InvalidArguments: return "invalid arguments";
    case CXError_ASTReadError: return "AST read error";
    default: return "libclang could not parse it";
    }
}

typedef struct deps_ctx {
    CXTranslationUnit tu;
    rl_unit_facts *facts;
    const char *directory;
} deps_ctx;

/* Records one file of the unit (the main file or an include) with the hash
 * of the contents clang read: what the facts cache checks the disk against. */
static void add_dep(CXFile file, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
    (void)stack;
    (void)depth;
    deps_ctx *d = data;
    size_t size = 0;
    const char *text = clang_getFileContents(d->tu, file, &size);
    CXString real = clang_File_tryGetRealPathName(file);
    const char *path = clang_getCString(real);
    char *owned = NULL;
    CXString name = clang_getFileName(file);
    if (!path || !*path) {
        path = clang_getCString(name);
        if (path && path[0] != '/' && d->directory && *d->directory)
            path = owned = rl_xasprintf("%s/%s", d->directory, path);
    }
    if (path && *path) {
        uint64_t h;
        if (text) h = rl_hash_content(text, size, 0);
        else if (rl_file_hash(path, &h) != 0) h = 0;
        rl_facts_add_dep(d->facts, path, h);
    }
    free(owned);
    clang_disposeString(real);
    clang_disposeString(name);
}

rl_unit_facts *rl_frontend_extract(rl_frontend *fe, const rl_unit_spec *unit, rl_error *err)
{
    if (!fe->index) {
        if (rl_frontend_load(err) != 0) return NULL;
        fe->index = clang_createIndex(0, 0);
    }
    /* Flags: the unit's own, then where to run from, then our additions. */
    int extra = 3;
    const char **argv = rl_xcalloc((size_t)unit->argc + (size_t)extra + 1, sizeof *argv);
    int argc = 0;
    for (int i = 0; i < unit->argc; i++) argv[argc++] = unit->argv[i];
    char *wd = NULL;
    if (unit->directory && *unit->directory) {
        wd = rl_xasprintf("-working-directory=%s", unit->directory);
        argv[argc++] = wd;
    }
    if (fe->resource_dir_flag) argv[argc++] = fe->resource_dir_flag;
    argv[argc++] = "-Wno-everything"; /* warnings are not ours to report */

    CXTranslationUnit tu = NULL;
    unsigned options = CXTranslationUnit_KeepGoing | CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles;
    enum CXErrorCode code = clang_parseTranslationUnit2(fe->index, unit->file, argv, argc, NULL, 0, options, &tu);
    free(argv);
    free(wd);
    if (code != CXError_Success || !tu) {
        rl_fail(err, "%s: cannot parse: %s", unit->file, parse_error_name(code));
        return NULL;
    }
    walker w;
    memset(&w, 0, sizeof w);
    w.fe = fe;
    w.tu = tu;
    w.facts = rl_facts_new(unit->file);
    record_diagnostics(&w);
    clang_visitChildren(clang_getTranslationUnitCursor(tu), visit_top, &w);
    rl_fnflow_extract(tu, w.facts, fe->model);
    deps_ctx d = {tu, w.facts, unit->directory};
    clang_getInclusions(tu, add_dep, &d);
    free(w.locals);
    for (size_t i = 0; i < w.annotations.nslots; i++)
        if (w.annotations.keys[i] && w.annotations.values[i] != rlw_no_annotation) free(w.annotations.values[i]);
    rl_ptrmap_free(&w.annotations);
    for (size_t i = 0; i < w.globals.nslots; i++)
        if (w.globals.keys[i]) free(w.globals.values[i]);
    rl_ptrmap_free(&w.globals);
    rl_ptrmap_free(&w.guards);
    rl_ptrmap_free(&w.member_slots);
    rl_ptrmap_free(&w.noreturn);
    rl_ptrmap_free(&w.claims);
    rl_ptrmap_free(&w.cleanups);
    free(w.releases);
    free(w.pops);
    clang_disposeTranslationUnit(tu);
    return w.facts;
}

char *rl_frontend_clang_version(void)
{
    rl_error err;
    if (rl_frontend_load(&err) != 0) return rl_xstrdup(err.msg);
    CXString s = clang_getClangVersion();
    char *v = rl_xstrdup(clang_getCString(s));
    clang_disposeString(s);
    return v;
}
