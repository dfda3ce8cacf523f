#!/bin/sh
# Where racelint reads and writes: -p as a folder or the file, the
# compile_commands.json found upward, paths as the focus of a database
# run, the default database in the project's root (from any subfolder),
# RACELINT_DB, and outputs that cannot be written refused before the
# analysis starts.
# usage: paths.sh PATH/TO/racelint SOURCE_DIR
set -u
RL=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -f "$TMP/err" ] && sed 's/^/    stderr: /' "$TMP/err" | head -5; }
expect() {
  name=$1; want=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok "$name"; else not_ok "$name (exit $got, wanted $want)"; fi
}
# in_dir DIR NAME STATUS CMD...: expect, run in folder DIR
in_dir() {
  dir=$1; shift
  name=$1; want=$2; shift 2
  (cd "$dir" && "$@") >"$TMP/out" 2>"$TMP/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok "$name"; else not_ok "$name (exit $got, wanted $want)"; fi
}
contains() {
  if grep -q -- "$3" "$2"; then ok "$1"; else not_ok "$1 ('$3' not in $(basename "$2"))"; fi
}
lacks() {
  if grep -q -- "$3" "$2"; then not_ok "$1 ('$3' in $(basename "$2"))"; else ok "$1"; fi
}
exists() {
  if [ -f "$2" ]; then ok "$1"; else not_ok "$1 ($2 missing)"; fi
}
missing() {
  if [ -e "$2" ]; then not_ok "$1 ($2 exists)"; else ok "$1"; fi
}

BANK=$SRC/examples/bank
RACE="stats.c:14:9: warning: data race on 'stats.failed'"
# compdb FILE: the bank example's three units (the race is in stats.c,
# its threads are started in main.c).
compdb() {
  cat >"$1" <<JSON
[
 {"directory": "$BANK", "file": "accounts.c", "arguments": ["cc", "-c", "-I.", "accounts.c"]},
 {"directory": "$BANK", "file": "stats.c", "command": "cc -c -DNDEBUG stats.c"},
 {"directory": "$BANK", "file": "main.c", "command": "cc -c main.c"}
]
JSON
}

echo "# -p: the folder or the file"
mkdir -p "$TMP/p/build"
compdb "$TMP/p/build/compile_commands.json"
cp "$TMP/p/build/compile_commands.json" "$TMP/p/build/other-name.json"
expect "-p FOLDER" 1 "$RL" check --no-db -p "$TMP/p/build"
contains "-p FOLDER finds the race" "$TMP/out" "$RACE"
expect "-p compile_commands.json" 1 "$RL" check --no-db -p "$TMP/p/build/compile_commands.json"
contains "-p FILE finds the race" "$TMP/out" "$RACE"
expect "-p a database of another name" 1 "$RL" check --no-db -p "$TMP/p/build/other-name.json"
contains "it is read too" "$TMP/out" "$RACE"
expect "-p that does not exist" 2 "$RL" check --no-db -p "$TMP/p/nope"
contains "it is named" "$TMP/err" "nope"
expect "-p with flags after --" 2 "$RL" check --no-db -p "$TMP/p/build" -- -DX
contains "flags with -p are explained" "$TMP/err" "flags after -- are for paths analysed without a compilation database"

echo "# compile_commands.json searched upward"
mkdir -p "$TMP/up/src/deep" "$TMP/up/build"
compdb "$TMP/up/build/compile_commands.json"
in_dir "$TMP/up/src/deep" "no -p, no paths: build/compile_commands.json two levels up" 1 "$RL" check --no-db
contains "it finds the race" "$TMP/out" "$RACE"
contains "it says which database it used" "$TMP/err" "note: using $TMP/up/build/compile_commands.json"
mkdir -p "$TMP/up2/a/b"
compdb "$TMP/up2/compile_commands.json"
in_dir "$TMP/up2/a/b" "no -p: compile_commands.json itself in a parent" 1 "$RL" check --no-db
contains "the parent's database is used" "$TMP/err" "note: using $TMP/up2/compile_commands.json"
# The nearest wins: a database in the folder itself comes before build/ above.
mkdir -p "$TMP/up/src/deep/build"
echo '[]' >"$TMP/up/src/deep/build/compile_commands.json"
in_dir "$TMP/up/src/deep" "the nearest database is taken, even a bad one" 2 "$RL" check --no-db
contains "and named" "$TMP/err" "src/deep/build/compile_commands.json"
rm -r "$TMP/up/src/deep/build"
in_dir "$TMP/up/src/deep" "guards and threads search too" 0 "$RL" threads
contains "threads finds the tellers" "$TMP/out" "teller"
mkdir -p "$TMP/none"
in_dir "$TMP/none" "no database anywhere and no paths" 2 "$RL" check --no-db
contains "the error says what was looked for" "$TMP/err" "compile_commands.json in the current folder or above it"

