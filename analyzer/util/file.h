/* Reading a whole input file (a model file, the project config, a
 * baseline, a response file) into memory, with a size bound: parsers then
 * work on buffers, which is also what the fuzz targets (tests/fuzz/) feed
 * them. Only regular files are ever read: a FIFO or a device named where a
 * file is expected is refused with a message, never opened for a read
 * that would block or never end. */
#ifndef RL_FILE_H
#define RL_FILE_H
#include "error.h"
#include <stddef.h>
#include <stdio.h>

#define RL_MIB ((size_t)1024 * 1024)

/* Opens path for reading when it is a regular file: a file descriptor, or
 * -1 with "path: problem" in err. A FIFO is never opened in blocking mode,
 * a device never opened at all. */
int rl_open_regular(const char *path, rl_error *err);
/* The same as a stdio stream for reading; NULL with the reason in err. */
FILE *rl_fopen_regular(const char *path, rl_error *err);

/* Reads path into *text (NUL-terminated, the caller frees it) and its
 * length into *len. Fails with "path: problem" when the file is not a
 * regular file, cannot be opened or read, or holds more than max_bytes;
 * `what` completes "the limit for ..." in that message. */
int rl_read_file(const char *path, size_t max_bytes, const char *what, char **text, size_t *len, rl_error *err);

#endif
