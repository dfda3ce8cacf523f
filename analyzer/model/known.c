/* Values a thread has tested (known.h): the index of value tests, the
 * facts handed to callees, the code those facts make dead, and the modes
 * (facts every path to a node tested, and the globals written only while
 * one thread runs); with them, the facts no global carries: the instance
 * a thread's own value names, a barrier's pick, a loop's barrier phase
 * (names starting with '#', never handed to a callee to decide by, never
 * killed, never a mode).
 *
 * Invariants (besides known.h's):
 *  1. Globals are numbered by the tests that name them (`bit`); only
 *     those matter, and the per-function sets below are bitsets over them.
 *  2. tests[fn] holds what fn or any function it may call
 *     (rl_program_callees, weak matches included) tests; writes[fn] what
 *     fn or a function it calls by name writes, to a fixpoint: sets only
 *     grow. Calls through pointers are left out of writes: resolved by
 *     field (callgraph.h), every `free` hook of every list reaches every
 *     destructor, and through them nearly every function of a program
 *     like redis would seem to write every global. What a thread's own
 *     callback writes to a tested mode is the one change this misses.
 *  3. A function's kill events are in node order. */
#include "known_internal.h"
#include "place.h"
#include "threads.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int bit_in(const uint64_t *set, size_t bit)
{
    return (set[bit / WORD_BITS] >> (bit % WORD_BITS)) & 1;
}

/* dst |= src; whether dst grew. */
static int set_union(uint64_t *dst, const uint64_t *src, size_t words)
{
    int grew = 0;
    for (size_t w = 0; w < words; w++) {
        uint64_t v = dst[w] | src[w];
        grew |= v != dst[w];
        dst[w] = v;
    }
    return grew;
}

int tk_bit_of(const rl_known_index *k, const char *place)
{
    intptr_t b = (intptr_t)rl_ptrmap_get(&k->bit_of, place);
    return b ? (int)(b - 1) : -1;
}

/* The bit of a tested place written by the access text `place` (the same
 * global, or a part of it), or -1; *all when it writes a struct around a
 * tested global. Looked up without interning the access's text. */
static int written_bit(const rl_known_index *k, const char *place, int *all)
{
    *all = 0;
    if (strncmp(place, "G:", 2) != 0) return -1;
    size_t len = strlen(place);
    for (size_t n = 2; n <= len; n++) {
        if (n < len && !strchr(".[*^~", place[n])) continue;
        const char *prefix = rl_strpool_find_n(k->p->pool, place, n);
        if (!prefix) continue;
        int b = tk_bit_of(k, prefix);
        if (b >= 0) return b;
        if (n == len && rl_ptrmap_get(&k->prefixes, prefix)) *all = 1;
    }
    return -1;
}

/* Parameters are tested against 0 by "P<n>" (facts.h): a fact about the
 * callee's own parameter, made at the call from its argument and never
 * handed further down (each function's P<n> is its own); the frontend
 * marks only parameters the function never assigns, so nothing kills it.
 * The parameter's index, or -1 for a global. */
int rl_known_param_of(const char *place)
{
    if (place[0] != 'P') return -1;
    char *end;
    long n = strtol(place + 1, &end, 10);
    return *end == '\0' && end > place + 1 && n >= 0 && n < RL_KNOWN_MAX_PARAM ? (int)n : -1;
}

/* An IF's test of a member read through a parameter (facts.h,
 * rl_text_is_member_test) is decided by the model from the stores into
 * the object the parameter is bound to (member_tests.h), not here. */

/* The tests of a copy of a parameter (facts.h, RL_INSTANCE_TEST) are
 * about that function's own parameter: their facts are named by it,
 * RL_INSTANCE_TEST "<n>@<function index>", found (interned) or made. */
static const char *instance_place(rl_strpool *pool, int fn, const char *text, int make)
{
    char name[64];
    snprintf(name, sizeof name, "%s@%d", text, fn);
    return make ? rl_intern(pool, name) : rl_strpool_find(pool, name);
}

static int is_instance_test(const char *text)
{
    return strncmp(text, RL_INSTANCE_TEST, strlen(RL_INSTANCE_TEST)) == 0;
}

static int is_serial_test(const char *text)
{
    return strncmp(text, RL_SERIAL_TEST, strlen(RL_SERIAL_TEST)) == 0;
}

static void add_bit(rl_known_index *k, const char *place)
{
    void **slot = rl_ptrmap_slot(&k->bit_of, place);
    if (!*slot) *slot = (void *)(intptr_t)(++k->nbits);
    for (const char *s = place + 2; *s; s++)
        if (*s == '.') rl_ptrmap_put(&k->prefixes, rl_intern_n(k->p->pool, place, (size_t)(s - place)), (void *)1);
}

