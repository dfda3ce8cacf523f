/* `racelint cc` (cc_cmd.h): CMAKE_C_COMPILER_LAUNCHER, a CC wrapper for
 * Make, the command of a Bazel aspect action.
 *
 * Invariants (the build must not notice racelint):
 *  1. The compiler runs with the same argv, environment, working folder,
 *     standard input, output and error, and signal dispositions as
 *     racelint was given; racelint writes nothing to them unless
 *     RACELINT_CC_VERBOSE is set, or a problem could be recorded nowhere
 *     else (the facts folder cannot be written).
 *  2. racelint exits with the compiler's status; when the compiler dies
 *     of a signal, racelint dies of the same signal. A signal racelint
 *     gets while the compiler runs is passed on to it.
 *  3. Facts are extracted only after the compiler succeeded, only for a
 *     command compiling one .c file (frontend/inputs.h,
 *     rl_inputs_from_command), through the same allowlist of flags as a
 *     compile_commands.json entry. Whatever goes wrong in extraction is a
 *     FAILED facts file naming the reason (facts/facts_file.h), which the
 *     link step reports; never a failed build. */
#include "cc_cmd.h"
#include "../driver.h"
#include "../facts/facts_file.h"
#include "../facts_dir.h"
#include "../util/mem.h"
#include "../util/outfile.h"
#include "options.h"
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_USAGE 2
/* What a shell returns when the command cannot be run. */
#define EXIT_CANNOT_RUN 127
#define VERBOSE_ENV "RACELINT_CC_VERBOSE"

/* What the launcher needs of the command line (options.h). */
typedef struct cc_options {
    const char *facts_dir;
    const char *config;
    const char *models;
    unsigned unit_timeout_sec;
    uint64_t max_size;       /* --facts-max-size; 0: unbounded */
    int quiet;
    char **compiler;         /* argv of the real compiler, NULL-terminated */
    int ncompiler;
} cc_options;

/* ---- running the compiler --------------------------------------------------- */

static volatile pid_t compiler_pid;
static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

static void forward_signal(int sig)
{
    if (compiler_pid > 0) kill(compiler_pid, sig);
}

/* Runs the compiler (invariants 1 and 2) and returns its wait status. */
static int run_compiler(char **argv, int *status)
{
    sigset_t block, old;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaddset(&block, forwarded[i]);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid_t pid = fork();
    if (pid < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return -1;
    }
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        execvp(argv[0], argv);
        fprintf(stderr, "racelint cc: cannot run '%s': %s\n", argv[0], strerror(errno));
        _exit(EXIT_CANNOT_RUN);
    }
    compiler_pid = pid;
    struct sigaction sa, saved[sizeof forwarded / sizeof *forwarded];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaction(forwarded[i], &sa, &saved[i]);
    sigprocmask(SIG_SETMASK, &old, NULL);
    pid_t got;
    while ((got = waitpid(pid, status, 0)) < 0 && errno == EINTR) {
    }
    for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaction(forwarded[i], &saved[i], NULL);
    compiler_pid = 0;
    return got == pid ? 0 : -1;
}

/* Ends racelint as the compiler ended (invariant 2). */
static int exit_like(int status)
{
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        signal(sig, SIG_DFL);
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, sig);
        sigprocmask(SIG_UNBLOCK, &only, NULL);
        raise(sig);
        return EXIT_CANNOT_RUN; /* a signal that does not kill by default */
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_CANNOT_RUN;
}

/* ---- extracting the facts --------------------------------------------------- */

static int verbose(void)
{
    const char *v = getenv(VERBOSE_ENV);
    return v && *v && strcmp(v, "0") != 0;
}

/* Records racelint's own failure for this compile as a FAILED facts file,
 * keyed by the unit when known, else by the command; says so on standard
 * error only when verbose, or when even that file cannot be written. */
static void record_failure(const cc_options *o, uint64_t run_key, const rl_unit_spec *unit, const char *key,
                           const char *why)
{
    char cwd[PATH_MAX];
    rl_facts_file f;
    memset(&f, 0, sizeof f);
    f.kind = RL_FACTS_FILE_FAILED;
    f.unit = unit ? unit->file : o->compiler[o->ncompiler - 1];
    f.directory = unit ? unit->directory : getcwd(cwd, sizeof cwd) ? cwd : "";
    f.error = (char *)why;
    uint64_t h = rl_hash_str("racelint cc");
    for (int i = 0; i < o->ncompiler; i++) h = rl_hash_bytes(o->compiler[i], strlen(o->compiler[i]) + 1, h);
    if (key) snprintf(f.key, sizeof f.key, "%s", key);
    else snprintf(f.key, sizeof f.key, "%016llx", (unsigned long long)h);
    snprintf(f.run_key, sizeof f.run_key, "%016llx", (unsigned long long)run_key);
    rl_error err = {{0}};
    int written = rl_facts_dir_make(o->facts_dir, &err) == 0 && rl_facts_file_write(o->facts_dir, &f, &err) == 0;
    if (!written && !o->quiet)
        fprintf(stderr, "racelint cc: note: %s: %s; and the facts folder: %s\n", f.unit, why, err.msg);
    else if (verbose()) fprintf(stderr, "racelint cc: note: %s: %s (recorded in %s)\n", f.unit, why, o->facts_dir);
}

