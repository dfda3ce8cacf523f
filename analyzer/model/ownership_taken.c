/* Ownership of objects taken off a shared place (ownership.h): a pop
 * written out in the taker (`job = head; head = job->next;` under one
 * lock, or `c = p->cctxs[--p->avail]`, a read by a moved index), a
 * function that returns what it unlinked, and a release of an object
 * unlinked first; and how long a callee handed an owned object holds it
 * (until it hands it back: rl_ownership_param_held_at). Fresh objects
 * are ownership.c's.
 *
 * Invariants: those of ownership.h (4: what a taken object leads to goes
 * with it); per-(function, place) lists of pops are memoized in
 * rl_ownership.unlinked. */
#include "ownership_internal.h"
#include "place.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether node i (before w) may lead to w: not when a return, or a call
 * that never returns, follows it in one of its sequences below the block
 * holding both (the early exit of a pop that found the queue empty:
 * `if (!nx) { unlock(&q->hl); return 0; }`). Breaks and gotos may lead
 * there. */
static int ends_path(const rl_node *n)
{
    return n->kind == RL_N_RETURN || (n->kind == RL_N_CALL && (n->flags & RL_CALL_NORETURN));
}

static int may_reach(const rl_function *f, int32_t i, int32_t w)
{
    if (ends_path(&f->nodes[i])) return 0;
    for (int32_t child = i, p = f->nodes[i].parent; p >= 0; child = p, p = f->nodes[p].parent) {
        if (w > p && w <= f->nodes[p].end) return 1; /* the block holding both */
        if (f->nodes[p].kind != RL_N_SEQ) continue;
        for (int32_t s = f->nodes[child].next_sibling; s >= 0; s = f->nodes[s].next_sibling)
            if (ends_path(&f->nodes[s])) return 0;
    }
    return 1;
}

/* Whether lock is held at every node from r to w of the function that
 * may lead to w. */
static int held_throughout(const rl_function *f, const rl_fn_flow *ff, int32_t r, int32_t w, const char *lock)
{
    for (int32_t i = r; i <= w; i++)
        if (ff->held[i] && !rl_ls_contains(ff->held[i], lock) && may_reach(f, i, w)) return 0;
    return 1;
}

/* The lock held from node r to node w (one of them), or NULL. */
static const char *lock_throughout(const rl_function *f, const rl_fn_flow *ff, int32_t r, int32_t w)
{
    for (size_t l = 0; ff->held[r] && l < ff->held[r]->n; l++)
        if (held_throughout(f, ff, r, w, ff->held[r]->e[l].lock)) return ff->held[r]->e[l].lock;
    return NULL;
}

static int one_lock_throughout(const rl_function *f, const rl_fn_flow *ff, int32_t r, int32_t w)
{
    return lock_throughout(f, ff, r, w) != NULL;
}

/* Whether node n reads a pointer element by a moved index (RL_READ_POPPED,
 * frontend/walk_pop.c) with some lock held (held): a stack's or a ring's
 * pop, which takes what it read off the array. */
static int popped_read(const rl_node *n, const rl_lockset *held)
{
    return n->kind == RL_N_ACCESS && (n->flags & RL_ACC_READ) && n->api && strcmp(n->api, RL_READ_POPPED) == 0 &&
           held && held->n > 0;
}

/* Whether node n swaps a pointer out of its place atomically, acquiring
 * (a read-modify-write that is not relaxed: RL_ATOMIC_EXCHANGE; of a
 * compare-and-swap only an exchange's result is the place's value, the
 * expected value living in a local whose address goes out):
 * no other thread can read the value it took out, which is the taker's
 * alone from there on, as a pop's is (`j = atomic_exchange(&mailbox,
 * NULL)`). A relaxed one takes it too, but orders nothing of what its
 * giver wrote before: not counted. */
static int exchanged_read(const rl_node *n)
{
    return n->kind == RL_N_ACCESS && (n->flags & RL_ACC_ATOMIC) && (n->flags & RL_ACC_READ) &&
           (n->flags & RL_ACC_WRITE) && n->api && strcmp(n->api, RL_ATOMIC_EXCHANGE) == 0;
}

