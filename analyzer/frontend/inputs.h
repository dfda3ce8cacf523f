/* Inputs: the list of translation units to analyse and the compiler flags
 * of each, from a compilation database or from files and folders on the
 * command line. Compile commands are parsed, never executed; their flags
 * reach the parser only through the allowlist of flags.h, and response
 * files are read by racelint, bounded. */
#ifndef RL_INPUTS_H
#define RL_INPUTS_H
#include "../util/error.h"
#include <stddef.h>

typedef struct rl_unit_spec {
    char *file;       /* absolute (or as given) path of the main source file */
    char *directory;  /* working directory the flags are relative to */
    char **argv;      /* compiler flags only: those of the allowlist (flags.h) */
    int argc;
} rl_unit_spec;

typedef struct rl_unit_list {
    rl_unit_spec *items;
    size_t len, cap;
    char **warnings;  /* inputs skipped, each with its reason */
    size_t nwarnings, cap_warnings;
} rl_unit_list;

/* Reads a compile_commands.json (cli/project.h finds it for -p). Fails with a message naming the
 * file (and the entry) when it is missing, not JSON, of the wrong shape,
 * or empty. Entries that cannot be used (missing file, bad response file,
 * not C) are skipped with a warning; refused and unknown flags get notes
 * in the warnings too. */
int rl_inputs_from_compdb(const char *compdb_path, rl_unit_list *out, rl_error *err);

/* Files are taken as they are; folders are searched recursively for .c
 * files (symlink loops and special files are skipped with a warning). */
int rl_inputs_from_paths(char *const *paths, int npaths, char *const *flags, int nflags, rl_unit_list *out,
                         rl_error *err);

/* One compile command, as `racelint cc` sees it: argv holds the
 * arguments after the compiler, run in dir. When it compiles exactly one
 * .c file (-c, -S or -fsyntax-only; not -E, -M or -MM), adds that unit as
 * a compile_commands.json entry {dir, file, command} would be added (same
 * checks, same allowlist, same warnings). Else -1 with why in err. */
int rl_inputs_from_command(const char *dir, char *const *argv, int argc, rl_unit_list *out, rl_error *err);

void rl_unit_list_free(rl_unit_list *list);

#endif
