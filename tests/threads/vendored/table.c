#include "table.h"

void table_set(struct table *t, const void *value)
{
    t->value = t->type->dup ? t->type->dup(t, value) : (void *)value;
}
