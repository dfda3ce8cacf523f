/* Facts: racelint's intermediate representation, the seam between the
 * frontend (the only code that knows libclang) and the whole-program model.
 *
 * A translation unit yields one rl_unit_facts: for every function body, a
 * tree of nodes in pre-order. Control nodes (SEQ, IF, LOOP, SWITCH, jumps)
 * keep just enough structure for lockset dataflow; event nodes (ACCESS, LOCK,
 * CALL, SPAWN, ...) are the memory accesses and synchronisation calls.
 * A node's index is also its program position: a node precedes every node
 * with a larger index, and [index, end] spans its subtree (a loop's body).
 *
 * Invariants:
 *  1. nodes[0] is the function's root SEQ; parents come before children.
 *  2. Every string is interned in the unit's pool (pointer equality works
 *     within one unit, and after rl_facts_merge within the program).
 *  3. Places and values are written in the place syntax below; the frontend
 *     produces them, only the model interprets them.
 *
 * Place syntax (a memory location as seen from one function):
 *   ROOT STEP*         ROOT  = G:name    global variable; G:name'file for a
 *                                        file-scope static, G:name'fn for a
 *                                        static local
 *                              L:name    this function's local variable
 *                              P<n>      value of parameter n (a pointer)
 *                              H<id>     object allocated in this function
 *                              {type}    object of unknown origin and type
 *                      STEP  = .field    member
 *                              []        element (array index)
 *                              [#P<n>]   element indexed by parameter n's
 *                                        value (a thread's own slot)
 *                              *         deref of the pointer stored so far
 *                              ^{T}m     the struct of type T whose member m
 *                                        the place so far is (container_of)
 *                              ~{S}      after a member of struct type S
 *                                        reached through a pointer: that
 *                                        member is an S of its own when the
 *                                        object around it is known by type
 *                                        (the model rewrites both once the
 *                                        root is resolved, model/place.h)
 *   e.g. `stats.hits` -> "G:stats.hits", `m->count` (m param 0) -> "P0*.count"
 *   A P root is a value: its first step is always '*'.
 * Value syntax (a pointer value, for call arguments and spawn arguments):
 *   "&" PLACE   the address of PLACE       e.g. "&G:counter", "&L:args[]"
 *   PLACE       the pointer stored at PLACE (P0, G:queue, L:p ...)
 *   "#L:name"   an integer local passed as a thread argument
 *   "#P<n>"     an integer call argument copied from parameter n or read
 *               through it (`count(s, a->id)`, a = P0: "#P0"): the
 *               callee's index by it is as much the instance's own as
 *               parameter n (facts format 29); as the value an ACCESS
 *               stores into an integer member, the integer parameter n
 *               itself (`c->flags = flags`, facts format 70)
 *   "#=" K      an integer constant call argument, in decimal
 *               (`unlink(q, FALSE)`: "#=0"): it decides the callee's
 *               tests of that parameter (an IF's RL_IF_VALUE_* with text
 *               "P<n>", model/known.h; facts format 34); no binding
 *   "@L_C" SEP USR SEP TYPE (SEP ARG)* END
 *               the pointer returned by the call at line L, column C to the
 *               function USR with those argument values; TYPE is what it
 *               points to (the fallback when the callee's returns do not
 *               tell). A call through a pointer has the slot it reads the
 *               function from (rl_fnflow) in place of USR. SEP and END
 *               are RL_CALL_SEP / RL_CALL_END.
 *   "%" TYPE SEP A SEP B END
 *               either value A or value B (a conditional expression, or
 *               a local pointer assigned several values); the model
 *               resolves each in the context. An alternative that is a
 *               call value has its SEP and END nested (RL_NESTED_SEP,
 *               RL_NESTED_END), so that the choice's own stay the only
 *               ones; choices never hold choices, and call arguments
 *               never hold calls or choices.
 *   "fn:" USR   the function USR (a function used as a value); "fn:"
 *               alone is a null function pointer (no function)
 *   ""          not a pointer, or not traceable
 */
#ifndef RL_FACTS_H
#define RL_FACTS_H
#include <stdint.h>
#include "../util/blob.h"
#include "../util/strpool.h"

/* Separators inside "@" call values (control characters never found in
 * identifiers, types or other values). */
#define RL_CALL_SEP "\x1f"
#define RL_CALL_END "\x1e"
/* The same separators in a call value that is an alternative of a choice. */
#define RL_NESTED_SEP "\x1d"
#define RL_NESTED_END "\x1c"
/* An alternative of a choice as a value of its own: a call value's
 * nested separators (RL_NESTED_SEP) made its own again. Interned in pool
 * when changed, else the argument. */
const char *rl_choice_unnest(rl_strpool *pool, const char *alternative);

