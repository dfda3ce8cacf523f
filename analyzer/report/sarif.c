/* SARIF 2.1.0 reports (report.h, docs/sarif.md).
 *
 * Built as a jansson tree from the findings and dumped in one go, so the
 * output is always well-formed JSON. Rule metadata comes from the
 * rl_checks[] registry (checks.def), the one list of rules. Paths and the
 * wording of events are shared with the other reports (paths.c,
 * describe.c); the GitLab code quality report is codequality.c.
 *
 * SARIF shape, per finding: the primary event is the result's location,
 * the other events are relatedLocations (ids 1..n-1, linked from the
 * message). A location's finding has one codeFlow per racing pair it
 * keeps (at most RL_MAX_PAIRS, the most convincing first), each with a
 * threadFlow per side; another finding has one codeFlow with a threadFlow
 * per event. A threadFlow goes from the thread's creation and entry
 * through the calls to the access. Paths under
 * the source root are relative with uriBaseId %SRCROOT%, which
 * run.originalUriBaseIds maps to the root's file: URI. */
#include "report_internal.h"

#include "rules/checks.h"
#include "../model/finding_json.h"
#include "../util/mem.h"
#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_VERSION "2.1.0"
#define FINGERPRINT_KEY "racelintFingerprint/v1"

/* ------------------------------------------------------------ locations */

/* {"uri": "file:///abs/folder/"}'s value, for base URIs. */
static json_t *folder_uri(const char *folder)
{
    char *uri = rl_report_folder_uri(folder);
    json_t *v = json_string(uri);
    free(uri);
    return v;
}

/* {"uri": "rel/path.c", "uriBaseId": "%SRCROOT%"} or {"uri": "file:///abs"} */
static json_t *artifact_location(const rl_report_paths *cx, const char *file)
{
    int inside;
    char *path = rl_report_path(file, cx->base_dir, cx->src_root, &inside);
    rl_strbuf sb = RL_STRBUF_INIT;
    if (!inside) rl_sb_append(&sb, "file://");
    rl_report_uri_encode(&sb, path);
    json_t *obj = json_object();
    json_object_set_new(obj, "uri", json_string(rl_sb_str(&sb)));
    if (inside) json_object_set_new(obj, "uriBaseId", json_string(RL_SARIF_SRCROOT));
    rl_sb_free(&sb);
    free(path);
    return obj;
}

/* The path as a person reads it in a message (relative when inside). */

/* {"text": text}, text as is (already escaped, or not a message that may
 * hold links). */
static json_t *message(const char *text)
{
    json_t *obj = json_object();
    json_object_set_new(obj, "text", rl_json_text(text ? text : ""));
    return obj;
}

/* {"text": text} for plain text: SARIF reads "[x](n)" in any message as a
 * link, so literal brackets and backslashes are escaped. */
static json_t *plain_message(const char *text)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_report_append_escaped(&sb, text, 1);
    json_t *obj = message(rl_sb_str(&sb));
    rl_sb_free(&sb);
    return obj;
}

/* A location: physicalLocation (when the position has a file), the
 * function as a logicalLocation, and a message. */
static json_t *location(const rl_report_paths *cx, const rl_position *pos, const char *function, const char *text)
{
    json_t *loc = json_object();
    if (pos->file && pos->file[0]) {
        json_t *phys = json_object();
        json_object_set_new(phys, "artifactLocation", artifact_location(cx, pos->file));
        if (pos->line > 0) {
            json_t *region = json_object();
            json_object_set_new(region, "startLine", json_integer(pos->line));
            if (pos->col > 0) json_object_set_new(region, "startColumn", json_integer(pos->col));
            json_object_set_new(phys, "region", region);
        }
        json_object_set_new(loc, "physicalLocation", phys);
    }
    if (function && function[0]) {
        json_t *logical = json_object();
        json_object_set_new(logical, "name", rl_json_text(function));
        json_object_set_new(logical, "kind", json_string("function"));
        json_t *list = json_array();
        json_array_append_new(list, logical);
        json_object_set_new(loc, "logicalLocations", list);
    }
    if (text) json_object_set_new(loc, "message", plain_message(text));
    return loc;
}


