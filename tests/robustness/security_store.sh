#!/bin/sh
# Analysing an untrusted tree, and reading an untrusted findings database,
# is safe (docs/robustness.md, "Security"): racelint never runs what the
# tree's git configuration names, never uses a project config owned by
# someone else or found above the repository, refuses databases holding
# schema objects it did not create, lets `racelint sql` call only ordinary
# functions, and never waits forever on a database path or a query.
# usage: security_store.sh PATH/TO/racelint SOURCE_DIR   (as root: the
# config cases chown a file to nobody; as another user they are skipped)
set -u
RL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
TEST_TIMEOUT=${ROBUSTNESS_TIMEOUT:-180}
. "$SRC/tests/lib.sh"
GOOD=$SRC/fixtures/seed_buffer_nolock.c
# count_races FILE: race warnings in a text report
count_races() { grep -c 'warning: data race' "$1"; }
# A git that reads no configuration but what the test gives it.
export GIT_CONFIG_NOSYSTEM=1 HOME="$TMP/home"
mkdir -p "$HOME"
# The test's own git never runs the traps set below either.
mkdir -p "$TMP/nohooks"
git_() {
  git -c user.name=t -c user.email=t@t -c init.defaultBranch=main -c protocol.file.allow=always \
    -c filter.x.clean=cat -c filter.x.smudge=cat -c core.fsmonitor=false -c core.hooksPath="$TMP/nohooks" "$@"
}
# sql1 DB QUERY: the single value the sqlite3 shell returns
sql1() { sqlite3 "$1" "$2" 2>&1; }

echo "# git: nothing the analysed repository configures is run"
G=$TMP/g
mkdir -p "$G"
cp "$GOOD" "$G/racy.c"
printf 'int other;\n' >"$G/other.c"
printf '*.c filter=x\n' >"$G/.gitattributes"
git_ -C "$G" init -q
git_ -C "$G" add racy.c other.c .gitattributes
git_ -C "$G" commit -q -m one
REV=$(git_ -C "$G" rev-parse HEAD)
# Only now the traps: a clean filter, an fsmonitor hook, an ssh command
# and hooks, each leaving a marker file if it ever runs.
cat >>"$G/.git/config" <<EOF
[filter "x"]
	clean = touch $TMP/MARKER_FILTER
	smudge = touch $TMP/MARKER_SMUDGE
	required = true
[core]
	fsmonitor = touch $TMP/MARKER_FSMONITOR
	sshCommand = touch $TMP/MARKER_SSH
[alias]
	status = !touch $TMP/MARKER_ALIAS
EOF
for h in post-index-change pre-commit post-checkout reference-transaction fsmonitor-watchman; do
  printf '#!/bin/sh\ntouch %s/MARKER_HOOK_%s\n' "$TMP" "$h" >"$G/.git/hooks/$h"
  chmod +x "$G/.git/hooks/$h"
done
# A change of the same size (git must read the file, through the filter)
# and a tracked file only touched.
sed -i 's/buf\[index\] = data;/buf[index] = 0x00;/' "$G/racy.c"
touch -d '2001-01-01' "$G/other.c"
markers() { ls "$TMP" | grep MARKER | tr '\n' ' '; }
cd "$G" || exit 1
expect "check in a repository whose config names commands" 1 "$RL" check --db "$TMP/g.db" racy.c
equals "no command of .git/config or hook was run" "$(markers)" ""
equals "the revision is HEAD" "$(sql1 "$TMP/g.db" 'SELECT git_revision FROM runs')" "$REV"
equals "the branch is recorded" "$(sql1 "$TMP/g.db" 'SELECT git_branch FROM runs')" "main"
equals "the tree is dirty" "$(sql1 "$TMP/g.db" 'SELECT git_dirty FROM runs')" "1"
expect "check --no-db in that repository" 1 "$RL" check --no-db --format json racy.c
equals "--no-db ran nothing either" "$(markers)" ""
if jq -e --arg r "$REV" '.run.git_revision == $r and .run.git_dirty == true' "$TMP/out" >/dev/null 2>&1; then
  ok "--no-db: the JSON report has the revision and the dirty flag"
