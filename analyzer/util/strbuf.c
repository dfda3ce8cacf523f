/* Growable strings; see strbuf.h. */
#include "strbuf.h"
#include "mem.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reserve(rl_strbuf *sb, size_t extra)
{
    RL_GROW(sb->data, sb->cap, sb->len + extra + 1);
}

void rl_sb_appendn(rl_strbuf *sb, const char *s, size_t n)
{
    reserve(sb, n);
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void rl_sb_append(rl_strbuf *sb, const char *s)
{
    rl_sb_appendn(sb, s, strlen(s));
}

void rl_sb_appendc(rl_strbuf *sb, char c)
{
    rl_sb_appendn(sb, &c, 1);
}

void rl_sb_vprintf(rl_strbuf *sb, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n > 0) {
        reserve(sb, (size_t)n);
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, again);
        sb->len += (size_t)n;
    }
    va_end(again);
}

void rl_sb_printf(rl_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rl_sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

void rl_sb_truncate(rl_strbuf *sb, size_t len)
{
    if (len < sb->len) {
        sb->len = len;
        sb->data[len] = '\0';
    }
}

const char *rl_sb_str(const rl_strbuf *sb)
{
    return sb->data ? sb->data : "";
}

char *rl_sb_take(rl_strbuf *sb)
{
    char *s = sb->data ? sb->data : rl_xstrdup("");
    sb->data = NULL;
    sb->len = sb->cap = 0;
    return s;
}

void rl_sb_free(rl_strbuf *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

void rl_sb_append_int(rl_strbuf *sb, long long n)
{
    char digits[24]; /* 20 digits of 2^64, a sign, a NUL */
    size_t at = sizeof digits;
    unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
    do {
        digits[--at] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0) digits[--at] = '-';
    rl_sb_appendn(sb, digits + at, sizeof digits - at);
}