echo "# paths with a database: all units analysed, only the paths reported"
expect "-p with stats.c: the race in stats.c" 1 "$RL" check --no-db -p "$TMP/p/build" "$BANK/stats.c"
contains "the race is reported" "$TMP/out" "$RACE"
expect "-p with accounts.c: nothing in accounts.c" 0 "$RL" check --no-db -p "$TMP/p/build" "$BANK/accounts.c"
lacks "the stats.c race is left out" "$TMP/out" "stats.failed"
contains "a notice says one finding was left out" "$TMP/err" "note: 1 finding outside the paths given was not reported (the whole program was analysed) \[focus\]"
expect "-p with accounts.c, as JSON" 0 "$RL" check --no-db -p "$TMP/p/build" --format json "$BANK/accounts.c"
if jq -e '(.findings | length) == 0 and (.run.notices | map(select(.code == "focus")) | length) == 1' "$TMP/out" >/dev/null 2>&1; then
  ok "JSON: no finding, the focus notice"; else not_ok "JSON: no finding, the focus notice"; fi
expect "-p with the example's folder" 1 "$RL" check --no-db -p "$TMP/p/build" "$BANK"
contains "a folder covers its files" "$TMP/out" "$RACE"
expect "-p with a path that does not exist" 2 "$RL" check --no-db -p "$TMP/p/build" "$TMP/p/gone.c"
contains "the missing path is named" "$TMP/err" "gone.c"
# The rest of the program gives the structure: stats.c alone starts no
# thread, so analysed alone (-- ends the search) it has no race.
expect "stats.c alone (--: no database)" 0 "$RL" check --no-db "$BANK/stats.c" --
lacks "alone it has no race" "$TMP/out" "stats.failed"
# The database found upward from the first path.
mkdir -p "$TMP/proj/build"
cp -r "$BANK" "$TMP/proj/src"
sed "s#$BANK#$TMP/proj/src#" "$TMP/p/build/compile_commands.json" >"$TMP/proj/build/compile_commands.json"
expect "a path, no -p: the database above it is used" 1 "$RL" check --no-db "$TMP/proj/src/stats.c"
contains "the race needs main.c's threads" "$TMP/out" "src/stats.c:14:9: warning: data race on 'stats.failed'"
contains "the database is named" "$TMP/err" "note: using $TMP/proj/build/compile_commands.json"
expect "a path it does not compile: analysed alone" 0 "$RL" check --no-db -v "$TMP/proj/src/bank.h"
contains "-v says why" "$TMP/err" "compiles none of the paths given; they are analysed alone"

echo "# the default database in the project's root"
mkdir -p "$TMP/cfg/src/sub"
printf 'functions: []\n' >"$TMP/cfg/.racelint.yaml"
cp "$SRC/fixtures/seed_buffer_nolock.c" "$TMP/cfg/src/sub/racy.c"
in_dir "$TMP/cfg/src/sub" "check from a subfolder of a .racelint.yaml project" 1 "$RL" check racy.c --
exists "the database is at the config's folder" "$TMP/cfg/.racelint/racelint.db"
missing "not in the subfolder" "$TMP/cfg/src/sub/.racelint"
contains "the summary names it" "$TMP/err" "recorded in $TMP/cfg/.racelint/racelint.db"
in_dir "$TMP/cfg/src" "runs from another subfolder finds it" 0 "$RL" runs --format csv
contains "the run is listed" "$TMP/out" "^1,"
in_dir "$TMP/cfg" "from the root the path is short" 1 "$RL" check src/sub/racy.c --
contains "relative at the root" "$TMP/err" "run 2 recorded in .racelint/racelint.db"
if command -v git >/dev/null 2>&1; then
  mkdir -p "$TMP/repo/lib/x"
  git -C "$TMP/repo" init -q 2>/dev/null
  cp "$SRC/fixtures/seed_buffer_nolock.c" "$TMP/repo/lib/x/racy.c"
  in_dir "$TMP/repo/lib/x" "check in a git work tree's subfolder" 1 "$RL" check racy.c --
  exists "the database is at the git top level" "$TMP/repo/.racelint/racelint.db"
  in_dir "$TMP/repo/lib" "findings from elsewhere in the tree" 0 "$RL" findings --format csv
  contains "the finding is there" "$TMP/out" "racy.c"
