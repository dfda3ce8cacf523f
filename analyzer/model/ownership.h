/* Ownership, as in Infer's RacerD: an object a thread allocates is its own
 * until it is published, and an object a function unlinks from a shared
 * structure under a lock belongs to the caller that gets it (or to the
 * function itself, until it hands it on, when it uses it). Accesses to
 * an object while it is owned are not shared, whoever else later touches
 * it: the lock or the queue that publishes or unlinks it orders them.
 *
 * Questions are answered from one function's facts and lock flow at a
 * time, memoized; the thread model (exploration.c, accesses.c) asks them
 * when it names an access or binds a call's arguments.
 *
 * Invariants:
 *  1. Sound towards publication: a pointer stored into memory that is not
 *     the function's own local, handed to a thread, returned, or passed to
 *     a function that may keep it (a callee with no body, a call through a
 *     pointer, a callee that keeps it) publishes the object there. Only a
 *     library function whose model says all it does with its pointers
 *     (free, a lock or wait or post, a join, an access through them), a
 *     pointer that may hold nothing else (a free hook), or a pointer no
 *     function is ever stored into (it runs nothing) is known not to keep
 *     it; a call made holding locks publishes under them whatever its
 *     callee does.
 *  2. Only an object's own fields are owned ("H1.next", "P0*.len", a
 *     local's "L:jobs[].n": a local is owned from the function's start as
 *     an allocated object is from its allocation), never
 *     what its pointers lead to; except for an object taken off a shared
 *     structure (invariant 4), and an object the function made for a
 *     field of one it made (`c->lim = malloc(...)`, set once, before,
 *     with no call handed the container: ownership.c, through_own_field),
 *     handed on where the container is.
 *  3. A recursion still being answered counts as keeping (the cautious
 *     answer).
 *  4. What a taken object leads to goes with it (`job->out->buf` of a job
 *     taken off the queue): the giver attached it for whoever takes the
 *     job, as RacerD's ownership holds for every access path below an
 *     owned one. A block every job points to and the takers change
 *     without a lock is then not seen (the price of it). */
#ifndef RL_OWNERSHIP_H
#define RL_OWNERSHIP_H
#include "flow.h"
#include "program.h"

typedef struct rl_ownership rl_ownership;

/* Borrows p and flow, which must outlive it. */
rl_ownership *rl_ownership_new(const rl_program *p, const rl_flow *flow);
void rl_ownership_free(rl_ownership *o);

/* Whether function fn may keep the pointer it is given as parameter k
 * beyond the call (invariant 1). */
int rl_ownership_keeps(rl_ownership *o, int fn, int k);

/* Where an owned object is handed on. `node` of function `fn` is a store
 * made holding locks (flow.h held[node], in fn's terms): a thread that
 * takes one of them before it touches the object comes after. When the
 * store is in a callee, `call` is the call in the allocating function
 * that leads to it (its arguments translate the callee's lock names).
 * node = -1: a hand-off that orders everything by itself (a thread start,
 * an atomic store, a return to the caller). */
typedef struct rl_handoff {
    int fn;
    int32_t node;
    const rl_node *call;
    int taken;           /* the object was taken off a shared place
                            (rl_ownership_taken_at) */
} rl_handoff;

/* Whether, at node `node` of function fn, an access through value or
 * place `text` (in fn's terms) touches an object fn allocated and has not
 * published yet, and will publish only in a synchronised way; *handoff
 * (when not NULL) says where. Answers are kept per (fn, node, text), the
 * text compared by address: it must outlive the model (a fact string). */
int rl_ownership_fresh_at(rl_ownership *o, int fn, int32_t node, const char *text, rl_handoff *handoff);
/* Whether, at node `node` of fn, `text` names an object fn allocated and
 * has handed to no one before that node: what fn does with it after does
 * not count (the spawn of a start wrapper hands its thread an object no
 * other had, whoever it is shown to afterwards). Not kept: asked once per
 * spawn. */
int rl_ownership_unpublished_at(rl_ownership *o, int fn, int32_t node, const char *text);
/* Whether, at node `node` of fn, fn still holds what its parameter k
 * points to: no synchronised hand-off of the parameter (a store under a
 * lock, a thread start, a callee that keeps it so) comes before it, or
 * later in a loop around it, outside the critical section that made it.
 * A callee its caller hands an object it owns owns it only until then
 * (`release(it)`: pushed back on the free list, then written). */
