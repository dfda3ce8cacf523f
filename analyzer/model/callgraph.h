/* Calls through pointers, resolved by where function values flow (facts.h,
 * rl_fnflow): an inclusion-based (Andersen-style) propagation of function
 * constants along the program's flows, with calls through pointers
 * binding their arguments to the parameters of every function they reach
 * as those are found. The abstraction is field-based: every object's
 * field `cb` is one slot, every union's members are one slot.
 *
 * Matching by type is the fallback for a pointer that no function flows
 * into (a callback handed in by code racelint does not see); its evidence
 * is weak, and the callers say so (rl_program_indirect).
 *
 * Invariants:
 *  1. Sets only grow, and each (slot, function) pair is propagated once:
 *     the cost is linear in flows times functions reaching each slot, with
 *     no budget.
 *  2. Only functions defined in the program are targets. A function
 *     constant naming one that is not (malloc or free stored in a hook)
 *     flows all the same, as an *external*: a slot holding only externals
 *     calls nothing the program defines, and says which library
 *     functions it calls (rl_callgraph_externals).
 *  3. A null pointer constant flows as an external too, one whose USR
 *     is empty: a slot that holds only null (`.onDelete = NULL` in every
 *     initializer, never assigned a function) calls nothing, and is not
 *     matched by type (rl_callgraph_holds_null); it is never listed
 *     among the library functions a slot holds. */
#ifndef RL_CALLGRAPH_H
#define RL_CALLGRAPH_H
#include "../facts/facts.h"
#include <stddef.h>
#include <stdint.h>

typedef struct rl_program rl_program;
typedef struct rl_callgraph rl_callgraph;

/* Solves the flows of every unit of the program (borrowed, as the program
 * borrows them). Function constants are resolved with rl_program_find. */
rl_callgraph *rl_callgraph_build(const rl_program *p, const rl_unit_facts *const *units, size_t nunits);
void rl_callgraph_free(rl_callgraph *g);

/* The program functions (indices) that the slot may hold, in ascending
 * order; *n = 0 and NULL when none flows there. slot is any string (it is
 * looked up by content). */
const int *rl_callgraph_targets(const rl_callgraph *g, const char *slot, size_t *n);

/* The functions without a body in the program (USRs, interned in the
 * program pool) that the slot may hold: up to max of them into out; the
 * result is how many there are. */
size_t rl_callgraph_externals(const rl_callgraph *g, const char *slot, const char **out, size_t max);

/* Whether a null function pointer flows into the slot (invariant 3). */
int rl_callgraph_holds_null(const rl_callgraph *g, const char *slot);

/* The functions held by the fields of every struct that name a field as
 * slot names it (`f:...@FI@finalize_cb`: every struct's `finalize_cb`), in
 * ascending order; NULL and *n = 0 when slot is not a field or no such
 * field holds one. For a field no function flows into: structs that share
 * a layout by convention (a base struct and the structs cast to it) keep
 * the same callbacks in fields of the same name. */
const int *rl_callgraph_same_name_targets(const rl_callgraph *g, const char *slot, size_t *n);

/* Parameters the query below can name (a bit each). */
#define RL_CALLGRAPH_MAX_PARAMS 32

/* Whether everything that flows into the slot comes through parameters
 * of the function fn_usr (of nparams parameters), walking the flows
 * backwards and stopping at those: a union member or local the function
 * fills from its parameter (libuv's uv_thread_create_ex handing `entry`
 * to pthread_create through a union). Then *params has a bit per such
 * parameter, and what the slot holds in one call of the function is what
 * that call passes there: the caller's context decides (ctx_calls.c).
 * 0 when some function is put into the slot by other means, or none flows
 * there. */
int rl_callgraph_param_sources(const rl_callgraph *g, const char *slot, const char *fn_usr, int nparams,
                               uint32_t *params);

/* Whether whatever the slot may hold can only come through parameters of
 * functions that nothing in the program calls (`called` says, for a
 * USR), and nothing else flows there: a callback that code racelint does
 * not see hands in (a plug-in API's registration function, exported in a
 * table; a library's public function). Such a slot holds none of the
 * program's functions, and calls through it are not matched by type. 0
 * when some source is anything else, or when nothing flows in at all. */
int rl_callgraph_handed_in(const rl_callgraph *g, const char *slot, int (*called)(void *ctx, const char *fn_usr),
                           void *ctx);

/* Slots and flows solved, for --verbose. */
size_t rl_callgraph_slots(const rl_callgraph *g);

#endif