/* ------------------------------------------------------------- messages */

/* The result message: the finding's summary, where, and both threads, e.g.
 * "data race on 'x' at a.c:3:5: write in thread 'w' here, and read in
 * thread 'r' at [b.c:9:1](1); no lock is held by both." Other events are
 * embedded links to their relatedLocations. */
static char *result_text(const rl_report_paths *cx, const rl_finding *f)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_report_append_escaped(&sb, f->message ? f->message : f->rule, 1);
    if (f->nevents) {
        char *where = rl_report_display_path(cx, f->events[0].pos.file);
        rl_sb_append(&sb, " at ");
        rl_report_append_escaped(&sb, where, 1);
        rl_sb_printf(&sb, ":%u:%u: ", f->events[0].pos.line, f->events[0].pos.col);
        free(where);
        rl_report_describe_side(&sb, &f->events[0], NULL, 1);
        rl_sb_append(&sb, " here");
    }
    for (size_t i = 1; i < f->nevents; i++) {
        const rl_event *ev = &f->events[i];
        char *where = rl_report_display_path(cx, ev->pos.file);
        rl_sb_append(&sb, i + 1 == f->nevents ? ", and " : ", ");
        rl_report_describe_side(&sb, ev, &f->events[i - 1], 1);
        rl_sb_append(&sb, " at [");
        rl_report_append_escaped(&sb, where, 1);
        rl_sb_printf(&sb, ":%u:%u](%zu)", ev->pos.line, ev->pos.col, i);
        free(where);
    }
    rl_sb_appendc(&sb, '.');
    if (f->hint) {
        rl_sb_append(&sb, " Hint: ");
        rl_report_append_escaped(&sb, f->hint, 1);
        if (f->hint[0] && f->hint[strlen(f->hint) - 1] != '.') rl_sb_appendc(&sb, '.');
    }
    return rl_sb_take(&sb);
}

/* -------------------------------------------------------------- results */

static json_t *flow_location(json_t *loc, int nesting, const char *kind1, const char *kind2, const char *importance)
{
    json_t *tfl = json_object();
    json_object_set_new(tfl, "location", loc);
    json_object_set_new(tfl, "nestingLevel", json_integer(nesting));
    json_t *kinds = json_array();
    json_array_append_new(kinds, json_string(kind1));
    if (kind2) json_array_append_new(kinds, json_string(kind2));
    json_object_set_new(tfl, "kinds", kinds);
    json_object_set_new(tfl, "importance", json_string(importance));
    return tfl;
}

/* One thread's way to its access: where it is created, its entry, each
 * call, then the access with the locks held as the flow's state. */
static json_t *thread_flow(const rl_report_paths *cx, const rl_event *ev, const rl_event *prev, json_t *id)
{
    json_t *tf = json_object();
    json_t *locs = json_array();
    const char *thread = ev->thread ? ev->thread : "?";
    char *text;
    if (ev->spawn.line > 0) {
        text = rl_xasprintf("thread '%s' is created here%s", thread, ev->multi_instance ? " (several instances)" : "");
        json_array_append_new(locs, flow_location(location(cx, &ev->spawn, NULL, text), 0, "call", NULL, "important"));
        free(text);
    }
    for (size_t i = 0; i < ev->nchain; i++) {
        const rl_frame *fr = &ev->chain[i];
        const char *fn = fr->function ? fr->function : "?";
        text = i == 0 ? rl_xasprintf("thread '%s' starts in %s()", thread, fn) : rl_xasprintf("calls %s()", fn);
        json_array_append_new(locs, flow_location(location(cx, &fr->site, i ? ev->chain[i - 1].function : fn, text),
                                                  (int)i, i == 0 ? "enter" : "call", i == 0 ? "function" : NULL,
                                                  i == 0 ? "important" : "unimportant"));
        free(text);
    }
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, ev->kind ? ev->kind : "access");
    if (ev->what) rl_sb_printf(&sb, " of '%s'", ev->what);
    rl_report_describe_locks(&sb, ev);
    json_t *access = flow_location(location(cx, &ev->pos, ev->function, rl_sb_str(&sb)),
                                   ev->nchain ? (int)ev->nchain - 1 : 0, "memory", NULL, "essential");
    rl_sb_free(&sb);

    json_t *state = json_object();
    rl_strbuf locks = RL_STRBUF_INIT;
    for (size_t i = 0; i < ev->nlocks; i++) rl_sb_printf(&locks, "%s%s", i ? ", " : "", ev->locks[i]);
    json_object_set_new(state, "locks held", plain_message(ev->nlocks ? rl_sb_str(&locks) : "none"));
    rl_sb_free(&locks);
    json_object_set_new(access, "state", state);
    json_array_append_new(locs, access);

    text = rl_report_event_text(cx, ev, prev);
    json_object_set_new(tf, "id", id);
    json_object_set_new(tf, "message", plain_message(text));
    free(text);
    json_object_set_new(tf, "locations", locs);
    return tf;
}

