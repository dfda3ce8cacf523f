/* Semantic validation of deserialised facts (facts_check.h). Each check
 * names the function and node at fault, so that a warning can say what
 * was wrong with a dropped cache entry. */
#include "facts_check.h"
#include "../util/mem.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Digits of the largest long long, 9223372036854775807. */
#define MAX_CONSTANT_DIGITS 19

/* Whether what follows "[#R" is "<n>:lo:hi]", lo and hi identifiers. */
static int record_range_step_ok(const char *p)
{
    size_t n = 0;
    while (isdigit((unsigned char)p[n])) n++;
    if (n == 0 || n > RL_FACTS_MAX_PARAM_DIGITS) return 0;
    p += n;
    for (int member = 0; member < 2; member++) {
        if (*p++ != ':' || !(isalpha((unsigned char)*p) || *p == '_')) return 0;
        while (isalnum((unsigned char)*p) || *p == '_') p++;
    }
    return *p == ']';
}

/* A place or value the model can parse (invariant 2). */
static int text_ok(const char *s, const char **why)
{
    size_t seps = 0;
    for (const char *p = s; *p; p++) {
        if ((*p == RL_CALL_SEP[0] || *p == RL_NESTED_SEP[0]) && ++seps > RL_FACTS_MAX_SEPS) {
            *why = "nests call or choice values too deep";
            return 0;
        }
        /* P<n> roots (also after '&', or after '*'-free prefixes of call
         * values) and [#P<n>] steps: a bounded number, and the ']'. */
        if (p[0] == '[' && p[1] == '#' && p[2] == 'P') {
            size_t n = 0;
            while (isdigit((unsigned char)p[3 + n])) n++;
            if (n == 0 || n > RL_FACTS_MAX_PARAM_DIGITS || p[3 + n] != ']') {
                *why = "has a parameter index step that is not [#P<n>]";
                return 0;
            }
        }
        /* [#R<n>:lo:hi]: a range read from parameter n's record, two
         * members named as identifiers */
        if (p[0] == '[' && p[1] == '#' && p[2] == 'R' && !record_range_step_ok(p + 3)) {
            *why = "has a record range step that is not [#R<n>:member:member]";
            return 0;
        }
        int at_root = p == s || p[-1] == '&' || p[-1] == RL_CALL_SEP[0] || p[-1] == RL_NESTED_SEP[0];
        if (at_root && p[0] == 'P' && isdigit((unsigned char)p[1])) {
            size_t n = 0;
            while (isdigit((unsigned char)p[1 + n])) n++;
            if (n > RL_FACTS_MAX_PARAM_DIGITS) {
                *why = "has a parameter number too large";
                return 0;
            }
        }
    }
    return 1;
}

/* A string the model reads: present, and parseable when it is a place. */
static int field_ok(const char *s, int required, const char **why)
{
    if (!s) {
        if (required) *why = "is missing";
        return !required;
    }
    return text_ok(s, why);
}

typedef struct checker {
    const rl_function *fn;
    int32_t fn_index;
    rl_error *err;
} checker;

static int bad_node(const checker *c, int32_t i, const char *what, const char *why)
{
    return rl_fail(c->err, "function %d ('%s'), node %d (%s): %s %s", c->fn_index,
                   c->fn->name ? c->fn->name : "?", i, rl_node_kind_name((rl_node_kind)c->fn->nodes[i].kind), what,
                   why);
}

static int bad_fn(const checker *c, const char *fmt_what, const char *why)
{
    return rl_fail(c->err, "function %d ('%s'): %s %s", c->fn_index, c->fn->name ? c->fn->name : "?", fmt_what, why);
}

