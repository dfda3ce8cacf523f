/* Event log. The line counter is shared and unprotected; the banner is
 * hostile on purpose: reports must show it as text. */
#include "cache.h"
#include <stdio.h>

static long log_lines;

void log_event(const char *what, long key)
{
    log_lines++;
    if (log_lines == 1) fputs("</script><img src=x onerror=alert(1)> & \"quotes\" 'too'\n", stderr);
    fprintf(stderr, "<%s> key=%ld\n", what, key);
}
