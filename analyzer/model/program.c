/* Merging unit facts into one program (program.h). */
#include "program.h"
#include "../util/mem.h"
#include <stdlib.h>
#include <string.h>

rl_program *rl_program_new(void)
{
    rl_program *p = rl_xcalloc(1, sizeof *p);
    p->pool = rl_strpool_new();
    p->main_fn = -1;
    return p;
}

int rl_program_find(const rl_program *p, const char *usr)
{
    void *v = rl_ptrmap_get(&p->by_usr, usr);
    return v ? (int)((intptr_t)v - 1) : -1;
}

void rl_program_add_unit(rl_program *p, const rl_unit_facts *facts)
{
    for (int32_t i = 0; i < facts->nfns; i++) {
        const rl_function *fn = &facts->fns[i];
        const char *usr = rl_intern(p->pool, fn->usr);
        if (rl_program_find(p, usr) >= 0) continue;
        RL_GROW(p->fns, p->cap_fns, p->nfns + 1);
        rl_fn_info *info = &p->fns[p->nfns];
        memset(info, 0, sizeof *info);
        info->fn = fn;
        info->usr = usr;
        info->name = rl_intern(p->pool, fn->name);
        info->type = rl_intern(p->pool, fn->type);
        info->callees = rl_xcalloc((size_t)fn->nnodes + 1, sizeof *info->callees);
        for (int32_t n = 0; n < fn->nnodes; n++)
            if (fn->nodes[n].callee) info->callees[n] = rl_intern(p->pool, fn->nodes[n].callee);
        rl_ptrmap_put(&p->by_usr, usr, (void *)(intptr_t)(p->nfns + 1));
        if (strcmp(fn->name, "main") == 0 && p->main_fn < 0) p->main_fn = (int)p->nfns;
        p->nfns++;
    }
    /* A function's address may be taken in a unit other than the one that
     * defines it, so the marks are kept by USR and applied in finish. */
    for (int32_t i = 0; i < facts->naddr_taken; i++)
        rl_ptrmap_put(&p->addr_taken, rl_intern(p->pool, facts->addr_taken[i]), (void *)1);
}

static void mark_spawners(rl_program *p)
{
    /* A function spawns if it has a SPAWN/JOIN node or calls one that does;
     * iterate to a fixpoint over direct calls (indirect calls to spawners
     * are rare enough to be counted through their candidates too). */
    for (size_t i = 0; i < p->nfns; i++) {
        const rl_function *fn = p->fns[i].fn;
        for (int32_t n = 0; n < fn->nnodes; n++)
            if (fn->nodes[n].kind == RL_N_SPAWN || fn->nodes[n].kind == RL_N_JOIN) p->fns[i].spawns = 1;
    }
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < p->nfns; i++) {
            rl_fn_info *info = &p->fns[i];
            if (info->spawns) continue;
            for (int32_t n = 0; n < info->fn->nnodes && !info->spawns; n++) {
                const rl_node *node = &info->fn->nodes[n];
                if (node->kind != RL_N_CALL) continue;
                if (info->callees[n]) {
                    int c = rl_program_find(p, info->callees[n]);
                    if (c >= 0 && p->fns[c].spawns) info->spawns = 1;
                } else if (node->text) {
                    const rl_fn_list *cands = rl_program_candidates(p, rl_intern(p->pool, node->text));
                    for (size_t k = 0; cands && k < cands->len; k++)
                        if (p->fns[cands->items[k]].spawns) info->spawns = 1;
                }
            }
            if (info->spawns) changed = 1;
        }
    }
}

void rl_program_finish(rl_program *p)
{
    for (size_t i = 0; i < p->nfns; i++) {
        rl_fn_info *info = &p->fns[i];
        if (!rl_ptrmap_get(&p->addr_taken, info->usr)) continue;
        info->address_taken = 1;
        void **slot = rl_ptrmap_slot(&p->by_type, info->type);
        if (!*slot) *slot = rl_xcalloc(1, sizeof(rl_fn_list));
        rl_fn_list *list = *slot;
        RL_PUSH(list->items, list->len, list->cap, (int)i);
    }
    mark_spawners(p);
}

const rl_fn_list *rl_program_candidates(const rl_program *p, const char *type)
{
    return rl_ptrmap_get(&p->by_type, type);
}

void rl_program_free(rl_program *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->nfns; i++) free(p->fns[i].callees);
    for (size_t i = 0; i < p->by_type.nslots; i++) {
        rl_fn_list *list = p->by_type.keys[i] ? p->by_type.values[i] : NULL;
        if (!list) continue;
        free(list->items);
        free(list);
    }
    rl_ptrmap_free(&p->by_type);
    rl_ptrmap_free(&p->by_usr);
    rl_ptrmap_free(&p->addr_taken);
    free(p->fns);
    rl_strpool_free(p->pool);
    free(p);
}
