#!/bin/sh
# Measures racelint on the real codebases prepared by bench/corpus.sh, in one
# sitting, each codebase in turn, side by side with the floor it is compared
# with: libclang's own in-process parse of the same units at the same -j
# (bench/corpus/libclang_parse.py, clang_parseTranslationUnit through the
# libclang racelint links). For each codebase it runs
#   1. libclang_parse.py DB -j N --repeat R      (under GNU time -v)
#   2. racelint check -p DIR --no-db --format json -o OUT/NAME.json -j N -v
#      (cold: --no-db, so no facts cache; under GNU time -v)
# and records wall time, CPU time, peak RSS, racelint's phase timings, the
# findings by rule, the threads and programs the findings show, and
# everything racelint printed (summary, warnings, parse failures, limits).
# Writes OUT/table.md (markdown: timing table, findings table, per-codebase
# notes) and prints it; each JSON report is kept as OUT/NAME.json for
# triage, with NAME.err (racelint's stderr), NAME.time, NAME.metrics.json.
#
# usage: bench/real.sh -r RACELINT [-j N] [-o OUT] [NAME...]
#   -r RACELINT  the racelint binary to measure (default: build/racelint)
#   -j N         parallelism of both racelint and the libclang parse (default 2)
#   -o OUT       results folder (default: $OUT, else ${TMPDIR:-/tmp}/racelint-real)
#   NAME         codebases under $CORPUS (default: memcached pigz redis zstd
#                libuv curl sqlite, those that are prepared)
# environment:
#   CORPUS       where bench/corpus.sh put the codebases (default: /tmp/corpus)
#   REPEAT       libclang parse repetitions, mean reported (default 1)
#   LIBCLANG     libclang shared object for the parse floor (default: the one
#                the racelint binary opens, from its --version)
#   RACELINT_ARGS  extra arguments for racelint check (e.g. --unit-timeout 60)
#   TIMEOUT      seconds before a racelint run is killed (default 3600)
#   RERUNS=1     also measure re-runs with a database (OUT/NAME.db): a cold
#                run, an unchanged re-run, and a run after one line is
#                appended to the first .c file of the compile database (the
#                file is restored after); writes OUT/reruns.md
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CORPUS=${CORPUS:-/tmp/corpus}
JOBS=2
RL=
OUTDIR=${OUT:-${TMPDIR:-/tmp}/racelint-real}
REPEAT=${REPEAT:-1}
TIMEOUT=${TIMEOUT:-3600}
while [ $# -gt 0 ]; do
  case $1 in
    -r) RL=$2; shift 2 ;;
    -j) JOBS=$2; shift 2 ;;
    -o) OUTDIR=$2; shift 2 ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    -*) echo "real: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ -z "$RL" ]; then
  for b in "$HERE"/../build*/racelint; do [ -x "$b" ] && { RL=$b; break; }; done
fi
if [ -z "$RL" ] || [ ! -x "$RL" ]; then echo "real: no racelint binary; pass -r PATH" >&2; exit 2; fi
RL=$(cd "$(dirname "$RL")" && pwd)/$(basename "$RL")
[ -x /usr/bin/time ] || { echo "real: needs GNU time (/usr/bin/time; apt-get install time)" >&2; exit 2; }
if [ -z "${LIBCLANG:-}" ]; then
  # racelint opens libclang itself and says from where (--version); older
  # builds linked it
  LIBCLANG=$("$RL" --version 2>/dev/null | sed -n 's/^libclang loaded from //p')
  [ -n "$LIBCLANG" ] || LIBCLANG=$(ldd "$RL" 2>/dev/null | awk '/libclang/ { print $3; exit }')
fi
NAMES=$*
if [ -z "$NAMES" ]; then
  for n in memcached pigz redis zstd libuv curl sqlite; do
    [ -f "$CORPUS/$n/compile_commands.json" ] && NAMES="$NAMES $n"
  done
fi
[ -n "$NAMES" ] || { echo "real: nothing prepared under $CORPUS (run bench/corpus.sh)" >&2; exit 2; }
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

