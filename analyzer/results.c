/* The whole-program results as JSON, and their key (results.h).
 *
 * The document: {"format", "strings", "frames", "findings", "programs",
 * "programs_linked", "notices", "threads", "contexts", "accesses"}. A
 * finding keeps every field the driver sets; suppression and visibility
 * are decided later by the command line, on the decoded findings as on
 * fresh ones.
 *
 * Call chains are most of the results (on memcached four fifths of the
 * text: 49,000 frames, a few thousand of them distinct), and decoding
 * them as one JSON object per frame was most of an unchanged re-run. So
 * each distinct frame is written once, in "frames", as [file, line, col,
 * function] with file and function indexes into "strings", and a chain
 * is an array of frame indexes.
 *
 * Invariant: every index the document holds is checked against the table
 * it indexes before it is used; a document that fails any check is
 * refused whole (the cache then analyses afresh). */
#include "results.h"
#include "facts/facts.h"
#include "model/finding_json.h"
#include "util/mem.h"
#include "util/ptrmap.h"
#include "util/strpool.h"
#include <jansson.h>
#include <link.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bumped whenever the document changes shape or meaning. */
#define RESULTS_FORMAT 3
/* Reading the running binary: the buffer of each read. */
#define EXE_READ_BYTES (1u << 16)

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

/* A JSON string of s exactly (null for NULL); *ok cleared when JSON cannot
 * carry it (not UTF-8), since a replaced byte would change the result. */
static json_t *exact_text(const char *s, int *ok)
{
    if (!s) return json_null();
    json_t *v = json_string(s);
    if (!v) {
        *ok = 0;
        return json_null();
    }
    return v;
}

static json_t *position(const rl_position *p, int *ok)
{
    return json_pack("{s:o s:I s:I}", "file", exact_text(p->file, ok), "line", (json_int_t)p->line, "col",
                     (json_int_t)p->col);
}

static json_t *strings(char *const *items, size_t n, int *ok)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, exact_text(items[i], ok));
    return arr;
}

/* The document's tables of distinct strings and call-chain frames, as
 * they are filled while encoding. Keys are interned in pool, so that
 * equal texts are one pointer key. */
typedef struct frame_table {
    rl_strpool *pool;
    rl_ptrmap string_index; /* interned text -> index + 1 */
    rl_ptrmap frame_index;  /* interned "file line col function" key -> index + 1 */
    json_t *strings, *frames;
} frame_table;

/* The index of s in the strings table, added when new. */
static json_int_t string_index(frame_table *t, const char *s, int *ok)
{
    void **slot = rl_ptrmap_slot(&t->string_index, rl_intern(t->pool, s ? s : ""));
    if (!*slot) {
        json_array_append_new(t->strings, exact_text(s ? s : "", ok));
        *slot = (void *)(uintptr_t)json_array_size(t->strings);
    }
    return (json_int_t)(uintptr_t)*slot - 1;
}

/* The index of a chain frame in the frames table, added when new. */
static json_int_t frame_index(frame_table *t, const rl_frame *f, int *ok)
{
    json_int_t file = string_index(t, f->site.file, ok), function = string_index(t, f->function, ok);
    char key[4 * 24];
    snprintf(key, sizeof key, "%lld %u %u %lld", (long long)file, f->site.line, f->site.col, (long long)function);
    void **slot = rl_ptrmap_slot(&t->frame_index, rl_intern(t->pool, key));
    if (!*slot) {
        json_array_append_new(t->frames, json_pack("[I I I I]", file, (json_int_t)f->site.line,
                                                   (json_int_t)f->site.col, function));
        *slot = (void *)(uintptr_t)json_array_size(t->frames);
    }
    return (json_int_t)(uintptr_t)*slot - 1;
}

static json_t *event(const rl_event *ev, frame_table *t, int *ok)
{
    json_t *chain = json_array();
    for (size_t i = 0; i < ev->nchain; i++) json_array_append_new(chain, json_integer(frame_index(t, &ev->chain[i], ok)));
    return json_pack("{s:o s:o s:o s:o s:o s:o s:b s:o s:o}", "pos", position(&ev->pos, ok), "function",
                     exact_text(ev->function, ok), "kind", exact_text(ev->kind, ok), "what",
                     exact_text(ev->what, ok), "thread", exact_text(ev->thread, ok), "spawn",
                     position(&ev->spawn, ok), "multi", ev->multi_instance, "chain", chain, "locks",
                     strings(ev->locks, ev->nlocks, ok));
}

