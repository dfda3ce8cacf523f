#!/bin/sh
# Robustness of the racelint binary (docs/robustness.md): bad input, faults
# of the findings database, and security. Each case checks the exit code,
# the message, that the rest of the codebase was still analysed, that no
# sanitizer spoke, and that racelint finished within a time limit.
# Bad input that tests/cli/run.sh already covers (malformed, empty and
# missing compile_commands.json, a syntax error, binary, empty and FIFO
# files, a non-UTF-8 file name, an empty folder) and SIGKILL/SIGINT at
# many moments (tests/history/run.sh) are not repeated here.
# usage: run.sh PATH/TO/racelint SOURCE_DIR
set -u
# Absolute: the cases run from several folders.
RL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Seconds one racelint command may take (under ASan, on a busy machine:
# a hang, not a slow run, is what this catches).
LIMIT=${ROBUSTNESS_TIMEOUT:-180}
TEST_TIMEOUT=$LIMIT
. "$SRC/tests/lib.sh"
T_START=$(date +%s)

# count_races FILE: race warnings in a text report
count_races() { grep -c 'warning: data race' "$1"; }

cd "$TMP" || exit 1
# The good unit of every mixed case: its race (one location, two sites)
# must still be reported.
GOOD=$SRC/fixtures/seed_buffer_nolock.c
RACE="racy.c:20:5: warning: data race on 'buf\[\]'"
RACE_SITE2="racy.c:25:37: note: read in thread 'reader'"
# good_folder DIR: a folder holding the good unit (and nothing else yet)
good_folder() { mkdir -p "$1" && cp "$GOOD" "$1/racy.c"; }
# still_analysed NAME: the good unit's races are in the last output
still_analysed() {
  if grep -q -- "$RACE" "$TMP/out" && grep -q -- "$RACE_SITE2" "$TMP/out" && [ "$(count_races "$TMP/out")" -eq 1 ]; then
    ok "$1: the rest is still analysed"
  else not_ok "$1: the rest is still analysed (the good unit's race and its two sites not reported)"; fi
}

echo "# compilation databases"
# compdb NAME JSON: writes NAME/compile_commands.json
compdb() { mkdir -p "$TMP/$1" && printf '%s\n' "$2" >"$TMP/$1/compile_commands.json"; }
good_folder "$TMP/proj"
P=$TMP/proj
GOOD_ENTRY="{\"directory\": \"$P\", \"file\": \"racy.c\", \"arguments\": [\"cc\", \"-c\", \"racy.c\"]}"

compdb shape-object "{\"directory\": \"$P\", \"file\": \"racy.c\", \"command\": \"cc -c racy.c\"}"
expect "a single object instead of an array" 2 "$RL" check --no-db -p "$TMP/shape-object"
contains "the wrong shape is explained, naming the file" "$TMP/err" "shape-object/compile_commands.json: expected a JSON array of compile commands"
compdb shape-strings '["cc -c racy.c"]'
expect "an array of strings" 2 "$RL" check --no-db -p "$TMP/shape-strings"
contains "the entry that is not an object is named" "$TMP/err" "compile_commands.json: entry 0 is not an object"
compdb shape-nofile "[$GOOD_ENTRY, {\"directory\": \"$P\", \"command\": \"cc -c x.c\"}]"
expect "an entry without \"file\"" 2 "$RL" check --no-db -p "$TMP/shape-nofile"
contains "the entry and the field are named" "$TMP/err" "entry 1 needs string fields \"directory\" and \"file\""
compdb shape-nocmd "[{\"directory\": \"$P\", \"file\": \"racy.c\"}]"
expect "an entry without a command" 2 "$RL" check --no-db -p "$TMP/shape-nocmd"
contains "the missing command is explained" "$TMP/err" "entry 0 has neither \"command\" nor \"arguments\""
compdb blank '   '
expect "a compile_commands.json of blanks" 2 "$RL" check --no-db -p "$TMP/blank"
contains "blanks are not valid JSON" "$TMP/err" "blank/compile_commands.json:.*not valid JSON"
printf '[{"directory": "%s", "file": "r\351cy.c", "command": "cc -c r\351cy.c"}]\n' "$P" >"$TMP/blank/compile_commands.json"
expect "a compile_commands.json that is not UTF-8" 2 "$RL" check --no-db -p "$TMP/blank"
contains "invalid UTF-8 is explained with its position" "$TMP/err" "compile_commands.json:1:.*not valid JSON"
mkdir -p "$TMP/dirdb/compile_commands.json"
expect "compile_commands.json is a folder" 2 "$RL" check --no-db -p "$TMP/dirdb"
contains "the folder is named" "$TMP/err" "dirdb/compile_commands.json: not a regular file"

compdb missing-files "[{\"directory\": \"$P\", \"file\": \"gone.c\", \"command\": \"cc -c gone.c\"}, $GOOD_ENTRY, {\"directory\": \"$TMP/nowhere\", \"file\": \"x.c\", \"command\": \"cc -c x.c\"}]"
expect "entries for files that do not exist" 1 "$RL" check --no-db -p "$TMP/missing-files"
contains "the missing file is named with the reason" "$TMP/err" "proj/gone.c: skipped: No such file or directory (listed in"
contains "so is the one in a missing folder" "$TMP/err" "nowhere/x.c: skipped: No such file or directory"
still_analysed "entries for files that do not exist"

# A relative "directory" is relative to the folder of compile_commands.json,
# wherever racelint runs from.
mkdir -p "$TMP/reltree/build" "$TMP/reltree/src" "$TMP/elsewhere"
cp "$GOOD" "$TMP/reltree/src/racy.c"
printf '#define BUF_SIZE_UNUSED 1\n' >"$TMP/reltree/src/local.h"
printf '[{"directory": "../src", "file": "racy.c", "arguments": ["cc", "-c", "-I.", "-include", "local.h", "racy.c"]}]\n' \
  >"$TMP/reltree/build/compile_commands.json"
cd "$TMP/elsewhere" || exit 1
expect "a relative \"directory\" field" 1 "$RL" check --no-db -p ../reltree/build
cd "$TMP" || exit 1
contains "its file is found beside the database" "$TMP/out" "reltree/src/$RACE"
lacks "and parsed cleanly (its -I. and -include resolved there)" "$TMP/err" "error"

compdb flags "[{\"directory\": \"$P\", \"file\": \"racy.c\", \"arguments\": [\"gcc\", \"-fno-such-flag\", \"-mfrobnicate=3\", \"--weird\", \"-Wl,--no-such\", \"-fconserve-stack\", \"-c\", \"racy.c\"]}]"
expect "unknown compiler flags" 1 "$RL" check --no-db -p "$TMP/flags"
contains "the unknown flag is named, with the file" "$TMP/err" "flag '-fno-such-flag' dropped: racelint does not pass it to the parser (1 entry, the first .*proj/racy.c)"
contains "-Wl, is refused, naming the entry" "$TMP/err" "proj/racy.c: flags refused, they could write files or load code: -Wl,--no-such (entry 0 of"
lacks "the unit parses cleanly without them" "$TMP/err" "parsed with errors"
still_analysed "unknown compiler flags"

mkfifo "$TMP/proj/fifo.c"
compdb specials "[{\"directory\": \"$P\", \"file\": \"fifo.c\", \"command\": \"cc -c fifo.c\"}, {\"directory\": \"/dev\", \"file\": \"null\", \"command\": \"cc -c null\"}, {\"directory\": \"$P\", \"file\": \"$P\", \"command\": \"cc -c x\"}, $GOOD_ENTRY]"
expect "a FIFO, /dev/null and a folder listed as sources" 1 "$RL" check --no-db -p "$TMP/specials"
contains "the FIFO is skipped, not read" "$TMP/err" "proj/fifo.c: skipped: not a regular file (listed in"
contains "/dev/null is skipped" "$TMP/err" "/dev/null: skipped: not a C source file"
still_analysed "special files listed as sources"
rm -f "$TMP/proj/fifo.c"

echo "# hostile sources"
# Units that do not parse are tolerated here (--max-parse-failures 100%):
# these tests are about the rest of the run going on; the gate is
# tests/ci/run.sh's.
good_folder "$TMP/hdr"
cat >"$TMP/hdr/nohdr.c" <<'C'
#include "no_such_header.h"
#include <no/such/system/header.h>
long hits;
void *bump(void *p) { (void)p; hits++; return 0; }
C
expect "a missing header" 1 "$RL" check --no-db --max-parse-failures 100% "$TMP/hdr"
contains "the missing header is named with its file" "$TMP/err" "nohdr.c:1:10: error: 'no_such_header.h' file not found"
still_analysed "a missing header"

# Non-UTF-8 bytes: in comments and strings clang takes them as they are;
# in an identifier they are an error of that unit alone.
mkdir -p "$TMP/latin1"
E=$(printf '\351')
{ LC_ALL=C sed "s|// RACE|/* ${E}t${E} */|" "$GOOD"; printf '/* caf\351 \377\376 cr\350me */\nconst char *latin1 = "\351\377\200";\n'; } >"$TMP/latin1/racy.c"
printf 'int caf\351 = 1;\n' >"$TMP/latin1/ident.c"
expect "non-UTF-8 bytes in sources" 1 "$RL" check --no-db --max-parse-failures 100% "$TMP/latin1"
contains "non-UTF-8 in an identifier is reported" "$TMP/err" "ident.c:1:8: error: source file is not valid UTF-8"
still_analysed "non-UTF-8 bytes in comments and strings"
expect "non-UTF-8 bytes in sources, as JSON" 1 "$RL" check --no-db --max-parse-failures 100% --format json "$TMP/latin1"
if jq -e '[.findings[] | select(.events[0].file | endswith("racy.c"))] | length == 1 and (.[0].events | length == 2)' "$TMP/out" >/dev/null 2>&1; then
  ok "the JSON report stays valid JSON with the race and both its sites"; else not_ok "the JSON report stays valid JSON with the race and both its sites"; fi

# A generated file of 200,000 lines: 14,300 small functions, then one
# function of 100,000 statements, and a planted race at the end.
mkdir -p "$TMP/gen"
awk 'BEGIN {
  print "#include <pthread.h>"
  for (i = 0; i < 14300; i++) printf "static int g%d;\nint fn%d(int a)\n{\n    g%d += a;\n    return g%d;\n}\n\n", i, i, i, i
  print "long planted;"
  print "int long_function(int x)\n{"
  for (i = 0; i < 100000; i++) printf "    x = x * 3 + %d;\n", i
  print "    return x;\n}"
  print "static void *worker(void *p) { (void)p; planted++; return 0; }"
  print "int main(void)\n{\n    pthread_t a, b;\n    pthread_create(&a, 0, worker, 0);"
  print "    pthread_create(&b, 0, worker, 0);\n    return long_function(0);\n}"
}' >"$TMP/gen/generated.c"
equals "the generated file has 200,000 lines or more" "$(($(wc -l <"$TMP/gen/generated.c") >= 200000))" 1
expect "a 200,000-line generated file" 1 "$RL" check --no-db "$TMP/gen"
contains "its planted race is found" "$TMP/out" "generated.c:.*warning: data race on 'planted'"