typedef enum rl_node_kind {
    /* structure */
    RL_N_SEQ,      /* children run in order */
    RL_N_IF,       /* children: cond SEQ, then SEQ, else SEQ */
    RL_N_LOOP,     /* children: cond SEQ, body SEQ, step SEQ; args: "#=N"
                      for a `for` whose counter stays in [0, N) (facts
                      format 51), then "#=S", the constant S >= 0 it
                      starts at (facts format 73), else none */
    RL_N_SWITCH,   /* children: cond SEQ, body SEQ holding CASE markers */
    RL_N_CASE,     /* a case/default label inside a switch body */
    RL_N_RETURN,   /* text = returned pointer value, if known */
    RL_N_BREAK,
    RL_N_CONTINUE,
    RL_N_GOTO,     /* text = label name */
    RL_N_LABEL,    /* text = label name */
    /* events */
    RL_N_ACCESS,   /* text = place, display = source-like name */
    RL_N_LOCK,     /* text = place of the lock object, api = model name */
    RL_N_UNLOCK,
    RL_N_TRYLOCK,  /* acquires only on the success branch of an IF/LOOP */
    RL_N_CALL,     /* callee = USR, or NULL and text = function type */
    RL_N_SPAWN,    /* callee/text as CALL for the entry; args[0] = thread
                      argument value, args[1] = handle place */
    RL_N_JOIN,     /* text = handle place */
    RL_N_ONCE,     /* callee = init function USR; text = once-control place */
    RL_N_LOCKINIT, /* text = place of the lock initialised; RL_LOCK_RECURSIVE
                      when its attributes may make it recursive */
    RL_N_KIND_COUNT
} rl_node_kind;

/* The api of an atomic ACCESS whose memory order is relaxed, and of an
 * atomic store of the constant 0. */
#define RL_ATOMIC_RELAXED "relaxed"
#define RL_ATOMIC_ZERO "zero"
/* The api of a plain (not atomic) ACCESS storing an integer constant
 * other than 0: a flag set, which a test of the flag made under a lock
 * may wait for (flow.c, locked flags). */
#define RL_STORE_FLAG "flag"
/* The api of a plain read a condition tests (an IF's or LOOP's aux), made
 * after more lock calls than unlock calls in its body: a flag that may be
 * read under a lock (flow.c, locked flags; only a filter, the flow
 * decides from the locks it holds there). */
#define RL_READ_LOCKED "locked"
/* The api of a plain read of a pointer held in an array element whose
 * index is a shared counter the function moves: `c = p->cctxs[--p->avail]`,
 * `p->avail--; c = p->cctxs[p->avail]` (a stack's pop), `t = q->items[q->head];
 * q->head = (q->head + 1) % N` (a ring's). Under a lock, what it reads is
 * taken off the array (model/ownership_taken.c), as a list's pop unlinks
 * its head (walk_pop.c; facts format 31). */
#define RL_READ_POPPED "popped"
/* The api of a plain access to an element of an array indexed by the
 * bare counter of the innermost `for` around it, or to a member of one
 * (`jobs[i].input = i`): each round touches its own element, so an owned
 * one filled before a post in the loop is a new element each round, as a
 * new message allocated in the loop is (model/accesses.c,
 * made_each_round; facts format 37). */
#define RL_ROUND_ELEMENT "round"
/* The api of a store of a nonzero constant into such an element
 * (`jobs[i].weight = 2`): a flag set (RL_STORE_FLAG) and a round's own
 * element (RL_ROUND_ELEMENT) both (facts format 50; before, the flag hid
 * the round). Asked through rl_api_is_flag_store, rl_api_is_round. */
#define RL_ROUND_FLAG "round-flag"
/* The api of a plain store of the address of such an element (`head =
 * &jobs[i]`): it hands on that round's element alone, not the elements
 * the next rounds fill (model/ownership.c). */
#define RL_STORES_ROUND_ELEMENT "stores-round"
/* Event-loop registrations (API model kinds register, attach and
 * dispatch; frontend/walk_register.c, facts format 29) are written as
 * the stores and the call through a pointer a hand-written loop makes,
 * into members no C program can declare (names with two leading
 * underscores are the implementation's): an event keeps its callback in
 * RL_EVENT_CALLBACK and the argument for it in RL_EVENT_CALLBACK_ARG, a
 * loop the addresses of its events in RL_LOOP_EVENTS (an array: every
 * event of a loop is one element), and the loop behind the calls that
 * name none is the global RL_DEFAULT_LOOP. A dispatch is an indirect
 * CALL through LOOP.RL_LOOP_EVENTS*.RL_EVENT_CALLBACK whose `target` is
 * RL_REGISTERED_SLOT, where every registered function flows, and whose
 * type (text) is RL_REGISTERED_TYPE, no function's: what reaches it is
 * what was registered, never a match by type. The stores are ACCESS
 * nodes of api RL_ACC_STORE_ONLY. */
#define RL_EVENT_CALLBACK "__event_callback"
#define RL_EVENT_CALLBACK_ARG "__event_callback_arg"
#define RL_LOOP_EVENTS "__loop_events"
#define RL_DEFAULT_LOOP "G:__default_event_loop"
#define RL_REGISTERED_SLOT "v:__registered_callbacks"
#define RL_REGISTERED_TYPE "registered callback"
/* The api of an ACCESS that is a store for the model to follow, never an
 * access of the program's memory to report: a library's members of an
 * event (walk_register.c), and the pointer members a compound literal
 * assigned as a whole struct sets (`a[i] = (struct arg){&svc, i}`:
 * walk_expr.c), whose write is the whole object's, emitted apart. */
