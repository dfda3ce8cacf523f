/* The whole-program results as a binary image, and their key (results.h).
 *
 * The image is a util/blob.h image (magic "RLRS"): its strings once in a
 * table, then the counts, the findings (each with its events, their call
 * chains and locks, and its pairs), the programs with their threads, and
 * the notices, each field in the order the put_ functions below write it.
 * A finding keeps every field the driver sets; suppression and visibility
 * are decided later by the command line, on the decoded findings as on
 * fresh ones.
 *
 * The results were a JSON document until format 3; on memcached (1,300
 * findings, 13,000 events, 49,000 frames of call chains) reading it back
 * was half of an unchanged re-run (250 ms, jansson's parse and the
 * objects it makes), where the image reads in a tenth of that.
 *
 * Invariant: every count is checked against the bytes left before
 * anything is allocated for it, every string index against the table,
 * and every pair and parent index against what it indexes; an image that
 * fails any check, or has bytes left over, is refused whole (the cache
 * then analyses afresh). */
#include "results.h"
#include "facts/facts.h"
#include "util/blob.h"
#include "util/mem.h"
#include "util/strpool.h"
#include <link.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bumped whenever the image changes shape or meaning (1-3: JSON). */
#define RESULTS_FORMAT 4
#define RESULTS_MAGIC "RLRS"
/* Reading the running binary: the buffer of each read. */
#define EXE_READ_BYTES (1u << 16)

/* The fewest bytes each item of a counted list takes in the image: a
 * count that would need more than what is left is refused before any
 * allocation (rl_blob_get_count). */
#define STR_BYTES 4
#define POSITION_BYTES (STR_BYTES + 8)
#define FRAME_BYTES (STR_BYTES + POSITION_BYTES)
#define PAIR_BYTES 8
#define FINGERPRINT_BYTES 16
#define EVENT_BYTES (2 * POSITION_BYTES + 4 * STR_BYTES + 1 + 4 + 4)
#define FINDING_BYTES (5 * STR_BYTES + 1 + 8 + 1 + FINGERPRINT_BYTES + 2 + 4 + 4 + 4 + 8)
#define THREAD_BYTES (STR_BYTES + 8 + 4 * POSITION_BYTES + 2 + 4)
#define PROGRAM_BYTES (2 * STR_BYTES + 16 + 4)

/* ---- the key ----------------------------------------------------------- */

/* The GNU build ID the linker wrote into the running program: a hash of
 * the whole output file, so it changes whenever the binary does. Read from
 * the loaded notes, it costs nothing; hashing the 3 MB binary cost 3 ms of
 * a 20 ms re-run. */
static int read_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    uint64_t *out = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE) continue;
        const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
        const unsigned char *end = p + ph->p_memsz;
        /* Notes are padded to the segment's alignment: 4, or 8 for a
         * segment of .note.gnu.property. */
        size_t pad = ph->p_align == 8 ? 7u : 3u;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)(const void *)p;
            size_t name_len = (n->n_namesz + pad) & ~pad, desc_len = (n->n_descsz + pad) & ~pad;
            const unsigned char *name = p + sizeof *n, *desc = name + name_len;
            if (desc + desc_len > end) break;
            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && memcmp(name, "GNU", 4) == 0 && n->n_descsz > 0) {
                *out = rl_hash_bytes(desc, n->n_descsz, rl_hash_str("racelint build id"));
                return 1;
            }
            p = desc + desc_len;
        }
    }
    return 1; /* the first object is the program itself: stop there */
}

