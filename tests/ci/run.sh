#!/bin/sh
# racelint in CI (docs/ci.md): the exit codes of the table, then each
# integration recipe run for real on a small CMake project
# (tests/ci/sample): the GitHub Actions workflow's steps (but the install
# and the upload, which need GitHub), the GitLab CI job's script, the
# pre-commit hook through pre-commit itself, and the CMake module's target
# and test. What the machine lacks (python3-yaml, pre-commit, the SARIF
# validator) is skipped with a "skipped: ..." line.
# usage: run.sh PATH/TO/racelint SOURCE_DIR BUILD_DIR
set -u
RL=$1
SRC=$2
BUILD=$3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$SRC/tests/sarif/lib.sh"
FX=$SRC/fixtures
RLDIR=$(cd "$(dirname "$RL")" && pwd)
cd "$TMP" || exit 1

# ---- exit codes (README.md and docs/ci.md, "Exit codes")
expect "0: no findings" 0 "$RL" check --no-db "$FX/seed_buffer_mutex.c"
expect "1: findings" 1 "$RL" check --no-db "$FX/seed_buffer_nolock.c"
expect "2: unknown option" 2 "$RL" check --no-db --frobnicate "$FX/seed_buffer_nolock.c"
expect "2: missing input file" 2 "$RL" check --no-db "$TMP/missing.c"
expect "2: unknown format" 2 "$RL" check --no-db --format xml "$FX/seed_buffer_nolock.c"
expect "2: --max-parse-failures needs a count" 2 "$RL" check --no-db --max-parse-failures lots "$FX/seed_buffer_nolock.c"
expect "2: negative --max-parse-failures" 2 "$RL" check --no-db --max-parse-failures -1 "$FX/seed_buffer_nolock.c"
# ---- incomplete analysis (parse_gate.h): units that do not parse
# A broken file alone: nothing was analysed, exit 3 in every format.
printf 'int broken( {\n' >"$TMP/broken.c"
for fmt in text json sarif codequality; do
  expect "3: a broken file alone ($fmt)" 3 "$RL" check --db "$TMP/alone.db" --format "$fmt" -o "$TMP/alone.$fmt" "$TMP/broken.c"
  contains "3: the summary names the unit and its first error ($fmt)" "$TMP/err" "broken.c: .*broken.c:1:.*error"
done
contains "3: the summary says why" "$TMP/err" "incomplete, exit status 3: 1 of 1 unit did not parse cleanly"
if jq -e '(.run.incomplete | test("1 of 1 unit")) and .run.status == "failed" and (.run.parse_failures | length) == 1
          and (.run.parse_failures[0].file | endswith("broken.c")) and (.run.parse_failures[0].first_error | test("error"))' \
     "$TMP/alone.json" >/dev/null 2>&1; then ok "3: JSON run.incomplete and run.parse_failures"; else not_ok "3: JSON run.incomplete and run.parse_failures"; fi
if jq -e '.runs[0].invocations[0].executionSuccessful == false
          and ([.runs[0].invocations[0].toolExecutionNotifications[] | select(.message.text | test("broken.c.*First error"))] | length) == 1' \
     "$TMP/alone.sarif" >/dev/null 2>&1; then ok "3: SARIF executionSuccessful false, one notification for the unit"; else not_ok "3: SARIF of a broken file alone"; fi
if [ "$(sqlite3 "$TMP/alone.db" "SELECT count(*) FROM runs WHERE status = 'failed' AND incomplete LIKE '1 of 1 unit%'")" = 4 ]; then
  ok "3: every run is recorded failed, with why"; else not_ok "3: the runs record the incomplete analysis"; fi
expect "a recorded incomplete run as SARIF" 0 "$RL" findings --db "$TMP/alone.db" --run 1 --format sarif -o "$TMP/alone-again.sarif"
if jq -e '.runs[0].invocations[0].executionSuccessful == false and
          ([.runs[0].invocations[0].toolExecutionNotifications[] | select(.message.text | test("broken.c"))] | length) == 1' \
     "$TMP/alone-again.sarif" >/dev/null 2>&1; then ok "findings --format sarif of that run keeps it"; else not_ok "findings --format sarif of an incomplete run"; fi
