/* Findings in the store (store_internal.h): writing a run's findings and
 * their events (inside the transaction of the run, runs.c) and loading
 * them back as rl_findings, chains and lock lists decoded from their JSON
 * columns.
 *
 * Invariants:
 *  1. A finding's events are written with it and read back in their
 *     order (idx).
 *  2. A stored value that does not decode (a severity, a JSON column) is
 *     an error naming the database and the finding, never a default.
 *  3. A finding whose event rows (every column, the excerpt included)
 *     are exactly those of a finding already stored does not write them
 *     again: it names that finding in events_of (schema 11). The rows are
 *     compared, not only their digest, so a hash collision never shows
 *     another finding's events. Readers read the events of
 *     coalesce(events_of, id) (RLS_EVENTS_OF). An unchanged re-run of
 *     memcached (1,296 findings, 13,131 events) wrote 17 MB of rows. */
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
    uint64_t text_hash; /* hash_text of text, for events_digest */
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

static uint64_t hash_position(const rl_position *p, uint64_t h)
{
    h = hash_text(p->file, h);
    h = rl_hash_bytes(&p->line, sizeof p->line, h);
    return rl_hash_bytes(&p->col, sizeof p->col, h);
}

static uint64_t chain_hash(const rl_event *ev)
{
    uint64_t h = rl_hash_bytes(&ev->nchain, sizeof ev->nchain, 0);
    for (size_t i = 0; i < ev->nchain; i++)
        h = hash_position(&ev->chain[i].site, hash_text(ev->chain[i].function, h));
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

/* The chain's JSON text and its hash, owned by memo, valid until the next
 * call. A chain whose hash another chain already holds is encoded and
 * kept, not indexed. */
static const memo_entry *chain_text(chain_memo *memo, const rl_event *ev)
{
    void **slot = rl_ptrmap_slot(&memo->by_hash, (const void *)(uintptr_t)chain_hash(ev));
    if (*slot) {
        const memo_entry *e = &memo->entries[(size_t)(uintptr_t)*slot - 1];
        if (same_chain(e->ev, ev)) return e;
    }
    char *text = rls_json_text(rl_json_chain(ev));
    memo_entry e = {ev, text, hash_text(text, 0)};
    RL_PUSH(memo->entries, memo->n, memo->cap, e);
    if (!*slot) *slot = (void *)(uintptr_t)memo->n;
    return &memo->entries[memo->n - 1];
}

static void chain_memo_free(chain_memo *memo)
{
    for (size_t i = 0; i < memo->n; i++) free(memo->entries[i].text);
    free(memo->entries);
    rl_ptrmap_free(&memo->by_hash);
}

/* One event's row beyond the event itself: its chain and locks as JSON
 * text and its excerpt, made once, then hashed, compared and bound. */
typedef struct event_row {
    const rl_event *ev;
    const char *chain;            /* owned by the run's chain_memo */
    uint64_t chain_hash;          /* hash_text of chain */
    char *locks;                  /* owned here */
    const rl_source_context *ctx; /* the excerpt; NULL (or its text NULL) for none */
} event_row;

/* The locks column of an event that holds none, as rl_json_locks encodes
 * it. */
#define NO_LOCKS "[]"

static const char *row_context(const event_row *r)
{
    return r->ctx ? r->ctx->text : NULL;
}

#define EVENTS_DIGEST_SEED 0x65766e74u /* "evnt" */

/* findings.events_digest (invariant 3): a hash of every column of the
 * finding's event rows, by which an earlier finding with the same rows is
 * looked up. Stored as SQLite's signed 64-bit integer. */
static int64_t events_digest(const event_row *rows, size_t n)
{
    uint64_t h = rl_hash_bytes(&n, sizeof n, EVENTS_DIGEST_SEED);
    for (size_t i = 0; i < n; i++) {
        const rl_event *ev = rows[i].ev;
        h = hash_position(&ev->pos, h);
        h = hash_text(ev->what, hash_text(ev->kind, hash_text(ev->function, h)));
        h = hash_position(&ev->spawn, hash_text(ev->thread, h));
        int multi = ev->multi_instance != 0;
        h = rl_hash_bytes(&multi, sizeof multi, h);
        h = rl_hash_bytes(&rows[i].chain_hash, sizeof rows[i].chain_hash, h);
        h = hash_text(rows[i].locks, h);
        const char *context = row_context(&rows[i]);
        if (context) h = rl_hash_bytes(&rows[i].ctx->first_line, sizeof rows[i].ctx->first_line, h);
        h = hash_text(context, h);
    }
    return (int64_t)h;
}

/* Whether text column i holds s (SQL NULL for a NULL s), as
 * rls_bind_text stored it. */
static int column_is(sqlite3_stmt *st, int i, const char *s)
{
    if (!s) return sqlite3_column_type(st, i) == SQLITE_NULL;
    const unsigned char *t = sqlite3_column_text(st, i);
    return t && strcmp((const char *)t, s) == 0;
}

static int column_is_position(sqlite3_stmt *st, int i, const rl_position *p)
{
    return column_is(st, i, p->file) && sqlite3_column_int64(st, i + 1) == (int64_t)p->line &&
           sqlite3_column_int64(st, i + 2) == (int64_t)p->col;
}

/* The columns of ROWS_SQL's current row are those insert_event writes for
 * r. */
static int row_matches(sqlite3_stmt *st, const event_row *r)
{
    const rl_event *ev = r->ev;
    const char *context = row_context(r);
    int i = 0;
    int same = column_is_position(st, i, &ev->pos);
    i += 3;
    same = same && column_is(st, i, ev->function) && column_is(st, i + 1, ev->kind) && column_is(st, i + 2, ev->what) &&
           column_is(st, i + 3, ev->thread);
    i += 4;
    same = same && column_is_position(st, i, &ev->spawn);
    i += 3;
    same = same && sqlite3_column_int(st, i++) == (ev->multi_instance != 0);
    same = same && column_is(st, i, r->chain) && column_is(st, i + 1, r->locks);
    i += 2;
    if (context) same = same && sqlite3_column_int64(st, i) == (int64_t)r->ctx->first_line;
    else same = same && sqlite3_column_type(st, i) == SQLITE_NULL;
    return same && column_is(st, i + 1, context);
}

/* Every column insert_event writes, in its order after finding_id and idx. */
#define ROWS_SQL                                                                                          \
    "SELECT file, line, col, function, kind, what, thread, spawn_file, spawn_line, spawn_col,"         \
    " multi_instance, chain, locks, context_line, context FROM events WHERE finding_id = ?1 ORDER BY idx"

/* 1 when the event rows stored for finding `owner` are exactly rows[0..n),
 * 0 when not, -1 on error. */
static int stored_rows_are(rl_store *s, sqlite3_stmt *get, int64_t owner, const event_row *rows, size_t n,
                           rl_error *err)
{
    rls_query_begin(s);
    sqlite3_bind_int64(get, 1, owner);
    size_t k = 0;
    int same = 1, step;
    while ((step = sqlite3_step(get)) == SQLITE_ROW && (same = k < n && row_matches(get, &rows[k]))) k++;
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? same && k == n : rls_db_error(s, err, "reading the events");
    sqlite3_reset(get);
    return rc;
}

/* The finding whose event rows are rows[0..n) (invariant 3): 0 in *owner
 * when no stored finding has them. */
static int find_events_owner(rl_store *s, sqlite3_stmt *find, sqlite3_stmt *get, int64_t digest,
                             const event_row *rows, size_t n, int64_t *owner, rl_error *err)
{
    *owner = 0;
    rls_query_begin(s);
    sqlite3_bind_int64(find, 1, digest);
    int found = rls_step_row(s, find, "reading the findings", err);
    int64_t candidate = found == 1 ? sqlite3_column_int64(find, 0) : 0;
    sqlite3_reset(find);
    if (found < 0) return -1;
    int same = found ? stored_rows_are(s, get, candidate, rows, n, err) : 0;
    if (same < 0) return -1;
    if (same) *owner = candidate;
    return 0;
}

static int insert_event(rl_store *s, sqlite3_stmt *st, int64_t finding_id, size_t idx, const event_row *r,
                        rl_error *err)
{
    const rl_event *ev = r->ev;
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
    rls_bind_text(st, i++, r->chain);
    rls_bind_text(st, i++, r->locks);
    if (row_context(r)) {
        sqlite3_bind_int64(st, i, r->ctx->first_line);
        rls_bind_text(st, i + 1, r->ctx->text);
    }
    return rls_step_done(s, st, "recording an event", err);
}

/* The statements of recording a run's findings. */
typedef struct finding_writer {
    sqlite3_stmt *finding, *event, *find_owner, *get_rows;
    chain_memo memo;
} finding_writer;

static int insert_finding(rl_store *s, finding_writer *w, int64_t run_id, const rl_finding *f,
                          const rl_source_context *ctx, rl_error *err)
{
    event_row *rows = rl_xcalloc(f->nevents + 1, sizeof *rows);
    for (size_t e = 0; e < f->nevents; e++) {
        const rl_event *ev = &f->events[e];
        const memo_entry *chain = chain_text(&w->memo, ev);
        /* most events hold no lock: their text without a JSON encoder */
        char *locks = ev->nlocks ? rls_json_text(rl_json_locks(ev)) : rl_xstrdup(NO_LOCKS);
        rows[e] = (event_row){ev, chain->text, chain->text_hash, locks, ctx ? &ctx[e] : NULL};
    }
    int64_t digest = events_digest(rows, f->nevents), owner = 0;
    int rc = f->nevents ? find_events_owner(s, w->find_owner, w->get_rows, digest, rows, f->nevents, &owner, err) : 0;

    sqlite3_stmt *st = w->finding;
    int i = 1;
    sqlite3_bind_int64(st, i++, run_id);
    rls_bind_text(st, i++, f->rule);
    rls_bind_text(st, i++, rl_severity_name(f->severity));
    rls_bind_text(st, i++, f->fingerprint);
    rls_bind_text(st, i++, f->location);
    rls_bind_text(st, i++, f->message);
    rls_bind_text(st, i++, f->hint);
    rls_bind_position(st, i, f->nevents ? &f->events[0].pos : NULL);
    i += 3;
    sqlite3_bind_int(st, i++, f->suppressed != 0);
    rls_bind_text(st, i++, f->suppression);
    char *programs = f->nprograms ? rls_json_text(rl_json_strings((const char *const *)f->programs, f->nprograms)) : NULL;
    rls_bind_text(st, i++, programs);
    rls_bind_text(st, i++, rl_confidence_name(f->confidence));
    char *pairs = f->npairs ? rls_json_text(rl_json_pairs(f)) : NULL;
    rls_bind_text(st, i++, pairs);
    if (f->npairs) sqlite3_bind_int64(st, i, (sqlite3_int64)f->pairs_total);
    i++;
    if (owner) sqlite3_bind_int64(st, i, owner);
    i++;
    if (f->nevents) sqlite3_bind_int64(st, i, digest);
    i++;
    if (rc == 0) rc = rls_step_done(s, st, "recording a finding", err);
    else sqlite3_clear_bindings(st);
    free(programs);
    free(pairs);
    int64_t finding_id = sqlite3_last_insert_rowid(s->db);
    for (size_t e = 0; rc == 0 && !owner && e < f->nevents; e++)
        rc = insert_event(s, w->event, finding_id, e, &rows[e], err);
    for (size_t e = 0; e < f->nevents; e++) free(rows[e].locks);
    free(rows);
    return rc;
}

int rls_insert_findings(rl_store *s, int64_t run_id, const rl_findings *list, rl_source_context *const *contexts,
                        rl_error *err)
{
    static const char finding_sql[] =
        "INSERT INTO findings (run_id, rule, severity, fingerprint, location, message, hint,"
        " file, line, col, suppressed, suppression, programs, confidence, pairs, pairs_total, events_of,"
        " events_digest)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";
    static const char event_sql[] =
        "INSERT INTO events (finding_id, idx, file, line, col, function, kind, what, thread,"
        " spawn_file, spawn_line, spawn_col, multi_instance, chain, locks, context_line, context)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
    /* The newest finding with the digest, by the index on it; a finding
     * that shares names the one it shares with. */
    static const char owner_sql[] = "SELECT coalesce(events_of, id) FROM findings WHERE events_digest = ?1"
                                    " ORDER BY id DESC LIMIT 1";
    static const char *const what = "recording the findings";
    finding_writer w = {NULL, NULL, NULL, NULL, {RL_PTRMAP_INIT, NULL, 0, 0}};
    w.finding = rls_prepare(s, finding_sql, what, err);
    w.event = w.finding ? rls_prepare(s, event_sql, what, err) : NULL;
    w.find_owner = w.event ? rls_prepare(s, owner_sql, what, err) : NULL;
    w.get_rows = w.find_owner ? rls_prepare(s, ROWS_SQL, what, err) : NULL;
    int rc = w.get_rows ? 0 : -1;
    for (size_t n = 0; rc == 0 && n < list->len; n++)
        rc = insert_finding(s, &w, run_id, &list->items[n], contexts ? contexts[n] : NULL, err);
    chain_memo_free(&w.memo);
    sqlite3_finalize(w.finding);
    sqlite3_finalize(w.event);
    sqlite3_finalize(w.find_owner);
    sqlite3_finalize(w.get_rows);
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
        " multi_instance, chain, locks FROM events WHERE finding_id = " RLS_EVENTS_OF " ORDER BY idx";
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
