/* Every text made from the command and option tables (options.c): the
 * general help, each command's --help, the man page (`racelint --man`,
 * built into racelint.1 at build time) and the bash and zsh completion
 * scripts (`racelint completion bash|zsh`). Nothing here names an option
 * by hand, so a row added to the table shows up in all of them. */
#include "options.h"
#include <stdio.h>
#include <string.h>

#ifndef RL_VERSION
#define RL_VERSION "0.0.0"
#endif

/* Layout of the help text: the label column and the line width. */
#define HELP_INDENT 21
#define HELP_WIDTH 79
#define LABEL_MAX 64
#define NAMES_MAX 256

/* Writes text wrapped at HELP_WIDTH, continuation lines indented to
 * HELP_INDENT; the first line starts at column `col`. */
static void wrap(FILE *out, const char *text, int col)
{
    if (col >= HELP_INDENT) {
        fprintf(out, "\n%*s", HELP_INDENT, "");
    } else {
        fprintf(out, "%*s", HELP_INDENT - col, "");
    }
    col = HELP_INDENT;
    const char *p = text;
    while (*p) {
        const char *space = strchr(p, ' ');
        int len = space ? (int)(space - p) : (int)strlen(p);
        if (col > HELP_INDENT && col + 1 + len > HELP_WIDTH) {
            fprintf(out, "\n%*s", HELP_INDENT, "");
            col = HELP_INDENT;
        } else if (col > HELP_INDENT) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, (size_t)len, out);
        col += len;
        p += len;
        while (*p == ' ') p++;
    }
    fputc('\n', out);
}

/* "-p PATH", "-q, --quiet", "--format FMT". */
static void option_label(const rl_cli_option *r, char *buf, size_t size)
{
    if (r->short_name && r->long_name)
        snprintf(buf, size, "-%c, --%s%s%s", r->short_name, r->long_name, r->arg ? " " : "", r->arg ? r->arg : "");
    else if (r->short_name)
        snprintf(buf, size, "-%c%s%s", r->short_name, r->arg ? " " : "", r->arg ? r->arg : "");
    else
        snprintf(buf, size, "--%s%s%s", r->long_name, r->arg ? " " : "", r->arg ? r->arg : "");
}

static void print_options(FILE *out, unsigned commands, int name_commands)
{
    for (size_t i = 0; i < rl_cli_noptions; i++) {
        const rl_cli_option *r = &rl_cli_option_table[i];
        if (!(r->commands & commands)) continue;
        char label[LABEL_MAX];
        option_label(r, label, sizeof label);
        fprintf(out, "  %s", label);
        if (name_commands && r->commands != RL_CMDS_ALL) {
            char names[NAMES_MAX], text[1024];
            rl_cli_command_names(r->commands, names, sizeof names);
            snprintf(text, sizeof text, "[%s] %s", names, r->help);
            wrap(out, text, 2 + (int)strlen(label));
        } else {
            wrap(out, r->help, 2 + (int)strlen(label));
        }
    }
}

static const char exit_status_text[] =
    "Exit status: 0 success (a query that lists findings too), 1 a gate found findings (check; diff: a new one; "
    "findings --fail-on new|any), 2 usage or input error, 3 analysis incomplete (no unit parsed cleanly, or "
    "more parse failures than --max-parse-failures, default 10%); see the README's Exit status table.";

void rl_cli_print_help(FILE *out)
{
    fputs("usage: racelint COMMAND [options] [arguments]\n       racelint COMMAND --help\n\nCommands:\n", out);
    for (size_t i = 0; i < rl_cli_ncommands; i++) {
        const rl_cli_command *c = &rl_cli_command_table[i];
        char label[LABEL_MAX];
        snprintf(label, sizeof label, "%s%s%s", c->name, *c->synopsis ? " " : "", c->synopsis);
        fprintf(out, "  %s", label);
        wrap(out, c->summary, 2 + (int)strlen(label));
    }
    fprintf(out, "  help [COMMAND]");
    wrap(out, "this text, or a command's options", (int)strlen("  help [COMMAND]"));
    fprintf(out, "  completion bash|zsh");
    wrap(out, "print the shell completion script", (int)strlen("  completion bash|zsh"));
    fputs("\nOptions (the commands each applies to in brackets):\n", out);
    print_options(out, RL_CMDS_ALL, 1);
    fprintf(out, "  --version");
    wrap(out, "print racelint's version and libclang's", (int)strlen("  --version"));
    fputc('\n', out);
    wrap(out, exit_status_text, HELP_INDENT);
}

