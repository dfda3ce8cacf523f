/* Whether an object is still its function's own at a node
 * (ownership_internal.h, own_owned_between): made or taken before the
 * node, handed on by none of the nodes of its hand-off list before it
 * (nor later in a loop around both, unless the loop hands on each round's
 * own element), and, for an access that must stay unshared to the end,
 * handed on later only in a synchronised way. The hand-off lists
 * themselves are ownership_handoffs.c's.
 *
 * Invariants:
 *  1. Program order is node order; an object exists from its making's
 *     position in the source (loc_after): a hand-off written before the
 *     allocation in the same statement does not end a hold that has not
 *     begun.
 *  2. A taken object's hold ends only at a synchronised hand-off
 *     (ends_hold, ownership.h). */
#include "ownership_internal.h"
#include "spawn_failure.h"
#include <string.h>

/* Whether location a comes after location b in the same file. */
static int loc_after(rl_loc a, unsigned line, unsigned col)
{
    return a.line > line || (a.line == line && a.col > col);
}

/* Whether hand-off node h is a thread start that failed where `node`
 * is: the branch taken when it did not start (spawn_failure.h). There
 * it handed nothing to anyone, unless a loop around both ran it before
 * (zstd's pool, releasing what the workers started so far still read). */
static int start_failed(const rl_function *f, int32_t h, int32_t node)
{
    if (f->nodes[h].kind != RL_N_SPAWN || !rl_spawn_failed_at(f, h, node)) return 0;
    for (int32_t p = f->nodes[h].parent; p >= 0; p = f->nodes[p].parent)
        if (rl_node_is_repeating_loop(&f->nodes[p]) && node <= f->nodes[p].end) return 0;
    return 1;
}

/* Whether hand-off k of l ends its thread's hold on the object: any
 * hand-off of an object it made; of one it took (taken), only a
 * synchronised one: a callee that may keep it without a lock, or a return
 * to the caller who holds it, leaves it the taker's (ownership.h). */
static int ends_hold(const handoff_list *l, size_t k, int taken)
{
    return !(taken && (l->kinds[k] == HANDOFF_UNSYNC || l->kinds[k] == HANDOFF_RETURN));
}

/* Whether a return comes between node and later node `later` on every
 * path: a `return` in a block around node, after node's part of it and
 * before `later` (memcached's `conn_new` frees the connection it just
 * made when a buffer cannot be had, and returns before the store that
 * would publish it). A function with a goto may jump past it: no. */
static int returns_before(const rl_function *f, int32_t node, int32_t later)
{
    int returns = 0;
    for (int32_t inner = node, q = f->nodes[node].parent; q >= 0 && !returns; inner = q, q = f->nodes[q].parent) {
        if (f->nodes[q].kind != RL_N_SEQ) continue;
        for (int32_t ch = f->nodes[inner].next_sibling; ch >= 0 && ch < later && !returns; ch = f->nodes[ch].next_sibling)
            returns = f->nodes[ch].kind == RL_N_RETURN;
    }
    /* the goto scan only when a return was found: most hand-offs have none */
    for (int32_t i = 0; returns && i < f->nnodes; i++)
        if (f->nodes[i].kind == RL_N_GOTO) returns = 0;
    return returns;
}

/* Whether node i of f is an ACCESS of api `api`. */
static int access_api_is(const rl_function *f, int32_t i, const char *api)
{
    return f->nodes[i].kind == RL_N_ACCESS && f->nodes[i].api && strcmp(f->nodes[i].api, api) == 0;
}

/* Whether hand-off node i of f hands on its loop round's own element
 * alone: a store of its address, or a call passing it (facts.h). */
static int hands_round_element(const rl_function *f, int32_t i)
{
    return access_api_is(f, i, RL_STORES_ROUND_ELEMENT) ||
           (f->nodes[i].kind == RL_N_CALL && (f->nodes[i].flags & RL_CALL_ROUND_ELEMENT));
}

/* Whether place names an element of array object, or a member of one,
 * not what a pointer in it leads to (`G:objs[]`, `G:objs[].f`: object
 * "[]", no "*"). */
static int element_place_of(const char *place, const char *object)
{
    size_t n = strlen(object);
    return place && strncmp(place, object, n) == 0 && strncmp(place + n, "[]", 2) == 0 && !strchr(place + n, '*');
}

/* The constant index of the element of array `object` node i of f
 * touches alone: a call handing on that element (rl_node.element, its
 * argument the element's address), or an access to it (an ACCESS's
 * aux); -1 when none is known. */
