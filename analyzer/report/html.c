/* The HTML report (report.h, docs/html-report.md): one static page that a
 * person opens in a browser, with everything inline (CSS, a small script,
 * no fonts or images), so it works offline and as a CI artifact.
 *
 * Safety: every string that comes from the sources or the database (file
 * names, expressions, thread and lock names, messages, source lines) goes
 * through html_text(), which escapes & < > " ', replaces control
 * characters and shows bidi controls as visible marks. The page's
 * Content-Security-Policy forbids any network access and only runs the
 * script and style carrying this page's random nonce, so even a missed
 * escape could not run injected code. */
#include "report_internal.h"
#include "html_assets.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include "../util/termsafe.h"
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LINE_SHOWN 400          /* bytes of a source line shown, the rest elided */
#define NONCE_BYTES 16
/* The first byte of U+2000..U+2FFF in UTF-8, where the bidi controls are. */
#define BIDI_LEAD_BYTE '\xE2'

typedef struct html {
    FILE *out;
    const rl_html_input *in;
    rl_report_paths paths;  /* the run's directory and the source root */
    int failed;             /* a finding's body could not be built (out of memory) */
} html;

/* ------------------------------------------------------------ escaping */

static void put(html *h, const char *s)
{
    fputs(s, h->out);
}

/* Text or attribute value: & < > " ' escaped, NUL never reaches here
 * (C strings), other bytes as they are (the page is UTF-8; a browser
 * shows a malformed byte as U+FFFD). */
static void html_textn(html *h, const char *s, size_t n)
{
    for (size_t i = 0; s && i < n && s[i]; i++) {
        switch (s[i]) {
        case '&': put(h, "&amp;"); break;
        case '<': put(h, "&lt;"); break;
        case '>': put(h, "&gt;"); break;
        case '"': put(h, "&quot;"); break;
        case '\'': put(h, "&#39;"); break;
        case '\r': break;
        case BIDI_LEAD_BYTE: {
            /* A bidi control (U+202A..E, U+2066..9) would show the source
             * in another order than the compiler reads it ("Trojan
             * source"): shown as a visible mark instead. Plain text, as
             * this also writes attribute values. */
            unsigned cp = 0;
            size_t len = rl_utf8_decode((const unsigned char *)s + i, &cp);
            if (len && i + len <= n && rl_is_bidi_control(cp)) {
                fprintf(h->out, "[U+%04X]", cp);
                i += len - 1;
            } else {
                fputc(s[i], h->out);
            }
            break;
        }
        default:
            /* Control characters other than tab would be errors in HTML. */
            if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n')
                put(h, "\xEF\xBF\xBD");
            else
                fputc(s[i], h->out);
        }
    }
}

static void html_text(html *h, const char *s)
{
    html_textn(h, s, s ? strlen(s) : 0);
}

/* printf for racelint's own text (numbers, fixed words): never for
 * strings from the input, which go through html_text. */
static void putf(html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(h->out, fmt, ap);
    va_end(ap);
}

/* "stats.c:14:9", escaped */
static void position(html *h, const rl_position *pos)
{
    char *p = rl_report_display_path(&h->paths, pos->file);
    html_text(h, p);
    putf(h, ":%u:%u", pos->line, pos->col);
    free(p);
}

/* --------------------------------------------------------- source context */

static const char *const c_keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
    "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
    "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Alignas",
    "_Alignof", "_Atomic", "_Bool", "_Generic", "_Noreturn", "_Static_assert", "_Thread_local", "bool", "true",
    "false", "NULL", "__thread", "thread_local",
};

static int is_keyword(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof c_keywords / sizeof *c_keywords; i++)
        if (strlen(c_keywords[i]) == n && memcmp(c_keywords[i], s, n) == 0) return 1;
    return 0;
}

static int ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* The end of the lvalue starting at s[i]: an identifier followed by
 * members (".x", "->x") and subscripts ("[...]"), e.g. "c->keys[slot]". */
