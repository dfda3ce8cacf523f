/* Clang thread-safety attributes on functions (annotations.h). An
 * attribute cursor's extent starts where the attribute's name is spelled
 * (inside a macro such as ACQUIRE's definition) and its expansion location
 * is where it is written (`ACQUIRE(q->lock)`): the name comes from the
 * first, the arguments from the second, so that macro parameters
 * (`__VA_ARGS__`) are replaced by what the declaration passes. */
#include "annotations.h"
#include <stdio.h>
#include <ctype.h>
#include <string.h>

/* Bytes of source read from an attribute's position: its name and
 * arguments are a few dozen characters. */
#define TOKEN_WINDOW 512
#define MAX_ARGS (RL_ANNOTATION_MAX_CAPS + 1)

typedef enum attr_role { ROLE_NONE, ROLE_ACQUIRE, ROLE_RELEASE, ROLE_TRY, ROLE_REQUIRES, ROLE_GUARDED_BY, ROLE_CLEANUP } attr_role;

static const struct {
    const char *name;
    attr_role role;
    int shared;
} known_attrs[] = {
    {"acquire_capability", ROLE_ACQUIRE, 0},
    {"acquire_shared_capability", ROLE_ACQUIRE, 1},
    {"exclusive_lock_function", ROLE_ACQUIRE, 0},
    {"shared_lock_function", ROLE_ACQUIRE, 1},
    {"release_capability", ROLE_RELEASE, 0},
    {"release_shared_capability", ROLE_RELEASE, 1},
    {"release_generic_capability", ROLE_RELEASE, 0},
    {"unlock_function", ROLE_RELEASE, 0},
    {"try_acquire_capability", ROLE_TRY, 0},
    {"try_acquire_shared_capability", ROLE_TRY, 1},
    {"exclusive_trylock_function", ROLE_TRY, 0},
    {"shared_trylock_function", ROLE_TRY, 1},
    {"requires_capability", ROLE_REQUIRES, 0},
    {"requires_shared_capability", ROLE_REQUIRES, 1},
    {"exclusive_locks_required", ROLE_REQUIRES, 0},
    {"shared_locks_required", ROLE_REQUIRES, 1},
    {"guarded_by", ROLE_GUARDED_BY, 0},
    {"cleanup", ROLE_CLEANUP, 0}, /* GNU's, on a local: f(&v) when v leaves its scope */
};

typedef struct token_run {
    CXTranslationUnit tu;
    CXToken *tokens;
    unsigned n;
} token_run;

/* The tokens from a location on, at most TOKEN_WINDOW bytes of its file. */
static int tokens_from(CXTranslationUnit tu, CXFile file, unsigned offset, token_run *out)
{
    out->tu = tu;
    out->tokens = NULL;
    out->n = 0;
    size_t size = 0;
    if (!file || !clang_getFileContents(tu, file, &size) || offset >= size) return -1;
    unsigned end = size - offset > TOKEN_WINDOW ? offset + TOKEN_WINDOW : (unsigned)size;
    CXSourceRange r = clang_getRange(clang_getLocationForOffset(tu, file, offset),
                                     clang_getLocationForOffset(tu, file, end));
    clang_tokenize(tu, r, &out->tokens, &out->n);
    return out->n ? 0 : -1;
}

static void token_text(const token_run *t, unsigned i, char *buf, size_t size)
{
    CXString s = clang_getTokenSpelling(t->tu, t->tokens[i]);
    snprintf(buf, size, "%s", clang_getCString(s));
    clang_disposeString(s);
}

static void tokens_free(token_run *t)
{
    if (t->tokens) clang_disposeTokens(t->tu, t->tokens, t->n);
    t->tokens = NULL;
}

/* Splits the parenthesised list starting at token `open` ("(") into its
 * top-level arguments, each the concatenation of its tokens. Returns the
 * number of arguments, -1 when the list is not closed within the window. */
