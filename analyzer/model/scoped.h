/* Callbacks installed for the duration of one call.
 *
 * Code often installs a hook, runs something that may call it, and
 * removes it before returning:
 *
 *     lua_sethook(lua, luaMaskCountHook, LUA_MASKCOUNT, 100000);
 *     ... lua_pcall(lua, ...) ...
 *     if (delhook) lua_sethook(lua, NULL, 0, 0);
 *
 * The call graph is flow-insensitive: the hook slot holds
 * luaMaskCountHook for the whole program, so every call through it, in
 * any thread, may run the hook (redis: a bio thread closing an old Lua VM
 * ran the whole event loop through it, 423 of 644 findings). This module
 * finds such *scoped callbacks* and says which threads can run them.
 *
 * A function F is a scoped callback when every place F is used as a value
 * is an argument k of a direct call to some setter X, made in a function
 * g that later calls X again with a null function pointer at argument k
 * (the removal), or made by F itself (a hook re-arming itself runs only
 * while installed). The functions g are F's scopes. F may run through a
 * pointer only in a thread that can reach one of its scopes; a thread
 * that never installs the hook never runs it.
 *
 * Invariants:
 *  1. A function used as a value anywhere else (stored, returned, passed
 *     to a setter with no removal, in an initialiser) is not scoped: only
 *     flows the module has seen whole are narrowed.
 *  2. A thread's reachable functions are a least fixpoint over the call
 *     graph in which a call through a pointer reaches a scoped callback
 *     only once one of its scopes is reached: the answer only grows with
 *     the program, never with the order of exploration.
 *  3. Answers are memoized per thread entry; the program must not change. */
#ifndef RL_SCOPED_H
#define RL_SCOPED_H
#include "program.h"

typedef struct rl_scoped rl_scoped;

/* Finds the scoped callbacks of the program (one pass over its calls and
 * function-pointer flows). The program is borrowed and must outlive it. */
rl_scoped *rl_scoped_new(rl_program *p);
void rl_scoped_free(rl_scoped *s);

/* Whether a thread entered at function `entry` may run function fn when
 * a call through a pointer reaches it: fn is no scoped callback, or the
 * thread can reach one of its scopes. */
int rl_scoped_allows(rl_scoped *s, int entry, int fn);

#endif
