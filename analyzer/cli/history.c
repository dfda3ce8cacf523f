/* The findings history commands and what `racelint check` does around the
 * analysis (history.h, docs/history.md). Only the store speaks SQL; this
 * file decides what a finding's status is and how each command shows it. */
#include "history.h"
#include "../model/baseline.h"
#include "../model/finding_json.h"
#include "../report/report.h"
#include "../util/clock.h"
#include "../util/file.h"
#include "../util/mem.h"
#include "../util/outfile.h"
#include "../util/strbuf.h"
#include "../util/strpool.h"
#include "output.h"
#include "suppress.h"
#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <pthread.h>
#include <pwd.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

#define DEFAULT_DB_FILE ".racelint/racelint.db"
#define SHORT_REVISION 12
#define FINGERPRINT_HEX 16
#define SQL_DEFAULT_MAX_ROWS 10000
#define SQL_MAX_MAX_ROWS 10000000L
#define HOST_NAME_BYTES 256
/* Exit status of a run stopped by a signal, as shells report it. */
#define EXIT_SIGNAL_BASE 128

/* ------------------------------------------------------------------------
 * Shared helpers. */

static int rlh_error_msg(const char *msg)
{
    fprintf(stderr, "racelint: error: %s\n", msg);
    return EXIT_USAGE;
}

static int rlh_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "racelint: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'racelint --help'.\n");
    return EXIT_USAGE;
}

/* What --fail-on asks to count for exit status 1: new findings, any
 * unsuppressed finding, or nothing. */
typedef enum fail_on { FAIL_ON_NEW, FAIL_ON_ANY, FAIL_ON_NONE } fail_on;

/* Reads --fail-on for check and findings, the two commands that gate on
 * findings, so that both take the same words; 0, or -1 when unknown. */
static int rlh_parse_fail_on(const char *name, fail_on *out)
{
    static const struct {
        const char *name;
        fail_on value;
    } names[] = {{"new", FAIL_ON_NEW}, {"any", FAIL_ON_ANY}, {"none", FAIL_ON_NONE}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].value;
            return 0;
        }
    return -1;
}

static const char *rlh_db_path(const rl_hist_args *a)
{
    return a->db ? a->db : DEFAULT_DB_FILE;
}

/* Opens the database for reading; NULL after printing why. */
static rl_store *rlh_open_for_reading(const char *path)
{
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "racelint: error: no findings database at '%s'; run 'racelint check' first or pass --db\n",
                path);
        return NULL;
    }
    rl_error err = {{0}};
    rl_store *s = rl_store_open(path, RL_STORE_READ, &err);
    if (!s) rlh_error_msg(err.msg);
    return s;
}



typedef struct output {
    FILE *f;
    rl_outfile file;
} output;

/* Standard output, or -o FILE through a temporary renamed into place
 * once whole (util/outfile.h). */
static int rlh_open_out(const char *path, output *o)
{
    rl_error err = {{0}};
    if (rl_outfile_open(&o->file, path, &err) == 0) {
        o->f = o->file.f;
        return 0;
    }
    fprintf(stderr, "racelint: error: %s\n", err.msg);
    return -1;
}

/* Closes the output; -1 if anything failed to reach it. */
static int close_out(output *o)
{
    rl_error err = {{0}};
    if (rl_outfile_close(&o->file, 1, &err) == 0) return 0;
    fprintf(stderr, "racelint: error: %s\n", err.msg);
    return -1;
}

/* Gives up on the output: -o FILE keeps what it held. */
static void rlh_drop_out(output *o)
{
    rl_outfile_close(&o->file, 0, NULL);
}

/* Closes the output when everything was written (ok), else drops it;
 * -1 unless it was closed whole. */
static int rlh_finish_out(output *o, int ok)
{
    if (ok) return close_out(o);
    if (o->file.f && ferror(o->file.f))
        fprintf(stderr, "racelint: error: cannot write %s%s%s: %s\n", o->file.path ? "'" : "to ",
                o->file.path ? o->file.path : "standard output", o->file.path ? "'" : "", strerror(errno ? errno : EIO));
    rlh_drop_out(o);
    return -1;
}

/* Parses --format for a history command. */
static int rlh_out_format(const rl_hist_args *a, int allow_text)
{
    int fmt = rl_out_parse(a->format, allow_text);
    if (fmt < 0)
        rlh_usage(allow_text ? "unknown format '%s' (table, csv, json or text)" : "unknown format '%s' (table, csv or json)",
              a->format);
    return fmt;
}

/* The start every read-only listing shares: its output, its format and
 * the database. NULL (with the message printed) when any of them fails;
 * the output is then closed again. */
static rl_store *rlh_begin_listing(const rl_hist_args *a, output *out, int *fmt)
{
    if (rlh_open_out(a->output, out)) return NULL;
    *fmt = rlh_out_format(a, 0);
    rl_store *s = *fmt < 0 ? NULL : rlh_open_for_reading(rlh_db_path(a));
    if (!s) rlh_drop_out(out);
    return s;
}

/* A run spec: "latest" (or NULL), the latest complete run, or a number. */
static int64_t rlh_resolve_run(rl_store *s, const char *spec, const char *what, rl_error *err)
{
    if (!spec || strcmp(spec, "latest") == 0) {
        int64_t id = rl_store_latest_complete_run(s, err);
        if (id == 0) rl_fail(err, "the database has no complete run yet; run 'racelint check' first");
        return id > 0 ? id : -1;
    }
    char *end;
    errno = 0;
    long long id = strtoll(spec, &end, 10);
    if (!*spec || *end || id <= 0 || errno) {
        rl_fail(err, "%s wants a run number or 'latest', not '%s'", what, spec);
        return -1;
    }
    rl_run_info run;
    if (rl_store_get_run(s, id, &run, err)) return -1;
    rl_run_info_clear(&run);
    return id;
}

static int rlh_row_suppressed(const rl_finding_row *r)
{
    return r->suppressed || rl_triage_suppresses(r->triage);
}

/* Why a row is suppressed: the run's own reason, or the current triage. */
static char *rlh_row_suppression(const rl_finding_row *r)
{
    if (r->suppressed) return rl_xstrdup(r->suppression ? r->suppression : "suppressed");
    if (rl_triage_suppresses(r->triage))
        return r->triage_note && *r->triage_note ? rl_xasprintf("triaged %s: %s", r->triage, r->triage_note)
                                                 : rl_xasprintf("triaged %s", r->triage);
    return NULL;
}

/* new | open | suppressed, for a row of a run compared with the run before. */
static const char *rlh_row_status(const rl_finding_row *r)
{
    if (rlh_row_suppressed(r)) return "suppressed";
    return r->in_other ? "open" : "new";
}

static char *rlh_position_text(const char *file, int64_t line, int64_t col)
{
    if (!file) return NULL;
    return rl_xasprintf("%s:%lld:%lld", file, (long long)line, (long long)col);
}

/* "3f2c1a0b9d8e" or "3f2c1a0b9d8e-dirty"; NULL outside git. */
static char *rlh_tree_text(const char *revision, int dirty, int dirty_unknown)
{
    if (!revision) return NULL;
    return rl_xasprintf("%.*s%s", SHORT_REVISION, revision, dirty_unknown ? " (dirty?)" : dirty ? "-dirty" : "");
}

static char *duration_text(int64_t ms)
{
    if (ms < RL_MS_PER_SEC) return rl_xasprintf("%lldms", (long long)ms);
    return rl_xasprintf("%.1fs", (double)ms / RL_MS_PER_SEC);
}

/* The JSON report (docs/json-format.md) of some findings, as a jansson
 * tree, so that commands can add their own keys to each finding. */
static json_t *rlh_report_json(const rl_run_info *run, const rl_findings *findings)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) return NULL;
    rl_error err = {{0}};
    int rc = rl_report_json(mem, run, findings, &err);
    fclose(mem);
    json_t *doc = rc == 0 ? json_loadb(buf, len, 0, NULL) : NULL;
    free(buf);
    return doc;
}

/* A view of some findings of a list, sharing their memory. */
typedef struct view {
    rl_findings list; /* items are shallow copies: free only list.items */
} view;

static void view_add(view *v, const rl_finding *f)
{
    RL_GROW(v->list.items, v->list.cap, v->list.len + 1);
    v->list.items[v->list.len++] = *f;
}

/* ------------------------------------------------------------------------
 * racelint runs */

