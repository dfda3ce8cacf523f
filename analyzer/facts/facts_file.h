/* Facts files: one unit's facts on disk, the unit of a facts directory
 * (facts_dir.h). `racelint cc` writes one per compile, `check --shard`
 * one per unit of its shard; `check --facts` links them.
 *
 * A file wraps the facts image of rl_facts_serialize (which has its own
 * header) in an envelope that says where the facts came from:
 *   header (facts.h: "RLFD", u32 version, u64 checksum of the rest)
 *   u8 kind  u64 written (nanoseconds since the epoch)
 *   str unit  str directory  str key  str run_key  str error
 *   u32 length, then the facts image (empty for a failed unit)
 *   str = u32 length, then the bytes (no NUL); little-endian.
 *
 * Invariants:
 *  1. A file is named KEY.rlf after its unit key (driver.h,
 *     rl_facts_unit_key: unit file, folder, flags and the run key), so a
 *     unit compiled again with the same flags replaces its file.
 *  2. Files are written through a temporary in the same folder and a
 *     rename (util/outfile.h): a reader sees a whole file or none, however
 *     many compiles write at once.
 *  3. Reading checks the header, every length, and the facts image's own
 *     header; anything out of place is an error naming the problem, never
 *     a partial result. */
#ifndef RL_FACTS_FILE_H
#define RL_FACTS_FILE_H
#include "../util/error.h"
#include <stddef.h>
#include <stdint.h>

#define RL_FACTS_FILE_EXT ".rlf"
/* A unit key, 16 hex digits and a NUL. */
#define RL_FACTS_KEY_SIZE 17
/* Bigger than any real unit's facts (a 100,000-line unit makes a few MiB). */
#define RL_FACTS_FILE_MAX_BYTES ((size_t)512 * 1024 * 1024)

typedef enum rl_facts_file_kind {
    RL_FACTS_FILE_FACTS = 1,  /* the unit's facts */
    RL_FACTS_FILE_FAILED = 2, /* no facts: error says why (a crash, a limit, racelint's own failure) */
} rl_facts_file_kind;

typedef struct rl_facts_file {
    rl_facts_file_kind kind;
    int64_t written_ns;
    char *unit;       /* main source file, as the unit list names it */
    char *directory;  /* the compile's folder */
    char key[RL_FACTS_KEY_SIZE];
    char run_key[RL_FACTS_KEY_SIZE];
    char *error;      /* FAILED: why; else NULL */
    unsigned char *blob; /* FACTS: rl_facts_serialize image; else NULL */
    size_t blob_len;
} rl_facts_file;

/* Writes f as DIR/KEY.rlf, atomically (invariant 2); written_ns is set
 * here. -1 with the reason in err. */
int rl_facts_file_write(const char *dir, rl_facts_file *f, rl_error *err);

/* Reads and checks one file. -1 with what is wrong in err ("truncated
 * ...", "not a racelint facts file ..."), without the path: the caller
 * names it. */
int rl_facts_file_read(const char *path, rl_facts_file *out, rl_error *err);

/* The same check on bytes in memory (the fuzz target, tests). */
int rl_facts_file_decode(const void *buf, size_t len, rl_facts_file *out, rl_error *err);

void rl_facts_file_clear(rl_facts_file *f);

#endif
