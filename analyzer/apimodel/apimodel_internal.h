/* The interface between the API model's table (apimodel.c) and its
 * parser of model files (apimodel_parse.c); nothing outside
 * analyzer/apimodel/ includes it.
 *
 * Invariant: definitions are parsed into an rla_fn_list and reach the
 * model only when their whole input is valid (apimodel.c, invariant 1);
 * the list owns its definitions until then. */
#ifndef RACELINT_APIMODEL_INTERNAL_H
#define RACELINT_APIMODEL_INTERNAL_H

#include "apimodel.h"
#include "../util/error.h"
#include <stddef.h>

/* Definitions parsed but not yet committed. */
typedef struct rla_fn_list {
    rl_api_fn **items;
    size_t len, cap;
    char **entry_points;   /* a config's entry_points: globs */
    size_t nentry, cap_entry;
} rla_fn_list;

/* Frees a definition and the strings it owns; NULL is allowed. */
void rla_fn_free(rl_api_fn *fn);

/* Parses one document (text, len bytes, named origin in messages) into
 * pending; config: only its `functions:` and `entry_points:` are read,
 * as a project config's. On error pending may hold part of it, which the
 * caller frees. */
int rla_parse_buffer(rla_fn_list *pending, const char *origin, const char *text, size_t len, int config,
                     rl_error *err);

#endif