int rl_cmd_runs(const rl_hist_args *a)
{
    if (a->nargs) return rlh_usage("unexpected argument '%s'", a->args[0]);
    output out;
    int fmt;
    rl_store *s = rlh_begin_listing(a, &out, &fmt);
    if (!s) return EXIT_USAGE;
    rl_error err = {{0}};
    rl_run_info *runs;
    size_t n;
    int rc = EXIT_OK;
    if (rl_store_list_runs(s, &runs, &n, &err)) {
        rl_store_close(s);
        rlh_drop_out(&out);
        return rlh_error_msg(err.msg);
    }
    rl_table t;
    if (fmt == RL_OUT_TABLE) {
        static const char *const cols[] = {"id", "time", "tree", "version", "files", "findings", "duration", "status"};
        rl_table_init(&t, sizeof cols / sizeof *cols, cols);
        for (size_t i = 0; i < n; i++) {
            const rl_run_info *r = &runs[i];
            int done = r->status && strcmp(r->status, "complete") == 0;
            rl_value *v = rl_table_add_row(&t);
            rl_value_set_int(&v[0], r->id);
            rl_value_set_text(&v[1], r->started_at);
            rl_value_take_text(&v[2], rlh_tree_text(r->git_revision, r->git_dirty, r->git_dirty_unknown));
            rl_value_set_text(&v[3], r->tool_version);
            rl_value_set_int(&v[4], r->files);
            if (done) rl_value_set_int(&v[5], r->findings);
            if (r->finished_at) rl_value_take_text(&v[6], duration_text(r->duration_ms));
            rl_value_set_text(&v[7], r->status);
        }
    } else {
        static const char *const cols[] = {"id",           "started_at", "finished_at", "status",   "git_revision",
                                           "git_dirty",    "tool_version", "files",     "units_failed", "findings",
                                           "duration_ms",  "directory",  "arguments",   "baseline", "host", "pid",
                                           "git_branch",   "config"};
        rl_table_init(&t, sizeof cols / sizeof *cols, cols);
        for (size_t i = 0; i < n; i++) {
            const rl_run_info *r = &runs[i];
            int done = r->status && strcmp(r->status, "complete") == 0;
            rl_value *v = rl_table_add_row(&t);
            int k = 0;
            rl_value_set_int(&v[k++], r->id);
            rl_value_set_text(&v[k++], r->started_at);
            rl_value_set_text(&v[k++], r->finished_at);
            rl_value_set_text(&v[k++], r->status);
            rl_value_set_text(&v[k++], r->git_revision);
            if (r->git_revision && !r->git_dirty_unknown) rl_value_set_bool(&v[k], r->git_dirty);
            k++;
            rl_value_set_text(&v[k++], r->tool_version);
            rl_value_set_int(&v[k++], r->files);
            rl_value_set_int(&v[k++], r->units_failed);
            if (done) rl_value_set_int(&v[k], r->findings);
            k++;
            if (r->finished_at) rl_value_set_int(&v[k], r->duration_ms);
            k++;
            rl_value_set_text(&v[k++], r->directory);
            rl_value_set_text(&v[k++], r->arguments);
            rl_value_set_text(&v[k++], r->baseline);
            rl_value_set_text(&v[k++], r->host);
            if (r->pid) rl_value_set_int(&v[k], r->pid);
            k++;
            rl_value_set_text(&v[k++], r->git_branch);
            rl_value_set_text(&v[k++], r->config);
        }
    }
    int wrote;
    if (fmt == RL_OUT_JSON) {
        /* the command line is stored as a JSON array: embed it as one */
        json_t *list = rl_out_table_json(&t);
        for (size_t i = 0; i < n; i++) {
            json_t *args = runs[i].arguments ? json_loads(runs[i].arguments, 0, NULL) : NULL;
            if (json_is_array(args)) json_object_set_new(json_array_get(list, i), "arguments", args);
            else json_decref(args);
        }
        wrote = rl_out_json(out.f, list);
        json_decref(list);
    } else {
        wrote = rl_out_write(out.f, (rl_out_format)fmt, &t);
    }
    if (rlh_finish_out(&out, wrote == 0)) rc = EXIT_USAGE;
    rl_table_free(&t);
    rl_runs_free(runs, n);
    rl_store_close(s);
    return rc;
}

/* ------------------------------------------------------------------------
 * racelint findings */

/* One listed finding: a row, its full finding (events) when loaded, and
 * its status against the run before. */
typedef struct item {
    rl_finding_row *row;
    rl_finding *f;
    const char *status;
} item;

/* Whether file matches --file PATTERN: a glob over the whole path, or over
 * its last components: "stats.c" and "bank/s?ats.c" match "src/bank/stats.c". */
static int file_matches(const char *file, const char *pattern)
{
    if (!pattern) return 1;
    if (!file) return 0;
    if (fnmatch(pattern, file, 0) == 0) return 1;
    for (const char *p = strchr(file, '/'); p; p = strchr(p + 1, '/'))
        if (fnmatch(pattern, p + 1, 0) == 0) return 1;
    return 0;
}

static const char *const statuses[] = {"new", "open", "fixed", "suppressed"};

static int status_valid(const char *s)
{
    for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
        if (strcmp(s, statuses[i]) == 0) return 1;
    return 0;
}

/* The finding as the user should see it now: with the current triage
 * decision applied. */
static void rlh_apply_triage(rl_finding *f, const rl_finding_row *r)
{
    if (f->suppressed || !rl_triage_suppresses(r->triage)) return;
    f->suppressed = 1;
    free(f->suppression);
    f->suppression = rlh_row_suppression(r);
}

/* A rl_table of items: the columns people read (table) or all (CSV, JSON). */
static void items_table(rl_table *t, const item *items, size_t n, int wide)
{
    if (!wide) {
        static const char *const cols[] = {"id", "status", "rule", "position", "location", "message", "fingerprint"};
        rl_table_init(t, sizeof cols / sizeof *cols, cols);
    } else {
        static const char *const cols[] = {"id",       "run",     "status",  "rule",        "severity",
                                           "file",     "line",    "col",     "location",    "message",
                                           "fingerprint", "suppression", "triage", "triage_note"};
        rl_table_init(t, sizeof cols / sizeof *cols, cols);
    }
    for (size_t i = 0; i < n; i++) {
        const rl_finding_row *r = items[i].row;
        rl_value *v = rl_table_add_row(t);
        int k = 0;
        rl_value_set_int(&v[k++], r->id);
        if (wide) rl_value_set_int(&v[k++], r->run_id);
        rl_value_set_text(&v[k++], items[i].status);
        rl_value_set_text(&v[k++], r->rule);
        if (wide) {
            rl_value_set_text(&v[k++], r->severity);
            rl_value_set_text(&v[k++], r->file);
            if (r->file) rl_value_set_int(&v[k], r->line);
            k++;
            if (r->file) rl_value_set_int(&v[k], r->col);
            k++;
        } else {
            rl_value_take_text(&v[k++], rlh_position_text(r->file, r->line, r->col));
        }
        rl_value_set_text(&v[k++], r->location);
        rl_value_set_text(&v[k++], r->message);
        rl_value_set_text(&v[k++], r->fingerprint);
        if (wide) {
            rl_value_take_text(&v[k++], rlh_row_suppression(r));
            rl_value_set_text(&v[k++], r->triage);
            rl_value_set_text(&v[k++], r->triage_note);
        }
    }
}

/* "FILE:LINE:COL: note: TEXT" after a finding of the text report. */
static void rlh_text_note(FILE *out, const rl_finding *f, const char *text)
{
    if (f->nevents) {
        rl_out_safe(out, f->events[0].pos.file ? f->events[0].pos.file : "?");
        fprintf(out, ":%u:%u", f->events[0].pos.line, f->events[0].pos.col);
    } else {
        fputs("racelint", out);
    }
    fputs(": note: ", out);
    rl_out_safe(out, text);
    fputc('\n', out);
}

static void write_items_text(FILE *out, const item *items, size_t n, int64_t prev)
{
    for (size_t i = 0; i < n; i++) {
        rl_findings one = {items[i].f, 1, 1};
        rl_report_text(out, &one);
        char *note = NULL;
        if (strcmp(items[i].status, "new") == 0)
            note = prev ? rl_xasprintf("new: not in run %lld", (long long)prev) : rl_xstrdup("new: the first run");
        else if (strcmp(items[i].status, "fixed") == 0)
            note = rl_xasprintf("fixed: gone from run %lld", (long long)items[i].row->run_id);
        if (note) rlh_text_note(out, items[i].f, note);
        free(note);
    }
}

/* The JSON report document plus, in each finding, its id, run, status and
 * triage, and at the top the run it was compared with. */
static int write_items_json(FILE *out, const rl_run_info *run, const item *items, size_t n, int64_t prev)
{
    view v = {{0}};
    for (size_t i = 0; i < n; i++) view_add(&v, items[i].f);
    json_t *doc = rlh_report_json(run, &v.list);
    free(v.list.items);
    if (!doc) return -1;
    json_object_set_new(doc, "compared_with_run", prev ? json_integer(prev) : json_null());
    json_t *list = json_object_get(doc, "findings");
    for (size_t i = 0; i < n && i < json_array_size(list); i++) {
        json_t *f = json_array_get(list, i);
        const rl_finding_row *r = items[i].row;
        json_object_set_new(f, "id", json_integer(r->id));
        json_object_set_new(f, "run", json_integer(r->run_id));
        json_object_set_new(f, "status", json_string(items[i].status));
        json_object_set_new(f, "triage", rl_json_text(r->triage));
        json_object_set_new(f, "triage_note", rl_json_text(r->triage_note));
    }
    int rc = rl_out_json(out, doc);
    json_decref(doc);
    return rc;
}

