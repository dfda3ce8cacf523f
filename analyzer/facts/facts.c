/* Construction, destruction and the canonical dump of facts (facts.h). */
#include "facts.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[RL_N_KIND_COUNT] = {
    [RL_N_SEQ] = "seq",       [RL_N_IF] = "if",           [RL_N_LOOP] = "loop",
    [RL_N_SWITCH] = "switch", [RL_N_CASE] = "case",       [RL_N_RETURN] = "return",
    [RL_N_BREAK] = "break",   [RL_N_CONTINUE] = "continue", [RL_N_GOTO] = "goto",
    [RL_N_LABEL] = "label",   [RL_N_ACCESS] = "access",   [RL_N_LOCK] = "lock",
    [RL_N_UNLOCK] = "unlock", [RL_N_TRYLOCK] = "trylock", [RL_N_CALL] = "call",
    [RL_N_SPAWN] = "spawn",   [RL_N_JOIN] = "join",       [RL_N_ONCE] = "once",
    [RL_N_LOCKINIT] = "lockinit",
};

const char *rl_node_kind_name(rl_node_kind kind)
{
    return kind < RL_N_KIND_COUNT ? kind_names[kind] : "?";
}

int rl_node_is_atomic_load(const rl_node *n)
{
    if (n->kind != RL_N_ACCESS || !(n->flags & RL_ACC_ATOMIC) || !(n->flags & RL_ACC_READ)) return 0;
    /* an exchange that acquires reads what the store it took out wrote
     * (`if (atomic_exchange(&pending, 0))`: an async handle's consumer) */
    return !(n->flags & RL_ACC_WRITE) || (n->api && strcmp(n->api, RL_ATOMIC_EXCHANGE) == 0);
}

int rl_node_is_repeating_loop(const rl_node *n)
{
    return n->kind == RL_N_LOOP && !(n->flags & (RL_LOOP_ONCE | RL_LOOP_SINGLE_PASS));
}

int rl_node_is_jump(const rl_node *n)
{
    return n->kind == RL_N_RETURN || n->kind == RL_N_BREAK || n->kind == RL_N_CONTINUE || n->kind == RL_N_GOTO;
}

/* How deep rl_fn_always_leaves looks into blocks ending in blocks. */
#define MAX_LEAVE_DEPTH 16

int rl_fn_always_leaves(const rl_function *f, int32_t b)
{
    for (int depth = 0; b >= 0 && depth < MAX_LEAVE_DEPTH; depth++) {
        const rl_node *n = &f->nodes[b];
        if (rl_node_is_jump(n) || (n->kind == RL_N_CALL && (n->flags & RL_CALL_NORETURN))) return 1;
        if (n->kind != RL_N_SEQ || n->first_child < 0) return 0;
        int32_t last = n->first_child;
        while (f->nodes[last].next_sibling >= 0) last = f->nodes[last].next_sibling;
        b = last;
    }
    return 0;
}

int rl_node_is_acquire_load(const rl_node *n)
{
    return rl_node_is_atomic_load(n) && !(n->api && strcmp(n->api, RL_ATOMIC_RELAXED) == 0);
}

int rl_node_is_release_store(const rl_node *n)
{
    /* api: relaxed, a store of zero, an exchange (facts.h) */
    return n->kind == RL_N_ACCESS && (n->flags & RL_ACC_ATOMIC) && (n->flags & RL_ACC_WRITE) && !n->api;
}

int rl_api_is_flag_store(const char *api)
{
    return api && (strcmp(api, RL_STORE_FLAG) == 0 || strcmp(api, RL_ROUND_FLAG) == 0);
}

int rl_api_is_round(const char *api)
{
    return api && (strcmp(api, RL_ROUND_ELEMENT) == 0 || strcmp(api, RL_ROUND_FLAG) == 0);
}

int rl_text_is_member_test(const char *text)
{
    if (!text || text[0] != 'P') return 0;
    size_t digits = strspn(text + 1, "0123456789");
    const char *rest = text + 1 + digits;
    return digits > 0 && rest[0] == '*' && rest[1] == '.' && rest[2] && !strpbrk(rest + 1, "*[^~");
}

int rl_type_is_aggregate_key(const char *place)
{
    if (place[0] != '{') return 0;
    const char *close = strchr(place, '}');
    if (!close || memchr(place, '*', (size_t)(close - place))) return 0; /* a pointer type */
    return strncmp(place + 1, "struct ", 7) == 0 || strncmp(place + 1, "union ", 6) == 0;
}

