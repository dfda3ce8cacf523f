/* Facts files and folders (facts/facts_file.h, facts_dir.h): a file reads
 * back as written; a truncated, foreign, other-version, bit-flipped or
 * malformed (re-sealed) file is refused with the message for its problem,
 * never read in part; pruning removes the oldest files first; shards are
 * stable and cover every unit once.
 * usage: test_facts_file */
#include "check.h"
#include "facts/facts.h"
#include "facts/facts_file.h"
#include "facts_dir.h"
#include "util/mem.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Where the envelope's fields start and its kind byte sits. */
#define KIND_OFFSET RL_BLOB_HEADER_BYTES
#define VERSION_OFFSET 4
#define SHARD_NAMES 200
#define SHARDS 4

static const char *const envelope_magic = "RLFD";
static const unsigned envelope_version = 1;

/* A small facts file in dir, for unit "src/a.c", its bytes in *bytes. */
static rl_facts_file sample(const char *dir, const char *key, unsigned char **bytes, size_t *len)
{
    rl_unit_facts *facts = rl_facts_new("src/a.c");
    rl_facts_add_dep(facts, "src/a.c", 42);
    rl_facts_file f;
    memset(&f, 0, sizeof f);
    f.kind = RL_FACTS_FILE_FACTS;
    f.unit = "src/a.c";
    f.directory = "build";
    snprintf(f.key, sizeof f.key, "%s", key);
    snprintf(f.run_key, sizeof f.run_key, "00000000000000aa");
    f.blob = rl_facts_serialize(facts, &f.blob_len);
    rl_facts_free(facts);
    rl_error err = {{0}};
    CHECK(rl_facts_file_write(dir, &f, &err) == 0);
    char *path = rl_xasprintf("%s/%s.rlf", dir, key);
    FILE *in = fopen(path, "rb");
    CHECK(in != NULL);
    *bytes = rl_xmalloc(1 << 16);
    *len = in ? fread(*bytes, 1, 1 << 16, in) : 0;
    if (in) fclose(in);
    free(path);
    return f;
}

/* Decoding buf must fail with a message containing want. */
static void refused(const unsigned char *buf, size_t len, const char *want)
{
    rl_facts_file f;
    rl_error err = {{0}};
    CHECK(rl_facts_file_decode(buf, len, &f, &err) == -1);
    CHECK_CONTAINS(err.msg, want);
    CHECK(f.unit == NULL && f.blob == NULL);
}

static void test_round_trip_and_damage(const char *dir)
{
    unsigned char *bytes;
    size_t len;
    rl_facts_file w = sample(dir, "0123456789abcdef", &bytes, &len);
    char *path = rl_xasprintf("%s/0123456789abcdef.rlf", dir);
    rl_facts_file r;
    rl_error err = {{0}};
    CHECK(rl_facts_file_read(path, &r, &err) == 0);
    CHECK_STR(r.unit, "src/a.c");
    CHECK_STR(r.directory, "build");
    CHECK_STR(r.key, "0123456789abcdef");
    CHECK_STR(r.run_key, "00000000000000aa");
    CHECK(r.kind == RL_FACTS_FILE_FACTS && r.written_ns == w.written_ns);
    CHECK(r.blob_len == w.blob_len && memcmp(r.blob, w.blob, r.blob_len) == 0);
    rl_facts_file_clear(&r);

    unsigned char *b = rl_xmalloc(len);
    for (size_t n = 0; n < len; n++) {
        rl_facts_file t;
        CHECK(rl_facts_file_decode(bytes, n, &t, &err) == -1);
    }
    refused(bytes, RL_BLOB_MAGIC_BYTES - 1, "truncated");
    memcpy(b, bytes, len);
    b[0] = 'X';
    refused(b, len, "not a racelint facts file");
    memcpy(b, bytes, len);
    b[VERSION_OFFSET]++;
    refused(b, len, "another format version");
    memcpy(b, bytes, len);
    b[len / 2] ^= 0x5a;
    refused(b, len, "checksum mismatch");
    refused(bytes, len - 1, "checksum mismatch");
    /* Sealed again: the header holds, the fields must not. */
    memcpy(b, bytes, len);
    b[KIND_OFFSET] = 7;
    rl_blob_seal(b, len, envelope_magic, envelope_version);
    refused(b, len, "malformed");
    memcpy(b, bytes, len);
    b[len - 1] ^= 0x5a; /* inside the facts image */
    rl_blob_seal(b, len, envelope_magic, envelope_version);
    refused(b, len, "its facts are damaged");
    free(b);
    free(bytes);
    free(path);
    free(w.blob);
}

static void set_age(const char *dir, const char *key, time_t age)
{
    char *path = rl_xasprintf("%s/%s.rlf", dir, key);
    struct timespec t[2] = {{time(NULL) - age, 0}, {time(NULL) - age, 0}};
    CHECK(utimensat(AT_FDCWD, path, t, 0) == 0);
    free(path);
}

static void test_prune(const char *dir)
{
    static const char *const keys[] = {"1111111111111111", "2222222222222222", "3333333333333333"};
    size_t len = 0;
    for (int i = 0; i < 3; i++) {
        unsigned char *bytes;
        rl_facts_file f = sample(dir, keys[i], &bytes, &len);
        free(f.blob);
        free(bytes);
        set_age(dir, keys[i], 100 * (3 - i)); /* keys[0] the oldest */
    }
    size_t removed = 0;
    rl_error err = {{0}};
    CHECK(rl_facts_dir_prune(dir, 2 * len, &removed, &err) == 0);
    CHECK_INT(removed, 2); /* the 0123... file of the first test and keys[0] */
    char *oldest = rl_xasprintf("%s/%s.rlf", dir, keys[0]), *newest = rl_xasprintf("%s/%s.rlf", dir, keys[2]);
    CHECK(access(oldest, F_OK) != 0);
    CHECK(access(newest, F_OK) == 0);
    free(oldest);
    free(newest);
}

static void test_shards(void)
{
    size_t counts[SHARDS + 1] = {0};
    for (int i = 0; i < SHARD_NAMES; i++) {
        char name[64];
        snprintf(name, sizeof name, "/src/unit%d.c", i);
        unsigned s = rl_shard_of(name, SHARDS);
        CHECK(s >= 1 && s <= SHARDS);
        CHECK(rl_shard_of(name, SHARDS) == s);
        counts[s <= SHARDS ? s : 0]++;
    }
    for (int s = 1; s <= SHARDS; s++) CHECK(counts[s] > SHARD_NAMES / SHARDS / 2);
    CHECK(rl_shard_of("/src/a.c", 1) == 1);
}

int main(void)
{
    char dir[] = "test_facts_file.XXXXXX"; /* in the test's working folder */
    if (!mkdtemp(dir)) return 1;
    test_round_trip_and_damage(dir);
    test_prune(dir);
    test_shards();
    char *cmd = rl_xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    free(cmd);
    return test_summary("facts_file");
}
