/* Allocation helpers. Out of memory is not recoverable inside one analysis
 * step, so these print a message and exit with the input-error code rather
 * than returning NULL into code that cannot sensibly continue. */
#ifndef RL_MEM_H
#define RL_MEM_H
#include <stddef.h>

void *rl_xmalloc(size_t size);
void *rl_xcalloc(size_t count, size_t size);
void *rl_xrealloc(void *ptr, size_t size);
char *rl_xstrdup(const char *s);
char *rl_xstrndup(const char *s, size_t n);
/* printf into a fresh heap string; the caller frees it. */
char *rl_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow a dynamic array: ensures (*items) has room for need elements. */
#define RL_GROW(items, cap, need)                                          \
    do {                                                                   \
        if ((size_t)(need) > (size_t)(cap)) {                              \
            size_t rl_nc_ = (cap) ? (size_t)(cap) * 2 : 8;                 \
            while (rl_nc_ < (size_t)(need)) rl_nc_ *= 2;                   \
            (items) = rl_xrealloc((items), rl_nc_ * sizeof *(items));      \
            (cap) = rl_nc_;                                                \
        }                                                                  \
    } while (0)

/* Append one element to a (items, len, cap) triple. */
#define RL_PUSH(items, len, cap, value)                                    \
    do {                                                                   \
        RL_GROW(items, cap, (len) + 1);                                    \
        (items)[(len)++] = (value);                                        \
    } while (0)

#endif
