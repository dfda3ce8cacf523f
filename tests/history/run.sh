#!/bin/sh
# The findings history, end to end, on real database files: every history
# command, baselines, suppressions, triage, schema upgrades, bad databases,
# parallel checks, and checks killed or interrupted mid-run. The scenario in
# the middle is the one a new user would try: check, move code around,
# check (nothing new, nothing fixed), fix a race (one fixed), add one (one
# new, and --baseline fails on it alone).
# usage: run.sh PATH/TO/racelint SOURCE_DIR
set -u
RL=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
skipped=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -f "$TMP/err" ] && sed 's/^/    stderr: /' "$TMP/err" | head -5; }
skip() { skipped=$((skipped + 1)); echo "skip - $1"; }

# expect NAME STATUS CMD... : runs CMD (stdout in $TMP/out, stderr in $TMP/err), checks its exit status.
expect() {
  name=$1; want=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok "$name"; else not_ok "$name (exit $got, wanted $want)"; fi
}
# contains NAME FILE TEXT / lacks NAME FILE TEXT
contains() { if grep -q -- "$3" "$2"; then ok "$1"; else not_ok "$1 ('$3' not in $(basename "$2"))"; fi; }
lacks() { if grep -q -- "$3" "$2"; then not_ok "$1 ('$3' in $(basename "$2"))"; else ok "$1"; fi; }
# jq_ok NAME FILE FILTER: the filter is true of the JSON in FILE
jq_ok() { if jq -e "$3" "$2" >/dev/null 2>&1; then ok "$1"; else not_ok "$1 (jq: $3)"; echo "    got: $(head -c 300 "$2")"; fi; }
# equals NAME GOT WANT
equals() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', wanted '$3')"; fi; }
sql() { sqlite3 "$1" "$2"; }

cd "$TMP" || exit 1
DB=$TMP/h.db

# ---------------------------------------------------------------------------
# The program of the scenario: three races on globals, one on a heap object.
mkdir -p proj
cat >proj/shared.h <<'C'
#include <pthread.h>
struct stats { long hits, misses, errors; };
struct job { long done; };
extern struct stats stats;
extern long total;
void count_hit(void);
void count_miss(void);
long report(void);
C
cat >proj/counters.c <<'C'
#include "shared.h"

struct stats stats;
long total;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void count_hit(void)
{
    pthread_mutex_lock(&lock);
    stats.hits++;
    pthread_mutex_unlock(&lock);
    total++;
}

void count_miss(void)
{
    stats.misses++;
}

long report(void)
{
    return stats.misses;
}
C
cat >proj/main.c <<'C'
#include "shared.h"
#include <stdlib.h>

static void *worker(void *arg)
{
    struct job *j = arg;
    for (int i = 0; i < 1000; i++) {
        if (i % 3) count_hit();
        else count_miss();
        j->done++;
    }
    return NULL;
}

static void *monitor(void *arg)
{
    (void)arg;
    return (void *)report();
}

int main(void)
{
    pthread_t t[4], m;
    struct job *j = malloc(sizeof *j);
    j->done = 0;
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, j);
    pthread_create(&m, NULL, monitor, NULL);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    pthread_join(m, NULL);
    free(j);
    return 0;
}
C

# fingerprints of a JSON report, sorted, one line
fps() { jq -r '[.findings[].fingerprint] | sort | join(" ")' "$1"; }

echo "# run 1: the program as written"
expect "check records run 1" 1 "$RL" check --db "$DB" --format json -o "$TMP/r1.json" proj
contains "summary names run 1" "$TMP/err" "run 1 recorded"
jq_ok "three findings, one per raced location" "$TMP/r1.json" '.findings | length == 3'
# (the workers' write races with itself, in another instance, and with
# the monitor's read)
jq_ok "the race on stats.misses is one finding carrying both its sites" "$TMP/r1.json" \
  '[.findings[] | select(.location == "stats.misses")] | length == 1 and (.[0].events | map(.function) == ["count_miss", "report"]) and (.[0].pairs | sort == [[0, 0], [0, 1]]) and .[0].pairs_total == 2'
FP_TOTAL=$(jq -r '.findings[] | select(.location == "total") | .fingerprint' "$TMP/r1.json")
# a heap object is named by its allocation site, never '(heap object)'
FP_HEAP=$(jq -r '.findings[] | select(.location | test("^\\(object allocated at main.c:[0-9]+ in main\\).done$")) | .fingerprint' "$TMP/r1.json")
equals "the heap object is named by its allocation site" "$(printf '%s' "$FP_HEAP" | grep -c '^[0-9a-f]\{16\}$')" 1
FP_MISSES=$(jq -r '[.findings[] | select(.location == "stats.misses")][0].fingerprint' "$TMP/r1.json")

echo "# run 2: code moved around and reformatted, no behaviour change"
cat >proj/counters.c <<'C'
/* Counters, reordered and reformatted: no behaviour change. */
#include "shared.h"

struct stats stats;
long total;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int unrelated(int x) { return x * 2 + 1; }

long report(void) { return stats.misses; }

void count_miss(void) {
    stats.misses++;
}


void count_hit(void)
{
    pthread_mutex_lock(&lock);
    stats.hits++;
    pthread_mutex_unlock(&lock);
    (void)unrelated(3);
    total++;
}
C
cat >proj/main.c <<'C'
#include "shared.h"
#include <stdlib.h>

/* The monitor now comes first, and is spawned first. */
static void *monitor(void *arg)
{
    (void)arg;
    return (void *)report();
}

