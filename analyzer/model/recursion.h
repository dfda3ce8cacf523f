/* Recursive calls: which calls of a program close a cycle of calls.
 *
 * The thread model explores a function once per set of argument values
 * (a context, threads.h). A recursive walk hands each call another value
 * (`mark(g, o->next)`, `visit(n->left)`), and with fields of several
 * struct types the paths only end at the k-limit: Lua's collector gave
 * memcached's main thread 80,000 contexts of `reallymarkobject` and its
 * kin, sqlite's parse-tree copies 18,000 of `sqlite3ExprDup`. They filled
 * the program-wide budget, and every context made after it lost its
 * bindings, in whichever thread came next. A call whose callee can call
 * its caller back (the two share a strongly connected component of the
 * call graph) therefore keeps only the values passed on unchanged (the
 * walker's state `g`); every other pointer argument is unknown there, as
 * a loop's variable is after the first round.
 *
 * Invariants:
 *  1. Components are computed once per program, over direct calls,
 *     once-routines and the targets flows give calls through pointers
 *     (rl_program_callees, not matches by type alone, which would join
 *     most of a program into one cycle): two functions share one exactly
 *     when each reaches the other by calls. A spawn is no edge: the entry
 *     runs in another thread, whose contexts are its own.
 *  2. A function calling itself is in a component of its own, and the
 *     call is recursive all the same (same component). */
#ifndef RL_RECURSION_H
#define RL_RECURSION_H
#include "program.h"

/* Each function's strongly connected component, one int per function of
 * p (the caller frees it). */
int *rl_recursion_components(rl_program *p);

#endif
