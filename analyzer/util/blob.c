/* Binary images (blob.h): header, writer, reader. */
#include "blob.h"
#include "mem.h"
#include <stdlib.h>
#include <string.h>

#define VERSION_OFFSET RL_BLOB_MAGIC_BYTES
#define CHECKSUM_OFFSET (RL_BLOB_MAGIC_BYTES + 4)

/* ---- the header: magic, version, checksum ------------------------------- */

static uint32_t read_u32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

void rl_blob_seal(unsigned char *buf, size_t len, const char *magic, uint32_t version)
{
    memcpy(buf, magic, RL_BLOB_MAGIC_BYTES);
    for (int k = 0; k < 4; k++) buf[VERSION_OFFSET + k] = (unsigned char)(version >> (8 * k));
    uint64_t sum = rl_hash_bytes(buf + RL_BLOB_HEADER_BYTES, len - RL_BLOB_HEADER_BYTES, 0);
    for (int k = 0; k < 8; k++) buf[CHECKSUM_OFFSET + k] = (unsigned char)(sum >> (8 * k));
}

rl_blob_status rl_blob_check(const void *buf, size_t len, const char *magic, uint32_t version)
{
    const unsigned char *b = buf;
    if (!buf || len < RL_BLOB_MAGIC_BYTES) return RL_BLOB_TRUNCATED;
    if (memcmp(buf, magic, RL_BLOB_MAGIC_BYTES) != 0) return RL_BLOB_FOREIGN;
    if (len < RL_BLOB_HEADER_BYTES) return RL_BLOB_TRUNCATED;
    if (read_u32(b + VERSION_OFFSET) != version) return RL_BLOB_VERSION;
    uint64_t sum = read_u32(b + CHECKSUM_OFFSET) | (uint64_t)read_u32(b + CHECKSUM_OFFSET + 4) << 32;
    return rl_hash_bytes(b + RL_BLOB_HEADER_BYTES, len - RL_BLOB_HEADER_BYTES, 0) == sum ? RL_BLOB_OK
                                                                                        : RL_BLOB_CHECKSUM;
}

const char *rl_blob_status_text(rl_blob_status status)
{
    switch (status) {
    case RL_BLOB_OK: return "valid";
    case RL_BLOB_TRUNCATED: return "truncated (shorter than its header)";
    case RL_BLOB_FOREIGN: return "not a racelint facts file (wrong magic number)";
    case RL_BLOB_VERSION: return "written in another format version";
    case RL_BLOB_CHECKSUM: return "damaged or truncated (checksum mismatch)";
    }
    return "unreadable";
}

/* ---- writing ----------------------------------------------------------- */

void rl_blob_put_bytes(rl_blob_writer *w, const void *p, size_t n)
{
    RL_GROW(w->data, w->cap, w->len + n);
    memcpy(w->data + w->len, p, n);
    w->len += n;
}

void rl_blob_put_u32(rl_blob_writer *w, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    rl_blob_put_bytes(w, b, 4);
}

void rl_blob_put_u64(rl_blob_writer *w, uint64_t v)
{
    rl_blob_put_u32(w, (uint32_t)v);
    rl_blob_put_u32(w, (uint32_t)(v >> 32));
}

void rl_blob_put_u8(rl_blob_writer *w, uint8_t v) { rl_blob_put_bytes(w, &v, 1); }

void rl_blob_put_str(rl_blob_writer *w, const char *s)
{
    if (!s) {
        rl_blob_put_u32(w, RL_BLOB_NO_STR);
        return;
    }
    void **slot = rl_ptrmap_slot(&w->index, s);
    if (!*slot) {
        RL_PUSH(w->strs, w->nstrs, w->cap_strs, s);
        *slot = (void *)(uintptr_t)w->nstrs; /* index + 1 */
    }
    rl_blob_put_u32(w, (uint32_t)((uintptr_t)*slot - 1));
}

