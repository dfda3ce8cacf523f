/* Findings in the store (store_internal.h): writing a run's findings and
 * their events (inside the transaction of the run, runs.c) and loading
 * them back as rl_findings, chains and lock lists decoded from their JSON
 * columns.
 *
 * Invariants:
 *  1. A finding's events are written with it and read back in their
 *     order (idx).
 *  2. A stored value that does not decode (a severity, a JSON column) is
 *     an error naming the database and the finding, never a default. */
#include "store_internal.h"
#include "../model/finding_json.h"
#include "../util/mem.h"
#include "../util/ptrmap.h"
#include "../util/strpool.h"
#include <stdint.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* The JSON texts of the call chains written so far in one run, by a hash
 * of the chain. A run's events share few chains (memcached: 4,400 events,
 * 800 chains), and encoding each one anew was most of recording a run. */
typedef struct memo_entry {
    const rl_event *ev; /* an event with that chain, to compare */
    char *text;
} memo_entry;

typedef struct chain_memo {
    rl_ptrmap by_hash; /* hash (never 0) -> index + 1 into entries */
    memo_entry *entries;
    size_t n, cap;
} chain_memo;

static uint64_t hash_text(const char *s, uint64_t h)
{
    return s ? rl_hash_bytes(s, strlen(s) + 1, h) : rl_hash_bytes("", 0, h + 1);
}

