#!/bin/sh
# Measures racelint on Goblint's regression suite (goblint/analyzer
# tests/regression: programs whose lines are annotated RACE!/NORACE). Exports
# the programs from a goblint/analyzer mirror at the commit pinned by the
# goblint-bench folder (its extract.sh; only when they are not there yet),
# runs racelint once per program,
#   cd SRC && timeout T racelint check tests/regression/DIR/FILE.c --no-db \
#       --format sarif -o OUT/sarif/DIR/FILE.sarif -j 1 [OPTIONS] -- -w -I STUBS
# (STUBS: goblint-bench's stub header folder for Goblint's intrinsics), merges
# the SARIF runs into OUT/all.sarif and scores it line by line with
# goblint-bench's score.py --strict (plain `RACE`, Goblint's accepted
# imprecision, left out), printing the per-folder tables and the last line
#   goblint-bench: recall R/N (x%), false-alarms F/M (y%), verdicts V/P (z%)
# OPTIONS: the racelint rule options that stand for two Goblint options a
# program's first line (`// PARAM: ...`) may give, whose program's labels
# hold only under them: `--disable ana.race.volatile` is
# `--check-option race.volatile=ignore`, `--disable ana.race.free` is
# `--check-option race.free=ignore`. Every other PARAM is left out.
# Also writes OUT/status.tsv (program, exit status, seconds, findings, note:
# timeout / crash / parse errors, the options passed), OUT/score.txt and
# OUT/score.json. The programs are third-party code: they stay outside this
# repository.
#
# usage: bench/goblint.sh -r RACELINT [-o OUT] [-t SECONDS] [-P N] [-- SCORE_ARGS...]
#   -r RACELINT  the racelint binary (default: build/racelint)
#   -o OUT       results folder (default: $OUT, else ${TMPDIR:-/tmp}/racelint-goblint)
#   -t SECONDS   per-program timeout (default 60)
#   -P N         programs run at once (default 2); each racelint runs with -j 1
#   SCORE_ARGS   more score.py options (e.g. --list, --exclude-todo)
# environment:
#   GOBLINT_BENCH  the goblint-bench folder: COMMIT, manifest.tsv, files.tsv,
#                  extract.sh, score.py, stubs/ (default: ../shared/goblint
#                  beside this repository)
#   GOBLINT_SRC    where the programs are exported (default: /tmp/goblint-bench)
#   MIRROR         folder of git mirrors (OWNER+NAME/repo) holding
#                  goblint+analyzer, for the export
#   GOBLINT_GIT    or the goblint/analyzer git dir itself
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" = --one ]; then
  # internal: --one RACELINT OUT STUBS TIMEOUT REPO_PATH (run from GOBLINT_SRC)
  RL=$2; OUTDIR=$3; STUBS=$4; T=$5; f=$6
  base=$OUTDIR/sarif/${f#tests/regression/}
  base=${base%.c}
  mkdir -p "$(dirname "$base")"
  rm -f "$base.sarif"
  # the two Goblint options racelint has (see the header), from PARAM
  param=$(head -n 1 "$f" | sed -n 's|^// *PARAM:||p' | tr -s ' \t' '  ')
  set --
  case " $param " in *" --disable ana.race.volatile "*) set -- "$@" --check-option race.volatile=ignore ;; esac
  case " $param " in *" --disable ana.race.free "*) set -- "$@" --check-option race.free=ignore ;; esac
  t0=$(date +%s.%N)
  rc=0
  timeout "$T" "$RL" check "$f" --no-db --format sarif -o "$base.sarif" -j 1 "$@" -- -w -I "$STUBS" \
    >"$base.out" 2>"$base.err" || rc=$?
  t1=$(date +%s.%N)
  note=
  case $rc in
    0|1) ;;
    124) note=timeout ;;
    *) if [ "$rc" -ge 128 ]; then note="crash (signal $((rc - 128)))"; else note="exit $rc"; fi ;;
  esac
  grep -q 'parse errors\|skipped' "$base.err" 2>/dev/null && note="${note:+$note, }parse errors"
  n=$(sed -n 's/^racelint: \([0-9]*\) findings\{0,1\} in.*/\1/p' "$base.err" | head -1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$f" "$rc" "$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')" "${n:--}" "$note" "$*"
  exit 0
fi

RL=
OUTDIR=${OUT:-${TMPDIR:-/tmp}/racelint-goblint}
T=60
P=2
while [ $# -gt 0 ]; do
  case $1 in
    -r) RL=$2; shift 2 ;;
    -o) OUTDIR=$2; shift 2 ;;
    -t) T=$2; shift 2 ;;
    -P) P=$2; shift 2 ;;
    -h|--help) sed -n '2,37p' "$0"; exit 0 ;;
    --) shift; break ;;
    *) echo "goblint: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$RL" ]; then
  for b in "$HERE"/../build*/racelint; do [ -x "$b" ] && { RL=$b; break; }; done
