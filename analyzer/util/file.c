/* See file.h. Only regular files are read: a FIFO would block the read
 * forever and a device (/dev/zero) never ends, so the type is checked
 * with stat before opening, and again with fstat on what was opened
 * (O_NONBLOCK, so that opening a FIFO swapped in between cannot block). */
#include "file.h"
#include "mem.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* First buffer size: most inputs are small, and a big one doubles its way up
 * rather than reserving the whole bound at once. */
#define FIRST_CHUNK (64 * 1024)

int rl_open_regular(const char *path, rl_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) return rl_fail(err, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return rl_fail(err, "%s: not a regular file (a FIFO, device, socket or folder?)", path);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return rl_fail(err, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return rl_fail(err, "%s: not a regular file (a FIFO, device, socket or folder?)", path);
    }
    /* A regular file never blocks; reads go back to the usual mode. */
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

FILE *rl_fopen_regular(const char *path, rl_error *err)
{
    int fd = rl_open_regular(path, err);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "r");
    if (!f) {
        int why = errno;
        close(fd);
        rl_fail(err, "%s: cannot open: %s", path, strerror(why));
    }
    return f;
}

int rl_read_file(const char *path, size_t max_bytes, const char *what, char **text, size_t *len, rl_error *err)
{
    int fd = rl_open_regular(path, err);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int why = errno;
        close(fd);
        return rl_fail(err, "%s: cannot open: %s", path, strerror(why));
    }
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
        if (max_bytes < RL_MIB)
            return rl_fail(err, "%s: file is larger than %zu KiB, the limit for %s", path, max_bytes >> 10, what);
        return rl_fail(err, "%s: file is larger than %zu MiB, the limit for %s", path, max_bytes >> 20, what);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}
