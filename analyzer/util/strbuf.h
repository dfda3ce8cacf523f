/* A growable, always NUL-terminated string used to build messages, paths and
 * keys. The buffer owns its memory; rl_sb_take hands it to the caller. */
#ifndef RL_STRBUF_H
#define RL_STRBUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct rl_strbuf {
    char *data;
    size_t len;
    size_t cap;
} rl_strbuf;

#define RL_STRBUF_INIT {NULL, 0, 0}

void rl_sb_append(rl_strbuf *sb, const char *s);
void rl_sb_appendn(rl_strbuf *sb, const char *s, size_t n);
void rl_sb_appendc(rl_strbuf *sb, char c);
/* The decimal digits of n: a key built in a hot loop, without printf. */
void rl_sb_append_int(rl_strbuf *sb, long long n);
void rl_sb_printf(rl_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rl_sb_vprintf(rl_strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void rl_sb_truncate(rl_strbuf *sb, size_t len);
/* Never NULL: an empty buffer yields "". */
const char *rl_sb_str(const rl_strbuf *sb);
/* Returns the heap string (caller frees) and resets the buffer. */
char *rl_sb_take(rl_strbuf *sb);
void rl_sb_free(rl_strbuf *sb);

#endif
