/* Output of the history commands (runs, findings, diff, history, sql):
 * one rl_table rendered as an aligned table for people, CSV (RFC 4180) or
 * JSON (an array of objects, through jansson). */
#ifndef RL_OUTPUT_H
#define RL_OUTPUT_H
#include "../store/table.h"
#include <jansson.h>
#include <stdio.h>

typedef enum rl_out_format {
    RL_OUT_TABLE,
    RL_OUT_CSV,
    RL_OUT_JSON,
    RL_OUT_TEXT /* compiler-style findings (`racelint findings` only) */
} rl_out_format;

/* Parses --format for a history command; NULL means the default, the
 * table, wherever the output goes: a pipe or a file gets what a terminal
 * gets, and a script asks for CSV or JSON by name. allow_text accepts
 * "text". -1 when unknown. */
int rl_out_parse(const char *name, int allow_text);

/* Writes t; 0, or -1 when the stream fails. */
int rl_out_write(FILE *out, rl_out_format fmt, const rl_table *t);

/* The JSON value of a cell, and a table as an array of objects. */
json_t *rl_out_value_json(const rl_value *v);
json_t *rl_out_table_json(const rl_table *t);

/* Dumps a JSON value (indented) and a newline; 0, or -1 on a write error. */
int rl_out_json(FILE *out, json_t *v);

/* Writes s for a terminal through rl_term_write (util/termsafe.h):
 * control characters, bidi controls and bytes that are not UTF-8 become
 * escapes (\n, \t, \x1b, \u202e), so a hostile file name or message
 * cannot move the cursor or change colours. A backslash stays as it is (C
 * source reads better), so the escapes are for people, not for parsing:
 * use CSV or JSON for that. Returns the display width. */
size_t rl_out_safe(FILE *out, const char *s);
/* The width rl_out_safe would use. */
size_t rl_out_safe_width(const char *s);

#endif
