/* The units analysed and the files reported (scope.h has the rules
 * and why). */
#include "scope.h"
#include "../facts_dir.h"
#include "../util/mem.h"
#include "project.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { EXIT_USAGE = 2 };

static void print_warnings(const rl_unit_list *units)
{
    for (size_t i = 0; i < units->nwarnings; i++) fprintf(stderr, "racelint: warning: %s\n", units->warnings[i]);
}

/* Whether file (absolute, resolved) is the focus path or under it. */
static int under(const char *file, const char *focus)
{
    size_t n = strlen(focus);
    if (strncmp(file, focus, n) != 0) return 0;
    return file[n] == 0 || file[n] == '/' || (n == 1 && focus[0] == '/');
}

static int in_focus(const rl_scope *sel, const char *file)
{
    if (!file) return 0;
    char *abs = realpath(file, NULL);
    const char *path = abs ? abs : file;
    int hit = 0;
    for (size_t i = 0; i < sel->nfocus && !hit; i++) hit = under(path, sel->focus[i]);
    free(abs);
    return hit;
}

/* The paths as absolute, resolved focus paths. 0, or -1 after printing
 * which one does not exist. */
static int make_focus(const rl_cli_options *o, rl_scope *sel)
{
    sel->focus = rl_xcalloc((size_t)o->npaths + 1, sizeof *sel->focus);
    for (int i = 0; i < o->npaths; i++) {
        char *abs = realpath(o->paths[i], NULL);
        if (!abs) {
            fprintf(stderr, "racelint: error: %s: %s\n", o->paths[i], strerror(errno));
            return -1;
        }
        sel->focus[sel->nfocus++] = abs;
    }
    return 0;
}

/* Whether the database's units include a focus file or a unit under a
 * focus folder. */
static int compiles_focus(const rl_scope *sel)
{
    for (size_t i = 0; i < sel->units.len; i++)
        if (in_focus(sel, sel->units.items[i].file)) return 1;
    return 0;
}

static void drop_focus(rl_scope *sel)
{
    for (size_t i = 0; i < sel->nfocus; i++) free(sel->focus[i]);
    free(sel->focus);
    sel->focus = NULL;
    sel->nfocus = 0;
}

/* Reads sel->compdb into sel->units; 0 or -1 after printing the error. */
static int read_compdb(rl_scope *sel, int print)
{
    rl_error err = {{0}};
    if (rl_inputs_from_compdb(sel->compdb, &sel->units, &err) != 0) {
        if (print) fprintf(stderr, "racelint: error: %s\n", err.msg);
        return -1;
    }
    return 0;
}

/* The facts options (docs/ci.md) only in the combinations that mean
 * something. 0 or 2. */
static int check_facts_options(const rl_cli_options *o)
{
    if (o->nfacts_dirs && (o->facts_cache || o->shard_n || o->npaths))
        return rl_cli_usage_error("%s", "--facts links facts files: it takes -p but no paths, --facts-cache or --shard");
    if (o->shard_n && (!o->build_dir || !o->facts_cache))
        return rl_cli_usage_error("%s", "--shard K/N needs -p BUILD_DIR and --facts-out DIR");
    if (o->facts_max_size && !o->facts_cache)
        return rl_cli_usage_error("%s", "--facts-max-size bounds --facts-cache DIR: give that too");
    return 0;
}

int rl_scope_units(const rl_cli_options *o, const char *cmd, rl_scope *sel)
{
    memset(sel, 0, sizeof *sel);
    rl_error err = {{0}};
    int bad = check_facts_options(o);
    if (bad) return bad;
    if (o->nfacts_dirs && !o->build_dir) return 0; /* the facts files name the units */
    if (o->build_dir) {
        if (o->nflags)
            return rl_cli_usage_error("flags after -- are for paths analysed without a compilation database; "
                                      "with -p each unit has its compile command's flags");
        sel->compdb = rl_compdb_from_option(o->build_dir, &err);
        if (!sel->compdb) {
            fprintf(stderr, "racelint: error: %s\n", err.msg);
            return EXIT_USAGE;
        }
        if (make_focus(o, sel) != 0 || read_compdb(sel, 1) != 0) return EXIT_USAGE;
        print_warnings(&sel->units);
        if (o->shard_n) rl_shard_filter(&sel->units, (unsigned)o->shard_k, (unsigned)o->shard_n);
        return 0;
    }
    if (!o->dashdash) {
        sel->compdb = rl_compdb_search(o->npaths ? o->paths[0] : ".");
        if (sel->compdb && o->npaths == 0) {
            if (!o->quiet) fprintf(stderr, "racelint: note: using %s\n", sel->compdb);
            if (read_compdb(sel, 1) != 0) return EXIT_USAGE;
            print_warnings(&sel->units);
            return 0;
        }
        if (sel->compdb) {
            if (make_focus(o, sel) != 0) return EXIT_USAGE;
            /* Used only when it compiles what was given; a database that
             * cannot be read is not the user's choice either. */
            if (read_compdb(sel, 0) == 0 && compiles_focus(sel)) {
                if (!o->quiet) fprintf(stderr, "racelint: note: using %s\n", sel->compdb);
                print_warnings(&sel->units);
                return 0;
            }
            if (o->verbose)
                fprintf(stderr, "racelint: note: %s compiles none of the paths given; they are analysed alone\n",
                        sel->compdb);
            rl_unit_list_free(&sel->units);
            memset(&sel->units, 0, sizeof sel->units);
            drop_focus(sel);
            free(sel->compdb);
            sel->compdb = NULL;
        }
    }
    if (o->npaths == 0) {
        fprintf(stderr,
                "racelint: error: %s needs -p BUILD_DIR, a file or folder, or a " RL_COMPDB_NAME
                " in the current folder or above it (or in build/ there)\nTry 'racelint %s --help'.\n",
                cmd, cmd);
        return EXIT_USAGE;
    }
    int rc = rl_inputs_from_paths(o->paths, o->npaths, o->flags, o->nflags, &sel->units, &err);
    print_warnings(&sel->units);
    if (rc != 0) {
        fprintf(stderr, "racelint: error: %s\n", err.msg);
        return EXIT_USAGE;
    }
    return 0;
}

static int keep_in_focus(const rl_finding *f, const void *ctx)
{
    const rl_scope *sel = ctx;
    for (size_t i = 0; i < f->nevents; i++)
        if (in_focus(sel, f->events[i].pos.file)) return 1;
    return 0;
}

size_t rl_scope_filter(const rl_scope *sel, rl_findings *findings)
{
    if (!sel->nfocus) return 0;
    return rl_findings_keep(findings, keep_in_focus, sel);
}

void rl_scope_free(rl_scope *sel)
{
    rl_unit_list_free(&sel->units);
    drop_focus(sel);
    free(sel->compdb);
    memset(sel, 0, sizeof *sel);
}
