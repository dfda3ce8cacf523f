/* What the files of ownership (ownership.h) share: its state and the
 * hand-off lists. ownership.c answers for fresh objects at an access
 * (allocated, or given fresh by a call, and not handed on yet);
 * ownership_handoffs.c says where a function hands an object on, which
 * parameters it keeps and which calls give fresh objects;
 * ownership_taken.c answers for objects taken off a shared place (a pop
 * written out, a function that unlinks); ownership_between.c,
 * ownership_posted.c and ownership_named.c serve them. Nothing outside
 * the ownership files includes this header.
 *
 * Invariants: those of ownership.h; answers are memoized in the struct
 * below, each memo owned and freed by rl_ownership_free. */
#ifndef RL_OWNERSHIP_INTERNAL_H
#define RL_OWNERSHIP_INTERNAL_H
#include "ownership.h"
#include "ownership_memo.h"
#include "../util/ptrmap.h"
#include <stddef.h>
#include <stdint.h>

/* Parameters whose keeping is remembered per function (more are treated
 * as kept). */
#define OWN_MAX_PARAMS 16
/* Library functions (without a body) a call through a pointer may reach
 * that are looked at; a pointer reaching more is not an allocator or a
 * free hook. */
#define OWN_MAX_LIBRARY_TARGETS 8

/* The kinds of function-pointer slots, the letter before ':' (facts.h). */
#define SLOT_KINDS "vprfut"

enum { UNKNOWN = 0, IN_PROGRESS, KEEPS_SYNC, KEEPS_UNSYNC, DOES_NOT_KEEP, KEEPS_RETURN };

/* How a node hands on an object, if it does. HANDOFF_RETURN: a callee
 * gives its parameter (or a part of it) back to the caller and keeps
 * nothing (KEEPS_RETURN: a getter, `return &s->state`): for an object
 * the caller made, a hand-off like a synchronised one (its result is
 * followed no further); for one it took off a container, none. A synchronised hand-off
 * orders what the function did to the object before it with what the
 * receiver does after: a store made holding a lock, an atomic store, a
 * thread start, a return to the caller, a call whose callee only stores
 * it that way. Anything else (a plain store, a callee with no body) is
 * not, and what came before stays shared. */
enum { NO_HANDOFF = 0, HANDOFF_RETURN, HANDOFF_SYNC, HANDOFF_UNSYNC };
/* A memoized yes/no answer (unlinks, returns fresh). */
enum { ANSWER_UNKNOWN = 0, ANSWER_YES, ANSWER_NO };

/* The nodes of one function that hand on one of its objects, in the
 * order of nodes[], computed once per (function, object) and asked per
 * access. */
typedef struct handoff_list {
    size_t n;
    int32_t *nodes;         /* where it is handed on: for an object put into
                               a container fn still holds, where the
                               container is (container_handoff) */
    int32_t *via;           /* the node that handed it on as written: the
                               store into the container, or nodes[k] */
    unsigned char *kinds;   /* HANDOFF_SYNC or HANDOFF_UNSYNC */
    rl_handoff *where;
    const char *object;     /* the object's root, as asked (interned) */
} handoff_list;


/* The pops of one place written out in one function: each read of the
 * place with a write that unlinks it (unlinks_read), in node order;
 * computed once per (function, place) and asked per access. */
typedef struct unlink_list {
    size_t n;
    int32_t *reads, *writes;
} unlink_list;

struct rl_ownership {
    const rl_program *p;
    const rl_flow *flow;
    unsigned char *keeps;   /* nfns * OWN_MAX_PARAMS answers */
    int32_t *keep_node;     /* the same: for KEEPS_SYNC, the store that
                               hands the parameter on (-1: no lock needed) */
    unsigned char *unlinks; /* nfns answers */
    const char **unlinked_place; /* nfns: the place each pop takes from */
    unsigned char *fresh;   /* nfns answers: returns only fresh objects */
    unsigned char *starts_on; /* nfns * OWN_MAX_PARAMS answers: parameter k
                               is handed to a thread (starts_thread_on) */
    rl_ptrmap handoffs;     /* "fn|object" (interned) -> handoff_list * */
    rl_ptrmap allocating;   /* slot of a call through a pointer -> ANSWER_YES / ANSWER_NO */
    rl_ptrmap unlinked;     /* "fn|place" (interned) -> unlink_list * */
    int container_depth;    /* containers being followed (container_handoff) */
    own_memo *answers;      /* of rl_ownership_fresh_at and
                               rl_ownership_taken_at (access_memo) */
    rl_ptrmap global_reads; /* a global place, indices dropped (interned)
                               -> its reads (ownership_posted.c) */
    int global_reads_built;
    rl_ptrmap named_by;     /* a global's root (interned) -> the function
                               naming it (ownership_named.c) */
    unsigned char *runs_once; /* per function: it runs once, in one thread
                               (ownership_named.c, invariant 1) */
    int named_by_built;
};

