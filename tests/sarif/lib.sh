# Shared by the report and CI tests (sourced): tests/lib.sh, and the SARIF
# validator. Set RL, SRC, BUILD and TMP before sourcing.
. "$SRC/tests/lib.sh"

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
