/* A context's calls (threads_internal.h): the values a call binds to its
 * callee's parameters, each argument resolved in the caller (resolve.c),
 * k-limited, with which of them are the instance's own (tm_bind_args);
 * and the functions a call through a pointer reaches in one context
 * (tm_ctx_callees): a function value the context was handed, what the
 * stores put where the pointer is read, what the function's own
 * parameters were handed, else the program-wide answer. Split from
 * resolve.c, which names the places and values these read.
 *
 * Invariants:
 *  1. Values are k-limited (MAX_DEREFS derefs, MAX_VALUE_LEN bytes), so
 *     recursion cannot create bindings, and so contexts, without end.
 *  2. A context narrows the callees of a call through a pointer only
 *     where its bindings or the points-to sets decide them; otherwise
 *     the program-wide answer (rl_program_callees) stands. */
#include "threads_internal.h"
#include "field_values.h"
#include "callgraph.h"
#include "ownership.h"
#include "place.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdio.h>
#include <string.h>

/* Access paths are k-limited: a value reached through more derefs than
 * this, along a path that repeats a field (a list walked recursively,
 * `n->next->next`), stands for all deeper ones, so that recursion cannot
 * create contexts without end. */
#define MAX_DEREFS 3
/* A path whose fields are all different walks from one struct into
 * another (`config.threads[i]->el->events[fd].data`): cutting it short
 * would name the pointer of an outer struct in place of the inner one's,
 * a different object of a different type. Such paths are bounded by the
 * program's fields; this only bounds pathological ones. */
#define MAX_DEREFS_ACROSS_STRUCTS 8
#define MAX_VALUE_LEN 256
/* Longest field name k_limit compares when looking for a repeat. */
#define MAX_FIELD_NAME 64

/* Whether a field step of value repeats: the path walks a recursive
 * structure (`.next*.next`), so that a longer one names nothing new. */
static int repeats_field(const char *value)
{
    const char *fields[MAX_DEREFS_ACROSS_STRUCTS * 2];
    size_t lens[MAX_DEREFS_ACROSS_STRUCTS * 2], n = 0;
    for (const char *p = strchr(value, '.'); p; p = strchr(p + 1, '.')) {
        size_t len = strcspn(p + 1, ".*[");
        if (len == 0 || len > MAX_FIELD_NAME) continue;
        for (size_t i = 0; i < n; i++)
            if (lens[i] == len && memcmp(fields[i], p + 1, len) == 0) return 1;
        if (n == sizeof fields / sizeof fields[0]) return 1; /* too long to tell: as recursive */
        fields[n] = p + 1;
        lens[n++] = len;
    }
    return 0;
}

/* Cuts a value after its MAX_DEREFS-th deref when its path repeats a
 * field, else after its MAX_DEREFS_ACROSS_STRUCTS-th (see both). */
static const char *k_limit(rl_model *m, const char *value)
{
    /* A choice is bounded by its alternatives; cutting inside it would
     * break it. */
    if (value[0] == '%') return strlen(value) < MAX_VALUE_LEN ? value : rl_intern(m->program->pool, "");
    int max_derefs = repeats_field(value) ? MAX_DEREFS : MAX_DEREFS_ACROSS_STRUCTS;
    int derefs = 0;
    size_t n = 0;
    for (; value[n] && n < MAX_VALUE_LEN; n++) {
        if (value[n] == '*' && ++derefs > max_derefs) break;
    }
    if (!value[n]) return value;
    /* Keep the value up to (not including) the deref that goes too deep;
     * drop a dangling field step so the result is still a value. */
    return rl_intern_n(m->program->pool, value, n);
}

/* Where index_params keeps whether a function's uses are known, and its
 * range starts (threads.h). */
#define USES_KNOWN_BIT 32
#define RANGE_START_SHIFT 33
#define MAX_RANGE_PARAM 30

/* What function fn does with its parameters, made once: the mask of
 * those it indexes by, and those a `for` counter runs from to the next
 * one (facts.h, RL_LOOP_PARAM_RANGE). */
