/* Facts serialisation for the cache (facts.h), and file content hashes.
 *
 * Format (all integers little-endian):
 *   "RLFC" u32 version  u64 checksum (FNV-1a of everything after it)
 *   u32 nstrings, then each: u32 length, bytes (no NUL)
 *   the unit: str main_file, u8 parse_failed,
 *     u32 nfns, each: str usr, name, type; loc; i32 nparams;
 *       u32 nrequires, each: str place, u8 shared; u32 nuses, each
 *       str; u32 nzeroed, each str; u32 nnodes,
 *       each node: u8 kind, u8 flags, i32 parent, first_child,
 *       next_sibling, end, aux; loc; str text, display, callee, api, guard,
 *       target, fnptr, cursor, field; i32 element, nargs, then nargs str
 *     u32 naddr_taken, each str
 *     u32 nfnflows, each: u8 kind, i32 index, str dst, str src
 *     u32 nglobals_defined, each str; u32 ninit_uses, each str
 *     u32 nalloc_slots, each str
 *     u32 nstatics, each: str place, str value, str field
 *     u32 ndiags, each: u8 severity, loc, str message
 *     u32 ndeps, each: str path, u64 hash
 *   str = u32 index into the table, 0xffffffff for NULL; loc = str file,
 *   u32 line, u32 col.
 * Reading checks every length, index and tree link against the sizes
 * read; anything out of place makes the whole blob a miss. */
