#!/bin/sh
# Golden tests of the facts: `racelint check --dump-facts` on chosen
# fixtures must print exactly tests/golden/NAME.facts. A change in the
# frontend shows up here as a readable diff of the event trees.
# usage: run.sh PATH/TO/racelint SOURCE_DIR [--update]
set -u
RL=$1
SRC=$2
cd "$SRC" || exit 2
passed=0
failed=0
for golden in tests/golden/*.facts; do
  name=$(basename "$golden" .facts)
  actual=$(mktemp)
  "$RL" check --no-db --dump-facts -q -j 1 "fixtures/$name.c" 2>/dev/null | sed -n '/^unit /,/^[^ ]*:[0-9]*:[0-9]*: /p' | grep -v '^[^ ]*:[0-9]*:[0-9]*: ' >"$actual"
  if [ "${3:-}" = --update ]; then cp "$actual" "$golden"; fi
  if diff -u "$golden" "$actual"; then
    passed=$((passed + 1)); echo "ok - $name"
  else
    failed=$((failed + 1)); echo "not ok - $name (facts differ from $golden)"
  fi
  rm -f "$actual"
done
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
