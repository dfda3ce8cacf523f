/* Finding lists (finding.h). */
#include "finding.h"
#include "../util/mem.h"
#include "../util/ptrmap.h"
#include "../util/strbuf.h"
#include "../util/strpool.h"
#include <stdint.h>
#include <stdio.h>
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

void rl_finding_add_program(rl_finding *f, const char *program)
{
    for (size_t i = 0; i < f->nprograms; i++)
        if (strcmp(f->programs[i], program) == 0) return;
    f->programs = rl_xrealloc(f->programs, (f->nprograms + 1) * sizeof *f->programs);
    f->programs[f->nprograms++] = rl_xstrdup(program);
}

void rl_finding_add_pair(rl_finding *f, unsigned a, unsigned b)
{
    f->pairs_total++;
    if (f->npairs >= RL_MAX_PAIRS) return;
    f->pairs = rl_xrealloc(f->pairs, (f->npairs + 1) * sizeof *f->pairs);
    f->pairs[f->npairs++] = (rl_pair){a, b};
}

size_t rl_finding_sites(const rl_finding *f)
{
    if (!f->npairs || f->nevents < 2) return f->nevents;
    const rl_event *first = &f->events[0], *last = &f->events[f->nevents - 1];
    int again = f->pairs[0].a == 0 && f->pairs[0].b == f->nevents - 1 && first->pos.line == last->pos.line &&
                first->pos.col == last->pos.col && strcmp(first->pos.file, last->pos.file) == 0;
    return f->nevents - (again ? 1 : 0);
}

static void free_finding(rl_finding *f);

/* The identity of a finding across programs: its rule, fingerprint and
 * primary position (two sites of one function can share a fingerprint,
 * and stay two findings). Heap string. */
static char *merge_key(const rl_finding *f)
{
    const rl_position *p = f->nevents ? &f->events[0].pos : NULL;
    return rl_xasprintf("%s %s %s:%u:%u", f->rule, f->fingerprint, p && p->file ? p->file : "", p ? p->line : 0,
                        p ? p->col : 0);
}

/* A linear scan per finding would be quadratic on large runs; findings are
 * looked up by merge_key through one map, built per merge. */
