/* What a pointer member holds in every object of its struct: the
 * field-based points-to set of one member, gathered from every store into
 * it (rl_node.field, rl_static_store.field), whatever object the store
 * went into. A call passing a pointer read through an object the model
 * cannot name (`freeClient(ei->c)` with `ei` a value taken from a hash
 * table's entry; ctx_calls.c, tm_bind_args) hands its callee the one
 * object every store into that member gave, as a tag (RL_MEMBER_TAG,
 * below) that the callee's member tests read (member_tests.c) and its
 * accesses do not: redis's scripting engines each keep the client
 * `createClient(NULL)` made for them, so the `ei->c` a background thread
 * frees is that client, whose `conn` is NULL, not "any client". A tag
 * names no access because the objects it would name are named by
 * allocation site: the engine being freed and the one made after it are
 * one object (docs/real-world.md, session 40).
 *
 * A fallback, as a match by type is for a call through a pointer: asked
 * only when the object the pointer is read from is not known, and it
 * answers only when every store into the member gave it the same one
 * object. A store of a value the model cannot trace, or from an
 * initializer it cannot read, makes the member unknown for good, and so
 * does a function storing into it that no context ran. Stores the
 * frontend never sees as stores into the member (a `memcpy` over the
 * struct, a write through a `void **` to the member's address) are not
 * gathered; docs/analysis.md says so.
 *
 * Invariants:
 *  1. A member's set only grows; a member once unknown stays unknown.
 *  2. tm_field_object answers while threads are explored one after
 *     another, from the stores recorded so far; every answer is kept, and
 *     once every store is recorded an object given for a member whose
 *     answer changed since is refused (tm_member_tag_object): a tag may
 *     be too old to use, never used wrongly. */
#ifndef RL_MODEL_FIELD_VALUES_H
#define RL_MODEL_FIELD_VALUES_H
#include "threads_internal.h"
#include "place.h"

/* Indexes which functions store into which member; called once, before
 * any store is recorded. */
struct rl_field_values *tm_field_values_new(const rl_program *p);
void tm_field_values_free(struct rl_field_values *fv);

/* Adds value (resolved; "" when it could not be resolved, which makes
 * the member unknown) to what member `slot` holds. */
void tm_field_note(rl_model *m, const char *slot, const char *value);

/* Notes that function fn recorded its stores in some context. */
void tm_field_note_frame(rl_model *m, int fn);

/* The one object every store into member `slot` gave it ("&NAME"), or
 * NULL when the stores give several, none, or one the model cannot
 * trace, or some function storing into it never ran in a context. */
const char *tm_field_object(rl_model *m, const char *slot);

/* A binding that names no object but carries one for member tests
 * (RL_MEMBER_TAG, then the object's value): it resolves as an unknown
 * value does (the root "{?}", place.h), so the callee's accesses through
 * it are named as without it, and its key keeps the calls that pass it
 * apart from those passing nothing. */
#define RL_MEMBER_TAG RL_UNKNOWN_ROOT "~"

/* The member slot a pointer value's text in function fn ("P1*.c") reads
 * it from: the read of that place in fn carries it (rl_node.field; the
 * frontend records the read of `ei->c` with the call `freeClient(ei->c)`
 * that passes it), or NULL. fn's reads are indexed on first use. */
const char *tm_field_read_slot(rl_model *m, int fn, const char *text);

/* Whether a binding is a tag (below). */
int tm_is_member_tag(const char *value);

/* The tag of object value ("&NAME"), interned. */
const char *tm_member_tag(rl_model *m, const char *object);

/* The object a tag carries, or NULL when value is no tag, or when the
 * object was given for a member whose stores, now all recorded, no
 * longer give it (a thread explored after the call stored another):
 * asked only once every store is recorded. */
const char *tm_member_tag_object(rl_model *m, const char *value);

#endif