/* The units of a run that did not parse cleanly, with their first
 * diagnostics: its findings may be missing what those units hold. */
static void report_unit_failures(rl_store *s, const rl_run_info *run)
{
    if (run->units_failed <= 0) return;
    rl_unit_status *units = NULL;
    size_t n = 0;
    rl_error err = {{0}};
    if (rl_store_load_units(s, run->id, &units, &n, &err) != 0) {
        rlh_error_msg(err.msg);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *phrase = rl_unit_status_phrase(units[i].status);
        if (!phrase) continue;
        fprintf(stderr, "racelint: run %lld: %s: %s\n", (long long)run->id, units[i].file, phrase);
        if (units[i].diagnostics) fprintf(stderr, "%s\n", units[i].diagnostics);
    }
    rl_units_free(units, n);
}

int rl_cmd_findings(const rl_hist_args *a)
{
    if (a->nargs) return rlh_usage("unexpected argument '%s'", a->args[0]);
    if (a->status && !status_valid(a->status))
        return rlh_usage("--status wants new, open, fixed or suppressed, not '%s'", a->status);
    /* A query succeeds whatever it lists; it is a gate only when asked. */
    fail_on gate = FAIL_ON_NONE;
    if (a->fail_on && rlh_parse_fail_on(a->fail_on, &gate) != 0)
        return rlh_usage("--fail-on wants new, any or none, not '%s'", a->fail_on);
    /* Formats of the check report this file does not write (SARIF...) go
     * to main.c's writer, which opens -o itself. */
    int delegate = a->format && rl_out_parse(a->format, 1) < 0;
    if (delegate && !a->write_report) {
        rlh_out_format(a, 1); /* says the format is unknown */
        return EXIT_USAGE;
    }
    output out = {stdout, {NULL, NULL, NULL}};
    if (!delegate && rlh_open_out(a->output, &out)) return EXIT_USAGE;
    int fmt = delegate ? RL_OUT_JSON : rlh_out_format(a, 1);
    rl_store *s = fmt < 0 ? NULL : rlh_open_for_reading(rlh_db_path(a));
    if (!s) {
        rlh_drop_out(&out);
        return EXIT_USAGE;
    }
    rl_error err = {{0}};
    rl_run_info run = {0};
    rl_finding_row *rows = NULL, *prows = NULL;
    size_t nrows = 0, nprows = 0;
    rl_findings findings = {0}, pfindings = {0};
    item *items = NULL;
    size_t nitems = 0;
    int rc = EXIT_USAGE;
    int fixed = a->status && strcmp(a->status, "fixed") == 0;
    int need_full = fmt == RL_OUT_TEXT || fmt == RL_OUT_JSON;

    int64_t id = rlh_resolve_run(s, a->run, "--run", &err);
    int64_t prev = id > 0 ? rl_store_previous_complete_run(s, id, &err) : -1;
    if (prev < 0 || rl_store_get_run(s, id, &run, &err)) goto fail;
    if (!fixed) {
        if (rl_store_finding_rows(s, id, prev, &rows, &nrows, &err)) goto fail;
        if (need_full && rl_store_load_findings(s, id, &findings, &err)) goto fail;
    } else if (prev > 0) {
        /* Fixed: in the run before, gone from this one. */
        if (rl_store_finding_rows(s, prev, id, &prows, &nprows, &err)) goto fail;
        if (need_full && rl_store_load_findings(s, prev, &pfindings, &err)) goto fail;
    }
    if (need_full && (findings.len != nrows || pfindings.len != nprows)) {
        rl_fail(&err, "database '%s' changed while it was read; try again", rlh_db_path(a));
        goto fail;
    }

    items = rl_xcalloc(nrows + nprows + 1, sizeof *items);
    for (size_t i = 0; i < nrows; i++) {
        const char *st = rlh_row_status(&rows[i]);
        if (a->status && strcmp(a->status, st) != 0) continue;
        if (a->rule && (!rows[i].rule || strcmp(a->rule, rows[i].rule) != 0)) continue;
        if (!file_matches(rows[i].file, a->file)) continue;
        item *it = &items[nitems++];
        it->row = &rows[i];
        it->f = need_full ? &findings.items[i] : NULL;
        it->status = st;
        if (it->f) rlh_apply_triage(it->f, it->row);
    }
    for (size_t i = 0; i < nprows; i++) {
        if (prows[i].in_other) continue;
        if (a->rule && (!prows[i].rule || strcmp(a->rule, prows[i].rule) != 0)) continue;
        if (!file_matches(prows[i].file, a->file)) continue;
        item *it = &items[nitems++];
        it->row = &prows[i];
        it->f = need_full ? &pfindings.items[i] : NULL;
        it->status = "fixed";
        if (it->f) rlh_apply_triage(it->f, it->row);
    }

    int wrote;
    if (delegate) {
        view v = {{0}};
        for (size_t i = 0; i < nitems; i++) view_add(&v, items[i].f);
        wrote = a->write_report(a->report_ctx, &run, &v.list);
        free(v.list.items);
        if (wrote == 1) {
            rlh_usage("unknown format '%s' (table, csv, json, text or a report format of racelint check)", a->format);
            goto done;
        }
    } else if (fmt == RL_OUT_TEXT) {
        write_items_text(out.f, items, nitems, prev);
        wrote = 0;
    } else if (fmt == RL_OUT_JSON) {
        wrote = write_items_json(out.f, &run, items, nitems, prev);
    } else {
        rl_table t;
        items_table(&t, items, nitems, fmt == RL_OUT_CSV);
        wrote = rl_out_write(out.f, (rl_out_format)fmt, &t);
        rl_table_free(&t);
    }
    int gated = 0, counts[sizeof statuses / sizeof *statuses] = {0};
    for (size_t i = 0; i < nitems; i++) {
        for (size_t k = 0; k < sizeof statuses / sizeof *statuses; k++)
            if (strcmp(items[i].status, statuses[k]) == 0) counts[k]++;
        int is_new = strcmp(items[i].status, "new") == 0;
        if (gate == FAIL_ON_NEW) gated += is_new;
        else if (gate == FAIL_ON_ANY) gated += is_new || strcmp(items[i].status, "open") == 0;
    }
    rc = gated ? EXIT_FINDINGS : EXIT_OK;
    if (rlh_finish_out(&out, wrote == 0)) rc = EXIT_USAGE;
    out.f = stdout;
    if (!a->quiet) {
        fprintf(stderr, "racelint: run %lld (%s): %zu finding%s", (long long)id, run.started_at ? run.started_at : "",
                nitems, nitems == 1 ? "" : "s");
        if (!fixed && prev)
            fprintf(stderr, " (%d new, %d open, %d suppressed; compared with run %lld)", counts[0], counts[1],
                    counts[3], (long long)prev);
        else if (!fixed)
            fprintf(stderr, " (%d new, %d suppressed; no earlier complete run)", counts[0], counts[3]);
        else if (prev)
            fprintf(stderr, " fixed since run %lld", (long long)prev);
        else
            fputs(" fixed (no earlier complete run to compare with)", stderr);
        fputc('\n', stderr);
        report_unit_failures(s, &run);
    }
    goto done;
fail:
    rlh_error_msg(err.msg);
    rlh_drop_out(&out);
done:
    free(items);
    rl_finding_rows_free(rows, nrows);
    rl_finding_rows_free(prows, nprows);
    rl_findings_free(&findings);
    rl_findings_free(&pfindings);
    rl_run_info_clear(&run);
    rl_store_close(s);
    return rc;
}

/* ------------------------------------------------------------------------
 * racelint diff */

