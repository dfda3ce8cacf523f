/* Source-comment suppressions and source context (suppress.h). */
#include "suppress.h"
#include "../util/file.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include "rules/checks.h"
#include <ctype.h>
#include <fnmatch.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A line longer than this is cut (the rest is skipped, not stored). */
#define MAX_LINE_BYTES 512
/* A file is read no further than this. */
#define MAX_FILE_BYTES (64L * 1024 * 1024)
/* A suppression reason is cut to this length. */
#define MAX_REASON_BYTES 200

/* ------------------------------------------------------------------------
 * Reading lines. */

typedef struct line_req {
    const char *file;
    unsigned first, last; /* lines wanted */
    size_t finding, event;
} line_req;

typedef struct stored_line {
    unsigned line;
    char *text;
} stored_line;


/* Reads one line into buf (at most MAX_LINE_BYTES, the rest skipped; NUL
 * bytes become spaces, a trailing CR is dropped). 0 at end of file. */
static int read_line(FILE *f, char buf[MAX_LINE_BYTES + 1], long *budget)
{
    size_t n = 0;
    int c, any = 0;
    /* getc_unlocked: the stream is this thread's alone, and taking its
     * lock for every byte was a tenth of an unchanged re-run on redis. */
    while (*budget > 0 && (c = getc_unlocked(f)) != EOF) {
        (*budget)--;
        any = 1;
        if (c == '\n') break;
        if (n < MAX_LINE_BYTES) buf[n++] = c ? (char)c : ' ';
    }
    if (n > 0 && buf[n - 1] == '\r') n--;
    buf[n] = '\0';
    return any;
}

/* Reads, in one pass over the file, every line some request of reqs[0..n)
 * (all for one file, sorted by first line) wants. */
static stored_line *read_wanted(const char *path, const line_req *reqs, size_t n, size_t *nlines)
{
    *nlines = 0;
    rl_error ignored = {{0}}; /* an unreadable source is just not shown */
    FILE *f = rl_fopen_regular(path, &ignored);
    if (!f) return NULL;
    unsigned max_line = 0;
    for (size_t i = 0; i < n; i++)
        if (reqs[i].last > max_line) max_line = reqs[i].last;
    stored_line *lines = NULL;
    size_t cap = 0, next = 0; /* next: first request that may still want a line */
    char buf[MAX_LINE_BYTES + 1];
    long budget = MAX_FILE_BYTES;
    for (unsigned line = 1; line <= max_line && read_line(f, buf, &budget); line++) {
        while (next < n && reqs[next].last < line) next++;
        int wanted = 0;
        for (size_t i = next; i < n && reqs[i].first <= line && !wanted; i++) wanted = reqs[i].last >= line;
        if (!wanted) continue;
        RL_GROW(lines, cap, *nlines + 1);
        lines[*nlines].line = line;
        lines[*nlines].text = rl_xstrdup(buf);
        (*nlines)++;
    }
    fclose(f);
    return lines;
}

static const char *find_line(const stored_line *lines, size_t n, unsigned line)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (lines[mid].line < line) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && lines[lo].line == line ? lines[lo].text : NULL;
}

static int cmp_req(const void *a, const void *b)
{
    const line_req *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (c) return c;
    return x->first < y->first ? -1 : x->first > y->first;
}

char *rl_read_source_lines(const char *path, unsigned first, unsigned last)
{
    if (first < 1) first = 1;
    if (last < first) return NULL;
    line_req req = {path, first, last, 0, 0};
    size_t nlines;
    stored_line *lines = read_wanted(path, &req, 1, &nlines);
    char *text = NULL;
    if (nlines && lines[0].line == first) {
        rl_strbuf sb = RL_STRBUF_INIT;
        for (size_t i = 0; i < nlines; i++) {
            if (i) rl_sb_appendc(&sb, '\n');
            rl_sb_append(&sb, lines[i].text);
        }
        text = rl_sb_take(&sb);
    }
    for (size_t i = 0; i < nlines; i++) free(lines[i].text);
    free(lines);
    return text;
}

