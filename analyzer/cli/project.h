/* Where a run's inputs come from and where its outputs go: the
 * compilation database (-p, or found upward as clang-tidy finds it), the
 * project's root and the default findings database in it, and the
 * check that an output can be written before a long analysis starts.
 *
 * Invariants:
 *  1. The root is found the same way from any subfolder: the nearest
 *     folder holding .racelint.yaml (the config rl_find_config uses),
 *     else the git work tree's top level (libgit2, nothing run), else the
 *     folder of the compile_commands.json found upward, else the current
 *     folder.
 *  2. Nothing is written while looking: only the probe of
 *     rl_check_writable creates (and removes) a temporary file beside
 *     the output. */
#ifndef RL_CLI_PROJECT_H
#define RL_CLI_PROJECT_H
#include "../util/error.h"

/* The database name under the root, and the environment variable that
 * replaces the default (--db replaces both). */
#define RL_DB_DIR_NAME ".racelint"
#define RL_DB_FILE_NAME "racelint.db"
#define RL_DB_ENV "RACELINT_DB"
#define RL_COMPDB_NAME "compile_commands.json"

/* The compile_commands.json that -p names: the file itself, or the one in
 * the folder. Heap path, or NULL with a message naming what is wrong. */
char *rl_compdb_from_option(const char *given, rl_error *err);

/* The nearest compile_commands.json from start (a file's folder, or the
 * folder itself) up to the filesystem's root, looking at each level in
 * the folder and in its build/ subfolder, as clang-tidy does. Heap path,
 * or NULL when there is none. */
char *rl_compdb_search(const char *start);

/* The project's root (invariant 1) for a run in the current folder; the
 * compilation database used, when there is one, stands in for the search
 * of step 3. Heap path (absolute). Fails only on a .racelint.yaml that is
 * unusable (rl_find_config's message). */
char *rl_project_root(const char *compdb, rl_error *err);

/* The findings database to use: --db (given), else $RACELINT_DB, else
 * ROOT/.racelint/racelint.db. *is_default tells the last case (whose
 * folder check may create). Heap path, or NULL with a message. */
char *rl_database_path(const char *given, const char *compdb, int *is_default, rl_error *err);

/* Creates the default database's folder when missing. -1 with a message
 * naming it and saying how to choose another place. */
int rl_database_folder(const char *db_path, rl_error *err);

/* Whether a report can be written at path (NULL: standard output, always
 * yes): the folder exists and takes a new file (a probe file is made and
 * removed), and path is no folder. -1 with a message. */
int rl_check_writable(const char *path, rl_error *err);

#endif
