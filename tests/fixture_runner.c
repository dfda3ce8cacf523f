/* The fixture runner: analyses every fixture program through the
 * library and checks its annotations. A line ending in `// RACE` must
 * appear in some race finding; a line ending in `// NORACE` must not.
 * `// DEADLOCK` / `// NODEADLOCK` do the same for deadlock findings
 * (lock-order-inversion, double-lock), and `// EXPECT[rule]` /
 * `// NOEXPECT[rule]` for any one rule (lock-leak, unlock-not-held...).
 *
 * Header tags, on lines starting with `//` before the code:
 *   // FLAGS: -DX=1 ...      extra compiler flags
 *   // XFAIL: reason         known to fail; passing is then an error
 *   // OPTIONS: NAME=VALUE   rule options (rules/options.h), e.g.
 *                            race.volatile=ignore, as --check-option
 * Prints one line per fixture and a final "N passed, M failed" line.
 *
 * usage: fixture_runner [--models DIR] [-v] FILE_OR_DIR...  (exit 0: all
 * pass; 1: some fail, or none found; 2: a usage error) */
#include "driver.h"
#include "util/mem.h"
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 4096
#define MAX_FLAGS 64

typedef enum tag { TAG_NONE, TAG_RACE, TAG_NORACE, TAG_DEADLOCK, TAG_NODEADLOCK, TAG_EXPECT, TAG_NOEXPECT } tag;

/* Which rules a RACE/DEADLOCK tag is checked against. */
static const char *const race_rules[] = {"race", "write-under-read-lock", NULL};
static const char *const deadlock_rules[] = {"lock-order-inversion", "double-lock", NULL};

#define MAX_RULE_ID 64

typedef struct fixture {
    char *path;
    tag *tags;          /* per line (1-based) */
    char (*rule)[MAX_RULE_ID]; /* per line: the rule of an EXPECT/NOEXPECT tag */
    int nlines;
    char *flags[MAX_FLAGS];
    int nflags;
    char *xfail;
    rl_rule_options options; /* from OPTIONS lines */
    char *bad_option;        /* why an OPTIONS value was refused, or NULL */
} fixture;

typedef struct totals {
    int passed, failed, xfailed;
    int race_lines, race_found, norace_lines, norace_flagged;
} totals;

static int verbose;

/* The annotation at the end of a line: the last `//` comment. Also
 * `// EXPECT[rule-id]` and `// NOEXPECT[rule-id]` for any rule. */
static tag line_tag(const char *line, char rule[MAX_RULE_ID])
{
    const char *c = strstr(line, "//");
    if (!c) return TAG_NONE;
    const char *last = c;
    while ((c = strstr(last + 2, "//"))) last = c;
    const char *t = last + 2;
    while (*t == ' ' || *t == '\t') t++;
    int neg = strncmp(t, "NOEXPECT[", 9) == 0;
    if (neg || strncmp(t, "EXPECT[", 7) == 0) {
        const char *id = t + (neg ? 9 : 7);
        size_t n = strcspn(id, "]");
        if (id[n] != ']' || n == 0 || n >= MAX_RULE_ID) return TAG_NONE;
        memcpy(rule, id, n);
        rule[n] = '\0';
        return neg ? TAG_NOEXPECT : TAG_EXPECT;
    }
    static const struct {
        const char *word;
        tag t;
    } words[] = {{"NORACE", TAG_NORACE}, {"RACE", TAG_RACE}, {"NODEADLOCK", TAG_NODEADLOCK}, {"DEADLOCK", TAG_DEADLOCK}};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t n = strlen(words[i].word);
        if (strncmp(t, words[i].word, n) == 0 && (t[n] == '\0' || t[n] == '\n' || t[n] == ' ' || t[n] == '\r' ||
                                                  t[n] == ':' || t[n] == '(' || t[n] == '\t'))
            return words[i].t;
    }
    return TAG_NONE;
}

