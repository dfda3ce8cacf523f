#!/bin/sh
# Analysing an untrusted tree is safe (docs/robustness.md, "Security"):
# reading the tree is fine; writing anywhere but the database and the
# requested reports, executing anything the tree configures, or crashing
# on stored data is not. Each case plants an attack in a tree or in
# racelint's own stored data and checks that nothing was written,
# nothing hung or crashed, and the message names the culprit.
# usage: security_inputs.sh PATH/TO/racelint SOURCE_DIR
set -u
RL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Seconds one racelint command may take (ASan on a loaded machine): a
# hang, not a slow run, is what this catches.
TEST_TIMEOUT=${ROBUSTNESS_TIMEOUT:-180}
. "$SRC/tests/lib.sh"
cd "$TMP" || exit 1

# The good unit: its two races must be reported whatever else happens.
GOOD=$SRC/fixtures/seed_buffer_nolock.c
RACE="racy.c:20:5: warning: data race on 'buf\[\]'"
P=$TMP/proj
mkdir -p "$P" && cp "$GOOD" "$P/racy.c"
still_analysed() {
  if grep -q -- "$RACE" "$TMP/out"; then ok "$1: the good unit is still analysed"
  else not_ok "$1: the good unit is still analysed"; fi
}
# compdb NAME JSON: writes NAME/compile_commands.json
compdb() { mkdir -p "$TMP/$1" && printf '%s\n' "$2" >"$TMP/$1/compile_commands.json"; }
# entry ARGS_JSON: an entry for the good unit with these arguments
entry() { printf '{"directory": "%s", "file": "racy.c", "arguments": ["cc", %s, "-c", "racy.c"]}' "$P" "$1"; }

echo "# 1. compile-command flags that write files"
V=$TMP/victims
mkdir -p "$V"
printf 'keep me\n' >"$V/header-include.txt"
printf 'keep me\n' >"$V/dependency.dot"
cp "$V/header-include.txt" "$V/header-include.orig"
compdb writes "[
 $(entry "\"-Xclang\", \"-header-include-file\", \"-Xclang\", \"$V/header-include.txt\", \"-Xclang\", \"-sys-header-deps\""),
 $(entry "\"-Xclang\", \"-dependency-dot\", \"-Xclang\", \"$V/dependency.dot\""),
 $(entry "\"-fmodules\", \"-fmodules-cache-path=$V/modcache\", \"-fimplicit-module-maps\""),
 $(entry "\"-fmodules\""),
 $(entry "\"-Xclang\", \"-module-dependency-dir\", \"-Xclang\", \"$V/moddeps\", \"-MD\", \"-MF\", \"$V/deps.d\", \"-Wp,-MD,$V/wp.d\", \"-o\", \"$V/out.o\""),
 $(entry "\"-O2\", \"-g\", \"-fPIC\", \"-fno-such-flag\"")
]"
mkdir -p "$TMP/home"
expect "compile commands with file-writing flags" 1 env HOME="$TMP/home" XDG_CACHE_HOME="$TMP/home/.cache" "$RL" check --no-db -p "$TMP/writes"
still_analysed "file-writing flags"
if cmp -s "$V/header-include.txt" "$V/header-include.orig"; then ok "-Xclang -header-include-file appended nothing"
else not_ok "-Xclang -header-include-file appended nothing"; fi
equals "-Xclang -dependency-dot did not overwrite its file" "$(cat "$V/dependency.dot")" "keep me"
for made in modcache moddeps deps.d wp.d out.o; do
  if [ -e "$V/$made" ]; then not_ok "nothing created: $made"; else ok "nothing created: $made"; fi