else not_ok "--no-db: the JSON report has the revision and the dirty flag"; fi
cp "$GOOD" "$G/racy.c"
expect "check in the same repository, clean" 1 "$RL" check --db "$TMP/g2.db" racy.c
equals "a clean tree is not dirty" "$(sql1 "$TMP/g2.db" 'SELECT git_dirty FROM runs')" "0"
equals "still nothing was run" "$(markers)" ""
# A huge tree: the dirty check gives up after RACELINT_GIT_TIMEOUT_MS (0:
# at once) with a note, and the run goes on.
expect "the dirty check past its time limit" 1 env RACELINT_GIT_TIMEOUT_MS=0 "$RL" check --db "$TMP/g3.db" racy.c
contains "the skipped dirty flag is explained" "$TMP/err" "note: .*dirty.*RACELINT_GIT_TIMEOUT_MS"
equals "its dirty flag is unknown, its revision known" "$(sql1 "$TMP/g3.db" "SELECT git_revision || ':' || ifnull(git_dirty, 'NULL') FROM runs")" "$REV:NULL"
expect "a git time limit that is not a number" 2 env RACELINT_GIT_TIMEOUT_MS=soon "$RL" check --no-db racy.c
contains "is named" "$TMP/err" "RACELINT_GIT_TIMEOUT_MS wants a number of milliseconds"

# Worktrees and submodules have a .git file pointing elsewhere.
git_ -C "$G" worktree add -q "$TMP/wt" -b side >/dev/null 2>&1
cd "$TMP/wt" || exit 1
expect "check in a git worktree" 1 "$RL" check --db "$TMP/wt.db" racy.c
equals "a worktree reports its revision and branch" "$(sql1 "$TMP/wt.db" "SELECT git_revision || ':' || git_branch || ':' || git_dirty FROM runs")" "$REV:side:0"
S=$TMP/super
mkdir -p "$TMP/subsrc" "$S"
cp "$GOOD" "$TMP/subsrc/racy.c"
git_ -C "$TMP/subsrc" init -q && git_ -C "$TMP/subsrc" add racy.c && git_ -C "$TMP/subsrc" commit -q -m sub
SUBREV=$(git_ -C "$TMP/subsrc" rev-parse HEAD)
git_ -C "$S" init -q && printf 'x\n' >"$S/readme" && git_ -C "$S" add readme && git_ -C "$S" commit -q -m super
git_ -C "$S" submodule add -q "$TMP/subsrc" sub >/dev/null 2>&1
git_ -C "$S" commit -q -m 'add sub'
if [ -f "$S/sub/.git" ]; then
  cd "$S/sub" || exit 1
  expect "check in a submodule" 1 "$RL" check --db "$TMP/sub.db" racy.c
  equals "a submodule reports its own revision" "$(sql1 "$TMP/sub.db" 'SELECT git_revision FROM runs')" "$SUBREV"
else
  skip "submodule: git did not make one"
fi
equals "no command of .git/config or hook was run at all" "$(markers)" ""
cd "$TMP" || exit 1

echo "# the project config"
if [ "$(id -u)" = 0 ]; then
  # A config that turns pthread_create into nothing: with it, no race.
  NOSPAWN='functions:
  - name: pthread_create
    kind: atomic'
  # Above the project, owned by nobody: ignored with a warning.
  mkdir -p "$TMP/c/outer/proj"
  printf '%s\n' "$NOSPAWN" >"$TMP/c/outer/.racelint.yaml"
  chown nobody "$TMP/c/outer/.racelint.yaml"
  cp "$GOOD" "$TMP/c/outer/proj/racy.c"
  cd "$TMP/c/outer/proj" || exit 1
  expect "a parent config owned by another user" 1 "$RL" check --no-db racy.c
  equals "is not used: the race is reported" "$(count_races "$TMP/out")" 1
  contains "and it is named in a warning" "$TMP/err" "warning: .*c/outer/.racelint.yaml.*owned by"
  # Owned by us (root counts too), the same file is used.
  chown root "$TMP/c/outer/.racelint.yaml"
  expect "a parent config owned by root" 0 "$RL" check -v --db "$TMP/c.db" racy.c
  contains "-v names the config used" "$TMP/err" "config: .*c/outer/.racelint.yaml"
  equals "the run records the config it used" "$(sql1 "$TMP/c.db" 'SELECT config FROM runs')" "$TMP/c/outer/.racelint.yaml"
  # The lookup stops at the repository root: .git folder or .git file.
  mkdir -p "$TMP/c/outer/repo" "$TMP/c/outer/wtree"
  cp "$GOOD" "$TMP/c/outer/repo/racy.c" && cp "$GOOD" "$TMP/c/outer/wtree/racy.c"
  mkdir "$TMP/c/outer/repo/.git"
  printf 'gitdir: /nonexistent\n' >"$TMP/c/outer/wtree/.git"
  for r in repo wtree; do
    cd "$TMP/c/outer/$r" || exit 1
    expect "a config above the repository root ($r)" 1 "$RL" check --db "$TMP/c-$r.db" racy.c
    equals "is not used ($r)" "$(count_races "$TMP/out")" 1
    equals "the run records no config ($r)" "$(sql1 "$TMP/c-$r.db" "SELECT ifnull(config, 'NULL') FROM runs")" NULL
  done
  # A .racelint.yaml that is a folder or a dangling link is an error, not
  # a reason to use the parent's.
  mkdir -p "$TMP/c/outer/dirconf/.racelint.yaml" "$TMP/c/outer/dangling"
  ln -s nowhere.yaml "$TMP/c/outer/dangling/.racelint.yaml"
  for d in dirconf dangling; do
    cp "$GOOD" "$TMP/c/outer/$d/racy.c"
    cd "$TMP/c/outer/$d" || exit 1
    expect "a .racelint.yaml that is unusable ($d)" 2 "$RL" check --no-db racy.c
    contains "names it ($d)" "$TMP/err" "error: .*$d/.racelint.yaml"
  done
  cd "$TMP" || exit 1
