#!/bin/sh
# Programs and threads (racelint threads, check --program): a project of
# three programs sharing a queue (a server whose workers are started and
# joined through wrappers in a loop, plus a detached logger; a
# single-threaded tool; a test with two threads), and a library with no
# main that starts its own workers. `racelint threads` must print exactly
# tests/threads/*.expected; the JSON form, --program and the notices are
# checked too.
# usage: run.sh PATH/TO/racelint SOURCE_DIR [--update]
set -u
RL=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$SRC/tests/lib.sh"
HERE=$(cd "$SRC/tests/threads" && pwd)

golden() { # golden NAME DIR FILES...
  name=$1; dir=$2; shift 2
  (cd "$HERE/$dir" && "$RL" threads -j 1 "$@") >"$TMP/got" 2>"$TMP/err"
  if [ "${UPDATE:-}" = 1 ]; then cp "$TMP/got" "$HERE/$name.expected"; fi
  if diff -u "$HERE/$name.expected" "$TMP/got" >"$TMP/diff"; then ok "threads: $name"
  else not_ok "threads: $name"; cat "$TMP/diff"; fi
}
[ "${3:-}" = --update ] && UPDATE=1

# Argument order must not matter: the tool's main used to win when first.
golden project project tool.c server.c queue.c test_queue.c hooks.c
golden library library pool.c
golden repeat repeat repeat.c
# Wrappers shared by every spawn and join (pigz's yarn): one line per
# spawn site, with each join of its handle; a handle returned by the
# spawning wrapper and joined through a list (curl's pool); a library's
# public thread-creation wrapper, whose entry is its caller's (libuv).
golden wrappers ../../fixtures wrapper_joins_per_call.c
golden kept_handle ../../fixtures handle_returned_kept_in_list.c
golden public_wrapper ../../fixtures library_public_spawn_wrapper.c
# A thread its parent never joins, joined by its grandparent through a
# global handle: listed as joined there.
golden grandchild_join ../../fixtures grandchild_joined_racy.c
# A pipeline stage joined by the next stage, handed its handle: listed as
# joined there.
golden stage_join ../../fixtures pipeline_stage_joins_previous.c

# Positions keep every frame down to a pool made ten calls below main
# when few call paths lead there, eight frames when thousands do, and the
# run says so.
cd "$HERE/deep" || exit 2
expect "check, a spawn below a wide call tree" 0 "$RL" check --no-db -j 1 --format json -o "$TMP/deep.json" fanout.c
equals "its positions are cut" "$(jq -r '[.run.notices[] | select(.code == "limit-positions")] | length' "$TMP/deep.json")" 1
expect "check, a pool ten calls deep" 0 "$RL" check --no-db -j 1 --format json -o "$TMP/deep.json" ../../../fixtures/pool_deep_error_paths_safe.c
equals "its positions keep every frame" "$(jq -r '[.run.notices[] | select(.code == "limit-positions")] | length' "$TMP/deep.json")" 0

