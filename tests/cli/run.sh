#!/bin/sh
# End-to-end tests of the racelint binary: exit codes, formats, the
# findings database, compilation databases and bad input.
# usage: run.sh PATH/TO/racelint SOURCE_DIR
set -u
RL=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -f "$TMP/err" ] && sed 's/^/    stderr: /' "$TMP/err" | head -5; }

# expect NAME STATUS CMD... : runs CMD, checks its exit status.
expect() {
  name=$1; want=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok "$name"; else not_ok "$name (exit $got, wanted $want)"; fi
}
# contains NAME FILE TEXT
contains() {
  if grep -q -- "$3" "$2"; then ok "$1"; else not_ok "$1 ('$3' not in $(basename "$2"))"; fi
}
# lacks NAME FILE TEXT
lacks() {
  if grep -q -- "$3" "$2"; then not_ok "$1 ('$3' in $(basename "$2"))"; else ok "$1"; fi
}

FX=$SRC/fixtures
cd "$TMP" || exit 1

expect "version exits 0" 0 "$RL" --version
contains "version names racelint" "$TMP/out" "racelint"
expect "no arguments is a usage error" 2 "$RL"
expect "unknown command is a usage error" 2 "$RL" frobnicate
contains "unknown command is named" "$TMP/err" "frobnicate"
expect "bad -j is a usage error" 2 "$RL" check -j zero "$FX/seed_buffer_mutex.c"
expect "unknown format is a usage error" 2 "$RL" check --format xml "$FX/seed_buffer_mutex.c"
expect "missing path is an input error" 2 "$RL" check --no-db "$TMP/nope.c"
contains "missing path is named" "$TMP/err" "nope.c"

expect "clean program exits 0" 0 "$RL" check --no-db "$FX/seed_buffer_mutex.c"
if [ ! -s "$TMP/out" ]; then ok "clean program prints nothing on stdout"; else not_ok "clean program prints nothing on stdout"; fi
expect "racy program exits 1" 1 "$RL" check --no-db "$FX/seed_buffer_nolock.c"
contains "text names the race" "$TMP/out" "warning: data race on 'buf\[\]' \[race\]"
contains "text has a note with the thread" "$TMP/out" "note: write in thread 'writer'"

expect "json output" 1 "$RL" check --no-db --format json "$FX/seed_buffer_nolock.c"
if jq -e '.version == 1 and (.findings | length) >= 1 and .findings[0].rule == "race" and (.findings[0].events | length) == 2' "$TMP/out" >/dev/null 2>&1; then
  ok "json is valid and has the finding"; else not_ok "json is valid and has the finding"; fi

expect "-o writes the report to a file" 1 "$RL" check --no-db -o "$TMP/report.txt" "$FX/seed_buffer_nolock.c"
contains "-o file has the finding" "$TMP/report.txt" "data race"

# The findings database.
expect "check records a run" 1 "$RL" check --db "$TMP/f.db" "$FX/seed_buffer_nolock.c"
contains "summary names the run" "$TMP/err" "run 1 recorded"
expect "a second run" 0 "$RL" check --db "$TMP/f.db" "$FX/seed_buffer_mutex.c"
if [ "$(sqlite3 "$TMP/f.db" 'SELECT count(*) FROM runs')" = 2 ]; then ok "two runs stored"; else not_ok "two runs stored"; fi
if [ "$(sqlite3 "$TMP/f.db" 'SELECT count(*) FROM findings WHERE run_id = 1')" -ge 1 ]; then ok "findings stored"; else not_ok "findings stored"; fi
if [ "$(sqlite3 "$TMP/f.db" 'PRAGMA integrity_check')" = ok ]; then ok "database intact"; else not_ok "database intact"; fi
expect "findings of the latest run (clean)" 0 "$RL" findings --db "$TMP/f.db"
expect "findings of run 1" 0 "$RL" findings --db "$TMP/f.db" --run 1
contains "findings lists the race" "$TMP/out" "data race on 'buf\[\]'"
expect "findings of a run that does not exist" 2 "$RL" findings --db "$TMP/f.db" --run 99
expect "findings without a database" 2 "$RL" findings --db "$TMP/none.db"
contains "missing database is named" "$TMP/err" "none.db"

