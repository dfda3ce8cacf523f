/* `racelint report --run ID|latest -o DIR`: reads a run, its findings and
 * units from the findings database, and the run before it for "new" and
 * "fixed", then writes DIR/index.html (report.h, docs/html-report.md).
 * The page is written to a temporary file and renamed into place
 * (util/outfile.h), so a reader never sees half a report. */
#include "report_cmd.h"
#include "../report/report.h"
#include "../store/store.h"
#include "../util/mem.h"
#include "../util/outfile.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_DB_FILE ".racelint/racelint.db"
#define EXIT_OK 0
#define EXIT_USAGE 2
static int fail(const char *fmt, const char *arg)
{
    fprintf(stderr, "racelint: error: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return EXIT_USAGE;
}

static int64_t resolve_run(rl_store *store, const char *spec, rl_error *err)
{
    if (!spec || strcmp(spec, "latest") == 0) {
        int64_t id = rl_store_latest_run(store, err);
        if (id == 0) rl_fail(err, "the database has no runs yet; run 'racelint check' first");
        return id > 0 ? id : -1;
    }
    char *end;
    errno = 0;
    long long id = strtoll(spec, &end, 10);
    if (*end || id <= 0 || errno) {
        rl_fail(err, "--run wants a run number or 'latest', not '%s'", spec);
        return -1;
    }
    return id;
}

/* The output folder: created when missing (its parent must exist). */
static int make_folder(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return 0;
        return fail("'%s' exists and is not a folder", dir);
    }
    if (mkdir(dir, 0777) != 0) {
        fprintf(stderr, "racelint: error: cannot create the folder '%s': %s\n", dir, strerror(errno));
        return EXIT_USAGE;
    }
    return 0;
}

typedef struct loaded {
    rl_run_info run, prev;
    rl_findings findings, prev_findings;
    rl_unit_status *units;
    size_t nunits;
    rl_snippets snippets;
    int has_prev;
} loaded;

static void loaded_free(loaded *l)
{
    rl_run_info_clear(&l->run);
    rl_run_info_clear(&l->prev);
    rl_findings_free(&l->findings);
    rl_findings_free(&l->prev_findings);
    rl_units_free(l->units, l->nunits);
    rl_snippets_free(&l->snippets);
}

static int load(rl_store *store, int64_t id, loaded *l, rl_error *err)
{
    if (rl_store_get_run(store, id, &l->run, err) || rl_store_load_findings(store, id, &l->findings, err) ||
        rl_store_load_units(store, id, &l->units, &l->nunits, err) ||
        rl_store_load_snippets(store, id, &l->snippets, err))
        return -1;
    /* The previous complete run: an interrupted or killed one has no
     * findings to compare with. */
    int64_t p = rl_store_previous_complete_run(store, id, err);
    if (p < 0) return -1;
    if (p > 0) {
        if (rl_store_get_run(store, p, &l->prev, err) || rl_store_load_findings(store, p, &l->prev_findings, err))
            return -1;
        l->has_prev = 1;
    }
    return 0;
}

int rl_cmd_report(const rl_report_cmd_args *a)
{
    if (!a->output) return fail("%s", "report needs -o DIR, the folder to write index.html into");
    const char *path = a->db ? a->db : DEFAULT_DB_FILE;
    if (access(path, F_OK) != 0)
        return fail("no findings database at '%s'; run 'racelint check' first or pass --db", path);
    rl_error err = {{0}};
    rl_store *store = rl_store_open(path, RL_STORE_READ, &err);
    if (!store) return fail("%s", err.msg);

    loaded l;
    memset(&l, 0, sizeof l);
    int64_t id = resolve_run(store, a->run, &err);
    int rc = id > 0 ? load(store, id, &l, &err) : -1;
    rl_store_close(store);
    if (rc != 0) {
        loaded_free(&l);
        return fail("%s", err.msg);
    }
    rc = make_folder(a->output);
    if (rc != 0) {
        loaded_free(&l);
        return rc;
    }

    char *final = rl_xasprintf("%s/index.html", a->output);
    /* Through a temporary beside it, renamed into place once whole and
     * removed on SIGINT/SIGTERM (util/outfile.h): in a folder others may
     * write to (-o /tmp/report), a planted file or symlink is replaced,
     * never written through. */
    rl_outfile of;
    if (rl_outfile_open(&of, final, &err) != 0) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        rc = EXIT_USAGE;
    } else {
        rl_html_input in;
        memset(&in, 0, sizeof in);
        in.run = &l.run;
        in.findings = &l.findings;
        in.units = l.units;
        in.nunits = l.nunits;
        in.previous = l.has_prev ? &l.prev : NULL;
        in.previous_findings = l.has_prev ? &l.prev_findings : NULL;
        in.src_root = a->src_root;
        in.snippets = &l.snippets;
        if (rl_report_html(of.f, &in, &err) != 0) {
            fprintf(stderr, "racelint: error: %s\n", err.msg);
            rc = EXIT_USAGE;
        }
        if (rl_outfile_close(&of, rc == 0, &err) != 0) {
            fprintf(stderr, "racelint: error: %s\n", err.msg);
            rc = EXIT_USAGE;
        }
    }
    if (rc == 0 && !a->quiet) {
        fprintf(stderr, "racelint: report of run %lld (%zu finding%s", (long long)id, l.findings.len,
                l.findings.len == 1 ? "" : "s");
        if (l.has_prev) fprintf(stderr, ", compared with run %lld", (long long)l.prev.id);
        fprintf(stderr, ") written to %s\n", final);
    }
    free(final);
    loaded_free(&l);
    return rc;
}