static int split_args(const token_run *t, unsigned open, char args[][RL_ANNOTATION_MAX_TEXT], int max)
{
    char tok[RL_ANNOTATION_MAX_TEXT];
    if (open >= t->n) return -1;
    token_text(t, open, tok, sizeof tok);
    if (strcmp(tok, "(") != 0) return -1;
    int depth = 0, n = 0, empty = 1;
    for (unsigned i = open; i < t->n; i++) {
        token_text(t, i, tok, sizeof tok);
        if (strcmp(tok, "(") == 0 && depth++ == 0) {
            args[0][0] = '\0';
            continue;
        }
        if (strcmp(tok, ")") == 0 && --depth == 0) return empty ? 0 : n + 1 < max ? n + 1 : max;
        if (depth == 1 && strcmp(tok, ",") == 0) {
            if (++n < max) args[n][0] = '\0';
            continue;
        }
        empty = 0;
        if (n < max && strlen(args[n]) + strlen(tok) < RL_ANNOTATION_MAX_TEXT) strcat(args[n], tok);
    }
    return -1;
}

/* The attribute's name without GNU's optional underscores. */
static attr_role role_of(const char *spelled, int *shared)
{
    char name[RL_ANNOTATION_MAX_TEXT];
    size_t len = strlen(spelled);
    if (len > 4 && strncmp(spelled, "__", 2) == 0 && strcmp(spelled + len - 2, "__") == 0) {
        snprintf(name, sizeof name, "%.*s", (int)(len - 4), spelled + 2);
    } else {
        snprintf(name, sizeof name, "%s", spelled);
    }
    for (size_t i = 0; i < sizeof known_attrs / sizeof *known_attrs; i++) {
        if (strcmp(name, known_attrs[i].name) == 0) {
            *shared = known_attrs[i].shared;
            return known_attrs[i].role;
        }
    }
    return ROLE_NONE;
}

/* Reads one attribute: its role from the name where it is spelled, its
 * arguments where it is written. Returns the number of arguments, or -1. */
static int read_attr(CXTranslationUnit tu, CXCursor attr, attr_role *role, int *shared,
                     char args[][RL_ANNOTATION_MAX_TEXT], int max)
{
    CXSourceLocation at = clang_getRangeStart(clang_getCursorExtent(attr));
    CXFile sfile, efile;
    unsigned soff, eoff;
    clang_getSpellingLocation(at, &sfile, NULL, NULL, &soff);
    clang_getExpansionLocation(at, &efile, NULL, NULL, &eoff);
    token_run spelled;
    if (tokens_from(tu, sfile, soff, &spelled) != 0) {
        tokens_free(&spelled);
        return -1;
    }
    char name[RL_ANNOTATION_MAX_TEXT];
    token_text(&spelled, 0, name, sizeof name);
    *role = role_of(name, shared);
    int n = -1;
    if (*role != ROLE_NONE) {
        int in_macro = !clang_File_isEqual(sfile, efile) || soff != eoff;
        token_run written = {0};
        /* A macro with arguments (ACQUIRE(q->lock)) passes its own; one
         * without (LOCKS_MU) has them in its definition. A cleanup
         * function is named where the attribute is spelled: a guard's
         * macro (SCOPED_LOCK(m)) passes the lock, not the function. */
        if (in_macro && *role != ROLE_CLEANUP && tokens_from(tu, efile, eoff, &written) == 0)
            n = split_args(&written, 1, args, max);
        if (n < 0) n = split_args(&spelled, 1, args, max);
        tokens_free(&written);
    }
    tokens_free(&spelled);
    return n;
}

const char *rl_capability_root(const char *text, char *root, size_t size)
{
    const char *p = text;
    if (*p == '&' || *p == '*') p++;
    size_t n = strcspn(p, ".-[(&*");
    if (n == 0 || n >= size) return NULL;
    memcpy(root, p, n);
    root[n] = '\0';
    return p + n;
}

int rl_capability_path(const char *rest, int pointee_root, char *path, size_t size)
{
    size_t len = 0;
    path[0] = '\0';
    for (const char *p = rest; *p;) {
        int arrow = strncmp(p, "->", 2) == 0;
        if (!arrow && *p != '.') return -1;
        int first = len == 0;
        if (!arrow && pointee_root && first) return -1; /* a struct passed by value */
        p += arrow ? 2 : 1;
        size_t f = strcspn(p, ".-[(&*");
        if (f == 0) return -1;
        /* Place syntax: "*" dereferences, except the pointee root's first arrow. */
        const char *deref = arrow && !(pointee_root && first) ? "*" : "";
        int w = snprintf(path + len, size - len, "%s.%.*s", deref, (int)f, p);
        if (w < 0 || (size_t)w >= size - len) return -1;
        len += (size_t)w;
        p += f;
    }
    return 0;
}

