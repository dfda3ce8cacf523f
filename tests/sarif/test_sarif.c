/* Unit tests of the SARIF, code quality and HTML reports on findings built
 * by hand: every SARIF member the docs promise (rules from the registry,
 * locations, relatedLocations, codeFlows, fingerprints, suppressions,
 * baseline states), path and URI handling, and HTML escaping of hostile
 * text. Writes its SARIF logs to OUT_DIR so that tests/sarif/run.sh can
 * give them to the official validator too.
 * usage: test_sarif OUT_DIR */
#define _POSIX_C_SOURCE 200809L
#include "rules/checks.h"
#include "model/finding.h"
#include "report/report.h"
#include "report/report_internal.h"
#include "util/mem.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"


/* jansson lookups by path: get(obj, "runs", 0, ...) is awkward in C, so
 * small helpers. */
static json_t *at(json_t *v, const char *key)
{
    return json_object_get(v, key);
}
static json_t *nth(json_t *v, size_t i)
{
    return json_array_get(v, i);
}
static const char *str(json_t *v)
{
    return json_string_value(v);
}

static char *out_dir;
static char *src_dir; /* a folder standing in for the source root */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

/* A two-sided race like the analysis makes: a write in `worker` (several
 * instances, via worker -> bump) and a read in main. */
static rl_finding *add_race(rl_findings *list, const char *file, unsigned line, const char *what, const char *fp)
{
    rl_finding *f = rl_findings_add(list);
    f->rule = rl_xstrdup("race");
    f->severity = RL_SEV_WARNING;
    f->location = rl_xstrdup(what);
    f->message = rl_xasprintf("data race on '%s'", what);
    snprintf(f->fingerprint, sizeof f->fingerprint, "%s", fp);

    rl_event *w = rl_finding_add_event(f);
    w->pos.file = rl_xstrdup(file);
    w->pos.line = line;
    w->pos.col = 5;
    w->function = rl_xstrdup("bump");
    w->kind = rl_xstrdup("write");
    w->what = rl_xstrdup(what);
    w->thread = rl_xstrdup("worker");
    w->spawn.file = rl_xstrdup("main.c");
    w->spawn.line = 30;
    w->spawn.col = 9;
    w->multi_instance = 1;
    rl_event_add_frame(w, "worker", "main.c", 10, 1);
    rl_event_add_frame(w, "bump", "main.c", 12, 5);

    rl_event *r = rl_finding_add_event(f);
    r->pos.file = rl_xstrdup("main.c");
    r->pos.line = 40;
    r->pos.col = 12;
    r->function = rl_xstrdup("main");
    r->kind = rl_xstrdup("read");
    r->what = rl_xstrdup(what);
    r->thread = rl_xstrdup("main");
    rl_event_add_frame(r, "main", "main.c", 25, 1);
    rl_event_add_lock(r, "stats_lock");
    return f;
}

static json_t *render_sarif(const rl_findings *fs, const rl_sarif_options *opts, const char *name)
{
    rl_run_info run;
    memset(&run, 0, sizeof run);
    run.id = 7;
    run.started_at = "2024-05-01T12:00:00Z";
    run.finished_at = "2024-05-01T12:00:02Z";
    run.status = "complete";
    run.tool_version = "9.8.7";
    run.arguments = "[\"racelint\",\"check\",\"-p\",\"build\"]";
    run.directory = src_dir;
    run.git_revision = "0123456789abcdef0123456789abcdef01234567";
    run.files = 3;
    char *path = rl_xasprintf("%s/%s", out_dir, name);
    FILE *f = fopen(path, "w");
    rl_error err = {{0}};
    int rc = rl_report_sarif(f, &run, fs, opts, &err);
    fclose(f);
    CHECK_INT(rc, 0);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc) fprintf(stderr, "  %s: %s\n", path, jerr.text);
    CHECK(doc != NULL);
    free(path);
    return doc;
}

