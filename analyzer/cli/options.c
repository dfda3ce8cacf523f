/* The table of racelint's commands and options, and the one parser that
 * reads it (options.h says what the table drives and its invariants). */
#include "options.h"
#include "../report/report.h"
#include "../util/mem.h"
#include "output.h"
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_USAGE = 2 };

#define MAX_JOBS_OPTION 256
/* A unit that parses for ten minutes is a generated monster or a parser
 * loop; real units take seconds. */
#define DEFAULT_UNIT_TIMEOUT_SEC 600
#define MAX_TIMEOUT_SEC (7 * 24 * 3600)
/* The whole-program phase, all programs together (util/budget.h). */
#define DEFAULT_ANALYSIS_TIMEOUT_SEC 1800
/* The default memory ceiling is this share of physical memory, so that the
 * kernel's OOM killer never takes the whole run. */
#define DEFAULT_MEMORY_PERCENT 75
/* Below this a ceiling would stop every parser at once (one worker alone
 * holds more), and would print as "0 MiB". */
#define MIN_MEMORY_CEILING ((uint64_t)64 << 20)
#define MIN_MEMORY_CEILING_TEXT "64M"

int rl_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "racelint: error: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'racelint --help'.\n");
    va_end(ap);
    return EXIT_USAGE;
}

/* --format: also remembers that it was given (the history commands and
 * guards have their own default). Checked by each command. */
static int set_format(rl_cli_options *o, const rl_cli_option *row, const char *value)
{
    (void)row;
    o->format = value;
    o->format_set = 1;
    return 0;
}

static int set_max_memory(rl_cli_options *o, const rl_cli_option *row, const char *value)
{
    (void)row;
    if (rl_parse_size(value, &o->limits.memory_ceiling) != 0)
        return rl_cli_usage_error("--max-memory wants a size such as 4G, 512M or 0 (no ceiling), not '%s'", value);
    if (o->limits.memory_ceiling && o->limits.memory_ceiling < MIN_MEMORY_CEILING)
        return rl_cli_usage_error("--max-memory wants at least " MIN_MEMORY_CEILING_TEXT
                                  " (racelint alone needs that much), or 0 for no ceiling, not '%s'",
                                  value);
    return 0;
}

/* --unit-timeout, --analysis-timeout: seconds, with the words the
 * messages have always had. */
static int set_seconds(rl_cli_options *o, const rl_cli_option *row, const char *value)
{
    char *end;
    errno = 0;
    long n = strtol(value, &end, 10);
    if (!*value || *end || n < 0 || n > MAX_TIMEOUT_SEC || errno)
        return rl_cli_usage_error("--%s wants seconds from 0 (no limit) to a week, not '%s'", row->long_name, value);
    *(long *)(void *)((char *)o + row->field) = n;
    return 0;
}

/* More shards than CI jobs anyone runs; a typo like 4/40000 is refused. */
#define MAX_SHARDS 10000

/* --shard K/N. */
static int set_shard(rl_cli_options *o, const rl_cli_option *row, const char *value)
{
    (void)row;
    char *slash, *end = NULL;
    errno = 0;
    long k = strtol(value, &slash, 10), n = *slash == '/' ? strtol(slash + 1, &end, 10) : 0;
    if (*slash != '/' || !end || *end || errno || k < 1 || n < 1 || k > n || n > MAX_SHARDS)
        return rl_cli_usage_error("--shard wants K/N with 1 <= K <= N <= %d, not '%s'", MAX_SHARDS, value);
    o->shard_k = k;
    o->shard_n = n;
    return 0;
}

/* --facts-max-size: a size, not 0 (leave the option out for no bound). */
static int set_facts_max_size(rl_cli_options *o, const rl_cli_option *row, const char *value)
{
    (void)row;
    if (rl_parse_size(value, &o->facts_max_size) != 0 || o->facts_max_size == 0)
        return rl_cli_usage_error("--facts-max-size wants a size such as 512M or 2G, not '%s'", value);
    return 0;
}

