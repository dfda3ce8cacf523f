#!/bin/sh
# The command line's one option table (analyzer/cli/options.c): every
# command's --help, both spellings of every value, options refused by the
# commands they do not apply to, and the man page and shell completions
# made from the same table.
# usage: options.sh PATH/TO/racelint SOURCE_DIR [BUILD_DIR]
# (with BUILD_DIR, `cmake --install` is tried into a temporary prefix)
set -u
RL=$1
SRC=$2
BUILD=${3:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -f "$TMP/err" ] && sed 's/^/    stderr: /' "$TMP/err" | head -5; }
expect() {
  name=$1; want=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
  if [ "$got" -eq "$want" ]; then ok "$name"; else not_ok "$name (exit $got, wanted $want)"; fi
}
contains() {
  if grep -q -- "$3" "$2"; then ok "$1"; else not_ok "$1 ('$3' not in $(basename "$2"))"; fi
}
lacks() {
  if grep -q -- "$3" "$2"; then not_ok "$1 ('$3' in $(basename "$2"))"; else ok "$1"; fi
}
same() {
  if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1 ($(basename "$2") and $(basename "$3") differ)"; fi
}

FX=$SRC/fixtures
cd "$TMP" || exit 1

# Every command's --help (and -h, and `help COMMAND`) exits 0 and lists
# the options it takes, and none it does not. Each line: command, options
# it must list, options it must not.
while read -r cmd listed unlisted; do
  expect "$cmd --help exits 0" 0 "$RL" "$cmd" --help
  contains "$cmd --help shows its usage" "$TMP/out" "^usage: racelint $cmd"
  cp "$TMP/out" "$TMP/help-$cmd"
  for opt in $(echo "$listed" | tr , ' '); do contains "$cmd --help lists $opt" "$TMP/help-$cmd" "^  $opt"; done
  for opt in $(echo "$unlisted" | tr , ' '); do lacks "$cmd --help does not list $opt" "$TMP/help-$cmd" "^  $opt"; done
  expect "racelint help $cmd exits 0" 0 "$RL" help "$cmd"
  same "help $cmd is $cmd --help" "$TMP/out" "$TMP/help-$cmd"
  expect "$cmd -h exits 0" 0 "$RL" "$cmd" -h
  same "$cmd -h is $cmd --help" "$TMP/out" "$TMP/help-$cmd"
done <<'EOF'
check -p,--program,--format,-o,--db,--no-db,--baseline,--fail-on,--src-root,--max-parse-failures,--models,--config,--resource-dir,-j,--unit-timeout,--analysis-timeout,--max-memory,--no-cache,--dump-facts,-q,-v --run,--rule,--status,--note,--max-rows
guards -p,--program,--format,-o,--models,--config,-j,--max-memory,-q --db,--baseline,--fail-on,--run,--no-db
threads -p,--program,--format,-o,--models,-j,-q --db,--baseline,--fail-on,--rule
findings --run,--rule,--file,--status,--fail-on,--format,-o,--db,--src-root,-q -p,--baseline,--note,--max-rows,-j
runs --db,--format,-o,-q --rule,--status,--run,--fail-on,-p
diff --db,--format,-o,-q --status,--rule,--run,--baseline,--fail-on
show --db,--format,-o,-q --run,--rule,--note
history --db,--format,-o,-q --run,--note
triage --note,--db,-q --format,-o,--run
sql --max-rows,--db,--format,-o,-q --run,--note
report --run,-o,--db,--src-root,-q --format,--rule,-p
EOF
expect "completion --help" 0 "$RL" completion --help
contains "completion --help shows its usage" "$TMP/out" "^usage: racelint completion bash|zsh"
expect "help completion" 0 "$RL" help completion
contains "help completion shows its usage" "$TMP/out" "^usage: racelint completion bash|zsh"
expect "racelint --help exits 0" 0 "$RL" --help
for cmd in check guards threads findings runs diff show history triage sql report completion; do
  contains "racelint --help names $cmd" "$TMP/out" "^  $cmd"
done
expect "help of an unknown command" 2 "$RL" help frobnicate
contains "the unknown command is named" "$TMP/err" "frobnicate"

