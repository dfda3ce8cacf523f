/* The frontend: parses one translation unit with libclang and walks every
 * function body once, turning it into facts (facts/facts.h). The
 * frontend's files (extract.c and the walker's walk_*.c, annotations.c,
 * fnflow.c, cursor.c) are the only ones that include clang-c headers.
 *
 * One rl_frontend per worker thread: it owns a CXIndex, which libclang does
 * not allow to be shared between threads. */
#ifndef RL_FRONTEND_H
#define RL_FRONTEND_H
#include "../apimodel/apimodel.h"
#include "../facts/facts.h"
#include "../util/error.h"
#include "inputs.h"

typedef struct rl_frontend rl_frontend;

/* model is borrowed and must outlive the frontend. resource_dir may be
 * NULL (libclang then finds its own headers). */
rl_frontend *rl_frontend_new(const rl_apimodel *model, const char *resource_dir);
void rl_frontend_free(rl_frontend *fe);

/* Parses the unit and returns its facts (caller frees with rl_facts_free).
 * A unit with syntax errors still yields facts (parse_failed set, diagnostics
 * recorded); NULL with a message only when libclang produced no AST. */
rl_unit_facts *rl_frontend_extract(rl_frontend *fe, const rl_unit_spec *unit, rl_error *err);

/* libclang's version string, for --version and the run record. */
char *rl_frontend_clang_version(void);

#endif