else
  skip "config ownership: not root (chown)"
fi

echo "# racelint sql"
mkdir -p "$TMP/proj"
cp "$GOOD" "$TMP/proj/racy.c"
DB=$TMP/db/h.db
mkdir -p "$TMP/db"
expect "a run to query" 1 "$RL" check -q --db "$DB" "$TMP/proj"
expect "fts3_tokenizer() with one argument" 2 "$RL" sql --db "$DB" "SELECT hex(fts3_tokenizer('simple'))"
contains "is refused, by name" "$TMP/err" "refused: .*function 'fts3_tokenizer'"
expect "fts3_tokenizer() with a pointer" 2 "$RL" sql --db "$DB" "SELECT fts3_tokenizer('evil', x'4141414141414141')"
contains "is refused too" "$TMP/err" "refused: .*function 'fts3_tokenizer'"
expect "an unknown function" 2 "$RL" sql --db "$DB" "SELECT sqlite_compileoption_get(0)"
contains "names the function" "$TMP/err" "refused: .*function 'sqlite_compileoption_get'"
expect "the ordinary functions" 0 "$RL" sql --db "$DB" --format csv \
  "SELECT count(*), max(id), sum(files), group_concat(status), lower('A'), substr('abc', 2), coalesce(NULL, 1), printf('%d', 2), json_extract('{\"a\": 3}', '\$.a'), date('2024-01-02'), length(hex(randomblob(2))), abs(-1) FROM runs"
contains "give their results" "$TMP/out" "^1,1,1,complete,a,bc,1,2,3,2024-01-02,4,1"
expect "json_each as a table" 0 "$RL" sql --db "$DB" --format csv "SELECT value FROM json_each('[5,6]')"
equals "gives its rows" "$(tr -d '\r' <"$TMP/out" | tr '\n' ' ')" "value 5 6 "
expect "json_tree on the stored events" 0 "$RL" sql --db "$DB" \
  "SELECT count(*) FROM events AS e, json_tree(e.chain) WHERE json_tree.key = 'function'"
expect "the documented json_each query" 0 "$RL" sql --db "$DB" \
  "SELECT (SELECT group_concat(json_extract(value, '\$.function'), ' -> ') FROM json_each(e.chain)) FROM events AS e"
contains "reads the chains" "$TMP/out" "writer"
expect "a write is still refused" 2 "$RL" sql --db "$DB" "DELETE FROM runs"
contains "as what it is" "$TMP/err" "refused: DELETE"
expect "text with a NUL byte" 0 "$RL" sql --db "$DB" --format table "SELECT 'a' || char(0) || 'b' AS t"
contains "is printed escaped, not cut" "$TMP/out" 'a\\x00b'

