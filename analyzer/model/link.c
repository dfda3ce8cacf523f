/* Linking units into programs (link.h). The work is a reachability over
 * "unit U refers to a function that unit V defines", from each unit that
 * defines main; it is linear in the size of the facts per program. */
#include "link.h"
#include "../util/mem.h"
#include "../util/ptrmap.h"
#include "../util/strbuf.h"
#include "../util/strpool.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int rl_unit_defines_main(const rl_unit_facts *facts)
{
    for (int32_t i = 0; facts && i < facts->nfns; i++)
        if (strcmp(facts->fns[i].name, "main") == 0) return 1;
    return 0;
}

/* The units' definitions and references, with strings interned in one
 * pool so that USRs of different units compare by pointer. */
typedef struct link_index {
    rl_strpool *pool;
    rl_ptrmap definer;   /* usr -> unit index + 1: the first non-main unit defining it */
    rl_ptrmap others;    /* usr -> unit_list *: every non-main unit defining it,
                            when there are several */
    size_t *nrefs;       /* per unit: how many references it makes */
    const char ***refs;  /* per unit: the USRs it refers to (NULL-terminated) */
    const char ***defs;  /* per unit: the USRs it defines (NULL-terminated) */
    char *is_main;       /* per unit */
} link_index;

typedef struct unit_list {
    size_t *items;
    size_t len, cap;
} unit_list;

/* Records that non-main unit u defines usr. */
static void add_definer(link_index *ix, const char *usr, size_t u)
{
    void **slot = rl_ptrmap_slot(&ix->definer, usr);
    if (!*slot) {
        *slot = (void *)(intptr_t)(u + 1);
        return;
    }
    size_t first = (size_t)((intptr_t)*slot - 1);
    if (first == u) return;
    void **list = rl_ptrmap_slot(&ix->others, usr);
    unit_list *l = *list;
    if (!l) {
        l = *list = rl_xcalloc(1, sizeof *l);
        RL_PUSH(l->items, l->len, l->cap, first);
    }
    for (size_t i = 0; i < l->len; i++)
        if (l->items[i] == u) return;
    RL_PUSH(l->items, l->len, l->cap, u);
}

static void add_ref(const char ***list, size_t *len, size_t *cap, const char *usr)
{
    RL_GROW(*list, *cap, *len + 2);
    (*list)[(*len)++] = usr;
    (*list)[*len] = NULL;
}

/* Whether a function has internal linkage: clang's USR of a static
 * function names its file ("c:file.c@F@name"), an external one does not. */
static int is_static_usr(const char *usr)
{
    return strncmp(usr, "c:@F@", 5) != 0;
}

/* Marks function k live and stacks it, unless it is already. */
static void keep(char *live, int32_t *stack, int32_t *top, int32_t k)
{
    if (k < 0 || live[k]) return;
    live[k] = 1;
    stack[(*top)++] = k;
}

/* The function of the unit a USR names, or -1 (defined elsewhere, or a
 * global variable). */
static int32_t function_of(const rl_ptrmap *index, const char *usr)
{
    void *v = usr ? rl_ptrmap_get(index, usr) : NULL;
    return v ? (int32_t)((intptr_t)v - 1) : -1;
}

/* Which functions of a unit its object file would keep: those of external
 * linkage, and the static ones that kept code calls or names (a static
 * callback stored by a kept function) or that the unit's initializers
 * name (a handler table). A static inline function from a header that
 * nothing kept calls is compiled away, and what its body calls or names
 * pulls in no other unit. Returns a heap array, one flag per function. */
static char *live_functions(const rl_unit_facts *f)
{
    char *live = rl_xcalloc((size_t)f->nfns + 1, 1);
    rl_ptrmap index = RL_PTRMAP_INIT; /* usr -> function index + 1 */
    for (int32_t i = 0; i < f->nfns; i++) rl_ptrmap_put(&index, f->fns[i].usr, (void *)(intptr_t)(i + 1));
    int32_t *stack = rl_xmalloc(((size_t)f->nfns + 1) * sizeof *stack);
    int32_t top = 0;
    for (int32_t i = 0; i < f->nfns; i++)
        if (!is_static_usr(f->fns[i].usr)) keep(live, stack, &top, i);
    for (int32_t i = 0; i < f->ninit_uses; i++) keep(live, stack, &top, function_of(&index, f->init_uses[i]));
    while (top > 0) {
        const rl_function *fn = &f->fns[stack[--top]];
        for (int32_t n = 0; n < fn->nnodes; n++) keep(live, stack, &top, function_of(&index, fn->nodes[n].callee));
        for (int32_t k = 0; k < fn->nuses; k++) keep(live, stack, &top, function_of(&index, fn->uses[k]));
    }
    free(stack);
    rl_ptrmap_free(&index);
    return live;
}