int rl_cmd_diff(const rl_hist_args *a)
{
    if (a->nargs > 2) return rlh_usage("unexpected argument '%s' (diff takes at most two runs)", a->args[2]);
    output out;
    int fmt;
    rl_store *s = rlh_begin_listing(a, &out, &fmt);
    if (!s) return EXIT_USAGE;
    rl_error err = {{0}};
    rl_finding_row *arows = NULL, *brows = NULL;
    size_t na = 0, nb = 0;
    item *items = NULL;
    size_t nitems = 0;
    int rc = EXIT_USAGE;
    int64_t ra, rb;
    if (a->nargs == 2) {
        ra = rlh_resolve_run(s, a->args[0], "diff", &err);
        rb = ra > 0 ? rlh_resolve_run(s, a->args[1], "diff", &err) : -1;
    } else {
        rb = rlh_resolve_run(s, NULL, "diff", &err);
        if (a->nargs == 1) ra = rb > 0 ? rlh_resolve_run(s, a->args[0], "diff", &err) : -1;
        else ra = rb > 0 ? rl_store_previous_complete_run(s, rb, &err) : -1;
        if (ra == 0) {
            rl_fail(&err, "run %lld is the only complete run; diff needs two (or name them: racelint diff A B)",
                    (long long)rb);
            ra = -1;
        }
    }
    if (ra < 0 || rb < 0) goto fail;
    if (rl_store_finding_rows(s, rb, ra, &brows, &nb, &err) || rl_store_finding_rows(s, ra, rb, &arows, &na, &err))
        goto fail;

    /* new, then fixed, then still open */
    items = rl_xcalloc(na + nb + 1, sizeof *items);
    int nnew = 0, nfixed = 0, nopen = 0, nnew_unsuppressed = 0;
    for (size_t i = 0; i < nb; i++)
        if (!brows[i].in_other) {
            items[nitems++] = (item){&brows[i], NULL, "new"};
            nnew++;
            nnew_unsuppressed += !rlh_row_suppressed(&brows[i]);
        }
    for (size_t i = 0; i < na; i++)
        if (!arows[i].in_other) {
            items[nitems++] = (item){&arows[i], NULL, "fixed"};
            nfixed++;
        }
    for (size_t i = 0; i < nb; i++)
        if (brows[i].in_other) {
            items[nitems++] = (item){&brows[i], NULL, "open"};
            nopen++;
        }

    int wrote;
    if (fmt == RL_OUT_JSON) {
        json_t *doc = json_object();
        json_object_set_new(doc, "from_run", json_integer(ra));
        json_object_set_new(doc, "to_run", json_integer(rb));
        json_object_set_new(doc, "new", json_integer(nnew));
        json_object_set_new(doc, "fixed", json_integer(nfixed));
        json_object_set_new(doc, "open", json_integer(nopen));
        rl_table t;
        items_table(&t, items, nitems, 1);
        free(t.cols[2]);
        t.cols[2] = rl_xstrdup("change");
        json_t *list = rl_out_table_json(&t);
        rl_table_free(&t);
        /* "status" says new/fixed/open; "suppressed" says whether it counts */
        for (size_t i = 0; i < nitems; i++)
            json_object_set_new(json_array_get(list, i), "suppressed", json_boolean(rlh_row_suppressed(items[i].row)));
        json_object_set_new(doc, "findings", list);
        wrote = rl_out_json(out.f, doc);
        json_decref(doc);
    } else {
        rl_table t;
        if (fmt == RL_OUT_TABLE) {
            static const char *const cols[] = {"change", "id", "rule", "position", "location", "message",
                                               "fingerprint", "suppressed"};
            rl_table_init(&t, sizeof cols / sizeof *cols, cols);
            for (size_t i = 0; i < nitems; i++) {
                const rl_finding_row *r = items[i].row;
                rl_value *v = rl_table_add_row(&t);
                rl_value_set_text(&v[0], items[i].status);
                rl_value_set_int(&v[1], r->id);
                rl_value_set_text(&v[2], r->rule);
                rl_value_take_text(&v[3], rlh_position_text(r->file, r->line, r->col));
                rl_value_set_text(&v[4], r->location);
                rl_value_set_text(&v[5], r->message);
                rl_value_set_text(&v[6], r->fingerprint);
                rl_value_take_text(&v[7], rlh_row_suppression(r));
            }
        } else {
            items_table(&t, items, nitems, 1);
            free(t.cols[2]);
            t.cols[2] = rl_xstrdup("change");
        }
        wrote = rl_out_write(out.f, (rl_out_format)fmt, &t);
        rl_table_free(&t);
    }
    rc = nnew_unsuppressed ? EXIT_FINDINGS : EXIT_OK;
    if (rlh_finish_out(&out, wrote == 0)) rc = EXIT_USAGE;
    out.f = stdout;
    if (!a->quiet)
        fprintf(stderr, "racelint: run %lld -> run %lld: %d new, %d fixed, %d still open\n", (long long)ra,
                (long long)rb, nnew, nfixed, nopen);
    goto done;
fail:
    rlh_error_msg(err.msg);
    rlh_drop_out(&out);
done:
    free(items);
    rl_finding_rows_free(arows, na);
    rl_finding_rows_free(brows, nb);
    rl_store_close(s);
    return rc;
}

/* ------------------------------------------------------------------------
 * racelint show */

typedef struct seen {
    int64_t first_run, last_run, runs;
    char *first_at, *last_at;
    int64_t latest_complete;
    int in_latest;
} seen;

static int load_seen(rl_store *s, const char *fp, seen *out, rl_error *err)
{
    memset(out, 0, sizeof *out);
    rl_finding_row *rows;
    size_t n;
    if (rl_store_fingerprint_history(s, fp, &rows, &n, err)) return -1;
    int64_t last = -1;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].run_id == last) continue;
        last = rows[i].run_id;
        out->runs++;
        if (!out->first_run) {
            out->first_run = rows[i].run_id;
            out->first_at = rl_xstrdup(rows[i].run_started_at ? rows[i].run_started_at : "");
        }
        out->last_run = rows[i].run_id;
        free(out->last_at);
        out->last_at = rl_xstrdup(rows[i].run_started_at ? rows[i].run_started_at : "");
    }
    rl_finding_rows_free(rows, n);
    out->latest_complete = rl_store_latest_complete_run(s, err);
    out->in_latest = out->latest_complete > 0 && out->last_run == out->latest_complete;
    return out->latest_complete < 0 ? -1 : 0;
}

static void seen_clear(seen *x)
{
    free(x->first_at);
    free(x->last_at);
}

/* The source lines of one event: as stored with the run, else read now. */
static char *event_source(const rl_event *ev, const rl_source_context *ctx, unsigned *first, int *read_now)
{
    *read_now = 0;
    if (ctx && ctx->text) {
        *first = ctx->first_line;
        return rl_xstrdup(ctx->text);
    }
    if (!ev->pos.file || ev->pos.line == 0) return NULL;
    unsigned lo = ev->pos.line > RL_CONTEXT_LINES ? ev->pos.line - RL_CONTEXT_LINES : 1;
    char *text = rl_read_source_lines(ev->pos.file, lo, ev->pos.line + RL_CONTEXT_LINES);
    if (!text) return NULL;
    *first = lo;
    *read_now = 1;
    return text;
}

static void label(FILE *out, const char *name, const char *value)
{
    if (!value) return;
    fprintf(out, "  %-12s ", name);
    rl_out_safe(out, value);
    fputc('\n', out);
}

static void show_text(FILE *out, const rl_finding *f, const rl_finding_row *r, const rl_source_context *ctx,
                      const seen *sn, const rl_triage *log, size_t nlog, const char *status)
{
    fprintf(out, "finding %lld in run %lld (", (long long)r->id, (long long)r->run_id);
    rl_out_safe(out, r->run_started_at);
    fputs(")\n", out);
    label(out, "fingerprint", r->fingerprint);
    char *rule = rl_xasprintf("%s (%s)", r->rule ? r->rule : "?", r->severity ? r->severity : "?");
    label(out, "rule", rule);
    free(rule);
    label(out, "message", r->message);
    label(out, "location", r->location);
    label(out, "status", status);
    char *why = rlh_row_suppression(r);
    label(out, "suppressed", why);
    free(why);
    char *first = rl_xasprintf("run %lld (%s)", (long long)sn->first_run, sn->first_at ? sn->first_at : "");
    char *last = rl_xasprintf("run %lld (%s)%s", (long long)sn->last_run, sn->last_at ? sn->last_at : "",
                              sn->in_latest ? ", the latest run" : "");
    char *count = rl_xasprintf("%lld run%s", (long long)sn->runs, sn->runs == 1 ? "" : "s");
    label(out, "first seen", first);
    label(out, "last seen", last);
    label(out, "seen in", count);
    free(first);
    free(last);
    free(count);
    if (!sn->in_latest && sn->latest_complete > sn->last_run) {
        char *gone = rl_xasprintf("not in the latest complete run (%lld): fixed, or its code is gone",
                                  (long long)sn->latest_complete);
        label(out, "now", gone);
        free(gone);
    }
    label(out, "hint", r->hint);
    for (size_t i = 0; i < nlog; i++) {
        char *t = rl_xasprintf("%s%s%s by %s at %s", log[i].decision, log[i].note && *log[i].note ? ": " : "",
                               log[i].note ? log[i].note : "", log[i].author ? log[i].author : "?",
                               log[i].decided_at ? log[i].decided_at : "?");
        label(out, i + 1 == nlog ? "triage" : "earlier", t);
        free(t);
    }

    for (size_t e = 0; e < f->nevents; e++) {
        const rl_event *ev = &f->events[e];
        fprintf(out, "\naccess %zu of %zu: ", e + 1, f->nevents);
        rl_out_safe(out, ev->kind ? ev->kind : "access");
        fputs(" of '", out);
        rl_out_safe(out, ev->what);
        fputs("' in thread '", out);
        rl_out_safe(out, ev->thread);
        fputc('\'', out);
        if (ev->spawn.line > 0) {
            fputs(" (spawned at ", out);
            rl_out_safe(out, ev->spawn.file);
            fprintf(out, ":%u:%u%s)", ev->spawn.line, ev->spawn.col, ev->multi_instance ? ", several instances" : "");
        }
        fputs("\n  at ", out);
        rl_out_safe(out, ev->pos.file);
        fprintf(out, ":%u:%u in ", ev->pos.line, ev->pos.col);
        rl_out_safe(out, ev->function);
        if (ev->nlocks == 0) fputs(", holding no locks", out);
        for (size_t k = 0; k < ev->nlocks; k++) {
            fputs(k ? ", '" : ", holding '", out);
            rl_out_safe(out, ev->locks[k]);
            fputc('\'', out);
        }
        fputs("\n  trace:\n", out);
        for (size_t k = 0; k < ev->nchain; k++) {
            fprintf(out, "    %s", k ? "-> " : "");
            rl_out_safe(out, ev->chain[k].function);
            fputs(k ? " called at " : " defined at ", out);
            rl_out_safe(out, ev->chain[k].site.file);
            fprintf(out, ":%u:%u\n", ev->chain[k].site.line, ev->chain[k].site.col);
        }
        unsigned line;
        int read_now;
        char *src = event_source(ev, ctx ? &ctx[e] : NULL, &line, &read_now);
        if (!src) {
            fputs("  source: not available\n", out);
            continue;
        }
        fprintf(out, "  source%s:\n", read_now ? " (read now; the file may have changed since the run)" : "");
        for (char *p = src, *nl; p; p = nl ? nl + 1 : NULL, line++) {
            nl = strchr(p, '\n');
            if (nl) *nl = '\0';
            fprintf(out, "  %s %5u | ", line == ev->pos.line ? ">" : " ", line);
            rl_out_safe(out, p);
            fputc('\n', out);
        }
        free(src);
    }
}

