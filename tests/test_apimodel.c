/* Tests for analyzer/apimodel: loads the real models/ folder (argv[1]) and
 * checks lookups, overriding, and that every kind of bad input is refused
 * with a message naming the problem and its place, leaving the model as it was.
 * Prints one line per case and "N passed, M failed"; exits 1 on failure. */
/* mkdtemp is POSIX.1-2008. */
#define _POSIX_C_SOURCE 200809L
#include "apimodel/apimodel.h"
#include "util/strbuf.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

static void report(int ok, const char *name, const char *detail)
{
    if (ok) {
        passed++;
        printf("ok   %s\n", name);
    } else {
        failed++;
        printf("FAIL %s%s%s\n", name, detail ? ": " : "", detail ? detail : "");
    }
}

/* Checks one looked-up model against the fields a case cares about. */
static void expect_fn(const rl_apimodel *model, const char *name, rl_api_kind kind, int lock, int shared,
                      const char *case_name)
{
    const rl_api_fn *fn = rl_apimodel_find(model, name);
    char detail[256];
    if (!fn) {
        report(0, case_name, "not found");
        return;
    }
    snprintf(detail, sizeof detail, "got %s (%s) lock %d shared %d", rl_api_kind_name(fn->kind), fn->name,
             fn->lock, fn->shared);
    report(fn->kind == kind && fn->lock == lock && fn->shared == shared, case_name, detail);
}

