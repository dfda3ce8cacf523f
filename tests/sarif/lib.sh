# Shared by the report and CI tests (sourced): result lines, and the SARIF
# validator. Set RL, SRC, BUILD and TMP before sourcing.
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
# expect NAME STATUS CMD... : runs CMD, checks its exit status.
expect() {
  name=$1; want=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok "$name"; else not_ok "$name (exit $got, wanted $want)"; fi
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
contains() {
  if grep -q -- "$3" "$2"; then ok "$1"; else not_ok "$1 ('$3' not in $(basename "$2"))"; fi
}
summary() {
  echo
  echo "$1: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
}

# The validator, found (or installed) once; empty when unavailable or not
# wanted (WANT_VALIDATOR=0).
VALIDATOR=""
if [ "${WANT_VALIDATOR:-1}" = 1 ]; then
  VALIDATOR=$(sh "$SRC/tests/sarif/validator.sh" "$BUILD" 2>/dev/null)
fi
# .NET without ICU data works in invariant mode.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# validate NAME FILE... : the official validator finds no error in the
# files, by the SARIF rules and GitHub's (warnings are listed, not failed). Prints "skipped: no validator"
# when it is not installed and cannot be.
validate() {
  vname=$1; shift
  if [ -z "$VALIDATOR" ]; then
    skip "no validator ($vname)"
    return 0
  fi
  rm -f "$TMP/validation.sarif"
  # The SARIF rules and GitHub's ingestion rules (GH....): what code
  # scanning needs to accept the log.
  "$VALIDATOR" validate "$@" --rule-kind "Sarif;Gh" --level "Error;Warning" -o "$TMP/validation.sarif" >"$TMP/validator.out" 2>&1
  if [ ! -s "$TMP/validation.sarif" ]; then
    not_ok "$vname: the validator wrote no log"
    sed 's/^/    validator: /' "$TMP/validator.out" | head -10
    return 0
  fi
  verrors=$(jq '[.runs[].results[]? | select(.level == "error")] | length' "$TMP/validation.sarif")
  vwarnings=$(jq '[.runs[].results[]? | select((.level // "warning") == "warning")] | length' "$TMP/validation.sarif")
  if [ "$verrors" = 0 ]; then
    ok "$vname: $# file(s) validate with 0 errors ($vwarnings warnings)"
  else
    not_ok "$vname: $verrors validator errors"
  fi
  grep -E ': (error|warning) ' "$TMP/validator.out" | head -10 | sed 's/^/    validator: /'
  return 0
}
