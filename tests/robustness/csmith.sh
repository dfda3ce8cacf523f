#!/bin/sh
# Stress test: racelint (the sanitizer build under ctest) on random C
# programs from csmith, each also rewritten into a threaded program so the
# thread model runs on it. Any crash, sanitizer report, parse error of a
# valid program, or hang fails. See docs/robustness.md for larger runs.
# usage: csmith.sh PATH/TO/racelint
# Environment: CSMITH_COUNT programs (default 20), from seeds CSMITH_SEED,
# CSMITH_SEED+1, ... (default 1); CSMITH_RANDOM=1 adds one random seed,
# printed so that it can be replayed; CSMITH_BUDGET seconds in all (default
# 90: programs not started by then are counted as not run); CSMITH_TIMEOUT
# seconds per racelint run (default 60); CSMITH_KEEP=DIR keeps the programs
# that failed; CSMITH_INCLUDE is the folder of csmith.h.
set -u
RL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
COUNT=${CSMITH_COUNT:-20}
SEED=${CSMITH_SEED:-1}
BUDGET=${CSMITH_BUDGET:-90}
LIMIT=${CSMITH_TIMEOUT:-60}
INC=${CSMITH_INCLUDE:-/usr/include/csmith}
passed=0
failed=0

if ! command -v csmith >/dev/null 2>&1 || [ ! -f "$INC/csmith.h" ]; then
  # scripts/install-deps.sh --tests installs both (packages csmith, libcsmith-dev)
  echo "skipped: csmith or its headers ($INC/csmith.h) are not installed"
  echo "csmith: 0 passed, 0 failed, 1 skipped"
  exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1

# threaded SRC OUT: the csmith program with its main renamed, and a new
# main that runs func_1 in two threads (once through a cast of the
# function itself, once through a shim) and up to three other functions
# of scalar or pointer parameters in threads of their own, all called
# with zeros. csmith declares every function first, one per line.
threaded() {
  sed 's/^int main (int argc, char\* argv\[\])/static int csmith_main(int argc, char* argv[])/' "$1" >"$2"
  awk '
    /^static .*[ *]func_[0-9]+\(.*\);$/ && nfn < 4 {
      name = $0; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
      params = $0; sub(/^[^(]*\(/, "", params); sub(/\);$/, "", params)
      if (params ~ /struct|union/ || seen[name]++) next
      args = ""
      if (params != "void") { n = split(params, parts, ","); for (i = 1; i <= n; i++) args = args (i > 1 ? ", " : "") "0" }
      fns[nfn++] = name; calls[name] = args
    }
    END {
      print "#include <pthread.h>"
      for (i = 0; i < nfn; i++)
        printf "static void *rl_shim_%d(void *arg) { (void)arg; (void)%s(%s); return 0; }\n", i, fns[i], calls[fns[i]]
      print "int main(void)"
      print "{"
      printf "    pthread_t t[%d];\n", nfn + 1
      print "    pthread_create(&t[0], 0, (void *(*)(void *))func_1, 0);"
      for (i = 0; i < nfn; i++) printf "    pthread_create(&t[%d], 0, rl_shim_%d, 0);\n", i + 1, i
      printf "    for (int i = 0; i < %d; i++) pthread_join(t[i], 0);\n", nfn + 1
      print "    return csmith_main(0, 0);"
      print "}"
    }' "$1" >>"$2"
}

# check NAME FILE: racelint on one program; prints one line, counts it.
check() {
  t0=$(date +%s%N)
  timeout -k 5 "$LIMIT" "$RL" check --no-db "$2" -- -I"$INC" -w >"$TMP/out" 2>"$TMP/err"
  got=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  findings=$(grep -c 'warning: data race' "$TMP/out")
  why=""
  if [ "$got" -eq 124 ] || [ "$got" -eq 137 ]; then why="did not finish within ${LIMIT}s"
  elif grep -q -E 'Sanitizer|runtime error:' "$TMP/err"; then why="sanitizer report (exit $got)"
  elif [ "$got" -ne 0 ] && [ "$got" -ne 1 ]; then why="exit $got"
  elif grep -q 'parsed with errors\|could not be parsed\|was skipped' "$TMP/err"; then why="a valid program did not parse cleanly"
  fi
  if [ -z "$why" ]; then
    passed=$((passed + 1))
    echo "ok - $1: $(wc -l <"$2" | tr -d ' ') lines, $findings race findings, ${ms} ms"
  else
    failed=$((failed + 1))
    echo "not ok - $1: $why"
    sed 's/^/    stderr: /' "$TMP/err" | head -20
    if [ -n "${CSMITH_KEEP:-}" ]; then mkdir -p "$CSMITH_KEEP" && cp "$2" "$CSMITH_KEEP/"; fi
  fi
  case $1 in *threaded) [ "$findings" -gt 0 ] && threads_found=$((threads_found + 1)) ;; esac
}

seeds=$(seq "$SEED" $((SEED + COUNT - 1)))
if [ "${CSMITH_RANDOM:-0}" = 1 ]; then
  random=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
  echo "random seed: $random (replay: CSMITH_SEED=$random CSMITH_COUNT=1)"
  seeds="$seeds $random"
fi
start=$(date +%s)
threads_found=0
not_run=0
for s in $seeds; do
  if [ $(($(date +%s) - start)) -ge "$BUDGET" ]; then not_run=$((not_run + 1)); continue; fi
  if ! timeout 60 csmith --seed "$s" -o "p$s.c" >/dev/null 2>&1; then
    failed=$((failed + 1)); echo "not ok - seed $s: csmith did not generate a program"; continue
  fi
  check "seed $s" "p$s.c"
  threaded "p$s.c" "t$s.c"
  check "seed $s, threaded" "t$s.c"
done
[ "$not_run" -gt 0 ] && echo "budget of ${BUDGET}s reached: $not_run seeds not run"
# The threaded programs give the thread model something to do: some of
# them must have races (two threads running the same csmith function).
if [ "$passed" -gt 0 ] && [ "$threads_found" -eq 0 ]; then
  failed=$((failed + 1)); echo "not ok - no threaded program had a race: the thread shims did not work"
fi
echo "csmith: $(($(date +%s) - start))s"
echo "csmith: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