static void test_sarif_shape(void)
{
    rl_findings fs = {0};
    add_race(&fs, "stats.c", 14, "stats.hits", "0123456789abcdef");
    rl_finding *sup = add_race(&fs, "sub dir/odd #1%.c", 3, "buf[]", "fedcba9876543210");
    sup->suppressed = 1;
    sup->suppression = rl_xstrdup("triage: benign, the counter is only statistics");
    rl_finding *com = add_race(&fs, "/elsewhere/lib.c", 8, "q->n", "00000000000000aa");
    com->suppressed = 1;
    com->suppression = rl_xstrdup("source comment: racelint: ignore[race]");
    com->hint = rl_xstrdup("hold 'q->mu' in push()");
    add_race(&fs, "caf\xE9.c", 2, "x", "00000000000000bb");

    rl_unit_status units[2] = {{"broken.c", "failed", "broken.c:1:12: error: expected ')'\nmore"}, {"ok.c", "ok", NULL}};
    rl_sarif_options opts = {src_dir, units, 2, NULL, 0};
    json_t *doc = render_sarif(&fs, &opts, "units.sarif");
    if (!doc) return;
    CHECK_STR(str(at(doc, "version")), "2.1.0");
    CHECK_HAS(str(at(doc, "$schema")), "sarif-2.1.0");
    json_t *run = nth(at(doc, "runs"), 0);

    /* tool.driver: name, version, informationUri, every rule of the registry */
    json_t *driver = at(at(run, "tool"), "driver");
    CHECK_STR(str(at(driver, "name")), "racelint");
    CHECK_STR(str(at(driver, "version")), "9.8.7");
    CHECK_HAS(str(at(driver, "informationUri")), "https://");
    json_t *rules = at(driver, "rules");
    CHECK_INT(json_array_size(rules), rl_nchecks);
    for (size_t i = 0; i < rl_nchecks && i < json_array_size(rules); i++) {
        json_t *r = nth(rules, i);
        CHECK_STR(str(at(r, "id")), rl_checks[i].id);
        CHECK_STR(str(at(r, "name")), rl_checks[i].name);
        CHECK_HAS(str(at(at(r, "shortDescription"), "text")), rl_checks[i].summary);
        CHECK_STR(str(at(at(r, "fullDescription"), "text")), rl_checks[i].description);
        CHECK_HAS(str(at(at(r, "help"), "text")), rl_checks[i].description);
        CHECK(str(at(at(r, "help"), "markdown")) != NULL);
        CHECK_STR(str(at(at(r, "defaultConfiguration"), "level")), rl_severity_name(rl_checks[i].level));
    }

    /* source root and invocation */
    char *root_uri = rl_xasprintf("file://%s/", src_dir);
    CHECK_STR(str(at(at(at(run, "originalUriBaseIds"), RL_SARIF_SRCROOT), "uri")), root_uri);
    free(root_uri);
    json_t *inv = nth(at(run, "invocations"), 0);
    CHECK(json_is_true(at(inv, "executionSuccessful")));
    CHECK_STR(str(nth(at(inv, "arguments"), 0)), "check");
    json_t *notes = at(inv, "toolExecutionNotifications");
    CHECK_INT(json_array_size(notes), 1);
    CHECK_STR(str(at(nth(notes, 0), "level")), "error");
    CHECK_HAS(str(at(at(nth(notes, 0), "message"), "text")), "broken.c could not be parsed");
    CHECK_HAS(str(at(at(nth(notes, 0), "message"), "text")), "expected ')'");

    json_t *results = at(run, "results");
    CHECK_INT(json_array_size(results), 4);

    /* result 0: a plain race */
    json_t *r0 = nth(results, 0);
    CHECK_STR(str(at(r0, "ruleId")), "race");
    CHECK_INT(json_integer_value(at(r0, "ruleIndex")), 0);
    CHECK_STR(str(at(r0, "level")), "warning");
    const char *msg = str(at(at(r0, "message"), "text"));
    CHECK_HAS(msg, "data race on 'stats.hits'");
    CHECK_HAS(msg, "stats.c:14:5");
    CHECK_HAS(msg, "thread 'worker'");
    CHECK_HAS(msg, "thread 'main'");
    CHECK_HAS(msg, "[main.c:40:12](1)");
    json_t *loc = nth(at(r0, "locations"), 0);
    json_t *art = at(at(loc, "physicalLocation"), "artifactLocation");
    CHECK_STR(str(at(art, "uri")), "stats.c");
    CHECK_STR(str(at(art, "uriBaseId")), RL_SARIF_SRCROOT);
    CHECK_INT(json_integer_value(at(at(at(loc, "physicalLocation"), "region"), "startLine")), 14);
    CHECK_INT(json_integer_value(at(at(at(loc, "physicalLocation"), "region"), "startColumn")), 5);
    CHECK_STR(str(at(nth(at(loc, "logicalLocations"), 0), "name")), "bump");
    json_t *rel = at(r0, "relatedLocations");
    CHECK_INT(json_array_size(rel), 1);
    CHECK_INT(json_integer_value(at(nth(rel, 0), "id")), 1);
    CHECK_STR(str(at(at(at(nth(rel, 0), "physicalLocation"), "artifactLocation"), "uri")), "main.c");
    CHECK_HAS(str(at(at(nth(rel, 0), "message"), "text")), "holding 'stats_lock'");
    CHECK_STR(str(at(at(r0, "partialFingerprints"), "racelintFingerprint/v1")), "0123456789abcdef");
    CHECK_INT(json_array_size(at(r0, "suppressions")), 0);
    CHECK(at(r0, "baselineState") == NULL);

    /* codeFlows: one threadFlow per side, from creation/entry to the access */
    json_t *tfs = at(nth(at(r0, "codeFlows"), 0), "threadFlows");
    CHECK_INT(json_array_size(tfs), 2);
    json_t *w = at(nth(tfs, 0), "locations");
    CHECK_INT(json_array_size(w), 4); /* spawn, entry worker, call bump, access */
    CHECK_HAS(str(at(at(at(nth(w, 0), "location"), "message"), "text")), "thread 'worker' is created here");
    CHECK_HAS(str(at(at(at(nth(w, 1), "location"), "message"), "text")), "starts in worker()");
    CHECK_HAS(str(at(at(at(nth(w, 2), "location"), "message"), "text")), "calls bump()");
    CHECK_STR(str(at(nth(w, 3), "importance")), "essential");
    CHECK_STR(str(at(at(at(nth(w, 3), "state"), "locks held"), "text")), "none");
    json_t *m = at(nth(tfs, 1), "locations");
    CHECK_INT(json_array_size(m), 2); /* main: no spawn, entry, access */
    CHECK_STR(str(at(at(at(nth(m, 1), "state"), "locks held"), "text")), "stats_lock");

    /* result 1: suppressed by triage, a path with a space, '#' and '%',
     * and brackets in the message escaped for SARIF's link syntax */
    json_t *r1 = nth(results, 1);
    CHECK_STR(str(at(at(at(nth(at(r1, "locations"), 0), "physicalLocation"), "artifactLocation"), "uri")),
              "sub%20dir/odd%20%231%25.c");
    CHECK_HAS(str(at(at(r1, "message"), "text")), "buf\\[\\]");
    json_t *s1 = nth(at(r1, "suppressions"), 0);
    CHECK_STR(str(at(s1, "kind")), "external");
    CHECK_STR(str(at(s1, "justification")), "triage: benign, the counter is only statistics");

    /* result 2: outside the root (absolute file: URI), in-source suppression, hint */
    json_t *r2 = nth(results, 2);
    json_t *art2 = at(at(nth(at(r2, "locations"), 0), "physicalLocation"), "artifactLocation");
    CHECK_STR(str(at(art2, "uri")), "file:///elsewhere/lib.c");
    CHECK(at(art2, "uriBaseId") == NULL);
    CHECK_STR(str(at(nth(at(r2, "suppressions"), 0), "kind")), "inSource");
    CHECK_HAS(str(at(at(r2, "message"), "text")), "Hint: hold 'q->mu' in push().");

    /* result 3: a Latin-1 file name is percent-encoded byte for byte */
    json_t *r3 = nth(results, 3);
    CHECK_STR(str(at(at(at(nth(at(r3, "locations"), 0), "physicalLocation"), "artifactLocation"), "uri")), "caf%E9.c");
    json_decref(doc);

    /* The analysis did not complete: executionSuccessful false. */
    opts.incomplete = 1;
    doc = render_sarif(&fs, &opts, "incomplete.sarif");
    if (doc) CHECK(json_is_false(at(nth(at(nth(at(doc, "runs"), 0), "invocations"), 0), "executionSuccessful")));
    json_decref(doc);
    rl_findings_free(&fs);
}

