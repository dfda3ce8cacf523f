/* Baseline files (baseline.h). The text comes from a file the user names
 * and may be anything: every JSON value's type is checked, and a finding
 * with missing or ill-typed fields is kept with those fields unset (NULL or
 * 0), as the reports expect of findings read back from elsewhere. */
#include "baseline.h"
#include "finding_json.h"
#include "../util/mem.h"
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Fingerprints are the 16 lower-case hex digits of rl_finding.fingerprint. */
#define FINGERPRINT_HEX (sizeof ((rl_finding *)0)->fingerprint - 1)
/* Fingerprints sit at most this deep in a SARIF log (runs[].results[].
 * partialFingerprints.KEY); deeper values are not looked at. */
#define MAX_FP_DEPTH 8

typedef struct fp_list {
    rl_baseline *b;
    size_t cap;
} fp_list;

static int is_fingerprint(const char *s, size_t n)
{
    if (!s || n != FINGERPRINT_HEX) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

static void add_fp(fp_list *l, const char *fp, size_t n)
{
    RL_GROW(l->b->fps, l->cap, l->b->nfps + 1);
    l->b->fps[l->b->nfps++] = rl_xstrndup(fp, n);
}

/* Whether the values of key are fingerprints whatever their own keys: a
 * SARIF result keys them by a versioned name ("racelintFingerprint/v1",
 * sarif.c's FINGERPRINT_KEY), so looking only at known keys below them
 * would find none and make every finding of the run new. */
static int holds_keyed_fps(const char *key)
{
    return strcmp(key, "partialFingerprints") == 0 || strcmp(key, "fingerprints") == 0;
}

/* Every fingerprint-shaped string under the keys that hold fingerprints in
 * a racelint report or a SARIF log, or in a plain JSON array; any_key
 * takes every value of an object (one that holds_keyed_fps). */
static void collect_json_fps(fp_list *l, const json_t *v, int depth, int any_key)
{
    if (depth > MAX_FP_DEPTH) return;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (is_fingerprint(s, json_string_length(v))) add_fp(l, s, FINGERPRINT_HEX);
        return;
    }
    if (json_is_array(v)) {
        size_t i;
        const json_t *x;
        json_array_foreach(v, i, x) collect_json_fps(l, x, depth + 1, 0);
        return;
    }
    if (!json_is_object(v)) return;
    const char *key;
    const json_t *x;
    /* json_object_foreach wants a non-const object; nothing is changed. */
    json_object_foreach((json_t *)v, key, x) {
        if (any_key && json_is_string(x))
            collect_json_fps(l, x, depth + 1, 0);
        else if (strcmp(key, "fingerprint") == 0 || strcmp(key, "findings") == 0 || strcmp(key, "runs") == 0 ||
                 strcmp(key, "results") == 0 || holds_keyed_fps(key))
            collect_json_fps(l, x, depth + 1, holds_keyed_fps(key));
    }
}

static char *json_str(const json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v ? rl_xstrdup(v) : NULL;
}

static unsigned json_uint(const json_t *obj, const char *key)
{
    json_int_t v = json_integer_value(json_object_get(obj, key));
    return v > 0 && v <= (json_int_t)UINT32_MAX ? (unsigned)v : 0;
}

static void read_event(const json_t *je, rl_event *ev)
{
    ev->pos.file = json_str(je, "file");
    ev->pos.line = json_uint(je, "line");
    ev->pos.col = json_uint(je, "col");
    ev->function = json_str(je, "function");
    ev->kind = json_str(je, "kind");
    ev->what = json_str(je, "what");
    ev->thread = json_str(je, "thread");
    const json_t *sp = json_object_get(je, "spawn");
    if (json_is_object(sp)) {
        ev->spawn.file = json_str(sp, "file");
        ev->spawn.line = json_uint(sp, "line");
        ev->spawn.col = json_uint(sp, "col");
    }
    ev->multi_instance = json_is_true(json_object_get(je, "multi_instance"));
    /* A malformed chain or lock list keeps what was read before the fault:
     * the event is still worth comparing by position. */
    rl_error ignored;
    if (json_object_get(je, "chain")) rl_json_read_chain(json_object_get(je, "chain"), ev, &ignored);
    if (json_object_get(je, "locks")) rl_json_read_locks(json_object_get(je, "locks"), ev, &ignored);
}

