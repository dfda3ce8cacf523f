/* Where an analysis's configuration comes from: the API model folder, the
 * clang resource folder, and the project config (.racelint.yaml), found up
 * the tree and loaded into the API models. The driver (driver.h) and the
 * CLI ask here; nothing here parses code or analyses.
 *
 * Ownership: every char * returned is a heap string the caller frees; a
 * rl_config_lookup is released with rl_config_lookup_clear, models with
 * rl_apimodel_free. */
#ifndef RL_CONFIG_H
#define RL_CONFIG_H
#include "util/error.h"
#include <stddef.h>

struct rl_apimodel;

/* What rl_find_config found. */
typedef struct rl_config_lookup {
    char *path;    /* the config to use (heap), or NULL for none */
    char *ignored; /* a warning naming the config that was not used and why, or NULL */
} rl_config_lookup;

/* The project config for an analysis run from `dir`: the nearest
 * .racelint.yaml in dir or a parent folder (as .clang-tidy is found), but
 * not above the repository root (the folder holding `.git`, a file or a
 * folder): a tree's config never comes from where it was unpacked. The
 * nearest config is ignored, with out->ignored saying so, when it (or the
 * link naming it) is owned by neither the current user nor root, as git's
 * safe.directory does; no farther one is used then. A .racelint.yaml that
 * is a folder, a dangling link or not a regular file is an error naming
 * it, not a reason to look further up. */
int rl_find_config(const char *dir, rl_config_lookup *out, rl_error *err);
void rl_config_lookup_clear(rl_config_lookup *lookup);

/* Where the built-in API models live: $RACELINT_MODELS, next to the
 * executable (../models, ../share/racelint/models), or the build-time path.
 * Returns a heap string or NULL. */
char *rl_default_models_dir(void);

/* The clang resource folder to parse with: resource_dir when given, else
 * that of the libclang racelint was built with if it is still there; NULL:
 * libclang's own. Not a heap string. */
const char *rl_clang_resource_dir(const char *resource_dir);

/* The text of the project config at path (heap, *len bytes, NUL after
 * them), read no further than a config can be (a few lines of YAML, at
 * most RL_MAX_CONFIG_BYTES): every reader of .racelint.yaml reads it so.
 * -1 with a message naming the file when it cannot be read or is larger. */
#define RL_MAX_CONFIG_BYTES ((size_t)1024 * 1024)
int rl_read_config(const char *path, char **text, size_t *len, rl_error *err);

/* The API models of models_dir (NULL: rl_default_models_dir) and the
 * `functions:` of the project config config_file (NULL: none). NULL with
 * a message naming the file when a model or the config cannot be read. */
struct rl_apimodel *rl_load_api_models(const char *models_dir, const char *config_file, rl_error *err);

#endif
