/* Fuzz target: cached facts (the facts_cache blobs of the findings
 * database) read back by rl_facts_deserialize, checked by
 * rl_facts_validate and, when they pass, run through the whole model and
 * every rule, as a later `racelint check` would. The checksum is made to
 * match first, as a crafted database would, so the fuzzer reaches the
 * structure and the semantics instead of failing the checksum. Promise:
 * facts that validate never crash, hang or leak in the model. Seeds:
 * corpus/facts/ (serialised fixtures). */
#include "fuzz.h"
#include "driver.h"
#include "facts/facts_check.h"
#include "util/mem.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The image's header (facts_io.c): magic, version, then a checksum of
 * everything after it. */
#define FACTS_HEADER_BYTES 16
#define FACTS_CHECKSUM_AT 8
#define FACTS_CHECKSUM_BYTES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *blob = rl_xmalloc(size + 1);
    memcpy(blob, data, size);
    if (size >= FACTS_HEADER_BYTES) {
        uint64_t sum = rl_hash_bytes(blob + FACTS_HEADER_BYTES, size - FACTS_HEADER_BYTES, 0);
        for (int k = 0; k < FACTS_CHECKSUM_BYTES; k++) blob[FACTS_CHECKSUM_AT + k] = (unsigned char)(sum >> (8 * k));
    }
    rl_unit_facts *f = rl_facts_deserialize(blob, size);
    free(blob);
    if (!f) return 0;
    rl_error err = {{0}};
    int rc = rl_facts_validate(f, &err);
    fuzz_check_error(rc, &err);
    if (rc == 0) {
        rl_strbuf sb = RL_STRBUF_INIT;
        rl_facts_dump(f, &sb);
        rl_sb_free(&sb);
        const rl_unit_facts *all[1] = {f};
        rl_analysis a;
        memset(&a, 0, sizeof a);
        rl_analysis_options opts;
        memset(&opts, 0, sizeof opts);
        opts.want_guards = 1;
        rl_error aerr = {{0}};
        rl_analyze_facts(all, 1, &opts, &a, &aerr);
        rl_analysis_free(&a);
    }
    rl_facts_free(f);
    return 0;
}
