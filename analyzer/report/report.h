/* Reports: render findings for people (compiler-style text) and for tools
 * (JSON). Reports never analyse; they only format what the rules found. */
#ifndef RL_REPORT_H
#define RL_REPORT_H
#include "../model/finding.h"
#include "../store/store.h"
#include <stdio.h>

/* The "version" of the JSON document (docs/json-format.md). Adding fields
 * keeps it; removing, renaming or changing the meaning of one bumps it. */
#define RL_JSON_FORMAT_VERSION 1

typedef enum rl_format { RL_FORMAT_TEXT, RL_FORMAT_JSON } rl_format;

/* Parses "text"/"json"; -1 when unknown. */
int rl_format_parse(const char *name);

/* Compiler-style diagnostics: one warning line per finding, then a note per
 * event (thread, call chain, locks held). */
void rl_report_text(FILE *out, const rl_findings *findings);

/* The JSON document described in docs/json-format.md. run may be NULL. */
int rl_report_json(FILE *out, const rl_run_info *run, const rl_findings *findings, rl_error *err);

#endif
