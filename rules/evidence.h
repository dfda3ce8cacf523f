/* Turning model facts into finding evidence, shared by every rule: an
 * access becomes an rl_event with its thread, spawn site, call chain and
 * locks held; fingerprints are built from stable parts only. */
#ifndef RL_EVIDENCE_H
#define RL_EVIDENCE_H
#include "checks.h"
#include "util/strbuf.h"

/* Appends an event for any node of a context: position, thread, spawn
 * site, call chain and the given locks. Returns it for further edits. */
rl_event *rl_evidence_add_node(const rl_model *m, rl_finding *f, int ctx, int32_t node, const char *kind,
                               const rl_lockset *held);

/* Appends an event describing access a to f. */
void rl_evidence_add_access(const rl_model *m, rl_finding *f, const rl_access *a);

/* Whether context ctx's function returns holding a lock it took (a lock
 * wrapper, `obj_lock(o)`: flow.h exit_held). */
int rl_evidence_in_lock_wrapper(const rl_model *m, int ctx);

/* Where a lock event of context ctx at *node is shown: a lock taken in a
 * function that returns holding it (a lock wrapper, flow.h exit_held) is
 * taken, for the reader, where the wrapper is called; so out of every
 * such wrapper. Returns the context to show it in, *node set to the
 * call there. Both sides of an inversion through one wrapper otherwise
 * point at the wrapper's own line (`obj_lock(&A); obj_lock(&B);` against
 * `obj_lock(&B); obj_lock(&A);`). */
int rl_evidence_lock_site(const rl_model *m, int ctx, int32_t *node);

/* Confidence from a number of doubts (each rule's page lists its
 * doubts): none is high, one medium, two or more low. */
rl_confidence rl_evidence_confidence(int doubts);
/* The doubts of a lock rule's event: reached only through a call through
 * a function pointer resolved by its type (1), a lock that stands for
 * many objects (1). */
int rl_evidence_lock_doubts(const rl_model *m, int ctx, const char *lock);

/* "write", "read" or "read-write". */
const char *rl_access_kind_name(uint8_t flags);

/* The location as users write it, without thread qualifiers
 * (rl_place_pretty): the key of fingerprints, which must not change when
 * code moves. */
char *rl_evidence_location(const rl_access *a);
/* A place named for people: rl_place_pretty, but an object allocated on
 * the heap by its allocation site, `(object allocated at items.c:489 in
 * item_alloc).it_flags`, never a bare `(heap object)`. For messages. */
void rl_evidence_name(const rl_model *m, const char *place, rl_strbuf *out);
/* A lock named for people: as the code spells it at a lock call
 * (rl_model_lock_display), a heap lock by its allocation site. */
void rl_evidence_lock_name(const rl_model *m, const char *lock, rl_strbuf *out);
/* What an access is called in a message: the expression as written at it
 * when that names something (`it->it_flags`), else the location's name. */
char *rl_evidence_what(const rl_model *m, const rl_access *a);

/* Sets f->fingerprint from the rule, a location key and a list of parts
 * (function names, access kinds, thread entries); parts are sorted first
 * so the order of the two sides does not matter. */
void rl_evidence_fingerprint(rl_finding *f, const char *location_key, const char **parts, size_t nparts);

#endif
