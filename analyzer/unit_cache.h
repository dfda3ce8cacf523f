/* The facts cache as the driver uses it: each unit's key, and its stored
 * facts read at once or deferred (driver.c's rl_analyze). The keys, the
 * file hashes and rl_facts_changed_dep are declared in driver.h, for the
 * facts folder and the compiler launcher too. */
#ifndef RL_UNIT_CACHE_H
#define RL_UNIT_CACHE_H
#include "driver.h"

typedef char rl_unit_key[17];

/* Per unit of a run: its facts (or the reason it has none) and digest,
 * whether they came from the cache, and whether they are deferred:
 * known to hold, with their digest, but not read yet. */
typedef struct rl_cache_state {
    rl_parsed_unit *parsed;
    char *cached;
    char *deferred;
} rl_cache_state;

/* Every unit's cache key (rl_facts_unit_key); the caller frees. */
rl_unit_key *rl_unit_cache_keys(const rl_analysis_options *opts, const rl_unit_list *units);

/* Whether a run may defer reading facts: a cache that can probe, stored
 * results to be had, and nothing asked that needs every unit's facts
 * (--dump-facts, the guard map, facts only, --no-cache). */
int rl_unit_cache_can_defer(const rl_analysis_options *opts);

/* Looks every unit up: with defer, a unit whose row still holds is
 * deferred; otherwise its facts are read and checked. Cached and
 * deferred units count in out->units_cached; the others are written to
 * todo (to parse), their count returned. */
size_t rl_unit_cache_lookup(const rl_analysis_options *opts, const rl_unit_list *units, const rl_unit_key *keys,
                            rl_file_hashes *fh, int defer, rl_cache_state *st, size_t *todo, rl_analysis *out);

/* Reads the facts of the deferred units; those that cannot be read (a
 * damaged blob, a file changed since the lookup) are written to todo, and
 * their count returned. No unit is deferred after. */
size_t rl_unit_cache_load_deferred(const rl_analysis_options *opts, const rl_unit_list *units,
                                   const rl_unit_key *keys, rl_file_hashes *fh, rl_cache_state *st, size_t *todo,
                                   rl_analysis *out);

/* Stores the facts of the units parsed (todo[0..ntodo)): those without
 * errors, with the files they were made from and their digest. */
void rl_unit_cache_store(const rl_facts_cache *c, const rl_unit_list *units, const rl_unit_key *keys,
                         const rl_parsed_unit *parsed, const size_t *todo, size_t ntodo);

#endif
