/* Compile-command flags (flags.h): the allowlist, response files, and the
 * GCC-style splitting both use. */
#include "flags.h"
#include "../util/file.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Distinct unknown flags noted one by one; past this many, the others are
 * only counted (a hostile database could name a new one in every entry). */
#define MAX_UNKNOWN_NOTES 64

void rl_args_push(rl_args *a, const char *s)
{
    RL_PUSH(a->v, a->n, a->cap, rl_xstrdup(s));
}

void rl_args_free(rl_args *a)
{
    for (size_t i = 0; i < a->n; i++) free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void rl_args_split(const char *text, size_t len, rl_args *out)
{
    size_t i = 0;
    rl_strbuf cur = RL_STRBUF_INIT;
    while (i < len) {
        while (i < len && is_blank(text[i])) i++;
        if (i >= len) break;
        rl_sb_truncate(&cur, 0);
        char quote = 0;
        for (; i < len && (quote || !is_blank(text[i])); i++) {
            char c = text[i];
            if (quote == '\'') {
                if (c == '\'') quote = 0;
                else rl_sb_appendc(&cur, c);
            } else if (quote == '"') {
                if (c == '"') quote = 0;
                else if (c == '\\' && i + 1 < len && (text[i + 1] == '"' || text[i + 1] == '\\')) rl_sb_appendc(&cur, text[++i]);
                else rl_sb_appendc(&cur, c);
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '\\' && i + 1 < len) {
                rl_sb_appendc(&cur, text[++i]);
            } else if (c != '\0') {
                rl_sb_appendc(&cur, c);
            }
        }
        rl_args_push(out, rl_sb_str(&cur));
    }
    rl_sb_free(&cur);
}

/* ---- response files ----------------------------------------------------- */

typedef struct open_rsp {
    dev_t dev;
    ino_t ino;
} open_rsp;

typedef struct expansion {
    open_rsp stack[RL_RSP_MAX_DEPTH];
    int depth;
    size_t total;
} expansion;

static char *join_dir(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir || !*dir) return rl_xstrdup(name);
    return rl_xasprintf("%s/%s", dir, name);
}

static int expand(const rl_args *args, const char *dir, expansion *x, rl_args *out, rl_error *err);

/* Reads one response file and expands what it holds in its place. */
static int expand_file(const char *path, expansion *x, rl_args *out, rl_error *err)
{
    if (x->depth >= RL_RSP_MAX_DEPTH)
        return rl_fail(err, "response file %s: response files nested more than %d deep", path, RL_RSP_MAX_DEPTH);
    rl_error why = {{0}};
    char *text;
    size_t len;
    struct stat st;
    if (rl_read_file(path, RL_RSP_MAX_BYTES, "a response file", &text, &len, &why) != 0)
        return rl_fail(err, "response file %s", why.msg);
    if (stat(path, &st) != 0) {
        free(text);
        return rl_fail(err, "response file %s: cannot open", path);
    }
    for (int i = 0; i < x->depth; i++)
        if (x->stack[i].dev == st.st_dev && x->stack[i].ino == st.st_ino) {
            free(text);
            return rl_fail(err, "response file %s: includes itself", path);
        }
    x->total += len;
    if (x->total > RL_RSP_MAX_TOTAL_BYTES) {
        free(text);
        return rl_fail(err, "response file %s: the response files of this entry hold more than %zu MiB together",
                       path, RL_RSP_MAX_TOTAL_BYTES / RL_MIB);
    }
    rl_args inner = {NULL, 0, 0};
    rl_args_split(text, len, &inner);
    free(text);
    x->stack[x->depth].dev = st.st_dev;
    x->stack[x->depth].ino = st.st_ino;
    x->depth++;
    /* Nested response files are relative to this one's folder, as in clang. */
    char *folder = rl_xstrdup(path);
    char *slash = strrchr(folder, '/');
    if (slash) *slash = '\0';
    int rc = expand(&inner, slash ? folder : "", x, out, err);
    free(folder);
    x->depth--;
    rl_args_free(&inner);
    return rc;
}

