/* racelint's commands and options: one table (options.c) from which the
 * parser, `racelint COMMAND --help`, the man page (`racelint --man`) and
 * the bash and zsh completions (`racelint completion bash|zsh`) are all
 * made, so that they cannot disagree.
 *
 * Invariants:
 *  1. Every option a command accepts is a row of rl_cli_option_table with
 *     that command's bit in `commands`; any other option given to the
 *     command is a usage error (exit 2) naming the option and the command.
 *  2. `--opt=value` and `--opt value`, `-xVALUE` and `-x VALUE` are the
 *     same; a flag given a value (`--quiet=1`) is an error.
 *  3. Options and positional arguments may come in any order; `--` ends
 *     the options: after it come compiler flags (the analysing commands)
 *     or positional arguments (the others).
 *
 * How to add an option (see the comment above rl_cli_option_table in
 * options.c for the row's fields): add its field to rl_cli_options below,
 * then one row to the table. Nothing else: help, man page and completion
 * follow. A command is one row of rl_cli_command_table plus its RL_CMD_
 * bit here and its function in main.c's dispatch table. */
#ifndef RL_CLI_OPTIONS_H
#define RL_CLI_OPTIONS_H
#include "../driver.h"
#include "parse_gate.h"
#include <stddef.h>
#include <stdio.h>

/* One bit a command, for the table's `commands` masks. */
enum {
    RL_CMD_CHECK = 1u << 0,
    RL_CMD_GUARDS = 1u << 1,
    RL_CMD_THREADS = 1u << 2,
    RL_CMD_FINDINGS = 1u << 3,
    RL_CMD_RUNS = 1u << 4,
    RL_CMD_DIFF = 1u << 5,
    RL_CMD_SHOW = 1u << 6,
    RL_CMD_HISTORY = 1u << 7,
    RL_CMD_TRIAGE = 1u << 8,
    RL_CMD_SQL = 1u << 9,
    RL_CMD_REPORT = 1u << 10,
    RL_CMD_CC = 1u << 11, /* the compiler launcher (cc_cmd.h) */
};
/* The commands that analyse source (they take -p, paths and `-- FLAGS`). */
#define RL_CMDS_ANALYSE (RL_CMD_CHECK | RL_CMD_GUARDS | RL_CMD_THREADS)
/* The commands that read the findings database. */
#define RL_CMDS_DATABASE                                                                                     \
    (RL_CMD_CHECK | RL_CMD_FINDINGS | RL_CMD_RUNS | RL_CMD_DIFF | RL_CMD_SHOW | RL_CMD_HISTORY | RL_CMD_TRIAGE | \
     RL_CMD_SQL | RL_CMD_REPORT)
/* The commands that print a listing or report (--format, -o). */
#define RL_CMDS_LISTING                                                                                      \
    (RL_CMDS_ANALYSE | RL_CMD_FINDINGS | RL_CMD_RUNS | RL_CMD_DIFF | RL_CMD_SHOW | RL_CMD_HISTORY | RL_CMD_SQL)
#define RL_CMDS_ALL (RL_CMDS_ANALYSE | RL_CMDS_DATABASE | RL_CMD_CC)

/* Everything the command line can set. Strings point into argv. */
typedef struct rl_cli_options {
    const char *build_dir; /* -p: a folder or a compile_commands.json */
    const char *format;    /* --format; "text" when not given */
    int format_set;
    const char *output; /* -o */
    const char *db;     /* --db */
    const char *rules;  /* --models (alias --rules) */
    const char *resource_dir;
    const char *run;
    const char *config;
    const char *baseline, *fail_on, *rule, *file_pattern, *status, *note; /* history.h */
    long max_rows;
    const char *src_root;
    rl_parse_gate max_parse_failures; /* N units or P% (parse_gate.h); default 10% */
    long jobs;
    rl_parse_limits limits;
    long unit_timeout_sec;     /* --unit-timeout, copied into limits */
    long analysis_timeout_sec; /* --analysis-timeout */
    int quiet;
    int verbose;
    int no_cache;
    int no_db;
    int dump_facts;
    int help; /* -h, --help: print the command's help instead */
    char **paths;
    int npaths;
    char **flags;
    int nflags;
    int dashdash; /* `--` was given (compiler flags follow, maybe none) */
    const char **programs; /* --program, repeatable */
    size_t nprograms;
    const char **facts_dirs; /* --facts, repeatable: link these facts files */
    size_t nfacts_dirs;
    const char *facts_cache; /* --facts-cache, --facts-out */
    long shard_k, shard_n;   /* --shard K/N (shard_n 0: none) */
    uint64_t facts_max_size; /* --facts-max-size (0: unbounded) */
    const char *facts_dir;   /* cc --facts-dir */
    const char **checks; /* --checks, repeatable (select.h) */
    size_t nchecks;
    const char **excludes; /* --exclude, repeatable */
    size_t nexcludes;
    const char **check_options; /* --check-option NAME=VALUE, repeatable (rules/options.h) */
    size_t ncheck_options;
    const char *min_confidence; /* --min-confidence; NULL: by format */
    int show_suppressed;
} rl_cli_options;

