/* Operations on place and value strings (place.h). */
#include "place.h"
#include "../facts/facts.h"
#include "../util/mem.h"
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t rl_place_qualifier_len(const char *place)
{
    const char *p = place[0] == '&' ? place + 1 : place;
    size_t who = 0;
    if (p[0] == 't' && isdigit((unsigned char)p[1]))
        for (who = 1; isdigit((unsigned char)p[who]);) who++;
    else if (strncmp(p, "once:", 5) == 0)
        who = 4;
    if (!who || p[who] != ':') return 0;
    const char *fn_end = strchr(p + who + 1, ':');
    return fn_end ? (size_t)(fn_end + 1 - p) : 0;
}

rl_root_kind rl_place_root(const char *place, int *param_index)
{
    if (!place || !*place) return RL_ROOT_NONE;
    if (place[0] == '&') place++;
    if (strncmp(place, "G:", 2) == 0) return RL_ROOT_GLOBAL;
    if (strncmp(place, "L:", 2) == 0) return RL_ROOT_LOCAL;
    if (place[0] == '{') return RL_ROOT_TYPE;
    if (place[0] == 'H' && isdigit((unsigned char)place[1])) return RL_ROOT_HEAP;
    if (place[0] == 'P' && isdigit((unsigned char)place[1])) {
        if (param_index) *param_index = atoi(place + 1);
        return RL_ROOT_PARAM;
    }
    if (rl_place_qualifier_len(place)) return RL_ROOT_QUALIFIED;
    if (place[0] == '@' || place[0] == '%') return RL_ROOT_CALL;
    return RL_ROOT_NONE;
}

/* Length of the root token (up to the first step). */
static size_t root_len(const char *p)
{
    if (p[0] == '@' || p[0] == '%') {
        const char *end = strchr(p, RL_CALL_END[0]);
        return end ? (size_t)(end - p + 1) : strlen(p);
    }
    if (p[0] == '{') {
        const char *close = strchr(p, '}');
        return close ? (size_t)(close - p + 1) : strlen(p);
    }
    size_t q = rl_place_qualifier_len(p);
    if (q) return q + root_len(p + q); /* t<N>:<fn>:<L:name | Hid> */
    if (p[0] == 't' && isdigit((unsigned char)p[1])) return strlen(p);
    size_t n = (p[0] == 'G' || p[0] == 'L') && p[1] == ':' ? 2 : 1;
    while (p[n] && !strchr(".[*^~", p[n])) n++;
    return n;
}

/* The member a container step "^{T}m" names ends at the next step. */
static size_t member_len(const char *m)
{
    return strcspn(m, ".[*^~");
}

/* One rewrite of the first container or type step of s (place.h) into
 * next; 0 when there is none, or when s is not resolved yet. A container
 * step after a pointer not followed yet (`G:list.next*^{T}node`) waits
 * for the stores to say what that pointer holds (`&G:dev.node`, then
 * `G:dev.node^{T}node`: G:dev), unless final: then it names an object
 * of type T. */
static int normalize_step(const char *s, rl_strbuf *next, int final)
{
    size_t root = root_len(s);
    const char *step = s + root + strcspn(s + root, "^~");
    if (!*step || step[1] != '{') return 0;
    const char *close = strchr(step, '}');
    if (!close) return 0;
    rl_root_kind k = rl_place_root(s, NULL);
    size_t prefix = (size_t)(step - s);
    if (step[0] == '~') {
        /* "X.s~{S}": the member as an object of its own type when X is
         * known only by its type, else just X.s */
        if (k == RL_ROOT_PARAM || k == RL_ROOT_CALL) return 0;
        if (k == RL_ROOT_TYPE) rl_sb_appendn(next, step + 1, (size_t)(close - step));
        else rl_sb_appendn(next, s, prefix);
        rl_sb_append(next, close + 1);
        return 1;
    }
    const char *member = close + 1;
    size_t mlen = member_len(member);
    if (prefix >= root + mlen + 1 && s[prefix - mlen - 1] == '.' && memcmp(s + prefix - mlen, member, mlen) == 0) {
        rl_sb_appendn(next, s, prefix - mlen - 1); /* X.m^{T}m rest: X rest */
    } else if (k == RL_ROOT_PARAM || k == RL_ROOT_CALL) {
        return 0;
    } else if (!final && memchr(s + root, '*', (size_t)(step - s) - root)) {
        return 0;
    } else {
        rl_sb_appendn(next, step + 1, (size_t)(close - step)); /* {T} rest */
    }
    rl_sb_append(next, member + mlen);
    return 1;
}

