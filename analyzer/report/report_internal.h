/* What the report files share among themselves (report.h is the interface
 * for everyone else): where a file is shown and its URI (paths.c), the
 * wording of events and the comparisons of events that the text, HTML,
 * SARIF and code quality reports agree on (describe.c), and the writing of
 * a jansson document (json.c).
 *
 * Invariants: every char * returned here is a heap string the caller
 * frees; nothing here prints or keeps state between calls. */
#ifndef RL_REPORT_INTERNAL_H
#define RL_REPORT_INTERNAL_H
#include "report.h"
#include "../util/strbuf.h"
#include <jansson.h>

/* ---- paths.c ---- */

/* Where a report's file names start from: the run's directory (relative
 * names in the facts start there; NULL: the current folder) and the source
 * root that shown paths are relative to (NULL: the current folder). */
typedef struct rl_report_paths {
    const char *base_dir;
    const char *src_root;
} rl_report_paths;

/* The path as a person reads it in a message: rl_report_path of file
 * ("?" when NULL), relative when inside the source root. */
char *rl_report_display_path(const rl_report_paths *where, const char *file);

/* RFC 3986 percent-encoding of a path appended to sb: unreserved
 * characters and '/' stay, every other byte becomes %XX. */
void rl_report_uri_encode(rl_strbuf *sb, const char *path);

/* file:///abs/folder/ of a folder (relative: to the current folder), with
 * the trailing slash SARIF wants for base URIs. */
char *rl_report_folder_uri(const char *folder);

/* ---- describe.c ---- */

/* Both strings present and equal. */
int rl_report_same_text(const char *a, const char *b);

/* b is the same access as a by another instance of the same thread (a
 * site racing with itself): said "the same ... in another instance". */
int rl_report_same_access(const rl_event *a, const rl_event *b);

/* s appended to sb; with links set, '[', ']' and '\' are escaped, as
 * SARIF (3.11.6) wants for plain text in a message that may hold links. */
void rl_report_append_escaped(rl_strbuf *sb, const char *s, int links);

/* "read-write in thread 'teller'" or "the same read-write in another
 * instance of thread 'teller'" (prev: the event before, or NULL). */
void rl_report_describe_side(rl_strbuf *sb, const rl_event *ev, const rl_event *prev, int links);

/* ", holding 'a', 'b'" / ", holding no locks" */
void rl_report_describe_locks(rl_strbuf *sb, const rl_event *ev);

/* One event in a sentence: "write of 'x' in bump(), thread 'w' (spawned
 * at main.c:3:5, several instances), holding no locks". */
char *rl_report_event_text(const rl_report_paths *where, const rl_event *ev, const rl_event *prev);

/* ---- json.c ---- */

/* Dumps doc (consumed) to out, indented, with a final newline, and
 * flushes, so that a full disk or a closed pipe is reported here: -1 with
 * "cannot write the <what> report: ..." in err. */
int rl_report_write_json(FILE *out, json_t *doc, const char *what, rl_error *err);

/* The items of a report's large array (the JSON findings, the SARIF
 * results), made one at a time: a new reference each call, NULL when
 * there are no more. */
typedef json_t *(*rl_json_next_item)(void *ctx);

/* A placeholder for that array in doc (a new reference to put where the
 * array goes): rl_report_write_json_items writes the items there. */
json_t *rl_json_items_slot(void);

/* rl_report_write_json, with the placeholder in doc written as the array
 * of the items next makes: each item is dumped and freed before the next
 * is made, so that the report is never one tree in memory (memcached's
 * 470 findings, with every event and call chain, were a 17 MB JSON tree
 * and an 84 MB SARIF one). The text is the same as if the items had been
 * in doc. -1 when doc holds no placeholder, or on a write error. */
int rl_report_write_json_items(FILE *out, json_t *doc, rl_json_next_item next, void *ctx, const char *what,
                               rl_error *err);

#endif