# Both spellings of a value give the same result.
expect "--format json" 1 "$RL" check --no-db --format json "$FX/seed_buffer_nolock.c"
cp "$TMP/out" "$TMP/json-space"
expect "--format=json" 1 "$RL" check --no-db --format=json "$FX/seed_buffer_nolock.c"
# The run's times and arguments differ; the findings may not.
jq -S '.findings' "$TMP/out" >"$TMP/json-eq.findings"
jq -S '.findings' "$TMP/json-space" >"$TMP/json-space.findings"
same "--format=json is --format json" "$TMP/json-eq.findings" "$TMP/json-space.findings"
jq -e '.findings | length >= 1' "$TMP/json-space" >/dev/null 2>&1 && ok "the JSON has the finding" || not_ok "the JSON has the finding"
mkdir -p "$TMP/build"
cat >"$TMP/build/compile_commands.json" <<JSON
[
 {"directory": "$SRC/examples/bank", "file": "accounts.c", "arguments": ["cc", "-c", "-I.", "accounts.c"]},
 {"directory": "$SRC/examples/bank", "file": "stats.c", "command": "cc -c -DNDEBUG stats.c"},
 {"directory": "$SRC/examples/bank", "file": "main.c", "command": "cc -c main.c"}
]
JSON
expect "-p DIR" 1 "$RL" check --no-db -p "$TMP/build"
cp "$TMP/out" "$TMP/p-space"
expect "-pDIR" 1 "$RL" check --no-db -p"$TMP/build"
same "-pDIR is -p DIR" "$TMP/out" "$TMP/p-space"
contains "-pDIR finds the example's race" "$TMP/out" "stats.c:14:9: warning: data race on 'stats.failed'"
expect "-oFILE" 1 "$RL" check --no-db -o"$TMP/o.txt" "$FX/seed_buffer_nolock.c"
contains "-oFILE wrote the report" "$TMP/o.txt" "data race"
expect "--db=FILE" 1 "$RL" check --db="$TMP/eq.db" "$FX/seed_buffer_nolock.c"
if [ -f "$TMP/eq.db" ]; then ok "--db=FILE made the database"; else not_ok "--db=FILE made the database"; fi
expect "-j2 and --max-memory=1G" 1 "$RL" check --no-db -j2 --max-memory=1G "$FX/seed_buffer_nolock.c"
expect "--rules is still --models" 0 "$RL" check --no-db --rules "$SRC/models" "$FX/seed_buffer_mutex.c"
expect "--rules=DIR too" 0 "$RL" check --no-db --rules="$SRC/models" "$FX/seed_buffer_mutex.c"
expect "--program twice" 2 "$RL" check --no-db --program a --program=b "$FX/seed_buffer_nolock.c"
contains "each --program is kept" "$TMP/err" "program"
expect "options after the paths" 1 "$RL" check "$FX/seed_buffer_nolock.c" --no-db --format=json
jq -e '.findings | length >= 1' "$TMP/out" >/dev/null 2>&1 && ok "options after the paths are read" || not_ok "options after the paths are read"

# Options a command does not take are errors naming option and command.
while read -r line; do
  # shellcheck disable=SC2086
  expect "racelint $line: exit 2" 2 "$RL" $line
  # shellcheck disable=SC2086
  set -- $line
  contains "racelint $line: names the option" "$TMP/err" "option '$2' does not apply to '$1'"
done <<'EOF'
diff --status new
runs --rule x
guards --baseline latest
threads --db x.db
report --format json
triage --format json
findings -p build
EOF
expect "--status=new on diff, attached" 2 "$RL" diff --status=new
contains "the attached spelling is named without its value" "$TMP/err" "option '--status' does not apply to 'diff'"
expect "an unknown option" 2 "$RL" runs --frobnicate
contains "the unknown option is named" "$TMP/err" "unknown option '--frobnicate'"
expect "a flag given a value" 2 "$RL" check --no-db --quiet=yes "$FX/seed_buffer_mutex.c"
contains "the flag is named" "$TMP/err" "option '--quiet' takes no value"
expect "a value missing at the end" 2 "$RL" check --no-db "$FX/seed_buffer_mutex.c" --format
contains "the missing value is named" "$TMP/err" "option '--format' needs a value"
expect "-j out of range" 2 "$RL" check --no-db -j 0 "$FX/seed_buffer_mutex.c"
contains "the range is said" "$TMP/err" "\-j wants a number from 1 to 256, not '0'"
expect "--max-rows 0" 2 "$RL" sql --max-rows=0 'SELECT 1'
contains "--max-rows says what it wants" "$TMP/err" "\-\-max-rows wants a number from 1"