static uint64_t param_uses(rl_model *m, int fn)
{
    if (!m->index_params) m->index_params = rl_xcalloc(m->program->nfns + 1, sizeof *m->index_params);
    uint64_t *e = &m->index_params[fn];
    if (!(*e >> USES_KNOWN_BIT)) {
        uint64_t mask = 1ull << USES_KNOWN_BIT;
        const rl_function *f = fn_of(m, fn);
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            mask |= rl_place_index_params(n->text);
            int k = -1;
            if (n->kind == RL_N_LOOP && n->api && strcmp(n->api, RL_LOOP_PARAM_RANGE) == 0 && n->text &&
                sscanf(n->text, "P%d", &k) == 1 && k >= 0 && k <= MAX_RANGE_PARAM)
                mask |= 1ull << (RANGE_START_SHIFT + k);
        }
        *e = mask;
    }
    return *e;
}

/* Whether function fn indexes an element by its parameter k (a "[#P<k>]"
 * step in a place of its facts): only then does the instance's own value
 * in k make a context of its own. */
static int indexes_by(rl_model *m, int fn, int k)
{
    return k >= 0 && k < USES_KNOWN_BIT && ((param_uses(m, fn) >> k) & 1);
}

int tm_param_range_start(rl_model *m, int fn, int k)
{
    return k >= 0 && k <= MAX_RANGE_PARAM && ((param_uses(m, fn) >> (RANGE_START_SHIFT + k)) & 1);
}

/* Whether a value is a pointer loaded from memory reached through a
 * parameter ("P0*.sh": the pointer in the parameter's object), not the
 * parameter itself ("P0") nor an address in its object ("&P0*.inner"). */
static int loaded_through_param(const char *value)
{
    int k = -1;
    return value[0] == 'P' && rl_place_root(value, &k) == RL_ROOT_PARAM && strchr(value, '*') != NULL;
}

/* Whether a value is a pointer loaded from an element indexed by a
 * parameter's value, or through one ("G:ctxs[#P0].stats"): the element
 * is the instance's own when that value is, but not always what its
 * pointer leads to. */
static int loaded_from_own_element(const char *value)
{
    return value[0] != '&' && strstr(value, "[#P") != NULL;
}

/* Whether the call's argument `arg` is read from an object the calling
 * function took off a shared place (`j->fn(j->arg)` after `j = head;
 * head = j->next;` under the queue's lock): what a taken job carries
 * goes with it (ownership.h, invariant 4), so it is the taker's alone,
 * as a thread's own element is, and an index read through it is its
 * own (the job's `results[*(int *)arg] = ...`; round 14's p01). */
static int carried_by_taken(rl_model *m, const frame_env *env, const rl_node *call, const char *arg)
{
    const rl_function *f = fn_of(m, env->fn);
    int32_t node = (int32_t)(call - f->nodes);
    return arg[0] != '&' && strchr(arg, '*') && node >= 0 && node < f->nnodes &&
           rl_ownership_taken_at(m->own, env->fn, node, arg, NULL);
}

