/* See file.h. */
#include "file.h"
#include "mem.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* First buffer size: most inputs are small, and a big one doubles its way up
 * rather than reserving the whole bound at once. */
#define FIRST_CHUNK (64 * 1024)

int rl_read_file(const char *path, size_t max_bytes, const char *what, char **text, size_t *len, rl_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return rl_fail(err, "%s: cannot open: %s", path, strerror(errno));
    /* Reading one byte more than the bound tells "too large" from "exactly full". */
    size_t cap = max_bytes < FIRST_CHUNK ? max_bytes + 1 : FIRST_CHUNK, n = 0;
    char *buf = rl_xmalloc(cap + 1);
    for (;;) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || cap > max_bytes) break; /* end of file, error, or past the bound */
        cap = cap > max_bytes / 2 ? max_bytes + 1 : cap * 2;
        buf = rl_xrealloc(buf, cap + 1);
    }
    int failed = ferror(f), saved_errno = errno;
    fclose(f);
    if (failed) {
        free(buf);
        return rl_fail(err, "%s: cannot read: %s", path, strerror(saved_errno));
    }
    if (n > max_bytes) {
        free(buf);
        return rl_fail(err, "%s: file is larger than %zu MiB, the limit for %s", path, max_bytes >> 20, what);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}