/* The codeFlow of one racing pair: both sides' threadFlows. */
static json_t *pair_flow(const rl_report_paths *cx, const rl_finding *f, const rl_pair *p, size_t index)
{
    json_t *flows = json_array();
    const rl_event *a = &f->events[p->a], *b = &f->events[p->b];
    json_array_append_new(flows, thread_flow(cx, a, NULL, json_sprintf("pair-%zu-side-0", index)));
    json_array_append_new(flows, thread_flow(cx, b, p->a == p->b ? a : NULL, json_sprintf("pair-%zu-side-1", index)));
    json_t *cf = json_object();
    char *text = rl_xasprintf("%s at line %u races with %s at line %u: how each thread reaches its access.",
                              a->kind ? a->kind : "access", a->pos.line, b->kind ? b->kind : "access", b->pos.line);
    json_object_set_new(cf, "message", plain_message(text));
    free(text);
    json_object_set_new(cf, "threadFlows", flows);
    return cf;
}

static json_t *code_flows(const rl_report_paths *cx, const rl_finding *f)
{
    if (f->npairs) {
        json_t *list = json_array();
        for (size_t i = 0; i < f->npairs; i++)
            if (f->pairs[i].a < f->nevents && f->pairs[i].b < f->nevents)
                json_array_append_new(list, pair_flow(cx, f, &f->pairs[i], i));
        return list;
    }
    json_t *flows = json_array();
    for (size_t i = 0; i < f->nevents; i++)
        json_array_append_new(flows, thread_flow(cx, &f->events[i], i ? &f->events[i - 1] : NULL, json_sprintf("side-%zu", i)));
    json_t *cf = json_object();
    json_object_set_new(cf, "message", message("How each thread reaches its access."));
    json_object_set_new(cf, "threadFlows", flows);
    json_t *list = json_array();
    json_array_append_new(list, cf);
    return list;
}

/* A suppression's kind: "inSource" for a comment in the code, "external"
 * for everything else (triage in the database, a suppressions file). */
static json_t *suppressions(const rl_finding *f)
{
    json_t *list = json_array();
    if (!f->suppressed) return list; /* empty: known not to be suppressed */
    const char *why = f->suppression ? f->suppression : "";
    int in_source = strstr(why, "comment") || strstr(why, "source") || strstr(why, "racelint:");
    json_t *s = json_object();
    json_object_set_new(s, "kind", json_string(in_source ? "inSource" : "external"));
    json_object_set_new(s, "status", json_string("accepted"));
    if (why[0]) json_object_set_new(s, "justification", rl_json_text(why));
    json_array_append_new(list, s);
    return list;
}

static int rule_index(const char *rule)
{
    for (size_t i = 0; rule && i < rl_nchecks; i++)
        if (strcmp(rl_checks[i].id, rule) == 0) return (int)i;
    return -1;
}

