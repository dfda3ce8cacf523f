/* Output files written through a temporary and a rename (outfile.h). */
#include "outfile.h"
#include "mem.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporaries that exist at once (one per output; racelint writes one). */
#define MAX_LIVE_TEMPS 4
#define FIRST_STD_FD 0
#define LAST_STD_FD 2

/* Read by the signal handler: only unlink() is done with them there. */
static char *volatile live[MAX_LIVE_TEMPS];
static int handlers_installed;
static int stdout_was_closed;

static void remove_temps_and_die(int sig)
{
    for (int i = 0; i < MAX_LIVE_TEMPS; i++)
        if (live[i]) unlink(live[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The handler goes in only where nobody else handles the signal (check
 * has its own watcher, which lets the output finish). */
static void install_handlers(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    if (handlers_installed) return;
    handlers_installed = 1;
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL) continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = remove_temps_and_die;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

static void track(char *tmp, int on)
{
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    for (int i = 0; i < MAX_LIVE_TEMPS; i++) {
        if (on && !live[i]) {
            live[i] = tmp;
            break;
        }
        if (!on && live[i] == tmp) {
            live[i] = NULL;
            break;
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

void rl_outfile_guard_std(void)
{
    for (int fd = FIRST_STD_FD; fd <= LAST_STD_FD; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
        int n = open("/dev/null", fd == FIRST_STD_FD ? O_RDONLY : O_WRONLY);
        if (n >= 0 && n != fd) {
            dup2(n, fd);
            close(n);
        }
        if (fd == STDOUT_FILENO) stdout_was_closed = 1;
    }
}

int rl_outfile_open(rl_outfile *o, const char *path, rl_error *err)
{
    memset(o, 0, sizeof *o);
    if (!path) {
        o->f = stdout;
        return 0;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return rl_fail(err, "cannot write '%s': it is a folder", path);
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device or FIFO (through a link or not): nothing to replace. */
        int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        o->f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!o->f) {
            int why = errno;
            if (fd >= 0) close(fd);
            return rl_fail(err, "cannot write '%s': %s", path, strerror(why));
        }
        o->path = rl_xstrdup(path);
        return 0;
    }
    const char *slash = strrchr(path, '/');
    o->tmp = slash ? rl_xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1)
                   : rl_xasprintf(".%s.XXXXXX", path);
    install_handlers();
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old); /* no signal between creating and tracking it */
    int fd = mkstemp(o->tmp);
    int why = errno;
    if (fd >= 0) track(o->tmp, 1);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (fd < 0) {
        rl_fail(err, "cannot write '%s': %s", path, strerror(why));
        free(o->tmp);
        o->tmp = NULL;
        return -1;
    }
    /* mkstemp makes it 0600; the output gets the usual mode. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        why = errno;
        close(fd);
        unlink(o->tmp);
        track(o->tmp, 0);
        free(o->tmp);
        o->tmp = NULL;
        return rl_fail(err, "cannot write '%s': %s", path, strerror(why));
    }
    o->path = rl_xstrdup(path);
    return 0;
}

int rl_outfile_close(rl_outfile *o, int keep, rl_error *err)
{
    if (!o->f) return 0; /* never opened (the output went elsewhere): nothing to finish */
    int rc = 0;
    const char *name = o->path ? o->path : "standard output";
    errno = 0;
    if (fflush(o->f) != 0 || ferror(o->f)) {
        if (keep) rc = rl_fail(err, "cannot write %s%s%s: %s", o->path ? "'" : "to ", name, o->path ? "'" : "",
                               strerror(errno ? errno : EIO));
    } else if (keep && !o->path && stdout_was_closed) {
        rc = rl_fail(err, "cannot write to standard output: it is closed");
    }
    if (o->path && fclose(o->f) != 0 && keep && rc == 0)
        rc = rl_fail(err, "cannot write '%s': %s", name, strerror(errno));
    if (o->tmp) {
        if (keep && rc == 0 && rename(o->tmp, o->path) != 0)
            rc = rl_fail(err, "cannot write '%s': %s", name, strerror(errno));
        if (!keep || rc != 0) unlink(o->tmp);
        track(o->tmp, 0);
        free(o->tmp);
    }
    free(o->path);
    memset(o, 0, sizeof *o);
    return keep ? rc : 0;
}
