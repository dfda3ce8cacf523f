/* JSON encodings shared by the store and the JSON report (finding_json.h).
 * Decoding checks every type: the store reads files that may have been
 * edited by hand or written by another version. */
#include "finding_json.h"
#include "../util/strbuf.h"
#include <limits.h>
#include <stdlib.h>

/* U+FFFD REPLACEMENT CHARACTER, encoded as UTF-8. */
#define UTF8_REPLACEMENT "\xEF\xBF\xBD"

/* Length of the well-formed UTF-8 sequence starting at s (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0 when the
 * byte at s does not start one. Never reads past the terminating NUL, since
 * NUL is not a continuation byte. */
static size_t utf8_sequence_length(const unsigned char *s)
{
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    size_t len;
    if (s[0] < 0x80) return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        if (s[0] == 0xE0) lo = 0xA0; /* overlong */
        if (s[0] == 0xED) hi = 0x9F; /* surrogates */
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        if (s[0] == 0xF0) lo = 0x90; /* overlong */
        if (s[0] == 0xF4) hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    return len;
}

json_t *rl_json_text(const char *s)
{
    if (!s) return json_null();
    json_t *v = json_string(s);
    if (v) return v;

    /* json_string only fails on malformed UTF-8 (or out of memory). */
    rl_strbuf fixed = RL_STRBUF_INIT;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_sequence_length(p);
        if (n) {
            rl_sb_appendn(&fixed, (const char *)p, n);
            p += n;
        } else {
            rl_sb_append(&fixed, UTF8_REPLACEMENT);
            p++;
        }
    }
    v = json_string(rl_sb_str(&fixed));
    rl_sb_free(&fixed);
    return v;
}

void rl_json_set_position(json_t *obj, const rl_position *pos)
{
    json_object_set_new(obj, "file", rl_json_text(pos->file));
    json_object_set_new(obj, "line", json_integer(pos->line));
    json_object_set_new(obj, "col", json_integer(pos->col));
}

json_t *rl_json_chain(const rl_event *ev)
{
    json_t *chain = json_array();
    for (size_t i = 0; i < ev->nchain; i++) {
        json_t *frame = json_object();
        json_object_set_new(frame, "function", rl_json_text(ev->chain[i].function));
        rl_json_set_position(frame, &ev->chain[i].site);
        json_array_append_new(chain, frame);
    }
    return chain;
}

json_t *rl_json_locks(const rl_event *ev)
{
    json_t *locks = json_array();
    for (size_t i = 0; i < ev->nlocks; i++) json_array_append_new(locks, rl_json_text(ev->locks[i]));
    return locks;
}

/* A line or column number: a JSON integer that fits an unsigned. */
static int read_number(const json_t *v, unsigned *out)
{
    if (!json_is_integer(v)) return -1;
    json_int_t n = json_integer_value(v);
    if (n < 0 || n > UINT_MAX) return -1;
    *out = (unsigned)n;
    return 0;
}

int rl_json_read_chain(const json_t *chain, rl_event *ev, rl_error *err)
{
    if (!json_is_array(chain)) return rl_fail(err, "call chain is not a JSON array");
    for (size_t i = 0; i < json_array_size(chain); i++) {
        const json_t *frame = json_array_get(chain, i);
        const json_t *function = json_object_get(frame, "function");
        const json_t *file = json_object_get(frame, "file");
        unsigned line, col;
        if (!json_is_string(function) || !json_is_string(file) || read_number(json_object_get(frame, "line"), &line) ||
            read_number(json_object_get(frame, "col"), &col))
            return rl_fail(err, "call chain frame %zu is not {function, file, line, col}", i);
        rl_event_add_frame(ev, json_string_value(function), json_string_value(file), line, col);
    }
    return 0;
}

int rl_json_read_locks(const json_t *locks, rl_event *ev, rl_error *err)
{
    if (!json_is_array(locks)) return rl_fail(err, "lock list is not a JSON array");
    for (size_t i = 0; i < json_array_size(locks); i++) {
        const json_t *lock = json_array_get(locks, i);
        if (!json_is_string(lock)) return rl_fail(err, "lock %zu is not a string", i);
        rl_event_add_lock(ev, json_string_value(lock));
    }
    return 0;
}

json_t *rl_json_strings(const char *const *items, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, rl_json_text(items[i]));
    return arr;
}

json_t *rl_json_notices(const rl_notice *notices, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "code", rl_json_text(notices[i].code));
        json_object_set_new(o, "program", rl_json_text(notices[i].program));
        json_object_set_new(o, "message", rl_json_text(notices[i].message));
        json_array_append_new(arr, o);
    }
    return arr;
}

json_t *rl_json_pairs(const rl_finding *f)
{
    json_t *pairs = json_array();
    for (size_t i = 0; i < f->npairs; i++)
        json_array_append_new(pairs, json_pack("[II]", (json_int_t)f->pairs[i].a, (json_int_t)f->pairs[i].b));
    return pairs;
}

int rl_json_read_pairs_value(const json_t *v, rl_finding *f)
{
    int rc = json_is_array(v) ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < json_array_size(v); i++) {
        json_t *p = json_array_get(v, i);
        json_t *a = json_array_get(p, 0), *b = json_array_get(p, 1);
        if (json_array_size(p) != 2 || !json_is_integer(a) || !json_is_integer(b) || json_integer_value(a) < 0 ||
            json_integer_value(b) < 0 || json_integer_value(a) > UINT_MAX || json_integer_value(b) > UINT_MAX) {
            rc = -1;
            break;
        }
        size_t total = f->pairs_total;
        rl_finding_add_pair(f, (unsigned)json_integer_value(a), (unsigned)json_integer_value(b));
        f->pairs_total = total > f->npairs ? total : f->npairs;
    }
    return rc;
}

int rl_json_read_pairs(const char *text, rl_finding *f)
{
    json_t *v = json_loads(text, 0, NULL);
    int rc = rl_json_read_pairs_value(v, f);
    json_decref(v);
    return rc;
}