static json_t *show_json(const rl_finding *f, const rl_finding_row *r, const rl_run_info *run,
                         const rl_source_context *ctx, const seen *sn, const rl_triage *log, size_t nlog,
                         const char *status)
{
    rl_findings one = {(rl_finding *)f, 1, 1};
    json_t *doc = rlh_report_json(run, &one);
    json_t *obj = json_incref(json_array_get(json_object_get(doc, "findings"), 0));
    json_decref(doc);
    if (!obj) obj = json_object();
    json_object_set_new(obj, "id", json_integer(r->id));
    json_object_set_new(obj, "run", json_integer(r->run_id));
    json_object_set_new(obj, "run_started_at", rl_json_text(r->run_started_at));
    json_object_set_new(obj, "status", json_string(status));
    char *why = rlh_row_suppression(r);
    json_object_set_new(obj, "suppressed", json_boolean(why != NULL));
    json_object_set_new(obj, "suppression", rl_json_text(why));
    free(why);
    json_object_set_new(obj, "first_seen_run", json_integer(sn->first_run));
    json_object_set_new(obj, "first_seen_at", rl_json_text(sn->first_at));
    json_object_set_new(obj, "last_seen_run", json_integer(sn->last_run));
    json_object_set_new(obj, "last_seen_at", rl_json_text(sn->last_at));
    json_object_set_new(obj, "runs_seen", json_integer(sn->runs));
    json_object_set_new(obj, "in_latest_run", json_boolean(sn->in_latest));
    json_t *tl = json_array();
    for (size_t i = 0; i < nlog; i++) {
        json_t *t = json_object();
        json_object_set_new(t, "decision", rl_json_text(log[i].decision));
        json_object_set_new(t, "note", rl_json_text(log[i].note));
        json_object_set_new(t, "author", rl_json_text(log[i].author));
        json_object_set_new(t, "decided_at", rl_json_text(log[i].decided_at));
        json_array_append_new(tl, t);
    }
    json_object_set_new(obj, "triage", nlog ? json_incref(json_array_get(tl, nlog - 1)) : json_null());
    json_object_set_new(obj, "triage_log", tl);
    json_t *events = json_object_get(obj, "events");
    for (size_t e = 0; e < f->nevents && e < json_array_size(events); e++) {
        unsigned line;
        int read_now;
        char *src = event_source(&f->events[e], ctx ? &ctx[e] : NULL, &line, &read_now);
        json_t *c = json_null();
        if (src) {
            c = json_object();
            json_object_set_new(c, "first_line", json_integer(line));
            json_t *lines = json_array();
            for (char *p = src, *nl; p; p = nl ? nl + 1 : NULL) {
                nl = strchr(p, '\n');
                if (nl) *nl = '\0';
                json_array_append_new(lines, rl_json_text(p));
            }
            json_object_set_new(c, "lines", lines);
            json_object_set_new(c, "read_now", json_boolean(read_now));
            free(src);
        }
        json_object_set_new(json_array_get(events, e), "source", c);
    }
    return obj;
}

/* Flattens JSON into (field, value) rows: "events.0.file" -> "a.c". */
static void flatten(rl_table *t, const char *prefix, json_t *v)
{
    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        json_object_foreach(v, key, child) {
            char *name = *prefix ? rl_xasprintf("%s.%s", prefix, key) : rl_xstrdup(key);
            flatten(t, name, child);
            free(name);
        }
        return;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *child;
        json_array_foreach(v, i, child) {
            char *name = rl_xasprintf("%s.%zu", prefix, i);
            flatten(t, name, child);
            free(name);
        }
        return;
    }
    rl_value *row = rl_table_add_row(t);
    rl_value_set_text(&row[0], prefix);
    if (json_is_string(v)) rl_value_set_text(&row[1], json_string_value(v));
    else if (json_is_integer(v)) rl_value_set_int(&row[1], json_integer_value(v));
    else if (json_is_real(v)) rl_value_set_real(&row[1], json_real_value(v));
    else if (json_is_boolean(v)) rl_value_set_bool(&row[1], json_is_true(v));
}

int rl_cmd_show(const rl_hist_args *a)
{
    if (a->nargs != 1) return rlh_usage("%s", "show wants one finding: an id or a fingerprint");
    output out;
    int fmt;
    rl_store *s = rlh_begin_listing(a, &out, &fmt);
    if (!s) return EXIT_USAGE;
    rl_error err = {{0}};
    int64_t id;
    char fp[FINGERPRINT_HEX + 1];
    rl_findings list = {0};
    rl_finding_row row = {0};
    rl_source_context *ctx = NULL;
    rl_triage *log = NULL;
    size_t nlog = 0;
    seen sn = {0};
    rl_run_info run = {0};
    int rc = EXIT_USAGE;
    if (rl_store_resolve_finding(s, a->args[0], &id, fp, &err) || rl_store_load_finding(s, id, &list, &row, &ctx, &err) ||
        rl_store_get_run(s, row.run_id, &run, &err) || rl_store_load_triage(s, fp, &log, &nlog, &err) ||
        load_seen(s, fp, &sn, &err)) {
        rlh_error_msg(err.msg);
        rlh_drop_out(&out);
        goto done;
    }
    int64_t prev = rl_store_previous_complete_run(s, row.run_id, &err);
    rl_finding_row *other = NULL;
    size_t nother = 0;
    /* new or open: was the fingerprint in the complete run before? */
    if (prev > 0 && rl_store_finding_rows(s, row.run_id, prev, &other, &nother, &err) == 0)
        for (size_t i = 0; i < nother; i++)
            if (other[i].id == row.id) row.in_other = other[i].in_other;
    rl_finding_rows_free(other, nother);
    const char *status = rlh_row_status(&row);
    rl_finding *f = &list.items[0];
    rlh_apply_triage(f, &row);
    int wrote;
    if (fmt == RL_OUT_TABLE) {
        show_text(out.f, f, &row, ctx, &sn, log, nlog, status);
        wrote = 0;
    } else {
        json_t *obj = show_json(f, &row, &run, ctx, &sn, log, nlog, status);
        if (fmt == RL_OUT_JSON) {
            wrote = rl_out_json(out.f, obj);
        } else {
            static const char *const cols[] = {"field", "value"};
            rl_table t;
            rl_table_init(&t, 2, cols);
            flatten(&t, "", obj);
            wrote = rl_out_write(out.f, RL_OUT_CSV, &t);
            rl_table_free(&t);
        }
        json_decref(obj);
    }
    rc = rlh_finish_out(&out, wrote == 0) == 0 ? EXIT_OK : EXIT_USAGE;
done:
    rl_source_contexts_free(ctx, list.len ? list.items[0].nevents : 0);
    rl_findings_free(&list);
    rl_finding_row_clear(&row);
    rl_triage_free(log, nlog);
    seen_clear(&sn);
    rl_run_info_clear(&run);
    rl_store_close(s);
    return rc;
}

/* ------------------------------------------------------------------------
 * racelint history */