/* ------------------------------------------------------------------------
 * The comment syntax. */

/* Where the comment text of line starts (after a line or block comment
 * opener, or after the leading star of
 * a block comment's continuation line), skipping string and character
 * literals; NULL if the line has no comment. *block says whether it is a
 * block comment (so that its text ends at the closing delimiter). */
static const char *comment_start(const char *line, int *block)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (p[0] == '*' && p[1] != '/') {
        *block = 1;
        return p + 1;
    }
    char quote = 0;
    for (; *p; p++) {
        if (quote) {
            if (*p == '\\' && p[1]) p++;
            else if (*p == quote) quote = 0;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (p[0] == '/' && (p[1] == '/' || p[1] == '*')) {
            *block = p[1] == '*';
            return p + 2;
        }
    }
    return NULL;
}

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t') p++;
    return p;
}

/* Whether the comma-separated list [list, end) names rule (or is `*`). */
static int rule_listed(const char *list, const char *end, const char *rule)
{
    size_t rlen = strlen(rule);
    while (list < end) {
        list = skip_space(list);
        const char *stop = memchr(list, ',', (size_t)(end - list));
        if (!stop) stop = end;
        const char *e = stop;
        while (e > list && (e[-1] == ' ' || e[-1] == '\t')) e--;
        size_t n = (size_t)(e - list);
        if ((n == 1 && *list == '*') || (n == rlen && strncmp(list, rule, n) == 0)) return 1;
        list = stop + 1;
    }
    return 0;
}

/* Whether the line holds nothing but a comment. */
static int comment_only(const char *line)
{
    const char *p = skip_space(line);
    return (p[0] == '/' && (p[1] == '/' || p[1] == '*')) || (p[0] == '*' && p[1] != '/');
}

/* One suppression comment found on a line. */
typedef enum comment_kind { SC_NONE, SC_IGNORE, SC_NOLINT, SC_NOLINTNEXTLINE } comment_kind;

typedef struct sup_comment {
    comment_kind kind;
    const char *list, *list_end;     /* the rule list; NULL: every rule */
    const char *reason, *reason_end; /* SC_IGNORE: the reason */
} sup_comment;

/* The entries of a NOLINT list that are racelint's: `racelint-RULE`
 * (RULE a glob). Calls each(glob, len, ctx) for each; stops at nonzero. */
static int nolint_entries(const char *list, const char *end, int (*each)(const char *, size_t, void *), void *ctx)
{
    static const char prefix[] = "racelint-";
    while (list < end) {
        list = skip_space(list);
        const char *stop = memchr(list, ',', (size_t)(end - list));
        if (!stop) stop = end;
        const char *e = stop;
        while (e > list && (e[-1] == ' ' || e[-1] == '\t')) e--;
        size_t n = (size_t)(e - list);
        if (n > strlen(prefix) && strncmp(list, prefix, strlen(prefix)) == 0) {
            int r = each(list + strlen(prefix), n - strlen(prefix), ctx);
            if (r) return r;
        }
        list = stop + 1;
    }
    return 0;
}

static int count_entry(const char *glob, size_t len, void *ctx)
{
    (void)glob;
    (void)len;
    ++*(int *)ctx;
    return 0;
}

/* `NOLINT(...)` or `NOLINTNEXTLINE(...)` with at least one racelint entry
 * in comment text [text, close); 1 when found. A bare NOLINT, or one
 * naming only other tools' checks, is not racelint's. */
static int find_nolint(const char *text, const char *close, sup_comment *out)
{
    for (const char *p = strstr(text, "NOLINT"); p && (!close || p < close); p = strstr(p + 1, "NOLINT")) {
        int next = strncmp(p, "NOLINTNEXTLINE(", 15) == 0;
        if (!next && strncmp(p, "NOLINT(", 7) != 0) continue;
        const char *open = p + (next ? 14 : 6), *end = strchr(open, ')');
        if (!end || (close && end > close)) continue;
        int ours = 0;
        nolint_entries(open + 1, end, count_entry, &ours);
        if (!ours) continue;
        out->kind = next ? SC_NOLINTNEXTLINE : SC_NOLINT;
        out->list = open + 1;
        out->list_end = end;
        return 1;
    }
    return 0;
}

