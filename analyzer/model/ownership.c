/* Ownership of fresh objects (ownership.h): whether an object a function
 * made (allocated, given fresh by a call, a local, a global only main
 * names) is still its own at a node, the answers per access kept
 * (rl_ownership_fresh_at, _taken_at, _given_back_at), the value tests the
 * hand-off lists are made with, and the state made and freed. Where a
 * function hands an object on, what its callees keep and which calls give
 * fresh objects are ownership_handoffs.c's; objects taken off shared
 * places are ownership_taken.c's; the state they share is in
 * ownership_internal.h. */
#include "ownership_internal.h"
#include "place.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

rl_ownership *rl_ownership_new(const rl_program *p, const rl_flow *flow)
{
    rl_ownership *o = rl_xcalloc(1, sizeof *o);
    o->p = p;
    o->flow = flow;
    o->keeps = rl_xcalloc(p->nfns * OWN_MAX_PARAMS + 1, 1);
    o->keep_node = rl_xcalloc(p->nfns * OWN_MAX_PARAMS + 1, sizeof *o->keep_node);
    o->unlinks = rl_xcalloc(p->nfns + 1, 1);
    o->unlinked_place = rl_xcalloc(p->nfns + 1, sizeof *o->unlinked_place);
    o->fresh = rl_xcalloc(p->nfns + 1, 1);
    o->starts_on = rl_xcalloc(p->nfns * OWN_MAX_PARAMS + 1, 1);
    o->answers = own_memo_new(p->nfns);
    return o;
}

void rl_ownership_free(rl_ownership *o)
{
    if (!o) return;
    free(o->keeps);
    free(o->keep_node);
    free(o->unlinks);
    free(o->unlinked_place);
    free(o->fresh);
    free(o->starts_on);
    for (size_t i = 0; i < o->handoffs.nslots; i++)
        if (o->handoffs.keys[i]) own_handoff_list_free(o->handoffs.values[i]);
    rl_ptrmap_free(&o->handoffs);
    for (size_t i = 0; i < o->unlinked.nslots; i++) {
        unlink_list *l = o->unlinked.keys[i] ? o->unlinked.values[i] : NULL;
        if (!l) continue;
        free(l->reads);
        free(l->writes);
        free(l);
    }
    rl_ptrmap_free(&o->unlinked);
    own_posted_free(o);
    rl_ptrmap_free(&o->named_by);
    free(o->runs_once);
    own_memo_free(o->answers);
    rl_ptrmap_free(&o->allocating);
    free(o);
}

/* Whether a value names the pointer of parameter k itself or a pointer
 * into its object ("P0", "&P0*.lock"): handing it on hands the object. */
static int value_is_param(const char *v, int k)
{
    int idx = -1;
    return v && rl_place_root(v, &idx) == RL_ROOT_PARAM && idx == k;
}

/* value_is_heap for the first len bytes of v (an alternative of a
 * choice, which ends at a separator). */
static int value_n_is_heap(const char *v, size_t len, const char *heap)
{
    if (len && v[0] == '&') v++, len--;
    size_t n = strlen(heap);
    return len >= n && strncmp(v, heap, n) == 0 && (len == n || v[n] == '.' || v[n] == '[' || v[n] == '*');
}

/* Whether a value names heap object `heap` ("H12_7") of this function or
 * a pointer into it, or may (a choice of values). */
static int value_is_heap(const char *v, const char *heap)
{
    if (!v) return 0;
    if (v[0] != '%') return value_n_is_heap(v, strlen(v), heap);
    /* a choice (facts.h): it may be any of its alternatives, each up to
     * the next separator (`q = odd ? &args[i] : &spare[i]`) */
    for (const char *alt = strchr(v, RL_CALL_SEP[0]); alt; alt = strchr(alt, RL_CALL_SEP[0])) {
        alt++;
        size_t len = strcspn(alt, RL_CALL_SEP RL_CALL_END);
        if (alt[0] != '%' && value_n_is_heap(alt, len, heap)) return 1;
        alt += len;
    }
    return 0;
}

/* Whether a value is the pointer read from place `place` (the object
 * taken off it, rl_ownership_taken_at) or a pointer into that object
 * ("&P*.f"); not what its fields hold ("P*.next"). */
static int value_is_taken(const char *v, const char *place)
{
    if (!v) return 0;
    size_t n = strlen(place);
    if (strcmp(v, place) == 0) return 1;
    return v[0] == '&' && strncmp(v + 1, place, n) == 0 && v[n + 1] == '*';
}

int own_test_taken(const char *v, const void *what)
{
    return value_is_taken(v, what);
}

int own_test_param(const char *v, const void *what)
{
    return value_is_param(v, *(const int *)what);
}

int own_test_param_named(const char *v, const void *what)
{
    return value_is_param(v, atoi((const char *)what + 1));
}