fi
if [ -z "$RL" ] || [ ! -x "$RL" ]; then echo "goblint: no racelint binary; pass -r PATH" >&2; exit 2; fi
RL=$(cd "$(dirname "$RL")" && pwd)/$(basename "$RL")
GB=${GOBLINT_BENCH:-$HERE/../../shared/goblint}
if [ ! -f "$GB/manifest.tsv" ] || [ ! -f "$GB/score.py" ]; then
  echo "goblint: no goblint-bench folder at $GB (set GOBLINT_BENCH)" >&2; exit 2
fi
GB=$(cd "$GB" && pwd)
STUBS=$GB/stubs
SRC=${GOBLINT_SRC:-/tmp/goblint-bench}

# The programs: every repo_path of files.tsv (the annotated pthread programs).
PROGRAMS=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "repo_path") c = i; next }
                       c && $c ~ /\.c$/ { print $c }' "$GB/files.tsv" | sort -u)
missing=0
for f in $PROGRAMS; do [ -f "$SRC/$f" ] || { missing=1; break; }; done
if [ "$missing" = 1 ]; then
  echo "goblint: exporting the programs into $SRC" >&2
  # shellcheck disable=SC2086
  bash "$GB/extract.sh" ${GOBLINT_GIT:+"$GOBLINT_GIT"} "$SRC" >&2
fi
SRC=$(cd "$SRC" && pwd)

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
rm -rf "$OUTDIR/sarif"
NPROG=$(echo "$PROGRAMS" | wc -l)
echo "goblint: $NPROG programs, $("$RL" --version | head -1), timeout ${T}s, $P at once" >&2
START=$(date +%s)
printf 'program\texit\tseconds\tfindings\tnote\toptions\n' >"$OUTDIR/status.tsv"
echo "$PROGRAMS" | (cd "$SRC" && xargs -P "$P" -n 1 sh "$HERE/goblint.sh" --one "$RL" "$OUTDIR" "$STUBS" "$T") |
  sort >>"$OUTDIR/status.tsv"
END=$(date +%s)

# One SARIF document holding every program's run.
python3 - "$OUTDIR" <<'EOF'
import json, os, sys
out = sys.argv[1]
runs, bad = [], 0
for d, _, files in sorted(os.walk(os.path.join(out, 'sarif'))):
    for f in sorted(files):
        if f.endswith('.sarif'):
            try:
                runs.extend(json.load(open(os.path.join(d, f)))['runs'])
            except (ValueError, KeyError):
                bad += 1
doc = {'$schema': 'https://json.schemastore.org/sarif-2.1.0.json', 'version': '2.1.0', 'runs': runs}
json.dump(doc, open(os.path.join(out, 'all.sarif'), 'w'))
if bad:
    print('goblint: %d unreadable SARIF files' % bad, file=sys.stderr)
EOF

awk -F'\t' -v secs=$((END - START)) 'NR > 1 { n++; if ($5 ~ /timeout/) t++; if ($5 ~ /crash|exit/) c++; if ($5 ~ /parse/) p++
  if ($4 ~ /^[0-9]+$/) f += $4; s += $3 }
  END { printf "goblint: %d programs in %d s (sum %.0f s), %d findings; %d timeouts, %d crashes/other exits, %d with parse errors\n",
        n, secs, s, f, t, c, p }' "$OUTDIR/status.tsv" | tee "$OUTDIR/run.txt"
awk -F'\t' 'NR > 1 && $5 != "" { print "  " $1 ": " $5 }' "$OUTDIR/status.tsv" | head -30 | tee -a "$OUTDIR/run.txt"
awk -F'\t' 'NR > 1 && $6 != "" { n++ } END { printf "goblint: %d programs run with rule options from their PARAM line\n", n }' \
  "$OUTDIR/status.tsv" | tee -a "$OUTDIR/run.txt"
python3 "$GB/score.py" "$OUTDIR/all.sarif" --strict --json "$OUTDIR/score.json" "$@" | tee "$OUTDIR/score.txt"
echo "results: $OUTDIR (all.sarif, status.tsv, score.txt, score.json)" >&2
