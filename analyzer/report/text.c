/* The text report (report.h): compiler-style diagnostics that editors and
 * CI logs already understand. One warning line per finding, then a note per
 * event saying which thread does what, through which calls, holding what. */
#include "report.h"
#include <string.h>

static void print_position(FILE *out, const rl_position *pos)
{
    fprintf(out, "%s:%u:%u", pos->file ? pos->file : "?", pos->line, pos->col);
}

static int same_text(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* The same access by another instance of the same thread (a self-race). */
static int same_access(const rl_event *a, const rl_event *b)
{
    return same_text(a->pos.file, b->pos.file) && a->pos.line == b->pos.line && a->pos.col == b->pos.col &&
           same_text(a->thread, b->thread) && same_text(a->kind, b->kind);
}

/* "KIND in thread 'T' (spawned at P, several instances) via A -> B, holding 'l'" */
static void print_event(FILE *out, const rl_event *ev, const rl_event *prev)
{
    print_position(out, &ev->pos);
    if (prev && same_access(prev, ev)) {
        fprintf(out, ": note: the same %s in another instance of thread '%s'\n", ev->kind ? ev->kind : "access",
                ev->thread ? ev->thread : "?");
        return;
    }
    fprintf(out, ": note: %s in thread '%s'", ev->kind ? ev->kind : "access", ev->thread ? ev->thread : "?");
    if (ev->spawn.line > 0) {
        fputs(" (spawned at ", out);
        print_position(out, &ev->spawn);
        fputs(ev->multi_instance ? ", several instances)" : ")", out);
    }
    for (size_t i = 0; i < ev->nchain; i++) fprintf(out, "%s%s", i ? " -> " : " via ", ev->chain[i].function);
    if (ev->nlocks == 0) fputs(", holding no locks", out);
    for (size_t i = 0; i < ev->nlocks; i++) fprintf(out, "%s'%s'", i ? ", " : ", holding ", ev->locks[i]);
    fputc('\n', out);
}

/* Where a finding's own lines start: its primary position. A finding
 * without events has none, so the tool's name stands in, as compilers do
 * for diagnostics that belong to no line. */
static void print_origin(FILE *out, const rl_finding *f)
{
    if (f->nevents)
        print_position(out, &f->events[0].pos);
    else
        fputs("racelint", out);
}

static void print_finding(FILE *out, const rl_finding *f)
{
    print_origin(out, f);
    fprintf(out, ": %s: %s [%s]", rl_severity_name(f->severity), f->message ? f->message : "",
            f->rule ? f->rule : "?");
    if (f->suppressed) {
        if (f->suppression)
            fprintf(out, " (suppressed: %s)", f->suppression);
        else
            fputs(" (suppressed)", out);
    }
    fputc('\n', out);

    for (size_t i = 0; i < f->nevents; i++) print_event(out, &f->events[i], i ? &f->events[i - 1] : NULL);

    if (f->hint) {
        print_origin(out, f);
        fprintf(out, ": note: hint: %s\n", f->hint);
    }
}

void rl_report_text(FILE *out, const rl_findings *findings)
{
    for (size_t i = 0; i < findings->len; i++) print_finding(out, &findings->items[i]);
}