static void test_baseline(void)
{
    rl_findings base = {0}, now = {0};
    add_race(&base, "a.c", 10, "kept", "1111111111111111");
    add_race(&base, "a.c", 20, "moved", "2222222222222222");
    add_race(&base, "a.c", 30, "fixed", "3333333333333333");
    add_race(&now, "a.c", 10, "kept", "1111111111111111");
    add_race(&now, "a.c", 25, "moved", "2222222222222222");
    add_race(&now, "b.c", 5, "added", "4444444444444444");
    rl_sarif_options opts = {src_dir, NULL, 0, &base, 0};
    json_t *doc = render_sarif(&now, &opts, "baseline.sarif");
    if (!doc) return;
    json_t *results = at(nth(at(doc, "runs"), 0), "results");
    CHECK_INT(json_array_size(results), 4);
    CHECK_STR(str(at(nth(results, 0), "baselineState")), "unchanged");
    CHECK_STR(str(at(nth(results, 1), "baselineState")), "updated");
    CHECK_STR(str(at(nth(results, 2), "baselineState")), "new");
    CHECK_STR(str(at(nth(results, 3), "baselineState")), "absent");
    CHECK_HAS(str(at(at(nth(results, 3), "message"), "text")), "'fixed'");
    json_decref(doc);

    /* No findings at all is still a valid log with the rules. */
    rl_findings none = {0};
    opts.baseline = NULL;
    doc = render_sarif(&none, &opts, "empty.sarif");
    if (doc) {
        CHECK_INT(json_array_size(at(nth(at(doc, "runs"), 0), "results")), 0);
        CHECK_INT(json_array_size(at(at(at(nth(at(doc, "runs"), 0), "tool"), "driver"), "rules")), rl_nchecks);
    }
    json_decref(doc);
    rl_findings_free(&base);
    rl_findings_free(&now);
}