# 2,000 unprotected increments of one counter, in a thread started twice:
# every pair of lines races, but there is one finding for the counter with
# a note per racing line (rules/race.md), and racelint does not confirm
# every pair of lines: seconds, not minutes.
mkdir -p "$TMP/counter"
awk 'BEGIN {
  print "#include <pthread.h>\nlong counter;\nstatic void *work(void *p)\n{\n    (void)p;"
  for (i = 0; i < 2000; i++) print "    counter++;"
  print "    return 0;\n}\nint main(void)\n{\n    pthread_t a, b;\n    pthread_create(&a, 0, work, 0);"
  print "    pthread_create(&b, 0, work, 0);\n    return 0;\n}"
}' >"$TMP/counter/counter.c"
expect "2,000 racing increments of one counter" 1 "$RL" check --no-db "$TMP/counter"
equals "one finding, with a site for each of the 2,000 lines" \
  "$(count_races "$TMP/out"):$(grep 'note: read-write' "$TMP/out" | grep -o '^[^ ]*counter.c:[0-9]*:' | sort -u | wc -l | tr -d ' ')" "1:2000"
contains "the site count is said" "$TMP/out" "note: 2000 sites, "

# Past the 4096 accesses a location keeps, the other thread's accesses still
# enter (one of each kind): 20,000 increments in two threads still race.
awk 'BEGIN {
  print "#include <pthread.h>\nlong counter;\nstatic void *work(void *p)\n{\n    (void)p;"
  for (i = 0; i < 20000; i++) print "    counter++;"
  print "    return 0;\n}\nint main(void)\n{\n    pthread_t a, b;\n    pthread_create(&a, 0, work, 0);"
  print "    pthread_create(&b, 0, work, 0);\n    return 0;\n}"
}' >"$TMP/counter/counter.c"
expect "20,000 racing increments: the race is still found" 1 "$RL" check --no-db "$TMP/counter"
# (both threads run the same lines: the first 4096 lines each race with the
# second thread's access, and before the kinds were kept, with nothing)
equals "a site for each of the first 4096 lines" \
  "$(count_races "$TMP/out"):$(grep 'note: read-write' "$TMP/out" | grep -o '^[^ ]*counter.c:[0-9]*:' | sort -u | wc -l | tr -d ' ')" "1:4096"

