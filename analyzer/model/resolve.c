/* Resolution (threads_internal.h): names a place or a value of one
 * function as a program-wide name, in a context (a frame_env: the
 * thread, the function, the values bound to its parameters). Locals and
 * heap objects are qualified by thread (and by the callbacks a frame is
 * handed); a call's value is the callee's return summary with its
 * parameters bound; a choice is resolved alternative by alternative.
 * The values a call binds to its callee (k-limited) and the functions a
 * call through a pointer reaches in one context are ctx_calls.c's; the
 * locks a context holds are held.c's.
 * The pointers contexts store into memory, followed when naming places,
 * are stores.c's.
 *
 * Invariants:
 *  1. Every name returned is interned in the program's pool: equal names
 *     are equal pointers.
 *  2. A function whose returns disagree is marked ambiguous once and
 *     never followed (as a place given two pointer values is: stores.c). */
#include "threads_internal.h"
#include "ownership.h"
#include "place.h"
#include "resolve_memo.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Marks a function whose returns disagree (see return_summary). */
static const char AMBIGUOUS_RETURN[] = "?";

/* A hash of the functions a frame is handed as arguments ("fn:" values),
 * 0 when none. A function called with different callbacks runs as
 * different frames: the objects it allocates are named apart (a
 * trampoline's capsule holding one thread body or another), and thread
 * discovery walks it once per callback. Data pointers are left out: they
 * vary far more, and the walks would multiply. */
uint64_t tm_fn_bindings_hash(const char *const *bind, int nbind)
{
    uint64_t h = 0;
    for (int i = 0; i < nbind; i++)
        if (bind[i] && strncmp(bind[i], "fn:", 3) == 0) {
            h = rl_hash_bytes(bind[i], strlen(bind[i]), h + (uint64_t)i + 1);
            if (!h) h = 1;
        }
    return h;
}

static const char *resolve_now(rl_model *m, const frame_env *env, const char *s, int *distinct);

/* What return text v of function fn reads through its parameters, with
 * the calls in it resolved (`decodeEntryNoValue(de)->next`, the callee
 * returning its argument: "P0*.next"); NULL when it is no such place. */
static const char *return_through_params(rl_model *m, int fn, const char *v)
{
    const char *bind[MAX_PARAMS];
    int nparams = fn_of(m, fn)->nparams < MAX_PARAMS ? fn_of(m, fn)->nparams : MAX_PARAMS;
    for (int i = 0; i < nparams; i++) {
        char text[16];
        snprintf(text, sizeof text, "P%d", i);
        bind[i] = rl_intern(m->program->pool, text);
    }
    /* no thread's frame: a local or heap object named in it ("t-1:")
     * is no name of the program, and such a return is no answer */
    frame_env own = {-1, fn, bind, nparams, 0, 0, 0, 0};
    const char *r = resolve_now(m, &own, v, NULL);
    return r && rl_place_root(r, NULL) == RL_ROOT_PARAM ? r : NULL;
}

/* What a function returns, in its own terms, when every return agrees:
 * as written, or, for returns written apart, as each reads through the
 * parameters once the calls in it are resolved (a getter that decodes a
 * tagged entry on one path). */
static const char *return_summary(rl_model *m, int fn)
{
    void **slot = rl_ptrmap_slot(&m->returns, m->program->fns[fn].usr);
    if (*slot) return *slot == (void *)AMBIGUOUS_RETURN ? NULL : *slot;
    *slot = (void *)AMBIGUOUS_RETURN; /* while the returns are resolved */
    const rl_function *f = fn_of(m, fn);
    const char *found = NULL;
    int ok = 1, apart = 0;
    for (int32_t i = 0; i < f->nnodes && ok; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind != RL_N_RETURN) continue;
        if (n->text && !n->text[0]) continue; /* `return NULL` names no object */
        const char *v = n->text ? rl_intern(m->program->pool, n->text) : NULL;
        if (!v) ok = 0;
        else if (found && found != v) apart = 1;
        else found = v;
    }
    if (ok && apart) {
        found = NULL;
        for (int32_t i = 0; i < f->nnodes && ok; i++) {
            const rl_node *n = &f->nodes[i];
            if (n->kind != RL_N_RETURN || !n->text[0]) continue;
            const char *v = return_through_params(m, fn, n->text);
            if (!v || (found && found != v)) ok = 0;
            else found = v;
        }
    }
    slot = rl_ptrmap_slot(&m->returns, m->program->fns[fn].usr); /* the map may have grown */
    *slot = ok && found ? (void *)found : (void *)AMBIGUOUS_RETURN;
    return ok ? found : NULL;
}