static void add_kill(fn_index *fi, kill_event e)
{
    RL_PUSH(fi->kills, fi->nkills, fi->cap_kills, e);
}

/* The caller's parameter an argument is, passed on unchanged ("#P<n>="),
 * or -1. */
static int arg_param_itself(const char *arg)
{
    int k = -1, used = 0;
    if (!arg || sscanf(arg, "#P%d%n", &k, &used) != 1 || strcmp(arg + used, RL_PARAM_ITSELF) != 0) return -1;
    return k;
}

/* Whether IF g is an early exit: a value test whose `then` always leaves
 * and that has no `else` (`if (id != 0) return;`), so that what follows
 * it in its block runs only where the test failed. */
static int early_exit(const rl_function *f, int32_t g)
{
    const rl_node *t = &f->nodes[g];
    if (t->kind != RL_N_IF || !(t->flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE)) || t->api) return 0;
    int32_t other = rl_fn_child(f, g, 2);
    return rl_fn_always_leaves(f, rl_fn_child(f, g, 1)) && (other < 0 || f->nodes[other].first_child < 0);
}

/* How many calls deep writes_through_param follows a parameter handed on. */
#define MAX_HANDED_DEPTH 4

/* Whether function fn writes `place` ("P<n>*.f": a member read through
 * its parameter n), itself or in a function it calls by name handing the
 * parameter on unchanged (that callee's own parameter then), at most
 * `depth` calls deep. */
static int writes_through_param(rl_program *p, int fn, const char *place, int depth)
{
    const rl_function *f = p->fns[fn].fn;
    int param = -1;
    if (!f || rl_place_root(place, &param) != RL_ROOT_PARAM || param < 0) return 0;
    const char *rest = place + rl_place_root_len(place);
    char handed[16];
    snprintf(handed, sizeof handed, "P%d", param);
    for (int32_t i = 0; i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind == RL_N_ACCESS && (n->flags & RL_ACC_WRITE) && n->text && strcmp(n->text, place) == 0) return 1;
        if (n->kind != RL_N_CALL || depth <= 0) continue;
        size_t count;
        int one, weak;
        const int *targets = rl_program_callees(p, &p->fns[fn], i, &one, &count, &weak);
        for (int a = 0; a < n->nargs; a++) {
            if (!n->args[a] || strcmp(n->args[a], handed) != 0) continue;
            rl_strbuf inner = RL_STRBUF_INIT;
            rl_sb_printf(&inner, "P%d%s", a, rest);
            int writes = 0;
            for (size_t t = 0; !weak && !writes && t < count; t++)
                writes = writes_through_param(p, targets[t], rl_sb_str(&inner), depth - 1);
            rl_sb_free(&inner);
            if (writes) return 1;
        }
    }
    return 0;
}

/* Whether instance test IF `t` of fn reads, through the parameter, a
 * value that changes (`if (tc->n == 0)` with `tc->n--` in the loop, or a
 * callee handed `tc` writing it): a counter, not the instance's own
 * value, so its branches single out no instance (round 18's r3: every
 * thread's cache starts empty). A copy of the parameter itself (`int id =
 * (intptr_t)arg`) reads nothing through it, and never changes. */
static int instance_value_changes(rl_program *p, int fn, const rl_function *f, int32_t t)
{
    int32_t cond = rl_fn_child(f, t, 0);
    if (cond < 0) return 0;
    for (int32_t i = cond + 1; i <= f->nodes[cond].end; i++) {
        const rl_node *n = &f->nodes[i];
        int param = -1;
        if (n->kind == RL_N_ACCESS && n->text && rl_place_root(n->text, &param) == RL_ROOT_PARAM &&
            writes_through_param(p, fn, n->text, MAX_HANDED_DEPTH))
            return 1;
    }
    return 0;
}

/* The last member step of a place ("type" of "P0*.type", of
 * "G:procs[].type"), or NULL when it ends in none. */
static const char *last_member(const char *place)
{
    const char *dot = strrchr(place, '.');
    return dot && !strpbrk(dot, "*[") ? dot + 1 : NULL;
}

/* The members some store gives a value other than its loop round's
 * counter (facts.h, RL_ROUND_COUNTER_STORE), by name: k->not_counted,
 * member name (interned) -> 1. */
static void index_not_counted(rl_known_index *k)
{
    for (size_t fi = 0; fi < k->p->nfns; fi++) {
        const rl_function *f = k->p->fns[fi].fn;
        for (int32_t i = 0; f && i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            if (n->kind != RL_N_ACCESS || !(n->flags & RL_ACC_WRITE) || !n->text) continue;
            const char *member = last_member(n->text);
            if (member && !(n->nargs == 1 && n->args[0] && strcmp(n->args[0], RL_ROUND_COUNTER_STORE) == 0))
                rl_ptrmap_put(&k->not_counted, rl_intern(k->p->pool, member), (void *)1);
        }
    }
}

