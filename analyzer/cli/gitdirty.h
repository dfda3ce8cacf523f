/* Whether a git checkout has uncommitted changes to tracked files. */
#ifndef RL_GITDIRTY_H
#define RL_GITDIRTY_H

/* Runs `git status --porcelain --untracked-files=no` in dir (posix_spawn,
 * a fixed argument vector, no shell; fsmonitor hooks and optional index
 * writes are turned off) and returns 1 if it lists anything, 0 if not,
 * -1 when it cannot tell (no git, an error, or no answer in time). */
int rl_git_dirty(const char *dir);

#endif
