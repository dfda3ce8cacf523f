#!/bin/sh
# racelint's benchmark (docs/performance.md). On a generated codebase of
# UNITS units (bench/gen.sh), or on any codebase given by its compilation
# database, measures with GNU time:
#   cold       racelint check on an empty facts cache
#   unchanged  the same check again (nothing parsed)
#   touch-c    after appending a comment to one .c file
#   touch-h    after appending a comment to one header (generated code: a
#              module header included by 20 units; -p: give it with -H)
#   clang      clang -fsyntax-only over the same units, same parallelism
# and prints wall time, CPU time (user+sys, children included), peak
# resident memory of the largest process, and the ratios the targets are
# about. The codebase is copied (generated) into a scratch folder: the
# touched files are never the originals.
# With several codebases (bench/run.sh 200 2000 -p BUILD), measures each in
# turn in one sitting and ends with a table of the ratios side by side,
# and the growth of the global phase between the smallest and the largest
# generated codebase.
# usage: bench/run.sh [-j N] [-r RACELINT] (UNITS | -p BUILD_DIR [-H HEADER])...
# CLANG names the clang to compare with (default: the clang of the same
# major version as the libclang racelint uses, else `clang`).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
JOBS=$(nproc)
RL=
BUILD=
HEADER=
UNITS=
TARGETS=0
OPTS=
SPECS=
while [ $# -gt 0 ]; do
  case $1 in
    -j) JOBS=$2; OPTS="$OPTS -j $2"; shift 2 ;;
    -r) RL=$2; OPTS="$OPTS -r $2"; shift 2 ;;
    -p) BUILD=$2; TARGETS=$((TARGETS + 1)); SPECS="$SPECS|-p $2"; shift 2 ;;
    -H) HEADER=$2; SPECS="$SPECS -H $2"; shift 2 ;;
    *) UNITS=$1; TARGETS=$((TARGETS + 1)); SPECS="$SPECS|$1"; shift ;;
  esac
done

if [ "$TARGETS" -gt 1 ]; then
  # One sitting: each codebase by a run of this script, then the summary.
  SUMMARY=$(mktemp "${TMPDIR:-/tmp}/racelint-bench-summary.XXXXXX")
  trap 'rm -f "$SUMMARY"' EXIT
  echo "$SPECS" | tr '|' '\n' | sed '/^$/d' | while read -r spec; do
    # shellcheck disable=SC2086
    sh "$0" $OPTS $spec | tee /dev/stderr | sed -n 's/^summary: //p' >>"$SUMMARY"
    echo >&2
  done 2>&1
  echo "side by side:"
  printf "%-36s %8s %8s %8s %8s %9s %10s\n" codebase units cold/cl unch/cold touch/cold "peak(MiB)" "global(ms)"
  awk -F'\t' '{ printf "%-36s %8s %8s %8s %8s %9s %10s\n", $1, $2, $3, $4, $5, $6, $7 }' "$SUMMARY"
  awk -F'\t' '$1 ~ /^generated/ { if (min == "" || $2 < min) { min = $2; gmin = $7 } if ($2 > max) { max = $2; gmax = $7 } }
    END { if (min != "" && max > min && gmin > 0)
            printf "global phase, %d / %d units: %.1f x (target <= %d x for 2000 / 200)\n", max, min, gmax / gmin, 12 }' "$SUMMARY"
  exit 0