static size_t lvalue_end(const char *s, size_t n, size_t i)
{
    size_t start = i;
    while (i < n && ident_char(s[i])) i++;
    if (i == start) return start + 1;
    for (;;) {
        size_t j = i;
        if (j < n && s[j] == '.') {
            j++;
        } else if (j + 1 < n && s[j] == '-' && s[j + 1] == '>') {
            j += 2;
        } else if (j < n && s[j] == '[') {
            int depth = 0;
            for (; j < n; j++) {
                if (s[j] == '[') depth++;
                if (s[j] == ']' && --depth == 0) break;
            }
            if (j == n) return i;
            i = j + 1;
            continue;
        } else {
            return i;
        }
        size_t k = j;
        while (k < n && ident_char(s[k])) k++;
        if (k == j) return i;
        i = k;
    }
}

static void span(html *h, const char *cls, const char *s, size_t n, int access)
{
    if (access) put(h, "<mark class=\"acc\">");
    if (cls) putf(h, "<span class=\"%s\">", cls);
    html_textn(h, s, n);
    if (cls) put(h, "</span>");
    if (access) put(h, "</mark>");
}

/* One source line with light C highlighting: comments, strings and
 * characters, preprocessor lines, keywords and numbers. *in_comment
 * carries an open block comment to the next line. The tokens starting in
 * the byte range [mark_from, mark_to) are wrapped in <mark>. */
static void highlight_line(html *h, const char *s, size_t n, int *in_comment, size_t mark_from, size_t mark_to)
{
    size_t i = 0;
    size_t first = 0;
    while (first < n && (s[first] == ' ' || s[first] == '\t')) first++;
    int preprocessor = !*in_comment && first < n && s[first] == '#';
    while (i < n) {
        size_t start = i;
        int access = start >= mark_from && start < mark_to;
        const char *cls = NULL;
        if (*in_comment) {
            while (i < n && !(s[i] == '*' && i + 1 < n && s[i + 1] == '/')) i++;
            if (i < n) {
                i += 2;
                *in_comment = 0;
            }
            cls = "com";
        } else if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
            i = n;
            cls = "com";
        } else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
            i += 2;
            *in_comment = 1;
            while (i < n && !(s[i] == '*' && i + 1 < n && s[i + 1] == '/')) i++;
            if (i < n) {
                i += 2;
                *in_comment = 0;
            }
            cls = "com";
        } else if (s[i] == '"' || s[i] == '\'') {
            char q = s[i++];
            while (i < n && s[i] != q) i += s[i] == '\\' && i + 1 < n ? 2 : 1;
            if (i < n) i++;
            cls = "str";
        } else if (ident_char(s[i])) {
            while (i < n && ident_char(s[i])) i++;
            if (s[start] >= '0' && s[start] <= '9')
                cls = "num";
            else if (preprocessor)
                cls = "pp";
            else if (is_keyword(s + start, i - start))
                cls = "kw";
        } else {
            i++;
            if (preprocessor && s[start] == '#') cls = "pp";
        }
        span(h, cls, s + start, i - start, access);
    }
}

/* The excerpt stored with the run around pos (store/snippets.c), with
 * line numbers, the access line highlighted and its column marked; at
 * most MAX_LINE_SHOWN bytes of a line. Never today's file: its lines may
 * have moved since the run. A position without an excerpt is said so. */
