/* Binary images: the header every racelint binary file starts with, and a
 * writer and a reader of little-endian integers and strings kept once in a
 * table. The facts cache (facts/facts_io.c) and the results cache
 * (results.c) are written with them; the facts files (facts/facts_file.c)
 * start with the header.
 *
 * An image is: 4 bytes of magic, a u32 format version, a u64 checksum
 * (rl_hash_bytes of everything after the header), then, for images with
 * strings, u32 nstrings and each string as u32 length and its bytes (no
 * NUL), then the body the caller wrote. A string in the body is a u32
 * index into that table, RL_BLOB_NO_STR for NULL.
 *
 * Invariants:
 *  1. The writer keys its table by pointer: callers pass interned strings
 *     (util/strpool.h), or equal texts are written twice (still correct).
 *  2. The reader never reads past the end: each get past it, or a string
 *     index outside the table, sets `bad` and returns 0 or NULL; callers
 *     test `bad` once at the end and refuse the whole image then.
 *  3. Strings read back are interned into the pool the caller gives, and
 *     live as long as it. */
#ifndef RL_BLOB_H
#define RL_BLOB_H
#include "ptrmap.h"
#include "strpool.h"
#include <stddef.h>
#include <stdint.h>

#define RL_BLOB_MAGIC_BYTES 4
#define RL_BLOB_HEADER_BYTES 16
#define RL_BLOB_NO_STR 0xffffffffu
/* Generous bound against absurd counts in corrupt images. */
#define RL_BLOB_MAX_COUNT (1u << 28)

/* What a reader found in an image's header. */
typedef enum rl_blob_status {
    RL_BLOB_OK,
    RL_BLOB_TRUNCATED, /* shorter than the header */
    RL_BLOB_FOREIGN,   /* another magic: not this kind of file */
    RL_BLOB_VERSION,   /* another format version */
    RL_BLOB_CHECKSUM,  /* the bytes after the header are not those sealed */
} rl_blob_status;
/* Writes the header into the first RL_BLOB_HEADER_BYTES of buf (len bytes
 * in all, at least the header), sealing the checksum of the rest. */
void rl_blob_seal(unsigned char *buf, size_t len, const char *magic, uint32_t version);
rl_blob_status rl_blob_check(const void *buf, size_t len, const char *magic, uint32_t version);
/* A few words for messages: "damaged or truncated (checksum mismatch)". */
const char *rl_blob_status_text(rl_blob_status status);

/* ---- writing: the body first, its strings collected, then the image ---- */

typedef struct rl_blob_writer {
    unsigned char *data;
    size_t len, cap;
    rl_ptrmap index; /* string pointer -> its index + 1 */
    const char **strs;
    size_t nstrs, cap_strs;
} rl_blob_writer;
#define RL_BLOB_WRITER_INIT {NULL, 0, 0, RL_PTRMAP_INIT, NULL, 0, 0}

void rl_blob_put_bytes(rl_blob_writer *w, const void *p, size_t n);
void rl_blob_put_u8(rl_blob_writer *w, uint8_t v);
void rl_blob_put_u32(rl_blob_writer *w, uint32_t v);
void rl_blob_put_u64(rl_blob_writer *w, uint64_t v);
/* s by its index in the table (invariant 1); NULL as RL_BLOB_NO_STR. */
void rl_blob_put_str(rl_blob_writer *w, const char *s);
/* The sealed image: header, the table of body's strings, body's bytes
 * (magic of RL_BLOB_MAGIC_BYTES); *len its size. Frees body's buffers;
 * the caller owns the image. */
unsigned char *rl_blob_finish(rl_blob_writer *body, const char *magic, uint32_t version, size_t *len);

/* ---- reading ----------------------------------------------------------- */

typedef struct rl_blob_reader {
    const unsigned char *p, *end;
    int bad;
    const char **strs;
    uint32_t nstrs;
} rl_blob_reader;

/* Opens an image made by rl_blob_finish: checks the header (its status,
 * RL_BLOB_OK or why not; a table that does not fit is RL_BLOB_TRUNCATED)
 * and reads the table into pool. On RL_BLOB_OK, r is at the body and
 * rl_blob_reader_close must be called. */
rl_blob_status rl_blob_reader_open(rl_blob_reader *r, const void *buf, size_t len, const char *magic,
                                   uint32_t version, rl_strpool *pool);
void rl_blob_reader_close(rl_blob_reader *r);
int rl_blob_get_bytes(rl_blob_reader *r, void *dst, size_t n);
uint8_t rl_blob_get_u8(rl_blob_reader *r);
uint32_t rl_blob_get_u32(rl_blob_reader *r);
uint64_t rl_blob_get_u64(rl_blob_reader *r);
const char *rl_blob_get_str(rl_blob_reader *r);
/* A count of items of at least min_bytes each that fits what is left
 * (bad, and 0, when it does not). */
uint32_t rl_blob_get_count(rl_blob_reader *r, size_t min_bytes);

#endif
