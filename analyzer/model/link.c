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
    const char ***refs;  /* per unit: the USRs it refers to (NULL-terminated) */
    char *is_main;       /* per unit */
} link_index;

static void add_ref(const char ***list, size_t *len, size_t *cap, const char *usr)
{
    RL_GROW(*list, *cap, *len + 2);
    (*list)[(*len)++] = usr;
    (*list)[*len] = NULL;
}

static void index_units(link_index *ix, const rl_unit_facts *const *facts, size_t nunits)
{
    ix->pool = rl_strpool_new();
    ix->refs = rl_xcalloc(nunits + 1, sizeof *ix->refs);
    ix->is_main = rl_xcalloc(nunits + 1, 1);
    for (size_t u = 0; u < nunits; u++) {
        const rl_unit_facts *f = facts[u];
        if (!f) continue;
        ix->is_main[u] = (char)rl_unit_defines_main(f);
        size_t len = 0, cap = 0;
        for (int32_t i = 0; i < f->nfns; i++) {
            const rl_function *fn = &f->fns[i];
            const char *usr = rl_intern(ix->pool, fn->usr);
            /* A main unit is never linked into another program, so only
             * other units count as definers. */
            void **slot = rl_ptrmap_slot(&ix->definer, usr);
            if (!*slot && !ix->is_main[u]) *slot = (void *)(intptr_t)(u + 1);
            for (int32_t n = 0; n < fn->nnodes; n++)
                if (fn->nodes[n].callee) add_ref(&ix->refs[u], &len, &cap, rl_intern(ix->pool, fn->nodes[n].callee));
        }
        for (int32_t i = 0; i < f->nglobals_defined; i++) {
            void **slot = rl_ptrmap_slot(&ix->definer, rl_intern(ix->pool, f->globals_defined[i]));
            if (!*slot && !ix->is_main[u]) *slot = (void *)(intptr_t)(u + 1);
        }
        for (int32_t i = 0; i < f->naddr_taken; i++) add_ref(&ix->refs[u], &len, &cap, rl_intern(ix->pool, f->addr_taken[i]));
        for (int32_t i = 0; i < f->nglobals_used; i++) add_ref(&ix->refs[u], &len, &cap, rl_intern(ix->pool, f->globals_used[i]));
    }
}

static void index_free(link_index *ix, size_t nunits)
{
    for (size_t u = 0; u < nunits; u++) free(ix->refs[u]);
    free(ix->refs);
    free(ix->is_main);
    rl_ptrmap_free(&ix->definer);
    rl_strpool_free(ix->pool);
}

/* The units a program starting at the units marked in `seed` takes in,
 * ascending; marks them in `reached`. */
static size_t *closure(const link_index *ix, size_t nunits, const char *seed, char *reached, size_t *count)
{
    char *in = rl_xcalloc(nunits + 1, 1);
    size_t *stack = rl_xmalloc((nunits + 1) * sizeof *stack);
    size_t top = 0;
    for (size_t u = 0; u < nunits; u++)
        if (seed[u]) {
            in[u] = 1;
            stack[top++] = u;
        }
    while (top > 0) {
        size_t u = stack[--top];
        for (const char **r = ix->refs[u]; r && *r; r++) {
            void *v = rl_ptrmap_get(&ix->definer, *r);
            if (!v) continue;
            size_t d = (size_t)((intptr_t)v - 1);
            if (in[d]) continue;
            in[d] = 1;
            stack[top++] = d;
        }
    }
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
