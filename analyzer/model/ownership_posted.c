/* Hand-offs by a plain store that a post follows (ownership.h): a ring's
 * slot written, then a release store of its index (`slots[h % N] = m;
 * atomic_store(&head, h + 1)`), a mailbox's slot written, then a post on
 * its semaphore. Such a store is a synchronised hand-off when a taker
 * reads the slot after waiting on one of those posts: what the giver
 * wrote into the object before is then ordered before the taker's reads.
 * A taker that reads the slot without waiting races on the slot itself,
 * which is reported.
 *
 * Invariants:
 *  1. Places are compared by key: a global's storage by its text, a
 *     parameter's object by the path from the parameter ("P" and the rest:
 *     `push(s, m)`'s `P0*.slots[]` and `pop(q)`'s `P1*.slots[]` are one
 *     key when the other path, the post's object and the wait's, is one
 *     too: `.head` of the same parameter), elements alike whatever their
 *     index (`G:conns*[#P0]`, `G:conns*[]`). Anything else has no key.
 *  2. The index of the program's reads by key is built on the first
 *     question, once (o->global_reads), and freed with o. */
#include "ownership_internal.h"
#include "place.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdlib.h>
#include <string.h>

/* The reads of one global place: nodes of functions, in program order. */
typedef struct place_reads {
    size_t n, cap;
    int *fns;
    int32_t *nodes;
    int *params;    /* the parameter each read's place is rooted at, -1: a global */
} place_reads;

/* The key of a place (invariant 1), interned; NULL when it has none.
 * *param: the parameter it is rooted at, -1 for a global. */
static const char *place_key(const rl_program *p, const char *place, int *param)
{
    int k = -1;
    rl_root_kind root = rl_place_root(place, &k);
    if (root != RL_ROOT_GLOBAL && !(root == RL_ROOT_PARAM && place[rl_place_root_len(place)] == '*')) return NULL;
    *param = root == RL_ROOT_PARAM ? k : -1;
    rl_strbuf sb = RL_STRBUF_INIT;
    const char *c = place;
    if (root == RL_ROOT_PARAM) {
        rl_sb_appendc(&sb, 'P');
        c += rl_place_root_len(place);
    }
    for (; *c; c++) {
        rl_sb_appendc(&sb, *c);
        if (*c != '[') continue;
        int depth = 1;
        while (c[1] && depth) {
            c++;
            depth += *c == '[' ? 1 : *c == ']' ? -1 : 0;
        }
        rl_sb_appendc(&sb, ']');
    }
    const char *r = rl_intern(p->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return r;
}

/* The key of a post's or a wait's object, seen from a place rooted at
 * parameter `param` (-1: a global): a global's, or one of that same
 * parameter's; NULL otherwise. */
static const char *object_key(const rl_program *p, const char *object, int param)
{
    int k = -1;
    const char *key = place_key(p, object, &k);
    return key && (k < 0 || k == param) ? key : NULL;
}

static void index_reads(rl_ownership *o)
{
    o->global_reads_built = 1;
    for (size_t fn = 0; fn < o->p->nfns; fn++) {
        const rl_function *f = o->p->fns[fn].fn;
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            int param = -1;
            const char *key = n->kind == RL_N_ACCESS && (n->flags & RL_ACC_READ) && n->text
                                  ? place_key(o->p, n->text, &param)
                                  : NULL;
            if (!key) continue;
            void **slot = rl_ptrmap_slot(&o->global_reads, key);
            place_reads *r = *slot ? *slot : (*slot = rl_xcalloc(1, sizeof(place_reads)));
            if (r->n == r->cap) {
                r->cap = r->cap ? 2 * r->cap : 4;
                r->fns = rl_xrealloc(r->fns, r->cap * sizeof *r->fns);
                r->nodes = rl_xrealloc(r->nodes, r->cap * sizeof *r->nodes);
                r->params = rl_xrealloc(r->params, r->cap * sizeof *r->params);
            }
            r->fns[r->n] = (int)fn;
            r->params[r->n] = param;
            r->nodes[r->n++] = i;
        }
    }
}

/* Whether function fn waits before node i, a read of a place rooted at
 * `param`, on an object whose key is one of `posts` (keys). */
static int waits_on_before(const rl_ownership *o, int fn, int32_t i, int param, const char *const *posts, size_t nposts)
{
    const rl_fn_flow *ff = &o->flow->fns[fn];
    for (size_t k = 0; k < ff->nwaits; k++) {
        if (ff->wait_nodes[k] >= i || !ff->wait_objects[k]) continue;
        for (size_t e = 0; e < ff->wait_objects[k]->n; e++) {
            const char *key = object_key(o->p, ff->wait_objects[k]->e[e].lock, param);
            for (size_t j = 0; key && j < nposts; j++)
                if (key == posts[j]) return 1;
        }
    }
    return 0;
}

int own_store_handed_by_post(rl_ownership *o, int fn, int32_t i)
{
    const rl_function *f = o->p->fns[fn].fn;
    const rl_node *n = &f->nodes[i];
    int param = -1;
    const char *key = n->text ? place_key(o->p, n->text, &param) : NULL;
    if (!key) return 0;
    const rl_lockset *posted = rl_flow_posted_after(o->flow, f, fn, i, NULL);
    if (!posted) return 0;
    const char **posts = rl_xcalloc(posted->n + 1, sizeof *posts);
    size_t nposts = 0;
    for (size_t e = 0; e < posted->n; e++) {
        const char *post = object_key(o->p, posted->e[e].lock, param);
        if (post) posts[nposts++] = post;
    }
    if (!o->global_reads_built) index_reads(o);
    const place_reads *r = nposts ? rl_ptrmap_get(&o->global_reads, key) : NULL;
    int handed = 0;
    for (size_t k = 0; r && k < r->n && !handed; k++)
        handed = waits_on_before(o, r->fns[k], r->nodes[k], r->params[k], posts, nposts);
    free(posts);
    return handed;
}

void own_posted_free(rl_ownership *o)
{
    for (size_t i = 0; i < o->global_reads.nslots; i++) {
        place_reads *r = o->global_reads.keys[i] ? o->global_reads.values[i] : NULL;
        if (!r) continue;
        free(r->fns);
        free(r->nodes);
        free(r->params);
        free(r);
    }
    rl_ptrmap_free(&o->global_reads);
}
