/* racelint's command line: a thin layer over the library (driver.h, the
 * store and the reports). main() finds the command in the command table
 * (options.c), parses its options with the one option table, and calls
 * the command's function from the dispatch table below. The analysing
 * commands live in analyse_cmd.c, the history commands in history.c,
 * hist_findings.c and hist_show.c, the
 * help, man page and completions in help.c.
 *
 * Exit codes (README.md, "Exit status", one row a command): 0 success, 1
 * only from a gate (check, diff, findings --fail-on) that found findings, 2
 * usage or input error, 3 analysis incomplete (parse_gate.h: no unit
 * parsed cleanly, or more failures than --max-parse-failures, default 10%). */
#include "../frontend/frontend.h"
#include "../report/report.h"
#include "../util/outfile.h"
#include "analyse_cmd.h"
#include "cc_cmd.h"
#include "history.h"
#include "options.h"
#include "project.h"
#include "report_cmd.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RL_VERSION
#define RL_VERSION "0.0.0"
#endif

enum { EXIT_CLEAN = 0, EXIT_USAGE = 2 };

/* `racelint findings --format sarif` and the other report formats. */
static int write_findings_report(const void *ctx, const rl_run_info *run, const rl_findings *findings)
{
    const rl_cli_options *o = ctx;
    if (rl_format_parse(o->format) < 0) return 1;
    return rl_write_report_units(o, run, findings, NULL, 0, 0, NULL);
}

/* The history commands (history.h) take what they need from the options. */
static rl_hist_args hist_args(const rl_cli_options *o)
{
    rl_hist_args h;
    memset(&h, 0, sizeof h);
    h.db = o->db;
    h.format = o->format_set ? o->format : NULL;
    h.output = o->output;
    h.run = o->run;
    h.rule = o->rule;
    h.file = o->file_pattern;
    h.status = o->status;
    h.note = o->note;
    h.fail_on = o->fail_on;
    h.max_rows = o->max_rows;
    h.quiet = o->quiet;
    h.args = o->paths;
    h.nargs = o->npaths;
    h.write_report = write_findings_report;
    h.report_ctx = o;
    return h;
}

#define HISTORY_COMMAND(name, fn)                                  \
    static int name(int argc, char **argv, const rl_cli_options *o) \
    {                                                              \
        (void)argc;                                                \
        (void)argv;                                                \
        rl_hist_args h = hist_args(o);                             \
        return fn(&h);                                             \
    }
HISTORY_COMMAND(cmd_findings, rl_cmd_findings)
HISTORY_COMMAND(cmd_runs, rl_cmd_runs)
HISTORY_COMMAND(cmd_diff, rl_cmd_diff)
HISTORY_COMMAND(cmd_show, rl_cmd_show)
HISTORY_COMMAND(cmd_history, rl_cmd_history)
HISTORY_COMMAND(cmd_sql, rl_cmd_sql)
HISTORY_COMMAND(cmd_triage, rl_cmd_triage)

static int cmd_report(int argc, char **argv, const rl_cli_options *o)
{
    (void)argc;
    (void)argv;
    if (o->npaths) return rl_cli_usage_error("unexpected argument '%s'", o->paths[0]);
    rl_report_cmd_args args = {o->db, o->run, o->output, o->src_root, o->quiet};
    return rl_cmd_report(&args);
}

/* Each command's function, by its bit in the command table. */
typedef struct dispatch {
    unsigned bit;
    int (*run)(int argc, char **argv, const rl_cli_options *o);
} dispatch;

static const dispatch dispatch_table[] = {
    {RL_CMD_CHECK, rl_cmd_check},   {RL_CMD_FINDINGS, cmd_findings}, {RL_CMD_RUNS, cmd_runs},
    {RL_CMD_DIFF, cmd_diff},        {RL_CMD_SHOW, cmd_show},         {RL_CMD_HISTORY, cmd_history},
    {RL_CMD_SQL, cmd_sql},          {RL_CMD_TRIAGE, cmd_triage},     {RL_CMD_REPORT, cmd_report},
    {RL_CMD_GUARDS, rl_cmd_guards}, {RL_CMD_THREADS, rl_cmd_threads}, {RL_CMD_CC, rl_cmd_cc},
};

