#!/bin/sh
# Generates a synthetic C codebase that looks like a threaded server:
# headers with lock-carrying structs, a thread pool, callbacks through
# function pointers, a few hundred lines per unit, and planted races (one
# unit in seven updates a counter without its lock).
# usage: gen.sh UNITS OUT_DIR   (writes OUT_DIR/compile_commands.json)
set -eu
N=${1:?usage: gen.sh UNITS OUT_DIR}
OUT=${2:?usage: gen.sh UNITS OUT_DIR}
mkdir -p "$OUT/include" "$OUT/src"
OUT=$(cd "$OUT" && pwd)
# One module header per 20 units (each included by those 20 units).
M=$(( (N + 19) / 20 ))
awk -v N="$N" -v M="$M" -v OUT="$OUT" '
function p(file, s) { print s > file }
BEGIN {
  h = OUT "/include/common.h"
  p(h, "#ifndef COMMON_H\n#define COMMON_H\n#include <pthread.h>\n#include <stddef.h>\n#include <stdlib.h>\n#include <string.h>\n#include <stdio.h>")
  p(h, "typedef void (*task_fn)(void *arg);")
  p(h, "struct task { task_fn fn; void *arg; struct task *next; };")
  p(h, "struct pool {\n    pthread_mutex_t lock;\n    pthread_cond_t ready;\n    struct task *head, *tail;\n    int stopping;\n    size_t done;\n    pthread_t threads[4];\n};")
  p(h, "void pool_init(struct pool *p);\nvoid pool_submit(struct pool *p, task_fn fn, void *arg);\nvoid pool_stop(struct pool *p);\nextern struct pool global_pool;")
  p(h, "struct stats { pthread_mutex_t lock; long requests; long errors; long bytes; };\nextern struct stats global_stats;")
  p(h, "#endif")
  close(h)
  for (m = 0; m < M; m++) {
    h = OUT "/include/mod" m ".h"
    p(h, "#ifndef MOD" m "_H\n#define MOD" m "_H\n#include \"common.h\"")
    p(h, "struct mod" m "_state {\n    pthread_mutex_t lock;\n    pthread_rwlock_t table_lock;\n    long counter;\n    long hits;\n    long table[32];\n    int flags;\n    char name[32];\n};")
    p(h, "struct mod" m "_handler { const char *name; int (*handle)(struct mod" m "_state *st, int code); };")
    p(h, "#endif")
    close(h)
  }
  # The pool and main.
  f = OUT "/src/pool.c"
  p(f, "#include \"common.h\"\nstruct pool global_pool;\nstruct stats global_stats = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 };")
  p(f, "static void *pool_worker(void *arg)\n{\n    struct pool *p = arg;\n    for (;;) {\n        pthread_mutex_lock(&p->lock);\n        while (!p->head && !p->stopping) pthread_cond_wait(&p->ready, &p->lock);\n        if (!p->head) { pthread_mutex_unlock(&p->lock); return NULL; }\n        struct task *t = p->head;\n        p->head = t->next;\n        if (!p->head) p->tail = NULL;\n        pthread_mutex_unlock(&p->lock);\n        t->fn(t->arg);\n        free(t);\n        pthread_mutex_lock(&p->lock);\n        p->done++;\n        pthread_mutex_unlock(&p->lock);\n    }\n}")
  p(f, "void pool_init(struct pool *p)\n{\n    pthread_mutex_init(&p->lock, NULL);\n    pthread_cond_init(&p->ready, NULL);\n    p->head = p->tail = NULL;\n    p->stopping = 0;\n    for (int i = 0; i < 4; i++) pthread_create(&p->threads[i], NULL, pool_worker, p);\n}")
  p(f, "void pool_submit(struct pool *p, task_fn fn, void *arg)\n{\n    struct task *t = malloc(sizeof *t);\n    if (!t) return;\n    t->fn = fn;\n    t->arg = arg;\n    t->next = NULL;\n    pthread_mutex_lock(&p->lock);\n    if (p->tail) p->tail->next = t; else p->head = t;\n    p->tail = t;\n    pthread_cond_signal(&p->ready);\n    pthread_mutex_unlock(&p->lock);\n}")
  p(f, "void pool_stop(struct pool *p)\n{\n    pthread_mutex_lock(&p->lock);\n    p->stopping = 1;\n    pthread_cond_broadcast(&p->ready);\n    pthread_mutex_unlock(&p->lock);\n    for (int i = 0; i < 4; i++) pthread_join(p->threads[i], NULL);\n}")
  close(f)
  f = OUT "/src/main.c"
  p(f, "#include \"common.h\"")
  for (i = 0; i < N; i++) p(f, "void u" i "_start(void);")
  p(f, "int main(void)\n{\n    pool_init(&global_pool);")
  for (i = 0; i < N; i++) p(f, "    u" i "_start();")
  p(f, "    pool_stop(&global_pool);\n    return 0;\n}")
  close(f)
  for (i = 0; i < N; i++) unit(i)
  # The compilation database.
  f = OUT "/compile_commands.json"
  p(f, "[")
  for (i = 0; i <= N + 1; i++) {
    src = i < N ? "u" i ".c" : (i == N ? "pool.c" : "main.c")
    p(f, "  {\"directory\": \"" OUT "/src\", \"file\": \"" OUT "/src/" src "\", \"command\": \"cc -I" OUT "/include -O2 -c " src "\"}" (i <= N ? "," : ""))
  }
  p(f, "]")
  close(f)
}
function unit(i,   f, m, s, k) {
  f = OUT "/src/u" i ".c"
  m = i % M
  s = "struct mod" m "_state"
  p(f, "/* Unit " i ": a request handler of module " m ". */\n#include \"mod" m ".h\"\n#include <errno.h>\n#include <stdint.h>\n")
  p(f, "static " s " state = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_RWLOCK_INITIALIZER, 0, 0, {0}, 0, \"u" i "\" };")
  p(f, "static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;\nstatic long log_lines;\n")
  p(f, "struct request" i " {\n    int code;\n    size_t len;\n    char body[64];\n    " s " *st;\n};\n")
  p(f, "static void log_line(const char *what)\n{\n    pthread_mutex_lock(&log_lock);\n    log_lines++;\n    if (log_lines % 1000 == 0) fprintf(stderr, \"%s: %ld\\n\", what, log_lines);\n    pthread_mutex_unlock(&log_lock);\n}\n")
  for (k = 0; k < 4; k++) {
    p(f, "static int handle" k "(" s " *st, int code)\n{\n    int result = 0;")
    p(f, "    pthread_mutex_lock(&st->lock);\n    st->counter += code;\n    switch (code % 4) {\n    case 0:\n        st->flags |= 1 << " k ";\n        break;\n    case 1:\n        result = (int)st->counter;\n        break;\n    default:\n        break;\n    }\n    pthread_mutex_unlock(&st->lock);\n    if (code % 4 > 1) {\n        pthread_rwlock_wrlock(&st->table_lock);\n        for (int j = 0; j < 32; j++) st->table[j] += j * " k ";\n        pthread_rwlock_unlock(&st->table_lock);\n    }")
    p(f, "    pthread_rwlock_rdlock(&st->table_lock);\n    for (int j = 0; j < 32; j++)\n        if (st->table[j] > code) result++;\n    pthread_rwlock_unlock(&st->table_lock);\n    return result;\n}\n")
  }
  p(f, "static const struct mod" m "_handler handlers[] = {\n    {\"zero\", handle0},\n    {\"one\", handle1},\n    {\"two\", handle2},\n    {\"three\", handle3},\n};\n")
  p(f, "static int parse_request(struct request" i " *r, const char *text)\n{\n    size_t n = strlen(text);\n    if (n >= sizeof r->body) return -EINVAL;\n    memcpy(r->body, text, n + 1);\n    r->len = n;\n    r->code = 0;\n    for (size_t j = 0; j < n; j++) {\n        if (text[j] < 48 || text[j] > 57) return -EINVAL;\n        r->code = r->code * 10 + (text[j] - 48);\n    }\n    return 0;\n}\n")
  p(f, "static void process(void *arg)\n{\n    struct request" i " *r = arg;\n    const struct mod" m "_handler *h = &handlers[(unsigned)r->code % 4];\n    int rc = h->handle(r->st, r->code);\n    if (rc < 0) log_line(h->name);")
  p(f, "    pthread_mutex_lock(&global_stats.lock);\n    global_stats.requests++;\n    global_stats.bytes += (long)r->len;\n    if (rc < 0) global_stats.errors++;\n    pthread_mutex_unlock(&global_stats.lock);")
  if (i % 7 == 3) p(f, "    r->st->hits++; /* planted race: no lock */")
  else p(f, "    pthread_mutex_lock(&r->st->lock);\n    r->st->hits++;\n    pthread_mutex_unlock(&r->st->lock);")
  p(f, "    free(r);\n}\n")
  p(f, "static void *listener(void *arg)\n{\n    " s " *st = arg;\n    char buf[16];\n    for (int k = 0; k < 100; k++) {\n        snprintf(buf, sizeof buf, \"%d\", k);\n        struct request" i " *r = calloc(1, sizeof *r);\n        if (!r) break;\n        if (parse_request(r, buf) != 0) { free(r); continue; }\n        r->st = st;\n        pool_submit(&global_pool, process, r);\n    }\n    return NULL;\n}\n")
  p(f, "static long snapshot(" s " *st, long *out, size_t n)\n{\n    long total = 0;\n    pthread_rwlock_wrlock(&st->table_lock);\n    for (size_t j = 0; j < n && j < 32; j++) {\n        out[j] = st->table[j];\n        total += out[j];\n        st->table[j] = 0;\n    }\n    pthread_rwlock_unlock(&st->table_lock);\n    return total;\n}\n")
  p(f, "static void report(" s " *st)\n{\n    long copy[32];\n    long total = snapshot(st, copy, 32);\n    pthread_mutex_lock(&st->lock);\n    long c = st->counter;\n    int flags = st->flags;\n    pthread_mutex_unlock(&st->lock);\n    do {\n        if (total < 0) break;\n        log_line(st->name);\n    } while (0);\n    (void)c;\n    (void)flags;\n}\n")
  p(f, "void u" i "_start(void)\n{\n    pthread_t t[2];\n    for (int k = 0; k < 2; k++) pthread_create(&t[k], NULL, listener, &state);\n    for (int k = 0; k < 2; k++) pthread_join(t[k], NULL);\n    report(&state);\n}")
  close(f)
}'
