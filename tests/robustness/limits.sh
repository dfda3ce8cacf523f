#!/bin/sh
# Per-unit limits (analyzer/workers.c): a unit over --unit-timeout, a unit
# that pushes racelint over --max-memory, and a parser that crashes are each
# recorded as skipped with the reason; the other units are still analysed
# and the run is recorded.
# usage: limits.sh PATH/TO/racelint SOURCE_DIR
set -u
RL=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
TEST_TIMEOUT=120
. "$SRC/tests/lib.sh"

cd "$TMP" || exit 1
mkdir proj
# A racy unit that must still be reported next to the monster.
cp "$SRC/fixtures/seed_buffer_nolock.c" proj/good.c
# Each level of macro doubles the expression: 2^24 operands, far more time
# and memory than any real unit, from a 6-line file.
cat >proj/monster.c <<'EOF'
#define A(x) x+x
#define B(x) A(A(A(A(x))))
#define C(x) B(B(B(B(x))))
#define D(x) C(C(C(x)))
int monster = D(1);
EOF

# --- the time limit (each run below tolerates its skipped unit with
# --max-parse-failures 100%: by default, 1 of 2 units skipped is an
# incomplete analysis, exit 3, tests/ci/run.sh)
start=$(date +%s)
expect "a unit over the time limit: the run goes on (findings of the rest)" 1 \
  "$RL" check --db "$TMP/t.db" -j 1 --unit-timeout 2 --max-memory 0 --max-parse-failures 100% proj
elapsed=$(( $(date +%s) - start ))
if [ "$elapsed" -lt 60 ]; then ok "the slow unit was stopped ($elapsed s)"; else not_ok "the slow unit was stopped ($elapsed s)"; fi
contains "the good unit's race is reported" "$TMP/out" "good.c:.*data race"
contains "the slow unit is named as skipped" "$TMP/err" "monster.c: was skipped"
contains "the reason is the time limit" "$TMP/err" "longer than the limit of 2 s"
contains "the summary counts it" "$TMP/err" "(1 skipped)"
expect "the run is recorded" 0 "$RL" sql --db "$TMP/t.db" --format csv \
  "select u.status || ' ' || u.diagnostics from units u join runs r on r.id = u.run_id where u.file like '%monster.c'"
contains "the database says skipped, and why" "$TMP/out" "skipped parsing took longer"

# --- the memory ceiling: racelint and its parser together, on one unit
expect "a unit over the memory ceiling: the run goes on" 1 \
  "$RL" check --no-db -j 1 --unit-timeout 0 --max-memory 700M --max-parse-failures 100% proj
contains "the good unit's race is reported (memory)" "$TMP/out" "good.c:.*data race"
contains "the reason is the memory ceiling" "$TMP/err" "memory ceiling of 700 MiB"
expect "SARIF says the unit was skipped" 1 \
  "$RL" check --no-db -j 1 --unit-timeout 0 --max-memory 700M --max-parse-failures 100% --format sarif proj
if jq -e '[.runs[0].invocations[0].toolExecutionNotifications[] | select(.level == "error" and (.message.text | test("monster.c was skipped. Why: .*memory ceiling")))] | length == 1' \
  "$TMP/out" >/dev/null; then ok "SARIF notification"; else not_ok "SARIF notification"; fi

# --- a parser that dies: SIGABRT (what a failed libclang assertion raises;
# sanitizers do not catch it) sent to the worker while it parses the
# monster. No test hook in racelint: the signal is real.
# The monster comes first here, so the one worker is on it from the start.
mkdir crash && cp proj/monster.c crash/a_monster.c && cp proj/good.c crash/good.c
"$RL" check --no-db -j 1 --unit-timeout 0 --max-memory 0 --max-parse-failures 100% crash >"$TMP/out" 2>"$TMP/err" &
rl_pid=$!
worker=""
tries=0
while [ -z "$worker" ] && [ "$tries" -lt 100 ]; do
  sleep 0.1
  worker=$(pgrep -P "$rl_pid" | head -1)
  tries=$((tries + 1))
done
sleep 0.5
[ -n "$worker" ] && kill -ABRT "$worker"
wait "$rl_pid"
got=$?
if [ -n "$worker" ] && [ "$got" -eq 1 ]; then ok "a crashed parser: the run goes on (exit 1)"; else not_ok "a crashed parser: the run goes on (exit $got, worker '$worker')"; fi
contains "the good unit's race is reported (crash)" "$TMP/out" "good.c:.*data race"
contains "the crash is named" "$TMP/err" "a_monster.c: was skipped"
contains "with its signal" "$TMP/err" "crashed on this unit (signal 6"

# --- the whole-program phase: 1000 mutually recursive functions over 1000
# mutexes took minutes; --analysis-timeout stops it, and says so in every
# output.
python3 - "$TMP/cycle.c" <<'EOP'
import sys
n = 1000
out = ["#include <pthread.h>"]
out += ["pthread_mutex_t m%d = PTHREAD_MUTEX_INITIALIZER;" % i for i in range(n)]
out += ["int g;"] + ["void f%d(int d);" % i for i in range(n)]
out += ["void f%d(int d) { pthread_mutex_lock(&m%d); g++; if (d) f%d(d - 1); pthread_mutex_unlock(&m%d); }"
        % (i, i, (i + 1) % n, i) for i in range(n)]
out += ["void *w(void *a) { f0(5); return a; }",
        "int main(void) { pthread_t t; pthread_create(&t, 0, w, 0); f500(3); pthread_join(t, 0); return 0; }"]
open(sys.argv[1], "w").write("\n".join(out) + "\n")
EOP
start=$(date +%s)
"$RL" check --no-db -j 1 --analysis-timeout 2 --format json -o "$TMP/cycle.json" "$TMP/cycle.c" >"$TMP/out" 2>"$TMP/err"
got=$?
took=$(( $(date +%s) - start ))
if [ "$got" -le 1 ]; then ok "the cycle finishes (exit $got)"; else not_ok "the cycle finishes (exit $got)"; fi
if [ "$took" -lt 60 ]; then ok "within the time limit (${took}s)"; else not_ok "within the time limit (${took}s)"; fi
contains "the time limit is named" "$TMP/err" "ran out of time (--analysis-timeout)"
contains "in the JSON report too" "$TMP/cycle.json" '"limit-time"'
expect "a bad --analysis-timeout is a usage error" 2 "$RL" check --no-db --analysis-timeout later proj
contains "it says what it wants (analysis)" "$TMP/err" "analysis-timeout wants seconds"

# --- option errors
expect "a bad --unit-timeout is a usage error" 2 "$RL" check --no-db --unit-timeout soon proj
contains "it says what it wants" "$TMP/err" "unit-timeout wants seconds"
expect "a bad --max-memory is a usage error" 2 "$RL" check --no-db --max-memory lots proj
contains "it says what it wants (memory)" "$TMP/err" "max-memory wants a size"

summary limits
