/* The event walker's internal interface: what its files share. Nothing
 * outside analyzer/frontend includes this.
 *
 * The walker turns each function body into facts, walking it once:
 * statements become structure nodes (walk_stmt.c), expressions become
 * access events written in the place syntax of facts.h (walk_expr.c),
 * calls become call, spawn, join and allocation events (walk_call.c), lock
 * calls, lock attributes and trylock conditions become lock events
 * (walk_lock.c). walk_locals.c finds the body's locals and follows the
 * values of local pointers; walk_util.c holds the small libclang helpers;
 * extract.c parses the unit and walks each of its functions.
 *
 * Invariants:
 *  1. Only memory another thread could see is recorded: globals, static
 *     locals, anything reached through a pointer, and locals whose address
 *     is taken. Plain locals and parameters never become accesses.
 *  2. Whether a call locks, spawns, joins, allocates or is atomic is asked
 *     of the API model by name; the walker knows no API by heart.
 *  3. Values are computed by the same code that emits events, with emission
 *     switched off (w->silent) when only the value is wanted, so a value and
 *     the events it stands for can never disagree. */
#ifndef RL_WALKER_H
#define RL_WALKER_H
#include "frontend.h"
#include "annotations.h"
#include "cursor.h"
#include "fnflow.h"
#include "../util/mem.h"
#include "../util/ptrmap.h"
#include "../util/strbuf.h"
#include "libclang.h"

/* How an expression's result is used. */
typedef enum use_mode {
    USE_READ,  /* its value is read */
    USE_WRITE, /* it is assigned */
    USE_RMW,   /* read, then written (++, +=) */
    USE_ADDR,  /* only its address is computed (&x, array decay) */
} use_mode;

/* Longest identifier read back from source text for macro names. */
#define MAX_IDENT 128
/* Guard against pathological alias chains (p = q; q = r; ...). */
#define MAX_ALIAS_DEPTH 16
/* Per-expression recursion bound: deeper trees are walked without detail. */
#define MAX_EXPR_DEPTH 512

/* One per worker thread (frontend.h): libclang's index and the API model. */
struct rl_frontend {
    CXIndex index;
    const rl_apimodel *model;
    char *resource_dir_flag;
};

/* A local variable or parameter of the function being walked. */
typedef struct local_var {
    CXCursor decl;
    unsigned hash;
    const char *name;
    int param_index;   /* >= 0 for parameters */
    int is_pointer;
    int exposed;       /* its address is taken somewhere */
    int addr_of_ptr;   /* &p taken: p's value is unknowable */
    int modified;      /* changed in place (++, +=): not a copy of its initialiser */
    CXCursor *assigns; /* right-hand sides assigned to it */
    int nassigns, cap_assigns;
    int alias_state;   /* 0 unknown yet, 1 computing, 2 done */
    const char *alias; /* its single known value, or NULL */
    int flow_depth;    /* loops and switch bodies around its declaration
                          (0 for a parameter) */
    int nordered_assigns; /* assignments made as statements (or conditions
                          of `if`s) at flow_depth: walked in program order */
    int straight;      /* every assignment is one: its value is followed in
                          program order (current), the values of an `if`'s
                          branches merged where they meet, instead of
                          every assignment merged everywhere */
    const char *current; /* straight: its value at the point of the walk
                          (NULL: none assigned yet, rlw_null_value: NULL) */
    const char *round_value; /* straight: the value it was last given when that
                          was the address of the round's own element
                          (`r = &reqs[i]`), else NULL: while current is
                          still it, `r->id` is `reqs[i].id` (expr_out.
                          round_element) */
    CXCursor round_counter; /* the loop counter of that round */
    int32_t trylock_node; /* holds the result of that TRYLOCK node, or -1 */
    int trylock_polarity; /* 0: holds the call's own result; else what its
                             truth means (RL_TRY_ON_TRUE: taken), for a
                             local set to a test of it (`started =
                             pthread_create(...) == 0`) */
    int32_t cond_lock_node; /* `if (x) lock(&m);` took that LOCK node when x
                               was true (cond_lock_polarity RL_TRY_ON_TRUE)
                               or false; -1 when none, or since released */
    int cond_lock_polarity;
    int flag_claim;       /* rlw_pointer_claimed's verdict: 0 not asked yet,
                             1 a claimed pointer, 2 not one */
    int claim_handed_back; /* its slot was handed back since it was last
                             given a value (rlw_note_claim_release) */
    int cursor_state;     /* walk_cursor.c: 0 not asked yet, 1 asked */
    const char *cursor;   /* the list cursor it is ("START|STEP"), or NULL */
} local_var;

/* The most `for` counters around a statement whose range is known to be
 * an instance's own block (loop_scope.owned). */
#define MAX_OWNED_COUNTERS 4

/* A `for` counter that runs over the elements of one instance: from `id *
 * S` while below `id * S + S` (walk_index.c, rlw_range_param), or from
 * `id` by a stride (rlw_stride_param). */
typedef struct owned_counter {
    CXCursor counter;
    int param;           /* the parameter id is a copy of */
    const char *members; /* a range read from the parameter's record
                            (rlw_record_range: ":lo:hi"), or NULL */
} owned_counter;

/* The innermost loop around the statement being walked, as spawn
 * arguments and block indices need it (walk_stmt.c sets it, saving and
 * restoring it around each loop's body). */
typedef struct loop_scope {
    int inside;          /* some loop (not a `do { } while (0)`) is around */
    CXCursor stmt;       /* the innermost such loop's statement */
    CXCursor counter;    /* the variable the innermost one, a `for`, steps
                            (`i++`), or a null cursor (none, not a plain step) */
    long long span;      /* the counter stays in [0, span): it starts at a
                            constant >= 0 and the loop runs while it is below
                            the constant span; -1 unknown */
    owned_counter owned[MAX_OWNED_COUNTERS]; /* the `for` counters around,
                            innermost or not, that run over an instance's
                            own block */
    int nowned;
} loop_scope;