void rl_cli_print_command_help(FILE *out, const rl_cli_command *cmd)
{
    fprintf(out, "usage: racelint %s [options]%s%s\n\n", cmd->name, *cmd->synopsis ? " " : "", cmd->synopsis);
    fprintf(out, "  %s", cmd->name);
    wrap(out, cmd->summary, 2 + (int)strlen(cmd->name));
    fputs("\nOptions:\n", out);
    print_options(out, cmd->bit, 0);
}

/* ---- the man page */

/* Text for roff: '-' as \-, backslashes doubled, no line starting with a
 * control character. */
static void roff(FILE *out, const char *s)
{
    if (*s == '.' || *s == '\'') fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '-') fputs("\\-", out);
        else if (*s == '\\') fputs("\\e", out);
        else fputc(*s, out);
    }
}

void rl_cli_print_man(FILE *out)
{
    fprintf(out, ".TH RACELINT 1 \"\" \"racelint %s\" \"User Commands\"\n", RL_VERSION);
    fputs(".SH NAME\nracelint \\- static data\\-race detector for C\n.SH SYNOPSIS\n", out);
    fputs(".B racelint\n.I COMMAND\n[\\fIoptions\\fR] [\\fIarguments\\fR]\n.br\n.B racelint\n.I COMMAND\n"
          ".B \\-\\-help\n.SH DESCRIPTION\n", out);
    fputs("racelint finds data races in C programs that use POSIX threads, C11 threads and the APIs its models "
          "describe, records every run in a findings database, and reports in text, JSON, SARIF and HTML.\n",
          out);
    fputs(".SH COMMANDS\n", out);
    for (size_t i = 0; i < rl_cli_ncommands; i++) {
        const rl_cli_command *c = &rl_cli_command_table[i];
        fprintf(out, ".TP\n.B %s", c->name);
        if (*c->synopsis) {
            fputs(" ", out);
            roff(out, c->synopsis);
        }
        fputs("\n", out);
        roff(out, c->summary);
        fputs(".\n", out);
    }
    fputs(".TP\n.B help \\fR[\\fICOMMAND\\fR]\nthis text, or a command's options.\n", out);
    fputs(".TP\n.B completion bash\\fR|\\fBzsh\nprint the shell completion script.\n", out);
    fputs(".SH OPTIONS\n", out);
    for (size_t i = 0; i < rl_cli_noptions; i++) {
        const rl_cli_option *r = &rl_cli_option_table[i];
        char label[LABEL_MAX], names[NAMES_MAX];
        option_label(r, label, sizeof label);
        rl_cli_command_names(r->commands, names, sizeof names);
        fputs(".TP\n.B ", out);
        roff(out, label);
        fputs("\n", out);
        roff(out, r->help);
        fputs(".\n.br\nCommands: ", out);
        roff(out, names);
        fputs(".\n", out);
    }
    fputs(".TP\n.B \\-\\-version\nprint racelint's version and libclang's.\n", out);
    fputs(".SH ENVIRONMENT\n.TP\n.B RACELINT_DB\nthe findings database when \\fB\\-\\-db\\fR is not given.\n", out);
    fputs(".SH EXIT STATUS\n", out);
    roff(out, exit_status_text);
    fputs("\n.SH SEE ALSO\n.BR clang\\-tidy (1)\n", out);
}

/* ---- shell completion */

/* The space-separated option names a command takes. */
static void option_words(FILE *out, unsigned bit)
{
    int first = 1;
    for (size_t i = 0; i < rl_cli_noptions; i++) {
        const rl_cli_option *r = &rl_cli_option_table[i];
        if (!(r->commands & bit)) continue;
        if (r->short_name) fprintf(out, "%s-%c", first ? "" : " ", r->short_name), first = 0;
        if (r->long_name) fprintf(out, "%s--%s", first ? "" : " ", r->long_name), first = 0;
    }
}

