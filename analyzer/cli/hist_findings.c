/* The findings of a run (history.h, docs/history.md): `racelint findings`
 * lists one run's findings with their status against the run before
 * (new, open, fixed, suppressed) and filters, and `racelint diff` lists
 * what is new and what is fixed between two runs.
 *
 * Invariants:
 *  1. A finding's status is decided by comparing fingerprints with the
 *     other run, never by position or message.
 *  2. The current triage decision is applied to every finding shown
 *     (rlh_apply_triage), whatever run it comes from.
 *  3. Only diff and findings --fail-on return 1, for the findings they
 *     count; a listing that shows findings has still succeeded. */
#include "hist_internal.h"
#include "../model/finding_json.h"
#include "../report/report.h"
#include "../util/mem.h"
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

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
