#!/bin/sh
# SARIF and GitLab code quality output, end to end: the SARIF of every
# fixture and of two multi-file programs has the promised shape (rules,
# locations, related locations, one thread flow per side, fingerprints,
# paths relative to the source root) and passes Microsoft's SARIF validator
# with no error, as do the logs test_sarif wrote (suppressions, baseline
# states, odd paths). Without npm or the registry, the validator checks
# print "skipped: no validator" and the rest still runs.
# usage: run.sh PATH/TO/racelint SOURCE_DIR BUILD_DIR
set -u
RL=$1
SRC=$2
BUILD=$3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$SRC/tests/sarif/lib.sh"
OUT=$BUILD/tests/sarif-out
rm -rf "$OUT"
mkdir -p "$OUT/fixtures"

# ---- every fixture, as the fixture runner runs it (one unit, its FLAGS)
FX=$SRC/fixtures
n=0
bad=""
for f in "$FX"/*.c; do
  name=$(basename "$f" .c)
  flags=$(sed -n 's#^// FLAGS: ##p' "$f" | tr '\n' ' ')
  # shellcheck disable=SC2086
  (cd "$FX" && "$RL" check --no-db -q -j 1 --models "$SRC/models" --format sarif -o "$OUT/fixtures/$name.sarif" \
    "$name.c" -- $flags) 2>"$TMP/err"
  rc=$?
  [ "$rc" -le 1 ] || bad="$bad $name($rc)"
  n=$((n + 1))
done
if [ -z "$bad" ]; then ok "SARIF of $n fixtures written"; else not_ok "SARIF of the fixtures:$bad"; fi

# The shape, over all results of all fixtures: each result has a rule in
# the driver's rules, a level, a message, one location relative to
# %SRCROOT%, related locations for the other sites, and the stable
# fingerprint; a race has racing pairs, one code flow per pair it keeps (at
# most 10) with a thread flow per side; any other result one code flow
# with a thread flow per event.
cat >"$TMP/shape.jq" <<'JQ'
.runs[0] as $run
| ($run.tool.driver.rules | map(.id)) as $ids
| [$run.results[]
   | select(
       (.ruleId as $r | $ids | index($r)) == null
       or .ruleIndex == null or $run.tool.driver.rules[.ruleIndex].id != .ruleId
       or (.level | IN("note", "warning", "error") | not)
       or (.message.text | length) == 0
       or (.locations | length) != 1
       or .locations[0].physicalLocation.artifactLocation.uriBaseId != "%SRCROOT%"
       or (.locations[0].physicalLocation.artifactLocation.uri | startswith("file:"))
       or (.locations[0].physicalLocation.region.startLine < 1)
       or (.ruleId == "race" and (.properties.racingPairs // 0) < 1)
       or ((.properties.racingPairs // 0) > 0
           and ((.codeFlows | length) < 1 or (.codeFlows | length) > 10 or (.codeFlows | length) > .properties.racingPairs
                or any(.codeFlows[]; (.threadFlows | length) != 2)))
       or ((.properties.racingPairs // 0) == 0
           and (.codeFlows[0].threadFlows | length) != 1 + ((.relatedLocations // []) | length))
       or any(.codeFlows[0].threadFlows[]; (.locations | length) < 1)
       or (.partialFingerprints["racelintFingerprint/v1"] | test("^[0-9a-f]{16}$") | not)
       or (.suppressions | type) != "array")]
| length
JQ
total=0
wrong=""
for f in "$OUT"/fixtures/*.sarif; do
  bad_results=$(jq -f "$TMP/shape.jq" "$f" 2>/dev/null)
  [ "$bad_results" = 0 ] || wrong="$wrong $(basename "$f")"
  total=$((total + $(jq '.runs[0].results | length' "$f")))
done
if [ -z "$wrong" ]; then ok "fixture SARIF has the documented shape ($total results)"; else not_ok "SARIF shape wrong in:$wrong"; fi
rules=$(jq '.runs[0].tool.driver.rules | length' "$OUT/fixtures/seed_buffer_nolock.sarif")
if [ "$rules" -ge 2 ] && jq -e '.runs[0].tool.driver | .name == "racelint" and (.version | length) > 0
     and (.informationUri | startswith("https://"))
     and all(.rules[]; (.id | length) > 0 and (.name | length) > 0 and (.shortDescription.text | length) > 0
       and (.fullDescription.text | length) > 0 and (.help.text | length) > 0
       and (.defaultConfiguration.level | IN("note", "warning", "error")))' \
     "$OUT/fixtures/seed_buffer_nolock.sarif" >/dev/null; then
  ok "tool.driver names racelint, its version and all $rules rules"
else
  not_ok "tool.driver metadata"
fi
validate "fixtures" "$OUT"/fixtures/*.sarif
# Names as written: no result of any fixture names memory or a lock as a
# bare '*' or '(heap object)'; heap objects go by their allocation site.
bad_names=$(cat "$OUT"/fixtures/*.sarif | grep -c -e '(heap object)' -e "'\*'" -e '"\*"')
heap_names=$(cat "$OUT"/fixtures/*.sarif | grep -c '(object allocated at [^ ]*:[0-9]* in [a-z_]*)')
if [ "$bad_names" = 0 ] && [ "$heap_names" -ge 1 ]; then ok "names as written: no bare '*' or '(heap object)', heap objects by allocation site ($heap_names)"
else not_ok "names as written: $bad_names bare names, $heap_names heap objects named by allocation site"; fi

# ---- a multi-file program through a compilation database (absolute paths)
mkdir -p "$TMP/bank/build"
cp "$SRC"/examples/bank/*.c "$SRC"/examples/bank/*.h "$TMP/bank/"
cat >"$TMP/bank/build/compile_commands.json" <<JSON
[
 {"directory": "$TMP/bank", "file": "accounts.c", "command": "cc -c -I. accounts.c"},
 {"directory": "$TMP/bank", "file": "stats.c", "command": "cc -c -I. stats.c"},
 {"directory": "$TMP/bank", "file": "main.c", "command": "cc -c -I. main.c"}
]
JSON
cd "$TMP/bank" || exit 1
expect "bank: check -p --format sarif exits 1 (a race)" 1 "$RL" check --db "$TMP/bank.db" -q -p build --format sarif -o "$OUT/bank.sarif"
if jq -e '.runs[0].results[0] | .locations[0].physicalLocation.artifactLocation == {"uri": "stats.c", "uriBaseId": "%SRCROOT%"}
          and .locations[0].physicalLocation.region.startLine == 14
          and (.message.text | contains("stats.failed") and contains("teller"))
          and (.codeFlows[0].threadFlows[0].locations | map(.location.physicalLocation.artifactLocation.uri) == ["main.c", "main.c", "main.c", "stats.c"])' \
     "$OUT/bank.sarif" >/dev/null; then
  ok "bank: relative URI, message with location and threads, thread flow spawn -> entry -> call -> access"
else
  not_ok "bank: result contents"
fi
root=$(jq -r '.runs[0].originalUriBaseIds["%SRCROOT%"].uri' "$OUT/bank.sarif")
if [ "$root" = "file://$(pwd -P)/" ] || [ "$root" = "file://$TMP/bank/" ]; then ok "bank: %SRCROOT% is the current folder"; else not_ok "bank: %SRCROOT% is $root"; fi
expect "bank: --src-root elsewhere gives absolute file: URIs" 1 "$RL" check --no-db -q -p build --format sarif --src-root /usr
if jq -e '.runs[0].results[0].locations[0].physicalLocation.artifactLocation | (.uri | startswith("file:///")) and .uriBaseId == null' "$TMP/out" >/dev/null; then
  ok "bank: paths outside the root are absolute"; else not_ok "bank: paths outside the root are absolute"; fi
# The same run read back from the database gives the same results.
expect "bank: findings --format sarif from the database" 0 "$RL" findings --db "$TMP/bank.db" --format sarif -o "$OUT/bank-db.sarif"
if [ "$(jq -c '.runs[0].results' "$OUT/bank.sarif")" = "$(jq -c '.runs[0].results' "$OUT/bank-db.sarif")" ]; then
  ok "bank: SARIF from the database equals the live one"; else not_ok "bank: SARIF from the database differs"; fi

# ---- a second multi-file program, several findings in three files
cp -r "$SRC/tests/html/project" "$TMP/kv"
cd "$TMP/kv" || exit 1
expect "kvcache: check --format sarif" 1 "$RL" check --no-db -q . --format sarif -o "$OUT/kvcache.sarif"
expect "kvcache: check --format json" 1 "$RL" check --no-db -q . --format json -o "$TMP/kv.json"
nj=$(jq '.findings | length' "$TMP/kv.json")
ns=$(jq '.runs[0].results | length' "$OUT/kvcache.sarif")
if [ "$nj" -ge 3 ] && [ "$nj" = "$ns" ]; then ok "kvcache: one result per finding ($ns)"; else not_ok "kvcache: $ns results for $nj findings"; fi
files=$(jq -r '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] | unique | join(" ")' "$OUT/kvcache.sarif")
if [ "$files" = "cache.c log.c main.c" ]; then ok "kvcache: findings in three files"; else not_ok "kvcache: files are '$files'"; fi
fps_j=$(jq -r '[.findings[].fingerprint] | sort | join(" ")' "$TMP/kv.json")
fps_s=$(jq -r '[.runs[0].results[].partialFingerprints["racelintFingerprint/v1"]] | sort | join(" ")' "$OUT/kvcache.sarif")
if [ "$fps_j" = "$fps_s" ]; then ok "kvcache: partialFingerprints carry the findings' fingerprints"; else not_ok "kvcache: fingerprints differ"; fi

# baselineState against --baseline (the history commands' option): the
# second version fixes one race and adds two.
if "$RL" --help 2>/dev/null | grep -q -- '--baseline'; then
  "$RL" check -q --db "$TMP/kv.db" . >/dev/null 2>&1
  sed -i 's/^static int stop;/static _Atomic int stop;/' main.c
  sed -i '/LOCK-REMOVED-IN-V2/d' cache.c
  expect "kvcache: --baseline latest --format sarif" 1 "$RL" check -q --db "$TMP/kv.db" --baseline latest . --format sarif -o "$OUT/kvcache-baseline.sarif"
  states=$(jq -r '[.runs[0].results[].baselineState] | group_by(.) | map("\(.[0])=\(length)") | join(" ")' "$OUT/kvcache-baseline.sarif")
  # One result per raced location: the fixed race is absent, the two
  # added races new, the three others unchanged.
  if [ "$states" = "absent=1 new=2 unchanged=3" ]; then ok "kvcache: baselineState new, unchanged and absent ($states)"; else not_ok "kvcache: baselineState $states"; fi
  validate "baselineState" "$OUT/kvcache-baseline.sarif"
  cp "$SRC/tests/html/project/main.c" "$SRC/tests/html/project/cache.c" .
else
  skip "no --baseline option: baselineState from the command line not checked"
fi

# ---- GitLab code quality, from the same findings
expect "kvcache: check --format codequality" 1 "$RL" check --no-db -q . --format codequality -o "$OUT/kvcache-codequality.json"
if jq -e --argjson n "$nj" 'type == "array" and length == $n and all(.[];
       (.description | length) > 0 and (.check_name | length) > 0 and (.fingerprint | length) > 0
       and (.severity | IN("info", "minor", "major", "critical", "blocker"))
       and (.location.path | IN("cache.c", "log.c", "main.c")) and .location.lines.begin >= 1)
       and ([.[].fingerprint] | unique | length) == $n' "$OUT/kvcache-codequality.json" >/dev/null; then
  ok "code quality report: one issue per finding with GitLab's required fields"
else
  not_ok "code quality report shape"
fi

# ---- the unit test's logs (suppressions, baseline states, odd paths)
if ls "$BUILD"/tests/sarif-unit/*.sarif >/dev/null 2>&1; then
  validate "unit logs (suppressions, baselineState, odd paths)" "$BUILD"/tests/sarif-unit/*.sarif
else
  not_ok "no SARIF from test_sarif in $BUILD/tests/sarif-unit (run the sarif_unit test first)"
fi
validate "multi-file programs" "$OUT/bank.sarif" "$OUT/bank-db.sarif" "$OUT/kvcache.sarif"

# The validator really checks: a log that breaks the schema, and one that
# GitHub would refuse (a result without a location), fail it.
if [ -n "$VALIDATOR" ]; then
  for broken in '.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0 JSON1008' \
                '.runs[0].results[0].locations = [] GH1015'; do
    edit=${broken% *}
    rule=${broken##* }
    jq "$edit" "$OUT/bank.sarif" >"$TMP/broken.sarif"
    rm -f "$TMP/validation.sarif"
    "$VALIDATOR" validate "$TMP/broken.sarif" --rule-kind "Sarif;Gh" --level "Error;Warning" -o "$TMP/validation.sarif" >/dev/null 2>&1
    if jq -e --arg r "$rule" 'any(.runs[].results[]?; .level == "error" and .ruleId == $r)' "$TMP/validation.sarif" >/dev/null 2>&1; then
      ok "the validator rejects a broken log with $rule (control)"
    else
      not_ok "the validator did not reject a broken log with $rule"
    fi
  done
fi

summary sarif
