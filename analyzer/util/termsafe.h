/* Text made safe for a terminal. File names, messages, notes and source
 * lines come from the analysed tree; printed raw, an ESC sequence in a
 * file name can rewrite the screen, retitle the window or hide a line,
 * and bidi controls can show code in another order than it runs. Every
 * text printer (the text report, tables, `show`) writes such strings
 * through rl_term_write, and only there is anything changed: JSON, SARIF
 * and CSV keep the exact bytes.
 *
 * What is escaped: C0 controls and DEL as \xHH (\n, \t, \r as such), C1
 * controls and bytes that are not valid UTF-8 as \xHH, and the bidi
 * controls U+202A..U+202E and U+2066..U+2069 as \uHHHH. Everything else,
 * valid UTF-8 included, is written as it is. */
#ifndef RL_TERMSAFE_H
#define RL_TERMSAFE_H
#include <stddef.h>
#include <stdio.h>

/* Writes s (NULL: nothing) made safe to out, or only measures it when out
 * is NULL; returns its width in columns (one per character or escape
 * byte). */
size_t rl_term_write(FILE *out, const char *s);

/* Whether code point cp is a bidi control (shared with the HTML page,
 * which shows them as visible marks). */
int rl_is_bidi_control(unsigned cp);

/* Length of the UTF-8 sequence at s (1 to 4) with its code point in *cp,
 * or 0 if it is not valid UTF-8 (overlong forms, surrogates and bytes past
 * U+10FFFF included). */
size_t rl_utf8_decode(const unsigned char *s, unsigned *cp);

#endif
