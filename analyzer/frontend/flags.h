/* Compile-command flags: which of an entry's flags reach libclang.
 *
 * A compile command comes from the analysed tree, which may be hostile.
 * Parsing needs only a few kinds of flags (include paths, macros, the
 * language standard, the target); many others make clang write files
 * (dependency files, header traces, module caches) or load code
 * (plugins). So the flags go through an ALLOWLIST, never a drop-list:
 *
 *  1. A flag is passed on only when the table in flags.c says parsing
 *     needs it (preprocessor, language, target, warnings).
 *  2. Flags that smuggle others past the table (-Xclang, -mllvm,
 *     -Xpreprocessor, -Wp, ...), module, plugin, output and diagnostics
 *     file flags are refused: dropped, with one note per entry naming the
 *     entry's file and the flags.
 *  3. Codegen and output flags that never matter to parsing (-O*, -g*,
 *     -fpic, -c, -o FILE, -M*, linker flags) are dropped silently; any
 *     other flag is unknown and dropped, with one note per flag for the
 *     whole database (how many entries, the first one).
 *  4. Response files (@FILE) are read here, never by libclang: regular
 *     files only, at most RL_RSP_MAX_BYTES each, RL_RSP_MAX_DEPTH deep,
 *     no file inside itself. A response file that breaks a rule makes
 *     the entry unusable (skipped with the reason).
 *  5. An entry whose language (-x) is not C is refused: "not a C unit".
 * docs/robustness.md lists the policy for users. */
#ifndef RL_FLAGS_H
#define RL_FLAGS_H
#include "../util/error.h"
#include <stddef.h>

/* Bounds of response files (docs/robustness.md). */
#define RL_RSP_MAX_BYTES ((size_t)1024 * 1024)
#define RL_RSP_MAX_DEPTH 8
/* All the response files of one entry together, against a small file
 * named many times over by another. */
#define RL_RSP_MAX_TOTAL_BYTES ((size_t)16 * 1024 * 1024)

/* A list of strings (arguments), each owned. */
typedef struct rl_args {
    char **v;
    size_t n, cap;
} rl_args;

void rl_args_push(rl_args *a, const char *s);
void rl_args_free(rl_args *a);

/* Splits a command line or a response file into arguments, GCC style:
 * blanks separate them, single quotes keep everything up to the next one,
 * double quotes keep everything but a backslash-escaped '"' or '\', and
 * a backslash outside quotes keeps the next character. Appends to out. */
void rl_args_split(const char *text, size_t len, rl_args *out);

/* Replaces every @FILE in args by the arguments it holds, recursively
 * (rule 4). A relative FILE is taken from dir for the command line and
 * from the folder of the including response file inside one (as clang
 * does). -1 with the reason in err (which names the response file). */
int rl_args_expand_response_files(const rl_args *args, const char *dir, rl_args *out, rl_error *err);

/* What the filter says about one entry's flags. Notes of rule 2 are per
 * entry; unknown flags are collected over every entry (rl_flag_notes). */
typedef struct rl_flag_notes {
    struct unknown_flag *unknown; /* one per distinct unknown flag */
    size_t nunknown, cap_unknown;
} rl_flag_notes;

/* Filters the flags of the entry for `file` (args without the compiler,
 * response files expanded) into `keep`. Returns 0; or -1 when the entry
 * must be skipped (rule 5), with the reason in err. Positional arguments
 * (the source file, other inputs) are dropped. Refused flags are listed
 * in *refused (a heap string, NULL when none); unknown ones are counted in
 * notes. */
int rl_flags_filter(const rl_args *args, const char *file, rl_args *keep, char **refused, rl_flag_notes *notes,
                    rl_error *err);

/* The positional arguments of a command (inputs: source files, objects,
 * "-" for standard input), skipping the values of the flags the table
 * knows to take the next argument (-o FILE, -MF FILE, -x LANG...).
 * Appends copies to out. */
void rl_flags_positionals(const rl_args *args, rl_args *out);

/* One message per unknown flag ("N entries, the first FILE"), appended to
 * *msgs (heap strings); then frees the notes. */
void rl_flag_notes_flush(rl_flag_notes *notes, char ***msgs, size_t *nmsgs, size_t *cap);

#endif