#include "facts.h"
#include "../util/file.h"
#include "../util/mem.h"
#include "../util/ptrmap.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FACTS_MAGIC "RLFC"
/* 6: pointers stored by static initializers; 7: uses per function (what
 * a linker keeping it must find); 8: slots holding an allocator; 9:
 * accesses to volatile objects flagged (RL_ACC_VOLATILE: older facts would
 * read as not volatile); 11: call values as alternatives of a choice,
 * nested (RL_NESTED_SEP: older facts hold no value for such locals); 12:
 * locks destroyed (LOCKINIT with RL_LOCK_DESTROY); 13: an `if` testing a
 * thread start's result (IF aux naming the SPAWN); 14: an index read
 * through a parameter (`results[a->id]`) as `[#Pn]`; 15: field and union
 * slots marked with the file defining their struct; 16: a local's brace
 * initializer writes the local and stores its pointers; 17: an `if`
 * comparing two values by order (RL_IF_ORDERS); 18: a local holding a
 * test of a start's or trylock's result (`started = create(...) == 0`)
 * read with that test's sense; 19: a bit-field placed under the first
 * of its run of adjacent bit-fields (one C11 memory location); 20: stores
 * of a whole array flagged (RL_ACC_STORES_ARRAY); 21: order tests in `?:`
 * and on integers (RL_IF_ORDERS roots "?"), the row of `meals[2][id]`; 22:
 * null tests of a pointer read from a place (RL_IF_NONNULL_*); 23: spawn
 * arguments whose element repeats across the loop (RL_SPAWN_ARG_REPEATS);
 * 24: a block index `id * C + k` with k a for counter in [0, C) as [#Pn];
 * 25: elements indexed by a claimed index flagged (RL_ACC_CLAIMED),
 * spinlocks built from atomics (RL_LOCK_SPIN), an atomic operation's
 * object read or written as the operation does, and a union's members
 * placed under its first member; 26: atomic loads tested by a condition
 * (an IF's or LOOP's aux), relaxed atomic accesses marked (api), loops
 * whose body runs at least once (RL_LOOP_RUNS); 27: the last reference
 * of an atomic counter (RL_IF_LAST); 28: plain reads tested by a
 * condition (an IF's or LOOP's aux: a flag read under a lock), plain
 * stores of a nonzero constant marked (RL_STORE_FLAG), semaphore waits
 * that may fail tested (aux a CALL), cleanup-attribute guards' unlocks,
 * heap arrays (&H12_3[]), a CALL's claimed arguments (its aux, a mask);
 * 29: event-loop registrations and dispatches (facts.h, RL_EVENT_CALLBACK),
 * store-only members of compound literals assigned whole, integer call
 * arguments a parameter gives ("#P<n>"); 30: null tests of parameters
 * (an IF's RL_IF_VALUE_* with text "P<n>"); 31: pointer reads of array
 * elements by a moved index marked (RL_READ_POPPED); 32: local pointers
 * assigned in the branches of `if`s followed in program order, their
 * values merged where the branches meet (walk_locals.c); 33: null
 * function pointers stored, passed and returned ("fn:" alone as a
 * function-pointer flow's value: frontend/fnflow.c); 34: integer constant
 * call arguments ("#=K") and tests of integer parameters ("P<n>"); 35:
 * a SPAWN's constant element index of its argument (its aux: `&seen[1]`);
 * 36: loops whose test of a global fails at its starting value
 * (RL_LOOP_START_FALSE, text the global); 37: tests of a copy of a
 * parameter (an IF's RL_IF_VALUE_* with text RL_INSTANCE_TEST "<n>"),
 * accesses of a round's own element and stores of its address (api
 * RL_ROUND_ELEMENT, RL_STORES_ROUND_ELEMENT); 38: integer constants
 * passed as a thread's argument (a SPAWN's "#=K"); 39: the value of a
 * `?:` with a null arm is the other arm's; 40: value tests of the left
 * operand of an `if`'s `&&` or `||` (an IF's api RL_IF_PART_AND /
 * RL_IF_PART_OR); 41: null tests of a pointer member read through a
 * parameter (an IF's RL_IF_VALUE_* with text "P<n>*.f"), stores of a
 * null pointer constant (an ACCESS's RL_NULL_STORE), and locks of every
 * element of an array taken in a loop (RL_EVERY_ELEMENT); 42: a store
 * of a local pointer given only allocations or whole arrays is flagged
 * RL_ACC_STORES_ARRAY as a whole array's is, and a last-reference test
 * through a local holding the test's truth is marked RL_IF_LAST; 43: a
 * `for` over an instance's block past a shared offset (`1 + id * S`) is
 * one, and an order test of two values of one object is RL_IF_ORDERS
 * with no roots; 44: a store of a round's block into its record
 * (RL_RECORD_BLOCK_START, _END) and [#R<n>:lo:hi] index steps of a
 * `for` over a range read from a record; 45: a block's size named by a
 * variable keys by the variable whatever it was given; 46: a designated
 * initializer and GNU's `a ?: b` are no atomic operation, a pointer in a
 * hidden local's member is stored and followed, a parameter declared as
 * an array is a pointer, and `va_arg` gives no value; 47: a pointer
 * `for` counter walking the instance's block of an array names its
 * elements [#P<n>]; 48: a spinlock's atomic operation is a lock only
 * with a memory order that acquires (taking) or releases (giving back),
 * and a spin on an atomic load until it reads 0 waits for a store when
 * the object started nonzero (its initializer, or a store of a nonzero
 * constant before the spin on every path); 49: a relaxed exchange or
 * other read-modify-write is marked relaxed again (48 marked it an
 * exchange); 50: a loop testing a member of a global struct by `.`
 * whose starting value (0, the struct having no initializer) fails the
 * test is marked RL_LOOP_START_FALSE as one testing a global scalar, and
 * a flag stored into a round's own element is both (RL_ROUND_FLAG); 51:
 * a `for` loop whose counter stays in [0, N) says N (its args), and an
 * element reached through a local pointer to the instance's block
 * (`mine = &A[id * S]; mine[i]`) is indexed [#P<n>]; 52: a struct
 * initialised or assigned from another object as a whole stores each
 * pointer member's value (`struct event ev = slot;`: `ev.arg` holds
 * `slot.arg`, walk_init.c); 53: a compare-and-swap of a pointer stores
 * its desired value (arg0), and a condition testing a bit of an atomic
 * load (`load(&flags) & READY`) waits on it as the load itself would;
 * 54: a condition testing the result of an exchange that is not relaxed
 * (`if (atomic_exchange(&pending, 0))`) names it as its aux, as it names
 * an acquiring load, and a call through a pointer marks its claimed
 * pointer arguments (its aux) as a direct call does; 55: a call of a
 * static function is a call of its body even when a model describes a
 * library function of that name's memory effects (a program's `static
 * void send(...)`); 56: a condition `a || start(...)` or `a &&
 * start(...)` names the thread start on its right as its outcome (aux)
 * when the left side's outcome agrees (`if (!c->name || pthread_create(...))`);
 * 57: a start tested on the left of `||` or `&&` (`pthread_create(...)
 * != 0 || c->port == 0`) is no condition's outcome: the branch the
 * condition takes on the start's failure is also taken after a start
 * that worked; 58: a call of a getter of the unit whose body returns one
 * atomic load of a global (`return atomic_load(&pending);`) is also an
 * atomic read of that global at the call (walk_getter.c); 59: an atomic
 * operation written through a macro of the program's own is named by the
 * macro whose definition spells it (`ngx_unlock(l)` defined as
 * `atomic_flag_clear_explicit(...)`: that clear, an unlock); 60: an
 * ACCESS or a lock on an element of an array names, in its target, the
 * parameter indexing that element (`acct[from].m`: "from"); 61: an
 * instance test behind a null test of the pointer it reads through (`t
 * != NULL && t->index != 0`) is recorded as the instance test itself;
 * 62: a claim written as a conditional expression (`next < n ? next++ :
 * -1`) is a claim (RL_ACC_CLAIMED); 63: a static initializer's function
 * (`ops = { locked_write }`) is a static store, as an address is, and a
 * thread's block taken as `base + id * N` or from a pointer
 * (`&heap[id * N]`) is its block as `&array[id * N]` is; 64: a call of
 * a library function whose model `calls` an argument (qsort's
 * comparator) is followed by a call of that argument; 65: an element
 * read or written at a block's start (`v[id * S]`, or a constant inside)
 * is the instance's own, `[#P<n>]`, and a member of an element a claim
 * indexes (`slots[id].x`) is flagged RL_ACC_CLAIMED as the element is;
 * 66: a pointer's value survives a tag set or masked off its low bits
 * (`(uintptr_t)p & ~MASK`, walk_arith.c); 67: an ACCESS through a list
 * cursor carries it (rl_node.cursor, walk_cursor.c); 68: a cursor may
 * step by a getter (RL_CURSOR_GETTER); 69: the round's element is
 * followed through a local given its address and through an arrow on
 * its address (`r = &reqs[i]; r->id`, `(&reqs[i])->link`: RL_ROUND_ELEMENT
 * and RL_STORES_ROUND_ELEMENT on more nodes); 70: integer members' tests
 * under a mask (RL_IF_MASK_TEST), the constants stored into integer
 * members ("#=", RL_OR_CONSTANT_STORE, RL_AND_CONSTANT_STORE), and the
 * objects each function allocates zeroed (rl_function.zeroed); 71: a
 * store of the loop round's counter into its element's member
 * (RL_ROUND_COUNTER_STORE); 72: the constant element a CALL hands on
 * (`publish(&objs[1])`, rl_node.element); 73: a `for`'s constant start
 * (RL_N_LOOP's second argument) and semaphores set up empty
 * (RL_LOCK_STARTS_EMPTY); 74: the member slot of an ACCESS of a
 * pointer member and of a static store (rl_node.field,
 * rl_static_store.field) */