/* Whether fn reads the pointer stored at `place` and then overwrites it,
 * one lock held from the read to the write, or pops it (popped_read),
 * the read coming before node `before` (-1: anywhere): the object read
 * there is then unlinked. That lock (in fn's terms; a pop's first lock)
 * into *lock, when lock is not NULL. */
static int unlinked_from(rl_ownership *o, int fn, const char *place, int32_t before, const char **lock)
{
    const rl_function *f = o->p->fns[fn].fn;
    const rl_fn_flow *ff = &o->flow->fns[fn];
    if (!ff->held) return 0;
    int32_t end = before >= 0 && before < f->nnodes ? before : f->nnodes;
    for (int32_t r = 0; r < end; r++) {
        const rl_node *rd = &f->nodes[r];
        if (rd->kind != RL_N_ACCESS || !(rd->flags & RL_ACC_READ) || strcmp(rd->text, place) != 0) continue;
        if (!ff->held[r]) continue;
        if (popped_read(rd, ff->held[r])) {
            if (lock) *lock = ff->held[r]->e[0].lock;
            return 1;
        }
        for (int32_t w = r + 1; w < f->nnodes; w++) {
            const rl_node *wr = &f->nodes[w];
            if (wr->kind != RL_N_ACCESS || !(wr->flags & RL_ACC_WRITE) || strcmp(wr->text, place) != 0) continue;
            const char *held = lock_throughout(f, ff, r, w);
            if (held) {
                if (lock) *lock = held;
                return 1;
            }
        }
    }
    return 0;
}

/* Whether `place` ("G:head*.job") is read in fn, holding a lock, from an
 * object fn unlinked (its prefix before the last deref, "G:head", read
 * then overwritten under that lock: unlinked_from) while that lock is
 * still held; the lock into *lock. */
static int read_from_unlinked(rl_ownership *o, int fn, const char *place, const char **lock)
{
    const char *star = strrchr(place, '*');
    if (!star || star[1] != '.' || strchr(star + 1, '*')) return 0;
    char *object = rl_xstrndup(place, (size_t)(star - place));
    const char *unlink_lock = NULL;
    int unlinked = unlinked_from(o, fn, object, -1, &unlink_lock);
    free(object);
    if (!unlinked) return 0;
    const rl_function *f = o->p->fns[fn].fn;
    const rl_fn_flow *ff = &o->flow->fns[fn];
    for (int32_t i = 0; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind != RL_N_ACCESS || !(n->flags & RL_ACC_READ) || !n->text || strcmp(n->text, place) != 0) continue;
        if (!ff->held || !ff->held[i] || !rl_ls_contains(ff->held[i], unlink_lock)) return 0;
    }
    *lock = unlink_lock;
    return 1;
}

/* The pointer slot X of a returned container address "&X*^{T}m..."
 * (only container steps after X's deref), allocated; NULL for any other
 * value. */
static char *container_slot(const char *value)
{
    if (value[0] != '&') return NULL;
    const char *star = strrchr(value, '*');
    if (!star || star[1] != '^') return NULL;
    for (const char *p = star + 1; *p;) {
        const char *close = p[0] == '^' && p[1] == '{' ? strchr(p, '}') : NULL;
        if (!close) return NULL;
        p = close + 1;
        p += strcspn(p, ".[*^~");
        if (*p && *p != '^') return NULL;
    }
    return rl_xstrndup(value + 1, (size_t)(star - value - 1));
}

