#!/bin/sh
# Facts files past one machine (docs/ci.md, "Extraction in the build"):
# a CMake + ninja project (proj/) built with `racelint cc` as the compiler
# launcher, then linked with `check --facts`: byte-for-byte the findings of
# `check -p`. Also: the compiler's behaviour is untouched (a compile error
# fails the build with the compiler's message and status, output, signals);
# non-compile commands leave no facts; Make with CC set to the launcher;
# 4 shards + a link give one run's findings; corrupt, truncated, foreign
# and stale facts files are named and skipped; a unit of the compile
# database without facts is named; the folder as a cache, and its bound;
# concurrent writers never leave half a file.
# usage: run.sh PATH/TO/racelint SOURCE_DIR
set -u
RL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$SRC/tests/lib.sh"

if ! command -v cmake >/dev/null || ! command -v ninja >/dev/null || ! command -v jq >/dev/null; then
  skip "cmake, ninja and jq are needed (scripts/install-deps.sh --tests)"
  summary facts_dir
  exit 0
fi
CC=${CC:-cc}
cp -r "$SRC/tests/facts_dir/proj" "$TMP/proj"
FD=$TMP/facts
# findings as fingerprint + position, one per line, in report order
keyed() { jq -r '.findings[] | "\(.fingerprint) \(.rule) \(.primary.file):\(.primary.line):\(.primary.col)"' "$1"; }
nfacts() { find "$1" -maxdepth 1 -name '*.rlf' | wc -l | tr -d ' '; }

# ---- the launcher in a CMake + ninja build ------------------------------------
cmake -S "$TMP/proj" -B "$TMP/build" -G Ninja -DCMAKE_C_COMPILER="$CC" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  "-DCMAKE_C_COMPILER_LAUNCHER=$RL;cc;--facts-dir;$FD;--" >"$TMP/cmake.log" 2>&1
expect "the project builds with racelint cc as the compiler launcher" 0 ninja -C "$TMP/build" -j2
equals "one facts file per compiled unit" "$(nfacts "$FD")" 4
lacks "the build output says nothing of racelint" "$TMP/out" "racelint"
check "the programs work" "$TMP/build/server"

expect "check -p: the reference run" 1 "$RL" check --no-db -p "$TMP/build"
mv "$TMP/out" "$TMP/ref.txt"; mv "$TMP/err" "$TMP/ref.err"
contains "the reference run finds the race" "$TMP/ref.txt" "data race on 'counters.dropped'"
expect "check --facts: the link step, same exit status" 1 "$RL" check --no-db --facts "$FD"
check "check --facts: byte-for-byte the findings of check -p" cmp "$TMP/ref.txt" "$TMP/out"
check "check --facts: the same summary" cmp "$TMP/ref.err" "$TMP/err"
expect "check -p --facts: the database's units from the facts" 1 "$RL" check --no-db -p "$TMP/build" --facts "$FD"
check "check -p --facts: byte-for-byte the findings of check -p" cmp "$TMP/ref.txt" "$TMP/out"
"$RL" check --no-db -q -p "$TMP/build" --format json -o "$TMP/ref.json"
"$RL" check --no-db -q --facts "$FD" --format json -o "$TMP/link.json"
keyed "$TMP/ref.json" >"$TMP/ref.keys"
keyed "$TMP/link.json" >"$TMP/link.keys"
check "JSON: the same fingerprints and positions" cmp "$TMP/ref.keys" "$TMP/link.keys"
check "JSON: at least one finding compared" test -s "$TMP/ref.keys"
"$RL" check --no-db -q --facts "$FD" -v >/dev/null 2>"$TMP/v.err"
contains "the link step parses nothing" "$TMP/v.err" "0 units parsed, 4 cached"