# Deep nesting. Past clang's bracket depth (256) a unit has errors; the
# nested ifs, the else-if chain and the long sum parse and are walked.
# The sum of 200,000 operands is deeper than libclang's own parse thread
# can take (clang crashes on it); racelint parses on threads of its own
# with a larger stack.
mkdir -p "$TMP/deep"
cp "$GOOD" "$TMP/deep/racy.c"
awk 'BEGIN {
  printf "int parens(int x) { return "; for (i = 0; i < 5000; i++) printf "("; printf "x"; for (i = 0; i < 5000; i++) printf ")"; print "; }"
}' >"$TMP/deep/parens.c"
awk 'BEGIN {
  print "void blocks(int x) {"; for (i = 0; i < 2000; i++) printf "{"; printf "x++;"; for (i = 0; i < 2000; i++) printf "}"; print "\n}"
}' >"$TMP/deep/blocks.c"
awk 'BEGIN {
  print "int ifs(int x) {"; for (i = 0; i < 2000; i++) printf "if (x > %d) ", i; print "return 1;\n    return 0;\n}"
  print "int chain(int x) {"; for (i = 0; i < 5000; i++) printf "if (x == %d) return %d; else ", i, i; print "return -1;\n}"
}' >"$TMP/deep/ifs.c"
awk 'BEGIN {
  printf "int sum(int x) { return x"; for (i = 0; i < 200000; i++) printf " + x"; print "; }"
}' >"$TMP/deep/sum.c"
expect "deeply nested expressions and blocks" 1 "$RL" check --no-db --max-parse-failures 100% "$TMP/deep"
contains "5000 nested parentheses: the bracket limit is reported" "$TMP/err" "parens.c:1:.*error: bracket nesting level exceeded maximum of 256"
contains "2000 nested blocks: the bracket limit is reported" "$TMP/err" "blocks.c:.*error: bracket nesting level exceeded"
lacks "2000 nested ifs, a 5000-link else-if chain and a 200,000-operand sum parse" "$TMP/err" "ifs.c\|sum.c"
still_analysed "deep nesting"

