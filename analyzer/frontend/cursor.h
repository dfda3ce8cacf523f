/* Small libclang helpers shared by the frontend's walkers (walk_*.c,
 * fnflow.c), so that both see expressions the same way. */
#ifndef RL_CURSOR_H
#define RL_CURSOR_H
#include "libclang.h"

/* The expression under parentheses, implicit conversions and casts: what
 * `(void *)(fn)` evaluates. A designated initializer (an unexposed
 * expression with a designator first) is not looked through. */
CXCursor rl_cursor_strip(CXCursor c);
/* The function pointer a callee expression reads: rl_cursor_strip, and
 * through derefs that give a function (`(*f)(x)`, `(**f)(x)` call what
 * `f` holds); c itself when there is none to look through. */
CXCursor rl_cursor_callee_pointer(CXCursor c);

/* Whether c is a null pointer constant: `0`, `NULL` (`(void *)0`),
 * `nullptr`, under parentheses and casts. */
int rl_cursor_is_null_constant(CXCursor c);

/* The first `max` children of c into out[]; returns how many c has (which
 * may be more than max). */
int rl_cursor_children(CXCursor c, CXCursor *out, int max);

/* The first `max` fields of a struct or union type t into out[], in
 * declaration order; returns how many were stored. */
int rl_cursor_fields(CXType t, CXCursor *out, int max);

#endif