# A program that starts no thread and takes no lock is not explored
# (model/threads.c, program_inert): its 2^18 calling contexts would pass
# the soft limit, as the same tree does once its leaf takes a lock.
# tree FILE LEAF_BODY: a call tree TREE_DEPTH levels deep, each call
# handing its callee another half of one nested global struct.
TREE_DEPTH=17
tree() {
  {
    [ "$2" = locked ] && printf '#include <pthread.h>\nstatic pthread_mutex_t leaf_lock = PTHREAD_MUTEX_INITIALIZER;\n'
    printf 'struct n%d { int v; };\n' $TREE_DEPTH
    d=$((TREE_DEPTH - 1))
    while [ $d -ge 0 ]; do printf 'struct n%d { struct n%d l, r; };\n' $d $((d + 1)); d=$((d - 1)); done
    printf 'static struct n0 tree;\nstatic long total;\nstatic void f%d(struct n%d *p)\n{\n' $TREE_DEPTH $TREE_DEPTH
    if [ "$2" = locked ]; then
      printf '    pthread_mutex_lock(&leaf_lock);\n    total += p->v;\n    pthread_mutex_unlock(&leaf_lock);\n}\n'
    else
      printf '    total += p->v;\n}\n'
    fi
    d=$((TREE_DEPTH - 1))
    while [ $d -ge 0 ]; do
      printf 'static void f%d(struct n%d *p)\n{\n    f%d(&p->l);\n    f%d(&p->r);\n}\n' $d $d $((d + 1)) $((d + 1))
      d=$((d - 1))
    done
    printf 'int main(void)\n{\n    f0(&tree);\n    return (int)(total & 1);\n}\n'
  } >"$1"
}
mkdir -p "$TMP/inert" && cd "$TMP/inert" || exit 2
tree tree.c plain
tree tree_locked.c locked
expect "check, a wide tree, no thread, no lock" 0 "$RL" check --no-db -j 1 --format json -o "$TMP/inert.json" tree.c
equals "it is not explored" "$(jq -r '[.run.notices[].code] | join(" ")' "$TMP/inert.json")" single-threaded
expect "check, the same tree taking a lock" 0 "$RL" check --no-db -j 1 --format json -o "$TMP/inert.json" tree_locked.c
equals "it is explored" "$(jq -r '[.run.notices[].code] | sort | join(" ")' "$TMP/inert.json")" "limit-contexts-merged single-threaded"
# The soft limit grows with the code (model/threads.c, soft_limit): the
# same tree in a program of some 2,100 functions more is explored whole.
PAD_FUNCTIONS=2100
{
  cat tree_locked.c
  i=0; while [ $i -lt $PAD_FUNCTIONS ]; do printf 'void pad%d(void) {}\n' $i; i=$((i + 1)); done
} >tree_padded.c
expect "check, the tree in a larger program" 0 "$RL" check --no-db -j 1 --format json -o "$TMP/inert.json" tree_padded.c
equals "it is explored whole" "$(jq -r '[.run.notices[] | select(.code == "limit-contexts-merged")] | length' "$TMP/inert.json")" 0

# A recursive walk over a node of WALK_FIELDS pointer fields: every path
# that repeats no field is another value for the walker's parameter, some
# 110,000 of them, past the soft limit of contexts. A recursive call keeps
# only what it passes on unchanged (model/recursion.h): a few contexts,
# no limit reached, and the walkers still race on nothing.
WALK_FIELDS=8
{
  printf '#include <pthread.h>\nstatic pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;\nstatic long total;\n'
  printf 'struct node {'
  f=0; while [ $f -lt $WALK_FIELDS ]; do printf ' struct node *f%d;' $f; f=$((f + 1)); done
  printf ' long v; };\nstatic struct node root;\n'
  printf 'static void visit(struct node *n)\n{\n    if (!n)\n        return;\n'
  printf '    pthread_mutex_lock(&lock);\n    total += n->v;\n    pthread_mutex_unlock(&lock);\n'
  f=0; while [ $f -lt $WALK_FIELDS ]; do printf '    visit(n->f%d);\n' $f; f=$((f + 1)); done
  printf '}\nstatic void *walker(void *arg)\n{\n    visit(arg);\n    return 0;\n}\n'
  printf 'int main(void)\n{\n    pthread_t t;\n    pthread_create(&t, 0, walker, &root);\n    visit(&root);\n'
  printf '    pthread_join(t, 0);\n    return 0;\n}\n'
} >"$TMP/inert/walk.c"
expect "check, a recursive walk" 0 "$RL" check --no-db -j 1 --format json -o "$TMP/walk.json" walk.c
equals "it stays under the limits" "$(jq -r '[.run.notices[].code] | join(" ")' "$TMP/walk.json")" ""

# Two structs of one tag from two headers (a vendored library's table
# type beside the program's own, as hiredis's dict.h beside redis's): a
# call through the program's `dup` reaches only what the program stores
# there, not the library's callback (frontend/fnflow.c, field slots).
cd "$HERE/vendored" || exit 2
expect "check, a vendored struct of the same tag" 1 "$RL" check --no-db -j 1 --format json -o "$TMP/vendored.json" main.c table.c vendor_table.c
equals "only the program's own callback races" "$(jq -r '[.findings[] | select(.rule == "race") | .location] | join(" ")' "$TMP/vendored.json")" counted_copies

