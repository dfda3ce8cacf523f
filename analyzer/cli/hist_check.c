/* What `racelint check` does around the analysis to keep the history
 * useful (hist_check.h): the run row written before the analysis and
 * completed after it, SIGINT/SIGTERM recorded as an interrupted run by a
 * signal watcher thread, unique fingerprints, source-comment and triage
 * suppressions, baselines (a run, another database, a report or a list of
 * fingerprints) and the reports with new findings marked.
 *
 * Invariants:
 *  1. A run stopped by SIGINT or SIGTERM during the analysis is recorded
 *     as interrupted, one whose analysis failed as failed; a signal that
 *     arrives while the run is being recorded lets the recording finish
 *     (exit 130).
 *  2. Only the watcher thread receives SIGINT and SIGTERM while check
 *     runs; it is parked in sigwait before any worker is forked.
 *  3. Fingerprints are unique within a run before anything is compared
 *     or stored. */
#include "hist_check.h"
#include "hist_internal.h"
#include "../model/baseline.h"
#include "../model/finding_json.h"
#include "../report/report.h"
#include "../util/clock.h"
#include "../util/file.h"
#include "../util/mem.h"
#include "../util/strpool.h"
#include "suppress.h"
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Room for this host's name in the run row. */
#define HOST_NAME_BYTES 256

/* Exit status of a run stopped by a signal, as shells report it. */
#define EXIT_SIGNAL_BASE 128

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