static json_t *finding(const rl_finding *f, frame_table *t, int *ok)
{
    json_t *events = json_array();
    for (size_t i = 0; i < f->nevents; i++) json_array_append_new(events, event(&f->events[i], t, ok));
    return json_pack("{s:o s:i s:o s:o s:o s:f s:i s:s s:o s:o s:I s:b s:b s:o s:o}", "rule",
                     exact_text(f->rule, ok), "severity", (int)f->severity, "location", exact_text(f->location, ok),
                     "message", exact_text(f->message, ok), "hint", exact_text(f->hint, ok), "rank", f->rank,
                     "confidence", (int)f->confidence, "fingerprint", f->fingerprint, "events", events, "pairs",
                     rl_json_pairs(f), "pairs_total", (json_int_t)f->pairs_total, "suppressed", f->suppressed,
                     "hidden", f->hidden, "suppression", exact_text(f->suppression, ok), "programs",
                     strings(f->programs, f->nprograms, ok));
}

static json_t *program(const rl_program_summary *p, int *ok)
{
    json_t *threads = json_array();
    for (size_t i = 0; i < p->nthreads; i++) {
        const rl_thread_summary *t = &p->threads[i];
        json_t *joins = json_array();
        for (size_t j = 0; j < t->njoins; j++)
            json_array_append_new(joins, json_pack("{s:o s:o}", "at", position(&t->joins[j].at, ok), "call",
                                                   position(&t->joins[j].call, ok)));
        json_array_append_new(threads, json_pack("{s:o s:I s:o s:o s:b s:b s:o s:o s:o}", "entry",
                                                 exact_text(t->entry, ok), "parent", (json_int_t)t->parent, "spawn",
                                                 position(&t->spawn, ok), "spawn_call", position(&t->spawn_call, ok),
                                                 "several", t->several, "joined", t->joined, "join",
                                                 position(&t->join, ok), "joins", joins, "caller_spawn",
                                                 position(&t->caller_spawn, ok)));
    }
    return json_pack("{s:o s:o s:I s:I s:o}", "name", exact_text(p->name, ok), "main_file",
                     exact_text(p->main_file, ok), "units", (json_int_t)p->nunits, "spawn_sites",
                     (json_int_t)p->nspawn_sites, "threads", threads);
}

char *rl_results_encode(const rl_analysis *a, size_t first_notice, size_t *len)
{
    int ok = 1;
    json_t *findings = json_array(), *programs = json_array(), *notices = json_array();
    frame_table t = {rl_strpool_new(), RL_PTRMAP_INIT, RL_PTRMAP_INIT, json_array(), json_array()};
    for (size_t i = 0; i < a->findings.len; i++) json_array_append_new(findings, finding(&a->findings.items[i], &t, &ok));
    rl_ptrmap_free(&t.string_index);
    rl_ptrmap_free(&t.frame_index);
    rl_strpool_free(t.pool);
    for (size_t i = 0; i < a->nprograms; i++) json_array_append_new(programs, program(&a->programs[i], &ok));
    for (size_t i = first_notice; i < a->nnotices; i++) {
        const rl_notice *n = &a->notices[i];
        json_array_append_new(notices, json_pack("{s:o s:o s:o}", "code", exact_text(n->code, &ok), "program",
                                                 exact_text(n->program, &ok), "message",
                                                 exact_text(n->message, &ok)));
    }
    json_t *doc = json_pack("{s:i s:o s:o s:o s:o s:I s:o s:I s:I s:I}", "format", RESULTS_FORMAT, "strings",
                            t.strings, "frames", t.frames, "findings", findings,
                            "programs", programs, "programs_linked", (json_int_t)a->nprograms_linked, "notices",
                            notices, "threads", (json_int_t)a->nthreads, "contexts", (json_int_t)a->ncontexts,
                            "accesses", (json_int_t)a->naccesses);
    char *text = doc && ok ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (text) *len = strlen(text);
    return text;
}

