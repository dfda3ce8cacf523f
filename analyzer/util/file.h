/* Reading a whole input file (a model file, the project config, a
 * baseline) into memory, with a size bound: parsers then work on buffers,
 * which is also what the fuzz targets (tests/fuzz/) feed them. */
#ifndef RL_FILE_H
#define RL_FILE_H
#include "error.h"
#include <stddef.h>

/* Reads path into *text (NUL-terminated, the caller frees it) and its
 * length into *len. Fails with "path: problem" when the file cannot be
 * opened or read, or holds more than max_bytes (a whole number of MiB);
 * `what` completes "the limit for ..." in that message. */
int rl_read_file(const char *path, size_t max_bytes, const char *what, char **text, size_t *len, rl_error *err);

#endif
