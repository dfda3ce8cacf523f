/* Intervals, the second half of discovery (discovery.h): for each spawn
 * site of a thread, which of the thread's joins ends the child (the same
 * handle, else the same struct field; only a join that may run after the
 * spawn, and not one on the branch where starting it failed, which is
 * kept apart), whether several instances run, the interval of the
 * parent's positions they run in, and the locks the creator holds through
 * their life (creation locks and history).
 *
 * Invariants:
 *  1. Each child's bounds are ordered: start <= dstart < dend <= end.
 *  2. A weak match (by struct field) never shortens a thread's life: of
 *     such joins the last one that may follow the spawn ends it. */
#include "discovery.h"
#include "../util/mem.h"
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Loops around one statement looked at for a spawn's instances. */
#define MAX_LOOP_NESTING 64

/* The outermost loop around a spawn whose iterations do not each join the
 * thread they start: the spawn runs again while earlier instances still
 * run, and later instances start at that loop's head. Loops are looked at
 * in every frame of the spawn's position, outermost first, so a spawn in
 * start_workers() called in a loop of main, and joined by stop_workers()
 * in the same iteration, does not overlap itself. Sets *frame to the
 * loop's frame; -1 when no such loop exists. */
static int32_t overlapping_loop(rl_model *m, const spawn_site *s, const join_site *join, int *frame)
{
    for (int k = 0; k < s->pos.n; k++) {
        const rl_function *fn = fn_of(m, s->frame_fns[k]);
        /* Whether the join is reached through the same calls as the spawn
         * down to this frame. */
        int same_prefix = join && join->pos.n > k && join->frame_fns[k] == s->frame_fns[k] &&
                          (k == 0 || memcmp(join->pos.v, s->pos.v, (size_t)k * sizeof(int32_t)) == 0);
        int32_t loops[MAX_LOOP_NESTING];
        int nloops = 0;
        for (int32_t p = fn->nodes[s->pos.v[k]].parent; p >= 0 && nloops < MAX_LOOP_NESTING; p = fn->nodes[p].parent)
            if (tm_repeats(&fn->nodes[p])) loops[nloops++] = p;
        for (int i = nloops - 1; i >= 0; i--) {
            if (same_prefix && tm_in_subtree(fn, loops[i], join->pos.v[k])) continue; /* joined in the iteration */
            *frame = k;
            return loops[i];
        }
    }
    return -1;
}

/* The locks the spawning function holds without a break from the spawn to
 * the join of the same thread, in the same function: the whole life of the
 * child runs inside those critical sections, so its accesses are protected
 * by them against every other thread that takes them (Goblint's creation
 * lockset). Resolved names; NULL for none. */
/* Whether node runs whenever its ancestor `top` does: only sequences
 * between them, no branch, loop or switch. */
static int straight_under(const rl_function *fn, int32_t node, int32_t top)
{
    for (int32_t p = fn->nodes[node].parent; p >= 0 && p != top; p = fn->nodes[p].parent)
        if (fn->nodes[p].kind != RL_N_SEQ) return 0;
    return 1;
}

static const rl_lockset *creation_locks(rl_model *m, const spawn_site *s, const join_site *join)
{
    if (!s->held_own || s->held_own->n == 0) return NULL;
    int last = s->pos.n - 1;
    const rl_fn_flow *ff = &m->flow->fns[s->frame_fns[last]];
    const rl_function *fn = fn_of(m, s->frame_fns[last]);
    int32_t from = s->pos.v[last], to = join->pos.v[last];
    /* The join must happen whenever the spawn does: both straight under
     * their nearest common block (not `if (maybe) pthread_join(...)`). */
    int32_t top = fn->nodes[from].parent;
    while (top >= 0 && !tm_in_subtree(fn, top, to)) top = fn->nodes[top].parent;
    if (top < 0 || !straight_under(fn, from, top) || !straight_under(fn, to, top)) return NULL;
    const rl_lockset *out = NULL;
    for (size_t k = 0; k < s->held_own->n; k++) {
        const char *lock = s->held_own->e[k].lock;
        int kept = 1;
        /* Every node between, in program order, that can run holds it. */
        for (int32_t n = from + 1; n <= to && kept; n++) kept = !ff->held[n] || rl_ls_contains(ff->held[n], lock);
        if (!kept) continue;
        out = rl_ls_add(m->flow->locks, out ? out : rl_ls_empty(m->flow->locks), s->held_res[k],
                        s->held_own->e[k].shared);
    }
    return out;
}

