/* Finding evidence shared by the rules (evidence.h). */
#include "evidence.h"
#include "model/place.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Call chains longer than this are cut in the middle of the report. */
#define MAX_CHAIN 64

/* Doubts at which confidence drops to medium, then to low. */
#define DOUBTS_MEDIUM 1
#define DOUBTS_LOW 2

rl_confidence rl_evidence_confidence(int doubts)
{
    return doubts >= DOUBTS_LOW ? RL_CONF_LOW : doubts >= DOUBTS_MEDIUM ? RL_CONF_MEDIUM : RL_CONF_HIGH;
}

int rl_evidence_lock_doubts(const rl_model *m, int ctx, const char *lock)
{
    return (rl_model_ctx_via_indirect(m, ctx) ? 1 : 0) + (rl_place_is_single_object(lock) ? 0 : 1);
}

const char *rl_access_kind_name(uint8_t flags)
{
    int atomic = (flags & RL_ACC_ATOMIC) != 0;
    if ((flags & RL_ACC_WRITE) && (flags & RL_ACC_READ)) return atomic ? "atomic read-write" : "read-write";
    if (flags & RL_ACC_WRITE) return atomic ? "atomic write" : "write";
    return atomic ? "atomic read" : "read";
}

char *rl_evidence_location(const rl_access *a)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_place_pretty(a->place, &sb);
    return rl_sb_take(&sb);
}

/* What rl_place_pretty writes for a heap root. */
#define HEAP_PRETTY "(heap object)"

/* The function named fn of the program (the first of that name), or NULL. */
static const rl_function *function_named(const rl_model *m, const char *fn, size_t len)
{
    for (size_t i = 0; i < m->program->nfns; i++) {
        const char *name = m->program->fns[i].name;
        if (name && strlen(name) == len && strncmp(name, fn, len) == 0) return m->program->fns[i].fn;
    }
    return NULL;
}

void rl_evidence_name(const rl_model *m, const char *place, rl_strbuf *out)
{
    rl_strbuf pretty = RL_STRBUF_INIT;
    rl_place_pretty(place, &pretty);
    const char *p = place[0] == '&' ? place + 1 : place;
    /* "t<N>:<fn>:H<line>_<col>..." : an object fn allocates (a
     * once-routine's "once:<fn>:H..." too) */
    size_t q = rl_place_qualifier_len(p);
    const char *fn = q ? strchr(p, ':') : NULL;
    const char *root = fn ? p + q - 1 : NULL;
    unsigned line = 0;
    if (root && root[1] == 'H' && strncmp(rl_sb_str(&pretty), HEAP_PRETTY, strlen(HEAP_PRETTY)) == 0 &&
        sscanf(root + 2, "%u_", &line) == 1) {
        size_t fn_len = (size_t)(root - fn - 1);
        const rl_function *f = function_named(m, fn + 1, fn_len);
        const char *file = f && f->loc.file ? f->loc.file : NULL;
        const char *base = file && strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
        rl_sb_append(out, "(object allocated at ");
        if (base) rl_sb_printf(out, "%s:", base);
        rl_sb_printf(out, "%u in %.*s)", line, (int)fn_len, fn + 1);
        rl_sb_append(out, rl_sb_str(&pretty) + strlen(HEAP_PRETTY));
    } else {
        rl_sb_append(out, rl_sb_str(&pretty));
    }
    rl_sb_free(&pretty);
}

void rl_evidence_lock_name(const rl_model *m, const char *lock, rl_strbuf *out)
{
    rl_strbuf shown = RL_STRBUF_INIT;
    rl_model_lock_display(m, lock, &shown);
    if (strstr(rl_sb_str(&shown), HEAP_PRETTY))
        rl_evidence_name(m, lock, out);
    else
        rl_sb_append(out, rl_sb_str(&shown));
    rl_sb_free(&shown);
}

/* Whether an expression as written names something (an identifier), not
 * only punctuation such as a bare `*`. */
static int names_something(const char *s)
{
    for (; s && *s; s++)
        if (isalpha((unsigned char)*s) || *s == '_') return 1;
    return 0;
}

char *rl_evidence_what(const rl_model *m, const rl_access *a)
{
    const rl_node *n = &rl_model_ctx_function(m, a->ctx)->nodes[a->node];
    if (names_something(n->display)) return rl_xstrdup(n->display);
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_evidence_name(m, a->place, &sb);
    return rl_sb_take(&sb);
}

int rl_evidence_in_lock_wrapper(const rl_model *m, int ctx)
{
    const rl_fn_flow *ff = &m->flow->fns[m->ctxs[ctx].fn];
    return ff->exit_held && ff->exit_held->n > 0;
}

int rl_evidence_lock_site(const rl_model *m, int ctx, int32_t *node)
{
    while (m->ctxs[ctx].parent_ctx >= 0 && m->ctxs[ctx].call_node >= 0 && rl_evidence_in_lock_wrapper(m, ctx)) {
        *node = m->ctxs[ctx].call_node;
        ctx = m->ctxs[ctx].parent_ctx;
    }
    return ctx;
}