# ---- the compiler's behaviour is untouched --------------------------------------
cd "$TMP/proj" || exit 1
printf 'int broken(void) { return undeclared_name; }\n' >broken.c
"$CC" -c broken.c -o broken.o >"$TMP/cc.out" 2>"$TMP/cc.err"; want=$?
expect "a compile error fails with the compiler's status" "$want" "$RL" cc --facts-dir "$FD" -- "$CC" -c broken.c -o broken.o
check "a compile error: the compiler's message, unchanged" cmp "$TMP/cc.err" "$TMP/err"
check "a compile error: the compiler's output, unchanged" cmp "$TMP/cc.out" "$TMP/out"
equals "a failed compile leaves no facts" "$(nfacts "$FD")" 4
"$CC" -E src/queue.c -Iinclude >"$TMP/cc.out" 2>&1
expect "-E through the launcher" 0 "$RL" cc --facts-dir "$FD" -- "$CC" -E src/queue.c -Iinclude
check "-E: the same preprocessed output" cmp "$TMP/cc.out" "$TMP/out"
expect "a link through the launcher" 0 "$RL" cc --facts-dir "$FD" -- "$CC" -pthread "$TMP/build/CMakeFiles/tool.dir/src/tool.c.o" "$TMP/build/libcounters.a" -o "$TMP/tool2"
equals "-E and linking leave no facts" "$(nfacts "$FD")" 4
expect "two sources in one command: compiled, no facts" 0 "$RL" cc --facts-dir "$FD" -- "$CC" -c -Iinclude src/queue.c src/counters.c
equals "several sources leave no facts" "$(nfacts "$FD")" 4
sh -c "\"$RL\" cc --facts-dir \"$FD\" -- sh -c 'kill -TERM \$\$'" 2>/dev/null; got=$?
equals "a compiler killed by SIGTERM: the launcher dies of SIGTERM too" "$got" 143
expect "a compiler that cannot be run: status 127" 127 "$RL" cc --facts-dir "$FD" -- ./no-such-compiler -c broken.c
contains "... and the reason" "$TMP/err" "cannot run './no-such-compiler'"
expect "no compiler after --: a usage error" 2 "$RL" cc --facts-dir "$FD" --
expect "a bad launcher option still compiles" 0 "$RL" cc --no-such-option -- "$CC" -c src/queue.c -Iinclude -o "$TMP/q.o"
contains "... and says so" "$TMP/err" "unknown option"
check "... with the object written" test -s "$TMP/q.o"
: >"$TMP/ro"
expect "an unwritable facts folder never fails the build" 0 "$RL" cc --facts-dir "$TMP/ro/facts" -- "$CC" -c src/queue.c -Iinclude -o "$TMP/q.o"
contains "... and is said on standard error" "$TMP/err" "racelint cc: note:"
RACELINT_CC_VERBOSE=1 "$RL" cc --facts-dir "$FD" -- "$CC" -c -Iinclude src/queue.c -o "$TMP/q.o" 2>"$TMP/err"
contains "RACELINT_CC_VERBOSE: one line per compile" "$TMP/err" "racelint cc: .*queue.c: facts"

# A unit racelint cannot extract (over --unit-timeout; `true` stands for a
# compiler that succeeds at once): the build goes on, the failure is a
# facts file, and the link names the unit and the reason.
mkdir -p "$TMP/slow"
printf '#define A(x) x+x\n#define B(x) A(A(A(A(x))))\n#define C(x) B(B(B(B(x))))\n#define D(x) C(C(C(x)))\nint monster = D(1);\n' >"$TMP/slow/monster.c"
(cd "$TMP/slow" && "$RL" cc --facts-dir "$TMP/slowfacts" --unit-timeout 1 -- true -c monster.c) >"$TMP/out" 2>"$TMP/err"; got=$?
equals "extraction over its time limit: the compile still succeeds" "$got" 0
check "... silently" test ! -s "$TMP/err"
equals "... and the failure is a facts file" "$(nfacts "$TMP/slowfacts")" 1
expect "... which the link reports: no unit analysed, incomplete (exit 3)" 3 "$RL" check --no-db --facts "$TMP/slowfacts"
contains "... naming the unit" "$TMP/err" "monster.c: could not be parsed"
contains "... and the reason" "$TMP/err" "longer than the limit of 1 s"