cd "$HERE/project" || exit 2
expect "threads --format json" 0 "$RL" threads -j 1 --format json server.c tool.c queue.c test_queue.c hooks.c
check "threads json parses" jq -e '.programs | length == 3' "$TMP/out"
equals "server has 3 threads" "$(jq -r '.programs[] | select(.name == "server") | .threads | length' "$TMP/out")" 3
equals "the logger is never joined" "$(jq -r '.programs[] | select(.name == "server") | .threads[] | select(.entry == "logger_main") | .join' "$TMP/out")" null
equals "tool is single-threaded" "$(jq -r '.notices[] | select(.program == "tool") | .code' "$TMP/out")" single-threaded

# Each program is analysed: the race in the shared queue is found through
# the server's workers and through the test's threads, whatever the order.
expect "check, tool first" 1 "$RL" check --no-db -j 1 --format json -o "$TMP/all.json" tool.c server.c queue.c test_queue.c hooks.c
check "check finds the queue race" jq -e '[.findings[] | select(.location == "queue_pushed")] | length >= 1' "$TMP/all.json"
contains "summary names the programs" "$TMP/err" "programs: tool (2 units, 1 thread), server (3 units, 3 threads), test_queue"
expect "check --program tool" 0 "$RL" check --no-db -j 1 --program tool tool.c server.c queue.c test_queue.c hooks.c
contains "--program tool: no finding" "$TMP/err" "0 findings"
expect "check --program test_queue" 1 "$RL" check --no-db -j 1 --program test_queue tool.c server.c queue.c test_queue.c hooks.c
expect "check --program nope" 2 "$RL" check --no-db -j 1 --program nope tool.c server.c queue.c test_queue.c hooks.c
contains "--program nope lists the programs" "$TMP/err" "its programs are: tool, server, test_queue"

# The logger reached only through the hooks table of hooks.c (linked by
# the global variable it defines) races with the workers.
check "the hooks table's logger is linked and races" jq -e '[.findings[] | select(.location == "queue_pushed") | .events[].thread] | index("logger_main") != null' "$TMP/all.json"

# Programs and notices are recorded with the run and read back.
expect "check into a database" 1 "$RL" check --db "$TMP/rl.db" -j 1 -q tool.c server.c queue.c test_queue.c hooks.c
expect "findings --format json" 0 "$RL" findings --db "$TMP/rl.db" --format json
check "recorded findings name their programs" jq -e '[.findings[] | select(.location == "queue_pushed") | .programs[]] | index("server") != null' "$TMP/out"
check "the run's programs are recorded" jq -e '.run.programs == ["tool", "server", "test_queue"]' "$TMP/out"
check "the run's notices are recorded" jq -e '.run.notices[0].code == "single-threaded" and .run.notices[0].program == "tool"' "$TMP/out"
expect "findings --format sarif" 0 "$RL" findings --db "$TMP/rl.db" --format sarif
check "SARIF notifications from the database" jq -e '.runs[0].invocations[0].toolExecutionNotifications[] | select(.descriptor.id == "single-threaded")' "$TMP/out"

# A library's public functions, declared entry points in the config, run
# in any number of application threads; without it, once each.
cd "$HERE/library" || exit 2
expect "library without entry points" 1 "$RL" check --no-db -j 1 --format json -o "$TMP/lib.json" pool.c
check "the workers' own count races" jq -e '[.findings[] | select(.location == "tasks_done")] | length >= 1' "$TMP/lib.json"
check "one caller: its count is no race" jq -e '[.findings[] | select(.location == "submitted")] | length == 0' "$TMP/lib.json"
expect "library with entry points" 1 "$RL" check --no-db -j 1 --config entry_points.yaml --format json -o "$TMP/lib.json" pool.c
check "callers in any number: the count races" jq -e '[.findings[] | select(.location == "submitted")] | length >= 1' "$TMP/lib.json"
expect "threads with entry points" 0 "$RL" threads -j 1 --config entry_points.yaml pool.c
contains "entry points are roots of several instances" "$TMP/out" "pool_submitted"
printf 'entry_points: nope\n' >"$TMP/bad.yaml"
expect "entry_points must be a list" 2 "$RL" check --no-db -j 1 --config "$TMP/bad.yaml" pool.c
contains "the config error names the key" "$TMP/err" "entry_points"
cd "$HERE/project" || exit 2