int rl_ownership_param_held_at(rl_ownership *o, int fn, int k, int32_t node);
/* The first synchronised hand-off of what parameter k points to that
 * node `node` of fn leads to (a store under a lock, a thread start, a
 * callee that keeps it so), or -1: where fn publishes an object its
 * caller handed it owned (`j->next = NULL;` then, under the queue's
 * lock, `q->tail->next = j`). */
int32_t rl_ownership_param_handed_on_after(rl_ownership *o, int fn, int k, int32_t node);

/* Whether the access at node `node` of fn, to place `text` (in fn's
 * terms), touches an object fn took off a shared structure itself: a
 * queue's pop written out in the taker (pigz's compress threads: `job =
 * compress_head;` then `compress_head = job->next;`, one lock held from
 * the read to the write, then `job->lens`). The access names the object
 * by the place it was read from (`G:compress_head*.lens`, a local's value
 * being where it was read): one of its own fields, after that write and
 * before fn hands the object on (as rl_ownership_fresh_at; *handoff says
 * where, with taken set), and no read of the place at the access's own
 * spot (`compress_head->lens` written out names whatever the head is
 * then); or an object it leads to (`G:compress_head*.out*.buf`, invariant
 * 4). Whoever handed the object over may still touch it after, wrongly:
 * such accesses are kept, marked owned, not left out. Kept like
 * rl_ownership_fresh_at's: text must outlive the model. */
int rl_ownership_taken_at(rl_ownership *o, int fn, int32_t node, const char *text, rl_handoff *handoff);
/* Whether the global at `root` (a place's root, "G:pool'unit_c") is named
 * by one function alone, which runs once in one thread (main, or a
 * thread's entry main starts once; ownership_named.c): every other
 * function reaches its elements only through what that one hands on, so
 * what it writes into one before handing it on is its own. */
int rl_ownership_global_has_one_owner(rl_ownership *o, const char *root);

/* Whether, at node `node` of fn, `text` names an object fn made or took
 * off a shared structure and has since handed on or back in a
 * synchronised way (pushed back on a free list under its lock): an access
 * then uses a pointer kept past the hand-off, which whoever takes the
 * object next does not wait for, whatever locks fn took before (round
 * 23's r4: a slot cleared after it went back to the pool). Kept like
 * rl_ownership_fresh_at's. */
int rl_ownership_given_back_at(rl_ownership *o, int fn, int32_t node, const char *text);

/* Whether function fn returns a pointer it unlinked from a shared
 * location: it reads the pointer stored at a place, then overwrites that
 * place, with one lock held from the read to the write (a queue's pop),
 * or reads it, holding a lock, from an array element by an index it
 * moves (a stack's or a ring's pop, RL_READ_POPPED); its other returns
 * may be NULL or fresh objects (a pool's get). The caller then owns what
 * it gets, taken (rl_handoff.taken), and names it by what the place holds
 * (model/resolve.c). */
int rl_ownership_unlinks(rl_ownership *o, int fn);
/* For such a function, the place it takes the pointer from, in its own
 * terms ("P0*.cctxs*": an element of its pool's array; program-interned);
 * else NULL. Its other returns are NULL or fresh objects (a pool's get
 * making a new one when the pool is empty). */
const char *rl_ownership_unlinked_place(rl_ownership *o, int fn);

/* Whether access `node` of fn is the release (RL_ACC_RELEASE: a `free`)
 * of an object fn itself unlinked before it, in the same way: the freed
 * pointer was read from a place that fn then overwrote, one lock held
 * from the read to the write (`old = g_table; g_table = fresh;` under a
 * lock, then `free(old)`). The lock (in fn's terms), NULL when not. No
 * thread finds the object any more, and none that found it holding the
 * lock still does: the release is as if made holding that lock. One that
 * copied the pointer and let go of the lock may still use it, and races
 * with the release. */
const char *rl_ownership_released_unlinked(rl_ownership *o, int fn, int32_t node);

/* Whether a call to callee gives a fresh object: callee is a function's
 * USR (a program function whose returns are fresh, or a library function
 * modelled `alloc`) or the slot a call through a pointer reads, every
 * function of which allocates. */
int rl_ownership_call_fresh(rl_ownership *o, const char *callee);

/* Whether `value` (in its function's terms) is a call value ("@L_C|...",
 * facts.h) whose call gives a fresh object (rl_ownership_call_fresh): a
 * wrapper of an allocator, or a hook only allocators are stored in. */
int rl_ownership_value_fresh(rl_ownership *o, const char *value);

#endif