/* The state of one unit's walk, and of the function being walked in it. */
/* A lock a local's cleanup attribute releases when the local leaves its
 * scope (walk_cleanup.c). */
typedef struct scoped_release {
    const char *lock, *display; /* the lock's place and how it is written */
    const char *api_name;       /* the unlock the cleanup function calls */
    const rl_api_fn *api;
    int block;                  /* w->block_depth where the local is declared */
    int breakable;              /* w->breakable_depth there */
} scoped_release;

/* A loop whose test of a global fails at its starting value
 * (RL_LOOP_START_FALSE): the test, kept until the function's end in case
 * the function closes the gate itself after the loop (walk_test.c). */
typedef struct loop_gate {
    int32_t node;   /* the LOOP */
    const char *global; /* its text */
    int op;         /* enum CXBinaryOperatorKind: the test is `G op k` */
    long long k;
} loop_gate;
/* Marked loops remembered per function; later ones stay marked. */
#define RL_MAX_LOOP_GATES 8
/* The most objects of one function rlw_note_start_store remembers. */
#define RL_MAX_START_STORES 8

typedef struct walker {
    rl_frontend *fe;
    CXTranslationUnit tu;
    rl_unit_facts *facts;
    rl_function *fn;
    const char *fn_name;
    local_var *locals;
    int nlocals, cap_locals;
    int32_t cur;       /* SEQ node receiving events */
    int silent;        /* compute values without emitting events */
    int in_alias;      /* computing a flow-insensitive alias (rlw_local_alias) */
    int has_jumps;     /* the body has labels or gotos: no straight locals */
    int flow_dead;     /* the statement walked last was a return, break,
                          continue or call that never returns: the values
                          of straight locals there reach no join after it */
    int depth;
    int32_t last_trylock;  /* most recent TRYLOCK node emitted, or SPAWN
                              node: a call whose result tells whether it
                              took effect (a condition may test it), or an
                              atomic load that acquires */
    int testing_loop;      /* the condition rlw_set_try reads is a loop's */
    rl_ptrmap annotations; /* callee name (interned) -> rl_lock_annotation*, or rlw_no_annotation */
    rl_ptrmap globals;     /* file-scope variable name (interned) -> CXCursor* of its declaration */
    rl_ptrmap guards;      /* variable or field USR -> its GUARDED_BY text, or rlw_no_annotation */
    rl_ptrmap member_slots; /* field USR (interned) -> its slot (rlw_member_slot), or rlw_no_annotation */
    rl_ptrmap noreturn;    /* callee USR (interned) -> NORETURN_YES or rlw_no_annotation */
    rl_ptrmap claims;      /* helper USR (interned) -> whether it returns claimed
                              indices (walk_claim.c), or rlw_no_annotation */
    loop_scope loop;       /* the loops around the statement being walked */
    rl_ptrmap cleanups;    /* cleanup function name (interned) -> the unlock it
                              applies to its parameter's pointee, or
                              rlw_no_annotation (walk_cleanup.c) */
    scoped_release *releases; /* guards of the blocks being walked, innermost last */
    int nreleases, cap_releases;
    int block_depth;       /* compound statements around the statement walked */
    int locks_taken;       /* lock nodes minus unlock nodes emitted so far in the
                              body, in walking order: a crude sign that a lock
                              is held (RL_READ_LOCKED) */
    int breakable_depth;   /* loops and switches around it */
    struct pop_candidate *pops; /* pointer reads of elements by a shared index,
                              judged at the function's end (walk_pop.c) */
    int npops, cap_pops;
    loop_gate gates[RL_MAX_LOOP_GATES]; /* the function's loops marked
                              RL_LOOP_START_FALSE so far (walk_test.c) */
    int ngates;
    const char *start_stores[RL_MAX_START_STORES]; /* objects the function
                              gave a nonzero constant so far, on every path
                              from its entry (rlw_note_start_store) */
    int nstart_stores;
} walker;

/* A callee or declaration known to carry no lock attribute: the "none"
 * value of the walker's annotations, guards and noreturn caches
 * (walk_lock.c). */
extern const char rlw_no_annotation[];

/* ---- small libclang helpers (walk_util.c) --------------------------------- */

/* A cursor's children: inline up to 8, then on the heap. */
typedef struct child_list {
    CXCursor items[8];
    CXCursor *heap;
    int len, cap;
} child_list;

/* c's children, in order, into l (released with rlw_children_free). */
void rlw_children_of(CXCursor c, child_list *l);
CXCursor rlw_child_at(const child_list *l, int i);
void rlw_children_free(child_list *l);
/* s interned in the unit's pool; s is disposed. */
const char *rlw_intern_cx(walker *w, CXString s);
/* Where c starts in the source, as a facts location. */
rl_loc rlw_loc_of(walker *w, CXCursor c);
/* A source location (its expansion), as a facts location. */
rl_loc rlw_loc_at(walker *w, CXSourceLocation where);
int rlw_type_is_pointer(CXType t);
/* An integer type (char, bool, enums included). */
int rlw_type_is_integer(CXType t);
int rlw_type_is_array(CXType t);
/* Whether expression e names an array: a parameter declared as one
 * (`void *args[]`) is the pointer C makes of it, though libclang gives
 * its uses the type written. */
int rlw_expr_is_array(CXCursor e);
int rlw_type_is_atomic(CXType t);
/* What an access to an object of type t is, by its type: RL_ACC_ATOMIC
 * (_Atomic), RL_ACC_VOLATILE (volatile-qualified, through typedefs too). */