/* Whether instance test IF `t` of fn reads a member through the
 * parameter (`a->type == K`) that some store gives a value other than a
 * loop's counter: the instances' members need not differ (three backends
 * started on `&procs[i]`, two of them `B_LAUNCHER`: round 31's x01, a
 * race missed), so its branches single out no instance. A member only
 * ever stored the round's counter (`args[i].id = i`) holds one value per
 * element. Judged by the member's name, every struct's alike: a store
 * into another struct's member of that name counts too. */
static int instance_member_shared(rl_known_index *k, const rl_function *f, int32_t t)
{
    int32_t cond = rl_fn_child(f, t, 0);
    if (cond < 0) return 0;
    for (int32_t i = cond + 1; i <= f->nodes[cond].end; i++) {
        const rl_node *n = &f->nodes[i];
        int param = -1;
        if (n->kind != RL_N_ACCESS || !n->text || rl_place_root(n->text, &param) != RL_ROOT_PARAM) continue;
        const char *member = last_member(n->text);
        const char *key = member ? rl_strpool_find(k->p->pool, member) : NULL;
        if (key && rl_ptrmap_get(&k->not_counted, key)) return 1;
    }
    return 0;
}

/* Whether an instance test (is_instance_test) tests the copy of a
 * thread's argument: the only one rl_known_instance_place names. */
static int is_thread_arg_test(const char *text)
{
    char arg[16];
    snprintf(arg, sizeof arg, "%s%d", RL_INSTANCE_TEST, RL_THREAD_ARG_PARAM);
    return strcmp(text, arg) == 0;
}

/* Marks in k->started every function a thread start runs (its direct or
 * flowed targets: what thread discovery follows). */
static void mark_started(rl_known_index *k)
{
    rl_program *p = k->p;
    k->started = rl_xcalloc(p->nfns + 1, 1);
    for (size_t fi = 0; fi < p->nfns; fi++) {
        const rl_fn_info *info = &p->fns[fi];
        for (int32_t i = 0; info->fn && i < info->fn->nnodes; i++) {
            if (info->fn->nodes[i].kind != RL_N_SPAWN) continue;
            size_t count;
            int one, weak;
            const int *targets = rl_program_callees(p, info, i, &one, &count, &weak);
            for (size_t t = 0; !weak && t < count; t++) k->started[targets[t]] = 1;
        }
    }
}

/* Own tests, writes and kill events of function fi; call edges. */
static void index_function(rl_known_index *k, int fi)
{
    rl_program *p = k->p;
    const rl_fn_info *info = &p->fns[fi];
    const rl_function *f = info->fn;
    uint64_t *tests = k->tests + (size_t)fi * k->words, *writes = k->writes + (size_t)fi * k->words;
    for (int32_t i = 0; f && i < f->nnodes; i++) {
        const rl_node *n = &f->nodes[i];
        if (n->kind == RL_N_IF && (n->flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE))) {
            if (rl_text_is_member_test(n->text)) continue;
            /* an early exit on the instance's value: in a thread's entry,
             * of its argument; in a helper, of any parameter, which
             * ordering.c asks to be bound to the thread's argument */
            if ((k->started[fi] ? is_thread_arg_test(n->text) : is_instance_test(n->text)) && early_exit(f, i) &&
                !rl_ptrmap_get(&k->changing, n))
                RL_PUSH(k->fns[fi].guards, k->fns[fi].nguards, k->fns[fi].cap_guards, i);
            k->fns[fi].tests = 1;
            int param = rl_known_param_of(n->text);
            if (param >= 0) {
                k->fns[fi].param_tests |= 1u << param;
                continue;
            }
            /* the instance a thread runs as, or the barrier's pick: no
             * fact for callees to decide by (each function's parameter
             * is its own; a pick is this round's), only what every path
             * to a node tested (modes, instances, serial threads) */
            if (is_instance_test(n->text) || is_serial_test(n->text)) continue;
            int b = tk_bit_of(k, rl_intern(p->pool, n->text));
            if (b >= 0) tests[b / WORD_BITS] |= 1ull << (b % WORD_BITS);
        } else if (n->kind == RL_N_ACCESS && (n->flags & RL_ACC_WRITE) && n->text) {
            int all = 0, b = written_bit(k, n->text, &all);
            if (b >= 0) writes[b / WORD_BITS] |= 1ull << (b % WORD_BITS);
            if (b >= 0 || all) add_kill(&k->fns[fi], (kill_event){i, b, all, 0, -1});
        } else if (n->kind == RL_N_LOCK || (n->kind == RL_N_TRYLOCK && !(n->flags & RL_LOCK_JUMP_TARGET))) {
            add_kill(&k->fns[fi], (kill_event){i, -1, 1, 1, -1}); /* not a setjmp's mark */
        } else if (n->kind == RL_N_CALL && !info->doomed[i]) {
            /* a call on a path that ends the process (a crash report)
             * changes nothing the thread goes on with */
            int one, weak;
            size_t count;
            const int *callees = rl_program_callees(p, info, i, &one, &count, &weak);
            int direct = !(n->flags & RL_CALL_INDIRECT) && info->callees[i];
            for (int32_t a = 0; direct && count == 1 && a < n->nargs && a < RL_KNOWN_MAX_PARAM; a++) {
                int from = arg_param_itself(n->args[a]);
                if (from >= 0 && from < RL_KNOWN_MAX_PARAM)
                    RL_PUSH(k->passes, k->npasses, k->cap_passes, ((pass_edge){fi, from, callees[0], (int)a}));
            }
            for (size_t c = 0; c < count; c++) {
                if (direct) add_kill(&k->fns[fi], (kill_event){i, -1, 0, 0, callees[c]});
                fn_index *ce = &k->fns[callees[c]];
                RL_PUSH(ce->callers, ce->ncallers, ce->cap_callers, ((caller_edge){(int)fi, direct}));
            }
        }
    }
}

