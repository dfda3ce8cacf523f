/* Inputs (inputs.h): compile_commands.json, read with jansson and split
 * here (never through libclang's compilation-database API, which would
 * read response files itself), or files and folders from the command
 * line. Each entry's flags go through the allowlist of flags.c. */
#include "inputs.h"
#include "flags.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bounds on hostile inputs. */
#define MAX_COMPDB_BYTES (512L * 1024 * 1024)
#define MAX_UNITS 200000
#define MAX_DIR_DEPTH 64

static void add_warning(rl_unit_list *list, char *msg)
{
    RL_PUSH(list->warnings, list->nwarnings, list->cap_warnings, msg);
}

static rl_unit_spec *add_unit(rl_unit_list *list, const char *file, const char *dir)
{
    RL_GROW(list->items, list->cap, list->len + 1);
    rl_unit_spec *u = &list->items[list->len++];
    memset(u, 0, sizeof *u);
    u->file = rl_xstrdup(file);
    u->directory = rl_xstrdup(dir ? dir : "");
    return u;
}

static void add_arg(rl_unit_spec *u, const char *arg)
{
    u->argv = rl_xrealloc(u->argv, (size_t)(u->argc + 1) * sizeof *u->argv);
    u->argv[u->argc++] = rl_xstrdup(arg);
}

static int is_c_source(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && (strcmp(dot, ".c") == 0 || strcmp(dot, ".h") == 0 || strcmp(dot, ".i") == 0);
}

/* Checks one entry's shape, so that the user gets a message naming the
 * entry and the field. */
static int check_entry(const char *path, size_t i, json_t *entry, rl_error *err)
{
    if (!json_is_object(entry)) return rl_fail(err, "%s: entry %zu is not an object", path, i);
    if (!json_is_string(json_object_get(entry, "directory")) || !json_is_string(json_object_get(entry, "file")))
        return rl_fail(err, "%s: entry %zu needs string fields \"directory\" and \"file\"", path, i);
    json_t *args = json_object_get(entry, "arguments"), *cmd = json_object_get(entry, "command");
    if (!json_is_string(cmd) && !json_is_array(args))
        return rl_fail(err, "%s: entry %zu has neither \"command\" nor \"arguments\"", path, i);
    if (args && !json_is_array(args))
        return rl_fail(err, "%s: entry %zu: \"arguments\" is not an array of strings", path, i);
    size_t k;
    json_t *a;
    json_array_foreach(args, k, a) {
        if (!json_is_string(a))
            return rl_fail(err, "%s: entry %zu: \"arguments\"[%zu] is not a string", path, i, k);
    }
    return 0;
}

/* Loads the database and checks it is a JSON array of objects with the
 * required keys, each named precisely when it is not. NULL on error. */