static uint64_t chain_hash(const rl_event *ev)
{
    uint64_t h = rl_hash_bytes(&ev->nchain, sizeof ev->nchain, 0);
    for (size_t i = 0; i < ev->nchain; i++) {
        const rl_frame *f = &ev->chain[i];
        h = hash_text(f->site.file, hash_text(f->function, h));
        h = rl_hash_bytes(&f->site.line, sizeof f->site.line, h);
        h = rl_hash_bytes(&f->site.col, sizeof f->site.col, h);
    }
    return h ? h : 1;
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int same_chain(const rl_event *a, const rl_event *b)
{
    if (a->nchain != b->nchain) return 0;
    for (size_t i = 0; i < a->nchain; i++) {
        const rl_frame *x = &a->chain[i], *y = &b->chain[i];
        if (!same_text(x->function, y->function) || !same_text(x->site.file, y->site.file) ||
            x->site.line != y->site.line || x->site.col != y->site.col)
            return 0;
    }
    return 1;
}

/* The chain's JSON text, owned by memo. A chain whose hash another chain
 * already holds is encoded and kept, not indexed. */
static const char *chain_text(chain_memo *memo, const rl_event *ev)
{
    void **slot = rl_ptrmap_slot(&memo->by_hash, (const void *)(uintptr_t)chain_hash(ev));
    if (*slot) {
        const memo_entry *e = &memo->entries[(size_t)(uintptr_t)*slot - 1];
        if (same_chain(e->ev, ev)) return e->text;
    }
    memo_entry e = {ev, rls_json_text(rl_json_chain(ev))};
    RL_PUSH(memo->entries, memo->n, memo->cap, e);
    if (!*slot) *slot = (void *)(uintptr_t)memo->n;
    return e.text;
}

static void chain_memo_free(chain_memo *memo)
{
    for (size_t i = 0; i < memo->n; i++) free(memo->entries[i].text);
    free(memo->entries);
    rl_ptrmap_free(&memo->by_hash);
}

static int insert_event(rl_store *s, sqlite3_stmt *st, chain_memo *memo, int64_t finding_id, size_t idx,
                        const rl_event *ev, const rl_source_context *ctx, rl_error *err)
{
    const char *chain = chain_text(memo, ev);
    char *locks = rls_json_text(rl_json_locks(ev));
    int i = 1;
    sqlite3_bind_int64(st, i++, finding_id);
    sqlite3_bind_int64(st, i++, (int64_t)idx);
    rls_bind_position(st, i, &ev->pos);
    i += 3;
    rls_bind_text(st, i++, ev->function);
    rls_bind_text(st, i++, ev->kind);
    rls_bind_text(st, i++, ev->what);
    rls_bind_text(st, i++, ev->thread);
    rls_bind_position(st, i, &ev->spawn);
    i += 3;
    sqlite3_bind_int(st, i++, ev->multi_instance != 0);
    rls_bind_text(st, i++, chain);
    rls_bind_text(st, i++, locks);
    if (ctx && ctx->text) {
        sqlite3_bind_int64(st, i, ctx->first_line);
        rls_bind_text(st, i + 1, ctx->text);
    }
    i += 2;
    int rc = rls_step_done(s, st, "recording an event", err);
    free(locks);
    return rc;
}

int rls_insert_findings(rl_store *s, int64_t run_id, const rl_findings *list, rl_source_context *const *contexts,
                        rl_error *err)
{
    static const char finding_sql[] =
        "INSERT INTO findings (run_id, rule, severity, fingerprint, location, message, hint,"
        " file, line, col, suppressed, suppression, programs, confidence, pairs, pairs_total)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
    static const char event_sql[] =
        "INSERT INTO events (finding_id, idx, file, line, col, function, kind, what, thread,"
        " spawn_file, spawn_line, spawn_col, multi_instance, chain, locks, context_line, context)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
    sqlite3_stmt *fst = rls_prepare(s, finding_sql, "recording the findings", err);
    sqlite3_stmt *est = fst ? rls_prepare(s, event_sql, "recording the findings", err) : NULL;
    int rc = est ? 0 : -1;
    chain_memo memo = {RL_PTRMAP_INIT, NULL, 0, 0};
    for (size_t n = 0; rc == 0 && n < list->len; n++) {
        const rl_finding *f = &list->items[n];
        int i = 1;
        sqlite3_bind_int64(fst, i++, run_id);
        rls_bind_text(fst, i++, f->rule);
        rls_bind_text(fst, i++, rl_severity_name(f->severity));
        rls_bind_text(fst, i++, f->fingerprint);
        rls_bind_text(fst, i++, f->location);
        rls_bind_text(fst, i++, f->message);
        rls_bind_text(fst, i++, f->hint);
        rls_bind_position(fst, i, f->nevents ? &f->events[0].pos : NULL);
        i += 3;
        sqlite3_bind_int(fst, i++, f->suppressed != 0);
        rls_bind_text(fst, i++, f->suppression);
        char *programs = f->nprograms ? rls_json_text(rl_json_strings((const char *const *)f->programs, f->nprograms)) : NULL;
        rls_bind_text(fst, i++, programs);
        rls_bind_text(fst, i++, rl_confidence_name(f->confidence));
        char *pairs = f->npairs ? rls_json_text(rl_json_pairs(f)) : NULL;
        rls_bind_text(fst, i++, pairs);
        if (f->npairs) sqlite3_bind_int64(fst, i, (sqlite3_int64)f->pairs_total);
        else sqlite3_bind_null(fst, i);
        i++;
        rc = rls_step_done(s, fst, "recording a finding", err);
        free(programs);
        free(pairs);
        int64_t finding_id = sqlite3_last_insert_rowid(s->db);
        const rl_source_context *ctx = contexts ? contexts[n] : NULL;
        for (size_t e = 0; rc == 0 && e < f->nevents; e++)
            rc = insert_event(s, est, &memo, finding_id, e, &f->events[e], ctx ? &ctx[e] : NULL, err);
    }
    chain_memo_free(&memo);
    sqlite3_finalize(fst);
    sqlite3_finalize(est);
    return rc;
}

static int parse_severity(const char *name, rl_severity *out)
{
    for (rl_severity sev = RL_SEV_NOTE; sev <= RL_SEV_ERROR; sev++) {
        if (name && strcmp(name, rl_severity_name(sev)) == 0) {
            *out = sev;
            return 0;
        }
    }
    return -1;
}

/* Decodes one JSON column (chain or locks) of an event into ev; SQL NULL
 * means an empty list. */
static int decode_json_column(rl_store *s, sqlite3_stmt *st, int i, int64_t finding_id, rl_event *ev,
                              int (*decode)(const json_t *, rl_event *, rl_error *), rl_error *err)
{
    const char *text = (const char *)sqlite3_column_text(st, i);
    if (!text) return 0;
    json_error_t jerr;
    json_t *v = json_loads(text, 0, &jerr);
    rl_error why;
    int rc = v ? decode(v, ev, &why) : rl_fail(&why, "%s", jerr.text);
    json_decref(v);
    if (rc)
        return rl_fail(err, "database '%s': finding %lld: bad events.%s: %s", s->path, (long long)finding_id,
                       sqlite3_column_name(st, i), why.msg);
    return 0;
}

int rls_load_events(rl_store *s, sqlite3_stmt *st, int64_t finding_id, rl_finding *f, rl_error *err)
{
    int rc = 0, step = SQLITE_DONE;
    sqlite3_bind_int64(st, 1, finding_id);
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        rl_event *ev = rl_finding_add_event(f);
        int i = 0;
        rls_column_position(st, i, &ev->pos);
        i += 3;
        ev->function = rls_column_text(st, i++);
        ev->kind = rls_column_text(st, i++);
        ev->what = rls_column_text(st, i++);
        ev->thread = rls_column_text(st, i++);
        rls_column_position(st, i, &ev->spawn);
        i += 3;
        ev->multi_instance = sqlite3_column_int(st, i++) != 0;
        rc = decode_json_column(s, st, i++, finding_id, ev, rl_json_read_chain, err);
        if (rc == 0) rc = decode_json_column(s, st, i++, finding_id, ev, rl_json_read_locks, err);
    }
    if (rc == 0 && step != SQLITE_DONE) rc = rls_db_error(s, err, "reading the events");
    sqlite3_reset(st);
    return rc;
}

