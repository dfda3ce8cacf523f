/* `racelint cc`: the compiler launcher. Runs the real compiler exactly as
 * given and, when the command compiles one C unit, writes that unit's
 * facts to a facts directory (facts_dir.h) for `racelint check --facts`. */
#ifndef RL_CC_CMD_H
#define RL_CC_CMD_H

#include "options.h"

/* o: the parsed options (--facts-dir, --config, --models, --unit-timeout,
 * --facts-max-size, -q) and, in o->flags, the compiler and its arguments
 * after "--". Returns the compiler's exit status (or dies of the signal
 * that killed it); racelint's own problems never change it. Only when no
 * compiler is given at all is it a usage error (2). */
int rl_cmd_cc(int argc, char **argv, const rl_cli_options *o);

/* When the options could not be parsed (the parser said why): still runs
 * the compiler after "--" in argv (the arguments after "cc"), extracting
 * nothing, and returns its status; 2 when there is no compiler. */
int rl_cmd_cc_unparsed(int argc, char **argv);

#endif