/* --max-parse-failures: N units or P% of them (parse_gate.h). */
static int set_parse_gate(rl_cli_options *o, const rl_cli_option *row, const char *value)
{
    (void)row;
    if (rl_parse_gate_parse(value, &o->max_parse_failures) != 0)
        return rl_cli_usage_error("--max-parse-failures wants a number of units or a percentage (10%%), not '%s'",
                                  value);
    return 0;
}

#define FIELD(name) offsetof(rl_cli_options, name)
/* RL_OPT_LIST's count follows its list (apply relies on it). */
_Static_assert(offsetof(rl_cli_options, nprograms) == offsetof(rl_cli_options, programs) + sizeof(const char **),
               "the count of a list option follows the list");
_Static_assert(offsetof(rl_cli_options, nchecks) == offsetof(rl_cli_options, checks) + sizeof(const char **),
               "the count of a list option follows the list");
_Static_assert(offsetof(rl_cli_options, nexcludes) == offsetof(rl_cli_options, excludes) + sizeof(const char **),
               "the count of a list option follows the list");
_Static_assert(offsetof(rl_cli_options, ncheck_options) ==
                   offsetof(rl_cli_options, check_options) + sizeof(const char **),
               "the count of a list option follows the list");
_Static_assert(offsetof(rl_cli_options, nfacts_dirs) == offsetof(rl_cli_options, facts_dirs) + sizeof(const char **),
               "the count of a list option follows the list");
#define FORMATS "text json sarif codequality table csv"

/* THE OPTION TABLE. To add an option, add one row (and its field in
 * rl_cli_options, options.h); help, man page and completion follow.
 *
 *   {short, "long", "alias", "ARG", COMMANDS, KIND, FIELD(field), min, max, set,
 *    COMPLETE, "words", "help line"}
 *
 *   short     the letter of -x, or 0 (it takes -xVALUE and -x VALUE)
 *   long      the name of --long, or NULL (--long=VALUE and --long VALUE)
 *   alias     an old long name still accepted, not shown; usually NULL
 *   ARG       the value's name in help, e.g. "DIR"; NULL for a flag
 *   COMMANDS  RL_CMD_ bits of the commands it applies to (options.h has
 *             RL_CMDS_ANALYSE, RL_CMDS_DATABASE, RL_CMDS_LISTING, RL_CMDS_ALL);
 *             given to any other command it is an error naming both
 *   KIND      RL_OPT_FLAG (int = 1), RL_OPT_STRING (const char *),
 *             RL_OPT_NUMBER (long, checked to be in min..max),
 *             RL_OPT_LIST (repeatable; const char ** plus a size_t count
 *             field right after it, allocated by rl_cli_parse),
 *             RL_OPT_CUSTOM (set(o, row, value) parses; 0 or exit code 2)
 *   COMPLETE  what the shells complete for the value: RL_COMPLETE_NONE,
 *             _FILE, _DIR, or _WORDS (from the space-separated "words")
 *   help      the line in --help and the man page; mention defaults
 *
 * Rows are listed in help in this order. A value that needs checking
 * against other options (e.g. --format for each command) is checked by the
 * command. Example row:
 *
 *   {0, "min-confidence", NULL, "X", RL_CMD_CHECK, RL_OPT_STRING,
 *    FIELD(min_confidence), 0, 0, NULL, RL_COMPLETE_NONE, NULL,
 *    "report only findings of confidence X or more"},
 */