int rls_load_finding(rl_store *s, sqlite3_stmt *st, rl_finding *f, int64_t *id, rl_error *err)
{
    int i = 0;
    *id = sqlite3_column_int64(st, i++);
    f->rule = rls_column_text(st, i++);
    const char *severity = (const char *)sqlite3_column_text(st, i++);
    if (parse_severity(severity, &f->severity))
        return rl_fail(err, "database '%s': finding %lld has an unknown severity '%s'", s->path, (long long)*id,
                       severity ? severity : "");
    const char *fingerprint = (const char *)sqlite3_column_text(st, i++);
    snprintf(f->fingerprint, sizeof f->fingerprint, "%s", fingerprint ? fingerprint : "");
    f->location = rls_column_text(st, i++);
    f->message = rls_column_text(st, i++);
    f->hint = rls_column_text(st, i++);
    f->suppressed = sqlite3_column_int(st, i++) != 0;
    f->suppression = rls_column_text(st, i++);
    rls_read_names(st, i++, &f->programs, &f->nprograms);
    int conf = rl_confidence_parse((const char *)sqlite3_column_text(st, i++));
    f->confidence = conf < 0 ? RL_CONF_HIGH : (rl_confidence)conf; /* NULL before schema 7 */
    const char *pairs = (const char *)sqlite3_column_text(st, i++);
    if (pairs && rl_json_read_pairs(pairs, f))
        return rl_fail(err, "database '%s': finding %lld has malformed pairs", s->path, (long long)*id);
    if (sqlite3_column_type(st, i) != SQLITE_NULL) f->pairs_total = (size_t)sqlite3_column_int64(st, i);
    i++;
    return 0;
}

int rl_store_load_findings(rl_store *s, int64_t run_id, rl_findings *out, rl_error *err)
{
    static const char finding_sql[] =
        "SELECT " RLS_FINDING_COLUMNS " FROM findings WHERE run_id = ?1 ORDER BY id";
    static const char event_sql[] =
        "SELECT file, line, col, function, kind, what, thread, spawn_file, spawn_line, spawn_col,"
        " multi_instance, chain, locks FROM events WHERE finding_id = ?1 ORDER BY idx";
    if (rls_run_exists(s, run_id, err)) return -1;
    sqlite3_stmt *fst = rls_prepare(s, finding_sql, "reading the findings", err);
    sqlite3_stmt *est = fst ? rls_prepare(s, event_sql, "reading the findings", err) : NULL;
    int rc = est ? 0 : -1, step = SQLITE_DONE;
    rl_findings got = {0};
    if (rc == 0) sqlite3_bind_int64(fst, 1, run_id);
    while (rc == 0 && (step = sqlite3_step(fst)) == SQLITE_ROW) {
        int64_t id;
        rl_finding *f = rl_findings_add(&got);
        rc = rls_load_finding(s, fst, f, &id, err);
        if (rc == 0) rc = rls_load_events(s, est, id, f, err);
    }
    if (rc == 0 && step != SQLITE_DONE) rc = rls_db_error(s, err, "reading the findings");
    sqlite3_finalize(fst);
    sqlite3_finalize(est);
    if (rc) {
        rl_findings_free(&got);
        return -1;
    }
    /* Append, moving the findings (and everything they own) into out. */
    RL_GROW(out->items, out->cap, out->len + got.len);
    if (got.len) memcpy(out->items + out->len, got.items, got.len * sizeof *got.items);
    out->len += got.len;
    free(got.items);
    return 0;
}