/* Records the locks the creator holds at a spawn and where it lets each
 * go: the first node after the spawn, in its frame, that does not hold
 * it; never, when the spawn is in the creator's entry function and the
 * lock is held to its end. The nodes in between all hold it, so whatever
 * the creator does there happens before the child can take the lock.
 * Spawns in loops are left out (the loop's earlier nodes run again after
 * the spawn). */
static void creation_history(rl_model *m, rl_thread *child, const spawn_site *s)
{
    child->ncreated_under = 0;
    if (!s->held_own || !s->held_own->n) return;
    int last = s->pos.n - 1;
    const rl_function *fn = fn_of(m, s->frame_fns[last]);
    const rl_fn_flow *ff = &m->flow->fns[s->frame_fns[last]];
    int32_t from = s->pos.v[last];
    if (tm_innermost_loop(fn, from) >= 0) return;
    for (size_t k = 0; k < s->held_own->n && child->ncreated_under < RL_MAX_CREATION_HISTORY; k++) {
        const char *lock = s->held_own->e[k].lock;
        if (s->held_own->e[k].shared) continue;
        int32_t release = -1;
        for (int32_t n = from + 1; n < fn->nnodes && release < 0; n++)
            if (ff->held[n] && !rl_ls_contains(ff->held[n], lock)) release = n;
        if (release < 0 && s->pos.n != 1) continue; /* let go by a caller, somewhere */
        int i = child->ncreated_under++;
        child->created_under[i] = s->held_res[k];
        if (release >= 0) {
            child->released_at[i] = pos_prefix_then(&s->pos, last, release);
        } else {
            child->released_at[i] = (rl_posvec){NULL, 0, 1};
        }
    }
}

/* Whether two handle places (or fields, tm_handle_field) name the same
 * handle: the same place, or places that differ only in the index of
 * their first array step where one of them is collapsed ("t[]", any
 * element) and the other names an element ("t[1]"). Two different
 * constant indices ("t[0]", "t[1]") are two handles (rlw_place_element). */
static int same_handle(const char *a, const char *b)
{
    if (a == b) return 1;
    if (!a || !b) return 0;
    if (strcmp(a, b) == 0) return 1;
    const char *ea = strchr(a, '['), *eb = strchr(b, '[');
    if (!ea || !eb || ea - a != eb - b || strncmp(a, b, (size_t)(ea - a)) != 0) return 0;
    if (ea[1] != ']' && eb[1] != ']') return 0; /* two constants, or the same: a == b */
    const char *ra = strchr(ea, ']'), *rb = strchr(eb, ']');
    return ra && rb && strcmp(ra, rb) == 0;
}

/* Whether a join's handle is a spawn's handle exactly: that join belongs
 * to that spawn. */
static int joins_a_named_spawn(const discovery *d, const join_site *js)
{
    for (size_t k = 0; k < d->nspawns; k++)
        if (same_handle(d->spawns[k].handle, js->handle) || same_handle(d->spawns[k].kept, js->handle)) return 1;
    return 0;
}

/* The join that ends the thread of spawn s: the first after the spawn, by
 * the same thread, of the same handle. When no join names the handle as
 * the spawn does, a join of a handle kept in the same struct field, that
 * joins no other spawn's handle exactly: the spawn and the join name the
 * pool object apart (zstd's pool allocated through a wrapper and reached
 * again through its owner's field, `ctx->threads[i]` in POOL_create and
 * in POOL_join), and the object's identity is not traced through the
 * allocation and the stores. NULL when none. */
/* The branch of an `if` whose condition holds node `test` that holds
 * node `node` (it runs according to what `test` returned), or -1. */
static int32_t branch_tests(const rl_function *fn, int32_t test, int32_t node)
{
    for (int32_t p = fn->nodes[node].parent; p >= 0; p = fn->nodes[p].parent) {
        if (fn->nodes[p].kind != RL_N_IF) continue;
        int32_t cond = rl_fn_child(fn, p, 0);
        if (cond < 0 || !tm_in_subtree(fn, cond, test) || tm_in_subtree(fn, cond, node)) continue;
        for (int which = 1; which <= 2; which++) {
            int32_t branch = rl_fn_child(fn, p, which);
            if (branch >= 0 && tm_in_subtree(fn, branch, node)) return branch;
        }
    }
    return -1;
}