int rl_ownership_unlinks(rl_ownership *o, int fn)
{
    if (fn < 0 || (size_t)fn >= o->p->nfns) return 0;
    if (o->unlinks[fn] != ANSWER_UNKNOWN) return o->unlinks[fn] == ANSWER_YES;
    o->unlinks[fn] = ANSWER_NO;
    const rl_function *f = o->p->fns[fn].fn;
    /* Every return gives the pointer stored at one place, or NULL, or a
     * fresh object (a pool's get: a popped context, or a new one when the
     * pool is empty). */
    const char *place = NULL;
    for (int32_t i = 0; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind != RL_N_RETURN) continue;
        if (!n->text) return 0;
        if (!n->text[0]) continue;
        if (place && strcmp(place, n->text) == 0) continue;
        if (own_return_fresh(o, fn, i) != OWN_RETURN_OTHER) continue;
        if (place) return 0;
        place = n->text;
    }
    rl_root_kind k = place ? rl_place_root(place, NULL) : RL_ROOT_NONE;
    if (k != RL_ROOT_GLOBAL && k != RL_ROOT_PARAM) return 0;
    /* The struct around what a slot points to (`container_of(head.next,
     * struct job, node)`, an intrusive list): the slot is what is read
     * and overwritten */
    char *slot_text = container_slot(place);
    const char *returned = place;
    if (slot_text) place = rl_intern(o->p->pool, slot_text);
    free(slot_text);
    /* Read, then overwritten, one lock held all the while; or a pointer
     * read from the object so unlinked (a queue of nodes wrapping jobs:
     * `n = head; head = n->next; j = n->job; free(n); return j;`, round
     * 18's r1): what a taken object leads to goes with it (invariant 4
     * of ownership.h), read while the lock still holds. */
    const char *lock = NULL;
    if (!unlinked_from(o, fn, place, -1, &lock) && !read_from_unlinked(o, fn, place, &lock)) return 0;
    /* A return that reads the place again without that lock gives what is
     * there now, not what was unlinked: double-checked locking's `return
     * instance;` after it stored a new object there. */
    const rl_fn_flow *ff = &o->flow->fns[fn];
    for (int32_t i = 1; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i], *r = &f->nodes[i - 1];
        if (n->kind == RL_N_RETURN && r->kind == RL_N_ACCESS && (r->flags & RL_ACC_READ) && r->text &&
            strcmp(r->text, place) == 0 && r->loc.line == n->loc.line &&
            !(ff->held && ff->held[i - 1] && rl_ls_contains(ff->held[i - 1], lock)))
            return 0;
    }
    o->unlinks[fn] = ANSWER_YES;
    o->unlinked_place[fn] = rl_intern(o->p->pool, returned);
    return 1;
}

const char *rl_ownership_unlinked_place(rl_ownership *o, int fn)
{
    return rl_ownership_unlinks(o, fn) ? o->unlinked_place[fn] : NULL;
}

const char *rl_ownership_released_unlinked(rl_ownership *o, int fn, int32_t node)
{
    if (fn < 0 || (size_t)fn >= o->p->nfns) return NULL;
    const rl_function *f = o->p->fns[fn].fn;
    if (node < 0 || node >= f->nnodes) return NULL;
    const rl_node *n = &f->nodes[node];
    if (n->kind != RL_N_ACCESS || !(n->flags & RL_ACC_RELEASE) || !n->text) return NULL;
    /* "X*": the whole object whose pointer is stored at place X. */
    size_t len = strlen(n->text);
    if (len < 2 || n->text[len - 1] != '*') return NULL;
    char *place = rl_xstrndup(n->text, len - 1);
    rl_root_kind k = rl_place_root(place, NULL);
    const char *lock = NULL;
    if (!((k == RL_ROOT_GLOBAL || k == RL_ROOT_PARAM) && unlinked_from(o, fn, place, node, &lock))) lock = NULL;
    free(place);
    return lock;
}

/* Whether node w runs whenever node `node` before it does: only
 * sequences between each of them and the block holding both, and no jump
 * (nor call that never returns) between them. */
static int runs_after(const rl_function *f, int32_t node, int32_t w)
{
    if (!rl_program_runs_before(f, node, w) || !rl_program_runs_before(f, w, node)) return 0;
    for (int32_t i = node + 1; i < w; i++) {
        uint8_t k = f->nodes[i].kind;
        if (k == RL_N_RETURN || k == RL_N_BREAK || k == RL_N_CONTINUE || k == RL_N_GOTO ||
            (k == RL_N_CALL && (f->nodes[i].flags & RL_CALL_NORETURN)))
            return 0;
    }
    return 1;
}

/* Whether node w of fn unlinks what node r read from `place`: it
 * stores into the place a value read from that object (`head =
 * job->next`, not a push's `head = job`), one lock held from r to w. */