uint64_t rl_binary_digest(void)
{
    static uint64_t digest;
    static int done;
    if (done) return digest;
    done = 1;
    uint64_t id = 0;
    dl_iterate_phdr(read_build_id, &id);
    if (id) return digest = id;
    /* Linked without a build ID: hash the binary itself. */
    FILE *f = fopen("/proc/self/exe", "rb");
    if (!f) return 0;
    unsigned char *buf = rl_xmalloc(EXE_READ_BYTES);
    uint64_t h = rl_hash_str("racelint binary");
    size_t n;
    while ((n = fread(buf, 1, EXE_READ_BYTES, f)) > 0) h = rl_hash_bytes(buf, n, h);
    int failed = ferror(f);
    fclose(f);
    free(buf);
    digest = failed || h == 0 ? 0 : h;
    return digest;
}

static uint64_t hash_strings(uint64_t h, const char *what, const char *const *items, size_t n)
{
    h = rl_hash_bytes(what, strlen(what) + 1, h);
    for (size_t i = 0; i < n; i++) h = rl_hash_bytes(items[i], strlen(items[i]) + 1, h);
    return rl_hash_bytes(&n, sizeof n, h);
}

int rl_results_key(const rl_analysis_options *opts, const uint64_t *digests, size_t n, char out[17])
{
    uint64_t exe = rl_binary_digest();
    if (!exe || !digests) return -1;
    /* The facts' own key: racelint's version and binary, libclang, the API
     * models, the project config. */
    uint64_t h = rl_facts_run_key(opts);
    h = hash_strings(h, "programs", opts->programs, opts->nprograms);
    h = hash_strings(h, "entry points", opts->entry_points, opts->nentry_points);
    for (size_t i = 0; i < rl_rule_option_count(); i++) {
        const char *option[2] = {rl_rule_option_name(i), rl_rule_option_value(&opts->rule_options, i)};
        h = hash_strings(h, "rule option", option, 2);
    }
    h = rl_hash_bytes(&n, sizeof n, h);
    for (size_t i = 0; i < n; i++) h = rl_hash_bytes(&digests[i], sizeof digests[i], h);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return 0;
}

/* ---- encoding ---------------------------------------------------------- */

/* The encoder: the image's body, and the pool its strings are interned in
 * (the writer's table keys strings by pointer: blob.h). */
typedef struct encoder {
    rl_blob_writer w;
    rl_strpool *pool;
} encoder;

static void put_text(encoder *e, const char *s) { rl_blob_put_str(&e->w, s ? rl_intern(e->pool, s) : NULL); }

static void put_count(encoder *e, size_t n) { rl_blob_put_u64(&e->w, (uint64_t)n); }

static void put_position(encoder *e, const rl_position *p)
{
    put_text(e, p->file);
    rl_blob_put_u32(&e->w, p->line);
    rl_blob_put_u32(&e->w, p->col);
}

static void put_texts(encoder *e, char *const *items, size_t n)
{
    rl_blob_put_u32(&e->w, (uint32_t)n);
    for (size_t i = 0; i < n; i++) put_text(e, items[i]);
}

static void put_event(encoder *e, const rl_event *ev)
{
    put_position(e, &ev->pos);
    put_text(e, ev->function);
    put_text(e, ev->kind);
    put_text(e, ev->what);
    put_text(e, ev->thread);
    put_position(e, &ev->spawn);
    rl_blob_put_u8(&e->w, ev->multi_instance != 0);
    rl_blob_put_u32(&e->w, (uint32_t)ev->nchain);
    for (size_t i = 0; i < ev->nchain; i++) {
        put_text(e, ev->chain[i].function);
        put_position(e, &ev->chain[i].site);
    }
    put_texts(e, ev->locks, ev->nlocks);
}

