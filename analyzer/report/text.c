/* The text report (report.h): compiler-style diagnostics that editors and
 * CI logs already understand. One warning line per finding, then a note per
 * event saying which thread does what, through which calls, holding what.
 * A location's finding (race, write-under-read-lock) is one warning with a
 * note per racing site, the most convincing pair first.
 * Every string that comes from the analysed code (file names, names,
 * messages, reasons) goes through rl_term_write (util/termsafe.h): no
 * control character of a file name reaches the terminal. */
#include "report_internal.h"
#include "../util/termsafe.h"

/* A string from the code, made safe; "?" stands in for a missing one. */
static void put(FILE *out, const char *s)
{
    rl_term_write(out, s ? s : "?");
}

static void print_position(FILE *out, const rl_position *pos)
{
    put(out, pos->file);
    fprintf(out, ":%u:%u", pos->line, pos->col);
}

/* "KIND in thread 'T' (spawned at P, several instances) via A -> B, holding 'l'" */
static void print_event(FILE *out, const rl_event *ev, const rl_event *prev)
{
    print_position(out, &ev->pos);
    if (prev && rl_report_same_access(prev, ev)) {
        fputs(": note: the same ", out);
        put(out, ev->kind ? ev->kind : "access");
        fputs(" in another instance of thread '", out);
        put(out, ev->thread);
        fputs("'\n", out);
        return;
    }
    fputs(": note: ", out);
    put(out, ev->kind ? ev->kind : "access");
    fputs(" in thread '", out);
    put(out, ev->thread);
    fputc('\'', out);
    if (ev->spawn.line > 0) {
        fputs(" (spawned at ", out);
        print_position(out, &ev->spawn);
        fputs(ev->multi_instance ? ", several instances)" : ")", out);
    }
    for (size_t i = 0; i < ev->nchain; i++) {
        fputs(i ? " -> " : " via ", out);
        put(out, ev->chain[i].function);
    }
    if (ev->nlocks == 0) fputs(", holding no locks", out);
    for (size_t i = 0; i < ev->nlocks; i++) {
        fputs(i ? ", '" : ", holding '", out);
        put(out, ev->locks[i]);
        fputc('\'', out);
    }
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

/* "the same KIND in another instance of thread 'T'" for event e. */
static void print_same_again(FILE *out, const rl_event *ev)
{
    print_position(out, &ev->pos);
    fputs(": note: the same ", out);
    put(out, ev->kind ? ev->kind : "access");
    fputs(" in another instance of thread '", out);
    put(out, ev->thread);
    fputs("'\n", out);
}

/* The events of a finding: for a location's finding (with pairs), each
 * site once, the first pair's sides first, a site racing with itself
 * followed by its other instance; otherwise each event, a repeated
 * access said as such. */
static void print_events(FILE *out, const rl_finding *f)
{
    if (!f->npairs) {
        for (size_t i = 0; i < f->nevents; i++) print_event(out, &f->events[i], i ? &f->events[i - 1] : NULL);
        return;
    }
    for (size_t i = 0; i < f->nevents; i++) {
        print_event(out, &f->events[i], NULL);
        if (i == 0 && f->pairs[0].a == 0 && f->pairs[0].b == 0) print_same_again(out, &f->events[0]);
    }
    size_t sites = rl_finding_sites(f);
    if (sites > 2 || f->pairs_total > 1) {
        print_origin(out, f);
        fprintf(out, ": note: %zu sites, %zu racing pair%s; the first two notes are the most convincing\n", sites,
                f->pairs_total, f->pairs_total == 1 ? "" : "s");
    }
}

static void print_finding(FILE *out, const rl_finding *f)
{
    print_origin(out, f);
    fprintf(out, ": %s: ", rl_severity_name(f->severity));
    put(out, f->message ? f->message : "");
    fputs(" [", out);
    put(out, f->rule);
    fputc(']', out);
    if (f->confidence != RL_CONF_HIGH) fprintf(out, " (%s confidence)", rl_confidence_name(f->confidence));
    if (f->suppressed) {
        if (f->suppression) {
            fputs(" (suppressed: ", out);
            put(out, f->suppression);
            fputc(')', out);
        } else {
            fputs(" (suppressed)", out);
        }
    }
    fputc('\n', out);

    print_events(out, f);

    if (f->hint) {
        print_origin(out, f);
        fputs(": note: hint: ", out);
        put(out, f->hint);
        fputc('\n', out);
    }
}

void rl_report_text(FILE *out, const rl_findings *findings)
{
    for (size_t i = 0; i < findings->len; i++)
        if (!findings->items[i].hidden) print_finding(out, &findings->items[i]);
}