#define RL_ACC_STORE_ONLY "store-only"
/* ... and of a read-modify-write other than a fetch-and-op (an exchange,
 * a compare-and-swap, an operation the models do not name): how
 * spinlocks are taken, not how data is announced */
#define RL_ATOMIC_EXCHANGE "exchange"

/* The text of an IF testing the value a parameter gives (RL_IF_VALUE_EQ,
 * below), followed by the parameter's index: a thread's instance, when
 * its starts give each instance a value of its own (model/known.h). */
#define RL_INSTANCE_TEST "#P"
/* The text of an IF testing whether a wait at a global barrier picked
 * this thread (`== PTHREAD_BARRIER_SERIAL_THREAD`), followed by the
 * barrier's place ("#serial:G:bar"), display "1": the branch runs in one
 * thread a round (model/known.h; facts format 37). */
#define RL_SERIAL_TEST "#serial:"
/* The api of an IF whose value test is of the left operand of its `&&`
 * (RL_IF_PART_AND: the condition implies the test, so only its then
 * branch knows the test held) or of its `||` (RL_IF_PART_OR: the test
 * implies the condition, so only its else branch knows it failed): a
 * test one way (model/known.h; facts format 40). NULL on an IF whose
 * condition is the test. */
#define RL_IF_PART_AND "&&"
#define RL_IF_PART_OR "||"

