/* Where a context stands in its thread's frame, for its key (exploration.c,
 * get_ctx): the phase of a frozen context among its thread's children's
 * bounds, and, for a context of a function that spawns or joins, the
 * prefix of its position where it leaves every path to the thread's order
 * points (threads.h, order_prefixes).
 *
 * Invariants:
 *  1. A thread's bounds and order prefixes are built once, at its first
 *     context key (tm_prepare_positions), after its discovery: its
 *     children, their joins and the joins it makes are all known.
 *  2. Two positions given one signature, or one leaving prefix and depth,
 *     stand alike in every question ordering.c asks of them. */
#include "threads_internal.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdlib.h>

static int pos_order(const void *a, const void *b)
{
    return pos_cmp(a, b);
}

/* The hash of the first n frames of a position (never 0: the set keeps
 * no 0). Two prefixes with one hash only keep a context apart that could
 * have been shared. */
static uint64_t prefix_hash(const rl_posvec *p, int n)
{
    uint64_t h = rl_hash_bytes(p->v, (size_t)n * sizeof *p->v, (uint64_t)n);
    return h ? h : 1;
}

static void add_order_point(rl_thread *t, const rl_posvec *p)
{
    if (p->infinite) return;
    for (int k = 1; k <= p->n; k++) rl_u64set_add(&t->order_prefixes, prefix_hash(p, k));
}

/* Builds a thread's phase bounds and order prefixes (threads.h), once, when
 * its first context is keyed: its children and the joins it makes are all
 * known by then (discovery runs before exploration). */
void tm_prepare_positions(rl_model *m, int thread)
{
    rl_thread *t = &m->threads[thread];
    if (t->phase_ready) return;
    t->phase_ready = 1;
    t->phase_bounds = rl_xcalloc((size_t)t->nchildren * 4 + 1, sizeof *t->phase_bounds);
    for (int i = t->first_child; i < t->first_child + t->nchildren; i++) {
        const rl_thread *c = &m->threads[i];
        const rl_posvec *bounds[] = {&c->start, &c->dstart, &c->dend, &c->end};
        for (size_t k = 0; k < sizeof bounds / sizeof *bounds; k++) {
            if (!bounds[k]->infinite) t->phase_bounds[t->nphase_bounds++] = pos_copy(bounds[k]);
            add_order_point(t, bounds[k]);
        }
        add_order_point(t, &c->spawn_pos);
        for (int k = 0; k < c->ncreated_under; k++) add_order_point(t, &c->released_at[k]);
        for (int k = 0; k < c->npath_joins; k++) add_order_point(t, &c->path_joins[k].pos);
        for (int k = 0; k < c->nlater_joins; k++) add_order_point(t, &c->later_joins[k].at);
    }
    for (size_t j = 0; j < m->njoins_made; j++)
        if (m->joins_made[j].thread == thread) add_order_point(t, &m->joins_made[j].at);
    qsort(t->phase_bounds, (size_t)t->nphase_bounds, sizeof *t->phase_bounds, pos_order);
}

/* Where a position lies relative to each child's interval: contexts at
 * positions with the same signature are interchangeable. Each child's
 * class (before its start, inside, past dstart, past dend, after its end)
 * only changes when the position passes one of its bounds, and bounds are
 * ordered (start <= dstart < dend <= end, child_interval), so the number
 * of the thread's bounds at or before the position names the classes of
 * all children at once. */
void tm_phase_signature(const rl_model *m, int thread, const rl_posvec *pos, rl_strbuf *out)
{
    const rl_thread *t = &m->threads[thread];
    int lo = 0, hi = t->nphase_bounds;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (pos_cmp(&t->phase_bounds[mid], pos) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    rl_sb_append_int(out, lo);
}

/* The frames of pos that name where it leaves every path to the
 * thread's order points (threads.h): its shortest prefix that is a prefix
 * of none of them; 0 when there is none (pos lies on such a path), or for
 * a run-once function, whose first call is told by its position
 * (accesses.c). Two positions with that prefix in common stand alike in
 * every ordering question: each compares a position with a point
 * (lexicographically, or by the node in the frame where the two part:
 * after_path_join, node_in_start_frame, other_run_of_maker in
 * ordering.c), and a position parts from every point within that prefix.
 * So are the positions below them, and a context entered at either can
 * be one. pigz's main reaches its spawning helpers (load, launch, join)
 * along thousands of call paths of its recursive directory walk, few of
 * them towards a spawn or join. */
int tm_leaving_prefix(const rl_model *m, int thread, int fn, const rl_posvec *pos)
{
    const rl_thread *t = &m->threads[thread];
    if (m->program->fns[fn].once_guard >= 0) return 0;
    for (int k = 1; k <= pos->n; k++)
        if (!rl_u64set_has(&t->order_prefixes, prefix_hash(pos, k))) return k;
    return 0;
}