/* ---- decoding ---------------------------------------------------------- */

/* Each reader checks the JSON shape and returns -1 (err set) on the first
 * thing that is not what encoding writes. */

static int count_of(const json_t *v, size_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0) return -1;
    *out = (size_t)json_integer_value(v);
    return 0;
}

/* A string, or NULL for JSON null; -1 for anything else. */
static int text_of(const json_t *v, char **out)
{
    if (json_is_null(v)) {
        *out = NULL;
        return 0;
    }
    if (!json_is_string(v)) return -1;
    *out = rl_xstrdup(json_string_value(v));
    return 0;
}

static int position_of(const json_t *v, rl_position *p)
{
    const json_t *line = json_object_get(v, "line"), *col = json_object_get(v, "col");
    if (!json_is_object(v) || !json_is_integer(line) || !json_is_integer(col) || json_integer_value(line) < 0 ||
        json_integer_value(line) > UINT_MAX || json_integer_value(col) < 0 || json_integer_value(col) > UINT_MAX)
        return -1;
    p->line = (unsigned)json_integer_value(line);
    p->col = (unsigned)json_integer_value(col);
    return text_of(json_object_get(v, "file"), &p->file);
}

static int strings_of(const json_t *v, char ***items, size_t *n)
{
    if (!json_is_array(v)) return -1;
    *n = 0;
    *items = rl_xcalloc(json_array_size(v) + 1, sizeof **items);
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *s = json_array_get(v, i);
        if (!json_is_string(s)) return -1;
        (*items)[(*n)++] = rl_xstrdup(json_string_value(s));
    }
    return 0;
}

/* The decoded tables of the document (encoding's frame_table): borrowed
 * from the JSON document, which outlives the decoding. */
typedef struct frame_tables {
    const json_t *strings, *frames;
} frame_tables;

/* Checks that every frame is [file, line, col, function] with its
 * indexes inside the strings table. */
static int check_tables(const frame_tables *t)
{
    if (!json_is_array(t->strings) || !json_is_array(t->frames)) return -1;
    for (size_t i = 0; i < json_array_size(t->strings); i++)
        if (!json_is_string(json_array_get(t->strings, i))) return -1;
    for (size_t i = 0; i < json_array_size(t->frames); i++) {
        const json_t *f = json_array_get(t->frames, i);
        if (!json_is_array(f) || json_array_size(f) != 4) return -1;
        for (size_t k = 0; k < 4; k++) {
            const json_t *n = json_array_get(f, k);
            json_int_t max = k == 0 || k == 3 ? (json_int_t)json_array_size(t->strings) - 1 : UINT_MAX;
            if (!json_is_integer(n) || json_integer_value(n) < 0 || json_integer_value(n) > max) return -1;
        }
    }
    return 0;
}

/* A chain as an array of frame indexes into the checked tables. */
static int chain_of(const json_t *v, const frame_tables *t, rl_event *ev)
{
    if (!json_is_array(v)) return -1;
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *n = json_array_get(v, i);
        if (!json_is_integer(n) || json_integer_value(n) < 0 ||
            json_integer_value(n) >= (json_int_t)json_array_size(t->frames))
            return -1;
        const json_t *f = json_array_get(t->frames, (size_t)json_integer_value(n));
        const char *file = json_string_value(json_array_get(t->strings, (size_t)json_integer_value(json_array_get(f, 0))));
        const char *fn = json_string_value(json_array_get(t->strings, (size_t)json_integer_value(json_array_get(f, 3))));
        rl_event_add_frame(ev, fn, file, (unsigned)json_integer_value(json_array_get(f, 1)),
                           (unsigned)json_integer_value(json_array_get(f, 2)));
    }
    return 0;
}