static void source_context(html *h, const rl_position *pos, const char *what)
{
    if (!pos->file || pos->line == 0) {
        put(h, "<p class=\"nosrc\">No source position.</p>\n");
        return;
    }
    const rl_snippet *sn = rl_snippets_find(h->in->snippets, pos->file, pos->line);
    if (!sn) {
        put(h, h->in->snippets && h->in->snippets->len
                   ? "<p class=\"nosrc\">No source excerpt was stored for this position (the file could not be "
                     "read when the run was checked, or the run's excerpt budget was spent).</p>\n"
                   : "<p class=\"nosrc\">This run was recorded without source excerpts.</p>\n");
        return;
    }
    put(h, "<pre class=\"src\">");
    int in_comment = 0;
    unsigned no = sn->first_line;
    for (const char *line = sn->text; *line; no++) {
        size_t n = strcspn(line, "\n");
        int here = no == pos->line;
        putf(h, "<span class=\"ln%s\"><span class=\"no\">%u</span>", here ? " here" : "", no);
        size_t shown_n = n > MAX_LINE_SHOWN ? MAX_LINE_SHOWN : n;
        /* Mark the expression at the access column: as recorded when the
         * line spells it so ("stats.failed"), else the lvalue there
         * ("c->keys[slot]" for "c->keys[]"). */
        size_t mark_from = 0, mark_to = 0;
        if (here && pos->col > 0 && pos->col <= shown_n) {
            mark_from = pos->col - 1;
            size_t wl = what ? strlen(what) : 0;
            mark_to = wl && mark_from + wl <= shown_n && memcmp(line + mark_from, what, wl) == 0
                          ? mark_from + wl
                          : lvalue_end(line, shown_n, mark_from);
        }
        highlight_line(h, line, shown_n, &in_comment, mark_from, mark_to);
        if (shown_n < n) put(h, "<span class=\"cut\">\xE2\x80\xA6</span>");
        put(h, "</span>");
        line += n;
        if (*line == '\n') line++;
    }
    put(h, "</pre>\n");
}

/* ------------------------------------------------------------- findings */

typedef enum status { ST_NEW, ST_UNCHANGED, ST_SUPPRESSED } status;
static const char *const status_names[] = {"new", "unchanged", "suppressed"};

static int in_list(const rl_findings *list, const rl_finding *f)
{
    for (size_t i = 0; list && i < list->len; i++)
        if (strcmp(list->items[i].fingerprint, f->fingerprint) == 0 &&
            rl_report_same_text(list->items[i].rule, f->rule))
            return 1;
    return 0;
}

static status status_of(html *h, const rl_finding *f)
{
    if (f->suppressed) return ST_SUPPRESSED;
    if (h->in->previous_findings && in_list(h->in->previous_findings, f)) return ST_UNCHANGED;
    return ST_NEW;
}

static void event_panel(html *h, const rl_event *ev, const rl_event *prev, size_t index)
{
    put(h, "<div class=\"side\">\n<h4>");
    putf(h, "<span class=\"sidex\">%zu</span> ", index + 1);
    if (prev && rl_report_same_access(prev, ev)) put(h, "the same ");
    html_text(h, ev->kind ? ev->kind : "access");
    put(h, " in thread <code>");
    html_text(h, ev->thread ? ev->thread : "?");
    put(h, "</code>");
    if (prev && rl_report_same_access(prev, ev)) put(h, " (another instance)");
    put(h, "</h4>\n<dl>\n<dt>Access</dt><dd><code>");
    html_text(h, ev->what ? ev->what : "?");
    put(h, "</code> in <code>");
    html_text(h, ev->function ? ev->function : "?");
    put(h, "()</code> at <span class=\"pos\">");
    position(h, &ev->pos);
    put(h, "</span></dd>\n<dt>Thread</dt><dd><code>");
    html_text(h, ev->thread ? ev->thread : "?");
    put(h, "</code> ");
    if (ev->spawn.line > 0) {
        put(h, "created at <span class=\"pos\">");
        position(h, &ev->spawn);
        put(h, "</span>");
        if (ev->multi_instance) put(h, ", <strong>several instances</strong>");
    } else {
        put(h, "(the main thread)");
    }
    put(h, "</dd>\n<dt>Call chain</dt><dd>");
    if (ev->nchain == 0) put(h, "<span class=\"none\">none recorded</span>");
    put(h, "<ol class=\"chain\">");
    for (size_t i = 0; i < ev->nchain; i++) {
        const rl_frame *fr = &ev->chain[i];
        put(h, "<li><code>");
        html_text(h, fr->function ? fr->function : "?");
        put(h, "()</code> <span class=\"pos\">");
        put(h, i ? "called at " : "entry at ");
        position(h, &fr->site);
        put(h, "</span></li>");
    }
    put(h, "</ol></dd>\n<dt>Locks held</dt><dd>");
    if (ev->nlocks == 0) put(h, "<span class=\"nolock\">none</span>");
    for (size_t i = 0; i < ev->nlocks; i++) {
        put(h, i ? ", <code class=\"lock\">" : "<code class=\"lock\">");
        html_text(h, ev->locks[i]);
        put(h, "</code>");
    }
    put(h, "</dd>\n</dl>\n");
    if (prev && rl_report_same_text(prev->pos.file, ev->pos.file) && prev->pos.line == ev->pos.line)
        putf(h, "<p class=\"nosrc\">The same source as access %zu.</p>\n", index);
    else
        source_context(h, &ev->pos, ev->what);
    put(h, "</div>\n");
}