uint8_t rlw_access_type_flags(CXType t);
int rlw_type_is_function(CXType t);
/* Spelling of a type without qualifiers, for type-based places. */
const char *rlw_type_key(walker *w, CXType t);
/* The identifier written at the start of c (a macro's name). */
int rlw_source_ident(walker *w, CXCursor c, char *buf, size_t size);
/* The parameter that indexes the array element lvalue (or address) e
 * is or is a member of (rlw_element_index), `acct[from].m` -> "from",
 * its name interned; NULL when e is in no element, in an element of an
 * element, or the index is anything else, a local included (facts.h: an
 * ACCESS's or a lock's `target`). */
const char *rlw_index_variable(walker *w, CXCursor e);
/* The name of the macro whose definition spells the start of c, the one
 * nearest the expression (`atomic_flag_test_and_set_explicit` for
 * `ngx_spinlock(&l)` expanding to it, <stdatomic.h>'s macro defined as
 * `__c11_atomic_exchange(...)`); 0 when c's start is spelled outside a
 * `#define` line. */
int rlw_spelled_in_macro(walker *w, CXCursor c, char *buf, size_t size);
/* The variable reference an address `&v` takes (the DeclRefExpr of v),
 * or a null cursor when a is no such address. */
CXCursor rlw_addressed_variable(CXCursor a);
/* The character written at the start of c ('.' of a designator), 0 when
 * none is known. */
int rlw_source_first_char(walker *w, CXCursor c);
/* (walk_try.c) The first ACCESS node the walker wrote within the extent
 * of c (atomically when `atomic`: the counter of an atomic call, its
 * first argument's, emitted before the others), or -1. */
int32_t rlw_write_within(walker *w, CXCursor c, int atomic);
/* (walk_last_ref.c) Whether cond tests that a decrement by one brought
 * its counter to zero: the branch where it did (RL_TRY_ON_TRUE or
 * RL_TRY_ON_FALSE), *counter the decrement's ACCESS node; 0 for any other
 * condition. */
int rlw_last_reference_test(walker *w, CXCursor cond, int32_t *counter);
/* The two operands of binary operator e, stripped (rl_cursor_strip),
 * when it is op; else 0. */
int rlw_binary_operands(CXCursor e, enum CXBinaryOperatorKind op, CXCursor *x, CXCursor *y);
/* The body of function definition fn (its compound statement), or a
 * null cursor for a declaration. */
CXCursor rlw_function_body(CXCursor fn);
/* Evaluates an integer constant expression; returns 1 when it is one. */
int rlw_const_int(CXCursor c, long long *value);
/* The index of the array element `arg` is the address of (`&a[idx]`,
 * `&a[idx].f`, members not through a pointer), or a null cursor; *nested
 * set when the array is itself an element (`&grid[i][j]`: idx is j). */
CXCursor rlw_address_element_index(CXCursor arg, int *nested);
/* The same of an element itself (`a[idx]`, `a[idx].f`). */
CXCursor rlw_element_index(CXCursor lvalue, int *nested);
/* Whether cursor c lies inside statement outer, by their extents in the
 * file: 1 or 0, -1 when either lies in no file. */
int rlw_lies_within(CXCursor c, CXCursor outer);

/* Whether a `while` loop's first test surely passes: it tests for null
 * a local initialised to null and assigned nowhere else but inside the
 * loop (walk_locals.c): the body runs at least once (RL_LOOP_RUNS). */
int rlw_null_on_loop_entry(walker *w, CXCursor loop, CXCursor cond);

/* ---- spawn arguments (walk_spawn_arg.c) ------------------------------------ */

/* Whether a spawn argument in a loop hands every instance the same
 * object (RL_SPAWN_ARG_REPEATS): an element whose index does not step
 * with the loop, or a pointer set before the loop. */
int rlw_spawn_arg_repeats(walker *w, CXCursor arg);
/* The constant index of the array element an argument is the address of
 * (`&seen[1]`: a SPAWN node's aux, a CALL node's element), -1 when
 * none. */
int32_t rlw_arg_constant_element(CXCursor arg);
/* Whether local decl, a pointer, only ever holds integers converted to
 * pointers, its address never taken: a thread's index in disguise. */
int rlw_holds_only_integers(walker *w, CXCursor decl);

/* ---- cleanup-attribute lock guards (walk_cleanup.c) ---------------------- */

/* Local decl, initialised by init, declared with a cleanup function that
 * unlocks what it points to: its lock is released at each exit of the
 * current block (w->block_depth). */
void rlw_cleanup_declared(walker *w, CXCursor decl, CXCursor init);
/* The end of compound statement block, at w->block_depth: releases its
 * guards, innermost first, at its closing brace, and forgets them. */
void rlw_block_leave(walker *w, CXCursor block);
/* A return (whole_function) or a break or continue leaving the blocks
 * inside the innermost loop or switch: releases their guards at `at`. */
void rlw_cleanup_exit(walker *w, CXCursor at, int whole_function);

/* ---- locals (walk_locals.c) --------------------------------------------- */

/* The local (or parameter) declared by decl, or NULL. */
local_var *rlw_find_local(walker *w, CXCursor decl);
/* Declares a local; param_index >= 0 for a parameter. */
local_var *rlw_add_local(walker *w, CXCursor decl, int param_index);
/* Whether decl is a function-local object (automatic storage). */
int rlw_is_automatic(CXCursor decl);
/* The variable at the root of an lvalue built from `.` and array
 * subscripts (the storage itself: `s.a[2].n` is s), or a null cursor when
 * the lvalue goes through a pointer (`p->n`, `*p`, `p[i]`) or is no such
 * chain. */
CXCursor rlw_lvalue_root(CXCursor c);

typedef struct prepass_ctx {
    walker *w;
} prepass_ctx;

