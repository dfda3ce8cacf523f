/* Result tables (table.h). */
#include "table.h"
#include "../util/mem.h"
#include <stdlib.h>
#include <string.h>

void rl_table_init(rl_table *t, size_t ncols, const char *const *names)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->cols = rl_xcalloc(ncols + 1, sizeof *t->cols);
    for (size_t i = 0; i < ncols; i++) t->cols[i] = rl_xstrdup(names[i] ? names[i] : "");
}

rl_value *rl_table_add_row(rl_table *t)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        t->cells = rl_xrealloc(t->cells, cap * (t->ncols ? t->ncols : 1) * sizeof *t->cells);
        t->cap = cap;
    }
    rl_value *row = t->cells + t->nrows * t->ncols;
    memset(row, 0, t->ncols * sizeof *row);
    t->nrows++;
    return row;
}

const rl_value *rl_table_cell(const rl_table *t, size_t row, size_t col)
{
    return &t->cells[row * t->ncols + col];
}

void rl_table_free(rl_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i].text);
    for (size_t i = 0; i < t->ncols; i++) free(t->cols[i]);
    free(t->cells);
    free(t->cols);
    memset(t, 0, sizeof *t);
}

void rl_value_take_text(rl_value *v, char *text)
{
    free(v->text);
    memset(v, 0, sizeof *v);
    if (!text) return;
    v->type = RL_VALUE_TEXT;
    v->text = text;
}

void rl_value_set_text(rl_value *v, const char *text)
{
    rl_value_take_text(v, text ? rl_xstrdup(text) : NULL);
}

void rl_value_set_textn(rl_value *v, const char *text, size_t n)
{
    rl_value_take_text(v, text ? rl_xstrndup(text, n) : NULL);
}

void rl_value_set_int(rl_value *v, int64_t i)
{
    rl_value_take_text(v, NULL);
    v->type = RL_VALUE_INT;
    v->i = i;
}

void rl_value_set_real(rl_value *v, double r)
{
    rl_value_take_text(v, NULL);
    v->type = RL_VALUE_REAL;
    v->r = r;
}

void rl_value_set_bool(rl_value *v, int b)
{
    rl_value_take_text(v, NULL);
    v->type = RL_VALUE_BOOL;
    v->i = b != 0;
}