static void test_codequality(void)
{
    rl_findings fs = {0};
    add_race(&fs, "stats.c", 14, "stats.hits", "0123456789abcdef");
    rl_finding *sup = add_race(&fs, "stats.c", 20, "stats.misses", "0123456789abcdee");
    sup->suppressed = 1;
    add_race(&fs, "src/q.c", 3, "q->n", "00000000000000aa");
    rl_run_info run;
    memset(&run, 0, sizeof run);
    run.directory = src_dir;
    rl_sarif_options opts = {src_dir, NULL, 0, NULL, 0};
    char *path = rl_xasprintf("%s/codequality.json", out_dir);
    FILE *f = fopen(path, "w");
    rl_error err = {{0}};
    CHECK_INT(rl_report_codequality(f, &run, &fs, &opts, &err), 0);
    fclose(f);
    json_t *doc = json_load_file(path, 0, NULL);
    free(path);
    CHECK(json_is_array(doc));
    CHECK_INT(json_array_size(doc), 2); /* the suppressed one is left out */
    json_t *i0 = nth(doc, 0);
    CHECK_STR(str(at(i0, "type")), "issue");
    CHECK_STR(str(at(i0, "check_name")), "race");
    CHECK_STR(str(at(i0, "severity")), "major");
    CHECK_HAS(str(at(i0, "description")), "data race on 'stats.hits'");
    CHECK_HAS(str(at(i0, "description")), "thread 'main'");
    CHECK_STR(str(at(at(i0, "location"), "path")), "stats.c");
    CHECK_INT(json_integer_value(at(at(at(i0, "location"), "lines"), "begin")), 14);
    CHECK_STR(str(at(nth(doc, 1), "fingerprint")), "race-00000000000000aa");
    CHECK_STR(str(at(at(nth(doc, 1), "location"), "path")), "src/q.c");
    json_decref(doc);
    rl_findings_free(&fs);
}

static void test_paths(void)
{
    int inside = -1;
    char *p = rl_report_path("./a/../b/c.c", "/root/proj", "/root/proj", &inside);
    CHECK_STR(p, "b/c.c");
    CHECK_INT(inside, 1);
    free(p);
    p = rl_report_path("/root/other/c.c", "/x", "/root/proj", &inside);
    CHECK_STR(p, "/root/other/c.c");
    CHECK_INT(inside, 0);
    free(p);
    p = rl_report_path("/root/project2/c.c", NULL, "/root/proj/", &inside);
    CHECK_STR(p, "/root/project2/c.c"); /* a name prefix is not a folder */
    CHECK_INT(inside, 0);
    free(p);
    p = rl_report_path("../../../../c.c", "/a/b", "/", &inside);
    CHECK_STR(p, "c.c");
    CHECK_INT(inside, 1);
    free(p);
}