# 1 broken unit of 2: over the default 10%.
mkdir -p "$TMP/mixed"
cp "$FX/seed_buffer_nolock.c" "$TMP/mixed/racy.c"
cp "$TMP/broken.c" "$TMP/mixed/broken.c"
expect "3: 1 of 2 units broken, more than the default 10%" 3 "$RL" check --no-db "$TMP/mixed"
contains "3: the default is named" "$TMP/err" "more than --max-parse-failures 10% allows"
expect "1: --max-parse-failures 1 tolerates it" 1 "$RL" check --no-db --max-parse-failures 1 "$TMP/mixed"
expect "1: --max-parse-failures 50% tolerates it" 1 "$RL" check --no-db --max-parse-failures 50% "$TMP/mixed"
expect "2: --max-parse-failures 101%" 2 "$RL" check --no-db --max-parse-failures 101% "$TMP/mixed"
expect "3: more failures than --max-parse-failures 0" 3 "$RL" check --db "$TMP/mixed.db" --max-parse-failures 0 --format sarif -o "$TMP/mixed.sarif" "$TMP/mixed"
contains "3: the reason is given" "$TMP/err" "more than --max-parse-failures 0"
if jq -e '.runs[0].invocations[0].executionSuccessful == false
          and ([.runs[0].invocations[0].toolExecutionNotifications[] | select(.message.text | contains("broken.c"))] | length) == 1
          and (.runs[0].results | length) >= 1' "$TMP/mixed.sarif" >/dev/null 2>&1; then
  ok "3: the SARIF says the execution did not succeed, and why, with what was found"
else
  not_ok "3: SARIF of an incomplete analysis"
fi
if [ "$(sqlite3 "$TMP/mixed.db" 'SELECT status FROM runs')" = failed ]; then ok "3: the run is recorded as failed"; else not_ok "3: the run is recorded as failed"; fi
# 1 broken unit of 20 (5%): the findings decide, and the unit is named.
mkdir -p "$TMP/twenty"
cp "$FX/seed_buffer_nolock.c" "$TMP/twenty/racy.c"
cp "$TMP/broken.c" "$TMP/twenty/broken.c"
for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18; do
  printf 'int counter_%s;\nint get_%s(void) { return counter_%s; }\n' "$i" "$i" "$i" >"$TMP/twenty/clean$i.c"
done
expect "1: 1 of 20 units broken, the findings decide" 1 "$RL" check --db "$TMP/twenty.db" --format json -o "$TMP/twenty.json" "$TMP/twenty"
contains "1: the summary names the broken unit" "$TMP/err" "warning: 1 of 20 units did not parse cleanly"
contains "1: ... and its first error" "$TMP/err" "broken.c: .*broken.c:1:.*error"
if jq -e '.run.incomplete == null and .run.status == "complete" and (.run.parse_failures | length) == 1' "$TMP/twenty.json" >/dev/null 2>&1; then
  ok "1: JSON: complete, one parse failure listed"; else not_ok "1: JSON of 1 broken unit of 20"; fi
if [ "$(sqlite3 "$TMP/twenty.db" "SELECT status || ',' || ifnull(incomplete, 'null') || ',' || units_failed FROM runs")" = "complete,null,1" ]; then
  ok "1: the run row: complete, one unit failed"; else not_ok "1: the run row of 1 broken unit of 20"; fi
expect "3: --max-parse-failures 0 makes it incomplete" 3 "$RL" check --no-db --max-parse-failures 0 "$TMP/twenty"
expect "3: --max-parse-failures 4% too" 3 "$RL" check --no-db --max-parse-failures 4% "$TMP/twenty"
expect "1: --max-parse-failures 5% does not" 1 "$RL" check --no-db --max-parse-failures 5% "$TMP/twenty"
# The summary's list is bounded: 12 broken units, 10 named.
mkdir -p "$TMP/many"
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do cp "$TMP/broken.c" "$TMP/many/broken$i.c"; done
expect "3: twelve broken units" 3 "$RL" check --no-db "$TMP/many"
if [ "$(grep -c '^racelint:   .*broken[0-9]*\.c: ' "$TMP/err")" = 10 ]; then ok "3: ten of them named"; else not_ok "3: ten of them named"; fi
contains "3: ... and the rest counted" "$TMP/err" "and 2 more"
# --fail-on new (the history commands' option): nothing new is clean.
if "$RL" --help 2>/dev/null | grep -q -- '--fail-on'; then
  expect "1: findings, recorded" 1 "$RL" check -q --db "$TMP/base.db" "$FX/seed_buffer_nolock.c"
  expect "0: nothing new under --fail-on new" 0 "$RL" check -q --db "$TMP/base.db" --baseline latest --fail-on new "$FX/seed_buffer_nolock.c"
  expect "1: the same findings under --fail-on any" 1 "$RL" check -q --db "$TMP/base.db" --baseline latest --fail-on any "$FX/seed_buffer_nolock.c"
