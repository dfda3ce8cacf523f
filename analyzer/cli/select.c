/* Rule and path selection (select.h). */
#include "select.h"
#include "../driver.h"
#include "../util/mem.h"
#include "../util/strbuf.h"
#include "rules/checks.h"
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* A config's selection, once read. */
typedef struct config_sel {
    char *path;   /* the config file; NULL: no config */
    char *folder; /* its folder, for relative exclude globs */
    char **checks;
    size_t nchecks;
    char **excludes;
    size_t nexcludes;
    int has_options; /* it has check_options: (read from the run's config only) */
} config_sel;

/* The config of each folder a finding's file is in, looked up once. */
typedef struct folder_config {
    char *folder;
    size_t config; /* index into configs */
} folder_config;

struct rl_selection {
    char **checks; /* the command line's patterns, split at commas */
    size_t nchecks, cap_checks;
    const char *const *excludes;
    size_t nexcludes;
    int fixed_config; /* --config FILE: configs[0] for every file */
    config_sel *configs;
    size_t nconfigs, cap_configs;
    folder_config *folders;
    size_t nfolders, cap_folders;
    char *run_config; /* the project config the rule options came from, or NULL */
};

/* Appends the comma-separated patterns of list (blanks trimmed). */
static void split_patterns(const char *list, char ***out, size_t *n, size_t *cap)
{
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *start = p, *end = p + len;
        while (start < end && (*start == ' ' || *start == '\t' || *start == '\n')) start++;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n')) end--;
        if (end > start) RL_PUSH(*out, *n, *cap, rl_xasprintf("%.*s", (int)(end - start), start));
        p += len + (p[len] == ',');
    }
}

/* A pattern must match some rule: a typo must not silently select
 * nothing. */
static int check_pattern(const char *pattern, const char *origin, rl_error *err)
{
    const char *glob = pattern[0] == '-' ? pattern + 1 : pattern;
    for (size_t i = 0; i < rl_nchecks; i++)
        if (fnmatch(glob, rl_checks[i].id, 0) == 0) return 0;
    rl_strbuf ids = RL_STRBUF_INIT;
    for (size_t i = 0; i < rl_nchecks; i++) rl_sb_printf(&ids, "%s%s", i ? ", " : "", rl_checks[i].id);
    rl_fail(err, "%s: '%s' names no rule (the rules: %s)", origin, pattern, rl_sb_str(&ids));
    rl_sb_free(&ids);
    return -1;
}

/* The strings of a scalar, or of a sequence of scalars, appended. */
static int collect_strings(yaml_document_t *doc, yaml_node_t *v, const char *origin, const char *key, int split,
                           char ***out, size_t *n, rl_error *err)
{
    size_t cap = *n;
    if (v->type == YAML_SCALAR_NODE) {
        if (split)
            split_patterns((const char *)v->data.scalar.value, out, n, &cap);
        else
            RL_PUSH(*out, *n, cap, rl_xstrdup((const char *)v->data.scalar.value));
        return 0;
    }
    if (v->type != YAML_SEQUENCE_NODE)
        return rl_fail(err, "%s:%lu: '%s:' wants a string or a list of strings", origin,
                       (unsigned long)v->start_mark.line + 1, key);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(doc, *it);
        if (!item || item->type != YAML_SCALAR_NODE)
            return rl_fail(err, "%s:%lu: '%s:' wants a string or a list of strings", origin,
                           (unsigned long)(item ? item->start_mark.line : v->start_mark.line) + 1, key);
        if (split)
            split_patterns((const char *)item->data.scalar.value, out, n, &cap);
        else
            RL_PUSH(*out, *n, cap, rl_xstrdup((const char *)item->data.scalar.value));
    }
    return 0;
}

/* Loads a config's text as one YAML document (the caller deletes doc and
 * parser when this returns 0). */
