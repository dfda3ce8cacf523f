/* Opens libclang on first use and fills the table of its entry points
 * (libclang.h says why racelint does not link it).
 *
 * Invariants:
 *  1. The library is opened from RL_LIBCLANG_PATH, the file the build
 *     found and compiled against: never from a path an input names, so no
 *     analysed tree can choose the code racelint runs.
 *  2. Once loaded, the library stays loaded to the end of the process
 *     (never dlclose: libclang keeps threads and static state).
 *  3. Every entry of RL_LIBCLANG_FUNCTIONS is resolved, or the load fails
 *     as a whole: a half-filled table is never used. */
#define RL_LIBCLANG_LOADER
#include "libclang.h"
#include "frontend.h"
#include "../util/strpool.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#ifndef RL_LIBCLANG_PATH
#error "RL_LIBCLANG_PATH (the libclang shared object to load) is set by CMakeLists.txt"
#endif

rl_libclang_api rl_clang;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_failed;
static char load_error[RL_ERROR_MAX];

/* Resolves one entry point into *slot. The pointer travels through memcpy:
 * ISO C has no conversion from dlsym's void * to a function pointer, POSIX
 * guarantees the representation is the same. */
static int resolve(void *lib, const char *name, void *slot, size_t size)
{
    void *sym = dlsym(lib, name);
    if (!sym) {
        snprintf(load_error, sizeof load_error, "libclang '%s' has no %s (racelint was built against a newer one)",
                 RL_LIBCLANG_PATH, name);
        return -1;
    }
    memcpy(slot, &sym, size);
    return 0;
}

static void load(void)
{
    void *lib = dlopen(RL_LIBCLANG_PATH, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error,
                 "cannot load libclang '%s': %s (install the libclang racelint was built with)", RL_LIBCLANG_PATH,
                 why ? why : "unknown error");
        load_failed = 1;
        return;
    }
    rl_libclang_api api;
#define RL_LIBCLANG_RESOLVE(name)                                        \
    if (resolve(lib, #name, &api.name, sizeof api.name) != 0) {          \
        load_failed = 1;                                                 \
        return;                                                          \
    }
    RL_LIBCLANG_FUNCTIONS(RL_LIBCLANG_RESOLVE)
#undef RL_LIBCLANG_RESOLVE
    rl_clang = api;
}

int rl_frontend_load(rl_error *err)
{
    pthread_once(&load_once, load);
    if (load_failed) return rl_fail(err, "%s", load_error);
    return 0;
}

uint64_t rl_frontend_libclang_identity(void)
{
    uint64_t h = rl_hash_str("libclang " RL_LIBCLANG_PATH);
    struct stat st;
    if (stat(RL_LIBCLANG_PATH, &st) == 0) {
        const uint64_t id[] = {(uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec, (uint64_t)st.st_mtim.tv_nsec,
                               (uint64_t)st.st_ino, (uint64_t)st.st_dev};
        return rl_hash_bytes(id, sizeof id, h);
    }
    rl_error err;
    if (rl_frontend_load(&err) != 0) return rl_hash_str(err.msg);
    CXString s = rl_clang.clang_getClangVersion();
    const char *v = rl_clang.clang_getCString(s);
    h = rl_hash_str(v ? v : "");
    rl_clang.clang_disposeString(s);
    return h;
}

const char *rl_frontend_libclang_path(void)
{
    return RL_LIBCLANG_PATH;
}