/* What a finding opens to: its events side by side, the hint, the
 * suppression, the location and fingerprint. */
static void finding_body(html *h, const rl_finding *f)
{
    put(h, "<div class=\"body\">\n");
    if (f->suppressed) {
        put(h, "<p class=\"supp\">Suppressed");
        if (f->suppression) {
            put(h, ": ");
            html_text(h, f->suppression);
        }
        put(h, "</p>\n");
    }
    if (f->hint) {
        put(h, "<p class=\"hint\">Hint: ");
        html_text(h, f->hint);
        put(h, "</p>\n");
    }
    put(h, "<div class=\"sides\">\n");
    for (size_t i = 0; i < f->nevents; i++) event_panel(h, &f->events[i], i ? &f->events[i - 1] : NULL, i);
    put(h, "</div>\n<p class=\"meta\">Location <code>");
    html_text(h, f->location);
    put(h, "</code> \xC2\xB7 fingerprint <code>");
    html_text(h, f->fingerprint);
    put(h, "</code></p>\n</div>\n");
}

/* The body as the value of the data-body attribute, single-quoted: its
 * markup with & and ' escaped, which is all a single-quoted value needs
 * (< > and " end nothing there), so it grows the page little. The page's script inserts it when the finding is first
 * opened, so that a browser parses thousands of bodies as plain strings,
 * not as elements (docs/html-report.md, "Large runs"). The markup is this
 * file's own, with every input already escaped by html_text. */
static void body_attribute(html *h, const rl_finding *f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) {
        h->failed = 1;
        return;
    }
    FILE *page = h->out;
    h->out = mem;
    finding_body(h, f);
    h->out = page;
    if (fclose(mem) != 0) h->failed = 1;
    put(h, " data-body='");
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '&') put(h, "&amp;");
        else if (buf[i] == '\'') put(h, "&#39;");
        else fputc(buf[i], h->out);
    }
    put(h, "'");
    free(buf);
}

static void finding_item(html *h, const rl_finding *f, size_t index)
{
    status st = status_of(h, f);
    char *file = f->nevents ? rl_report_display_path(&h->paths, f->events[0].pos.file) : rl_xstrdup("");
    putf(h, "<details class=\"finding sev-%s st-%s\" id=\"f%zu\" data-rule=\"", rl_severity_name(f->severity),
         status_names[st], index + 1);
    html_text(h, f->rule);
    put(h, "\" data-file=\"");
    html_text(h, file);
    put(h, "\" data-loc=\"");
    html_text(h, f->location);
    putf(h, "\" data-line=\"%u\" data-col=\"%u\" data-status=\"%s\"%s", f->nevents ? f->events[0].pos.line : 0,
         f->nevents ? f->events[0].pos.col : 0, status_names[st], index >= RL_HTML_PAGE_SIZE ? " hidden" : "");
    body_attribute(h, f);
    put(h, ">\n<summary>");
    putf(h, "<span class=\"sev\">%s</span><span class=\"status\">%s</span>", rl_severity_name(f->severity),
         status_names[st]);
    putf(h, "<span class=\"conf conf-%s\" title=\"confidence\">%s</span>", rl_confidence_name(f->confidence),
         rl_confidence_name(f->confidence));
    put(h, "<span class=\"where\">");
    if (f->nevents) position(h, &f->events[0].pos);
    put(h, "</span> <span class=\"msg\">");
    html_text(h, f->message);
    put(h, "</span> <span class=\"rule\">[");
    html_text(h, f->rule);
    put(h, "]</span>");
    if (f->nevents >= 2) {
        put(h, "<span class=\"threads\">");
        for (size_t i = 0; i < f->nevents; i++) {
            put(h, i ? " \xE2\x86\x94 " : "");
            html_text(h, f->events[i].thread ? f->events[i].thread : "?");
        }
        put(h, "</span>");
    }
    put(h, "</summary>\n</details>\n");
    free(file);
}