static void put_finding(encoder *e, const rl_finding *f)
{
    uint64_t rank;
    memcpy(&rank, &f->rank, sizeof rank);
    put_text(e, f->rule);
    rl_blob_put_u8(&e->w, (uint8_t)f->severity);
    put_text(e, f->location);
    put_text(e, f->message);
    put_text(e, f->hint);
    rl_blob_put_u64(&e->w, rank);
    rl_blob_put_u8(&e->w, (uint8_t)f->confidence);
    rl_blob_put_bytes(&e->w, f->fingerprint, FINGERPRINT_BYTES);
    rl_blob_put_u8(&e->w, f->suppressed != 0);
    rl_blob_put_u8(&e->w, f->hidden != 0);
    put_text(e, f->suppression);
    put_texts(e, f->programs, f->nprograms);
    rl_blob_put_u32(&e->w, (uint32_t)f->nevents);
    for (size_t i = 0; i < f->nevents; i++) put_event(e, &f->events[i]);
    rl_blob_put_u32(&e->w, (uint32_t)f->npairs);
    for (size_t i = 0; i < f->npairs; i++) {
        rl_blob_put_u32(&e->w, f->pairs[i].a);
        rl_blob_put_u32(&e->w, f->pairs[i].b);
    }
    put_count(e, f->pairs_total);
}

static void put_program(encoder *e, const rl_program_summary *p)
{
    put_text(e, p->name);
    put_text(e, p->main_file);
    put_count(e, p->nunits);
    put_count(e, p->nspawn_sites);
    rl_blob_put_u32(&e->w, (uint32_t)p->nthreads);
    for (size_t i = 0; i < p->nthreads; i++) {
        const rl_thread_summary *t = &p->threads[i];
        put_text(e, t->entry);
        rl_blob_put_u64(&e->w, (uint64_t)(int64_t)t->parent);
        put_position(e, &t->spawn);
        put_position(e, &t->spawn_call);
        rl_blob_put_u8(&e->w, t->several != 0);
        rl_blob_put_u8(&e->w, t->joined != 0);
        put_position(e, &t->join);
        rl_blob_put_u32(&e->w, (uint32_t)t->njoins);
        for (size_t j = 0; j < t->njoins; j++) {
            put_position(e, &t->joins[j].at);
            put_position(e, &t->joins[j].call);
        }
        put_position(e, &t->caller_spawn);
    }
}

char *rl_results_encode(const rl_analysis *a, size_t first_notice, size_t *len)
{
    encoder e = {RL_BLOB_WRITER_INIT, rl_strpool_new()};
    rl_blob_put_u32(&e.w, (uint32_t)a->nprograms_linked);
    put_count(&e, a->nthreads);
    put_count(&e, a->ncontexts);
    put_count(&e, a->naccesses);
    rl_blob_put_u32(&e.w, (uint32_t)a->findings.len);
    for (size_t i = 0; i < a->findings.len; i++) put_finding(&e, &a->findings.items[i]);
    rl_blob_put_u32(&e.w, (uint32_t)a->nprograms);
    for (size_t i = 0; i < a->nprograms; i++) put_program(&e, &a->programs[i]);
    size_t nnotices = a->nnotices > first_notice ? a->nnotices - first_notice : 0;
    rl_blob_put_u32(&e.w, (uint32_t)nnotices);
    for (size_t i = first_notice; i < a->nnotices; i++) {
        put_text(&e, a->notices[i].code);
        put_text(&e, a->notices[i].program);
        put_text(&e, a->notices[i].message);
    }
    char *image = (char *)rl_blob_finish(&e.w, RESULTS_MAGIC, RESULTS_FORMAT, len);
    rl_strpool_free(e.pool);
    return image;
}

/* ---- decoding ---------------------------------------------------------- */

static void free_programs(rl_program_summary *p, size_t n)
{
    rl_analysis a;
    memset(&a, 0, sizeof a);
    a.programs = p;
    a.nprograms = n;
    rl_analysis_free(&a);
}

/* Each reader reads what its writer above wrote, in order; anything out
 * of place sets r->bad (blob.h), and the caller refuses the image whole. */

/* An owned copy of the next string (NULL for none). */
static char *get_text(rl_blob_reader *r)
{
    const char *s = rl_blob_get_str(r);
    return s ? rl_xstrdup(s) : NULL;
}

/* A text that must be there: bad when it is not. */
static char *get_required(rl_blob_reader *r)
{
    char *s = get_text(r);
    if (!s) r->bad = 1;
    return s;
}