/* A parameter passed on unchanged to a callee that tests it is tested
 * by the caller too: a constant given for it reaches the callee's test
 * through it (redis's freeClient calls pubsubUnsubscribeAllChannels(c,
 * 0), which passes `notify` down to the function that tests it). */
static void close_param_tests(rl_known_index *k)
{
    for (int grew = 1; grew;) {
        grew = 0;
        for (size_t e = 0; e < k->npasses; e++) {
            const pass_edge *pe = &k->passes[e];
            uint32_t bit = 1u << pe->from;
            if (((k->fns[pe->callee].param_tests >> pe->to) & 1) && !(k->fns[pe->caller].param_tests & bit)) {
                k->fns[pe->caller].param_tests |= bit;
                grew = 1;
            }
        }
    }
}

/* tests and writes of every function, callees included (invariant 2). */
static void close_over_calls(rl_known_index *k)
{
    size_t nfns = k->p->nfns;
    int *work = rl_xmalloc(nfns * sizeof *work);
    char *queued = rl_xcalloc(nfns, 1);
    size_t top = 0;
    for (size_t f = 0; f < nfns; f++) {
        work[top++] = (int)f;
        queued[f] = 1;
    }
    while (top) {
        int f = work[--top];
        queued[f] = 0;
        const fn_index *fi = &k->fns[f];
        for (size_t c = 0; c < fi->ncallers; c++) {
            int g = fi->callers[c].fn;
            int grew = set_union(k->tests + (size_t)g * k->words, k->tests + (size_t)f * k->words, k->words);
            if (fi->callers[c].direct)
                grew |= set_union(k->writes + (size_t)g * k->words, k->writes + (size_t)f * k->words, k->words);
            if (grew && !queued[g]) {
                work[top++] = g;
                queued[g] = 1;
            }
        }
    }
    free(work);
    free(queued);
}

rl_known_index *rl_known_build(rl_program *p, const rl_flow *flow)
{
    rl_known_index *k = rl_xcalloc(1, sizeof *k);
    k->p = p;
    k->phases = rl_phases_build(p, flow);
    index_not_counted(k);
    for (size_t fi = 0; fi < p->nfns; fi++) {
        size_t nloops;
        const rl_phased_loop *loops = rl_phases_of(k->phases, (int)fi, &nloops);
        for (size_t l = 0; l < nloops; l++) add_bit(k, loops[l].name);
        k->any |= nloops > 0;
        const rl_function *f = p->fns[fi].fn;
        for (int32_t i = 0; f && i < f->nnodes; i++)
            if (f->nodes[i].kind == RL_N_IF && (f->nodes[i].flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE)) &&
                !rl_text_is_member_test(f->nodes[i].text)) {
                const char *place = rl_intern(p->pool, f->nodes[i].text);
                if (is_instance_test(place) &&
                    (instance_value_changes(p, (int)fi, f, i) || instance_member_shared(k, f, i)))
                    rl_ptrmap_put(&k->changing, &f->nodes[i], (void *)1);
                else if (is_instance_test(place)) add_bit(k, instance_place(p->pool, (int)fi, place, 1));
                else if (rl_known_param_of(place) < 0) add_bit(k, place);
                k->any = 1;
            }
    }
    if (!k->any) return k;
    k->words = (k->nbits + WORD_BITS) / WORD_BITS; /* one word at least */
    k->tests = rl_xcalloc(p->nfns * k->words, sizeof *k->tests);
    k->writes = rl_xcalloc(p->nfns * k->words, sizeof *k->writes);
    k->unstable = rl_xcalloc(k->words, sizeof *k->unstable);
    k->fns = rl_xcalloc(p->nfns, sizeof *k->fns);
    mark_started(k);
    for (size_t fi = 0; fi < p->nfns; fi++) index_function(k, (int)fi);
    close_over_calls(k);
    close_param_tests(k);
    return k;
}

