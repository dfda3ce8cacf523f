/* What a pointer member holds in every object of its struct
 * (field_values.h): each member's set, and the functions storing into it. */
#include "field_values.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <stdlib.h>
#include <string.h>

/* Values one member's set keeps; one more makes it as unknown as an
 * untraced value would: the answer is one object or none. */
#define FIELD_MAX_VALUES 4

typedef struct field_set {
    const char *values[FIELD_MAX_VALUES]; /* resolved, interned */
    int n;
    int unknown; /* a value not traced, or too many */
} field_set;

typedef struct fn_list {
    int *fns;
    size_t n, cap;
} fn_list;

struct rl_field_values {
    rl_ptrmap sets;      /* member slot -> field_set */
    rl_ptrmap answers;   /* member slot -> the object tm_field_object gave */
    rl_ptrmap stale;     /* object -> 1: given for a member whose answer changed since */
    int stale_known;     /* stale is made (once every store is recorded) */
    rl_ptrmap storers;   /* member slot -> fn_list: the functions storing into it */
    uint8_t *frame_seen; /* per function: recorded its stores in a context */
    rl_ptrmap *reads;    /* per function, made on first use: the text of
                            each read of a pointer member -> its slot */
    uint8_t *reads_made;
    size_t nfns;
};

struct rl_field_values *tm_field_values_new(const rl_program *p)
{
    struct rl_field_values *fv = rl_xcalloc(1, sizeof *fv);
    fv->nfns = p->nfns;
    fv->frame_seen = rl_xcalloc(p->nfns + 1, 1);
    fv->reads = rl_xcalloc(p->nfns + 1, sizeof *fv->reads);
    fv->reads_made = rl_xcalloc(p->nfns + 1, 1);
    for (size_t fn = 0; fn < p->nfns; fn++) {
        const rl_function *f = p->fns[fn].fn;
        for (int32_t i = 0; f && i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            if (n->kind != RL_N_ACCESS || !n->field || !(n->flags & RL_ACC_WRITE)) continue;
            void **slot = rl_ptrmap_slot(&fv->storers, rl_intern(p->pool, n->field));
            if (!*slot) *slot = rl_xcalloc(1, sizeof(fn_list));
            fn_list *l = *slot;
            if (!l->n || l->fns[l->n - 1] != (int)fn) RL_PUSH(l->fns, l->n, l->cap, (int)fn);
        }
    }
    return fv;
}

void tm_field_values_free(struct rl_field_values *fv)
{
    if (!fv) return;
    for (size_t i = 0; i < fv->sets.nslots; i++)
        if (fv->sets.keys[i]) free(fv->sets.values[i]);
    for (size_t i = 0; i < fv->storers.nslots; i++) {
        fn_list *l = fv->storers.keys[i] ? fv->storers.values[i] : NULL;
        if (l) free(l->fns);
        free(l);
    }
    rl_ptrmap_free(&fv->sets);
    rl_ptrmap_free(&fv->answers);
    rl_ptrmap_free(&fv->stale);
    rl_ptrmap_free(&fv->storers);
    for (size_t fn = 0; fn < fv->nfns; fn++) rl_ptrmap_free(&fv->reads[fn]);
    free(fv->reads);
    free(fv->reads_made);
    free(fv->frame_seen);
    free(fv);
}

void tm_field_note(rl_model *m, const char *slot, const char *value)
{
    void **s = rl_ptrmap_slot(&m->field_values->sets, rl_intern(m->program->pool, slot));
    if (!*s) *s = rl_xcalloc(1, sizeof(field_set));
    field_set *set = *s;
    if (set->unknown) return;
    if (!value || !value[0]) {
        set->unknown = 1;
        return;
    }
    for (int i = 0; i < set->n; i++)
        if (set->values[i] == value) return;
    if (set->n == FIELD_MAX_VALUES) set->unknown = 1;
    else set->values[set->n++] = value;
}

void tm_field_note_frame(rl_model *m, int fn)
{
    if (fn >= 0 && (size_t)fn < m->field_values->nfns) m->field_values->frame_seen[fn] = 1;
}

/* Whether value names one object by itself: its address, not a pointer
 * still to follow nor an object known only by its type. */
static int names_one_object(const char *value)
{
    return value[0] == '&' && value[1] != '{' && !strchr(value, '*') && !strchr(value, '%');
}

/* The answer the stores recorded so far give for member key (interned). */
static const char *current_answer(const struct rl_field_values *fv, const char *key)
{
    const fn_list *storers = rl_ptrmap_get(&fv->storers, key);
    for (size_t i = 0; storers && i < storers->n; i++)
        if (!fv->frame_seen[storers->fns[i]]) return NULL;
    const field_set *set = rl_ptrmap_get(&fv->sets, key);
    if (!set || set->unknown || set->n != 1 || !names_one_object(set->values[0])) return NULL;
    return set->values[0];
}

const char *tm_field_object(rl_model *m, const char *slot)
{
    const char *key = slot ? rl_strpool_find(m->program->pool, slot) : NULL;
    const char *answer = key ? current_answer(m->field_values, key) : NULL;
    if (answer) rl_ptrmap_put(&m->field_values->answers, key, (void *)answer);
    return answer;
}

const char *tm_field_read_slot(rl_model *m, int fn, const char *text)
{
    struct rl_field_values *fv = m->field_values;
    if (fn < 0 || (size_t)fn >= fv->nfns || text[0] == '&' || !strchr(text, '*')) return NULL;
    rl_strpool *pool = m->program->pool;
    if (!fv->reads_made[fn]) {
        const rl_function *f = m->program->fns[fn].fn;
        for (int32_t i = 0; i < f->nnodes; i++) {
            const rl_node *n = &f->nodes[i];
            if (n->kind == RL_N_ACCESS && !(n->flags & RL_ACC_WRITE) && n->field && n->text)
                rl_ptrmap_put(&fv->reads[fn], rl_intern(pool, n->text), (void *)n->field);
        }
        fv->reads_made[fn] = 1;
    }
    const char *key = rl_strpool_find(pool, text);
    return key ? rl_ptrmap_get(&fv->reads[fn], key) : NULL;
}

const char *tm_member_tag(rl_model *m, const char *object)
{
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_printf(&sb, "%s%s", RL_MEMBER_TAG, object);
    const char *tag = rl_intern(m->program->pool, rl_sb_str(&sb));
    rl_sb_free(&sb);
    return tag;
}

int tm_is_member_tag(const char *value)
{
    return value && strncmp(value, RL_MEMBER_TAG, strlen(RL_MEMBER_TAG)) == 0;
}

const char *tm_member_tag_object(rl_model *m, const char *value)
{
    size_t n = strlen(RL_MEMBER_TAG);
    if (!tm_is_member_tag(value) || value[n] != '&') return NULL;
    struct rl_field_values *fv = m->field_values;
    if (!fv->stale_known) {
        /* an answer given while threads explored later had still to
         * store into the member may no longer be the member's one object */
        for (size_t i = 0; i < fv->answers.nslots; i++)
            if (fv->answers.keys[i] && current_answer(fv, fv->answers.keys[i]) != fv->answers.values[i])
                rl_ptrmap_put(&fv->stale, fv->answers.values[i], (void *)1);
        fv->stale_known = 1;
    }
    const char *object = rl_strpool_find(m->program->pool, value + n);
    return object && !rl_ptrmap_get(&fv->stale, object) ? object : NULL;
}