/* Where a join after the spawn stands towards it, in the function where
 * their call paths part: JOIN_FOLLOWS when it may run after the spawn
 * (rl_program_may_follow: not on the other branch of an `if`, nor past a
 * `return` or a `goto` beyond it; a pool made in one branch of main and
 * one freed in another, zstd's benchmark, which ends with `goto _end`,
 * and its decompression, are other objects), JOIN_ON_FAILURE when it is
 * in a branch that tests what the spawn's call returned: the path where
 * starting the thread failed (`if (pthread_create(...)) { pool_free(ctx);
 * return NULL; }` in zstd's POOL_create_advanced), which joins the
 * instances started before, on that path only; else 0. */
enum { JOIN_FOLLOWS = 1, JOIN_ON_FAILURE = 2 };

static int join_placement(const rl_model *m, const spawn_site *s, const join_site *js, rl_path_join *failure)
{
    int n = s->pos.n < js->pos.n ? s->pos.n : js->pos.n;
    for (int k = 0; k < n; k++) {
        if (s->frame_fns[k] != js->frame_fns[k]) return JOIN_FOLLOWS;
        if (s->pos.v[k] == js->pos.v[k]) continue;
        const rl_fn_info *info = &m->program->fns[s->frame_fns[k]];
        if (s->pos.v[k] >= info->fn->nnodes || js->pos.v[k] >= info->fn->nnodes) return JOIN_FOLLOWS; /* a finisher */
        if (!rl_program_may_follow(m->program, info, s->pos.v[k], js->pos.v[k])) return 0;
        int32_t branch = branch_tests(info->fn, s->pos.v[k], js->pos.v[k]);
        if (branch < 0) return JOIN_FOLLOWS;
        if (failure) {
            failure->frame = k;
            failure->branch = branch;
        }
        return JOIN_ON_FAILURE;
    }
    return JOIN_FOLLOWS;
}

/* Whether join js names one element of the array the spawn's handle
 * stands for as a whole (`pthread_join(t[0], ...)` after starting
 * `&t[i]` in a loop): it ends one instance, not knowing which (*index:
 * the element's constant index, -1 when not one). */
static int joins_one_element(const spawn_site *s, const join_site *js, long *index)
{
    const char *collapsed = strstr(s->handle, "[]");
    if (index) *index = -1;
    if (!collapsed) return 0;
    size_t at = (size_t)(collapsed - s->handle);
    if (strlen(js->handle) <= at || strncmp(js->handle, s->handle, at) != 0 || js->handle[at] != '[' ||
        js->handle[at + 1] == ']')
        return 0;
    char *end = NULL;
    long k = strtol(js->handle + at + 1, &end, 10);
    if (index && end && *end == ']' && k >= 0) *index = k;
    return 1;
}

/* The range [*start, bound) of the indices a spawn in a `for` loop gives
 * its instances, one element of its handle array each, when the loop's
 * counter counts up from a constant (RL_N_LOOP's args: the bound, then
 * the start); returns the bound, 0 when not known. */
static long loop_span(const rl_model *m, const spawn_site *s, long *start)
{
    const rl_function *fn = fn_of(m, s->frame_fns[s->pos.n - 1]);
    int32_t loop = tm_innermost_loop(fn, s->node);
    long long from = 0, bound = 0;
    *start = 0;
    if (loop < 0 || !rl_loop_counter_range(&fn->nodes[loop], &from, &bound) || bound > LONG_MAX) return 0;
    *start = (long)from;
    return (long)bound;
}

/* Whether the joins of single elements after the spawn end every
 * instance: one join for each index of the loop's range, when it is
 * known; when it is not, they are taken to (`join(t[0]); join(t[1]);`).
 * A thread left unjoined (`join(t[0])` alone after starting two) then
 * runs on past them. A loop counting from 1 (`for (i = 1; i < 3; i++)`,
 * joined by `join(t[1]); join(t[2]);`) needs joins of 1 and 2 only:
 * before the loop's start was in the facts (format 73), it was taken to
 * need t[0]'s too, and its threads ran on past their joins. */
static int join_names(const spawn_site *s, const discovery *d, const join_site *js);

/* The most instances whose element joins element_joins_cover counts (the
 * bits of its mask). */
#define MAX_ELEMENT_JOINS 64

static int element_joins_cover(const rl_model *m, const spawn_site *s, const discovery *d)
{
    long start;
    long span = loop_span(m, s, &start);
    if (span <= 0) return 1;
    if (span > MAX_ELEMENT_JOINS) return 0; /* more instances than the mask holds: not told */
    if (start >= span) return 1;            /* no instance started */
    uint64_t seen = 0;
    for (size_t j = 0; j < d->njoins; j++) {
        long k;
        if (join_names(s, d, &d->joins[j]) && joins_one_element(s, &d->joins[j], &k) && k >= start && k < span)
            seen |= 1ull << k;
    }
    uint64_t below_span = span == MAX_ELEMENT_JOINS ? ~0ull : (1ull << span) - 1;
    return seen == (below_span & ~((1ull << start) - 1));
}