# ---- Make with CC set to the launcher -------------------------------------------
if command -v make >/dev/null; then
  mkdir -p "$TMP/mk"
  printf 'OBJS = counters.o queue.o server.o\nserver: $(OBJS)\n\t$(CC) -pthread -o $@ $(OBJS)\n%%.o: %s/src/%%.c\n\t$(CC) -c -pthread -I%s/include $< -o $@\n' \
    "$TMP/proj" "$TMP/proj" >"$TMP/mk/Makefile"
  expect "make CC='racelint cc ... -- cc'" 0 make -C "$TMP/mk" "CC=$RL cc --facts-dir $TMP/mkfacts -- $CC"
  equals "make: one facts file per unit" "$(nfacts "$TMP/mkfacts")" 3
  expect "make: linked" 1 "$RL" check --no-db --facts "$TMP/mkfacts"
  contains "make: the race" "$TMP/out" "data race on 'counters.dropped'"
else
  skip "make is not installed"
fi

# ---- shards: 4 CI jobs and a link job -------------------------------------------
total=0
for k in 1 2 3 4; do
  expect "shard $k/4" 0 "$RL" check -p "$TMP/build" --shard $k/4 --facts-out "$TMP/shard$k"
  contains "shard $k/4 says it did not analyse" "$TMP/err" "not analysed"
  total=$((total + $(nfacts "$TMP/shard$k")))
done
equals "the 4 shards extract every unit exactly once" "$total" 4
"$RL" check -p "$TMP/build" --shard 2/4 --facts-out "$TMP/again" -q
ls "$TMP/shard2" >"$TMP/s1"; ls "$TMP/again" >"$TMP/s2"
check "a shard is stable: the same units on another run" cmp "$TMP/s1" "$TMP/s2"
expect "the link job" 1 "$RL" check --no-db --facts "$TMP/shard1" --facts "$TMP/shard2" --facts "$TMP/shard3" --facts "$TMP/shard4"
check "4 shards + link: byte-for-byte one run's findings" cmp "$TMP/ref.txt" "$TMP/out"
"$RL" check --no-db -q --facts "$TMP/shard1" --facts "$TMP/shard2" --facts "$TMP/shard3" --facts "$TMP/shard4" --format json -o "$TMP/shards.json"
keyed "$TMP/shards.json" >"$TMP/shards.keys"
check "4 shards + link: the same fingerprints and positions (JSON)" cmp "$TMP/ref.keys" "$TMP/shards.keys"
expect "--shard without --facts-out: a usage error" 2 "$RL" check -p "$TMP/build" --shard 1/4
expect "--shard 5/4: a usage error" 2 "$RL" check -p "$TMP/build" --shard 5/4 --facts-out "$TMP/x"
expect "duplicates: the launcher's facts and the shards' together" 1 "$RL" check --no-db --facts "$FD" --facts "$TMP/shard1" --facts "$TMP/shard2" --facts "$TMP/shard3" --facts "$TMP/shard4"
check "duplicates: the same findings" cmp "$TMP/ref.txt" "$TMP/out"