static int32_t constant_element(const rl_function *f, int32_t i, const char *object)
{
    const rl_node *n = &f->nodes[i];
    if (n->kind == RL_N_CALL && n->element >= 0) {
        for (int32_t a = 0; a < n->nargs; a++)
            if (n->args[a] && n->args[a][0] == '&' && element_place_of(n->args[a] + 1, object)) return n->element;
    } else if (n->kind == RL_N_ACCESS && n->aux >= 0 && element_place_of(n->text, object)) {
        return n->aux;
    }
    return -1;
}

/* Whether hand-off k of l, before node, handed on another element of
 * the array than the one node touches: `publish(&objs[0]); ...;
 * publish(&objs[1])` (round 31's r02), each call filling its element
 * before handing it on, as the rounds of a loop do their own element
 * (hands_round_element). Only constant indices, both known. */
static int hands_other_element(const rl_function *f, const handoff_list *l, size_t k, int32_t node)
{
    if (!l->object) return 0;
    int32_t mine = constant_element(f, node, l->object);
    if (mine < 0 || f->nodes[l->via[k]].kind != RL_N_CALL) return 0;
    int32_t handed = constant_element(f, l->via[k], l->object);
    return handed >= 0 && handed != mine;
}

/* Whether node `node` of fn touches an object made (or taken) at
 * line:col and handed on by the nodes of l: after it, before any node
 * that publishes it, in program order; the first synchronised hand-off
 * after it goes to *handoff (ownership_internal.h). */
int own_owned_between(rl_ownership *o, int fn, int32_t node, const handoff_list *l, unsigned line, unsigned col,
                      rl_handoff *handoff, int scope)
{
    const rl_function *f = o->p->fns[fn].fn;
    int taken = (scope & OWNED_TAKEN_OBJECT) != 0;
    int ask_given_back = (scope & OWNED_ASK_GIVEN_BACK) != 0;
    scope &= ~(OWNED_TAKEN_OBJECT | OWNED_ASK_GIVEN_BACK);
    /* After the allocation (its id is where it is), before any node that
     * publishes it, in program order. */
    if (!loc_after(f->nodes[node].loc, line, col)) return 0;
    size_t k = 0;
    for (; k < l->n && l->nodes[k] < node; k++)
        if (loc_after(f->nodes[l->nodes[k]].loc, line, col) && !start_failed(f, l->nodes[k], node) &&
            ends_hold(l, k, taken) && !hands_other_element(f, l, k, node))
            return ask_given_back && l->kinds[k] == HANDOFF_SYNC;
    if (ask_given_back) return 0;
    /* A loop around both may run the access again after a publication
     * later in its body, or made by the node itself: a call that fills
     * the object and then hands it on (`attach(&sensors[0])` in a loop)
     * fills it again in the next round, after this round's hand-off. An
     * access to the element the innermost loop's counter indexes
     * (facts.h, RL_ROUND_ELEMENT), or a call handing that element on, is
     * made on the next round's element then, which a store of this
     * round's element's address (`jobs[i].input = i; head = &jobs[i]`)
     * or a call passing it (`submit(&jobs[i])`) does not hand on. */
    int round = (f->nodes[node].kind == RL_N_ACCESS && rl_api_is_round(f->nodes[node].api)) ||
                (f->nodes[node].kind == RL_N_CALL && (f->nodes[node].flags & RL_CALL_ROUND_ELEMENT));
    for (int32_t p = f->nodes[node].parent; p >= 0; p = f->nodes[p].parent) {
        const rl_node *loop = &f->nodes[p];
        if (!rl_node_is_repeating_loop(loop)) continue;
        if (!loc_after(loop->loc, line, col) && !(loop->loc.line == line && loop->loc.col == col)) break;
        for (size_t j = k; j < l->n && l->nodes[j] <= loop->end; j++)
            if (l->nodes[j] >= node && ends_hold(l, j, taken) && !(round && hands_round_element(f, l->via[j])))
                return 0;
        round = 0; /* outer loops run this round's loop again */
    }
    if (scope == OWNED_UNTIL_NODE) return 1;
    /* Published later without synchronisation, what it did first is
     * shared (a reader may see it half done); not by a publication a
     * return leaves out (returns_before). The first hand-off says which
     * locks order it. */
    const rl_handoff *first = NULL;
    for (size_t j = k; j < l->n; j++) {
        if (l->nodes[j] == node) continue;
        if (!ends_hold(l, j, taken)) continue;
        if (l->nodes[j] > node && returns_before(f, node, l->nodes[j])) continue; /* not after it */
        if (l->kinds[j] == HANDOFF_UNSYNC) return 0;
        if (!first) first = &l->where[j];
    }
    if (handoff) *handoff = first ? *first : (rl_handoff){fn, -1, NULL, 0};
    return 1;
}
