/* Members of the event walker (walker.h): the place of a struct or union
 * member (a run of bit-fields is one location, a union's members are its
 * first, a member reached through a pointer keeps its struct's type step),
 * the members a whole-struct access touches (recorded apart for when the
 * struct is known only by type), and whether a member's base is atomic or
 * a claimed slot. Split from walk_expr.c, which walks the rest of an
 * expression and calls rlw_walk_member for `s.f` and `p->f`.
 *
 * Invariants: those of walk_expr.c; nested members are bounded by
 * MAX_NESTED_DEPTH and MAX_NESTED_MEMBERS. */
#include "walker.h"
#include <string.h>

/* A member of struct or union type S reached through a pointer gets a type
 * step "~{S}" (facts.h): when the model finds the object around it known
 * only by its type, the member is named as an S of its own, so that
 * `getT()->s.field` and `getS()->field` meet. Members of named objects
 * need none. */
/* Whether a place is reached through a pointer: the object it names may
 * turn out to be known only by its type. */
static int through_pointer(const char *p)
{
    return strchr(p, '*') || p[0] == '{' || p[0] == '@' || p[0] == '%';
}

/* The struct or union type an object of type t is, or an invalid type.
 * Types of the system headers (pthread_mutex_t, FILE) are the library's
 * business: their members are never named apart. */
static CXType record_type(CXType t)
{
    CXType canon = clang_getCanonicalType(t);
    if (canon.kind == CXType_Atomic) canon = clang_Type_getValueType(canon);
    if (canon.kind != CXType_Record ||
        clang_Location_isInSystemHeader(clang_getCursorLocation(clang_getTypeDeclaration(canon))))
        canon.kind = CXType_Invalid;
    return canon;
}

void rlw_drop_type_steps(const char *place, rl_strbuf *out)
{
    for (const char *p = place; *p;) {
        const char *close = p[0] == '~' && p[1] == '{' ? strchr(p, '}') : NULL;
        if (close) p = close + 1;
        else rl_sb_appendc(out, *p++);
    }
}

static void member_type_step(walker *w, rl_strbuf *place, CXType member_type)
{
    CXType r = record_type(member_type);
    if (through_pointer(rl_sb_str(place)) && r.kind == CXType_Record) rl_sb_printf(place, "~{%s}", rlw_type_key(w, r));
}

/* Bounds of the nested members recorded for one whole-struct access. */
#define MAX_NESTED_DEPTH 3
#define MAX_NESTED_MEMBERS 16

typedef struct nested_walk {
    walker *w;
    CXCursor at;
    const char *display;
    use_mode mode;
    rl_strbuf *place;
    uint8_t flags; /* RL_ACC_VOLATILE when the struct around is volatile */
    int depth;
    int *budget;
} nested_walk;

static enum CXVisitorResult nested_member(CXCursor field, CXClientData data)
{
    nested_walk *nw = data;
    if (*nw->budget <= 0) return CXVisit_Break;
    CXType r = record_type(clang_getCursorType(field));
    if (r.kind != CXType_Record) return CXVisit_Continue;
    size_t mark = nw->place->len;
    rl_sb_printf(nw->place, ".%s~{%s}", rlw_intern_cx(nw->w, clang_getCursorSpelling(field)), rlw_type_key(nw->w, r));
    uint8_t flags = nw->flags | (rlw_access_type_flags(clang_getCursorType(field)) & RL_ACC_VOLATILE);
    int32_t id = rlw_emit_access(nw->w, nw->at, rl_sb_str(nw->place), nw->display, nw->mode, flags);
    if (id >= 0) {
        nw->w->fn->nodes[id].flags |= RL_ACC_NESTED;
        (*nw->budget)--;
    }
    if (nw->depth < MAX_NESTED_DEPTH) {
        nested_walk inner = *nw;
        inner.depth++;
        inner.flags = flags;
        clang_Type_visitFields(r, nested_member, &inner);
    }
    rl_sb_truncate(nw->place, mark);
    return CXVisit_Continue;
}

/* A whole struct accessed through a pointer (`*getT() = t`) also touches
 * each struct nested in it: those members are recorded apart
 * (RL_ACC_NESTED, with type steps), so that when the struct is known only
 * by its type, the access meets the nested struct's own accesses by type
 * (`getS()->field`). The model keeps them only then. */