static int load_fixture(const char *path, fixture *f)
{
    memset(f, 0, sizeof *f);
    FILE *in = fopen(path, "r");
    if (!in) return -1;
    f->path = rl_xstrdup(path);
    char line[MAX_LINE];
    int cap = 0;
    while (fgets(line, sizeof line, in)) {
        f->nlines++;
        int old_cap = cap;
        RL_GROW(f->tags, cap, f->nlines + 1);
        if (cap != old_cap) f->rule = rl_xrealloc(f->rule, (size_t)cap * sizeof *f->rule);
        f->rule[f->nlines][0] = '\0';
        f->tags[f->nlines] = line_tag(line, f->rule[f->nlines]);
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "// FLAGS:", 9) == 0) {
            for (char *tok = strtok(line + 9, " \t"); tok && f->nflags < MAX_FLAGS; tok = strtok(NULL, " \t"))
                f->flags[f->nflags++] = rl_xstrdup(tok);
        } else if (strncmp(line, "// XFAIL:", 9) == 0 && !f->xfail) {
            f->xfail = rl_xstrdup(line + 9);
        } else if (strncmp(line, "// OPTIONS:", 11) == 0) {
            rl_error err = {{0}};
            for (char *tok = strtok(line + 11, " \t"); tok && !f->bad_option; tok = strtok(NULL, " \t"))
                if (rl_rule_option_parse(&f->options, tok, "OPTIONS", &err) != 0) f->bad_option = rl_xstrdup(err.msg);
        }
    }
    fclose(in);
    return 0;
}

static void free_fixture(fixture *f)
{
    free(f->path);
    free(f->tags);
    free(f->rule);
    for (int i = 0; i < f->nflags; i++) free(f->flags[i]);
    free(f->xfail);
    free(f->bad_option);
}

static int same_file(const char *a, const char *b)
{
    const char *ba = strrchr(a, '/'), *bb = strrchr(b, '/');
    return strcmp(ba ? ba + 1 : a, bb ? bb + 1 : b) == 0;
}

static int rule_in(const char *rule, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(rule, *list) == 0) return 1;
    return 0;
}

/* Whether some finding of one of `rules` (or of the single rule `only`)
 * has an event on `line` of this fixture's file. */
static int line_reported(const fixture *f, const rl_findings *fs, const char *const *rules, const char *only, int line)
{
    for (size_t i = 0; i < fs->len; i++) {
        const rl_finding *fd = &fs->items[i];
        if (only ? strcmp(fd->rule, only) != 0 : !rule_in(fd->rule, rules)) continue;
        for (size_t e = 0; e < fd->nevents; e++)
            if ((int)fd->events[e].pos.line == line && same_file(fd->events[e].pos.file, f->path)) return 1;
    }
    return 0;
}

/* Marks reported[line] for every event of every finding of the given
 * family (race-like or deadlock-like rules) in this fixture's file. */
static void mark_reported(const fixture *f, const rl_findings *fs, int deadlock, char *reported)
{
    for (size_t i = 0; i < fs->len; i++) {
        const rl_finding *fd = &fs->items[i];
        if (!rule_in(fd->rule, deadlock ? deadlock_rules : race_rules)) continue;
        for (size_t e = 0; e < fd->nevents; e++) {
            const rl_event *ev = &fd->events[e];
            if (ev->pos.line > 0 && (int)ev->pos.line <= f->nlines && same_file(ev->pos.file, f->path))
                reported[ev->pos.line] = 1;
        }
    }
}