#define FACTS_FORMAT 74

int rl_file_hash(const char *path, uint64_t *hash)
{
    /* Only regular files: a dependency path from a stored blob may name a
     * FIFO, whose read would block forever. */
    rl_error ignored;
    int fd = rl_open_regular(path, &ignored);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return -1;
    }
    /* fread fills every piece but the last (a regular file): pieces of a
     * multiple of 8 bytes, as rl_hash_content needs to chain them */
    unsigned char buf[65536];
    uint64_t h = rl_hash_content("", 0, 0); /* the seed: what an empty file gives */
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) h = rl_hash_content(buf, n, h);
    int bad = ferror(f);
    fclose(f);
    if (bad) return -1;
    *hash = h;
    return 0;
}

/* ---- writing ----------------------------------------------------------- */

static void put_loc(rl_blob_writer *w, rl_loc loc)
{
    rl_blob_put_str(w, loc.file);
    rl_blob_put_u32(w, loc.line);
    rl_blob_put_u32(w, loc.col);
}

/* The dependency section is the image's last: u32 ndeps, then per file a
 * u32 string index and a u64 hash (rl_facts_serialize). */
#define DEPS_COUNT_BYTES 4
#define DEP_ENTRY_BYTES 12

uint64_t rl_facts_digest(const void *buf, size_t len, int32_t ndeps)
{
    size_t tail = DEPS_COUNT_BYTES + DEP_ENTRY_BYTES * (size_t)(ndeps > 0 ? ndeps : 0);
    if (len < RL_BLOB_HEADER_BYTES + tail) return rl_hash_bytes(buf, len, 0);
    return rl_hash_bytes((const unsigned char *)buf + RL_BLOB_HEADER_BYTES, len - RL_BLOB_HEADER_BYTES - tail, 0);
}