/* Reads all of f (rewound) into a heap string. */
static char *slurp(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    rewind(f);
    char *buf = rl_xcalloc((size_t)n + 1, 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) buf[0] = 0;
    return buf;
}

static size_t count(const char *text, const char *part)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, part)); p += strlen(part)) n++;
    return n;
}

static void test_html(void)
{
    /* Source excerpts stored with the run holding hostile text around
     * the access, and a finding whose names are hostile too. The file on
     * disk says something else: the page must show the run's excerpt. */
    static const char evil_text[] = "static const char *s = \"</script><img src=x onerror=alert(1)>\";\n"
                                    "/* a comment </style> */\n"
                                    "int x;\n"
                                    "void f(void) { x++; }";
    char *evil = rl_xasprintf("%s/evil.c", src_dir);
    write_file(evil, "int today_s_code;\n");
    rl_snippet excerpts[] = {{"evil.c", 3, 1, (char *)evil_text}, {"evil.c", 4, 1, (char *)evil_text}};
    rl_snippets snippets = {excerpts, sizeof excerpts / sizeof *excerpts};
    rl_findings fs = {0}, prev = {0};
    rl_finding *f = add_race(&fs, "evil.c", 4, "x", "aaaaaaaaaaaaaaaa");
    free(f->events[0].thread);
    f->events[0].thread = rl_xstrdup("<b>t&\"'</b>");
    rl_event_add_lock(&f->events[0], "<lock>");
    f->hint = rl_xstrdup("<script>alert(2)</script>");
    add_race(&fs, "missing.c", 3, "gone", "bbbbbbbbbbbbbbbb");
    add_race(&fs, "evil.c", 4000, "late", "cccccccccccccccc");
    rl_finding *s = add_race(&fs, "evil.c", 3, "sup", "dddddddddddddddd");
    s->suppressed = 1;
    s->suppression = rl_xstrdup("accepted <em>risk</em>");
    add_race(&prev, "evil.c", 4, "x", "aaaaaaaaaaaaaaaa");
    add_race(&prev, "old.c", 1, "fixed", "eeeeeeeeeeeeeeee");

    rl_run_info run, prev_run;
    memset(&run, 0, sizeof run);
    memset(&prev_run, 0, sizeof prev_run);
    run.id = 2;
    run.directory = src_dir;
    run.started_at = "2024-05-01T12:00:00Z";
    run.tool_version = "1.0";
    prev_run.id = 1;
    rl_html_input in;
    memset(&in, 0, sizeof in);
    in.run = &run;
    in.findings = &fs;
    in.previous = &prev_run;
    in.previous_findings = &prev;
    in.src_root = src_dir;
    in.snippets = &snippets;
    FILE *out = tmpfile();
    rl_error err = {{0}};
    CHECK_INT(rl_report_html(out, &in, &err), 0);
    char *page = slurp(out);
    fclose(out);

    CHECK_INT(count(page, "<details class=\"finding"), 4);
    CHECK_INT(count(page, "<script"), 1);  /* only the page's own */
    CHECK_LACKS(page, "<img");
    CHECK_LACKS(page, "<b>t");
    CHECK_LACKS(page, "<em>");
    CHECK_LACKS(page, "<lock>");
    CHECK_LACKS(page, "alert(2)</script>");
    CHECK_LACKS(page, "</style> */");
    /* The source is in a finding's data-body attribute: its markup, with &
     * escaped once more (the script inserts it when the finding opens). */
    CHECK_HAS(page, "&amp;lt;/script&amp;gt;&amp;lt;img src=x onerror=alert(1)&amp;gt;");
    CHECK_LACKS(page, "&lt;/script&gt;&lt;img src=x"); /* never once-escaped: that would be markup in the body */
    CHECK_HAS(page, "&lt;b&gt;t&amp;&quot;&#39;&lt;/b&gt;");
    CHECK_HAS(page, "Content-Security-Policy");
    CHECK_HAS(page, "default-src 'none'");
    CHECK_LACKS(page, "http://");
    CHECK_LACKS(page, "https://");
    CHECK_INT(count(page, "No source excerpt was stored for this position"), 6); /* missing.c, line 4000, 4 x main.c:40 */
    CHECK_LACKS(page, "today_s_code");                   /* never the file as it is now */
    CHECK_LACKS(page, "recorded without source excerpts");
    CHECK_HAS(page, "<mark class=\"acc\">");             /* the access is marked */
    CHECK_HAS(page, "data-status=\"unchanged\"");        /* x was in the previous run */
    CHECK_HAS(page, "data-status=\"new\"");
    CHECK_HAS(page, "data-status=\"suppressed\"");
    CHECK_HAS(page, "1 finding of run 1 no longer reported");
    CHECK_HAS(page, "compared with run 1");
    CHECK_LACKS(page, "id=\"incomplete\"");
    free(page);

    /* A run recorded before excerpts were stored: said once on the page
     * and at each event, and no source at all. An incomplete run says so
     * at the top. */
    in.snippets = NULL;
    run.incomplete = "1 of 2 units did not parse cleanly, more than --max-parse-failures 10% allows";
    out = tmpfile();
    CHECK_INT(rl_report_html(out, &in, &err), 0);
    page = slurp(out);
    fclose(out);
    CHECK_HAS(page, "id=\"no-excerpts\"");
    CHECK_HAS(page, "incomplete (exit status 3): 1 of 2 units did not parse cleanly");
    CHECK_INT(count(page, "This run was recorded without source excerpts."), 8); /* one per event */
    CHECK_LACKS(page, "<pre class=\"src\">");
    CHECK_LACKS(page, "today_s_code");
    free(page);
    rl_findings_free(&fs);
    rl_findings_free(&prev);
    unlink(evil);
    free(evil);
}

