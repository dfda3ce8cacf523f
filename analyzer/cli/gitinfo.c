/* Reads HEAD, a loose ref or packed-refs to name the analysed revision. */
#include "gitinfo.h"
#include "../util/mem.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GIT_LINE_MAX 512
#define GIT_SHA_HEX 40

static int read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int ok = fgets(buf, (int)size, f) != NULL;
    fclose(f);
    if (ok) buf[strcspn(buf, "\r\n")] = '\0';
    return ok;
}

static int is_sha(const char *s)
{
    size_t n = 0;
    while (isxdigit((unsigned char)s[n])) n++;
    return n == GIT_SHA_HEX;
}

static char *from_packed_refs(const char *gitdir, const char *ref)
{
    char *path = rl_xasprintf("%s/packed-refs", gitdir);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f) return NULL;
    char line[GIT_LINE_MAX];
    char *found = NULL;
    size_t rn = strlen(ref);
    while (!found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (is_sha(line) && line[GIT_SHA_HEX] == ' ' && strncmp(line + GIT_SHA_HEX + 1, ref, rn) == 0 &&
            line[GIT_SHA_HEX + 1 + rn] == '\0')
            found = rl_xstrndup(line, GIT_SHA_HEX);
    }
    fclose(f);
    return found;
}

char *rl_git_revision(const char *dir)
{
    char *cur = rl_xstrdup(dir);
    char *result = NULL;
    for (;;) {
        char *gitdir = rl_xasprintf("%s/.git", cur);
        struct stat st;
        if (stat(gitdir, &st) == 0 && S_ISDIR(st.st_mode)) {
            char *head_path = rl_xasprintf("%s/HEAD", gitdir);
            char line[GIT_LINE_MAX];
            if (read_line(head_path, line, sizeof line)) {
                if (strncmp(line, "ref: ", 5) == 0 && !strstr(line, "..")) {
                    char *ref_path = rl_xasprintf("%s/%s", gitdir, line + 5);
                    char sha[GIT_LINE_MAX];
                    if (read_line(ref_path, sha, sizeof sha) && is_sha(sha)) result = rl_xstrndup(sha, GIT_SHA_HEX);
                    else result = from_packed_refs(gitdir, line + 5);
                    free(ref_path);
                } else if (is_sha(line)) {
                    result = rl_xstrndup(line, GIT_SHA_HEX);
                }
            }
            free(head_path);
            free(gitdir);
            break;
        }
        free(gitdir);
        char *slash = strrchr(cur, '/');
        if (!slash || slash == cur) break;
        *slash = '\0';
    }
    free(cur);
    return result;
}