/* Node flags, by kind. */
enum {
    /* ACCESS */
    RL_ACC_READ = 1 << 0,
    RL_ACC_WRITE = 1 << 1,
    RL_ACC_ATOMIC = 1 << 2,
    RL_ACC_NESTED = 1 << 3, /* a struct member touched by an access to the
                               whole struct around it, recorded apart for
                               when that struct is known only by type */
    RL_ACC_RELEASE = 1 << 4, /* the write by which a call modelled `free`
                                (or a realloc) releases the object */
    RL_ACC_VOLATILE = 1 << 5, /* the object accessed is volatile-qualified
                                 (its type, or the struct it is in) */
    RL_ACC_STORES_ARRAY = 1 << 6, /* a store whose value (args[0]) is a whole
                                     array, decayed (`a->buf = buffer`): the
                                     value reads `&X[]`, as an element's
                                     address would (facts format 20) */
    RL_ACC_CLAIMED = 1 << 7, /* an element whose index was claimed once from
                                a shared counter (`results[slot]`, slot =
                                atomic_fetch_add(&next, 1): walk_index.c;
                                facts format 25), or a member of an object
                                claimed by its flag (`c->requests`, c from
                                a helper setting `c->in_use = 1`:
                                walk_flag_claim.c; facts format 27) */
    /* LOCK / TRYLOCK / UNLOCK */
    RL_LOCK_SHARED = 1 << 0, /* rwlock read mode */
    RL_LOCK_RECURSIVE = 1 << 1,
    RL_LOCK_JUMP_TARGET = 1 << 2, /* TRYLOCK: a setjmp (text: its buffer), whose
                                     "success" is the nonzero return after a
                                     jump; it takes no lock */
    RL_LOCK_DESTROY = 1 << 3, /* LOCKINIT: the lock is destroyed, not set up
                                 (pthread_mutex_destroy): it ends here */
    RL_LOCK_COUNTING = 1 << 5, /* LOCKINIT: a semaphore set up with a count
                                  that is no constant 0 or 1: several
                                  waiters may pass at once (facts format 26) */
    RL_LOCK_STARTS_EMPTY = 1 << 6, /* LOCKINIT: a semaphore set up with the
                                      constant count 0: its n-th wait
                                      returns after its n-th post (facts
                                      format 73) */
    RL_LOCK_SPIN = 1 << 4, /* TRYLOCK / UNLOCK: a spinlock's operation built
                              from an atomic (a compare-and-swap or exchange
                              of a constant, a store of 0: the API model's
                              `value`); the store may also be a plain flag's
                              reset (facts format 25) */
    /* IF / LOOP: which branch means the TRYLOCK node `aux` succeeded (or
       the SPAWN node `aux` started its thread: facts format 13) */
    RL_TRY_ON_TRUE = 1 << 0,  /* condition true => acquired */
    RL_TRY_ON_FALSE = 1 << 1, /* condition false => acquired */
    /* IF: a test of a global's value (text: the global's place, display:
       the constant K in decimal): the condition holds exactly when the
       global equals K (EQ), or exactly when it differs from K (NE).
       Set only for a plain read of a global scalar, not atomic, not
       volatile, with nothing else in the condition (model/known.h). Or
       a null test of a pointer parameter the function never assigns nor
       takes the address of: text "P<n>", display "0" (facts format 30).
       Or a test of an integer copy of parameter n, or of an integer read
       through it (`int id = (intptr_t)arg; if (id == 0)`, `if (a->id ==
       0)`), also behind a null test of the pointer it reads through
       (`t != NULL && t->id != K`, `t == NULL || t->id != K`: the test
       itself wherever t is not null; facts format 61): text
       RL_INSTANCE_TEST "<n>", display K; or of whether a
       barrier wait picked the thread: text RL_SERIAL_TEST and the
       barrier's place, display "1" (facts format 37). Or a null test
       of a pointer member read through a pointer parameter: text
       "P<n>*.f", display "0" (facts format 41); or of an integer member
       so read under a constant mask (`c->flags & M`): display
       RL_IF_MASK_TEST "M" (facts format 70). With an api of
       RL_IF_PART_AND or RL_IF_PART_OR, the test is of the condition's
       left operand, and holds one way only (above) */
    RL_IF_VALUE_EQ = 1 << 5,
    RL_IF_VALUE_NE = 1 << 6,
    /* IF: the condition compares two values by order (<, >, <=, >=), as
       code taking two locks in address or id order does (`if (x < y)
       { lock x; lock y; } else { lock y; lock x; }`), or a `?:` doing so
       (`a < b ? a : b`): text and display the roots of its operands'
       values ("P0", "P1"; "?" for one without, an integer local; facts
       formats 17 and 21) */
    RL_IF_ORDERS = 1 << 2,
    /* IF: a null test of a local pointer holding the value read from the
       place in text (`t = head; if (t) head = t->next;`): the then branch
       (NONNULL_THEN) or the else branch (NONNULL_ELSE) runs when it is
       not null, as it is wherever the code dereferences it (facts format
       22) */
    RL_IF_NONNULL_THEN = 1 << 3,
    RL_IF_NONNULL_ELSE = 1 << 4,
    /* IF: the condition tests whether a decrement by one (`aux`, its
       ACCESS node: `atomic_fetch_sub(&o->refs, 1) == 1`,
       `__sync_sub_and_fetch(&n, 1) == 0`, `--refs == 0`, or a local
       given such a value once, `left = --b->refs; ... if (left == 0)`)
       brought its counter to zero; RL_TRY_ON_TRUE or RL_TRY_ON_FALSE
       says on which branch it did: the last reference's branch, which one
       thread alone takes, after every other decrement. A plain counter's
       decrement counts only under a lock (flow.c; facts format 27) */
    RL_IF_LAST = 1 << 7,
    /* LOOP */
    RL_LOOP_DO = 1 << 2,       /* body runs before the first test */
    RL_LOOP_FOREVER = 1 << 3,  /* no condition, or a constant true one */
    RL_LOOP_ONCE = 1 << 4,     /* do { } while (0): runs once, not a loop */
    RL_LOOP_RUNS = 1 << 5,     /* a `for` whose counter starts at a constant
                                  its test lets through (`for (i = 0; i < 8;
                                  i++)`), or a `while` testing for null a
                                  local still null (`m = NULL; while (!m)`):
                                  the body runs at least once (facts
                                  format 26) */
    RL_LOOP_SINGLE_PASS = 1 << 6, /* a `for` run exactly once: its test is a
                                  local flag its init sets nonzero and its
                                  step sets to 0, changed nowhere else
                                  (`for (int once = (lock(m), 1); once;
                                  once = 0, unlock(m))`, a scoped-lock
                                  macro): body, then step, then out
                                  (facts format 27) */
    RL_LOOP_START_FALSE = 1 << 7, /* a `while` or `for` testing a plain
                                  global scalar (text: its place) against a
                                  constant, a test the global's value at
                                  program start fails (`static int paused;
                                  ... while (paused)`): a wait inside may
                                  never run (model/loop_start.h; facts
                                  format 36) */
    /* SPAWN */
    RL_SPAWN_CALLBACK = 1 << 0, /* not a spawn call: a function handed to a
                                   function declared outside the system
                                   headers whose body the unit lacks (its
                                   USR in `guard`), which may run it on a
                                   thread of its own; the model drops it
                                   when the program defines that function */
    RL_SPAWN_ARG_REPEATS = 1 << 1, /* the argument is the address of an array
                                   element whose index does not step with
                                   the innermost loop around the spawn
                                   (`&row[i]` in the `j` loop, `&pair[i / 2]`,
                                   `&slots[0]`): several instances get the
                                   same element (facts format 23) */
    /* SWITCH */
    RL_SWITCH_DEFAULT = 1 << 0,
    /* CALL */
    RL_CALL_INDIRECT = 1 << 0,
    RL_CALL_NORETURN = 1 << 1, /* the callee never returns (declared so, or
                                  an exit / thread_exit / jump model) */
    RL_CALL_EXITS = 1 << 2,    /* the callee ends the process (exit model);
                                  for other NORETURN calls the model decides
                                  from the callee's body, if it has one */
    RL_CALL_FENCE_RELEASE = 1 << 3, /* a fence that releases
                                       (atomic_thread_fence: release,
                                       acq_rel, seq_cst; __sync_synchronize):
                                       a relaxed store after it releases what
                                       came before the fence (facts format 26) */
    RL_CALL_FENCE_ACQUIRE = 1 << 4, /* a fence that acquires (acquire,
                                       consume, acq_rel, seq_cst): a relaxed
                                       load before it acquires */
    RL_CALL_ROUND_ELEMENT = 1 << 5, /* an argument is the address of the
                                       element the innermost `for`'s
                                       counter indexes (`submit(p,
                                       &jobs[i])`), no other one points
                                       into that array: it hands on that
                                       round's element alone, as a store of
                                       it does (RL_STORES_ROUND_ELEMENT;
                                       facts format 37) */
};

