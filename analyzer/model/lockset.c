/* Interned locksets (lockset.h). Sets are small (a handful of locks), so
 * operations build a temporary sorted array and look it up in a hash table
 * keyed by content. */
#include "lockset.h"
#include "../util/mem.h"
#include "../util/strpool.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_SLOTS 256

struct rl_lockset_table {
    rl_lockset **slots;
    size_t nslots, count;
    const rl_lockset *empty;
};

static uint64_t hash_entries(const rl_lock_entry *e, size_t n)
{
    uint64_t h = rl_hash_bytes(&n, sizeof n, 0);
    for (size_t i = 0; i < n; i++) {
        h = rl_hash_bytes(&e[i].lock, sizeof e[i].lock, h);
        h = rl_hash_bytes(&e[i].shared, sizeof e[i].shared, h);
    }
    return h;
}

static int same_entries(const rl_lockset *s, const rl_lock_entry *e, size_t n)
{
    if (s->n != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (s->e[i].lock != e[i].lock || s->e[i].shared != e[i].shared) return 0;
    return 1;
}

static void grow(rl_lockset_table *t)
{
    size_t n = t->nslots ? t->nslots * 2 : INITIAL_SLOTS;
    rl_lockset **slots = rl_xcalloc(n, sizeof *slots);
    for (size_t i = 0; i < t->nslots; i++) {
        rl_lockset *s = t->slots[i];
        if (!s) continue;
        size_t j = hash_entries(s->e, s->n) & (n - 1);
        while (slots[j]) j = (j + 1) & (n - 1);
        slots[j] = s;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
}

/* Interns a sorted entry array (copied). */
static const rl_lockset *intern(rl_lockset_table *t, const rl_lock_entry *e, size_t n)
{
    if ((t->count + 1) * 2 > t->nslots) grow(t);
    size_t mask = t->nslots - 1;
    size_t j = hash_entries(e, n) & mask;
    while (t->slots[j]) {
        if (same_entries(t->slots[j], e, n)) return t->slots[j];
        j = (j + 1) & mask;
    }
    rl_lockset *s = rl_xmalloc(sizeof *s);
    s->n = n;
    s->e = n ? rl_xmalloc(n * sizeof *s->e) : NULL;
    if (n) memcpy(s->e, e, n * sizeof *e);
    t->slots[j] = s;
    t->count++;
    return s;
}

rl_lockset_table *rl_lockset_table_new(void)
{
    rl_lockset_table *t = rl_xcalloc(1, sizeof *t);
    t->empty = intern(t, NULL, 0);
    return t;
}

void rl_lockset_table_free(rl_lockset_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nslots; i++) {
        if (!t->slots[i]) continue;
        free(t->slots[i]->e);
        free(t->slots[i]);
    }
    free(t->slots);
    free(t);
}

const rl_lockset *rl_ls_empty(rl_lockset_table *t)
{
    return t->empty;
}

static int find(const rl_lockset *s, const char *lock)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->e[i].lock == lock) return (int)i;
    return -1;
}

int rl_ls_contains(const rl_lockset *s, const char *lock)
{
    return s && find(s, lock) >= 0;
}

int rl_ls_mode(const rl_lockset *s, const char *lock)
{
    int i = s ? find(s, lock) : -1;
    return i < 0 ? -1 : s->e[i].shared;
}

/* Merges two sorted arrays; keep_a_only/keep_b_only select intersection or
 * union; shared_if_either picks the weaker mode on conflicts. */
static const rl_lockset *merge(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b, int union_mode)
{
    rl_lock_entry *out = rl_xmalloc((a->n + b->n + 1) * sizeof *out);
    size_t i = 0, j = 0, n = 0;
    while (i < a->n || j < b->n) {
        if (j >= b->n || (i < a->n && (uintptr_t)a->e[i].lock < (uintptr_t)b->e[j].lock)) {
            if (union_mode) out[n++] = a->e[i];
            i++;
        } else if (i >= a->n || (uintptr_t)b->e[j].lock < (uintptr_t)a->e[i].lock) {
            if (union_mode) out[n++] = b->e[j];
            j++;
        } else {
            rl_lock_entry e = a->e[i];
            e.shared = union_mode ? (a->e[i].shared && b->e[j].shared) : (a->e[i].shared || b->e[j].shared);
            out[n++] = e;
            i++;
            j++;
        }
    }
    const rl_lockset *r = intern(t, out, n);
    free(out);
    return r;
}

const rl_lockset *rl_ls_meet(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b)
{
    if (!a) return b;
    if (!b || a == b) return a;
    return merge(t, a, b, 0);
}

const rl_lockset *rl_ls_union(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b)
{
    if (!a) return b;
    if (!b || a == b) return a;
    return merge(t, a, b, 1);
}

const rl_lockset *rl_ls_add(rl_lockset_table *t, const rl_lockset *s, const char *lock, int shared)
{
    rl_lock_entry one = {lock, shared};
    rl_lockset single = {1, &one};
    if (!s) s = t->empty;
    int i = find(s, lock);
    if (i >= 0 && s->e[i].shared && !shared) s = rl_ls_remove(t, s, lock);
    else if (i >= 0) return s;
    return merge(t, s, &single, 1);
}

const rl_lockset *rl_ls_remove(rl_lockset_table *t, const rl_lockset *s, const char *lock)
{
    if (!s) return s;
    int i = find(s, lock);
    if (i < 0) return s;
    rl_lock_entry *out = rl_xmalloc((s->n + 1) * sizeof *out);
    size_t n = 0;
    for (size_t k = 0; k < s->n; k++)
        if ((int)k != i) out[n++] = s->e[k];
    const rl_lockset *r = intern(t, out, n);
    free(out);
    return r;
}

const rl_lockset *rl_ls_minus(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b)
{
    if (!a || !b) return a;
    for (size_t i = 0; i < b->n; i++) a = rl_ls_remove(t, a, b->e[i].lock);
    return a;
}
