#!/bin/sh
# The HTML report end to end: two real runs of a multi-file program (the
# second fixes one race and adds two), `racelint report`, then the page in
# headless Chromium: it loads without console errors, shows as many
# findings as the database holds, filters by status from the URL, and
# hostile text (a file named with markup, a string holding
# "</script><img onerror>") stays text. Screenshots are kept in
# BUILD_DIR/tests/html/ for a person to look at. Without Chromium, the
# browser checks print "skipped: no chromium".
#
# Each page shows the source stored with its run: after the files change
# (or are gone), an old run's page still shows the code it was checked
# on; a database from before source excerpts says so. tests/html/large.sh
# then loads a synthetic run of 5,000 findings (paging, search, grouping,
# sorting, and a load-time bound).
# usage: run.sh PATH/TO/racelint SOURCE_DIR BUILD_DIR
set -u
RL=$1
SRC=$2
BUILD=$3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
WANT_VALIDATOR=0
. "$SRC/tests/sarif/lib.sh"
SHOTS=$BUILD/tests/html
mkdir -p "$SHOTS"
rm -f "$SHOTS"/*.png

# The program, with its log file under a name full of markup.
EVIL='log&<img src=x onerror=alert(1)>.c'
cp -r "$SRC/tests/html/project" "$TMP/kv"
mv "$TMP/kv/log.c" "$TMP/kv/$EVIL"
cd "$TMP/kv" || exit 1
DB=$TMP/kv.db
expect "run 1 finds the races" 1 "$RL" check -q --db "$DB" .
# Version 2: 'stop' becomes atomic (one race fixed), cache_put loses its
# lock (new races on keys and values).
sed -i 's/^static int stop;/static _Atomic int stop;/' main.c
sed -i '/LOCK-REMOVED-IN-V2/d' cache.c
expect "run 2 finds the races" 1 "$RL" check -q --db "$DB" .

q() { sqlite3 "$DB" "$1"; }
n2=$(q "SELECT count(*) FROM findings WHERE run_id = 2")
new2=$(q "SELECT count(*) FROM findings WHERE run_id = 2 AND fingerprint NOT IN (SELECT fingerprint FROM findings WHERE run_id = 1)")
fixed2=$(q "SELECT count(*) FROM findings WHERE run_id = 1 AND fingerprint NOT IN (SELECT fingerprint FROM findings WHERE run_id = 2)")
if [ "$new2" -ge 1 ] && [ "$fixed2" -ge 1 ]; then ok "run 2 has new ($new2) and fixed ($fixed2) findings"; else not_ok "run 2: $new2 new, $fixed2 fixed"; fi

# ---- the command
expect "report of the latest run" 0 "$RL" report --db "$DB" -o "$TMP/report"
contains "report names its file" "$TMP/err" "written to $TMP/report/index.html"
PAGE=$TMP/report/index.html
cards=$(grep -c '<details class="finding' "$PAGE")
if [ "$cards" = "$n2" ]; then ok "the page lists the $n2 findings of run 2"; else not_ok "the page lists $cards findings, the database $n2"; fi
contains "summary: compared with the previous run" "$PAGE" "compared with run 1"
contains "summary: fixed findings listed" "$PAGE" "$fixed2 finding.* of run 1 no longer reported"
contains "summary: counts by rule" "$PAGE" '<table class="rules">'
if ! grep -Eq '<(img|link|iframe|object|embed)|[[:space:]](src|href)="|url\(|https?://' "$PAGE"; then ok "self-contained: no URL, link, image or src"; else not_ok "the page refers to something outside it"; fi
if grep -q 'log&amp;&lt;img src=x onerror=alert(1)&gt;.c' "$PAGE"; then ok "the markup file name is escaped"; else not_ok "the markup file name is escaped"; fi
# The source is in each finding's data-body attribute (single-quoted, &
# escaped once more), inserted by the script when the finding opens.
if grep -q '&amp;lt;/script&amp;gt;&amp;lt;img src=x onerror=alert(1)&amp;gt;' "$PAGE"; then ok "the hostile string in the source is escaped"; else not_ok "the hostile string in the source is escaped"; fi
# every finding carries its confidence as a badge, as recorded
nconf=$(grep -o '<span class="conf conf-\(high\|medium\|low\)" title="confidence">\(high\|medium\|low\)</span>' "$PAGE" | wc -l | tr -d ' ')
if [ "$nconf" = "$cards" ] && [ "$(q "SELECT count(*) FROM findings WHERE run_id = 2 AND confidence IS NULL")" = 0 ]; then
  ok "a confidence badge on each of the $cards findings, recorded with them"; else not_ok "confidence badges: $nconf of $cards"; fi
if [ "$(grep -c '<script' "$PAGE")" = 1 ]; then ok "one script element, the page's own"; else not_ok "one script element"; fi
expect "report of run 1" 0 "$RL" report --db "$DB" --run 1 -o "$TMP/report1"
if [ "$(grep -c '<details class="finding' "$TMP/report1/index.html")" = "$(q 'SELECT count(*) FROM findings WHERE run_id = 1')" ]; then
  ok "run 1's page lists run 1's findings"; else not_ok "run 1's page lists run 1's findings"; fi
contains "run 1 has no previous run" "$TMP/report1/index.html" "new (no previous run)"
# The sources are gone: the page shows the code stored with the run.
mkdir -p "$TMP/moved" && mv "$TMP/kv"/*.c "$TMP/moved/"
expect "report without the sources" 0 "$RL" report --db "$DB" -o "$TMP/report-nosrc"
contains "without the sources, the run's code is shown" "$TMP/report-nosrc/index.html" "racy: counted outside the lock"
mv "$TMP/moved"/*.c "$TMP/kv/"
# The excerpts are stored once whatever the number of runs showing them.
dup=$(q "SELECT count(*) FROM (SELECT text FROM snippets GROUP BY text HAVING count(*) > 1)")
shared=$(q "SELECT count(*) FROM run_snippets AS a JOIN run_snippets AS b ON a.hash = b.hash AND a.run_id = 1 AND b.run_id = 2")
if [ "$dup" = 0 ] && [ "$shared" -ge 1 ]; then ok "excerpts deduplicated: $shared shared by runs 1 and 2, no text twice"; else
  not_ok "excerpts deduplicated ($dup texts twice, $shared shared)"; fi
# The files change after the runs: 7 lines more at the top of every file.
# Run 1's page still shows run 1's code at run 1's lines.
for f in "$TMP/kv"/*.c; do
  { printf '/* INSERTED AFTER THE RUNS */\n'; printf '\n%.0s' 1 2 3 4 5 6; cat "$f"; } >"$f.new" && mv "$f.new" "$f"
