/* Facts directories: units' facts as files (facts/facts_file.h), written
 * where the build runs (`racelint cc`, `check --shard`) and linked into a
 * whole-program analysis elsewhere (`check --facts`). A facts directory is
 * also a cache: `check -p --facts-cache DIR` parses only the units whose
 * file there is missing or stale.
 *
 * Invariants:
 *  1. What decides which facts stand for a unit is content, never where
 *     or in which order they were found: the unit key (file, folder,
 *     flags, run key) names the file; the run key must be this racelint's
 *     (same version, libclang, models); every file the facts were made
 *     from must hash as it did (stale otherwise); among what is left, the
 *     newest wins.
 *  2. Every file that is not used says why: damaged, foreign, stale,
 *     superseded; a unit of the compile database without usable facts is
 *     named, and counts as a failed unit.
 *  3. Without a compile database, units are linked in the order of their
 *     file names, so every machine and every run links them alike. */
#ifndef RL_FACTS_DIR_H
#define RL_FACTS_DIR_H
#include "driver.h"

/* The facts cache (driver.h) on a folder: get reads KEY.rlf (and renews
 * its modification time, the age --facts-max-size prunes by), put_unit
 * writes one file per parsed unit, failed ones included. Problems are
 * collected as warnings, never fatal: the unit is parsed again or just
 * not stored. */
typedef struct rl_facts_dir_cache {
    const char *dir;
    char run_key[17];
    rl_facts_cache iface;   /* points back at this struct */
    size_t written, write_errors;
    char **warnings;        /* heap strings, each naming a file */
    size_t nwarnings, cap_warnings;
} rl_facts_dir_cache;

void rl_facts_dir_cache_init(rl_facts_dir_cache *c, const char *dir, uint64_t run_key);
void rl_facts_dir_cache_clear(rl_facts_dir_cache *c);

/* Makes dir (and its parents) when missing. -1 with the reason. */
int rl_facts_dir_make(const char *dir, rl_error *err);

/* The link step: the facts of every unit from the facts files of dirs,
 * chosen as invariant 1 says, then rl_analyze_parsed. With listed (a
 * compile database), exactly its units in its order, each by its key;
 * without, one unit per source file found (invariant 3). units_out gets
 * the units linked (the caller frees it). Files and units not used are
 * warnings in out (one each) and notices (one per kind, with the count).
 * -1 only when nothing can be linked (no facts file at all) or the
 * analysis fails. */
int rl_facts_dir_link(const rl_analysis_options *opts, const char *const *dirs, size_t ndirs,
                      const rl_unit_list *listed, rl_unit_list *units_out, rl_analysis *out, rl_error *err);

/* Removes the oldest facts files (by modification time) until the
 * folder's facts files hold at most max_bytes. *removed gets how many. */
int rl_facts_dir_prune(const char *dir, uint64_t max_bytes, size_t *removed, rl_error *err);

/* Which of n shards (1..n) a unit belongs to: a hash of its file path, so
 * that adding or moving other entries never moves it. */
unsigned rl_shard_of(const char *file, unsigned n);
/* Keeps only the units of shard k of n (in their order), freeing the rest. */
void rl_shard_filter(rl_unit_list *units, unsigned k, unsigned n);

#endif