static void test_rules(const char *dir)
{
    rl_apimodel *model = rl_apimodel_new();
    rl_error err = {""};
    int rc = rl_apimodel_load_dir(model, dir, &err);
    report(rc == 0 && rl_apimodel_count(model) > 0, "rules folder loads", err.msg);
    if (rc < 0) {
        rl_apimodel_free(model);
        return;
    }

    expect_fn(model, "pthread_mutex_lock", RL_API_LOCK, 0, 0, "pthread_mutex_lock is a lock on arg 0");
    expect_fn(model, "pthread_rwlock_rdlock", RL_API_LOCK, 0, 1, "pthread_rwlock_rdlock is shared");
    expect_fn(model, "pthread_rwlock_wrlock", RL_API_LOCK, 0, 0, "pthread_rwlock_wrlock is exclusive");
    expect_fn(model, "pthread_mutex_timedlock", RL_API_TRYLOCK, 0, 0, "pthread_mutex_timedlock is a trylock");
    expect_fn(model, "mtx_unlock", RL_API_UNLOCK, 0, 0, "mtx_unlock is an unlock");

    const rl_api_fn *seed = rl_apimodel_find(model, "srand");
    report(seed && seed->kind == RL_API_ACCESS && seed->state && strcmp(seed->state, "rand_seed") == 0 &&
               !seed->state_read_only,
           "srand reads and writes rand's hidden seed", seed ? seed->origin : "srand not modelled");
    const rl_api_fn *env = rl_apimodel_find(model, "getenv");
    report(env && env->state && strcmp(env->state, "environment") == 0 && env->state_read_only,
           "getenv only reads the hidden environment", env ? env->origin : "getenv not modelled");

    const rl_api_fn *sem = rl_apimodel_find(model, "sem_trywait");
    report(sem && sem->kind == RL_API_WAIT && sem->can_fail && !sem->success_nonzero,
           "sem_trywait is a wait that says whether it waited", NULL);
    sem = rl_apimodel_find(model, "sem_wait");
    report(sem && sem->kind == RL_API_WAIT && !sem->can_fail, "sem_wait always waits", NULL);

    const rl_api_fn *pf = rl_apimodel_find(model, "snprintf");
    report(pf && pf->kind == RL_API_ACCESS && pf->writes == 1u && pf->strings_from == 2,
           "snprintf writes its buffer and reads the strings it formats", NULL);
    pf = rl_apimodel_find(model, "memcpy");
    report(pf && pf->strings_from == -1, "memcpy reads no strings beyond its arguments' lists", NULL);
    report(pf && pf->calls == -1 && pf->passes == 0, "memcpy calls nothing", NULL);
    const rl_api_fn *sorts = rl_apimodel_find(model, "qsort");
    report(sorts && sorts->kind == RL_API_ACCESS && sorts->calls == 3 && sorts->passes == 1u,
           "qsort calls its comparator with elements of its array", NULL);
    sorts = rl_apimodel_find(model, "bsearch");
    report(sorts && sorts->calls == 4 && sorts->passes == 3u, "bsearch calls its comparator with the key and an element",
           NULL);

    const rl_api_fn *ev = rl_apimodel_find(model, "event_assign");
    report(ev && ev->kind == RL_API_REGISTER && ev->handle == 0 && ev->loop == 1 && ev->entry == 4 && ev->arg == 5,
           "event_assign registers its callback and argument with an event of a loop", NULL);
    ev = rl_apimodel_find(model, "event_set");
    report(ev && ev->kind == RL_API_REGISTER && ev->loop == -1, "event_set names no loop: the default one", NULL);
    ev = rl_apimodel_find(model, "event_base_loop");
    report(ev && ev->kind == RL_API_DISPATCH && ev->loop == 0 && ev->param == 2,
           "event_base_loop runs its loop's callbacks, the argument as their parameter 2", NULL);

    const rl_api_fn *fn = rl_apimodel_find(model, "atomic_flag_test_and_set");
    report(fn && fn->kind == RL_API_TRYLOCK && !fn->is_prefix && !fn->success_nonzero && fn->lock == 0,
           "atomic_flag_test_and_set is a trylock, not the atomic_ prefix", NULL);
    fn = rl_apimodel_find(model, "atomic_compare_exchange_strong");
    report(fn && fn->kind == RL_API_TRYLOCK && fn->success_nonzero && fn->lock == 0 && fn->expected == 1 &&
               fn->value == 2,
           "a compare-and-swap from 0 to a constant is a spinlock's trylock", NULL);
    fn = rl_apimodel_find(model, "atomic_store");
    report(fn && fn->kind == RL_API_UNLOCK && fn->value == 1 && fn->expected == -1,
           "a store of 0 is a spinlock's release", NULL);
    fn = rl_apimodel_find(model, "__sync_lock_release");
    report(fn && fn->kind == RL_API_UNLOCK, "__sync_lock_release is an unlock", NULL);
    fn = rl_apimodel_find(model, "__atomic_fetch_add");
    report(fn && fn->kind == RL_API_ATOMIC && fn->is_prefix && strcmp(fn->name, "__atomic_") == 0,
           "__atomic_fetch_add is atomic through its prefix", NULL);
    fn = rl_apimodel_find(model, "atomic_load_explicit");
    report(fn && fn->kind == RL_API_ATOMIC, "atomic_load_explicit is atomic", NULL);
    report(rl_apimodel_find(model, "my_own_function") == NULL, "unknown name is NULL", NULL);
    report(rl_apimodel_find(model, "pthread_mutex_lockx") == NULL, "a longer name is not an exact match", NULL);

    fn = rl_apimodel_find(model, "pthread_create");
    report(fn && fn->kind == RL_API_SPAWN && fn->handle == 0 && fn->entry == 2 && fn->arg == 3,
           "pthread_create: handle 0, entry 2, arg 3", NULL);
    fn = rl_apimodel_find(model, "thrd_create");
    report(fn && fn->kind == RL_API_SPAWN && fn->handle == 0 && fn->entry == 1 && fn->arg == 2,
           "thrd_create: handle 0, entry 1, arg 2", NULL);
    fn = rl_apimodel_find(model, "pthread_join");
    report(fn && fn->kind == RL_API_JOIN && fn->handle == 0 && fn->entry == -1, "pthread_join: handle 0", NULL);
    fn = rl_apimodel_find(model, "call_once");
    report(fn && fn->kind == RL_API_ONCE && fn->handle == 0 && fn->entry == 1, "call_once: handle 0, entry 1",
           NULL);
    fn = rl_apimodel_find(model, "pthread_cond_wait");
    report(fn && fn->kind == RL_API_WAIT && fn->handle == 0, "pthread_cond_wait: a wait on handle 0 (no lock)", NULL);
    fn = rl_apimodel_find(model, "sem_post");
    report(fn && fn->kind == RL_API_POST && fn->handle == 0, "sem_post: a post on handle 0", NULL);
    report(rl_apimodel_find(model, "pthread_cond_timedwait") == NULL, "pthread_cond_timedwait is not modelled", NULL);
    fn = rl_apimodel_find(model, "free");
    report(fn && fn->kind == RL_API_FREE && fn->writes == 1u && fn->reads == 0, "free: kind free, writes arg 0", NULL);
    fn = rl_apimodel_find(model, "realloc");
    report(fn && fn->kind == RL_API_ALLOC && fn->writes == 1u && fn->reads == 1u, "realloc allocates, reads and writes arg 0",
           NULL);

    fn = rl_apimodel_find(model, "memcpy");
    report(fn && fn->kind == RL_API_ACCESS && fn->writes == 1u && fn->reads == 2u, "memcpy writes 0 reads 1", NULL);
    fn = rl_apimodel_find(model, "write");
    report(fn && fn->reads == 2u && fn->writes == 0, "write reads arg 1", NULL);
    fn = rl_apimodel_find(model, "fwrite");
    report(fn && fn->reads == 1u && fn->writes == 0, "fwrite reads arg 0", NULL);
    fn = rl_apimodel_find(model, "malloc");
    report(fn && fn->kind == RL_API_ALLOC, "malloc allocates", NULL);

    fn = rl_apimodel_find(model, "pthread_mutex_lock");
    report(fn && strstr(fn->origin, "pthread.yaml:") != NULL, "origin names the file and line",
           fn ? fn->origin : NULL);

    /* A later definition, as from a project config, replaces the built-in one. */
    size_t before = rl_apimodel_count(model);
    static const char override[] = "version: 1\n"
                                   "functions:\n"
                                   "  - name: pthread_mutex_lock\n"
                                   "    kind: lock\n"
                                   "    lock: 1\n";
    rc = rl_apimodel_load_buffer(model, "override.yaml", override, strlen(override), &err);
    fn = rl_apimodel_find(model, "pthread_mutex_lock");
    report(rc == 0 && fn && fn->lock == 1 && strcmp(fn->origin, "override.yaml:3") == 0 &&
               rl_apimodel_count(model) == before,
           "a later buffer overrides a built-in model", err.msg);
    rl_apimodel_free(model);
}