/* Bindings for a callee: each argument value resolved in the caller. */
const char **tm_bind_args(rl_model *m, const frame_env *env, const rl_node *call, int callee, uint32_t *distinct,
                          uint32_t *reached_distinct)
{
    int n = call->nargs < MAX_PARAMS ? call->nargs : MAX_PARAMS;
    const char **vals = rl_xcalloc((size_t)n + 1, sizeof *vals);
    *distinct = 0;
    if (reached_distinct) *reached_distinct = 0;
    const char *fnptr = callee >= 0 && call->fnptr && call->kind == RL_N_CALL ? tm_resolve(m, env, call->fnptr, NULL) : NULL;
    for (int i = 0; i < n; i++) {
        int d = 0, rd = 0;
        int k = -1;
        int used = 0;
        if (call->args[i][0] == '#' && sscanf(call->args[i], "#P%d%n", &k, &used) == 1) {
            /* an integer the caller's parameter k gives (facts.h): the
             * callee's index is as much the instance's own as k is; a
             * range the callee runs from it to the next parameter only
             * when the two are the instance's block (RL_BLOCK_START) */
            vals[i] = "";
            int block = strcmp(call->args[i] + used, RL_BLOCK_START) == 0;
            if (k >= 0 && k < MAX_PARAMS && (env->distinct & (1u << k)) && callee >= 0 && indexes_by(m, callee, i) &&
                (block || !tm_param_range_start(m, callee, i)))
                *distinct |= 1u << i;
            continue;
        }
        const char *v = tm_resolve2(m, env, call->args[i], &d, &rd);
        int cd = 0;
        const char *correlated = fnptr && v[0] ? tm_correlated_arg(m, fnptr, v, callee, rd, &cd) : NULL;
        if (correlated) v = correlated, d = cd, rd = 0;
        /* a pointer into an object of unknown type is as unknown as no
         * value: one context for all of them (place.c, subst) */
        vals[i] = strncmp(v, RL_UNKNOWN_ROOT, strlen(RL_UNKNOWN_ROOT)) == 0 ? "" : k_limit(m, v);
        /* A pointer read through an object not known (`ei->c`, `ei` a
         * hash table's value), when every store into that member gave
         * it one object: a tag carrying that object for the callee's
         * member tests, naming nothing (field_values.h); a parameter
         * bound to a tag passes it on as it is. */
        if (tm_is_member_tag(v)) {
            vals[i] = v;
            continue;
        }
        const char *object =
            !vals[i][0] || vals[i][0] == '{' ? tm_field_object(m, tm_field_read_slot(m, env->fn, call->args[i])) : NULL;
        if (object) {
            vals[i] = tm_member_tag(m, object);
            continue;
        }
        /* A pointer loaded from the instance's own object (`bump(c->sh)`)
         * leads to what was stored there: when the stores tell it is one
         * object for every instance (the same `sh` in each `ctx[i]`), the
         * callee's object is not the instance's own, as `c->sh->counter`
         * written in place is not. When they do not tell, the caller's
         * judgement holds (a job on the instance's own list). So for a
         * pointer loaded from the instance's own element
         * (`count(ctxs[id].stats)`). */
        if (d && v[0] != '&' &&
            (loaded_through_param(call->args[i]) || loaded_from_own_element(call->args[i])) &&
            tm_pointer_leads_to_shared(m, v)) {
            d = 0;
            rd = 1;
        }
        if (!d && vals[i][0] && carried_by_taken(m, env, call, call->args[i])) d = 1;
        if (d) *distinct |= 1u << i;
        if (rd && reached_distinct) *reached_distinct |= 1u << i;
    }
    return vals;
}

/* The targets of a call through a pointer that only the function's own
 * parameters fill (rl_callgraph_param_sources), in this context: for
 * each such parameter, the function it was handed ("fn:"), nothing when
 * it is what the root thread's unknown caller passed (frame_env.caller:
 * a public function's callback is the application's, not whatever the
 * library passes it at its own call sites), or else every function that
 * flows into that parameter. 0 (leaving *out to the program-wide answer)
 * when the flows are not so, or the answer is empty and not the
 * caller's (a match by type may still find a callback). */