# Linking as a linker does: a symbol the tool defines itself, or that a
# small unit defines as well as a big one, and a call in an unused static
# inline function of a header, pull in none of the server's units.
mkdir -p "$TMP/link"
cat >"$TMP/link/common.h" <<'EOC'
void panic(const char *msg);
void server_shutdown(void);
static inline void maybe_stop(int fatal) { if (fatal) server_shutdown(); }
EOC
cat >"$TMP/link/tool.c" <<'EOC'
#include "common.h"
void panic(const char *msg) { (void)msg; }
int checksum(const char *s);
int main(void) { return checksum("x"); }
EOC
cat >"$TMP/link/util.c" <<'EOC'
#include "common.h"
int checksum(const char *s) { if (!s) panic("null"); return s[0]; }
EOC
cat >"$TMP/link/debug.c" <<'EOC'
#include "common.h"
int twice(int x);
int checksum(const char *s);
void panic(const char *msg) { server_shutdown(); (void)twice(checksum(msg)); }
EOC
cat >"$TMP/link/assert.c" <<'EOC'
void panic(const char *msg);
void panic(const char *msg) { (void)msg; }
void assert_fail(void) { panic("assert"); }
EOC
cat >"$TMP/link/helpers.c" <<'EOC'
#include "common.h"
int twice(int x) { return 2 * x; }
EOC
cat >"$TMP/link/server_impl.c" <<'EOC'
#include <pthread.h>
#include "common.h"
static long served;
static void *worker(void *arg) { (void)arg; served++; return 0; }
void server_shutdown(void) { pthread_t t; pthread_create(&t, 0, worker, 0); served++; }
EOC
cat >"$TMP/link/server.c" <<'EOC'
#include "common.h"
int main(void) { server_shutdown(); return 0; }
EOC
cat >"$TMP/link/other.c" <<'EOC'
int twice(int x);
int main(void) { return twice(1); }
EOC
(cd "$TMP/link" && "$RL" threads -j 1 tool.c util.c debug.c server.c server_impl.c other.c helpers.c) >"$TMP/out" 2>"$TMP/err"
contains "the tool links its own panic, not debug.c's" "$TMP/out" "program tool (main in tool.c, 2 units)"
(cd "$TMP/link" && "$RL" threads -j 1 other.c util.c debug.c assert.c server.c server_impl.c helpers.c) >"$TMP/out" 2>"$TMP/err"
contains "a header's unused inline function pulls in nothing" "$TMP/out" "program other (main in other.c, 2 units)"
cat >"$TMP/link/tool.c" <<'EOC'
int checksum(const char *s);
int main(void) { return checksum("x"); }
EOC
(cd "$TMP/link" && "$RL" threads -j 1 tool.c debug.c util.c assert.c server.c server_impl.c) >"$TMP/out" 2>"$TMP/err"
contains "of two definers, the smaller one" "$TMP/out" "program tool (main in tool.c, 3 units)"