void rlw_nested_accesses(walker *w, CXCursor at, const char *place, const char *display, use_mode mode, CXType t)
{
    CXType r = record_type(t);
    if (w->silent || mode == USE_ADDR || r.kind != CXType_Record || !through_pointer(place)) return;
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, place);
    int budget = MAX_NESTED_MEMBERS;
    nested_walk nw = {w, at, display, mode, &sb, rlw_access_type_flags(t) & RL_ACC_VOLATILE, 1, &budget};
    clang_Type_visitFields(r, nested_member, &nw);
    rl_sb_free(&sb);
}

/* Whether the struct or union a member expression selects from is
 * atomic (`_Atomic struct s s2; s2.f0++`, `p->f0` with p pointing to one,
 * `outer.in.f0` with `in` atomic): every access to such an object is
 * atomic, its members' too. Follows enclosing members, elements and
 * parentheses down to the first pointer, and through the implicit casts
 * before it. */
static int member_base_is_atomic(CXCursor base)
{
    for (int depth = 0; depth < MAX_EXPR_DEPTH; depth++) {
        CXType t = clang_getCanonicalType(clang_getCursorType(base));
        enum CXCursorKind k = clang_getCursorKind(base);
        if (t.kind == CXType_Pointer && rlw_type_is_atomic(clang_getPointeeType(t))) return 1;
        /* clang's implicit cast drops _Atomic from the pointee of `p->f` */
        if (t.kind == CXType_Pointer && k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr) return 0;
        if (rlw_type_is_atomic(t)) return 1;
        if (k != CXCursor_MemberRefExpr && k != CXCursor_ArraySubscriptExpr && k != CXCursor_ParenExpr &&
            k != CXCursor_UnexposedExpr)
            return 0;
        child_list l;
        rlw_children_of(base, &l);
        int has_child = l.len > 0;
        if (has_child) base = rlw_child_at(&l, 0);
        rlw_children_free(&l);
        if (!has_child) return 0;
    }
    return 0;
}

/* Members of one struct read to find a bit-field's neighbours; a struct
 * of more keeps its later bit-fields apart (named by themselves). */
#define MAX_BITFIELD_SCAN 256

/* The name a member access is placed under: its own; for a member of a
 * union the union's first member, as the members share their storage
 * (`u.as_float` under one lock and `u.as_int` under another race); for a
 * bit-field the first bit-field of the run of adjacent ones it belongs
 * to. C11 (3.14) makes a run of adjacent non-zero-width bit-fields one
 * memory location: writing `st.ready` rewrites `st.failed` beside it, so
 * the two race unless one lock guards both. */
static const char *member_location(walker *w, CXCursor member, const char *name)
{
    CXCursor d = clang_getCursorReferenced(member);
    if (clang_getCursorKind(d) != CXCursor_FieldDecl) return name;
    CXCursor parent = clang_getCursorSemanticParent(d);
    if (clang_getCursorKind(parent) == CXCursor_UnionDecl) {
        CXCursor first;
        return rl_cursor_fields(clang_getCursorType(parent), &first, 1) >= 1
                   ? rlw_intern_cx(w, clang_getCursorSpelling(first))
                   : name;
    }
    if (!clang_Cursor_isBitField(d)) return name;
    CXCursor fields[MAX_BITFIELD_SCAN];
    int n = rl_cursor_fields(clang_getCursorType(clang_getCursorSemanticParent(d)), fields, MAX_BITFIELD_SCAN);
    int run = -1;
    for (int i = 0; i < n; i++) {
        int in_run = clang_Cursor_isBitField(fields[i]) && clang_getFieldDeclBitWidth(fields[i]) > 0;
        if (!in_run) run = -1;
        else if (run < 0) run = i;
        if (clang_equalCursors(fields[i], d)) return run >= 0 ? rlw_intern_cx(w, clang_getCursorSpelling(fields[run])) : name;
    }
    return name;
}

/* Whether array expression a is a member of an object claimed by its
 * flag (`c->last`, walk_flag_claim.c), or the row of a claimed index
 * (`buffers[slot]`): its elements are the claim's too. */
int rlw_in_claimed_object(walker *w, CXCursor a)
{
    enum CXCursorKind k = clang_getCursorKind(a);
    if (k != CXCursor_MemberRefExpr && k != CXCursor_ArraySubscriptExpr) return 0;
    child_list l;
    rlw_children_of(a, &l);
    int claimed = k == CXCursor_MemberRefExpr
                      ? l.len == 1 && rlw_type_is_pointer(clang_getCursorType(rlw_child_at(&l, 0))) &&
                            rlw_pointer_claimed(w, rlw_child_at(&l, 0))
                      : l.len == 2 && rlw_index_claimed(w, rlw_child_at(&l, 1));
    rlw_children_free(&l);
    return claimed;
}

