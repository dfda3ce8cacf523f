/* Callbacks installed for the duration of one call (scoped.h). */
#include "scoped.h"
#include "../util/mem.h"
#include "../util/ptrmap.h"
#include "../util/strbuf.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What a function-pointer value looks like in the facts (facts.h): "fn:"
 * and the USR, or "fn:" alone for a null function pointer. */
#define FUNCTION_PREFIX "fn:"
#define FUNCTION_PREFIX_LEN 3

enum { NOT_A_VALUE = 0, SCOPED, UNSCOPED };

typedef struct scopes {
    int *fns;             /* functions that install and remove it */
    size_t n, cap;
} scopes;

struct rl_scoped {
    rl_program *p;
    unsigned char *state; /* per function: NOT_A_VALUE, SCOPED or UNSCOPED */
    scopes *scopes;       /* per function, for SCOPED ones */
    rl_ptrmap setters;    /* "p:X#k" (program-interned) -> 1: the parameters
                             scoped callbacks are passed to */
    rl_ptrmap reach;      /* entry function index + 1 -> reachable bitmap */
};

/* The program function a "fn:USR" argument names, or -1 (a null
 * pointer, a library function, anything else). */
static int function_value(const rl_program *p, const char *v)
{
    if (!v || strncmp(v, FUNCTION_PREFIX, FUNCTION_PREFIX_LEN) != 0 || !v[FUNCTION_PREFIX_LEN]) return -1;
    const char *usr = rl_strpool_find(p->pool, v + FUNCTION_PREFIX_LEN);
    return usr ? rl_program_find(p, usr) : -1;
}

/* Whether two calls pass the same objects: every pointer argument but
 * function pointers has the same value; numbers, constants ("#=K") or
 * not (""), are no objects (`lua_sethook(L, hook, MASK, n)` is undone by
 * `lua_sethook(L, NULL, 0, 0)`). A removal works on the object the hook
 * was installed on; a setter called with NULLs on something else
 * (memcached's thread_io_queue_add(me, IO_QUEUE_NONE, NULL, ...), a
 * list's terminator) removes nothing. */
static int same_objects(const rl_node *a, const rl_node *b)
{
    if (a->nargs != b->nargs) return 0;
    size_t constant = strlen(RL_INT_CONSTANT_ARG);
    for (int32_t i = 0; i < a->nargs; i++) {
        const char *x = a->args[i] ? a->args[i] : "", *y = b->args[i] ? b->args[i] : "";
        if (strncmp(x, FUNCTION_PREFIX, FUNCTION_PREFIX_LEN) == 0) continue;
        if (strncmp(x, RL_INT_CONSTANT_ARG, constant) == 0) x = "";
        if (strncmp(y, RL_INT_CONSTANT_ARG, constant) == 0) y = "";
        if (strcmp(x, y) != 0) return 0;
    }
    return 1;
}

/* Whether fn, after its node `from`, calls the same direct callee on the
 * same objects with a null function pointer as argument k: the hook is
 * removed again. */
static int removed_later(const rl_fn_info *info, int32_t from, int32_t k)
{
    const rl_function *f = info->fn;
    for (int32_t j = from + 1; j < f->nnodes; j++) {
        const rl_node *n = &f->nodes[j];
        if (n->kind == RL_N_CALL && info->callees[j] == info->callees[from] && k < n->nargs && n->args[k] &&
            strcmp(n->args[k], FUNCTION_PREFIX) == 0 && same_objects(&f->nodes[from], n))
            return 1;
    }
    return 0;
}

static void add_scope(rl_scoped *s, int fn, int scope)
{
    scopes *sc = &s->scopes[fn];
    for (size_t i = 0; i < sc->n; i++)
        if (sc->fns[i] == scope) return;
    RL_GROW(sc->fns, sc->cap, sc->n + 1);
    sc->fns[sc->n++] = scope;
}

static void mark_unscoped(rl_scoped *s, int fn)
{
    s->state[fn] = UNSCOPED;
    s->scopes[fn].n = 0;
}

/* The setter parameter "p:X#k" an argument is passed to, interned. */
static const char *setter_param(rl_program *p, const char *callee, int32_t k)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, "p:");
    rl_sb_append(&sb, callee);
    rl_sb_append(&sb, "#");
    rl_sb_append_int(&sb, k);
    const char *r = rl_intern(p->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return r;
}

/* Every function value passed as an argument of a direct call: scoped
 * when removed later in the same function, or passed by itself. */
