/* racelint threads (threads_cmd.h). Only formats what the driver found;
 * positions are printed as the analysis recorded them. */
#include "threads_cmd.h"
#include <jansson.h>
#include <stdint.h>
#include <string.h>

/* Indentation per level of spawning in the text form. */
#define INDENT_PER_LEVEL 2
/* Width the list of a library's public functions is wrapped at. */
#define WRAP_COLUMN 100

static void print_position(FILE *out, const rl_position *p)
{
    fprintf(out, "%s:%u:%u", p->file ? p->file : "?", p->line, p->col);
}

static int same_position(const rl_position *a, const rl_position *b)
{
    return a->line == b->line && a->col == b->col && strcmp(a->file ? a->file : "", b->file ? b->file : "") == 0;
}

/* A call site and, when it lies in a wrapper, the call of that wrapper in
 * its caller: "yarn.c:318:11 from pigz.c:2093:15". */
static void print_site(FILE *out, const rl_position *at, const rl_position *call)
{
    print_position(out, at);
    if (call->line) {
        fprintf(out, " from ");
        print_position(out, call);
    }
}

/* Two threads of one spawn site, as a maintainer counts them: the same
 * entry started by the same spawn call (main reaching it through two
 * calls of its own gives two threads of the model, one line here, which
 * lists the calls). */
static int same_spawn(const rl_thread_summary *a, const rl_thread_summary *b)
{
    return strcmp(a->entry, b->entry) == 0 && same_position(&a->spawn, &b->spawn);
}

static int has_children(const rl_program_summary *p, size_t t)
{
    for (size_t c = 0; c < p->nthreads; c++)
        if (p->threads[c].parent == (long)t) return 1;
    return 0;
}

/* A library's root that is not an entry point: one of the public
 * functions the one application thread calls (ordering.c). */
static int app_root(const rl_program_summary *p, long t)
{
    return !p->main_file && t >= 0 && p->threads[t].parent < 0 && !p->threads[t].several;
}

/* Threads spawned by the same thread, or by the application thread
 * through two of the library's public functions: one spawner. */
static int same_parent(const rl_program_summary *p, size_t a, size_t b)
{
    long pa = p->threads[a].parent, pb = p->threads[b].parent;
    return pa == pb || (app_root(p, pa) && app_root(p, pb));
}

/* Whether thread k is in the group printed on c's line: c itself, or,
 * when grouped, a thread of the same spawner and spawn site starting no
 * thread. */
static int in_group(const rl_program_summary *p, size_t c, size_t k, int grouped)
{
    if (k == c) return 1;
    return grouped && p->threads[k].parent >= 0 && same_parent(p, c, k) && !has_children(p, k) &&
           same_spawn(&p->threads[k], &p->threads[c]);
}

/* Whether child c is printed on a line of its own: the first of its
 * group, or one that starts threads. */
static int leads_group(const rl_program_summary *p, size_t c)
{
    if (has_children(p, c)) return 1;
    for (size_t k = 0; k < c; k++)
        if (in_group(p, k, c, 1) && !has_children(p, k)) return 0;
    return 1;
}

/* Whether join j of thread k was met in the group of c before it. */
static int join_printed(const rl_program_summary *p, size_t c, size_t k, size_t j, int grouped)
{
    const rl_join_summary *want = &p->threads[k].joins[j];
    for (size_t q = c; q <= k; q++) {
        if (!in_group(p, c, q, grouped)) continue;
        size_t upto = q == k ? j : p->threads[q].njoins;
        for (size_t r = 0; r < upto; r++)
            if (same_position(&p->threads[q].joins[r].at, &want->at) &&
                same_position(&p->threads[q].joins[r].call, &want->call))
                return 1;
    }
    return 0;
}

/* Prints the joins of every thread of c's group, each place once, in
 * order; says when some of them is never joined. */
static void print_joins(FILE *out, const rl_program_summary *p, size_t c, int grouped)
{
    size_t printed = 0, unjoined = 0;
    for (size_t k = c; k < p->nthreads; k++) {
        if (!in_group(p, c, k, grouped)) continue;
        const rl_thread_summary *th = &p->threads[k];
        if (!th->joined) unjoined++;
        for (size_t j = 0; j < th->njoins; j++) {
            if (join_printed(p, c, k, j, grouped)) continue;
            fprintf(out, printed++ ? ", " : ", joined at ");
            print_site(out, &th->joins[j].at, &th->joins[j].call);
        }
    }
    if (!printed) fprintf(out, ", never joined");
    else if (unjoined) fprintf(out, "; never joined on %zu of its call paths", unjoined);
}

/* The calls of the spawning function (in its callers) of c's group, each
 * once: " from server.c:29:5, server.c:31:5". */