/* The first pass over a body (clang_visitChildren with a prepass_ctx):
 * declares its locals and finds which are exposed, modified or assigned. */
enum CXChildVisitResult rlw_prepass_visit(CXCursor c, CXCursor parent, CXClientData data);
/* After the prepass: marks the locals followed in program order. */
void rlw_mark_straight_locals(walker *w, CXCursor body);
/* The current value of a straight local that was set to NULL: merged
 * with another branch's value, it leaves that value. */
extern const char rlw_null_value[];
/* The values of the straight locals at this point of the walk (one per
 * local, NULL for the others), to be restored or merged where the
 * branches of an `if` meet; NULL when the function has none. The caller
 * frees the array. */
const char **rlw_flow_save(walker *w);
void rlw_flow_restore(walker *w, const char **saved);
/* The straight locals take, each, the merge of its value in `other` and
 * its current one: one value when they agree, else a choice of both
 * (no value when one is unknown or the choice too long). */
void rlw_flow_join(walker *w, const char **other);
/* The value every assignment gives local pointer v, or NULL. */
const char *rlw_local_alias(walker *w, local_var *v, int depth);

/* ---- walk_cursor.c ---- */
/* The list cursor ("START|STEP", rl_node.cursor) at the root of member
 * expression e (`n->v`, `n->link.prev`): a local given one start value
 * and otherwise stepped through itself; NULL when e goes through no
 * such local. */
const char *rlw_expr_cursor(walker *w, CXCursor e);
/* Whether assignment a of local v steps it by a getter of the next node
 * (`n = node_next(n)`): such a local is a cursor, whose values are no
 * choice of its start and the call (rlw_local_alias). */
int rlw_is_getter_step(walker *w, const local_var *v, CXCursor a);
/* Whether a value may be an alternative of a choice value (facts.h):
 * known, and not a choice or a step from one (choices do not nest). */
int rlw_choice_alternative_ok(const char *v);
/* Appends SEP and value v as an alternative of a choice, a call value's
 * separators nested (RL_NESTED_SEP). */
void rlw_append_alternative(rl_strbuf *sb, const char *v);

/* ---- expressions ----------------------------------------------------------
 * rlw_expr() walks an expression used in `mode`, emitting its accesses. When
 * `place` is non-NULL it receives the place the expression designates (for
 * lvalues); when `value` is non-NULL it receives its pointer value. */

typedef struct expr_out {
    rl_strbuf place;   /* place syntax of facts.h, "" if none */
    rl_strbuf display; /* as the user would write it */
    rl_strbuf value;   /* value syntax, "" if unknown */
    long long index;   /* the constant index of the place's first [], or -1 */
    int round_element; /* an element indexed by the innermost `for`'s own
                          counter, or a member of one (`jobs[i].input`):
                          each round's own (facts.h, RL_ROUND_ELEMENT) */
} expr_out;

/* ---- event emission and expressions (walk_expr.c) ------------------------ */

void rlw_out_init(expr_out *o);
void rlw_out_free(expr_out *o);
/* Walks expression c used in mode; out (may be NULL) receives its place,
 * display and value. */
void rlw_expr(walker *w, CXCursor c, use_mode mode, expr_out *out);
/* Whether e names a whole array (a variable or a member of array type,
 * under casts and parentheses), which decays to the address of its first
 * element, or a local pointer given only allocations' results and such
 * arrays: stored in a pointer, it points to the whole array, not to one
 * element an index picked (`a->buf = buffer` against `a->slot =
 * &slots[i]`): the store is flagged RL_ACC_STORES_ARRAY. */
int rlw_names_whole_array(walker *w, CXCursor e);
/* Marks ACCESS node `node` (when >= 0) an element of its round's own
 * (RL_ROUND_ELEMENT) when `round` and nothing else named its api. */
void rlw_mark_round_element(walker *w, int32_t node, int round);
/* ACCESS `id`, a store of rhs into the integer member lhs (`c->flags =
 * F`, `|= F`, `&= ~F`; `prefix` says which: RL_INT_CONSTANT_ARG,
 * RL_OR_CONSTANT_STORE, RL_AND_CONSTANT_STORE), carries the constant it
 * stores, or-s in or masks with, the round's counter stored into the
 * round's element (RL_ROUND_COUNTER_STORE), or the integer parameter it
 * stores (RL_INSTANCE_TEST "<n>": `c->flags = flags`); a value that is
 * none of these carries none (walk_int_store.c). */
void rlw_note_int_store(walker *w, int32_t id, CXCursor lhs, CXCursor rhs, const char *prefix);
/* A straight local's value from here on, after it was given `value`
 * (the right-hand side rhs): its current value and whether that is the
 * address of the round's own element (local_var.round_value). */
void rlw_local_set_current(walker *w, local_var *v, CXCursor rhs, const expr_out *value);
/* Walks expression c as a read for its place and value alone, emitting no
 * event (its accesses are walked where it stands, by the caller). */
void rlw_expr_silent(walker *w, CXCursor c, expr_out *out);
/* Walks every child of c as a read (expression) or a statement. */
void rlw_read_children(walker *w, CXCursor c);
/* A call through a pointer's value converted by `cast` to a pointer to a
 * struct or union takes that pointee type (walk_call.c). */
void rlw_retype_indirect_call(walker *w, CXCursor cast, expr_out *out);
/* A node of kind at c in the current SEQ; -1 when silent. */
int32_t rlw_emit(walker *w, rl_node_kind kind, CXCursor at);
/* An ACCESS node for place, when another thread could reach it; or -1. */
/* type_flags: RL_ACC_ATOMIC, RL_ACC_VOLATILE of the object (rlw_access_type_flags). */
/* Marks atomic store ACCESS node id as a store of zero (RL_ATOMIC_ZERO)
 * when value is the constant 0: a reset announces nothing. */