else
  echo "skip - git is not installed: no work tree to find the root of"
fi
# No config, no git: the compile database's folder.
in_dir "$TMP/up/src/deep" "check with a database found upward" 1 "$RL" check
exists "the database is in the compile database's folder" "$TMP/up/build/.racelint/racelint.db"
in_dir "$TMP/up" "runs from the project's top finds it (build/ is searched)" 0 "$RL" runs --format csv
contains "the run is listed there" "$TMP/out" "^1,"
mkdir -p "$TMP/plain"
cp "$SRC/fixtures/seed_buffer_nolock.c" "$TMP/plain/racy.c"
in_dir "$TMP/plain" "nothing else: the current folder" 1 "$RL" check racy.c --
exists "the database is in the current folder" "$TMP/plain/.racelint/racelint.db"

echo "# RACELINT_DB and --db"
in_dir "$TMP/plain" "RACELINT_DB" 1 env RACELINT_DB="$TMP/env.db" "$RL" check racy.c --
exists "RACELINT_DB is used" "$TMP/env.db"
in_dir "$TMP/plain" "runs reads RACELINT_DB" 0 env RACELINT_DB="$TMP/env.db" "$RL" runs --format csv
contains "its one run" "$TMP/out" "^1,"
in_dir "$TMP/plain" "--db wins over RACELINT_DB" 1 env RACELINT_DB="$TMP/env.db" "$RL" check --db "$TMP/flag.db" racy.c --
exists "--db is used" "$TMP/flag.db"
if [ "$(sqlite3 "$TMP/env.db" 'SELECT count(*) FROM runs')" = 1 ]; then ok "RACELINT_DB untouched by --db"; else not_ok "RACELINT_DB untouched by --db"; fi

echo "# outputs that cannot be written fail before the analysis"
mkdir -p "$TMP/early"
cp "$SRC/fixtures/seed_buffer_nolock.c" "$TMP/early/racy.c"
printf 'int broken( {\n' >"$TMP/early/broken.c"
echo "a regular file" >"$TMP/afile"
expect "-o under a regular file" 2 "$RL" check --no-db -o "$TMP/afile/x.json" "$TMP/early"
contains "the output is named" "$TMP/err" "afile/x.json"
lacks "no unit was parsed" "$TMP/err" "broken.c"
expect "-o in /proc" 2 "$RL" check --no-db -o /proc/racelint-x.json "$TMP/early"
contains "/proc is named" "$TMP/err" "/proc/racelint-x.json"
lacks "nothing parsed for /proc either" "$TMP/err" "broken.c"
expect "threads -o under a regular file" 2 "$RL" threads -o "$TMP/afile/t.txt" "$TMP/early"
lacks "threads parsed nothing" "$TMP/err" "broken.c"
expect "guards -o under a regular file" 2 "$RL" guards -o "$TMP/afile/g.csv" "$TMP/early"
lacks "guards parsed nothing" "$TMP/err" "broken.c"
expect "--db under a regular file" 2 "$RL" check --db "$TMP/afile/x.db" "$TMP/early"
lacks "no unit parsed for the database" "$TMP/err" "broken.c"
expect "RACELINT_DB under a regular file" 2 env RACELINT_DB="$TMP/afile/x.db" "$RL" check "$TMP/early"
lacks "no unit parsed for RACELINT_DB" "$TMP/err" "broken.c"
mkdir -p "$TMP/blocked"
printf 'functions: []\n' >"$TMP/blocked/.racelint.yaml"
echo "not a folder" >"$TMP/blocked/.racelint"
cp "$SRC/fixtures/seed_buffer_nolock.c" "$TMP/blocked/racy.c"
printf 'int broken( {\n' >"$TMP/blocked/broken.c"
in_dir "$TMP/blocked" "the default database's folder is a file" 2 "$RL" check .
contains "the folder is named" "$TMP/err" "the database folder '.racelint' is not a folder"
lacks "nothing was parsed" "$TMP/err" "broken.c"
in_dir "$TMP/blocked" "--no-db does not need it" 1 "$RL" check --no-db --max-parse-failures 1 .
expect "a writable -o still works" 1 "$RL" check --no-db -o "$TMP/early/report.txt" "$TMP/early/racy.c"
contains "the report was written" "$TMP/early/report.txt" "data race"
# The probe's temporary file (.racelint-probe.XXXXXX) is gone again.
if [ "$(find "$TMP/early" -name '.racelint-probe.*' -o -name '.report.txt.*' | wc -l)" -eq 0 ]; then ok "the probe left no temporary file"; else not_ok "the probe left no temporary file"; fi

echo
echo "cli paths: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
