#!/bin/sh
# The facts cache (docs/performance.md), end to end: a cold run parses
# every unit; a re-run parses none and reports the same findings; touching
# one .c file reparses that unit, touching a header exactly the units that
# include it; --no-cache parses everything; a corrupt cache entry is
# parsed again, without a crash; a change of flags is a miss. The results
# cache: a run whose facts are all those of an earlier run reuses its
# whole-program results (the same findings), even when a file changed
# in no fact (a comment appended); a unit whose facts changed or
# --no-cache analyses again, a damaged stored result is analysed again
# with a warning. A re-run that parses nothing does not load libclang.
# Also the progress line: on a terminal only, never with --quiet.
# usage: run.sh PATH/TO/racelint
set -u
RL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -f "$TMP/err" ] && sed 's/^/    stderr: /' "$TMP/err" | head -8; }
equals() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', wanted '$3')"; fi; }

# The project: common.h is included by three units (two directly, one
# through mid.h), lone.h by one; the race is on stats.hits.
mkdir -p "$TMP/src/include"
cd "$TMP/src" || exit 1
cat > include/common.h <<'C'
#include <pthread.h>
struct stats { pthread_mutex_t lock; long hits; long misses; };
extern struct stats stats;
void *worker(void *arg);
void *other(void *arg);
void count_hit(void);
C
cat > include/mid.h <<'C'
#include "common.h"
C
cat > include/lone.h <<'C'
#define LONE 1
C
cat > main.c <<'C'
#include "common.h"
struct stats stats = { PTHREAD_MUTEX_INITIALIZER, 0, 0 };
int main(void)
{
    pthread_t a, b;
    pthread_create(&a, 0, worker, 0);
    pthread_create(&b, 0, other, 0);
    pthread_join(a, 0);
    pthread_join(b, 0);
    return 0;
}
C
cat > worker.c <<'C'
#include "common.h"
void *worker(void *arg)
{
    (void)arg;
    count_hit();
    return 0;
}
C
cat > other.c <<'C'
#include "mid.h"
void *other(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&stats.lock);
    stats.misses++;
    pthread_mutex_unlock(&stats.lock);
    stats.hits++;
    return 0;
}
C
cat > hit.c <<'C'
#include "lone.h"
#include "common.h"
void count_hit(void)
{
    pthread_mutex_lock(&stats.lock);
    stats.hits += LONE;
    pthread_mutex_unlock(&stats.lock);
}
C
cat > plain.c <<'C'
int plain(int x) { return x + 1; }
C

DB=$TMP/c.db
# check NAME: a verbose run; findings (text) in $TMP/NAME.out, the number
# of units parsed and cached in $parsed / $cached.
check() {
  name=$1; shift
  "$RL" check --db "$DB" -v "$@" . -- -Iinclude >"$TMP/$name.out" 2>"$TMP/err"
  rc=$?
  line=$(grep 'units\{0,1\} parsed' "$TMP/err")
  parsed=$(echo "$line" | sed -n 's/^racelint: \([0-9]*\) units\{0,1\} parsed, \([0-9]*\) cached$/\1/p')
  cached=$(echo "$line" | sed -n 's/^racelint: \([0-9]*\) units\{0,1\} parsed, \([0-9]*\) cached$/\2/p')
  if [ "$rc" -gt 1 ]; then not_ok "$name: exit status $rc"; fi
  reused=no
  if grep -q 'whole-program results reused' "$TMP/err"; then reused=yes; fi
}

check cold
equals "cold run parses every unit" "$parsed:$cached" "5:0"
if grep -q "stats.hits" "$TMP/cold.out"; then ok "cold run finds the race"; else not_ok "cold run finds the race"; fi
if grep -q "timings (ms): cache-read [0-9]*, parse [0-9]*, cache-write [0-9]*, model [0-9]*, rules [0-9]*, store [0-9]*" "$TMP/err"; then
  ok "--verbose prints per-phase timings"; else not_ok "--verbose prints per-phase timings"; fi
HAVE_SQLITE=0
command -v sqlite3 >/dev/null 2>&1 && HAVE_SQLITE=1
[ $HAVE_SQLITE = 1 ] && equals "one cache entry per unit" "$(sqlite3 "$DB" 'SELECT count(*) FROM facts_cache')" "5"

equals "cold run analyses the program" "$reused" "no"

