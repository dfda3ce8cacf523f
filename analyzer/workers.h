/* Parsing workers: child processes that turn units into facts, one libclang
 * index each. A worker can be stopped when its unit takes too long, when
 * racelint and its workers together exceed a memory ceiling, or can crash,
 * and only that unit is lost (recorded as skipped), never the run. */
#ifndef RL_WORKERS_H
#define RL_WORKERS_H
#include "apimodel/apimodel.h"
#include "facts/facts.h"
#include "frontend/inputs.h"
#include <stddef.h>
#include <stdint.h>

typedef struct rl_parse_limits {
    unsigned unit_timeout_sec; /* per unit; 0: no limit */
    uint64_t memory_ceiling;   /* bytes resident in racelint and its workers; 0: no limit */
} rl_parse_limits;

/* What became of one unit. The caller owns every pointer (rl_parsed_unit_clear). */
typedef struct rl_parsed_unit {
    rl_unit_facts *facts;  /* NULL when there are none: error says why */
    unsigned char *blob;   /* the facts as rl_facts_serialize made them (for the cache) */
    size_t blob_len;
    uint64_t digest;       /* of the facts' serialized image, 0 when not known */
    char *error;
    int skipped;           /* stopped by a limit or a crash, not by the code */
} rl_parsed_unit;

typedef struct rl_parse_job {
    const rl_apimodel *model;     /* borrowed */
    const char *resource_dir;     /* may be NULL */
    const rl_unit_list *units;
    const size_t *todo;           /* indexes into units of those to parse */
    size_t ntodo;
    int jobs;                     /* workers at once (at least 1) */
    rl_parse_limits limits;
    /* Called on the caller's thread after each unit (done and failed so
     * far, of ntodo); may be NULL. */
    void (*progress)(void *ctx, size_t done, size_t failed);
    void *progress_ctx;
} rl_parse_job;

/* Parses job->todo; out has one entry per unit of job->units and only the
 * entries named by todo are filled. Nothing here fails the whole call: a
 * unit that cannot be parsed gets an error. When no worker process can be
 * started, the units are parsed in this process, without limits. */
void rl_parse_units(const rl_parse_job *job, rl_parsed_unit *out);

void rl_parsed_unit_clear(rl_parsed_unit *u);

/* Parses a size such as "4096", "512M" or "2G" (binary units) into bytes;
 * -1 when it is not one. */
int rl_parse_size(const char *text, uint64_t *out);

#endif