done
equals "no module cache under HOME (plain -fmodules)" "$(find "$TMP/home" -mindepth 1 | head -3)" ""
contains "a refused flag is named with its entry" "$TMP/err" "racy.c: flags refused, they could write files or load code: -Xclang -header-include-file, -Xclang .*header-include.txt.*(entry 0 of"
contains "-fmodules-cache-path is refused" "$TMP/err" "-fmodules-cache-path=.*(entry 2 of"
contains "-Wp, is refused" "$TMP/err" "-Wp,-MD.*(entry 4 of"
equals "one note per entry with refused flags" "$(grep -c 'flags refused' "$TMP/err")" 5
contains "an unknown flag gets one note" "$TMP/err" "flag '-fno-such-flag' dropped: racelint does not pass it to the parser (1 entry"
lacks "codegen flags are dropped silently" "$TMP/err" "'-O2'\|'-g'\|'-fPIC'"
# The flags that parsing needs still reach the parser.
printf '#ifndef FROM_FLAG\n#error the -D flag did not reach the parser\n#endif\n#include "inc.h"\n' >"$P/needs_flags.c"
mkdir -p "$P/include" && printf 'int from_include;\n' >"$P/include/inc.h"
compdb keeps "[{\"directory\": \"$P\", \"file\": \"needs_flags.c\", \"arguments\": [\"cc\", \"-DFROM_FLAG=1\", \"-I\", \"include\", \"-std=c11\", \"-Wall\", \"-O2\", \"-c\", \"needs_flags.c\"]}, $(entry "\"-pthread\"")]"
expect "-D, -I, -std= and -W flags still reach the parser" 1 "$RL" check --no-db -p "$TMP/keeps"
lacks "the unit needing them parses cleanly" "$TMP/err" "needs_flags.c"
# The same unknown flag in 2,000 entries: one line, not 2,000.
awk -v p="$P" 'BEGIN { printf "["; for (i = 0; i < 2000; i++) printf "%s{\"directory\": \"%s\", \"file\": \"racy.c\", \"arguments\": [\"cc\", \"-fno-such-flag\", \"-O2\", \"racy.c\"]}", i ? "," : "", p; print "]" }' >"$TMP/many.json"
mkdir -p "$TMP/many" && mv "$TMP/many.json" "$TMP/many/compile_commands.json"
expect "2,000 entries with one unknown flag" 1 "$RL" check --no-db -p "$TMP/many"
equals "a single note for it" "$(grep -c "no-such-flag" "$TMP/err")" 1
contains "counting the entries" "$TMP/err" "(2000 entries, the first"
if command -v strace >/dev/null 2>&1; then
  rm -rf "$V/modcache" "$V/moddeps"
  strace -f -qq -e trace=openat,open,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat -o "$TMP/strace.log" \
    env HOME="$TMP/home" "$RL" check --no-db -q -p "$TMP/writes" >/dev/null 2>&1
  if grep -E 'O_WRONLY|O_RDWR|O_CREAT|creat\(|mkdir|rename|unlink' "$TMP/strace.log" | grep -v -E '= -1 |/dev/null|/dev/tty|/proc/' | grep -q "$V"; then
    not_ok "strace: nothing under the victims' folder opened for writing"; grep "$V" "$TMP/strace.log" | head -5
  else
    ok "strace: nothing under the victims' folder opened for writing"
  fi
else
  skip "strace: not installed"
fi