static int same_position(const rl_position *a, const rl_position *b)
{
    return (a->file == b->file || rl_report_same_text(a->file, b->file)) && a->line == b->line && a->col == b->col;
}

/* SARIF's rank is a priority, 0..100: each confidence has its own band
 * (high 70..100, medium 40..70, low 10..40), and within it the guard
 * coverage (rl_finding.rank) moves a finding up. */
static double sarif_rank(const rl_finding *f)
{
    static const double band_floor[] = {70.0, 40.0, 10.0};
    const double band_width = 30.0;
    double floor = f->confidence <= RL_CONF_LOW ? band_floor[f->confidence] : band_floor[RL_CONF_LOW];
    return floor + band_width * (f->rank > 0 ? f->rank : 0);
}

static json_t *result_json(const rl_report_paths *cx, const rl_finding *f, const char *baseline_state)
{
    json_t *r = json_object();
    json_object_set_new(r, "ruleId", rl_json_text(f->rule ? f->rule : "unknown"));
    int index = rule_index(f->rule);
    if (index >= 0) json_object_set_new(r, "ruleIndex", json_integer(index));
    json_object_set_new(r, "level", json_string(rl_severity_name(f->severity)));
    json_object_set_new(r, "rank", json_real(sarif_rank(f)));
    char *text = result_text(cx, f);
    json_object_set_new(r, "message", message(text));
    free(text);

    json_t *locations = json_array(), *related = json_array();
    for (size_t i = 0; i < f->nevents; i++) {
        const rl_event *ev = &f->events[i];
        char *etext = rl_report_event_text(cx, ev, i ? &f->events[i - 1] : NULL);
        json_t *loc = location(cx, &ev->pos, ev->function, etext);
        free(etext);
        json_object_set_new(loc, "id", json_integer((json_int_t)i));
        json_array_append_new(i == 0 ? locations : related, loc);
    }
    json_object_set_new(r, "locations", locations);
    if (json_array_size(related))
        json_object_set_new(r, "relatedLocations", related);
    else
        json_decref(related);
    if (f->nevents) json_object_set_new(r, "codeFlows", code_flows(cx, f));

    json_t *partial = json_object();
    json_object_set_new(partial, FINGERPRINT_KEY, rl_json_text(f->fingerprint));
    json_object_set_new(r, "partialFingerprints", partial);
    json_object_set_new(r, "suppressions", suppressions(f));
    if (baseline_state) json_object_set_new(r, "baselineState", json_string(baseline_state));

    json_t *props = json_object();
    json_object_set_new(props, "location", rl_json_text(f->location));
    json_object_set_new(props, "fingerprint", rl_json_text(f->fingerprint));
    json_object_set_new(props, "confidence", json_string(rl_confidence_name(f->confidence)));
    if (f->npairs) json_object_set_new(props, "racingPairs", json_integer((json_int_t)f->pairs_total));
    if (f->hint) json_object_set_new(props, "hint", rl_json_text(f->hint));
    if (f->nprograms)
        json_object_set_new(props, "programs", rl_json_strings((const char *const *)f->programs, f->nprograms));
    json_object_set_new(r, "properties", props);
    return r;
}

/* ---------------------------------------------------------------- tool */

