/* Writing an output file the user asked for (-o FILE: a report, the guard
 * map, a listing, the HTML page) so that a failure never costs the
 * previous one: the text goes to a temporary file beside the target,
 * made with mkstemp (a name nobody can guess, O_EXCL), and is renamed over
 * the target only once every byte is written. So:
 *  1. a full disk or an error leaves the old file as it was;
 *  2. a symlink at the target is replaced by the new file, never written
 *     through; a device or FIFO there (/dev/null, /dev/stdout) is written
 *     directly, as there is nothing to replace;
 *  3. SIGINT or SIGTERM while a temporary exists removes it before
 *     racelint dies.
 * Standard output is an rl_outfile too (path NULL), so that a failed
 * write to it is reported the same way. */
#ifndef RL_OUTFILE_H
#define RL_OUTFILE_H
#include "error.h"
#include <stdio.h>

typedef struct rl_outfile {
    FILE *f;     /* where to write */
    char *path;  /* the target; NULL for standard output */
    char *tmp;   /* the temporary renamed over path; NULL when written directly */
} rl_outfile;

/* Opens path (NULL: standard output) for writing. -1 with "cannot write
 * 'path': reason" in err. */
int rl_outfile_open(rl_outfile *o, const char *path, rl_error *err);

/* Finishes the output: with keep, flushes it and renames the temporary
 * into place; without keep (the caller failed), removes the temporary and
 * leaves the target alone. -1 with the reason in err when keep and
 * anything failed to reach the file (or standard output). An outfile
 * that was never opened (zeroed) is left alone: 0. */
int rl_outfile_close(rl_outfile *o, int keep, rl_error *err);

/* Called once at start: standard input, output and error that were closed
 * are opened on /dev/null, so that no file racelint opens takes their
 * number (and gets the report written into it); output written to a
 * closed standard output is then an error of rl_outfile_close. */
void rl_outfile_guard_std(void);

#endif