# What a function's body names (a global, a function as a value) counts
# only when the function is kept: redis-cli's crc16.c pulled in the whole
# server through an inline function of a header, never called, reading
# the global mstrFieldKind of t_hash.c.
mkdir -p "$TMP/uses"
cat >"$TMP/uses/kinds.h" <<'EOC'
extern int field_kind;
void server_tick(void);
void set_handler(void (*h)(void));
static inline int kind_of(void) { return field_kind; }
static inline void install(void) { set_handler(0); }
static inline void (*tick_of(void))(void) { return server_tick; }
EOC
cat >"$TMP/uses/crc.c" <<'EOC'
#include "kinds.h"
int crc(const char *s) { return s[0]; }
EOC
cat >"$TMP/uses/hash.c" <<'EOC'
#include <pthread.h>
#include "kinds.h"
int field_kind = 0;
static void *ticker(void *arg) { (void)arg; field_kind++; return 0; }
void server_tick(void) { pthread_t t; pthread_create(&t, 0, ticker, 0); }
void set_handler(void (*h)(void)) { if (h) h(); }
EOC
cat >"$TMP/uses/cli.c" <<'EOC'
int crc(const char *s);
int main(void) { return crc("x"); }
EOC
cat >"$TMP/uses/plugin.c" <<'EOC'
#include "kinds.h"
static void on_ready(void) { server_tick(); }
void plugin_start(void) { set_handler(on_ready); }
EOC
cat >"$TMP/uses/host.c" <<'EOC'
void plugin_start(void);
int main(void) { plugin_start(); return 0; }
EOC
cat >"$TMP/uses/reader.c" <<'EOC'
#include "kinds.h"
int read_kind(void) { return kind_of(); }
EOC
cat >"$TMP/uses/probe.c" <<'EOC'
int read_kind(void);
int main(void) { return read_kind(); }
EOC
(cd "$TMP/uses" && "$RL" threads -j 1 cli.c hash.c crc.c host.c plugin.c probe.c reader.c) >"$TMP/out" 2>"$TMP/err"
contains "an unused inline function's global pulls in nothing" "$TMP/out" "program cli (main in cli.c, 2 units)"
contains "a static callback a kept function hands on links what it calls" "$TMP/out" "program host (main in host.c, 3 units)"
contains "a global a kept inline function reads links its definer" "$TMP/out" "program probe (main in probe.c, 3 units)"
(cd "$TMP/uses" && "$RL" check --no-db -j 1 --dump-facts -q crc.c) >"$TMP/out" 2>"$TMP/err"
contains "the facts record what each function names" "$TMP/out" "  uses c:@field_kind"
# A tentative definition (`int x;` at file scope, redis's `struct
# redisServer server;`) defines the variable as much as `int x = 0;`.
sed 's/^int field_kind = 0;/int field_kind;/' "$TMP/uses/hash.c" >"$TMP/uses/tentative.c"
(cd "$TMP/uses" && "$RL" threads -j 1 probe.c reader.c tentative.c) >"$TMP/out" 2>"$TMP/err"
contains "a tentative definition links its users" "$TMP/out" "program probe (main in probe.c, 3 units)"

# A trampoline's capsule allocated through a malloc hook (pigz's yarn) is
# one object per launch: each thread is named by the body it runs.
(cd "$SRC/fixtures" && "$RL" threads -j 1 trampoline_capsule_alloc_hook.c) >"$TMP/out" 2>"$TMP/err"
contains "a trampoline thread runs its own body" "$TMP/out" "write_thread (via ignition)  spawned at trampoline_capsule_alloc_hook.c:50:5 from trampoline_capsule_alloc_hook.c:73:5, one instance"
contains "the other body is a thread of its own" "$TMP/out" "compress_thread (via ignition)  spawned at trampoline_capsule_alloc_hook.c:50:5 from trampoline_capsule_alloc_hook.c:74:36, several instances"

# A library whose thread-starting unit a program links (curl's resolver
# pool, linked into the curl tool): its threads are the program's, and
# the library's note says so rather than "nothing in it can race".
mkdir -p "$TMP/shared"
cat >"$TMP/shared/pool.c" <<'EOC'
#include <pthread.h>
static long n;
static void *w(void *a) { n++; return a; }
void pool_start(void) { pthread_t t; pthread_create(&t, 0, w, 0); pthread_detach(t); }
int pool_size(void) { return 1; }
EOC
cat >"$TMP/shared/app.c" <<'EOC'
void pool_start(void);
int main(void) { pool_start(); return 0; }
EOC
cat >"$TMP/shared/extra.c" <<'EOC'
int pool_size(void);
int extra_size(void) { return pool_size(); }
EOC
(cd "$TMP/shared" && "$RL" threads -j 1 app.c pool.c extra.c) >"$TMP/out" 2>"$TMP/err"
contains "the program runs the shared unit's thread" "$TMP/out" "    w  spawned at pool.c:4:38 from app.c:2:18"
contains "the library's note names where its threads are" "$TMP/out" "note: program 'library': its own units (those no program links) start no thread; the 1 thread-creation call of the units it shares with the programs is analysed in those programs"

