/* Semantic validation of a unit's facts that did not come straight from
 * the frontend: a facts-cache blob read back from the database, or the
 * result a parsing worker sent over its socket.
 *
 * rl_facts_deserialize (facts_io.c) only checks that a blob is well
 * formed: lengths, string indices, tree links within bounds, a matching
 * checksum. A blob with a recomputed checksum can still hold facts no
 * frontend ever makes (a LOCK without a place, a SPAWN with one argument,
 * a place "[#P" that never closes), and the model dereferences and parses
 * those fields without checking them again. rl_facts_validate checks every
 * invariant of facts.h and every field the model (analyzer/model/) and
 * the rules (rules/) read, so that stored data can never crash a run:
 * a unit that fails is a cache miss and is parsed again.
 *
 * Invariants it enforces (besides those of facts.h):
 *  1. Strings the model reads are not NULL: a function's usr, name and
 *     type; the place of ACCESS, LOCK, UNLOCK, TRYLOCK and LOCKINIT nodes;
 *     label names; every argument value; requires places; messages and
 *     dependency paths.
 *  2. Places and values parse: "[#P" is followed by a parameter number
 *     and ']', parameter numbers are small, and no value nests choices
 *     or call values deeper than RL_FACTS_MAX_SEPS separators.
 *  3. The tree is a tree: nodes[0] is the root SEQ, every other node is
 *     on its parent's child list exactly once, children lie inside their
 *     parent's [index, end] span, and the depth stays below
 *     RL_FACTS_MAX_DEPTH (the model walks it recursively).
 *  4. Node shapes: IF and LOOP have three SEQ children, SWITCH two; the
 *     trylock an IF or LOOP refers to (aux) is a TRYLOCK node; a SPAWN
 *     has exactly two arguments (thread argument, handle).
 *  5. An IF marked as a value test (RL_IF_VALUE_EQ / RL_IF_VALUE_NE, not
 *     both) names a global ("G:...") or a parameter ("P<n>") in its text
 *     and a decimal integer in its display (model/known.c reads both),
 *     and no api but RL_IF_PART_AND or RL_IF_PART_OR (a test one way). */
#ifndef RL_FACTS_CHECK_H
#define RL_FACTS_CHECK_H
#include "../util/error.h"
#include "facts.h"

/* The deepest tree the model's recursive walks take on any stack racelint
 * runs them on; real code (a 5,000-link else-if chain) stays well below. */
#define RL_FACTS_MAX_DEPTH 16384
/* The most call/choice separators one place or value may hold. */
#define RL_FACTS_MAX_SEPS 512
/* The most digits of a parameter number (P<n>, [#P<n>]). */
#define RL_FACTS_MAX_PARAM_DIGITS 6

/* 0 when facts keep every invariant above; else -1 with the first broken
 * one in err ("function F, node N: ..."), which the caller names along
 * with where the facts came from. */
int rl_facts_validate(const rl_unit_facts *facts, rl_error *err);

#endif
