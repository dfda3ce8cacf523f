/* Interned locksets (lockset.h). Operations build a temporary sorted array
 * and look it up in a hash table keyed by content. Held sets are small (a
 * handful of locks), but the may-held sets of a large program are not
 * (curl's reach hundreds of locks, and uniting them was three quarters of
 * its whole-program phase): a set keeps its hash, entries are hashed a
 * word at a time, and a union or meet whose result is one of its operands
 * returns that operand without building or looking up anything. */
#include "lockset.h"
#include "../util/mem.h"
#include "../util/strpool.h"
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_SLOTS 256
/* Odd multipliers of a 64-bit mix (splitmix64's). */
#define MIX_A 0xBF58476D1CE4E5B9ULL
#define MIX_B 0x94D049BB133111EBULL

/* Entries of the cache of unions and meets (powers of two): it starts at
 * the first and doubles, emptied, up to the second each time as many
 * pairs as it has slots have replaced another (curl's may-held sets met
 * in more pairs than 65,536 slots keep: a quarter of its merges, of
 * sets of a thousand locks, were of pairs merged before). */
#define PAIR_CACHE_SLOTS 65536
#define PAIR_CACHE_MAX_SLOTS (PAIR_CACHE_SLOTS * 16)

/* One remembered union or meet of two interned sets. */
typedef struct pair_result {
    const rl_lockset *a, *b, *result; /* a NULL: empty slot */
    int union_mode;
} pair_result;

struct rl_lockset_table {
    rl_lockset **slots;
    size_t nslots, count;
    const rl_lockset *empty;
    /* Direct-mapped, a new pair replacing the one in its slot: the model
     * unites the same large may-held sets again at every call reaching a
     * context (curl: most of the whole-program phase), and both operands
     * are interned, so the answer depends on the two pointers alone. */
    pair_result *pairs;
    size_t npairs;     /* slots of pairs */
    size_t evictions;  /* pairs that replaced another since it last grew */
};

static uint64_t mix(uint64_t x)
{
    x = (x ^ (x >> 30)) * MIX_A;
    x = (x ^ (x >> 27)) * MIX_B;
    return x ^ (x >> 31);
}

static uint64_t hash_entries(const rl_lock_entry *e, size_t n)
{
    uint64_t h = mix(n);
    for (size_t i = 0; i < n; i++) h = mix(h ^ ((uint64_t)(uintptr_t)e[i].lock * 2 + (e[i].shared != 0)));
    return h;
}

/* The order of entries: by the locks' names, so that a set's order, and
 * every order derived from it, is the same on every run (addresses of
 * interned names are not: they follow the history of the heap). Equal
 * names are the same lock; the address only parts names of two pools. */
