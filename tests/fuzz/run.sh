#!/bin/sh
# Fuzzes each parser racelint owns for a bounded time with libFuzzer
# (docs/robustness.md, "Fuzzing"): configures BUILD_DIR with clang and
# -DRACELINT_FUZZ=ON, builds only the fuzz targets, runs each from its seed
# corpus, and fails on any crash, leak, timeout or sanitizer report. The
# inputs that failed are kept in BUILD_DIR/fuzz-artifacts/TARGET/ and named
# in the output; new inputs libFuzzer finds go to BUILD_DIR/fuzz-corpus/.
# Without clang or its libFuzzer runtime this prints "skipped: ..." and
# passes, except in CI (CI set, as CI services do), where it fails.
# usage: run.sh [BUILD_DIR]          (default: build-fuzz in the source root)
# env:   FUZZ_SECONDS  seconds per target (default 20)
#        FUZZ_TARGETS  targets to run (default: apimodel config suppress baseline facts)
#        FUZZ_CC       the compiler (default: clang-19, else clang)
#        FUZZ_JOBS     build jobs (default 2)
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$SRC/build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-20}
TARGETS=${FUZZ_TARGETS:-apimodel config suppress baseline facts}
# Per input: a parse of a few KiB takes milliseconds, so 25 s means a hang
# even on a loaded CI machine (the limit is wall-clock time).
TIMEOUT_EACH=25
RSS_LIMIT_MB=2048

in_ci() {
  case "${CI:-}" in "" | false | 0) return 1 ;; *) return 0 ;; esac
}
skip() {
  if in_ci; then
    echo "fuzz: error: $1, and CI must fuzz (install: sh scripts/install-deps.sh --tests)" >&2
    exit 1
  fi
  echo "skipped: $1"
  exit 0
}

CC_FUZZ=${FUZZ_CC:-}
if [ -z "$CC_FUZZ" ]; then
  for c in clang-19 clang; do
    if command -v "$c" >/dev/null 2>&1; then CC_FUZZ=$c; break; fi
  done
fi
[ -n "$CC_FUZZ" ] || skip "no clang (Debian: clang-19)"
command -v "$CC_FUZZ" >/dev/null 2>&1 || skip "no compiler $CC_FUZZ"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat >"$TMP/probe.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return d && n; }
EOF
"$CC_FUZZ" -fsanitize=fuzzer,address "$TMP/probe.c" -o "$TMP/probe" >/dev/null 2>&1 ||
  skip "$CC_FUZZ cannot build a libFuzzer target (Debian: libclang-rt-19-dev)"

echo "fuzz: building the targets with $CC_FUZZ in $BUILD"
# A folder configured with another compiler (clang before clang-19 was
# installed): CMake would configure it again from scratch, dropping every
# -D given here, RACELINT_FUZZ included, and find no fuzz targets. Start
# such a folder afresh.
if [ -f "$BUILD/CMakeCache.txt" ] && [ "$(cat "$BUILD/.fuzz-cc" 2>/dev/null)" != "$CC_FUZZ" ]; then
  rm -rf "$BUILD/CMakeCache.txt" "$BUILD/CMakeFiles"
fi
mkdir -p "$BUILD" && printf '%s\n' "$CC_FUZZ" >"$BUILD/.fuzz-cc"
if ! cmake -S "$SRC" -B "$BUILD" -DCMAKE_C_COMPILER="$CC_FUZZ" -DRACELINT_FUZZ=ON \
       -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$TMP/cmake.log" 2>&1 ||
   ! cmake --build "$BUILD" --target fuzzers -j "${FUZZ_JOBS:-2}" >>"$TMP/cmake.log" 2>&1; then
  tail -30 "$TMP/cmake.log"
  echo "fuzz: error: the fuzz targets do not build" >&2
  exit 1
fi

# libclang keeps some allocations until exit (as in the other tests).
export LSAN_OPTIONS="suppressions=$SRC/tests/lsan.supp:print_suppressions=0:use_tls=0"  # use_tls: tests/CMakeLists.txt
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failed=""
for t in $TARGETS; do
  bin=$BUILD/fuzz_$t
  seeds=$SRC/tests/fuzz/corpus/$t
  # libFuzzer adds what it finds to the first corpus folder: a scratch one,
  # so the seeds in the source tree stay as they are.
  found=$BUILD/fuzz-corpus/$t
  artifacts=$BUILD/fuzz-artifacts/$t
  log=$BUILD/fuzz-$t.log
  if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
    echo "fuzz: $t: FAILED: no target $bin or no seeds $seeds"
    failed="$failed $t"
    continue
  fi
  mkdir -p "$found" "$artifacts"
  rm -f "$artifacts"/*
  dict=$SRC/tests/fuzz/$t.dict
  [ "$t" = config ] && dict=$SRC/tests/fuzz/apimodel.dict # the same YAML format
  set -- -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT_EACH" -rss_limit_mb="$RSS_LIMIT_MB" \
    -print_final_stats=1 -artifact_prefix="$artifacts/"
  [ -f "$dict" ] && set -- "$@" -dict="$dict"
  "$bin" "$@" "$found" "$seeds" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  crashes=$(ls "$artifacts" 2>/dev/null)
  if [ "$rc" -eq 0 ] && [ -z "$crashes" ]; then
    corpus="$(ls "$seeds" | wc -l) seeds + $(ls "$found" | wc -l) found"
    echo "fuzz: $t: ok, ${runs:-?} runs in ${SECONDS_EACH}s (${speed:-?}/s, ${cov:-cov: ?}), corpus $corpus"
  else
    echo "fuzz: $t: FAILED (exit $rc) after ${runs:-?} runs; log: $log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*fuzz check failed)' "$log" | head -5 | sed 's/^/    /'
    for a in $crashes; do echo "    input: $artifacts/$a"; done
    failed="$failed $t"
  fi
done
if [ -n "$failed" ]; then
  echo "fuzz: failed:$failed (reproduce: BUILD/fuzz_TARGET INPUT; add the minimized input to tests/fuzz/corpus/TARGET/)"
  exit 1
fi
echo "fuzz: all targets ok"
