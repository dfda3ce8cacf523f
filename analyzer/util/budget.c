/* Time and memory budget of the whole-program phase (budget.h). */
#include "budget.h"
#include "clock.h"
#include <stdio.h>
#include <unistd.h>

void rl_budget_start(rl_budget *b, unsigned seconds, uint64_t max_resident)
{
    b->deadline_ms = seconds ? rl_now_ms() + (long long)seconds * RL_MS_PER_SEC : 0;
    b->max_resident = max_resident;
    b->state = RL_BUDGET_OK;
    b->ticks = 0;
}

uint64_t rl_statm_resident(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    unsigned long long size = 0, resident = 0;
    int ok = fscanf(f, "%llu %llu", &size, &resident) == 2;
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return ok && page > 0 ? (uint64_t)resident * (uint64_t)page : 0;
}

uint64_t rl_resident_bytes(void)
{
    return rl_statm_resident("/proc/self/statm");
}

int rl_budget_spent(rl_budget *b)
{
    if (!b) return 0;
    if (b->state != RL_BUDGET_OK) return 1;
    unsigned t = ++b->ticks;
    if (b->deadline_ms && t % RL_BUDGET_CLOCK_TICKS == 0 && rl_now_ms() > b->deadline_ms) b->state = RL_BUDGET_TIME;
    if (b->max_resident && t % RL_BUDGET_MEMORY_TICKS == 0 && rl_resident_bytes() > b->max_resident)
        b->state = RL_BUDGET_MEMORY;
    return b->state != RL_BUDGET_OK;
}
