/* Event-loop registrations (walker.h): calls the API models describe as
 * `register`, `attach` or `dispatch` (models/libevent.yaml).
 *
 * A library's event loop calls back, later and on the thread that runs
 * the loop, the functions registered with its events:
 *
 *     event_set(&c->ev, fd, EV_READ, on_read, c);   // register
 *     event_base_set(t->base, &c->ev);              // attach
 *     event_base_loop(t->base, 0);                  // dispatch: on_read(fd, what, c)
 *
 * The library's code is not seen, so the walker writes what a loop
 * written by hand would do (facts.h, RL_EVENT_CALLBACK): registering
 * stores the callback and its argument into the event, attaching stores
 * the event's address into the loop's array of events, and dispatching
 * calls through `loop.events[]->callback` with `loop.events[]->arg` at
 * the callback's parameter `param`. The model then names the functions
 * such a call reaches, and what each gets, from the points-to sets of
 * those members (model/stores.c, tm_stored_callees): the callbacks of
 * the events of the loop this thread runs, each with its own argument,
 * not every function registered anywhere.
 *
 * Invariants:
 *  1. The stores are ACCESS nodes of api RL_ACC_STORE_ONLY, which the
 *     model follows for pointers and never reports: the library's
 *     members are not the program's memory.
 *  2. A register without `loop` attaches its event to the default loop
 *     (RL_DEFAULT_LOOP), which a dispatch without `loop` runs; one
 *     without `handle` makes its event (the call's value, as an
 *     allocation's).
 *  3. Every argument is walked once, as a read, in order. */
#include "walker.h"
#include <stdlib.h>
#include <string.h>

/* One store of value into place (+ member), made by the library. */
static void emit_library_store(walker *w, CXCursor c, const char *object, const char *member, const char *value)
{
    if (!object[0] || !value || !value[0]) return;
    rl_strbuf place = RL_STRBUF_INIT;
    rl_sb_printf(&place, "%s.%s", object, member);
    rlw_emit_store(w, c, rl_sb_str(&place), member, value, 1);
    rl_sb_free(&place);
}

/* The object argument i points to, into out; the default loop for a
 * loop argument the model does not name (i < 0). */
static void object_of(walker *w, CXCursor c, const rl_strbuf *values, int nargs, int i, rl_strbuf *out)
{
    if (i < 0 || i >= nargs) {
        rl_sb_append(out, RL_DEFAULT_LOOP);
        return;
    }
    rlw_deref_place(w, rl_sb_str(&values[i]), clang_getCursorType(rlw_call_arg(c, i)), out);
}

static void walk_register(walker *w, CXCursor c, const rl_api_fn *api, const rl_strbuf *values, int nargs,
                          expr_out *out)
{
    rl_strbuf event = RL_STRBUF_INIT, loop = RL_STRBUF_INIT, address = RL_STRBUF_INIT;
    if (api->handle >= 0 && api->handle < nargs) {
        object_of(w, c, values, nargs, api->handle, &event);
    } else {
        rl_loc loc = rlw_loc_of(w, c);
        rl_sb_printf(&event, "H%u_%u", loc.line, loc.col);
        if (out) rl_sb_printf(&out->value, "&%s", rl_sb_str(&event));
    }
    /* the callback's value: "fn:USR" for a function (`&f` is f), else the
     * pointer it is read from; an untraceable one ("{T}") stores nothing */
    const char *callback = api->entry < nargs ? rl_sb_str(&values[api->entry]) : "";
    if (callback[0] != '{') emit_library_store(w, c, rl_sb_str(&event), RL_EVENT_CALLBACK, callback);
    if (api->arg >= 0 && api->arg < nargs)
        emit_library_store(w, c, rl_sb_str(&event), RL_EVENT_CALLBACK_ARG, rl_sb_str(&values[api->arg]));
    object_of(w, c, values, nargs, api->loop, &loop);
    rl_sb_printf(&address, "&%s", rl_sb_str(&event));
    emit_library_store(w, c, rl_sb_str(&loop), RL_LOOP_EVENTS "[]", rl_sb_str(&address));
    rl_sb_free(&event);
    rl_sb_free(&loop);
    rl_sb_free(&address);
}

static void walk_attach(walker *w, CXCursor c, const rl_api_fn *api, const rl_strbuf *values, int nargs)
{
    if (api->handle >= nargs || api->loop >= nargs) return;
    rl_strbuf loop = RL_STRBUF_INIT;
    object_of(w, c, values, nargs, api->loop, &loop);
    emit_library_store(w, c, rl_sb_str(&loop), RL_LOOP_EVENTS "[]", rl_sb_str(&values[api->handle]));
    rl_sb_free(&loop);
}

/* The call through loop.events[]->callback, passing loop.events[]->arg
 * as argument `param`. */
static void walk_dispatch(walker *w, CXCursor c, const rl_api_fn *api, const rl_strbuf *values, int nargs)
{
    rl_strbuf loop = RL_STRBUF_INIT, fnptr = RL_STRBUF_INIT, arg = RL_STRBUF_INIT;
    object_of(w, c, values, nargs, api->loop, &loop);
    rl_sb_printf(&fnptr, "%s." RL_LOOP_EVENTS "[]*." RL_EVENT_CALLBACK, rl_sb_str(&loop));
    rl_sb_printf(&arg, "%s." RL_LOOP_EVENTS "[]*." RL_EVENT_CALLBACK_ARG, rl_sb_str(&loop));
    int32_t id = rlw_emit(w, RL_N_CALL, c);
    if (id >= 0) {
        rl_node *n = &w->fn->nodes[id];
        n->text = rl_intern(w->facts->pool, RL_REGISTERED_TYPE);
        n->target = rl_intern(w->facts->pool, RL_REGISTERED_SLOT);
        n->fnptr = rl_intern(w->facts->pool, rl_sb_str(&fnptr));
        n->flags = RL_CALL_INDIRECT;
        int ncb = api->param + 1;
        const char **vals = rl_xcalloc((size_t)ncb, sizeof *vals);
        for (int i = 0; i < ncb; i++) vals[i] = i == api->param ? rl_sb_str(&arg) : "";
        rlw_set_args(w, id, vals, ncb);
        free(vals);
    }
    rl_sb_free(&loop);
    rl_sb_free(&fnptr);
    rl_sb_free(&arg);
}

void rlw_walk_event_loop_call(walker *w, CXCursor c, const rl_api_fn *api, int nargs, expr_out *out)
{
    rl_strbuf *values = rl_xcalloc((size_t)nargs + 1, sizeof *values);
    for (int i = 0; i < nargs; i++) {
        expr_out o;
        rlw_out_init(&o);
        rlw_expr(w, rlw_call_arg(c, i), USE_READ, &o);
        rl_sb_append(&values[i], rl_sb_str(&o.value));
        rlw_out_free(&o);
    }
    if (api->kind == RL_API_REGISTER) walk_register(w, c, api, values, nargs, out);
    else if (api->kind == RL_API_ATTACH) walk_attach(w, c, api, values, nargs);
    else walk_dispatch(w, c, api, values, nargs);
    for (int i = 0; i < nargs; i++) rl_sb_free(&values[i]);
    free(values);
}