const rl_cli_option rl_cli_option_table[] = {
    {'p', NULL, NULL, "PATH", RL_CMDS_ANALYSE, RL_OPT_STRING, FIELD(build_dir), 0, 0, NULL, RL_COMPLETE_FILE, NULL,
     "the build folder holding compile_commands.json, or that file itself (default: searched upward from the "
     "first path, or the current folder, also in build/ at each level); with paths, -p's units are all "
     "analysed and only findings in those paths reported"},
    {0, "program", NULL, "NAME", RL_CMDS_ANALYSE, RL_OPT_LIST, FIELD(programs), 0, 0, NULL, RL_COMPLETE_NONE, NULL,
     "analyse only this program of the build (a unit defining main; repeatable; -v lists them)"},
    {0, "format", NULL, "FMT", RL_CMDS_LISTING, RL_OPT_CUSTOM, 0, 0, 0, set_format, RL_COMPLETE_WORDS, FORMATS,
     "check, findings: text (default), json, sarif or codequality (GitLab); threads: text or json; guards and "
     "the history commands: table (default), csv or json (findings also text)"},
    {'o', NULL, NULL, "FILE", RL_CMDS_LISTING | RL_CMD_REPORT, RL_OPT_STRING, FIELD(output), 0, 0, NULL,
     RL_COMPLETE_FILE, NULL,
     "write the report to FILE instead of standard output (report: the folder for index.html); checked "
     "before the analysis starts"},
    {0, "db", NULL, "FILE", RL_CMDS_DATABASE, RL_OPT_STRING, FIELD(db), 0, 0, NULL, RL_COMPLETE_FILE, NULL,
     "findings database (default: $RACELINT_DB, else .racelint/racelint.db in the project's root: the "
     "folder of .racelint.yaml, else the git top level, else the compile database's folder, else .)"},
    {0, "no-db", NULL, NULL, RL_CMD_CHECK, RL_OPT_FLAG, FIELD(no_db), 0, 0, NULL, RL_COMPLETE_NONE, NULL,
     "do not record the run"},
    {0, "baseline", NULL, "REF", RL_CMD_CHECK, RL_OPT_STRING, FIELD(baseline), 0, 0, NULL, RL_COMPLETE_FILE, NULL,
     "latest, a run id or a report file: only findings not in the baseline count, marked new"},
    {0, "fail-on", NULL, "WHAT", RL_CMD_CHECK | RL_CMD_FINDINGS, RL_OPT_STRING, FIELD(fail_on), 0, 0, NULL,
     RL_COMPLETE_WORDS, "new any none",
     "which findings make the exit status 1: check (default any; new with --baseline), findings (default none, "
     "a query exits 0)"},
    {0, "run", NULL, "ID", RL_CMD_FINDINGS | RL_CMD_REPORT, RL_OPT_STRING, FIELD(run), 0, 0, NULL,
     RL_COMPLETE_WORDS, "latest", "the recorded run (default: latest)"},
    {0, "rule", NULL, "RULE", RL_CMD_FINDINGS, RL_OPT_STRING, FIELD(rule), 0, 0, NULL, RL_COMPLETE_NONE, NULL,
     "only findings of this rule"},
    {0, "file", NULL, "PATTERN", RL_CMD_FINDINGS, RL_OPT_STRING, FIELD(file_pattern), 0, 0, NULL, RL_COMPLETE_FILE,
     NULL, "only findings in files matching PATTERN"},
    {0, "status", NULL, "STATUS", RL_CMD_FINDINGS, RL_OPT_STRING, FIELD(status), 0, 0, NULL, RL_COMPLETE_WORDS,
     "new open fixed suppressed", "only findings of this status: new, open, fixed or suppressed"},
    {0, "note", NULL, "TEXT", RL_CMD_TRIAGE, RL_OPT_STRING, FIELD(note), 0, 0, NULL, RL_COMPLETE_NONE, NULL,
     "the reason for the decision"},
    {0, "max-rows", NULL, "N", RL_CMD_SQL, RL_OPT_NUMBER, FIELD(max_rows), 1, LONG_MAX, NULL, RL_COMPLETE_NONE, NULL,
     "print at most N rows"},
    {0, "src-root", NULL, "DIR", RL_CMD_CHECK | RL_CMD_FINDINGS | RL_CMD_REPORT, RL_OPT_STRING, FIELD(src_root), 0,
     0, NULL, RL_COMPLETE_DIR, NULL, "SARIF, code quality and HTML paths relative to DIR (default: .)"},
    {0, "max-parse-failures", NULL, "N|P%", RL_CMD_CHECK, RL_OPT_CUSTOM, FIELD(max_parse_failures), 0, 0,
     set_parse_gate, RL_COMPLETE_NONE, NULL,
     "the analysis is incomplete (exit 3) when more than N units, or P% of the units, do not parse cleanly, "
     "and always when none does (default: " RL_DEFAULT_MAX_PARSE_FAILURES_TEXT ")"},
    {0, "facts", NULL, "DIR", RL_CMDS_ANALYSE, RL_OPT_LIST, FIELD(facts_dirs), 0, 0, NULL, RL_COMPLETE_DIR, NULL,
     "analyse the facts files in DIR (from racelint cc or --shard) without parsing; repeatable; with -p, "
     "exactly the units of its compile_commands.json, those without facts named"},
    {0, "facts-cache", NULL, "DIR", RL_CMD_CHECK, RL_OPT_STRING, FIELD(facts_cache), 0, 0, NULL, RL_COMPLETE_DIR,
     NULL, "keep each unit's facts as a file in DIR; a unit whose file is still valid is not parsed again"},
    {0, "facts-out", NULL, "DIR", RL_CMD_CHECK, RL_OPT_STRING, FIELD(facts_cache), 0, 0, NULL, RL_COMPLETE_DIR,
     NULL, "the same as --facts-cache (with --shard: where the shard's facts go)"},
    {0, "shard", NULL, "K/N", RL_CMD_CHECK, RL_OPT_CUSTOM, 0, 0, 0, set_shard, RL_COMPLETE_NONE, NULL,
     "with -p and --facts-out: only extract the facts of shard K of N (a stable hash of each unit's path); "
     "no analysis, no run recorded"},
    {0, "facts-max-size", NULL, "SIZE", RL_CMD_CHECK | RL_CMD_CC, RL_OPT_CUSTOM, 0, 0, 0, set_facts_max_size,
     RL_COMPLETE_NONE, NULL, "remove the facts files used longest ago until the facts folder holds at most SIZE"},
    {0, "facts-dir", NULL, "DIR", RL_CMD_CC, RL_OPT_STRING, FIELD(facts_dir), 0, 0, NULL, RL_COMPLETE_DIR, NULL,
     "the facts folder the unit's facts go to (required)"},
    {0, "models", "rules", "DIR", RL_CMDS_ANALYSE | RL_CMD_CC, RL_OPT_STRING, FIELD(rules), 0, 0, NULL, RL_COMPLETE_DIR,
     NULL, "API model folder (default: the installed models/; --rules is its former name)"},
    {0, "config", NULL, "FILE", RL_CMDS_ANALYSE | RL_CMD_CC, RL_OPT_STRING, FIELD(config), 0, 0, NULL, RL_COMPLETE_FILE, NULL,
     "project config (default: the nearest .racelint.yaml)"},
    {0, "resource-dir", NULL, "DIR", RL_CMDS_ANALYSE, RL_OPT_STRING, FIELD(resource_dir), 0, 0, NULL,
     RL_COMPLETE_DIR, NULL, "clang resource folder for system headers"},
    {'j', NULL, NULL, "N", RL_CMDS_ANALYSE, RL_OPT_NUMBER, FIELD(jobs), 1, MAX_JOBS_OPTION, NULL, RL_COMPLETE_NONE,
     NULL, "parse N units in parallel (default: number of cores)"},
    {0, "unit-timeout", NULL, "S", RL_CMDS_ANALYSE | RL_CMD_CC, RL_OPT_CUSTOM, FIELD(unit_timeout_sec), 0, 0, set_seconds,
     RL_COMPLETE_NONE, NULL, "skip a unit that takes more than S seconds to parse (default: 600; 0: no limit)"},
    {0, "analysis-timeout", NULL, "S", RL_CMDS_ANALYSE, RL_OPT_CUSTOM, FIELD(analysis_timeout_sec), 0,
     0, set_seconds, RL_COMPLETE_NONE, NULL,
     "stop the whole-program phase after S seconds, saying what was not analysed (default: 1800; 0: no limit)"},
    {0, "max-memory", NULL, "SIZE", RL_CMDS_ANALYSE, RL_OPT_CUSTOM, 0, 0, 0, set_max_memory, RL_COMPLETE_NONE, NULL,
     "skip the unit whose parser pushes racelint's memory over SIZE, e.g. 4G (default: 75% of physical "
     "memory; 0: none)"},
    {0, "checks", NULL, "LIST", RL_CMD_CHECK, RL_OPT_LIST, FIELD(checks), 0, 0, NULL, RL_COMPLETE_NONE, NULL,
     "rules to report, clang-tidy style: comma-separated globs over rule ids, -GLOB removes ('-*,race'); "
     "applied after the checks: of the nearest .racelint.yaml (repeatable)"},
    {0, "exclude", NULL, "GLOB", RL_CMD_CHECK, RL_OPT_LIST, FIELD(excludes), 0, 0, NULL, RL_COMPLETE_FILE, NULL,
     "analyse files matching GLOB ('vendor/*') for the program's structure, but report nothing located only "
     "there (repeatable; adds to exclude: of the config)"},
    {0, "check-option", NULL, "NAME=VALUE", RL_CMD_CHECK, RL_OPT_LIST, FIELD(check_options), 0, 0, NULL,
     RL_COMPLETE_WORDS, "race.volatile=report race.volatile=ignore race.free=report race.free=ignore",
     "a rule option for the whole run, over check_options: of the project config (repeatable): "
     "race.volatile=ignore, accesses to volatile objects race with nothing; race.free=ignore, free and realloc "
     "do not write what they release (default: report for both)"},
    {0, "min-confidence", NULL, "LEVEL", RL_CMD_CHECK, RL_OPT_STRING, FIELD(min_confidence), 0, 0, NULL,
     RL_COMPLETE_WORDS, "high medium low",
     "report (and fail on) only findings of confidence LEVEL or more (default: medium in text, low in the "
     "other formats); all are recorded"},
    {0, "show-suppressed", NULL, NULL, RL_CMD_CHECK, RL_OPT_FLAG, FIELD(show_suppressed), 0, 0, NULL,
     RL_COMPLETE_NONE, NULL, "text: list suppressed findings too (marked suppressed); by default only counted"},
    {0, "no-cache", NULL, NULL, RL_CMD_CHECK, RL_OPT_FLAG, FIELD(no_cache), 0, 0, NULL, RL_COMPLETE_NONE, NULL,
     "parse every unit, ignoring (and renewing) cached facts"},
    {0, "dump-facts", NULL, NULL, RL_CMDS_ANALYSE, RL_OPT_FLAG, FIELD(dump_facts), 0, 0, NULL, RL_COMPLETE_NONE,
     NULL, "print the extracted facts (debugging)"},
    {'q', "quiet", NULL, NULL, RL_CMDS_ALL, RL_OPT_FLAG, FIELD(quiet), 0, 0, NULL, RL_COMPLETE_NONE, NULL,
     "no summary or progress on standard error (cc: not even the note that the facts folder cannot be written)"},
    {'v', "verbose", NULL, NULL, RL_CMD_CHECK, RL_OPT_FLAG, FIELD(verbose), 0, 0, NULL, RL_COMPLETE_NONE, NULL,
     "units parsed and cached, the programs, time of each phase"},
    {'h', "help", NULL, NULL, RL_CMDS_ALL, RL_OPT_FLAG, FIELD(help), 0, 0, NULL, RL_COMPLETE_NONE, NULL,
     "show the command's options and exit"},
};
const size_t rl_cli_noptions = sizeof rl_cli_option_table / sizeof *rl_cli_option_table;