static int unlinks_read(rl_ownership *o, int fn, int32_t r, int32_t w, const char *place)
{
    const rl_function *f = o->p->fns[fn].fn;
    const rl_fn_flow *ff = &o->flow->fns[fn];
    const rl_node *wr = &f->nodes[w];
    size_t n = strlen(place);
    if (wr->kind != RL_N_ACCESS || !(wr->flags & RL_ACC_WRITE) || !wr->text || strcmp(wr->text, place) != 0 ||
        wr->nargs != 1 || strncmp(wr->args[0], place, n) != 0 || wr->args[0][n] != '*')
        return 0;
    return one_lock_throughout(f, ff, r, w);
}

static const unlink_list *unlinks_of(rl_ownership *o, int fn, const char *place)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%d|%s", fn, place);
    void **slot = rl_ptrmap_slot(&o->unlinked, rl_intern(o->p->pool, rl_sb_str(&sb)));
    rl_sb_free(&sb);
    if (*slot) return *slot;
    unlink_list *l = rl_xcalloc(1, sizeof *l);
    size_t cap_r = 0, cap_w = 0, nw = 0;
    const rl_function *f = o->p->fns[fn].fn;
    const rl_fn_flow *ff = &o->flow->fns[fn];
    for (int32_t r = 0; ff->held && r < f->nnodes; r++) {
        const rl_node *rd = &f->nodes[r];
        if (rd->kind != RL_N_ACCESS || !(rd->flags & RL_ACC_READ) || !rd->text || strcmp(rd->text, place) != 0 ||
            !ff->held[r])
            continue;
        if (popped_read(rd, ff->held[r]) || exchanged_read(rd)) {
            /* the pop takes the object at the read itself */
            RL_PUSH(l->reads, l->n, cap_r, r);
            RL_PUSH(l->writes, nw, cap_w, r);
            continue;
        }
        for (int32_t w = r + 1; w < f->nnodes; w++) {
            if (!unlinks_read(o, fn, r, w, place)) continue;
            RL_PUSH(l->reads, l->n, cap_r, r);
            RL_PUSH(l->writes, nw, cap_w, w);
        }
    }
    *slot = l;
    return l;
}

/* Whether node w runs before node `node` whenever that runs, given that
 * the pointer read from `place` is not null there (`node` dereferences
 * it): w lies in sequences, or in the branch of a null test of that
 * pointer (RL_IF_NONNULL_*) that runs when it is not null, up to the
 * block holding both (`t = head; if (t) head = t->next; ... if (!t)
 * break; t->result = ...`). */
static int runs_before_when_nonnull(const rl_function *f, int32_t w, int32_t node, const char *place)
{
    int32_t top = f->nodes[w].parent;
    while (top >= 0 && !(node > top && node <= f->nodes[top].end)) top = f->nodes[top].parent;
    if (top < 0) return 0;
    for (int32_t child = w, p = f->nodes[w].parent; p >= 0 && p != top; child = p, p = f->nodes[p].parent) {
        const rl_node *n = &f->nodes[p];
        if (rl_program_runs_with_parent(f, child, p)) continue;
        if (n->kind != RL_N_IF || !n->text || strcmp(n->text, place) != 0) return 0;
        int branch = child == rl_fn_child(f, p, 1) ? 1 : child == rl_fn_child(f, p, 2) ? 2 : 0;
        if (!((branch == 1 && (n->flags & RL_IF_NONNULL_THEN)) || (branch == 2 && (n->flags & RL_IF_NONNULL_ELSE))))
            return 0;
    }
    return 1;
}

static int same_spot(rl_loc a, rl_loc b)
{
    return a.line == b.line && a.col == b.col && a.file == b.file;
}

/* Whether node `node` of fn runs only where the pointer read from
 * `place` is not null, by an early exit before it (`if (!c) return;`: a
 * null test of the place whose null branch always leaves), and every
 * read of the place before it is the pop `read` or at the access's own
 * spot: the pointer then holds what that pop took, since on the paths
 * that skip the pop (`c = NULL; if (avail > 0) c = pool[--avail];`) it
 * stays null (round 18's r6). */