int own_test_heap(const char *v, const void *what)
{
    return value_is_heap(v, what);
}

/* Whether every IF and LOOP around node `a` of f is around node `b` too:
 * in structured code, a runs before b whenever b runs (a < b). */
static int runs_before(const rl_function *f, int32_t a, int32_t b)
{
    if (a >= b) return 0;
    for (int32_t p = f->nodes[a].parent; p >= 0; p = f->nodes[p].parent) {
        if (f->nodes[p].kind != RL_N_IF && f->nodes[p].kind != RL_N_LOOP) continue;
        if (b <= p || b > f->nodes[p].end) return 0;
    }
    return 1;
}

/* An access through a pointer field of an object fn made (`c->lim->max`,
 * text "H15_2.lim*.max") touches the object fn made for that field, when
 * fn set the field once, to the address of an object it made itself
 * (`c->lim = malloc(...)`, or an array of them), on every path before
 * the access, and handed
 * the container to no call, which could have set the field again: then
 * the access is to that object's own field ("H16_14.max"), owned as
 * long as the container is (container_handoff: the inner object is
 * handed on where the container is). The mapped text, interned; NULL
 * when it is not so. Round 23's r1: a configuration's limits filled
 * through the configuration before it is published under a lock. */
static const char *through_own_field(rl_ownership *o, int fn, int32_t node, const char *text)
{
    const char *star = strchr(text, '*');
    size_t root = rl_place_root_len(text);
    if (!star || star == text + root || memchr(text + root, '*', (size_t)(star - text - root)) ||
        memchr(text, '[', (size_t)(star - text)))
        return NULL;
    size_t field_len = (size_t)(star - text);
    char *heap = rl_xstrndup(text, root);
    const rl_function *f = o->p->fns[fn].fn;
    const char *value = NULL;
    int32_t store = -1, ok = 1;
    for (int32_t i = 0; ok && i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind == RL_N_CALL || n->kind == RL_N_SPAWN) {
            for (int32_t a = 0; a < n->nargs; a++) ok &= !value_is_heap(n->args[a], heap);
        } else if (n->kind == RL_N_ACCESS && (n->flags & RL_ACC_WRITE) && n->text &&
                   strncmp(n->text, text, root) == 0 && (!n->text[root] || n->text[root] == '.')) {
            /* a write into the container: the field (once), or anything
             * that may set it again (the whole container, `*c = *old`;
             * a member the field is in) */
            size_t len = strlen(n->text);
            if (len < field_len ? strncmp(text, n->text, len) == 0 && text[len] == '.'
                                : strncmp(n->text, text, field_len) == 0 && !n->text[field_len]) {
                ok = store < 0 && len == field_len && n->nargs == 1 && n->args[0];
                store = i;
                value = ok ? n->args[0] : NULL;
            }
        }
    }
    free(heap);
    unsigned line, col;
    /* the object itself, or an array of them (`c->limits = malloc(4 *
     * sizeof(int))`: "&H22_17[]", its elements one place) */
    const char *after = ok && store >= 0 && value[0] == '&' ? value + 1 + rl_place_root_len(value + 1) : NULL;
    if (!after || rl_place_root(value + 1, NULL) != RL_ROOT_HEAP || (after[0] && strcmp(after, "[]") != 0) ||
        sscanf(value + 1, "H%u_%u", &line, &col) != 2 || !runs_before(f, store, node))
        return NULL;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, value + 1);
    rl_sb_append(&sb, star + 1);
    const char *mapped = rl_intern(o->p->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return mapped;
}

