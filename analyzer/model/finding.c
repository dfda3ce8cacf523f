/* Finding lists (finding.h). */
#include "finding.h"
#include "../util/mem.h"
#include <stdlib.h>
#include <string.h>

rl_finding *rl_findings_add(rl_findings *list)
{
    RL_GROW(list->items, list->cap, list->len + 1);
    rl_finding *f = &list->items[list->len++];
    memset(f, 0, sizeof *f);
    return f;
}

rl_event *rl_finding_add_event(rl_finding *f)
{
    f->events = rl_xrealloc(f->events, (f->nevents + 1) * sizeof *f->events);
    rl_event *ev = &f->events[f->nevents++];
    memset(ev, 0, sizeof *ev);
    return ev;
}

void rl_event_add_frame(rl_event *ev, const char *function, const char *file, unsigned line, unsigned col)
{
    ev->chain = rl_xrealloc(ev->chain, (ev->nchain + 1) * sizeof *ev->chain);
    rl_frame *fr = &ev->chain[ev->nchain++];
    fr->function = rl_xstrdup(function ? function : "?");
    fr->site.file = rl_xstrdup(file ? file : "");
    fr->site.line = line;
    fr->site.col = col;
}

void rl_event_add_lock(rl_event *ev, const char *lock)
{
    ev->locks = rl_xrealloc(ev->locks, (ev->nlocks + 1) * sizeof *ev->locks);
    ev->locks[ev->nlocks++] = rl_xstrdup(lock);
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *pa, const void *pb)
{
    const rl_finding *a = pa, *b = pb;
    if (a->rank != b->rank) return a->rank > b->rank ? -1 : 1;
    const rl_position *x = a->nevents ? &a->events[0].pos : NULL;
    const rl_position *y = b->nevents ? &b->events[0].pos : NULL;
    if (x && y) {
        int c = cmp_str(x->file, y->file);
        if (c) return c;
        if (x->line != y->line) return x->line < y->line ? -1 : 1;
        if (x->col != y->col) return x->col < y->col ? -1 : 1;
    }
    int c = cmp_str(a->rule, b->rule);
    return c ? c : strcmp(a->fingerprint, b->fingerprint);
}

void rl_findings_sort(rl_findings *list)
{
    if (list->len > 1) qsort(list->items, list->len, sizeof *list->items, cmp_finding);
}

static void free_event(rl_event *ev)
{
    free(ev->pos.file);
    free(ev->function);
    free(ev->kind);
    free(ev->what);
    free(ev->thread);
    free(ev->spawn.file);
    for (size_t i = 0; i < ev->nchain; i++) {
        free(ev->chain[i].function);
        free(ev->chain[i].site.file);
    }
    free(ev->chain);
    for (size_t i = 0; i < ev->nlocks; i++) free(ev->locks[i]);
    free(ev->locks);
}

void rl_findings_free(rl_findings *list)
{
    for (size_t i = 0; i < list->len; i++) {
        rl_finding *f = &list->items[i];
        free(f->rule);
        free(f->location);
        free(f->message);
        free(f->hint);
        free(f->suppression);
        for (size_t j = 0; j < f->nevents; j++) free_event(&f->events[j]);
        free(f->events);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}

const char *rl_severity_name(rl_severity sev)
{
    switch (sev) {
    case RL_SEV_NOTE: return "note";
    case RL_SEV_ERROR: return "error";
    default: return "warning";
    }
}