static void *worker(void *arg)
{
    struct job *j = arg;
    for (int i = 0; i < 1000; i++)
    {
        if (i % 3)
            count_hit();
        else
            count_miss();
        j->done++;
    }
    return NULL;
}

int main(void)
{
    pthread_t t[4], m;


    pthread_create(&m, NULL, monitor, NULL);
    struct job *j = malloc(sizeof *j);
    j->done = 0;
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, j);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    pthread_join(m, NULL);
    free(j);
    return 0;
}
C
expect "check records run 2" 1 "$RL" check --db "$DB" --format json -o "$TMP/r2.json" proj
equals "moved code keeps every fingerprint" "$(fps "$TMP/r2.json")" "$(fps "$TMP/r1.json")"
expect "diff run 1 run 2" 0 "$RL" diff --db "$DB" --format json
jq_ok "nothing new, nothing fixed, three still open" "$TMP/out" '.from_run == 1 and .to_run == 2 and .new == 0 and .fixed == 0 and .open == 3'
expect "diff defaults to the two latest runs" 0 "$RL" diff --db "$DB" --format json
jq_ok "default diff is 1 -> 2" "$TMP/out" '.from_run == 1 and .to_run == 2'
contains "diff summary on stderr" "$TMP/err" "0 new, 0 fixed, 3 still open"

echo "# run 3: one race fixed"
sed 's|^    total++;|    pthread_mutex_lock(\&lock);\n    total++;\n    pthread_mutex_unlock(\&lock);|' proj/counters.c >proj/c.tmp && mv proj/c.tmp proj/counters.c
expect "check records run 3" 1 "$RL" check --db "$DB" -q proj
# a database whose latest complete run is run 3, for the baselines below
cp "$DB" "$TMP/db-at-run3.db"
expect "diff after the fix" 0 "$RL" diff --db "$DB" --format json
jq_ok "exactly one fixed, nothing new" "$TMP/out" ".new == 0 and .fixed == 1 and .open == 2 and ([.findings[] | select(.change == \"fixed\")][0].fingerprint == \"$FP_TOTAL\")"
expect "findings --status fixed" 0 "$RL" findings --db "$DB" --status fixed --format json
jq_ok "the fixed finding is listed" "$TMP/out" ".findings | length == 1 and .[0].fingerprint == \"$FP_TOTAL\" and .[0].status == \"fixed\""

echo "# run 4: one race added, checked against the baseline"
# the monitor now writes what the workers read: one new race, one finding
# with two sites (the workers' read and the monitor's write)
sed 's|^    stats.misses++;|    stats.misses++;\n    if (stats.errors) return;|' proj/counters.c >proj/c.tmp && mv proj/c.tmp proj/counters.c
sed 's|^    return (void \*)report();|    stats.errors = 1;\n    return (void *)report();|' proj/main.c >proj/m.tmp && mv proj/m.tmp proj/main.c
expect "--baseline latest fails on the new race" 1 "$RL" check --db "$DB" --baseline latest --format json -o "$TMP/r4.json" proj
jq_ok "the new race is marked new, with its two sites" "$TMP/r4.json" \
  '([.findings[] | select(.baseline_state == "new")] | length == 1) and all(.findings[] | select(.baseline_state == "new"); .location == "stats.errors" and (.events | length == 2)) and .baseline.new == 1 and .baseline.source == "run 3"'
contains "summary counts the new findings" "$TMP/err" "1 new against the baseline (run 3)"
expect "diff after the addition" 1 "$RL" diff --db "$DB" --format json
jq_ok "one new, nothing fixed" "$TMP/out" '.new == 1 and .fixed == 0 and .open == 2'
FP_NEW=$(jq -r '.findings[] | select(.change == "new") | .fingerprint' "$TMP/out")
expect "text report with a baseline" 1 "$RL" check --no-db --db "$DB" --baseline 3 proj
equals "the text report marks one finding new" "$(grep -c 'note: new: not in the baseline (run 3)' "$TMP/out")" 1
contains "the new mark is on the new race" "$TMP/out" "main.c:[0-9]*:5: note: new: not in the baseline"
expect "--baseline 4 on the same code: nothing new" 0 "$RL" check --no-db --db "$DB" --baseline 4 -q proj
expect "--fail-on any counts old findings too" 1 "$RL" check --no-db --db "$DB" --baseline 4 --fail-on any -q proj
expect "--fail-on none never fails" 0 "$RL" check --no-db --db "$DB" --baseline 3 --fail-on none -q proj
expect "--fail-on new without a baseline: every finding is new" 1 "$RL" check --no-db --fail-on new -q proj
expect "a bad --fail-on" 2 "$RL" check --no-db --fail-on sometimes -q proj
expect "a baseline run that does not exist" 2 "$RL" check --no-db --db "$DB" --baseline 99 -q proj
contains "the missing run is named" "$TMP/err" "no run 99"
expect "a baseline file that does not exist" 2 "$RL" check --no-db --baseline "$TMP/none.json" -q proj
expect "findings of run 3 as a JSON baseline file" 0 "$RL" findings --db "$DB" --run 3 --format json -o "$TMP/base3.json"
expect "--baseline FILE (JSON report) fails on the new race" 1 "$RL" check --no-db --baseline "$TMP/base3.json" --format json proj
jq_ok "one new against the file" "$TMP/out" '.baseline.new == 1'
echo "$FP_NEW" >"$TMP/accepted.txt"
jq -r '.findings[].fingerprint' "$TMP/base3.json" >>"$TMP/accepted.txt"
expect "--baseline FILE (a list of fingerprints) accepts everything listed" 0 "$RL" check --no-db --baseline "$TMP/accepted.txt" -q proj
cp "$DB" "$TMP/ci-cache.db"
expect "--baseline FILE (another findings database, its latest run)" 0 "$RL" check --no-db --baseline "$TMP/ci-cache.db" -q proj
echo 'not a baseline' >"$TMP/junk.txt"
expect "--baseline FILE that is no baseline" 2 "$RL" check --no-db --baseline "$TMP/junk.txt" -q proj
head -c 200 "$TMP/base3.json" >"$TMP/cut.json"
expect "--baseline FILE: a JSON report cut short" 2 "$RL" check --no-db --baseline "$TMP/cut.json" -q proj
contains "the JSON error is named with its place" "$TMP/err" "cut.json': not valid JSON: line"
printf '# reviewed findings, none yet\n\n' >"$TMP/none-yet.txt"
expect "--baseline FILE of only comments: every finding is new" 1 "$RL" check --no-db --baseline "$TMP/none-yet.txt" -q proj