unsigned char *rl_facts_serialize(const rl_unit_facts *facts, size_t *len)
{
    /* The body first (collecting strings), then header + table + body. */
    rl_blob_writer b = RL_BLOB_WRITER_INIT;
    rl_blob_put_str(&b, facts->main_file);
    rl_blob_put_u8(&b, facts->parse_failed ? 1 : 0);
    rl_blob_put_u32(&b, (uint32_t)facts->nfns);
    for (int32_t i = 0; i < facts->nfns; i++) {
        const rl_function *fn = &facts->fns[i];
        rl_blob_put_str(&b, fn->usr);
        rl_blob_put_str(&b, fn->name);
        rl_blob_put_str(&b, fn->type);
        put_loc(&b, fn->loc);
        rl_blob_put_u32(&b, (uint32_t)fn->nparams);
        rl_blob_put_u32(&b, (uint32_t)fn->nrequires);
        for (int32_t k = 0; k < fn->nrequires; k++) {
            rl_blob_put_str(&b, fn->requires[k].place);
            rl_blob_put_u8(&b, fn->requires[k].shared ? 1 : 0);
        }
        rl_blob_put_u32(&b, (uint32_t)fn->nuses);
        for (int32_t k = 0; k < fn->nuses; k++) rl_blob_put_str(&b, fn->uses[k]);
        rl_blob_put_u32(&b, (uint32_t)fn->nzeroed);
        for (int32_t k = 0; k < fn->nzeroed; k++) rl_blob_put_str(&b, fn->zeroed[k]);
        rl_blob_put_u32(&b, (uint32_t)fn->nnodes);
        for (int32_t j = 0; j < fn->nnodes; j++) {
            const rl_node *n = &fn->nodes[j];
            rl_blob_put_u8(&b, n->kind);
            rl_blob_put_u8(&b, n->flags);
            rl_blob_put_u32(&b, (uint32_t)n->parent);
            rl_blob_put_u32(&b, (uint32_t)n->first_child);
            rl_blob_put_u32(&b, (uint32_t)n->next_sibling);
            rl_blob_put_u32(&b, (uint32_t)n->end);
            rl_blob_put_u32(&b, (uint32_t)n->aux);
            put_loc(&b, n->loc);
            rl_blob_put_str(&b, n->text);
            rl_blob_put_str(&b, n->display);
            rl_blob_put_str(&b, n->callee);
            rl_blob_put_str(&b, n->api);
            rl_blob_put_str(&b, n->guard);
            rl_blob_put_str(&b, n->target);
            rl_blob_put_str(&b, n->fnptr);
            rl_blob_put_str(&b, n->cursor);
            rl_blob_put_str(&b, n->field);
            rl_blob_put_u32(&b, (uint32_t)n->element);
            rl_blob_put_u32(&b, (uint32_t)n->nargs);
            for (int32_t a = 0; a < n->nargs; a++) rl_blob_put_str(&b, n->args[a]);
        }
    }
    rl_blob_put_u32(&b, (uint32_t)facts->naddr_taken);
    for (int32_t i = 0; i < facts->naddr_taken; i++) rl_blob_put_str(&b, facts->addr_taken[i]);
    rl_blob_put_u32(&b, (uint32_t)facts->nfnflows);
    for (int32_t i = 0; i < facts->nfnflows; i++) {
        rl_blob_put_u8(&b, facts->fnflows[i].kind);
        rl_blob_put_u32(&b, (uint32_t)facts->fnflows[i].index);
        rl_blob_put_str(&b, facts->fnflows[i].dst);
        rl_blob_put_str(&b, facts->fnflows[i].src);
    }
    rl_blob_put_u32(&b, (uint32_t)facts->nglobals_defined);
    for (int32_t i = 0; i < facts->nglobals_defined; i++) rl_blob_put_str(&b, facts->globals_defined[i]);
    rl_blob_put_u32(&b, (uint32_t)facts->ninit_uses);
    for (int32_t i = 0; i < facts->ninit_uses; i++) rl_blob_put_str(&b, facts->init_uses[i]);
    rl_blob_put_u32(&b, (uint32_t)facts->nalloc_slots);
    for (int32_t i = 0; i < facts->nalloc_slots; i++) rl_blob_put_str(&b, facts->alloc_slots[i]);
    rl_blob_put_u32(&b, (uint32_t)facts->nstatics);
    for (int32_t i = 0; i < facts->nstatics; i++) {
        rl_blob_put_str(&b, facts->statics[i].place);
        rl_blob_put_str(&b, facts->statics[i].value);
        rl_blob_put_str(&b, facts->statics[i].field);
    }
    rl_blob_put_u32(&b, (uint32_t)facts->ndiags);
    for (int32_t i = 0; i < facts->ndiags; i++) {
        rl_blob_put_u8(&b, (uint8_t)facts->diags[i].severity);
        put_loc(&b, facts->diags[i].loc);
        rl_blob_put_str(&b, facts->diags[i].message);
    }
    rl_blob_put_u32(&b, (uint32_t)facts->ndeps);
    for (int32_t i = 0; i < facts->ndeps; i++) {
        rl_blob_put_str(&b, facts->deps[i].path);
        rl_blob_put_u64(&b, facts->deps[i].hash);
    }

    return rl_blob_finish(&b, FACTS_MAGIC, FACTS_FORMAT, len);
}