int rl_cmd_history(const rl_hist_args *a)
{
    if (a->nargs != 1) return rlh_usage("%s", "history wants one fingerprint (or a finding id)");
    output out;
    int fmt;
    rl_store *s = rlh_begin_listing(a, &out, &fmt);
    if (!s) return EXIT_USAGE;
    rl_error err = {{0}};
    int64_t id;
    char fp[FINGERPRINT_HEX + 1];
    rl_finding_row *rows = NULL;
    size_t n = 0;
    int rc = EXIT_USAGE;
    seen sn = {0};
    if (rl_store_resolve_finding(s, a->args[0], &id, fp, &err) || rl_store_fingerprint_history(s, fp, &rows, &n, &err) ||
        load_seen(s, fp, &sn, &err)) {
        rlh_error_msg(err.msg);
        rlh_drop_out(&out);
        goto done;
    }
    rl_table t;
    int wide = fmt != RL_OUT_TABLE;
    if (!wide) {
        static const char *const cols[] = {"run", "time", "tree", "finding", "status", "position", "message"};
        rl_table_init(&t, sizeof cols / sizeof *cols, cols);
    } else {
        static const char *const cols[] = {"run",  "started_at", "git_revision", "git_dirty", "finding", "status",
                                           "file", "line",       "col",          "message",   "suppression"};
        rl_table_init(&t, sizeof cols / sizeof *cols, cols);
    }
    int64_t prev_seen = 0;
    for (size_t i = 0; i < n; i++) {
        const rl_finding_row *r = &rows[i];
        /* new when the complete run before this one did not have it */
        int64_t before = rl_store_previous_complete_run(s, r->run_id, &err);
        const char *status = rlh_row_suppressed(r) ? "suppressed" : before > 0 && before == prev_seen ? "open" : "new";
        if (r->run_id == prev_seen) status = rlh_row_suppressed(r) ? "suppressed" : "open";
        prev_seen = r->run_id;
        rl_value *v = rl_table_add_row(&t);
        int k = 0;
        rl_value_set_int(&v[k++], r->run_id);
        rl_value_set_text(&v[k++], r->run_started_at);
        if (!wide) {
            rl_value_take_text(&v[k++], rlh_tree_text(r->run_git_revision, r->run_git_dirty == 1, r->run_git_dirty < 0));
        } else {
            rl_value_set_text(&v[k++], r->run_git_revision);
            if (r->run_git_revision && r->run_git_dirty >= 0) rl_value_set_bool(&v[k], r->run_git_dirty);
            k++;
        }
        rl_value_set_int(&v[k++], r->id);
        rl_value_set_text(&v[k++], status);
        if (!wide) {
            rl_value_take_text(&v[k++], rlh_position_text(r->file, r->line, r->col));
        } else {
            rl_value_set_text(&v[k++], r->file);
            if (r->file) rl_value_set_int(&v[k], r->line);
            k++;
            if (r->file) rl_value_set_int(&v[k], r->col);
            k++;
        }
        rl_value_set_text(&v[k++], r->message);
        if (wide) rl_value_take_text(&v[k++], rlh_row_suppression(r));
    }
    int wrote = rl_out_write(out.f, (rl_out_format)fmt, &t);
    rl_table_free(&t);
    rc = rlh_finish_out(&out, wrote == 0) == 0 ? EXIT_OK : EXIT_USAGE;
    if (!a->quiet) {
        fprintf(stderr, "racelint: %s: in %lld run%s, first run %lld, last run %lld", fp, (long long)sn.runs,
                sn.runs == 1 ? "" : "s", (long long)sn.first_run, (long long)sn.last_run);
        if (sn.in_latest) fputs(" (the latest complete run)", stderr);
        else if (sn.latest_complete > sn.last_run)
            fprintf(stderr, "; not in the latest complete run %lld", (long long)sn.latest_complete);
        fputc('\n', stderr);
    }
done:
    seen_clear(&sn);
    rl_finding_rows_free(rows, n);
    rl_store_close(s);
    return rc;
}

/* ------------------------------------------------------------------------
 * racelint sql */

int rl_cmd_sql(const rl_hist_args *a)
{
    if (a->nargs < 1) return rlh_usage("%s", "sql wants a query, e.g. racelint sql 'SELECT count(*) FROM runs'");
    long max_rows = a->max_rows ? a->max_rows : SQL_DEFAULT_MAX_ROWS;
    if (max_rows < 1 || max_rows > SQL_MAX_MAX_ROWS) return rlh_usage("%s", "--max-rows wants a number from 1 to 10000000");
    output out;
    int fmt;
    rl_store *s = rlh_begin_listing(a, &out, &fmt);
    if (!s) return EXIT_USAGE;
    /* The words of an unquoted query, joined again. */
    rl_strbuf q = RL_STRBUF_INIT;
    for (int i = 0; i < a->nargs; i++) {
        if (i) rl_sb_appendc(&q, ' ');
        rl_sb_append(&q, a->args[i]);
    }
    rl_error err = {{0}};
    rl_table t;
    int truncated, rc;
    if (rl_store_sql(s, rl_sb_str(&q), (size_t)max_rows, 0, &t, &truncated, &err)) {
        rlh_error_msg(err.msg);
        rlh_drop_out(&out);
        rc = EXIT_USAGE;
    } else {
        int wrote = rl_out_write(out.f, (rl_out_format)fmt, &t);
        rc = rlh_finish_out(&out, wrote == 0) == 0 ? EXIT_OK : EXIT_USAGE;
        if (truncated)
            fprintf(stderr, "racelint: warning: output cut at %ld rows (--max-rows); use LIMIT and OFFSET for more\n",
                    max_rows);
        rl_table_free(&t);
    }
    rl_sb_free(&q);
    rl_store_close(s);
    return rc;
}

/* ------------------------------------------------------------------------
 * racelint triage */

static char *login_name(void)
{
    const char *user = getenv("USER");
    if (user && *user) return rl_xstrdup(user);
    struct passwd *pw = getpwuid(getuid());
    if (pw && pw->pw_name) return rl_xstrdup(pw->pw_name);
    return rl_xasprintf("uid %ld", (long)getuid());
}

int rl_cmd_triage(const rl_hist_args *a)
{
    if (a->nargs != 2)
        return rlh_usage("%s", "triage wants a finding and a decision: racelint triage FINDING "
                           "false-positive|intended|confirmed --note TEXT");
    const char *decision = a->args[1];
    if (!rl_triage_decision_valid(decision))
        return rlh_usage("unknown decision '%s' (false-positive, intended or confirmed)", decision);
    const char *path = rlh_db_path(a);
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "racelint: error: no findings database at '%s'; run 'racelint check' first or pass --db\n",
                path);
        return EXIT_USAGE;
    }
    rl_error err = {{0}};
    rl_store *s = rl_store_open(path, RL_STORE_WRITE, &err);
    if (!s) return rlh_error_msg(err.msg);
    int64_t id;
    char fp[FINGERPRINT_HEX + 1];
    rl_findings list = {0};
    rl_finding_row row = {0};
    rl_source_context *ctx = NULL;
    int rc = EXIT_USAGE;
    if (rl_store_resolve_finding(s, a->args[0], &id, fp, &err) ||
        rl_store_load_finding(s, id, &list, &row, &ctx, &err)) {
        rlh_error_msg(err.msg);
    } else {
        rl_triage t = {0};
        t.fingerprint = fp;
        t.decision = (char *)decision;
        t.note = (char *)a->note;
        t.decided_at = rl_iso_now();
        t.author = login_name();
        t.run_id = row.run_id;
        if (rl_store_add_triage(s, &t, &err)) {
            rlh_error_msg(err.msg);
        } else {
            rc = EXIT_OK;
            if (!a->quiet)
                fprintf(stderr, "racelint: %s (%s) is now %s%s\n", fp, row.message ? row.message : "", decision,
                        rl_triage_suppresses(decision) ? ": shown suppressed, and recorded suppressed by later runs"
                                                       : ": it counts as a real finding");
        }
        free(t.decided_at);
        free(t.author);
    }
    rl_source_contexts_free(ctx, list.len ? list.items[0].nevents : 0);
    rl_findings_free(&list);
    rl_finding_row_clear(&row);
    rl_store_close(s);
    return rc;
}

/* ------------------------------------------------------------------------
 * racelint check: run lifecycle, signals, suppressions, baselines. */

/* Where the run is, for the signal watcher. */
typedef enum phase { PHASE_BEGIN, PHASE_ANALYSING, PHASE_RECORDING, PHASE_DONE, PHASE_STOPPING } phase;

struct rl_check_hist {
    fail_on fail;
    int have_baseline;
    char *baseline_desc;        /* "run 5", "file base.json" */
    rl_baseline base;
    rl_triage *triage;          /* current decisions, sorted by fingerprint */
    size_t ntriage;
    /* after prepare */
    const rl_findings *findings;
    unsigned char *is_new;
    rl_source_context **contexts;
    size_t nnew, nsuppressed;
    /* the signal watcher */
    int watching;
    pthread_t watcher;
    pthread_mutex_t mu;
    phase phase;
    sigset_t blocked, old_mask;
    sem_t parked;               /* posted once the watcher waits in sigwait */
    int late_signal;            /* arrived while recording */
    rl_store *store;
    int64_t run_id, run_files; /* copied: the main thread keeps writing *run */
    long long t0;
};