const char *rlw_member_slot(walker *w, CXCursor field)
{
    if (clang_getCursorKind(field) != CXCursor_FieldDecl) return NULL;
    void **slot = rl_ptrmap_slot(&w->member_slots, rlw_intern_cx(w, clang_getCursorUSR(field)));
    if (!*slot) {
        const char *s = rl_fnflow_member_slot(w->facts, field);
        *slot = s ? (void *)s : (void *)rlw_no_annotation;
    }
    return *slot == rlw_no_annotation ? NULL : *slot;
}

void rlw_walk_member(walker *w, CXCursor c, use_mode mode, expr_out *out)
{
    child_list l;
    rlw_children_of(c, &l);
    const char *field = rlw_intern_cx(w, clang_getCursorSpelling(c));
    const char *location = member_location(w, c, field);
    long long index = -1;
    int round = 0; /* a member of an element of the round's own */
    int claimed_element = 0; /* a member of an element a claim indexes */
    expr_out base;
    rlw_out_init(&base);
    rl_strbuf place = RL_STRBUF_INIT, display = RL_STRBUF_INIT;
    if (l.len) {
        CXCursor b = rlw_child_at(&l, 0);
        CXType bt = clang_getCursorType(b);
        if (rlw_type_is_pointer(bt)) {
            rlw_expr(w, b, USE_READ, &base);
            rlw_deref_place(w, rl_sb_str(&base.value), bt, &place);
            rlw_mark_owned_pointer(w, b, &place);
            rl_sb_printf(&display, "%s->%s", rl_sb_str(&base.display), field);
            /* `(&jobs[i])->input`, as `<sys/queue.h>` macros write
             * `(elm)->field` for `&pool[i]`: `jobs[i].input` */
            round = base.round_element && rl_sb_str(&base.value)[0] == '&';
        } else {
            rlw_expr(w, b, USE_ADDR, &base);
            rl_sb_append(&place, rl_sb_str(&base.place));
            rl_sb_printf(&display, "%s.%s", rl_sb_str(&base.display), field);
            index = base.index; /* arr[3].x: still element 3 */
            round = base.round_element;
            /* `slots[id].requests` with id a claim: the claim's element
             * (round 28's r05), as `slots[id]` itself is */
            claimed_element = rlw_in_claimed_object(w, rl_cursor_strip(b));
        }
    }
    int atomic = l.len && member_base_is_atomic(rlw_child_at(&l, 0));
    /* a slot claimed by its flag (walk_flag_claim.c) */
    int claimed = claimed_element || (l.len && rlw_type_is_pointer(clang_getCursorType(rlw_child_at(&l, 0))) &&
                                      rlw_pointer_claimed(w, rlw_child_at(&l, 0)));
    rlw_children_free(&l);
    rl_strbuf object = RL_STRBUF_INIT; /* the struct the field is in */
    rl_sb_append(&object, rl_sb_str(&place));
    CXType t = clang_getCursorType(c);
    if (rl_sb_str(&place)[0]) {
        rl_sb_printf(&place, ".%s", location);
        member_type_step(w, &place, t);
    }
    int is_array = rlw_type_is_array(t);
    if (!is_array) {
        int32_t id = rlw_emit_access(w, c, rl_sb_str(&place), rl_sb_str(&display), mode,
                                     rlw_access_type_flags(t) | (atomic ? RL_ACC_ATOMIC : 0) |
                                         (claimed ? RL_ACC_CLAIMED : 0));
        if (object.len) rlw_set_guard(w, id, clang_getCursorReferenced(c), rl_sb_str(&object));
        /* a pointer member: the model gathers what every store into it
         * gives (model/field_values.h) */
        if (id >= 0 && rlw_type_is_pointer(t))
            w->fn->nodes[id].field = rlw_member_slot(w, clang_getCursorReferenced(c));
        rlw_set_index(w, id, index);
        rlw_mark_round_element(w, id, round);
        if (id >= 0) rlw_nested_accesses(w, c, rl_sb_str(&place), rl_sb_str(&display), mode, t);
    }
    rl_sb_free(&object);
    if (out) {
        out->index = index;
        out->round_element = round;
        rl_sb_append(&out->place, rl_sb_str(&place));
        rl_sb_append(&out->display, rl_sb_str(&display));
        if (rl_sb_str(&place)[0]) {
            if (is_array) rl_sb_printf(&out->value, "&%s[]", rl_sb_str(&place));
            else if (rlw_type_is_pointer(t)) rl_sb_append(&out->value, rl_sb_str(&place));
        }
    }
    rlw_out_free(&base);
    rl_sb_free(&place);
    rl_sb_free(&display);
}