rl_unit_facts *rl_facts_new(const char *main_file)
{
    rl_unit_facts *f = rl_xcalloc(1, sizeof *f);
    f->pool = rl_strpool_new();
    f->main_file = rl_intern(f->pool, main_file);
    return f;
}

void rl_facts_free(rl_unit_facts *facts)
{
    if (!facts) return;
    for (int32_t i = 0; i < facts->nfns; i++) {
        rl_function *fn = &facts->fns[i];
        for (int32_t j = 0; j < fn->nnodes; j++) free(fn->nodes[j].args);
        free(fn->nodes);
        free(fn->requires);
        free(fn->uses);
        free(fn->zeroed);
    }
    free(facts->fns);
    free(facts->addr_taken);
    free(facts->fnflows);
    free(facts->alloc_slots);
    free(facts->globals_defined);
    free(facts->init_uses);
    free(facts->statics);
    free(facts->diags);
    free(facts->deps);
    rl_strpool_free(facts->pool);
    free(facts);
}

rl_function *rl_facts_add_function(rl_unit_facts *facts)
{
    RL_GROW(facts->fns, facts->cap_fns, facts->nfns + 1);
    rl_function *fn = &facts->fns[facts->nfns++];
    memset(fn, 0, sizeof *fn);
    return fn;
}

int32_t rl_fn_add_node(rl_function *fn, rl_node_kind kind, int32_t parent, rl_loc loc)
{
    RL_GROW(fn->nodes, fn->cap_nodes, fn->nnodes + 1);
    int32_t id = fn->nnodes++;
    rl_node *n = &fn->nodes[id];
    memset(n, 0, sizeof *n);
    n->kind = (uint8_t)kind;
    n->parent = parent;
    n->first_child = n->next_sibling = -1;
    n->end = id;
    n->aux = -1;
    n->element = -1;
    n->loc = loc;
    if (parent >= 0) {
        /* Append as last child. Nodes are added in preorder, so the last
         * node of the parent's subtree (its end) lies under its last child:
         * climbing from there costs the depth, not the number of children
         * (a generated function can hold 100,000 statements in one block).
         * The sibling walk only finishes the job should that order ever
         * not hold. */
        rl_node *p = &fn->nodes[parent];
        if (p->first_child < 0) {
            p->first_child = id;
        } else {
            int32_t c = p->end;
            while (fn->nodes[c].parent != parent) c = fn->nodes[c].parent;
            while (fn->nodes[c].next_sibling >= 0) c = fn->nodes[c].next_sibling;
            fn->nodes[c].next_sibling = id;
        }
        /* Extend the subtree end of every ancestor. */
        for (int32_t a = parent; a >= 0; a = fn->nodes[a].parent) fn->nodes[a].end = id;
    }
    return id;
}

int32_t rl_fn_child(const rl_function *fn, int32_t i, int n)
{
    int32_t c = fn->nodes[i].first_child;
    while (c >= 0 && n-- > 0) c = fn->nodes[c].next_sibling;
    return c;
}

void rl_facts_add_diag(rl_unit_facts *facts, rl_diag_severity sev, rl_loc loc, const char *msg)
{
    RL_GROW(facts->diags, facts->cap_diags, facts->ndiags + 1);
    rl_diag *d = &facts->diags[facts->ndiags++];
    d->severity = sev;
    d->loc = loc;
    d->message = rl_intern(facts->pool, msg);
}

void rl_facts_add_fnflow(rl_unit_facts *facts, rl_fnflow_kind kind, const char *dst, const char *src, int32_t index)
{
    RL_GROW(facts->fnflows, facts->cap_fnflows, facts->nfnflows + 1);
    rl_fnflow *f = &facts->fnflows[facts->nfnflows++];
    f->kind = (uint8_t)kind;
    f->index = index;
    f->dst = rl_intern(facts->pool, dst);
    f->src = rl_intern(facts->pool, src);
}

/* Adds usr to a list of interned USRs unless it is there. A unit, or one
 * function, names a few hundred globals at most; a scan is enough. */
static void add_usr_once(rl_unit_facts *facts, const char ***list, int32_t *n, int32_t *cap, const char *usr)
{
    const char *u = rl_intern(facts->pool, usr);
    for (int32_t i = 0; i < *n; i++)
        if ((*list)[i] == u) return;
    RL_PUSH(*list, *n, *cap, u);
}