void rl_known_free(rl_known_index *k)
{
    if (!k) return;
    rl_phases_free(k->phases);
    for (size_t fi = 0; k->fns && fi < k->p->nfns; fi++) {
        free(k->fns[fi].kills);
        free(k->fns[fi].callers);
        free(k->fns[fi].guards);
    }
    free(k->fns);
    rl_ptrmap_free(&k->changing);
    rl_ptrmap_free(&k->not_counted);
    free(k->started);
    free(k->passes);
    free(k->tests);
    free(k->writes);
    free(k->unstable);
    for (size_t i = 0; i < k->nsets; i++) free(k->all_sets[i]);
    free(k->all_sets);
    for (size_t i = 0; i < k->ndead; i++) free(k->all_dead[i]);
    free(k->all_dead);
    rl_ptrmap_free(&k->bit_of);
    rl_ptrmap_free(&k->prefixes);
    rl_ptrmap_free(&k->sets);
    rl_ptrmap_free(&k->dead);
    free(k);
}

/* ---- sets ------------------------------------------------------------------ */

/* The interned set holding facts[0..n) (most recent first). */
static const rl_known_set *intern_set(rl_known_index *k, const rl_known_fact *facts, int n)
{
    if (n <= 0) return NULL;
    rl_strbuf sb = RL_STRBUF_INIT;
    for (int i = 0; i < n; i++) {
        rl_sb_append(&sb, facts[i].place);
        rl_sb_append(&sb, facts[i].eq ? "==" : "!=");
        rl_sb_append_int(&sb, facts[i].value);
        rl_sb_appendc(&sb, ';');
    }
    const char *key = rl_intern(k->p->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    void **slot = rl_ptrmap_slot(&k->sets, key);
    if (!*slot) {
        rl_known_set *s = rl_xcalloc(1, sizeof *s);
        s->n = n;
        memcpy(s->e, facts, (size_t)n * sizeof *facts);
        s->key = key;
        RL_PUSH(k->all_sets, k->nsets, k->cap_sets, s);
        *slot = s;
    }
    return *slot;
}

/* Adds a fact unless one about its global is there already (a more
 * recent test: invariant 2 of known.h); whether there was room. */
static int add_fact(rl_known_fact *facts, int *n, rl_known_fact f)
{
    for (int i = 0; i < *n; i++)
        if (facts[i].place == f.place) return 1;
    if (*n >= RL_KNOWN_MAX) return 0;
    facts[(*n)++] = f;
    return 1;
}

/* ---- where facts hold -------------------------------------------------------- */

/* The first node past the outermost loop around node x that lies inside
 * node `within` (-1: any), or x itself when there is none: a fact used
 * at x must survive every kill before that point, since a loop comes
 * back to x after the rest of its body. */
int32_t tk_loop_extent(const rl_function *f, int32_t x, int32_t within)
{
    int32_t ext = x;
    for (int32_t p = f->nodes[x].parent; p >= 0 && p != within; p = f->nodes[p].parent)
        if (f->nodes[p].kind == RL_N_LOOP) ext = f->nodes[p].end + 1;
    return ext;
}

/* Whether some live kill event of fn in nodes (lo, hi) may change or
 * reveal global `bit`, leaving out those in nodes [skip_lo, skip_hi]
 * (the other branch of the test the fact comes from, which does not run
 * on the way from the test to a node of this one), and the locks taken
 * when `modes` (a mode changes only while its thread runs alone). */
int tk_killed_between(const rl_known_index *k, int fn, const uint8_t *dead, int bit, int32_t lo, int32_t hi,
                          int32_t skip_lo, int32_t skip_hi, int modes)
{
    const fn_index *fi = &k->fns[fn];
    for (size_t i = 0; i < fi->nkills; i++) {
        const kill_event *e = &fi->kills[i];
        if (e->node <= lo) continue;
        if (e->node >= hi) break;
        if ((dead && dead[e->node]) || (e->node >= skip_lo && e->node <= skip_hi) || (modes && e->lock)) continue;
        if (e->all || e->bit == bit) return 1;
        if (e->callee >= 0 && bit_in(k->writes + (size_t)e->callee * k->words, (size_t)bit)) return 1;
    }
    return 0;
}

/* What the caller's facts `inherited` say of its parameter `param` (its
 * value, or that it is not some value), in *fact; whether they say it. */
static int caller_param_fact(rl_known_index *k, const rl_known_set *inherited, int param, rl_known_fact *fact)
{
    if (param < 0 || !inherited) return 0;
    char place[16];
    snprintf(place, sizeof place, "P%d", param);
    const char *p = rl_strpool_find(k->p->pool, place);
    for (int i = 0; p && i < inherited->n; i++)
        if (inherited->e[i].place == p) {
            *fact = inherited->e[i];
            return 1;
        }
    return 0;
}

/* The facts the arguments of CALL node `call` give the callee about the
 * parameters it tests: a NULL callback ("fn:", facts.h) is 0, a function
 * passed is not; an integer constant ("#=K") is K; the caller's own
 * parameter passed on unchanged ("#P<n>=") is what `inherited`, the
 * caller's facts, says of it. */
static void param_facts(rl_known_index *k, const rl_node *call, int callee, const rl_known_set *inherited,
                        rl_known_fact *facts, int *n)
{
    uint32_t tested = k->fns[callee].param_tests;
    for (int32_t a = 0; tested && a < call->nargs && a < RL_KNOWN_MAX_PARAM; a++) {
        const char *v = call->args[a];
        if (!((tested >> a) & 1) || !v) continue;
        rl_known_fact fact;
        long long constant;
        if (strncmp(v, RL_NULL_FUNCTION, strlen(RL_NULL_FUNCTION)) == 0)
            fact = (rl_known_fact){NULL, 0, v[strlen(RL_NULL_FUNCTION)] == '\0'};
        else if (rl_int_constant_arg(v, &constant))
            fact = (rl_known_fact){NULL, constant, 1};
        else if (!caller_param_fact(k, inherited, arg_param_itself(v), &fact))
            continue; /* anything else, "#=" without a number too, decides nothing */
        char place[16];
        snprintf(place, sizeof place, "P%d", (int)a);
        fact.place = rl_strpool_find(k->p->pool, place);
        if (!fact.place) continue; /* no function tests such a parameter */
        if (!add_fact(facts, n, fact)) return;
    }
}

/* Adds to facts the phase node `at` of fn runs in, when it lies in the
 * body of loop node `loop` and that loop has barrier phases (phases.h);
 * whether there was room. */
static int phase_fact(const rl_known_index *k, int fn, int32_t loop, int32_t at, rl_known_fact *facts, int *n)
{
    size_t nloops;
    const rl_phased_loop *loops = rl_phases_of(k->phases, fn, &nloops);
    for (size_t l = 0; l < nloops; l++) {
        if (loops[l].loop != loop) continue;
        int phase = rl_phase_at(k->p->fns[fn].fn, &loops[l], at);
        if (phase >= 0) return add_fact(facts, n, (rl_known_fact){loops[l].name, phase, 1});
    }
    return 1;
}

/* Which branch of value-test IF t knows the test's outcome: 1 (then)
 * for the left operand of an `&&`, 2 (else) for that of an `||`, 0 for
 * both when the condition is the test (facts.h, RL_IF_PART_AND). */
int rl_known_branch_knowing(const rl_node *t)
{
    if (!t->api) return 0;
    return strcmp(t->api, RL_IF_PART_AND) == 0 ? 1 : 2;
}

/* The place an IF's value test names, as rl_known_build interned it. */
static const char *test_place(const rl_known_index *k, int fn, const rl_node *t)
{
    if (is_instance_test(t->text))
        return rl_ptrmap_get(&k->changing, t) ? NULL : instance_place(k->p->pool, fn, t->text, 0);
    return rl_strpool_find(k->p->pool, t->text);
}

/* Adds to facts[*n] what the early exits (early_exit) before `child` in
 * block `seq` say at node `at` of fn: the outcome of each test that let
 * the walk through, still true there (as facts_at judges a test around
 * `at`, its leaving branch left out). Returns 0 when the facts are full. */
static int guard_facts(rl_known_index *k, int fn, const uint8_t *dead, int32_t at, int32_t seq, int32_t child,
                       const uint64_t *wanted, int modes, rl_known_fact *facts, int *n)
{
    const rl_function *f = k->p->fns[fn].fn;
    const fn_index *fi = &k->fns[fn];
    for (size_t x = 0; x < fi->nguards && fi->guards[x] < child; x++) {
        int32_t g = fi->guards[x];
        if (g < seq || f->nodes[g].parent != seq) continue;
        const rl_node *t = &f->nodes[g];
        int b = tk_bit_of(k, test_place(k, fn, t));
        if (b < 0 || (wanted && !bit_in(wanted, (size_t)b))) continue;
        int32_t left = rl_fn_child(f, g, 1);
        if (tk_killed_between(k, fn, dead, b, g, tk_loop_extent(f, at, seq), left, f->nodes[left].end, modes)) continue;
        rl_known_fact fact = {test_place(k, fn, t), strtoll(t->display, NULL, 10), (t->flags & RL_IF_VALUE_EQ) == 0};
        if (!add_fact(facts, n, fact)) return 0;
    }
    return 1;
}

/* Adds to facts[*n] what holds at node `at` of fn: the tests around it,
 * nearest first (when `establish`), then the `inherited` facts, each still
 * true there (no kill between the test, or the entry, and `at`, a loop
 * around `at` included). `wanted` (NULL: any) keeps only facts of those
 * globals. */
static void facts_at(rl_known_index *k, int fn, const rl_known_set *inherited, const uint8_t *dead, int32_t at,
                     const uint64_t *wanted, int establish, rl_known_fact *facts, int *n)
{
    int modes = wanted == NULL; /* rl_known_at, rl_known_on_path */
    const rl_function *f = k->p->fns[fn].fn;
    int32_t child = at;
    for (int32_t j = establish ? f->nodes[at].parent : -1; j >= 0; child = j, j = f->nodes[j].parent) {
        const rl_node *t = &f->nodes[j];
        if ((t->kind == RL_N_LOOP || j == RL_ROOT_NODE) && modes && !phase_fact(k, fn, j, at, facts, n)) return;
        if (t->kind == RL_N_SEQ && k->fns[fn].nguards && !guard_facts(k, fn, dead, at, j, child, wanted, modes, facts, n))
            return;
        if (t->kind != RL_N_IF || !(t->flags & (RL_IF_VALUE_EQ | RL_IF_VALUE_NE))) continue;
        int branch = child == rl_fn_child(f, j, 1) ? 1 : child == rl_fn_child(f, j, 2) ? 2 : 0;
        int knows = rl_known_branch_knowing(t);
        if (knows && branch != knows) continue;
        /* interned by rl_known_build: found, never added, on this hot path */
        const char *place = test_place(k, fn, t);
        int b = tk_bit_of(k, place);
        if (!branch || b < 0 || (wanted && !bit_in(wanted, (size_t)b))) continue;
        int32_t other = rl_fn_child(f, j, branch == 1 ? 2 : 1);
        if (tk_killed_between(k, fn, dead, b, j, tk_loop_extent(f, at, j), other, other >= 0 ? f->nodes[other].end : -1,
                           modes))
            continue;
        int eq = (t->flags & RL_IF_VALUE_EQ) != 0;
        rl_known_fact fact = {place, strtoll(t->display, NULL, 10), branch == 1 ? eq : !eq};
        if (!add_fact(facts, n, fact)) return;
    }
    for (int i = 0; inherited && i < inherited->n && *n < RL_KNOWN_MAX; i++) {
        int b = tk_bit_of(k, inherited->e[i].place);
        if (b < 0 || (wanted && !bit_in(wanted, (size_t)b))) continue;
        if (tk_killed_between(k, fn, dead, b, -1, tk_loop_extent(f, at, -1), -1, -1, modes)) continue;
        add_fact(facts, n, inherited->e[i]);
    }
}

const rl_known_set *rl_known_for_call(rl_known_index *k, int fn, const rl_known_set *inherited, const uint8_t *dead,
                                      int32_t call, int callee, int establish)
{
    if (!k || !k->any || callee < 0) return NULL;
    rl_known_fact facts[RL_KNOWN_MAX];
    int n = 0;
    /* the tests around the call, then what the context was entered with;
     * last, in the room left, what the arguments say of the callee's own
     * parameters: a constant flag passed down must not push out a mode
     * the thread runs in (redis: 314 findings became 666 when it did) */
    facts_at(k, fn, inherited, dead, call, k->tests + (size_t)callee * k->words, establish, facts, &n);
    param_facts(k, &k->p->fns[fn].fn->nodes[call], callee, inherited, facts, &n);
    return intern_set(k, facts, n);
}

/* ---- modes: what every path to a node tested ----------------------------- */

const rl_known_set *rl_known_at(rl_known_index *k, int fn, const rl_known_set *conds, const uint8_t *dead, int32_t node)
{
    if (!k || !k->any || node < 0) return NULL;
    rl_known_fact facts[RL_KNOWN_MAX];
    int n = 0;
    facts_at(k, fn, conds, dead, node, NULL, 1, facts, &n);
    return intern_set(k, facts, n);
}

const rl_known_set *rl_known_meet(rl_known_index *k, const rl_known_set *a, const rl_known_set *b)
{
    if (a == b || !a || !b) return a == b ? a : NULL;
    rl_known_fact facts[RL_KNOWN_MAX];
    int n = 0;
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (a->e[i].place == b->e[j].place && a->e[i].value == b->e[j].value && a->e[i].eq == b->e[j].eq)
                facts[n++] = a->e[i];
    return intern_set(k, facts, n);
}

/* Whether facts x and y, about one global, cannot both hold. */
static int facts_exclude(const rl_known_fact *x, const rl_known_fact *y)
{
    if (x->eq && y->eq) return x->value != y->value;
    return x->eq != y->eq && x->value == y->value;
}

const char *rl_known_contradiction(const rl_known_set *a, const rl_known_set *b)
{
    /* two instances of one thread tested as two values run side by side,
     * as do two phases (each runs in every round): no contradiction; nor
     * do two calls given two values for a parameter ("P<n>"), a value of
     * the call's own and no shared state */
    for (int i = 0; a && b && i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (a->e[i].place == b->e[j].place && a->e[i].place[0] != '#' && rl_known_param_of(a->e[i].place) < 0 &&
                facts_exclude(&a->e[i], &b->e[j]))
                return a->e[i].place;
    return NULL;
}

int rl_known_phases_differ(const rl_known_set *a, const rl_known_set *b)
{
    size_t prefix = strlen(RL_PHASE_FACT_PREFIX);
    for (int i = 0; a && b && i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (a->e[i].place == b->e[j].place && strncmp(a->e[i].place, RL_PHASE_FACT_PREFIX, prefix) == 0 &&
                a->e[i].value != b->e[j].value)
                return 1;
    return 0;
}

const char *rl_known_instance_place(const rl_known_index *k, int fn, int param)
{
    if (!k || !k->any) return NULL;
    char text[32];
    snprintf(text, sizeof text, "%s%d", RL_INSTANCE_TEST, param);
    return instance_place(k->p->pool, fn, text, 0);
}

int rl_known_both_serial(const rl_known_set *a, const rl_known_set *b)
{
    for (int i = 0; a && b && i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (a->e[i].place == b->e[j].place && is_serial_test(a->e[i].place) && a->e[i].eq && b->e[j].eq)
                return 1;
    return 0;
}

int rl_known_same_instance(const rl_known_set *a, const rl_known_set *b, const char *instance)
{
    const rl_known_fact *x = NULL, *y = NULL;
    for (int i = 0; instance && a && i < a->n; i++)
        if (a->e[i].place == instance && a->e[i].eq) x = &a->e[i];
    for (int j = 0; x && b && j < b->n; j++)
        if (b->e[j].place == instance && b->e[j].eq) y = &b->e[j];
    return y && x->value == y->value;
}

const rl_known_set *rl_known_on_path(rl_known_index *k, const int *fns, const int32_t *nodes, int nframes)
{
    if (!k || !k->any) return NULL;
    rl_known_fact facts[RL_KNOWN_MAX];
    int n = 0;
    /* innermost frame first: its tests are the nearest */
    for (int i = nframes - 1; i >= 0 && n < RL_KNOWN_MAX; i--) {
        const rl_function *f = fns[i] >= 0 ? k->p->fns[fns[i]].fn : NULL;
        if (f && nodes[i] >= 0 && nodes[i] < f->nnodes) facts_at(k, fns[i], NULL, NULL, nodes[i], NULL, 1, facts, &n);
    }
    /* A barrier phase of the path is no fact of the thread it starts:
     * the thread lives on through the phases that follow
     * (barrier_first_phase.c, main a party of its workers' barrier). */
    int kept = 0;
    size_t prefix = strlen(RL_PHASE_FACT_PREFIX);
    for (int i = 0; i < n; i++)
        if (!facts[i].place || strncmp(facts[i].place, RL_PHASE_FACT_PREFIX, prefix) != 0) facts[kept++] = facts[i];
    return intern_set(k, facts, kept);
}

int rl_known_writes_tested(const rl_known_index *k, const char *place)
{
    int all = 0;
    return k && k->any && place && (written_bit(k, place, &all) >= 0 || all);
}

void rl_known_note_write(rl_known_index *k, const char *place)
{
    if (!k || !k->any || !place) return;
    int all = 0, b = written_bit(k, place, &all);
    if (b >= 0) k->unstable[(size_t)b / WORD_BITS] |= 1ull << ((size_t)b % WORD_BITS);
    if (all) k->all_unstable = 1;
}

int rl_known_is_mode(const rl_known_index *k, const char *place)
{
    int b = k && k->any && !k->all_unstable && place[0] != '#' ? tk_bit_of(k, place) : -1;
    return b >= 0 && !bit_in(k->unstable, (size_t)b);
}