static json_t *rule_json(const rl_check *c)
{
    json_t *rule = json_object();
    json_object_set_new(rule, "id", json_string(c->id));
    json_object_set_new(rule, "name", json_string(c->name));
    char *shortd = rl_xasprintf("%s.", c->summary);
    json_object_set_new(rule, "shortDescription", message(shortd));
    free(shortd);
    json_object_set_new(rule, "fullDescription", message(c->description));

    char *text = rl_xasprintf("%s\n\nEach result shows the events involved (the accesses, or the lock operations), "
                              "the thread doing each one with its entry function and where it is created, the calls "
                              "from the entry to the event, and the locks held there. See rules/%s.md in the "
                              "racelint sources.",
                              c->description, c->id);
    char *markdown = rl_xasprintf("**%s.**\n\n%s\n\nEach result shows the events involved (the accesses, or the lock "
                                  "operations), the thread doing each one with its entry function and where it is "
                                  "created, the calls from the entry to the event, and the locks held there. See "
                                  "`rules/%s.md` in the racelint sources.",
                                  c->summary, c->description, c->id);
    json_t *help = json_object();
    json_object_set_new(help, "text", json_string(text));
    json_object_set_new(help, "markdown", json_string(markdown));
    json_object_set_new(rule, "help", help);
    free(text);
    free(markdown);

    json_t *config = json_object();
    json_object_set_new(config, "level", json_string(rl_severity_name(c->level)));
    /* the rule's options (rules/options.h) with their defaults */
    json_t *params = json_object();
    for (size_t i = 0; i < rl_rule_option_count(); i++)
        if (strcmp(rl_rule_option_rule(i), c->id) == 0)
            json_object_set_new(params, rl_rule_option_param(i), json_string(rl_rule_option_default(i)));
    if (json_object_size(params)) json_object_set_new(config, "parameters", params);
    else json_decref(params);
    json_object_set_new(rule, "defaultConfiguration", config);

    json_t *props = json_object();
    json_t *tags = json_array();
    json_array_append_new(tags, json_string("concurrency"));
    json_array_append_new(tags, json_string("correctness"));
    json_object_set_new(props, "tags", tags);
    json_object_set_new(props, "precision", json_string("medium"));
    json_object_set_new(rule, "properties", props);
    return rule;
}

static json_t *tool_json(const rl_run_info *run)
{
    const char *version = run && run->tool_version && run->tool_version[0] ? run->tool_version : RL_VERSION;
    json_t *driver = json_object();
    json_object_set_new(driver, "name", json_string("racelint"));
    json_object_set_new(driver, "version", rl_json_text(version));
    json_object_set_new(driver, "semanticVersion", rl_json_text(version));
    json_object_set_new(driver, "informationUri", json_string(RL_INFORMATION_URI));
    json_t *rules = json_array();
    for (size_t i = 0; i < rl_nchecks; i++) json_array_append_new(rules, rule_json(&rl_checks[i]));
    json_object_set_new(driver, "rules", rules);
    json_t *tool = json_object();
    json_object_set_new(tool, "driver", driver);
    return tool;
}

/* A unit that failed to parse, as a tool execution notification. */
static json_t *unit_notification(const rl_report_paths *cx, const rl_unit_status *u)
{
    /* Nothing of a failed or skipped unit was analysed: an error. */
    int lost = strcmp(u->status, "errors") != 0;
    json_t *n = json_object();
    json_object_set_new(n, "level", json_string(lost ? "error" : "warning"));
    char *path = rl_report_display_path(cx, u->file);
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%s %s.", path, rl_unit_status_phrase(u->status));
    char *first = rl_unit_first_error(u);
    if (first) {
        rl_sb_append(&sb, strcmp(u->status, "skipped") == 0 ? " Why: " : " First error: ");
        rl_sb_append(&sb, first);
        free(first);
    }
    json_object_set_new(n, "message", plain_message(rl_sb_str(&sb)));
    rl_sb_free(&sb);
    free(path);
    rl_position pos = {u->file, 0, 0};
    json_t *locs = json_array();
    json_array_append_new(locs, location(cx, &pos, NULL, NULL));
    json_object_set_new(n, "locations", locs);
    return n;
}

/* A notice of the analysis (a limit hit, spawns that found no thread, a
 * program without threads) as a tool execution notification: a warning
 * when the analysis was cut short, else a note. Its code is the
 * descriptor id, so that tools can filter on it. */