# Macro-heavy code: an expansion of 2^17 tokens, a chain of 1000 macros,
# and the race itself hidden in nested macros. (Function-like macros
# nested in their own arguments make clang's preprocessor itself
# exponential: tests/robustness/limits.sh stops such a unit at the time
# limit.)
mkdir -p "$TMP/macro"
awk 'BEGIN {
  print "#include <pthread.h>"
  print "#define B0 1 + 1"
  for (i = 1; i <= 16; i++) printf "#define B%d B%d + B%d\n", i, i - 1, i - 1
  print "#define M0 1"
  for (i = 1; i <= 1000; i++) printf "#define M%d M%d + 1\n", i, i - 1
  print "#define CAT(a, b) a##b"
  print "#define XCAT(a, b) CAT(a, b)"
  print "#define BUMP(v) ((v) += XCAT(M, 1000) - M1000 + 1)"
  print "#define WORK(name, v) static void *name(void *p) { (void)p; BUMP(v); return 0; }"
  print "#define SPAWN(t, f) pthread_create(&(t), 0, f, 0)"
  print "long counter;"
  print "int wide(int x) { return x + B16; }"
  print "WORK(worker, counter)"
  print "int main(void) { pthread_t a, b; SPAWN(a, worker); SPAWN(b, worker); return wide(0) + M1000; }"
}' >"$TMP/macro/macros.c"
expect "macro-heavy code" 1 "$RL" check --no-db "$TMP/macro"
lacks "it parses cleanly" "$TMP/err" "error"
contains "the race inside the macros is found" "$TMP/out" "macros.c:.*warning: data race on 'counter'"

# Symlink loops in folder mode: each is skipped with a warning, and the
# good unit is analysed once (not once per path that reaches it).
good_folder "$TMP/links/sub"
ln -s .. "$TMP/links/sub/up"
ln -s loop2 "$TMP/links/loop1"
ln -s loop1 "$TMP/links/loop2"
ln -s nothing-there "$TMP/links/dangling.c"
expect "symlink loops in folder mode" 1 "$RL" check --no-db "$TMP/links"
contains "a link back up is skipped" "$TMP/err" "links/sub/up: skipped: folder already visited"
contains "a loop of links is skipped with the reason" "$TMP/err" "links/loop1: skipped: Too many levels of symbolic links"
contains "a dangling link is named" "$TMP/err" "links/dangling.c: skipped: No such file or directory"
still_analysed "symlink loops"
mkdir -p "$TMP/onlyloop"
ln -s . "$TMP/onlyloop/self"
expect "a folder holding only a symlink loop" 2 "$RL" check --no-db "$TMP/onlyloop"
contains "nothing to analyse is explained" "$TMP/err" "no C source files found"

expect "/dev/null as an input" 2 "$RL" check --no-db /dev/null
contains "the device is named" "$TMP/err" "/dev/null: not a regular file or folder"
mkfifo "$TMP/in.fifo"
expect "a FIFO as an input, not named .c" 2 "$RL" check --no-db "$TMP/in.fifo"
contains "the FIFO is named, not read" "$TMP/err" "in.fifo: not a regular file or folder"

# Parse failures are kept with the run: `findings` lists each unit that
# did not parse cleanly, with its first diagnostics.
good_folder "$TMP/pf"
printf 'int broken( {\n' >"$TMP/pf/broken.c"
expect "a run with a unit that does not parse" 1 "$RL" check --db "$TMP/pf.db" --max-parse-failures 100% "$TMP/pf"
expect "findings of that run" 0 "$RL" findings --db "$TMP/pf.db" --run 1
contains "findings names the unit" "$TMP/err" "run 1: .*pf/broken.c: parsed with errors"
contains "with its diagnostics" "$TMP/err" "broken.c:1:13: error: expected parameter declarator"
expect "runs counts the failed unit" 0 "$RL" runs --db "$TMP/pf.db" --format json
if jq -e '.[0].units_failed == 1 and .[0].findings == 1' "$TMP/out" >/dev/null 2>&1; then
  ok "runs: units_failed 1, 1 finding"; else not_ok "runs: units_failed 1, 1 finding"; fi

