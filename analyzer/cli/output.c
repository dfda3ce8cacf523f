/* Rendering result tables (output.h). */
#include "output.h"
#include "../model/finding_json.h"
#include "../util/mem.h"
#include "../util/termsafe.h"
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Columns of the table format are separated by this many spaces. */
#define COLUMN_GAP 2
/* Room for a number printed as text. */
#define NUMBER_BYTES 64

int rl_out_parse(const char *name, int allow_text)
{
    if (!name) return RL_OUT_TABLE;
    if (strcmp(name, "table") == 0) return RL_OUT_TABLE;
    if (strcmp(name, "csv") == 0) return RL_OUT_CSV;
    if (strcmp(name, "json") == 0) return RL_OUT_JSON;
    if (allow_text && strcmp(name, "text") == 0) return RL_OUT_TEXT;
    return -1;
}

size_t rl_out_safe(FILE *out, const char *s)
{
    return rl_term_write(out, s);
}

size_t rl_out_safe_width(const char *s)
{
    return rl_term_write(NULL, s);
}

/* A cell as text (NULL for SQL NULL); *heap says whether to free it. */
static const char *cell_text(const rl_value *v, char buf[NUMBER_BYTES])
{
    switch (v->type) {
    case RL_VALUE_INT:
        snprintf(buf, NUMBER_BYTES, "%" PRId64, v->i);
        return buf;
    case RL_VALUE_REAL:
        snprintf(buf, NUMBER_BYTES, "%.15g", v->r);
        return buf;
    case RL_VALUE_BOOL:
        return v->i ? "yes" : "no";
    case RL_VALUE_TEXT:
        return v->text;
    default:
        return NULL;
    }
}

static int is_numeric(const rl_value *v)
{
    return v->type == RL_VALUE_INT || v->type == RL_VALUE_REAL;
}

static void write_table(FILE *out, const rl_table *t)
{
    size_t *width = rl_xcalloc(t->ncols + 1, sizeof *width);
    int *right = rl_xcalloc(t->ncols + 1, sizeof *right);
    char buf[NUMBER_BYTES];
    for (size_t c = 0; c < t->ncols; c++) {
        width[c] = rl_out_safe_width(t->cols[c]);
        right[c] = t->nrows > 0;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const rl_value *v = rl_table_cell(t, r, c);
            size_t w = rl_out_safe_width(cell_text(v, buf));
            if (w > width[c]) width[c] = w;
            if (v->type != RL_VALUE_NULL && !is_numeric(v)) right[c] = 0;
        }
    }
    /* Header (upper case, as ps and docker print it), then the rows; each
     * line is built in memory and written without trailing blanks. */
    char *line = NULL;
    size_t len = 0;
    FILE *lf = open_memstream(&line, &len);
    if (!lf) {
        free(width);
        free(right);
        return;
    }
    FILE *final_out = out;
    out = lf;
    for (size_t r = 0; r <= t->nrows; r++) {
        rewind(lf);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *text;
            char *upper = NULL;
            if (r == 0) {
                upper = rl_xstrdup(t->cols[c]);
                for (char *p = upper; *p; p++)
                    if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
                text = upper;
            } else {
                text = cell_text(rl_table_cell(t, r - 1, c), buf);
            }
            size_t w = rl_out_safe_width(text);
            size_t pad = width[c] > w ? width[c] - w : 0;
            int last = c + 1 == t->ncols;
            if (right[c] && r > 0) fprintf(out, "%*s", (int)pad, "");
            rl_out_safe(out, text);
            if (!last && !(right[c] && r > 0)) fprintf(out, "%*s", (int)pad, "");
            if (!last) fprintf(out, "%*s", COLUMN_GAP, "");
            free(upper);
        }
        fflush(lf);
        size_t n = (size_t)ftell(lf);
        while (n > 0 && line[n - 1] == ' ') n--;
        fwrite(line, 1, n, final_out);
        fputc('\n', final_out);
    }
    fclose(lf);
    free(line);
    free(width);
    free(right);
}

/* RFC 4180: fields with a comma, quote, CR or LF are quoted, quotes
 * doubled; records end with CRLF. NULL is an empty field. */
static void csv_field(FILE *out, const char *s)
{
    if (!s) return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void write_csv(FILE *out, const rl_table *t)
{
    char buf[NUMBER_BYTES];
    for (size_t c = 0; c < t->ncols; c++) {
        if (c) fputc(',', out);
        csv_field(out, t->cols[c]);
    }
    fputs("\r\n", out);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (c) fputc(',', out);
            const rl_value *v = rl_table_cell(t, r, c);
            csv_field(out, v->type == RL_VALUE_BOOL ? (v->i ? "1" : "0") : cell_text(v, buf));
        }
        fputs("\r\n", out);
    }
}

json_t *rl_out_value_json(const rl_value *v)
{
    switch (v->type) {
    case RL_VALUE_INT:
        return json_integer(v->i);
    case RL_VALUE_REAL:
        return isfinite(v->r) ? json_real(v->r) : json_null();
    case RL_VALUE_BOOL:
        return json_boolean(v->i);
    case RL_VALUE_TEXT:
        return rl_json_text(v->text);
    default:
        return json_null();
    }
}

json_t *rl_out_table_json(const rl_table *t)
{
    json_t *rows = json_array();
    for (size_t r = 0; r < t->nrows; r++) {
        json_t *obj = json_object();
        for (size_t c = 0; c < t->ncols; c++) {
            /* SELECT 1 AS a, 2 AS a: keep both, as a and a_2 */
            char *key = rl_xstrdup(t->cols[c]);
            for (int k = 2; json_object_get(obj, key); k++) {
                free(key);
                key = rl_xasprintf("%s_%d", t->cols[c], k);
            }
            json_object_set_new(obj, key, rl_out_value_json(rl_table_cell(t, r, c)));
            free(key);
        }
        json_array_append_new(rows, obj);
    }
    return rows;
}

int rl_out_json(FILE *out, json_t *v)
{
    int rc = json_dumpf(v, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (rc == 0) fputc('\n', out);
    return rc == 0 ? 0 : -1;
}

int rl_out_write(FILE *out, rl_out_format fmt, const rl_table *t)
{
    int rc = 0;
    if (fmt == RL_OUT_JSON) {
        json_t *v = rl_out_table_json(t);
        rc = rl_out_json(out, v);
        json_decref(v);
    } else if (fmt == RL_OUT_CSV) {
        write_csv(out, t);
    } else {
        write_table(out, t);
    }
    if (fflush(out) != 0 || ferror(out)) rc = -1;
    return rc;
}