static int expand(const rl_args *args, const char *dir, expansion *x, rl_args *out, rl_error *err)
{
    for (size_t i = 0; i < args->n; i++) {
        const char *a = args->v[i];
        if (a[0] != '@' || !a[1]) {
            rl_args_push(out, a);
            continue;
        }
        char *path = join_dir(dir, a + 1);
        int rc = expand_file(path, x, out, err);
        free(path);
        if (rc != 0) return -1;
    }
    return 0;
}

int rl_args_expand_response_files(const rl_args *args, const char *dir, rl_args *out, rl_error *err)
{
    expansion x;
    memset(&x, 0, sizeof x);
    return expand(args, dir, &x, out, err);
}

/* ---- the allowlist -------------------------------------------------------- */

/* How a table entry matches an argument. */
typedef enum match {
    M_EXACT,        /* the whole argument, no value */
    M_PREFIX,       /* the argument starts with the name (value joined, or none) */
    M_SEP,          /* the whole argument; the next argument is its value */
    M_JOINED_OR_SEP,/* -Ifoo or -I foo */
    M_PREFIX_SEP,   /* starts with the name, and the next argument is its value (-Xarch_x86_64 ARG) */
} match;

/* What becomes of a matching flag (and its value). */
typedef enum action {
    A_KEEP,   /* parsing needs it: passed on */
    A_SILENT, /* never matters to parsing: dropped without a word */
    A_REFUSE, /* writes files, loads code, or hides other flags: dropped with a note */
    A_LANG,   /* -x LANG: kept when LANG is C, else the entry is not a C unit */
    A_NOT_C,  /* a language other than C, whatever follows */
} action;

typedef struct flag_rule {
    const char *name;
    unsigned char match, action;
} flag_rule;

/* First match wins: refused spellings come before the broader rules that
 * would keep them (-Wp, before -W, -mllvm before -m...). */