/* The suppression comment of a line, if any: `racelint: ignore[...]`
 * first, else a NOLINT form naming racelint's rules. */
static int find_comment(const char *line, sup_comment *out)
{
    memset(out, 0, sizeof *out);
    int block = 0;
    const char *text = comment_start(line, &block);
    while (text) {
        const char *close = block ? strstr(text, "*/") : NULL;
        const char *tag = strstr(text, "racelint:");
        if (tag && close && close < tag) tag = NULL;
        if (tag) {
            const char *p = skip_space(tag + strlen("racelint:"));
            if (strncmp(p, "ignore", 6) != 0 || isalnum((unsigned char)p[6]) || p[6] == '_' || p[6] == '-') return 0;
            p += 6;
            if (*p == '[') {
                const char *end = strchr(p, ']');
                if (!end || (close && end > close)) return 0;
                out->list = p + 1;
                out->list_end = end;
                p = end + 1;
            }
            p = skip_space(p);
            while (*p == ':' || *p == '-') p = skip_space(p + 1);
            const char *stop = close ? close : p + strlen(p);
            while (stop > p && (stop[-1] == ' ' || stop[-1] == '\t')) stop--;
            out->kind = SC_IGNORE;
            out->reason = p;
            out->reason_end = stop;
            return 1;
        }
        if (find_nolint(text, close, out)) return 1;
        if (!close) return 0;
        /* a later comment on the same line */
        text = comment_start(close + 2, &block);
    }
    return 0;
}

static int entry_matches(const char *glob, size_t len, void *rule)
{
    char *g = rl_xstrndup(glob, len);
    int m = fnmatch(g, rule, 0) == 0;
    free(g);
    return m;
}

/* Whether a comment covers rule. */
static int comment_covers(const sup_comment *c, const char *rule)
{
    if (c->kind == SC_IGNORE) return !c->list || rule_listed(c->list, c->list_end, rule);
    return nolint_entries(c->list, c->list_end, entry_matches, (void *)rule) != 0;
}

/* The reason of a comment, a heap string ("" for NOLINT). */
static char *comment_reason(const sup_comment *c)
{
    if (c->kind != SC_IGNORE) return rl_xstrdup("");
    size_t n = (size_t)(c->reason_end - c->reason);
    return rl_xstrndup(c->reason, n > MAX_REASON_BYTES ? MAX_REASON_BYTES : n);
}

int rl_suppress_parse_line(const char *line, const char *rule, char **reason)
{
    *reason = NULL;
    sup_comment c;
    if (!find_comment(line, &c) || c.kind == SC_NOLINTNEXTLINE || !comment_covers(&c, rule)) return 0;
    *reason = comment_reason(&c);
    return 1;
}

/* ------------------------------------------------------------------------
 * Scanning findings. */

/* Whether a comment on the access's own line (same_line) or on the line
 * before applies to it: `racelint: ignore` and NOLINT on the line itself,
 * or an ignore comment alone on the line before; NOLINTNEXTLINE only on
 * the line before. */
static int comment_applies(const sup_comment *c, int same_line, const char *text)
{
    if (c->kind == SC_NOLINTNEXTLINE) return !same_line;
    if (c->kind == SC_NOLINT) return same_line;
    return same_line || comment_only(text);
}

static void suppress(rl_finding *f, const char *file, unsigned line, const char *reason)
{
    if (f->suppressed) return;
    f->suppressed = 1;
    free(f->suppression);
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    f->suppression = reason && *reason ? rl_xasprintf("%s (comment at %s:%u)", reason, base, line)
                                       : rl_xasprintf("comment at %s:%u", base, line);
}