/* The normalized form of place, which has a container or type step,
 * interned. */
static const char *normalize_steps(rl_strpool *pool, const char *place, int final)
{
    int amp = place[0] == '&';
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, place + amp);
    for (;;) {
        rl_strbuf next = RL_STRBUF_INIT;
        if (!normalize_step(rl_sb_str(&sb), &next, final)) {
            rl_sb_free(&next);
            break;
        }
        rl_sb_free(&sb);
        sb = next;
    }
    rl_strbuf out = RL_STRBUF_INIT;
    if (amp) rl_sb_appendc(&out, '&');
    rl_sb_append(&out, rl_sb_str(&sb));
    const char *r = rl_intern(pool, rl_sb_str(&out));
    rl_sb_free(&out);
    rl_sb_free(&sb);
    return r;
}

const char *rl_place_normalize(rl_strpool *pool, const char *place)
{
    if (!place || !place[strcspn(place, "^~")]) return place;
    return normalize_steps(pool, place, 0);
}

const char *rl_place_intern_normalized(rl_strpool *pool, const char *place)
{
    if (!place || !place[strcspn(place, "^~")]) return rl_intern(pool, place);
    return normalize_steps(pool, place, 0);
}

const char *rl_place_normalize_final(rl_strpool *pool, const char *place)
{
    if (!place || !place[strcspn(place, "^~")]) return place;
    return normalize_steps(pool, place, 1);
}

static const char *subst(rl_strpool *pool, const char *s, const char *const *vals, int nvals, int is_value)
{
    int amp = is_value && s[0] == '&';
    const char *place = s + amp;
    int idx = -1;
    if (rl_place_root(place, &idx) != RL_ROOT_PARAM) return rl_intern(pool, s);
    const char *rest = place + root_len(place);
    const char *val = idx >= 0 && idx < nvals && vals[idx] ? vals[idx] : "";
    /* "{T}" alone is a pointer to an unknown object of type T; "{T}.next"
     * is the pointer stored in a member of one: what it points to is
     * another object, of a type the place does not say, so its deref is
     * unknown, not the member (`statxbuf = req->ptr` handed on reads the
     * buffer, not `ptr`); so is a deref of no value. */
    int type_pointer = val[0] == '{' && !val[root_len(val)];
    int pointee_unknown = !val[0] || (val[0] == '{' && !type_pointer);
    rl_strbuf sb = RL_STRBUF_INIT;
    if (amp) rl_sb_appendc(&sb, '&');
    if (rest[0] == '*' && val[0] == '&') {
        /* *(&X) is X */
        rl_sb_append(&sb, val + 1);
        rl_sb_append(&sb, rest + 1);
    } else if (rest[0] == '*' && type_pointer) {
        /* a pointer to an unknown object of a known type: that type */
        rl_sb_append(&sb, val);
        rl_sb_append(&sb, rest + 1);
    } else if (rest[0] == '*' && pointee_unknown) {
        rl_sb_append(&sb, RL_UNKNOWN_ROOT);
        rl_sb_append(&sb, rest + 1);
    } else if (val[0] && !type_pointer) {
        rl_sb_append(&sb, val);
        rl_sb_append(&sb, rest);
    } else if (!amp && !rest[0]) {
        /* the parameter's value itself, unknown */
    } else {
        rl_sb_append(&sb, RL_UNKNOWN_ROOT);
        rl_sb_append(&sb, rest);
    }
    const char *r = rl_place_intern_normalized(pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return r;
}

int rl_place_is_single_object(const char *place)
{
    /* A choice root ('%': one of several objects) is no single object. */
    return place && place[0] != '{' && place[0] != '%' && !strstr(place, "[]") && !strstr(place, "{");
}

/* place followed by a mark's suffix, interned in pool. */
static const char *marked(rl_strpool *pool, const char *place, const char *suffix)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, place);
    rl_sb_append(&sb, suffix);
    const char *r = rl_intern(pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return r;
}

