/* Terminal-safe text (termsafe.h). */
#include "termsafe.h"
#include <string.h>

#define C1_FIRST 0x80u
#define C1_LAST 0x9Fu
#define BIDI_EMBED_FIRST 0x202Au /* LRE, RLE, PDF, LRO, RLO */
#define BIDI_EMBED_LAST 0x202Eu
#define BIDI_ISOLATE_FIRST 0x2066u /* LRI, RLI, FSI, PDI */
#define BIDI_ISOLATE_LAST 0x2069u
#define DEL 0x7Fu
/* Room for "\uHHHH" and its NUL. */
#define ESCAPE_BYTES 8

int rl_is_bidi_control(unsigned cp)
{
    return (cp >= BIDI_EMBED_FIRST && cp <= BIDI_EMBED_LAST) || (cp >= BIDI_ISOLATE_FIRST && cp <= BIDI_ISOLATE_LAST);
}

size_t rl_utf8_decode(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) n = 2, *cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, *cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, *cp = c & 0x07;
    else return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && *cp < 0x800) || (n == 4 && (*cp < 0x10000 || *cp > 0x10FFFF)) || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return n;
}

size_t rl_term_write(FILE *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t width = 0;
    while (*s) {
        unsigned c = *s, cp = 0;
        size_t n = rl_utf8_decode(s, &cp);
        char esc[ESCAPE_BYTES];
        const char *rep = NULL;
        if (c == '\n') rep = "\\n";
        else if (c == '\t') rep = "\\t";
        else if (c == '\r') rep = "\\r";
        else if (c < 0x20 || c == DEL || n == 0 || (cp >= C1_FIRST && cp <= C1_LAST)) {
            /* C1 controls act on terminals like ESC sequences: escape their
             * first byte, the next loop the second. */
            snprintf(esc, sizeof esc, "\\x%02x", c);
            rep = esc;
            n = 1;
        } else if (rl_is_bidi_control(cp)) {
            snprintf(esc, sizeof esc, "\\u%04x", cp);
            rep = esc;
        }
        if (rep) {
            if (out) fputs(rep, out);
            width += strlen(rep);
            s += n;
            continue;
        }
        if (out) fwrite(s, 1, n, out);
        width++;
        s += n;
    }
    return width;
}