/* The findings of a racelint JSON report (docs/json-format.md), so that
 * SARIF can say which results are unchanged, updated or absent. */
static void findings_from_report(const json_t *list, rl_findings *out)
{
    size_t i;
    const json_t *jf;
    json_array_foreach(list, i, jf) {
        const json_t *fp = json_object_get(jf, "fingerprint");
        if (!is_fingerprint(json_string_value(fp), json_string_length(fp))) continue;
        rl_finding *f = rl_findings_add(out);
        memcpy(f->fingerprint, json_string_value(fp), FINGERPRINT_HEX + 1);
        f->rule = json_str(jf, "rule");
        f->location = json_str(jf, "location");
        f->message = json_str(jf, "message");
        f->hint = json_str(jf, "hint");
        const char *sev = json_string_value(json_object_get(jf, "severity"));
        f->severity = sev && strcmp(sev, "error") == 0  ? RL_SEV_ERROR
                      : sev && strcmp(sev, "note") == 0 ? RL_SEV_NOTE
                                                        : RL_SEV_WARNING;
        f->suppressed = json_is_true(json_object_get(jf, "suppressed"));
        f->suppression = json_str(jf, "suppression");
        size_t k;
        const json_t *je;
        json_array_foreach(json_object_get(jf, "events"), k, je) read_event(je, rl_finding_add_event(f));
    }
}

/* A plain list: one fingerprint per line, blanks around it, `#` comments.
 * Text with a line that is something else is not a list; a list of only
 * comments is an empty list (nothing accepted yet). */
static int parse_list(fp_list *l, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        while (p < eol && (*p == ' ' || *p == '\t')) p++;
        const char *stop = p;
        while (stop < eol && *stop != ' ' && *stop != '\t' && *stop != '\r' && *stop != '#') stop++;
        if (stop > p) {
            if (!is_fingerprint(p, (size_t)(stop - p))) return -1;
            add_fp(l, p, (size_t)(stop - p));
        }
        p = eol + 1;
    }
    return 0;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether the text means to be JSON: its first non-blank is { or [. */
static int looks_like_json(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) i++;
    return i < len && (text[i] == '{' || text[i] == '[');
}

int rl_baseline_parse(rl_baseline *b, const char *origin, const char *text, size_t len, rl_error *err)
{
    memset(b, 0, sizeof *b);
    fp_list l = {b, 0};
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, 0, &jerr);
    if (doc) {
        collect_json_fps(&l, doc, 0, 0);
        const json_t *list = json_object_get(doc, "findings");
        if (json_is_array(list))
            findings_from_report(list, &b->findings);
        else
            b->fps_only = 1;
        json_decref(doc);
    } else if (looks_like_json(text, len)) {
        return rl_fail(err, "baseline '%s': not valid JSON: line %d, column %d: %s", origin, jerr.line,
                       jerr.column, jerr.text);
    } else {
        b->fps_only = 1;
        if (parse_list(&l, text, len) < 0) {
            rl_baseline_free(b);
            return rl_fail(err,
                           "baseline '%s' is neither a racelint JSON or SARIF report, a findings database,"
                           " nor a list of fingerprints",
                           origin);
        }
    }
    if (b->nfps > 1) qsort(b->fps, b->nfps, sizeof *b->fps, cmp_str_ptr);
    return 0;
}

int rl_baseline_has(const rl_baseline *b, const char *fp)
{
    return b->nfps && bsearch(&fp, b->fps, b->nfps, sizeof *b->fps, cmp_str_ptr) != NULL;
}

void rl_baseline_free(rl_baseline *b)
{
    for (size_t i = 0; i < b->nfps; i++) free(b->fps[i]);
    free(b->fps);
    rl_findings_free(&b->findings);
    memset(b, 0, sizeof *b);
}