static const flag_rule rules[] = {
    /* 2: flags that pass flags on to clang's internals, the preprocessor,
     * the assembler or the linker, where no table can see them */
    {"-Xclang", M_SEP, A_REFUSE}, {"-Xclang=", M_PREFIX, A_REFUSE},
    {"-mllvm", M_SEP, A_REFUSE}, {"-mllvm=", M_PREFIX, A_REFUSE},
    {"-Xpreprocessor", M_SEP, A_REFUSE}, {"-Xanalyzer", M_SEP, A_REFUSE},
    {"-Xassembler", M_SEP, A_REFUSE}, {"-Xlinker", M_SEP, A_REFUSE},
    {"-Xopenmp-target", M_SEP, A_REFUSE}, {"-Xoffload-linker", M_SEP, A_REFUSE},
    {"-Xcuda-fatbinary", M_SEP, A_REFUSE}, {"-Xcuda-ptxas", M_SEP, A_REFUSE},
    {"-Xarch_", M_PREFIX_SEP, A_REFUSE},
    {"-Wp,", M_PREFIX, A_REFUSE}, {"-Wa,", M_PREFIX, A_REFUSE}, {"-Wl,", M_PREFIX, A_REFUSE},
    /* 2: modules and plugins (caches, .pcm files, copied headers, code) */
    {"-fmodule", M_PREFIX, A_REFUSE}, {"-fno-module", M_PREFIX, A_REFUSE},
    {"-fimplicit-module", M_PREFIX, A_REFUSE}, {"-fprebuilt-module", M_PREFIX, A_REFUSE},
    {"-fbuiltin-module-map", M_PREFIX, A_REFUSE}, {"-fplugin", M_PREFIX, A_REFUSE},
    {"-fpass-plugin", M_PREFIX, A_REFUSE}, {"-load", M_SEP, A_REFUSE}, {"-plugin", M_PREFIX, A_REFUSE},
    {"-fcxx-modules", M_EXACT, A_REFUSE},
    /* 2: files written besides the output */
    {"--serialize-diagnostics", M_SEP, A_REFUSE}, {"-serialize-diagnostics", M_SEP, A_REFUSE},
    {"-fcrash-diagnostics", M_PREFIX, A_REFUSE}, {"-ftime-trace", M_PREFIX, A_REFUSE},
    {"-fsave-optimization-record", M_PREFIX, A_REFUSE}, {"-foptimization-record-file", M_PREFIX, A_REFUSE},
    {"-fproc-stat-report", M_PREFIX, A_REFUSE}, {"-save-temps", M_PREFIX, A_REFUSE},
    {"--save-temps", M_PREFIX, A_REFUSE}, {"-save-stats", M_PREFIX, A_REFUSE}, {"-fdump-", M_PREFIX, A_REFUSE},
    {"-aux-info", M_SEP, A_REFUSE}, {"-dependency-file", M_SEP, A_REFUSE}, {"-dependency-dot", M_SEP, A_REFUSE},
    {"-header-include-file", M_SEP, A_REFUSE}, {"-module-dependency-dir", M_SEP, A_REFUSE},
    {"-B", M_JOINED_OR_SEP, A_REFUSE}, {"--prefix", M_PREFIX, A_REFUSE}, {"-specs", M_PREFIX, A_REFUSE},
    {"--config", M_PREFIX, A_REFUSE},
    /* 5: the language */
    {"-x", M_JOINED_OR_SEP, A_LANG}, {"--language", M_SEP, A_LANG}, {"--language=", M_PREFIX, A_LANG},
    {"-ObjC", M_EXACT, A_NOT_C}, {"-ObjC++", M_EXACT, A_NOT_C},
    /* 3: outputs and dependency files, codegen, the linker */
    {"-o", M_JOINED_OR_SEP, A_SILENT}, {"--output", M_SEP, A_SILENT}, {"--output=", M_PREFIX, A_SILENT},
    {"-MF", M_JOINED_OR_SEP, A_SILENT}, {"-MT", M_JOINED_OR_SEP, A_SILENT}, {"-MQ", M_JOINED_OR_SEP, A_SILENT},
    {"-MJ", M_JOINED_OR_SEP, A_SILENT}, {"-M", M_PREFIX, A_SILENT},
    {"-c", M_EXACT, A_SILENT}, {"-S", M_EXACT, A_SILENT}, {"-E", M_EXACT, A_SILENT}, {"-pipe", M_EXACT, A_SILENT},
    {"-O", M_PREFIX, A_SILENT}, {"-g", M_PREFIX, A_SILENT},
    {"-fpic", M_EXACT, A_SILENT}, {"-fPIC", M_EXACT, A_SILENT}, {"-fpie", M_EXACT, A_SILENT},
    {"-fPIE", M_EXACT, A_SILENT}, {"-fno-pic", M_EXACT, A_SILENT}, {"-fno-PIC", M_EXACT, A_SILENT},
    {"-fno-pie", M_EXACT, A_SILENT}, {"-fno-PIE", M_EXACT, A_SILENT},
    {"-L", M_JOINED_OR_SEP, A_SILENT}, {"-l", M_JOINED_OR_SEP, A_SILENT}, {"-shared", M_EXACT, A_SILENT},
    {"-static", M_EXACT, A_SILENT}, {"-rdynamic", M_EXACT, A_SILENT}, {"-pie", M_EXACT, A_SILENT},
    {"-no-pie", M_EXACT, A_SILENT}, {"-s", M_EXACT, A_SILENT},
    /* 3: code generation and diagnostics options that never change what
     * the parser sees (no predefined macro follows from them) */
    {"-fvisibility", M_PREFIX, A_SILENT}, {"-fstrict-", M_PREFIX, A_SILENT}, {"-fno-strict-", M_PREFIX, A_SILENT},
    {"-fstack-", M_PREFIX, A_SILENT}, {"-fno-stack-", M_PREFIX, A_SILENT},
    {"-fomit-frame-pointer", M_EXACT, A_SILENT}, {"-fno-omit-frame-pointer", M_EXACT, A_SILENT},
    {"-ffunction-sections", M_EXACT, A_SILENT}, {"-fdata-sections", M_EXACT, A_SILENT},
    {"-fwrapv", M_EXACT, A_SILENT}, {"-fno-wrapv", M_EXACT, A_SILENT}, {"-ftrapv", M_EXACT, A_SILENT},
    {"-fexceptions", M_EXACT, A_SILENT}, {"-fno-exceptions", M_EXACT, A_SILENT},
    {"-funwind-tables", M_EXACT, A_SILENT}, {"-fno-unwind-tables", M_EXACT, A_SILENT},
    {"-fasynchronous-unwind-tables", M_EXACT, A_SILENT}, {"-fno-asynchronous-unwind-tables", M_EXACT, A_SILENT},
    {"-fplt", M_EXACT, A_SILENT}, {"-fno-plt", M_EXACT, A_SILENT}, {"-fcf-protection", M_PREFIX, A_SILENT},
    {"-fdelete-null-pointer-checks", M_EXACT, A_SILENT}, {"-fno-delete-null-pointer-checks", M_EXACT, A_SILENT},
    {"-fsemantic-interposition", M_EXACT, A_SILENT}, {"-fno-semantic-interposition", M_EXACT, A_SILENT},
    {"-fdiagnostics-", M_PREFIX, A_SILENT}, {"-fno-diagnostics-", M_PREFIX, A_SILENT},
    {"-fcolor-diagnostics", M_EXACT, A_SILENT}, {"-fno-color-diagnostics", M_EXACT, A_SILENT},
    {"-fmessage-length", M_PREFIX, A_SILENT}, {"-fdebug-prefix-map=", M_PREFIX, A_SILENT},
    {"-ftest-coverage", M_EXACT, A_SILENT}, {"-fprofile-", M_PREFIX, A_SILENT}, {"-fno-profile-", M_PREFIX, A_SILENT},
    /* 1: the preprocessor (longer names before the shorter ones they start with) */
    {"-D", M_JOINED_OR_SEP, A_KEEP}, {"-U", M_JOINED_OR_SEP, A_KEEP}, {"-I-", M_EXACT, A_KEEP},
    {"-I", M_JOINED_OR_SEP, A_KEEP}, {"-isystem-after", M_JOINED_OR_SEP, A_KEEP},
    {"-isystem", M_JOINED_OR_SEP, A_KEEP}, {"-iquote", M_JOINED_OR_SEP, A_KEEP},
    {"-idirafter", M_JOINED_OR_SEP, A_KEEP}, {"-include", M_JOINED_OR_SEP, A_KEEP},
    {"-imacros", M_JOINED_OR_SEP, A_KEEP}, {"-isysroot", M_JOINED_OR_SEP, A_KEEP},
    {"-iwithprefixbefore", M_JOINED_OR_SEP, A_KEEP}, {"-iwithprefix", M_JOINED_OR_SEP, A_KEEP},
    {"-iprefix", M_JOINED_OR_SEP, A_KEEP}, {"--sysroot", M_SEP, A_KEEP}, {"--sysroot=", M_PREFIX, A_KEEP},
    {"-nostdinc", M_EXACT, A_KEEP}, {"-nostdlibinc", M_EXACT, A_KEEP}, {"-nobuiltininc", M_EXACT, A_KEEP},
    {"-undef", M_EXACT, A_KEEP}, {"-trigraphs", M_EXACT, A_KEEP},
    /* 1: the language standard and flags that change what C means */
    {"-std=", M_PREFIX, A_KEEP}, {"--std=", M_PREFIX, A_KEEP}, {"-ansi", M_EXACT, A_KEEP},
    {"-pthread", M_EXACT, A_KEEP}, {"-fopenmp", M_EXACT, A_KEEP}, {"-fopenmp=", M_PREFIX, A_KEEP},
    {"-fno-openmp", M_EXACT, A_KEEP}, {"-fno-builtin", M_PREFIX, A_KEEP}, {"-fbuiltin", M_EXACT, A_KEEP},
    {"-fsigned-char", M_EXACT, A_KEEP}, {"-funsigned-char", M_EXACT, A_KEEP},
    {"-fno-signed-char", M_EXACT, A_KEEP}, {"-fno-unsigned-char", M_EXACT, A_KEEP},
    {"-fms-extensions", M_EXACT, A_KEEP}, {"-fno-ms-extensions", M_EXACT, A_KEEP},
    {"-fms-compatibility", M_EXACT, A_KEEP}, {"-fno-ms-compatibility", M_EXACT, A_KEEP},
    {"-fgnu89-inline", M_EXACT, A_KEEP}, {"-fno-gnu89-inline", M_EXACT, A_KEEP},
    {"-fblocks", M_EXACT, A_KEEP}, {"-fno-blocks", M_EXACT, A_KEEP},
    {"-fshort-enums", M_EXACT, A_KEEP}, {"-fno-short-enums", M_EXACT, A_KEEP},
    {"-fshort-wchar", M_EXACT, A_KEEP}, {"-fno-short-wchar", M_EXACT, A_KEEP},
    {"-fgnu-keywords", M_EXACT, A_KEEP}, {"-fno-gnu-keywords", M_EXACT, A_KEEP},
    {"-fasm", M_EXACT, A_KEEP}, {"-fno-asm", M_EXACT, A_KEEP},
    {"-fdollars-in-identifiers", M_EXACT, A_KEEP}, {"-fno-dollars-in-identifiers", M_EXACT, A_KEEP},
    {"-fcommon", M_EXACT, A_KEEP}, {"-fno-common", M_EXACT, A_KEEP},
    {"-ffreestanding", M_EXACT, A_KEEP}, {"-fhosted", M_EXACT, A_KEEP},
    {"-fsigned-bitfields", M_EXACT, A_KEEP}, {"-funsigned-bitfields", M_EXACT, A_KEEP},
    {"-fdeclspec", M_EXACT, A_KEEP}, {"-fno-declspec", M_EXACT, A_KEEP},
    {"-fpack-struct", M_EXACT, A_KEEP}, {"-fpack-struct=", M_PREFIX, A_KEEP},
    {"-fmax-type-align=", M_PREFIX, A_KEEP}, {"-fwchar-type=", M_PREFIX, A_KEEP},
    {"-fgnuc-version=", M_PREFIX, A_KEEP},
    /* 1: the target */
    {"-m16", M_EXACT, A_KEEP}, {"-m32", M_EXACT, A_KEEP}, {"-m64", M_EXACT, A_KEEP}, {"-mx32", M_EXACT, A_KEEP},
    {"-march=", M_PREFIX, A_KEEP}, {"-mcpu=", M_PREFIX, A_KEEP}, {"-mtune=", M_PREFIX, A_KEEP},
    {"-mabi=", M_PREFIX, A_KEEP}, {"-mfpu=", M_PREFIX, A_KEEP}, {"-mfloat-abi=", M_PREFIX, A_KEEP},
    {"-msse", M_PREFIX, A_KEEP}, {"-mno-sse", M_PREFIX, A_KEEP}, {"-mavx", M_PREFIX, A_KEEP},
    {"-mno-avx", M_PREFIX, A_KEEP}, {"-target", M_SEP, A_KEEP}, {"--target=", M_PREFIX, A_KEEP},
    /* 1: warnings (racelint silences them anyway) */
    {"-W", M_PREFIX, A_KEEP}, {"-w", M_EXACT, A_KEEP}, {"-pedantic", M_EXACT, A_KEEP},
    {"-pedantic-errors", M_EXACT, A_KEEP},
};

