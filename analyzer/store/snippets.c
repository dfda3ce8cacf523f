/* Source excerpts of a run (schema 6, docs/html-report.md): the lines
 * around each event as the file was when the run was checked, so that the
 * HTML report of an old run shows that run's code.
 *
 * Invariants:
 *  1. Each distinct text is stored once (table snippets, keyed by its
 *     FNV-1a 64 hash), whatever the number of runs and positions showing
 *     it; a position of a run (run_snippets) points at it.
 *  2. A hash already stored for a different text (a collision) is never
 *     reused: that position gets no excerpt, and the page says so, rather
 *     than showing another file's code.
 *  3. Bounded: the lines are those rl_suppress_scan read (a few lines,
 *     each cut), and a run stores at most RL_SNIPPETS_MAX_RUN_BYTES of new
 *     text; positions past the bound have no excerpt, which the page says. */
#include "store_internal.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include "../util/strpool.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 16 hex digits and a NUL. */
#define HASH_TEXT_SIZE 17
#define SNIPPET_HASH_SEED 0x736e6970u /* "snip" */

static void snippet_hash(const char *text, char out[HASH_TEXT_SIZE])
{
    snprintf(out, HASH_TEXT_SIZE, "%016llx", (unsigned long long)rl_hash_bytes(text, strlen(text), SNIPPET_HASH_SEED));
}

/* Stores text under its hash unless there; 1 when the hash now names this
 * text, 0 on a collision (invariant 2), -1 on error. *added gets the bytes
 * newly stored. */
static int put_snippet(rl_store *s, sqlite3_stmt *get, sqlite3_stmt *ins, const char *hash, const char *text,
                       size_t *added, rl_error *err)
{
    *added = 0;
    rls_bind_text(get, 1, hash);
    int found = rls_step_row(s, get, "reading the source excerpts", err);
    int same = found == 1 && strcmp((const char *)sqlite3_column_text(get, 0), text) == 0;
    sqlite3_reset(get);
    if (found < 0) return -1;
    if (found == 1) return same;
    rls_bind_text(ins, 1, hash);
    rls_bind_text(ins, 2, text);
    if (rls_step_done(s, ins, "recording the source excerpts", err) != 0) return -1;
    *added = strlen(text);
    return 1;
}

int rls_insert_snippets(rl_store *s, int64_t run_id, const rl_findings *findings, rl_source_context *const *contexts,
                        rl_error *err)
{
    sqlite3_stmt *get = rls_prepare(s, "SELECT text FROM snippets WHERE hash = ?1", "reading the source excerpts", err);
    sqlite3_stmt *ins = get ? rls_prepare(s, "INSERT INTO snippets (hash, text) VALUES (?1, ?2)",
                                          "recording the source excerpts", err)
                            : NULL;
    sqlite3_stmt *map = ins ? rls_prepare(s,
                                          "INSERT OR IGNORE INTO run_snippets (run_id, file, line, first_line, hash)"
                                          " VALUES (?1, ?2, ?3, ?4, ?5)",
                                          "recording the source excerpts", err)
                            : NULL;
    int rc = map ? 0 : -1;
    size_t budget = RL_SNIPPETS_MAX_RUN_BYTES;
    /* Positions already mapped in this run (the first excerpt of a
     * position is the one kept, as INSERT OR IGNORE keeps it), and texts
     * already found stored under their hash: a run's events share both
     * (memcached: 13,131 events, each looked up twice before). */
    rl_strpool *mapped = rl_strpool_new(), *stored = rl_strpool_new();
    rl_strbuf key = RL_STRBUF_INIT;
    for (size_t n = 0; rc == 0 && n < findings->len; n++) {
        const rl_finding *f = &findings->items[n];
        for (size_t e = 0; rc == 0 && contexts[n] && e < f->nevents; e++) {
            const rl_source_context *ctx = &contexts[n][e];
            const rl_position *pos = &f->events[e].pos;
            if (!ctx->text || !pos->file || pos->line == 0) continue;
            rl_sb_truncate(&key, 0);
            rl_sb_printf(&key, "%u:%s", pos->line, pos->file);
            if (rl_strpool_find(mapped, rl_sb_str(&key))) continue;
            size_t len = strlen(ctx->text);
            if (len > budget) continue; /* invariant 3: no excerpt, said on the page */
            char hash[HASH_TEXT_SIZE];
            snippet_hash(ctx->text, hash);
            size_t added = 0;
            int usable = rl_strpool_find(stored, ctx->text) ? 1 : put_snippet(s, get, ins, hash, ctx->text, &added, err);
            if (usable < 0) rc = -1;
            budget -= added;
            if (usable != 1) continue;
            rl_intern(stored, ctx->text);
            rl_intern(mapped, rl_sb_str(&key));
            sqlite3_bind_int64(map, 1, run_id);
            rls_bind_text(map, 2, pos->file);
            sqlite3_bind_int64(map, 3, pos->line);
            sqlite3_bind_int64(map, 4, ctx->first_line);
            rls_bind_text(map, 5, hash);
            rc = rls_step_done(s, map, "recording the source excerpts", err);
        }
    }
    rl_sb_free(&key);
    rl_strpool_free(mapped);
    rl_strpool_free(stored);
    sqlite3_finalize(get);
    sqlite3_finalize(ins);
    sqlite3_finalize(map);
    return rc;
}

static int cmp_snippet(const void *a, const void *b)
{
    const rl_snippet *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

int rl_store_load_snippets(rl_store *s, int64_t run_id, rl_snippets *out, rl_error *err)
{
    memset(out, 0, sizeof *out);
    static const char sql[] = "SELECT r.file, r.line, r.first_line, t.text FROM run_snippets AS r"
                              " JOIN snippets AS t ON t.hash = r.hash WHERE r.run_id = ?1";
    sqlite3_stmt *st = rls_prepare(s, sql, "reading the source excerpts", err);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, run_id);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        RL_GROW(out->items, cap, out->len + 1);
        rl_snippet *sn = &out->items[out->len++];
        sn->file = rls_column_text(st, 0);
        sn->line = (unsigned)sqlite3_column_int64(st, 1);
        sn->first_line = (unsigned)sqlite3_column_int64(st, 2);
        sn->text = rls_column_text(st, 3);
        if (!sn->file) sn->file = rl_xstrdup("");
        if (!sn->text) sn->text = rl_xstrdup("");
    }
    int rc = step == SQLITE_DONE ? 0 : rls_db_error(s, err, "reading the source excerpts");
    sqlite3_finalize(st);
    if (rc) {
        rl_snippets_free(out);
        return -1;
    }
    if (out->len) qsort(out->items, out->len, sizeof *out->items, cmp_snippet);
    return 0;
}

const rl_snippet *rl_snippets_find(const rl_snippets *list, const char *file, unsigned line)
{
    if (!list || !list->len || !file) return NULL;
    rl_snippet key = {(char *)file, line, 0, NULL};
    return bsearch(&key, list->items, list->len, sizeof *list->items, cmp_snippet);
}

void rl_snippets_free(rl_snippets *list)
{
    for (size_t i = 0; i < list->len; i++) {
        free(list->items[i].file);
        free(list->items[i].text);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}
