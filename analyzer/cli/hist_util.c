/* Helpers the history commands and check share (hist_internal.h): error
 * messages, --fail-on, the database to read, the output (-o) of a
 * listing, run specs, how a finding row's status and suppression read,
 * and the JSON report as a tree.
 *
 * Invariants:
 *  1. Every error is printed here, once, as "racelint: error: ..." on
 *     stderr; callers only return EXIT_USAGE.
 *  2. An output is closed whole or dropped: -o FILE never holds half a
 *     listing (util/outfile.h).
 *  3. A finding row is suppressed when its run said so or the current
 *     triage decision does; both name the reason the same way. */
#include "hist_internal.h"
#include "../report/report.h"
#include "../util/mem.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where the findings database is when --db is not given. */
#define DEFAULT_DB_FILE ".racelint/racelint.db"
/* Hex digits of a git revision shown by runs and history. */
#define SHORT_REVISION 12

int rlh_error_msg(const char *msg)
{
    fprintf(stderr, "racelint: error: %s\n", msg);
    return EXIT_USAGE;
}

int rlh_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "racelint: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'racelint --help'.\n");
    return EXIT_USAGE;
}

/* Reads --fail-on for check and findings, the two commands that gate on
 * findings, so that both take the same words; 0, or -1 when unknown. */
int rlh_parse_fail_on(const char *name, fail_on *out)
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

const char *rlh_db_path(const rl_hist_args *a)
{
    return a->db ? a->db : DEFAULT_DB_FILE;
}

/* Opens the database for reading; NULL after printing why. */
rl_store *rlh_open_for_reading(const char *path)
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

/* Standard output, or -o FILE through a temporary renamed into place
 * once whole (util/outfile.h). */
int rlh_open_out(const char *path, output *o)
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
void rlh_drop_out(output *o)
{
    rl_outfile_close(&o->file, 0, NULL);
}

/* Closes the output when everything was written (ok), else drops it;
 * -1 unless it was closed whole. */
int rlh_finish_out(output *o, int ok)
{
    if (ok) return close_out(o);
    if (o->file.f && ferror(o->file.f))
        fprintf(stderr, "racelint: error: cannot write %s%s%s: %s\n", o->file.path ? "'" : "to ",
                o->file.path ? o->file.path : "standard output", o->file.path ? "'" : "", strerror(errno ? errno : EIO));
    rlh_drop_out(o);
    return -1;
}

/* Parses --format for a history command. */
int rlh_out_format(const rl_hist_args *a, int allow_text)
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
rl_store *rlh_begin_listing(const rl_hist_args *a, output *out, int *fmt)
{
    if (rlh_open_out(a->output, out)) return NULL;
    *fmt = rlh_out_format(a, 0);
    rl_store *s = *fmt < 0 ? NULL : rlh_open_for_reading(rlh_db_path(a));
    if (!s) rlh_drop_out(out);
    return s;
}

/* A run spec: "latest" (or NULL), the latest complete run, or a number. */
int64_t rlh_resolve_run(rl_store *s, const char *spec, const char *what, rl_error *err)
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

int rlh_row_suppressed(const rl_finding_row *r)
{
    return r->suppressed || rl_triage_suppresses(r->triage);
}

/* Why a row is suppressed: the run's own reason, or the current triage. */
char *rlh_row_suppression(const rl_finding_row *r)
{
    if (r->suppressed) return rl_xstrdup(r->suppression ? r->suppression : "suppressed");
    if (rl_triage_suppresses(r->triage))
        return r->triage_note && *r->triage_note ? rl_xasprintf("triaged %s: %s", r->triage, r->triage_note)
                                                 : rl_xasprintf("triaged %s", r->triage);
    return NULL;
}

/* new | open | suppressed, for a row of a run compared with the run before. */
const char *rlh_row_status(const rl_finding_row *r)
{
    if (rlh_row_suppressed(r)) return "suppressed";
    return r->in_other ? "open" : "new";
}

char *rlh_position_text(const char *file, int64_t line, int64_t col)
{
    if (!file) return NULL;
    return rl_xasprintf("%s:%lld:%lld", file, (long long)line, (long long)col);
}

/* "3f2c1a0b9d8e" or "3f2c1a0b9d8e-dirty"; NULL outside git. */
char *rlh_tree_text(const char *revision, int dirty, int dirty_unknown)
{
    if (!revision) return NULL;
    return rl_xasprintf("%.*s%s", SHORT_REVISION, revision, dirty_unknown ? " (dirty?)" : dirty ? "-dirty" : "");
}

/* The JSON report (docs/json-format.md) of some findings, as a jansson
 * tree, so that commands can add their own keys to each finding. */
json_t *rlh_report_json(const rl_run_info *run, const rl_findings *findings)
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

/* The finding as the user should see it now: with the current triage
 * decision applied. */
void rlh_apply_triage(rl_finding *f, const rl_finding_row *r)
{
    if (f->suppressed || !rl_triage_suppresses(r->triage)) return;
    f->suppressed = 1;
    free(f->suppression);
    f->suppression = rlh_row_suppression(r);
}

/* "FILE:LINE:COL: note: TEXT" after a finding of the text report. */
void rlh_text_note(FILE *out, const rl_finding *f, const char *text)
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
