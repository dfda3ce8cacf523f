/* The dirty flag of a run (gitdirty.h). Comparing the work tree with the
 * index needs git's own logic (stat caches, filters, submodules), so git is
 * asked, once per run, with a fixed argument vector. */
#include "gitdirty.h"
#include "../util/clock.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* git gets this long to answer; a huge tree on a slow disk stays unknown. */
#define GIT_TIMEOUT_MS 10000
#define POLL_SLICE_MS 100


/* environ plus GIT_OPTIONAL_LOCKS=0 (status must not rewrite the index of
 * the tree being analysed) and no terminal prompts. */
static char **git_environment(void)
{
    size_t n = 0;
    while (environ && environ[n]) n++;
    char **env = calloc(n + 3, sizeof *env);
    if (!env) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "GIT_OPTIONAL_LOCKS=", 19) == 0 || strncmp(environ[i], "GIT_TERMINAL_PROMPT=", 20) == 0)
            continue;
        env[k++] = environ[i];
    }
    env[k++] = "GIT_OPTIONAL_LOCKS=0";
    env[k++] = "GIT_TERMINAL_PROMPT=0";
    env[k] = NULL;
    return env;
}

int rl_git_dirty(const char *dir)
{
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    /* stdin from /dev/null, stdout to us, stderr discarded */
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    /* The caller may block signals for its own threads; git gets the
     * defaults. */
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    char *argv[] = {"git", "-C", (char *)dir, "-c", "core.fsmonitor=false", "status", "--porcelain",
                    "--untracked-files=no", "--ignore-submodules=dirty", NULL};
    char **env = git_environment();
    pid_t pid;
    int spawned = env && posix_spawnp(&pid, "git", &fa, &attr, argv, env) == 0;
    free(env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(out[1]);
    if (!spawned) {
        close(out[0]);
        return -1;
    }

    /* Read until end of file (any byte means a change), within the time. */
    int any = 0, timed_out = 0;
    long long deadline = rl_now_ms() + GIT_TIMEOUT_MS;
    for (;;) {
        long long left = deadline - rl_now_ms();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd p = {out[0], POLLIN, 0};
        int r = poll(&p, 1, left < POLL_SLICE_MS ? (int)left : POLL_SLICE_MS);
        if (r < 0 && errno != EINTR) break;
        if (r <= 0) continue;
        char buf[4096];
        ssize_t n = read(out[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        any = 1;
    }
    close(out[0]);
    if (timed_out) kill(pid, SIGKILL);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
    return any;
}
