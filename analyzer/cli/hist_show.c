/* One finding in detail (history.h, docs/history.md): `racelint show`
 * prints a finding of a run with its events, their source lines, its
 * triage log and the runs it was seen in, and `racelint history` lists
 * every run a fingerprint appeared in.
 *
 * Invariants:
 *  1. A finding's status (new, open, suppressed) is decided as findings
 *     decides it: against the complete run before the finding's run.
 *  2. Source lines come from the run when it stored them, else from the
 *     file now, and the output says so (read_now). */
#include "hist_internal.h"
#include "../model/finding_json.h"
#include "../util/mem.h"
#include "suppress.h"
#include <stdlib.h>
#include <string.h>

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