/* The project config, as check finds it (driver.h, rl_find_config). */
static char *find_config(const cc_options *o, rl_error *err, int *failed)
{
    *failed = 0;
    if (o->config) return rl_xstrdup(o->config);
    char cwd[PATH_MAX];
    rl_config_lookup found;
    if (rl_find_config(getcwd(cwd, sizeof cwd) ? cwd : ".", &found, err) != 0) {
        *failed = 1;
        return NULL;
    }
    char *path = found.path;
    found.path = NULL;
    rl_config_lookup_clear(&found);
    return path;
}

/* Extracts the facts of the compile into the facts folder (invariant 3). */
static void extract(const cc_options *o)
{
    rl_error err = {{0}};
    int config_failed;
    char *config = find_config(o, &err, &config_failed);
    rl_analysis_options ao;
    memset(&ao, 0, sizeof ao);
    ao.config_file = config;
    ao.models_dir = o->models;
    ao.jobs = 1;
    ao.limits.unit_timeout_sec = o->unit_timeout_sec;
    ao.facts_only = 1;
    uint64_t run_key = rl_facts_run_key(&ao);
    char cwd[PATH_MAX];
    rl_unit_list units;
    memset(&units, 0, sizeof units);
    if (!getcwd(cwd, sizeof cwd)) {
        record_failure(o, run_key, NULL, NULL, "cannot read the current folder");
        free(config);
        return;
    }
    if (rl_inputs_from_command(cwd, o->compiler + 1, o->ncompiler - 1, &units, &err) != 0) {
        if (verbose()) fprintf(stderr, "racelint cc: no facts: %s\n", err.msg);
        rl_unit_list_free(&units);
        free(config);
        return;
    }
    if (verbose())
        for (size_t i = 0; i < units.nwarnings; i++) fprintf(stderr, "racelint cc: warning: %s\n", units.warnings[i]);
    rl_facts_dir_cache dc;
    rl_facts_dir_cache_init(&dc, o->facts_dir, run_key);
    ao.cache = &dc.iface;
    char key[RL_FACTS_KEY_SIZE];
    rl_facts_unit_key(run_key, &units.items[0], key);
    rl_analysis a;
    memset(&a, 0, sizeof a);
    if (config_failed) {
        record_failure(o, run_key, &units.items[0], key, err.msg);
    } else if (rl_facts_dir_make(o->facts_dir, &err) != 0) {
        record_failure(o, run_key, &units.items[0], key, err.msg);
    } else if (rl_analyze(&ao, &units, &a, &err) != 0) {
        record_failure(o, run_key, &units.items[0], key, err.msg);
    } else {
        if (dc.write_errors && !o->quiet) fprintf(stderr, "racelint cc: note: %s\n", dc.warnings[dc.nwarnings - 1]);
        if (verbose()) {
            for (size_t i = 0; i < dc.nwarnings; i++) fprintf(stderr, "racelint cc: warning: %s\n", dc.warnings[i]);
            fprintf(stderr, "racelint cc: %s: facts %s in %s/%s%s\n", units.items[0].file,
                    a.units_cached ? "already" : "written", o->facts_dir, key, RL_FACTS_FILE_EXT);
        }
        size_t removed = 0;
        if (o->max_size && rl_facts_dir_prune(o->facts_dir, o->max_size, &removed, &err) != 0 && verbose())
            fprintf(stderr, "racelint cc: warning: %s\n", err.msg);
        rl_analysis_free(&a);
    }
    rl_facts_dir_cache_clear(&dc);
    free(config);
    rl_unit_list_free(&units);
}

/* Runs the compiler; extracts the facts when it succeeded and the
 * options allow (extract_ok). */
static int launch(cc_options *o, int extract_ok)
{
    int status = 0;
    if (run_compiler(o->compiler, &status) != 0) {
        fprintf(stderr, "racelint cc: cannot run '%s': %s\n", o->compiler[0], strerror(errno));
        return EXIT_CANNOT_RUN;
    }
    if (extract_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        rl_outfile_guard_std(); /* from here on, only racelint's own files */
        extract(o);
    }
    return exit_like(status);
}

int rl_cmd_cc(int argc, char **argv, const rl_cli_options *cli)
{
    (void)argc;
    (void)argv;
    cc_options o;
    memset(&o, 0, sizeof o);
    o.facts_dir = cli->facts_dir;
    o.config = cli->config;
    o.models = cli->rules;
    o.unit_timeout_sec = cli->limits.unit_timeout_sec;
    o.max_size = cli->facts_max_size;
    o.quiet = cli->quiet;
    o.compiler = cli->flags;
    o.ncompiler = cli->nflags;
    if (o.ncompiler == 0)
        return rl_cli_usage_error("%s", "cc wants the compiler after '--': racelint cc --facts-dir DIR -- COMPILER "
                                        "ARGS...");
    /* A misconfigured launcher is said at once, but still compiles. */
    const char *problem = !o.facts_dir ? "--facts-dir DIR is missing"
                          : cli->npaths ? "arguments before '--' that are no options" : NULL;
    if (problem) fprintf(stderr, "racelint cc: error: %s; compiling without extracting facts\n", problem);
    return launch(&o, !problem);
}

int rl_cmd_cc_unparsed(int argc, char **argv)
{
    int i = 0;
    while (i < argc && strcmp(argv[i], "--") != 0) i++;
    if (i + 1 >= argc) return EXIT_USAGE;
    fprintf(stderr, "racelint cc: compiling without extracting facts\n");
    cc_options o;
    memset(&o, 0, sizeof o);
    o.compiler = argv + i + 1;
    o.ncompiler = argc - i - 1;
    return launch(&o, 0);
}