static int nonnull_only_from(const rl_function *f, int32_t read, int32_t node, const char *place)
{
    int guarded = 0;
    for (int32_t g = read + 1; g < node && !guarded; g++) {
        const rl_node *t = &f->nodes[g];
        if (t->kind != RL_N_IF || !t->text || strcmp(t->text, place) != 0) continue;
        int32_t null_branch = (t->flags & RL_IF_NONNULL_ELSE) ? rl_fn_child(f, g, 1)
                              : (t->flags & RL_IF_NONNULL_THEN) ? rl_fn_child(f, g, 2) : -1;
        guarded = rl_fn_always_leaves(f, null_branch) && rl_program_runs_before(f, g, node);
    }
    for (int32_t i = 0; guarded && i < node; i++) {
        const rl_node *n = &f->nodes[i];
        if (i != read && n->kind == RL_N_ACCESS && (n->flags & RL_ACC_READ) && n->text && strcmp(n->text, place) == 0 &&
            !same_spot(n->loc, f->nodes[node].loc))
            return 0;
    }
    return guarded;
}

/* The read of `place` that took the object node `node` of fn touches
 * (rl_ownership_taken_at): the last read of the place before it that a
 * write unlinks, the write coming before the access whenever the access
 * runs, or after it whenever it runs (the unlink reading the head's
 * successor). -1 when none. */
static int32_t taking_read(rl_ownership *o, int fn, int32_t node, const char *place)
{
    const rl_function *f = o->p->fns[fn].fn;
    const unlink_list *l = unlinks_of(o, fn, place);
    int32_t best = -1;
    for (size_t k = 0; k < l->n; k++) {
        int32_t r = l->reads[k], w = l->writes[k];
        int before = w < node && (rl_program_runs_before(f, w, node) || runs_before_when_nonnull(f, w, node, place) ||
                                  (w == r && nonnull_only_from(f, r, node, place)));
        if (r < node && r > best && (before || (w > node && runs_after(f, node, w)))) best = r;
    }
    return best;
}

/* Whether the object at place (the prefix of an access before one of its
 * derefs) is one fn took off a shared place before node (see
 * rl_ownership_taken_at); with ask (OWNED_ASK_GIVEN_BACK), whether fn took
 * it and handed it on or back before node. */
static int taken_object_at(rl_ownership *o, int fn, int32_t node, const char *place, rl_handoff *handoff, int ask)
{
    const rl_function *f = o->p->fns[fn].fn;
    int32_t read = taking_read(o, fn, node, place);
    /* `compress_head->lens` written out: the place is read at the spot */
    for (int32_t i = 0; read >= 0 && i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind == RL_N_ACCESS && n->text && strcmp(n->text, place) == 0 && same_spot(n->loc, f->nodes[node].loc))
            read = -1;
    }
    if (read < 0) return 0;
    const char *key = rl_intern(o->p->pool, place);
    /* Taken inside the call that uses it (`free(atomic_exchange(&box,
     * j))`): the read runs first though it is written to the right of
     * the access, which is where the object is the taker's from. */
    rl_loc from = f->nodes[read].loc;
    if (from.line == f->nodes[node].loc.line && from.col >= f->nodes[node].loc.col && f->nodes[node].loc.col > 1)
        from.col = f->nodes[node].loc.col - 1;
    int r = own_owned_between(o, fn, node, own_handoffs_of(o, fn, key, own_test_taken, 'T'), from.line, from.col,
                              handoff, OWNED_THROUGHOUT | OWNED_TAKEN_OBJECT | ask);
    if (r && handoff && !ask) handoff->taken = 1;
    return r;
}

int own_taken_at_now(rl_ownership *o, int fn, int32_t node, const char *text, rl_handoff *handoff, int ask)
{
    if (fn < 0 || (size_t)fn >= o->p->nfns || !text) return 0;
    rl_root_kind kind = rl_place_root(text, NULL);
    if (text[0] == '&' || (kind != RL_ROOT_GLOBAL && kind != RL_ROOT_PARAM)) return 0;
    /* The object taken, or one it leads to (`job->out->buf`): what the
     * giver attached to a job goes with it (invariant 4). Nearest deref
     * first. */
    int r = 0;
    char *place = rl_xstrdup(text);
    for (char *star = strrchr(place, '*'); star && !r; star = strrchr(place, '*')) {
        *star = '\0';
        r = taken_object_at(o, fn, node, place, handoff, ask);
    }
    free(place);
    return r;
}