/* Names a capability expression: `p`, `*p`, `&p->lock`, `p->a.b`,
 * `g_lock`, `g.lock`. Returns 0, or -1 for anything else. */
static int capability_ref(CXCursor fn, const char *text, rl_capability_ref *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->text, sizeof out->text, "%s", text);
    char root[RL_ANNOTATION_MAX_TEXT];
    const char *rest = rl_capability_root(text, root, sizeof root);
    if (!rest) return -1;
    out->param = -1;
    int nparams = clang_Cursor_getNumArguments(fn);
    for (int i = 0; i < nparams; i++) {
        CXString s = clang_getCursorSpelling(clang_Cursor_getArgument(fn, (unsigned)i));
        if (strcmp(clang_getCString(s), root) == 0) out->param = i;
        clang_disposeString(s);
    }
    if (out->param < 0) snprintf(out->global, sizeof out->global, "%s", root);
    /* A parameter is a pointer to the capability: its first step is
     * already the object it points to. */
    return rl_capability_path(rest, out->param >= 0, out->path, sizeof out->path);
}

static enum CXChildVisitResult collect_attr(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    CXCursor *attrs = data;
    if (clang_isAttribute(clang_getCursorKind(c))) {
        for (int i = 0; i < RL_ANNOTATION_MAX_CAPS; i++) {
            if (clang_Cursor_isNull(attrs[i])) {
                attrs[i] = c;
                break;
            }
        }
    }
    return CXChildVisit_Continue;
}

/* One attribute of a function, read. */
typedef struct attr_read {
    attr_role role;
    int shared;
    int nargs;
    char args[MAX_ARGS][RL_ANNOTATION_MAX_TEXT];
} attr_read;

/* The thread-safety attributes of fn that racelint understands. */
static int read_attrs(CXTranslationUnit tu, CXCursor fn, attr_read *out, int max)
{
    CXCursor attrs[RL_ANNOTATION_MAX_CAPS];
    for (int i = 0; i < RL_ANNOTATION_MAX_CAPS; i++) attrs[i] = clang_getNullCursor();
    clang_visitChildren(fn, collect_attr, attrs);
    int n = 0;
    for (int i = 0; i < RL_ANNOTATION_MAX_CAPS && n < max && !clang_Cursor_isNull(attrs[i]); i++) {
        attr_read *a = &out[n];
        a->shared = 0;
        a->nargs = read_attr(tu, attrs[i], &a->role, &a->shared, a->args, MAX_ARGS);
        if (a->role != ROLE_NONE && a->nargs >= 0) n++;
    }
    return n;
}

int rl_annotation_of_function(CXTranslationUnit tu, CXCursor fn, rl_lock_annotation *out)
{
    attr_read attrs[RL_ANNOTATION_MAX_CAPS];
    int nattrs = read_attrs(tu, fn, attrs, RL_ANNOTATION_MAX_CAPS);
    memset(out, 0, sizeof *out);
    for (int i = 0; i < nattrs; i++) {
        const attr_read *a = &attrs[i];
        if (a->role != ROLE_ACQUIRE && a->role != ROLE_RELEASE && a->role != ROLE_TRY) continue;
        int first = 0;
        if (a->role == ROLE_TRY) {
            /* try_acquire_capability(success value, capabilities...) */
            if (a->nargs < 2) continue;
            out->api.success_nonzero = strcmp(a->args[0], "false") != 0 && strcmp(a->args[0], "0") != 0;
            first = 1;
        }
        out->api.kind = a->role == ROLE_ACQUIRE ? RL_API_LOCK : a->role == ROLE_RELEASE ? RL_API_UNLOCK : RL_API_TRYLOCK;
        out->api.shared = a->shared;
        out->api.lock = -1;
        for (int k = first; k < a->nargs && out->ncaps < RL_ANNOTATION_MAX_CAPS; k++)
            if (capability_ref(fn, a->args[k], &out->caps[out->ncaps]) == 0) out->ncaps++;
        /* One role per function: the first attribute that names one. */
        if (out->ncaps) return 1;
    }
    return 0;
}