static void test_prefixes(void)
{
    rl_apimodel *model = rl_apimodel_new();
    rl_error err = {""};
    static const char text[] = "version: 1\n"
                               "functions:\n"
                               "  - {prefix: q, kind: alloc}\n"
                               "  - {prefix: queue_, kind: atomic}\n"
                               "  - {prefix: queue_lock, kind: lock, lock: 0}\n"
                               "  - {name: queue_lock_all, kind: unlock, lock: 0}\n";
    int rc = rl_apimodel_load_buffer(model, "prefixes.yaml", text, strlen(text), &err);
    report(rc == 0 && rl_apimodel_count(model) == 4, "prefix model loads", err.msg);
    const rl_api_fn *fn = rl_apimodel_find(model, "queue_lock_one");
    report(fn && fn->kind == RL_API_LOCK, "longest prefix wins", NULL);
    fn = rl_apimodel_find(model, "queue_pop");
    report(fn && fn->kind == RL_API_ATOMIC, "shorter prefix when the longer does not match", NULL);
    fn = rl_apimodel_find(model, "queue_lock_all");
    report(fn && fn->kind == RL_API_UNLOCK, "exact name beats a prefix", NULL);
    fn = rl_apimodel_find(model, "queue_lock");
    report(fn && fn->kind == RL_API_LOCK, "a prefix matches the whole name", NULL);
    report(rl_apimodel_find(model, "stack_pop") == NULL, "no prefix matches", NULL);

    static const char config[] = "project: demo\n"
                                 "version: 7\n"
                                 "functions:\n"
                                 "  - {name: spin_acquire, kind: lock, lock: 0}\n";
    rc = rl_apimodel_load_config(model, ".racelint.yaml", config, strlen(config), &err);
    fn = rl_apimodel_find(model, "spin_acquire");
    report(rc == 0 && fn && fn->kind == RL_API_LOCK, "config: other top-level keys are the caller's", err.msg);
    rc = rl_apimodel_load_config(model, ".racelint.yaml", "project: demo\n", strlen("project: demo\n"), &err);
    report(rc == 0, "config without functions loads nothing", err.msg);
    rl_apimodel_free(model);
}

