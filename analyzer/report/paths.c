/* Report paths (report.h, report_internal.h): how a file of the analysed
 * tree is shown in every report, and its URI in SARIF.
 *
 * Invariants: paths are compared lexically after normalisation ("." and
 * empty components dropped, ".." resolved, never above "/"), then, only
 * when that says "outside", by their real paths (a source root reached
 * through a symbolic link); the files themselves are never opened. A path
 * inside the source root is shown relative to it, any other absolute. */
#include "report_internal.h"

#include "../util/mem.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Lexically normalised absolute path: no "." or empty components, ".."
 * resolved (never above the root). */
static char *normalize(const char *abs)
{
    rl_strbuf out = RL_STRBUF_INIT;
    const char *p = abs;
    while (*p) {
        while (*p == '/') p++;
        const char *start = p;
        while (*p && *p != '/') p++;
        size_t n = (size_t)(p - start);
        if (n == 0 || (n == 1 && start[0] == '.')) continue;
        if (n == 2 && start[0] == '.' && start[1] == '.') {
            char *slash = out.len ? strrchr(out.data, '/') : NULL;
            if (slash) rl_sb_truncate(&out, (size_t)(slash - out.data));
            continue;
        }
        rl_sb_appendc(&out, '/');
        rl_sb_appendn(&out, start, n);
    }
    if (out.len == 0) rl_sb_appendc(&out, '/');
    return rl_sb_take(&out);
}

/* path made absolute (a relative one from base_dir; NULL or empty: the
 * current folder) and normalised. */
static char *absolute(const char *path, const char *base_dir)
{
    if (path[0] == '/') return normalize(path);
    char cwd[PATH_MAX];
    if (!base_dir || !base_dir[0]) base_dir = getcwd(cwd, sizeof cwd) ? cwd : "/";
    char *joined = rl_xasprintf("%s/%s", base_dir, path);
    char *norm = normalize(joined);
    free(joined);
    return norm;
}

/* The part of path below root, or NULL when path is not inside root. */
static const char *below(const char *path, const char *root)
{
    if (strcmp(root, "/") == 0) return path[1] ? path + 1 : NULL;
    size_t n = strlen(root);
    if (strncmp(path, root, n) == 0 && path[n] == '/' && path[n + 1]) return path + n + 1;
    return NULL;
}

char *rl_report_path(const char *file, const char *base_dir, const char *src_root, int *inside)
{
    if (inside) *inside = 0;
    if (!file || !file[0]) return rl_xstrdup("");
    char *path = absolute(file, base_dir);
    char *root = absolute(src_root && src_root[0] ? src_root : ".", NULL);
    const char *rel = below(path, root);
    char *result = NULL;
    if (!rel) {
        /* Symlinked folders (/tmp -> /private/tmp): compare real paths. */
        char *rpath = realpath(path, NULL), *rroot = realpath(root, NULL);
        if (rpath && rroot && (rel = below(rpath, rroot)) != NULL) result = rl_xstrdup(rel);
        free(rpath);
        free(rroot);
    } else {
        result = rl_xstrdup(rel);
    }
    if (result && inside) *inside = 1;
    if (!result) result = rl_xstrdup(path);
    free(path);
    free(root);
    return result;
}

/* RFC 3986 percent-encoding of a path: unreserved characters and '/' stay,
 * every other byte (spaces, '%', '#', non-ASCII) becomes %XX. */
void rl_report_uri_encode(rl_strbuf *sb, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~' || c == '/') {
            rl_sb_appendc(sb, (char)c);
        } else {
            rl_sb_appendc(sb, '%');
            rl_sb_appendc(sb, hex[c >> 4]);
            rl_sb_appendc(sb, hex[c & 15]);
        }
    }
}

char *rl_report_folder_uri(const char *folder)
{
    char *abs = absolute(folder, NULL);
    rl_strbuf sb = RL_STRBUF_INIT;
    rl_sb_append(&sb, "file://");
    rl_report_uri_encode(&sb, abs);
    if (sb.data[sb.len - 1] != '/') rl_sb_appendc(&sb, '/');
    free(abs);
    return rl_sb_take(&sb);
}

char *rl_report_display_path(const rl_report_paths *where, const char *file)
{
    return rl_report_path(file ? file : "?", where->base_dir, where->src_root, NULL);
}
