/* `racelint cc`: the compiler launcher. Runs the real compiler exactly as
 * given and, when the command compiles one C unit, writes that unit's
 * facts to a facts directory (facts_dir.h) for `racelint check --facts`. */
#ifndef RL_CC_CMD_H
#define RL_CC_CMD_H

/* argv: the arguments after "cc": racelint's options, "--", then the
 * compiler and its arguments. Returns the compiler's exit status (or dies
 * of the signal that killed it); racelint's own problems never change it.
 * Only when no compiler is given at all is it a usage error (2). */
int rl_cmd_cc(int argc, char **argv);

#endif
