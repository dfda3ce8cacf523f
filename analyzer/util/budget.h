/* A budget of time and memory for the whole-program phase (linking,
 * lock flow, thread model, rules), which no per-unit limit covers. The
 * stages poll it in their loops; once it is spent it stays spent, every
 * stage stops early, and the driver reports what was not finished as a
 * notice (never silently).
 *
 * Polling is cheap: the clock is read every RL_BUDGET_CLOCK_TICKS polls
 * and resident memory every RL_BUDGET_MEMORY_TICKS. */
#ifndef RL_BUDGET_H
#define RL_BUDGET_H
#include <stdint.h>

#define RL_BUDGET_CLOCK_TICKS 8
#define RL_BUDGET_MEMORY_TICKS 1024

typedef enum rl_budget_state { RL_BUDGET_OK, RL_BUDGET_TIME, RL_BUDGET_MEMORY } rl_budget_state;

typedef struct rl_budget {
    long long deadline_ms;   /* rl_now_ms() past which time is spent; 0: no limit */
    uint64_t max_resident;   /* bytes of racelint's resident memory; 0: no limit */
    rl_budget_state state;   /* once spent, stays spent */
    unsigned ticks;
} rl_budget;

/* A budget of seconds (0: no limit) and bytes (0: no limit) from now. */
void rl_budget_start(rl_budget *b, unsigned seconds, uint64_t max_resident);
/* Whether the budget is spent (NULL: never). */
int rl_budget_spent(rl_budget *b);
/* The resident memory of this process in bytes (0 when unknown). */
uint64_t rl_resident_bytes(void);
/* Resident bytes of the process whose statm file is path (0 when unknown). */
uint64_t rl_statm_resident(const char *path);

#endif