static void run_fixture(const char *rules, const char *path, totals *t)
{
    fixture f;
    if (load_fixture(path, &f) != 0) {
        printf("FAIL %s: cannot read\n", path);
        t->failed++;
        return;
    }
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    rl_unit_list units;
    memset(&units, 0, sizeof units);
    rl_error err = {{0}};
    char *paths[1] = {f.path};
    rl_analysis a;
    memset(&a, 0, sizeof a);
    int ok = rl_inputs_from_paths(paths, 1, f.flags, f.nflags, &units, &err) == 0;
    rl_analysis_options opts;
    memset(&opts, 0, sizeof opts);
    opts.models_dir = rules;
    opts.jobs = 1;
    opts.rule_options = f.options;
    if (ok && f.bad_option) {
        snprintf(err.msg, sizeof err.msg, "%s", f.bad_option);
        ok = 0;
    }
    if (ok) ok = rl_analyze(&opts, &units, &a, &err) == 0;
    if (ok && a.units_failed) {
        snprintf(err.msg, sizeof err.msg, "does not parse: %s", a.units[0].diagnostics ? a.units[0].diagnostics : "?");
        ok = 0;
    }
    if (!ok) {
        printf("FAIL %s: %s\n", name, err.msg);
        t->failed++;
        rl_analysis_free(&a);
        rl_unit_list_free(&units);
        free_fixture(&f);
        return;
    }
    char *race = rl_xcalloc((size_t)f.nlines + 2, 1), *dead = rl_xcalloc((size_t)f.nlines + 2, 1);
    mark_reported(&f, &a.findings, 0, race);
    mark_reported(&f, &a.findings, 1, dead);
    char missed[MAX_LINE] = "", false_alarms[MAX_LINE] = "";
    int nmissed = 0, nfalse = 0, nrace = 0, nsafe = 0;
    for (int l = 1; l <= f.nlines; l++) {
        size_t ml = strlen(missed), fl = strlen(false_alarms);
        switch (f.tags[l]) {
        case TAG_RACE:
        case TAG_DEADLOCK:
        case TAG_EXPECT: {
            int hit = f.tags[l] == TAG_RACE ? race[l] : f.tags[l] == TAG_DEADLOCK ? dead[l]
                                                      : line_reported(&f, &a.findings, NULL, f.rule[l], l);
            nrace++;
            t->race_lines++;
            if (hit) t->race_found++;
            else if (ml + 16 < sizeof missed) snprintf(missed + ml, sizeof missed - ml, " %d", l), nmissed++;
            break;
        }
        case TAG_NORACE:
        case TAG_NODEADLOCK:
        case TAG_NOEXPECT: {
            int hit = f.tags[l] == TAG_NORACE ? race[l] : f.tags[l] == TAG_NODEADLOCK ? dead[l]
                                                        : line_reported(&f, &a.findings, NULL, f.rule[l], l);
            nsafe++;
            t->norace_lines++;
            if (hit) {
                t->norace_flagged++;
                if (fl + 16 < sizeof false_alarms) snprintf(false_alarms + fl, sizeof false_alarms - fl, " %d", l);
                nfalse++;
            }
            break;
        }
        default:
            break;
        }
    }
    int pass = nmissed == 0 && nfalse == 0 && (nrace + nsafe) > 0;
    if (f.xfail) {
        if (pass) {
            printf("FAIL %s: passes but is marked XFAIL (%s): remove the tag\n", name, f.xfail);
            t->failed++;
        } else {
            printf("XFAIL %s:%s\n", name, f.xfail);
            t->xfailed++;
        }
    } else if (pass) {
        printf("PASS %s (%d racy, %d safe lines)\n", name, nrace, nsafe);
        t->passed++;
    } else {
        printf("FAIL %s:", name);
        if (nrace + nsafe == 0) printf(" no annotations");
        if (nmissed) printf(" missed RACE at line%s", missed);
        if (nfalse) printf("%s false alarm at NORACE line%s", nmissed ? ";" : "", false_alarms);
        printf("\n");
        t->failed++;
    }
    if (verbose && !pass) {
        for (size_t i = 0; i < a.findings.len; i++) {
            const rl_finding *fd = &a.findings.items[i];
            printf("    [%s] %s:", fd->rule, fd->message);
            for (size_t e = 0; e < fd->nevents; e++)
                printf(" %s@%u(%s%s)", fd->events[e].kind, fd->events[e].pos.line, fd->events[e].thread,
                       fd->events[e].multi_instance ? "*" : "");
            printf("\n");
        }
    }
    free(race);
    free(dead);
    rl_analysis_free(&a);
    rl_unit_list_free(&units);
    free_fixture(&f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    const char *rules = NULL;
    static const struct option longopts[] = {{"models", required_argument, NULL, 'm'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    static const char usage[] = "usage: fixture_runner [--models DIR] [-v] FILE_OR_DIR...\n";
    for (int opt; (opt = getopt_long(argc, argv, "m:vh", longopts, NULL)) != -1;) {
        switch (opt) {
        case 'm':
            rules = optarg;
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        fputs(usage, stderr);
        return 2;
    }
    char **inputs = argv + optind;
    int ninputs = argc - optind;
    char **files = NULL;
    size_t nfiles = 0, cap = 0;
    for (int i = 0; i < ninputs; i++) {
        DIR *d = opendir(inputs[i]);
        if (!d) {
            RL_PUSH(files, nfiles, cap, rl_xstrdup(inputs[i]));
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n > 2 && strcmp(e->d_name + n - 2, ".c") == 0)
                RL_PUSH(files, nfiles, cap, rl_xasprintf("%s/%s", inputs[i], e->d_name));
        }
        closedir(d);
    }
    if (nfiles > 1) qsort(files, nfiles, sizeof *files, cmp_str);
    totals t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < nfiles; i++) {
        run_fixture(rules, files[i], &t);
        free(files[i]);
    }
    free(files);
    printf("\nannotated lines: %d/%d RACE lines reported, %d/%d NORACE lines reported\n", t.race_found, t.race_lines,
           t.norace_flagged, t.norace_lines);
    if (t.xfailed) printf("%d known failures (XFAIL)\n", t.xfailed);
    printf("fixtures: %d passed, %d failed\n", t.passed, t.failed);
    return (t.failed || nfiles == 0) ? 1 : 0;
}