echo "# faults of the findings database"
# Every fault below starts from one complete run and must leave it intact:
# the file passes integrity_check, runs still lists it complete, and its
# findings read back the same.
DB=$TMP/hist/h.db
mkdir -p "$TMP/hist"
expect "the earlier run" 1 "$RL" check --db "$DB" -q "$TMP/proj"
"$RL" findings --db "$DB" --run 1 --format csv >"$TMP/run1.csv" 2>/dev/null
# many/: 300 racy counters, enough findings to fill a small limit
mkdir -p "$TMP/many"
awk 'BEGIN {
  print "#include <pthread.h>"
  for (i = 0; i < 300; i++) printf "long counter_%d;\n", i
  print "static void *work(void *arg)\n{\n    (void)arg;"
  for (i = 0; i < 300; i++) printf "    counter_%d++;\n", i
  print "    return 0;\n}\nint main(void)\n{\n    pthread_t a, b;\n    pthread_create(&a, 0, work, 0);"
  print "    pthread_create(&b, 0, work, 0);\n    return 0;\n}"
}' >"$TMP/many/many.c"
# intact NAME DB: the first run is as it was
intact() {
  equals "$1: integrity_check" "$(sqlite3 "$2" 'PRAGMA integrity_check' 2>&1)" ok
  equals "$1: run 1 still complete" "$(sqlite3 "$2" 'SELECT status FROM runs WHERE id = 1' 2>&1)" complete
  timeout "$LIMIT" "$RL" findings --db "$2" --run 1 --format csv >"$TMP/again.csv" 2>/dev/null
  if [ -s "$TMP/run1.csv" ] && cmp -s "$TMP/run1.csv" "$TMP/again.csv"; then ok "$1: run 1's findings read back the same"
  else not_ok "$1: run 1's findings read back the same"; fi
}

# Mount namespaces: as root (CI) `unshare -m`; otherwise a user namespace.
if [ "$(id -u)" = 0 ]; then NS="unshare -m"; else NS="unshare -rm"; fi
# $NS sh -c "$RO" sh DIR CMD...: CMD with DIR mounted read-only, in a
# mount namespace of its own (the mount goes away with it).
RO='mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
if $NS sh -c "$RO" sh "$TMP/hist" sh -c 'touch "$1/probe" 2>/dev/null; [ ! -e "$1/probe" ]' sh "$TMP/hist" 2>/dev/null; then
  expect "check on a read-only file system" 2 $NS sh -c "$RO" sh "$TMP/hist" "$RL" check --db "$DB" "$TMP/proj"
  contains "the read-only file system is named" "$TMP/err" "cannot open database '.*h.db' for writing: folder '.*hist' is on a read-only file system"
  expect "runs still reads it" 0 $NS sh -c "$RO" sh "$TMP/hist" "$RL" runs --db "$DB" --format csv
  contains "with the earlier run" "$TMP/out" "^1,.*,complete,"
  expect "findings still reads it" 0 $NS sh -c "$RO" sh "$TMP/hist" "$RL" findings --db "$DB" --run 1 --format csv
  if cmp -s "$TMP/run1.csv" "$TMP/out"; then ok "the same findings, read-only"; else not_ok "the same findings, read-only"; fi
  intact "read-only file system" "$DB"
  # A -wal file left beside it (a writer that died) cannot be applied there.
  mkdir -p "$TMP/rowal" && cp "$DB" "$TMP/rowal/h.db" && printf 'not yet applied' >"$TMP/rowal/h.db-wal"
  expect "reading beside a -wal file on a read-only file system" 2 $NS sh -c "$RO" sh "$TMP/rowal" "$RL" runs --db "$TMP/rowal/h.db"
  contains "it says why, and what to do" "$TMP/err" "on a read-only file system, beside a -wal file .*; open it once where it can be written"
else
  skip "read-only file system: cannot mount here (no mount namespace)"
fi

# A file size limit (EFBIG) while the findings are written. SIGXFSZ is
# ignored by racelint, so the write fails instead of killing it. The
# report goes to /dev/null: the limit is on regular files.
expect "a run hitting the file size limit" 2 sh -c 'ulimit -f 100 && exec "$@" >/dev/null' sh "$RL" check --db "$DB" "$TMP/many"
contains "the failed write is explained" "$TMP/err" "database '.*h.db': .*could not be written (disk full, or a file size limit?)"
contains "it says the run was not recorded" "$TMP/err" "run 2 was not recorded, earlier runs are intact"
lacks "and does not claim it was" "$TMP/err" "run 2 recorded"
intact "file size limit" "$DB"
equals "the failed run is marked failed" "$(sqlite3 "$DB" 'SELECT status || ":" || (SELECT count(*) FROM findings WHERE run_id = 2) FROM runs WHERE id = 2')" "failed:0"
expect "a run after the limit is lifted" 1 "$RL" check --db "$DB" -q "$TMP/many"
equals "it is recorded whole" "$(sqlite3 "$DB" 'SELECT status || ":" || findings FROM runs WHERE id = 3')" "complete:300"