void rlw_mark_zero_store(walker *w, int32_t id, CXCursor value);
int32_t rlw_emit_access(walker *w, CXCursor at, const char *place, const char *display, use_mode mode,
                        uint8_t type_flags);
/* A write of place carrying pointer value (ACCESS args[0]), so the model
 * can follow it; store_only marks it RL_ACC_STORE_ONLY (followed, never
 * reported). The node, or -1 when place is no shared candidate. */
int32_t rlw_emit_store(walker *w, CXCursor at, const char *place, const char *display, const char *value,
                       int store_only);
/* The place reached by dereferencing pointer value `value`. */
void rlw_deref_place(walker *w, const char *value, CXType ptr_type, rl_strbuf *place);
/* The place of variable d, named name (local, static local, file static
 * or global). */
/* A place without its type steps ("~{S}", facts.h) appended to out: lock
 * names keep the member path they are spelled with, so that a lock inside
 * an object known by type never becomes the bare lock type. */
void rlw_drop_type_steps(const char *place, rl_strbuf *out);
/* Whether an expression is an integer constant (it evaluates at compile
 * time): a sizeof that is not reads the sizes of its variable length array. */
int rlw_is_constant(CXCursor c);
void rlw_var_place(walker *w, CXCursor d, const char *name, rl_strbuf *place);

/* ---- pointer arithmetic (walk_arith.c) ------------------------------------ */

/* Appends to out the pointer value of `lhs op rhs` (op one of + - & |),
 * given the operands' values: the pointer's for arithmetic within one
 * object or a tag set or masked off, the struct around a member for a
 * move back by an offsetof; nothing otherwise. */
void rlw_arith_value(walker *w, enum CXBinaryOperatorKind op, CXCursor lhs, CXCursor rhs, const char *lhs_value,
                     const char *rhs_value, rl_strbuf *out);

/* ---- pops by a moved index (walk_pop.c) ---------------------------------- */

/* Notes the read of a pointer element `b[idx]` (ACCESS node `node`, the
 * index's place idx_place, "" if none): a candidate pop, judged by
 * rlw_mark_pops once the function is walked. */
void rlw_note_element_read(walker *w, int32_t node, CXCursor idx, const char *idx_place);
/* Marks RL_READ_POPPED (facts.h) on the candidates whose index the
 * function moves, and forgets them: called at the end of each function. */
void rlw_mark_pops(walker *w);

/* ---- indices of an element (walk_index.c) -------------------------------- */

/* The parameter an index makes an instance's own element of (a copy of
 * the parameter, a value read through it, or its block `id * C + k`), or
 * -1: emitted as the [#P<n>] step. */
int rlw_index_param(walker *w, CXCursor idx);
/* The parameter whose instance's block of S elements holds `a[lo]`, lo
 * `id * S` (S a constant of at least 1) or that plus a constant below S:
 * the element a loop over the block (`for (i = lo; i < lo + S; i++)
 * a[i]`) names the same way (round 27's r08 and p30: the first element
 * of its own slice, read after the loop); -1 otherwise, for an offset
 * that is not such a constant (an edge every block starts past, the next
 * block's start). Only for an element read or written: `&a[lo]` starts a
 * pointer that may walk past the block (walk_index.c, block_pointer_param
 * and the pointer ranges judge those). */
int rlw_block_element_param(walker *w, CXCursor idx);
/* rlw_index_param, and also the counter of a `for` over a range read
 * from the parameter's record (rlw_record_range), whose members go to
 * *members (NULL otherwise): emitted as the [#R<n>:lo:hi] step, which the
 * model trusts only where the record was filled with a block of the
 * round that started the thread (facts.h, RL_RECORD_BLOCK_START). */
int rlw_index_param_or_range(walker *w, CXCursor idx, const char **members);
/* A `for` range read from one parameter's record (`for (i = a->lo; i <
 * a->hi; i++)`, a the parameter or a copy): the parameter in *param and
 * the two members as ":lo:hi", interned; NULL when lo and hi are not two
 * members of one parameter's object. */
const char *rlw_record_range(walker *w, CXCursor lo, CXCursor hi, int *param);
/* Whether value, stored into a member of the round's own element in a
 * loop counting `counter`, starts or ends the round's block (`args[t].lo
 * = t * chunk`, `args[t].hi = (t + 1) * chunk`, or `lo + chunk`, past an
 * offset or not, the last round's `t == K ? N : ...`): appends
 * RL_RECORD_BLOCK_START or RL_RECORD_BLOCK_END and a key of the block's
 * size and offset to out; 0 when it is neither (or the size is neither a
 * constant nor a variable). */
int rlw_counter_block_value(walker *w, CXCursor value, CXCursor counter, rl_strbuf *out);
/* The parameter a value is a copy of (`int id = (intptr_t)arg`), or a
 * value read through it (`a->id` with `a = arg`), or -1: what an index
 * makes the instance's own, and what a test of the instance's own value
 * reads (walk_test.c). */
int rlw_param_copy(walker *w, CXCursor value);
/* The parameter whose instance owns the range [lo, hi) of a `for` counter
 * counting up by one, or -1: lo is `id * S` and hi `id * S + S` or `(id +
 * 1) * S` (or a local holding one of them; S the same constant or
 * variable both times; hi may also be `id == K ? N : ...`, the last
 * instance's remainder), id a copy of the parameter. */
int rlw_range_param(walker *w, CXCursor lo, CXCursor hi);
/* The first of two parameters in a row a `for` counter runs between (`for
 * (i = lo; i < hi; i++)`, lo and hi the function's parameters n and n +
 * 1, never assigned), or -1: a block its caller hands in. The counter is
 * the instance's own only in a context whose caller passed a block for
 * them (facts.h, RL_LOOP_PARAM_RANGE). */