/* -------------------------------------------------------------- summary */

typedef struct rule_count {
    const char *rule;
    size_t total, by_status[3], fixed;
} rule_count;

static rule_count *count_for(rule_count **counts, size_t *n, size_t *cap, const char *rule)
{
    for (size_t i = 0; i < *n; i++)
        if (rl_report_same_text((*counts)[i].rule, rule)) return &(*counts)[i];
    RL_GROW(*counts, *cap, *n + 1);
    rule_count *c = &(*counts)[(*n)++];
    memset(c, 0, sizeof *c);
    c->rule = rule;
    return c;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A <select> with "all" first, then each distinct value in name order. */
static void select_box(html *h, const char *id, const char *label, char **values, size_t n)
{
    qsort(values, n, sizeof *values, cmp_str);
    putf(h, "<label>%s <select id=\"%s\"><option value=\"\">all</option>", label, id);
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(values[i], values[i - 1]) == 0) continue;
        put(h, "<option value=\"");
        html_text(h, values[i]);
        put(h, "\">");
        html_text(h, values[i]);
        put(h, "</option>");
    }
    put(h, "</select></label>\n");
}

static void card(html *h, const char *cls, size_t n, const char *label)
{
    putf(h, "<div class=\"card %s\"><div class=\"n\">%zu</div><div class=\"l\">%s</div></div>\n", cls, n, label);
}

static void summary(html *h)
{
    const rl_html_input *in = h->in;
    const rl_findings *fs = in->findings;
    rule_count *counts = NULL;
    size_t ncounts = 0, cap = 0, by_status[3] = {0}, fixed = 0;
    for (size_t i = 0; i < fs->len; i++) {
        status st = status_of(h, &fs->items[i]);
        rule_count *c = count_for(&counts, &ncounts, &cap, fs->items[i].rule ? fs->items[i].rule : "?");
        c->total++;
        c->by_status[st]++;
        by_status[st]++;
    }
    for (size_t i = 0; in->previous_findings && i < in->previous_findings->len; i++) {
        const rl_finding *p = &in->previous_findings->items[i];
        if (p->suppressed || in_list(fs, p)) continue;
        count_for(&counts, &ncounts, &cap, p->rule ? p->rule : "?")->fixed++;
        fixed++;
    }

    put(h, "<section class=\"summary\">\n");
    if (in->run && in->run->incomplete) {
        put(h, "<p class=\"norun\" id=\"incomplete\">The analysis of this run is incomplete (exit status 3): ");
        html_text(h, in->run->incomplete);
        put(h, ". Findings in the units listed below may be missing.</p>\n");
    }
    if (!in->snippets || !in->snippets->len) {
        size_t events = 0;
        for (size_t i = 0; i < fs->len; i++) events += fs->items[i].nevents;
        if (events)
            put(h, "<p class=\"norun\" id=\"no-excerpts\">This run was recorded without source excerpts (by a "
                   "racelint whose database had no excerpts yet). The page shows no source rather than today's "
                   "files, whose lines may have moved since the run.</p>\n");
    }
    put(h, "<div class=\"cards\">\n");
    card(h, "total", fs->len, "findings");
    card(h, "new", by_status[ST_NEW], in->previous ? "new since the previous run" : "new (no previous run)");
    card(h, "fixed", fixed, in->previous ? "fixed since the previous run" : "fixed (no previous run)");
    card(h, "unchanged", by_status[ST_UNCHANGED], "unchanged");
    card(h, "suppressed", by_status[ST_SUPPRESSED], "suppressed");
    put(h, "</div>\n");

    put(h, "<table class=\"rules\"><thead><tr><th>Rule</th><th>Findings</th><th>New</th><th>Unchanged</th>"
           "<th>Suppressed</th><th>Fixed</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < ncounts; i++) {
        const rule_count *c = &counts[i];
        put(h, "<tr><td><code>");
        html_text(h, c->rule);
        putf(h, "</code></td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td></tr>\n", c->total,
             c->by_status[ST_NEW], c->by_status[ST_UNCHANGED], c->by_status[ST_SUPPRESSED], c->fixed);
    }
    if (ncounts == 0) put(h, "<tr><td colspan=\"6\">No findings.</td></tr>\n");
    put(h, "</tbody></table>\n");
    free(counts);

    if (fixed) {
        putf(h, "<details class=\"fixedlist\"><summary>%zu finding%s of run %lld no longer reported</summary><ul>\n",
             fixed, fixed == 1 ? "" : "s", (long long)in->previous->id);
        for (size_t i = 0; i < in->previous_findings->len; i++) {
            const rl_finding *p = &in->previous_findings->items[i];
            if (p->suppressed || in_list(fs, p)) continue;
            put(h, "<li><span class=\"pos\">");
            if (p->nevents) position(h, &p->events[0].pos);
            put(h, "</span> ");
            html_text(h, p->message);
            put(h, " <span class=\"rule\">[");
            html_text(h, p->rule);
            put(h, "]</span></li>\n");
        }
        put(h, "</ul></details>\n");
    }

    size_t bad = 0;
    for (size_t i = 0; i < in->nunits; i++)
        if (rl_unit_status_phrase(in->units[i].status)) bad++;
    if (bad) {
        putf(h, "<details class=\"units\"><summary>%zu unit%s did not parse cleanly</summary><ul>\n", bad,
             bad == 1 ? "" : "s");
        for (size_t i = 0; i < in->nunits; i++) {
            const rl_unit_status *u = &in->units[i];
            const char *phrase = rl_unit_status_phrase(u->status);
            if (!phrase) continue;
            char *p = rl_report_display_path(&h->paths, u->file);
            put(h, "<li><code>");
            html_text(h, p);
            put(h, "</code> ");
            html_text(h, phrase);
            if (u->diagnostics) {
                put(h, "<pre>");
                html_text(h, u->diagnostics);
                put(h, "</pre>");
            }
            put(h, "</li>\n");
            free(p);
        }
        put(h, "</ul></details>\n");
    }
    put(h, "</section>\n");
}