# A full disk: a 288 KiB tmpfs in a mount namespace; the whole scenario
# runs inside it (the tmpfs goes away with the namespace).
cat >"$TMP/tiny.sh" <<'SH'
# runs inside the namespace: RL TMP; writes each step's status to $TMP/tiny.*
RL=$1; TMP=$2
mount -t tmpfs -o size=288k tmpfs "$TMP/tiny" || exit 99
"$RL" check --db "$TMP/tiny/t.db" -q "$TMP/proj" >/dev/null 2>&1; echo $? >"$TMP/tiny.rc1"
"$RL" findings --db "$TMP/tiny/t.db" --run 1 --format csv >"$TMP/tiny.before" 2>/dev/null
"$RL" check --db "$TMP/tiny/t.db" "$TMP/many" >/dev/null 2>"$TMP/tiny.err"; echo $? >"$TMP/tiny.rc2"
sqlite3 "$TMP/tiny/t.db" 'PRAGMA integrity_check' >"$TMP/tiny.integrity" 2>&1
"$RL" findings --db "$TMP/tiny/t.db" --run 1 --format csv >"$TMP/tiny.after" 2>/dev/null
exit 0
SH
mkdir -p "$TMP/tiny"
timeout -k 5 "$LIMIT" $NS sh "$TMP/tiny.sh" "$RL" "$TMP" 2>/dev/null
tiny=$?
if [ "$tiny" -eq 0 ]; then
  equals "full disk: the earlier run" "$(cat "$TMP/tiny.rc1")" 1
  equals "full disk: the run that fills it exits 2" "$(cat "$TMP/tiny.rc2")" 2
  contains "full disk: explained" "$TMP/tiny.err" "database '.*t.db': .*database or disk is full"
  if grep -q -E 'Sanitizer|runtime error:' "$TMP/tiny.err"; then not_ok "full disk: no sanitizer report"; else ok "full disk: no sanitizer report"; fi
  equals "full disk: integrity_check" "$(cat "$TMP/tiny.integrity")" ok
  if [ -s "$TMP/tiny.before" ] && cmp -s "$TMP/tiny.before" "$TMP/tiny.after"; then ok "full disk: run 1's findings read back the same"
  else not_ok "full disk: run 1's findings read back the same"; fi
elif [ "$tiny" -eq 99 ] || ! $NS true 2>/dev/null; then
  skip "full disk: cannot mount a tmpfs here (no mount namespace)"
else
  not_ok "full disk: the scenario did not finish (status $tiny)"
fi

# Another process holds the write lock longer than the busy timeout
# (shortened from 30 s with RACELINT_BUSY_TIMEOUT_MS).
mkfifo "$TMP/lock.ctl"
sqlite3 "$DB" <"$TMP/lock.ctl" >/dev/null 2>&1 &
holder=$!
exec 3>"$TMP/lock.ctl"
echo 'BEGIN EXCLUSIVE;' >&3
# Wait until the holder has the lock (a loaded machine may take seconds to
# start it); the checks below need it held, and say so if it never was.
i=0
while [ $i -lt 300 ] && sqlite3 "$DB" '.timeout 0' 'BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
if sqlite3 "$DB" '.timeout 0' 'BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1; then
  skip "a database locked by another process: the sqlite3 holder never took the lock in 30 s"
else
  expect "a database locked by another process" 2 env RACELINT_BUSY_TIMEOUT_MS=1000 "$RL" check --db "$DB" "$TMP/proj"
  contains "the lock is explained, naming the database" "$TMP/err" "database '.*h.db' is locked by another process; gave up after waiting 1000 ms"
fi
expect "runs still reads it while locked" 0 "$RL" runs --db "$DB" --format csv
echo 'COMMIT;' >&3
exec 3>&-
wait $holder
intact "locked database" "$DB"
expect "a run after the lock is released" 1 "$RL" check --db "$DB" "$TMP/proj"
contains "it is recorded" "$TMP/err" "run [0-9]* recorded in"
expect "a bad RACELINT_BUSY_TIMEOUT_MS" 2 env RACELINT_BUSY_TIMEOUT_MS=soon "$RL" runs --db "$DB"
contains "is explained" "$TMP/err" "RACELINT_BUSY_TIMEOUT_MS wants a number of milliseconds, not 'soon'"