static int load_config_doc(const char *text, size_t len, const char *origin, yaml_parser_t *parser,
                           yaml_document_t *doc, rl_error *err)
{
    if (!yaml_parser_initialize(parser)) return rl_fail(err, "%s: out of memory reading YAML", origin);
    yaml_parser_set_input_string(parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(parser, doc)) {
        int rc = rl_fail(err, "%s:%lu: %s", origin, (unsigned long)parser->problem_mark.line + 1,
                         parser->problem ? parser->problem : "malformed YAML");
        yaml_parser_delete(parser);
        return rc;
    }
    return 0;
}

/* The value of the top-level key `name` of a loaded config, or NULL. */
static yaml_node_t *config_key(yaml_document_t *doc, const char *name)
{
    yaml_node_t *root = yaml_document_get_root_node(doc);
    for (yaml_node_pair_t *p = root && root->type == YAML_MAPPING_NODE ? root->data.mapping.pairs.start : NULL;
         p && p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, name) == 0)
            return yaml_document_get_node(doc, p->value);
    }
    return NULL;
}

/* rl_selection_parse_config, and whether the config has check_options:. */
static int parse_selection(const char *text, size_t len, const char *origin, char ***checks, size_t *nchecks,
                           char ***excludes, size_t *nexcludes, int *has_options, rl_error *err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    if (load_config_doc(text, len, origin, &parser, &doc, err) != 0) return -1;
    int rc = 0;
    yaml_node_t *v = config_key(&doc, "checks");
    if (v) rc = collect_strings(&doc, v, origin, "checks", 1, checks, nchecks, err);
    v = config_key(&doc, "exclude");
    if (v && rc == 0) rc = collect_strings(&doc, v, origin, "exclude", 0, excludes, nexcludes, err);
    *has_options = config_key(&doc, "check_options") != NULL;
    for (size_t i = 0; rc == 0 && i < *nchecks; i++) rc = check_pattern((*checks)[i], origin, err);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}

int rl_selection_parse_config(const char *text, size_t len, const char *origin, char ***checks, size_t *nchecks,
                              char ***excludes, size_t *nexcludes, rl_error *err)
{
    int has_options;
    return parse_selection(text, len, origin, checks, nchecks, excludes, nexcludes, &has_options, err);
}