/* The arguments a CALL's claimed-argument mask (its aux) can name: the
 * bits of a nonnegative int32_t. */
#define RL_CALL_MAX_CLAIMED_ARGS 31

typedef struct rl_loc {
    const char *file; /* interned path */
    uint32_t line, col;
} rl_loc;

/* Function-pointer flows (frontend/fnflow.c, model/callgraph.c): where
 * function values go, so that a call through a pointer reaches the
 * functions stored in it rather than every function of its type.
 *
 * Slots name where a function pointer can be stored, the same way in
 * every unit (field-based: every object's field `cb` is one slot):
 *   "v:" USR          a variable (global, static or local)
 *   "p:" USR "#" N    parameter N of the function USR
 *   "r:" USR          what the function USR returns
 *   "f:" USR          a struct field, whatever the object: the field's
 *                     USR with "$" and a hex mark of the file defining
 *                     the struct before RL_FIELD_USR_MARK (two structs of
 *                     one tag from two headers are two slots)
 *   "u:" USR          any member of a union type (members alias): the
 *                     union's USR, "$" and the mark
 *   "t:" TYPE         reached through a pointer to a function pointer
 * Values are slots, or "fn:" USR, the function itself, or "fn:" alone, a
 * null pointer constant (`.free = NULL`): a slot nothing but null flows
 * into calls nothing, where one nothing flows into at all is matched by
 * type (model/callgraph.h). */
#define RL_NULL_FUNCTION "fn:"
/* The step a lock's place ends with when a loop over its whole array
 * takes (or releases) every element (`for (i = 0; i < N; i++)
 * pthread_mutex_lock(&stripe[i]);`, N the array's length: "G:stripe[]"
 * RL_EVERY_ELEMENT, facts format 41): a lock of every element, held with
 * any one of them (rules/race.c). A member no C code can name. */
#define RL_EVERY_ELEMENT ".#every"
/* The step of a list cursor (rl_node.cursor) that calls a getter of the
 * next node: this mark, then the getter's USR (facts format 68). */
#define RL_CURSOR_GETTER "="

/* The prefix of an integer constant call argument ("#=" K, above). */
#define RL_INT_CONSTANT_ARG "#="
/* The value an ACCESS that stores a null pointer constant carries
 * (`c->conn = NULL;`, facts format 41): an integer constant 0, as a NULL
 * call argument is, so that it resolves to no object; told apart from a
 * store of a value not traced, which carries none. */
#define RL_NULL_STORE RL_INT_CONSTANT_ARG "0"
/* The value an ACCESS that stores into an integer member carries when
 * what it stores is a constant K (facts format 70; model/member_tests.h):
 * "#=" K for `c->flags = K`, RL_OR_CONSTANT_STORE K for `c->flags |= K`
 * (sets K's bits), RL_AND_CONSTANT_STORE K for `c->flags &= K` (sets
 * none), K in decimal. */
#define RL_OR_CONSTANT_STORE "#|"
/* ... and RL_ROUND_COUNTER_STORE when what it stores into its loop
 * round's own element is the round's counter itself (`args[i].id = i`):
 * each element's member then holds a value of its own, so that a thread
 * started on `&args[i]` that tests `a->id == K` singles out one instance
 * (model/known.c; facts format 71). */
#define RL_ROUND_COUNTER_STORE "#i"
#define RL_AND_CONSTANT_STORE "#&"
/* The display of an IF's value test of a member read through a parameter
 * ("P<n>*.f") under a mask, followed by the mask M in decimal (`if
 * (c->flags & M)`: RL_IF_VALUE_NE, the condition holds exactly when the
 * member's bits M are not all 0; `if (!(c->flags & M))`: RL_IF_VALUE_EQ;
 * facts format 70). */
#define RL_IF_MASK_TEST "&"
/* The suffix of a CALL argument "#P<n>" that is the caller's integer
 * parameter n itself, passed on unchanged (`unsub_all(c, notify)`): a
 * constant the caller was given for it is the callee's too
 * (model/known.h; facts format 40). */
#define RL_PARAM_ITSELF "="
/* The suffix of a CALL argument "#P<n>" that starts the block [lo, hi)
 * of instance value n, passed with its end as the next argument
 * (`step_range(lo, lo + CH)`, lo `id * CH`): a callee whose counter runs
 * between those two parameters runs over the instance's own elements
 * (facts format 40). */
#define RL_BLOCK_START "+"
/* The value of a store into a member of a loop round's own element that
 * starts or ends the round's block of elements (`args[t].lo = t * S`,
 * `args[t].hi = (t + 1) * S`), followed by a key of the block's size and
 * offset ("16@", "16@1"): a thread whose `for` runs over the range its
 * record holds ([#R<n>:lo:hi] index steps, walk_index.c) owns those
 * elements when the two members of its record were given the start and
 * the end of one block (model/resolve.c; facts format 44). */
#define RL_RECORD_BLOCK_START "#["
#define RL_RECORD_BLOCK_END "#]"
/* The api of a LOOP whose `for` counter runs from parameter n to
 * parameter n + 1 (text "P<n>"): its elements are the instance's own
 * only where the caller passed a block for them (RL_BLOCK_START), and a
 * caller passing the instance's value itself for n does not make them so
 * (model/ctx_calls.c). */
