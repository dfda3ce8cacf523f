/* Unit tests of the results cache's image (analyzer/results.h): what
 * encoding writes decodes to the same analysis (re-encoding gives the same
 * bytes), every string byte for byte, and an image damaged in any way, or
 * sealed over contents encoding never writes, is refused leaving the
 * analysis as it was. */
#include "check.h"
#include "results.h"
#include "util/blob.h"
#include "util/mem.h"
#include <stdlib.h>
#include <string.h>

static void sample(rl_analysis *a)
{
    memset(a, 0, sizeof *a);
    rl_finding *f = rl_findings_add(&a->findings);
    f->rule = rl_xstrdup("race");
    f->severity = RL_SEV_WARNING;
    f->location = rl_xstrdup("c->rbuf");
    f->message = rl_xstrdup("data race on 'c->rbuf'");
    f->hint = NULL;
    f->rank = 0.375;
    f->confidence = RL_CONF_MEDIUM;
    memcpy(f->fingerprint, "0123456789abcdef", sizeof f->fingerprint);
    for (int i = 0; i < 2; i++) {
        rl_event *ev = rl_finding_add_event(f);
        ev->pos.file = rl_xstrdup("src/conn.c");
        ev->pos.line = 10u + (unsigned)i;
        ev->pos.col = 5;
        ev->function = rl_xstrdup("handle");
        ev->kind = rl_xstrdup(i ? "read" : "write");
        ev->what = rl_xstrdup("c->rbuf");
        ev->thread = rl_xstrdup("worker");
        ev->multi_instance = 1;
        rl_event_add_frame(ev, "worker", "src/thread.c", 40, 3);
        /* the second event's chain goes one call deeper: chains share frames */
        if (i) rl_event_add_frame(ev, "handle", "src/conn.c", 22, 7);
        rl_event_add_lock(ev, "c->lock");
    }
    rl_finding_add_pair(f, 0, 1);
    f->pairs_total = 3;
    rl_finding_add_program(f, "server");
    a->programs = rl_xcalloc(2, sizeof *a->programs);
    a->nprograms = 1;
    a->nprograms_linked = 3;
    rl_program_summary *p = &a->programs[0];
    p->name = rl_xstrdup("server");
    p->main_file = rl_xstrdup("src/main.c");
    p->nunits = 7;
    p->nspawn_sites = 2;
    p->threads = rl_xcalloc(3, sizeof *p->threads);
    p->nthreads = 2;
    p->threads[0].entry = rl_xstrdup("main");
    p->threads[0].parent = -1;
    p->threads[1].entry = rl_xstrdup("worker");
    p->threads[1].parent = 0;
    p->threads[1].spawn.file = rl_xstrdup("src/thread.c");
    p->threads[1].spawn.line = 12;
    p->threads[1].several = 1;
    a->nthreads = 2;
    a->ncontexts = 11;
    a->naccesses = 40;
    rl_analysis_notice(a, "parse", NULL, "before the whole-program phase");
    rl_analysis_notice(a, "limit-depth", "server", "3 calls nested deeper than 16");
}

