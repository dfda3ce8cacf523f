/* Exit paths (exit_paths.h): which functions always end the process
 * (rl_fn_info.exits) and, in every function, which nodes lie on paths
 * that end it (rl_fn_info.doomed), so that what only a crash or an exit
 * path runs is not taken for code that runs beside the threads.
 *
 * Invariants:
 *  1. A call ends the process when its callee's model says exit, when it
 *     is declared noreturn and has no body here, or when its body always
 *     ends the process; a jump (longjmp) or a thread exit does not.
 *  2. Functions are marked to a fixpoint over the call graph: a function
 *     is marked exiting only once every path through it calls one. */
#include "exit_paths.h"
#include "../apimodel/apimodel.h"
#include "../util/mem.h"
#include <stdlib.h>
#include <string.h>

/* Whether a call ends the process: modelled as exit, declared noreturn
 * with no body in the program (a fatal() of another library), declared
 * noreturn with a body that ends the process, or any call to a function
 * whose body always ends the process. */
static int call_exits(const rl_program *p, const rl_fn_info *info, int32_t node)
{
    const rl_node *n = &info->fn->nodes[node];
    if (n->kind != RL_N_CALL) return 0;
    if (n->flags & RL_CALL_EXITS) return 1;
    int callee = info->callees[node] ? rl_program_find(p, info->callees[node]) : -1;
    if (callee >= 0) return p->fns[callee].exits;
    /* A jump (longjmp) continues at a setjmp, a thread exit ends one
     * thread: noreturn, but the process goes on. */
    if (rl_program_library_is(p, info->callees[node], RL_API_JUMP) ||
        rl_program_library_is(p, info->callees[node], RL_API_THREAD_EXIT))
        return 0;
    return (n->flags & RL_CALL_NORETURN) != 0;
}

/* The state of one function's exit-path analysis. */
typedef struct exit_walk {
    const rl_program *p;
    const rl_fn_info *info;
    int32_t *escapes;  /* prefix counts of RETURN/BREAK/CONTINUE/GOTO nodes */
    char *ends;        /* per node memo: 0 unknown, 1 no, 2 yes */
} exit_walk;

/* Whether the subtree of node may leave its enclosing sequence other than
 * by falling through (a return, break, continue or goto inside it).
 * Conservative: a break of an inner loop counts too. */
static int may_escape(const exit_walk *x, int32_t id)
{
    return x->escapes[x->info->fn->nodes[id].end + 1] - x->escapes[id] > 0;
}

/* Whether every path through node ends the process. */
static int ends_process(exit_walk *x, int32_t id)
{
    if (id < 0) return 0;
    if (x->ends[id]) return x->ends[id] == 2;
    const rl_function *fn = x->info->fn;
    const rl_node *n = &fn->nodes[id];
    int result = 0;
    switch ((rl_node_kind)n->kind) {
    case RL_N_CALL:
        result = call_exits(x->p, x->info, id);
        break;
    case RL_N_SEQ:
        for (int32_t c = n->first_child; c >= 0 && !result; c = fn->nodes[c].next_sibling) {
            if (ends_process(x, c)) result = 1;
            else if (may_escape(x, c)) break;
        }
        break;
    case RL_N_IF:
        result = ends_process(x, rl_fn_child(fn, id, 0)) ||
                 (ends_process(x, rl_fn_child(fn, id, 1)) && ends_process(x, rl_fn_child(fn, id, 2)));
        break;
    case RL_N_LOOP: {
        /* do { ...; exit(1); } while (0), as fatal-error macros write it */
        int32_t body = rl_fn_child(fn, id, 1);
        result = (n->flags & RL_LOOP_ONCE) && body >= 0 && !may_escape(x, body) && ends_process(x, body);
        break;
    }
    default:
        break;
    }
    x->ends[id] = result ? 2 : 1;
    return result;
}

static void doom_subtree(const rl_function *fn, char *doomed, int32_t id, char how)
{
    memset(doomed + id, how, (size_t)(fn->nodes[id].end - id + 1));
}

/* Whether child `k` of node n runs whenever n does: not a branch of an
 * `if` or a `switch`, nor the body of a loop that may run no time. */