#define RL_LOOP_PARAM_RANGE "param-range"
/* Whether value v is an integer constant argument ("#=K", a decimal K),
 * and K in *k. */
int rl_int_constant_arg(const char *v, long long *k);
/* Whether value v is `prefix` followed by a decimal K (and nothing
 * else), and K in *k: RL_INT_CONSTANT_ARG's, RL_OR_CONSTANT_STORE's. */
int rl_prefixed_int(const char *v, const char *prefix, long long *k);
/* What separates a field's name from the rest of its USR and its slot. */
#define RL_FIELD_USR_MARK "@FI@"
typedef enum rl_fnflow_kind {
    RL_FNFLOW_COPY,     /* slot dst may hold value src */
    RL_FNFLOW_CALL_ARG, /* a call through slot dst passes value src as argument index */
} rl_fnflow_kind;

typedef struct rl_fnflow {
    uint8_t kind;       /* rl_fnflow_kind */
    int32_t index;      /* CALL_ARG: the argument */
    const char *dst;    /* interned */
    const char *src;    /* interned */
} rl_fnflow;

typedef struct rl_node {
    uint8_t kind;       /* rl_node_kind */
    uint8_t flags;
    int32_t parent;     /* -1 for the root */
    int32_t first_child, next_sibling; /* -1 when none */
    int32_t end;        /* index of the last node of this subtree */
    int32_t aux;        /* IF/LOOP: TRYLOCK node index, or the SPAWN
                           node whose outcome the condition tests, or the
                           ACCESS node of an atomic load whose value it
                           tests, nonzero meaning success (facts format
                           26), or the
                           LOCK node an
                           earlier `if` on the same unchanged local took
                           (`if (x) lock(&m); ... if (x) ...`: a correlated
                           condition), or -1; ACCESS: the constant index
                           of the place's first [] or -1; CALL: a mask of
                           the arguments that are pointers the caller
                           claimed and still holds (bit i for argument i <
                           RL_CALL_MAX_CLAIMED_ARGS: the callee's accesses
                           through them are the instance's own), or -1;
                           SPAWN: the constant index of the array element
                           its argument is the address of (`&seen[1]`,
                           facts format 35), or -1 */
    rl_loc loc;
    const char *text;   /* place, label, handle, or indirect callee type;
                           IF with RL_IF_VALUE_*: the global tested */
    const char *display;/* what the user wrote, for messages; IF with
                           RL_IF_VALUE_*: the constant, in decimal */
    const char *callee; /* USR of a direct callee / entry / init function */
    const char *api;    /* API model entry name for sync calls; ACCESS
                           with RL_ACC_ATOMIC: RL_ATOMIC_RELAXED when the
                           operation's memory order is a constant
                           memory_order_relaxed (it orders nothing), else
                           RL_ATOMIC_ZERO for a store of the constant 0
                           (a reset: it announces nothing a test for
                           nonzero waits for), RL_ATOMIC_EXCHANGE for an
                           exchange, a compare-and-swap or another
                           read-modify-write that is no fetch-and-op (a
                           spinlock's acquisition), else NULL (facts
                           format 26) */
    const char *guard;  /* ACCESS: the lock the location is declared
                           GUARDED_BY (Clang attribute), as a place; SPAWN
                           with RL_SPAWN_CALLBACK: the USR of the function
                           the callback is handed to; or NULL */
    const char *target; /* CALL or SPAWN through a pointer: the slot the
                           function is read from (rl_fnflow); ACCESS, LOCK,
                           TRYLOCK, UNLOCK on an element of an array (not
                           an element of an element): the name of the
                           parameter indexing it (`acct[from].m`: "from";
                           facts format 60); or NULL */
    const char *fnptr;  /* CALL or SPAWN through a pointer: the pointer as a
                           value ("P0", "P0*.probe", "fn:USR"), resolved per
                           context by the model; or NULL */
    const char *cursor; /* ACCESS whose place is named by the pointee's type
                           ("{struct node}.v") because it goes through a
                           list cursor (frontend/walk_cursor.c: a local
                           given one start value and otherwise stepped
                           through itself, `n = n->next`): "START|STEP",
                           the start's value and the step's member path
                           ("G:head|.next"; facts format 67), or
                           RL_CURSOR_GETTER and the USR of the function
                           of the node a step calls (`n = node_next(n)`:
                           "G:head|=c:@F@node_next"; format 68), so that the
                           model may name the nodes by the one object the
                           start and its steps lead to (model/cursors.c);
                           or NULL */
    const char *field;  /* ACCESS of a struct member of pointer type: the
                           member's slot, as frontend/fnflow.h names it in
                           every unit ("f:" USR, "u:" for a union), so that
                           the model can gather every store into that
                           member of any object of the struct (model/
                           field_values.h; facts format 74); or NULL */
    int32_t nargs;
    int32_t element;    /* CALL: the constant index of the array element
                           one argument is the address of (`publish(&objs[1],
                           ...)`) when no other argument points into that
                           array, as a SPAWN's aux says for its argument:
                           calls handing on elements of other indices hand
                           on other objects (model/ownership_between.c;
                           facts format 72); -1 otherwise and on other
                           kinds */
    const char **args;  /* CALL: argument values; SPAWN: see above */
} rl_node;