/* Little-endian u32 at p. */
static uint32_t u32_at(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void set_u32(unsigned char *p, uint32_t v)
{
    for (int k = 0; k < 4; k++) p[k] = (unsigned char)(v >> (8 * k));
}

/* Where an image's body starts: past its header and string table. */
static size_t body_offset(const unsigned char *image, size_t len)
{
    size_t at = RL_BLOB_HEADER_BYTES;
    uint32_t n = u32_at(image + at);
    at += 4;
    for (uint32_t i = 0; i < n && at + 4 <= len; i++) at += 4 + u32_at(image + at);
    return at;
}

/* A copy of image with the u32 at `at` set to v (at past the end: the
 * bytes of v appended), sealed again as encoding seals, so that only the
 * decoder's own checks can refuse it; refused, with the analysis that was
 * there unchanged. */
static void check_sealed_edit(const unsigned char *image, size_t len, size_t at, uint32_t v, const char *what)
{
    size_t n = at + 4 > len ? at + 4 : len;
    unsigned char *copy = rl_xcalloc(n, 1);
    memcpy(copy, image, len);
    set_u32(copy + at, v);
    rl_blob_seal(copy, n, (const char *)image, u32_at(image + RL_BLOB_MAGIC_BYTES));
    rl_analysis b;
    memset(&b, 0, sizeof b);
    rl_analysis_notice(&b, "keep", NULL, "already there");
    rl_error err = {{0}};
    int rc = rl_results_decode((const char *)copy, n, &b, &err);
    CHECK(rc != 0);
    if (rc == 0) fprintf(stderr, "  accepted: %s\n", what);
    CHECK(strstr(err.msg, "not as the results format writes them") != NULL);
    CHECK_INT(b.findings.len, 0);
    CHECK_INT(b.nnotices, 1);
    rl_analysis_free(&b);
    free(copy);
}

static void test_round_trip(void)
{
    rl_analysis a, b;
    sample(&a);
    /* not UTF-8: carried byte for byte all the same */
    free(a.findings.items[0].location);
    a.findings.items[0].location = rl_xstrdup("caf\xe9");
    size_t len = 0, len2 = 0;
    char *text = rl_results_encode(&a, 1, &len);
    CHECK(text != NULL);
    memset(&b, 0, sizeof b);
    rl_error err = {{0}};
    CHECK(text && rl_results_decode(text, len, &b, &err) == 0);
    CHECK_INT(b.findings.len, 1);
    CHECK_INT(b.nnotices, 1); /* from first_notice on */
    CHECK_STR(b.nnotices ? b.notices[0].code : NULL, "limit-depth");
    CHECK_INT(b.nprograms, 1);
    CHECK_INT(b.nprograms_linked, 3);
    CHECK_INT(b.ncontexts, 11);
    if (b.nprograms == 1 && b.programs[0].nthreads == 2) {
        const rl_thread_summary *t = &b.programs[0].threads[1];
        CHECK_STR(t->entry, "worker");
        CHECK_INT(t->parent, 0);
        CHECK_INT(b.programs[0].threads[0].parent, -1);
        CHECK_STR(t->spawn.file, "src/thread.c");
        CHECK_INT(t->spawn.line, 12);
        CHECK(t->several && !t->joined);
    } else {
        CHECK(0);
    }
    if (b.findings.len) {
        const rl_finding *f = &b.findings.items[0];
        CHECK_STR(f->location, "caf\xe9");
        CHECK_STR(f->fingerprint, "0123456789abcdef");
        CHECK(f->hint == NULL);
        CHECK(f->rank == 0.375);
        CHECK(f->confidence == RL_CONF_MEDIUM);
        CHECK_INT(f->pairs_total, 3);
        CHECK_INT(f->nprograms, 1);
        CHECK_INT(f->nevents, 2);
        CHECK_INT(f->npairs, 1);
        CHECK_STR(f->nevents ? f->events[0].chain[0].site.file : NULL, "src/thread.c");
        CHECK_STR(f->nevents ? f->events[0].locks[0] : NULL, "c->lock");
        CHECK_INT(f->nevents == 2 ? f->events[0].nchain : 0, 1);
        CHECK_INT(f->nevents == 2 ? f->events[1].nchain : 0, 2);
        if (f->nevents == 2 && f->events[1].nchain == 2) {
            const rl_frame *fr = &f->events[1].chain[1];
            CHECK_STR(fr->function, "handle");
            CHECK_STR(fr->site.file, "src/conn.c");
            CHECK_INT(fr->site.line, 22);
            CHECK_INT(fr->site.col, 7);
        }
    }
    /* b has no notice before the whole-program ones: all of them. */
    char *again = rl_results_encode(&b, 0, &len2);
    CHECK(again && text && len2 == len && memcmp(again, text, len) == 0);
    free(again);
    free(text);
    rl_analysis_free(&b);
    rl_analysis_free(&a);
}

static void test_damaged(void)
{
    rl_analysis a, b;
    sample(&a);
    size_t len = 0;
    unsigned char *image = (unsigned char *)rl_results_encode(&a, 0, &len);
    CHECK(image != NULL);
    if (!image) return;
    memset(&b, 0, sizeof b);
    rl_analysis_notice(&b, "keep", NULL, "already there");
    rl_error err = {{0}};
    const char *bad[] = {"", "{\"format\":1}", "RLRS", "RLRS\x04\0\0\0\0\0\0\0\0\0\0\0"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(rl_results_decode(bad[i], strlen(bad[i]) + (i == 3 ? 12 : 0), &b, &err) != 0);
    /* Cut anywhere: never accepted, never a crash. */
    for (size_t cut = 0; cut < len; cut += len / 50 + 1) CHECK(rl_results_decode((char *)image, cut, &b, &err) != 0);
    /* One byte changed and not sealed again: the checksum. */
    image[len / 2] ^= 1;
    CHECK(rl_results_decode((char *)image, len, &b, &err) != 0);
    CHECK(strstr(err.msg, "checksum") != NULL);
    image[len / 2] ^= 1;
    CHECK(rl_results_decode((char *)image, len, &b, &err) == 0);
    rl_analysis_free(&b);

    /* Sealed again over contents encoding never writes. The body: u32
     * programs linked, u64 threads, contexts, accesses, u32 findings, then
     * the first finding's rule (a string index). */
    size_t body = body_offset(image, len);
    size_t findings_at = body + 4 + 3 * 8, rule_at = findings_at + 4;
    check_sealed_edit(image, len, findings_at, 0x0fffffffu, "a count past the end");
    check_sealed_edit(image, len, rule_at, 99, "a string index past the table");
    check_sealed_edit(image, len, rule_at, 0xffffffffu, "a finding without its rule");
    check_sealed_edit(image, len, len, 0, "bytes left over");
    /* The pair (0, 1), then pairs_total 3: its second event made 7. */
    static const unsigned char pair[] = {1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0};
    size_t pair_at = 0;
    for (size_t i = body; i + sizeof pair <= len && !pair_at; i++)
        if (memcmp(image + i, pair, sizeof pair) == 0) pair_at = i;
    CHECK(pair_at != 0);
    if (pair_at) check_sealed_edit(image, len, pair_at + 8, 7, "a pair naming an event not there");
    free(image);
    rl_analysis_free(&a);
}

int main(void)
{
    test_round_trip();
    test_damaged();
    return test_summary("results");
}