const char *rl_place_last_mark(rl_strpool *pool, const char *counter)
{
    return marked(pool, counter, RL_LAST_MARK);
}

int rl_place_is_last_mark(const char *name, const char *counter)
{
    size_t n = strlen(name), mark = sizeof RL_LAST_MARK - 1;
    if (n <= mark || strcmp(name + n - mark, RL_LAST_MARK) != 0) return 0;
    if (!counter) return 1;
    size_t len = strlen(counter);
    if (rl_place_is_again_mark(counter)) len -= sizeof RL_AGAIN_MARK - 1;
    return len == n - mark && strncmp(name, counter, len) == 0;
}

int rl_place_is_again_mark(const char *name)
{
    size_t n = strlen(name), mark = sizeof RL_AGAIN_MARK - 1;
    return n > mark && strcmp(name + n - mark, RL_AGAIN_MARK) == 0;
}

const char *rl_place_again_mark(rl_strpool *pool, const char *object)
{
    return rl_place_is_again_mark(object) ? rl_intern(pool, object) : marked(pool, object, RL_AGAIN_MARK);
}

uint32_t rl_place_index_params(const char *place)
{
    uint32_t mask = 0;
    for (const char *p = place ? strstr(place, "[#P") : NULL; p; p = strstr(p + 1, "[#P")) {
        int n = -1;
        if (sscanf(p, "[#P%d]", &n) == 1 && n >= 0 && n < 32) mask |= 1u << n;
    }
    return mask;
}

int rl_place_is_by_type(const char *place)
{
    if (place && place[0] == '&') place++;
    return place && place[0] == '{';
}

int rl_place_is_unknown_object(const char *place)
{
    return place && place[0] == '{' && root_len(place) == strlen(place);
}

size_t rl_place_root_len(const char *place)
{
    return root_len(place);
}

int rl_place_thread(const char *place)
{
    if (place[0] != 't' || !isdigit((unsigned char)place[1])) return -1;
    int n = 0;
    for (const char *p = place + 1; isdigit((unsigned char)*p) && n < INT_MAX / 10; p++) n = n * 10 + (*p - '0');
    return n;
}

size_t rl_place_heap_site(const char *place, size_t *frame_len, unsigned *line, unsigned *col)
{
    if (place[0] != 't' || !isdigit((unsigned char)place[1])) return 0;
    const char *colon = strchr(place, ':');
    const char *site = colon ? strchr(colon + 1, ':') : NULL;
    int used = 0;
    if (!site || sscanf(site, ":H%u_%u%n", line, col, &used) != 2) return 0;
    *frame_len = (size_t)(site - place);
    return *frame_len + (size_t)used;
}

size_t rl_value_heap_address(const char *value, unsigned *line, unsigned *col)
{
    size_t frame_len = 0;
    size_t site = value[0] == '&' ? rl_place_heap_site(value + 1, &frame_len, line, col) : 0;
    return site > 0 && !strchr(value + 1 + site, '*') ? site : 0;
}

const char *rl_place_subst(rl_strpool *pool, const char *place, const char *const *vals, int nvals)
{
    return subst(pool, place ? place : "", vals, nvals, 0);
}

const char *rl_value_subst(rl_strpool *pool, const char *value, const char *const *vals, int nvals)
{
    return subst(pool, value ? value : "", vals, nvals, 1);
}