static void print_spawn_calls(FILE *out, const rl_program_summary *p, size_t c, int grouped)
{
    size_t printed = 0;
    for (size_t k = c; k < p->nthreads; k++) {
        const rl_position *call = &p->threads[k].spawn_call;
        if (!in_group(p, c, k, grouped) || !call->line) continue;
        int seen = 0;
        for (size_t q = c; q < k && !seen; q++) seen = in_group(p, c, q, grouped) && same_position(&p->threads[q].spawn_call, call);
        if (seen) continue;
        fprintf(out, printed++ ? ", " : " from ");
        print_position(out, call);
    }
}

static void print_thread(FILE *out, const rl_program_summary *p, size_t t, int depth);

/* The children of thread t, depth first: one line per spawn site (the
 * threads of one site that start none of their own share it, with how many
 * call paths reach it), then the children of those that start threads. */
static void print_children(FILE *out, const rl_program_summary *p, size_t t, int depth)
{
    for (size_t c = 0; c < p->nthreads; c++)
        if (p->threads[c].parent == (long)t && leads_group(p, c)) print_thread(out, p, c, depth);
}

static void print_thread(FILE *out, const rl_program_summary *p, size_t t, int depth)
{
    const rl_thread_summary *th = &p->threads[t];
    fprintf(out, "%*s%s", INDENT_PER_LEVEL * (depth + 1), "", th->entry);
    size_t same = 1;
    if (th->parent < 0) {
        if (th->several) fprintf(out, " (an entry point, any number of threads)");
    } else {
        int grouped = !has_children(p, t), several = th->several;
        for (size_t k = t + 1; grouped && k < p->nthreads; k++)
            if (in_group(p, t, k, grouped)) {
                same++;
                several |= p->threads[k].several;
            }
        fprintf(out, "  spawned at ");
        print_position(out, &th->spawn);
        print_spawn_calls(out, p, t, grouped);
        fprintf(out, ", %s", several ? "several instances" : "one instance");
        print_joins(out, p, t, grouped);
    }
    fprintf(out, "\n");
    if (same > 1) fprintf(out, "%*s(the same spawn, reached through %zu calls)\n", INDENT_PER_LEVEL * (depth + 2), "", same);
    if (th->caller_spawn.line) {
        fprintf(out, "%*sstarts a thread running the function its caller passes, at ", INDENT_PER_LEVEL * (depth + 2), "");
        print_position(out, &th->caller_spawn);
        fprintf(out, " (not a thread of this code)\n");
    }
    print_children(out, p, t, depth + 1);
}

/* Prints, wrapped, the names of the application roots that spawn a
 * thread of c's group (all of them with no thread of their own when c is
 * SIZE_MAX), after the opening text, closing the parenthesis. */
static void print_names(FILE *out, const rl_program_summary *p, size_t c, const char *opening)
{
    int indent = INDENT_PER_LEVEL * 2;
    int col = fprintf(out, "%*s%s", indent, "", opening);
    size_t k = 0;
    for (size_t t = 0; t < p->nthreads; t++) {
        if (!app_root(p, (long)t)) continue;
        int listed = 0;
        if (c == SIZE_MAX) listed = !has_children(p, t) && !p->threads[t].caller_spawn.line;
        for (size_t q = 0; c != SIZE_MAX && q < p->nthreads && !listed; q++)
            listed = p->threads[q].parent == (long)t && in_group(p, c, q, !has_children(p, c));
        if (!listed) continue;
        int len = (int)strlen(p->threads[t].entry) + 2;
        if (k && col + len > WRAP_COLUMN) {
            fprintf(out, ",\n%*s", indent + 1, "");
            col = indent + 1;
        } else if (k) {
            fprintf(out, ", ");
        }
        fprintf(out, "%s", p->threads[t].entry);
        col += len;
        k++;
    }
    fprintf(out, ")\n");
}

/* A library's roots that are not entry points are one application thread
 * calling its public functions one at a time (ordering.c): printed as that
 * thread, with the functions that start threads (or a thread of their
 * caller's function) and theirs, then the others listed together,
 * wrapped: they reach only spawns listed already (a pool started once). */