echo "# 7. response files"
printf -- '-DFROM_RSP=1 "-DQUOTED=a b" -I\\ include\n@nested.rsp\n' >"$P/flags.rsp"
printf -- "-std=c11 '-DSINGLE=x y'\n" >"$P/nested.rsp"
printf '#if !defined(FROM_RSP) || !defined(QUOTED) || !defined(SINGLE)\n#error a response file was not read\n#endif\nint rsp_ok;\n' >"$P/rsp_user.c"
mkfifo "$P/fifo.rsp"
printf -- '-DLOOP @loop.rsp\n' >"$P/loop.rsp"
printf -- '@deep1.rsp\n' >"$P/deep0.rsp"
i=1; while [ $i -lt 12 ]; do printf -- '@deep%d.rsp\n' $((i + 1)) >"$P/deep$i.rsp"; i=$((i + 1)); done
head -c 2000000 /dev/zero | tr '\0' 'x' >"$P/big.rsp"
compdb rsp "[
 {\"directory\": \"$P\", \"file\": \"rsp_user.c\", \"arguments\": [\"cc\", \"@flags.rsp\", \"-c\", \"rsp_user.c\"]},
 {\"directory\": \"$P\", \"file\": \"racy.c\", \"arguments\": [\"cc\", \"@/dev/zero\", \"racy.c\"]},
 {\"directory\": \"$P\", \"file\": \"racy.c\", \"command\": \"cc @fifo.rsp racy.c\"},
 {\"directory\": \"$P\", \"file\": \"racy.c\", \"arguments\": [\"cc\", \"@loop.rsp\", \"racy.c\"]},
 {\"directory\": \"$P\", \"file\": \"racy.c\", \"arguments\": [\"cc\", \"@deep0.rsp\", \"racy.c\"]},
 {\"directory\": \"$P\", \"file\": \"racy.c\", \"arguments\": [\"cc\", \"@big.rsp\", \"racy.c\"]},
 $(entry '"-DGOOD"')
]"
expect "response files: /dev/zero, a FIFO, a loop, too deep, too big" 1 "$RL" check --no-db -p "$TMP/rsp"
still_analysed "bad response files"
lacks "a good response file (nested, quoted) is read" "$TMP/err" "rsp_user.c"
contains "@/dev/zero is refused, naming the entry" "$TMP/err" "racy.c: skipped: response file /dev/zero: not a regular file .*(entry 1 of"
contains "a FIFO is refused, not read" "$TMP/err" "skipped: response file .*fifo.rsp: not a regular file .*(entry 2 of"
contains "a response file that includes itself is named" "$TMP/err" "skipped: response file .*loop.rsp: includes itself (entry 3 of"
contains "nesting is bounded" "$TMP/err" "skipped: response file .*deep8.rsp: response files nested more than 8 deep (entry 4 of"
contains "size is bounded" "$TMP/err" "skipped: response file .*big.rsp: file is larger than 1 MiB, the limit for a response file (entry 5 of"

echo "# 12. compile_commands.json entries named precisely"
compdb nonstring "[$(entry '"-DA"'), {\"directory\": \"$P\", \"file\": \"racy.c\", \"arguments\": [\"cc\", 42, \"racy.c\"]}]"
expect "a non-string in \"arguments\"" 2 "$RL" check --no-db -p "$TMP/nonstring"
contains "the entry and the index are named" "$TMP/err" "nonstring/compile_commands.json: entry 1: \"arguments\"\[1\] is not a string"
compdb notc "[$(entry '"-x", "assembler"'), $(entry '"-xobjective-c"'), $(entry '"-DA"')]"
expect "an entry for another language (-x assembler)" 1 "$RL" check --no-db -p "$TMP/notc"
contains "it is refused as not C, naming the entry" "$TMP/err" "racy.c: skipped: not a C unit (-x assembler) (entry 0 of"
contains "joined -x too" "$TMP/err" "racy.c: skipped: not a C unit (-xobjective-c) (entry 1 of"
lacks "no AST read error" "$TMP/err" "AST read error"
still_analysed "an entry for another language"

echo "# 10. FIFOs where files are expected"
mkdir -p "$TMP/models"
cp "$SRC"/models/*.yaml "$TMP/models/"
mkfifo "$TMP/models/zz-fifo.yaml"
expect "a FIFO *.yaml in --models" 2 "$RL" check --no-db --models "$TMP/models" "$P/racy.c"
contains "the FIFO is named" "$TMP/err" "zz-fifo.yaml: not a regular file"
mkfifo "$TMP/config.fifo"
expect "a FIFO as --config" 2 "$RL" check --no-db --config "$TMP/config.fifo" "$P/racy.c"
contains "the FIFO config is named" "$TMP/err" "config.fifo: not a regular file"
expect "/dev/zero as --config" 2 "$RL" check --no-db --config /dev/zero "$P/racy.c"
contains "the device is named" "$TMP/err" "/dev/zero: not a regular file"
mkfifo "$TMP/baseline.fifo"
expect "a FIFO as --baseline" 2 "$RL" check --no-db --baseline "$TMP/baseline.fifo" "$P/racy.c"
contains "the FIFO baseline is named" "$TMP/err" "baseline.fifo: not a regular file"

echo "# 11. outputs"
# many/: 300 racy counters, a report of some size.
mkdir -p "$TMP/many300"
awk 'BEGIN {
  print "#include <pthread.h>"
  for (i = 0; i < 300; i++) printf "long counter_%d;\n", i
  print "static void *work(void *arg)\n{\n    (void)arg;"
  for (i = 0; i < 300; i++) printf "    counter_%d++;\n", i
  print "    return 0;\n}\nint main(void)\n{\n    pthread_t a, b;\n    pthread_create(&a, 0, work, 0);"
  print "    pthread_create(&b, 0, work, 0);\n    return 0;\n}"
}' >"$TMP/many300/many.c"
mkdir -p "$TMP/outdir"
expect "check -o: the first report" 1 "$RL" check --no-db --format json -o "$TMP/outdir/report.json" "$P/racy.c"
cp "$TMP/outdir/report.json" "$TMP/report.before"
# A file size limit stands in for a full disk (racelint ignores SIGXFSZ,
# so the write fails with EFBIG like ENOSPC).
expect "check -o on a full disk" 2 sh -c 'ulimit -f 8 && exec "$@"' sh "$RL" check --no-db --format json -o "$TMP/outdir/report.json" "$TMP/many300"
contains "the failed write is explained" "$TMP/err" "racelint: error: cannot write .*File too large"
if cmp -s "$TMP/report.before" "$TMP/outdir/report.json"; then ok "the previous report is intact"; else not_ok "the previous report is intact"; fi
equals "no temporary left beside it" "$(ls -A "$TMP/outdir")" "report.json"
# A symlink at the target is replaced, never written through.
printf 'precious\n' >"$TMP/precious.txt"
ln -s "$TMP/precious.txt" "$TMP/outdir/link.json"
expect "check -o through a symlink" 1 "$RL" check --no-db --format json -o "$TMP/outdir/link.json" "$P/racy.c"
equals "the file the link pointed to is untouched" "$(cat "$TMP/precious.txt")" "precious"
if [ -f "$TMP/outdir/link.json" ] && [ ! -L "$TMP/outdir/link.json" ] && jq -e '.findings | length == 1 and (.[0].events | length == 2)' "$TMP/outdir/link.json" >/dev/null 2>&1; then
  ok "the link itself was replaced by the report"; else not_ok "the link itself was replaced by the report"; fi
expect "check -o /dev/null writes to the device" 1 "$RL" check --no-db -o /dev/null "$P/racy.c"
# An interrupted report leaves no temporary behind: 20,000 findings make
# a page big enough to catch it being written.
mkdir -p "$TMP/big"
awk 'BEGIN {
  print "#include <pthread.h>\nlong counter;\nstatic void *work(void *p)\n{\n    (void)p;"
  for (i = 0; i < 3000; i++) print "    counter++;"
  print "    return 0;\n}\nint main(void)\n{\n    pthread_t a, b;\n    pthread_create(&a, 0, work, 0);"
  print "    pthread_create(&b, 0, work, 0);\n    return 0;\n}"
}' >"$TMP/big/counter.c"
expect "a run with thousands of findings" 1 "$RL" check -q --db "$TMP/big.db" "$TMP/big"
ln -s "$TMP/precious.txt" "$TMP/outdir/link2.csv"
expect "runs -o through a symlink" 0 "$RL" runs --db "$TMP/big.db" -o "$TMP/outdir/link2.csv"
equals "the same policy for the history commands" "$(cat "$TMP/precious.txt")" "precious"
mkdir -p "$TMP/html"
caught=0
for attempt in 1 2 3 4 5; do
  rm -rf "$TMP/html"/* "$TMP/html"/.index* 2>/dev/null
  "$RL" report -q --db "$TMP/big.db" -o "$TMP/html" >/dev/null 2>&1 &
  pid=$!
  i=0
  while [ $i -lt 2000 ] && ! ls -A "$TMP/html" 2>/dev/null | grep -q '^\.index'; do i=$((i + 1)); done
  kill -INT $pid 2>/dev/null
  wait $pid 2>/dev/null
  [ $i -lt 2000 ] && caught=1 && break
done
if [ "$caught" = 1 ]; then
  equals "SIGINT during report: no temporary left" "$(ls -A "$TMP/html" | grep '^\.index')" ""
else
  skip "SIGINT during report: the page was written too fast to catch"
fi

echo "# 12. messages"
expect "standard output on /dev/full" 2 sh -c 'exec "$@" >/dev/full' sh "$RL" check --no-db "$P/racy.c"
contains "says why" "$TMP/err" "racelint: error: cannot write to standard output: No space left on device"
expect "standard output closed" 2 sh -c 'exec "$@" >&-' sh "$RL" check --no-db "$P/racy.c"
contains "says so" "$TMP/err" "racelint: error: cannot write to standard output"
expect "findings with standard output on /dev/full" 2 sh -c 'exec "$@" >/dev/full' sh "$RL" findings --db "$TMP/big.db" --format csv
contains "says why too" "$TMP/err" "cannot write to standard output"
expect "--max-memory 1" 2 "$RL" check --no-db --max-memory 1 "$P/racy.c"
contains "a ceiling below the minimum is refused" "$TMP/err" "--max-memory wants at least 64M"

echo "# 13. terminal and page hygiene"
mkdir -p "$TMP/esc"
ESCNAME=$(printf 'evil\033]0;pwned\007\033[2J.c')
{ printf '#include <pthread.h>\n/* \342\200\256 bidi */ long hits;\n'
  printf 'static void *work(void *a) { (void)a; hits++; /* \033[31mred\177 */ return 0; }\n'
  printf 'int main(void) { pthread_t a, b; pthread_create(&a, 0, work, 0); pthread_create(&b, 0, work, 0); return 0; }\n'; } >"$TMP/esc/$ESCNAME"
cd "$TMP/esc" || exit 1
expect "a file name with escape sequences: check" 1 "$RL" check --db "$TMP/esc.db" .
if LC_ALL=C grep -q "$(printf '\033')" "$TMP/out" "$TMP/err"; then not_ok "check: no raw ESC reaches the terminal"; else ok "check: no raw ESC reaches the terminal"; fi
contains "check: ESC is shown as \\x1b" "$TMP/out" 'evil\\x1b]0;pwned\\x07\\x1b\[2J.c'
expect "findings" 0 "$RL" findings --db "$TMP/esc.db" --format text
if LC_ALL=C grep -q "$(printf '[\033\007]')" "$TMP/out" "$TMP/err"; then not_ok "findings: no raw control characters"; else ok "findings: no raw control characters"; fi
expect "show" 0 "$RL" show --db "$TMP/esc.db" --format table 1
if LC_ALL=C grep -q "$(printf '[\033\007\177]')" "$TMP/out"; then not_ok "show: no raw control characters (source lines included)"; else ok "show: no raw control characters (source lines included)"; fi
contains "show: the bidi control is visible" "$TMP/out" '\\u202e'
expect "check again, for diff" 1 "$RL" check -q --db "$TMP/esc.db" .
expect "diff" 0 "$RL" diff --db "$TMP/esc.db" --format table
if LC_ALL=C grep -q "$(printf '[\033\007]')" "$TMP/out"; then not_ok "diff: no raw control characters"; else ok "diff: no raw control characters"; fi
expect "report" 0 "$RL" report -q --db "$TMP/esc.db" -o "$TMP/esc/html"
if LC_ALL=C grep -q "$(printf '\342\200\256')" "$TMP/esc/html/index.html"; then not_ok "HTML: no raw bidi control"; else ok "HTML: no raw bidi control"; fi
contains "HTML: the bidi control is shown as a mark" "$TMP/esc/html/index.html" '\[U+202E\]'
cd "$TMP" || exit 1

echo "# a recorded source that became a FIFO"
mkdir -p "$TMP/fifosrc" && cd "$TMP/fifosrc" || exit 1
cat >racy.c <<'EOC'
#include <pthread.h>
static long n;
static void *w(void *a) { n++; return a; }
int main(void) { pthread_t t[2]; for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, w, 0); for (int i = 0; i < 2; i++) pthread_join(t[i], 0); return (int)n; }
EOC
expect "check records the run" 1 "$RL" check -q --db "$TMP/fifosrc.db" racy.c
rm racy.c && mkfifo racy.c
TEST_TIMEOUT=60 expect "report does not wait on the FIFO" 0 "$RL" report -q --db "$TMP/fifosrc.db" -o "$TMP/fifosrc/html"
contains "the page shows the code stored with the run, never reads the FIFO" "$TMP/fifosrc/html/index.html" 'n</mark>++'
TEST_TIMEOUT=60 expect "show does not wait on it either" 0 "$RL" show --db "$TMP/fifosrc.db" --format table 1
cd "$TMP" || exit 1

summary security_inputs
