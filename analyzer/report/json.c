/* The JSON report (report.h): one document per run for CI tools and
 * scripts, in the versioned shape of docs/json-format.md. Built with
 * jansson, so the output is always well-formed JSON: the document as a
 * tree, its findings one by one into it (rl_report_write_json_items,
 * which the SARIF report uses too; rl_report_write_json for small
 * documents, such as the code quality report). */
#include "report_internal.h"
#include "../model/finding_json.h"
#include "../util/strbuf.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RL_TOOL_NAME "racelint"

int rl_format_parse(const char *name)
{
    if (!name) return -1;
    if (strcmp(name, "text") == 0) return RL_FORMAT_TEXT;
    if (strcmp(name, "json") == 0) return RL_FORMAT_JSON;
    if (strcmp(name, "sarif") == 0) return RL_FORMAT_SARIF;
    if (strcmp(name, "codequality") == 0) return RL_FORMAT_CODEQUALITY;
    return -1;
}

/* {"file", "line", "col"} */
static json_t *position_json(const rl_position *pos)
{
    json_t *obj = json_object();
    rl_json_set_position(obj, pos);
    return obj;
}

/* The run records its command line as a JSON array; embed it as one. Text
 * that is not an array (from a caller that stored a plain string) becomes a
 * one-element array, so readers can always expect an array. */
static json_t *arguments_json(const char *arguments)
{
    if (!arguments) return json_null();
    json_t *v = json_loads(arguments, 0, NULL);
    if (json_is_array(v)) return v;
    json_decref(v);
    json_t *array = json_array();
    json_array_append_new(array, rl_json_text(arguments));
    return array;
}

/* The units that did not parse cleanly: file, status, first error. */
static json_t *parse_failures_json(const rl_run_info *run)
{
    json_t *list = json_array();
    for (size_t i = 0; i < run->nparse_failures; i++) {
        const rl_unit_status *u = &run->parse_failures[i];
        json_t *obj = json_object();
        json_object_set_new(obj, "file", rl_json_text(u->file));
        json_object_set_new(obj, "status", rl_json_text(u->status));
        char *first = rl_unit_first_error(u);
        json_object_set_new(obj, "first_error", rl_json_text(first));
        free(first);
        json_array_append_new(list, obj);
    }
    return list;
}

static json_t *run_json(const rl_run_info *run)
{
    if (!run) return json_null();
    json_t *obj = json_object();
    json_object_set_new(obj, "id", json_integer(run->id));
    json_object_set_new(obj, "started_at", rl_json_text(run->started_at));
    json_object_set_new(obj, "finished_at", rl_json_text(run->finished_at));
    json_object_set_new(obj, "status", rl_json_text(run->status));
    json_object_set_new(obj, "tool_version", rl_json_text(run->tool_version));
    json_object_set_new(obj, "arguments", arguments_json(run->arguments));
    json_object_set_new(obj, "directory", rl_json_text(run->directory));
    json_object_set_new(obj, "git_revision", rl_json_text(run->git_revision));
    json_object_set_new(obj, "git_dirty", json_boolean(run->git_dirty));
    json_object_set_new(obj, "files", json_integer(run->files));
    json_object_set_new(obj, "units_failed", json_integer(run->units_failed));
    json_object_set_new(obj, "findings", json_integer(run->findings));
    json_object_set_new(obj, "duration_ms", json_integer(run->duration_ms));
    json_object_set_new(obj, "programs", rl_json_strings((const char *const *)run->programs, run->nprograms));
    json_object_set_new(obj, "notices", rl_json_notices(run->notices, run->nnotices));
    json_object_set_new(obj, "incomplete", rl_json_text(run->incomplete));
    json_object_set_new(obj, "parse_failures", parse_failures_json(run));
    /* the rule options in effect (rules/options.h), null before schema 9 */
    json_t *options = run->options ? json_loads(run->options, 0, NULL) : NULL;
    if (!json_is_object(options)) {
        json_decref(options);
        options = json_null();
    }
    json_object_set_new(obj, "options", options);
    return obj;
}

static json_t *event_json(const rl_event *ev)
{
    json_t *obj = json_object();
    rl_json_set_position(obj, &ev->pos);
    json_object_set_new(obj, "function", rl_json_text(ev->function));
    json_object_set_new(obj, "kind", rl_json_text(ev->kind));
    json_object_set_new(obj, "what", rl_json_text(ev->what));
    json_object_set_new(obj, "thread", rl_json_text(ev->thread));
    /* Line 0 means the thread is main, which nothing spawns. */
    json_object_set_new(obj, "spawn", ev->spawn.line > 0 ? position_json(&ev->spawn) : json_null());
    json_object_set_new(obj, "multi_instance", json_boolean(ev->multi_instance));
    json_object_set_new(obj, "chain", rl_json_chain(ev));
    json_object_set_new(obj, "locks", rl_json_locks(ev));
    return obj;
}

static json_t *finding_json(const rl_finding *f)
{
    json_t *obj = json_object();
    json_object_set_new(obj, "rule", rl_json_text(f->rule));
    json_object_set_new(obj, "severity", json_string(rl_severity_name(f->severity)));
    json_object_set_new(obj, "location", rl_json_text(f->location));
    json_object_set_new(obj, "message", rl_json_text(f->message));
    json_object_set_new(obj, "hint", rl_json_text(f->hint));
    json_object_set_new(obj, "rank", json_real(f->rank));
    json_object_set_new(obj, "confidence", json_string(rl_confidence_name(f->confidence)));
    json_object_set_new(obj, "fingerprint", rl_json_text(f->fingerprint));
    json_object_set_new(obj, "suppressed", json_boolean(f->suppressed));
    json_object_set_new(obj, "suppression", rl_json_text(f->suppression));
    json_object_set_new(obj, "primary", f->nevents ? position_json(&f->events[0].pos) : json_null());
    json_object_set_new(obj, "programs", rl_json_strings((const char *const *)f->programs, f->nprograms));
    json_t *events = json_array();
    for (size_t i = 0; i < f->nevents; i++) json_array_append_new(events, event_json(&f->events[i]));
    json_object_set_new(obj, "events", events);
    json_object_set_new(obj, "pairs", rl_json_pairs(f));
    json_object_set_new(obj, "pairs_total", json_integer((json_int_t)f->pairs_total));
    return obj;
}

