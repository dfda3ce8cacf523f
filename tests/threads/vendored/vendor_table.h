/* A vendored library's hash table type: the same tag as the program's own
 * (table.h), other members, as hiredis's dict.h beside redis's. */
#ifndef VENDOR_TABLE_H
#define VENDOR_TABLE_H
struct table_type {
    unsigned (*hash)(const void *key);
    void *(*dup)(void *privdata, const void *value);
};
void *vendor_copy(const void *value);
extern long vendor_copies;
#endif