/* A value test's global and constant (invariant 5). */
static int value_test_ok(const checker *c, int32_t i)
{
    const rl_node *n = &c->fn->nodes[i];
    if ((n->flags & RL_IF_VALUE_EQ) && (n->flags & RL_IF_VALUE_NE))
        return bad_node(c, i, "its value test", "is both == and !=");
    /* a global, or a parameter ("P<n>", facts.h), or a copy of one
     * (RL_INSTANCE_TEST "<n>"), or a member read through one */
    const char *index = !n->text                                                               ? NULL
                        : strncmp(n->text, RL_INSTANCE_TEST, strlen(RL_INSTANCE_TEST)) == 0 ? n->text + strlen(RL_INSTANCE_TEST)
                        : n->text[0] == 'P'                                                 ? n->text + 1
                                                                                            : NULL;
    int param = index && index[0] && strspn(index, "0123456789") == strlen(index);
    /* or a pointer member read through a parameter ("P<n>*.f", against 0),
     * or an integer one under a mask (RL_IF_MASK_TEST "M") */
    int member = rl_text_is_member_test(n->text) && n->display;
    int mask = member && strncmp(n->display, RL_IF_MASK_TEST, strlen(RL_IF_MASK_TEST)) == 0;
    param |= member && (strcmp(n->display, "0") == 0 || mask);
    /* or whether a barrier picked the thread ("#serial:G:b") */
    const char *global = n->text && strncmp(n->text, RL_SERIAL_TEST, strlen(RL_SERIAL_TEST)) == 0
                             ? n->text + strlen(RL_SERIAL_TEST)
                             : n->text;
    if (!n->text || (!param && (strncmp(global, "G:", 2) != 0 || !global[2])))
        return bad_node(c, i, "its value test", "names no global");
    if (n->api && strcmp(n->api, RL_IF_PART_AND) != 0 && strcmp(n->api, RL_IF_PART_OR) != 0)
        return bad_node(c, i, "its value test", "is of an operand of neither && nor ||");
    const char *d = n->display;
    if (!d || !*d) return bad_node(c, i, "its value test", "has no constant");
    if (mask) d += strlen(RL_IF_MASK_TEST);
    if (*d == '-') d++;
    size_t len = strspn(d, "0123456789");
    if (len == 0 || d[len] != '\0' || len > MAX_CONSTANT_DIGITS)
        return bad_node(c, i, "its value test", "has a constant that is not a decimal integer");
    return 0;
}

/* The place-like fields of node i, by kind (invariant 1, 2). */
static int node_fields_ok(const checker *c, int32_t i)
{
    const rl_node *n = &c->fn->nodes[i];
    const char *why = NULL;
    int place_required = 0;
    switch ((rl_node_kind)n->kind) {
    case RL_N_ACCESS:
    case RL_N_LOCK:
    case RL_N_UNLOCK:
    case RL_N_TRYLOCK:
    case RL_N_LOCKINIT:
    case RL_N_GOTO:
    case RL_N_LABEL:
        place_required = 1;
        break;
    default:
        break;
    }
    if (!field_ok(n->text, place_required, &why)) return bad_node(c, i, "its text", why);
    if (!field_ok(n->guard, 0, &why)) return bad_node(c, i, "its guard", why);
    if (!field_ok(n->fnptr, 0, &why)) return bad_node(c, i, "its function pointer", why);
    if (!field_ok(n->cursor, 0, &why)) return bad_node(c, i, "its list cursor", why);
    if (!field_ok(n->field, 0, &why)) return bad_node(c, i, "its member slot", why);
    if (n->nargs < 0 || (n->nargs > 0 && !n->args)) return bad_node(c, i, "its argument list", "is inconsistent");
    for (int32_t a = 0; a < n->nargs; a++)
        if (!field_ok(n->args[a], 1, &why)) return bad_node(c, i, "an argument", why);
    if (n->kind == RL_N_SPAWN && n->nargs != 2)
        return bad_node(c, i, "its arguments", "are not two (thread argument, handle)");
    if (n->kind == RL_N_IF && (n->flags & (RL_IF_NONNULL_THEN | RL_IF_NONNULL_ELSE)) &&
        ((n->flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE | RL_IF_ORDERS)) || !n->text || !n->text[0] ||
         (n->flags & RL_IF_NONNULL_THEN && n->flags & RL_IF_NONNULL_ELSE)))
        return bad_node(c, i, "its null test", "names no place, or is another test too");
    if (n->kind == RL_N_IF && (n->flags & RL_IF_ORDERS) &&
        ((n->flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE)) || !n->text || !n->text[0] || !n->display || !n->display[0]))
        return bad_node(c, i, "its order test", "names no two values, or is a value test too");
    if (n->kind == RL_N_LOOP && (n->flags & RL_LOOP_START_FALSE) &&
        (!n->text || strncmp(n->text, "G:", 2) != 0 || !n->text[2]))
        return bad_node(c, i, "its starting test", "names no global");
    if (n->kind == RL_N_IF && (n->flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE)))
        return value_test_ok(c, i);
    return 0;
}