/* ----------------------------------------------------------------- page */

/* 16 random bytes as hex, for the CSP nonce. */
static void make_nonce(char out[2 * NONCE_BYTES + 1])
{
    unsigned char bytes[NONCE_BYTES];
    FILE *r = fopen("/dev/urandom", "rb");
    size_t got = r ? fread(bytes, 1, sizeof bytes, r) : 0;
    if (r) fclose(r);
    if (got != sizeof bytes) {
        uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)(uintptr_t)out << 16) ^ (uint64_t)clock();
        for (size_t i = 0; i < sizeof bytes; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            bytes[i] = (unsigned char)(x >> 56);
        }
    }
    for (size_t i = 0; i < sizeof bytes; i++) snprintf(out + 2 * i, 3, "%02x", bytes[i]);
}

static void header(html *h)
{
    const rl_run_info *run = h->in->run;
    put(h, "<header><h1>racelint report</h1><div class=\"run\">");
    if (run) {
        putf(h, "Run <strong>%lld</strong>", (long long)run->id);
        if (run->started_at) {
            put(h, " \xC2\xB7 ");
            html_text(h, run->started_at);
        }
        if (run->git_revision) {
            put(h, " \xC2\xB7 revision <code>");
            html_textn(h, run->git_revision, 12);
            put(h, "</code>");
        }
        putf(h, " \xC2\xB7 %lld file%s analysed", (long long)run->files, run->files == 1 ? "" : "s");
        if (run->units_failed) putf(h, " (%lld with parse errors)", (long long)run->units_failed);
        putf(h, " in %lld ms", (long long)run->duration_ms);
        if (run->tool_version) {
            put(h, " \xC2\xB7 racelint ");
            html_text(h, run->tool_version);
        }
        if (h->in->previous) putf(h, " \xC2\xB7 compared with run %lld", (long long)h->in->previous->id);
    }
    put(h, "</div></header>\n");
}

