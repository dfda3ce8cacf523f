/* Errors are return values plus a message the user can act on. A function
 * that can fail takes an rl_error* last and fills it; the message names the
 * file or input at fault. */
#ifndef RL_ERROR_H
#define RL_ERROR_H

#define RL_ERROR_MAX 1024

typedef struct rl_error {
    char msg[RL_ERROR_MAX];
} rl_error;

/* Sets the message and returns -1 so callers can `return rl_fail(err, ...)`. */
int rl_fail(rl_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