int rlw_param_range(walker *w, CXCursor lo, CXCursor hi);
/* The index of the parameter e is, when e is that parameter itself (never
 * assigned, address never taken), else -1: its value is the caller's
 * (facts.h, RL_PARAM_ITSELF). */
int rlw_param_itself(walker *w, CXCursor e);
/* The parameter whose instance owns the elements a `for` counter visits
 * when it starts at a copy of that parameter and steps by a stride other
 * than 1 (`for (i = id; i < N; i += NT)`, work dealt round-robin), or -1.
 * The stride is taken to be at least the number of instances (the
 * threads' count, as written in every such split); a constant stride
 * must be 2 or more. Counter and step are checked by the caller. */
int rlw_stride_param(walker *w, CXCursor start, CXCursor stride);
/* (walk_claim.c) Whether an index is claimed once from a shared counter
 * (`slot = atomic_fetch_add(&next, 1)`, `t = p->next++`, a helper
 * returning such claims): emitted as the access flag RL_ACC_CLAIMED. */
int rlw_index_claimed(walker *w, CXCursor idx);
/* (walk_claim.c) Whether lvalue c is storage a counter may be shared in: not one of the
 * function's own variables (a member or element of one included), but a
 * global, a static, or memory reached through a pointer. */
int rlw_shared_storage(CXCursor c);
/* Whether a pointer is an object claimed by a flag of its own (`c =
 * conn_pick(p)`, a helper of the unit returning only slots it found with
 * `!c->in_use` and marked `c->in_use = 1`, or null): the members reached
 * through it are emitted with RL_ACC_CLAIMED (walk_flag_claim.c). */
int rlw_pointer_claimed(walker *w, CXCursor base);
/* Whether a call reaches a helper of the unit returning only indices it
 * claimed through a flag array (`if (!in_use[i]) { in_use[i] = 1; slot =
 * i; }`), or negative constants: a claim for rlw_index_claimed. */
int rlw_call_returns_flag_index(walker *w, CXCursor call);
/* Notes that a claimed pointer's slot is handed back (walk order): passed
 * to a function of the unit that stores 0 in a member of that parameter
 * (`pool_put(p, c)`: `c->in_use = 0`), or a member of it set to 0 here;
 * what follows through that pointer is no longer the claim's, until the
 * pointer is given a value again (rlw_note_local_assigned). */
/* Returns the mask of the arguments that are claimed pointers the call
 * does not hand back, or claimed indices (a CALL's aux, facts.h). A call
 * through a pointer (indirect) hands nothing back here: its claimed
 * pointers are in the mask, and the model drops those a callee hands
 * back (model/accesses.c, claimed_by_caller). */
uint32_t rlw_note_claim_release(walker *w, CXCursor call, int indirect);
void rlw_note_member_cleared(walker *w, CXCursor lhs, CXCursor rhs);
void rlw_note_local_assigned(walker *w, CXCursor lhs);

/* ---- initializer lists (walk_init.c) ------------------------------------- */

/* Called for each member of pointer type an initializer sets: the place
 * it initialises, the value ("" when it cannot be traced) and the
 * member's slot (rl_node.field, NULL for an element of an array); at is
 * the value's expression. Returns 1 when it used the store (counted in
 * the budget). */
typedef int (*rlw_init_store_fn)(walker *w, const char *place, const char *value, const char *field, CXCursor at,
                                 void *ctx);
/* The pointers initializer init stores into the object of type t at place
 * (a buffer the walk appends members to and restores): at most *budget of
 * them, each handed to store. */
void rlw_init_stores(walker *w, CXCursor init, CXType t, rl_strbuf *place, int *budget, rlw_init_store_fn store,
                     void *ctx);
/* The pointers initializer init stores into the object of type t at
 * place (named display), each as a write of its member carrying the
 * value; store_only marks them RL_ACC_STORE_ONLY (an assignment whose
 * whole-object write the caller emitted: `a[i] = (struct arg){&svc, i}`). */
void rlw_init_member_writes(walker *w, CXCursor init, CXType t, const char *place, const char *display, int store_only);

/* ---- calls (walk_call.c) -------------------------------------------------- */

/* Walks a call expression: modelled API, annotated function or plain call. */
void rlw_walk_call(walker *w, CXCursor c, expr_out *out);
/* Notes that write node id, if it lies on every path from the function's
 * entry (no branch or loop around it) and stores a nonzero constant
 * `value`, gives its object a nonzero value before anything after it
 * runs: a spin there until the object reads 0 waits for a store
 * (walk_lock.c). */
void rlw_note_start_store(walker *w, int32_t id, CXCursor value);
/* The value global `ref` (a reference to it) holds when the program
 * starts, as this unit's definition says (walk_test.c); 0 when unknown. */
int rlw_initial_value(CXCursor ref, long long *value);
/* (walk_lock.c) Whether a call of lock API api, with these source
 * arguments, is a lock operation: always, but for the spinlock idioms of atomics (api->value,
 * api->expected), which are one only with a constant nonzero value taken
 * from an expected 0, or released by a store of constant 0, and with a
 * memory order that acquires (taking) or releases (giving back): order,
 * the operation's order argument, a null cursor when it has none; other
 * calls of those functions are plain atomics. */
int rlw_spin_gate(walker *w, const rl_api_fn *api, const CXCursor *args, int nargs, CXCursor order);

/* ---- atomic operations (walk_atomic.c) ------------------------------------ */

/* The memory order a lock API called as a function takes, for
 * rlw_spin_gate: a GCC `__atomic_` builtin's (the success order of a
 * compare-and-swap, else its last argument); a null cursor for the
 * others. */
