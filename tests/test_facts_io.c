/* The facts cache format (facts.h, facts_io.c): every fixture's facts
 * survive rl_facts_serialize / rl_facts_deserialize with an identical
 * rl_facts_dump and the same dependency list; truncated, bit-flipped and
 * re-checksummed corrupt blobs are refused or read without a crash.
 * usage: test_facts_io RULES_DIR FIXTURES_DIR */
#include "facts/facts.h"
#include "frontend/frontend.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                                     \
    do {                                                     \
        if (!(cond)) {                                       \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                    \
            fprintf(stderr, "\n");                           \
            failures++;                                      \
        }                                                    \
    } while (0)

static char *dump(const rl_unit_facts *f)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_facts_dump(f, &sb);
    for (int32_t i = 0; i < f->ndiags; i++)
        rl_sb_printf(&sb, "diag %d %s:%u:%u %s\n", f->diags[i].severity, f->diags[i].loc.file ? f->diags[i].loc.file : "",
                     f->diags[i].loc.line, f->diags[i].loc.col, f->diags[i].message);
    for (int32_t i = 0; i < f->ndeps; i++)
        rl_sb_printf(&sb, "dep %016llx %s\n", (unsigned long long)f->deps[i].hash, f->deps[i].path);
    for (int32_t i = 0; i < f->nfns; i++)
        rl_sb_printf(&sb, "fn %s %s:%u:%u\n", f->fns[i].usr ? f->fns[i].usr : "", f->fns[i].loc.file ? f->fns[i].loc.file : "",
                     f->fns[i].loc.line, f->fns[i].loc.col);
    return rl_sb_take(&sb);
}

/* The checksum sits at bytes 8..15, over everything after byte 16. */
static void rechecksum(unsigned char *b, size_t len)
{
    uint64_t sum = rl_hash_bytes(b + 16, len - 16, 0);
    for (int k = 0; k < 8; k++) b[8 + k] = (unsigned char)(sum >> (8 * k));
}

static void corrupt(const unsigned char *blob, size_t len, const char *file)
{
    unsigned char *b = rl_xmalloc(len);
    /* Every truncation is refused. */
    for (size_t n = 0; n < len; n++) CHECK(rl_facts_deserialize(blob, n) == NULL, "%s: truncated to %zu read", file, n);
    /* A flipped byte fails the checksum. */
    for (size_t i = 0; i < len; i += 7) {
        memcpy(b, blob, len);
        b[i] ^= 0x5a;
        CHECK(rl_facts_deserialize(b, len) == NULL, "%s: byte %zu flipped read", file, i);
    }
    /* With a valid checksum, the structure checks must hold the line: no
     * crash, and what is read back is a well-formed unit. */
    for (size_t i = 16; i < len; i += 3) {
        memcpy(b, blob, len);
        b[i] ^= (unsigned char)(1u << (i % 8));
        rechecksum(b, len);
        rl_unit_facts *f = rl_facts_deserialize(b, len);
        if (f) {
            char *d = dump(f);
            free(d);
            rl_facts_free(f);
        }
    }
    free(b);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_facts_io RULES_DIR FIXTURES_DIR\n");
        return 2;
    }
    rl_error err = {{0}};
    rl_apimodel *model = rl_apimodel_new();
    if (rl_apimodel_load_dir(model, argv[1], &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    rl_unit_list units;
    memset(&units, 0, sizeof units);
    char *paths[] = {argv[2]};
    if (rl_inputs_from_paths(paths, 1, NULL, 0, &units, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    const char *resource_dir = NULL;
#ifdef RL_CLANG_RESOURCE_DIR
    if (RL_CLANG_RESOURCE_DIR[0]) resource_dir = RL_CLANG_RESOURCE_DIR;
#endif
    rl_frontend *fe = rl_frontend_new(model, resource_dir);
    size_t n = 0;
    for (size_t i = 0; i < units.len; i++) {
        rl_unit_facts *f = rl_frontend_extract(fe, &units.items[i], &err);
        if (!f) continue;
        CHECK(f->ndeps > 0, "%s: no dependencies recorded", units.items[i].file);
        size_t len = 0;
        unsigned char *blob = rl_facts_serialize(f, &len);
        rl_unit_facts *g = rl_facts_deserialize(blob, len);
        CHECK(g != NULL, "%s: not read back", units.items[i].file);
        if (g) {
            char *a = dump(f), *b = dump(g);
            CHECK(strcmp(a, b) == 0, "%s: dumps differ:\n%s\n---\n%s", units.items[i].file, a, b);
            CHECK(g->parse_failed == f->parse_failed && g->naddr_taken == f->naddr_taken, "%s: fields differ",
                  units.items[i].file);
            /* Strings are interned again: equal text, one pointer. */
            for (int32_t k = 0; k < g->nfns; k++)
                for (int32_t j = 0; j < g->fns[k].nnodes; j++)
                    if (g->fns[k].nodes[j].text)
                        CHECK(g->fns[k].nodes[j].text == rl_intern(g->pool, g->fns[k].nodes[j].text), "not interned");
            /* The image is canonical: serialising again gives the same bytes. */
            size_t len2 = 0;
            unsigned char *blob2 = rl_facts_serialize(g, &len2);
            CHECK(len2 == len && memcmp(blob, blob2, len) == 0, "%s: second image differs", units.items[i].file);
            free(blob2);
            free(a);
            free(b);
            rl_facts_free(g);
        }
        if (i < 8) corrupt(blob, len, units.items[i].file);
        free(blob);
        rl_facts_free(f);
        n++;
    }
    CHECK(rl_facts_deserialize(NULL, 0) == NULL, "NULL read");
    CHECK(rl_facts_deserialize("RLFC", 4) == NULL, "header only read");
    rl_frontend_free(fe);
    rl_unit_list_free(&units);
    rl_apimodel_free(model);
    printf("%zu units round-tripped, %d failure%s\n", n, failures, failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}