static const char *resolve_steps(rl_model *m, const frame_env *env, const char *s, int *distinct, int *root_distinct);
static int record_range_owned(rl_model *m, const frame_env *env, int n, const char *members);

/* The fields of a call value (facts.h): where, the callee, the pointee
 * type, then the arguments. */
#define CALL_FIELDS_MAX (MAX_PARAMS + 3)

/* Splits call value v ("@L_C<SEP>CALLEE<SEP>TYPE<SEP>ARG...<END>") into
 * fields[0..*nf); they point into the returned copy, which the caller
 * frees. */
static char *split_call_value(const char *v, const char **fields, int *nf)
{
    char *copy = rl_xstrdup(v + 1);
    char *end = strchr(copy, RL_CALL_END[0]);
    if (end) *end = '\0';
    *nf = 0;
    for (char *p = copy; *nf < CALL_FIELDS_MAX;) {
        fields[(*nf)++] = p;
        char *sep = strchr(p, RL_CALL_SEP[0]);
        if (!sep) break;
        *sep = '\0';
        p = sep + 1;
    }
    return copy;
}

const char *tm_call_gives_part_of(rl_model *m, const char *v)
{
    if (!v || v[0] != '@') return NULL;
    const char *fields[CALL_FIELDS_MAX];
    int nf = 0;
    char *copy = split_call_value(v, fields, &nf);
    int callee = nf >= 3 ? rl_program_find(m->program, rl_intern(m->program->pool, fields[1])) : -1;
    const char *ret = callee >= 0 ? return_summary(m, callee) : NULL;
    int j = -1;
    const char *result = NULL;
    if (ret && rl_place_root(ret, &j) == RL_ROOT_PARAM && j >= 0 && 3 + j < nf && fields[3 + j][0]) {
        /* "P<j>" itself, or "&P<j>*.f.g": a part of the object the
         * argument points to, never what a pointer in it leads to */
        const char *arg = fields[3 + j], *tail = ret + 1 + rl_place_root_len(ret + 1);
        rl_strbuf sb = RL_STRBUF_INIT;
        if (ret[0] == 'P' && !ret[rl_place_root_len(ret)])
            rl_sb_append(&sb, arg);
        else if (ret[0] == '&' && tail[0] == '*' && !strchr(tail + 1, '*') && arg[0] == '&')
            rl_sb_printf(&sb, "&%s%s", arg + 1, tail + 1); /* &x, then *.f: &x.f */
        else if (ret[0] == '&' && tail[0] == '*' && !strchr(tail + 1, '*'))
            rl_sb_printf(&sb, "&%s%s", arg, tail);
        if (rl_sb_str(&sb)[0]) result = rl_intern(m->program->pool, rl_sb_str(&sb));
        rl_sb_free(&sb);
    }
    free(copy);
    return result;
}