unsigned char *rl_blob_finish(rl_blob_writer *body, const char *magic, uint32_t version, size_t *len)
{
    rl_blob_writer out = RL_BLOB_WRITER_INIT;
    rl_blob_put_u64(&out, 0); /* header: magic, version, checksum, sealed below */
    rl_blob_put_u64(&out, 0);
    rl_blob_put_u32(&out, (uint32_t)body->nstrs);
    for (size_t i = 0; i < body->nstrs; i++) {
        size_t n = strlen(body->strs[i]);
        rl_blob_put_u32(&out, (uint32_t)n);
        rl_blob_put_bytes(&out, body->strs[i], n);
    }
    if (body->len) rl_blob_put_bytes(&out, body->data, body->len);
    rl_blob_seal(out.data, out.len, magic, version);
    free(body->data);
    free(body->strs);
    rl_ptrmap_free(&body->index);
    memset(body, 0, sizeof *body);
    *len = out.len;
    return out.data;
}

/* ---- reading ----------------------------------------------------------- */

int rl_blob_get_bytes(rl_blob_reader *r, void *dst, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        if (dst) memset(dst, 0, n);
        return -1;
    }
    if (dst) memcpy(dst, r->p, n);
    r->p += n;
    return 0;
}

uint32_t rl_blob_get_u32(rl_blob_reader *r)
{
    unsigned char b[4];
    if (rl_blob_get_bytes(r, b, 4)) return 0;
    return read_u32(b);
}

uint64_t rl_blob_get_u64(rl_blob_reader *r)
{
    uint64_t lo = rl_blob_get_u32(r);
    return lo | (uint64_t)rl_blob_get_u32(r) << 32;
}

uint8_t rl_blob_get_u8(rl_blob_reader *r)
{
    uint8_t v = 0;
    rl_blob_get_bytes(r, &v, 1);
    return v;
}

const char *rl_blob_get_str(rl_blob_reader *r)
{
    uint32_t i = rl_blob_get_u32(r);
    if (r->bad || i == RL_BLOB_NO_STR) return NULL;
    if (i >= r->nstrs) {
        r->bad = 1;
        return NULL;
    }
    return r->strs[i];
}

uint32_t rl_blob_get_count(rl_blob_reader *r, size_t min_bytes)
{
    uint32_t n = rl_blob_get_u32(r);
    if (n > RL_BLOB_MAX_COUNT || (size_t)(r->end - r->p) / (min_bytes ? min_bytes : 1) < n) r->bad = 1;
    return r->bad ? 0 : n;
}

rl_blob_status rl_blob_reader_open(rl_blob_reader *r, const void *buf, size_t len, const char *magic,
                                   uint32_t version, rl_strpool *pool)
{
    memset(r, 0, sizeof *r);
    rl_blob_status st = rl_blob_check(buf, len, magic, version);
    if (st != RL_BLOB_OK) return st;
    r->p = (const unsigned char *)buf + RL_BLOB_HEADER_BYTES;
    r->end = (const unsigned char *)buf + len;
    r->nstrs = rl_blob_get_count(r, 4);
    r->strs = rl_xcalloc((size_t)r->nstrs + 1, sizeof *r->strs);
    for (uint32_t i = 0; i < r->nstrs && !r->bad; i++) {
        uint32_t n = rl_blob_get_u32(r);
        if (r->bad || n > (size_t)(r->end - r->p) || memchr(r->p, '\0', n)) {
            r->bad = 1;
            break;
        }
        r->strs[i] = rl_intern_n(pool, (const char *)r->p, n);
        r->p += n;
    }
    if (!r->bad) return RL_BLOB_OK;
    rl_blob_reader_close(r);
    return RL_BLOB_TRUNCATED;
}

void rl_blob_reader_close(rl_blob_reader *r)
{
    free(r->strs);
    r->strs = NULL;
    r->nstrs = 0;
}
