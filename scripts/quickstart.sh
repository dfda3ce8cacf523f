#!/bin/sh
# The README's first command: install what is missing, build racelint into
# build/, and run it on the bundled example (examples/bank), which has one
# real data race. racelint exits 1 when it reports findings; that is the
# expected outcome here, so this script succeeds when the finding is shown.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
echo
echo "== racelint check examples/bank"
status=0
./build/racelint check examples/bank || status=$?
if [ "$status" -ne 1 ]; then
  echo "quickstart: expected exit status 1 (findings reported), got $status" >&2
  exit 1
fi
echo
echo "The run is recorded in .racelint/racelint.db: try ./build/racelint findings"