const char *tm_call_place_in_arg_terms(rl_model *m, const char *text)
{
    if (!text || text[0] != '@') return NULL;
    size_t root = rl_place_root_len(text);
    char *call = rl_xstrndup(text, root);
    const char *value = tm_call_gives_part_of(m, rl_intern(m->program->pool, call));
    free(call);
    const char *rest = text + root;
    if (!value || rest[0] != '*') return NULL;
    rl_strbuf sb = RL_STRBUF_INIT;
    /* the pointed-to object: *(&x.f) is x.f, *(p) is p* */
    if (value[0] == '&') rl_sb_printf(&sb, "%s%s", value + 1, rest + 1);
    else rl_sb_printf(&sb, "%s%s", value, rest);
    const char *r = rl_intern(m->program->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return r;
}

/* The frame of a call's callee: its arguments (their texts in the
 * caller's terms) resolved in the caller's frame into args, which the
 * frame points to. Each argument reached from an instance's own object
 * is marked so in the frame (frame_env.reached_distinct), so that what
 * the callee returns through it is judged as the caller's access would
 * be (`p = readBytes(r, 1)` returning a pointer into `r->buf`). */
static frame_env callee_frame(rl_model *m, const frame_env *env, int callee, const char *const *arg_texts, int nargs,
                              const char *args[MAX_PARAMS])
{
    if (nargs > MAX_PARAMS) nargs = MAX_PARAMS;
    uint32_t reached = 0;
    for (int i = 0; i < nargs; i++) {
        int rd = 0;
        args[i] = rl_place_normalize(m->program->pool, resolve_steps(m, env, arg_texts[i], NULL, &rd));
        if (rd) reached |= 1u << i;
    }
    return (frame_env){env->thread, callee, args, nargs, 0, 0, reached, 0};
}

/* Marks a place of two objects that are not one (record_wrapper_object). */
static const char AMBIGUOUS_INNER[] = "";

/* An allocator wrapper's object has two names: the fresh object at the
 * call site (how its caller and everything after name it) and the heap
 * object the wrapper allocated (how the wrapper's own stores into it are
 * keyed: `t->el = make_loop()` inside `new_thread()`). Records the second
 * for the first, so that tm_follow_stores can find those stores. A
 * wrapper of a wrapper (`new_worker()` returning `xmalloc()`'s object)
 * returns a call value, resolved in its frame to the inner wrapper's
 * object at its call site there: the name its stores use. */
static void record_wrapper_object(rl_model *m, const frame_env *env, int callee, const char *ret,
                                  const char *const *arg_texts, int nargs, const char *outer)
{
    const char *args[MAX_PARAMS];
    frame_env callee_env = callee_frame(m, env, callee, arg_texts, nargs, args);
    const char *inner = resolve_now(m, &callee_env, ret, NULL);
    if (outer[0] != '&' || inner[0] != '&' || outer == inner) return;
    /* Only a heap object the wrapper (or a wrapper it calls) allocated:
     * what a pop returns was made by somebody else. */
    size_t frame_len = 0;
    unsigned line, col;
    if (rl_place_heap_site(inner + 1, &frame_len, &line, &col) != strlen(inner + 1)) return;
    void **slot = rl_ptrmap_slot(&m->wrapper_inner, rl_intern(m->program->pool, outer + 1));
    const char *name = rl_intern(m->program->pool, inner + 1);
    const void *was = *slot;
    if (!*slot) *slot = (void *)name;
    else if (*slot != name) *slot = (void *)AMBIGUOUS_INNER;
    if (*slot != was) m->stores_generation++;
}

const char *tm_wrapper_inner(rl_model *m, const char *outer)
{
    const char *inner = rl_ptrmap_get(&m->wrapper_inner, outer);
    return inner == AMBIGUOUS_INNER ? NULL : inner;
}

const char *tm_returned_member(rl_model *m, int fn)
{
    const char *ret = return_summary(m, fn);
    if (!ret || strncmp(ret, "P0*.", 4) != 0 || strchr(ret + 3, '*')) return NULL;
    return rl_intern(m->program->pool, ret + 3);
}

const char *tm_returned_value(rl_model *m, int fn, int thread)
{
    const char *ret = return_summary(m, fn);
    if (!ret) return NULL;
    frame_env own = {thread, fn, NULL, 0, 0, 0, 0, 0};
    return resolve_now(m, &own, ret, NULL);
}

/* The arguments of call value fields[0..nf) as texts of env's function:
 * its own, and for one it left empty (a call's result: call values never
 * nest, walk_call.c) the argument of the call node it names (`pass(make())`
 * giving `make()`'s object), when env's function holds that call. */
static int call_arg_texts(rl_model *m, const frame_env *env, const char *const *fields, int nf,
                          const char *texts[MAX_PARAMS])
{
    int nargs = nf - 3 < MAX_PARAMS ? nf - 3 : MAX_PARAMS;
    const rl_node *call = NULL;
    int looked = 0;
    for (int i = 0; i < nargs; i++) {
        texts[i] = fields[3 + i];
        if (texts[i][0]) continue;
        if (!looked) {
            looked = 1;
            unsigned line = 0, col = 0;
            const rl_function *f = env->fn >= 0 ? fn_of(m, env->fn) : NULL;
            if (f && sscanf(fields[0], "%u_%u", &line, &col) == 2)
                for (int32_t k = 0; k < f->nnodes && !call; k++)
                    if (f->nodes[k].kind == RL_N_CALL && f->nodes[k].loc.line == line && f->nodes[k].loc.col == col)
                        call = &f->nodes[k];
        }
        if (call && i < call->nargs && call->args[i] && (call->args[i][0] == '@' || call->args[i][0] == '%'))
            texts[i] = call->args[i];
    }
    return nargs;
}

/* Resolves a call value "@L_C|USR|TYPE|args...": the callee's returned
 * value with its parameters bound to the arguments; a heap object the
 * callee allocates is a fresh object at this call site (an allocator
 * wrapper); anything else is an object of the pointee type. */
static const char *resolve_call(rl_model *m, const frame_env *env, const char *call, int depth, int *root_distinct)
{
    rl_strpool *pool = m->program->pool;
    const char *fields[CALL_FIELDS_MAX];
    int nf = 0;
    char *copy = split_call_value(call, fields, &nf);
    const char *result = NULL;
    if (nf >= 3) {
        const char *callee_name = rl_intern(pool, fields[1]);
        int callee = rl_program_find(m->program, callee_name);
        const char *ret = callee >= 0 && depth < MAX_SPAWN_DEPTH ? return_summary(m, callee) : NULL;
        /* A wrapper that hands its object on before returning it (a
         * constructor starting the object's thread) gives no fresh object
         * (rl_ownership_call_fresh): its result is the object as the
         * wrapper named it, the one its thread and its stores name. */
        /* A pop hands the caller what it took off its container: the
         * objects stored there, whoever took them (what the caller does
         * while it holds one is its own: ownership.h), not a new object
         * per call site, which would never meet the objects its pushers
         * touch after pushing. A pool's get that makes a new object when
         * the pool is empty gives the pool's objects too: the new one
         * joins them when it is given back. */
        const char *popped = callee >= 0 ? rl_ownership_unlinked_place(m->own, callee) : NULL;
        if (popped) ret = popped;
        if (!popped && rl_ownership_call_fresh(m->own, callee_name)) {
            /* An allocator wrapper: a fresh object at this call site. */
            rl_strbuf sb = RL_STRBUF_INIT;
            rl_sb_printf(&sb, "&H%s", fields[0]);
            result = resolve_now(m, env, rl_sb_str(&sb), NULL);
            rl_sb_free(&sb);
            if (ret) record_wrapper_object(m, env, callee, ret, fields + 3, nf - 3, result);
        } else if (ret && rl_place_root(ret, NULL) != RL_ROOT_LOCAL) {
            const char *args[MAX_PARAMS], *texts[MAX_PARAMS];
            int nargs = call_arg_texts(m, env, fields, nf, texts);
            frame_env callee_env = callee_frame(m, env, callee, texts, nargs, args);
            result = rl_place_root(ret, NULL) == RL_ROOT_CALL || (ret[0] == '&' && ret[1] == '@')
                         ? resolve_call(m, &callee_env, ret + (ret[0] == '&'), depth + 1, root_distinct)
                         : tm_resolve2(m, &callee_env, ret, NULL, root_distinct);
        }
        if (!result || !result[0]) {
            rl_strbuf sb = RL_STRBUF_INIT;
            rl_sb_printf(&sb, "{%s}", fields[2]);
            result = rl_intern(pool, rl_sb_str(&sb));
            rl_sb_free(&sb);
        }
    }
    free(copy);
    return result ? result : rl_intern(pool, "");
}

/* Resolves a choice "%TYPE|A|B|...": each alternative in this context;
 * one object when they all agree (two elements of one array), else the
 * resolved choice of them (rl_choice_make), whose accesses are those of
 * every alternative. */
static const char *resolve_choice(rl_model *m, const frame_env *env, const char *choice, int *root_distinct)
{
    rl_strpool *pool = m->program->pool;
    char *copy = rl_xstrdup(choice + 1);
    char *end = strchr(copy, RL_CALL_END[0]);
    if (end) *end = '\0';
    const char *alts[RL_MAX_CHOICES];
    size_t n = 0;
    int too_many = 0;
    for (char *p = strchr(copy, RL_CALL_SEP[0]); p; p = strchr(p, RL_CALL_SEP[0])) {
        *p++ = '\0';
        if (n == RL_MAX_CHOICES) {
            too_many = 1;
            break;
        }
        alts[n++] = p;
    }
    const char *resolved[RL_MAX_CHOICES];
    int unknown = too_many || n < 2;
    int calls = 0, fresh = 0, reached = 0, unreached = 0;
    unsigned line, col;
    for (size_t i = 0; i < n && !unknown; i++) {
        const char *alt = rl_choice_unnest(pool, alts[i]);
        int d = 0, rd = 0;
        resolved[i] = rl_place_normalize(pool, resolve_steps(m, env, alt, &d, &rd));
        /* an object known only by its type is nobody's own either way */
        if (d || rd) reached++;
        else if (strncmp(resolved[i], "&{", 2) != 0 && resolved[i][0] != '{') unreached++;
        /* an alternative this context cannot name: the type, as before */
        if (!resolved[i][0] || resolved[i][0] == '{') unknown = 1;
        calls += alt != alts[i];
        fresh += !unknown && rl_value_heap_address(resolved[i], &line, &col) > 0;
    }
    /* Calls count only in a choice of fresh objects (constructors on two
     * branches). A call that returns an object it found (the head of a
     * free list, popped), or a call beside an object found elsewhere
     * (pigz's `space = pool->head` on one branch, `space = alloc(...)` on
     * the other), would name the objects by the place they were found at,
     * where a pop written out in the taker is not recognised through a
     * choice: every object ever popped there would be one. Unknown then,
     * as before. */
    if (calls && fresh < (int)n) unknown = 1;
    /* Reached from the instance's own object when every alternative that
     * names an object is (Lua's `s2v(L->top)` beside a type-named one):
     * what follows is judged as for a single value (stores.c). */
    if (!unknown && reached && !unreached && root_distinct) *root_distinct = 1;
    const char *result = unknown ? rl_choice_make(pool, copy, NULL, 0) : rl_choice_make(pool, copy, resolved, n);
    free(copy);
    return result;
}

/* How a frame qualifies its locals and heap objects: "tN:FN", and for heap
 * objects of a frame handed callbacks "tN:FN~HASH" (tm_fn_bindings_hash).
 * Heap objects a once-routine makes are "once:FN" (and the hash): made
 * once in the program, they are no thread's own, and no instance's
 * (ordering.c reads the thread off "tN:"). Long names are cut: a
 * qualifier only needs to tell frames apart (place.h,
 * rl_place_qualifier_len, reads them). */
#define FRAME_QUALIFIER_MAX 96
/* "tN" or "once" */
#define FRAME_WHO_MAX 16
static void frame_qualifier(const rl_model *m, int thread, int fn, uint64_t fn_hash, int once_heap,
                            char q[FRAME_QUALIFIER_MAX])
{
    char who[FRAME_WHO_MAX];
    if (once_heap) snprintf(who, sizeof who, "once");
    else snprintf(who, sizeof who, "t%d", thread);
    if (fn_hash)
        snprintf(q, FRAME_QUALIFIER_MAX, "%s:%s~%08x", who, m->program->fns[fn].name, (unsigned)(fn_hash & 0xffffffffu));
    else
        snprintf(q, FRAME_QUALIFIER_MAX, "%s:%s", who, m->program->fns[fn].name);
}

/* Values of m->instance_frames. */
#define FRAME_PER_INSTANCE ((void *)1)
#define FRAME_SHARED ((void *)2)

void tm_index_instance_frames(rl_model *m)
{
    rl_strpool *pool = m->program->pool;
    for (size_t ci = 0; ci < m->nctxs; ci++) {
        const rl_ctx *c = &m->ctxs[ci];
        char q[FRAME_QUALIFIER_MAX];
        int once = c->in_once == RL_RUN_ONCE_ROUTINE;
        frame_qualifier(m, c->thread, c->fn, tm_fn_bindings_hash(c->bind, c->nbind), once, q);
        void **slot = rl_ptrmap_slot(&m->instance_frames, rl_intern(pool, q));
        /* Bound to its instance's own object, handed its own element of
         * an array in each iteration of a loop, or run by every instance
         * of a thread of several: each runs its own frame. Not a
         * once-routine: it runs once in all. */
        int own = !once && (c->distinct || c->per_element == 1 || m->threads[c->thread].multi);
        void *kind = own ? FRAME_PER_INSTANCE : FRAME_SHARED;
        if (!*slot || *slot == FRAME_PER_INSTANCE) *slot = kind;
    }
}

/* Whether value points into a heap object allocated by a frame that runs
 * once per instance ("&tN:FN:H12_3...", tm_index_instance_frames): each
 * instance allocates its own. */
int tm_per_instance_heap(rl_model *m, const char *value)
{
    size_t frame_len = 0;
    unsigned line, col;
    if (value[0] != '&' || !rl_place_heap_site(value + 1, &frame_len, &line, &col)) return 0;
    const char *q = rl_strpool_find_n(m->program->pool, value + 1, frame_len);
    return q && rl_ptrmap_get(&m->instance_frames, q) == FRAME_PER_INSTANCE;
}

/* Resolves s, which may be a temporary: every resolved name has its
 * container steps cancelled or typed (rl_place_normalize), the root being
 * known now. */
static const char *resolve_now(rl_model *m, const frame_env *env, const char *s, int *distinct)
{
    return rl_place_normalize(m->program->pool, resolve_steps(m, env, s, distinct, NULL));
}

/* Resolves a string that outlives the model (a fact string, a name
 * interned in a pool, a literal: the memo keys on its address,
 * resolve_memo.h), remembering the answer for the frame. A temporary
 * goes through resolve_now. */
const char *tm_resolve2(rl_model *m, const frame_env *env, const char *s, int *distinct, int *root_distinct)
{
    const char *r;
    int d = 0, rd = 0;
    if (!tm_memo_get(m->resolve_memo, env, s, &r, &d, &rd)) {
        r = rl_place_normalize(m->program->pool, resolve_steps(m, env, s, &d, &rd));
        tm_memo_put(m->resolve_memo, env, s, r, d, rd);
    }
    if (distinct && d) *distinct = d;
    if (root_distinct && rd) *root_distinct = 1;
    return r;
}

static const char *resolve_steps(rl_model *m, const frame_env *env, const char *s, int *distinct, int *root_distinct)
{
    rl_strpool *pool = m->program->pool;
    /* an integer constant argument (facts.h, "#="), or one or-ed into or
     * masking a member: no object, so it binds nothing (it decides
     * tests: known.c, member_tests.c) */
    if (strncmp(s, RL_INT_CONSTANT_ARG, strlen(RL_INT_CONSTANT_ARG)) == 0 ||
        strncmp(s, RL_OR_CONSTANT_STORE, strlen(RL_OR_CONSTANT_STORE)) == 0 ||
        strncmp(s, RL_AND_CONSTANT_STORE, strlen(RL_AND_CONSTANT_STORE)) == 0 ||
        strncmp(s, RL_INSTANCE_TEST, strlen(RL_INSTANCE_TEST)) == 0 || strcmp(s, RL_ROUND_COUNTER_STORE) == 0)
        return rl_intern(pool, "");
    if (s[0] == '@' || s[0] == '%' || (s[0] == '&' && (s[1] == '@' || s[1] == '%'))) {
        /* A call's result or a choice, then the steps applied to it. */
        int amp = s[0] == '&';
        const char *root = s + amp;
        size_t rl = rl_place_root_len(root);
        const char *value =
            root[0] == '@' ? resolve_call(m, env, root, 0, root_distinct) : resolve_choice(m, env, root, root_distinct);
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_append(&sb, amp ? "&P0" : "P0");
        rl_sb_append(&sb, root + rl);
        const char *vals[1] = {value};
        const char *r = amp ? rl_value_subst(pool, rl_sb_str(&sb), vals, 1) : rl_place_subst(pool, rl_sb_str(&sb), vals, 1);
        rl_sb_free(&sb);
        return r;
    }
    if (strstr(s, "[#P") || strstr(s, "[#R")) {
        /* Indexed by a parameter's value: the instance's own element when
         * that value is distinct per instance, any element otherwise; by
         * a range read from its record, when the record holds a block. */
        rl_strbuf sb = RL_STRBUF_INIT;
        for (const char *p = s; *p;) {
            int n;
            if (sscanf(p, "[#P%d]", &n) == 1 || sscanf(p, "[#R%d:", &n) == 1) {
                int own = n >= 0 && n < MAX_PARAMS && (env->distinct & (1u << n));
                if (own && p[2] == 'R') own = record_range_owned(m, env, n, strchr(p, ':'));
                /* An inner dimension's index (`m[r][id]`, "G:m[][#P0]") owns
                 * a column of the array, which another instance's row
                 * (`m[id][c]`, "G:m[#P0][]") crosses; both resolve to
                 * "G:m[][]", so the dimension goes with the claim
                 * (rl_access.distinct; array_column_crosses_row.c, round
                 * 27's r03). */
                int dimension = 0;
                for (const char *q = p; q - s >= 2 && q[-1] == ']' && q[-2] == '['; q -= 2) dimension++;
                if (own && distinct) *distinct = RL_OWN_WHOLE + dimension;
                /* after a pointer's deref (`res[a->tid]`, "G:res*[#P0]") the
                 * deref names the element already */
                if (p == s || p[-1] != '*') rl_sb_append(&sb, "[]");
                p = strchr(p, ']') + 1;
            } else {
                rl_sb_appendc(&sb, *p++);
            }
        }
        const char *plain = resolve_steps(m, env, rl_sb_str(&sb), distinct, root_distinct);
        rl_sb_free(&sb);
        return plain;
    }
    int param = -1;
    rl_root_kind k = rl_place_root(s, &param);
    if (k == RL_ROOT_PARAM) {
        /* The object handed to one instance is distinct, but not what its
         * pointer fields lead to: those may be shared again. */
        const char *rest = strchr(s, '*');
        int through_pointer = rest && strchr(rest + 1, '*') != NULL;
        int from_distinct = param >= 0 && param < MAX_PARAMS && (env->distinct & (1u << param));
        if (distinct && !through_pointer && from_distinct) *distinct = 1;
        int from_reached = param >= 0 && param < MAX_PARAMS && (env->reached_distinct & (1u << param));
        if (root_distinct && (from_distinct || from_reached)) *root_distinct = 1;
        return s[0] == '&' ? rl_value_subst(pool, s, env->bind, env->nbind)
                           : rl_place_subst(pool, s, env->bind, env->nbind);
    }
    if (k == RL_ROOT_LOCAL || k == RL_ROOT_HEAP) {
        char q[FRAME_QUALIFIER_MAX];
        uint64_t fh = k == RL_ROOT_HEAP ? tm_fn_bindings_hash(env->bind, env->nbind) : 0;
        frame_qualifier(m, env->thread, env->fn, fh, k == RL_ROOT_HEAP && env->once_routine, q);
        return rl_place_qualify(pool, s, q);
    }
    return rl_intern(pool, s ? s : "");
}

const char *tm_resolve(rl_model *m, const frame_env *env, const char *s, int *distinct)
{
    return tm_resolve2(m, env, s, distinct, NULL);
}

/* A record's member as a place text ("P<n>*.name") */
#define RL_MEMBER_TEXT_MAX 256

/* Whether the range ":lo:hi]" read from parameter n's record is the
 * instance's own block: both members were given one block's start and end
 * (facts.h, RL_RECORD_BLOCK_START). */
static int record_range_owned(rl_model *m, const frame_env *env, int n, const char *members)
{
    char lo[RL_MEMBER_TEXT_MAX], hi[RL_MEMBER_TEXT_MAX];
    const char *second = members ? strchr(members + 1, ':') : NULL;
    const char *end = second ? strchr(second, ']') : NULL;
    if (!end || snprintf(lo, sizeof lo, "P%d*.%.*s", n, (int)(second - members - 1), members + 1) >= (int)sizeof lo ||
        snprintf(hi, sizeof hi, "P%d*.%.*s", n, (int)(end - second - 1), second + 1) >= (int)sizeof hi)
        return 0;
    rl_strpool *pool = m->program->pool;
    return tm_record_holds_block(m, resolve_steps(m, env, rl_intern(pool, lo), NULL, NULL),
                                 resolve_steps(m, env, rl_intern(pool, hi), NULL, NULL));
}