/* Languages that are C, for -x. */
static const char *const c_languages[] = {"c", "c-header", "cpp-output", "none"};

/* The rule for argument a, with the length of its name; NULL if unknown. */
static const flag_rule *find_rule(const char *a)
{
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        const flag_rule *r = &rules[i];
        size_t n = strlen(r->name);
        int exact = strcmp(a, r->name) == 0, prefix = strncmp(a, r->name, n) == 0;
        switch ((match)r->match) {
        case M_EXACT:
        case M_SEP:
            if (exact) return r;
            break;
        case M_PREFIX:
        case M_JOINED_OR_SEP:
        case M_PREFIX_SEP:
            if (prefix) return r;
            break;
        }
    }
    return NULL;
}

typedef struct unknown_flag {
    char *flag;
    size_t entries;
    char *first;
} unknown_flag;

/* Counts an unknown flag (its name up to '=', so values do not make
 * distinct notes) once per entry. */
static void note_unknown(rl_flag_notes *notes, const char *a, const char *file, rl_args *seen)
{
    size_t n = strcspn(a, "=");
    char *name = rl_xstrndup(a, n);
    for (size_t i = 0; i < seen->n; i++)
        if (strcmp(seen->v[i], name) == 0) {
            free(name);
            return;
        }
    rl_args_push(seen, name);
    for (size_t i = 0; i < notes->nunknown; i++)
        if (strcmp(notes->unknown[i].flag, name) == 0) {
            notes->unknown[i].entries++;
            free(name);
            return;
        }
    if (notes->nunknown == MAX_UNKNOWN_NOTES + 1) {
        notes->unknown[MAX_UNKNOWN_NOTES].entries++; /* the "others" row */
        free(name);
        return;
    }
    unknown_flag u = {name, 1, rl_xstrdup(file)};
    if (notes->nunknown == MAX_UNKNOWN_NOTES) {
        free(u.flag);
        u.flag = NULL; /* the "others" row */
    }
    RL_PUSH(notes->unknown, notes->nunknown, notes->cap_unknown, u);
}

