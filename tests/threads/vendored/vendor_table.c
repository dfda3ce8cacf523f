/* The vendored library stores its own callback in its `dup`. */
#include "vendor_table.h"

long vendor_copies;

static void *vendor_dup(void *privdata, const void *value)
{
    (void)privdata;
    vendor_copies++;
    return (void *)value;
}

static struct table_type vendor_type = {0, vendor_dup};

void *vendor_copy(const void *value)
{
    return vendor_type.dup(0, value);
}