static int lock_cmp(const char *a, const char *b)
{
    if (a == b) return 0;
    int c = strcmp(a, b);
    if (c) return c;
    return (uintptr_t)a < (uintptr_t)b ? -1 : 1;
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
        size_t j = s->hash & (n - 1);
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
    uint64_t h = hash_entries(e, n);
    size_t j = h & mask;
    while (t->slots[j]) {
        if (t->slots[j]->hash == h && same_entries(t->slots[j], e, n)) return t->slots[j];
        j = (j + 1) & mask;
    }
    rl_lockset *s = rl_xmalloc(sizeof *s);
    s->n = n;
    s->hash = h;
    s->id = (uint32_t)t->count;
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
    free(t->pairs);
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

/* The union (union_mode) or meet of two sets, merging their sorted
 * arrays; on a lock in both, the union keeps it shared only if both hold
 * it shared, the meet if either does. A result equal to a is a itself, one
 * equal to b is b when b is interned (b_interned), so that uniting a set
 * with what it already holds costs a walk and no lookup. */
static const rl_lockset *merge(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b, int union_mode,
                               int b_interned)
{
    rl_lock_entry *out = rl_xmalloc((a->n + b->n + 1) * sizeof *out);
    size_t i = 0, j = 0, n = 0;
    int is_a = 1, is_b = 1; /* the result so far equals a's (b's) entries */
    while (i < a->n || j < b->n) {
        int c = i >= a->n ? 1 : j >= b->n ? -1 : lock_cmp(a->e[i].lock, b->e[j].lock);
        if (c < 0) {
            if (union_mode) out[n++] = a->e[i];
            is_b &= !union_mode;
            is_a &= union_mode;
            i++;
        } else if (c > 0) {
            if (union_mode) out[n++] = b->e[j];
            is_a &= !union_mode;
            is_b &= union_mode;
            j++;
        } else {
            rl_lock_entry e = a->e[i];
            e.shared = union_mode ? (a->e[i].shared && b->e[j].shared) : (a->e[i].shared || b->e[j].shared);
            is_a &= e.shared == a->e[i].shared;
            is_b &= e.shared == b->e[j].shared;
            out[n++] = e;
            i++;
            j++;
        }
    }
    const rl_lockset *r = is_a ? a : is_b && b_interned ? b : intern(t, out, n);
    free(out);
    return r;
}

/* The union or meet of two interned sets, remembered. */
static const rl_lockset *merge_interned(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b, int union_mode)
{
    if (!t->pairs || (t->evictions >= t->npairs && t->npairs < PAIR_CACHE_MAX_SLOTS)) {
        t->npairs = t->pairs ? t->npairs * 2 : PAIR_CACHE_SLOTS;
        free(t->pairs);
        t->pairs = rl_xcalloc(t->npairs, sizeof *t->pairs);
        t->evictions = 0;
    }
    uint64_t h = mix(((uint64_t)a->id << 32 | b->id) * 2 + (uint64_t)union_mode);
    pair_result *p = &t->pairs[h & (t->npairs - 1)];
    if (p->a == a && p->b == b && p->union_mode == union_mode) return p->result;
    const rl_lockset *r = merge(t, a, b, union_mode, 1);
    t->evictions += p->a != NULL;
    *p = (pair_result){a, b, r, union_mode};
    return r;
}

const rl_lockset *rl_ls_meet(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b)
{
    if (!a) return b;
    if (!b || a == b) return a;
    return merge_interned(t, a, b, 0);
}

/* The member steps that end a lock known only by its type: the last two
 * (".pool.lock" of "{struct multi}.queue*.pool.lock": the lock of what
 * field `pool` holds), or the last one when it has one; NULL for any
 * other lock. */
static const char *by_type_member(const char *lock)
{
    if (lock[0] != '{') return NULL;
    const char *close = strchr(lock, '}');
    const char *last = strrchr(lock, '.');
    if (!close || !last || last < close || last[strcspn(last, "*[]{}")]) return NULL;
    const char *prev = last;
    while (prev > close + 1 && prev[-1] != '.' && !strchr("*[]{}", prev[-1])) prev--;
    /* prev is where the step before the last one's name starts */
    return prev > close + 1 && prev[-1] == '.' ? prev - 1 : last;
}

const rl_lockset *rl_ls_meet_by_type(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b)
{
    const rl_lockset *met = rl_ls_meet(t, a, b);
    if (!a || !b || met == a || met == b) return met;
    const rl_lockset *r = met;
    for (size_t i = 0; i < a->n; i++) {
        const char *member = by_type_member(a->e[i].lock);
        if (!member || rl_ls_contains(b, a->e[i].lock)) continue;
        for (size_t j = 0; j < b->n; j++) {
            const char *other = by_type_member(b->e[j].lock);
            if (!other || strcmp(member, other) != 0 || rl_ls_contains(a, b->e[j].lock)) continue;
            int a_first = lock_cmp(a->e[i].lock, b->e[j].lock) < 0;
            r = rl_ls_add(t, r, a_first ? a->e[i].lock : b->e[j].lock, a->e[i].shared || b->e[j].shared);
            break;
        }
    }
    return r;
}

const rl_lockset *rl_ls_union(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b)
{
    if (!a) return b;
    if (!b || a == b) return a;
    return merge_interned(t, a, b, 1);
}

const rl_lockset *rl_ls_add(rl_lockset_table *t, const rl_lockset *s, const char *lock, int shared)
{
    rl_lock_entry one = {lock, shared};
    rl_lockset single = {1, &one, 0, 0};
    if (!s) s = t->empty;
    int i = find(s, lock);
    if (i >= 0 && s->e[i].shared && !shared) s = rl_ls_remove(t, s, lock);
    else if (i >= 0) return s;
    return merge(t, s, &single, 1, 0); /* single lives on this stack */
}

static int entry_order(const void *x, const void *y)
{
    return lock_cmp(((const rl_lock_entry *)x)->lock, ((const rl_lock_entry *)y)->lock);
}

const rl_lockset *rl_ls_of(rl_lockset_table *t, rl_lock_entry *e, size_t n)
{
    if (n > 1) qsort(e, n, sizeof *e, entry_order);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept && e[kept - 1].lock == e[i].lock) {
            e[kept - 1].shared = e[kept - 1].shared && e[i].shared; /* exclusive wins, as in rl_ls_add */
            continue;
        }
        e[kept++] = e[i];
    }
    return intern(t, e, kept);
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

/* Whether `lock` is `collapsed` with its first "[]" holding a constant
 * index: "G:m[3].mu" for "G:m[].mu". */
static int is_element_of(const char *lock, const char *collapsed, const char *hole)
{
    size_t head = (size_t)(hole - collapsed);
    if (strncmp(lock, collapsed, head) != 0 || lock[head] != '[') return 0;
    const char *p = lock + head + 1;
    if (!isdigit((unsigned char)*p)) return 0;
    while (isdigit((unsigned char)*p)) p++;
    return *p == ']' && strcmp(p + 1, hole + 2) == 0;
}

const rl_lockset *rl_ls_remove_elements(rl_lockset_table *t, const rl_lockset *s, const char *collapsed)
{
    const char *hole = collapsed ? strchr(collapsed, '[') : NULL;
    if (!s || !hole || hole[1] != ']') return s;
    const rl_lockset *r = s;
    for (size_t i = 0; i < s->n; i++)
        if (is_element_of(s->e[i].lock, collapsed, hole)) r = rl_ls_remove(t, r, s->e[i].lock);
    return r;
}

const rl_lockset *rl_ls_minus(rl_lockset_table *t, const rl_lockset *a, const rl_lockset *b)
{
    if (!a || !b) return a;
    for (size_t i = 0; i < b->n; i++) a = rl_ls_remove(t, a, b->e[i].lock);
    return a;
}