/* How a row's value is stored (options.c). */
typedef enum rl_opt_kind {
    RL_OPT_FLAG,   /* int field set to 1 */
    RL_OPT_STRING, /* const char * field */
    RL_OPT_NUMBER, /* long field, from min to max */
    RL_OPT_LIST,   /* repeatable: appended to a const char ** list */
    RL_OPT_CUSTOM  /* parsed by the row's `set` function */
} rl_opt_kind;

/* What the shell completes for an option's value. */
typedef enum rl_opt_complete {
    RL_COMPLETE_NONE,  /* free text */
    RL_COMPLETE_FILE,  /* a file name */
    RL_COMPLETE_DIR,   /* a folder name */
    RL_COMPLETE_WORDS  /* one of the row's `words` */
} rl_opt_complete;

typedef struct rl_cli_option rl_cli_option;
struct rl_cli_option {
    char short_name;       /* 'p' for -p, or 0 */
    const char *long_name; /* "format" for --format, or NULL */
    const char *alias;     /* another long name accepted (not shown in help), or NULL */
    const char *arg;       /* the value's name in help ("DIR"); NULL for a flag */
    unsigned commands;     /* RL_CMD_ bits of the commands that take it */
    rl_opt_kind kind;
    size_t field;          /* offsetof(rl_cli_options, ...) */
    long min, max;         /* RL_OPT_NUMBER: accepted range */
    int (*set)(rl_cli_options *o, const rl_cli_option *row, const char *value); /* RL_OPT_CUSTOM */
    rl_opt_complete complete;
    const char *words; /* RL_COMPLETE_WORDS: space-separated values */
    const char *help;  /* one line (may wrap); a command-specific note goes in it */
};

typedef struct rl_cli_command {
    const char *name;
    unsigned bit;         /* RL_CMD_ */
    const char *synopsis; /* arguments after the command name, without options */
    const char *summary;  /* what it does, one or two lines */
} rl_cli_command;

extern const rl_cli_option rl_cli_option_table[];
extern const size_t rl_cli_noptions;
extern const rl_cli_command rl_cli_command_table[];
extern const size_t rl_cli_ncommands;

/* The command named name, or NULL. */
const rl_cli_command *rl_cli_find_command(const char *name);

/* Writes "check, findings and report" (the commands of a mask) into buf,
 * or "every command". */
void rl_cli_command_names(unsigned commands, char *buf, size_t size);

/* Parses argv (the arguments after the command's name) for command cmd
 * into o (defaults first). Returns 0, or 2 after printing the error. Free
 * o with rl_cli_options_free either way. */
int rl_cli_parse(const rl_cli_command *cmd, int argc, char **argv, rl_cli_options *o);
void rl_cli_options_free(rl_cli_options *o);

/* Prints "racelint: error: ..." and the hint to try --help; returns 2. */
int rl_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* help.c: the texts made from the tables. */
void rl_cli_print_help(FILE *out);                             /* racelint --help */
void rl_cli_print_command_help(FILE *out, const rl_cli_command *cmd); /* racelint CMD --help */
void rl_cli_print_man(FILE *out);                              /* racelint --man */
/* racelint completion bash|zsh; -1 for another shell. */
int rl_cli_print_completion(FILE *out, const char *shell);

#endif