/* A baseline run of an open store. */
static int baseline_from_run(rl_check_hist *h, rl_store *s, int64_t id, rl_error *err)
{
    rl_run_info run;
    if (rl_store_get_run(s, id, &run, err)) return -1;
    int complete = run.status && strcmp(run.status, "complete") == 0;
    if (!complete) {
        rl_fail(err, "baseline run %lld is %s, not complete: it has no findings to compare with", (long long)id,
                run.status ? run.status : "?");
        rl_run_info_clear(&run);
        return -1;
    }
    rl_run_info_clear(&run);
    if (rl_store_run_fingerprints(s, id, &h->base.fps, &h->base.nfps, err)) return -1;
    return rl_store_load_findings(s, id, &h->base.findings, err);
}

static int baseline_from_file(rl_check_hist *h, const char *path, rl_error *err)
{
    /* A FIFO or a device would block or never end: regular files only. */
    rl_error why = {{0}};
    int fd = rl_open_regular(path, &why);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return rl_fail(err, "cannot read the baseline: %s", why.msg[0] ? why.msg : strerror(errno));
    }
    char magic[16] = {0};
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    if (got == sizeof magic && memcmp(magic, "SQLite format 3", 16) == 0) {
        /* Another findings database (a CI cache): its latest complete run. */
        rl_store *s = rl_store_open(path, RL_STORE_READ_ONLY, err);
        if (!s) return -1;
        int64_t id = rl_store_latest_complete_run(s, err);
        int rc = id <= 0 ? (id == 0 ? rl_fail(err, "baseline database '%s' has no complete run", path) : -1)
                         : baseline_from_run(h, s, id, err);
        rl_store_close(s);
        if (rc == 0) h->baseline_desc = rl_xasprintf("run %lld of %s", (long long)id, path);
        return rc;
    }
    /* A report, a SARIF log or a list of fingerprints (model/baseline.c). */
    char *text;
    size_t len;
    if (rl_read_file(path, RL_BASELINE_MAX_BYTES, "a baseline", &text, &len, err) < 0) return -1;
    int rc = rl_baseline_parse(&h->base, path, text, len, err);
    free(text);
    if (rc == 0) h->baseline_desc = rl_xasprintf("file %s", path);
    return rc;
}

static int load_baseline(rl_check_hist *h, const rl_check_args *args, rl_store *store, rl_error *err)
{
    const char *spec = args->baseline;
    h->have_baseline = 1;
    int is_run = strcmp(spec, "latest") == 0;
    if (!is_run) {
        is_run = 1;
        for (const char *p = spec; *p; p++)
            if (*p < '0' || *p > '9') is_run = 0;
        if (!*spec) return rl_fail(err, "--baseline wants 'latest', a run number or a file");
    }
    if (!is_run) return baseline_from_file(h, spec, err);
    rl_store *s = store;
    if (!s) {
        if (access(args->db, F_OK) != 0)
            return rl_fail(err, "--baseline %s needs the findings database, and there is none at '%s'", spec, args->db);
        s = rl_store_open(args->db, RL_STORE_READ, err);
        if (!s) return -1;
    }
    int rc = 0;
    int64_t id;
    if (strcmp(spec, "latest") == 0) {
        id = rl_store_latest_complete_run(s, err);
        if (id == 0) {
            fprintf(stderr, "racelint: warning: --baseline latest: the database has no complete run yet;"
                            " every finding is new\n");
            h->baseline_desc = rl_xstrdup("latest (none yet)");
        }
    } else {
        errno = 0;
        id = strtoll(spec, NULL, 10);
        if (errno || id <= 0) rc = rl_fail(err, "--baseline wants 'latest', a run number or a file, not '%s'", spec);
    }
    if (rc == 0 && id < 0) rc = -1;
    if (rc == 0 && id > 0) {
        rc = baseline_from_run(h, s, id, err);
        if (rc == 0) h->baseline_desc = rl_xasprintf("run %lld", (long long)id);
    }
    if (s != store) rl_store_close(s);
    return rc;
}

static int cmp_triage(const void *a, const void *b)
{
    return strcmp(((const rl_triage *)a)->fingerprint, ((const rl_triage *)b)->fingerprint);
}

/* The current triage decisions, from the store or (with --no-db) from the
 * database when it exists. */
static int load_triage(rl_check_hist *h, const rl_check_args *args, rl_store *store, rl_error *err)
{
    rl_store *s = store;
    if (!s) {
        if (!args->db || access(args->db, F_OK) != 0) return 0;
        rl_error ignored;
        s = rl_store_open(args->db, RL_STORE_READ, &ignored);
        if (!s) return 0; /* --no-db: an unusable database is not our business */
    }
    int rc = rl_store_load_triage(s, NULL, &h->triage, &h->ntriage, err);
    if (s != store) rl_store_close(s);
    if (rc == 0 && h->ntriage > 1) qsort(h->triage, h->ntriage, sizeof *h->triage, cmp_triage);
    return rc;
}

static void *watch_signals(void *arg)
{
    rl_check_hist *h = arg;
    sem_post(&h->parked);
    for (;;) {
        int sig;
        if (sigwait(&h->blocked, &sig) != 0) continue;
        pthread_mutex_lock(&h->mu);
        if (h->phase == PHASE_STOPPING) {
            pthread_mutex_unlock(&h->mu);
            return NULL;
        }
        if (h->phase == PHASE_RECORDING || h->phase == PHASE_DONE) {
            /* Too late to stop: the run is being written. Finish it. */
            h->late_signal = sig;
            pthread_mutex_unlock(&h->mu);
            continue;
        }
        /* Still analysing: record the run as interrupted and stop here.
         * The mutex stays held: the main thread never touches the store
         * again. */
        if (h->store && h->run_id > 0) {
            rl_run_info r;
            memset(&r, 0, sizeof r);
            r.id = h->run_id;
            r.files = h->run_files;
            r.status = "interrupted";
            char *now = rl_iso_now();
            r.finished_at = now;
            r.duration_ms = rl_now_ms() - h->t0;
            rl_error err = {{0}};
            if (rl_store_end_run(h->store, &r, &err) == 0)
                fprintf(stderr, "racelint: interrupted; run %lld recorded as interrupted\n", (long long)r.id);
            else
                fprintf(stderr, "racelint: interrupted; %s\n", err.msg);
            free(now);
        } else {
            fprintf(stderr, "racelint: interrupted\n");
        }
        _exit(EXIT_SIGNAL_BASE + sig);
    }
}

rl_check_hist *rl_hist_check_begin(const rl_check_args *args, rl_store *store, rl_run_info *run, rl_error *err)
{
    rl_check_hist *h = rl_xcalloc(1, sizeof *h);
    h->t0 = rl_now_ms();
    h->fail = FAIL_ON_ANY;
    pthread_mutex_init(&h->mu, NULL);
    if (args->format && rl_format_parse(args->format) < 0) {
        rl_fail(err, "check writes its report as text, json, sarif or codequality, not '%s'", args->format);
        goto fail;
    }
    if (args->baseline) {
        h->fail = FAIL_ON_NEW;
        if (load_baseline(h, args, store, err)) goto fail;
        free(run->baseline);
        run->baseline = rl_xstrdup(h->baseline_desc);
    }
    if (args->fail_on && rlh_parse_fail_on(args->fail_on, &h->fail) != 0) {
        rl_fail(err, "--fail-on wants new, any or none, not '%s'", args->fail_on);
        goto fail;
    }
    if (load_triage(h, args, store, err)) goto fail;

    /* Who makes the run. */
    run->pid = (int64_t)getpid();
    char host[HOST_NAME_BYTES];
    if (gethostname(host, sizeof host) == 0) {
        host[sizeof host - 1] = '\0';
        free(run->host);
        run->host = rl_xstrdup(host);
    }
    if (!store) return h;

    /* From here on SIGINT and SIGTERM go to the watcher (threads started
     * later, the parser's workers included, inherit the mask). */
    h->store = store;
    sigemptyset(&h->blocked);
    sigaddset(&h->blocked, SIGINT);
    sigaddset(&h->blocked, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &h->blocked, &h->old_mask);
    /* The parser's workers are forked later. A thread that is still
     * starting when the process forks may hold a lock of the C library or of
     * a sanitizer runtime, and the child inherits it held: its first
     * pthread_create then waits forever (seen as a parse hanging until
     * --unit-timeout under load). So wait until the watcher is parked. */
    sem_init(&h->parked, 0, 0);
    h->watching = pthread_create(&h->watcher, NULL, watch_signals, h) == 0;
    if (h->watching) {
        while (sem_wait(&h->parked) != 0 && errno == EINTR) {
        }
    } else {
        pthread_sigmask(SIG_SETMASK, &h->old_mask, NULL);
    }

    pthread_mutex_lock(&h->mu);
    char *status = run->status;
    run->status = "running";
    int rc = rl_store_begin_run(store, run, err);
    run->status = status;
    h->run_id = run->id;
    h->run_files = run->files;
    h->phase = PHASE_ANALYSING;
    pthread_mutex_unlock(&h->mu);
    if (rc) {
        rl_hist_check_end(h, 0);
        return NULL;
    }
    return h;
fail:
    rl_hist_check_end(h, 0);
    return NULL;
}

