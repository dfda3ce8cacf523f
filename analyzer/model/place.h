/* Places and values (syntax in facts/facts.h) as the model manipulates
 * them: substituting a parameter's value, qualifying a function's locals,
 * and printing a place the way a user would write it. All results are
 * interned in the given pool. */
#ifndef RL_PLACE_H
#define RL_PLACE_H
#include "../util/strpool.h"
#include "../util/strbuf.h"
#include <stdint.h>

typedef enum rl_root_kind {
    RL_ROOT_NONE,    /* "" */
    RL_ROOT_GLOBAL,  /* G: */
    RL_ROOT_LOCAL,   /* L: */
    RL_ROOT_PARAM,   /* P<n> */
    RL_ROOT_HEAP,    /* H<id> */
    RL_ROOT_TYPE,    /* {type} */
    RL_ROOT_QUALIFIED, /* t<thread>:<fn>:L:... or ...:H... (resolved locals) */
    RL_ROOT_CALL      /* @...: a call's result (facts.h) */
} rl_root_kind;

rl_root_kind rl_place_root(const char *place, int *param_index);

/* The root of a place whose object racelint cannot name, not even by
 * type: it matches nothing else and is not recorded. */
#define RL_UNKNOWN_ROOT "{?}"

/* Replaces a P<n> root by the value vals[n] (a value: "&X", "Y" or "");
 * other roots are returned unchanged. An unknown value yields the
 * type-based place "{?}..." which matches nothing else. */
const char *rl_place_subst(rl_strpool *pool, const char *place, const char *const *vals, int nvals);
/* Same for a value string (an argument passed on to a callee). */
const char *rl_value_subst(rl_strpool *pool, const char *value, const char *const *vals, int nvals);
/* A callee's place with each "[#P<n>]" step (an element indexed by its
 * parameter n's value, facts.h) in the terms of a call passing args:
 * "[#P<m>]" when the caller passes its own parameter m's copy ("#P<m>"),
 * else "[]", any element (as resolution names an index not distinct per
 * instance). Other steps are kept. */
const char *rl_place_subst_index(rl_strpool *pool, const char *place, const char *const *args, int nargs);

/* Gives L: and H roots a qualifier (thread and function) so that locals of
 * different activations are different objects. */
const char *rl_place_qualify(rl_strpool *pool, const char *place, const char *qualifier);

/* Whether a place names exactly one object: not a collapsed array
 * element ("[]"), a type-based place nor a choice of objects. Misuse rules (double-lock,
 * unlock-not-held) only judge such locks: two elements' locks share one
 * name, so taking "both" is not taking one twice. */
int rl_place_is_single_object(const char *place);

/* The longest choice the model keeps: a pointer that may hold more
 * objects than this is named by its type instead. */
#define RL_MAX_CHOICES 8

/* A resolved choice ("%TYPE" SEP A SEP B ... END: a pointer that may hold
 * any of several objects, facts.h) built from values alternatives[0..n):
 * duplicates removed, nested choices flattened, sorted so that one set is
 * one string. A single alternative is returned as is; more than
 * RL_MAX_CHOICES give "{TYPE}". */
const char *rl_choice_make(rl_strpool *pool, const char *type, const char *const *alternatives, size_t n);

/* The places a place may name: for a place rooted at a choice, one per
 * alternative with the place's steps applied to it (at most
 * RL_MAX_CHOICES); otherwise the place itself. Returns the count. */
size_t rl_place_alternatives(rl_strpool *pool, const char *place, const char **out);

/* The last reference of a counter (facts.h, RL_IF_LAST) travels in the
 * sets of objects waited on (flow.h's "acquired", an access's history)
 * as a member of the counter that no C code can name: "P0*.refs.#last".
 * Being a place under the counter's, it is translated into callers' and
 * threads' terms as the counter is. */
#define RL_LAST_MARK ".#last"
/* The mark of counter's last reference, interned in pool. */
const char *rl_place_last_mark(rl_strpool *pool, const char *counter);
/* Whether name is such a mark, and of `counter` when counter is not NULL.
 * A counter's second round (RL_AGAIN_MARK, below) is the counter: the
 * last reference comes after every decrement, whichever round it was
 * (a holder that took a reference of its own with an increment, a post,
 * before its decrement). */
int rl_place_is_last_mark(const char *name, const char *counter);

/* Whether a lock's name is a lock of every element of its array (facts.h,
 * RL_EVERY_ELEMENT: taken in a loop over the whole array). */
int rl_place_is_every_element(const char *name);