/* Shapes of structure nodes and their trylock links (invariant 4). */
static int node_shape_ok(const checker *c, int32_t i, const int32_t *nchildren)
{
    const rl_function *fn = c->fn;
    const rl_node *n = &fn->nodes[i];
    int want = n->kind == RL_N_IF || n->kind == RL_N_LOOP ? 3 : n->kind == RL_N_SWITCH ? 2 : -1;
    if (want >= 0) {
        if (nchildren[i] != want) return bad_node(c, i, "its children", "are not the ones of its kind");
        for (int32_t ch = n->first_child; ch >= 0; ch = fn->nodes[ch].next_sibling)
            if (fn->nodes[ch].kind != RL_N_SEQ) return bad_node(c, i, "a child", "is not a sequence");
    }
    if (n->kind == RL_N_ACCESS || n->kind == RL_N_SPAWN) {
        if (n->aux < -1) return bad_node(c, i, "its index", "is negative");
    } else if (n->kind == RL_N_IF && (n->flags & RL_IF_LAST)) {
        /* the last reference of a counter: its decrement, a write */
        const rl_node *d = n->aux >= 0 && n->aux < fn->nnodes ? &fn->nodes[n->aux] : NULL;
        if (!d || d->kind != RL_N_ACCESS || !(d->flags & RL_ACC_WRITE) || !(n->flags & (RL_TRY_ON_TRUE | RL_TRY_ON_FALSE)))
            return bad_node(c, i, "its last reference", "is not a decrement with a branch");
    } else if (n->kind == RL_N_IF || n->kind == RL_N_LOOP) {
        if (n->aux != -1 && (n->aux < 0 || n->aux >= fn->nnodes ||
                             (fn->nodes[n->aux].kind != RL_N_TRYLOCK && fn->nodes[n->aux].kind != RL_N_LOCK &&
                              fn->nodes[n->aux].kind != RL_N_SPAWN && fn->nodes[n->aux].kind != RL_N_CALL &&
                              !(fn->nodes[n->aux].kind == RL_N_ACCESS && (fn->nodes[n->aux].flags & RL_ACC_READ) &&
                                (!(fn->nodes[n->aux].flags & RL_ACC_WRITE) || rl_node_is_atomic_load(&fn->nodes[n->aux]))))))
            return bad_node(c, i, "its trylock", "is not a trylock, lock, thread start, call, read or exchange node");
    } else if (n->kind == RL_N_CALL) {
        if (n->aux < -1) return bad_node(c, i, "its claimed arguments", "are a negative mask");
    } else if (n->aux != -1) {
        return bad_node(c, i, "its aux field", "is set on a kind that has none");
    }
    if (n->element != -1 && (n->kind != RL_N_CALL || n->element < 0))
        return bad_node(c, i, "its element", "is not a call's nonnegative index");
    return 0;
}

/* Tree links (invariant 3, with facts.h's invariant 1). */
static int tree_ok(const checker *c, int32_t *nchildren, int32_t *depth)
{
    const rl_function *fn = c->fn;
    if (fn->nnodes < 1 || !fn->nodes) return bad_fn(c, "its body", "has no root node");
    if (fn->nodes[0].kind != RL_N_SEQ || fn->nodes[0].parent != -1)
        return bad_fn(c, "its root", "is not a sequence without a parent");
    int32_t reached = 0;
    depth[0] = 0;
    for (int32_t i = 0; i < fn->nnodes; i++) {
        const rl_node *n = &fn->nodes[i];
        if (n->kind >= RL_N_KIND_COUNT) return rl_fail(c->err, "function %d: node %d has no valid kind", c->fn_index, i);
        if (i > 0 && (n->parent < 0 || n->parent >= i)) return bad_node(c, i, "its parent", "does not come before it");
        if (n->end < i || n->end >= fn->nnodes) return bad_node(c, i, "its end", "is outside the function");
        if (i > 0 && n->end > fn->nodes[n->parent].end) return bad_node(c, i, "its end", "is past its parent's");
        if (i > 0) {
            depth[i] = depth[n->parent] + 1;
            if (depth[i] > RL_FACTS_MAX_DEPTH) return bad_node(c, i, "its depth", "is beyond the limit");
        }
        int32_t prev = i;
        for (int32_t ch = n->first_child; ch >= 0; ch = fn->nodes[ch].next_sibling) {
            if (ch <= prev || ch >= fn->nnodes || ch > n->end || fn->nodes[ch].parent != i)
                return bad_node(c, i, "its child list", "is not a list of its own children in order");
            prev = ch;
            nchildren[i]++;
            reached++;
        }
    }
    if (reached != fn->nnodes - 1) return bad_fn(c, "a node", "is not on its parent's child list");
    return 0;
}

