/* The results of the whole-program phase as one binary image, for the
 * results cache (driver.h, docs/performance.md): a run whose inputs are
 * those of a run already made (the same facts of every unit, the same
 * racelint binary, API models, project config and options) reuses that
 * run's findings, programs and notices instead of analysing again.
 *
 * Invariants: decoding what encoding made gives back the same analysis,
 * every string byte for byte; decoding checks every count, index and
 * enumeration and leaves nothing behind on failure, because the blob
 * comes from a database anyone may edit. */
#ifndef RL_RESULTS_H
#define RL_RESULTS_H
#include "driver.h"
#include <stdint.h>

/* The key of the results for these units' facts (digests[i]: a digest of
 * unit i's facts, 0 when it has none) under these options, written to out
 * (16 hex digits). Returns -1 when the results must not be cached: a unit
 * with facts but no digest, or the running binary cannot be read. */
int rl_results_key(const rl_analysis_options *opts, const uint64_t *digests, size_t n, char out[17]);

/* A digest of the running racelint binary (computed once): its GNU build
 * ID, else a hash of its bytes; 0 when neither can be read. Two builds of
 * one version may extract and analyse differently, so caches key on it as
 * well as on the version. */
uint64_t rl_binary_digest(void);

/* The whole-program part of a: findings, programs, counts, and its notices
 * from first_notice on, as an image of *len bytes. Caller frees. */
char *rl_results_encode(const rl_analysis *a, size_t first_notice, size_t *len);

/* Adds what text encodes to a (findings, programs, counts, notices). 0, or
 * -1 with err set and a unchanged. */
int rl_results_decode(const char *text, size_t len, rl_analysis *a, rl_error *err);

#endif