/* ---- large arrays written item by item (report/json.c) ---------------- */

/* The items a test hands out: n small objects, with text that a naive
 * re-indentation would break (a newline, the placeholder's own words). */
struct test_items {
    int made, n;
};

static json_t *make_item(int i)
{
    json_t *o = json_object();
    json_object_set_new(o, "index", json_integer(i));
    json_object_set_new(o, "text", json_string("two\nlines, racelint-items, \x01"));
    json_t *inner = json_array();
    json_array_append_new(inner, json_integer(i * 10));
    json_array_append_new(inner, json_object());
    json_object_set_new(o, "inner", inner);
    return o;
}

static json_t *next_test_item(void *ctx)
{
    struct test_items *t = ctx;
    return t->made < t->n ? make_item(t->made++) : NULL;
}

/* A document with the array three levels deep, before another member. */
static json_t *doc_around(json_t *array)
{
    json_t *doc = json_object(), *run = json_object(), *runs = json_array();
    json_object_set_new(doc, "version", json_integer(1));
    json_object_set_new(run, "results", array);
    json_object_set_new(run, "after", json_string("end"));
    json_array_append_new(runs, run);
    json_object_set_new(doc, "runs", runs);
    return doc;
}

static void test_items_writer(void)
{
    for (int n = 0; n <= 3; n++) {
        /* the same document, whole and item by item: the same text */
        json_t *whole = json_array();
        for (int i = 0; i < n; i++) json_array_append_new(whole, make_item(i));
        FILE *a = tmpfile(), *b = tmpfile();
        rl_error err = {{0}};
        CHECK_INT(rl_report_write_json(a, doc_around(whole), "test", &err), 0);
        struct test_items items = {0, n};
        CHECK_INT(rl_report_write_json_items(b, doc_around(rl_json_items_slot()), next_test_item, &items, "test", &err), 0);
        CHECK_INT(items.made, n);
        char *ta = slurp(a), *tb = slurp(b);
        CHECK_STR(tb, ta);
        free(ta);
        free(tb);
        fclose(a);
        fclose(b);
    }
    /* a document without the placeholder: an error, not half a report */
    FILE *c = tmpfile();
    rl_error err = {{0}};
    struct test_items items = {0, 2};
    CHECK_INT(rl_report_write_json_items(c, doc_around(json_array()), next_test_item, &items, "test", &err), -1);
    CHECK_HAS(err.msg, "cannot write the test report: no place for its items");
    CHECK_INT(items.made, 0);
    fclose(c);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_sarif OUT_DIR\n");
        return 2;
    }
    out_dir = argv[1];
    mkdir(out_dir, 0777);
    src_dir = rl_xasprintf("%s/src", out_dir);
    mkdir(src_dir, 0777);
    char *real = realpath(src_dir, NULL);
    if (real) {
        free(src_dir);
        src_dir = real;
    }
    test_sarif_shape();
    test_baseline();
    test_codequality();
    test_paths();
    test_html();
    test_items_writer();
    free(src_dir);
    return test_summary("test_sarif");
}
