/* The rule options' table and parser (options.h). */
#include "options.h"
#include "util/strbuf.h"
#include <stdlib.h>
#include <string.h>

/* Every option has two values: the default, then the other one. */
#define OPTION_VALUES 2

typedef struct option_row {
    const char *name;  /* RULE.NAME */
    const char *rule;  /* RULE */
    const char *param; /* NAME */
    size_t field;      /* offsetof(rl_rule_options, ...): an int, the value's index */
    const char *values[OPTION_VALUES];
} option_row;

/* What each option means: options.h, README "Rule options", rules/race.md. */
static const option_row rows[] = {
    {"race.volatile", "race", "volatile", offsetof(rl_rule_options, race_ignore_volatile), {"report", "ignore"}},
    {"race.free", "race", "free", offsetof(rl_rule_options, race_ignore_free), {"report", "ignore"}},
};
static const size_t nrows = sizeof rows / sizeof *rows;

/* Option i's field in o: the index of its value. */
static int *field_of(rl_rule_options *o, size_t i)
{
    return (int *)(void *)((char *)o + rows[i].field);
}

static int value_of(const rl_rule_options *o, size_t i)
{
    return *(const int *)(const void *)((const char *)o + rows[i].field);
}

size_t rl_rule_option_count(void)
{
    return nrows;
}

const char *rl_rule_option_name(size_t i)
{
    return rows[i].name;
}

const char *rl_rule_option_rule(size_t i)
{
    return rows[i].rule;
}

const char *rl_rule_option_param(size_t i)
{
    return rows[i].param;
}

const char *rl_rule_option_value(const rl_rule_options *o, size_t i)
{
    return rows[i].values[value_of(o, i) ? 1 : 0];
}

const char *rl_rule_option_default(size_t i)
{
    return rows[i].values[0];
}

int rl_rule_option_set(rl_rule_options *o, const char *name, const char *value, const char *origin, rl_error *err)
{
    for (size_t i = 0; i < nrows; i++) {
        if (strcmp(rows[i].name, name) != 0) continue;
        for (int v = 0; v < OPTION_VALUES; v++)
            if (strcmp(rows[i].values[v], value) == 0) {
                *field_of(o, i) = v;
                return 0;
            }
        return rl_fail(err, "%s: option '%s' takes '%s' or '%s', not '%s'", origin, name, rows[i].values[0],
                       rows[i].values[1], value);
    }
    rl_strbuf names = RL_STRBUF_INIT;
    for (size_t i = 0; i < nrows; i++) rl_sb_printf(&names, "%s%s", i ? ", " : "", rows[i].name);
    rl_fail(err, "%s: unknown option '%s' (the options: %s)", origin, name, rl_sb_str(&names));
    rl_sb_free(&names);
    return -1;
}

int rl_rule_option_parse(rl_rule_options *o, const char *spec, const char *origin, rl_error *err)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return rl_fail(err, "%s: '%s' is not NAME=VALUE (e.g. race.volatile=ignore)", origin, spec);
    rl_strbuf name = RL_STRBUF_INIT;
    rl_sb_printf(&name, "%.*s", (int)(eq - spec), spec);
    int rc = rl_rule_option_set(o, rl_sb_str(&name), eq + 1, origin, err);
    rl_sb_free(&name);
    return rc;
}

char *rl_rule_options_json(const rl_rule_options *o)
{
    /* names and values are the table's own words: nothing to escape */
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, "{");
    for (size_t i = 0; i < nrows; i++)
        rl_sb_printf(&sb, "%s\"%s\": \"%s\"", i ? ", " : "", rows[i].name, rl_rule_option_value(o, i));
    rl_sb_append(&sb, "}");
    return rl_sb_take(&sb);
}
