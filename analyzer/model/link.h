/* Linking: which units make up which program. A compilation database
 * usually builds several executables (a server, its command-line tools,
 * test programs, vendored tools), and each of them is a program with its
 * own `main` and its own threads. Analysing all units as one program lets
 * the first `main` win and drops the others without a word; linking them
 * as a linker does keeps each program whole and apart.
 *
 * A program starts at a unit that defines `main` and takes in, as a
 * linker pulls objects from a library, every unit that defines a function
 * or a global it refers to (calls, thread entries, once-routines,
 * functions used as values, globals used), transitively. Only the code
 * the unit's object keeps refers to anything: an unused static inline
 * function of a header refers to nothing (rl_function.uses). A unit that defines `main` is never pulled into
 * another program. Units that no program takes in form one more program,
 * a library (no `main`): its threads are those it starts itself, from
 * functions of those units (code every program already reaches is
 * analysed there, from its real callers).
 *
 * Invariants:
 *  1. Programs come in input order of their main unit; the library, if
 *     any, comes last. Units of a program are in input order.
 *  2. Every unit with facts belongs to at least one program.
 *  3. Program names are unique: the main file's base name without its
 *     extension, prefixed by its folder's name when two would clash. */
#ifndef RL_LINK_H
#define RL_LINK_H
#include "../facts/facts.h"
#include <stddef.h>

/* The name of the program made of units no `main` reaches. */
#define RL_LIBRARY_PROGRAM "library"

typedef struct rl_program_spec {
    char *name;          /* owned */
    long main_unit;      /* index of the unit defining main; -1 for the library */
    size_t *units;       /* owned; indices into the unit array, ascending */
    size_t nunits;
    char *roots;         /* owned; per entry of units: 1 when its functions may
                            be the program's roots (main's unit; for the
                            library, the units no main reaches, not those it
                            pulled in from the programs) */
} rl_program_spec;

typedef struct rl_program_specs {
    rl_program_spec *items;
    size_t len;
} rl_program_specs;

/* Splits units into programs. facts[i] may be NULL (a unit that did not
 * parse): it belongs to no program. Never fails; no units give no
 * programs. */
void rl_link_programs(const rl_unit_facts *const *facts, size_t nunits, rl_program_specs *out);
void rl_program_specs_free(rl_program_specs *specs);

/* Whether the unit defines a function named main. */
int rl_unit_defines_main(const rl_unit_facts *facts);

#endif
