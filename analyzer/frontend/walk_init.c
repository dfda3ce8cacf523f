/* Pointers stored by initializer lists (walker.h, rlw_init_stores): the
 * members of a brace initializer, positional or designated, nested, with
 * the place each one initialises (`struct s A = {3, &p}` stores &p into
 * A.next). Two users: the initializers of globals and statics, which the
 * model reads as stores made before main (extract.c, rl_static_store),
 * and those of locals, which store as assignments do at the declaration
 * (walk_stmt.c): `struct args a = {&counter, &lock};` hands a thread the
 * same pointers as `a.counter = &counter; a.lock = &lock;`.
 *
 * Invariants:
 *  1. Only members of pointer type are reported, with their value ("" when
 *     it cannot be traced) and the member's slot; the value is computed
 *     silently (no event is emitted for it here: the caller walks the
 *     initializer as a read itself).
 *  2. The elements of an array are one place ("[]"); an element
 *     designator inside a struct initializer is not followed.
 *  3. At most *budget members are reported; nesting is bounded by
 *     MAX_INIT_DEPTH and a struct's members by MAX_INIT_FIELDS.
 *  4. A struct initialised or assigned from another object as a whole
 *     stores, member by member, what that object's members hold. */
#include "walker.h"
#include "cursor.h"
#include <string.h>

/* Bounds of the initializers read for pointers: nesting of braces and
 * members of one struct. */
#define MAX_INIT_DEPTH 8
#define MAX_INIT_FIELDS 256

typedef struct field_list {
    CXCursor c[MAX_INIT_FIELDS];
    int n;
} field_list;

typedef struct init_walk {
    walker *w;
    rlw_init_store_fn store;
    void *ctx;
    int *budget;
    const char *field; /* the slot of the member being initialised, or NULL */
} init_walk;

/* A designated initializer (`.next = &p`, `[1] = {...}`): an unexposed
 * expression of type void, its designators first, the value last. */
static int is_designated(CXCursor c)
{
    return clang_getCursorKind(c) == CXCursor_UnexposedExpr && clang_getCursorType(c).kind == CXType_Void;
}

static void init_stores(init_walk *iw, CXCursor init, CXType t, rl_strbuf *place, int depth);

/* The members of a struct initializer, positional or designated by
 * members (`.a.b = v`); an element designator inside is not followed. */
static void struct_stores(init_walk *iw, const child_list *l, CXType t, rl_strbuf *place, int depth)
{
    walker *w = iw->w;
    field_list fields;
    fields.n = rl_cursor_fields(t, fields.c, MAX_INIT_FIELDS);
    int next = 0;
    for (int i = 0; i < l->len; i++) {
        CXCursor item = rlw_child_at(l, i), value = item;
        size_t mark = place->len;
        CXType vt = {CXType_Invalid, {NULL, NULL}};
        if (is_designated(item)) {
            child_list d;
            rlw_children_of(item, &d);
            int k = 0;
            for (; k < d.len - 1 && clang_getCursorKind(rlw_child_at(&d, k)) == CXCursor_MemberRef; k++) {
                CXCursor field = clang_getCursorReferenced(rlw_child_at(&d, k));
                if (k == 0)
                    for (int f = 0; f < fields.n; f++)
                        if (clang_equalCursors(fields.c[f], field)) next = f + 1;
                rl_sb_printf(place, ".%s", rlw_intern_cx(w, clang_getCursorSpelling(field)));
                vt = clang_getCursorType(field);
                iw->field = rlw_member_slot(w, field);
            }
            int plain = k > 0 && k == d.len - 1;
            if (plain) value = rlw_child_at(&d, k);
            rlw_children_free(&d);
            if (!plain) {
                rl_sb_truncate(place, mark);
                continue;
            }
        } else {
            if (next >= fields.n) break;
            rl_sb_printf(place, ".%s", rlw_intern_cx(w, clang_getCursorSpelling(fields.c[next])));
            iw->field = rlw_member_slot(w, fields.c[next]);
            vt = clang_getCursorType(fields.c[next++]);
        }
        init_stores(iw, value, vt, place, depth + 1);
        iw->field = NULL;
        rl_sb_truncate(place, mark);
    }
}

/* A struct copied whole from another object (`struct event ev = slot;`,
 * `ev = queue[head]`): each pointer member holds what the source's
 * member held, a load of it, as `ev.arg = slot.arg` would store; nested
 * structs member by member while the source is named without a pointer
 * (a member through one carries its type's step, walk_member.c). */
static void copy_stores(init_walk *iw, CXCursor at, CXType t, rl_strbuf *place, rl_strbuf *from, int depth)
{
    walker *w = iw->w;
    if (depth > MAX_INIT_DEPTH || *iw->budget <= 0) return;
    field_list fields;
    fields.n = rl_cursor_fields(t, fields.c, MAX_INIT_FIELDS);
    for (int i = 0; i < fields.n && *iw->budget > 0; i++) {
        CXType ft = clang_getCanonicalType(clang_getCursorType(fields.c[i]));
        if (ft.kind != CXType_Pointer && (ft.kind != CXType_Record || strchr(rl_sb_str(from), '*'))) continue;
        const char *name = rlw_intern_cx(w, clang_getCursorSpelling(fields.c[i]));
        if (!name[0]) continue; /* an anonymous member: its fields are named through it */
        size_t mark = place->len, from_mark = from->len;
        rl_sb_printf(place, ".%s", name);
        rl_sb_printf(from, ".%s", name);
        if (ft.kind == CXType_Record) copy_stores(iw, at, ft, place, from, depth + 1);
        else if (iw->store(w, rl_sb_str(place), rl_sb_str(from), rlw_member_slot(w, fields.c[i]), at,
                           iw->ctx))
            (*iw->budget)--;
        rl_sb_truncate(place, mark);
        rl_sb_truncate(from, from_mark);
    }
}