/* The commands, in the order help lists them. */
const rl_cli_command rl_cli_command_table[] = {
    {"check", RL_CMD_CHECK, "[PATH...] [-- FLAGS...]",
     "analyse a codebase: the compile_commands.json of -p (or found upward), or C files and folders (searched "
     "for .c files) with FLAGS after --; with a compilation database, the paths choose the files reported"},
    {"guards", RL_CMD_GUARDS, "[PATH...] [-- FLAGS...]",
     "print the inferred guard map: each shared location, the lock held at most of its accesses, and how many "
     "hold it"},
    {"threads", RL_CMD_THREADS, "[PATH...] [-- FLAGS...]",
     "the programs of the build and the threads racelint finds in each: entry, spawn site, instances, join"},
    {"findings", RL_CMD_FINDINGS, "",
     "list the findings of a recorded run (default: latest); exit 0 unless --fail-on new|any makes it a gate"},
    {"runs", RL_CMD_RUNS, "", "list the recorded runs"},
    {"diff", RL_CMD_DIFF, "[RUN_A] [RUN_B]", "new, fixed and still open findings (default: the two latest runs)"},
    {"show", RL_CMD_SHOW, "FINDING", "one finding (id or fingerprint): accesses, source, traces, history"},
    {"history", RL_CMD_HISTORY, "FINGERPRINT", "every run in which a finding appeared"},
    {"triage", RL_CMD_TRIAGE, "FINDING false-positive|intended|confirmed",
     "record a decision that follows the finding into later runs"},
    {"sql", RL_CMD_SQL, "'SELECT ...'", "read-only SQL on the findings database"},
    {"report", RL_CMD_REPORT, "-o DIR", "write DIR/index.html, an HTML report of a recorded run"},
    {"cc", RL_CMD_CC, "--facts-dir DIR -- COMPILER ARGS...",
     "compiler launcher (CMAKE_C_COMPILER_LAUNCHER, CC for make): runs the compiler exactly as given and writes "
     "the unit's facts to DIR for check --facts; never fails the build (RACELINT_CC_VERBOSE=1: says what it did)"},
};
const size_t rl_cli_ncommands = sizeof rl_cli_command_table / sizeof *rl_cli_command_table;