static void scan_calls(rl_scoped *s)
{
    rl_program *p = s->p;
    for (size_t g = 0; g < p->nfns; g++) {
        const rl_fn_info *info = &p->fns[g];
        const rl_function *f = info->fn;
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            for (int32_t k = 0; k < n->nargs; k++) {
                int fn = function_value(p, n->args[k]);
                if (fn < 0 || s->state[fn] == UNSCOPED) continue;
                int scoped = n->kind == RL_N_CALL && info->callees[i] &&
                             ((size_t)fn == g || removed_later(info, i, k));
                if (!scoped) {
                    mark_unscoped(s, fn);
                    continue;
                }
                s->state[fn] = SCOPED;
                if ((size_t)fn != g) add_scope(s, fn, (int)g);
                rl_ptrmap_put(&s->setters, setter_param(p, info->callees[i], k), (void *)1);
            }
        }
    }
}

/* Invariant 1: a function value that flows anywhere but into the setter
 * parameters seen above (a store, an initialiser, a return, a setter
 * with no removal) makes the function unscoped. */
static void scan_flows(rl_scoped *s)
{
    rl_program *p = s->p;
    for (size_t u = 0; u < p->nunits; u++) {
        const rl_unit_facts *facts = p->units[u];
        for (int32_t i = 0; i < facts->nfnflows; i++) {
            const rl_fnflow *fl = &facts->fnflows[i];
            int fn = function_value(p, fl->src);
            if (fn < 0 || s->state[fn] != SCOPED) continue;
            const char *dst = rl_strpool_find(p->pool, fl->dst);
            if (fl->kind != RL_FNFLOW_COPY || !dst || !rl_ptrmap_get(&s->setters, dst)) mark_unscoped(s, fn);
        }
    }
}

rl_scoped *rl_scoped_new(rl_program *p)
{
    rl_scoped *s = rl_xcalloc(1, sizeof *s);
    s->p = p;
    s->state = rl_xcalloc(p->nfns + 1, 1);
    s->scopes = rl_xcalloc(p->nfns + 1, sizeof *s->scopes);
    scan_calls(s);
    scan_flows(s);
    /* A callback that only ever re-arms itself has no scope: nothing says
     * where it runs, so it stays an ordinary callback. */
    for (size_t i = 0; i < p->nfns; i++)
        if (s->state[i] == SCOPED && s->scopes[i].n == 0) mark_unscoped(s, (int)i);
    return s;
}

void rl_scoped_free(rl_scoped *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->p->nfns; i++) free(s->scopes[i].fns);
    free(s->scopes);
    free(s->state);
    for (size_t i = 0; i < s->reach.nslots; i++)
        if (s->reach.keys[i]) free(s->reach.values[i]);
    rl_ptrmap_free(&s->reach);
    rl_ptrmap_free(&s->setters);
    free(s);
}

/* Whether a scoped callback has a scope in the reached set. */
static int scope_reached(const rl_scoped *s, const unsigned char *reached, int fn)
{
    for (size_t i = 0; i < s->scopes[fn].n; i++)
        if (reached[s->scopes[fn].fns[i]]) return 1;
    return 0;
}

/* The functions a thread entered at `entry` can reach (invariant 2): a
 * worklist over calls; a scoped callback reached through a pointer waits
 * until one of its scopes is reached, and each time a new function is
 * reached the waiting ones are looked at again. */
static unsigned char *reachable_from(rl_scoped *s, int entry)
{
    rl_program *p = s->p;
    unsigned char *reached = rl_xcalloc(p->nfns + 1, 1);
    unsigned char *waiting = rl_xcalloc(p->nfns + 1, 1);
    int *work = rl_xmalloc((p->nfns + 1) * sizeof *work);
    size_t nwork = 0;
    reached[entry] = 1;
    work[nwork++] = entry;
    for (;;) {
        while (nwork) {
            int fn = work[--nwork];
            const rl_fn_info *info = &p->fns[fn];
            for (int32_t i = 0; i < info->fn->nnodes; i++) {
                int one, weak;
                size_t count;
                const int *callees = rl_program_callees(p, info, i, &one, &count, &weak);
                for (size_t k = 0; k < count; k++) {
                    int c = callees[k];
                    if (reached[c]) continue;
                    if (!info->callees[i] && s->state[c] == SCOPED) {
                        waiting[c] = 1;
                        continue;
                    }
                    reached[c] = 1;
                    work[nwork++] = c;
                }
            }
        }
        /* the waiting callbacks whose scope is now reached */
        for (size_t c = 0; c < p->nfns; c++)
            if (waiting[c] && !reached[c] && scope_reached(s, reached, (int)c)) {
                reached[c] = 1;
                work[nwork++] = (int)c;
            }
        if (!nwork) break;
    }
    free(work);
    free(waiting);
    return reached;
}

int rl_scoped_allows(rl_scoped *s, int entry, int fn)
{
    if (!s || fn < 0 || (size_t)fn >= s->p->nfns || s->state[fn] != SCOPED) return 1;
    if (entry < 0 || (size_t)entry >= s->p->nfns) return 1;
    void **slot = rl_ptrmap_slot(&s->reach, (const void *)(intptr_t)(entry + 1));
    if (!*slot) *slot = reachable_from(s, entry);
    return scope_reached(s, *slot, fn);
}