typedef struct rl_required_lock {
    const char *place;  /* interned */
    int shared;         /* held for reading only */
} rl_required_lock;

typedef struct rl_function {
    const char *usr;    /* unique across the program (static fns include the file) */
    const char *name;
    const char *type;   /* canonical function type, matches indirect calls */
    rl_loc loc;
    int32_t nparams;
    int32_t nnodes, cap_nodes;
    rl_node *nodes;
    /* Locks its body may assume held on entry, by contract (Clang's
     * requires_capability or release_capability attributes): places as
     * the body names them ("P0*.lock"). */
    rl_required_lock *requires;
    int32_t nrequires;
    /* What its body names besides its direct calls, by USR, once each:
     * global variables of external linkage and functions used as values
     * (`h->cb = on_read`). A linker keeping the function must find them;
     * one dropping it (an unused static inline function of a header) does
     * not (model/link.c). */
    const char **uses;
    int32_t nuses, cap_uses;
    /* The objects it allocates zeroed ("H<line>_<col>": a call the API
     * models say returns zeroed memory, calloc's; facts format 70), once
     * each: every member of one holds 0 until a store (model/
     * member_tests.h). */
    const char **zeroed;
    int32_t nzeroed, cap_zeroed;
} rl_function;

typedef enum rl_diag_severity { RL_DIAG_WARNING, RL_DIAG_ERROR, RL_DIAG_FATAL } rl_diag_severity;

typedef struct rl_diag {
    rl_diag_severity severity;
    rl_loc loc;
    const char *message;
} rl_diag;

/* A pointer stored by the initializer of a global or static variable
 * (`struct s A = {3, &p};` stores &G:p into G:A.next): the model follows
 * it like a pointer stored by an assignment. */
typedef struct rl_static_store {
    const char *place; /* where the pointer is stored, a G: place */
    const char *value; /* the address stored, "&PLACE", or a function, "fn:" USR */
    const char *field; /* the member's slot when the place is a member
                          (rl_node.field), or NULL */
} rl_static_store;

typedef struct rl_dep {
    const char *path; /* interned */
    uint64_t hash;    /* rl_file_hash of its content */
} rl_dep;

typedef struct rl_unit_facts {
    const char *main_file;
    int parse_failed;       /* no AST at all, or errors in the main file */
    rl_strpool *pool;       /* owns every string below */
    rl_function *fns;
    int32_t nfns, cap_fns;
    const char **addr_taken; /* USRs of functions used as values */
    int32_t naddr_taken, cap_addr_taken;
    rl_fnflow *fnflows;      /* where function values flow in this unit */
    int32_t nfnflows, cap_fnflows;
    /* Slots (rl_fnflow) into which the unit stores a function the API
     * models call an allocator (`malloc_t my_malloc_f = malloc;`, curl's
     * Curl_cmalloc): a call through such a slot may allocate. */
    const char **alloc_slots;
    int32_t nalloc_slots, cap_alloc_slots;
    /* Global variables of external linkage, by USR, that the unit
     * defines: what links a unit that only names a table of handlers
     * (curl's &Curl_handler_http) to the unit defining it. */
    const char **globals_defined;
    int32_t nglobals_defined, cap_globals_defined;
    /* What the unit names outside function bodies (the initializers of
     * its variables: a table of handlers), by USR, once each: global
     * variables of external linkage and functions. What its functions
     * name is in their own `uses`. */
    const char **init_uses;
    int32_t ninit_uses, cap_init_uses;
    rl_static_store *statics; /* pointers stored by static initializers */
    int32_t nstatics, cap_statics;
    rl_diag *diags;
    int32_t ndiags, cap_diags;
    /* The files the unit was built from (its main file and every file it
     * includes) with their content hashes: the facts cache key. Not part
     * of rl_facts_dump. */
    rl_dep *deps;
    int32_t ndeps, cap_deps;
} rl_unit_facts;

rl_unit_facts *rl_facts_new(const char *main_file);
void rl_facts_free(rl_unit_facts *facts);

/* Building (used by the frontend). Returned pointers stay valid until the
 * next rl_facts_add_function / rl_fn_add_node call on the same owner. */
rl_function *rl_facts_add_function(rl_unit_facts *facts);
int32_t rl_fn_add_node(rl_function *fn, rl_node_kind kind, int32_t parent, rl_loc loc);
void rl_facts_add_diag(rl_unit_facts *facts, rl_diag_severity sev, rl_loc loc, const char *msg);
void rl_facts_add_addr_taken(rl_unit_facts *facts, const char *usr);
/* Records a global variable the unit defines (once each). */
void rl_facts_add_global_defined(rl_unit_facts *facts, const char *usr);
/* Records that function number fn of the unit names usr (a global
 * variable, a function as a value), once each; fn -1: a name outside
 * every function body (init_uses). */