CXCursor rlw_spin_call_order(const char *name, CXCursor *args, int nargs);
/* Walks a call of atomic function `name` (the API model's) with source
 * arguments args: a fence, or an operation on the object args[0] points
 * to; out, when given, gets a load's or an exchange's value. */
void rlw_walk_atomic_call(walker *w, CXCursor c, const char *name, CXCursor *args, int nargs, expr_out *out);
/* The memory orders of C11 and of GCC's builtins, as the constants the
 * headers give them. */
enum { RLW_ORDER_RELAXED, RLW_ORDER_CONSUME, RLW_ORDER_ACQUIRE, RLW_ORDER_RELEASE, RLW_ORDER_ACQ_REL, RLW_ORDER_SEQ_CST };
/* The memory order an operation's order argument gives:
 * RLW_ORDER_SEQ_CST for a null cursor (the operation takes none and
 * orders fully) and for an order that is no constant (most code passes
 * constants; the strongest keeps a lock a lock). */
long long rlw_memory_order(CXCursor order);
/* Walks a <stdatomic.h> operation or __atomic builtin (an AtomicExpr). */
void rlw_walk_atomic_expr(walker *w, CXCursor c, expr_out *out);

/* (walk_getter.c) At a direct call of `callee`, a function of the unit
 * whose body returns the value of one atomic load of a global (a getter:
 * `static inline long pending(void) { return atomic_load(&n); }`), an
 * atomic read of that global at the call: a condition on the call waits
 * as one on the load does. */
void rlw_note_getter_call(walker *w, CXCursor call, CXCursor callee);
/* (walk_unexposed.c) An unexposed expression c: an implicit conversion,
 * a designated initializer, GNU's `x ?: y` or `__builtin_choose_expr`,
 * `va_arg`, or an atomic operation (rlw_walk_atomic_expr). */
void rlw_walk_unexposed(walker *w, CXCursor c, use_mode mode, expr_out *out);
/* (walk_unexposed.c) A conditional expression `c ? x : y`: an IF node
 * whose arms are its operands, and its value (a choice of the arms'). */
void rlw_walk_conditional(walker *w, CXCursor c, expr_out *out);
CXCursor rlw_call_arg(CXCursor call, int i);
/* The API model of a function or builtin named name (a __sync builtin's
 * exact model matches its sized name, __sync_lock_release_4), or NULL. */
const rl_api_fn *rlw_lookup_api(walker *w, const char *name);
/* A __sync builtin's name without its operand size (__sync_fetch_and_add_4
 * -> __sync_fetch_and_add) into buf; 0 when name has none. */
int rlw_unsized_builtin(const char *name, char *buf, size_t size);
/* The place (and display) of the object a pointer argument points to, and
 * (index, when not NULL) the constant index of the place's first [], or -1. */
void rlw_pointee_place(walker *w, CXCursor arg, rl_strbuf *place, rl_strbuf *display, long long *index);
/* place with its first collapsed array step naming element index ("m[3]"
 * for "m[]") when index >= 0, appended to out: locks and thread handles
 * in arrays reached by constant index are told apart (walk_lock.c). */
void rlw_place_element(const char *place, long long index, rl_strbuf *out);
/* Sets node id's argument values (interned copies of vals). */
void rlw_set_args(walker *w, int32_t id, const char **vals, int n);

/* ---- members (walk_member.c) ---------------------------------------------- */

/* Walks `s.f` or `p->f`: its access, and its place and value into out. */
/* The slot of member `field` (a FieldDecl cursor; rl_fnflow_member_slot),
 * named once per member and unit: a member is read and written at many
 * places. NULL for any other cursor and for the system headers' members. */
const char *rlw_member_slot(walker *w, CXCursor field);
void rlw_walk_member(walker *w, CXCursor c, use_mode mode, expr_out *out);
/* The members a whole-struct access of type t at place touches, each an
 * ACCESS flagged RL_ACC_NESTED (for when the struct is known by type). */
void rlw_nested_accesses(walker *w, CXCursor at, const char *place, const char *display, use_mode mode, CXType t);
/* Whether access a is to a member of a slot its pointer claimed by a flag
 * (walk_flag_claim.c). */
int rlw_in_claimed_object(walker *w, CXCursor a);
/* Sets ACCESS node id's constant index (its aux), when id >= 0. */
void rlw_set_index(walker *w, int32_t id, long long index);

/* ---- event loops (walk_register.c) ---------------------------------------- */

/* Walks a call modelled register, attach or dispatch (facts.h,
 * RL_EVENT_CALLBACK): its arguments are read, and it becomes the stores
 * and the call through a pointer that a hand-written loop would make.
 * out (may be NULL) gets the value of a register call without `handle`,
 * the event it makes. */
void rlw_walk_event_loop_call(walker *w, CXCursor c, const rl_api_fn *api, int nargs, expr_out *out);

/* ---- locks (walk_lock.c) -------------------------------------------------- */

/* The place of the lock a pointer argument points to: an array element
 * with a constant index is named by it ("G:m[3]"). */
void rlw_lock_place(walker *w, CXCursor arg, rl_strbuf *place, rl_strbuf *display);
/* A LOCK, UNLOCK or TRYLOCK node for a modelled call or atomic macro. */
void rlw_emit_lock(walker *w, CXCursor c, const rl_api_fn *api, const char *name, const char *place,
                   const char *display);