const rl_cli_command *rl_cli_find_command(const char *name)
{
    for (size_t i = 0; i < rl_cli_ncommands; i++)
        if (strcmp(name, rl_cli_command_table[i].name) == 0) return &rl_cli_command_table[i];
    return NULL;
}

void rl_cli_command_names(unsigned commands, char *buf, size_t size)
{
    size_t used = 0, n = 0, total = 0;
    buf[0] = 0;
    for (size_t i = 0; i < rl_cli_ncommands; i++) total += (commands & rl_cli_command_table[i].bit) != 0;
    for (size_t i = 0; i < rl_cli_ncommands && used < size; i++) {
        if (!(commands & rl_cli_command_table[i].bit)) continue;
        n++;
        const char *sep = n == 1 ? "" : n == total ? " and " : ", ";
        int w = snprintf(buf + used, size - used, "%s%s", sep, rl_cli_command_table[i].name);
        if (w < 0) break;
        used += (size_t)w;
    }
    if (commands == RL_CMDS_ALL) snprintf(buf, size, "every command");
}

/* The row whose long name or alias is name (len bytes); NULL if none. */
static const rl_cli_option *find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < rl_cli_noptions; i++) {
        const rl_cli_option *r = &rl_cli_option_table[i];
        if (r->long_name && strlen(r->long_name) == len && strncmp(r->long_name, name, len) == 0) return r;
        if (r->alias && strlen(r->alias) == len && strncmp(r->alias, name, len) == 0) return r;
    }
    return NULL;
}

