/* The database-wide history commands (history.h, docs/history.md): runs
 * (the list of runs), sql (read-only SQL) and triage (a decision about a
 * finding's fingerprint). The commands about findings are in
 * hist_findings.c (findings, diff) and hist_show.c (show, history); what
 * check does around the analysis is in hist_check.c.
 *
 * Invariants:
 *  1. Only the store speaks SQL; these files decide what a finding's
 *     status is and how each command shows it.
 *  2. Every command but triage opens the database read-only.
 *  3. Each returns its exit code (history.h) and prints its own errors. */
#include "hist_internal.h"
#include "../util/clock.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* sql --max-rows: the default, and the most it accepts. */
#define SQL_DEFAULT_MAX_ROWS 10000
#define SQL_MAX_MAX_ROWS 10000000L

static char *duration_text(int64_t ms)
{
    if (ms < RL_MS_PER_SEC) return rl_xasprintf("%lldms", (long long)ms);
    return rl_xasprintf("%.1fs", (double)ms / RL_MS_PER_SEC);
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
                                           "git_branch",   "config",     "options"};
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
            rl_value_set_text(&v[k++], r->options);
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
            /* and the rule options as the object they are */
            json_t *options = runs[i].options ? json_loads(runs[i].options, 0, NULL) : NULL;
            if (json_is_object(options)) json_object_set_new(json_array_get(list, i), "options", options);
            else json_decref(options);
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
