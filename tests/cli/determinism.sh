#!/bin/sh
# The findings do not depend on the order of the compile database's
# entries nor on how many units are parsed at once: a multi-unit program
# (examples/bank) and several one-unit programs whose names follow stored
# pointers through allocator wrappers, per-instance objects and queues
# (the model's order-sensitive parts: stores recorded as contexts are
# explored, then again once all are known) are analysed with the
# entries in order at -j 1 and reversed at -j 2; the findings, programs
# and notices of the JSON reports must be identical, and not empty.
# usage: determinism.sh PATH/TO/racelint SOURCE_DIR
set -u
RL=$1
SRC=$(cd "$2" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }

# entries DIR FILE...: one compile database entry per file, in that order
entries() {
  dir=$1; shift
  sep=
  for f in "$@"; do
    printf '%s {"directory": "%s", "file": "%s", "arguments": ["cc", "-c", "-I.", "%s"]}\n' "$sep" "$dir" "$f" "$f"
    sep=,
  done
}
# compdb OUT ORDER: the bank example's units and the fixtures, in ORDER
# (forward or reverse)
compdb() {
  out=$1; order=$2
  bank=$(cd "$SRC/examples/bank" && ls ./*.c | sed 's|^\./||')
  fixtures=$(cd "$SRC/fixtures" && ls per_instance_*.c pool_*.c queue_*.c | head -16)
  if [ "$order" = reverse ]; then
    bank=$(echo "$bank" | sort -r)
    fixtures=$(echo "$fixtures" | sort -r)
  fi
  {
    echo "["
    if [ "$order" = reverse ]; then
      # shellcheck disable=SC2086
      entries "$SRC/fixtures" $fixtures
      echo ","
      # shellcheck disable=SC2086
      entries "$SRC/examples/bank" $bank
    else
      # shellcheck disable=SC2086
      entries "$SRC/examples/bank" $bank
      echo ","
      # shellcheck disable=SC2086
      entries "$SRC/fixtures" $fixtures
    fi
    echo "]"
  } >"$out"
}

# what must not change between runs: the findings (with their
# fingerprints, events and confidence, in report order), the programs and
# the notices (as sets: they are listed in the entries' order)
essence() {
  jq -S '{findings: .findings, programs: (.run.programs | sort), notices: (.run.notices | sort_by(tostring))}' "$1"
}

mkdir -p "$TMP/fwd" "$TMP/rev"
compdb "$TMP/fwd/compile_commands.json" forward
compdb "$TMP/rev/compile_commands.json" reverse
if jq -e 'length > 12' "$TMP/fwd/compile_commands.json" >/dev/null &&
   [ "$(jq -r '.[0].file' "$TMP/fwd/compile_commands.json")" != "$(jq -r '.[0].file' "$TMP/rev/compile_commands.json")" ]; then
  ok "two orders of the same entries"
else
  not_ok "two orders of the same entries"
fi

"$RL" check -p "$TMP/fwd" --no-db --format json -o "$TMP/fwd.json" -j 1 -q 2>"$TMP/fwd.err"
rc_fwd=$?
"$RL" check -p "$TMP/rev" --no-db --format json -o "$TMP/rev.json" -j 2 -q 2>"$TMP/rev.err"
rc_rev=$?
if [ "$rc_fwd" -eq 1 ] && [ "$rc_rev" -eq 1 ]; then ok "both runs report findings (exit 1)"; else
  not_ok "both runs report findings (exit $rc_fwd and $rc_rev, wanted 1)"; sed 's/^/    /' "$TMP/fwd.err" "$TMP/rev.err" | head -10
fi
essence "$TMP/fwd.json" >"$TMP/fwd.essence" 2>/dev/null
essence "$TMP/rev.json" >"$TMP/rev.essence" 2>/dev/null
if [ "$(jq '.findings | length' "$TMP/fwd.essence" 2>/dev/null || echo 0)" -gt 10 ]; then ok "findings in the report"; else not_ok "findings in the report"; fi
if [ "$(jq '.programs | length' "$TMP/fwd.essence" 2>/dev/null || echo 0)" -gt 10 ]; then ok "programs in the report"; else not_ok "programs in the report"; fi
if cmp -s "$TMP/fwd.essence" "$TMP/rev.essence"; then ok "same findings, programs and notices in either order and -j"; else
  not_ok "same findings, programs and notices in either order and -j"
  diff "$TMP/fwd.essence" "$TMP/rev.essence" | head -20 | sed 's/^/    /'
fi

echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ]