static void bash_completion(FILE *out)
{
    fputs("# bash completion for racelint, generated by `racelint completion bash`.\n"
          "_racelint() {\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} opts\n"
          "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
          "        COMPREPLY=($(compgen -W \"",
          out);
    for (size_t i = 0; i < rl_cli_ncommands; i++) fprintf(out, "%s ", rl_cli_command_table[i].name);
    fputs("help completion --help --version\" -- \"$cur\"))\n"
          "        return\n"
          "    fi\n"
          "    case $prev in\n",
          out);
    /* The value of an option that takes one. */
    for (size_t i = 0; i < rl_cli_noptions; i++) {
        const rl_cli_option *r = &rl_cli_option_table[i];
        if (!r->arg) continue;
        fputs("    ", out);
        if (r->short_name) fprintf(out, "-%c%s", r->short_name, r->long_name ? "|" : "");
        if (r->long_name) fprintf(out, "--%s", r->long_name);
        if (r->complete == RL_COMPLETE_WORDS)
            fprintf(out, ") COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return ;;\n", r->words);
        else if (r->complete == RL_COMPLETE_FILE)
            fputs(") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", out);
        else if (r->complete == RL_COMPLETE_DIR)
            fputs(") COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n", out);
        else
            fputs(") return ;;\n", out);
    }
    fputs("    esac\n    case ${COMP_WORDS[1]} in\n", out);
    for (size_t i = 0; i < rl_cli_ncommands; i++) {
        fprintf(out, "    %s) opts=\"", rl_cli_command_table[i].name);
        option_words(out, rl_cli_command_table[i].bit);
        fputs("\" ;;\n", out);
    }
    fputs("    help) COMPREPLY=($(compgen -W \"", out);
    for (size_t i = 0; i < rl_cli_ncommands; i++) fprintf(out, "%s ", rl_cli_command_table[i].name);
    fputs("\" -- \"$cur\")); return ;;\n"
          "    completion) COMPREPLY=($(compgen -W \"bash zsh\" -- \"$cur\")); return ;;\n"
          "    *) return ;;\n"
          "    esac\n"
          "    if [[ $cur == -* ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
          "    else\n"
          "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          "    fi\n"
          "}\n"
          "complete -o filenames -F _racelint racelint\n",
          out);
}

/* A description for zsh: the help line up to its first parenthesis,
 * without the characters _arguments and quoting give a meaning. */
static void zsh_text(FILE *out, const char *s)
{
    for (; *s && *s != '(' && *s != ';'; s++) {
        if (strchr("[]:'\\\"`$", *s)) continue;
        fputc(*s, out);
    }
}

static void zsh_value(FILE *out, const rl_cli_option *r)
{
    fprintf(out, ":%s:", r->arg);
    if (r->complete == RL_COMPLETE_WORDS) fprintf(out, "(%s)", r->words);
    else if (r->complete == RL_COMPLETE_FILE) fputs("_files", out);
    else if (r->complete == RL_COMPLETE_DIR) fputs("_files -/", out);
    else fputs(" ", out);
}

static void zsh_completion(FILE *out)
{
    fputs("#compdef racelint\n# zsh completion for racelint, generated by `racelint completion zsh`.\n"
          "_racelint() {\n"
          "    local -a commands\n"
          "    commands=(\n",
          out);
    for (size_t i = 0; i < rl_cli_ncommands; i++) {
        fprintf(out, "        '%s:", rl_cli_command_table[i].name);
        zsh_text(out, rl_cli_command_table[i].summary);
        fputs("'\n", out);
    }
    fputs("        'help:show the help of a command'\n        'completion:print a shell completion script'\n"
          "    )\n"
          "    if (( CURRENT == 2 )); then\n"
          "        _describe 'command' commands\n"
          "        return\n"
          "    fi\n"
          "    local cmd=$words[2]\n"
          "    shift words\n"
          "    (( CURRENT-- ))\n"
          "    case $cmd in\n",
          out);
    for (size_t i = 0; i < rl_cli_ncommands; i++) {
        const rl_cli_command *c = &rl_cli_command_table[i];
        fprintf(out, "    %s) _arguments -s", c->name);
        for (size_t j = 0; j < rl_cli_noptions; j++) {
            const rl_cli_option *r = &rl_cli_option_table[j];
            if (!(r->commands & c->bit)) continue;
            const char *multi = r->kind == RL_OPT_LIST ? "*" : "";
            if (r->short_name) {
                fprintf(out, " \\\n        '%s-%c%s[", multi, r->short_name, r->arg ? "+" : "");
                zsh_text(out, r->help);
                fputs("]", out);
                if (r->arg) zsh_value(out, r);
                fputs("'", out);
            }
            if (r->long_name) {
                fprintf(out, " \\\n        '%s--%s%s[", multi, r->long_name, r->arg ? "=" : "");
                zsh_text(out, r->help);
                fputs("]", out);
                if (r->arg) zsh_value(out, r);
                fputs("'", out);
            }
        }
        fputs(" \\\n        '*:argument:_files' ;;\n", out);
    }
    fputs("    help) _describe 'command' commands ;;\n"
          "    completion) _values 'shell' bash zsh ;;\n"
          "    esac\n"
          "}\n"
          "_racelint \"$@\"\n",
          out);
}

int rl_cli_print_completion(FILE *out, const char *shell)
{
    if (strcmp(shell, "bash") == 0) bash_completion(out);
    else if (strcmp(shell, "zsh") == 0) zsh_completion(out);
    else return -1;
    return 0;
}