else
  skip "no --fail-on option: exit code 0 with nothing new not checked"
fi
rm -f "$TMP/err"
doc=$SRC/docs/ci.md
if grep -q '^| 3 |' "$doc" && grep -q '^| 2 |' "$doc" && grep -q '^| 1 |' "$doc" && grep -q '^| 0 |' "$doc"; then
  ok "ci.md documents exit codes 0 to 3"; else not_ok "ci.md documents exit codes 0 to 3"; fi
# The README's Exit status section: one table, one row a command, one
# column a code.
sed -n '/^### Exit status/,/^##/p' "$SRC/README.md" >"$TMP/exit-status.md"
if grep -q '^| command | role | 0 | 1 | 2 | 3 |' "$TMP/exit-status.md"; then
  ok "README.md documents exit codes 0 to 3 in one table"; else not_ok "README.md documents exit codes 0 to 3 in one table"; fi
for cmd in check diff findings runs show history sql report triage guards threads; do
  if grep -q "^| [^|]*\`$cmd\`[^|]* |" "$TMP/exit-status.md"; then
    ok "README.md: the exit status of $cmd"; else not_ok "README.md: the exit status of $cmd"; fi
done

# ---- the recipes
PY=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import yaml' >/dev/null 2>&1; then PY=$p; break; fi
done
# A fresh copy of the sample project.
workspace() {
  rm -rf "$TMP/$1"
  cp -r "$SRC/tests/ci/sample" "$TMP/$1"
  cd "$TMP/$1" || exit 1
}

if [ -z "$PY" ]; then
  skip "no python3 with PyYAML (Debian's python3-yaml): GitHub, GitLab and pre-commit recipes not run"