/* Walks a modelled lock, unlock or trylock call. */
void rlw_walk_sync_call(walker *w, CXCursor c, const rl_api_fn *api, const char *name, int nargs);
/* Walks a setjmp (API kind setjmp): a jump target. */
void rlw_walk_setjmp(walker *w, CXCursor c, const rl_api_fn *api, const char *name, int nargs);
/* Walks a modelled lock initialisation (pthread_mutex_init). */
void rlw_walk_lockinit(walker *w, CXCursor c, const rl_api_fn *api, const char *name, int nargs);
/* The lock attributes of a called function, or NULL. */
const rl_lock_annotation *rlw_annotation_of(walker *w, CXCursor callee, const char *name);
/* Walks a call of a function annotated ACQUIRE / RELEASE / TRY_ACQUIRE. */
void rlw_walk_annotated_call(walker *w, CXCursor c, const rl_lock_annotation *ann, const char *name, int nargs);
/* Sets access node id's GUARDED_BY lock, if decl declares one. */
void rlw_set_guard(walker *w, int32_t id, CXCursor decl, const char *object);
/* (walk_try.c) Marks node (IF, LOOP) as taken when cond says a trylock
 * succeeded.
 * `spins`: an IF without else whose branch leaves (`continue`, `return`):
 * its test is read as a spin loop's, the code after it being the exit. */
void rlw_set_try(walker *w, int32_t node, CXCursor cond, int spins);
/* Tests in conditions (walk_test.c). Marks IF node `node` testing a
 * global or parameter against a constant (cond_seq: its condition's SEQ). */
void rlw_note_value_test(walker *w, int32_t node, CXCursor cond, int32_t cond_seq);
/* Marks IF node `node` (a statement or a `?:`) whose condition compares
 * two values by order. */
void rlw_note_order_test(walker *w, int32_t node, CXCursor cond);
/* Marks IF node `node` testing for null a local holding a place's value. */
void rlw_note_null_test(walker *w, int32_t node, CXCursor cond);
/* Marks LOOP node `node` whose test of a global fails at the value the
 * program starts with (RL_LOOP_START_FALSE). */
void rlw_note_loop_start(walker *w, int32_t node, CXCursor cond, int32_t cond_seq);
/* ACCESS node id, a plain write just emitted, stores value: when it is a
 * constant that makes a marked loop's test before it true, the function
 * closes that loop's gate itself and the loop waits from its second pass
 * on (walk_test.c). */
void rlw_note_gate_store(walker *w, int32_t id, CXCursor value);
/* A local just set to e, an expression holding the result of the TRYLOCK
 * or SPAWN node `id`: what its truth means (walk_try.c). */
void rlw_note_result_local(walker *w, local_var *v, CXCursor e, int32_t id);
/* (walk_try.c) The ACCESS node of c, a plain (not atomic) read of a
 * variable or member that is no local (`done`, `r->done`), just emitted;
 * -1 for anything else. A condition testing it, or a local holding it, may be a flag
 * read under a lock (flow.c): the node is marked RL_READ_LOCKED here,
 * where the walk knows whether a lock call came before it (at the test,
 * `ok = done; unlock(m); if (ok)`, the lock is let go already). */
int32_t rlw_plain_read_at(walker *w, CXCursor c);
/* Correlated conditions (walk_lock.c): an IF on a local that an earlier
 * `if` on the same unchanged local took a lock under holds that lock on
 * the same branch (rlw_set_correlated, before its branches are walked);
 * rlw_note_conditional_lock, after the branches of an IF, records such a
 * lock; an unlock of it ends the correlation. */
void rlw_set_correlated(walker *w, int32_t node, CXCursor cond);
void rlw_note_conditional_lock(walker *w, int32_t node, CXCursor cond, int has_else);
/* The locks definition fc REQUIRES on entry, into fn. */
void rlw_required_locks(walker *w, CXCursor fc, rl_function *fn);

/* ---- statements (walk_stmt.c) --------------------------------------------- */

/* Walks statement c into the current SEQ. */
void rlw_stmt(walker *w, CXCursor c);
/* A new SEQ child of parent (always emitted, even when silent). */
int32_t rlw_open_seq(walker *w, int32_t parent, CXCursor at);
/* Walks expression c as a read with its events going into SEQ into. */
void rlw_expr_into(walker *w, CXCursor c, int32_t into);
/* The value a `for`'s init part gives its counter (`int i = X`, `i = X`),
 * or a null cursor. */
/* (walk_index.c) The parameter a pointer `for` counter's block is the
 * instance's own by (`for (b = &t[id * N]; b < &t[(id + 1) * N]; b++)`:
 * both bounds elements of one array, at the ends of a block, as
 * rlw_range_param judges an index loop's), or -1. */
/* `mine[i]` with `mine` a local assigned once `&A[id * S]` (a block
 * start: id a copy of a parameter, S a constant) and i the innermost
 * `for` counter, which stays in [0, span) with span <= S: the element is
 * in the instance's own block of A, as `A[id * S + i]` is. Renames the
 * element `place` (ending "[]") by the parameter id copies and returns
 * that parameter; -1, the place unchanged, otherwise. */
int rlw_mark_block_pointer(walker *w, CXCursor base, CXCursor idx, rl_strbuf *place);
int rlw_pointer_range_param(walker *w, CXCursor lo, CXCursor hi);
/* (walk_index.c) A place read through `base` when base is such a pointer
 * counter: the element step of its array ("G:t[]") becomes the
 * instance's own ("G:t[#P<n>]", facts.h). */
void rlw_mark_owned_pointer(walker *w, CXCursor base, rl_strbuf *place);
CXCursor rlw_counter_start(CXCursor counter, CXCursor init);
/* X of a `for`'s test `counter < X`, or a null cursor. */
CXCursor rlw_counter_bound(CXCursor counter, CXCursor test);

/* ---- units (extract.c) ---------------------------------------------------- */

/* Records the functions a file-scope (or static local) initializer names
 * as address-taken (clang_visitChildren with the walker). */
enum CXChildVisitResult rlw_visit_initializer(CXCursor c, CXCursor parent, CXClientData data);

#endif
