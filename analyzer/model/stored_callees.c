/* Calls through pointers kept in memory (threads_internal.h): the
 * functions a resolved function-pointer place reaches by the points-to
 * sets the stores made (stores.c), its own set or, for a member of the
 * elements of a container (an event loop's events, "H3_4.evs[]*.cb"),
 * each element's member; and the argument such a call hands a callee,
 * read from the same element (the event's own `arg`), with whether it is
 * the instance's own.
 *
 * Invariants:
 *  1. Only sets that did not overflow and hold nothing but what is asked
 *     (functions; addresses for a container) answer; anything else says
 *     "not known", never "nothing", so that callers fall back to the
 *     resolution by flow or by type (callgraph.h).
 *  2. Places are followed as the stores keyed them (tm_stores_followed)
 *     before a set is read; nothing here records a store. */
#include "threads_internal.h"
#include "place.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <string.h>

/* Adds to out the functions the points-to set of place holds (an absent
 * set adds none). 0 when the set overflowed, holds anything but
 * functions, or names more than out can hold: then it tells nothing. */
static int functions_at(rl_model *m, const char *place, tm_targets *out)
{
    const rl_stored_set *s = place ? rl_stored_sets_get(&m->stored_sets, place) : NULL;
    if (!s) return 1;
    if (s->overflowed) return 0;
    for (size_t i = 0; i < s->n; i++) {
        const char *v = s->values[i];
        if (strncmp(v, "fn:", 3) != 0) return 0;
        if (!v[3]) continue; /* a null callback */
        int fn = rl_program_find(m->program, rl_intern(m->program->pool, v + 3));
        if (fn < 0) continue; /* no body here: runs nothing racelint sees */
        size_t k = 0;
        while (k < out->count && out->buf[k] != fn) k++;
        if (k < out->count) continue;
        if (out->count == MAX_CANDIDATES) return 0;
        out->buf[out->count++] = fn;
    }
    return 1;
}

/* The points-to set of the container whose element a slot lies in: v
 * split at its last '*' ("H3_4.evs[]" of "H3_4.evs[]*.cb"), when that
 * prefix has a set of addresses that did not overflow; *split is the
 * '*''s offset. NULL otherwise. */
static const rl_stored_set *container_set(rl_model *m, const char *v, size_t *split)
{
    const char *star = strrchr(v, '*');
    if (!star || star == v || strchr(star, '[')) return NULL;
    const char *prefix = rl_strpool_find_n(m->program->pool, v, (size_t)(star - v));
    const rl_stored_set *s = prefix ? rl_stored_sets_get(&m->stored_sets, prefix) : NULL;
    if (!s || s->overflowed || !s->n) return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (s->values[i][0] != '&') return NULL;
    *split = (size_t)(star - v);
    return s;
}

/* The places an element's address (value "&X") and the steps after the
 * split give, into out (at most RL_MAX_CHOICES): one, or one per object
 * of a choice ("&%T&A&B.ev": stores through it went to each), each
 * followed as stores are keyed (values are stored as resolved, not
 * followed: "&G:threads*.n.ev" is an element of the array threads
 * points to). Returns the count. */
static size_t element_places(rl_model *m, const char *value, const char *steps, const char **out)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, value + 1);
    rl_sb_append(&sb, steps);
    size_t n = rl_place_alternatives(m->program->pool, rl_intern(m->program->pool, rl_sb_str(&sb)), out);
    rl_sb_free(&sb);
    for (size_t i = 0; i < n; i++) out[i] = tm_stores_followed(m, out[i]);
    return n;
}

/* Adds to out the functions the member at steps of the element (value)
 * holds, in each object it may be; 0 as functions_at. */
static int element_functions(rl_model *m, const char *value, const char *steps, tm_targets *out)
{
    const char *places[RL_MAX_CHOICES];
    size_t n = element_places(m, value, steps, places);
    for (size_t i = 0; i < n; i++)
        if (!functions_at(m, places[i], out)) return 0;
    return 1;
}

