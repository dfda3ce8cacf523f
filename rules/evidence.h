/* Turning model facts into finding evidence, shared by every rule: an
 * access becomes an rl_event with its thread, spawn site, call chain and
 * locks held; fingerprints are built from stable parts only. */
#ifndef RL_EVIDENCE_H
#define RL_EVIDENCE_H
#include "checks.h"

/* Appends an event for any node of a context: position, thread, spawn
 * site, call chain and the given locks. Returns it for further edits. */
rl_event *rl_evidence_add_node(const rl_model *m, rl_finding *f, int ctx, int32_t node, const char *kind,
                               const rl_lockset *held);

/* Appends an event describing access a to f. */
void rl_evidence_add_access(const rl_model *m, rl_finding *f, const rl_access *a);

/* "write", "read" or "read-write". */
const char *rl_access_kind_name(uint8_t flags);

/* The location as users write it, without thread qualifiers. */
char *rl_evidence_location(const rl_access *a);

/* Sets f->fingerprint from the rule, a location key and a list of parts
 * (function names, access kinds, thread entries); parts are sorted first
 * so the order of the two sides does not matter. */
void rl_evidence_fingerprint(rl_finding *f, const char *location_key, const char **parts, size_t nparts);

#endif
