/* Replays fuzz inputs without libFuzzer: feeds every file of the folders
 * (or the files) named on the command line to a target's
 * LLVMFuzzerTestOneInput, so that the corpora run as a regression test with
 * any compiler (the fuzz_corpus test), under the build's sanitizers.
 * usage: fuzz_TARGET_replay DIR_OR_FILE... */
#define _POSIX_C_SOURCE 200809L
#include "util/file.h"
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define REPLAY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REPLAY_ASAN 1
#endif
#endif
#ifdef REPLAY_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

/* Corpus files are small; a bigger one is a mistake. */
#define MAX_INPUT_BYTES ((size_t)16 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input being run, named when it crashes the process. */
static char current[4096];

static void name_current(void)
{
    static const char msg[] = "replay: crashed on input ";
    if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0 || write(STDERR_FILENO, current, strlen(current)) < 0 ||
        write(STDERR_FILENO, "\n", 1) < 0)
        return;
}

#ifndef REPLAY_ASAN
/* Without a sanitizer a crash is a signal; name the input, then die of it. */
static void on_signal(int sig)
{
    name_current();
    signal(sig, SIG_DFL);
    raise(sig);
}
#endif

/* Runs one file; -1 when it cannot be read. The data is passed in a buffer
 * of exactly its size, so that a read past the end is a sanitizer error. */
static int replay_file(const char *path)
{
    char *text;
    size_t len;
    rl_error err;
    if (rl_read_file(path, MAX_INPUT_BYTES, "a fuzz input", &text, &len, &err) < 0) {
        fprintf(stderr, "replay: %s\n", err.msg);
        return -1;
    }
    uint8_t *data = malloc(len ? len : 1);
    if (!data) abort();
    memcpy(data, text, len);
    free(text);
    snprintf(current, sizeof current, "%s", path);
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    return 0;
}

static int not_hidden(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

/* Runs every file of dir in name order; the count, or -1. */
static long replay_dir(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, not_hidden, alphasort);
    if (n < 0) {
        perror(dir);
        return -1;
    }
    long done = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        struct stat st;
        if (done >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) done = replay_file(path) < 0 ? -1 : done + 1;
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
#ifdef REPLAY_ASAN
    __sanitizer_set_death_callback(name_current);
#else
    signal(SIGSEGV, on_signal);
    signal(SIGABRT, on_signal);
    signal(SIGBUS, on_signal);
    signal(SIGFPE, on_signal);
#endif
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        long n;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            n = replay_dir(argv[i]);
        else
            n = replay_file(argv[i]) == 0 ? 1 : -1;
        if (n <= 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], n == 0 ? "no inputs" : "cannot be replayed");
            return 1;
        }
        printf("replay: %s: %ld inputs\n", argv[i], n);
    }
    return 0;
}
