# Shared by the shell tests (sourced): result lines (ok, not ok, skipped),
# exit-status and output checks, and the summary. Set TMP before sourcing;
# a command's output goes to $TMP/out and $TMP/err.
passed=0
failed=0
skipped=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() {
  failed=$((failed + 1))
  echo "not ok - $1"
  [ -f "$TMP/err" ] && sed 's/^/    stderr: /' "$TMP/err" | head -8
  return 0
}
skip() { skipped=$((skipped + 1)); echo "skipped: $1"; }
# expect NAME STATUS CMD... : runs CMD, checks that no sanitizer reported
# anything (a sanitizer abort never gives a documented status either) and
# its exit status. With TEST_TIMEOUT set (seconds), a CMD still running
# then is stopped and fails.
expect() {
  name=$1; want=$2; shift 2
  if [ -n "${TEST_TIMEOUT:-}" ]; then
    timeout -k 5 "$TEST_TIMEOUT" "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
  else
    "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
  fi
  if [ -n "${TEST_TIMEOUT:-}" ] && { [ "$got" -eq 124 ] || [ "$got" -eq 137 ]; }; then
    not_ok "$name (did not finish within ${TEST_TIMEOUT}s)"
  elif grep -q -E 'Sanitizer|runtime error:' "$TMP/err"; then
    not_ok "$name (sanitizer report, exit $got)"
  elif [ "$got" -ne "$want" ]; then
    not_ok "$name (exit $got, wanted $want)"
  else
    ok "$name"
  fi
}
# expect_fail NAME CMD... : CMD exits with any status but 0.
expect_fail() {
  name=$1; shift
  "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
  if [ "$got" -ne 0 ]; then ok "$name"; else not_ok "$name (exit 0)"; fi
}
# check NAME CMD... : ok when CMD succeeds.
check() {
  name=$1; shift
  if "$@" >/dev/null 2>&1; then ok "$name"; else not_ok "$name"; fi
}
# contains NAME FILE TEXT / lacks NAME FILE TEXT (grep basic regex)
contains() {
  if grep -q -- "$3" "$2"; then ok "$1"; else not_ok "$1 ('$3' not in $(basename "$2"))"; fi
}
lacks() {
  if grep -q -- "$3" "$2"; then not_ok "$1 ('$3' in $(basename "$2"))"; else ok "$1"; fi
}
# equals NAME GOT WANT
equals() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', wanted '$3')"; fi; }
summary() {
  echo
  echo "$1: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
}