static int function_ok(const checker *c)
{
    const rl_function *fn = c->fn;
    const char *why = NULL;
    if (!fn->usr || !fn->name || !fn->type) return bad_fn(c, "its usr, name or type", "is missing");
    if (fn->nparams < 0) return bad_fn(c, "its parameter count", "is negative");
    if (fn->nrequires < 0 || (fn->nrequires > 0 && !fn->requires)) return bad_fn(c, "its requires list", "is inconsistent");
    for (int32_t k = 0; k < fn->nrequires; k++)
        if (!field_ok(fn->requires[k].place, 1, &why)) return bad_fn(c, "a required lock", why);
    if (fn->nuses < 0 || (fn->nuses > 0 && !fn->uses)) return bad_fn(c, "its uses list", "is inconsistent");
    for (int32_t k = 0; k < fn->nuses; k++)
        if (!fn->uses[k]) return bad_fn(c, "a use", "is missing");
    if (fn->nzeroed < 0 || (fn->nzeroed > 0 && !fn->zeroed)) return bad_fn(c, "its zeroed list", "is inconsistent");
    for (int32_t k = 0; k < fn->nzeroed; k++)
        if (!fn->zeroed[k] || fn->zeroed[k][0] != 'H') return bad_fn(c, "a zeroed object", "is no object it allocates");
    if (fn->nnodes < 0) return bad_fn(c, "its node count", "is negative");
    int32_t *nchildren = rl_xcalloc((size_t)fn->nnodes + 1, sizeof *nchildren);
    int32_t *depth = rl_xcalloc((size_t)fn->nnodes + 1, sizeof *depth);
    int rc = tree_ok(c, nchildren, depth);
    for (int32_t i = 0; rc == 0 && i < fn->nnodes; i++) {
        rc = node_fields_ok(c, i);
        if (rc == 0) rc = node_shape_ok(c, i, nchildren);
    }
    free(nchildren);
    free(depth);
    return rc;
}

int rl_facts_validate(const rl_unit_facts *facts, rl_error *err)
{
    if (!facts || !facts->main_file) return rl_fail(err, "the unit has no main file");
    if (facts->nfns < 0 || (facts->nfns > 0 && !facts->fns)) return rl_fail(err, "the function list is inconsistent");
    for (int32_t i = 0; i < facts->nfns; i++) {
        checker c = {&facts->fns[i], i, err};
        if (function_ok(&c) != 0) return -1;
    }
    if (facts->naddr_taken < 0 || (facts->naddr_taken > 0 && !facts->addr_taken))
        return rl_fail(err, "the address-taken list is inconsistent");
    for (int32_t i = 0; i < facts->naddr_taken; i++)
        if (!facts->addr_taken[i]) return rl_fail(err, "address-taken entry %d is missing", i);
    if (facts->ndiags < 0 || (facts->ndiags > 0 && !facts->diags)) return rl_fail(err, "the diagnostics are inconsistent");
    for (int32_t i = 0; i < facts->ndiags; i++)
        if (!facts->diags[i].message || facts->diags[i].severity > RL_DIAG_FATAL)
            return rl_fail(err, "diagnostic %d has no message or no valid severity", i);
    if (facts->nstatics < 0 || (facts->nstatics > 0 && !facts->statics))
        return rl_fail(err, "the static initializer stores are inconsistent");
    for (int32_t i = 0; i < facts->nstatics; i++) {
        const char *why = NULL;
        if (!field_ok(facts->statics[i].place, 1, &why) || !field_ok(facts->statics[i].value, 1, &why) ||
            !field_ok(facts->statics[i].field, 0, &why))
            return rl_fail(err, "static initializer store %d %s", i, why);
    }
    if (facts->ndeps < 0 || (facts->ndeps > 0 && !facts->deps)) return rl_fail(err, "the dependency list is inconsistent");
    for (int32_t i = 0; i < facts->ndeps; i++)
        if (!facts->deps[i].path) return rl_fail(err, "dependency %d has no path", i);
    return 0;
}