else
  # GitHub Actions: the workflow's shape, then its steps as the runner
  # runs them (bash -eo pipefail, GITHUB_OUTPUT and friends).
  mkdir -p "$TMP/gh"
  if "$PY" "$SRC/tests/ci/recipe.py" github "$SRC/integrations/github-actions.yml" "$TMP/gh" >"$TMP/err" 2>&1; then
    ok "github: push and pull_request, security-events: write, upload-sarif, the racelint steps"
  else
    not_ok "github: workflow structure"
  fi
  workspace ghws
  export GITHUB_OUTPUT="$TMP/gh/output" GITHUB_STEP_SUMMARY="$TMP/gh/summary" RUNNER_TEMP="$TMP/gh"
  : >"$GITHUB_OUTPUT"
  : >"$GITHUB_STEP_SUMMARY"
  step() { PATH="$RLDIR:$PATH" bash --noprofile --norc -eo pipefail "$TMP/gh/$1.sh"; }
  expect "github: configure step" 0 step configure
  expect "github: racelint step passes with findings (they fail the last step)" 0 step racelint
  contains "github: the step records racelint's exit code" "$GITHUB_OUTPUT" "^status=1$"
  contains "github: the job summary lists the race" "$GITHUB_STEP_SUMMARY" "data race on 'counter'"
  sarif=$(cat "$TMP/gh/sarif_file" 2>/dev/null)
  if [ -n "$sarif" ] && jq -e '.runs[0].results[0] | (.partialFingerprints | length) == 1
        and (.relatedLocations | length) >= 1 and .locations[0].physicalLocation.artifactLocation.uri == "counter.c"' "$sarif" >/dev/null 2>&1; then
    ok "github: the uploaded file ($sarif) has the finding, fingerprint, related location, repository-relative path"
  else
    not_ok "github: the uploaded SARIF file"
  fi
  [ -n "$sarif" ] && validate "github: the uploaded SARIF" "$TMP/ghws/$sarif"
  expect "github: the gate step fails the job on findings" 1 step gate
  unset GITHUB_OUTPUT GITHUB_STEP_SUMMARY RUNNER_TEMP

  # GitLab CI: the job's script, in one shell as the runner runs it.
  mkdir -p "$TMP/gl"
  if "$PY" "$SRC/tests/ci/recipe.py" gitlab "$SRC/integrations/gitlab-ci.yml" "$TMP/gl" >"$TMP/err" 2>&1; then
    ok "gitlab: the job declares its code quality report, kept when it fails"
  else
    not_ok "gitlab: job structure"
  fi
  workspace glws
  expect "gitlab: the script fails the job on findings" 1 env PATH="$RLDIR:$PATH" bash --noprofile --norc -eo pipefail "$TMP/gl/script.sh"
  contains "gitlab: the log shows the findings as text" "$TMP/out" "data race on 'counter'"
  report=$(cat "$TMP/gl/report" 2>/dev/null)
  if [ -n "$report" ] && jq -e 'type == "array" and length == 1 and .[0].check_name == "race"
        and .[0].location.path == "counter.c" and .[0].location.lines.begin >= 1
        and (.[0].fingerprint | length) > 0 and (.[0].severity | length) > 0 and (.[0].description | length) > 0' \
        "$TMP/glws/$report" >/dev/null 2>&1; then
    ok "gitlab: $report is a code quality report of the finding"
  else
    not_ok "gitlab: the code quality report"
  fi

  # pre-commit: the hook of .pre-commit-hooks.yaml, through pre-commit.
  if command -v pre-commit >/dev/null 2>&1; then
    workspace pcws
    export PRE_COMMIT_HOME="$TMP/pchome" GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid \
      GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid GIT_CONFIG_NOSYSTEM=1 HOME="$TMP"
    git init -q . && printf 'build/\n' >.gitignore
    if "$PY" "$SRC/tests/ci/recipe.py" precommit "$SRC/.pre-commit-hooks.yaml" .pre-commit-config.yaml >"$TMP/err" 2>&1; then
      ok "pre-commit: .pre-commit-hooks.yaml declares the hook"; else not_ok "pre-commit: .pre-commit-hooks.yaml"; fi
    cmake -S . -B build -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null 2>&1
    git add -A
    expect "pre-commit: installs into the repository" 0 pre-commit install
    PATH="$RLDIR:$PATH" git commit -q -m racy >"$TMP/out" 2>&1
    if [ $? -ne 0 ] && grep -q "data race on 'counter'" "$TMP/out"; then ok "pre-commit: a commit with a race is refused"; else
      not_ok "pre-commit: a commit with a race is refused"; sed 's/^/    /' "$TMP/out" | head -8; fi
    cmake -S . -B build -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DSAMPLE_FIXED=ON >/dev/null 2>&1
    expect "pre-commit: the fixed program commits" 0 env PATH="$RLDIR:$PATH" git commit -q -m fixed
    unset PRE_COMMIT_HOME
  else
    skip "no pre-commit (Debian's pre-commit): the hook was not run"
  fi
fi

# CMake: the module's target and test on the sample's own build.
workspace cmws
expect "cmake: configure with RacelintTarget" 0 cmake -S . -B build -DRACELINT_CMAKE_DIR="$SRC/integrations/cmake" -DRACELINT_EXECUTABLE="$RL"
if [ -f build/compile_commands.json ]; then ok "cmake: the module turns on compile_commands.json"; else not_ok "cmake: no compile_commands.json"; fi
expect_fail "cmake: the racelint target fails on the race" cmake --build build --target racelint
contains "cmake: the build log names the finding" "$TMP/err" "1 finding in 2 files"
if jq -e '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri == "counter.c"' build/racelint.sarif >/dev/null 2>&1; then
  ok "cmake: the target wrote racelint.sarif, paths relative to the source folder"; else not_ok "cmake: racelint.sarif"; fi
(cd build && ctest >"$TMP/out" 2>&1)
if [ $? -ne 0 ]; then ok "cmake: the racelint test fails"; else not_ok "cmake: the racelint test fails"; fi
expect "cmake: reconfigure with the fix" 0 cmake -S . -B build -DSAMPLE_FIXED=ON
expect "cmake: the racelint target passes" 0 cmake --build build --target racelint
expect "cmake: the racelint test passes" 0 ctest --test-dir build

summary ci
