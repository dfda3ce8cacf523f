/* A result table: named columns and rows of typed values. The history
 * commands build one per listing (and `racelint sql` fills one from the
 * user's query); the CLI renders it as an aligned table, CSV or JSON. */
#ifndef RL_TABLE_H
#define RL_TABLE_H
#include <stddef.h>
#include <stdint.h>

typedef enum rl_value_type {
    RL_VALUE_NULL,
    RL_VALUE_INT,
    RL_VALUE_REAL,
    RL_VALUE_BOOL,
    RL_VALUE_TEXT
} rl_value_type;

typedef struct rl_value {
    rl_value_type type;
    int64_t i;   /* INT, BOOL (0 or 1) */
    double r;    /* REAL */
    char *text;  /* TEXT (owned) */
} rl_value;

typedef struct rl_table {
    size_t ncols;
    char **cols;     /* column names (owned) */
    size_t nrows, cap;
    rl_value *cells; /* nrows * ncols, row-major */
} rl_table;

void rl_table_init(rl_table *t, size_t ncols, const char *const *names);
/* Appends a row of NULLs and returns its first cell. */
rl_value *rl_table_add_row(rl_table *t);
const rl_value *rl_table_cell(const rl_table *t, size_t row, size_t col);
void rl_table_free(rl_table *t);

/* Setters; text is copied, and NULL text gives a NULL value. */
void rl_value_set_text(rl_value *v, const char *text);
void rl_value_set_textn(rl_value *v, const char *text, size_t n);
void rl_value_take_text(rl_value *v, char *text); /* takes ownership */
void rl_value_set_int(rl_value *v, int64_t i);
void rl_value_set_real(rl_value *v, double r);
void rl_value_set_bool(rl_value *v, int b);

#endif
