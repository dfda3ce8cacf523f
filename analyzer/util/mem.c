/* Allocation helpers: abort the process with a clear message on exhaustion. */
#include "mem.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exit code 2 is racelint's "input or environment error". */
#define RL_EXIT_OOM 2

static void out_of_memory(size_t size)
{
    fprintf(stderr, "racelint: error: out of memory (allocating %zu bytes)\n", size);
    exit(RL_EXIT_OOM);
}

void *rl_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

void *rl_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) out_of_memory(count * size);
    return p;
}

void *rl_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

char *rl_xstrdup(const char *s)
{
    return rl_xstrndup(s, strlen(s));
}

char *rl_xstrndup(const char *s, size_t n)
{
    char *p = rl_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *rl_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *p = rl_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
