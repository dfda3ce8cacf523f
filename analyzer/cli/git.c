/* The run's git checkout (git.h), through libgit2. It replaces a reader of
 * .git files, which missed worktrees and submodules (a .git file), and a
 * `git status` child, which ran whatever the analysed repository's config
 * named (clean filters, fsmonitor). libgit2 has no external filter
 * drivers, hooks or fsmonitor; what it would read outside the repository
 * (global and system config) is cut off before the repository is opened. */
#include "git.h"
#include "../util/clock.h"
#include "../util/mem.h"
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The dirty check gives up after this long: a huge tree on a slow disk
 * would otherwise hold the run before it starts. */
#define GIT_TIMEOUT_MS 10000
#define GIT_TIMEOUT_ENV "RACELINT_GIT_TIMEOUT_MS"

/* How the comparison of the work tree with HEAD ended. */
enum { COMPARE_FAILED = -1, COMPARE_CLEAN = 0, COMPARE_DIRTY = 1, COMPARE_OVER_TIME = 2 };

typedef struct compare {
    long long deadline; /* rl_now_ms() past which the comparison stops */
    int outcome;        /* COMPARE_* */
} compare;

/* Called for each change found: one is enough, so the diff stops here. */
static int found_change(const git_diff *diff, const git_diff_delta *delta, const char *pathspec, void *payload)
{
    (void)diff;
    (void)delta;
    (void)pathspec;
    ((compare *)payload)->outcome = COMPARE_DIRTY;
    return -1;
}

/* Called before each file is compared: stops the diff past the deadline. */
static int check_time(const git_diff *diff, const char *old_path, const char *new_path, void *payload)
{
    (void)diff;
    (void)old_path;
    (void)new_path;
    compare *c = payload;
    if (rl_now_ms() < c->deadline) return 0;
    c->outcome = COMPARE_OVER_TIME;
    return -1;
}

/* Whether tracked files differ from HEAD, staged or not, as `git status
 * --untracked-files=no --ignore-submodules=dirty` says: a COMPARE_ value,
 * with libgit2's message in *why for COMPARE_FAILED (valid until the next
 * libgit2 call). Compares HEAD's tree with the index, then the index with
 * the work tree; a file whose stat data changed is hashed, through
 * libgit2's built-in filters only (crlf, ident), and the index is not
 * updated. */
static int compare_with_head(git_repository *repo, int timeout_ms, const char **why)
{
    compare c = {rl_now_ms() + timeout_ms, COMPARE_CLEAN};
    git_diff_options opts;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.flags = GIT_DIFF_SKIP_BINARY_CHECK; /* untracked files are not included */
    opts.ignore_submodules = GIT_SUBMODULE_IGNORE_DIRTY;
    opts.notify_cb = found_change;
    opts.progress_cb = check_time;
    opts.payload = &c;
    git_object *head_tree = NULL;
    git_index *index = NULL;
    git_diff *diff = NULL;
    int rc = git_revparse_single(&head_tree, repo, "HEAD^{tree}");
    if (rc == 0) rc = git_repository_index(&index, repo);
    if (rc == 0) rc = git_diff_tree_to_index(&diff, repo, (git_tree *)head_tree, index, &opts);
    git_diff_free(diff);
    diff = NULL;
    if (rc == 0) rc = git_diff_index_to_workdir(&diff, repo, index, &opts);
    git_diff_free(diff);
    git_index_free(index);
    git_object_free(head_tree);
    if (c.outcome != COMPARE_CLEAN || rc == 0) return c.outcome;
    const git_error *e = git_error_last();
    *why = e && e->message ? e->message : "libgit2 failed";
    return COMPARE_FAILED;
}

/* libgit2 reads no configuration but the repository's own (invariant 1),
 * and opens repositories owned by another user: it executes nothing from
 * them, and the revision is what the user asked to record. */