int rl_report_html(FILE *out, const rl_html_input *in, rl_error *err)
{
    static const rl_findings none = {0};
    rl_html_input input = *in;
    if (!input.findings) input.findings = &none;
    html h = {out, &input, {in->run ? in->run->directory : NULL, in->src_root}, 0};
    char nonce[2 * NONCE_BYTES + 1];
    make_nonce(nonce);
    const rl_findings *fs = input.findings;

    errno = 0;
    put(&h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    putf(&h,
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'nonce-%s'; "
         "script-src 'nonce-%s'; img-src 'none'; base-uri 'none'; form-action 'none'\">\n",
         nonce, nonce);
    put(&h, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>racelint report");
    if (input.run) putf(&h, ": run %lld", (long long)input.run->id);
    putf(&h, "</title>\n<style nonce=\"%s\">\n%s</style>\n</head>\n<body>\n", nonce, rl_html_style);
    header(&h);
    put(&h, "<main>\n");
    summary(&h);

    /* Filters, filled with the values present. */
    char **rules = rl_xcalloc(fs->len + 1, sizeof *rules), **files = rl_xcalloc(fs->len + 1, sizeof *files);
    for (size_t i = 0; i < fs->len; i++) {
        rules[i] = rl_xstrdup(fs->items[i].rule ? fs->items[i].rule : "");
        const rl_finding *f = &fs->items[i];
        files[i] = f->nevents ? rl_report_display_path(&h.paths, f->events[0].pos.file) : rl_xstrdup("");
    }
    put(&h, "<section class=\"filters\">\n");
    select_box(&h, "f-rule", "Rule", rules, fs->len);
    select_box(&h, "f-file", "File", files, fs->len);
    put(&h, "<label>Status <select id=\"f-status\"><option value=\"\">all</option><option>new</option>"
            "<option>unchanged</option><option>suppressed</option></select></label>\n");
    putf(&h, "<span class=\"shown\">showing <strong id=\"shown\">%zu</strong> of <strong id=\"total\">%zu"
             "</strong> findings</span>\n",
         fs->len, fs->len);
    put(&h, "<label>Search <input type=\"search\" id=\"q\" placeholder=\"file, function, thread, location\">"
            "</label>\n<label>Sort <select id=\"sort\"><option value=\"rank\">as reported</option>"
            "<option value=\"position\">file and line</option><option value=\"rule\">rule</option>"
            "<option value=\"status\">status</option><option value=\"location\">location</option></select></label>\n"
            "<label>Group <select id=\"group\"><option value=\"\">none</option><option value=\"rule\">rule</option>"
            "<option value=\"file\">file</option><option value=\"loc\">location</option></select></label>\n");
    put(&h, "<button type=\"button\" id=\"open-all\">expand page</button>"
            "<button type=\"button\" id=\"close-all\">collapse all</button>\n</section>\n");
    for (size_t i = 0; i < fs->len; i++) {
        free(rules[i]);
        free(files[i]);
    }
    free(rules);
    free(files);

    putf(&h, "<section id=\"findings\" data-page=\"%d\">\n", RL_HTML_PAGE_SIZE);
    for (size_t i = 0; i < fs->len; i++) finding_item(&h, &fs->items[i], i);
    putf(&h, "<p class=\"empty\" id=\"none\"%s>No findings match.</p>\n", fs->len ? " hidden" : "");
    size_t pages = (fs->len + RL_HTML_PAGE_SIZE - 1) / RL_HTML_PAGE_SIZE;
    putf(&h, "</section>\n<nav class=\"pager\"><button type=\"button\" id=\"prev\">previous</button>"
             "<span id=\"page-info\">page 1 of %zu</span><button type=\"button\" id=\"next\">next</button></nav>\n",
         pages ? pages : 1);
    put(&h, "</main>\n<footer>Made by racelint. Source excerpts are those stored with the run when it was "
            "checked.</footer>\n");
    putf(&h, "<script nonce=\"%s\">\n%s</script>\n</body>\n</html>\n", nonce, rl_html_script);
    if (h.failed) return rl_fail(err, "cannot build the HTML report: out of memory");
    if (fflush(out) != 0 || ferror(out))
        return rl_fail(err, "cannot write the HTML report: %s", errno ? strerror(errno) : "write error");
    return 0;
}