const char *rl_place_subst_index(rl_strpool *pool, const char *place, const char *const *args, int nargs)
{
    if (!strstr(place, "[#P")) return place;
    rl_strbuf sb = RL_STRBUF_INIT;
    for (const char *p = place; *p;) {
        int n, m;
        const char *close = strchr(p, ']');
        if (close && sscanf(p, "[#P%d]", &n) == 1) {
            const char *arg = n >= 0 && n < nargs ? args[n] : NULL;
            if (arg && sscanf(arg, "#P%d", &m) == 1) rl_sb_printf(&sb, "[#P%d]", m);
            else rl_sb_append(&sb, "[]");
            p = close + 1;
        } else {
            rl_sb_appendc(&sb, *p++);
        }
    }
    const char *r = rl_intern(pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return r;
}

const char *rl_place_qualify(rl_strpool *pool, const char *place, const char *qualifier)
{
    int amp = place[0] == '&';
    rl_root_kind k = rl_place_root(place, NULL);
    if (k != RL_ROOT_LOCAL && k != RL_ROOT_HEAP) return rl_intern(pool, place);
    rl_strbuf sb = RL_STRBUF_INIT;
    if (amp) rl_sb_appendc(&sb, '&');
    rl_sb_append(&sb, qualifier);
    rl_sb_appendc(&sb, ':');
    rl_sb_append(&sb, place + amp);
    const char *r = rl_intern(pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return r;
}

int rl_place_is_every_element(const char *name)
{
    size_t n = strlen(name), k = strlen(RL_EVERY_ELEMENT);
    return n > k && strcmp(name + n - k, RL_EVERY_ELEMENT) == 0;
}

static void place_pretty(const char *place, rl_strbuf *out);

void rl_place_pretty(const char *place, rl_strbuf *out)
{
    /* a lock of every element of its array (facts.h): "every stripe[]" */
    if (rl_place_is_every_element(place)) {
        char *one = rl_xstrndup(place, strlen(place) - strlen(RL_EVERY_ELEMENT));
        rl_sb_append(out, "every ");
        place_pretty(one, out);
        free(one);
        return;
    }
    place_pretty(place, out);
}

static void place_pretty(const char *place, rl_strbuf *out)
{
    const char *p = place + rl_place_qualifier_len(place);
    if (p[0] == '@') {
        /* "@L_C<SEP>USR<SEP>TYPE...": show it as the pointee type */
        const char *type = strchr(p, RL_CALL_SEP[0]);
        type = type ? strchr(type + 1, RL_CALL_SEP[0]) : NULL;
        size_t n = type ? strcspn(type + 1, RL_CALL_SEP RL_CALL_END) : 0;
        rl_sb_append(out, "(result of a call: ");
        if (type) rl_sb_appendn(out, type + 1, n);
        rl_sb_append(out, " *)");
        p += root_len(p);
    } else if (strncmp(p, "G:", 2) == 0 || strncmp(p, "L:", 2) == 0) {
        /* the name, without the 'file or 'function tag of statics */
        p += 2;
        size_t n = strcspn(p, ".[*");
        const char *tag = memchr(p, '\'', n);
        rl_sb_appendn(out, p, tag ? (size_t)(tag - p) : n);
        p += n;
    } else if (p[0] == 'H' && isdigit((unsigned char)p[1])) {
        size_t n = 1;
        while (p[n] && p[n] != '.' && p[n] != '[' && p[n] != '*') n++;
        rl_sb_append(out, "(heap object)");
        p += n;
    } else if (p[0] == '{') {
        const char *close = strchr(p, '}');
        size_t n = close ? (size_t)(close - p - 1) : strlen(p + 1);
        /* a whole object of the type: `*(struct s *)`; a member of one:
         * `(struct s *)->field` */
        int whole = !close || !close[1];
        rl_sb_append(out, whole ? "*(" : "(");
        rl_sb_appendn(out, p + 1, n);
        rl_sb_append(out, whole ? " *)" : " *)->");
        p = close ? close + 1 : p + strlen(p);
        if (*p == '.') p++;
    }
    for (; *p; p++) {
        if (p[0] == '*' && p[1] == '.') {
            rl_sb_append(out, "->");
            p++;
        } else if (p[0] == '*') {
            rl_sb_append(out, "[]");
        } else {
            rl_sb_appendc(out, *p);
        }
    }
}

/* ---- choices ----------------------------------------------------------------- */

/* Splits a choice root "%TYPE SEP A SEP B ... END" into its type and its
 * alternatives (pointers into buf, which it modifies). Returns the number
 * of alternatives, 0 when it is not a well-formed choice. */
static size_t choice_split(char *buf, const char **type, const char **alts, size_t max)
{
    if (buf[0] != '%') return 0;
    char *end = strchr(buf, RL_CALL_END[0]);
    if (end) *end = '\0';
    size_t n = 0;
    *type = buf + 1;
    for (char *p = strchr(buf, RL_CALL_SEP[0]); p && n < max; p = strchr(p, RL_CALL_SEP[0])) {
        *p++ = '\0';
        alts[n++] = p;
    }
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *rl_choice_make(rl_strpool *pool, const char *type, const char *const *alternatives, size_t n)
{
    const char *flat[RL_MAX_CHOICES + 1];
    size_t nflat = 0;
    int too_many = 0;
    for (size_t i = 0; i < n && !too_many; i++) {
        const char *a = alternatives[i];
        if (a[0] == '%' && strlen(a) == rl_place_root_len(a)) {
            /* a choice itself (nothing after its root): its alternatives */
            char *copy = rl_xstrdup(a);
            const char *t, *inner[RL_MAX_CHOICES + 1];
            size_t k = choice_split(copy, &t, inner, RL_MAX_CHOICES + 1);
            for (size_t j = 0; j < k && !too_many; j++) {
                if (nflat == RL_MAX_CHOICES) too_many = 1;
                else flat[nflat++] = rl_intern(pool, inner[j]);
            }
            free(copy);
            continue;
        }
        if (nflat == RL_MAX_CHOICES) too_many = 1;
        else flat[nflat++] = rl_intern(pool, a);
    }
    rl_strbuf sb = RL_STRBUF_INIT;
    if (too_many || nflat == 0) {
        rl_sb_printf(&sb, "{%s}", type);
    } else {
        qsort(flat, nflat, sizeof *flat, cmp_str);
        size_t u = 0;
        for (size_t i = 0; i < nflat; i++)
            if (!u || flat[u - 1] != flat[i]) flat[u++] = flat[i];
        if (u == 1) {
            rl_sb_free(&sb);
            return flat[0];
        }
        rl_sb_printf(&sb, "%%%s", type);
        for (size_t i = 0; i < u; i++) rl_sb_printf(&sb, RL_CALL_SEP "%s", flat[i]);
        rl_sb_append(&sb, RL_CALL_END);
    }
    const char *r = rl_intern(pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return r;
}

size_t rl_place_alternatives(rl_strpool *pool, const char *place, const char **out)
{
    if (place[0] != '%') {
        out[0] = place;
        return 1;
    }
    size_t rl = rl_place_root_len(place);
    char *copy = rl_xstrndup(place, rl);
    const char *type, *alts[RL_MAX_CHOICES];
    size_t n = choice_split(copy, &type, alts, RL_MAX_CHOICES);
    rl_strbuf tail = RL_STRBUF_INIT;
    rl_sb_printf(&tail, "P0%s", place + rl);
    for (size_t i = 0; i < n; i++) {
        const char *vals[1] = {alts[i]};
        out[i] = rl_place_subst(pool, rl_sb_str(&tail), vals, 1);
    }
    rl_sb_free(&tail);
    free(copy);
    if (n == 0) {
        out[0] = place;
        return 1;
    }
    return n;
}
