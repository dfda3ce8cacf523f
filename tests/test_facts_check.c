/* Semantic validation of stored facts (facts/facts_check.h): every
 * fixture's facts pass it, fresh and read back; crafted facts that
 * deserialise fine (the serialiser recomputes the checksum) but break an
 * invariant the model relies on are refused with a message; and a run
 * whose facts cache holds such a blob warns, naming the unit, parses it
 * again and reports what a run without the cache reports, instead of
 * crashing in the thread model.
 * usage: test_facts_check RULES_DIR FIXTURES_DIR */
#include "check.h"
#include "driver.h"
#include "facts/facts_check.h"
#include "frontend/frontend.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include <stdlib.h>
#include <string.h>

/* The fixture the crafted blobs are made from: locks, an if, spawns. */
#define CRAFT_FIXTURE "caller_holds_lock.c"

/* A fresh, mutable copy of facts, through the cache format. */
static rl_unit_facts *copy_of(const rl_unit_facts *f)
{
    size_t len = 0;
    unsigned char *blob = rl_facts_serialize(f, &len);
    rl_unit_facts *g = rl_facts_deserialize(blob, len);
    free(blob);
    return g;
}

/* The first node of a kind: its function in *fn; NULL when none. */
static rl_node *find_node(rl_unit_facts *f, rl_node_kind kind, rl_function **fn)
{
    for (int32_t i = 0; i < f->nfns; i++)
        for (int32_t j = 0; j < f->fns[i].nnodes; j++)
            if (f->fns[i].nodes[j].kind == kind) {
                *fn = &f->fns[i];
                return &f->fns[i].nodes[j];
            }
    return NULL;
}

/* A fake facts cache that always answers with one blob. */
typedef struct fake_cache {
    const unsigned char *blob;
    size_t len;
    int gets;
} fake_cache;

static void *fake_get(void *ctx, const char *file, const char *key, size_t *len)
{
    (void)file;
    (void)key;
    fake_cache *c = ctx;
    c->gets++;
    void *copy = rl_xmalloc(c->len);
    memcpy(copy, c->blob, c->len);
    *len = c->len;
    return copy;
}

static void fake_put(void *ctx, const char *file, const char *key, const char *files, uint64_t digest,
                     const void *blob, size_t len)
{
    (void)ctx, (void)file, (void)key, (void)files, (void)digest, (void)blob, (void)len;
}

typedef enum mutation {
    LOCK_WITHOUT_PLACE,
    SPAWN_ONE_ARGUMENT,
    SPAWN_NULL_HANDLE,
    ACCESS_UNCLOSED_INDEX,
    FUNCTION_WITHOUT_NAME,
    IF_MISSING_BRANCH,
    IF_TRYLOCK_NOT_TRYLOCK,
    ROOT_NOT_SEQ,
    ORPHAN_NODE,
    IF_VALUE_TEST_WITHOUT_CONSTANT,
    CHOICE_NESTED_TOO_DEEP,
    IF_LAST_ON_A_READ,
    CALL_NEGATIVE_CLAIM_MASK,
    IF_MEMBER_TEST_NOT_NULL,
    ACCESS_BAD_RECORD_RANGE,
    NMUTATIONS
} mutation;

static const char *const mutation_names[NMUTATIONS] = {
    "a LOCK node without a place", "a SPAWN node with one argument", "a SPAWN node with a NULL handle",
    "an ACCESS place with an unclosed [#P", "a function without a name", "an IF node missing its else branch",
    "an IF whose trylock is a write", "a root that is not a SEQ", "a node on no child list",
    "an IF value test without its constant", "a choice whose nested call values hold too many separators",
    "an IF testing a last reference whose decrement is a read",
    "a CALL whose claimed-argument mask is negative",
    "an IF member test against a constant other than 0",
    "an ACCESS place with a record range step missing a member",
};