static json_t *load_compdb(const char *path, rl_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        rl_fail(err, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        rl_fail(err, "%s: not a regular file", path);
        return NULL;
    }
    if (st.st_size > MAX_COMPDB_BYTES) {
        rl_fail(err, "%s: too large (%lld bytes)", path, (long long)st.st_size);
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        rl_fail(err, "%s:%d:%d: not valid JSON: %s", path, jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    int rc = 0;
    if (!json_is_array(root)) {
        rc = rl_fail(err, "%s: expected a JSON array of compile commands", path);
    } else if (json_array_size(root) == 0) {
        rc = rl_fail(err, "%s: the compilation database is empty", path);
    } else if (json_array_size(root) > MAX_UNITS) {
        rc = rl_fail(err, "%s: too many entries (%zu, limit %d)", path, json_array_size(root), MAX_UNITS);
    } else {
        size_t i;
        json_t *entry;
        json_array_foreach(root, i, entry) {
            if ((rc = check_entry(path, i, entry, err)) != 0) break;
        }
    }
    if (rc != 0) {
        json_decref(root);
        return NULL;
    }
    return root;
}

static char *join_path(const char *dir, const char *file)
{
    if (file[0] == '/' || !dir || !*dir) return rl_xstrdup(file);
    return rl_xasprintf("%s/%s", dir, file);
}

/* An entry's folder. A relative "directory" is taken as relative to the
 * folder holding compile_commands.json (a database moved with its tree,
 * or written by hand), never to wherever racelint happens to run. */
static char *entry_directory(const char *build_dir, const char *dir)
{
    if (!dir || !*dir) return rl_xstrdup(build_dir);
    if (dir[0] == '/') return rl_xstrdup(dir);
    char *joined = rl_xasprintf("%s/%s", build_dir, dir);
    char *real = realpath(joined, NULL);
    if (!real) return joined; /* the file check below names what is missing */
    free(joined);
    char *copy = rl_xstrdup(real);
    free(real);
    return copy;
}

/* The arguments of an entry after the compiler: "arguments" as given, or
 * "command" split as a shell would (without running anything). */
static void entry_args(json_t *entry, rl_args *out)
{
    rl_args all = {NULL, 0, 0};
    json_t *args = json_object_get(entry, "arguments");
    if (json_is_array(args)) {
        size_t k;
        json_t *a;
        json_array_foreach(args, k, a) rl_args_push(&all, json_string_value(a));
    } else {
        json_t *cmd = json_object_get(entry, "command");
        rl_args_split(json_string_value(cmd), json_string_length(cmd), &all);
    }
    /* argv[0] is the compiler: never run, never passed on. */
    for (size_t k = 1; k < all.n; k++) rl_args_push(out, all.v[k]);
    rl_args_free(&all);
}

/* Adds the compile of `file` in `dir` with args (after the compiler) as
 * a unit, or says why it is skipped; the messages end with where the
 * command came from: `listed` for a missing file ("listed in PATH"),
 * `origin` for the rest ("entry 3 of PATH"). 0 when added. */
static int add_command(rl_unit_list *out, const char *listed, const char *origin, const char *dir, const char *file,
                       const rl_args *args, rl_flag_notes *notes)
{
    struct stat st;
    rl_args expanded = {NULL, 0, 0}, keep = {NULL, 0, 0};
    rl_error err = {{0}};
    char *refused = NULL;
    int added = 0;
    if (!is_c_source(file)) {
        add_warning(out, rl_xasprintf("%s: skipped: not a C source file", file));
    } else if (stat(file, &st) != 0) {
        add_warning(out, rl_xasprintf("%s: skipped: %s (%s)", file, strerror(errno), listed));
    } else if (!S_ISREG(st.st_mode)) {
        /* libclang would wait forever on a FIFO, or read a device */
        add_warning(out, rl_xasprintf("%s: skipped: not a regular file (%s)", file, listed));
    } else if (rl_args_expand_response_files(args, dir, &expanded, &err) != 0 ||
               rl_flags_filter(&expanded, file, &keep, &refused, notes, &err) != 0) {
        add_warning(out, rl_xasprintf("%s: skipped: %s (%s)", file, err.msg, origin));
    } else {
        if (refused)
            add_warning(out, rl_xasprintf("%s: flags refused, they could write files or load code: %s (%s)", file,
                                          refused, origin));
        rl_unit_spec *u = add_unit(out, file, dir);
        for (size_t k = 0; k < keep.n; k++) add_arg(u, keep.v[k]);
        added = 1;
    }
    free(refused);
    rl_args_free(&expanded);
    rl_args_free(&keep);
    return added ? 0 : -1;
}

/* Adds entry i as a unit, or says why it is skipped. */
static void add_entry(rl_unit_list *out, const char *path, const char *build_dir, size_t i, json_t *entry,
                      rl_flag_notes *notes)
{
    char *dir = entry_directory(build_dir, json_string_value(json_object_get(entry, "directory")));
    char *file = join_path(dir, json_string_value(json_object_get(entry, "file")));
    rl_args args = {NULL, 0, 0};
    entry_args(entry, &args);
    char *origin = rl_xasprintf("entry %zu of %s", i, path), *listed = rl_xasprintf("listed in %s", path);
    add_command(out, listed, origin, dir, file, &args, notes);
    free(origin);
    free(listed);
    rl_args_free(&args);
    free(file);
    free(dir);
}

/* Flags that make a command something other than compiling a unit:
 * preprocessing only, or dependency output only. */
static int is_compile(const rl_args *args)
{
    int compile = 0;
    for (size_t i = 0; i < args->n; i++) {
        const char *a = args->v[i];
        if (strcmp(a, "-E") == 0 || strcmp(a, "-M") == 0 || strcmp(a, "-MM") == 0) return 0;
        if (strcmp(a, "-c") == 0 || strcmp(a, "-S") == 0 || strcmp(a, "-fsyntax-only") == 0) compile = 1;
    }
    return compile;
}

int rl_inputs_from_command(const char *dir, char *const *argv, int argc, rl_unit_list *out, rl_error *err)
{
    rl_args args = {NULL, 0, 0}, inputs = {NULL, 0, 0};
    for (int i = 0; i < argc; i++) rl_args_push(&args, argv[i]);
    rl_flags_positionals(&args, &inputs);
    int rc = 0;
    if (!is_compile(&args))
        rc = rl_fail(err, "not a compile (no -c, -S or -fsyntax-only, or -E/-M): no unit");
    else if (inputs.n != 1)
        rc = rl_fail(err, "%zu input files, not one: no unit", inputs.n);
    else if (strlen(inputs.v[0]) < 2 || strcmp(inputs.v[0] + strlen(inputs.v[0]) - 2, ".c") != 0)
        rc = rl_fail(err, "'%s' is not a .c file: no unit", inputs.v[0]);
    if (rc == 0) {
        char *file = join_path(dir, inputs.v[0]);
        rl_flag_notes notes;
        memset(&notes, 0, sizeof notes);
        if (add_command(out, "the compile command", "the compile command", dir, file, &args, &notes) != 0)
            rc = rl_fail(err, "%s", out->nwarnings ? out->warnings[out->nwarnings - 1] : "skipped");
        rl_flag_notes_flush(&notes, &out->warnings, &out->nwarnings, &out->cap_warnings);
        free(file);
    }
    rl_args_free(&args);
    rl_args_free(&inputs);
    return rc;
}

int rl_inputs_from_compdb(const char *compdb_path, rl_unit_list *out, rl_error *err)
{
    char *path = rl_xstrdup(compdb_path);
    json_t *root = load_compdb(path, err);
    if (!root) {
        free(path);
        return -1;
    }
    /* Relative "directory" entries are relative to the database's folder. */
    char *build_dir = rl_xstrdup(path);
    char *slash = strrchr(build_dir, '/');
    if (slash == build_dir) slash[1] = 0;
    else if (slash) *slash = 0;
    else strcpy(build_dir, ".");
    char *abs_build = realpath(build_dir, NULL);
    rl_flag_notes notes;
    memset(&notes, 0, sizeof notes);
    size_t i;
    json_t *entry;
    json_array_foreach(root, i, entry) add_entry(out, path, abs_build ? abs_build : build_dir, i, entry, &notes);
    rl_flag_notes_flush(&notes, &out->warnings, &out->nwarnings, &out->cap_warnings);
    size_t n = json_array_size(root);
    free(abs_build);
    free(build_dir);
    json_decref(root);
    if (out->len == 0) {
        rl_fail(err, "%s: no C source file to analyse among its %zu entries", path, n);
        free(path);
        return -1;
    }
    free(path);
    return 0;
}

typedef struct visited {
    dev_t dev;
    ino_t ino;
} visited;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Depth-first, in name order so results do not depend on the filesystem. */
static void scan_dir(const char *dir, int depth, visited **seen, size_t *nseen, size_t *capseen, char ***files,
                     size_t *nfiles, size_t *capfiles, rl_unit_list *out)
{
    struct stat st;
    if (stat(dir, &st) != 0) return;
    for (size_t i = 0; i < *nseen; i++)
        if ((*seen)[i].dev == st.st_dev && (*seen)[i].ino == st.st_ino) {
            add_warning(out, rl_xasprintf("%s: skipped: folder already visited (symlink loop?)", dir));
            return;
        }
    if (depth > MAX_DIR_DEPTH) {
        add_warning(out, rl_xasprintf("%s: skipped: nested too deep", dir));
        return;
    }
    visited v = {st.st_dev, st.st_ino};
    RL_PUSH(*seen, *nseen, *capseen, v);
    DIR *d = opendir(dir);
    if (!d) {
        add_warning(out, rl_xasprintf("%s: skipped: %s", dir, strerror(errno)));
        return;
    }
    char **names = NULL;
    size_t nnames = 0, capnames = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue; /* ., .., and hidden folders such as .git */
        RL_PUSH(names, nnames, capnames, rl_xstrdup(e->d_name));
    }
    closedir(d);
    if (nnames) qsort(names, nnames, sizeof *names, cmp_str);
    for (size_t i = 0; i < nnames; i++) {
        char *path = rl_xasprintf("%s/%s", dir, names[i]);
        if (stat(path, &st) != 0) {
            /* a dangling symlink, or a loop of links (ELOOP) */
            add_warning(out, rl_xasprintf("%s: skipped: %s", path, strerror(errno)));
        } else {
            if (S_ISDIR(st.st_mode)) scan_dir(path, depth + 1, seen, nseen, capseen, files, nfiles, capfiles, out);
            else if (strlen(path) > 2 && strcmp(path + strlen(path) - 2, ".c") == 0) {
                if (S_ISREG(st.st_mode)) RL_PUSH(*files, *nfiles, *capfiles, rl_xstrdup(path));
                else add_warning(out, rl_xasprintf("%s: skipped: not a regular file", path));
            }
        }
        free(path);
        free(names[i]);
    }
    free(names);
}

int rl_inputs_from_paths(char *const *paths, int npaths, char *const *flags, int nflags, rl_unit_list *out,
                         rl_error *err)
{
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return rl_fail(err, "cannot read the current folder: %s", strerror(errno));
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) return rl_fail(err, "%s: %s", paths[i], strerror(errno));
        char **files = NULL;
        size_t nfiles = 0, capfiles = 0;
        if (S_ISDIR(st.st_mode)) {
            visited *seen = NULL;
            size_t nseen = 0, capseen = 0;
            scan_dir(paths[i], 0, &seen, &nseen, &capseen, &files, &nfiles, &capfiles, out);
            free(seen);
            if (nfiles == 0) add_warning(out, rl_xasprintf("%s: no .c files in this folder", paths[i]));
        } else if (S_ISREG(st.st_mode)) {
            RL_PUSH(files, nfiles, capfiles, rl_xstrdup(paths[i]));
        } else {
            return rl_fail(err, "%s: not a regular file or folder (a device, FIFO or socket?)", paths[i]);
        }
        for (size_t f = 0; f < nfiles; f++) {
            if (out->len >= MAX_UNITS) {
                for (; f < nfiles; f++) free(files[f]);
                free(files);
                return rl_fail(err, "too many source files (limit %d)", MAX_UNITS);
            }
            rl_unit_spec *u = add_unit(out, files[f], cwd);
            for (int k = 0; k < nflags; k++) add_arg(u, flags[k]);
            free(files[f]);
        }
        free(files);
    }
    if (out->len == 0) return rl_fail(err, "no C source files found in the given paths");
    return 0;
}

void rl_unit_list_free(rl_unit_list *list)
{
    for (size_t i = 0; i < list->len; i++) {
        rl_unit_spec *u = &list->items[i];
        free(u->file);
        free(u->directory);
        for (int a = 0; a < u->argc; a++) free(u->argv[a]);
        free(u->argv);
    }
    free(list->items);
    for (size_t i = 0; i < list->nwarnings; i++) free(list->warnings[i]);
    free(list->warnings);
    memset(list, 0, sizeof *list);
}