static void index_units(link_index *ix, const rl_unit_facts *const *facts, size_t nunits)
{
    ix->pool = rl_strpool_new();
    ix->refs = rl_xcalloc(nunits + 1, sizeof *ix->refs);
    ix->defs = rl_xcalloc(nunits + 1, sizeof *ix->defs);
    ix->nrefs = rl_xcalloc(nunits + 1, sizeof *ix->nrefs);
    ix->is_main = rl_xcalloc(nunits + 1, 1);
    for (size_t u = 0; u < nunits; u++) {
        const rl_unit_facts *f = facts[u];
        if (!f) continue;
        ix->is_main[u] = (char)rl_unit_defines_main(f);
        size_t len = 0, cap = 0, dlen = 0, dcap = 0;
        char *live = live_functions(f);
        for (int32_t i = 0; i < f->nfns; i++) {
            const rl_function *fn = &f->fns[i];
            const char *usr = rl_intern(ix->pool, fn->usr);
            add_ref(&ix->defs[u], &dlen, &dcap, usr);
            /* A main unit is never linked into another program, so only
             * other units count as definers. */
            if (!ix->is_main[u]) add_definer(ix, usr, u);
            /* An unused static (inline) function refers to nothing: not
             * its calls, nor the globals and functions its body names
             * (crc16.c pulled in redis's t_hash.c, and the whole server,
             * through an inline function of a header reading a global). */
            if (!live[i]) continue;
            for (int32_t n = 0; n < fn->nnodes; n++)
                if (fn->nodes[n].callee) add_ref(&ix->refs[u], &len, &cap, rl_intern(ix->pool, fn->nodes[n].callee));
            for (int32_t k = 0; k < fn->nuses; k++) add_ref(&ix->refs[u], &len, &cap, rl_intern(ix->pool, fn->uses[k]));
        }
        free(live);
        for (int32_t i = 0; i < f->nglobals_defined; i++) {
            const char *usr = rl_intern(ix->pool, f->globals_defined[i]);
            add_ref(&ix->defs[u], &dlen, &dcap, usr);
            if (!ix->is_main[u]) add_definer(ix, usr, u);
        }
        for (int32_t i = 0; i < f->ninit_uses; i++) add_ref(&ix->refs[u], &len, &cap, rl_intern(ix->pool, f->init_uses[i]));
        ix->nrefs[u] = len;
    }
}

static void index_free(link_index *ix, size_t nunits)
{
    for (size_t u = 0; u < nunits; u++) {
        free(ix->refs[u]);
        free(ix->defs[u]);
    }
    free(ix->refs);
    free(ix->defs);
    free(ix->nrefs);
    for (size_t i = 0; i < ix->others.nslots; i++) {
        unit_list *l = ix->others.keys[i] ? ix->others.values[i] : NULL;
        if (l) {
            free(l->items);
            free(l);
        }
    }
    rl_ptrmap_free(&ix->others);
    free(ix->is_main);
    rl_ptrmap_free(&ix->definer);
    rl_strpool_free(ix->pool);
}

/* Marks what unit u defines as defined in the program being linked. */
static void define_all(const link_index *ix, size_t u, rl_ptrmap *defined)
{
    for (const char **d = ix->defs[u]; d && *d; d++) rl_ptrmap_put(defined, *d, (void *)1);
}

/* The units a program starting at the units marked in `seed` takes in,
 * ascending; marks them in `reached`. As a linker does, a symbol that a
 * unit already in the program defines (its own main unit included: a
 * tool's own _serverAssert, a table defined in a header every unit
 * includes) pulls in no other unit. */
static size_t *closure(const link_index *ix, size_t nunits, const char *seed, char *reached, size_t *count)
{
    char *in = rl_xcalloc(nunits + 1, 1);
    size_t *stack = rl_xmalloc((nunits + 1) * sizeof *stack);
    rl_ptrmap defined = RL_PTRMAP_INIT;
    size_t top = 0;
    for (size_t u = 0; u < nunits; u++)
        if (seed[u]) {
            in[u] = 1;
            stack[top++] = u;
            define_all(ix, u, &defined);
        }
    /* Symbols several units define (redisassert.c's and debug.c's
     * _serverPanic) wait until the ones with one definer are all in: one
     * of those may bring a definition. Then the smallest definer (the
     * fewest references) is taken, as the tool's build most likely does. */
    const char **pending = NULL;
    size_t npending = 0, cap_pending = 0;
    for (;;) {
        while (top > 0) {
            size_t u = stack[--top];
            for (const char **r = ix->refs[u]; r && *r; r++) {
                if (rl_ptrmap_get(&defined, *r)) continue;
                void *v = rl_ptrmap_get(&ix->definer, *r);
                if (!v) continue;
                if (rl_ptrmap_get(&ix->others, *r)) {
                    RL_PUSH(pending, npending, cap_pending, *r);
                    continue;
                }
                size_t d = (size_t)((intptr_t)v - 1);
                if (in[d]) continue;
                in[d] = 1;
                stack[top++] = d;
                define_all(ix, d, &defined);
            }
        }
        int pulled = 0;
        for (size_t i = 0; i < npending && !pulled; i++) {
            if (rl_ptrmap_get(&defined, pending[i])) continue;
            const unit_list *l = rl_ptrmap_get(&ix->others, pending[i]);
            size_t best = l->items[0];
            for (size_t k = 1; k < l->len; k++)
                if (ix->nrefs[l->items[k]] < ix->nrefs[best]) best = l->items[k];
            if (in[best]) continue;
            in[best] = 1;
            stack[top++] = best;
            define_all(ix, best, &defined);
            pulled = 1;
        }
        if (!pulled) break;
    }
    free(pending);
    rl_ptrmap_free(&defined);
    size_t n = 0;
    for (size_t u = 0; u < nunits; u++)
        if (in[u]) {
            stack[n++] = u;
            reached[u] = 1;
        }
    free(in);
    *count = n;
    return stack;
}