/* A second wait on an object, after a first one on every path (the
 * waiter's history held it already), travels as a member of the object
 * no C code can name: "G:init_cond.#again". A post made after an
 * earlier post on the same object (with no wait between) publishes on
 * the mark instead of the object: a waiter woken by the first post may
 * be reading still, but one that waited a second time waited for the
 * second post (memcached's workers count themselves in at start-up and
 * again at shut-down, and main waits for each round). Only two rounds
 * are told apart: the mark of a mark is the mark. */
#define RL_AGAIN_MARK ".#again"
const char *rl_place_again_mark(rl_strpool *pool, const char *object);
int rl_place_is_again_mark(const char *name);

/* The parameters a place's elements are indexed by ("[#P<n>]" steps,
 * facts.h): bit n for each, n < 32. */
uint32_t rl_place_index_params(const char *place);

/* Whether a place's object is known only by its type ("{struct s}.n",
 * whatever steps follow): two such places of one type may be one object
 * or two, and nothing traced says which. */
int rl_place_is_by_type(const char *place);

/* Whether a place is an object of unknown origin with no step after its
 * root ("{T}", "{?}"): what a pointer racelint cannot trace points to. An
 * unlock through such a pointer may release any lock held. */
int rl_place_is_unknown_object(const char *place);

/* Container and type steps, rewritten once the root is resolved (on a
 * place still in a function's terms, with a parameter, call or choice
 * root, they are kept). Places and values ("&...") alike.
 *  - "^{T}m" names the object of type T whose member m the place so far
 *    is (container_of: a pointer moved back from a member to the struct
 *    around it). It cancels a preceding ".m": "X.dev^{struct d}dev.a" is
 *    "X.a"; one that cannot cancel names an object of unknown origin of
 *    type T ("{T}.a").
 *  - "~{S}" follows a member of struct type S reached through a pointer.
 *    On a type-based place it makes the member an object of its own type:
 *    "{struct t}.s~{struct s}.f" is "{struct s}.f", the same name as an
 *    S reached directly (nested structs named by type); elsewhere it is
 *    dropped ("G:t.s~{struct s}.f" is "G:t.s.f"). */
const char *rl_place_normalize(rl_strpool *pool, const char *place);
/* The same for a place that need not be interned (a name being built):
 * only the normalized name is interned. A name that normalizing rewrites
 * is never read again, and interning it too made up a large part of the
 * pool on real code. */
const char *rl_place_intern_normalized(rl_strpool *pool, const char *place);
/* Both wait with a container step that follows a pointer not followed
 * yet (`G:list.next*^{T}node`: the stores may say it holds `&G:dev.node`,
 * whose container is G:dev). Once the stores were followed (stores.c),
 * this one names what is left by type ("{T}"), as a pointer of unknown
 * origin's container is. */
const char *rl_place_normalize_final(rl_strpool *pool, const char *place);

/* The thread N of a place qualified by a frame of it ("tN:FN:..."), or -1.
 * Asked for every pair of accesses the race rule looks at (zstd's 14
 * million): parsed by hand, as sscanf took a sixth of that run. */
int rl_place_thread(const char *place);

/* The frames that qualify locals and heap objects (model/resolve.c):
 * "tN:FN:" (thread N's frame) and "once:FN:" (a once-routine's, made once
 * in the program; FN may carry "~HASH"). The length of that prefix of
 * place ("&" aside), or 0. */
size_t rl_place_qualifier_len(const char *place);

/* Length of the root token of a place (the part before its first step). */
size_t rl_place_root_len(const char *place);

/* A heap object as the model qualifies it, "tN:FN:H<line>_<col>" or
 * "tN:FN~HASH:H<line>_<col>" (the frame that allocated it, and where),
 * whatever steps follow. Returns the length of the root (0 when place is
 * no such object) and sets *frame_len to that of "tN:FN[~HASH]" and the
 * allocation site. */
size_t rl_place_heap_site(const char *place, size_t *frame_len, unsigned *line, unsigned *col);
/* Whether a resolved value is the address of a heap object or of a member
 * of one (`&t0:f:H12_3` or `&t0:f:H12_3.l.l`: no pointer followed after
 * the site): the length of its site after the '&' (0 when it is not), and
 * the site's line and column. */
size_t rl_value_heap_address(const char *value, unsigned *line, unsigned *col);

/* The place as C: "G:stats.hits" -> "stats.hits", "G:q*.count" ->
 * "q->count", "t1:main:L:args[].id" -> "args[].id". */
void rl_place_pretty(const char *place, rl_strbuf *out);

#endif
