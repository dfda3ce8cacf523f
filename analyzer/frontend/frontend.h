/* The frontend: parses one translation unit with libclang and walks every
 * function body once, turning it into facts (facts/facts.h). The
 * frontend's files (extract.c and the walker's walk_*.c, annotations.c,
 * fnflow.c, cursor.c) are the only ones that include clang-c headers, and
 * they call libclang through libclang.h: it is loaded when the first unit
 * is parsed, not when racelint starts.
 *
 * One rl_frontend per worker thread: it owns a CXIndex, which libclang does
 * not allow to be shared between threads. */
#ifndef RL_FRONTEND_H
#define RL_FRONTEND_H
#include "../apimodel/apimodel.h"
#include "../facts/facts.h"
#include "../util/error.h"
#include "inputs.h"
#include <stdint.h>

typedef struct rl_frontend rl_frontend;

/* model is borrowed and must outlive the frontend. resource_dir may be
 * NULL (libclang then finds its own headers). */
rl_frontend *rl_frontend_new(const rl_apimodel *model, const char *resource_dir);
void rl_frontend_free(rl_frontend *fe);

/* Parses the unit and returns its facts (caller frees with rl_facts_free).
 * A unit with syntax errors still yields facts (parse_failed set, diagnostics
 * recorded); NULL with a message only when libclang produced no AST, or
 * could not be loaded. */
rl_unit_facts *rl_frontend_extract(rl_frontend *fe, const rl_unit_spec *unit, rl_error *err);

/* Opens libclang and fills the table the frontend calls it through
 * (libclang.h), once per process; rl_frontend_extract does it first. 0
 * when it is there; -1 with a message naming the library when it cannot be
 * opened or lacks an entry point (an older libclang than the build's). A
 * process that forks parsers loads it before, so they inherit it. */
int rl_frontend_load(rl_error *err);

/* What identifies the libclang a run would load, without loading it: a
 * hash of its path, size, modification time and inode, so that facts
 * cached under one libclang are not read by a run with another. Loads it
 * and hashes its version only when the file cannot be looked at. */
uint64_t rl_frontend_libclang_identity(void);

/* The file racelint loads libclang from: the build's (libclang.c). */
const char *rl_frontend_libclang_path(void);

/* libclang's version string, for --version (loading libclang; the
 * message of why it could not be loaded, when it cannot). */
char *rl_frontend_clang_version(void);

#endif