{
  echo "# racelint on real codebases"
  echo
  echo "- racelint: \`$("$RL" --version 2>/dev/null | head -1)\` ($(basename "$RL"), sha256 $(sha256sum "$RL" | cut -c1-12))"
  echo "- libclang floor: ${LIBCLANG:-newest found} in-process parse, -j $JOBS, mean of $REPEAT"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); racelint run: \`racelint check -p DIR --no-db --format json -o NAME.json -j $JOBS -v${RACELINT_ARGS:+ $RACELINT_ARGS}\`"
  echo
} >"$OUTDIR/header.md"

# Seconds (wall) of one `racelint check` with a database; $1: label.
# Wall time from the clock in nanoseconds: GNU time's %e counts in
# hundredths, and a re-run of pigz takes two of them.
timed_check() {
  t0=$(date +%s%N)
  /usr/bin/time -f '%e %U' -o "$OUTDIR/$n.$1.time" timeout "$TIMEOUT" \
    "$RL" check -p "$DIR" --db "$OUTDIR/$n.db" --format json -o "$OUTDIR/$n.$1.json" -j "$JOBS" -v \
    ${RACELINT_ARGS:-} >/dev/null 2>"$OUTDIR/$n.$1.err" || true
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
}

# measure_reruns NAME DIR DB: cold, unchanged and one-file-edited runs with
# a database, as a row of OUT/reruns.md. The edited file is restored.
measure_reruns() {
  rm -f "$OUTDIR/$n.db"
  [ -f "$OUTDIR/reruns.md" ] || printf '| codebase | cold (s) | unchanged (s) | %% of cold | one .c edited (s) | %% of cold | edited file |\n|---|---|---|---|---|---|---|\n' >"$OUTDIR/reruns.md"
  cold=$(timed_check cold)
  same=$(timed_check unchanged)
  file=$(python3 -c 'import json,os,sys
for e in json.load(open(sys.argv[1])):
    f = os.path.join(e.get("directory", ""), e["file"])
    if f.endswith(".c") and os.path.isfile(f): print(f); break' "$3")
  cp -p "$file" "$OUTDIR/$n.edited.orig"
  echo "/* racelint bench: one line appended */" >>"$file"
  edited=$(timed_check edited)
  cp -p "$OUTDIR/$n.edited.orig" "$file"
  printf '| %s | %s | %s | %s | %s | %s | `%s` |\n' "$1" "$cold" "$same" \
    "$(awk -v a="$same" -v b="$cold" 'BEGIN { printf "%.1f", 100 * a / b }')" "$edited" \
    "$(awk -v a="$edited" -v b="$cold" 'BEGIN { printf "%.1f", 100 * a / b }')" "${file#"$2"/}" >>"$OUTDIR/reruns.md"
}

for n in $NAMES; do
  DIR=$CORPUS/$n
  DB=$DIR/compile_commands.json
  [ -f "$DB" ] || { echo "real: $DB missing (bench/corpus.sh $n)" >&2; continue; }
  echo "== $n ($(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$DB") units)" >&2
  /usr/bin/time -v -o "$OUTDIR/$n.libclang.time" \
    python3 "$HERE/corpus/libclang_parse.py" "$DB" -j "$JOBS" --repeat "$REPEAT" \
    ${LIBCLANG:+--lib "$LIBCLANG"} >"$OUTDIR/$n.libclang.txt" 2>&1 || true
  head -1 "$OUTDIR/$n.libclang.txt" >&2
  rm -f "$OUTDIR/$n.json"
  rc=0
  # shellcheck disable=SC2086
  /usr/bin/time -v -o "$OUTDIR/$n.time" timeout "$TIMEOUT" \
    "$RL" check -p "$DIR" --no-db --format json -o "$OUTDIR/$n.json" -j "$JOBS" -v ${RACELINT_ARGS:-} \
    >"$OUTDIR/$n.out" 2>"$OUTDIR/$n.err" || rc=$?
  echo "$rc" >"$OUTDIR/$n.rc"
  grep '^racelint: .*finding' "$OUTDIR/$n.err" >&2 || tail -3 "$OUTDIR/$n.err" >&2
  python3 "$HERE/real_report.py" row "$n" "$OUTDIR" "$DB"
  [ "${RERUNS:-0}" = 1 ] && measure_reruns "$n" "$DIR" "$DB"
done
[ "${RERUNS:-0}" = 1 ] && cat "$OUTDIR/reruns.md"

# shellcheck disable=SC2086
{ cat "$OUTDIR/header.md"; python3 "$HERE/real_report.py" table "$OUTDIR" $NAMES; } >"$OUTDIR/table.md"
cat "$OUTDIR/table.md"
echo "reports: $OUTDIR/NAME.json; table: $OUTDIR/table.md" >&2
