/* Recognises `offsetof(TYPE, MEMBER)` in an expression, for container_of:
 * `(TYPE *)((char *)p - offsetof(TYPE, MEMBER))` moves a pointer from a
 * member back to the struct around it, and the walker names the result
 * with container steps (facts.h). Both spellings are recognised: the
 * builtin (`__builtin_offsetof`, what <stddef.h> gives) and the classic
 * macro `((size_t) &((TYPE *)0)->MEMBER)`. */
#ifndef RL_OFFSETOF_H
#define RL_OFFSETOF_H
#include "libclang.h"

/* Members an offsetof may name in a row (`offsetof(T, a.b.c)`); a longer
 * designator is not recognised. */
#define RL_MAX_OFFSETOF_MEMBERS 8

/* When c is an offsetof with a designator of struct or union members only
 * (no array element), stores the members' field declarations in fields[],
 * outermost first (`a`, then `b` for `a.b`), and returns how many; else
 * returns 0. */
int rl_offsetof_fields(CXCursor c, CXCursor fields[RL_MAX_OFFSETOF_MEMBERS]);

#endif