static size_t get_size(rl_blob_reader *r)
{
    uint64_t v = rl_blob_get_u64(r);
    if (v > SIZE_MAX) r->bad = 1;
    return (size_t)v;
}

static void get_position(rl_blob_reader *r, rl_position *p)
{
    p->file = get_text(r);
    p->line = rl_blob_get_u32(r);
    p->col = rl_blob_get_u32(r);
}

static char **get_texts(rl_blob_reader *r, size_t *n)
{
    uint32_t count = rl_blob_get_count(r, STR_BYTES);
    char **items = rl_xcalloc((size_t)count + 1, sizeof *items);
    for (*n = 0; *n < count && !r->bad; (*n)++) items[*n] = get_required(r);
    return items;
}

static void get_event(rl_blob_reader *r, rl_event *ev)
{
    get_position(r, &ev->pos);
    ev->function = get_text(r);
    ev->kind = get_text(r);
    ev->what = get_text(r);
    ev->thread = get_text(r);
    get_position(r, &ev->spawn);
    ev->multi_instance = rl_blob_get_u8(r) != 0;
    uint32_t nchain = rl_blob_get_count(r, FRAME_BYTES);
    ev->chain = rl_xcalloc((size_t)nchain + 1, sizeof *ev->chain);
    for (; ev->nchain < nchain && !r->bad; ev->nchain++) {
        rl_frame *fr = &ev->chain[ev->nchain];
        fr->function = get_required(r);
        get_position(r, &fr->site);
        if (!fr->site.file) r->bad = 1;
    }
    ev->locks = get_texts(r, &ev->nlocks);
}

static void get_finding(rl_blob_reader *r, rl_finding *f)
{
    uint64_t rank;
    f->rule = get_required(r);
    uint8_t severity = rl_blob_get_u8(r);
    f->location = get_text(r);
    f->message = get_required(r);
    f->hint = get_text(r);
    rank = rl_blob_get_u64(r);
    memcpy(&f->rank, &rank, sizeof f->rank);
    uint8_t confidence = rl_blob_get_u8(r);
    rl_blob_get_bytes(r, f->fingerprint, FINGERPRINT_BYTES);
    f->fingerprint[FINGERPRINT_BYTES] = '\0';
    f->suppressed = rl_blob_get_u8(r) != 0;
    f->hidden = rl_blob_get_u8(r) != 0;
    f->suppression = get_text(r);
    f->programs = get_texts(r, &f->nprograms);
    if (severity > RL_SEV_ERROR || confidence > RL_CONF_LOW) r->bad = 1;
    f->severity = (rl_severity)severity;
    f->confidence = (rl_confidence)confidence;
    uint32_t nevents = rl_blob_get_count(r, EVENT_BYTES);
    for (uint32_t i = 0; i < nevents && !r->bad; i++) get_event(r, rl_finding_add_event(f));
    uint32_t npairs = rl_blob_get_count(r, PAIR_BYTES);
    for (uint32_t i = 0; i < npairs && !r->bad; i++) {
        unsigned a = rl_blob_get_u32(r), b = rl_blob_get_u32(r);
        if (a >= f->nevents || b >= f->nevents) r->bad = 1;
        else rl_finding_add_pair(f, a, b);
    }
    f->pairs_total = get_size(r);
}