static int child_unconditional(const rl_node *n, int k)
{
    switch ((rl_node_kind)n->kind) {
    case RL_N_IF:
    case RL_N_SWITCH:
        return k == 0;
    case RL_N_LOOP:
        return k == 0 || (k == 1 && (n->flags & (RL_LOOP_FOREVER | RL_LOOP_DO | RL_LOOP_ONCE | RL_LOOP_SINGLE_PASS)));
    default:
        return 1;
    }
}

/* Marks what only leads to the end of the process: in each sequence, the
 * statements from the last one that may leave it (or its start) up to a
 * statement that ends the process, and everything after that one; as
 * RL_DOOMED_END when no branch encloses them (`unconditional`), else
 * RL_DOOMED_BRANCH. */
static void mark_doomed(exit_walk *x, int32_t id, char *doomed, int unconditional)
{
    const rl_function *fn = x->info->fn;
    const rl_node *n = &fn->nodes[id];
    if (n->kind != RL_N_SEQ) {
        int k = 0;
        for (int32_t c = n->first_child; c >= 0; c = fn->nodes[c].next_sibling, k++)
            mark_doomed(x, c, doomed, unconditional && child_unconditional(n, k));
        return;
    }
    int32_t from = n->first_child, doomed_from = -1;
    for (int32_t c = n->first_child; c >= 0; c = fn->nodes[c].next_sibling) {
        if (ends_process(x, c)) {
            doomed_from = from;
            break;
        }
        if (may_escape(x, c)) from = fn->nodes[c].next_sibling;
    }
    /* The statements before the doomed stretch still run; they may hold
     * doomed code of their own (a switch's earlier case asserting in a
     * branch, before the default case panics). */
    for (int32_t c = n->first_child; c >= 0 && c != doomed_from; c = fn->nodes[c].next_sibling)
        mark_doomed(x, c, doomed, unconditional);
    char how = unconditional ? RL_DOOMED_END : RL_DOOMED_BRANCH;
    for (int32_t d = doomed_from; d >= 0; d = fn->nodes[d].next_sibling) doom_subtree(fn, doomed, d, how);
}

static void exit_walk_init(exit_walk *x, const rl_program *p, const rl_fn_info *info)
{
    const rl_function *fn = info->fn;
    x->p = p;
    x->info = info;
    x->escapes = rl_xcalloc((size_t)fn->nnodes + 2, sizeof *x->escapes);
    x->ends = rl_xcalloc((size_t)fn->nnodes + 1, 1);
    for (int32_t i = 0; i < fn->nnodes; i++) {
        uint8_t k = fn->nodes[i].kind;
        x->escapes[i + 1] = x->escapes[i] + (k == RL_N_RETURN || k == RL_N_BREAK || k == RL_N_CONTINUE || k == RL_N_GOTO);
    }
}

static void exit_walk_free(exit_walk *x)
{
    free(x->escapes);
    free(x->ends);
}

/* Which functions always end the process (a fixpoint: `fatal()` calling
 * `die()` calling `exit()`; exits only grows, so it ends), then which
 * nodes are doomed. */
void rl_exit_paths_mark(rl_program *p)
{
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < p->nfns; i++) {
            rl_fn_info *info = &p->fns[i];
            if (info->exits || info->fn->nnodes == 0) continue;
            exit_walk x;
            exit_walk_init(&x, p, info);
            info->exits = ends_process(&x, 0);
            changed |= info->exits;
            exit_walk_free(&x);
        }
    }
    for (size_t i = 0; i < p->nfns; i++) {
        rl_fn_info *info = &p->fns[i];
        info->doomed = rl_xcalloc((size_t)info->fn->nnodes + 1, 1);
        /* A function that always exits is doomed as a whole, but its
         * callers' calls to it are what the marking is for: its own body
         * still runs as any other when something calls it. */
        if (info->exits || info->fn->nnodes == 0) continue;
        exit_walk x;
        exit_walk_init(&x, p, info);
        mark_doomed(&x, 0, info->doomed, 1);
        exit_walk_free(&x);
    }
}