# The man page and the completions come from the same table.
expect "racelint --man" 0 "$RL" --man
cp "$TMP/out" "$TMP/racelint.1"
contains "the man page has the options" "$TMP/racelint.1" "max\\\\-parse\\\\-failures"
if command -v groff >/dev/null 2>&1; then
  if groff -man -Tutf8 -ww -z "$TMP/racelint.1" 2>"$TMP/err" && [ ! -s "$TMP/err" ]; then
    ok "the man page renders without a warning"; else not_ok "the man page renders without a warning"; fi
  groff -man -Tascii -P-cbou "$TMP/racelint.1" 2>/dev/null >"$TMP/man.txt"
  contains "the rendered page lists --baseline" "$TMP/man.txt" "\-\-baseline REF"
  contains "the rendered page lists every command" "$TMP/man.txt" "triage FINDING"
else
  echo "skip - groff is not installed: the man page is not rendered"
fi
expect "completion bash" 0 "$RL" completion bash
cp "$TMP/out" "$TMP/racelint.bash"
if bash -n "$TMP/racelint.bash" 2>"$TMP/err"; then ok "the bash completion is valid bash"; else not_ok "the bash completion is valid bash"; fi
# Run it: what does bash offer after `racelint diff --`?
cat >"$TMP/complete.bash" <<'EOF'
. "$1"
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _racelint; printf '%s\n' "${COMPREPLY[@]}"; }
complete_words racelint diff --
echo ---
complete_words racelint check --fail-on ""
echo ---
complete_words racelint ch
EOF
bash "$TMP/complete.bash" "$TMP/racelint.bash" >"$TMP/offered" 2>"$TMP/err"
sed -n '1,/^---$/p' "$TMP/offered" >"$TMP/offered-diff"
contains "bash offers diff's --db" "$TMP/offered-diff" "^--db$"
lacks "bash does not offer diff --status" "$TMP/offered-diff" "^--status$"
sed -n '/^---$/,/^---$/p' "$TMP/offered" | sed 1d >"$TMP/offered-failon"
contains "bash offers --fail-on's words" "$TMP/offered-failon" "^new$"
contains "bash completes commands" "$TMP/offered" "^check$"
expect "completion zsh" 0 "$RL" completion zsh
cp "$TMP/out" "$TMP/_racelint"
contains "the zsh completion is a compdef" "$TMP/_racelint" "^#compdef racelint"
if command -v zsh >/dev/null 2>&1; then
  if zsh -n "$TMP/_racelint" 2>"$TMP/err"; then ok "the zsh completion is valid zsh"; else not_ok "the zsh completion is valid zsh"; fi
else
  echo "skip - zsh is not installed: the zsh completion's syntax is not checked"
fi
expect "completion of another shell" 2 "$RL" completion fish

# cmake --install puts them where man, bash-completion and zsh look.
if [ -n "$BUILD" ]; then
  expect "cmake --install" 0 cmake --install "$BUILD" --prefix "$TMP/prefix"
  for f in share/man/man1/racelint.1 share/bash-completion/completions/racelint share/zsh/site-functions/_racelint; do
    if [ -s "$TMP/prefix/$f" ]; then ok "installed: $f"; else not_ok "installed: $f"; fi
  done
  same "the installed man page is the table's" "$TMP/prefix/share/man/man1/racelint.1" "$TMP/racelint.1"
  same "the installed bash completion is the table's" "$TMP/prefix/share/bash-completion/completions/racelint" "$TMP/racelint.bash"
fi

echo
echo "cli options: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