echo "# every kind of baseline of run 3 gives the same new/unchanged split"
expect "run 3 as a SARIF log" 0 "$RL" findings -q --db "$DB" --run 3 --format sarif -o "$TMP/base3.sarif"
jq -r '.findings[].fingerprint' "$TMP/base3.json" >"$TMP/base3.txt"
# The new findings of a JSON report, sorted, and how many the baseline says.
new_split() { echo "$(jq -c '[.findings[] | select(.baseline_state == "new") | .fingerprint] | sort' "$1") $(jq '.baseline.new' "$1")"; }
expect "--baseline 3 (the run)" 1 "$RL" check --no-db --db "$DB" --baseline 3 --format json -o "$TMP/split-run.json" proj
SPLIT=$(new_split "$TMP/split-run.json")
equals "the run gives the new finding" "$SPLIT" "$(echo "$FP_NEW" | jq -R . | jq -s -c 'sort') 1"
for kind in "database:$TMP/db-at-run3.db" "JSON report:$TMP/base3.json" "SARIF log:$TMP/base3.sarif" "fingerprint list:$TMP/base3.txt"; do
  what=${kind%%:*}
  expect "--baseline FILE ($what of run 3)" 1 "$RL" check --no-db --baseline "${kind#*:}" --format json -o "$TMP/split.json" proj
  equals "the $what gives the run's split" "$(new_split "$TMP/split.json")" "$SPLIT"
done

expect "check records run 5 (same code)" 1 "$RL" check --db "$DB" -q proj
# Its findings and their events are run 4's: it shares the rows rather
# than writing them again (schema 11), and `show` below reads them.
equals "run 5 wrote no event rows, sharing run 4's" "$(sql "$DB" 'SELECT count(*) FROM findings WHERE run_id = 5'):$(sql "$DB" 'SELECT count(*) FROM findings WHERE run_id = 5 AND events_of IS NULL'):$(sql "$DB" 'SELECT count(*) FROM events WHERE finding_id IN (SELECT id FROM findings WHERE run_id = 5)')" "3:0:0"
equals "the finding_events view gives run 5 its events" "$(sql "$DB" 'SELECT count(*) FROM finding_events WHERE finding_id IN (SELECT id FROM findings WHERE run_id = 5)')" "$(sql "$DB" 'SELECT count(*) FROM finding_events WHERE finding_id IN (SELECT id FROM findings WHERE run_id = 4)')"

echo "# runs"
expect "runs (json)" 0 "$RL" runs --db "$DB" --format json
jq_ok "five complete runs with counts" "$TMP/out" 'length == 5 and all(.[]; .status == "complete") and ([.[].findings] == [3, 3, 2, 3, 3]) and .[0].files == 2 and .[0].tool_version != null and .[0].duration_ms >= 0'
jq_ok "the baseline is recorded with the run" "$TMP/out" '.[3].baseline == "run 3" and .[4].baseline == null'
expect "runs (table)" 0 "$RL" runs --db "$DB" --format table
contains "table header" "$TMP/out" "^ID  TIME  *TREE  *VERSION  *FILES  *FINDINGS  *DURATION  *STATUS$"
equals "one line per run plus the header" "$(wc -l <"$TMP/out" | tr -d ' ')" 6
lacks "no trailing blanks" "$TMP/out" " $"
expect "runs (csv)" 0 "$RL" runs --db "$DB" --format csv
if head -1 "$TMP/out" | grep -q "^id,started_at,finished_at,status,git_revision,git_dirty,tool_version,files,units_failed,findings,duration_ms" && [ "$(tr -cd '\r' <"$TMP/out" | wc -c | tr -d ' ')" = 6 ]; then
  ok "csv: header, and CRLF line ends"; else not_ok "csv: header, and CRLF line ends"; fi
expect "runs with a bad format" 2 "$RL" runs --db "$DB" --format yaml
expect "runs: the default format off a terminal" 0 "$RL" runs --db "$DB"
contains "the table by default when piped, as on a terminal" "$TMP/out" "^ID  TIME  *TREE"