/* ---- how long a callee holds what it was handed --------------------------- */

/* Whether node `node` of fn still holds every lock held at hand-off node
 * h, a store made under them: what fn does to the object before letting
 * them go comes before whoever takes it (`l->head = it; l->bytes +=
 * it->size;` in one critical section). */
static int inside_handoff_locks(const rl_fn_flow *ff, int32_t h, int32_t node)
{
    if (!ff->held || !ff->held[h] || !ff->held[h]->n || !ff->held[node]) return 0;
    for (size_t e = 0; e < ff->held[h]->n; e++)
        if (!rl_ls_contains(ff->held[node], ff->held[h]->e[e].lock)) return 0;
    return 1;
}

/* Whether fn waits, between nodes h and node, on an object that is part
 * of the object parameter `param` ("P0") points to (`sem_wait(&r->done)`
 * after handing r to a server): whoever took the object posts that
 * when it is done with it, so the object is back (a request and its
 * reply, round 4's p15). */
static int waits_on_part_of(const rl_fn_flow *ff, const char *param, int32_t h, int32_t node)
{
    size_t n = strlen(param);
    for (size_t k = 0; k < ff->nwaits; k++) {
        if (ff->wait_nodes[k] <= h || ff->wait_nodes[k] >= node || !ff->wait_objects[k]) continue;
        for (size_t e = 0; e < ff->wait_objects[k]->n; e++) {
            const char *object = ff->wait_objects[k]->e[e].lock;
            if (strncmp(object, param, n) == 0 && object[n] == '*') return 1;
        }
    }
    return 0;
}

/* The largest parameter name ("P<k>", k < OWN_MAX_PARAMS) and its NUL. */
#define PARAM_NAME_MAX 16

/* The hand-offs of what parameter k of fn points to (own_handoffs_of),
 * its name ("P<k>") into name; NULL for a parameter past those
 * followed. */
static const handoff_list *param_handoffs(rl_ownership *o, int fn, int k, char name[PARAM_NAME_MAX])
{
    if (fn < 0 || (size_t)fn >= o->p->nfns || k < 0 || k >= OWN_MAX_PARAMS) return NULL;
    snprintf(name, PARAM_NAME_MAX, "P%d", k);
    return own_handoffs_of(o, fn, name, own_test_param_named, 'P');
}

int32_t rl_ownership_param_handed_on_after(rl_ownership *o, int fn, int k, int32_t node)
{
    char name[PARAM_NAME_MAX];
    const handoff_list *l = param_handoffs(o, fn, k, name);
    for (size_t j = 0; l && j < l->n; j++)
        if (l->nodes[j] > node && l->kinds[j] == HANDOFF_SYNC && may_reach(o->p->fns[fn].fn, node, l->nodes[j]))
            return l->nodes[j];
    return -1;
}

int rl_ownership_param_held_at(rl_ownership *o, int fn, int k, int32_t node)
{
    char name[PARAM_NAME_MAX];
    const handoff_list *l = param_handoffs(o, fn, k, name);
    if (!l) return 0;
    const rl_function *f = o->p->fns[fn].fn;
    for (size_t j = 0; j < l->n; j++) {
        int32_t h = l->nodes[j];
        /* only a synchronised hand-off, as for a taken object: one
         * without a lock (a plain store into a global) leaves the object
         * shared from its start, which the caller's ownership already
         * says, and a semaphore after it may still order the rest
         * (round 4's p15: the request handed over through a slot) */
        if (h == node || l->kinds[j] != HANDOFF_SYNC) continue;
        /* before node, or later in a loop around it (the next round) */
        int before = h < node;
        for (int32_t p = f->nodes[node].parent; p >= 0 && !before; p = f->nodes[p].parent)
            before = rl_node_is_repeating_loop(&f->nodes[p]) && h > p && h <= f->nodes[p].end;
        if (!before) continue;
        if (inside_handoff_locks(&o->flow->fns[fn], h, node)) continue;
        if (h < node && waits_on_part_of(&o->flow->fns[fn], name, h, node)) continue;
        return 0;
    }
    return 1;
}