static int event_of(const json_t *v, const frame_tables *t, rl_event *ev, rl_error *err)
{
    const json_t *multi = json_object_get(v, "multi");
    if (!json_is_object(v) || !json_is_boolean(multi) || position_of(json_object_get(v, "pos"), &ev->pos) ||
        position_of(json_object_get(v, "spawn"), &ev->spawn) || text_of(json_object_get(v, "function"), &ev->function) ||
        text_of(json_object_get(v, "kind"), &ev->kind) || text_of(json_object_get(v, "what"), &ev->what) ||
        text_of(json_object_get(v, "thread"), &ev->thread))
        return rl_fail(err, "an event is not as the results format writes it");
    ev->multi_instance = json_is_true(multi);
    if (chain_of(json_object_get(v, "chain"), t, ev))
        return rl_fail(err, "an event's call chain is not frames of the document");
    if (rl_json_read_locks(json_object_get(v, "locks"), ev, err)) return -1;
    return 0;
}

static int enum_of(const json_t *v, int max, int *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max) return -1;
    *out = (int)json_integer_value(v);
    return 0;
}

static int finding_of(const json_t *v, const frame_tables *t, rl_finding *f, rl_error *err)
{
    const json_t *fp = json_object_get(v, "fingerprint"), *rank = json_object_get(v, "rank");
    const json_t *events = json_object_get(v, "events"), *pairs = json_object_get(v, "pairs");
    int severity, confidence;
    if (!json_is_object(v) || !json_is_string(fp) || strlen(json_string_value(fp)) != sizeof f->fingerprint - 1 ||
        !json_is_real(rank) || !json_is_array(events) || !json_is_array(pairs) ||
        enum_of(json_object_get(v, "severity"), RL_SEV_ERROR, &severity) ||
        enum_of(json_object_get(v, "confidence"), RL_CONF_LOW, &confidence) ||
        !json_is_boolean(json_object_get(v, "suppressed")) || !json_is_boolean(json_object_get(v, "hidden")) ||
        count_of(json_object_get(v, "pairs_total"), &f->pairs_total) || text_of(json_object_get(v, "rule"), &f->rule) ||
        text_of(json_object_get(v, "location"), &f->location) || text_of(json_object_get(v, "message"), &f->message) ||
        text_of(json_object_get(v, "hint"), &f->hint) || text_of(json_object_get(v, "suppression"), &f->suppression) ||
        strings_of(json_object_get(v, "programs"), &f->programs, &f->nprograms) || !f->rule || !f->message)
        return rl_fail(err, "a finding is not as the results format writes it");
    f->severity = (rl_severity)severity;
    f->confidence = (rl_confidence)confidence;
    f->rank = json_real_value(rank);
    memcpy(f->fingerprint, json_string_value(fp), sizeof f->fingerprint);
    f->suppressed = json_is_true(json_object_get(v, "suppressed"));
    f->hidden = json_is_true(json_object_get(v, "hidden"));
    for (size_t i = 0; i < json_array_size(events); i++)
        if (event_of(json_array_get(events, i), t, rl_finding_add_event(f), err)) return -1;
    int bad = rl_json_read_pairs_value(pairs, f) != 0;
    for (size_t i = 0; !bad && i < f->npairs; i++) bad = f->pairs[i].a >= f->nevents || f->pairs[i].b >= f->nevents;
    if (bad) return rl_fail(err, "a finding's pairs are not events of it");
    return 0;
}

static void free_programs(rl_program_summary *p, size_t n)
{
    rl_analysis a;
    memset(&a, 0, sizeof a);
    a.programs = p;
    a.nprograms = n;
    rl_analysis_free(&a);
}

/* A thread's joins as program() writes them; -1 when not so. */
static int joins_of(const json_t *v, rl_thread_summary *s)
{
    if (!json_is_array(v)) return -1;
    s->joins = rl_xcalloc(json_array_size(v) + 1, sizeof *s->joins);
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *j = json_array_get(v, i);
        rl_join_summary *out = &s->joins[s->njoins++];
        if (!json_is_object(j) || position_of(json_object_get(j, "at"), &out->at) ||
            position_of(json_object_get(j, "call"), &out->call))
            return -1;
    }
    return 0;
}