/* Breaks one invariant of f; 0 when f has nothing to break it on. */
static int mutate(rl_unit_facts *f, mutation m)
{
    rl_function *fn = NULL;
    rl_node *n;
    switch (m) {
    case LOCK_WITHOUT_PLACE:
        if (!(n = find_node(f, RL_N_LOCK, &fn))) return 0;
        n->text = NULL;
        return 1;
    case SPAWN_ONE_ARGUMENT:
        if (!(n = find_node(f, RL_N_SPAWN, &fn))) return 0;
        n->nargs = 1;
        return 1;
    case SPAWN_NULL_HANDLE:
        if (!(n = find_node(f, RL_N_SPAWN, &fn)) || n->nargs < 2) return 0;
        n->args[1] = NULL;
        return 1;
    case ACCESS_UNCLOSED_INDEX:
        if (!(n = find_node(f, RL_N_ACCESS, &fn))) return 0;
        n->text = rl_intern(f->pool, "G:table[#P0");
        return 1;
    case ACCESS_BAD_RECORD_RANGE:
        if (!(n = find_node(f, RL_N_ACCESS, &fn))) return 0;
        n->text = rl_intern(f->pool, "G:table[#R0:lo]");
        return 1;
    case FUNCTION_WITHOUT_NAME:
        if (f->nfns == 0) return 0;
        f->fns[0].name = NULL;
        return 1;
    case IF_MISSING_BRANCH: {
        if (!(n = find_node(f, RL_N_IF, &fn))) return 0;
        int32_t then = fn->nodes[n->first_child].next_sibling;
        fn->nodes[then].next_sibling = -1;
        return 1;
    }
    case IF_TRYLOCK_NOT_TRYLOCK: {
        /* a condition may test a read (an atomic load, a flag), never a
         * write */
        if (!(n = find_node(f, RL_N_IF, &fn))) return 0;
        for (int32_t i = 0; i < fn->nnodes; i++) {
            if (fn->nodes[i].kind != RL_N_ACCESS || !(fn->nodes[i].flags & RL_ACC_WRITE)) continue;
            n->aux = i;
            return 1;
        }
        return 0;
    }
    case ROOT_NOT_SEQ:
        if (f->nfns == 0) return 0;
        f->fns[0].nodes[0].kind = RL_N_LOCK;
        return 1;
    case ORPHAN_NODE:
        for (int32_t i = 0; i < f->nfns; i++) {
            fn = &f->fns[i];
            int32_t root_child = fn->nodes[0].first_child;
            if (root_child < 0 || fn->nodes[root_child].next_sibling < 0) continue;
            fn->nodes[root_child].next_sibling = fn->nodes[fn->nodes[root_child].next_sibling].next_sibling;
            return 1;
        }
        return 0;
    case IF_VALUE_TEST_WITHOUT_CONSTANT:
        if (!(n = find_node(f, RL_N_IF, &fn))) return 0;
        n->flags |= RL_IF_VALUE_EQ;
        n->text = rl_intern(f->pool, "G:mode");
        n->display = NULL;
        return 1;
    case CHOICE_NESTED_TOO_DEEP: {
        /* nested separators count as the call's own would */
        if (!(n = find_node(f, RL_N_ACCESS, &fn))) return 0;
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_sb_append(&sb, "%T" RL_CALL_SEP "@1_1");
        for (int k = 0; k <= RL_FACTS_MAX_SEPS; k++) rl_sb_append(&sb, RL_NESTED_SEP "G:x");
        rl_sb_append(&sb, RL_NESTED_END RL_CALL_SEP "G:y" RL_CALL_END "*.f");
        n->text = rl_intern(f->pool, rl_sb_str(&sb));
        rl_sb_free(&sb);
        return 1;
    }
    case IF_LAST_ON_A_READ: {
        /* the last reference's aux must be the counter's decrement, a write */
        if (!(n = find_node(f, RL_N_IF, &fn))) return 0;
        for (int32_t j = 0; j < fn->nnodes; j++)
            if (fn->nodes[j].kind == RL_N_ACCESS && !(fn->nodes[j].flags & RL_ACC_WRITE)) {
                n->aux = j;
                n->flags |= RL_IF_LAST | RL_TRY_ON_TRUE;
                return 1;
            }
        return 0;
    }
    case CALL_NEGATIVE_CLAIM_MASK:
        if (!(n = find_node(f, RL_N_CALL, &fn))) return 0;
        n->aux = -5;
        return 1;
    case IF_MEMBER_TEST_NOT_NULL:
        /* a member read through a parameter is tested against NULL only */
        if (!(n = find_node(f, RL_N_IF, &fn))) return 0;
        n->flags |= RL_IF_VALUE_NE;
        n->text = rl_intern(f->pool, "P0*.conn");
        n->display = rl_intern(f->pool, "3");
        return 1;
    case NMUTATIONS:
        break;
    }
    return 0;
}

/* A function of `depth` nested SEQs: at the limit it passes, past it not. */
static void check_depth(const rl_unit_facts *base)
{
    for (int past = 0; past <= 1; past++) {
        rl_unit_facts *f = copy_of(base);
        rl_function *fn = rl_facts_add_function(f);
        fn->usr = fn->name = fn->type = rl_intern(f->pool, "deep");
        rl_loc loc = {NULL, 0, 0};
        int32_t parent = rl_fn_add_node(fn, RL_N_SEQ, -1, loc);
        for (int d = 0; d < RL_FACTS_MAX_DEPTH + past; d++) parent = rl_fn_add_node(fn, RL_N_SEQ, parent, loc);
        rl_error err = {{0}};
        CHECK_INT(rl_facts_validate(f, &err), past ? -1 : 0);
        if (past) CHECK_CONTAINS(err.msg, "depth");
        if (!past) {
            /* The model walks the deepest tree allowed without a crash. */
            const rl_unit_facts *all[1] = {f};
            rl_analysis a;
            memset(&a, 0, sizeof a);
            rl_error aerr = {{0}};
            CHECK_INT(rl_analyze_facts(all, 1, NULL, &a, &aerr), 0);
            rl_analysis_free(&a);
        }
        rl_facts_free(f);
    }
}