/* One bad input: must fail, the message must contain `expect`, and the model
 * must be exactly as before (count and an existing lookup). */
static void expect_error(const char *case_name, const char *text, size_t len, const char *expect)
{
    rl_apimodel *model = rl_apimodel_new();
    rl_error err = {""};
    static const char base[] = "version: 1\nfunctions:\n  - {name: keep_me, kind: alloc}\n";
    rl_apimodel_load_buffer(model, "base.yaml", base, strlen(base), &err);

    int rc = rl_apimodel_load_buffer(model, "bad.yaml", text, len, &err);
    const rl_api_fn *fn = rl_apimodel_find(model, "keep_me");
    int unchanged = rl_apimodel_count(model) == 1 && fn && fn->kind == RL_API_ALLOC &&
                    rl_apimodel_find(model, "first_ok") == NULL;
    char detail[RL_ERROR_MAX + 64];
    snprintf(detail, sizeof detail, "rc %d, unchanged %d, message '%s'", rc, unchanged, err.msg);
    report(rc < 0 && unchanged && strstr(err.msg, expect) != NULL, case_name, detail);
    rl_apimodel_free(model);
}

/* Every bad entry follows a good one (first_ok) to prove nothing is kept. */
#define HEAD "version: 1\nfunctions:\n  - {name: first_ok, kind: alloc}\n"

