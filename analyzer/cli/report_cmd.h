/* `racelint report`: the HTML report of a recorded run (report_cmd.c). */
#ifndef RL_REPORT_CMD_H
#define RL_REPORT_CMD_H

typedef struct rl_report_cmd_args {
    const char *db;       /* findings database; NULL: the default one */
    const char *run;      /* "latest" (NULL) or a run number */
    const char *output;   /* folder to write index.html into (created if missing) */
    const char *src_root; /* paths are shown relative to it; NULL: the current folder */
    int quiet;
} rl_report_cmd_args;

/* Writes OUTPUT/index.html for the run. Returns the exit code: 0 written,
 * 2 usage or input error (message on standard error). */
int rl_cmd_report(const rl_report_cmd_args *args);

#endif