static json_t *notice_notification(const rl_notice *notice)
{
    json_t *n = json_object();
    json_object_set_new(n, "level", json_string(rl_notice_is_limit(notice) ? "warning" : "note"));
    rl_strbuf sb = RL_STRBUF_INIT;
    if (notice->program) rl_sb_printf(&sb, "Program '%s': ", notice->program);
    rl_sb_append(&sb, notice->message);
    rl_sb_append(&sb, ".");
    json_object_set_new(n, "message", plain_message(rl_sb_str(&sb)));
    rl_sb_free(&sb);
    json_t *descriptor = json_object();
    json_object_set_new(descriptor, "id", rl_json_text(notice->code));
    json_object_set_new(n, "descriptor", descriptor);
    if (notice->program) {
        json_t *props = json_object();
        json_object_set_new(props, "program", rl_json_text(notice->program));
        json_object_set_new(n, "properties", props);
    }
    return n;
}

/* The run's rule options (run->options) that are not their default, as
 * SARIF's configuration overrides, one per rule; NULL when none is. */
static json_t *rule_overrides(const rl_run_info *run)
{
    json_t *options = run && run->options ? json_loads(run->options, 0, NULL) : NULL;
    json_t *list = json_array();
    for (size_t r = 0; json_is_object(options) && r < rl_nchecks; r++) {
        json_t *params = json_object();
        for (size_t i = 0; i < rl_rule_option_count(); i++) {
            const char *value = json_string_value(json_object_get(options, rl_rule_option_name(i)));
            if (strcmp(rl_rule_option_rule(i), rl_checks[r].id) == 0 && value &&
                strcmp(value, rl_rule_option_default(i)) != 0)
                json_object_set_new(params, rl_rule_option_param(i), json_string(value));
        }
        if (!json_object_size(params)) {
            json_decref(params);
            continue;
        }
        json_t *override = json_object(), *descriptor = json_object(), *configuration = json_object();
        json_object_set_new(descriptor, "id", json_string(rl_checks[r].id));
        json_object_set_new(descriptor, "index", json_integer((json_int_t)r));
        json_object_set_new(configuration, "parameters", params);
        json_object_set_new(override, "descriptor", descriptor);
        json_object_set_new(override, "configuration", configuration);
        json_array_append_new(list, override);
    }
    json_decref(options);
    if (json_array_size(list)) return list;
    json_decref(list);
    return NULL;
}

static json_t *invocation_json(const rl_report_paths *cx, const rl_run_info *run, const rl_sarif_options *opts)
{
    json_t *inv = json_object();
    int ok = (!run || !run->status || strcmp(run->status, "complete") == 0) && !(opts && opts->incomplete) &&
             !(run && run->incomplete);
    json_object_set_new(inv, "executionSuccessful", json_boolean(ok));
    if (run && run->arguments) {
        json_t *args = json_loads(run->arguments, 0, NULL);
        if (json_is_array(args)) {
            /* SARIF's arguments exclude the program name. */
            json_array_remove(args, 0);
            json_object_set_new(inv, "arguments", args);
        } else {
            json_decref(args);
        }
    }
    json_t *overrides = rule_overrides(run);
    if (overrides) json_object_set_new(inv, "ruleConfigurationOverrides", overrides);
    if (run && run->started_at) json_object_set_new(inv, "startTimeUtc", rl_json_text(run->started_at));
    if (run && run->finished_at) json_object_set_new(inv, "endTimeUtc", rl_json_text(run->finished_at));
    if (run && run->directory && run->directory[0] == '/') {
        json_t *wd = json_object();
        json_object_set_new(wd, "uri", folder_uri(run->directory));
        json_object_set_new(inv, "workingDirectory", wd);
    }
    json_t *notes = json_array();
    /* The units of this check, or those recorded with the run (a report
     * of a recorded run: `racelint findings --format sarif`). */
    const rl_unit_status *units = opts && opts->units ? opts->units : run ? run->parse_failures : NULL;
    size_t nunits = opts && opts->units ? opts->nunits : run ? run->nparse_failures : 0;
    for (size_t i = 0; i < nunits; i++)
        if (rl_unit_status_phrase(units[i].status)) json_array_append_new(notes, unit_notification(cx, &units[i]));
    for (size_t i = 0; run && i < run->nnotices; i++) json_array_append_new(notes, notice_notification(&run->notices[i]));
    if (json_array_size(notes))
        json_object_set_new(inv, "toolExecutionNotifications", notes);
    else
        json_decref(notes);
    json_t *list = json_array();
    json_array_append_new(list, inv);
    return list;
}