void rl_facts_add_use(rl_unit_facts *facts, int32_t fn, const char *usr);
/* Records that fn allocates object ("H<line>_<col>") zeroed (once). */
void rl_facts_add_zeroed(rl_unit_facts *facts, rl_function *fn, const char *object);
/* Records a slot holding an allocator (once each). */
void rl_facts_add_alloc_slot(rl_unit_facts *facts, const char *slot);
/* Records a function-pointer flow (strings are interned here). */
void rl_facts_add_fnflow(rl_unit_facts *facts, rl_fnflow_kind kind, const char *dst, const char *src, int32_t index);
/* Records a pointer stored by a static initializer (strings interned here). */
void rl_facts_add_static_store(rl_unit_facts *facts, const char *place, const char *value, const char *field);
/* Records a file the unit depends on (duplicates ignored). */
void rl_facts_add_dep(rl_unit_facts *facts, const char *path, uint64_t hash);
/* The content hash of a file (rl_hash_content over its bytes): 0, or -1
 * with *hash untouched when it cannot be read. */
int rl_file_hash(const char *path, uint64_t *hash);

/* Child access: the n-th child of node i, or -1. */
int32_t rl_fn_child(const rl_function *fn, int32_t i, int n);

const char *rl_node_kind_name(rl_node_kind kind);

/* Whether node n is an atomic load that acquires (not relaxed, not also a
 * write): what a condition testing its value waits on (facts format 26),
 * and what an atomic store that releases (rl_node_is_release_store)
 * hands over to. */
int rl_node_is_acquire_load(const rl_node *n);
/* Whether node n is an atomic load, relaxed or not, or an exchange that
 * is not relaxed (RL_ATOMIC_EXCHANGE: what it read, it read as an
 * acquiring load does): a condition testing it names it as its aux; a
 * relaxed load acquires only with an acquire fence after it
 * (RL_CALL_FENCE_ACQUIRE). */
int rl_node_is_atomic_load(const rl_node *n);
/* Whether node n is a loop that repeats: not `do { } while (0)`
 * (RL_LOOP_ONCE) nor a `for` run exactly once (RL_LOOP_SINGLE_PASS). */
int rl_node_is_repeating_loop(const rl_node *n);
/* Whether node n leaves the statement it is in: a return, break,
 * continue or goto (what follows it in its sequence is not reached from
 * it). */
int rl_node_is_jump(const rl_node *n);
/* Whether LOOP node `loop` is a `for` whose counter counts up from a
 * constant through [*start, *bound) (RL_N_LOOP's args: the bound, then
 * the start, 0 when a format-51 node has no start). */
int rl_loop_counter_range(const rl_node *loop, long long *start, long long *bound);
/* Whether statement b of f always leaves before its end: a `return`,
 * `break`, `continue` or `goto`, or a call that never returns, as it or
 * as the last statement of its block (b = -1: no). */
int rl_fn_always_leaves(const rl_function *f, int32_t b);
/* Whether node n is an atomic write that releases: a store of a value
 * that may be nonzero, or a fetch-and-op (which continues the release
 * sequence of the stores before it: C11 5.1.2.4), not relaxed; not an
 * exchange or compare-and-swap, which take spinlocks. */
int rl_node_is_release_store(const rl_node *n);

/* Whether a type-based place "{T}..." names a struct or union type: the
 * only type-based places precise enough to pair with each other. */
int rl_type_is_aggregate_key(const char *place);

/* Whether an IF's value-test text is a pointer member read through a
 * parameter ("P0*.conn", "P1*.s.c": "P", digits, one deref, members
 * only), tested against 0 (facts format 41; model/member_tests.h). */
int rl_text_is_member_test(const char *text);
/* Whether an ACCESS's api says it stores a flag (RL_STORE_FLAG or
 * RL_ROUND_FLAG), and whether it says it touches its round's own element
 * (RL_ROUND_ELEMENT or RL_ROUND_FLAG). */
int rl_api_is_flag_store(const char *api);
int rl_api_is_round(const char *api);

/* Canonical text dump, one line per node, for golden tests and debugging. */
struct rl_strbuf;
void rl_facts_dump(const rl_unit_facts *facts, struct rl_strbuf *out);


/* Serialisation, for the facts cache: a versioned binary image (strings
 * once each, in a table; every field bounds-checked on read, and a
 * checksum over the whole). rl_facts_serialize returns a heap buffer and
 * sets *len. rl_facts_deserialize returns NULL for anything it cannot
 * read back exactly (corrupt, truncated, other format version): a cache
 * miss, never a crash. */
unsigned char *rl_facts_serialize(const rl_unit_facts *facts, size_t *len);
rl_unit_facts *rl_facts_deserialize(const void *buf, size_t len);
/* A digest of what the analysis reads in an image of facts whose ndeps
 * is `ndeps`: the image less its header and its last section, the content
 * hashes of the files the unit was made from. An edit that changes no
 * fact (a comment, a blank line at the end of a file) changes only those
 * hashes, so the whole-program results keyed on this digest are reused
 * (analyzer/results.h). */
uint64_t rl_facts_digest(const void *buf, size_t len, int32_t ndeps);

/* Facts images start with the header of every racelint binary file
 * (util/blob.h). */
/* rl_blob_check with the magic and version of rl_facts_serialize. */
rl_blob_status rl_facts_check(const void *buf, size_t len);

#endif