static int fresh_at_now(rl_ownership *o, int fn, int32_t node, const char *text, rl_handoff *handoff, int scope)
{
    if (fn < 0 || (size_t)fn >= o->p->nfns || !text) return 0;
    if (text[0] == '&') text++;
    size_t root = rl_place_root_len(text);
    unsigned line, col;
    rl_root_kind kind = rl_place_root(text, NULL);
    int popped = 0;
    /* Only the object's own fields (invariant 2): "H1.f", or "@call*.f"
     * for an object a callee allocated (or unlinked) for this one; or
     * the own fields of an object fn made for a field of one it made. */
    if (kind == RL_ROOT_HEAP && strchr(text, '*')) {
        const char *mapped = through_own_field(o, fn, node, text);
        return mapped ? fresh_at_now(o, fn, node, mapped, handoff, scope) : 0;
    }
    if (kind == RL_ROOT_HEAP) {
        if (sscanf(text, "H%u_%u", &line, &col) != 2) return 0;
    } else if (kind == RL_ROOT_LOCAL) {
        /* A local of fn is its own until its address goes out, as an
         * object it allocated is (a stack array of jobs filled, then
         * queued one by one under the queue's lock). It exists from fn's
         * start: no hand-off comes before it. */
        if (strchr(text, '*')) return 0;
        line = 0;
        col = 0;
    } else if (kind == RL_ROOT_GLOBAL) {
        /* A global only main, or a thread main starts once, names is
         * that function's from the start, as its locals are
         * (ownership_named.c). */
        char *global = rl_xstrndup(text, root);
        int mains = !strchr(text, '*') && own_global_is_owners(o, fn, global);
        free(global);
        if (!mains) return 0;
        line = 0;
        col = 0;
    } else if (kind == RL_ROOT_CALL && text[0] == '@') {
        const char *rest = text + root;
        /* What a popped object leads to goes with it, as for an object
         * taken by a pop written out (invariant 4 of ownership.h): a
         * pool's context and the tables it points to are the taker's. */
        const char *callee = own_call_value_field(o, text);
        int target = callee ? rl_program_find(o->p, callee) : -1;
        popped = target >= 0 && rl_ownership_unlinks(o, target);
        if ((rest[0] && (rest[0] != '*' || (!popped && strchr(rest + 1, '*')))) ||
            sscanf(text, "@%u_%u", &line, &col) != 2)
            return 0;
        if (!callee || !rl_ownership_call_fresh(o, callee)) return 0; /* call_value_fresh, callee in hand */
    } else {
        return 0;
    }
    char *heap = rl_xstrndup(text, root);
    int r = own_fresh_object_at(o, fn, node, heap, line, col, handoff, scope | (popped ? OWNED_TAKEN_OBJECT : 0));
    free(heap);
    /* taken, not made: its accesses stay for whoever touches it after
     * handing it back, and callees own what it leads to (exploration.c) */
    if (r && popped && handoff && !(scope & OWNED_ASK_GIVEN_BACK)) handoff->taken = 1;
    return r;
}

/* The rest of rl_ownership_fresh_at, for object `heap` (the root naming
 * it) created at line:col of fn. */
int own_fresh_object_at(rl_ownership *o, int fn, int32_t node, const char *heap, unsigned line, unsigned col,
                        rl_handoff *handoff, int scope)
{
    return own_owned_between(o, fn, node, own_handoffs_of(o, fn, heap, own_test_heap, 'H'), line, col, handoff, scope);
}

/* ---- the answers per access, kept ---------------------------------------- */

/* Answers question about (fn, node, text), computing it now. */
static int ask_now(rl_ownership *o, int fn, int32_t node, const char *text, rl_handoff *h, int question)
{
    if (question == OWN_QUESTION_GIVEN_BACK)
        return fresh_at_now(o, fn, node, text, h, OWNED_THROUGHOUT | OWNED_ASK_GIVEN_BACK) ||
               own_taken_at_now(o, fn, node, text, h, OWNED_ASK_GIVEN_BACK);
    return question == OWN_QUESTION_FRESH ? fresh_at_now(o, fn, node, text, h, OWNED_THROUGHOUT)
                                          : own_taken_at_now(o, fn, node, text, h, 0);
}

/* Asks question about (fn, node, text) once, then answers from the memo:
 * both questions are asked again for every context of a function (every
 * call's arguments, every access), and depend only on those three. */
static int access_memo(rl_ownership *o, int fn, int32_t node, const char *text, rl_handoff *handoff, int question)
{
    if (fn < 0 || (size_t)fn >= o->p->nfns || !text) return 0;
    const rl_function *f = o->p->fns[fn].fn;
    if (node < 0 || node >= f->nnodes) return ask_now(o, fn, node, text, handoff, question);
    const own_answer *a = own_memo_get(o->answers, f, fn, node, text, question);
    if (!a) {
        rl_handoff h = {0};
        int r = ask_now(o, fn, node, text, &h, question);
        a = own_memo_put(o->answers, f, fn, node, text, question, r, &h);
    }
    if (a->answer && handoff) *handoff = a->handoff;
    return a->answer;
}

int rl_ownership_fresh_at(rl_ownership *o, int fn, int32_t node, const char *text, rl_handoff *handoff)
{
    return access_memo(o, fn, node, text, handoff, OWN_QUESTION_FRESH);
}

int rl_ownership_unpublished_at(rl_ownership *o, int fn, int32_t node, const char *text)
{
    return fresh_at_now(o, fn, node, text, NULL, OWNED_UNTIL_NODE);
}

int rl_ownership_taken_at(rl_ownership *o, int fn, int32_t node, const char *text, rl_handoff *handoff)
{
    return access_memo(o, fn, node, text, handoff, OWN_QUESTION_TAKEN);
}

int rl_ownership_given_back_at(rl_ownership *o, int fn, int32_t node, const char *text)
{
    return access_memo(o, fn, node, text, NULL, OWN_QUESTION_GIVEN_BACK);
}