# SIGINT and SIGKILL in the middle of the analysis (the 200,000-line file
# takes a few seconds). tests/history/run.sh kills checks at many more
# moments; this is the short version beside the other faults.
# signal_mid_run SIG: starts a check, waits for its 'running' row, signals it
signal_mid_run() {
  "$RL" check --db "$DB" --no-cache "$TMP/gen" >/dev/null 2>"$TMP/sig.err" &
  pid=$!
  i=0
  while [ $i -lt 100 ] && [ "$(sqlite3 "$DB" "SELECT count(*) FROM runs WHERE status = 'running'" 2>/dev/null)" != 1 ]; do
    sleep 0.1; i=$((i + 1))
  done
  kill "-$1" $pid
  { wait $pid; } 2>/dev/null # no "Killed" from the shell
}
signal_mid_run INT
equals "SIGINT mid-run exits 130" "$?" 130
contains "SIGINT: it says so" "$TMP/sig.err" "interrupted; run [0-9]* recorded as interrupted"
intact "SIGINT" "$DB"
signal_mid_run KILL
equals "SIGKILL mid-run" "$?" 137
intact "SIGKILL" "$DB"
expect "runs after SIGKILL" 0 "$RL" runs --db "$DB" --format json
if jq -e '.[-1].status == "incomplete" and .[-2].status == "interrupted"' "$TMP/out" >/dev/null 2>&1; then
  ok "the killed run shows incomplete, the interrupted one interrupted"; else not_ok "the killed run shows incomplete, the interrupted one interrupted"; fi

echo "# per-unit time limit and memory ceiling"
# Owned by the per-unit limits (analyzer/workers.c, --unit-timeout and
# --max-memory); tests/robustness/limits.sh tests them on a unit that is
# slow and big, and on a parser that crashes. Here: sources that would
# hang or exhaust the parser by themselves, each stopped by its limit
# while the good unit is still analysed.
good_folder "$TMP/limits"
mkfifo "$TMP/limits/pipe.h"
printf '#include "pipe.h"\nint waits_forever;\n' >"$TMP/limits/fifo_include.c"
expect "a unit that includes a FIFO" 1 "$RL" check --no-db --unit-timeout 3 --max-parse-failures 100% "$TMP/limits"
contains "it is stopped by the time limit, and named" "$TMP/err" "fifo_include.c: was skipped"
contains "with the reason" "$TMP/err" "longer than the limit of 3 s"
still_analysed "a unit that includes a FIFO"
rm "$TMP/limits/fifo_include.c"
printf '#include "/dev/zero"\nint reads_forever;\n' >"$TMP/limits/zero_include.c"
expect "a unit that includes /dev/zero" 1 "$RL" check --no-db --unit-timeout 30 --max-memory 1G --max-parse-failures 100% "$TMP/limits"
contains "it is stopped by the memory ceiling, and named" "$TMP/err" "zero_include.c: was skipped"
contains "with the reason" "$TMP/err" "memory ceiling of 1024 MiB"
still_analysed "a unit that includes /dev/zero"

