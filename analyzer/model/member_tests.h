/* Null tests of an object's member, and tests of its flags by bit,
 * decided by what the program stores there (threads_internal.h).
 *
 * A placeholder object made with NULL (`client_create(NULL)`, redis's
 * scripting client, a timer's fake connection) goes through the same
 * destructor as real ones, and the destructor touches shared state only
 * for a real connection: `if (c->conn) { live_conns--; ... }`. The
 * frontend records such a test (facts.h: an IF's RL_IF_VALUE_* with text
 * "P<n>*.f", a pointer member read through a parameter) and a store of
 * a null pointer constant (RL_NULL_STORE). Once every context is
 * explored and the stores are collected, a context whose parameter is
 * bound to an object into whose member every store the program makes
 * stores NULL (a constant, or the NULL its maker was handed, as a fact
 * of the maker's context or by every call that entered it) has the
 * test decided. A parameter bound to no one object is judged by every
 * object the points-to sets say it may be (tm_stored_objects: redis's
 * engine client, reached on a background thread through a job's slot,
 * the dict handed there, the dict's values and a record's member):
 * decided only when each of them is so; a parameter bound to a member's
 * object tag (field_values.h) by that object. The branch for a non-null
 * member is dead there, and a context no live call reaches from a
 * thread's entry (searched forward over the call edges, so that a cycle
 * entered only from dead code dies too) is dead as a whole (rl_ctx.dead,
 * as known.h's facts make it).
 *
 * A flags word tested by bit (`if (c->flags & F_REPLICA)`: display
 * RL_IF_MASK_TEST "M") is decided the same way from the bits the stores
 * into it may set: a constant stored or or-ed in (facts.h: "#=K",
 * RL_OR_CONSTANT_STORE; RL_AND_CONSTANT_STORE sets none); a test against
 * 0 asks that every bit be clear, so the null test is the mask of every
 * bit. An object allocated zeroed (rl_function.zeroed: calloc), itself
 * or by the allocator wrapper that returns it, has 0 stored into every
 * member at first.
 *
 * Why it may be trusted: the decision needs at least one store (or a
 * zeroed allocation) and no store into that member of that object that
 * may set a tested bit, by any context, in code not already dead: a
 * value never traced (a store with no value recorded) or any pointer
 * keeps it open. Only "never set" is decided, never "always set". What it cannot see: a member
 * set through a copy of the whole object or by a library call (memcpy),
 * and a store through a pointer the model names by type only (another
 * place, as the race rule takes it).
 *
 * Invariants:
 *  1. Runs once, after tm_collect_stores and before the accesses are
 *     collected; it only adds dead nodes, never revives one.
 *  2. The dead maps it makes are the model's (rl_model.decided_dead),
 *     freed by tm_member_tests_free; rl_ctx.dead may point to one. */
#ifndef RL_MEMBER_TESTS_H
#define RL_MEMBER_TESTS_H
#include "threads_internal.h"

/* One call that entered a context: node `call` of context `parent`
 * (-1: a thread's entry) led to context `child`. */
typedef struct tm_call_edge {
    int parent;
    int32_t call;
    int child;
} tm_call_edge;

/* Records that context `parent`'s call node `call` entered `child`
 * (every call, not only the first: a context is dead only when all of
 * them are). */
void tm_note_call_edge(rl_model *m, int parent, int32_t call, int child);

/* The call edges grouped by the context each entered: context ci's are
 * m->call_edges[into[first[ci]] .. into[first[ci + 1] - 1]]. The caller
 * frees both arrays (tm_callers_free). */
typedef struct tm_callers {
    size_t *first, *into;
} tm_callers;
void tm_index_callers(const rl_model *m, tm_callers *x);
void tm_callers_free(tm_callers *x);

/* Decides the member null tests of every context (above), marking the
 * dead branches and the contexts no live call reaches; a context whose
 * first call is dead then shows a live one in findings' chains
 * (rl_ctx.shown_parent). */
void tm_decide_member_tests(rl_model *m);

/* Frees the call edges and the dead maps made. */
void tm_member_tests_free(rl_model *m);

#endif