# ---- the sharded CI recipes, run for real: 4 extract jobs, a link job ------------
# Each job starts from a fresh checkout of the same workspace path (as on
# GitHub's and GitLab's runners); artifacts are copied as the CI's
# upload/download would.
RLDIR=$(dirname "$RL")
run_job() { # WORKSPACE SCRIPT [VAR=VALUE...]: one CI job's step, racelint on PATH
  ws=$1; script=$2; shift 2
  (cd "$ws" && env PATH="$RLDIR:$PATH" "$@" sh -e "$script") >"$TMP/out" 2>"$TMP/err"
}
fresh_checkout() { rm -rf "$1" && cp -r "$SRC/tests/facts_dir/proj" "$1"; }
# extract_jobs LABEL RECIPE_DIR INDEX_VAR TOTAL_VAR: a recipe's 4 extract
# jobs in $ws (its configure.sh first, when it has one), each job's
# artifact (the path in RECIPE_DIR/upload) kept as $TMP/art-LABEL/K.
extract_jobs() {
  for k in 1 2 3 4; do
    fresh_checkout "$ws"
    if [ -f "$2/configure.sh" ]; then run_job "$ws" "$2/configure.sh"; fi
    run_job "$ws" "$2/extract.sh" "$3=$k" "$4=4"; got=$?
    equals "$1 recipe: extract job $k/4" "$got" 0
    mkdir -p "$TMP/art-$1" && cp -r "$ws/$(cat "$2/upload")" "$TMP/art-$1/$k"
  done
}
if python3 -c 'import yaml' 2>/dev/null; then
  R=$TMP/gh-recipe; mkdir -p "$R"
  check "GitHub recipe: matrix, artifacts, a link job" python3 "$SRC/tests/facts_dir/recipe.py" github "$SRC/integrations/github-actions-sharded.yml" "$R"
  down=$(cat "$R/download")
  ws=$TMP/gh-ws
  extract_jobs GitHub "$R" SHARD TOTAL
  fresh_checkout "$ws"
  run_job "$ws" "$R/configure.sh"
  (cd "$ws" && env PATH="$RLDIR:$PATH" racelint check --no-db -q -p build --format sarif -o "$TMP/gh-ref.sarif")
  mkdir -p "$ws/$down"
  for k in 1 2 3 4; do cp -r "$TMP/art-GitHub/$k" "$ws/$down/racelint-facts-$k"; done
  : >"$TMP/gh-output"
  run_job "$ws" "$R/link.sh" GITHUB_OUTPUT="$TMP/gh-output"; got=$?
  equals "GitHub recipe: the link job runs" "$got" 0
  contains "GitHub recipe: the link job says there are findings" "$TMP/gh-output" "status=1"
  sarif_keys() { jq -c '[.runs[0].results[] | {ruleId, partialFingerprints, locations}]' "$1"; }
  equals "GitHub recipe: 4 shards + link give the SARIF results of one check -p" "$(sarif_keys "$ws/racelint.sarif")" "$(sarif_keys "$TMP/gh-ref.sarif")"
  check "GitHub recipe: with at least one result" test "$(jq '.runs[0].results | length' "$ws/racelint.sarif")" -ge 1

  R=$TMP/gl-recipe; mkdir -p "$R"
  check "GitLab recipe: parallel, needs, artifacts" python3 "$SRC/tests/facts_dir/recipe.py" gitlab "$SRC/integrations/gitlab-ci-sharded.yml" "$R"
  up=$(cat "$R/upload"); report=$(cat "$R/report")
  ws=$TMP/gl-ws
  extract_jobs GitLab "$R" CI_NODE_INDEX CI_NODE_TOTAL
  fresh_checkout "$ws"
  mkdir -p "$ws/$up"
  for k in 1 2 3 4; do cp -r "$TMP/art-GitLab/$k/." "$ws/$up/"; done
  run_job "$ws" "$R/link.sh"; got=$?
  equals "GitLab recipe: the link job fails on the finding" "$got" 1
  (cd "$ws" && env PATH="$RLDIR:$PATH" racelint check --no-db -q -p build --format codequality -o "$TMP/gl-ref.json")
  cq_keys() { jq -c '[.[] | {fingerprint, location}]' "$1"; }
  equals "GitLab recipe: 4 shards + link give the code quality report of one check -p" "$(cq_keys "$ws/$report")" "$(cq_keys "$TMP/gl-ref.json")"
  check "GitLab recipe: with at least one finding" test "$(jq 'length' "$ws/$report")" -ge 1
else
  skip "python3-yaml is not installed: the sharded CI recipes were not run"
fi

