/* The analysis's configuration (config.h): the API model folder, the
 * clang resource folder, the project config found up the tree.
 *
 * Invariants: a project config is trusted only when it and the link
 * naming it belong to the current user or root, and it is never looked
 * for above the repository root; reading it is bounded
 * (RL_MAX_CONFIG_BYTES). Nothing here runs anything the analysed tree
 * configures: the config is data for the API models. */
#include "config.h"
#include "apimodel/apimodel.h"
#include "util/file.h"
#include "util/mem.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_NAME ".racelint.yaml"

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *rl_default_models_dir(void)
{
    const char *env = getenv("RACELINT_MODELS");
    if (env && *env) return rl_xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            static const char *const rel[] = {"/../models", "/../share/racelint/models", "/models"};
            for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
                char *cand = rl_xasprintf("%s%s", exe, rel[i]);
                if (is_dir(cand)) return cand;
                free(cand);
            }
        }
    }
#ifdef RL_MODELS_DIR
    if (is_dir(RL_MODELS_DIR)) return rl_xstrdup(RL_MODELS_DIR);
#endif
    return NULL;
}

const char *rl_clang_resource_dir(const char *resource_dir)
{
#ifdef RL_CLANG_RESOURCE_DIR
    /* The headers of the libclang we were built with, if still there. */
    static const char built_with[] = RL_CLANG_RESOURCE_DIR;
    if (!resource_dir && built_with[0] && is_dir(built_with)) return built_with;
#endif
    return resource_dir;
}

/* Whether a file owned by uid may configure this process's analysis. */
static int trusted_owner(uid_t uid)
{
    return uid == geteuid() || uid == 0;
}

/* Looks at one candidate path: 1 with out filled (used or ignored), 0 when
 * there is nothing there, -1 when what is there cannot be a config. */
static int consider_config(const char *cand, rl_config_lookup *out, rl_error *err)
{
    struct stat entry, target;
    if (lstat(cand, &entry) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return 0;
        return rl_fail(err, "project config '%s': %s", cand, strerror(errno));
    }
    if (stat(cand, &target) != 0)
        return rl_fail(err, "project config '%s' is %s: %s", cand,
                       S_ISLNK(entry.st_mode) ? "a symbolic link that leads nowhere" : "unusable", strerror(errno));
    if (S_ISDIR(target.st_mode)) return rl_fail(err, "project config '%s' is a folder, not a file", cand);
    if (!S_ISREG(target.st_mode)) return rl_fail(err, "project config '%s' is not a regular file", cand);
    if (!trusted_owner(entry.st_uid) || !trusted_owner(target.st_uid)) {
        uid_t owner = trusted_owner(entry.st_uid) ? target.st_uid : entry.st_uid;
        out->ignored = rl_xasprintf("ignoring the project config '%s': it is owned by user %ld, neither you nor root"
                                    " (pass it with --config to use it)",
                                    cand, (long)owner);
        return 1;
    }
    out->path = rl_xstrdup(cand);
    return 1;
}

int rl_find_config(const char *dir, rl_config_lookup *out, rl_error *err)
{
    memset(out, 0, sizeof *out);
    char *cur = rl_xstrdup(dir);
    int rc = 0;
    for (;;) {
        char *cand = rl_xasprintf("%s/%s", cur, CONFIG_NAME);
        rc = consider_config(cand, out, err);
        free(cand);
        if (rc != 0) break;
        /* The repository root is as far as a tree's own config can be. */
        char *git = rl_xasprintf("%s/.git", cur);
        struct stat st;
        int root = lstat(git, &st) == 0;
        free(git);
        char *slash = strrchr(cur, '/');
        if (root || !slash || slash == cur) break;
        *slash = '\0';
    }
    free(cur);
    if (rc < 0) rl_config_lookup_clear(out);
    return rc < 0 ? -1 : 0;
}

void rl_config_lookup_clear(rl_config_lookup *lookup)
{
    free(lookup->path);
    free(lookup->ignored);
    memset(lookup, 0, sizeof *lookup);
}

int rl_read_config(const char *path, char **text, size_t *len, rl_error *err)
{
    return rl_read_file(path, RL_MAX_CONFIG_BYTES, "a config file", text, len, err) < 0 ? -1 : 0;
}

/* Loads the `functions:` models of the project config. */
static int load_config(rl_apimodel *model, const char *path, rl_error *err)
{
    char *text;
    size_t len;
    if (rl_read_config(path, &text, &len, err) != 0) return -1;
    int rc = rl_apimodel_load_config(model, path, text, len, err);
    free(text);
    return rc;
}
rl_apimodel *rl_load_api_models(const char *models_dir, const char *config_file, rl_error *err)
{
    char *dir = models_dir ? rl_xstrdup(models_dir) : rl_default_models_dir();
    if (!dir) {
        rl_fail(err, "cannot find the API model folder (models/); pass --models DIR or set RACELINT_MODELS");
        return NULL;
    }
    rl_apimodel *model = rl_apimodel_new();
    int rc = rl_apimodel_load_dir(model, dir, err);
    free(dir);
    if (rc == 0 && config_file) rc = load_config(model, config_file, err);
    if (rc != 0) {
        rl_apimodel_free(model);
        return NULL;
    }
    return model;
}