# Spawns that no thread reaches are said, not passed off as clean.
cat >"$TMP/unreached.c" <<'EOC'
#include <pthread.h>
static long n;
static void *w(void *a) { n++; return a; }
void never_called(void) { pthread_t t; pthread_create(&t, 0, w, 0); n = 2; pthread_join(t, 0); }
int main(void) { return (int)n; }
EOC
expect "unreached spawn" 0 "$RL" check --no-db -j 1 "$TMP/unreached.c"
contains "unreached spawn is a notice" "$TMP/err" "threads-not-found"

# A library whose only thread is joined at once by the function that
# starts it (sqlite's lock test): nothing runs alongside anything, so it
# has no roots to explore, and says why it is single-threaded. A start
# with a statement before its join is no such thread: the library keeps
# its root.
cat >"$TMP/at_once.c" <<'EOC'
#include <pthread.h>
static long n;
static void *w(void *a) { n++; return a; }
void probe(void) { pthread_t t; pthread_create(&t, 0, w, 0); pthread_join(t, 0); }
void use(void) { probe(); n--; }
EOC
expect "library with a thread joined at once" 0 "$RL" threads -j 1 "$TMP/at_once.c"
lacks "the thread joined at once is no root's" "$TMP/out" "spawned at"
contains "it says why nothing can race" "$TMP/out" "its one thread-creation call is joined at once by the function that makes it"
sed 's/pthread_join(t, 0)/n = 1; pthread_join(t, 0)/' "$TMP/at_once.c" >"$TMP/not_at_once.c"
expect "library with a statement before the join" 0 "$RL" threads -j 1 "$TMP/not_at_once.c"
contains "that thread is found" "$TMP/out" "w  spawned at"

# Beside threads that run alongside main, a start joined at once is not
# listed as a thread: a notice says where it is and how it runs.
cat >"$TMP/mixed.c" <<'EOC'
#include <pthread.h>
static long n, m;
static void *probe(void *a) { n++; return a; }
static void *worker(void *a) { m++; return a; }
static void run_probe(void) { pthread_t t; pthread_create(&t, 0, probe, 0); pthread_join(t, 0); }
int main(void) { pthread_t w; pthread_create(&w, 0, worker, 0); run_probe(); pthread_join(w, 0); return (int)m; }
EOC
expect "program with a thread joined at once" 0 "$RL" threads -j 1 "$TMP/mixed.c"
contains "the worker is listed" "$TMP/out" "worker  spawned at"
lacks "the probe is not" "$TMP/out" "probe  spawned at"
contains "a notice says where the probe starts" "$TMP/out" "1 thread-creation call is joined at once by the function that makes it (at $TMP/mixed.c:5): its thread runs as a call there, not as a thread of its own \[joined-at-once\]"
expect "the notice is in the JSON report" 0 "$RL" check --no-db -j 1 --format json "$TMP/mixed.c"
equals "its code" "$(jq -r '[.run.notices[].code] | join(" ")' "$TMP/out")" joined-at-once

# The model's cost follows the places calls leave the paths to a start or
# a join, not the call paths: a pool grown from 64 call paths of each
# dispatch is 82 contexts (259 with a context per path). The bound leaves
# room for the model to grow, not for the paths to come back.
expect "a pool grown from many call paths" 1 "$RL" check --no-db -v -j 1 "$SRC/fixtures/pool_grown_from_many_call_paths.c"
contexts=$(sed -n 's/^racelint: model: .* \([0-9]*\) contexts.*/\1/p' "$TMP/err")
if [ -n "$contexts" ] && [ "$contexts" -le 120 ]; then ok "its contexts ($contexts)"; else not_ok "its contexts ($contexts, wanted at most 120)"; fi

summary threads