echo "# schema objects racelint did not create"
# tamper NAME SQL: a copy of the database with SQL applied
tamper() { cp "$DB" "$TMP/db/$1.db" && sqlite3 "$TMP/db/$1.db" "$2"; }
tamper trigger "CREATE TRIGGER wipe AFTER INSERT ON runs BEGIN DELETE FROM findings; END;"
n=$(sql1 "$TMP/db/trigger.db" 'SELECT count(*) FROM findings')
cd "$TMP/proj" || exit 1
expect "check on a database with a trigger" 2 "$RL" check --db "$TMP/db/trigger.db" racy.c
contains "refuses it, naming the trigger" "$TMP/err" "trigger 'wipe'"
equals "the earlier findings are intact" "$(sql1 "$TMP/db/trigger.db" 'SELECT count(*) FROM findings')" "$n"
cd "$TMP" || exit 1
tamper view "CREATE VIEW extra_view AS SELECT 1;"
expect "runs on a database with an extra view" 2 "$RL" runs --db "$TMP/db/view.db"
contains "refuses it, naming the view" "$TMP/err" "view 'extra_view'"
tamper table "CREATE TABLE extra_table (x);"
expect "sql on a database with an extra table" 2 "$RL" sql --db "$TMP/db/table.db" "SELECT 1"
contains "refuses it, naming the table" "$TMP/err" "table 'extra_table'"
tamper typed "DROP VIEW triage_current; CREATE TABLE triage_current (x);"
expect "a racelint name with another type" 2 "$RL" runs --db "$TMP/db/typed.db"
contains "is refused too" "$TMP/err" "table 'triage_current'"
tamper analyzed "ANALYZE;"
expect "SQLite's own statistics tables are fine" 0 "$RL" runs --db "$TMP/db/analyzed.db"

echo "# database paths and query time"
mkfifo "$TMP/db/fifo"
expect "runs --db FIFO" 2 "$RL" runs --db "$TMP/db/fifo"
contains "says it is not a regular file" "$TMP/err" "fifo.*not a regular file"
expect "check --db FIFO" 2 "$RL" check --db "$TMP/db/fifo" "$TMP/proj"
contains "so does check" "$TMP/err" "fifo.*not a regular file"
expect "runs --db /dev/null" 2 "$RL" runs --db /dev/null
contains "says it is not a regular file" "$TMP/err" "/dev/null.*not a regular file"
expect "a query that never ends" 2 env RACELINT_QUERY_TIMEOUT_MS=500 "$RL" sql --db "$DB" \
  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
contains "is stopped, naming the limit" "$TMP/err" "500 ms.*RACELINT_QUERY_TIMEOUT_MS"
cp "$DB" "$TMP/db/big.db"
sqlite3 "$TMP/db/big.db" "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 300000)
  INSERT INTO runs (started_at, status, tool_version) SELECT 'x', 'failed', 'x' FROM c;"
expect "a slow query of a history command" 2 env RACELINT_QUERY_TIMEOUT_MS=1 "$RL" runs --db "$TMP/db/big.db"
contains "is stopped too" "$TMP/err" "RACELINT_QUERY_TIMEOUT_MS"
expect "a query time limit that is not a number" 2 env RACELINT_QUERY_TIMEOUT_MS=soon "$RL" runs --db "$DB"
expect "no query time limit (0)" 0 env RACELINT_QUERY_TIMEOUT_MS=0 "$RL" runs --db "$DB"

echo "# read-only databases"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
  # Readable, not writable, folder included: as nobody.
  mkdir -p "$TMP/ro" && cp "$DB" "$TMP/ro/h.db" && chmod 755 "$TMP" "$TMP/ro" && chmod 644 "$TMP/ro/h.db"
  AS_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups env LSAN_OPTIONS=detect_leaks=0"
  # The build may sit where nobody cannot reach it (a checkout under
  # /root): nobody runs a copy of the binary, from the same open folder.
  RL_COPY="$TMP/ro-bin/racelint"
  mkdir -p "$TMP/ro-bin" && cp "$RL" "$RL_COPY" && chmod 755 "$TMP/ro-bin" "$RL_COPY"
  expect "runs on a database it may not write" 0 $AS_NOBODY "$RL_COPY" runs --db "$TMP/ro/h.db" --format csv
  contains "lists the run" "$TMP/out" "^1,"
  expect "findings on it" 0 $AS_NOBODY "$RL_COPY" findings --db "$TMP/ro/h.db"
  expect "sql on it" 0 $AS_NOBODY "$RL_COPY" sql --db "$TMP/ro/h.db" "SELECT count(*) FROM runs"
  equals "nothing was created beside it" "$(ls "$TMP/ro")" "h.db"
else
  skip "read-only databases: not root"
fi

summary security_store
