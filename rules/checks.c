/* The rule registry, generated from checks.def. */
#include "checks.h"
#include <string.h>

const rl_check rl_checks[] = {
#define RL_CHECK(id, cname, level, summary, description) {id, #cname, summary, description, level, rl_check_##cname},
#include "checks.def"
#undef RL_CHECK
};

const size_t rl_nchecks = sizeof rl_checks / sizeof rl_checks[0];

const rl_check *rl_check_find(const char *id)
{
    for (size_t i = 0; i < rl_nchecks; i++)
        if (strcmp(rl_checks[i].id, id) == 0) return &rl_checks[i];
    return NULL;
}