done
hits_k=$(q "SELECT k FROM (SELECT row_number() OVER (ORDER BY id) AS k, location FROM findings WHERE run_id = 1) WHERE location LIKE '%hits' LIMIT 1")
hits_line=$(q "SELECT line FROM findings WHERE run_id = 1 AND location LIKE '%hits' LIMIT 1")
expect "report of run 1 after the files changed" 0 "$RL" report --db "$DB" --run 1 -o "$TMP/report1-changed"
lacks "run 1's page lacks today's code" "$TMP/report1-changed/index.html" "INSERTED AFTER THE RUNS"
if grep -q "<span class=\"ln here\"><span class=\"no\">$hits_line</span>.*hits</mark>++" "$TMP/report1-changed/index.html"; then
  ok "run 1's page: line $hits_line is run 1's access to hits"; else not_ok "run 1's page shows run 1's code at line $hits_line"; fi
# A database from before source excerpts (schema 1): the page says so and
# shows no source rather than today's files at the old lines.
sqlite3 "$TMP/old.db" <"$SRC/tests/history/v1.sql"
expect "report of a run recorded without excerpts" 0 "$RL" report --db "$TMP/old.db" -o "$TMP/report-old"
contains "old run: the page says it has no excerpts" "$TMP/report-old/index.html" 'id="no-excerpts"'
lacks "old run: no source shown" "$TMP/report-old/index.html" '<pre class="src">'

# Errors.
expect "report without -o is a usage error" 2 "$RL" report --db "$DB"
expect "report of a missing run" 2 "$RL" report --db "$DB" --run 99 -o "$TMP/r99"
contains "missing run is named" "$TMP/err" "99"
expect "report without a database" 2 "$RL" report --db "$TMP/none.db" -o "$TMP/r"
: >"$TMP/afile"
expect "report into a file, not a folder" 2 "$RL" report --db "$DB" -o "$TMP/afile"

# ---- in a real browser
CHROME=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then CHROME=$c; break; fi
done
if [ -z "$CHROME" ]; then
  skip "no chromium (install Debian's chromium for the browser checks)"
  summary html
  exit $?
fi
# browse OUT_DOM URL [extra flags]: the DOM after the page's script ran;
# the browser's log (console messages included) goes to OUT_DOM.log. A
# headless Chromium under load (the ASan suite runs two tests at once)
# now and then dumps an empty DOM or one from before the script ran: the
# page is loaded again, at most three times, until the script's mark
# (data-ready="1") is in the dump. The checks read that dump as before.
browse() {
  out=$1; url=$2; shift 2
  for attempt in 1 2 3; do
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$TMP/chrome" \
      --enable-logging=stderr --v=0 "$@" --dump-dom "$url" >"$out" 2>"$out.log"
    if grep -q 'data-ready="1"' "$out"; then return 0; fi
    echo "    (chromium: no rendered page on attempt $attempt; loading again)" >&2
  done
}
URL="file://$PAGE"
# finding_tags FILE: the opening tag of each finding, without its
# data-body (the markup the script inserts when it is opened), as written
# (single-quoted) or as Chromium serialises it (double-quoted).
finding_tags() {
  tr '\n' ' ' <"$1" | sed -e "s/ data-body='[^']*'//g" -e 's/ data-body="[^"]*"//g' | grep -o '<details class="finding[^>]*>'
}
browse "$TMP/dom.html" "$URL"
if grep -q 'data-ready="1"' "$TMP/dom.html"; then ok "chromium: the page's script ran"; else not_ok "chromium: the page's script ran"; fi
if grep -q ':CONSOLE' "$TMP/dom.html.log"; then
  not_ok "chromium: console messages"
  grep ':CONSOLE' "$TMP/dom.html.log" | head -5 | sed 's/^/    /'
