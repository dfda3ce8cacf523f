/* Parsing workers (workers.h). The parent forks them while it is still a
 * single-threaded process, so each child starts from a clean copy that
 * already holds the unit list and the API models: only unit numbers travel
 * to a worker, and facts come back serialized (facts_io.c) over a socket
 * pair. The parent alone decides; a worker only parses. */
#include "workers.h"
#include "util/budget.h"
#include "facts/facts_check.h"
#include "frontend/frontend.h"
#include "util/clock.h"
#include "util/mem.h"
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* A result is a header (kind, reserved, payload length) and a payload:
 * serialized facts, or the message of a unit libclang could not parse. */
#define RESULT_HEADER_BYTES 16
#define RESULT_FACTS 1u
#define RESULT_ERROR 2u
/* Facts of the largest real units are a few MiB; anything near this is a
 * broken worker, not a unit. */
#define MAX_RESULT_BYTES ((uint64_t)1 << 30)
/* How often resident memory is read when there is a ceiling. */
#define MEMORY_SAMPLE_MS 200
#define BYTES_PER_MIB (1024u * 1024u)

typedef struct slot {
    pid_t pid;            /* 0: no worker in this slot */
    int fd;               /* the parent's end of the socket pair */
    int busy;
    size_t unit;          /* being parsed, when busy */
    long long started_ms;
    unsigned char header[RESULT_HEADER_BYTES];
    size_t header_have;
    unsigned char *payload;
    uint64_t payload_len, payload_have;
} slot;

typedef struct pool {
    const rl_parse_job *job;
    rl_parsed_unit *out;
    slot *slots;
    int nslots;
    size_t next;          /* next index into job->todo */
    size_t done, failed;
} pool;

void rl_parsed_unit_clear(rl_parsed_unit *u)
{
    rl_facts_free(u->facts);
    free(u->blob);
    free(u->error);
    memset(u, 0, sizeof *u);
}

int rl_parse_size(const char *text, uint64_t *out)
{
    if (!text || *text < '0' || *text > '9') return -1;
    errno = 0;
    char *end;
    unsigned long long n = strtoull(text, &end, 10);
    if (errno) return -1;
    unsigned shift = 0;
    switch (*end) {
    case '\0': break;
    case 'K': case 'k': shift = 10; break;
    case 'M': case 'm': shift = 20; break;
    case 'G': case 'g': shift = 30; break;
    case 'T': case 't': shift = 40; break;
    default: return -1;
    }
    if (*end && end[1] && strcmp(end + 1, "iB") != 0 && strcmp(end + 1, "B") != 0) return -1;
    if (shift && n > (UINT64_MAX >> shift)) return -1;
    *out = (uint64_t)n << shift;
    return 0;
}

/* ---- both sides ------------------------------------------------------- */

static int send_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        /* MSG_NOSIGNAL: a peer that died is an error here, not SIGPIPE. */
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- the worker ------------------------------------------------------- */