# Queries succeed whatever they list; --fail-on makes findings a gate.
# (Run 1 has findings, run 2, the latest, has none.)
expect "a query in a set -e script goes on after listing findings" 0 \
  sh -ec '"$1" findings -q --db "$2" --run 1 >/dev/null; echo reached' sh "$RL" "$TMP/f.db"
contains "the script reached its next line" "$TMP/out" "^reached$"
expect "findings --format sarif with findings is a query too" 0 "$RL" findings -q --db "$TMP/f.db" --run 1 --format sarif
expect "findings --fail-on any: 1 with findings" 1 "$RL" findings -q --db "$TMP/f.db" --run 1 --fail-on any
expect "findings --fail-on any: 0 without" 0 "$RL" findings -q --db "$TMP/f.db" --fail-on any
expect "findings --fail-on new: the first run's findings are new" 1 "$RL" findings -q --db "$TMP/f.db" --run 1 --fail-on new
expect "findings --fail-on none" 0 "$RL" findings -q --db "$TMP/f.db" --run 1 --fail-on none
expect "findings --fail-on with a bad word" 2 "$RL" findings -q --db "$TMP/f.db" --fail-on some
expect "--fail-on on a query that is no gate is a usage error" 2 "$RL" runs --db "$TMP/f.db" --fail-on any
contains "it says which commands take it" "$TMP/err" "check and findings"

# Formats by request: the table wherever the output goes, CSV when asked.
expect "findings | cat" 0 sh -c '"$1" findings -q --db "$2" --run 1 | cat' sh "$RL" "$TMP/f.db"
contains "findings | cat prints the table" "$TMP/out" "^ID  STATUS  RULE  POSITION"
lacks "findings | cat prints no CSV" "$TMP/out" "^id,"
expect "show | cat" 0 sh -c '"$1" show -q --db "$2" 1 | cat' sh "$RL" "$TMP/f.db"
contains "show | cat prints the finding for people" "$TMP/out" "^finding 1 in run 1"
lacks "show | cat prints no field,value dump" "$TMP/out" "^field,value"
expect "findings --format csv" 0 "$RL" findings -q --db "$TMP/f.db" --run 1 --format csv
contains "CSV when asked" "$TMP/out" "^id,run,status,rule"

expect "database in a missing folder" 2 "$RL" check --db "$TMP/no/such/dir/f.db" "$FX/seed_buffer_mutex.c"
contains "missing folder is named" "$TMP/err" "does not exist"
echo "this is not sqlite, just text that is long enough to look like a header......................." >"$TMP/bad.db"
expect "a file that is not SQLite" 2 "$RL" check --db "$TMP/bad.db" "$FX/seed_buffer_mutex.c"
contains "not-SQLite file is explained" "$TMP/err" "not a racelint database"
mkdir -p "$TMP/cwd" && cd "$TMP/cwd" || exit 1
expect "default database location" 1 "$RL" check "$FX/seed_buffer_nolock.c"
if [ -f "$TMP/cwd/.racelint/racelint.db" ]; then ok "default database created under .racelint/"; else not_ok "default database created under .racelint/"; fi
cd "$TMP" || exit 1

# Compilation databases.
mkdir -p "$TMP/build"
cat >"$TMP/build/compile_commands.json" <<JSON
[
 {"directory": "$SRC/examples/bank", "file": "accounts.c", "arguments": ["cc", "-c", "-o", "accounts.o", "-I.", "accounts.c"]},
 {"directory": "$SRC/examples/bank", "file": "stats.c", "command": "cc -c -o stats.o -DNDEBUG stats.c"},
 {"directory": "$SRC/examples/bank", "file": "main.c", "command": "cc -c -o main.o main.c"}
]
JSON
expect "-p reads compile_commands.json" 1 "$RL" check --no-db -p "$TMP/build"
contains "-p finds the example's race" "$TMP/out" "stats.c:14:9: warning: data race on 'stats.failed'"
mkdir -p "$TMP/bad1" "$TMP/bad2" "$TMP/bad3"
echo '{ not json' >"$TMP/bad1/compile_commands.json"
expect "malformed compile_commands.json" 2 "$RL" check --no-db -p "$TMP/bad1"
contains "malformed database is explained" "$TMP/err" "not valid JSON"
echo '[]' >"$TMP/bad2/compile_commands.json"
expect "empty compile_commands.json" 2 "$RL" check --no-db -p "$TMP/bad2"
contains "empty database is explained" "$TMP/err" "empty"
expect "missing compile_commands.json" 2 "$RL" check --no-db -p "$TMP/bad3"
contains "missing database file is named" "$TMP/err" "compile_commands.json"

