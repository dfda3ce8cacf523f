/* See clock.h. */
#include "clock.h"
#include "mem.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>

/* "2026-11-22T12:00:00Z" and its terminator, with room to spare. */
#define ISO_BUF 32

char *rl_iso_now(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char buf[ISO_BUF];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return rl_xstrdup(buf);
}

long long rl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * RL_MS_PER_SEC + ts.tv_nsec / RL_NS_PER_MS;
}

int rl_env_ms(const char *name, int def, int *out, rl_error *err)
{
    *out = def;
    const char *env = getenv(name);
    if (!env || !*env) return 0;
    char *end;
    errno = 0;
    long ms = strtol(env, &end, 10);
    if (*end || ms < 0 || ms > INT_MAX || errno) return rl_fail(err, "%s wants a number of milliseconds, not '%s'", name, env);
    *out = (int)ms;
    return 0;
}