typedef struct dup_ref {
    rl_finding *f;
} dup_ref;

static int cmp_position(const rl_position *a, const rl_position *b)
{
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (c) return c;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    return a->col < b->col ? -1 : a->col > b->col;
}

/* Same fingerprint first, then every event's position in order: so the
 * k-th of several findings sharing a fingerprint is always the same one. */
static int cmp_dup(const void *x, const void *y)
{
    const rl_finding *a = ((const dup_ref *)x)->f, *b = ((const dup_ref *)y)->f;
    int c = strcmp(a->fingerprint, b->fingerprint);
    if (c) return c;
    for (size_t i = 0; i < a->nevents && i < b->nevents; i++) {
        c = cmp_position(&a->events[i].pos, &b->events[i].pos);
        if (c) return c;
    }
    return a->nevents < b->nevents ? -1 : a->nevents > b->nevents;
}

/* Two findings of one run with one fingerprint (two sites of the same
 * kind in the same functions) would be one in the history: the second and
 * later, in source order, get a fingerprint derived from the first and
 * their rank. Moving code keeps the order, so the fingerprints stay. */
static void unique_fingerprints(rl_findings *list)
{
    if (list->len < 2) return;
    dup_ref *refs = rl_xcalloc(list->len, sizeof *refs);
    for (size_t i = 0; i < list->len; i++) refs[i].f = &list->items[i];
    qsort(refs, list->len, sizeof *refs, cmp_dup);
    for (size_t i = 0; i < list->len;) {
        size_t j = i + 1;
        while (j < list->len && strcmp(refs[j].f->fingerprint, refs[i].f->fingerprint) == 0) j++;
        for (size_t k = i + 1; k < j; k++) {
            char key[FINGERPRINT_HEX + 32];
            int n = snprintf(key, sizeof key, "%s#%zu", refs[i].f->fingerprint, k - i);
            uint64_t hash = rl_hash_bytes(key, (size_t)n, 0);
            snprintf(refs[k].f->fingerprint, sizeof refs[k].f->fingerprint, "%016llx", (unsigned long long)hash);
        }
        i = j;
    }
    free(refs);
}

int rl_hist_check_prepare(rl_check_hist *h, rl_findings *findings)
{
    unique_fingerprints(findings);
    rl_suppress_scan(findings, &h->contexts);
    h->findings = findings;
    h->is_new = rl_xcalloc(findings->len + 1, 1);
    size_t counted = 0;
    for (size_t i = 0; i < findings->len; i++) {
        rl_finding *f = &findings->items[i];
        rl_triage key = {0};
        key.fingerprint = f->fingerprint;
        const rl_triage *t = h->ntriage ? bsearch(&key, h->triage, h->ntriage, sizeof *h->triage, cmp_triage) : NULL;
        if (t && !f->suppressed && rl_triage_suppresses(t->decision)) {
            f->suppressed = 1;
            free(f->suppression);
            f->suppression = t->note && *t->note ? rl_xasprintf("triaged %s: %s", t->decision, t->note)
                                                 : rl_xasprintf("triaged %s", t->decision);
        }
        h->is_new[i] = !rl_baseline_has(&h->base, f->fingerprint);
        /* below --min-confidence: recorded, not counted */
        if (f->hidden) continue;
        h->nsuppressed += f->suppressed != 0;
        h->nnew += h->is_new[i] && !f->suppressed;
        if (f->suppressed) continue;
        if (h->fail == FAIL_ON_ANY || (h->fail == FAIL_ON_NEW && h->is_new[i])) counted++;
    }
    return counted ? EXIT_FINDINGS : EXIT_OK;
}

int rl_hist_check_record(rl_check_hist *h, rl_store *store, rl_run_info *run, const rl_unit_status *units,
                         size_t nunits, const rl_findings *findings, rl_error *err)
{
    pthread_mutex_lock(&h->mu);
    h->phase = PHASE_RECORDING;
    pthread_mutex_unlock(&h->mu);
    int rc;
    if (run->id > 0) rc = rl_store_finish_run(store, run, units, nunits, findings, h->contexts, err);
    else rc = rl_store_record_run(store, run, units, nunits, findings, err);
    pthread_mutex_lock(&h->mu);
    h->phase = PHASE_DONE;
    pthread_mutex_unlock(&h->mu);
    return rc;
}

void rl_hist_check_abort(rl_check_hist *h, rl_store *store, rl_run_info *run)
{
    if (!h || !store || run->id <= 0) return;
    pthread_mutex_lock(&h->mu);
    h->phase = PHASE_RECORDING;
    pthread_mutex_unlock(&h->mu);
    char *status = run->status, *finished = run->finished_at;
    run->status = "failed";
    run->finished_at = rl_iso_now();
    run->duration_ms = rl_now_ms() - h->t0;
    rl_error err = {{0}};
    if (rl_store_end_run(store, run, &err)) fprintf(stderr, "racelint: error: %s\n", err.msg);
    free(run->finished_at);
    run->status = status;
    run->finished_at = finished;
    pthread_mutex_lock(&h->mu);
    h->phase = PHASE_DONE;
    pthread_mutex_unlock(&h->mu);
}

int rl_hist_check_write(rl_check_hist *h, const char *format, const char *path, const rl_run_info *run,
                        const rl_findings *findings)
{
    int fmt = rl_format_parse(format ? format : "text");
    if (!h || !h->have_baseline || (fmt != RL_FORMAT_TEXT && fmt != RL_FORMAT_JSON)) return 1;
    output out;
    if (rlh_open_out(path, &out)) return -1;
    int rc = 0;
    if (fmt == RL_FORMAT_TEXT) {
        for (size_t i = 0; i < findings->len; i++) {
            if (findings->items[i].hidden) continue;
            rl_findings one = {&findings->items[i], 1, 1};
            rl_report_text(out.f, &one);
            if (!h->is_new[i]) continue;
            char *note = rl_xasprintf("new: not in the baseline (%s)", h->baseline_desc);
            rlh_text_note(out.f, &findings->items[i], note);
            free(note);
        }
    } else {
        json_t *doc = rlh_report_json(run, findings);
        if (!doc) {
            rc = -1;
        } else {
            json_t *b = json_object();
            json_object_set_new(b, "source", rl_json_text(h->baseline_desc));
            json_object_set_new(b, "new", json_integer((json_int_t)h->nnew));
            json_object_set_new(doc, "baseline", b);
            /* the document leaves hidden findings out: walk the shown ones */
            json_t *list = json_object_get(doc, "findings");
            for (size_t i = 0, shown = 0; i < findings->len && shown < json_array_size(list); i++)
                if (!findings->items[i].hidden)
                    json_object_set_new(json_array_get(list, shown++), "baseline_state",
                                        json_string(h->is_new[i] ? "new" : "unchanged"));
            rc = rl_out_json(out.f, doc);
            json_decref(doc);
        }
    }
    if (rlh_finish_out(&out, rc == 0)) rc = -1;
    return rc;
}

const rl_findings *rl_hist_check_baseline(const rl_check_hist *h)
{
    return h && h->have_baseline && !h->base.fps_only ? &h->base.findings : NULL;
}

void rl_hist_check_summary(const rl_check_hist *h, FILE *out)
{
    if (!h) return;
    if (h->have_baseline) fprintf(out, "; %zu new against the baseline (%s)", h->nnew, h->baseline_desc);
    if (h->nsuppressed) fprintf(out, "; %zu suppressed", h->nsuppressed);
}

int rl_hist_check_end(rl_check_hist *h, int exit_code)
{
    if (!h) return exit_code;
    if (h->watching) {
        pthread_mutex_lock(&h->mu);
        h->phase = PHASE_STOPPING;
        pthread_mutex_unlock(&h->mu);
        pthread_kill(h->watcher, SIGTERM);
        pthread_join(h->watcher, NULL);
        pthread_sigmask(SIG_SETMASK, &h->old_mask, NULL);
    }
    if (h->late_signal) exit_code = EXIT_SIGNAL_BASE + h->late_signal;
    rl_baseline_free(&h->base);
    rl_triage_free(h->triage, h->ntriage);
    if (h->findings) rl_suppress_contexts_free(h->contexts, h->findings);
    free(h->is_new);
    free(h->baseline_desc);
    pthread_mutex_destroy(&h->mu);
    if (h->store) sem_destroy(&h->parked);
    free(h);
    return exit_code;
}