# A unit that does not parse is reported; the rest is analysed (1 of 2
# units is more than the default 10%, tests/ci/run.sh: tolerated here).
mkdir -p "$TMP/mixed"
cp "$FX/seed_buffer_nolock.c" "$TMP/mixed/racy.c"
printf 'int broken( {\n' >"$TMP/mixed/broken.c"
expect "broken unit does not stop the analysis" 1 "$RL" check --no-db --max-parse-failures 1 "$TMP/mixed"
contains "broken unit is reported" "$TMP/err" "broken.c"
contains "the other unit's race is found" "$TMP/out" "racy.c"
# Hostile files: binary, empty, non-UTF-8 name, a FIFO.
mkdir -p "$TMP/odd"
head -c 2000 /dev/urandom >"$TMP/odd/binary.c"
: >"$TMP/odd/empty.c"
printf 'int x;\n' >"$TMP/odd/$(printf 'caf\351.c')"
mkfifo "$TMP/odd/pipe.c"
expect "odd files do not stop the analysis" 0 "$RL" check --no-db --max-parse-failures 2 "$TMP/odd"
contains "the binary file is reported" "$TMP/err" "binary.c: parsed with errors"
contains "the FIFO is skipped with a warning" "$TMP/err" "pipe.c: skipped: not a regular file"
expect "a FIFO given by name is an input error" 2 "$RL" check --no-db "$TMP/odd/pipe.c"
mkdir -p "$TMP/empty"
expect "empty folder is an input error" 2 "$RL" check --no-db "$TMP/empty"

# File-scope statics of the same name in two files are different objects.
mkdir -p "$TMP/statics"
cat >"$TMP/statics/a.c" <<'C'
#include <pthread.h>
static long count;
void *bump_a(void *arg) { (void)arg; count++; return 0; }
C
cat >"$TMP/statics/b.c" <<'C'
#include <pthread.h>
static long count;
void *bump_a(void *arg);
static void *bump_b(void *arg) { (void)arg; count++; return 0; }
int main(void) {
    pthread_t x, y;
    pthread_create(&x, 0, bump_a, 0);
    pthread_create(&y, 0, bump_b, 0);
    pthread_join(x, 0);
    pthread_join(y, 0);
    return 0;
}
C
expect "same-named statics in two files do not race" 0 "$RL" check --no-db "$TMP/statics"

# Guard inference: a location locked at most of its places gets a fix hint.
mkdir -p "$TMP/guard"
cat >"$TMP/guard/g.c" <<'C'
#include <pthread.h>
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static long hits;
static void *a(void *p) { (void)p; pthread_mutex_lock(&stats_lock); hits++; pthread_mutex_unlock(&stats_lock); return 0; }
static void *b(void *p) { (void)p; pthread_mutex_lock(&stats_lock); hits += 2; pthread_mutex_unlock(&stats_lock); return 0; }
static void *c(void *p) { (void)p; pthread_mutex_lock(&stats_lock); long h = hits; pthread_mutex_unlock(&stats_lock); return (void *)h; }
static void *d(void *p) { (void)p; hits = 0; return 0; }
int main(void) {
    pthread_t t[4];
    pthread_create(&t[0], 0, a, 0); pthread_create(&t[1], 0, b, 0);
    pthread_create(&t[2], 0, c, 0); pthread_create(&t[3], 0, d, 0);
    for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
    return 0;
}
C
expect "guard inference program" 1 "$RL" check --no-db "$TMP/guard/g.c"
contains "the race carries the inferred guard as a hint" "$TMP/out" "note: hint: 'hits' is accessed holding 'stats_lock' at 3 of 4 places; take it at line 7"
expect "guard inference program as JSON" 1 "$RL" check --no-db --format json "$TMP/guard/g.c"
if jq -e '.findings[0].rank == 0.75 and (.findings | map(.rank) | . == (sort | reverse))' "$TMP/out" >/dev/null 2>&1; then
  ok "findings are ranked by guard coverage, highest first"; else not_ok "findings are ranked by guard coverage, highest first"; fi