/* Whether a flag matched by r takes the next argument as its value. */
static int takes_next(const flag_rule *r, const char *a)
{
    return r->match == M_SEP || r->match == M_PREFIX_SEP || (r->match == M_JOINED_OR_SEP && !a[strlen(r->name)]);
}

void rl_flags_positionals(const rl_args *args, rl_args *out)
{
    for (size_t i = 0; i < args->n; i++) {
        const char *a = args->v[i];
        if (a[0] != '-' || !a[1]) {
            rl_args_push(out, a);
            continue;
        }
        const flag_rule *r = find_rule(a);
        if (r && takes_next(r, a)) i++;
    }
}

int rl_flags_filter(const rl_args *args, const char *file, rl_args *keep, char **refused, rl_flag_notes *notes,
                    rl_error *err)
{
    rl_strbuf ref = RL_STRBUF_INIT;
    rl_args seen = {NULL, 0, 0};
    int rc = 0;
    *refused = NULL;
    for (size_t i = 0; i < args->n && rc == 0; i++) {
        const char *a = args->v[i];
        if (a[0] != '-' || !a[1]) continue; /* the source file, other inputs: positional */
        const flag_rule *r = find_rule(a);
        if (!r) {
            note_unknown(notes, a, file, &seen);
            continue;
        }
        size_t n = strlen(r->name);
        int separate = takes_next(r, a);
        const char *value = separate ? (i + 1 < args->n ? args->v[i + 1] : "") : a + n;
        if (separate && i + 1 < args->n) i++;
        switch ((action)r->action) {
        case A_KEEP:
            rl_args_push(keep, a);
            if (separate) rl_args_push(keep, value);
            break;
        case A_SILENT:
            break;
        case A_REFUSE:
            rl_sb_printf(&ref, "%s%s%s%s", ref.len ? ", " : "", a, separate ? " " : "", separate ? value : "");
            break;
        case A_LANG: {
            int is_c = 0;
            for (size_t k = 0; k < sizeof c_languages / sizeof *c_languages; k++)
                if (strcmp(value, c_languages[k]) == 0) is_c = 1;
            if (!is_c) {
                rc = rl_fail(err, "not a C unit (%s%s%s)", a, separate ? " " : "", separate ? value : "");
            } else {
                rl_args_push(keep, "-x");
                rl_args_push(keep, value);
            }
            break;
        }
        case A_NOT_C:
            rc = rl_fail(err, "not a C unit (%s)", a);
            break;
        }
    }
    if (ref.len && rc == 0) *refused = rl_sb_take(&ref);
    rl_sb_free(&ref);
    rl_args_free(&seen);
    return rc;
}

void rl_flag_notes_flush(rl_flag_notes *notes, char ***msgs, size_t *nmsgs, size_t *cap)
{
    for (size_t i = 0; i < notes->nunknown; i++) {
        unknown_flag *u = &notes->unknown[i];
        char *m;
        if (u->flag)
            m = rl_xasprintf("flag '%s' dropped: racelint does not pass it to the parser (%zu entr%s, the first %s)",
                             u->flag, u->entries, u->entries == 1 ? "y" : "ies", u->first);
        else
            m = rl_xasprintf("%zu other unknown flags dropped, the first in %s", u->entries, u->first);
        RL_PUSH(*msgs, *nmsgs, *cap, m);
        free(u->flag);
        free(u->first);
    }
    free(notes->unknown);
    memset(notes, 0, sizeof *notes);
}