static int context_params(rl_model *m, const frame_env *env, const rl_node *n, tm_targets *out)
{
    const rl_fn_info *info = &m->program->fns[env->fn];
    uint32_t params = 0;
    if (!n->target || !rl_callgraph_param_sources(m->program->calls, n->target, info->usr, info->fn->nparams, &params))
        return 0;
    size_t count = 0;
    int from_caller = 0;
    for (int k = 0; k < MAX_PARAMS && k < RL_CALLGRAPH_MAX_PARAMS; k++) {
        if (!(params & (1u << k))) continue;
        if (env->caller & (1u << k)) {
            from_caller = 1;
            continue;
        }
        const char *v = k < env->nbind && env->bind[k] ? env->bind[k] : "";
        size_t nfns = 0;
        const int *fns = NULL;
        int one = -1;
        if (strncmp(v, "fn:", 3) == 0) {
            one = rl_program_find(m->program, rl_intern(m->program->pool, v + 3));
            fns = one >= 0 ? &one : NULL;
            nfns = one >= 0;
        } else {
            rl_strbuf sb = RL_STRBUF_INIT;
            rl_sb_printf(&sb, "p:%s#%d", info->usr, k);
            fns = rl_callgraph_targets(m->program->calls, rl_sb_str(&sb), &nfns);
            rl_sb_free(&sb);
        }
        for (size_t i = 0; i < nfns; i++) {
            size_t j = 0;
            while (j < count && out->buf[j] != fns[i]) j++;
            if (j < count) continue;
            if (count == MAX_CANDIDATES) return 0; /* too many: the program-wide answer, which counts the cut */
            out->buf[count++] = fns[i];
        }
    }
    if (count == 0 && !from_caller) return 0;
    out->fns = count ? out->buf : NULL;
    out->count = count;
    out->by_context = 1;
    out->from_caller = from_caller;
    return 1;
}

/* The functions a call or spawn through a pointer reaches in one context.
 * The pointer, resolved with the context's bindings, may be a function
 * itself ("fn:USR", passed down as an argument: `run(inc_a)` calling
 * `cb()`), or a place whose stores so far hold one function (a callback
 * field of the object this context works on): then that function alone.
 * When everything that flows into the pointer comes through the
 * function's own parameters (context_params), what this call of it was
 * handed there. Otherwise the program-wide answer (rl_program_callees),
 * which merges every function that ever flows into the pointer's slot. */
void tm_ctx_callees(rl_model *m, const frame_env *env, int32_t node, tm_targets *out)
{
    const rl_fn_info *info = &m->program->fns[env->fn];
    const rl_node *n = &info->fn->nodes[node];
    out->count = 0;
    out->weak = out->by_context = out->from_caller = out->from_stores = 0;
    out->fns = NULL;
    if (n->fnptr && !info->callees[node] && (n->kind == RL_N_CALL || n->kind == RL_N_SPAWN || n->kind == RL_N_ONCE)) {
        const char *v = tm_resolve(m, env, n->fnptr, NULL);
        if (v[0] && strncmp(v, "fn:", 3) != 0) {
            const char *stored = tm_stored_single(m, v);
            if (stored && strncmp(stored, "fn:", 3) == 0) v = stored;
        }
        /* Several functions stored there, or in the member of each
         * element of a container read through (an event loop's events,
         * a table of handlers): those, each with its own argument
         * (tm_bind_args). */
        if (v[0] && strncmp(v, "fn:", 3) != 0 && tm_stored_callees(m, v, out)) {
            out->fns = out->buf;
            out->by_context = 1;
            out->from_stores = 1;
            return;
        }
        /* An event loop's dispatch (walk_register.c) whose loop has no
         * event yet: the contexts that register them may not be
         * explored yet. Nothing for now, and again when the sets grow;
         * every registered function only once they are settled (a loop
         * racelint cannot tell from the others). */
        if (n->target && strcmp(n->target, RL_REGISTERED_SLOT) == 0 && !m->stores_settled) {
            out->count = 0;
            out->by_context = 1;
            out->from_stores = 1;
            return;
        }
        if (strncmp(v, "fn:", 3) == 0) {
            /* A function without a body in this program runs nothing we see. */
            out->buf[0] = rl_program_find(m->program, rl_intern(m->program->pool, v + 3));
            out->count = out->buf[0] >= 0;
            out->fns = out->count ? out->buf : NULL;
            out->by_context = 1;
            return;
        }
        if (context_params(m, env, n, out)) return;
    }
    out->fns = rl_program_callees(m->program, info, node, &out->buf[0], &out->count, &out->weak);
}