/* How a join after the spawn names its thread's handle, whatever path it
 * is on: JOINS_HANDLE when it names the spawn's handle (or the place its
 * caller keeps it in), JOINS_BY_FIELD when it names a handle of the same
 * struct field that is exactly no other spawn's, else 0. */
enum { JOINS_BY_FIELD = 1, JOINS_HANDLE = 2 };

static int join_names(const spawn_site *s, const discovery *d, const join_site *js)
{
    if (!s->handle[0] || pos_cmp(&js->pos, &s->pos) <= 0) return 0;
    if (same_handle(js->handle, s->handle) || same_handle(js->handle, s->kept)) return JOINS_HANDLE;
    const char *field = s->handle_field;
    const char *jfield = field && js->handle[0] ? tm_handle_field(js->handle) : NULL;
    if (!jfield || !same_handle(jfield, field) || joins_a_named_spawn(d, js)) return 0;
    return JOINS_BY_FIELD;
}

/* How a join ends its thread: as join_names, for a join that may run
 * after the spawn on the path where the thread started. */
static int join_kind(const rl_model *m, const spawn_site *s, const discovery *d, const join_site *js)
{
    int kind = join_names(s, d, js);
    return kind && join_placement(m, s, js, NULL) == JOIN_FOLLOWS ? kind : 0;
}

/* Records the joins on the branch where starting the thread failed
 * (JOIN_ON_FAILURE): what follows one of them on its own path comes after
 * the instances started before (ordering.c). So does what follows any
 * other join of the thread's own handle (JOINS_HANDLE) on its path, with
 * frame -1: the interval ends at one join, and a thread freed on an
 * early return (zstd's `if (error) { POOL_free(pool); return; }` before
 * the last POOL_free) is joined there too. A join matched by field only
 * may name another object: it orders nothing but its own interval. */
static void list_path_joins(const rl_model *m, rl_thread *child, const spawn_site *s, const discovery *d)
{
    for (size_t j = 0; j < d->njoins; j++) {
        const join_site *js = &d->joins[j];
        rl_path_join f;
        int names = join_names(s, d, js);
        /* one instance's join orders nothing for the others */
        if (!names || joins_one_element(s, js, NULL)) continue;
        int placement = join_placement(m, s, js, &f);
        if (placement == JOIN_FOLLOWS && names == JOINS_HANDLE) f.frame = -1, f.branch = -1;
        else if (placement != JOIN_ON_FAILURE) continue;
        f.pos = pos_copy(&js->pos);
        f.frame_fns = tm_frames_with(js->frame_fns, js->pos.n - 1, js->frame_fns[js->pos.n - 1]);
        child->path_joins =
            rl_xrealloc(child->path_joins, (size_t)(child->npath_joins + 1) * sizeof *child->path_joins);
        child->path_joins[child->npath_joins++] = f;
    }
}

/* The best kind of join any join of the spawn is (join_kind). */
static int best_join_kind(const rl_model *m, const spawn_site *s, const discovery *d)
{
    int best = 0;
    for (size_t j = 0; j < d->njoins && best < JOINS_HANDLE; j++) {
        int k = join_kind(m, s, d, &d->joins[j]);
        if (k > best) best = k;
    }
    return best;
}

/* The join that ends the thread: of the joins of its handle, the first
 * after the spawn; of joins matched only by field, which may name other
 * objects of the same type (curl's pool, destroyed on an error path of
 * its creation and at the end), the last one, so that a weak match never
 * shortens the thread's life. */
static const join_site *join_of(const rl_model *m, const spawn_site *s, const discovery *d)
{
    int best = best_join_kind(m, s, d);
    int want = best == JOINS_HANDLE ? -1 : 1;
    /* Joins of single elements of a loop's handles (`join(t[0]);
     * join(t[1]);`) end one instance each: the last of them ends the
     * thread, as a weak match does. */
    int elements = 0;
    for (size_t j = 0; best == JOINS_HANDLE && j < d->njoins; j++)
        if (join_kind(m, s, d, &d->joins[j]) == best && joins_one_element(s, &d->joins[j], NULL)) elements = 1;
    if (elements) want = 1;
    int covered = !elements || element_joins_cover(m, s, d);
    const join_site *join = NULL;
    for (size_t j = 0; best && j < d->njoins; j++) {
        const join_site *js = &d->joins[j];
        if (!covered && joins_one_element(s, js, NULL)) continue;
        if (join_kind(m, s, d, js) == best && (!join || pos_cmp(&js->pos, &join->pos) * want > 0)) join = js;
    }
    return join;
}