static void init_stores(init_walk *iw, CXCursor init, CXType t, rl_strbuf *place, int depth)
{
    walker *w = iw->w;
    if (depth > MAX_INIT_DEPTH || *iw->budget <= 0) return;
    t = clang_getCanonicalType(t);
    if (t.kind == CXType_Record && clang_getCursorKind(init) != CXCursor_InitListExpr &&
        clang_isExpression(clang_getCursorKind(init))) {
        expr_out o;
        rlw_out_init(&o);
        rlw_expr_silent(w, init, &o);
        if (o.place.len) copy_stores(iw, init, t, place, &o.place, depth);
        rlw_out_free(&o);
        return;
    }
    if (clang_getCursorKind(init) == CXCursor_InitListExpr) {
        child_list l;
        rlw_children_of(init, &l);
        if (t.kind == CXType_Record) {
            struct_stores(iw, &l, t, place, depth);
        } else if (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray) {
            size_t mark = place->len;
            rl_sb_append(place, "[]");
            iw->field = NULL; /* an element is no member */
            for (int i = 0; i < l.len; i++) {
                CXCursor item = rlw_child_at(&l, i);
                if (is_designated(item)) {
                    child_list d;
                    rlw_children_of(item, &d);
                    if (d.len) item = rlw_child_at(&d, d.len - 1);
                    rlw_children_free(&d);
                }
                init_stores(iw, item, clang_getArrayElementType(t), place, depth + 1);
            }
            rl_sb_truncate(place, mark);
        }
        rlw_children_free(&l);
        return;
    }
    if (t.kind != CXType_Pointer || !clang_isExpression(clang_getCursorKind(init))) return;
    expr_out o;
    rlw_out_init(&o);
    rlw_expr_silent(w, init, &o);
    /* a null constant stores nothing a pointer could be followed to */
    int nothing = !rl_sb_str(&o.value)[0] && rl_cursor_is_null_constant(init);
    if (!nothing && iw->store(w, rl_sb_str(place), rl_sb_str(&o.value), iw->field, init, iw->ctx)) (*iw->budget)--;
    rlw_out_free(&o);
}

void rlw_init_stores(walker *w, CXCursor init, CXType t, rl_strbuf *place, int *budget, rlw_init_store_fn store,
                     void *ctx)
{
    init_walk iw = {w, store, ctx, budget, NULL};
    init_stores(&iw, init, t, place, 0);
}

/* Members of pointer type one initializer sets, recorded per object
 * initialised or assigned (more are walked as reads only). */
#define MAX_MEMBER_STORES 64

typedef struct member_writes {
    const char *display; /* the object, as written */
    size_t place_len;    /* length of its own place: members follow */
    int store_only;      /* RL_ACC_STORE_ONLY: the whole object's write is
                            emitted apart */
} member_writes;

/* One member's store: a write of the member carrying the value, as the
 * assignment `a.counter = &counter` makes (walk_expr.c). */
static int member_write(walker *w, const char *place, const char *value, const char *field, CXCursor at, void *ctx)
{
    const member_writes *mw = ctx;
    rl_strbuf display = RL_STRBUF_INIT;
    rl_sb_printf(&display, "%s%s", mw->display, place + mw->place_len);
    int32_t id = -1;
    if (value[0]) {
        id = rlw_emit_store(w, at, place, rl_sb_str(&display), value, mw->store_only);
    } else if (field) {
        /* A member given a value not traced: a store carrying none, as
         * `p->c = make()` leaves, so that the model knows the member may
         * hold what it cannot name (model/field_values.h, member_tests.h);
         * never an access of its own: the initializer's write of the
         * whole object is that, as it was before such stores were
         * recorded. */
        id = rlw_emit_access(w, at, place, rl_sb_str(&display), USE_WRITE, 0);
        if (id >= 0) w->fn->nodes[id].api = rl_intern(w->facts->pool, RL_ACC_STORE_ONLY);
    }
    rl_sb_free(&display);
    if (id < 0) return 0;
    w->fn->nodes[id].field = field;
    if (value[0] && rlw_names_whole_array(w, at)) w->fn->nodes[id].flags |= RL_ACC_STORES_ARRAY;
    return 1;
}

void rlw_init_member_writes(walker *w, CXCursor init, CXType t, const char *place, const char *display, int store_only)
{
    rl_strbuf p = RL_STRBUF_INIT;
    rl_sb_append(&p, place);
    member_writes mw = {display, p.len, store_only};
    int budget = MAX_MEMBER_STORES;
    rlw_init_stores(w, init, t, &p, &budget, member_write, &mw);
    rl_sb_free(&p);
}
