/* Points-to sets of memory places (stored_set.h): a bounded list of
 * distinct interned values per place, found through a pointer map. A
 * place rarely gets more than a few values, so membership is a scan. */
#include "stored_set.h"
#include "../util/mem.h"
#include <stdlib.h>

int rl_stored_sets_add(rl_stored_sets *sets, const char *place, const char *value)
{
    void **slot = rl_ptrmap_slot(&sets->by_place, place);
    rl_stored_set *s = *slot;
    if (!s) *slot = s = rl_xcalloc(1, sizeof *s);
    if (s->overflowed) return 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->values[i] == value) return 0;
    if (s->n == RL_STORED_SET_MAX) {
        s->overflowed = 1;
        return 1;
    }
    RL_PUSH(s->values, s->n, s->cap, value);
    return 1;
}

const rl_stored_set *rl_stored_sets_get(const rl_stored_sets *sets, const char *place)
{
    return rl_ptrmap_get(&sets->by_place, place);
}

void rl_stored_sets_free(rl_stored_sets *sets)
{
    for (size_t i = 0; i < sets->by_place.nslots; i++) {
        rl_stored_set *s = sets->by_place.keys[i] ? sets->by_place.values[i] : NULL;
        if (!s) continue;
        free(s->values);
        free(s);
    }
    rl_ptrmap_free(&sets->by_place);
}