static const struct bad_case {
    const char *name, *text, *expect;
} bad_cases[] = {
    {"unknown top-level key", HEAD "extra: 1\n", "bad.yaml:4:1: unknown top-level key 'extra'"},
    {"duplicate top-level key", HEAD "version: 1\n", "bad.yaml:4:1: duplicate top-level key 'version'"},
    {"unknown key in an entry", HEAD "  - name: f\n    kind: alloc\n    colour: red\n",
     "bad.yaml:6:5: unknown key 'colour' in a function entry"},
    {"missing name and prefix", HEAD "  - kind: alloc\n", "bad.yaml:4:5: entry has neither 'name' nor 'prefix'"},
    {"both name and prefix", HEAD "  - {name: f, prefix: g, kind: alloc}\n",
     "bad.yaml:4:15: entry has both 'name' and 'prefix'"},
    {"missing kind", HEAD "  - name: f\n", "bad.yaml:4:5: entry for 'f' has no 'kind'"},
    {"unknown kind", HEAD "  - name: f\n    kind: mutex\n", "bad.yaml:5:11: unknown kind 'mutex' (expected one of lock,"},
    {"lock needs lock", HEAD "  - name: f\n    kind: lock\n", "bad.yaml:4:5: kind 'lock' needs 'lock'"},
    {"trylock needs lock", HEAD "  - {name: f, kind: trylock}\n", "kind 'trylock' needs 'lock'"},
    {"unlock needs lock", HEAD "  - {name: f, kind: unlock}\n", "kind 'unlock' needs 'lock'"},
    {"dispatch needs param", HEAD "  - {name: f, kind: dispatch, loop: 0}\n", "kind 'dispatch' needs 'param'"},
    {"attach needs loop", HEAD "  - {name: f, kind: attach, handle: 1}\n", "kind 'attach' needs 'loop'"},
    {"register needs entry", HEAD "  - {name: f, kind: register, arg: 1}\n", "kind 'register' needs 'entry'"},
    {"param only on dispatch", HEAD "  - {name: f, kind: register, entry: 1, param: 2}\n", "'param'"},
    {"strings_from only on access", HEAD "  - {name: f, kind: lock, lock: 0, strings_from: 1}\n", "'strings_from'"},
    {"calls only on access", HEAD "  - {name: f, kind: lock, lock: 0, calls: 1}\n",
     "key 'calls' does not apply to kind 'lock'"},
    {"passes without calls", HEAD "  - {name: f, kind: access, passes: [0]}\n", "'passes' needs 'calls'"},
    {"bad calls", HEAD "  - {name: f, kind: access, calls: x}\n", "'calls' must be an argument index"},
    {"spawn needs entry", HEAD "  - {name: f, kind: spawn, arg: 1}\n", "kind 'spawn' needs 'entry'"},
    {"once needs entry", HEAD "  - {name: f, kind: once, handle: 0}\n", "kind 'once' needs 'entry'"},
    {"join needs handle", HEAD "  - {name: f, kind: join}\n", "kind 'join' needs 'handle'"},
    {"post needs handle", HEAD "  - {name: f, kind: post}\n", "kind 'post' needs 'handle'"},
    {"free takes no lock", HEAD "  - {name: f, kind: free, lock: 0}\n", "key 'lock' does not apply to kind 'free'"},
    {"key not for this kind", HEAD "  - {name: f, kind: spawn, entry: 1, mode: shared}\n",
     "bad.yaml:4:38: key 'mode' does not apply to kind 'spawn'"},
    {"index too large", HEAD "  - {name: f, kind: lock, lock: 32}\n",
     "bad.yaml:4:33: 'lock' must be an argument index, an integer in 0..31 (got '32')"},
    {"index negative", HEAD "  - {name: f, kind: lock, lock: -1}\n", "an integer in 0..31 (got '-1')"},
    {"index not a number", HEAD "  - {name: f, kind: spawn, entry: two}\n", "'entry' must be an argument index"},
    {"index a list", HEAD "  - {name: f, kind: join, handle: [0]}\n", "'handle' must be an argument index, an integer in 0..31 (got a list)"},
    {"reads not a list", HEAD "  - {name: f, kind: access, reads: 0}\n", "'reads' must be a list of argument indices"},
    {"reads index out of range", HEAD "  - {name: f, kind: access, writes: [0, 40]}\n",
     "bad.yaml:4:41: 'writes' must be an argument index"},
    {"reads index twice", HEAD "  - {name: f, kind: access, reads: [1, 1]}\n", "'reads' lists argument 1 twice"},
    {"bad mode", HEAD "  - {name: f, kind: lock, lock: 0, mode: read}\n",
     "'mode' must be one of exclusive, shared (got 'read')"},
    {"bad success", HEAD "  - {name: f, kind: trylock, lock: 0, success: one}\n",
     "'success' must be one of zero, nonzero (got 'one')"},
    {"value on a lock", HEAD "  - {name: f, kind: lock, lock: 0, value: 1}\n",
     "key 'value' does not apply to kind 'lock'"},
    {"expected without value", HEAD "  - {name: f, kind: trylock, lock: 0, expected: 1}\n",
     "bad.yaml:4:49: 'expected' needs 'value'"},
    {"state on a lock", HEAD "  - {name: f, kind: lock, lock: 0, state: seed}\n",
     "key 'state' does not apply to kind 'lock'"},
    {"state not an identifier", HEAD "  - {name: f, kind: access, state: 'the seed'}\n",
     "'state' must be a C identifier (got 'the seed')"},
    {"state_use without state", HEAD "  - {name: f, kind: access, state_use: read}\n",
     "bad.yaml:4:40: 'state_use' needs 'state'"},
    {"bad state_use", HEAD "  - {name: f, kind: access, state: seed, state_use: write}\n",
     "'state_use' must be one of readwrite, read (got 'write')"},
    {"functions not a sequence", "version: 1\nfunctions:\n  name: f\n", "bad.yaml:3:3: 'functions' must be a list"},
    {"functions null", "version: 1\nfunctions:\n", "'functions' must be a list"},
    {"entry not a mapping", HEAD "  - pthread_mutex_lock\n", "bad.yaml:4:5: each entry of 'functions' must be a mapping"},
    {"top level not a mapping", "- name: f\n", "bad.yaml:1:1: the top level must be a mapping"},
    {"name not a string", HEAD "  - {name: [a], kind: alloc}\n", "'name' must be a C identifier (got a list)"},
    {"name not an identifier", HEAD "  - {name: 'foo bar', kind: alloc}\n", "'name' must be a C identifier (got 'foo bar')"},
    {"version 2", "version: 2\nfunctions: []\n", "bad.yaml:1:10: unsupported version '2'"},
    {"missing version", "functions: []\n", "missing 'version: 1'"},
    {"missing functions", "version: 1\n", "missing 'functions:' list"},
    {"duplicate key in an entry", HEAD "  - name: f\n    kind: alloc\n    name: g\n",
     "bad.yaml:6:5: duplicate key 'name' in this entry"},
    {"syntax error", HEAD "  - {name: f, kind: alloc\n", "bad.yaml:5:1: YAML syntax error:"},
    {"bad indentation", "version: 1\nfunctions:\n  - name: f\n   kind: alloc\n", "bad.yaml:4:"},
    {"second document", HEAD "---\nversion: 1\n", "bad.yaml:5:1: a second YAML document"},
    {"empty document", "", "bad.yaml: empty document"},
    {"invalid UTF-8", HEAD "# \xff\n", "bad.yaml: byte"},
};