static const rl_cli_option *find_short(char c)
{
    for (size_t i = 0; i < rl_cli_noptions; i++)
        if (rl_cli_option_table[i].short_name == c) return &rl_cli_option_table[i];
    return NULL;
}

/* Stores value (NULL for a flag) as the row says. 0 or 2. spelled is the
 * option as the user wrote it, for messages. */
static int apply(rl_cli_options *o, const rl_cli_option *row, const char *spelled, const char *value)
{
    char *base = (char *)o;
    switch (row->kind) {
    case RL_OPT_FLAG:
        *(int *)(void *)(base + row->field) = 1;
        return 0;
    case RL_OPT_STRING:
        *(const char **)(void *)(base + row->field) = value;
        return 0;
    case RL_OPT_NUMBER: {
        char *end;
        errno = 0;
        long n = strtol(value, &end, 10);
        if (!*value || *end || errno || n < row->min || n > row->max) {
            if (row->max == LONG_MAX)
                return rl_cli_usage_error("%s wants a number from %ld, not '%s'", spelled, row->min, value);
            return rl_cli_usage_error("%s wants a number from %ld to %ld, not '%s'", spelled, row->min, row->max,
                                      value);
        }
        *(long *)(void *)(base + row->field) = n;
        return 0;
    }
    case RL_OPT_LIST: {
        const char **list = *(const char ***)(void *)(base + row->field);
        size_t *count = (size_t *)(void *)(base + row->field + sizeof(const char **));
        list[(*count)++] = value;
        return 0;
    }
    case RL_OPT_CUSTOM:
        return row->set(o, row, value);
    }
    return EXIT_USAGE;
}