static int read_all(int fd, void *data, size_t len)
{
    unsigned char *p = data;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int send_result(int fd, uint32_t kind, const void *payload, size_t len)
{
    unsigned char header[RESULT_HEADER_BYTES] = {0};
    uint64_t len64 = len;
    memcpy(header, &kind, sizeof kind);
    memcpy(header + 8, &len64, sizeof len64);
    if (send_all(fd, header, sizeof header) != 0) return -1;
    return send_all(fd, payload, len);
}

/* Parses the units the parent sends until it closes the socket. */
static void worker_main(const rl_parse_job *job, int fd)
{
    rl_frontend *fe = rl_frontend_new(job->model, job->resource_dir);
    uint64_t unit;
    while (read_all(fd, &unit, sizeof unit) == 0 && unit < job->units->len) {
        rl_error err = {{0}};
        rl_unit_facts *facts = rl_frontend_extract(fe, &job->units->items[unit], &err);
        int rc;
        if (facts) {
            size_t len = 0;
            unsigned char *blob = rl_facts_serialize(facts, &len);
            rc = send_result(fd, RESULT_FACTS, blob, len);
            free(blob);
            rl_facts_free(facts);
        } else {
            rc = send_result(fd, RESULT_ERROR, err.msg, strlen(err.msg));
        }
        if (rc != 0) break;
    }
    rl_frontend_free(fe);
}

/* libclang parses on a thread of its own with an 8 MiB stack, which one
 * generated expression of some 80,000 operands overflows (clang itself
 * crashes on it). With LIBCLANG_NOTHREADS set it parses on the calling
 * thread instead: a thread with this much stack. It is address space only:
 * a page is touched only when a parse goes that deep. */
#define WORKER_STACK_BYTES ((size_t)512 << 20)

typedef struct worker_args {
    const rl_parse_job *job;
    int fd;
} worker_args;

static void *worker_thread(void *arg)
{
    const worker_args *w = arg;
    worker_main(w->job, w->fd);
    return NULL;
}

/* worker_main on a thread with a large stack (the child is still single
 * threaded, so setenv is safe), or here when no such thread can start. */
static void worker_run(const rl_parse_job *job, int fd)
{
    worker_args w = {job, fd};
    pthread_attr_t attr;
    pthread_t t;
    setenv("LIBCLANG_NOTHREADS", "1", 1);
    pthread_attr_init(&attr);
    int started = pthread_attr_setstacksize(&attr, WORKER_STACK_BYTES) == 0 &&
                  pthread_create(&t, &attr, worker_thread, &w) == 0;
    pthread_attr_destroy(&attr);
    if (started) {
        pthread_join(t, NULL);
    } else {
        unsetenv("LIBCLANG_NOTHREADS"); /* libclang's own thread is the bigger one here */
        worker_main(job, fd);
    }
}

/* ---- the parent ------------------------------------------------------- */

static int start_worker(pool *p, slot *s)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return -1;
    pid_t parent = getpid();
    fflush(NULL); /* or the child's exit writes buffered output twice */
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        close(sv[0]);
        for (int i = 0; i < p->nslots; i++)
            if (p->slots[i].pid > 0) close(p->slots[i].fd);
        /* A worker never outlives racelint, however racelint ends. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(0);
        worker_run(p->job, sv[1]);
        close(sv[1]);
        exit(0); /* not _exit: sanitizers check the worker's leaks at exit */
    }
    close(sv[1]);
    memset(s, 0, sizeof *s);
    s->pid = pid;
    s->fd = sv[0];
    return 0;
}

/* Ends the worker in s: politely (it is idle and sees the socket close) or
 * with SIGKILL. Returns its wait status. */
static int end_worker(slot *s, int kill_it)
{
    if (kill_it) kill(s->pid, SIGKILL);
    close(s->fd);
    int status = 0;
    while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR) {
    }
    free(s->payload);
    memset(s, 0, sizeof *s);
    return status;
}

static void unit_done(pool *p, const rl_parsed_unit *u)
{
    p->done++;
    if (!u->facts || u->facts->parse_failed) p->failed++;
    if (p->job->progress) p->job->progress(p->job->progress_ctx, p->done, p->failed);
}

