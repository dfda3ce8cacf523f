/* racelint threads (threads_cmd.h). Only formats what the driver found;
 * positions are printed as the analysis recorded them. */
#include "threads_cmd.h"
#include <jansson.h>
#include <string.h>

/* Indentation per level of spawning in the text form. */
#define INDENT_PER_LEVEL 2

static void print_position(FILE *out, const rl_position *p)
{
    fprintf(out, "%s:%u:%u", p->file ? p->file : "?", p->line, p->col);
}

static int same_position(const rl_position *a, const rl_position *b)
{
    return a->line == b->line && a->col == b->col && strcmp(a->file ? a->file : "", b->file ? b->file : "") == 0;
}

/* Two threads the text would print alike. */
static int same_thread(const rl_thread_summary *a, const rl_thread_summary *b)
{
    return strcmp(a->entry, b->entry) == 0 && same_position(&a->spawn, &b->spawn) && a->several == b->several &&
           a->joined == b->joined && (!a->joined || same_position(&a->join, &b->join));
}

static int has_children(const rl_program_summary *p, size_t t)
{
    for (size_t c = 0; c < p->nthreads; c++)
        if (p->threads[c].parent == (long)t) return 1;
    return 0;
}

static void print_thread(FILE *out, const rl_program_summary *p, size_t t, int depth)
{
    const rl_thread_summary *th = &p->threads[t];
    fprintf(out, "%*s%s", INDENT_PER_LEVEL * (depth + 1), "", th->entry);
    if (th->parent < 0) {
        if (!p->main_file) fprintf(out, " (root: %s)", th->several ? "an entry point, any number of threads"
                                                                 : "starts threads, called by nothing");
        else if (th->several) fprintf(out, " (an entry point, any number of threads)");
    } else {
        fprintf(out, "  spawned at ");
        print_position(out, &th->spawn);
        fprintf(out, ", %s", th->several ? "several instances" : "one instance");
        if (th->joined) {
            fprintf(out, ", joined at ");
            print_position(out, &th->join);
        } else {
            fprintf(out, ", never joined");
        }
    }
    fprintf(out, "\n");
    /* Children under their parent: the spawn tree, depth first. Children
     * that look the same (one spawn site reached through several calls of
     * the parent) print once, with their number, unless they start threads
     * of their own. */
    for (size_t c = 0; c < p->nthreads; c++) {
        if (p->threads[c].parent != (long)t || has_children(p, c)) {
            if (p->threads[c].parent == (long)t) print_thread(out, p, c, depth + 1);
            continue;
        }
        size_t first = c, same = 0;
        for (size_t k = 0; k < c && first == c; k++)
            if (p->threads[k].parent == (long)t && !has_children(p, k) && same_thread(&p->threads[k], &p->threads[c]))
                first = k;
        if (first != c) continue; /* printed with the first of its kind */
        for (size_t k = c; k < p->nthreads; k++)
            same += p->threads[k].parent == (long)t && !has_children(p, k) && same_thread(&p->threads[k], &p->threads[c]);
        print_thread(out, p, c, depth + 1);
        if (same > 1) fprintf(out, "%*s(the same spawn, reached through %zu calls)\n", INDENT_PER_LEVEL * (depth + 3), "", same);
    }
}

static void print_text(FILE *out, const rl_analysis *a)
{
    for (size_t i = 0; i < a->nprograms; i++) {
        const rl_program_summary *p = &a->programs[i];
        fprintf(out, "program %s", p->name);
        if (p->main_file) fprintf(out, " (main in %s", p->main_file);
        else fprintf(out, " (a library: no main");
        fprintf(out, ", %zu unit%s)\n", p->nunits, p->nunits == 1 ? "" : "s");
        for (size_t t = 0; t < p->nthreads; t++)
            if (p->threads[t].parent < 0) print_thread(out, p, t, 0);
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
            json_object_set_new(o, "join", th->joined ? position_json(&th->join) : json_null());
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