void rl_suppress_scan(rl_findings *findings, rl_source_context ***contexts_out)
{
    rl_source_context **contexts = rl_xcalloc(findings->len + 1, sizeof *contexts);
    size_t nreqs = 0, cap = 0;
    line_req *reqs = NULL;
    for (size_t i = 0; i < findings->len; i++) {
        const rl_finding *f = &findings->items[i];
        contexts[i] = rl_xcalloc(f->nevents + 1, sizeof **contexts);
        for (size_t e = 0; e < f->nevents; e++) {
            const rl_position *pos = &f->events[e].pos;
            if (!pos->file || !pos->file[0] || pos->line == 0) continue;
            RL_GROW(reqs, cap, nreqs + 1);
            line_req *r = &reqs[nreqs++];
            r->file = pos->file;
            r->first = pos->line > RL_CONTEXT_LINES ? pos->line - RL_CONTEXT_LINES : 1;
            r->last = pos->line + RL_CONTEXT_LINES;
            r->finding = i;
            r->event = e;
        }
    }
    if (nreqs > 1) qsort(reqs, nreqs, sizeof *reqs, cmp_req);

    for (size_t start = 0; start < nreqs;) {
        size_t end = start;
        while (end < nreqs && strcmp(reqs[end].file, reqs[start].file) == 0) end++;
        size_t nlines;
        stored_line *lines = read_wanted(reqs[start].file, reqs + start, end - start, &nlines);
        for (size_t k = start; k < end; k++) {
            rl_finding *f = &findings->items[reqs[k].finding];
            unsigned line = f->events[reqs[k].event].pos.line;
            /* The comment on the access line, or on a line of its own just
             * before it (a comment ending the line before belongs to that
             * line's code). */
            for (unsigned l = line; l + 1 >= line && l >= 1 && !f->suppressed; l--) {
                const char *text = find_line(lines, nlines, l);
                sup_comment c;
                if (text && find_comment(text, &c) && comment_applies(&c, l == line, text) &&
                    comment_covers(&c, f->rule ? f->rule : "")) {
                    char *reason = comment_reason(&c);
                    suppress(f, reqs[k].file, l, reason);
                    free(reason);
                }
                if (l == 1) break;
            }
            /* The context: the lines around the access that the file has. */
            rl_strbuf sb = RL_STRBUF_INIT;
            unsigned first = 0;
            for (unsigned l = reqs[k].first; l <= reqs[k].last; l++) {
                const char *text = find_line(lines, nlines, l);
                if (!text) continue;
                if (!first) first = l;
                else rl_sb_appendc(&sb, '\n');
                rl_sb_append(&sb, text);
            }
            rl_source_context *ctx = &contexts[reqs[k].finding][reqs[k].event];
            if (first) {
                ctx->first_line = first;
                ctx->text = rl_sb_take(&sb);
            } else {
                rl_sb_free(&sb);
            }
        }
        for (size_t i = 0; i < nlines; i++) free(lines[i].text);
        free(lines);
        start = end;
    }
    free(reqs);
    *contexts_out = contexts;
}

void rl_suppress_contexts_free(rl_source_context **contexts, const rl_findings *findings)
{
    if (!contexts) return;
    for (size_t i = 0; i < findings->len; i++) {
        for (size_t e = 0; contexts[i] && e < findings->items[i].nevents; e++) free(contexts[i][e].text);
        free(contexts[i]);
    }
    free(contexts);
}

/* ------------------------------------------------------------------------
 * Auditing the comments: like clang-tidy's check of unused NOLINTs. */

/* Whether an entry of an ignore list names a rule (or is `*`). */
static int known_rule(const char *name, size_t len, int glob)
{
    if (len == 1 && name[0] == '*') return 1;
    char *n = rl_xstrndup(name, len);
    int known = 0;
    for (size_t i = 0; i < rl_nchecks && !known; i++)
        known = glob ? fnmatch(n, rl_checks[i].id, 0) == 0 : strcmp(n, rl_checks[i].id) == 0;
    free(n);
    return known;
}