/* The findings a report shows, one at a time (rl_json_next_item). */
struct shown_findings {
    const rl_findings *all;
    size_t next;
};

static json_t *next_shown_finding(void *ctx)
{
    struct shown_findings *s = ctx;
    while (s->all && s->next < s->all->len) {
        const rl_finding *f = &s->all->items[s->next++];
        if (!f->hidden) return finding_json(f);
    }
    return NULL;
}

int rl_report_json(FILE *out, const rl_run_info *run, const rl_findings *findings, rl_error *err)
{
    json_t *doc = json_object();
    json_object_set_new(doc, "version", json_integer(RL_JSON_FORMAT_VERSION));

    json_t *tool = json_object();
    json_object_set_new(tool, "name", json_string(RL_TOOL_NAME));
    json_object_set_new(tool, "version", rl_json_text(run && run->tool_version ? run->tool_version : ""));
    json_object_set_new(doc, "tool", tool);

    json_object_set_new(doc, "run", run_json(run));

    json_object_set_new(doc, "findings", rl_json_items_slot());
    struct shown_findings shown = {findings, 0};
    return rl_report_write_json_items(out, doc, next_shown_finding, &shown, "JSON", err);
}

/* How every report is laid out. */
#define REPORT_JSON_INDENT 2
#define REPORT_JSON_FLAGS (JSON_INDENT(REPORT_JSON_INDENT) | JSON_PRESERVE_ORDER)

/* Flushes, so that a full disk or a closed pipe is reported here, not lost
 * when the stream is closed. */
static int finish_report(FILE *out, int rc, const char *what, rl_error *err)
{
    if (rc != 0 || fputc('\n', out) == EOF || fflush(out) != 0 || ferror(out))
        return rl_fail(err, "cannot write the %s report: %s", what, errno ? strerror(errno) : "write error");
    return 0;
}

int rl_report_write_json(FILE *out, json_t *doc, const char *what, rl_error *err)
{
    errno = 0;
    int rc = json_dumpf(doc, out, REPORT_JSON_FLAGS);
    json_decref(doc);
    return finish_report(out, rc, what, err);
}

/* The placeholder's value: control characters, which jansson writes
 * escaped (`\u0001`), so that no text of a report can spell it. */
#define ITEMS_SLOT "\x01racelint-items\x01"
#define ITEMS_SLOT_DUMPED "\"\\u0001racelint-items\\u0001\""

json_t *rl_json_items_slot(void)
{
    return json_string(ITEMS_SLOT);
}

/* Writes text with `indent` spaces after each of its newlines: a value
 * dumped on its own, set at its depth in the document. Newlines occur in
 * the dump only between its lines (strings escape theirs). The indented
 * text is made in buf and written at once: memcached's 19 MB report has
 * 600,000 lines, and a stdio call per line was a third of writing it. */
static void write_indented(FILE *out, rl_strbuf *buf, const char *text, size_t indent)
{
    rl_sb_truncate(buf, 0);
    for (const char *nl; (nl = strchr(text, '\n')); text = nl + 1) {
        rl_sb_appendn(buf, text, (size_t)(nl + 1 - text));
        for (size_t k = 0; k < indent; k++) rl_sb_appendc(buf, ' ');
    }
    rl_sb_append(buf, text);
    fwrite(rl_sb_str(buf), 1, buf->len, out);
}

int rl_report_write_json_items(FILE *out, json_t *doc, rl_json_next_item next, void *ctx, const char *what,
                               rl_error *err)
{
    errno = 0;
    char *text = json_dumps(doc, REPORT_JSON_FLAGS);
    json_decref(doc);
    char *slot = text ? strstr(text, ITEMS_SLOT_DUMPED) : NULL;
    if (!slot) {
        const char *why = text ? "no place for its items" : "out of memory";
        free(text);
        return rl_fail(err, "cannot write the %s report: %s", what, why);
    }
    /* jansson sets an array's items one level deeper than the line that
     * opens it, and its closing bracket at that line's depth. */
    const char *line = slot;
    while (line > text && line[-1] != '\n') line--;
    size_t depth = strspn(line, " ");
    fwrite(text, 1, (size_t)(slot - text), out);
    int rc = 0, any = 0;
    rl_strbuf buf = RL_STRBUF_INIT;
    for (json_t *item; rc == 0 && (item = next(ctx)) != NULL; any = 1) {
        char *dumped = json_dumps(item, REPORT_JSON_FLAGS);
        json_decref(item);
        if (!dumped) {
            rc = -1;
            break;
        }
        fprintf(out, "%s\n%*s", any ? "," : "[", (int)(depth + REPORT_JSON_INDENT), "");
        write_indented(out, &buf, dumped, depth + REPORT_JSON_INDENT);
        free(dumped);
    }
    rl_sb_free(&buf);
    if (any) fprintf(out, "\n%*s]", (int)depth, "");
    else fputs("[]", out);
    fputs(slot + strlen(ITEMS_SLOT_DUMPED), out);
    free(text);
    return finish_report(out, rc, what, err);
}
