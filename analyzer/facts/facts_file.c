/* Facts files (facts_file.h): the envelope around a facts image, written
 * atomically, read back with every length checked. */
#include "facts_file.h"
#include "facts.h"
#include "../util/file.h"
#include "../util/mem.h"
#include "../util/outfile.h"
#include "../util/strbuf.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FILE_MAGIC "RLFD"
#define FILE_FORMAT 1
#define NS_PER_SEC 1000000000LL

static void put_le(rl_strbuf *sb, uint64_t v, int bytes)
{
    for (int k = 0; k < bytes; k++) rl_sb_appendc(sb, (char)(unsigned char)(v >> (8 * k)));
}

static void put_field(rl_strbuf *sb, const void *data, size_t len)
{
    put_le(sb, len, 4);
    if (len) rl_sb_appendn(sb, data, len);
}

static void put_text(rl_strbuf *sb, const char *s)
{
    put_field(sb, s ? s : "", s ? strlen(s) : 0);
}

int rl_facts_file_write(const char *dir, rl_facts_file *f, rl_error *err)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    f->written_ns = (int64_t)now.tv_sec * NS_PER_SEC + now.tv_nsec;
    rl_strbuf sb = RL_STRBUF_INIT;
    put_le(&sb, 0, RL_BLOB_HEADER_BYTES / 2); /* the header, sealed below */
    put_le(&sb, 0, RL_BLOB_HEADER_BYTES / 2);
    put_le(&sb, (uint64_t)f->kind, 1);
    put_le(&sb, (uint64_t)f->written_ns, 8);
    put_text(&sb, f->unit);
    put_text(&sb, f->directory);
    put_text(&sb, f->key);
    put_text(&sb, f->run_key);
    put_text(&sb, f->error);
    put_field(&sb, f->blob, f->blob ? f->blob_len : 0);
    rl_blob_seal((unsigned char *)sb.data, sb.len, FILE_MAGIC, FILE_FORMAT);

    char *path = rl_xasprintf("%s/%s%s", dir, f->key, RL_FACTS_FILE_EXT);
    rl_outfile of;
    int rc = rl_outfile_open(&of, path, err);
    if (rc == 0) {
        int wrote = fwrite(sb.data, 1, sb.len, of.f) == sb.len;
        rc = rl_outfile_close(&of, wrote, err);
        if (!wrote && rc == 0) rc = rl_fail(err, "cannot write '%s'", path);
    }
    free(path);
    rl_sb_free(&sb);
    return rc;
}

/* ---- reading --------------------------------------------------------------- */

typedef struct cursor {
    const unsigned char *p, *end;
} cursor;

static int get_le(cursor *c, int bytes, uint64_t *v)
{
    if (c->end - c->p < bytes) return -1;
    *v = 0;
    for (int k = 0; k < bytes; k++) *v |= (uint64_t)c->p[k] << (8 * k);
    c->p += bytes;
    return 0;
}

/* A length-prefixed field: its bytes stay in the buffer. */
static int get_field(cursor *c, const unsigned char **data, size_t *len)
{
    uint64_t n;
    if (get_le(c, 4, &n) != 0 || (uint64_t)(c->end - c->p) < n) return -1;
    *data = c->p;
    *len = (size_t)n;
    c->p += n;
    return 0;
}

/* A text field (no NUL inside) as a heap string. */
static int get_text(cursor *c, char **out)
{
    const unsigned char *d;
    size_t n;
    if (get_field(c, &d, &n) != 0 || memchr(d, '\0', n)) return -1;
    *out = rl_xstrndup((const char *)d, n);
    return 0;
}

/* A key: exactly 16 hex digits. */
static int get_key(cursor *c, char out[RL_FACTS_KEY_SIZE])
{
    char *s = NULL;
    int ok = get_text(c, &s) == 0 && strlen(s) == RL_FACTS_KEY_SIZE - 1 &&
             strspn(s, "0123456789abcdef") == RL_FACTS_KEY_SIZE - 1;
    if (ok) memcpy(out, s, RL_FACTS_KEY_SIZE);
    free(s);
    return ok ? 0 : -1;
}

int rl_facts_file_decode(const void *buf, size_t len, rl_facts_file *out, rl_error *err)
{
    memset(out, 0, sizeof *out);
    rl_blob_status st = rl_blob_check(buf, len, FILE_MAGIC, FILE_FORMAT);
    if (st != RL_BLOB_OK) return rl_fail(err, "%s", rl_blob_status_text(st));
    cursor c = {(const unsigned char *)buf + RL_BLOB_HEADER_BYTES, (const unsigned char *)buf + len};
    uint64_t kind = 0, written = 0;
    const unsigned char *blob = NULL;
    size_t blob_len = 0;
    int bad = get_le(&c, 1, &kind) || get_le(&c, 8, &written) || get_text(&c, &out->unit) ||
              get_text(&c, &out->directory) || get_key(&c, out->key) || get_key(&c, out->run_key) ||
              get_text(&c, &out->error) || get_field(&c, &blob, &blob_len) || c.p != c.end;
    if (!bad && kind != RL_FACTS_FILE_FACTS && kind != RL_FACTS_FILE_FAILED) bad = 1;
    if (!bad && (!out->unit[0] || (kind == RL_FACTS_FILE_FACTS) != (blob_len > 0))) bad = 1;
    if (bad) {
        rl_facts_file_clear(out);
        return rl_fail(err, "malformed (its checksum holds, but its fields do not: written by a broken tool?)");
    }
    out->kind = (rl_facts_file_kind)kind;
    out->written_ns = (int64_t)written;
    if (out->kind == RL_FACTS_FILE_FACTS) {
        st = rl_facts_check(blob, blob_len);
        if (st != RL_BLOB_OK) {
            rl_facts_file_clear(out);
            return rl_fail(err, "its facts are %s", rl_blob_status_text(st));
        }
        out->blob = rl_xmalloc(blob_len);
        memcpy(out->blob, blob, blob_len);
        out->blob_len = blob_len;
        free(out->error);
        out->error = NULL;
    }
    return 0;
}

int rl_facts_file_read(const char *path, rl_facts_file *out, rl_error *err)
{
    memset(out, 0, sizeof *out);
    char *data;
    size_t len;
    if (rl_read_file(path, RL_FACTS_FILE_MAX_BYTES, "a facts file", &data, &len, err) != 0) return -1;
    int rc = rl_facts_file_decode(data, len, out, err);
    free(data);
    return rc;
}

void rl_facts_file_clear(rl_facts_file *f)
{
    free(f->unit);
    free(f->directory);
    free(f->error);
    free(f->blob);
    memset(f, 0, sizeof *f);
}
