/* The git checkout a run analyses: HEAD's commit, the branch and the dirty
 * flag (runs.git_revision, git_branch, git_dirty), read with libgit2.
 *
 * Invariants:
 *  1. Nothing the repository configures is executed: no git process is
 *     started, and libgit2 runs no filter driver (filter.*.clean), hook,
 *     fsmonitor, alias or ssh command. Only the repository's own config is
 *     read: the global, XDG and system search paths are emptied.
 *  2. Nothing is written: the index is compared, never refreshed.
 *  3. The dirty check is bounded in time (RACELINT_GIT_TIMEOUT_MS, 10 s by
 *     default; 0 gives up at once): past the limit the flag is unknown,
 *     with a note.
 *  4. A `.git` file (a worktree, a submodule) is followed like a folder. */
#ifndef RL_GIT_H
#define RL_GIT_H
#include "../store/store.h"
#include "../util/error.h"

/* Fills run->git_revision, git_branch, git_dirty and git_dirty_unknown for
 * the checkout that holds run->directory (all unset outside one). A dirty
 * flag that could not be told is explained on standard error unless quiet.
 * Fails only on a malformed RACELINT_GIT_TIMEOUT_MS. */
int rl_git_describe(rl_run_info *run, int quiet, rl_error *err);

/* The top folder of the git work tree holding dir (a worktree's or a
 * submodule's own), absolute, heap; NULL outside one or in a bare
 * repository. Reads with libgit2 as above, runs nothing. */
char *rl_git_toplevel(const char *dir);

#endif
