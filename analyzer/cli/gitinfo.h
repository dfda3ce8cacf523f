/* The git revision of the analysed tree, read from .git files directly
 * (no git process is started). */
#ifndef RL_GITINFO_H
#define RL_GITINFO_H

/* Heap string with the commit id of HEAD for the checkout containing dir,
 * or NULL outside a git checkout. */
char *rl_git_revision(const char *dir);

#endif
