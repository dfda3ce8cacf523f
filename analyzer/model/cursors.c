/* The objects a list cursor walks (rl_node.cursor, frontend/walk_cursor.c).
 * A local given one start value and stepped through one member path
 * (`for (n = head; n; n = n->next)`) is named by the frontend by its
 * pointee's type ("{struct node}.v"), which never meets the nodes the
 * code that links them names by their site (`t1:writer:H10_27.v`). Once
 * the stores are known (tm_collect_stores), the start and the steps (a
 * member path, or the one a getter's return reads: `n = node_next(n)`)
 * are followed through the points-to sets (tm_stored_objects): the objects
 * the start leads to, and those each one's step leads to, until no new
 * one comes (a list whose nodes come from one site: one object; a static
 * first node and heap ones after it: two). The cursor's access is also
 * an access to each of them (accesses.c), with the locks it holds that
 * are named by the same type renamed alike (`lock(&n->lock); n->v++`).
 *
 * Invariants:
 *  1. Additive: the type-named access stays (a lookup that returns its
 *     cursor hands its callers the type's name, which must still meet
 *     it); the objects only add accesses.
 *  2. At most TM_MAX_CURSOR_OBJECTS objects; more, or a start the stores
 *     do not lead to objects, adds none. A step whose pointer the sets
 *     do not know adds nothing from that node (its nodes may be others,
 *     which the type-named access still stands for).
 *  3. Asked only after the stores are collected (accesses.c).
 *  4. An element of a static array is left out, unless one function
 *     alone names the array and runs once (main, or a thread main starts
 *     once: rl_ownership_global_has_one_owner): a static pool's elements
 *     are one object, which a thread filling one does not own until it
 *     publishes it when others name the pool too, so a walk reaching it
 *     would meet every write made before the publication as a race
 *     (round 30: nine safe lines flagged on static pools). The one
 *     owner's writes before the publication are its own (ownership.h). */
#include "threads_internal.h"
#include "ownership.h"
#include "place.h"
#include "../util/strbuf.h"
#include <string.h>

/* The objects the pointer stored at place `pointer` ("G:head",
 * "t1:writer:H10_27.next") may point to, into out (room for
 * TM_MAX_STORED_OBJECTS): followed to one name when the stores give one,
 * else the points-to sets' objects; 0 when neither tells. */
static size_t pointees(rl_model *m, const char *pointer, const char **out)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, pointer);
    rl_sb_appendc(&sb, '*');
    const char *deref = rl_intern(m->program->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    int distinct = 0;
    const char *one = tm_follow_stores(m, deref, 0, &distinct);
    if (one && one[0] && one[0] != '{' && one[0] != '%' && !strchr(one, '*')) {
        out[0] = rl_intern(m->program->pool, one);
        return 1;
    }
    size_t n = tm_stored_objects(m, deref, out);
    size_t kept = 0;
    for (size_t k = 0; k < n; k++)
        if (out[k][0] && out[k][0] != '{' && !strchr(out[k], '*')) out[kept++] = rl_intern(m->program->pool, out[k]);
    return kept;
}

/* Whether object o is an element of a static array (`G:pool[]`) that
 * more than the one function filling it names (invariant 4). */
static int shared_static_element(rl_model *m, const char *o)
{
    int param = -1;
    if (rl_place_root(o, &param) != RL_ROOT_GLOBAL || !strchr(o, '[')) return 0;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_appendn(&sb, o, rl_place_root_len(o));
    const char *root = rl_strpool_find(m->program->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return !root || !rl_ownership_global_has_one_owner(m->own, root);
}

/* Adds object o to set[0..*n) unless there or left out; 0 when the set
 * is full. */
static int add_object(rl_model *m, const char **set, size_t *n, const char *o)
{
    if (shared_static_element(m, o)) return 1; /* left out (invariant 4) */
    for (size_t k = 0; k < *n; k++)
        if (set[k] == o) return 1;
    if (*n == TM_MAX_CURSOR_OBJECTS) return 0;
    set[(*n)++] = o;
    return 1;
}

/* The objects cursor ("START|STEP") walks in the context env is for, into
 * set (invariant 2); their count. */
static size_t cursor_objects(rl_model *m, const frame_env *env, const char *cursor, const char **set)
{
    const char *bar = strchr(cursor, '|');
    if (!bar || bar == cursor || !bar[1]) return 0;
    const char *step = bar + 1;
    if (strncmp(step, RL_CURSOR_GETTER, strlen(RL_CURSOR_GETTER)) == 0) {
        /* a getter's step: the member path its return reads */
        const char *usr = rl_strpool_find(m->program->pool, step + strlen(RL_CURSOR_GETTER));
        int getter = usr ? rl_program_find(m->program, usr) : -1;
        step = getter >= 0 ? tm_returned_member(m, getter) : NULL;
    }
    const char *value = tm_resolve(m, env, rl_intern_n(m->program->pool, cursor, (size_t)(bar - cursor)), NULL);
    if (!value || !value[0] || value[0] == '{' || value[0] == '%') return 0;
    const char *found[TM_MAX_STORED_OBJECTS];
    size_t nfound = value[0] == '&' ? 1 : pointees(m, value, found), n = 0;
    if (value[0] == '&') found[0] = rl_intern(m->program->pool, value + 1);
    for (size_t k = 0; k < nfound; k++)
        if (!add_object(m, set, &n, found[k])) return 0;
    /* the closure under the step: set grows as it is walked */
    for (size_t walked = 0; step && walked < n; walked++) {
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_append(&sb, set[walked]);
        rl_sb_append(&sb, step);
        nfound = pointees(m, rl_intern(m->program->pool, rl_sb_str(&sb)), found);
        rl_sb_free(&sb);
        for (size_t k = 0; k < nfound; k++)
            if (!add_object(m, set, &n, found[k])) return 0;
    }
    return n;
}

/* place with its root (a type's name, `root` long) replaced by object:
 * interned. */
static const char *renamed(rl_model *m, const char *place, size_t root, const char *object)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, object);
    rl_sb_append(&sb, place + root);
    const char *r = rl_intern(m->program->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return r;
}

size_t tm_cursor_places(rl_model *m, const frame_env *env, const char *cursor, const char *place,
                        const rl_lockset *held, const char **places, const rl_lockset **helds)
{
    if (!cursor || !place || place[0] != '{') return 0;
    const char *objects[TM_MAX_CURSOR_OBJECTS];
    size_t n = cursor_objects(m, env, cursor, objects);
    size_t root = rl_place_root_len(place);
    for (size_t k = 0; k < n; k++) {
        places[k] = renamed(m, place, root, objects[k]);
        const rl_lockset *locks = held ? rl_ls_empty(m->flow->locks) : NULL;
        for (size_t i = 0; held && i < held->n; i++) {
            const char *lock = held->e[i].lock;
            if (strncmp(lock, place, root) == 0 && rl_place_root_len(lock) == root)
                lock = renamed(m, lock, root, objects[k]);
            locks = rl_ls_add(m->flow->locks, locks, lock, held->e[i].shared);
        }
        helds[k] = locks;
    }
    return n;
}