static int unknown_command(const char *name)
{
    fprintf(stderr, "racelint: error: unknown command '%s' (", name);
    for (size_t i = 0; i < rl_cli_ncommands; i++) fprintf(stderr, "%s%s", i ? ", " : "", rl_cli_command_table[i].name);
    fprintf(stderr, ", help)\nTry 'racelint --help'.\n");
    return EXIT_USAGE;
}

static const char completion_usage[] =
    "usage: racelint completion bash|zsh\n\n"
    "  completion         print the shell completion script, made from the option table\n"
    "                     (installed by cmake --install; or: source <(racelint completion bash))\n";

/* `racelint help [COMMAND]`. */
static int help_command(int argc, char **argv)
{
    if (argc < 3) {
        rl_cli_print_help(stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(argv[2], "completion") == 0) {
        fputs(completion_usage, stdout);
        return EXIT_CLEAN;
    }
    const rl_cli_command *cmd = rl_cli_find_command(argv[2]);
    if (!cmd) return unknown_command(argv[2]);
    rl_cli_print_command_help(stdout, cmd);
    return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
    /* A file size limit (ulimit -f) would otherwise kill racelint halfway
     * through a write. Ignored, the write fails with EFBIG instead, SQLite
     * rolls the transaction back and reports a full disk, and the run ends
     * with a message while the database keeps every earlier run. */
    /* Not for the launcher: the compiler it runs gets racelint's signal
     * dispositions and standard streams untouched (cc_cmd.c). */
    int launcher = argc >= 2 && strcmp(argv[1], "cc") == 0;
    if (!launcher) {
        signal(SIGXFSZ, SIG_IGN);
        rl_outfile_guard_std();
    }
    if (argc < 2) {
        rl_cli_print_help(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)
        return help_command(argc, argv);
    if (strcmp(argv[1], "--man") == 0) { /* hidden: the build makes racelint.1 with it */
        rl_cli_print_man(stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(argv[1], "completion") == 0) {
        if (argc == 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
            fputs(completion_usage, stdout);
            return EXIT_CLEAN;
        }
        if (argc != 3 || rl_cli_print_completion(stdout, argv[2]) != 0)
            return rl_cli_usage_error("%s", "completion wants a shell: racelint completion bash|zsh");
        return EXIT_CLEAN;
    }
    if (strcmp(argv[1], "--version") == 0) {
        char *clang = rl_frontend_clang_version();
        printf("racelint %s (libclang: %s)\n", RL_VERSION, clang);
        printf("libclang loaded from %s\n", rl_frontend_libclang_path());
        free(clang);
        return EXIT_CLEAN;
    }
    const rl_cli_command *cmd = rl_cli_find_command(argv[1]);
    if (!cmd) return unknown_command(argv[1]);
    rl_cli_options o;
    int rc = rl_cli_parse(cmd, argc - 2, argv + 2, &o);
    if (rc != 0 && cmd->bit == RL_CMD_CC) {
        rc = rl_cmd_cc_unparsed(argc - 2, argv + 2); /* a bad launcher option still compiles */
    } else if (rc == 0 && o.help) {
        rl_cli_print_command_help(stdout, cmd);
    } else if (rc == 0) {
        /* The database the queries read: --db, $RACELINT_DB, or the one in
         * the project's root (check finds its own, knowing its compile
         * database). */
        char *db = NULL;
        if ((cmd->bit & RL_CMDS_DATABASE) && cmd->bit != RL_CMD_CHECK) {
            int is_default;
            rl_error err = {{0}};
            db = rl_database_path(o.db, NULL, &is_default, &err);
            if (!db) rc = rl_cli_usage_error("%s", err.msg);
            o.db = db;
        }
        for (size_t i = 0; rc == 0 && i < sizeof dispatch_table / sizeof *dispatch_table; i++)
            if (dispatch_table[i].bit == cmd->bit) rc = dispatch_table[i].run(argc, argv, &o);
        free(db);
    }
    rl_cli_options_free(&o);
    return rc;
}
