/* Shared by the fuzz targets of this folder: a check that crashes (so that
 * libFuzzer and the replay runner report it like a sanitizer finding), and
 * the model-loading body of the two YAML targets. Header-only on purpose:
 * each target is one translation unit plus the library. */
#ifndef RL_FUZZ_H
#define RL_FUZZ_H
#include "apimodel/apimodel.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A broken promise of the code under test, not an input error. */
#define FUZZ_CHECK(cond)                                                              \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                  \
        }                                                                             \
    } while (0)

/* An error is a normal outcome, but it must come with a message. */
static inline void fuzz_check_error(int rc, const rl_error *err)
{
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc < 0) FUZZ_CHECK(err->msg[0] != '\0' && memchr(err->msg, '\0', sizeof err->msg) != NULL);
}

/* A NUL-terminated heap copy of at most max bytes of data. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size, size_t max)
{
    size_t n = size < max ? size : max;
    char *s = malloc(n + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

typedef int (*fuzz_model_loader)(rl_apimodel *model, const char *origin, const char *text, size_t len,
                                 rl_error *err);

/* Models already loaded when the input comes, as models/ is before the
 * project config: the input's definitions may replace them. */
static const char fuzz_base_models[] = "version: 1\n"
                                       "functions:\n"
                                       "  - {name: pthread_mutex_lock, kind: lock, lock: 0}\n"
                                       "  - {name: pthread_create, kind: spawn, entry: 2, arg: 3, handle: 0}\n"
                                       "  - {prefix: atomic_, kind: atomic}\n";

/* Loads data into a model twice. Loading is all-or-nothing and the same
 * text gives the same outcome, so: a failed load leaves the model as it
 * was, and a second load of a good text replaces each definition of the
 * first rather than adding any. */
static inline void fuzz_load_model(fuzz_model_loader load, const uint8_t *data, size_t size)
{
    rl_apimodel *model = rl_apimodel_new();
    rl_error err = {{0}};
    FUZZ_CHECK(rl_apimodel_load_buffer(model, "base", fuzz_base_models, sizeof fuzz_base_models - 1, &err) == 0);
    size_t before = rl_apimodel_count(model);

    int rc = load(model, "fuzz", (const char *)data, size, &err);
    fuzz_check_error(rc, &err);
    size_t after = rl_apimodel_count(model);
    if (rc < 0) FUZZ_CHECK(after == before);
    int again = load(model, "fuzz", (const char *)data, size, &err);
    FUZZ_CHECK(again == rc && rl_apimodel_count(model) == after);

    /* Lookups walk both tables: a known name, a prefix match, and the
     * input's start taken as a name. */
    rl_apimodel_find(model, "pthread_mutex_lock");
    rl_apimodel_find(model, "atomic_fetch_add");
    char *name = fuzz_cstring(data, size, 64);
    const rl_api_fn *fn = rl_apimodel_find(model, name);
    if (fn) FUZZ_CHECK(fn->is_prefix ? strncmp(name, fn->name, strlen(fn->name)) == 0 : strcmp(name, fn->name) == 0);
    free(name);
    rl_apimodel_free(model);
}

#endif
