/* JSON encodings of the parts of a finding that both the store (which keeps
 * call chains and lock lists as JSON text) and the JSON report write, so the
 * two always agree on the shape. Only the store and the reports use this. */
#ifndef RL_FINDING_JSON_H
#define RL_FINDING_JSON_H
#include "finding.h"
#include "../util/error.h"
#include <jansson.h>

/* A JSON string, or JSON null for NULL. Text that is not valid UTF-8 (a
 * Latin-1 file name, say) has each bad byte replaced by U+FFFD: JSON cannot
 * carry it, and dropping the whole value would lose more. */
json_t *rl_json_text(const char *s);

/* Sets "file", "line" and "col" of obj from pos. */
void rl_json_set_position(json_t *obj, const rl_position *pos);

/* [{"function", "file", "line", "col"}, ...]: ev's call chain, entry first. */
json_t *rl_json_chain(const rl_event *ev);
/* ["lock", ...]: the locks held at ev. */
json_t *rl_json_locks(const rl_event *ev);

/* ["a", "b"]: a list of strings (program names). */
json_t *rl_json_strings(const char *const *items, size_t n);
/* [{"code", "program", "message"}, ...]: a run's notices. */
json_t *rl_json_notices(const rl_notice *notices, size_t n);

/* The finding's pairs as [[a, b], ...] (event indices), and back: the
 * text of such an array (NULL: none) sets f->pairs; -1 when it has
 * another shape (an array of pairs of non-negative integers). */
json_t *rl_json_pairs(const rl_finding *f);
int rl_json_read_pairs(const char *text, rl_finding *f);
/* The same from an array already parsed. */
int rl_json_read_pairs_value(const json_t *v, rl_finding *f);

/* Append to ev the frames / locks of a value written by rl_json_chain /
 * rl_json_locks; -1 with a message when the value has another shape. */
int rl_json_read_chain(const json_t *chain, rl_event *ev, rl_error *err);
int rl_json_read_locks(const json_t *locks, rl_event *ev, rl_error *err);

#endif