/* Records the unit as skipped, for the reason given. */
static void skip_unit(pool *p, size_t unit, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void skip_unit(pool *p, size_t unit, const char *fmt, ...)
{
    rl_parsed_unit *u = &p->out[unit];
    va_list ap;
    va_start(ap, fmt);
    char msg[RL_ERROR_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    u->error = rl_xstrdup(msg);
    u->skipped = 1;
    unit_done(p, u);
}

static void give_work(pool *p, slot *s)
{
    if (p->next >= p->job->ntodo) return;
    size_t unit = p->job->todo[p->next];
    uint64_t unit64 = unit;
    if (send_all(s->fd, &unit64, sizeof unit64) != 0) {
        end_worker(s, 1); /* died idle: the unit goes to the next worker */
        return;
    }
    p->next++;
    s->busy = 1;
    s->unit = unit;
    s->started_ms = rl_now_ms();
}

static void take_result(pool *p, slot *s)
{
    rl_parsed_unit *u = &p->out[s->unit];
    uint32_t kind;
    memcpy(&kind, s->header, sizeof kind);
    if (kind == RESULT_FACTS) {
        u->facts = rl_facts_deserialize(s->payload, (size_t)s->payload_len);
        rl_error why = {{0}};
        if (u->facts && rl_facts_validate(u->facts, &why) != 0) {
            /* Never handed to the model: it would dereference what is missing. */
            rl_facts_free(u->facts);
            u->facts = NULL;
            u->error = rl_xasprintf("the parsing worker sent inconsistent facts, dropped (%s)", why.msg);
        } else if (u->facts) {
            u->blob = s->payload;
            u->blob_len = (size_t)s->payload_len;
            s->payload = NULL;
        } else {
            u->error = rl_xstrdup("the parsing worker sent facts that cannot be read");
        }
    } else {
        u->error = rl_xstrndup((const char *)s->payload, (size_t)s->payload_len);
    }
    free(s->payload);
    s->payload = NULL;
    s->busy = 0;
    s->header_have = 0;
    s->payload_len = s->payload_have = 0;
    unit_done(p, u);
}

static void describe_death(int status, char *buf, size_t size)
{
    if (WIFSIGNALED(status))
        snprintf(buf, size, "the parser crashed on this unit (signal %d, %s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, size, "the parser stopped on this unit (exit status %d)", WEXITSTATUS(status));
}

/* Reads what the busy worker in s has sent; takes the result once whole. */
static void read_worker(pool *p, slot *s)
{
    ssize_t n;
    if (s->header_have < RESULT_HEADER_BYTES) {
        n = read(s->fd, s->header + s->header_have, RESULT_HEADER_BYTES - s->header_have);
        if (n > 0) {
            s->header_have += (size_t)n;
            if (s->header_have < RESULT_HEADER_BYTES) return;
            uint32_t kind;
            memcpy(&kind, s->header, sizeof kind);
            memcpy(&s->payload_len, s->header + 8, sizeof s->payload_len);
            if ((kind != RESULT_FACTS && kind != RESULT_ERROR) || s->payload_len > MAX_RESULT_BYTES) {
                size_t unit = s->unit;
                end_worker(s, 1);
                skip_unit(p, unit, "the parsing worker sent a malformed result");
                return;
            }
            s->payload = rl_xmalloc((size_t)s->payload_len + 1);
            if (s->payload_len == 0) take_result(p, s);
            return;
        }
    } else {
        n = read(s->fd, s->payload + s->payload_have, (size_t)(s->payload_len - s->payload_have));
        if (n > 0) {
            s->payload_have += (uint64_t)n;
            if (s->payload_have == s->payload_len) take_result(p, s);
            return;
        }
    }
    if (n < 0 && errno == EINTR) return;
    /* End of file or an error before the whole result: the worker died
     * (the kill is for a worker that only closed its socket). */
    size_t unit = s->unit;
    char why[128];
    describe_death(end_worker(s, 1), why, sizeof why);
    skip_unit(p, unit, "%s", why);
}

/* Over the ceiling, the worker using the most memory is stopped: its unit
 * is skipped, or, when it was idle, it just starts afresh. Pages a worker
 * still shares with racelint count twice, so this errs on the safe side. */
static void enforce_memory(pool *p)
{
    uint64_t ceiling = p->job->limits.memory_ceiling;
    uint64_t total = rl_resident_bytes();
    uint64_t most = 0;
    slot *largest = NULL;
    for (int i = 0; i < p->nslots; i++) {
        slot *s = &p->slots[i];
        if (s->pid <= 0) continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/statm", (int)s->pid);
        uint64_t r = rl_statm_resident(path);
        total += r;
        if (r > most) {
            most = r;
            largest = s;
        }
    }
    if (total <= ceiling || !largest) return;
    int busy = largest->busy;
    size_t unit = largest->unit;
    end_worker(largest, 1);
    if (!busy) return;
    skip_unit(p, unit, "racelint and its parsers went over the memory ceiling of %llu MiB "
              "(%llu MiB) on this unit; see --max-memory",
              (unsigned long long)(ceiling / BYTES_PER_MIB), (unsigned long long)(total / BYTES_PER_MIB));
}

static void enforce_time(pool *p, long long now)
{
    unsigned limit = p->job->limits.unit_timeout_sec;
    for (int i = 0; i < p->nslots; i++) {
        slot *s = &p->slots[i];
        if (s->pid <= 0 || !s->busy || now - s->started_ms < (long long)limit * RL_MS_PER_SEC) continue;
        size_t unit = s->unit;
        end_worker(s, 1);
        skip_unit(p, unit, "parsing took longer than the limit of %u s; see --unit-timeout", limit);
    }
}

/* How long poll may wait: until the nearest deadline or memory sample. */
static int poll_timeout(const pool *p, long long now)
{
    long long wait = -1;
    if (p->job->limits.memory_ceiling) wait = MEMORY_SAMPLE_MS;
    if (p->job->limits.unit_timeout_sec) {
        for (int i = 0; i < p->nslots; i++) {
            const slot *s = &p->slots[i];
            if (s->pid <= 0 || !s->busy) continue;
            long long left = s->started_ms + (long long)p->job->limits.unit_timeout_sec * RL_MS_PER_SEC - now;
            if (left < 0) left = 0;
            if (wait < 0 || left < wait) wait = left;
        }
    }
    return (int)wait;
}

/* The fallback when no worker can be started: parse here, without limits. */
static void parse_here(pool *p)
{
    rl_frontend *fe = rl_frontend_new(p->job->model, p->job->resource_dir);
    while (p->next < p->job->ntodo) {
        size_t unit = p->job->todo[p->next++];
        rl_parsed_unit *u = &p->out[unit];
        rl_error err = {{0}};
        u->facts = rl_frontend_extract(fe, &p->job->units->items[unit], &err);
        if (u->facts)
            u->blob = rl_facts_serialize(u->facts, &u->blob_len);
        else
            u->error = rl_xstrdup(err.msg);
        unit_done(p, u);
    }
    rl_frontend_free(fe);
}

/* Fills idle slots with workers and idle workers with units. Returns the
 * number of busy workers. */
static int keep_busy(pool *p)
{
    int busy = 0;
    for (int i = 0; i < p->nslots; i++) {
        slot *s = &p->slots[i];
        if (s->pid == 0 && p->next < p->job->ntodo && start_worker(p, s) != 0) continue;
        if (s->pid > 0 && !s->busy) give_work(p, s);
        if (s->pid > 0 && s->busy) busy++;
    }
    return busy;
}

void rl_parse_units(const rl_parse_job *job, rl_parsed_unit *out)
{
    pool p = {job, out, NULL, 0, 0, 0, 0};
    if (job->ntodo == 0) return;
    /* Loaded here, before any fork, so that workers inherit libclang
     * (frontend.h); without it no unit can be parsed, and each says why. */
    rl_error load_err;
    if (rl_frontend_load(&load_err) != 0) {
        for (size_t k = 0; k < job->ntodo; k++) {
            rl_parsed_unit *u = &out[job->todo[k]];
            u->error = rl_xasprintf("%s: %s", job->units->items[job->todo[k]].file, load_err.msg);
            if (job->progress) job->progress(job->progress_ctx, k + 1, k + 1);
        }
        return;
    }
    p.nslots = job->jobs < 1 ? 1 : job->jobs;
    if ((size_t)p.nslots > job->ntodo) p.nslots = (int)job->ntodo;
    p.slots = rl_xcalloc((size_t)p.nslots, sizeof *p.slots);
    struct pollfd *fds = rl_xcalloc((size_t)p.nslots, sizeof *fds);
    int *which = rl_xcalloc((size_t)p.nslots, sizeof *which);
    while (p.done < job->ntodo) {
        int busy = keep_busy(&p);
        if (busy == 0) {
            parse_here(&p);
            break;
        }
        int nfds = 0;
        for (int i = 0; i < p.nslots; i++) {
            if (p.slots[i].pid <= 0 || !p.slots[i].busy) continue;
            fds[nfds].fd = p.slots[i].fd;
            fds[nfds].events = POLLIN;
            fds[nfds].revents = 0;
            which[nfds++] = i;
        }
        int ready = poll(fds, (nfds_t)nfds, poll_timeout(&p, rl_now_ms()));
        if (ready < 0 && errno != EINTR) break;
        for (int k = 0; ready > 0 && k < nfds; k++) {
            slot *s = &p.slots[which[k]];
            if (fds[k].revents && s->pid > 0 && s->busy) read_worker(&p, s);
        }
        if (job->limits.unit_timeout_sec) enforce_time(&p, rl_now_ms());
        if (job->limits.memory_ceiling) enforce_memory(&p);
    }
    /* Only a failing poll leaves units unfinished; say so, never drop them. */
    int poll_errno = errno;
    for (int i = 0; i < p.nslots; i++) {
        slot *s = &p.slots[i];
        if (s->pid <= 0) continue;
        int busy = s->busy;
        size_t unit = s->unit;
        end_worker(s, busy);
        if (busy) skip_unit(&p, unit, "waiting for the parser failed (%s)", strerror(poll_errno));
    }
    while (p.next < job->ntodo) skip_unit(&p, job->todo[p.next++], "waiting for the parsers failed (%s)", strerror(poll_errno));
    free(which);
    free(fds);
    free(p.slots);
}