void rl_facts_add_addr_taken(rl_unit_facts *facts, const char *usr)
{
    add_usr_once(facts, &facts->addr_taken, &facts->naddr_taken, &facts->cap_addr_taken, usr);
}

void rl_facts_add_alloc_slot(rl_unit_facts *facts, const char *slot)
{
    add_usr_once(facts, &facts->alloc_slots, &facts->nalloc_slots, &facts->cap_alloc_slots, slot);
}

void rl_facts_add_global_defined(rl_unit_facts *facts, const char *usr)
{
    add_usr_once(facts, &facts->globals_defined, &facts->nglobals_defined, &facts->cap_globals_defined, usr);
}

void rl_facts_add_use(rl_unit_facts *facts, int32_t fn, const char *usr)
{
    if (fn < 0 || fn >= facts->nfns) {
        add_usr_once(facts, &facts->init_uses, &facts->ninit_uses, &facts->cap_init_uses, usr);
        return;
    }
    rl_function *f = &facts->fns[fn];
    add_usr_once(facts, &f->uses, &f->nuses, &f->cap_uses, usr);
}

void rl_facts_add_zeroed(rl_unit_facts *facts, rl_function *fn, const char *object)
{
    add_usr_once(facts, &fn->zeroed, &fn->nzeroed, &fn->cap_zeroed, object);
}

void rl_facts_add_static_store(rl_unit_facts *facts, const char *place, const char *value, const char *field)
{
    rl_static_store s = {rl_intern(facts->pool, place), rl_intern(facts->pool, value),
                         field ? rl_intern(facts->pool, field) : NULL};
    RL_PUSH(facts->statics, facts->nstatics, facts->cap_statics, s);
}

static void dump_node(const rl_function *fn, int32_t i, int depth, rl_strbuf *out)
{
    const rl_node *n = &fn->nodes[i];
    rl_sb_printf(out, "%*s%s", depth * 2, "", rl_node_kind_name(n->kind));
    if (n->kind == RL_N_ACCESS)
        rl_sb_printf(out, " %s%s%s%s%s%s", (n->flags & RL_ACC_WRITE) ? "W" : "R",
                     (n->flags & RL_ACC_READ) && (n->flags & RL_ACC_WRITE) ? "+R" : "",
                     (n->flags & RL_ACC_ATOMIC) ? " atomic" : "", (n->flags & RL_ACC_VOLATILE) ? " volatile" : "",
                     (n->flags & RL_ACC_STORES_ARRAY) ? " stores-array" : "",
                     (n->flags & RL_ACC_CLAIMED) ? " claimed" : "");
    else if (n->flags)
        rl_sb_printf(out, " flags=%u", n->flags);
    if (n->aux >= 0)
        rl_sb_printf(out,
                     n->kind == RL_N_ACCESS || n->kind == RL_N_SPAWN ? " index=%d"
                     : n->kind == RL_N_CALL                          ? " claimed=%#x"
                                                                     : " try=#%d",
                     n->aux);
    if (n->text) rl_sb_printf(out, " %s", n->text[0] ? n->text : "NULL");
    if (n->callee) rl_sb_printf(out, " -> %s", n->callee);
    if (n->api) rl_sb_printf(out, " api=%s", n->api);
    if (n->guard) rl_sb_printf(out, " guard=%s", n->guard);
    if (n->target)
        rl_sb_printf(out, n->kind == RL_N_CALL || n->kind == RL_N_SPAWN || n->kind == RL_N_ONCE ? " via=%s" : " by=%s",
                     n->target);
    if (n->fnptr) rl_sb_printf(out, " fnptr=%s", n->fnptr);
    if (n->cursor) rl_sb_printf(out, " cursor=%s", n->cursor);
    if (n->field) rl_sb_printf(out, " field=%s", n->field);
    if (n->element >= 0) rl_sb_printf(out, " element=%d", n->element);
    for (int32_t a = 0; a < n->nargs; a++) rl_sb_printf(out, " arg%d=%s", a, n->args[a] ? n->args[a] : "");
    if (n->loc.line) rl_sb_printf(out, " @%u:%u", n->loc.line, n->loc.col);
    rl_sb_printf(out, "  #%d\n", i);
    for (int32_t c = n->first_child; c >= 0; c = fn->nodes[c].next_sibling) dump_node(fn, c, depth + 1, out);
}