int tm_stored_callees(rl_model *m, const char *v, tm_targets *out)
{
    out->count = 0;
    v = tm_stores_followed(m, v);
    /* an allocator wrapper's object as its caller names it, nothing
     * stored under that name: what the wrapper stored (`j->fn = fn` in
     * job_new(), whose object is named apart for each function passed) */
    const char *inner = rl_stored_sets_get(&m->stored_sets, v) ? NULL : tm_wrapper_place(m, v);
    if (inner && rl_stored_sets_get(&m->stored_sets, inner)) v = inner;
    if (rl_stored_sets_get(&m->stored_sets, v)) return functions_at(m, v, out) && out->count;
    size_t split = 0;
    const rl_stored_set *s = container_set(m, v, &split);
    if (!s) return 0;
    for (size_t i = 0; i < s->n; i++)
        if (!element_functions(m, s->values[i], v + split + 1, out)) return 0;
    return out->count > 0;
}

/* An address value "&X" with X followed as stores are keyed; any other
 * value as it is. */
static const char *followed_address(rl_model *m, const char *value)
{
    if (value[0] != '&') return value;
    const char *object = tm_stores_followed(m, rl_intern(m->program->pool, value + 1));
    if (object == value + 1) return value;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "&%s", object);
    const char *r = rl_intern(m->program->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return r;
}

/* Whether alternative value alt (followed), read from element (followed,
 * "&X") of a container an instance owns, is that instance's own too: the
 * element's own object or one around it ("&H1[]" read from
 * "&H1[].ev") when the element is made per container, or an object made
 * anew per container itself (an array's element, an instance's heap). */
static int owned_with_element(rl_model *m, const char *container, const char *element, const char *alt)
{
    if (alt[0] != '&') return 0;
    size_t n = strlen(alt + 1);
    int around = strncmp(alt + 1, element + 1, n) == 0 && (element[1 + n] == '.' || element[1 + n] == '\0');
    if (around) return tm_made_per_container(m, container, 0, element);
    return tm_made_per_container(m, container, 0, alt);
}

const char *tm_correlated_arg(rl_model *m, const char *fnptr, const char *arg, int callee, int root_distinct,
                              int *distinct)
{
    size_t split = 0;
    fnptr = tm_stores_followed(m, fnptr);
    const rl_stored_set *s = container_set(m, fnptr, &split);
    if (!s) return NULL;
    arg = tm_stores_followed(m, arg);
    if (strncmp(arg, fnptr, split + 1) != 0) return NULL;
    const char *container = rl_strpool_find_n(m->program->pool, fnptr, split);
    const char *alts[RL_MAX_CHOICES];
    size_t n = 0;
    int own = root_distinct;
    for (size_t i = 0; i < s->n; i++) {
        tm_targets one = {0};
        if (!element_functions(m, s->values[i], fnptr + split + 1, &one)) return NULL;
        size_t k = 0;
        while (k < one.count && one.buf[k] != callee) k++;
        if (k == one.count) continue;
        /* the member as stores keyed it, in each object the element may
         * be; its one value where it has one */
        const char *members[RL_MAX_CHOICES];
        size_t nm = element_places(m, s->values[i], arg + split + 1, members);
        const char *element = followed_address(m, s->values[i]);
        for (size_t j = 0; j < nm; j++) {
            /* every value stored there (a choice stored is each of its
             * objects), or the place itself when no set tells */
            const rl_stored_set *vs = rl_stored_sets_get(&m->stored_sets, members[j]);
            size_t nv = vs && !vs->overflowed ? vs->n : 1;
            for (size_t v = 0; v < nv; v++) {
                if (n == RL_MAX_CHOICES) return NULL;
                alts[n] = vs && !vs->overflowed ? followed_address(m, vs->values[v]) : members[j];
                own = own && owned_with_element(m, container, element, alts[n]);
                n++;
            }
        }
    }
    if (n && own) *distinct = 1;
    return n ? rl_choice_make(m->program->pool, "?", alts, n) : NULL;
}