/* A run whose cache answers every unit with `blob` (one unit here). */
static void run_with_cache(const char *rules, const rl_unit_list *one, const unsigned char *blob, size_t len,
                           rl_analysis *a)
{
    fake_cache fc = {blob, len, 0};
    rl_facts_cache cache = {&fc, fake_get, fake_put, NULL, NULL, NULL, NULL, NULL, NULL};
    rl_analysis_options o;
    memset(&o, 0, sizeof o);
    o.models_dir = rules;
    o.jobs = 1;
    o.cache = &cache;
    rl_error err = {{0}};
    CHECK_INT(rl_analyze(&o, one, a, &err), 0);
    CHECK(fc.gets == 1);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_facts_check RULES_DIR FIXTURES_DIR\n");
        return 2;
    }
    rl_error err = {{0}};
    rl_apimodel *model = rl_apimodel_new();
    if (rl_apimodel_load_dir(model, argv[1], &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    rl_unit_list units;
    memset(&units, 0, sizeof units);
    char *paths[] = {argv[2]};
    if (rl_inputs_from_paths(paths, 1, NULL, 0, &units, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    const char *resource_dir = NULL;
#ifdef RL_CLANG_RESOURCE_DIR
    if (RL_CLANG_RESOURCE_DIR[0]) resource_dir = RL_CLANG_RESOURCE_DIR;
#endif
    rl_frontend *fe = rl_frontend_new(model, resource_dir);
    rl_unit_facts *craft = NULL;
    size_t craft_unit = 0;
    for (size_t i = 0; i < units.len; i++) {
        rl_unit_facts *f = rl_frontend_extract(fe, &units.items[i], &err);
        if (!f) continue;
        rl_error why = {{0}};
        int ok = rl_facts_validate(f, &why) == 0;
        if (!ok) fprintf(stderr, "  %s: %s\n", units.items[i].file, why.msg);
        CHECK(ok); /* what the frontend makes always passes */
        rl_unit_facts *g = copy_of(f);
        CHECK(g && rl_facts_validate(g, &why) == 0);
        rl_facts_free(g);
        const char *slash = strrchr(units.items[i].file, '/');
        if (!craft && strcmp(slash ? slash + 1 : units.items[i].file, CRAFT_FIXTURE) == 0) {
            craft = f;
            craft_unit = i;
        } else {
            rl_facts_free(f);
        }
    }
    rl_frontend_free(fe);
    CHECK(craft != NULL);
    if (!craft) return test_summary("facts_check");

    /* The run without a cache: what every crafted run must report. */
    rl_unit_list one = {&units.items[craft_unit], 1, 1, NULL, 0, 0};
    rl_analysis plain;
    rl_analysis_options o;
    memset(&o, 0, sizeof o);
    o.models_dir = argv[1];
    o.jobs = 1;
    CHECK_INT(rl_analyze(&o, &one, &plain, &err), 0);

    for (int m = 0; m < NMUTATIONS; m++) {
        rl_unit_facts *f = copy_of(craft);
        int applied = mutate(f, (mutation)m);
        if (!applied) fprintf(stderr, "  %s: nothing to apply it to in %s\n", mutation_names[m], CRAFT_FIXTURE);
        CHECK(applied);
        size_t len = 0;
        unsigned char *blob = applied ? rl_facts_serialize(f, &len) : NULL;
        rl_facts_free(f);
        if (!blob) continue;
        /* Well formed, so deserialisation alone takes it ... */
        rl_unit_facts *g = rl_facts_deserialize(blob, len);
        if (m != FUNCTION_WITHOUT_NAME && m != IF_MISSING_BRANCH && m != ROOT_NOT_SEQ && m != ORPHAN_NODE &&
            m != IF_TRYLOCK_NOT_TRYLOCK && m != IF_LAST_ON_A_READ && m != CALL_NEGATIVE_CLAIM_MASK)
            CHECK(g != NULL);
        /* ... but not the validation. */
        rl_error why = {{0}};
        if (g) {
            int refused = rl_facts_validate(g, &why) != 0;
            if (!refused) fprintf(stderr, "  %s: not refused\n", mutation_names[m]);
            CHECK(refused && why.msg[0]);
        }
        rl_facts_free(g);
        /* A run with it in the cache warns, parses again, finds the same. */
        rl_analysis a;
        run_with_cache(argv[1], &one, blob, len, &a);
        CHECK_INT(a.units_cached, 0);
        CHECK_INT(a.units_parsed, 1);
        CHECK_INT(a.findings.len, plain.findings.len);
        if (g) {
            CHECK_INT(a.nwarnings, 1);
            CHECK_CONTAINS(a.nwarnings ? a.warnings[0] : "", CRAFT_FIXTURE);
            CHECK_CONTAINS(a.nwarnings ? a.warnings[0] : "", "was dropped, its facts are inconsistent");
        }
        rl_analysis_free(&a);
        free(blob);
    }
    check_depth(craft);
    rl_analysis_free(&plain);
    rl_facts_free(craft);
    rl_unit_list_free(&units);
    rl_apimodel_free(model);
    return test_summary("facts_check");
}