int rl_config_parse_rule_options(const char *text, size_t len, const char *origin, rl_rule_options *o,
                                 rl_error *err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    if (load_config_doc(text, len, origin, &parser, &doc, err) != 0) return -1;
    int rc = 0;
    yaml_node_t *map = config_key(&doc, "check_options");
    if (map && map->type != YAML_MAPPING_NODE)
        rc = rl_fail(err, "%s:%lu: 'check_options:' wants a mapping of NAME: VALUE (race.volatile: ignore)", origin,
                     (unsigned long)map->start_mark.line + 1);
    for (yaml_node_pair_t *p = rc == 0 && map ? map->data.mapping.pairs.start : NULL;
         p && p < map->data.mapping.pairs.top && rc == 0; p++) {
        yaml_node_t *k = yaml_document_get_node(&doc, p->key), *v = yaml_document_get_node(&doc, p->value);
        char where[PATH_MAX + 32];
        snprintf(where, sizeof where, "%s:%lu", origin, (unsigned long)(k ? k->start_mark.line : map->start_mark.line) + 1);
        if (!k || !v || k->type != YAML_SCALAR_NODE || v->type != YAML_SCALAR_NODE)
            rc = rl_fail(err, "%s: 'check_options:' wants NAME: VALUE pairs of strings (race.volatile: ignore)", where);
        else
            rc = rl_rule_option_set(o, (const char *)k->data.scalar.value, (const char *)v->data.scalar.value, where,
                                    err);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}

int rl_config_rule_options(const char *path, rl_rule_options *o, rl_error *err)
{
    char *text;
    size_t len;
    if (rl_read_config(path, &text, &len, err) != 0) return -1;
    int rc = rl_config_parse_rule_options(text, len, path, o, err);
    free(text);
    return rc;
}

/* Reads the selection of the config at path (NULL: none) into a new
 * configs entry; its index, or -1. */
static long add_config(rl_selection *s, const char *path, rl_error *err)
{
    RL_GROW(s->configs, s->cap_configs, s->nconfigs + 1);
    config_sel *c = &s->configs[s->nconfigs];
    memset(c, 0, sizeof *c);
    if (path) {
        char *text;
        size_t len;
        if (rl_read_config(path, &text, &len, err) != 0) return -1;
        c->path = rl_xstrdup(path);
        const char *slash = strrchr(path, '/');
        c->folder = slash ? rl_xasprintf("%.*s", (int)(slash - path), path) : rl_xstrdup(".");
        int rc = parse_selection(text, len, path, &c->checks, &c->nchecks, &c->excludes, &c->nexcludes,
                                 &c->has_options, err);
        free(text);
        s->nconfigs++; /* freed with the others, even when malformed */
        if (rc) return -1;
        return (long)s->nconfigs - 1;
    }
    s->nconfigs++;
    return (long)s->nconfigs - 1;
}

rl_selection *rl_selection_new(const char *const *checks, size_t nchecks, const char *const *excludes,
                               size_t nexcludes, const char *config, rl_error *err)
{
    rl_selection *s = rl_xcalloc(1, sizeof *s);
    for (size_t i = 0; i < nchecks; i++) split_patterns(checks[i], &s->checks, &s->nchecks, &s->cap_checks);
    for (size_t i = 0; i < s->nchecks; i++)
        if (check_pattern(s->checks[i], "--checks", err)) {
            rl_selection_free(s);
            return NULL;
        }
    s->excludes = excludes;
    s->nexcludes = nexcludes;
    if (config) {
        s->fixed_config = 1;
        if (add_config(s, config, err) < 0) {
            rl_selection_free(s);
            return NULL;
        }
    }
    return s;
}

void rl_selection_free(rl_selection *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nchecks; i++) free(s->checks[i]);
    free(s->checks);
    for (size_t i = 0; i < s->nconfigs; i++) {
        config_sel *c = &s->configs[i];
        free(c->path);
        free(c->folder);
        for (size_t j = 0; j < c->nchecks; j++) free(c->checks[j]);
        free(c->checks);
        for (size_t j = 0; j < c->nexcludes; j++) free(c->excludes[j]);
        free(c->excludes);
    }
    free(s->configs);
    for (size_t i = 0; i < s->nfolders; i++) free(s->folders[i].folder);
    free(s->folders);
    free(s->run_config);
    free(s);
}

void rl_selection_set_run_config(rl_selection *s, const char *path)
{
    free(s->run_config);
    s->run_config = path ? rl_xstrdup(path) : NULL;
}

/* The config that governs a file: --config, or the nearest trusted
 * .racelint.yaml up from its folder (looked up once per folder). */
static const config_sel *config_of(rl_selection *s, const char *file, rl_error *err)
{
    if (s->fixed_config) return &s->configs[0];
    const char *slash = strrchr(file, '/');
    char *folder = slash ? rl_xasprintf("%.*s", (int)(slash - file), file) : rl_xstrdup(".");
    if (!folder[0]) {
        free(folder);
        folder = rl_xstrdup("/");
    }
    for (size_t i = 0; i < s->nfolders; i++)
        if (strcmp(s->folders[i].folder, folder) == 0) {
            free(folder);
            return &s->configs[s->folders[i].config];
        }
    /* the lookup walks up real folders: a relative one ("src/app") has
     * parents it would not see */
    char real[PATH_MAX];
    rl_config_lookup found;
    if (rl_find_config(realpath(folder, real) ? real : folder, &found, err) != 0) {
        free(folder);
        return NULL;
    }
    long index = -1;
    for (size_t i = 0; found.path && i < s->nconfigs && index < 0; i++)
        if (s->configs[i].path && strcmp(s->configs[i].path, found.path) == 0) index = (long)i;
    if (found.ignored) fprintf(stderr, "racelint: warning: %s\n", found.ignored);
    if (index < 0) index = add_config(s, found.path, err);
    rl_config_lookup_clear(&found);
    if (index < 0) {
        free(folder);
        return NULL;
    }
    RL_GROW(s->folders, s->cap_folders, s->nfolders + 1);
    s->folders[s->nfolders++] = (folder_config){folder, (size_t)index};
    return &s->configs[index];
}