static int program_of(const json_t *v, rl_program_summary *p, rl_error *err)
{
    const json_t *threads = json_object_get(v, "threads");
    if (!json_is_object(v) || !json_is_array(threads) || text_of(json_object_get(v, "name"), &p->name) || !p->name ||
        text_of(json_object_get(v, "main_file"), &p->main_file) || count_of(json_object_get(v, "units"), &p->nunits) ||
        count_of(json_object_get(v, "spawn_sites"), &p->nspawn_sites))
        return rl_fail(err, "a program is not as the results format writes it");
    p->threads = rl_xcalloc(json_array_size(threads) + 1, sizeof *p->threads);
    for (size_t i = 0; i < json_array_size(threads); i++) {
        const json_t *t = json_array_get(threads, i);
        rl_thread_summary *s = &p->threads[p->nthreads++];
        const json_t *parent = json_object_get(t, "parent");
        if (!json_is_object(t) || !json_is_integer(parent) || json_integer_value(parent) < -1 ||
            json_integer_value(parent) >= (json_int_t)json_array_size(threads) ||
            !json_is_boolean(json_object_get(t, "several")) || !json_is_boolean(json_object_get(t, "joined")) ||
            text_of(json_object_get(t, "entry"), &s->entry) || !s->entry ||
            position_of(json_object_get(t, "spawn"), &s->spawn) || position_of(json_object_get(t, "join"), &s->join) ||
            position_of(json_object_get(t, "spawn_call"), &s->spawn_call) ||
            position_of(json_object_get(t, "caller_spawn"), &s->caller_spawn) || joins_of(json_object_get(t, "joins"), s))
            return rl_fail(err, "a thread of program %s is not as the results format writes it", p->name);
        s->parent = (long)json_integer_value(parent);
        s->several = json_is_true(json_object_get(t, "several"));
        s->joined = json_is_true(json_object_get(t, "joined"));
    }
    return 0;
}

static int decode(const json_t *doc, rl_analysis *tmp, rl_error *err)
{
    const json_t *findings = json_object_get(doc, "findings"), *programs = json_object_get(doc, "programs");
    const json_t *notices = json_object_get(doc, "notices"), *format = json_object_get(doc, "format");
    if (!json_is_object(doc) || !json_is_integer(format) || json_integer_value(format) != RESULTS_FORMAT ||
        !json_is_array(findings) || !json_is_array(programs) || !json_is_array(notices) ||
        count_of(json_object_get(doc, "programs_linked"), &tmp->nprograms_linked) ||
        count_of(json_object_get(doc, "threads"), &tmp->nthreads) ||
        count_of(json_object_get(doc, "contexts"), &tmp->ncontexts) ||
        count_of(json_object_get(doc, "accesses"), &tmp->naccesses))
        return rl_fail(err, "not a document of results format %d", RESULTS_FORMAT);
    frame_tables t = {json_object_get(doc, "strings"), json_object_get(doc, "frames")};
    if (check_tables(&t)) return rl_fail(err, "the call-chain frames are not as the results format writes them");
    for (size_t i = 0; i < json_array_size(findings); i++)
        if (finding_of(json_array_get(findings, i), &t, rl_findings_add(&tmp->findings), err)) return -1;
    tmp->programs = rl_xcalloc(json_array_size(programs) + 1, sizeof *tmp->programs);
    for (size_t i = 0; i < json_array_size(programs); i++)
        if (program_of(json_array_get(programs, i), &tmp->programs[tmp->nprograms++], err)) return -1;
    for (size_t i = 0; i < json_array_size(notices); i++) {
        const json_t *n = json_array_get(notices, i);
        const json_t *code = json_object_get(n, "code"), *msg = json_object_get(n, "message");
        const json_t *prog = json_object_get(n, "program");
        if (!json_is_string(code) || !json_is_string(msg) || !(json_is_string(prog) || json_is_null(prog)))
            return rl_fail(err, "a notice is not as the results format writes it");
        rl_analysis_notice(tmp, json_string_value(code), json_is_null(prog) ? NULL : json_string_value(prog), "%s",
                           json_string_value(msg));
    }
    return 0;
}

int rl_results_decode(const char *text, size_t len, rl_analysis *a, rl_error *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, 0, &jerr);
    if (!doc) return rl_fail(err, "not JSON (%s)", jerr.text);
    rl_analysis tmp;
    memset(&tmp, 0, sizeof tmp);
    int rc = decode(doc, &tmp, err);
    json_decref(doc);
    if (rc != 0) {
        rl_analysis_free(&tmp);
        return -1;
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