static void print_library_roots(FILE *out, const rl_program_summary *p)
{
    size_t nplain = 0, nroots = 0;
    for (size_t t = 0; t < p->nthreads; t++) {
        const rl_thread_summary *th = &p->threads[t];
        if (th->parent >= 0 || th->several) continue;
        nroots++;
        nplain += !has_children(p, t) && !th->caller_spawn.line;
    }
    if (!nroots) return;
    fprintf(out, "  application thread: calls the %zu public function%s that start threads, one at a time\n", nroots,
            nroots == 1 ? "" : "s");
    for (size_t t = 0; t < p->nthreads; t++)
        if (app_root(p, (long)t) && p->threads[t].caller_spawn.line) {
            fprintf(out, "    %s starts a thread running the function its caller passes, at ", p->threads[t].entry);
            print_position(out, &p->threads[t].caller_spawn);
            fprintf(out, " (not a thread of this code)\n");
        }
    /* The threads of every public function, one line per spawn site, with
     * the functions that start it. */
    for (size_t c = 0; c < p->nthreads; c++) {
        if (!app_root(p, p->threads[c].parent) || !leads_group(p, c)) continue;
        print_thread(out, p, c, 1);
        print_names(out, p, c, "(started by ");
    }
    if (nplain) print_names(out, p, SIZE_MAX, "(and those that start no other thread: ");
}

static void print_text(FILE *out, const rl_analysis *a)
{
    for (size_t i = 0; i < a->nprograms; i++) {
        const rl_program_summary *p = &a->programs[i];
        fprintf(out, "program %s", p->name);
        if (p->main_file) fprintf(out, " (main in %s", p->main_file);
        else fprintf(out, " (a library: no main");
        fprintf(out, ", %zu unit%s)\n", p->nunits, p->nunits == 1 ? "" : "s");
        if (!p->main_file) print_library_roots(out, p);
        for (size_t t = 0; t < p->nthreads; t++)
            if (p->threads[t].parent < 0 && (p->main_file || p->threads[t].several)) print_thread(out, p, t, 0);
        if (p->nthreads == 0) fprintf(out, "  (no thread found)\n");
    }
    for (size_t i = 0; i < a->nnotices; i++) {
        const rl_notice *n = &a->notices[i];
        fprintf(out, "note: %s%s%s%s [%s]\n", n->program ? "program '" : "", n->program ? n->program : "",
                n->program ? "': " : "", n->message, n->code);
    }
}

static json_t *position_json(const rl_position *p)
{
    return json_pack("{s:s?, s:I, s:I}", "file", p->file, "line", (json_int_t)p->line, "column", (json_int_t)p->col);
}

static json_t *to_json(const rl_analysis *a)
{
    json_t *programs = json_array();
    for (size_t i = 0; i < a->nprograms; i++) {
        const rl_program_summary *p = &a->programs[i];
        json_t *threads = json_array();
        for (size_t t = 0; t < p->nthreads; t++) {
            const rl_thread_summary *th = &p->threads[t];
            json_t *o = json_pack("{s:I, s:s, s:b}", "id", (json_int_t)t, "entry", th->entry, "several_instances",
                                  th->several);
            json_object_set_new(o, "parent", th->parent >= 0 ? json_integer(th->parent) : json_null());
            json_object_set_new(o, "spawn", th->parent >= 0 ? position_json(&th->spawn) : json_null());
            json_object_set_new(o, "spawn_call", th->spawn_call.line ? position_json(&th->spawn_call) : json_null());
            json_object_set_new(o, "join", th->joined ? position_json(&th->join) : json_null());
            json_t *joins = json_array();
            for (size_t j = 0; j < th->njoins; j++) {
                json_t *jo = json_pack("{s:o}", "at", position_json(&th->joins[j].at));
                json_object_set_new(jo, "call", th->joins[j].call.line ? position_json(&th->joins[j].call) : json_null());
                json_array_append_new(joins, jo);
            }
            json_object_set_new(o, "joins", joins);
            json_object_set_new(o, "caller_spawn", th->caller_spawn.line ? position_json(&th->caller_spawn) : json_null());
            json_array_append_new(threads, o);
        }
        json_t *o = json_pack("{s:s, s:s?, s:I, s:I, s:o}", "name", p->name, "main", p->main_file, "units",
                              (json_int_t)p->nunits, "spawn_sites", (json_int_t)p->nspawn_sites, "threads", threads);
        json_array_append_new(programs, o);
    }
    json_t *notices = json_array();
    for (size_t i = 0; i < a->nnotices; i++)
        json_array_append_new(notices, json_pack("{s:s, s:s?, s:s}", "code", a->notices[i].code, "program",
                                                 a->notices[i].program, "message", a->notices[i].message));
    return json_pack("{s:o, s:o}", "programs", programs, "notices", notices);
}

int rl_threads_print(FILE *out, const rl_analysis *a, int json, rl_error *err)
{
    if (!json) {
        print_text(out, a);
        return 0;
    }
    json_t *doc = to_json(a);
    int rc = doc ? json_dumpf(doc, out, JSON_INDENT(2)) : -1;
    json_decref(doc);
    if (rc != 0) {
        rl_fail(err, "cannot encode the threads as JSON (a name that is not valid UTF-8?)");
        return -1;
    }
    fputc('\n', out);
    return 0;
}
