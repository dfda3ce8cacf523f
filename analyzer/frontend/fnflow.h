/* Function-pointer flows of a unit: where function values are stored,
 * passed and returned (facts.h, rl_fnflow). The model joins the flows of
 * every unit of a program into a call graph (model/callgraph.h), so that a
 * call through `job->fn`, `ops.read` or a parameter reaches the functions
 * that were put there, not every function of the same type.
 *
 * Invariants:
 *  1. Slots are named the same way in every unit: by USR, never by local
 *     spelling or position.
 *  2. Only values that can hold a function are followed: expressions of
 *     function or function-pointer type, and casts of them. Data pointers
 *     are left to the place syntax of facts.h.
 *  3. Code in system headers is not walked, and calls into functions
 *     declared in system headers pass nothing (their parameters are not
 *     slots of the program). */
#ifndef RL_FNFLOW_H
#define RL_FNFLOW_H
#include "../apimodel/apimodel.h"
#include "../facts/facts.h"
#include "libclang.h"

/* Records the flows of every function body and file-scope initializer of
 * the unit (outside system headers) into facts; also the globals of
 * external linkage it defines, and what each function names besides its
 * direct calls (rl_function.uses; outside bodies, init_uses): what links
 * it to other units (model/link.c). Call after the walker recorded the
 * unit's functions. A slot that receives a function the API models
 * (model, may be NULL) call an allocator is recorded as such
 * (rl_unit_facts.alloc_slots). */
void rl_fnflow_extract(CXTranslationUnit tu, rl_unit_facts *facts, const rl_apimodel *model);

/* The slot a call through `callee_expr` reads its function from (the
 * callee expression of an indirect call, or a spawn's entry argument),
 * interned in facts' pool; NULL when it reads from nowhere nameable. */
const char *rl_fnflow_slot(rl_unit_facts *facts, CXCursor callee_expr);

/* The slot of a struct or union member that can hold a function (a
 * FieldDecl cursor), named as every flow into it is; NULL for any other
 * declaration. */
const char *rl_fnflow_field_slot(rl_unit_facts *facts, CXCursor field);

/* The slot of any struct or union member (a FieldDecl cursor) outside
 * the system headers, named as rl_fnflow_field_slot names those that
 * hold functions: the key under which the model gathers what every store
 * into that member of any object gives it (rl_node.field); NULL for any
 * other cursor. */
const char *rl_fnflow_member_slot(rl_unit_facts *facts, CXCursor field);

#endif