static int same_loc(rl_loc a, rl_loc b)
{
    return a.line == b.line && a.col == b.col && (a.file == b.file || (a.file && b.file && strcmp(a.file, b.file) == 0));
}

/* Every join that may end the child (those of the best kind, each place
 * once), for racelint threads: first the one that bounds its interval
 * (join_of), then where else it is joined (load() and load_end() in
 * pigz). */
static void list_joins(const rl_model *m, rl_thread *child, const spawn_site *s, const discovery *d, const join_site *first)
{
    int best = best_join_kind(m, s, d);
    for (size_t j = 0; best && j <= d->njoins; j++) {
        const join_site *js = j == 0 ? first : &d->joins[j - 1];
        if (join_kind(m, s, d, js) != best) continue;
        int seen = 0;
        for (int k = 0; k < child->njoin_sites && !seen; k++)
            seen = same_loc(child->join_sites[k].loc, js->loc) && same_loc(child->join_sites[k].call_loc, js->call_loc);
        if (seen) continue;
        child->join_sites = rl_xrealloc(child->join_sites, (size_t)(child->njoin_sites + 1) * sizeof *child->join_sites);
        child->join_sites[child->njoin_sites].loc = js->loc;
        child->join_sites[child->njoin_sites++].call_loc = js->call_loc;
    }
}

/* Whether the caller of the spawning function joins the thread later in
 * the same call (pigz's load() calling launch() and then join(), outb()
 * likewise): however many call paths reach that caller, each call ends
 * the thread it started before it returns. Frames above the caller may
 * differ; the caller's frame and those above it in the spawn's position
 * must be the join's, and the position must hold every frame. */
static int joined_by_caller(const spawn_site *s, const join_site *join)
{
    int c = s->pos.n - 2;
    /* Past the thread's pos_depth, frame c is not the spawning function's caller. */
    if (!join || c < 0 || join->pos.n <= c || s->cut) return 0;
    for (int k = 0; k <= c; k++)
        if (join->frame_fns[k] != s->frame_fns[k] || (k < c && join->pos.v[k] != s->pos.v[k])) return 0;
    return join->pos.v[c] > s->pos.v[c];
}

/* Whether a handle is a global place ("G:id3"): a name every thread
 * means the same object by, so a join in one thread's code can be matched
 * with a spawn in another's. */
static int global_handle(const char *h)
{
    return h && strncmp(h, "G:", 2) == 0;
}

/* Records on the child the joins its parent makes after starting it of
 * other global handles (rl_later_join): one of them may end a thread the
 * child starts. The locks held from the child's spawn to such a join are
 * kept when both are in the same frame (creation_locks). */
static void list_later_joins(rl_model *m, rl_thread *child, const spawn_site *s, const discovery *d)
{
    int last = s->pos.n - 1;
    for (size_t j = 0; j < d->njoins; j++) {
        const join_site *js = &d->joins[j];
        if (!global_handle(js->handle) || join_names(s, d, js) || pos_cmp(&js->pos, &s->pos) <= 0 ||
            join_placement(m, s, js, NULL) != JOIN_FOLLOWS)
            continue;
        int same_frame = last >= 0 && js->pos.n == s->pos.n && js->frame_fns[last] == s->frame_fns[last] &&
                         memcmp(js->pos.v, s->pos.v, (size_t)last * sizeof(int32_t)) == 0;
        child->later_joins =
            rl_xrealloc(child->later_joins, (size_t)(child->nlater_joins + 1) * sizeof *child->later_joins);
        rl_later_join *lj = &child->later_joins[child->nlater_joins++];
        lj->handle = js->handle;
        lj->site = (rl_join_site){js->loc, js->call_loc};
        lj->at = pos_copy(&js->pos);
        lj->held = same_frame ? creation_locks(m, s, js) : NULL;
    }
}

/* A child its parent never joins but its grandparent does (Goblint's
 * 53-races-mhp/16: main joins `id3`, which t2 started): it ends at that
 * join, and runs wholly inside the locks the grandparent holds from
 * starting the parent to that join. */
