/* Which translation units an analysing command (check, guards, threads)
 * analyses, and which files its findings are reported for, as clang-tidy
 * takes -p and paths:
 *
 *  - `-p PATH`: the compile_commands.json in the folder PATH, or the file
 *    PATH itself. Every unit of it is analysed (the whole program gives
 *    threads, locks and calls their meaning); paths given as well are the
 *    focus: `check` reports, records and counts only the findings with an
 *    event (an access, a lock) in one of those files or under one of
 *    those folders, and says how many others it left out.
 *  - no -p, no `--`: compile_commands.json is searched upward from the
 *    first path (or the current folder when none is given), in each folder
 *    and its build/ subfolder. With no paths, the one found is used. With
 *    paths, it is used (paths as the focus) when it compiles at least one
 *    of them (a file that is a unit of it, a folder holding one);
 *    otherwise the paths are analysed on their own (-v says why).
 *  - `--` (with or without FLAGS after it): no database; the paths are
 *    analysed alone with FLAGS, as before.
 *  - `guards` and `threads` print the whole program's guard map and
 *    threads; the focus selects nothing there. */
#ifndef RL_CLI_SCOPE_H
#define RL_CLI_SCOPE_H
#include "../frontend/inputs.h"
#include "../model/finding.h"
#include "options.h"

typedef struct rl_scope {
    rl_unit_list units;
    char *compdb;  /* the compilation database read, or NULL (paths alone) */
    char **focus;  /* absolute paths of the files and folders reported; */
    size_t nfocus; /* none: everything is reported */
} rl_scope;

/* Fills sel for command cmd (its name, for messages). Prints warnings,
 * and the error: returns 0, or 2 (usage or input error). Free sel with
 * rl_scope_free either way. */
int rl_scope_units(const rl_cli_options *o, const char *cmd, rl_scope *sel);

/* Removes (and frees) the findings with no event in the focus; returns
 * how many. Nothing without a focus. */
size_t rl_scope_filter(const rl_scope *sel, rl_findings *findings);

void rl_scope_free(rl_scope *sel);

#endif