static int cmp_cstr(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

rl_event *rl_evidence_add_node(const rl_model *m, rl_finding *f, int ctx, int32_t node, const char *kind,
                               const rl_lockset *held)
{
    const rl_function *fn = rl_model_ctx_function(m, ctx);
    const rl_node *n = &fn->nodes[node];
    const rl_thread *t = &m->threads[m->ctxs[ctx].thread];
    rl_event *ev = rl_finding_add_event(f);
    ev->pos.file = rl_xstrdup(n->loc.file ? n->loc.file : "");
    ev->pos.line = n->loc.line;
    ev->pos.col = n->loc.col;
    ev->function = rl_xstrdup(fn->name);
    ev->kind = rl_xstrdup(kind);
    ev->what = rl_xstrdup(n->display && n->display[0] ? n->display : "?");
    ev->thread = rl_xstrdup(rl_model_thread_name(m, m->ctxs[ctx].thread));
    if (t->parent >= 0) {
        ev->spawn.file = rl_xstrdup(t->spawn_loc.file ? t->spawn_loc.file : "");
        ev->spawn.line = t->spawn_loc.line;
        ev->spawn.col = t->spawn_loc.col;
    }
    ev->multi_instance = t->multi;

    /* The chain, from the thread entry down to this function. */
    int frames[MAX_CHAIN];
    int nframes = 0;
    for (int ci = ctx; ci >= 0 && nframes < MAX_CHAIN; ci = m->ctxs[ci].shown_parent) frames[nframes++] = ci;
    for (int k = nframes - 1; k >= 0; k--) {
        const rl_ctx *fc = &m->ctxs[frames[k]];
        const rl_function *ff = rl_model_ctx_function(m, frames[k]);
        if (k == nframes - 1) {
            rl_event_add_frame(ev, ff->name, ff->loc.file, ff->loc.line, ff->loc.col);
        } else {
            const rl_node *call = &rl_model_ctx_function(m, fc->shown_parent)->nodes[fc->shown_call];
            rl_event_add_frame(ev, ff->name, call->loc.file, call->loc.line, call->loc.col);
        }
    }

    /* Locks, by their names in the code, sorted for stable output. */
    for (size_t i = 0; held && i < held->n; i++) {
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_evidence_lock_name(m, held->e[i].lock, &sb);
        if (held->e[i].shared) rl_sb_append(&sb, " (read)");
        rl_event_add_lock(ev, rl_sb_str(&sb));
        rl_sb_free(&sb);
    }
    if (ev->nlocks > 1) qsort(ev->locks, ev->nlocks, sizeof *ev->locks, cmp_cstr);
    return ev;
}

void rl_evidence_add_access(const rl_model *m, rl_finding *f, const rl_access *a)
{
    rl_event *ev = rl_evidence_add_node(m, f, a->ctx, a->node, rl_access_kind_name(a->flags), a->held);
    free(ev->what);
    ev->what = rl_evidence_what(m, a);
}

static int ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Appends s to sb without what moves when unrelated code is edited: the
 * thread qualifiers "t<N>:" (thread numbers follow spawn order) and the
 * line and column in heap roots "H<line>_<col>" and call results
 * "@<line>_<col>" (facts.h). A fingerprint must not change when code moves. */
static void append_stable(rl_strbuf *sb, const char *s)
{
    size_t i = 0;
    while (s[i]) {
        int boundary = i == 0 || !ident_char(s[i - 1]);
        size_t j = i + 1;
        while (isdigit((unsigned char)s[j])) j++;
        int digits = j > i + 1;
        if (boundary && s[i] == 't' && digits && s[j] == ':') {
            i = j + 1;
            continue;
        }
        if ((s[i] == '@' || (boundary && s[i] == 'H')) && digits && s[j] == '_' && isdigit((unsigned char)s[j + 1])) {
            size_t k = j + 1;
            while (isdigit((unsigned char)s[k])) k++;
            if (!ident_char(s[k])) {
                rl_sb_appendc(sb, s[i]);
                i = k;
                continue;
            }
        }
        rl_sb_appendc(sb, s[i++]);
    }
}

void rl_evidence_fingerprint(rl_finding *f, const char *location_key, const char **parts, size_t nparts)
{
    const char **sorted = rl_xcalloc(nparts + 1, sizeof *sorted);
    memcpy(sorted, parts, nparts * sizeof *parts);
    qsort(sorted, nparts, sizeof *sorted, cmp_cstr);
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%s\x1f", f->rule);
    append_stable(&sb, location_key);
    for (size_t i = 0; i < nparts; i++) {
        rl_sb_appendc(&sb, '\x1f');
        append_stable(&sb, sorted[i]);
    }
    uint64_t h = rl_hash_bytes(rl_sb_str(&sb), sb.len, 0);
    snprintf(f->fingerprint, sizeof f->fingerprint, "%016llx", (unsigned long long)h);
    rl_sb_free(&sb);
    free(sorted);
}