static void test_errors(void)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++)
        expect_error(bad_cases[i].name, bad_cases[i].text, strlen(bad_cases[i].text), bad_cases[i].expect);

    /* Bounds: one byte over the size limit, one entry over the count limit. */
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, HEAD);
    while (sb.len <= RL_APIMODEL_MAX_BYTES) rl_sb_append(&sb, "# padding padding padding padding padding\n");
    expect_error("file larger than 1 MiB", sb.data, sb.len, "larger than 1 MiB");
    rl_sb_truncate(&sb, 0);
    rl_sb_append(&sb, "version: 1\nfunctions:\n");
    for (int i = 0; i <= RL_APIMODEL_MAX_ENTRIES; i++) rl_sb_printf(&sb, "  - {name: f%d, kind: alloc}\n", i);
    expect_error("more than 10000 entries", sb.data, sb.len, "more than the limit of 10000");
    /* Nesting and anchors, which cost libyaml quadratic time: a megabyte
     * of '[' is refused at once, not parsed for hours. */
    rl_sb_truncate(&sb, 0);
    rl_sb_append(&sb, "version: 1\nfunctions: ");
    while (sb.len <= RL_APIMODEL_MAX_BYTES - 1) rl_sb_appendc(&sb, '[');
    expect_error("a megabyte of nested lists", sb.data, sb.len,
                 "bad.yaml:2:75: lists and mappings nested more than 64 deep");
    rl_sb_truncate(&sb, 0);
    rl_sb_append(&sb, HEAD "x: [");
    for (int i = 0; i <= RL_APIMODEL_MAX_ANCHORS; i++) rl_sb_printf(&sb, "&a%d 1, ", i);
    rl_sb_append(&sb, "]\n");
    expect_error("more than 256 anchors", sb.data, sb.len, "more than 256 anchors");
    rl_sb_free(&sb);
}

/* Writes text to dir/name; returns the path (caller frees). */
static char *write_file(const char *dir, const char *name, const char *text, size_t len)
{
    rl_strbuf path = RL_STRBUF_INIT;
    rl_sb_printf(&path, "%s/%s", dir, name);
    FILE *f = fopen(rl_sb_str(&path), "wb");
    if (f) {
        fwrite(text, 1, len, f);
        fclose(f);
    }
    return rl_sb_take(&path);
}

