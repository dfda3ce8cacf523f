/* The data step of schema 7 (store_internal.h): until schema 6, race and
 * write-under-read-lock gave one finding per racing site, each with its own
 * fingerprint; from 7, one finding per location, whose fingerprint is
 * rl_location_fingerprint(rule, location, functions of its sites). The
 * per-site findings of one location in one run are exactly its sites (each
 * racing site had its finding, with the sites it raced with as events), so
 * the new fingerprint is computed from their rule, location and the
 * functions of all their events, and every one of them takes it: a run
 * made before the upgrade and one made after show the race as the same
 * finding, unchanged, not fixed and new. The old fingerprint stays in
 * site_fingerprint; triage decisions follow their finding to the new one. */
#include "store_internal.h"
#include "../util/mem.h"
#include <stdlib.h>
#include <string.h>

/* One location of one run, as the migration collects it. */
typedef struct location_group {
    int64_t run_id;
    char *rule, *location;
    char **functions;
    size_t nfunctions, cap_functions;
    int64_t *ids;        /* its findings */
    size_t nids, cap_ids;
} location_group;

static void group_clear(location_group *g)
{
    free(g->rule);
    free(g->location);
    for (size_t i = 0; i < g->nfunctions; i++) free(g->functions[i]);
    free(g->functions);
    free(g->ids);
    memset(g, 0, sizeof *g);
}

static int same_group(const location_group *g, int64_t run_id, const char *rule, const char *location)
{
    return g->rule && g->run_id == run_id && strcmp(g->rule, rule) == 0 && strcmp(g->location, location) == 0;
}

/* Gives every finding of g the location's fingerprint, and moves the
 * triage decisions of their old fingerprints to it. */
static int rewrite_group(rl_store *s, sqlite3_stmt *up, sqlite3_stmt *tri, const location_group *g, rl_error *err)
{
    char fp[17];
    rl_location_fingerprint(fp, g->rule, g->location, (const char *const *)g->functions, g->nfunctions);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < g->nids; i++) {
        sqlite3_bind_int64(tri, 1, g->ids[i]);
        rls_bind_text(tri, 2, fp);
        rc = rls_step_done(s, tri, "moving triage decisions to the new fingerprints", err);
        if (rc) break;
        sqlite3_bind_int64(up, 1, g->ids[i]);
        rls_bind_text(up, 2, fp);
        rc = rls_step_done(s, up, "giving findings their location's fingerprint", err);
    }
    return rc;
}

int rls_migrate_location_findings(rl_store *s, rl_error *err)
{
    static const char select_sql[] =
        "SELECT f.id, f.run_id, f.rule, f.location, e.function FROM findings AS f"
        " LEFT JOIN events AS e ON e.finding_id = f.id"
        " WHERE f.rule IN ('race', 'write-under-read-lock')"
        " ORDER BY f.run_id, f.rule, f.location, f.id, e.idx";
    static const char update_sql[] =
        "UPDATE findings SET site_fingerprint = fingerprint, fingerprint = ?2 WHERE id = ?1";
    /* A decision made on a per-site finding follows it (before the finding
     * itself is rewritten, so that its old fingerprint is still there). */
    static const char triage_sql[] =
        "UPDATE triage SET fingerprint = ?2 WHERE fingerprint = (SELECT fingerprint FROM findings WHERE id = ?1)";
    sqlite3_stmt *sel = rls_prepare(s, select_sql, "reading the findings to migrate", err);
    sqlite3_stmt *up = sel ? rls_prepare(s, update_sql, "migrating the findings", err) : NULL;
    sqlite3_stmt *tri = up ? rls_prepare(s, triage_sql, "migrating the triage decisions", err) : NULL;
    int rc = tri ? 0 : -1, step = SQLITE_DONE;
    location_group g = {0};
    while (rc == 0 && (step = sqlite3_step(sel)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(sel, 0), run_id = sqlite3_column_int64(sel, 1);
        const char *rule = (const char *)sqlite3_column_text(sel, 2);
        const char *location = (const char *)sqlite3_column_text(sel, 3);
        const char *function = (const char *)sqlite3_column_text(sel, 4);
        if (!same_group(&g, run_id, rule, location ? location : "")) {
            if (g.rule) rc = rewrite_group(s, up, tri, &g, err);
            group_clear(&g);
            g.run_id = run_id;
            g.rule = rl_xstrdup(rule);
            g.location = rl_xstrdup(location ? location : "");
        }
        if (g.nids == 0 || g.ids[g.nids - 1] != id) RL_PUSH(g.ids, g.nids, g.cap_ids, id);
        if (function) RL_PUSH(g.functions, g.nfunctions, g.cap_functions, rl_xstrdup(function));
    }
    if (rc == 0 && step != SQLITE_DONE) rc = rls_db_error(s, err, "reading the findings to migrate");
    if (rc == 0 && g.rule) rc = rewrite_group(s, up, tri, &g, err);
    group_clear(&g);
    sqlite3_finalize(sel);
    sqlite3_finalize(up);
    sqlite3_finalize(tri);
    return rc;
}