/* Baseline states: a finding whose rule and fingerprint are in the
 * baseline is "unchanged" (or "updated" when its position or message
 * moved), else "new"; baseline findings matched by none are "absent".
 * Each baseline finding matches at most one current finding. */
static const rl_finding *match_baseline(const rl_findings *base, char *used, const rl_finding *f)
{
    for (size_t i = 0; i < base->len; i++) {
        const rl_finding *b = &base->items[i];
        if (used[i] || strcmp(b->fingerprint, f->fingerprint) != 0 || !rl_report_same_text(b->rule, f->rule)) continue;
        used[i] = 1;
        return b;
    }
    return NULL;
}


/* The results, one at a time (rl_json_next_item): the findings shown, with
 * their baseline state when there is a baseline, then the baseline's
 * findings that none matched, "absent". */
struct results {
    const rl_report_paths *cx;
    const rl_findings *findings, *base;
    char *used;        /* per baseline finding: matched */
    size_t next, next_absent;
};

static json_t *next_result(void *ctx)
{
    struct results *s = ctx;
    while (s->findings && s->next < s->findings->len) {
        const rl_finding *f = &s->findings->items[s->next++];
        const char *state = NULL;
        if (s->base) {
            const rl_finding *b = match_baseline(s->base, s->used, f);
            state = !b ? "new"
                    : (b->nevents && f->nevents && !same_position(&b->events[0].pos, &f->events[0].pos)) ||
                              !rl_report_same_text(b->message, f->message)
                        ? "updated"
                        : "unchanged";
        }
        /* below --min-confidence: not reported, but not absent either */
        if (!f->hidden) return result_json(s->cx, f, state);
    }
    while (s->base && s->next_absent < s->base->len) {
        size_t i = s->next_absent++;
        if (!s->used[i]) return result_json(s->cx, &s->base->items[i], "absent");
    }
    return NULL;
}

int rl_report_sarif(FILE *out, const rl_run_info *run, const rl_findings *findings, const rl_sarif_options *opts,
                    rl_error *err)
{
    rl_report_paths cx = {run ? run->directory : NULL, opts ? opts->src_root : NULL};
    json_t *doc = json_object();
    json_object_set_new(doc, "$schema", json_string(SARIF_SCHEMA));
    json_object_set_new(doc, "version", json_string(SARIF_VERSION));

    json_t *r = json_object();
    json_object_set_new(r, "tool", tool_json(run));
    json_object_set_new(r, "invocations", invocation_json(&cx, run, opts));
    json_t *bases = json_object(), *root = json_object();
    json_object_set_new(root, "uri", folder_uri(cx.src_root ? cx.src_root : "."));
    json_object_set_new(root, "description", message("The source root: result paths are relative to it."));
    json_object_set_new(bases, RL_SARIF_SRCROOT, root);
    json_object_set_new(r, "originalUriBaseIds", bases);

    json_object_set_new(r, "results", rl_json_items_slot());

    json_t *props = json_object();
    json_object_set_new(props, "runId", json_integer(run ? run->id : 0));
    if (run && run->git_revision) json_object_set_new(props, "gitRevision", rl_json_text(run->git_revision));
    json_object_set_new(props, "files", json_integer(run ? run->files : 0));
    json_object_set_new(props, "unitsFailed", json_integer(run ? run->units_failed : 0));
    json_object_set_new(r, "properties", props);

    json_t *runs = json_array();
    json_array_append_new(runs, r);
    json_object_set_new(doc, "runs", runs);
    const rl_findings *base = opts ? opts->baseline : NULL;
    struct results results = {&cx, findings, base, base && base->len ? rl_xcalloc(base->len, 1) : NULL, 0, 0};
    int rc = rl_report_write_json_items(out, doc, next_result, &results, "SARIF", err);
    free(results.used);
    return rc;
}