check again
equals "unchanged re-run parses nothing" "$parsed:$cached" "0:5"
equals "unchanged re-run reuses the results" "$reused" "yes"
if cmp -s "$TMP/cold.out" "$TMP/again.out"; then ok "cached run: same findings"; else not_ok "cached run: same findings"; diff "$TMP/cold.out" "$TMP/again.out" | head; fi
# libclang is opened only when a unit is parsed (frontend/libclang.h): a
# re-run that parses nothing never loads it. glibc's loader names every
# object it opens under LD_DEBUG=files; a run that parses is the control.
LD_DEBUG=files "$RL" check --db "$DB" . -- -Iinclude >/dev/null 2>"$TMP/ld_again.err"
LD_DEBUG=files "$RL" check --no-db --no-cache . -- -Iinclude >/dev/null 2>"$TMP/ld_cold.err"
if grep -q 'file=.*libclang' "$TMP/ld_cold.err"; then
  if grep -q 'file=.*libclang' "$TMP/ld_again.err"; then not_ok "a re-run that parses nothing does not load libclang"
  else ok "a re-run that parses nothing does not load libclang"; fi
  ok "a run that parses loads libclang"
else
  not_ok "a run that parses loads libclang (LD_DEBUG=files shows no libclang)"
fi
[ $HAVE_SQLITE = 1 ] && equals "cached units are recorded as such" "$(sqlite3 "$DB" "SELECT group_concat(DISTINCT status) FROM units WHERE run_id = (SELECT max(id) FROM runs)")" "cached"

echo "/* touched */" >> worker.c
check touch_c
equals "one .c file touched: one unit parsed" "$parsed:$cached" "1:4"
# A comment at the end changes no fact: the whole-program results are
# keyed on the facts, not on the files' bytes (rl_facts_digest).
equals "one .c file touched, no fact changed: the results reused" "$reused" "yes"
if cmp -s "$TMP/cold.out" "$TMP/touch_c.out"; then ok "same findings after touching a .c file"; else not_ok "same findings after touching a .c file"; fi

echo "/* touched */" >> include/common.h
check touch_h
equals "common.h touched: the 4 units including it parsed" "$parsed:$cached" "4:1"

echo "/* touched */" >> include/lone.h
check touch_lone
equals "lone.h touched: its one unit parsed" "$parsed:$cached" "1:4"

# A line inserted at the top moves every line after it: facts changed.
{ echo; cat worker.c; } > worker.tmp && mv worker.tmp worker.c
check shift_c
equals "a line inserted in a .c file: one unit parsed" "$parsed:$cached" "1:4"
equals "a line inserted in a .c file: the program analysed again" "$reused" "no"

check no_cache --no-cache
equals "--no-cache parses every unit" "$parsed:$cached" "5:0"
equals "--no-cache analyses the program" "$reused" "no"
if cmp -s "$TMP/cold.out" "$TMP/no_cache.out"; then ok "--no-cache: same findings"; else not_ok "--no-cache: same findings"; fi
check after_no_cache
equals "after --no-cache the cache is fresh" "$parsed:$cached" "0:5"
equals "after --no-cache the results are reused" "$reused" "yes"

# A real change: the race in other.c fixed; the cached run sees it.
sed 's/^    stats.hits++;$/    pthread_mutex_lock(\&stats.lock); stats.hits++; pthread_mutex_unlock(\&stats.lock);/' other.c > other.tmp && mv other.tmp other.c
check fixed
equals "the edited unit parsed" "$parsed:$cached" "1:4"
equals "an edited unit: the program analysed again" "$reused" "no"
"$RL" check --no-db . -- -Iinclude >"$TMP/fixed_full.out" 2>/dev/null
if cmp -s "$TMP/fixed.out" "$TMP/fixed_full.out"; then ok "cached run equals a full run after an edit"; else not_ok "cached run equals a full run after an edit"; diff "$TMP/fixed.out" "$TMP/fixed_full.out" | head; fi
if grep -q "stats.hits" "$TMP/fixed.out"; then not_ok "the fixed race is gone"; else ok "the fixed race is gone"; fi

# Other flags: every unit misses.
"$RL" check --db "$DB" -v . -- -Iinclude -DEXTRA=1 >/dev/null 2>"$TMP/err"
equals "other flags: every unit parsed" "$(sed -n 's/^racelint: \([0-9]*\) units\{0,1\} parsed.*/\1/p' "$TMP/err")" "5"