# ---- damaged, foreign, stale and missing facts ----------------------------------
cp -r "$FD" "$TMP/bad"
set -- "$TMP"/bad/*.rlf
head -c 40 "$1" >"$TMP/t" && mv "$TMP/t" "$1"
printf 'X' | dd of="$2" bs=1 seek=200 conv=notrunc 2>/dev/null
printf 'this is not a facts file at all\n' >"$TMP/bad/0123456789abcdef.rlf"
expect "damaged facts files: 2 of 4 units missing, the analysis is incomplete (exit 3)" 3 "$RL" check --no-db --facts "$TMP/bad" -p "$TMP/build" --fail-on none
expect "damaged facts files: within --max-parse-failures 2 the link runs" 0 "$RL" check --no-db --facts "$TMP/bad" -p "$TMP/build" --fail-on none --max-parse-failures 2
contains "a truncated file is named" "$TMP/err" "facts file $1: damaged or truncated"
contains "a corrupt file is named" "$TMP/err" "facts file $2: damaged or truncated (checksum mismatch); skipped"
contains "a foreign file is named" "$TMP/err" "0123456789abcdef.rlf: not a racelint facts file"
contains "the units left without facts are named" "$TMP/err" "listed in the compile database but no facts"
contains "a notice counts them" "$TMP/err" "\[facts-damaged\]"
"$RL" check --no-db -q --facts "$TMP/bad" -p "$TMP/build" --fail-on none --max-parse-failures 2 --format json -o "$TMP/bad.json" 2>/dev/null
equals "JSON: the notices are in the report" "$(jq -r '[.run.notices[].code] | map(select(startswith("facts-"))) | sort | join(",")' "$TMP/bad.json")" "facts-damaged,facts-missing"
: >"$TMP/bad/fedcba9876543210.rlf"
expect "an empty facts file" 0 "$RL" check --no-db --facts "$TMP/bad" --fail-on none
contains "an empty file is named" "$TMP/err" "fedcba9876543210.rlf: truncated"
mkdir -p "$TMP/empty"
expect "a folder without facts files: an error" 2 "$RL" check --no-db --facts "$TMP/empty"
contains "... naming it" "$TMP/err" "no facts file"
expect "a missing folder: an error" 2 "$RL" check --no-db --facts "$TMP/nowhere"

cp -r "$FD" "$TMP/stale"
echo '/* changed */' >>"$TMP/proj/include/counters.h"
expect "stale facts: the link runs" 0 "$RL" check --no-db --facts "$TMP/stale" --fail-on none
contains "stale facts are named with the file that changed" "$TMP/err" "stale, $TMP/proj/include/counters.h changed since"
contains "a notice counts them" "$TMP/err" "\[facts-stale\]"
(cd "$TMP/build" && RACELINT_CC_VERBOSE= ninja -j2 >/dev/null 2>&1)
expect "rebuilt: the new facts win over the stale ones" 1 "$RL" check --no-db --facts "$FD" --facts "$TMP/stale"
check "rebuilt: the findings of check -p" cmp "$TMP/ref.txt" "$TMP/out"
lacks "rebuilt: nothing stale is used" "$TMP/out" "stale"

# ---- the facts folder as a cache, and its bound ---------------------------------
expect "--facts-cache, cold" 1 "$RL" check --no-db -p "$TMP/build" --facts-cache "$TMP/cache" -v
contains "cold: every unit parsed" "$TMP/err" "4 units parsed, 0 cached"
expect "--facts-cache, warm" 1 "$RL" check --no-db -p "$TMP/build" --facts-cache "$TMP/cache" -v
contains "warm: no unit parsed" "$TMP/err" "0 units parsed, 4 cached"
check "warm: the same findings" cmp "$TMP/ref.txt" "$TMP/out"
expect "the launcher's folder as the cache of check -p" 1 "$RL" check --no-db -p "$TMP/build" --facts-cache "$FD" -v
contains "... parses nothing" "$TMP/err" "0 units parsed, 4 cached"
expect "--facts-max-size prunes the oldest" 1 "$RL" check --no-db -p "$TMP/build" --facts-cache "$TMP/cache" --facts-max-size 1 -v
contains "... and says how many" "$TMP/err" "4 facts files pruned"
equals "... down to the bound" "$(nfacts "$TMP/cache")" 0
expect "--facts-max-size without a cache: a usage error" 2 "$RL" check --no-db -p "$TMP/build" --facts-max-size 1M

# ---- concurrent writers ---------------------------------------------------------
cd "$TMP/proj" || exit 1
for i in 1 2 3 4 5 6 7 8; do
  "$RL" cc --facts-dir "$TMP/conc" -- "$CC" -c -Iinclude src/queue.c -o "$TMP/q$i.o" &
done
wait
equals "8 concurrent compiles of one unit: one facts file" "$(nfacts "$TMP/conc")" 1
equals "... and no temporary left behind" "$(find "$TMP/conc" -name '.*' -type f | wc -l | tr -d ' ')" 0
expect "... which reads back whole" 0 "$RL" check --no-db --facts "$TMP/conc"
lacks "... without a warning" "$TMP/err" "warning"

summary facts_dir
