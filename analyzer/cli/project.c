/* The compilation database, the project's root, the default findings
 * database and the output probe (project.h has the invariants). */
#include "project.h"
#include "../driver.h"
#include "../util/mem.h"
#include "git.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Each level of the upward search also looks here, as clang-tidy does. */
#define COMPDB_BUILD_SUBDIR "build"

static int is_regular(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *rl_compdb_from_option(const char *given, rl_error *err)
{
    struct stat st;
    if (stat(given, &st) != 0) {
        rl_fail(err, "%s: %s (-p wants the build folder holding " RL_COMPDB_NAME ", or that file)", given,
                strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) return rl_xasprintf("%s/" RL_COMPDB_NAME, given);
    /* A file of any name is read as a compilation database (its parse
     * error names it when it is not one). */
    return rl_xstrdup(given);
}

/* The parent of an absolute folder, in place; 0 when dir is "/". */
static int up(char *dir)
{
    char *slash = strrchr(dir, '/');
    if (!slash || (slash == dir && !dir[1])) return 0;
    if (slash == dir) slash[1] = 0;
    else *slash = 0;
    return 1;
}

char *rl_compdb_search(const char *start)
{
    char *dir = realpath(start, NULL);
    if (!dir) return NULL;
    if (!is_folder(dir) && !up(dir)) {
        free(dir);
        return NULL;
    }
    char *found = NULL;
    do {
        char *here = rl_xasprintf("%s%s" RL_COMPDB_NAME, dir, strcmp(dir, "/") == 0 ? "" : "/");
        char *in_build = rl_xasprintf("%s%s" COMPDB_BUILD_SUBDIR "/" RL_COMPDB_NAME, dir,
                                      strcmp(dir, "/") == 0 ? "" : "/");
        if (is_regular(here)) found = here;
        else if (is_regular(in_build)) found = in_build;
        if (found != here) free(here);
        if (found != in_build) free(in_build);
    } while (!found && up(dir));
    free(dir);
    return found;
}

/* The folder part of path (absolute when path is), heap. */
static char *folder_of(const char *path)
{
    char *abs = realpath(path, NULL);
    char *dir = abs ? abs : rl_xstrdup(path);
    up(dir);
    return dir;
}

char *rl_project_root(const char *compdb, rl_error *err)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) snprintf(cwd, sizeof cwd, ".");
    rl_config_lookup found;
    if (rl_find_config(cwd, &found, err) != 0) return NULL;
    /* The config that names the root, used or not (an untrusted owner
     * does not move the database elsewhere). */
    char *root = NULL;
    if (found.path) root = folder_of(found.path);
    rl_config_lookup_clear(&found);
    if (root) return root;
    root = rl_git_toplevel(cwd);
    if (root) return root;
    char *searched = compdb ? NULL : rl_compdb_search(cwd);
    const char *db = compdb ? compdb : searched;
    if (db) {
        root = folder_of(db);
        free(searched);
        return root;
    }
    return rl_xstrdup(cwd);
}

char *rl_database_path(const char *given, const char *compdb, int *is_default, rl_error *err)
{
    *is_default = 0;
    if (given) return rl_xstrdup(given);
    const char *env = getenv(RL_DB_ENV);
    if (env && *env) return rl_xstrdup(env);
    char *root = rl_project_root(compdb, err);
    if (!root) return NULL;
    /* Run from the root itself, the path is shown (and stored) short. */
    char cwd[PATH_MAX];
    char *path = getcwd(cwd, sizeof cwd) && strcmp(cwd, root) == 0
                     ? rl_xstrdup(RL_DB_DIR_NAME "/" RL_DB_FILE_NAME)
                     : rl_xasprintf("%s/" RL_DB_DIR_NAME "/" RL_DB_FILE_NAME, strcmp(root, "/") == 0 ? "" : root);
    free(root);
    *is_default = 1;
    return path;
}

int rl_database_folder(const char *db_path, rl_error *err)
{
    char *dir = rl_xstrdup(db_path);
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = 0;
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            rc = rl_fail(err, "cannot create the database folder '%s': %s (choose another place with --db or " RL_DB_ENV
                              ", or --no-db)",
                         dir, strerror(errno));
        else if (!is_folder(dir))
            rc = rl_fail(err, "the database folder '%s' is not a folder (choose another place with --db or " RL_DB_ENV
                              ", or --no-db)",
                         dir);
    }
    free(dir);
    return rc;
}

int rl_check_writable(const char *path, rl_error *err)
{
    if (!path) return 0;
    struct stat st;
    /* A device or FIFO (/dev/null) is written in place, as rl_outfile
     * does; a folder never is. */
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return rl_fail(err, "cannot write '%s': it is a folder", path);
        if (!S_ISREG(st.st_mode)) return 0;
    }
    /* A temporary file beside the target, as rl_outfile will make, removed
     * at once; made here without rl_outfile's signal handlers, which must
     * not go in before check's own watcher. */
    const char *slash = strrchr(path, '/');
    char *probe = slash ? rl_xasprintf("%.*s/.racelint-probe.XXXXXX", (int)(slash - path), path)
                        : rl_xstrdup(".racelint-probe.XXXXXX");
    int fd = mkstemp(probe);
    int rc = 0;
    if (fd < 0) {
        rc = rl_fail(err, "cannot write '%s': %s", path, strerror(errno));
    } else {
        close(fd);
        unlink(probe);
    }
    free(probe);
    return rc;
}
