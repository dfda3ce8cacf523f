/* The index of value tests known.c builds and known_dead.c reads
 * (known.h's rl_known_index, opened): shared by the two files of the
 * module only.
 *
 * Invariants: those of known.c. */
#ifndef RL_KNOWN_INTERNAL_H
#define RL_KNOWN_INTERNAL_H
#include "known.h"
#include "phases.h"
#include "../util/ptrmap.h"
#include <stdint.h>

#define WORD_BITS 64
/* A node where the thread may change a global or learn another thread's
 * change of it. */
typedef struct kill_event {
    int32_t node;
    int32_t bit;    /* a write of that global; -1: not a plain write */
    int all;        /* a lock taken, or a write of a struct holding tested
                       globals: every fact */
    int lock;       /* that is a lock taken: it reveals other threads'
                       changes, and a mode has none (known.h, modes) */
    int callee;     /* a direct call: what the callee writes (writes[callee]); -1 */
} kill_event;

/* An edge of the call graph, seen from the callee. */
typedef struct caller_edge {
    int fn;
    int direct;     /* a call by name, not through a pointer */
} caller_edge;

typedef struct fn_index {
    kill_event *kills;
    size_t nkills, cap_kills;
    caller_edge *callers; /* calls into this one (for the fixpoint) */
    size_t ncallers, cap_callers;
    int tests;      /* its own body has value tests */
    int32_t *guards; /* its early exits (early_exit), in node order */
    size_t nguards, cap_guards;
    uint32_t param_tests; /* bit n: its own body tests parameter n (against 0, or an integer one against any
                             constant), or passes it on unchanged to a callee that does (close_param_tests) */
} fn_index;

/* A call passing the caller's parameter `from` on unchanged as the
 * callee's parameter `to` (facts.h, RL_PARAM_ITSELF). */
typedef struct pass_edge {
    int caller, from, callee, to;
} pass_edge;

struct rl_known_index {
    rl_program *p;
    int any;             /* some function tests a value: fns is indexed */
    rl_ptrmap bit_of;    /* tested place -> bit + 1 */
    rl_ptrmap prefixes;  /* a struct holding a tested global ("G:server") -> 1 */
    size_t nbits, words;
    uint64_t *tests;     /* nfns x words */
    uint64_t *writes;    /* nfns x words */
    fn_index *fns;
    rl_ptrmap sets;      /* key -> rl_known_set * */
    rl_known_set **all_sets;
    size_t nsets, cap_sets;
    pass_edge *passes;   /* parameters passed on unchanged, by direct calls */
    size_t npasses, cap_passes;
    uint64_t *unstable;  /* words: tested globals written while another
                            thread may run (rl_known_note_write), so no mode */
    int all_unstable;    /* a struct around tested globals was */
    rl_phases *phases;   /* loops of barrier phases (phases.h) */
    uint8_t *started;    /* per function: a thread start runs it (its
                            early exits on its argument are instances') */
    rl_ptrmap not_counted; /* member name -> 1 when some store gives it a
                            value other than its round's counter (known.c,
                            instance_member_shared) */
    rl_ptrmap changing;  /* instance-test IF node -> 1 when the value it
                            reads through the parameter changes (known.c,
                            instance_value_changes): no instance's own */
    rl_ptrmap dead;      /* "fn|key" -> dead map, or &no_dead */
    uint8_t **all_dead;
    size_t ndead, cap_dead;
};

/* The bit of tested place `place` (invariant 1 of known.c), or -1. */
int tk_bit_of(const rl_known_index *k, const char *place);
/* The end of the outermost loop around node x inside node `within` (the
 * whole function for -1), past which a fact's kill may come back round:
 * x itself when no loop lies between. */
int32_t tk_loop_extent(const rl_function *f, int32_t x, int32_t within);
/* Whether some live kill event of fn in nodes (lo, hi) may change or
 * reveal global `bit`, leaving out those in nodes [skip_lo, skip_hi], and
 * the locks taken when `modes` (known.c). */
int tk_killed_between(const rl_known_index *k, int fn, const uint8_t *dead, int bit, int32_t lo, int32_t hi,
                      int32_t skip_lo, int32_t skip_hi, int modes);

#endif
