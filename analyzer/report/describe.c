/* The wording of events (report_internal.h), one for every report: the
 * SARIF messages and the GitLab code quality issues say an event with the
 * same words, and the text, HTML and SARIF reports agree on when a site is
 * "the same access in another instance" of its thread.
 *
 * Invariants: names from the code are copied as they are (each report
 * escapes for its own medium: SARIF's link brackets here when asked,
 * JSON by jansson); a missing kind reads "access", a missing thread "?". */
#include "report_internal.h"

#include <stdlib.h>
#include <string.h>

int rl_report_same_text(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

int rl_report_same_access(const rl_event *a, const rl_event *b)
{
    return rl_report_same_text(a->pos.file, b->pos.file) && a->pos.line == b->pos.line && a->pos.col == b->pos.col &&
           rl_report_same_text(a->thread, b->thread) && rl_report_same_text(a->kind, b->kind);
}

/* Plain text inside a message that has embedded links: SARIF (3.11.6)
 * wants literal brackets escaped, so that "buf[]" is not read as a link. */
void rl_report_append_escaped(rl_strbuf *sb, const char *s, int links)
{
    for (; s && *s; s++) {
        if (links && (*s == '[' || *s == ']' || *s == '\\')) rl_sb_appendc(sb, '\\');
        rl_sb_appendc(sb, *s);
    }
}

/* "read-write in thread 'teller'" or "the same read-write in another
 * instance of thread 'teller'" */
void rl_report_describe_side(rl_strbuf *sb, const rl_event *ev, const rl_event *prev, int links)
{
    const char *kind = ev->kind ? ev->kind : "access";
    if (prev && rl_report_same_access(prev, ev)) rl_sb_append(sb, "the same ");
    rl_report_append_escaped(sb, kind, links);
    rl_sb_append(sb, prev && rl_report_same_access(prev, ev) ? " in another instance of thread '" : " in thread '");
    rl_report_append_escaped(sb, ev->thread ? ev->thread : "?", links);
    rl_sb_appendc(sb, '\'');
}

/* ", holding 'a', 'b'" / ", holding no locks" */
void rl_report_describe_locks(rl_strbuf *sb, const rl_event *ev)
{
    if (ev->nlocks == 0) rl_sb_append(sb, ", holding no locks");
    for (size_t i = 0; i < ev->nlocks; i++) rl_sb_printf(sb, "%s'%s'", i ? ", " : ", holding ", ev->locks[i]);
}

/* The message of one event's location: "write of 'x' in bump(), thread
 * 'w' (spawned at main.c:3:5, several instances), holding no locks" */
char *rl_report_event_text(const rl_report_paths *where, const rl_event *ev, const rl_event *prev)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    int again = prev && rl_report_same_access(prev, ev);
    rl_sb_printf(&sb, "%s%s", again ? "the same " : "", ev->kind ? ev->kind : "access");
    if (ev->what) rl_sb_printf(&sb, " of '%s'", ev->what);
    if (ev->function) rl_sb_printf(&sb, " in %s()", ev->function);
    rl_sb_printf(&sb, ", %sthread '%s'", again ? "another instance of " : "", ev->thread ? ev->thread : "?");
    if (ev->spawn.line > 0) {
        char *spawn = rl_report_display_path(where, ev->spawn.file);
        rl_sb_printf(&sb, " (spawned at %s:%u:%u%s)", spawn, ev->spawn.line, ev->spawn.col,
                     ev->multi_instance ? ", several instances" : "");
        free(spawn);
    }
    rl_report_describe_locks(&sb, ev);
    return rl_sb_take(&sb);
}