echo "# findings"
expect "findings of the latest run (a query: exit 0 with open findings)" 0 "$RL" findings --db "$DB" --format json
jq_ok "latest run's findings with status and ids" "$TMP/out" '.run.id == 5 and .compared_with_run == 4 and (.findings | length == 3) and all(.findings[]; .status == "open" and (.id | type) == "number")'
expect "findings --fail-on new: open findings are not new" 0 "$RL" findings -q --db "$DB" --fail-on new
expect "findings --fail-on any: open findings count" 1 "$RL" findings -q --db "$DB" --fail-on any
expect "findings --fail-on any: suppressed findings never count" 0 "$RL" findings -q --db "$DB" --status suppressed --fail-on any
expect "findings --run 4 --status new" 0 "$RL" findings --db "$DB" --run 4 --status new --format json
jq_ok "the new race of run 4" "$TMP/out" "[.findings[].fingerprint] | sort == ($(echo "$FP_NEW" | jq -R . | jq -s -c 'sort'))"
expect "findings --rule" 0 "$RL" findings --db "$DB" --rule race --format csv
equals "three rows for --rule race" "$(($(wc -l <"$TMP/out") - 1))" 3
expect "findings --rule that matches nothing" 0 "$RL" findings --db "$DB" --rule lock-order --format csv
equals "header only" "$(wc -l <"$TMP/out" | tr -d ' ')" 1
expect "findings --file by base name" 0 "$RL" findings --db "$DB" --file main.c --format json
jq_ok "only main.c" "$TMP/out" '(.findings | length) >= 1 and all(.findings[]; .primary.file | endswith("main.c"))'
expect "findings --file glob" 0 "$RL" findings --db "$DB" --file 'proj/count*.c' --format json
jq_ok "only counters.c" "$TMP/out" '(.findings | length) == 1 and all(.findings[]; .primary.file | endswith("counters.c"))'
expect "findings --status bogus" 2 "$RL" findings --db "$DB" --status bogus
expect "findings --format text (compiler style)" 0 "$RL" findings --db "$DB" --run 4 --format text
contains "text names the race" "$TMP/out" "warning: data race on 'stats.errors' \[race\]"
contains "text marks the new finding" "$TMP/out" "note: new: not in run 3"
expect "findings --run 99" 2 "$RL" findings --db "$DB" --run 99
expect "findings --run junk" 2 "$RL" findings --db "$DB" --run junk

echo "# show"
expect "show by fingerprint prefix" 0 "$RL" show "$(echo "$FP_MISSES" | cut -c1-8)" --db "$DB" --format table
contains "show: the fingerprint" "$TMP/out" "fingerprint  $FP_MISSES"
contains "show: first seen" "$TMP/out" "first seen   run 1"
contains "show: last seen" "$TMP/out" "last seen    run 5"
contains "show: both accesses" "$TMP/out" "access 2 of 2"
contains "show: the access line, marked" "$TMP/out" ">  *[0-9]* |     stats.misses++;"
contains "show: the trace" "$TMP/out" "-> count_miss called at"
expect "show --format json" 0 "$RL" show "$FP_MISSES" --db "$DB" --format json
jq_ok "show json: seen in five runs, events with source" "$TMP/out" \
  '.first_seen_run == 1 and .last_seen_run == 5 and .runs_seen == 5 and .in_latest_run and (.events | length == 2) and all(.events[]; (.source.lines | length) >= 3 and (.chain | length) >= 1)'
FID=$(jq -r '.id' "$TMP/out")
expect "show by finding id" 0 "$RL" show "$FID" --db "$DB" --format json
jq_ok "show by id is the same finding" "$TMP/out" ".fingerprint == \"$FP_MISSES\""
expect "show --format csv (field,value)" 0 "$RL" show "$FID" --db "$DB" --format csv
contains "csv fields" "$TMP/out" "^events.0.source.lines.0,"
expect "show of the fixed finding" 0 "$RL" show "$FP_TOTAL" --db "$DB" --format table
contains "show says it is gone" "$TMP/out" "not in the latest complete run"
expect "show of an unknown fingerprint" 2 "$RL" show ffffffffffffffff --db "$DB"
expect "show of a bad name" 2 "$RL" show 'x;y' --db "$DB"
expect "show without an argument" 2 "$RL" show --db "$DB"

echo "# history"
expect "history of a finding present in every run" 0 "$RL" history "$FP_HEAP" --db "$DB" --format json
jq_ok "in runs 1 to 5, new then open" "$TMP/out" '[.[].run] == [1,2,3,4,5] and .[0].status == "new" and .[4].status == "open"'
expect "history of the fixed finding" 0 "$RL" history "$FP_TOTAL" --db "$DB" --format json
jq_ok "only in runs 1 and 2" "$TMP/out" '[.[].run] == [1,2]'
contains "history summary says it is gone" "$TMP/err" "not in the latest complete run 5"
expect "history (table)" 0 "$RL" history "$FP_TOTAL" --db "$DB" --format table
contains "history table header" "$TMP/out" "^RUN  TIME"