fi
[ -n "$RL" ] || RL=$(ls "$HERE"/../build*/racelint 2>/dev/null | head -1)
[ -x "$RL" ] || { echo "bench: no racelint binary; pass -r PATH" >&2; exit 2; }
RL=$(cd "$(dirname "$RL")" && pwd)/$(basename "$RL")
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (/usr/bin/time)" >&2; exit 2; }
if [ -z "${CLANG:-}" ]; then
  v=$("$RL" --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
  CLANG=clang
  [ -n "$v" ] && command -v "clang-$v" >/dev/null && CLANG=clang-$v
fi
command -v "$CLANG" >/dev/null || { echo "bench: needs clang ($CLANG)" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/racelint-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [ -z "$BUILD" ]; then
  : "${UNITS:?usage: bench/run.sh [-j N] [-r RACELINT] (UNITS | -p BUILD_DIR [-H HEADER])}"
  sh "$HERE/gen.sh" "$UNITS" "$WORK/code"
  DB_DIR=$WORK/code
  TOUCH_C=$WORK/code/src/u1.c
  TOUCH_H=$WORK/code/include/mod1.h
  NAME="generated, $UNITS units"
else
  DB_DIR=$(cd "$BUILD" && pwd)
  command -v jq >/dev/null || { echo "bench: -p needs jq" >&2; exit 2; }
  TOUCH_C=$(jq -r '.[0].file' "$DB_DIR/compile_commands.json")
  TOUCH_H=$HEADER
  NAME="$DB_DIR"
  echo "bench: touching files of a real codebase: a comment is appended to $TOUCH_C${TOUCH_H:+ and $TOUCH_H}, and removed after" >&2
fi

# clang's command lines: the compilation database's, with -fsyntax-only.
jq_cmds() {
  if command -v jq >/dev/null; then
    jq -r '.[] | "cd \(.directory) && " + (if .command then .command else (.arguments | map(@sh) | join(" ")) end)' "$DB_DIR/compile_commands.json"
  else
    # the generated database: one object per line
    sed -n 's/.*"directory": "\([^"]*\)".*"command": "\([^"]*\)".*/cd \1 \&\& \2/p' "$DB_DIR/compile_commands.json"
  fi
}
jq_cmds | sed -e 's/ -c / /; s/ -o [^ ]*//; s/ -O[0-9s]*//' -e "s|^\(cd [^&]*&& \)[^ ]*|\1$CLANG -fsyntax-only -Wno-everything|" >"$WORK/clang.cmds"
NUNITS=$(wc -l <"$WORK/clang.cmds")

# measure NAME CMD...: one line of results; verbose racelint output kept.
measure() {
  name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || true
  set -- $(tail -1 "$WORK/$name.time")
  wall=$1; cpu=$(echo "$2 $3" | awk '{printf "%.2f", $1 + $2}'); mem=$(echo "$4" | awk '{printf "%.0f", $1 / 1024}')
  parsed=$(sed -n 's/^racelint: \([0-9]*\) units\{0,1\} parsed, \([0-9]*\) cached$/\1/p' "$WORK/$name.err")
  global=$(sed -n 's/.* model \([0-9]*\), rules \([0-9]*\),.*/\1 \2/p' "$WORK/$name.err" | awk '{print $1 + $2}')
  eval "W_$name=$wall C_$name=$cpu M_$name=$mem G_$name=$global"
  printf "%-10s %9s %9s %10s %8s %10s\n" "$name" "$wall" "$cpu" "$mem" "${parsed:--}" "${global:--}"
}

echo "racelint benchmark: $NAME ($NUNITS units), -j $JOBS, $(nproc) cores; $("$RL" --version | head -1), compared with $($CLANG --version | head -1)"
printf "%-10s %9s %9s %10s %8s %10s\n" run "wall(s)" "cpu(s)" "peak(MiB)" parsed "global(ms)"
measure clang sh -c "xargs -P $JOBS -I{} sh -c '{}' <'$WORK/clang.cmds'"
measure cold "$RL" check --db "$WORK/bench.db" -q -v -j "$JOBS" -p "$DB_DIR" --format json -o "$WORK/findings.json"
measure unchanged "$RL" check --db "$WORK/bench.db" -q -v -j "$JOBS" -p "$DB_DIR" --format json -o "$WORK/findings.json"
echo "/* bench: touched */" >>"$TOUCH_C"
measure touch_c "$RL" check --db "$WORK/bench.db" -q -v -j "$JOBS" -p "$DB_DIR" --format json -o "$WORK/findings.json"
if [ -n "$TOUCH_H" ]; then
  echo "/* bench: touched */" >>"$TOUCH_H"
  measure touch_h "$RL" check --db "$WORK/bench.db" -q -v -j "$JOBS" -p "$DB_DIR" --format json -o "$WORK/findings.json"
fi
if [ -n "$BUILD" ]; then
  # put the real codebase back as it was
  for f in "$TOUCH_C" $TOUCH_H; do sed -i '$d' "$f"; done
fi
FINDINGS=$(grep -c '"rule"' "$WORK/findings.json" || true)
echo "findings: $FINDINGS"
awk -v c="$W_clang" -v k="$W_cold" -v u="$W_unchanged" -v t="$W_touch_c" 'BEGIN {
  printf "cold / clang:       %.2f   (target <= 1.3)\n", k / c
  printf "unchanged / cold:   %.3f  (target <= 0.05)\n", u / k
  printf "touch-c / cold:     %.3f  (target <= 0.10)\n", t / k
}'
echo "peak memory, cold:  ${M_cold} MiB (target <= 2048)"
# The global phase of the runs that parsed nothing or little: the median.
GLOBAL=$(echo "$G_unchanged" "$G_touch_c" "${G_touch_h:-}" | tr ' ' '\n' | sed '/^$/d' |
  sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
# For the side-by-side table: name, units, the ratios, peak, global phase.
printf "summary: %s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$NAME" "$NUNITS" \
  "$(awk -v a="$W_cold" -v b="$W_clang" 'BEGIN { printf "%.2f", a / b }')" \
  "$(awk -v a="$W_unchanged" -v b="$W_cold" 'BEGIN { printf "%.3f", a / b }')" \
  "$(awk -v a="$W_touch_c" -v b="$W_cold" 'BEGIN { printf "%.3f", a / b }')" "$M_cold" "$GLOBAL"