if [ $HAVE_SQLITE = 1 ]; then
  check warm
  # Corrupt one blob (a byte in the middle), and truncate another.
  sqlite3 "$DB" "UPDATE facts_cache SET facts = substr(facts, 1, 40) || x'00ff00ff' || substr(facts, 45) WHERE file LIKE '%worker.c'"
  sqlite3 "$DB" "UPDATE facts_cache SET facts = substr(facts, 1, 10) WHERE file LIKE '%hit.c'"
  sqlite3 "$DB" "UPDATE facts_cache SET facts = x'' WHERE file LIKE '%main.c'"
  # With the results of these facts stored, and every entry's files and
  # digest intact, the facts themselves are not read: the damage is unseen.
  check corrupt_unread
  equals "stored results: the facts are not read" "$parsed:$cached:$reused" "0:5:yes"
  if cmp -s "$TMP/warm.out" "$TMP/corrupt_unread.out"; then ok "facts not read: same findings"; else not_ok "facts not read: same findings"; fi
  # An entry without a digest (as written before schema 10): its facts are
  # read, and, damaged, parsed again; parsed, they make the same digest, so
  # the results are still those stored and the other facts stay unread.
  sqlite3 "$DB" "UPDATE facts_cache SET digest = NULL WHERE file LIKE '%hit.c'"
  check corrupt_one
  equals "an entry without a digest: read, and that damaged unit parsed" "$parsed:$cached:$reused" "1:4:yes"
  equals "parsed entries get their digest" "$(sqlite3 "$DB" 'SELECT count(*) FROM facts_cache WHERE digest IS NULL')" "0"
  # Without the stored results the deferred facts are read after all, and
  # the two still damaged are parsed in a second round.
  sqlite3 "$DB" "DELETE FROM results_cache"
  check corrupt
  equals "no stored results: the other damaged units parsed too" "$parsed:$cached:$reused" "2:3:no"
  if cmp -s "$TMP/warm.out" "$TMP/corrupt.out"; then ok "corrupt entries: same findings"; else not_ok "corrupt entries: same findings"; fi
  check repaired
  equals "corrupt entries replaced" "$parsed:$cached" "0:5"
  # An entry whose file list no longer holds (a hash changed behind its
  # back) is not trusted: the facts are read, and here, damaged, parsed again.
  sqlite3 "$DB" "UPDATE facts_cache SET files = replace(files, substr(files, 1, 16), '0000000000000000'), facts = x'' WHERE file LIKE '%plain.c'"
  check stale_list
  equals "a listed hash that no longer holds: that unit parsed again" "$parsed:$cached" "1:4"

  # Stored results damaged: analysed again, with a warning, the same findings.
  # damaged_results NAME SQL MESSAGE WHAT: after SQL on the stored
  # results, the run analyses again, warns with MESSAGE, finds the same.
  damaged_results() {
    sqlite3 "$DB" "$2"
    check "$1"
    equals "$4: analysed again" "$reused" "no"
    if grep -q "$3" "$TMP/err"; then ok "$4: a warning"; else not_ok "$4: a warning"; fi
    if cmp -s "$TMP/results_warm.out" "$TMP/$1.out"; then ok "$4: same findings"; else not_ok "$4: same findings"; fi
  }
  check results_warm
  equals "results reused before damage" "$reused" "yes"
  damaged_results results_damaged "UPDATE results_cache SET results = substr(results, 1, 100)" \
    "results cache: the stored results cannot be read back" "damaged results"
  check results_repaired
  equals "damaged results replaced" "$reused" "yes"
  # One byte of the middle changed: the image's checksum refuses it
  # (test_results seals contents of other shapes and checks each refused).
  damaged_results results_byte_changed \
    "UPDATE results_cache SET results = substr(results, 1, length(results) / 2) || CASE substr(results, length(results) / 2 + 1, 1) WHEN x'A5' THEN x'5A' ELSE x'A5' END || substr(results, length(results) / 2 + 2)" \
    "checksum mismatch" "one byte of the stored results changed"
  equals "the results cache keeps the newest few" "$(sqlite3 "$DB" 'SELECT count(*) <= 4 FROM results_cache')" "1"
else
  echo "skip - corrupt cache entries (no sqlite3 command)"
fi

# The progress line: never when standard error is not a terminal; on one
# (through script(1), when there is one) unless --quiet.
if grep -q '/[0-9]* units' "$TMP/err"; then not_ok "no progress line off a terminal"; else ok "no progress line off a terminal"; fi
if command -v script >/dev/null 2>&1 && script -qc true /dev/null >/dev/null 2>&1; then
  script -qc "'$RL' check --no-db --no-cache . -- -Iinclude >/dev/null" "$TMP/tty" >/dev/null 2>&1
  if grep -q '5/5 units' "$TMP/tty"; then ok "progress line on a terminal"; else not_ok "progress line on a terminal"; fi
  script -qc "'$RL' check --no-db --no-cache -q . -- -Iinclude >/dev/null" "$TMP/tty_q" >/dev/null 2>&1
  if grep -q '/5 units' "$TMP/tty_q"; then not_ok "no progress line with --quiet"; else ok "no progress line with --quiet"; fi
else
  echo "skip - progress line on a terminal (no script command)"
fi

# A deleted header is a miss, and the unit then fails as a full run would.
rm include/lone.h
"$RL" check --db "$DB" -v . -- -Iinclude >/dev/null 2>"$TMP/err"
if grep -q "hit.c" "$TMP/err"; then ok "deleted header: its unit is parsed and fails"; else not_ok "deleted header: its unit is parsed and fails"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