echo "# sql"
expect "sql select" 0 "$RL" sql --db "$DB" --format json 'SELECT count(*) AS n FROM runs'
jq_ok "five runs by sql" "$TMP/out" '.[0].n == 5'
expect "sql csv quoting (RFC 4180)" 0 "$RL" sql --db "$DB" --format csv "SELECT 'a,b' AS x, 'say \"hi\"' AS y, 'l1' || char(10) || 'l2' AS z, NULL AS n"
if [ "$(od -An -c "$TMP/out" | tr -s ' ' | tr -d '\n')" = "$(printf 'x,y,z,n\r\n"a,b","say ""hi""","l1\nl2",\r\n' | od -An -c | tr -s ' ' | tr -d '\n')" ]; then
  ok "csv quotes commas, quotes and newlines"; else not_ok "csv quotes commas, quotes and newlines"; od -c "$TMP/out" | head -5; fi
expect "sql table escapes control characters" 0 "$RL" sql --db "$DB" --format table "SELECT 'a' || char(27) || '[31m' || char(9) || 'b' AS x"
contains "escape shown, not sent" "$TMP/out" 'a\\x1b\[31m\\tb'
if tr -d '\n' <"$TMP/out" | od -An -c | grep -q '033'; then not_ok "no raw ESC in table output"; else ok "no raw ESC in table output"; fi
for q in "DELETE FROM runs" "UPDATE runs SET status = 'x'" "INSERT INTO triage (fingerprint, decision, decided_at) VALUES ('a', 'intended', 'b')" \
         "DROP TABLE runs" "CREATE TABLE x (a)" "ATTACH DATABASE '$TMP/other.db' AS o" "SELECT load_extension('/tmp/x')" \
         "PRAGMA user_version = 7" "PRAGMA writable_schema = 1" "BEGIN" "VACUUM" "SELECT 1; DELETE FROM runs"; do
  expect "sql refuses: $q" 2 "$RL" sql --db "$DB" "$q"
done
contains "refusal explained" "$TMP/err" "one SQL statement"
equals "nothing was changed" "$(sql "$DB" 'SELECT count(*) FROM runs'):$(sql "$DB" 'PRAGMA user_version')" "5:11"
[ -e "$TMP/other.db" ] && not_ok "ATTACH created no file" || ok "ATTACH created no file"
expect "sql allows reading PRAGMAs" 0 "$RL" sql --db "$DB" --format json 'PRAGMA table_info(triage)'
jq_ok "triage columns" "$TMP/out" '[.[].name] | index("fingerprint") != null'
expect "sql row cap" 0 "$RL" sql --db "$DB" --format csv --max-rows 3 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c'
equals "three rows and a header" "$(wc -l <"$TMP/out" | tr -d ' ')" 4
contains "the cap is reported" "$TMP/err" "cut at 3 rows"
expect "sql syntax error" 2 "$RL" sql --db "$DB" 'SELEC 1'

echo "# suppressions"
cp -r proj supp
sed 's|^    stats.misses++;|    stats.misses++; // racelint: ignore[race] only a statistic|' supp/counters.c >supp/c.tmp && mv supp/c.tmp supp/counters.c
SDB=$TMP/s.db
expect "comment suppresses the races of its line" 1 "$RL" check --db "$SDB" --format json supp
jq_ok "the stats.misses race suppressed, with the reason" "$TMP/out" \
  '[.findings[] | select(.location == "stats.misses")] | length == 1 and all(.[]; .suppressed and (.suppression | contains("only a statistic")))'
jq_ok "suppressed findings stay in the report" "$TMP/out" '.findings | length == 3'
expect "the text report counts them, without printing them" 1 "$RL" check --no-db supp
lacks "not printed as a warning" "$TMP/out" "stats.misses"
contains "counted in the summary" "$TMP/err" "1 suppressed (not shown; --show-suppressed lists them)"
expect "text report with --show-suppressed" 1 "$RL" check --no-db --show-suppressed supp
contains "suppressed in text" "$TMP/out" "(suppressed: only a statistic (comment at counters.c:"
expect "findings --status suppressed" 0 "$RL" findings --db "$SDB" --status suppressed --format json
jq_ok "one suppressed" "$TMP/out" '.findings | length == 1'
sed 's|// racelint: ignore\[race\] only a statistic||' supp/counters.c >supp/c.tmp && mv supp/c.tmp supp/counters.c
sed 's|^    stats.misses++;|    /* racelint: ignore[race] counted elsewhere */\n    stats.misses++;|' supp/counters.c >supp/c.tmp && mv supp/c.tmp supp/counters.c
expect "a comment on the line before" 1 "$RL" check --no-db --format json supp
jq_ok "suppressed from the line before" "$TMP/out" '[.findings[] | select(.suppressed)] | length == 1'
# a comment ending the line before belongs to that line's code
sed 's|^    /\* racelint: ignore\[race\] counted elsewhere \*/|    (void)0; /* racelint: ignore[race] counted elsewhere */|' supp/counters.c >supp/c.tmp && mv supp/c.tmp supp/counters.c
expect "a trailing comment on the line before" 1 "$RL" check --no-db --format json supp
jq_ok "does not suppress the next line" "$TMP/out" '[.findings[] | select(.suppressed)] | length == 0'
sed 's|^    (void)0; /\* racelint|    /* racelint|' supp/counters.c >supp/c.tmp && mv supp/c.tmp supp/counters.c
sed 's|ignore\[race\] counted|ignore[lock-order] counted|' supp/counters.c >supp/c.tmp && mv supp/c.tmp supp/counters.c
expect "a comment for another rule" 1 "$RL" check --no-db --format json supp
jq_ok "another rule's comment suppresses nothing" "$TMP/out" '[.findings[] | select(.suppressed)] | length == 0'
# all unsuppressed findings suppressed: exit 0
cp -r proj quiet
for f in quiet/counters.c quiet/main.c; do
  sed -e 's|^\(    stats.misses++;\)|\1 // racelint: ignore[race] ok|' -e 's|^\(    if (stats.errors) return;\)|\1 // racelint: ignore[*] ok|' \
      -e 's|^\(        j->done++;\)|\1 // racelint: ignore ok|' -e 's|^\(    stats.errors = 1;\)|\1 // racelint: ignore[race]|' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done
expect "only suppressed findings: exit 0" 0 "$RL" check --no-db quiet
equals "nothing printed" "$(wc -c <"$TMP/out" | tr -d ' ')" 0
expect "only suppressed findings, --show-suppressed: exit 0" 0 "$RL" check --no-db --show-suppressed quiet
contains "they are shown" "$TMP/out" "(suppressed: "

echo "# triage"
expect "triage false-positive" 0 "$RL" triage "$FP_HEAP" false-positive --note "one job object per worker in production" --db "$DB"
expect "findings shows the triaged finding suppressed at once" 0 "$RL" findings --db "$DB" --format json
jq_ok "suppressed by triage, with the note" "$TMP/out" \
  ".findings[] | select(.fingerprint == \"$FP_HEAP\") | .status == \"suppressed\" and .triage == \"false-positive\" and (.suppression | contains(\"one job object\"))"
expect "the next check records it suppressed" 1 "$RL" check --db "$DB" -q proj
equals "stored suppressed in run 6" "$(sql "$DB" "SELECT suppressed || ':' || suppression FROM findings WHERE run_id = 6 AND fingerprint = '$FP_HEAP'")" \
  "1:triaged false-positive: one job object per worker in production"
expect "show has the decision" 0 "$RL" show "$FP_HEAP" --db "$DB" --format table
contains "show: triage line" "$TMP/out" "triage       false-positive: one job object per worker in production by "
expect "triage confirmed" 0 "$RL" triage "$FP_HEAP" confirmed --note "it does race" --db "$DB"
expect "after confirmed, the next check counts it again" 1 "$RL" check --db "$DB" -q proj
equals "stored unsuppressed in run 7" "$(sql "$DB" "SELECT suppressed FROM findings WHERE run_id = 7 AND fingerprint = '$FP_HEAP'")" 0
equals "the decisions are kept in order" "$(sql "$DB" "SELECT group_concat(decision, ',') FROM triage WHERE fingerprint = '$FP_HEAP'")" "false-positive,confirmed"
expect "triage with a bad decision" 2 "$RL" triage "$FP_HEAP" maybe --db "$DB"
expect "triage of an unknown finding" 2 "$RL" triage 9999999 intended --db "$DB"
expect "triage without a database" 2 "$RL" triage "$FP_HEAP" intended --db "$TMP/none.db"
# Every finding triaged: only the --baseline-free check's exit status changes.
for fp in $(jq -r '.findings[].fingerprint' "$TMP/r4.json"); do "$RL" triage "$fp" intended --db "$DB" -q; done
expect "all findings triaged as intended: exit 0" 0 "$RL" check --db "$DB" -q proj

echo "# schema versions"
sqlite3 "$TMP/v1.db" <"$SRC/tests/history/v1.sql"
expect "a schema 1 database is upgraded when read" 0 "$RL" runs --db "$TMP/v1.db" --format json
jq_ok "its runs are kept" "$TMP/out" 'length == 2 and .[0].git_revision == "3f2c1a0b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a" and .[1].git_dirty == true'
equals "now at schema 11, rows kept" "$(sql "$TMP/v1.db" 'PRAGMA user_version'):$(sql "$TMP/v1.db" 'SELECT count(*) FROM events')" "11:4"
equals "the schema-10 step gave the facts cache its digest column" "$(sql "$TMP/v1.db" "SELECT count(*) FROM pragma_table_info('facts_cache') WHERE name = 'digest'")" 1
# the schema-7 step gave its race finding its location's fingerprint
FP_V1=$(sql "$TMP/v1.db" "SELECT DISTINCT fingerprint FROM findings WHERE site_fingerprint = '0123456789abcdef'")
equals "the old race finding has a new fingerprint, the old one kept" "$(printf '%s' "$FP_V1" | grep -c '^[0-9a-f]\{16\}$')" 1
expect "old findings are still shown" 0 "$RL" show "$FP_V1" --db "$TMP/v1.db" --format json
jq_ok "first and last run of an old finding" "$TMP/out" '.first_seen_run == 1 and .last_seen_run == 2'
expect "a check appends to the upgraded database" 1 "$RL" check --db "$TMP/v1.db" -q proj
equals "three runs" "$(sql "$TMP/v1.db" 'SELECT count(*) FROM runs')" 3
sqlite3 "$TMP/v1.db" 'PRAGMA user_version = 12'
expect "a newer database is refused" 2 "$RL" check --db "$TMP/v1.db" -q proj
contains "with a clear message" "$TMP/err" "schema version 12, newer than this racelint supports (11); upgrade racelint"
expect "a newer database is refused by readers too" 2 "$RL" runs --db "$TMP/v1.db"
contains "readers say so too" "$TMP/err" "upgrade racelint"

echo "# schema 5 -> 7: per-site findings become their location's finding"
# v5.sql was written by racelint at schema 5 on tests/history/v5 (9 findings,
# one per racing site, one of them triaged); a check of the same code now
# gives one finding per location, and the history must see them unchanged.
sqlite3 "$TMP/v5.db" <"$SRC/tests/history/v5.sql"
mkdir -p "$TMP/v5tree" && cp -R "$SRC/tests/history/v5" "$TMP/v5tree/"
(cd "$TMP/v5tree" && "$RL" check --db "$TMP/v5.db" -q v5 >"$TMP/out" 2>"$TMP/err")
equals "now at schema 11, the 9 old findings kept" "$(sql "$TMP/v5.db" 'PRAGMA user_version'):$(sql "$TMP/v5.db" 'SELECT count(*) FROM findings WHERE run_id = 1')" "11:9"
equals "the old fingerprints are kept beside the new" "$(sql "$TMP/v5.db" 'SELECT count(DISTINCT site_fingerprint) || ":" || count(DISTINCT fingerprint) FROM findings WHERE run_id = 1')" "9:4"
equals "the new run has one finding per location and rule" "$(sql "$TMP/v5.db" 'SELECT count(*) FROM findings WHERE run_id = 2')" 4
expect "diff after the upgrade" 0 "$RL" diff 1 2 --db "$TMP/v5.db" --format json
jq_ok "nothing new, nothing fixed: every finding is still open" "$TMP/out" '.new == 0 and .fixed == 0 and .open == 4 and all(.findings[]; .change == "open")'
equals "every old finding maps to a new one" "$(sql "$TMP/v5.db" 'SELECT count(*) FROM findings AS o WHERE o.run_id = 1 AND NOT EXISTS (SELECT 1 FROM findings AS n WHERE n.run_id = 2 AND n.fingerprint = o.fingerprint)')" 0
equals "the triage decision follows its finding" "$(sql "$TMP/v5.db" 'SELECT suppressed FROM findings WHERE run_id = 2 AND location LIKE '"'"'(object allocated at proj.c:% in main).bytes'"'"'')" 1
FP_MIGRATED=$(sql "$TMP/v5.db" 'SELECT fingerprint FROM findings WHERE run_id = 2 AND location = '"'"'hits'"'"'')
expect "history of a migrated finding" 0 "$RL" history "$FP_MIGRATED" --db "$TMP/v5.db" --format json
jq_ok "it appears in both runs" "$TMP/out" '[.[] | .run] | unique == [1, 2]'

echo "# unusable databases"
printf 'this is not an SQLite database, only text that is long enough to read as a header........\n' >"$TMP/text.db"
for cmd in check runs findings diff sql; do
  case $cmd in check) args="-q proj" ;; sql) args="SELECT 1" ;; *) args="" ;; esac
  # shellcheck disable=SC2086
  expect "$cmd: a file that is not SQLite" 2 "$RL" $cmd --db "$TMP/text.db" $args
  contains "$cmd: not-SQLite explained" "$TMP/err" "not a racelint database"
done
expect "check: database in a missing folder" 2 "$RL" check --db "$TMP/no/such/folder/h.db" -q proj
contains "missing folder explained" "$TMP/err" "does not exist"
expect "runs: database in a missing folder" 2 "$RL" runs --db "$TMP/no/such/folder/h.db"
cp "$DB" "$TMP/ro.db"
chmod 0444 "$TMP/ro.db"
if [ -w "$TMP/ro.db" ]; then
  # root writes anyway: run the read-only case as another user, when we can
  if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    mkdir -p "$TMP/rodir" && cp "$DB" "$TMP/rodir/ro.db" && chmod 0444 "$TMP/rodir/ro.db" && chmod 0555 "$TMP/rodir"
    chmod o+rx "$TMP" 2>/dev/null
    expect "check: a read-only database (as nobody)" 2 setpriv --reuid=65534 --regid=65534 --clear-groups "$RL" check --db "$TMP/rodir/ro.db" -q "$TMP/proj"
    if grep -q "read-only" "$TMP/err"; then ok "read-only explained"; else
      if grep -q "error while loading shared libraries\|Permission denied" "$TMP/err"; then skip "read-only database: the binary is not usable as nobody"; else not_ok "read-only explained"; fi; fi
  else
    skip "read-only database (running as root without setpriv)"
  fi
else
  expect "check: a read-only database" 2 "$RL" check --db "$TMP/ro.db" -q proj
  contains "read-only explained" "$TMP/err" "read-only"
  expect "runs: a read-only database can still be read" 0 "$RL" runs --db "$TMP/ro.db" --format csv
fi

echo "# two checks at once on one database"
PDB=$TMP/p.db
"$RL" check --db "$PDB" -q proj >/dev/null 2>"$TMP/p1.err" &
p1=$!
"$RL" check --db "$PDB" -q proj >/dev/null 2>"$TMP/p2.err" &
p2=$!
"$RL" check --db "$PDB" -q supp >/dev/null 2>"$TMP/p3.err" &
p3=$!
wait $p1; s1=$?
wait $p2; s2=$?
wait $p3; s3=$?
equals "all three finish with findings" "$s1$s2$s3" "111"
[ "$s1$s2$s3" = 111 ] || sed 's/^/    parallel check: /' "$TMP/p1.err" "$TMP/p2.err" "$TMP/p3.err" | head -12
equals "three complete runs" "$(sql "$PDB" "SELECT count(*) FROM runs WHERE status = 'complete'")" 3
equals "each with its findings" "$(sql "$PDB" 'SELECT group_concat(n) FROM (SELECT count(*) AS n FROM findings GROUP BY run_id ORDER BY run_id)')" "3,3,3"
equals "integrity" "$(sql "$PDB" 'PRAGMA integrity_check')" ok

echo "# a check killed mid-run"
# A program big enough that a check takes a while.
mkdir -p big
i=1
while [ $i -le 40 ]; do
  cat >big/f$i.c <<C
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
long counter_$i;
static void *work_$i(void *arg) { (void)arg; counter_$i++; return 0; }
void start_$i(void)
{
    pthread_t a, b;
    pthread_create(&a, 0, work_$i, 0);
    pthread_create(&b, 0, work_$i, 0);
    pthread_join(a, 0);
    pthread_join(b, 0);
}
C
  echo "void start_$i(void);" >>big/main.h
  echo "    start_$i();" >>big/calls
  i=$((i + 1))
done
{ echo '#include "main.h"'; echo 'int main(void) {'; cat big/calls; echo '    return 0;'; echo '}'; } >big/main.c
rm big/calls
KDB=$TMP/k.db
expect "a complete run first" 1 "$RL" check --db "$KDB" -q big
before=$(sql "$KDB" "SELECT count(*) FROM findings WHERE run_id = 1")
equals "40 findings in the first run" "$before" 40
for delay in 0.05 0.2 0.4 0.7 1.0; do
  "$RL" check --db "$KDB" -q --no-cache big >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -KILL $pid 2>/dev/null
  wait $pid 2>/dev/null
done
equals "integrity after the kills" "$(sql "$KDB" 'PRAGMA integrity_check')" ok
equals "the first run is intact" "$(sql "$KDB" "SELECT status || ':' || count(f.id) FROM runs AS r JOIN findings AS f ON f.run_id = r.id WHERE r.id = 1")" "complete:40"
expect "runs after the kills" 0 "$RL" runs --db "$KDB" --format json
jq_ok "each killed run is incomplete (or finished before the kill)" "$TMP/out" \
  'all(.[]; .status == "complete" or .status == "incomplete") and all(.[]; .status != "complete" or .findings == 40)'
expect "a new check after the kills" 1 "$RL" check --db "$KDB" -q big
equals "killed runs are marked incomplete in the file" "$(sql "$KDB" "SELECT count(*) FROM runs WHERE status = 'running'")" 0
expect "latest is the last complete run" 0 "$RL" findings --db "$KDB" --format json
jq_ok "40 findings" "$TMP/out" '.findings | length == 40'

echo "# SIGTERM"
# A job a non-interactive shell starts in the background ignores SIGINT
# (POSIX, no job control), and racelint keeps what it inherits: the
# interruption is sent as SIGTERM, handled the same way (128 + 15). It is
# sent once the run is recorded as running (racelint hands the signals to
# its watcher before it records the run; a signal sent earlier, on a
# loaded machine, killed it before either). If the check is done by then
# (exit 1, a complete run): again.
for attempt in 1 2 3; do
  before_runs=$(sql "$KDB" "SELECT coalesce(max(id), 0) FROM runs")
  "$RL" check --db "$KDB" -q --no-cache big >/dev/null 2>"$TMP/int.err" &
  pid=$!
  waited=0
  while [ "$waited" -lt 500 ] && [ "$(sql "$KDB" "SELECT count(*) FROM runs WHERE status = 'running' AND id > $before_runs" 2>/dev/null)" != 1 ]; do
    sleep 0.01
    waited=$((waited + 1))
  done
  kill -TERM $pid 2>/dev/null
  wait $pid
  rc=$?
  [ "$rc" -ne 1 ] && break
done
equals "an interrupted check exits 143" "$rc" 143
contains "it says so" "$TMP/int.err" "recorded as interrupted"
equals "the run is marked interrupted" "$(sql "$KDB" "SELECT status || ':' || (finished_at IS NOT NULL) FROM runs ORDER BY id DESC LIMIT 1")" "interrupted:1"
expect "diff skips the interrupted run" 0 "$RL" diff --db "$KDB" --format json
jq_ok "diff compares complete runs only" "$TMP/out" '.new == 0 and .fixed == 0 and .open == 40'
equals "integrity after SIGINT" "$(sql "$KDB" 'PRAGMA integrity_check')" ok

echo "# git revision and dirty flag"
if command -v git >/dev/null 2>&1; then
  cp -r proj gitproj
  (cd gitproj && git init -q && git add . && git -c user.name=t -c user.email=t@example.com commit -qm init) >/dev/null 2>&1
  head=$(cd gitproj && git rev-parse HEAD 2>/dev/null)
  GDB=$TMP/g.db
  (cd gitproj && "$RL" check --db "$GDB" -q . >/dev/null 2>&1)
  echo '/* edited */' >>gitproj/counters.c
  (cd gitproj && "$RL" check --db "$GDB" -q . >/dev/null 2>&1)
  expect "runs in a git checkout" 0 "$RL" runs --db "$GDB" --format json
  jq_ok "revision, clean then dirty" "$TMP/out" ".[0].git_revision == \"$head\" and .[0].git_dirty == false and .[1].git_dirty == true"
  expect "runs table shows the tree" 0 "$RL" runs --db "$GDB" --format table
  contains "dirty tree in the table" "$TMP/out" "$(echo "$head" | cut -c1-12)-dirty"
  # libgit2 is started only where a repository may be found, from the run's
  # folder up (cli/git.c): a subfolder, and a worktree (whose .git is a file).
  mkdir -p gitproj/deep/er
  (cd gitproj/deep/er && "$RL" check --db "$GDB" -q ../.. >/dev/null 2>&1)
  (cd gitproj && git worktree add -q ../gitwt >/dev/null 2>&1)
  (cd gitwt && "$RL" check --db "$GDB" -q . >/dev/null 2>&1)
  (mkdir -p nogit && cd nogit && "$RL" check --db "$GDB" -q ../proj >/dev/null 2>&1)
  expect "runs from a subfolder, a worktree, outside git" 0 "$RL" runs --db "$GDB" --format json
  jq_ok "revision from a subfolder and a worktree, none outside" "$TMP/out" \
    ".[2].git_revision == \"$head\" and .[3].git_revision == \"$head\" and .[3].git_dirty == false and .[4].git_revision == null"
else
  skip "git revision and dirty flag (no git)"
fi

echo
echo "history: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