# A lock declared with Clang's GUARDED_BY is the guard, whatever the sites hold.
expect "declared guard: the races are found" 1 "$RL" check --no-db "$FX/tsa_guarded_by.c"
contains "declared guard: the hint names it" "$TMP/out" "'hits' is declared GUARDED_BY 'stats_mu'; take it at line 39 and line 41"
contains "declared guard on a field" "$TMP/out" "'acct.balance' is declared GUARDED_BY 'acct.lock'"

# The guard map of the seeds.
expect "guards of the buffer seed" 0 "$RL" guards --format csv "$FX/seed_buffer_mutex.c"
contains "the buffer is guarded by its mutex at every place" "$TMP/out" "^buf\[\],buf_lock,2,2,2,1"
expect "guards of the SafeCounter seed" 0 "$RL" guards --format csv "$FX/seed_safecounter_rwlock.c"
contains "the map is guarded by its rwlock" "$TMP/out" "^c.v\[\],c.mu,2,2,2,1"
expect "guards as JSON" 0 "$RL" guards --format json "$FX/seed_buffer_owner.c"
if jq -e 'map(select(.location == "queue.count"))[0] | .guard == "queue.lock" and .believed == true' "$TMP/out" >/dev/null 2>&1; then
  ok "the owner seed's queue is guarded by its lock"; else not_ok "the owner seed's queue is guarded by its lock"; fi
# (in a folder with no compile_commands.json above it: $TMP has build/ by now)
NOINPUT=$(mktemp -d)
expect "guards needs inputs" 2 sh -c 'cd "$1" && "$2" guards' sh "$NOINPUT" "$RL"
contains "it says what it looked for" "$TMP/err" "needs -p BUILD_DIR, a file or folder, or a compile_commands.json"
rmdir "$NOINPUT"

# The project config adds models for the project's own APIs.
mkdir -p "$TMP/proj/src"
cat >"$TMP/proj/src/pool.c" <<'C'
#include <pthread.h>
struct pool { int n; };
typedef void (*task_fn)(void *);
void thread_pool_submit(struct pool *p, task_fn fn, void *arg);
static long hits;
static void task(void *arg) { (void)arg; hits++; }
int main(void) {
    static struct pool p;
    for (int i = 0; i < 4; i++) thread_pool_submit(&p, task, 0);
    return 0;
}
C
cd "$TMP/proj/src" || exit 1
# Without a config, thread_pool_submit is a function racelint cannot see:
# the task it is handed may run on threads of its own (a callback spawn).
expect "without a config the pool is unseen code" 1 "$RL" check --no-db -v pool.c
contains "its tasks count as callbacks that race" "$TMP/out" "data race on 'hits'"
contains "and no config was read" "$TMP/err" "config: none"
printf 'functions:\n  - name: thread_pool_submit\n    kind: spawn\n    entry: 1\n    arg: 2\n' >"$TMP/proj/.racelint.yaml"
expect "the nearest .racelint.yaml is used" 1 "$RL" check --no-db -v pool.c
contains "the config is named" "$TMP/err" "config: .*proj/.racelint.yaml"
contains "the pool's tasks race" "$TMP/out" "data race on 'hits'"
printf 'functions:\n  - name: thread_pool_submit\n    kind: spawnn\n' >"$TMP/proj/bad.yaml"
expect "a bad --config is an input error" 2 "$RL" check --no-db --config "$TMP/proj/bad.yaml" pool.c
contains "the config error names file and line" "$TMP/err" "bad.yaml:3:"
cd "$TMP" || exit 1

echo
echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
