/* Inputs: the list of translation units to analyse and the compiler flags
 * of each, from a compilation database (through libclang's own
 * compilation-database API) or from files and folders on the command line.
 * Compile commands are parsed, never executed. */
#ifndef RL_INPUTS_H
#define RL_INPUTS_H
#include "../util/error.h"
#include <stddef.h>

typedef struct rl_unit_spec {
    char *file;       /* absolute (or as given) path of the main source file */
    char *directory;  /* working directory the flags are relative to */
    char **argv;      /* compiler flags only: no compiler, no -c/-o, no file */
    int argc;
} rl_unit_spec;

typedef struct rl_unit_list {
    rl_unit_spec *items;
    size_t len, cap;
    char **warnings;  /* inputs skipped, each with its reason */
    size_t nwarnings, cap_warnings;
} rl_unit_list;

/* Reads BUILD_DIR/compile_commands.json. Fails with a message naming the
 * file when it is missing, not JSON, of the wrong shape, or empty. */
int rl_inputs_from_compdb(const char *build_dir, rl_unit_list *out, rl_error *err);

/* Files are taken as they are; folders are searched recursively for .c
 * files (symlink loops and special files are skipped with a warning). */
int rl_inputs_from_paths(char *const *paths, int npaths, char *const *flags, int nflags, rl_unit_list *out,
                         rl_error *err);

void rl_unit_list_free(rl_unit_list *list);

#endif
