/* Unit tests of the results cache's document (analyzer/results.h): what
 * encoding writes decodes to the same analysis (re-encoding gives the same
 * text), a string JSON cannot carry exactly is refused rather than
 * changed, and a damaged document is refused leaving the analysis as it
 * was. */
#include "check.h"
#include "results.h"
#include "util/mem.h"
#include "util/strbuf.h"
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

/* text, a stored results document, with the index 99 put first in the
 * list that `marker` opens: refused, with an error that names `what`. */
static void check_index_outside(const char *text, const char *marker, const char *what)
{
    const char *at = text ? strstr(text, marker) : NULL;
    CHECK(at != NULL);
    if (!at) return;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_appendn(&sb, text, (size_t)(at - text) + strlen(marker));
    rl_sb_append(&sb, "99,");
    rl_sb_append(&sb, at + strlen(marker));
    rl_analysis b;
    memset(&b, 0, sizeof b);
    rl_error err = {{0}};
    CHECK(rl_results_decode(rl_sb_str(&sb), sb.len, &b, &err) != 0);
    CHECK(strstr(err.msg, what) != NULL);
    rl_analysis_free(&b);
    rl_sb_free(&sb);
}

static void test_round_trip(void)
{
    rl_analysis a, b;
    sample(&a);
    size_t len = 0, len2 = 0;
    char *text = rl_results_encode(&a, 1, &len);
    CHECK(text != NULL);
    memset(&b, 0, sizeof b);
    rl_error err = {{0}};
    CHECK(text && rl_results_decode(text, len, &b, &err) == 0);
    CHECK_INT(b.findings.len, 1);
    CHECK_INT(b.nnotices, 1); /* from first_notice on */
    CHECK_STR(b.nnotices ? b.notices[0].code : NULL, "limit-depth");
    if (b.findings.len) {
        const rl_finding *f = &b.findings.items[0];
        CHECK(f->hint == NULL);
        CHECK(f->rank == 0.375);
        CHECK_INT(f->nevents, 2);
        CHECK_INT(f->npairs, 1);
        CHECK_STR(f->nevents ? f->events[0].chain[0].site.file : NULL, "src/thread.c");
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
    CHECK(again && text && strcmp(again, text) == 0);
    free(again);
    free(text);
    rl_analysis_free(&b);

    /* A byte JSON cannot carry: refused, not replaced. */
    free(a.findings.items[0].location);
    a.findings.items[0].location = rl_xstrdup("caf\xe9");
    CHECK(rl_results_encode(&a, 0, &len) == NULL);
    rl_analysis_free(&a);
}

static void test_damaged(void)
{
    rl_analysis a, b;
    sample(&a);
    size_t len = 0;
    char *text = rl_results_encode(&a, 0, &len);
    memset(&b, 0, sizeof b);
    rl_analysis_notice(&b, "keep", NULL, "already there");
    rl_error err = {{0}};
    const char *bad[] = {
        "{\"format\":1}",
        "[1,2]",
        "{\"format\":99,\"findings\":[],\"programs\":[],\"notices\":[],\"programs_linked\":0,\"threads\":0,"
        "\"contexts\":0,\"accesses\":0}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) CHECK(rl_results_decode(bad[i], strlen(bad[i]), &b, &err) != 0);
    /* Cut anywhere: never accepted, never a crash. */
    for (size_t cut = 0; text && cut < len; cut += len / 50 + 1) CHECK(rl_results_decode(text, cut, &b, &err) != 0);
    /* A chain naming a frame the document does not have, and a frame
     * naming a string it does not have. */
    check_index_outside(text, "\"chain\":[", "call chain");
    check_index_outside(text, "\"frames\":[[", "frames");
    /* A pair naming an event the finding does not have. */
    char *p = text ? strstr(text, "\"pairs\":[[0,1]]") : NULL;
    CHECK(p != NULL);
    if (p) p[12] = '7';
    CHECK(text && rl_results_decode(text, len, &b, &err) != 0);
    CHECK_INT(b.findings.len, 0);
    CHECK_INT(b.nnotices, 1);
    free(text);
    rl_analysis_free(&a);
    rl_analysis_free(&b);
}

int main(void)
{
    test_round_trip();
    test_damaged();
    return test_summary("results");
}