/* A test of a value against what a hand-off list is about. */
typedef int (*value_test)(const char *v, const void *what);

/* How much of a function's hand-offs of an object own_owned_between
 * weighs: all of them (a later unsynchronised one shares what came
 * before), or only those before the node (whether the object is still
 * the function's alone there, whatever it does after). */
enum { OWNED_THROUGHOUT, OWNED_UNTIL_NODE };
/* Or'ed into that scope for an object taken off a shared container (a
 * pop): only its synchronised hand-offs (pushed back under a lock, given
 * to a thread) end the taker's hold. Its accesses are kept (a taken
 * object's are, rl_handoff.taken), so whoever reaches it through an
 * unsynchronised one (a callee that may keep it: zstd's compressor,
 * deep in its context) touches it unowned and is paired with it still. */
#define OWNED_TAKEN_OBJECT 4
/* Or'ed into that scope to ask the other way: whether a synchronised
 * hand-off before the node ended the function's hold (it made or took
 * the object, gave it on or back, and touches it again:
 * rl_ownership_given_back_at). */
#define OWNED_ASK_GIVEN_BACK 8

/* The nodes of fn that hand on a value passing test (against what,
 * here the interned `heap` key), tagged apart per question; memoized
 * (ownership_handoffs.c). */
const handoff_list *own_handoffs_of(rl_ownership *o, int fn, const char *heap, value_test test, char tag);
/* Frees a list own_handoffs_of made (NULL: nothing). */
void own_handoff_list_free(handoff_list *l);
/* Whether the object made (or taken) at line:col is still fn's alone at
 * node, given its hand-offs l; *handoff says where it is handed on. */
int own_owned_between(rl_ownership *o, int fn, int32_t node, const handoff_list *l, unsigned line, unsigned col,
                      rl_handoff *handoff, int scope);
/* Whether a value is the pointer read from `what`, a place (or a pointer
 * into that object). */
int own_test_taken(const char *v, const void *what);
/* A value_test of a parameter named in text ("P3"): the lists of
 * own_handoffs_of are kept by that name. */
int own_test_param_named(const char *v, const void *what);
/* The value_tests of the hand-offs of an object fn made, what naming it
 * ("H12_7": a value naming the object, a pointer into it, or a choice
 * that may be one), and of parameter *(const int *)what (ownership.c). */
int own_test_heap(const char *v, const void *what);
int own_test_param(const char *v, const void *what);
/* The rest of rl_ownership_fresh_at (ownership.c), for object `heap` (the
 * root naming it) created at line:col of fn: whether it is still fn's
 * own at node, given its hand-offs (own_owned_between). */
int own_fresh_object_at(rl_ownership *o, int fn, int32_t node, const char *heap, unsigned line, unsigned col,
                        rl_handoff *handoff, int scope);
/* The callee field of a call value "@L_C|USR|...", interned, or NULL
 * (ownership_handoffs.c). */
const char *own_call_value_field(rl_ownership *o, const char *v);
/* What return node i of fn gives (ownership_handoffs.c):
 * OWN_RETURN_FRESH, an object fresh for the caller (allocated and handed
 * to no one, or a callee's fresh object); OWN_RETURN_NOTHING, NULL or a
 * return never taken; OWN_RETURN_OTHER, anything else. */
enum { OWN_RETURN_OTHER = 0, OWN_RETURN_FRESH, OWN_RETURN_NOTHING };
int own_return_fresh(rl_ownership *o, int fn, int32_t i);
/* rl_ownership_taken_at, not memoized (ownership_taken.c). */
int own_taken_at_now(rl_ownership *o, int fn, int32_t node, const char *text, rl_handoff *handoff, int ask);

/* ---- ownership_posted.c ---------------------------------------------------- */

/* Whether node i of fn, a plain store into a global's storage, hands what
 * it stores on in a synchronised way: posts follow it in fn
 * (rl_flow_posted_after), and some function reads that place after
 * waiting on one of them (a ring's consumer, a mailbox's server). */
int own_store_handed_by_post(rl_ownership *o, int fn, int32_t i);
/* Frees what own_store_handed_by_post keeps. */
void own_posted_free(rl_ownership *o);

/* ---- ownership_named.c ----------------------------------------------------- */

/* Whether the global at `root` (a place's root, "G:ids'unit_c") is
 * function fn's own as a local would be: fn runs once, in one thread
 * (main, which nothing calls, or a thread's entry main starts once), and
 * no other function names the global. */
int own_global_is_owners(rl_ownership *o, int fn, const char *root);

#endif