/* Patterns in order, the last that matches decides; none: enabled. */
static int apply_patterns(char *const *patterns, size_t n, const char *rule, int enabled)
{
    for (size_t i = 0; i < n; i++) {
        int off = patterns[i][0] == '-';
        if (fnmatch(patterns[i] + off, rule, 0) == 0) enabled = !off;
    }
    return enabled;
}

/* A glob matches the path, or its end after any '/'. */
static int glob_matches(const char *glob, const char *path)
{
    if (fnmatch(glob, path, 0) == 0) return 1;
    for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/'))
        if (fnmatch(glob, p + 1, 0) == 0) return 1;
    return 0;
}

static int excluded(rl_selection *s, const char *file, rl_error *err, int *failed)
{
    for (size_t i = 0; i < s->nexcludes; i++)
        if (glob_matches(s->excludes[i], file)) return 1;
    const config_sel *c = config_of(s, file, err);
    if (!c) {
        *failed = 1;
        return 0;
    }
    size_t flen = c->folder ? strlen(c->folder) : 0;
    const char *rel = c->folder && strncmp(file, c->folder, flen) == 0 && file[flen] == '/' ? file + flen + 1 : NULL;
    for (size_t i = 0; i < c->nexcludes; i++)
        if (glob_matches(c->excludes[i], file) || (rel && fnmatch(c->excludes[i], rel, 0) == 0)) return 1;
    return 0;
}

typedef struct apply_ctx {
    rl_selection *s;
    rl_error *err;
    int failed;
    size_t by_rule, by_file;
} apply_ctx;

static int keep_finding(const rl_finding *f, void *ctx)
{
    apply_ctx *a = ctx;
    const char *primary = f->nevents && f->events[0].pos.file ? f->events[0].pos.file : NULL;
    const config_sel *c = primary ? config_of(a->s, primary, a->err) : NULL;
    if (primary && !c) a->failed = 1;
    int enabled = c ? apply_patterns(c->checks, c->nchecks, f->rule, 1) : 1;
    enabled = apply_patterns(a->s->checks, a->s->nchecks, f->rule, enabled);
    if (!enabled) {
        a->by_rule++;
        return 0;
    }
    if (!f->nevents) return 1;
    for (size_t i = 0; i < f->nevents; i++)
        if (!f->events[i].pos.file || !excluded(a->s, f->events[i].pos.file, a->err, &a->failed)) return 1;
    a->by_file++;
    return 0;
}

int rl_selection_apply(rl_selection *s, rl_findings *findings, size_t *by_rule, size_t *by_file, rl_error *err)
{
    apply_ctx a = {s, err, 0, 0, 0};
    rl_findings_filter(findings, keep_finding, &a);
    /* A folder's config with check_options: that is not the run's: its
     * options were not used (they are one set for the whole run). */
    for (size_t i = 0; i < s->nconfigs; i++) {
        const config_sel *c = &s->configs[i];
        if (c->has_options && c->path && (!s->run_config || strcmp(c->path, s->run_config) != 0))
            fprintf(stderr,
                    "racelint: warning: %s: its check_options: are not used: rule options apply to the whole run "
                    "and are read from the project config (%s) and --check-option only\n",
                    c->path, s->run_config ? s->run_config : "none here");
    }
    *by_rule = a.by_rule;
    *by_file = a.by_file;
    return a.failed ? -1 : 0;
}