echo "# security"
# Compile commands are parsed, never run: not through a shell, not as argv.
mkdir -p "$TMP/sec"
cd "$TMP/sec" || exit 1
compdb sec/inject "[
 {\"directory\": \"$TMP/sec\", \"file\": \"$P/racy.c\", \"command\": \"cc -c $P/racy.c; touch PWNED1 && touch \$(echo PWNED2) \`touch PWNED3\`\"},
 {\"directory\": \"$TMP/sec\", \"file\": \"$P/racy.c\", \"arguments\": [\"sh\", \"-c\", \"touch PWNED4\", \"$P/racy.c\"]},
 {\"directory\": \"$TMP/sec\", \"file\": \"$P/racy.c\", \"command\": \"touch PWNED5 $P/racy.c\"}
]"
expect "shell syntax in compile commands" 1 "$RL" check --no-db -p "$TMP/sec/inject"
if ls "$TMP/sec" "$P" "$TMP/sec/inject" 2>/dev/null | grep -q PWNED; then not_ok "no compile command was executed"; else ok "no compile command was executed"; fi
# Nor does a flag load code into the parser: a plugin whose constructor
# would leave a file behind, named by -Xclang -load and -fplugin.
printf '#include <stdio.h>\n__attribute__((constructor)) static void pwn(void) { fclose(fopen("%s/PLUGIN_PWNED", "w")); }\n' "$TMP/sec" >"$TMP/sec/plugin.c"
if cc -shared -fPIC -o "$TMP/sec/plugin.so" "$TMP/sec/plugin.c" 2>/dev/null; then
  compdb sec/plugin "[{\"directory\": \"$P\", \"file\": \"racy.c\", \"arguments\": [\"cc\", \"-Xclang\", \"-load\", \"-Xclang\", \"$TMP/sec/plugin.so\", \"-fplugin=$TMP/sec/plugin.so\", \"-c\", \"racy.c\"]}]"
  expect "compiler plugins named in a compile command" 1 "$RL" check --no-db -p "$TMP/sec/plugin"
  if [ -e "$TMP/sec/PLUGIN_PWNED" ]; then not_ok "no plugin was loaded"; else ok "no plugin was loaded"; fi
else
  skip "compiler plugins: no C compiler to build one"
fi
cd "$TMP" || exit 1

# `racelint sql` is read-only (tests/history/run.sh tries more statements).
n_before=$(sqlite3 "$DB" 'SELECT count(*) FROM runs')
for q in "INSERT INTO runs (started_at, status) VALUES ('x', 'complete')" "ATTACH DATABASE '$TMP/attached.db' AS a" \
         "SELECT load_extension('$TMP/evil.so')" "PRAGMA journal_mode = DELETE" "PRAGMA user_version = 99"; do
  expect "sql refuses: $q" 2 "$RL" sql --db "$DB" "$q"
  contains "sql explains the refusal: $q" "$TMP/err" "racelint: error: refused: .*(racelint sql only reads the database)"
done
equals "nothing was written" "$(sqlite3 "$DB" 'SELECT count(*) FROM runs'):$(sqlite3 "$DB" 'PRAGMA user_version'):$(sqlite3 "$DB" 'PRAGMA journal_mode')" "$n_before:11:wal"
if [ -e "$TMP/attached.db" ]; then not_ok "ATTACH created no file"; else ok "ATTACH created no file"; fi

# Names and text from sources reach the reports escaped: a file name with
# quotes and markup, and </script> in a string and in comments.
mkdir -p "$TMP/esc/src"
HOSTILE='x"<img src=x onerror=alert(1)>'"'"'&.c'
cat >"$TMP/esc/src/$HOSTILE" <<'C'
#include <pthread.h>
/* </script><img src=x onerror=alert(2)> */
long hits; const char *tag = "</script><img src=x onerror=alert(3)>";
static void *work(void *arg) { (void)arg; hits++; /* </script><img src=x onerror=alert(4)> */ return 0; }
int main(void) { pthread_t a, b; pthread_create(&a, 0, work, 0); pthread_create(&b, 0, work, 0); return 0; }
C
cd "$TMP/esc" || exit 1
expect "a hostile file name, as JSON" 1 "$RL" check --db "$TMP/esc/e.db" --format json src
if jq -e --arg f "src/$HOSTILE" '.findings[0].events[0].file == $f' "$TMP/out" >/dev/null 2>&1; then
  ok "JSON: valid, the name kept exactly"; else not_ok "JSON: valid, the name kept exactly"; fi
expect "a hostile file name, as SARIF" 0 "$RL" findings --db "$TMP/esc/e.db" --format sarif
if jq -e '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri | test("^src/x%22%3Cimg")' "$TMP/out" >/dev/null 2>&1; then
  ok "SARIF: valid, the name percent-encoded in the URI"; else not_ok "SARIF: valid, the name percent-encoded in the URI"; fi
# The report: -o with ../ in it writes index.html there and nothing else.
mkdir -p "$TMP/esc/reports/a"
: >"$TMP/marker"
sleep 1 # -newer compares whole seconds on some file systems
expect "report -o through ../" 0 "$RL" report --db "$TMP/esc/e.db" -o reports/a/../html --src-root "$TMP/esc"
equals "it wrote index.html there, and no other file anywhere" \
  "$(find "$TMP" -newer "$TMP/marker" ! -type d ! -path "$TMP/out" ! -path "$TMP/err" ! -path "$TMP/esc/e.db*")" "$TMP/esc/reports/html/index.html"
H=$TMP/esc/reports/html/index.html
lacks "HTML: no raw markup from the file name" "$H" '<img src=x onerror=alert(1)'
lacks "HTML: no raw markup from strings or comments" "$H" '<img src=x onerror=alert([234])'
# (the source is in the finding's data-body attribute, & escaped once more)
contains "HTML: the source line is shown, escaped" "$H" '&amp;lt;/script&amp;gt;&amp;lt;img src=x onerror=alert(4)&amp;gt;'
equals "HTML: one <script> element, closed once" "$(grep -o '<script' "$H" | wc -l | tr -d ' '):$(grep -o '</script' "$H" | wc -l | tr -d ' ')" "1:1"
cd "$TMP" || exit 1

# No temporary files in shared places: none under TMPDIR, and no /tmp path
# or tmpnam-style call in the product's source.
mkdir -p "$TMP/tmpdir"
expect "a check and a report with TMPDIR set" 1 env TMPDIR="$TMP/tmpdir" "$RL" check --db "$TMP/t.db" "$TMP/proj"
TMPDIR="$TMP/tmpdir" timeout "$LIMIT" "$RL" report --db "$TMP/t.db" -o "$TMP/t-report" -q 2>/dev/null
equals "nothing was left in TMPDIR" "$(ls -A "$TMP/tmpdir")" ""
equals "no report temporary is left beside the report" "$(ls -A "$TMP/t-report")" index.html
if grep -rn -E '"/tmp|/var/tmp|tmpnam|tempnam|tmpfile *\(|mktemp *\(' "$SRC/analyzer" >"$TMP/tmpgrep"; then
  not_ok "the product names no shared temporary location"; sed 's/^/    /' "$TMP/tmpgrep"
else
  ok "the product names no shared temporary location"
fi

echo
echo "robustness: $(($(date +%s) - T_START))s"
summary robustness