/* Which of a program's units were seeds (may hold its roots). */
static char *root_marks(const rl_program_spec *p, const char *seed)
{
    char *roots = rl_xcalloc(p->nunits + 1, 1);
    for (size_t i = 0; i < p->nunits; i++) roots[i] = seed[p->units[i]];
    return roots;
}

/* The base name of a path without its extension, as a heap string. */
static char *stem(const char *path, int with_folder)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    if (!with_folder || base == path) return rl_xstrndup(base, len);
    const char *folder = base - 1;
    while (folder > path && folder[-1] != '/') folder--;
    return rl_xasprintf("%.*s/%.*s", (int)(base - 1 - folder), folder, (int)len, base);
}

static void name_programs(rl_program_specs *out, const rl_unit_facts *const *facts)
{
    for (size_t i = 0; i < out->len; i++) {
        rl_program_spec *p = &out->items[i];
        if (p->main_unit < 0) {
            p->name = rl_xstrdup(RL_LIBRARY_PROGRAM);
            continue;
        }
        p->name = stem(facts[p->main_unit]->main_file, 0);
    }
    /* Two mains of the same base name (src/main.c, tools/main.c): both
     * take their folder's name as well. */
    for (size_t i = 0; i < out->len; i++) {
        int clash = 0;
        for (size_t k = 0; k < out->len; k++)
            if (k != i && strcmp(out->items[i].name, out->items[k].name) == 0) clash = 1;
        if (!clash || out->items[i].main_unit < 0) continue;
        char *shared = rl_xstrdup(out->items[i].name);
        for (size_t k = i; k < out->len; k++) {
            if (strcmp(shared, out->items[k].name) != 0 || out->items[k].main_unit < 0) continue;
            char *longer = stem(facts[out->items[k].main_unit]->main_file, 1);
            free(out->items[k].name);
            out->items[k].name = longer;
        }
        free(shared);
    }
    /* One main file built into several programs (with other flags): the
     * later ones are numbered in input order. */
    for (size_t i = 0; i < out->len; i++) {
        int copy = 1;
        for (size_t k = i + 1; k < out->len; k++) {
            if (strcmp(out->items[i].name, out->items[k].name) != 0) continue;
            char *numbered = rl_xasprintf("%s#%d", out->items[k].name, ++copy);
            free(out->items[k].name);
            out->items[k].name = numbered;
        }
    }
}

void rl_link_programs(const rl_unit_facts *const *facts, size_t nunits, rl_program_specs *out)
{
    memset(out, 0, sizeof *out);
    link_index ix;
    memset(&ix, 0, sizeof ix);
    index_units(&ix, facts, nunits);
    char *reached = rl_xcalloc(nunits + 1, 1);
    char *seed = rl_xcalloc(nunits + 1, 1);
    size_t cap = 0;
    for (size_t u = 0; u < nunits; u++) {
        if (!ix.is_main[u]) continue;
        RL_GROW(out->items, cap, out->len + 1);
        rl_program_spec *p = &out->items[out->len++];
        memset(p, 0, sizeof *p);
        p->main_unit = (long)u;
        seed[u] = 1;
        p->units = closure(&ix, nunits, seed, reached, &p->nunits);
        p->roots = root_marks(p, seed);
        seed[u] = 0;
    }
    /* What no main reaches is a library: those units, and what they
     * refer to in units some program also uses. */
    size_t left = 0;
    for (size_t u = 0; u < nunits; u++)
        if (facts[u] && !reached[u]) seed[u] = 1, left++;
    if (left > 0) {
        RL_GROW(out->items, cap, out->len + 1);
        rl_program_spec *p = &out->items[out->len++];
        memset(p, 0, sizeof *p);
        p->main_unit = -1;
        p->units = closure(&ix, nunits, seed, reached, &p->nunits);
        p->roots = root_marks(p, seed);
    }
    free(seed);
    name_programs(out, facts);
    free(reached);
    index_free(&ix, nunits);
}

void rl_program_specs_free(rl_program_specs *specs)
{
    for (size_t i = 0; i < specs->len; i++) {
        free(specs->items[i].name);
        free(specs->items[i].units);
        free(specs->items[i].roots);
    }
    free(specs->items);
    memset(specs, 0, sizeof *specs);
}