static void joined_by_grandparent(rl_model *m, rl_thread *child, const rl_thread *parent, const spawn_site *s)
{
    if (!global_handle(s->handle) || parent->parent < 0 || s->repeated) return;
    for (int k = 0; k < parent->nlater_joins; k++) {
        const rl_later_join *lj = &parent->later_joins[k];
        if (!same_handle(lj->handle, s->handle)) continue;
        child->joined_by = parent->parent;
        child->joined_by_at = pos_copy(&lj->at);
        child->joined_by_site = lj->site;
        if (lj->held && !child->creation_locks) {
            child->creation_locks = lj->held;
            child->creation_holder = parent->parent;
            m->any_creation_locks = 1;
        }
        return;
    }
}

/* Fills a child's multi flag and interval from its spawn site and the
 * parent's joins. */
const join_site *tm_child_interval(rl_model *m, rl_thread *child, const rl_thread *parent, const spawn_site *s,
                                       const discovery *d)
{
    const join_site *join = join_of(m, s, d);
    int frame = -1;
    int32_t around = overlapping_loop(m, s, join, &frame);
    /* A spawn reached through several call paths (commands dispatched
     * through a table all reaching one pool) runs several times; but when
     * the function that spawns also joins, each run ends before its call
     * returns, so the runs never overlap. */
    int last = s->pos.n - 1;
    int joined_in_frame = join && last >= 0 && join->pos.n == s->pos.n && join->frame_fns[last] == s->frame_fns[last] &&
                          memcmp(join->pos.v, s->pos.v, (size_t)last * sizeof(int32_t)) == 0;
    child->own_multi = (s->repeated && !joined_in_frame && !joined_by_caller(s, join)) || around >= 0;
    creation_history(m, child, s);
    if (joined_in_frame) {
        child->creation_locks = creation_locks(m, s, join);
        child->creation_holder = child->creation_locks ? parent->id : -1;
    } else if (!join) {
        /* Never joined, and created under a lock its creator never lets
         * go (it ends holding it: the process ends with main, any other
         * thread leaves it taken for good): the child runs entirely while
         * its creator holds it. */
        const rl_lockset *held = NULL;
        for (int i = 0; i < child->ncreated_under; i++)
            if (child->released_at[i].infinite)
                held = rl_ls_add(m->flow->locks, held ? held : rl_ls_empty(m->flow->locks), child->created_under[i], 0);
        child->creation_locks = held;
        child->creation_holder = held ? parent->id : -1;
    }
    m->any_creation_locks |= child->creation_locks != NULL || parent->creation_locks != NULL;
    /* Joined before its parent ends, it lives inside the parent's life,
     * and so inside the locks that protect the parent's, held by the same
     * thread. */
    if (join && parent->creation_locks && !child->creation_locks) {
        child->creation_locks = parent->creation_locks;
        child->creation_holder = parent->creation_holder;
    }
    child->multi = parent->multi || child->own_multi;
    list_path_joins(m, child, s, d);
    list_later_joins(m, child, s, d);
    if (!join && !child->multi) joined_by_grandparent(m, child, parent, s);
    child->start = around >= 0 ? pos_prefix_then(&s->pos, frame, around) : pos_copy(&s->pos);
    child->dstart = pos_copy(&s->pos);
    child->spawn_pos = pos_copy(&s->pos);
    if (!join) {
        child->end.infinite = 1;
        child->dend.infinite = 1;
        return NULL;
    }
    child->joined = 1;
    child->join_loc = join->loc;
    child->join_call_loc = join->call_loc;
    list_joins(m, child, s, d, join);
    child->end = pos_copy(&join->pos);
    child->dend = pos_copy(&join->pos);
    for (int k = 0; k < join->pos.n; k++) {
        const rl_function *jf = fn_of(m, join->frame_fns[k]);
        if (join->pos.v[k] >= jf->nnodes) continue; /* a finisher's frame past the entry */
        int32_t loop = tm_outermost_loop(jf, join->pos.v[k]);
        if (loop < 0) continue;
        int same_prefix = s->pos.n > k && (k == 0 || memcmp(s->pos.v, join->pos.v, (size_t)k * sizeof(int32_t)) == 0) &&
                          s->frame_fns[k] == join->frame_fns[k];
        if (same_prefix && tm_in_subtree(jf, loop, s->pos.v[k])) break; /* the spawn's own loop */
        pos_free(&child->end);
        child->end = pos_prefix_then(&join->pos, k, jf->nodes[loop].end + 1);
        break;
    }
    return join;
}