void rl_findings_merge(rl_findings *dst, rl_findings *src, const char *program)
{
    rl_strpool *pool = rl_strpool_new();
    rl_ptrmap seen = RL_PTRMAP_INIT;
    for (size_t i = 0; i < dst->len; i++) {
        char *key = merge_key(&dst->items[i]);
        rl_ptrmap_put(&seen, rl_intern(pool, key), (void *)(intptr_t)(i + 1));
        free(key);
    }
    for (size_t i = 0; i < src->len; i++) {
        rl_finding *f = &src->items[i];
        char *key = merge_key(f);
        void **slot = rl_ptrmap_slot(&seen, rl_intern(pool, key));
        free(key);
        if (*slot) {
            rl_finding_add_program(&dst->items[(intptr_t)*slot - 1], program);
            free_finding(f);
            continue;
        }
        rl_finding *copy = rl_findings_add(dst);
        *copy = *f;
        rl_finding_add_program(copy, program);
        *slot = (void *)(intptr_t)dst->len;
    }
    free(src->items);
    memset(src, 0, sizeof *src);
    rl_ptrmap_free(&seen);
    rl_strpool_free(pool);
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *pa, const void *pb)
{
    const rl_finding *a = pa, *b = pb;
    if (a->severity != b->severity) return a->severity > b->severity ? -1 : 1;
    if (a->confidence != b->confidence) return a->confidence < b->confidence ? -1 : 1;
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

static void free_chain(rl_event *ev)
{
    for (size_t i = 0; i < ev->nchain; i++) {
        free(ev->chain[i].function);
        free(ev->chain[i].site.file);
    }
    free(ev->chain);
    ev->chain = NULL;
    ev->nchain = 0;
}

void rl_finding_drop_unpaired_chains(rl_finding *f)
{
    if (!f->npairs) return;
    for (size_t e = 1; e < f->nevents; e++) {
        int paired = 0;
        for (size_t p = 0; p < f->npairs && !paired; p++) paired = f->pairs[p].a == e || f->pairs[p].b == e;
        if (!paired) free_chain(&f->events[e]);
    }
}

static void free_event(rl_event *ev)
{
    free(ev->pos.file);
    free(ev->function);
    free(ev->kind);
    free(ev->what);
    free(ev->thread);
    free(ev->spawn.file);
    free_chain(ev);
    for (size_t i = 0; i < ev->nlocks; i++) free(ev->locks[i]);
    free(ev->locks);
}

static void free_finding(rl_finding *f)
{
    free(f->rule);
    free(f->location);
    free(f->message);
    free(f->hint);
    free(f->suppression);
    for (size_t j = 0; j < f->nevents; j++) free_event(&f->events[j]);
    free(f->events);
    free(f->pairs);
    for (size_t j = 0; j < f->nprograms; j++) free(f->programs[j]);
    free(f->programs);
}

size_t rl_findings_keep(rl_findings *list, int (*keep)(const rl_finding *f, const void *ctx), const void *ctx)
{
    size_t kept = 0, removed = 0;
    for (size_t i = 0; i < list->len; i++) {
        if (keep(&list->items[i], ctx)) {
            list->items[kept++] = list->items[i];
        } else {
            free_finding(&list->items[i]);
            removed++;
        }
    }
    list->len = kept;
    return removed;
}

void rl_findings_free(rl_findings *list)
{
    for (size_t i = 0; i < list->len; i++) free_finding(&list->items[i]);
    free(list->items);
    memset(list, 0, sizeof *list);
}

size_t rl_findings_filter(rl_findings *list, int (*keep)(const rl_finding *f, void *ctx), void *ctx)
{
    size_t kept = 0;
    for (size_t i = 0; i < list->len; i++) {
        if (keep(&list->items[i], ctx))
            list->items[kept++] = list->items[i];
        else
            free_finding(&list->items[i]);
    }
    size_t dropped = list->len - kept;
    list->len = kept;
    return dropped;
}

const char *rl_severity_name(rl_severity sev)
{
    switch (sev) {
    case RL_SEV_NOTE: return "note";
    case RL_SEV_ERROR: return "error";
    default: return "warning";
    }
}

static const char *const confidence_names[] = {"high", "medium", "low"};

const char *rl_confidence_name(rl_confidence c)
{
    return c <= RL_CONF_LOW ? confidence_names[c] : "low";
}

int rl_confidence_parse(const char *name)
{
    for (int i = 0; name && i <= RL_CONF_LOW; i++)
        if (strcmp(name, confidence_names[i]) == 0) return i;
    return -1;
}

static int cmp_cstr(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

void rl_location_fingerprint(char out[17], const char *rule, const char *location, const char *const *functions,
                             size_t nfunctions)
{
    const char **sorted = rl_xcalloc(nfunctions + 1, sizeof *sorted);
    memcpy(sorted, functions, nfunctions * sizeof *functions);
    qsort(sorted, nfunctions, sizeof *sorted, cmp_cstr);
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%s\x1f%s", rule, location);
    for (size_t i = 0; i < nfunctions; i++)
        if (i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0) rl_sb_printf(&sb, "\x1f%s", sorted[i]);
    uint64_t h = rl_hash_bytes(rl_sb_str(&sb), sb.len, 0);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    rl_sb_free(&sb);
    free(sorted);
}

void rl_notices_free(rl_notice *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(list[i].code);
        free(list[i].program);
        free(list[i].message);
    }
    free(list);
}

rl_notice *rl_notices_copy(const rl_notice *list, size_t n)
{
    if (n == 0) return NULL;
    rl_notice *out = rl_xcalloc(n, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i].code = rl_xstrdup(list[i].code);
        out[i].program = list[i].program ? rl_xstrdup(list[i].program) : NULL;
        out[i].message = rl_xstrdup(list[i].message);
    }
    return out;
}

int rl_notice_is_limit(const rl_notice *n)
{
    return strncmp(n->code, "limit-", strlen("limit-")) == 0 || strcmp(n->code, "threads-not-found") == 0;
}