static void test_files(const char *rules)
{
    rl_apimodel *model = rl_apimodel_new();
    rl_error err = {""};
    int rc = rl_apimodel_load_dir(model, "/nonexistent/racelint-rules", &err);
    report(rc < 0 && strstr(err.msg, "/nonexistent/racelint-rules") != NULL, "missing folder is named", err.msg);
    rc = rl_apimodel_load_file(model, "/nonexistent/x.yaml", &err);
    report(rc < 0 && strstr(err.msg, "/nonexistent/x.yaml: cannot open") != NULL, "missing file is named", err.msg);
    rc = rl_apimodel_load_file(model, rules, &err);
    report(rc < 0 && strstr(err.msg, "not a regular file") != NULL, "a folder is not a file", err.msg);

    const char *tmp = getenv("TMPDIR");
    rl_strbuf dir = RL_STRBUF_INIT;
    rl_sb_printf(&dir, "%s/racelint-apimodel-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir.data)) {
        report(0, "temporary folder", strerror(errno));
        rl_sb_free(&dir);
        rl_apimodel_free(model);
        return;
    }
    const char *d = rl_sb_str(&dir);
    char *paths[4] = {NULL};
    paths[0] = write_file(d, "notes.txt", "not yaml\n", strlen("not yaml\n"));
    rc = rl_apimodel_load_dir(model, d, &err);
    report(rc < 0 && strstr(err.msg, "no .yaml files") && strstr(err.msg, d), "folder without .yaml files", err.msg);

    /* b.yaml sorts after a.yaml, so its definition of f wins. */
    static const char a[] = "version: 1\nfunctions:\n  - {name: f, kind: lock, lock: 0}\n";
    static const char b[] = "version: 1\nfunctions:\n  - {name: f, kind: unlock, lock: 0}\n";
    paths[1] = write_file(d, "b.yaml", b, strlen(b));
    paths[2] = write_file(d, "a.yaml", a, strlen(a));
    rc = rl_apimodel_load_dir(model, d, &err);
    const rl_api_fn *fn = rl_apimodel_find(model, "f");
    report(rc == 0 && fn && fn->kind == RL_API_UNLOCK && strstr(fn->origin, "b.yaml:3"),
           "folder loads in name order, later files override", err.msg);

    /* A bad c.yaml fails the whole folder: nothing from a or b changes. */
    static const char c[] = "version: 1\nfunctions:\n  - {name: g, kind: lock}\n";
    paths[3] = write_file(d, "c.yaml", c, strlen(c));
    rl_apimodel *fresh = rl_apimodel_new();
    rc = rl_apimodel_load_dir(fresh, d, &err);
    report(rc < 0 && strstr(err.msg, "c.yaml:3:5: kind 'lock' needs 'lock'") && rl_apimodel_count(fresh) == 0,
           "a bad file leaves the model unchanged", err.msg);
    rl_apimodel_free(fresh);

    /* A file one byte over the limit. */
    rl_strbuf big = RL_STRBUF_INIT;
    while (big.len <= RL_APIMODEL_MAX_BYTES) rl_sb_append(&big, "# padding padding padding padding padding\n");
    char *big_path = write_file(d, "big.yml", big.data, big.len);
    rc = rl_apimodel_load_file(model, big_path, &err);
    report(rc < 0 && strstr(err.msg, "big.yml: file is larger than 1 MiB"), "file over 1 MiB is refused", err.msg);
    remove(big_path);
    free(big_path);
    rl_sb_free(&big);

    for (int i = 0; i < 4; i++) {
        if (paths[i]) remove(paths[i]);
        free(paths[i]);
    }
    remove(d);
    rl_sb_free(&dir);

    rl_strbuf file = RL_STRBUF_INIT;
    rl_sb_printf(&file, "%s/pthread.yaml", rules);
    rc = rl_apimodel_load_file(model, rl_sb_str(&file), &err);
    report(rc == 0 && rl_apimodel_find(model, "pthread_once") != NULL, "single file loads", err.msg);
    rl_sb_free(&file);
    rl_apimodel_free(model);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s RULES_FOLDER\n", argv[0]);
        return 2;
    }
    test_rules(argv[1]);
    test_prefixes();
    test_errors();
    test_files(argv[1]);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