static int unknown_nolint(const char *glob, size_t len, void *first_unknown)
{
    if (known_rule(glob, len, 1)) return 0;
    *(char **)first_unknown = rl_xstrndup(glob, len);
    return 1;
}

/* The first rule a comment names that racelint does not have (heap), or
 * NULL. */
static char *unknown_rule(const sup_comment *c)
{
    char *unknown = NULL;
    if (c->kind != SC_IGNORE) {
        nolint_entries(c->list, c->list_end, unknown_nolint, &unknown);
        return unknown;
    }
    for (const char *p = c->list; p && p < c->list_end;) {
        p = skip_space(p);
        const char *stop = memchr(p, ',', (size_t)(c->list_end - p));
        if (!stop) stop = c->list_end;
        const char *e = stop;
        while (e > p && (e[-1] == ' ' || e[-1] == '\t')) e--;
        if (e > p && !known_rule(p, (size_t)(e - p), 0)) return rl_xstrndup(p, (size_t)(e - p));
        p = stop + 1;
    }
    return NULL;
}

/* Whether the comment at file:line suppressed a finding of this run: a
 * suppressed finding of a rule it covers with an event where it applies. */
static int comment_used(const sup_comment *c, const char *text, const char *file, unsigned line,
                        const rl_findings *findings)
{
    for (size_t i = 0; i < findings->len; i++) {
        const rl_finding *f = &findings->items[i];
        if (!f->suppressed || !comment_covers(c, f->rule ? f->rule : "")) continue;
        for (size_t e = 0; e < f->nevents; e++) {
            const rl_position *pos = &f->events[e].pos;
            if (!pos->file || strcmp(pos->file, file) != 0) continue;
            if ((pos->line == line && comment_applies(c, 1, text)) ||
                (pos->line == line + 1 && comment_applies(c, 0, text)))
                return 1;
        }
    }
    return 0;
}

static void add_notice(rl_notice **list, size_t *n, const char *code, char *message)
{
    *list = rl_xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[*n] = (rl_notice){rl_xstrdup(code), NULL, message};
    (*n)++;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void rl_suppress_audit(const rl_findings *findings, const char *const *files, size_t nfiles, rl_notice **notices,
                       size_t *nnotices)
{
    const char **all = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < nfiles; i++)
        if (files[i]) RL_PUSH(all, n, cap, files[i]);
    for (size_t i = 0; i < findings->len; i++)
        for (size_t e = 0; e < findings->items[i].nevents; e++)
            if (findings->items[i].events[e].pos.file) RL_PUSH(all, n, cap, findings->items[i].events[e].pos.file);
    if (n > 1) qsort(all, n, sizeof *all, cmp_cstr);
    char buf[MAX_LINE_BYTES + 1];
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(all[i], all[i - 1]) == 0) continue;
        rl_error ignored = {{0}}; /* an unreadable file has no comments to audit */
        FILE *f = rl_fopen_regular(all[i], &ignored);
        if (!f) continue;
        long budget = MAX_FILE_BYTES;
        for (unsigned line = 1; read_line(f, buf, &budget); line++) {
            sup_comment c;
            if (!strstr(buf, "racelint") || !find_comment(buf, &c)) continue;
            char *unknown = unknown_rule(&c);
            if (unknown) {
                add_notice(notices, nnotices, "suppression-unknown-rule",
                           rl_xasprintf("%s:%u: the suppression comment names '%s', which is no rule of racelint",
                                        all[i], line, unknown));
                free(unknown);
            } else if (!comment_used(&c, buf, all[i], line, findings)) {
                add_notice(notices, nnotices, "suppression-unused",
                           rl_xasprintf("%s:%u: the suppression comment suppresses no finding of this run", all[i],
                                        line));
            }
        }
        fclose(f);
    }
    free(all);
}