void rl_facts_dump(const rl_unit_facts *facts, rl_strbuf *out)
{
    rl_sb_printf(out, "unit %s%s\n", facts->main_file, facts->parse_failed ? " (parse failed)" : "");
    for (int32_t i = 0; i < facts->nfns; i++) {
        const rl_function *fn = &facts->fns[i];
        rl_sb_printf(out, "function %s params=%d type=%s\n", fn->name, fn->nparams, fn->type ? fn->type : "");
        for (int32_t k = 0; k < fn->nrequires; k++)
            rl_sb_printf(out, "  requires %s%s\n", fn->requires[k].place, fn->requires[k].shared ? " shared" : "");
        for (int32_t k = 0; k < fn->nuses; k++) rl_sb_printf(out, "  uses %s\n", fn->uses[k]);
        for (int32_t k = 0; k < fn->nzeroed; k++) rl_sb_printf(out, "  zeroed %s\n", fn->zeroed[k]);
        if (fn->nnodes) dump_node(fn, 0, 1, out);
    }
    for (int32_t i = 0; i < facts->naddr_taken; i++) rl_sb_printf(out, "address-taken %s\n", facts->addr_taken[i]);
    for (int32_t i = 0; i < facts->nglobals_defined; i++) rl_sb_printf(out, "defines %s\n", facts->globals_defined[i]);
    for (int32_t i = 0; i < facts->ninit_uses; i++) rl_sb_printf(out, "uses %s\n", facts->init_uses[i]);
    for (int32_t i = 0; i < facts->nalloc_slots; i++) rl_sb_printf(out, "allocator-slot %s\n", facts->alloc_slots[i]);
    for (int32_t i = 0; i < facts->nstatics; i++)
        rl_sb_printf(out, "static-store %s = %s%s%s\n", facts->statics[i].place, facts->statics[i].value,
                     facts->statics[i].field ? " field=" : "", facts->statics[i].field ? facts->statics[i].field : "");
    for (int32_t i = 0; i < facts->nfnflows; i++) {
        const rl_fnflow *f = &facts->fnflows[i];
        if (f->kind == RL_FNFLOW_CALL_ARG)
            rl_sb_printf(out, "fnflow call %s arg%d <- %s\n", f->dst, f->index, f->src);
        else
            rl_sb_printf(out, "fnflow %s <- %s\n", f->dst, f->src);
    }
}

void rl_facts_add_dep(rl_unit_facts *facts, const char *path, uint64_t hash)
{
    const char *p = rl_intern(facts->pool, path);
    for (int32_t i = 0; i < facts->ndeps; i++)
        if (facts->deps[i].path == p) return;
    RL_GROW(facts->deps, facts->cap_deps, facts->ndeps + 1);
    facts->deps[facts->ndeps].path = p;
    facts->deps[facts->ndeps].hash = hash;
    facts->ndeps++;
}

int rl_prefixed_int(const char *v, const char *prefix, long long *k)
{
    size_t len = strlen(prefix);
    if (!v || strncmp(v, prefix, len) != 0) return 0;
    char *end;
    *k = strtoll(v + len, &end, 10);
    return end != v + len && !*end;
}

int rl_int_constant_arg(const char *v, long long *k)
{
    return rl_prefixed_int(v, RL_INT_CONSTANT_ARG, k);
}

int rl_loop_counter_range(const rl_node *loop, long long *start, long long *bound)
{
    *start = 0;
    if (loop->kind != RL_N_LOOP || loop->nargs < 1 || !rl_int_constant_arg(loop->args[0], bound)) return 0;
    return loop->nargs < 2 || (rl_int_constant_arg(loop->args[1], start) && *start >= 0);
}

const char *rl_choice_unnest(rl_strpool *pool, const char *alternative)
{
    if (!strpbrk(alternative, RL_NESTED_SEP RL_NESTED_END)) return alternative;
    char *copy = rl_xstrdup(alternative);
    for (char *p = copy; *p; p++) {
        if (*p == RL_NESTED_SEP[0]) *p = RL_CALL_SEP[0];
        else if (*p == RL_NESTED_END[0]) *p = RL_CALL_END[0];
    }
    const char *r = rl_intern(pool, copy);
    free(copy);
    return r;
}