/* The defaults, before any option. */
static void set_defaults(rl_cli_options *o, int argc)
{
    memset(o, 0, sizeof *o);
    o->format = "text";
    o->max_parse_failures = rl_parse_gate_default();
    o->unit_timeout_sec = DEFAULT_UNIT_TIMEOUT_SEC;
    o->analysis_timeout_sec = DEFAULT_ANALYSIS_TIMEOUT_SEC;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        o->limits.memory_ceiling = (uint64_t)pages / 100 * DEFAULT_MEMORY_PERCENT * (uint64_t)page;
    o->paths = rl_xcalloc((size_t)argc + 1, sizeof *o->paths);
    o->flags = rl_xcalloc((size_t)argc + 1, sizeof *o->flags);
    /* Every RL_OPT_LIST gets room for all arguments. */
    for (size_t i = 0; i < rl_cli_noptions; i++)
        if (rl_cli_option_table[i].kind == RL_OPT_LIST)
            *(const char ***)(void *)((char *)o + rl_cli_option_table[i].field) =
                rl_xcalloc((size_t)argc + 1, sizeof(const char *));
}

/* One option argument at argv[*i]: finds its row, checks that cmd takes
 * it, takes its value (attached or the next argument). */
static int parse_one(const rl_cli_command *cmd, int argc, char **argv, int *i, rl_cli_options *o)
{
    const char *a = argv[*i];
    const rl_cli_option *row;
    const char *attached = NULL; /* --opt=VALUE, -xVALUE */
    char spelled[64];
    if (a[1] == '-') {
        const char *eq = strchr(a + 2, '=');
        size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
        row = find_long(a + 2, len);
        if (eq) attached = eq + 1;
        snprintf(spelled, sizeof spelled, "--%.*s", (int)(len < sizeof spelled - 3 ? len : sizeof spelled - 3),
                 a + 2);
    } else {
        row = find_short(a[1]);
        if (a[2]) attached = a + 2;
        snprintf(spelled, sizeof spelled, "-%c", a[1]);
    }
    if (!row) return rl_cli_usage_error("unknown option '%s'", a);
    if (!(row->commands & cmd->bit)) {
        char takers[256];
        rl_cli_command_names(row->commands, takers, sizeof takers);
        return rl_cli_usage_error("option '%s' does not apply to '%s'; it is for %s (see 'racelint %s --help')",
                                  spelled, cmd->name, takers, cmd->name);
    }
    if (!row->arg) {
        if (attached) {
            /* -qv: short flags together are not taken; say what was meant. */
            return rl_cli_usage_error("option '%s' takes no value ('%s')", spelled, a);
        }
        return apply(o, row, spelled, NULL);
    }
    const char *value = attached;
    if (!value) {
        if (*i + 1 >= argc) return rl_cli_usage_error("option '%s' needs a value (%s)", spelled, row->arg);
        value = argv[++*i];
    }
    return apply(o, row, spelled, value);
}

int rl_cli_parse(const rl_cli_command *cmd, int argc, char **argv, rl_cli_options *o)
{
    set_defaults(o, argc);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            o->dashdash = 1;
            for (i++; i < argc; i++) {
                if (cmd->bit & (RL_CMDS_ANALYSE | RL_CMD_CC)) o->flags[o->nflags++] = argv[i];
                else o->paths[o->npaths++] = argv[i];
            }
        } else if (a[0] == '-' && a[1]) {
            int rc = parse_one(cmd, argc, argv, &i, o);
            if (rc) return rc;
        } else {
            o->paths[o->npaths++] = argv[i];
        }
    }
    o->limits.unit_timeout_sec = (unsigned)o->unit_timeout_sec;
    if (o->format_set && rl_format_parse(o->format) < 0 && rl_out_parse(o->format, 1) < 0)
        return rl_cli_usage_error(
            "unknown format '%s' (text, json, sarif, codequality; table, csv for the history commands)", o->format);
    return 0;
}

void rl_cli_options_free(rl_cli_options *o)
{
    free(o->paths);
    free(o->flags);
    for (size_t i = 0; i < rl_cli_noptions; i++)
        if (rl_cli_option_table[i].kind == RL_OPT_LIST) free(*(void **)((char *)o + rl_cli_option_table[i].field));
}
