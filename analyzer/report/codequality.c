/* The GitLab code quality report (report.h, docs/ci.md): a JSON array of
 * issues, one per finding that is neither suppressed nor hidden, in the
 * findings' order. Built as a jansson tree and dumped in one go.
 *
 * Invariants: an issue's fingerprint is the rule id and the finding's
 * fingerprint, so GitLab follows a finding across edits as racelint's
 * baselines do; its events are worded as in SARIF (describe.c) and its
 * paths shown as in every report (paths.c). */
#include "report_internal.h"

#include "../model/finding_json.h"
#include "../util/mem.h"
#include <stdlib.h>

/* GitLab's severities: info, minor, major, critical, blocker. */
static const char *codequality_severity(rl_severity sev)
{
    switch (sev) {
    case RL_SEV_ERROR: return "critical";
    case RL_SEV_WARNING: return "major";
    default: return "info";
    }
}

int rl_report_codequality(FILE *out, const rl_run_info *run, const rl_findings *findings,
                          const rl_sarif_options *opts, rl_error *err)
{
    rl_report_paths cx = {run ? run->directory : NULL, opts ? opts->src_root : NULL};
    json_t *list = json_array();
    for (size_t i = 0; findings && i < findings->len; i++) {
        const rl_finding *f = &findings->items[i];
        if (f->suppressed || f->hidden) continue;
        json_t *issue = json_object();
        json_object_set_new(issue, "type", json_string("issue"));
        json_object_set_new(issue, "check_name", rl_json_text(f->rule ? f->rule : "unknown"));

        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_append(&sb, f->message ? f->message : "");
        for (size_t e = 0; e < f->nevents; e++) {
            rl_sb_append(&sb, e ? " and " : ": ");
            rl_report_describe_side(&sb, &f->events[e], e ? &f->events[e - 1] : NULL, 0);
        }
        json_object_set_new(issue, "description", rl_json_text(rl_sb_str(&sb)));
        rl_sb_truncate(&sb, 0);
        for (size_t e = 0; e < f->nevents; e++) {
            const rl_event *ev = &f->events[e];
            char *path = rl_report_display_path(&cx, ev->pos.file);
            char *text = rl_report_event_text(&cx, ev, e ? &f->events[e - 1] : NULL);
            rl_sb_printf(&sb, "- `%s:%u:%u`: %s\n", path, ev->pos.line, ev->pos.col, text);
            free(text);
            free(path);
        }
        if (f->hint) rl_sb_printf(&sb, "\nHint: %s\n", f->hint);
        json_t *content = json_object();
        json_object_set_new(content, "body", rl_json_text(rl_sb_str(&sb)));
        json_object_set_new(issue, "content", content);
        rl_sb_free(&sb);

        json_t *categories = json_array();
        json_array_append_new(categories, json_string("Bug Risk"));
        json_object_set_new(issue, "categories", categories);
        json_object_set_new(issue, "severity", json_string(codequality_severity(f->severity)));
        json_object_set_new(issue, "fingerprint", json_sprintf("%s-%s", f->rule ? f->rule : "unknown", f->fingerprint));

        json_t *loc = json_object(), *lines = json_object();
        char *path = f->nevents ? rl_report_display_path(&cx, f->events[0].pos.file) : rl_xstrdup("");
        json_object_set_new(loc, "path", rl_json_text(path));
        free(path);
        json_object_set_new(lines, "begin", json_integer(f->nevents && f->events[0].pos.line ? f->events[0].pos.line : 1));
        json_object_set_new(loc, "lines", lines);
        json_object_set_new(issue, "location", loc);
        json_object_set_new(issue, "engine_name", json_string("racelint"));
        json_array_append_new(list, issue);
    }
    return rl_report_write_json(out, list, "code quality", err);
}