else
  ok "chromium: no console errors"
fi
dom_cards=$(grep -o '<details class="finding' "$TMP/dom.html" | wc -l)
if [ "$dom_cards" = "$n2" ]; then ok "chromium: $n2 findings rendered, as in the database"; else not_ok "chromium: $dom_cards findings rendered, $n2 in the database"; fi
if grep -q "<strong id=\"shown\">$n2</strong>" "$TMP/dom.html"; then ok "chromium: 'showing $n2'"; else not_ok "chromium: shown count"; fi
if ! grep -q '<img' "$TMP/dom.html"; then ok "chromium: no injected element"; else not_ok "chromium: an <img> got into the DOM"; fi
browse "$TMP/dom-new.html" "$URL#status=new"
shown_new=$(sed -n 's/.*<strong id="shown">\([0-9]*\)<.*/\1/p' "$TMP/dom-new.html")
visible=$(finding_tags "$TMP/dom-new.html" | grep -vc ' hidden')
if [ "$shown_new" = "$new2" ] && [ "$visible" = "$new2" ]; then ok "chromium: #status=new shows the $new2 new findings"; else
  not_ok "chromium: #status=new shows $shown_new ($visible visible), want $new2"; fi
evil_file=$(grep -o 'data-file="log[^"]*"' "$TMP/dom.html" | head -1)
browse "$TMP/dom-file.html" "$URL#file=$(printf '%s' "$EVIL" | jq -sRr @uri)"
shown_file=$(sed -n 's/.*<strong id="shown">\([0-9]*\)<.*/\1/p' "$TMP/dom-file.html")
want_file=$(q "SELECT count(*) FROM findings WHERE run_id = 2 AND file LIKE '%onerror%'")
if [ "$shown_file" = "$want_file" ] && [ -n "$evil_file" ]; then ok "chromium: filter by the markup-named file ($want_file)"; else
  not_ok "chromium: filter by file shows '$shown_file', want $want_file"; fi

# Screenshots: the first new finding opened (two threads side by side), and
# the finding in the markup-named file.
first_new=$(q "SELECT k FROM (SELECT row_number() OVER (ORDER BY id) AS k, fingerprint FROM findings WHERE run_id = 2)
               WHERE fingerprint NOT IN (SELECT fingerprint FROM findings WHERE run_id = 1) LIMIT 1")
evil_k=$(q "SELECT k FROM (SELECT row_number() OVER (ORDER BY id) AS k, file FROM findings WHERE run_id = 2) WHERE file LIKE '%onerror%' LIMIT 1")
# The hostile finding opened: its body inserted from data-body, as text.
browse "$TMP/dom-evil.html" "$URL#f$evil_k"
if grep -q '&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;' "$TMP/dom-evil.html" && ! grep -q '<img' "$TMP/dom-evil.html"; then
  ok "chromium: the opened finding shows the hostile source as text"; else not_ok "chromium: the opened finding shows the hostile source as text"; fi
if ! grep -q ':CONSOLE' "$TMP/dom-evil.html.log"; then ok "chromium: no console errors with a finding opened"; else not_ok "chromium: console messages with a finding opened"; fi
# Run 1's page after the files changed, in the browser.
browse "$TMP/dom-old.html" "file://$TMP/report1-changed/index.html#f$hits_k"
if grep -q "<span class=\"ln here\"><span class=\"no\">$hits_line</span>.*hits</mark>++" "$TMP/dom-old.html" && ! grep -q 'INSERTED AFTER' "$TMP/dom-old.html"; then
  ok "chromium: run 1's finding shows run 1's line $hits_line"; else not_ok "chromium: run 1's finding shows run 1's code"; fi

for shot in "report.png f$first_new" "report-escaping.png f$evil_k"; do
  set -- $shot
  rm -f "$SHOTS/$1"
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$TMP/chrome" \
    --hide-scrollbars --window-size=1400,1400 --screenshot="$SHOTS/$1" "$URL#$2" >/dev/null 2>&1
  size=$(wc -c <"$SHOTS/$1" 2>/dev/null || echo 0)
  if [ "$size" -gt 20000 ]; then ok "chromium: screenshot $SHOTS/$1 ($size bytes)"; else not_ok "chromium: screenshot $1 ($size bytes)"; fi
done

. "$SRC/tests/html/large.sh"

summary html