static void confine_libgit2(void)
{
    static const int levels[] = {GIT_CONFIG_LEVEL_PROGRAMDATA, GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG,
                                 GIT_CONFIG_LEVEL_GLOBAL};
    for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
        git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, levels[i], "");
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
}

/* Whether dir or a folder above it holds what a repository's discovery
 * could start from: a .git (folder, or file for worktrees and
 * submodules), or a HEAD (dir itself a bare repository). When none does,
 * libgit2 would find no repository either, and starting it costs more
 * than a re-run that parses nothing (it reads every CA certificate of the
 * system, for HTTPS racelint never uses). */
static int may_be_in_repository(const char *dir)
{
    char *path = realpath(dir, NULL);
    if (!path) return 1; /* let libgit2 say */
    int found = 0;
    for (;;) {
        size_t len = strlen(path);
        for (int i = 0; i < 2 && !found; i++) {
            char *probe = rl_xasprintf("%s/%s", len > 1 ? path : "", i == 0 ? ".git" : "HEAD");
            struct stat st;
            found = lstat(probe, &st) == 0;
            free(probe);
        }
        if (found || len <= 1) break;
        char *slash = strrchr(path, '/');
        if (slash == path) slash[1] = '\0';
        else *slash = '\0';
    }
    free(path);
    return found;
}

int rl_git_describe(rl_run_info *run, int quiet, rl_error *err)
{
    int timeout_ms;
    if (rl_env_ms(GIT_TIMEOUT_ENV, GIT_TIMEOUT_MS, &timeout_ms, err)) return -1;
    if (!run->directory || !may_be_in_repository(run->directory) || git_libgit2_init() < 0) return 0;
    confine_libgit2();
    git_repository *repo = NULL;
    git_oid head;
    if (git_repository_open_ext(&repo, run->directory, 0, NULL) == 0 &&
        git_reference_name_to_id(&head, repo, "HEAD") == 0) {
        char hex[GIT_OID_HEXSZ + 1];
        run->git_revision = rl_xstrdup(git_oid_tostr(hex, sizeof hex, &head));
        git_reference *ref = NULL;
        if (git_repository_head(&ref, repo) == 0 && git_reference_is_branch(ref))
            run->git_branch = rl_xstrdup(git_reference_shorthand(ref));
        git_reference_free(ref);
        /* A bare repository has no work tree to compare. */
        const char *why = NULL;
        int outcome = git_repository_is_bare(repo) ? COMPARE_FAILED : compare_with_head(repo, timeout_ms, &why);
        run->git_dirty = outcome == COMPARE_DIRTY;
        run->git_dirty_unknown = outcome != COMPARE_DIRTY && outcome != COMPARE_CLEAN;
        if (outcome == COMPARE_OVER_TIME && !quiet)
            fprintf(stderr,
                    "racelint: note: the run's git dirty flag is left unknown: comparing the work tree with git's"
                    " index took longer than %d ms (%s)\n",
                    timeout_ms, GIT_TIMEOUT_ENV);
        else if (why && !quiet)
            fprintf(stderr, "racelint: note: the run's git dirty flag is left unknown: %s\n", why);
    }
    git_repository_free(repo);
    git_libgit2_shutdown();
    return 0;
}

char *rl_git_toplevel(const char *dir)
{
    if (git_libgit2_init() < 0) return NULL;
    confine_libgit2();
    git_repository *repo = NULL;
    char *top = NULL;
    if (git_repository_open_ext(&repo, dir, 0, NULL) == 0 && !git_repository_is_bare(repo)) {
        const char *workdir = git_repository_workdir(repo);
        if (workdir) {
            top = rl_xstrdup(workdir);
            size_t len = strlen(top);
            if (len > 1 && top[len - 1] == '/') top[len - 1] = 0; /* libgit2 ends it with '/' */
        }
    }
    git_repository_free(repo);
    git_libgit2_shutdown();
    return top;
}
