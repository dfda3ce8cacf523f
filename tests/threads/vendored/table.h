/* The program's own table type: `dup` NULL copies nothing. */
#ifndef TABLE_H
#define TABLE_H
struct table;
struct table_type {
    void *(*dup)(struct table *t, const void *value);
    int flags;
};
struct table {
    const struct table_type *type;
    void *value;
};
void table_set(struct table *t, const void *value);
#endif