/* ---- reading ----------------------------------------------------------- */

static rl_loc get_loc(rl_blob_reader *r)
{
    rl_loc loc;
    loc.file = rl_blob_get_str(r);
    loc.line = rl_blob_get_u32(r);
    loc.col = rl_blob_get_u32(r);
    return loc;
}

/* A node link: -1 or an index in [lo, n). */
static int link_ok(int32_t v, int32_t lo, int32_t n)
{
    return v == -1 || (v >= lo && v < n);
}

static int tree_ok(const rl_function *fn)
{
    for (int32_t i = 0; i < fn->nnodes; i++) {
        const rl_node *n = &fn->nodes[i];
        if (n->kind >= RL_N_KIND_COUNT) return 0;
        if (i == 0 ? n->parent != -1 : !(n->parent >= 0 && n->parent < i)) return 0;
        if (!link_ok(n->first_child, i + 1, fn->nnodes) || !link_ok(n->next_sibling, i + 1, fn->nnodes)) return 0;
        if (n->end < i || n->end >= fn->nnodes) return 0;
        /* an index (ACCESS, SPAWN) or a mask of arguments (CALL), not a
         * node: a claimed sixth argument (mask 32) in a function of
         * twenty nodes made the whole unit's facts unreadable */
        int value_aux = n->kind == RL_N_ACCESS || n->kind == RL_N_SPAWN || n->kind == RL_N_CALL;
        if (!value_aux && !link_ok(n->aux, 0, fn->nnodes)) return 0;
        if (value_aux && n->aux < -1) return 0;
        if (n->element < -1 || (n->element >= 0 && n->kind != RL_N_CALL)) return 0;
        if (n->nargs < 0) return 0;
    }
    /* Children point back at their parent, so every walk terminates. */
    for (int32_t i = 0; i < fn->nnodes; i++)
        for (int32_t c = fn->nodes[i].first_child; c >= 0; c = fn->nodes[c].next_sibling)
            if (fn->nodes[c].parent != i || fn->nodes[c].end > fn->nodes[i].end) return 0;
    return 1;
}