int rl_annotation_requires(CXTranslationUnit tu, CXCursor fn, rl_capability_ref *caps, int *shared, int max)
{
    attr_read attrs[RL_ANNOTATION_MAX_CAPS];
    int nattrs = read_attrs(tu, fn, attrs, RL_ANNOTATION_MAX_CAPS);
    int n = 0;
    for (int i = 0; i < nattrs; i++) {
        const attr_read *a = &attrs[i];
        /* Releasing a capability needs it held, as Clang checks too. */
        if (a->role != ROLE_REQUIRES && a->role != ROLE_RELEASE) continue;
        for (int k = 0; k < a->nargs && n < max; k++) {
            if (capability_ref(fn, a->args[k], &caps[n]) != 0) continue;
            shared[n++] = a->shared;
        }
    }
    return n;
}

/* The one argument of decl's first attribute of the role, as written,
 * into text: 0, or -1 when it has none. */
static int single_argument(CXTranslationUnit tu, CXCursor decl, attr_role role, char *text, size_t size)
{
    attr_read attrs[RL_ANNOTATION_MAX_CAPS];
    int nattrs = read_attrs(tu, decl, attrs, RL_ANNOTATION_MAX_CAPS);
    for (int i = 0; i < nattrs; i++) {
        if (attrs[i].role != role || attrs[i].nargs != 1) continue;
        snprintf(text, size, "%s", attrs[i].args[0]);
        return 0;
    }
    return -1;
}

int rl_annotation_guarded_by(CXTranslationUnit tu, CXCursor decl, char *text, size_t size)
{
    return single_argument(tu, decl, ROLE_GUARDED_BY, text, size);
}

int rl_annotation_cleanup(CXTranslationUnit tu, CXCursor decl, char *fn, size_t size)
{
    return single_argument(tu, decl, ROLE_CLEANUP, fn, size);
}

/* The attribute's spelled name: the first token of its extent. Read
 * straight from the file's buffer where it is an identifier (the usual
 * case: `_Noreturn`, `noreturn`, the name inside `__attribute__((...))`):
 * every call's callee is asked once per unit, and clang_tokenize on each
 * of a libc declaration's attributes was 7 % of memcached's run. */
static void attr_spelling(CXTranslationUnit tu, CXCursor attr, char *buf, size_t size)
{
    CXFile file = NULL;
    unsigned offset = 0;
    clang_getSpellingLocation(clang_getRangeStart(clang_getCursorExtent(attr)), &file, NULL, NULL, &offset);
    size_t len = 0;
    const char *text = file ? clang_getFileContents(tu, file, &len) : NULL;
    if (text && offset < len && (isalpha((unsigned char)text[offset]) || text[offset] == '_')) {
        size_t n = 0;
        while (offset + n < len && n + 1 < size && (isalnum((unsigned char)text[offset + n]) || text[offset + n] == '_'))
            n++;
        memcpy(buf, text + offset, n);
        buf[n] = '\0';
        return;
    }
    CXToken *toks = NULL;
    unsigned n = 0;
    buf[0] = '\0';
    clang_tokenize(tu, clang_getCursorExtent(attr), &toks, &n);
    if (n > 0) {
        CXString s = clang_getTokenSpelling(tu, toks[0]);
        snprintf(buf, size, "%s", clang_getCString(s));
        clang_disposeString(s);
    }
    if (toks) clang_disposeTokens(tu, toks, n);
}

int rl_annotation_noreturn(CXTranslationUnit tu, CXCursor fn)
{
    /* GNU's attribute is part of the function type... */
    CXString type = clang_getTypeSpelling(clang_getCursorType(fn));
    int noreturn = strstr(clang_getCString(type), "__attribute__((noreturn))") != NULL;
    clang_disposeString(type);
    if (noreturn) return 1;
    /* ...C11's _Noreturn and C23's [[noreturn]] are unexposed attributes
     * of the declaration, known by how they are spelled. */
    CXCursor attrs[RL_ANNOTATION_MAX_CAPS];
    for (int i = 0; i < RL_ANNOTATION_MAX_CAPS; i++) attrs[i] = clang_getNullCursor();
    clang_visitChildren(fn, collect_attr, attrs);
    for (int i = 0; i < RL_ANNOTATION_MAX_CAPS && !noreturn && !clang_Cursor_isNull(attrs[i]); i++) {
        char name[RL_ANNOTATION_MAX_TEXT];
        attr_spelling(tu, attrs[i], name, sizeof name);
        noreturn = strcmp(name, "_Noreturn") == 0 || strcmp(name, "noreturn") == 0 ||
                   strcmp(name, "__noreturn__") == 0;
    }
    return noreturn;
}