static void get_program(rl_blob_reader *r, rl_program_summary *p)
{
    p->name = get_required(r);
    p->main_file = get_text(r);
    p->nunits = get_size(r);
    p->nspawn_sites = get_size(r);
    uint32_t nthreads = rl_blob_get_count(r, THREAD_BYTES);
    p->threads = rl_xcalloc((size_t)nthreads + 1, sizeof *p->threads);
    for (; p->nthreads < nthreads && !r->bad; p->nthreads++) {
        rl_thread_summary *t = &p->threads[p->nthreads];
        t->entry = get_required(r);
        int64_t parent = (int64_t)rl_blob_get_u64(r);
        if (parent < -1 || parent >= (int64_t)nthreads) r->bad = 1;
        t->parent = (long)parent;
        get_position(r, &t->spawn);
        get_position(r, &t->spawn_call);
        t->several = rl_blob_get_u8(r) != 0;
        t->joined = rl_blob_get_u8(r) != 0;
        get_position(r, &t->join);
        uint32_t njoins = rl_blob_get_count(r, 2 * POSITION_BYTES);
        t->joins = rl_xcalloc((size_t)njoins + 1, sizeof *t->joins);
        for (; t->njoins < njoins && !r->bad; t->njoins++) {
            get_position(r, &t->joins[t->njoins].at);
            get_position(r, &t->joins[t->njoins].call);
        }
        get_position(r, &t->caller_spawn);
    }
}

static void get_analysis(rl_blob_reader *r, rl_analysis *tmp)
{
    tmp->nprograms_linked = rl_blob_get_u32(r);
    tmp->nthreads = get_size(r);
    tmp->ncontexts = get_size(r);
    tmp->naccesses = get_size(r);
    uint32_t nfindings = rl_blob_get_count(r, FINDING_BYTES);
    for (uint32_t i = 0; i < nfindings && !r->bad; i++) get_finding(r, rl_findings_add(&tmp->findings));
    uint32_t nprograms = rl_blob_get_count(r, PROGRAM_BYTES);
    tmp->programs = rl_xcalloc((size_t)nprograms + 1, sizeof *tmp->programs);
    for (; tmp->nprograms < nprograms && !r->bad; tmp->nprograms++) get_program(r, &tmp->programs[tmp->nprograms]);
    uint32_t nnotices = rl_blob_get_count(r, 3 * STR_BYTES);
    for (uint32_t i = 0; i < nnotices && !r->bad; i++) {
        const char *code = rl_blob_get_str(r), *program = rl_blob_get_str(r), *message = rl_blob_get_str(r);
        if (!code || !message) r->bad = 1;
        else rl_analysis_notice(tmp, code, program, "%s", message);
    }
    if (r->p != r->end) r->bad = 1;
}

int rl_results_decode(const char *text, size_t len, rl_analysis *a, rl_error *err)
{
    rl_strpool *pool = rl_strpool_new();
    rl_blob_reader r;
    rl_blob_status st = rl_blob_reader_open(&r, text, len, RESULTS_MAGIC, RESULTS_FORMAT, pool);
    if (st != RL_BLOB_OK) {
        rl_strpool_free(pool);
        return rl_fail(err, "%s", st == RL_BLOB_FOREIGN ? "not a results image (wrong magic number)"
                                                        : rl_blob_status_text(st));
    }
    rl_analysis tmp;
    memset(&tmp, 0, sizeof tmp);
    get_analysis(&r, &tmp);
    int bad = r.bad;
    rl_blob_reader_close(&r);
    rl_strpool_free(pool);
    if (bad) {
        rl_analysis_free(&tmp);
        return rl_fail(err, "its contents are not as the results format writes them");
    }
    /* Move the decoded parts over: a has no findings or programs yet. */
    rl_findings_free(&a->findings);
    a->findings = tmp.findings;
    free_programs(a->programs, a->nprograms);
    a->programs = tmp.programs;
    a->nprograms = tmp.nprograms;
    a->nprograms_linked = tmp.nprograms_linked;
    a->nthreads = tmp.nthreads;
    a->ncontexts = tmp.ncontexts;
    a->naccesses = tmp.naccesses;
    for (size_t i = 0; i < tmp.nnotices; i++)
        rl_analysis_notice(a, tmp.notices[i].code, tmp.notices[i].program, "%s", tmp.notices[i].message);
    rl_notices_free(tmp.notices, tmp.nnotices);
    return 0;
}