rl_blob_status rl_facts_check(const void *buf, size_t len)
{
    return rl_blob_check(buf, len, FACTS_MAGIC, FACTS_FORMAT);
}

rl_unit_facts *rl_facts_deserialize(const void *buf, size_t len)
{
    rl_unit_facts *f = rl_facts_new("");
    rl_blob_reader r;
    if (rl_blob_reader_open(&r, buf, len, FACTS_MAGIC, FACTS_FORMAT, f->pool) != RL_BLOB_OK) {
        rl_facts_free(f);
        return NULL;
    }
    const char *main_file = rl_blob_get_str(&r);
    if (!main_file) r.bad = 1;
    f->main_file = main_file ? main_file : f->main_file;
    f->parse_failed = rl_blob_get_u8(&r);
    uint32_t nfns = rl_blob_get_count(&r, 32);
    for (uint32_t i = 0; i < nfns && !r.bad; i++) {
        rl_function *fn = rl_facts_add_function(f);
        fn->usr = rl_blob_get_str(&r);
        fn->name = rl_blob_get_str(&r);
        fn->type = rl_blob_get_str(&r);
        fn->loc = get_loc(&r);
        fn->nparams = (int32_t)rl_blob_get_u32(&r);
        uint32_t nrequires = rl_blob_get_count(&r, 5);
        if (r.bad) break;
        if (nrequires) fn->requires = rl_xcalloc(nrequires, sizeof *fn->requires);
        for (uint32_t k = 0; k < nrequires && !r.bad; k++) {
            fn->requires[k].place = rl_blob_get_str(&r);
            fn->requires[k].shared = rl_blob_get_u8(&r);
            if (!fn->requires[k].place) r.bad = 1;
            else fn->nrequires++;
        }
        uint32_t nuses = rl_blob_get_count(&r, 4);
        for (uint32_t k = 0; k < nuses && !r.bad; k++) {
            const char *u = rl_blob_get_str(&r);
            if (!u) r.bad = 1;
            else rl_facts_add_use(f, f->nfns - 1, u);
        }
        uint32_t nzeroed = rl_blob_get_count(&r, 4);
        for (uint32_t k = 0; k < nzeroed && !r.bad; k++) {
            const char *z = rl_blob_get_str(&r);
            if (!z) r.bad = 1;
            else rl_facts_add_zeroed(f, fn, z);
        }
        uint32_t nnodes = rl_blob_get_count(&r, 50);
        if (r.bad) break;
        fn->nodes = rl_xcalloc((size_t)nnodes + 1, sizeof *fn->nodes);
        fn->cap_nodes = (int32_t)nnodes + 1;
        for (uint32_t j = 0; j < nnodes && !r.bad; j++) {
            rl_node *n = &fn->nodes[fn->nnodes++];
            n->kind = rl_blob_get_u8(&r);
            n->flags = rl_blob_get_u8(&r);
            n->parent = (int32_t)rl_blob_get_u32(&r);
            n->first_child = (int32_t)rl_blob_get_u32(&r);
            n->next_sibling = (int32_t)rl_blob_get_u32(&r);
            n->end = (int32_t)rl_blob_get_u32(&r);
            n->aux = (int32_t)rl_blob_get_u32(&r);
            n->loc = get_loc(&r);
            n->text = rl_blob_get_str(&r);
            n->display = rl_blob_get_str(&r);
            n->callee = rl_blob_get_str(&r);
            n->api = rl_blob_get_str(&r);
            n->guard = rl_blob_get_str(&r);
            n->target = rl_blob_get_str(&r);
            n->fnptr = rl_blob_get_str(&r);
            n->cursor = rl_blob_get_str(&r);
            n->field = rl_blob_get_str(&r);
            n->element = (int32_t)rl_blob_get_u32(&r);
            uint32_t nargs = rl_blob_get_count(&r, 4);
            if (nargs) {
                n->args = rl_xcalloc(nargs, sizeof *n->args);
                n->nargs = (int32_t)nargs;
                for (uint32_t a = 0; a < nargs; a++) n->args[a] = rl_blob_get_str(&r);
            }
        }
        if (!r.bad && !tree_ok(fn)) r.bad = 1;
    }
    uint32_t naddr = rl_blob_get_count(&r, 4);
    for (uint32_t i = 0; i < naddr && !r.bad; i++) {
        const char *u = rl_blob_get_str(&r);
        if (!u) r.bad = 1;
        else RL_PUSH(f->addr_taken, f->naddr_taken, f->cap_addr_taken, u);
    }
    uint32_t nflows = rl_blob_get_count(&r, 13);
    for (uint32_t i = 0; i < nflows && !r.bad; i++) {
        uint8_t kind = rl_blob_get_u8(&r);
        int32_t index = (int32_t)rl_blob_get_u32(&r);
        const char *dst = rl_blob_get_str(&r), *src = rl_blob_get_str(&r);
        if (kind > RL_FNFLOW_CALL_ARG || index < 0 || !dst || !src) r.bad = 1;
        else rl_facts_add_fnflow(f, (rl_fnflow_kind)kind, dst, src, index);
    }
    uint32_t ndefined = rl_blob_get_count(&r, 4);
    for (uint32_t i = 0; i < ndefined && !r.bad; i++) {
        const char *u = rl_blob_get_str(&r);
        if (!u) r.bad = 1;
        else rl_facts_add_global_defined(f, u);
    }
    uint32_t nused = rl_blob_get_count(&r, 4);
    for (uint32_t i = 0; i < nused && !r.bad; i++) {
        const char *u = rl_blob_get_str(&r);
        if (!u) r.bad = 1;
        else rl_facts_add_use(f, -1, u);
    }
    uint32_t nalloc = rl_blob_get_count(&r, 4);
    for (uint32_t i = 0; i < nalloc && !r.bad; i++) {
        const char *u = rl_blob_get_str(&r);
        if (!u) r.bad = 1;
        else rl_facts_add_alloc_slot(f, u);
    }
    uint32_t nstatics = rl_blob_get_count(&r, 8);
    for (uint32_t i = 0; i < nstatics && !r.bad; i++) {
        const char *place = rl_blob_get_str(&r), *value = rl_blob_get_str(&r);
        const char *field = rl_blob_get_str(&r);
        if (!place || !value) r.bad = 1;
        else rl_facts_add_static_store(f, place, value, field);
    }
    uint32_t ndiags = rl_blob_get_count(&r, 17);
    for (uint32_t i = 0; i < ndiags && !r.bad; i++) {
        uint8_t sev = rl_blob_get_u8(&r);
        rl_loc loc = get_loc(&r);
        const char *msg = rl_blob_get_str(&r);
        if (sev > RL_DIAG_FATAL || !msg) r.bad = 1;
        else rl_facts_add_diag(f, (rl_diag_severity)sev, loc, msg);
    }
    uint32_t ndeps = rl_blob_get_count(&r, 12);
    for (uint32_t i = 0; i < ndeps && !r.bad; i++) {
        const char *path = rl_blob_get_str(&r);
        uint64_t h = rl_blob_get_u64(&r);
        if (!path) r.bad = 1;
        else rl_facts_add_dep(f, path, h);
    }
    if (r.p != r.end) r.bad = 1;
    rl_blob_reader_close(&r);
    if (r.bad) {
        rl_facts_free(f);
        return NULL;
    }
    return f;
}
