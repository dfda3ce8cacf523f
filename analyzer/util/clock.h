/* Time for run records and timings: one definition of "now" for the
 * whole tool (UTC timestamps in ISO-8601, a monotonic millisecond clock). */
#ifndef RL_CLOCK_H
#define RL_CLOCK_H
#include "error.h"

#define RL_MS_PER_SEC 1000
#define RL_NS_PER_MS 1000000

/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ"; the caller frees it. */
char *rl_iso_now(void);
/* Milliseconds on a monotonic clock (for durations, never for dates). */
long long rl_now_ms(void);

/* A time limit in milliseconds from environment variable name (the
 * RACELINT_*_MS overrides), or def when it is unset or empty. Fails with a
 * message when it is not a number from 0 to INT_MAX. */
int rl_env_ms(const char *name, int def, int *out, rl_error *err);

#endif
