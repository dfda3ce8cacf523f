#!/bin/sh
# What a check reports, end to end: rules chosen with --checks and checks:
# (globs, -GLOB removes), paths left out with --exclude and exclude:, the
# config nearest each file (as .clang-tidy is found), --min-confidence,
# suppressed findings counted but not printed (--show-suppressed lists
# them), NOLINT(racelint-RULE) / NOLINTNEXTLINE, and suppression comments
# that name no rule or suppress nothing reported as notices; fix hints
# only for a lock that belongs with the location.
# usage: select.sh PATH/TO/racelint SOURCE_DIR
set -u
RL=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$SRC/tests/lib.sh"
cd "$TMP" || exit 1
# count_findings FILE RULE: warnings or errors of RULE in a text report
count_findings() { grep -c "\[$2\]" "$1"; }

# A program with a race on `hits` (in app/), a lock leak (in app/) and a
# race on `vendored` whose sites are all in vendor/.
mkdir -p proj/app proj/vendor
cat >proj/vendor/lib.c <<'C'
long vendored;
void vendor_bump(void) { vendored++; }
C
cat >proj/app/main.c <<'C'
#include <pthread.h>
long hits;
void vendor_bump(void);
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int leak(int x)
{
    pthread_mutex_lock(&m);
    if (x) return 1;
    pthread_mutex_unlock(&m);
    return 0;
}
static void *work(void *arg)
{
    hits++;
    vendor_bump();
    (void)leak(0);
    return arg;
}
int main(void)
{
    pthread_t a, b;
    pthread_create(&a, 0, work, 0);
    pthread_create(&b, 0, work, 0);
    pthread_join(a, 0);
    pthread_join(b, 0);
    return 0;
}
C
expect "everything: the two races and the leak" 1 "$RL" check --no-db proj
equals "two races, one lock leak" "$(count_findings "$TMP/out" race):$(count_findings "$TMP/out" lock-leak)" "2:1"

echo "# --checks"
expect "--checks=-race: only the leak" 1 "$RL" check --no-db --checks=-race proj
equals "no race, the leak" "$(count_findings "$TMP/out" race):$(count_findings "$TMP/out" lock-leak)" "0:1"
contains "the summary says what was left out" "$TMP/err" "2 left out by the checks selected"
expect "--checks '-*,race': only races" 1 "$RL" check --no-db --checks '-*,race' proj
equals "races, no leak" "$(count_findings "$TMP/out" race):$(count_findings "$TMP/out" lock-leak)" "2:0"
expect "--checks 'race,-lock-*' (globs)" 1 "$RL" check --no-db --checks 'race,-lock-*' proj
equals "globs remove the leak" "$(count_findings "$TMP/out" lock-leak)" 0
expect "--checks given twice, in order" 1 "$RL" check --no-db --checks '-*' --checks lock-leak proj
equals "the later list wins" "$(count_findings "$TMP/out" race):$(count_findings "$TMP/out" lock-leak)" "0:1"
expect "--checks '-*': nothing reported, exit 0" 0 "$RL" check --no-db --checks '-*' proj
expect "a pattern that names no rule" 2 "$RL" check --no-db --checks 'rcae' proj
contains "is an error naming it and the rules" "$TMP/err" "'rcae' names no rule (the rules: race, "

echo "# --exclude"
expect "--exclude 'vendor/*'" 1 "$RL" check --no-db --exclude 'vendor/*' proj
equals "the race located only in vendor/ is not reported" "$(grep -c "warning: data race on 'vendored'" "$TMP/out")" 0
contains "the race in app/ still is" "$TMP/out" "warning: data race on 'hits'"
contains "the summary counts it" "$TMP/err" "1 located only in excluded files"
expect "--exclude matches the end of a path" 1 "$RL" check --no-db --exclude 'lib.c' proj
equals "by base name too" "$(grep -c "'vendored'" "$TMP/out")" 0

echo "# checks: and exclude: in .racelint.yaml, the nearest to each file"
mkdir -p repo && cp -R proj repo/ && mkdir repo/.git
printf 'checks: "-lock-leak"\nexclude:\n  - "vendor/*"\n' >repo/.racelint.yaml
(cd repo && "$RL" check --no-db proj >"$TMP/out" 2>"$TMP/err")
equals "the project config: no leak, no vendor race" "$(count_findings "$TMP/out" race):$(count_findings "$TMP/out" lock-leak)" "1:0"
(cd repo && "$RL" check --no-db --checks lock-leak proj >"$TMP/out" 2>"$TMP/err")
equals "--checks comes after checks: and wins" "$(count_findings "$TMP/out" lock-leak)" 1
printf 'checks: "-*,lock-leak"\n' >repo/proj/app/.racelint.yaml
(cd repo && "$RL" check --no-db proj >"$TMP/out" 2>"$TMP/err")
equals "the config nearest app/main.c governs its findings" \
  "$(grep -c "warning: data race on 'hits'" "$TMP/out"):$(count_findings "$TMP/out" lock-leak)" "0:1"
printf 'checks: [race, "-nosuchrule"]\n' >repo/proj/app/.racelint.yaml
(cd repo && "$RL" check --no-db proj >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc")
equals "a config naming no rule: exit 2" "$(cat "$TMP/rc")" 2
contains "naming the config and the pattern" "$TMP/err" "app/.racelint.yaml: '-nosuchrule' names no rule"
printf 'checks: {race: yes}\n' >repo/proj/app/.racelint.yaml
(cd repo && "$RL" check --no-db proj >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc")
equals "checks: of the wrong shape: exit 2" "$(cat "$TMP/rc")" 2
contains "said with the line" "$TMP/err" "app/.racelint.yaml:1: 'checks:' wants a string or a list of strings"
rm repo/proj/app/.racelint.yaml

echo "# --min-confidence"
# buf[] is an array (medium confidence); seen is one object (high)
cat >conf.c <<'C'
#include <pthread.h>
long seen;
int buf[8];
int hits_index(void);
static void *work(void *arg)
{
    buf[hits_index()] = 1;
    seen++;
    return arg;
}
int main(void)
{
    pthread_t t[2];
    for (long i = 0; i < 2; i++) pthread_create(&t[i], 0, work, 0);
    for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
    return 0;
}
C
expect "text shows high and medium by default" 1 "$RL" check --no-db conf.c
contains "the medium one says so" "$TMP/out" "data race on 'buf\[\]' \[race\] (medium confidence)"
expect "--min-confidence high" 1 "$RL" check --no-db --min-confidence high conf.c
equals "only the high one" "$(count_findings "$TMP/out" race)" 1
contains "and the summary counts the other" "$TMP/err" "1 below --min-confidence high, not shown"
expect "--min-confidence high in JSON" 1 "$RL" check --no-db --min-confidence high --format json conf.c
equals "JSON leaves it out too" "$(jq '[.findings[] | .confidence] | join(",")' "$TMP/out")" '"high"'
expect "JSON has every confidence by default" 1 "$RL" check --no-db --format json conf.c
equals "high and medium" "$(jq -c '[.findings[] | .confidence]' "$TMP/out")" '["high","medium"]'
expect "a bad --min-confidence" 2 "$RL" check --no-db --min-confidence sure conf.c
contains "is named" "$TMP/err" "--min-confidence wants high, medium or low, not 'sure'"
sed -i 's/^    seen++;/    seen++; \/\/ racelint: ignore[race] a statistic/' conf.c
expect "only a medium finding left, below --min-confidence high: exit 0" 0 "$RL" check --no-db --min-confidence high conf.c

echo "# objects known only by their type, on both sides: low confidence"
# Each worker gets its job from a function without a body: the two sides
# may touch one job or two, nothing traced says which (rules/race.md).
cat >bytype.c <<'C'
#include <pthread.h>
struct job { int done; };
struct job *next_job(void);
static void *work(void *arg)
{
    struct job *j = next_job();
    j->done++;
    return arg;
}
int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, work, 0);
    for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
    return 0;
}
C
expect "not shown in text by default" 0 "$RL" check --no-db bytype.c
contains "but counted" "$TMP/err" "1 below --min-confidence medium, not shown"
expect "--min-confidence low shows it" 1 "$RL" check --no-db --min-confidence low bytype.c
contains "as low confidence" "$TMP/out" "data race on 'j->done' \\[race\\] (low confidence)"

echo "# a lock through a pointer not followed to one object: a summary"
# Each slot thread locks its slot's pool, stored twice (pool_a, pool_b):
# "s->pool->lock" may be main's pool_a.lock, so the pair whose sides hold
# those two is low, not medium. (s->pool, written by main before each
# start, is high: the slots of one allocation site are one name.)
cat >slotlock.c <<'C'
#include <pthread.h>
#include <stdlib.h>
struct node { struct node *next; };
struct list { struct node *head; };
struct pool { pthread_mutex_t lock; struct list slots; };
struct slot { struct pool *pool; struct node node; };
static struct pool pool_a = { PTHREAD_MUTEX_INITIALIZER }, pool_b = { PTHREAD_MUTEX_INITIALIZER };
static void list_add(struct list *l, struct node *n)
{
    n->next = l->head;
    l->head = n;
}
static void *slot_run(void *arg)
{
    struct slot *s = arg;
    struct pool *p = s->pool;
    pthread_mutex_lock(&p->lock);
    struct node *next = s->node.next;
    pthread_mutex_unlock(&p->lock);
    return next;
}
static void slot_start(struct pool *p)
{
    struct slot *s = calloc(1, sizeof *s);
    pthread_t t;
    s->pool = p;
    pthread_create(&t, 0, slot_run, s);
    list_add(&p->slots, &s->node);
}
static void pool_signal(struct pool *p)
{
    pthread_mutex_lock(&p->lock);
    slot_start(p);
    pthread_mutex_unlock(&p->lock);
}
int main(void)
{
    pool_signal(&pool_a);
    pool_signal(&pool_b);
    return 0;
}
C
expect "two findings" 1 "$RL" check --no-db --format json slotlock.c
equals "the slot's list link is low" "$(jq -r '.findings[] | select(.location | endswith(".node.next")) | .confidence' "$TMP/out")" low

echo "# a lock by type held by every caller, by two paths"
# add_spare holds the lock of a pool racelint cannot trace, reached by two
# paths: list_add's context, shared by both calls, still holds a lock.
cat >meetlock.c <<'C'
#include <pthread.h>
struct node { struct node *next; };
struct list { struct node *head; };
struct pool { pthread_mutex_t lock; struct list slots; };
struct queue { struct pool *pool; };
struct multi { struct queue *queue; };
struct multi *multi_of(int id);
struct queue *queue_of(int id);
struct pool *pool_of(int id);
static struct node spare;
static void list_add(struct list *l, struct node *n)
{
    n->next = l->head;
    l->head = n;
}
static void add_spare(struct pool *p)
{
    pthread_mutex_lock(&p->lock);
    list_add(&p->slots, &spare);
    pthread_mutex_unlock(&p->lock);
}
static void *worker(void *arg)
{
    struct pool *p = pool_of(0);
    pthread_mutex_lock(&p->lock);
    struct node *next = spare.next;
    pthread_mutex_unlock(&p->lock);
    return next ? arg : 0;
}
int main(void)
{
    pthread_t t;
    pthread_create(&t, 0, worker, 0);
    add_spare(multi_of(1)->queue->pool);
    add_spare(queue_of(2)->pool);
    pthread_join(t, 0);
    return 0;
}
C
expect "one finding" 1 "$RL" check --no-db --format json meetlock.c
equals "main holds a lock by type there" "$(jq -r '.findings[0].events[] | select(.thread == "main") | .locks | length' "$TMP/out")" 1
equals "low: the two locks may be one" "$(jq -r '.findings[0].confidence' "$TMP/out")" low

echo "# the most convincing pair first"
# t1 and t2 hold different locks (a doubt); t3 holds none: the pairs with
# t3 are the most convincing, and give the finding its confidence.
cat >pairs.c <<'C'
#include <pthread.h>
long shared_x;
static pthread_mutex_t la = PTHREAD_MUTEX_INITIALIZER, lb = PTHREAD_MUTEX_INITIALIZER;
static void *t1(void *p) { pthread_mutex_lock(&la); shared_x++; pthread_mutex_unlock(&la); return p; }
static void *t2(void *p) { pthread_mutex_lock(&lb); shared_x++; pthread_mutex_unlock(&lb); return p; }
static void *t3(void *p) { shared_x = 0; return p; }
int main(void)
{
    pthread_t a, b, c;
    pthread_create(&a, 0, t1, 0);
    pthread_create(&b, 0, t2, 0);
    pthread_create(&c, 0, t3, 0);
    pthread_join(a, 0);
    pthread_join(b, 0);
    pthread_join(c, 0);
    return 0;
}
C
expect "three sites, three racing pairs" 1 "$RL" check --no-db --format json pairs.c
equals "one finding, high confidence" "$(jq -r '"\(.findings | length),\(.findings[0].confidence)"' "$TMP/out")" "1,high"
equals "the first pair has t3's lock-free write" "$(jq -r '.findings[0] | [.events[.pairs[0][0]].function, .events[.pairs[0][1]].function] | index("t3") != null' "$TMP/out")" true
equals "the pair of different locks comes last" "$(jq -r '.findings[0] | .pairs[-1] as $p | [.events[$p[0]].function, .events[$p[1]].function] | sort | join(",")' "$TMP/out")" "t1,t2"

echo "# suppressed findings"
expect "a suppressed finding is not printed" 1 "$RL" check --no-db conf.c
lacks "no warning for it" "$TMP/out" "'seen'"
contains "the summary counts it" "$TMP/err" "1 suppressed (not shown; --show-suppressed lists them)"
expect "--show-suppressed" 1 "$RL" check --no-db --show-suppressed conf.c
contains "lists it, marked" "$TMP/out" "data race on 'seen' \[race\] (suppressed: a statistic (comment at conf.c:$(grep -n 'seen++' conf.c | cut -d: -f1)))"
expect "JSON keeps it, marked" 1 "$RL" check --no-db --format json conf.c
equals "suppressed in JSON" "$(jq '[.findings[] | select(.suppressed)] | length' "$TMP/out")" 1

echo "# NOLINT"
sed -i 's|// racelint: ignore\[race\] a statistic|// NOLINT(racelint-race)|' conf.c
expect "NOLINT(racelint-race) on the line" 1 "$RL" check --no-db --format json conf.c
equals "suppresses" "$(jq '[.findings[] | select(.suppressed and .location == "seen")] | length' "$TMP/out")" 1
sed -i 's|    seen++; // NOLINT(racelint-race)|    // NOLINTNEXTLINE(bugprone-foo, racelint-*)\n    seen++;|' conf.c
expect "NOLINTNEXTLINE(..., racelint-*) on the line before" 1 "$RL" check --no-db --format json conf.c
equals "suppresses" "$(jq '[.findings[] | select(.suppressed and .location == "seen")] | length' "$TMP/out")" 1
sed -i 's|// NOLINTNEXTLINE(bugprone-foo, racelint-\*)|// NOLINTNEXTLINE(bugprone-foo)|' conf.c
expect "a NOLINT of another tool only" 1 "$RL" check --no-db --format json conf.c
equals "is not racelint's" "$(jq '[.findings[] | select(.suppressed)] | length' "$TMP/out")" 0
sed -i 's|    // NOLINTNEXTLINE(bugprone-foo)|    // NOLINTNEXTLINE(racelint-race)|' conf.c

echo "# suppression comments that name no rule, or suppress nothing"
sed -i 's|^    buf\[hits_index()\] = 1;|    buf[hits_index()] = 1; // racelint: ignore[rcae] typo|' conf.c
printf '/* racelint: ignore[race] nothing races here */\nint quiet(void) { return 0; }\n' >>conf.c
TYPO=$(grep -n 'ignore\[rcae\]' conf.c | cut -d: -f1)
STALE=$(grep -n 'nothing races here' conf.c | cut -d: -f1)
USED=$(grep -n 'NOLINTNEXTLINE(racelint-race)' conf.c | cut -d: -f1)
expect "check with a typo and a stale comment" 1 "$RL" check --db "$TMP/n.db" --format json conf.c
contains "the unknown rule is a notice" "$TMP/err" "conf.c:$TYPO: the suppression comment names 'rcae', which is no rule of racelint \[suppression-unknown-rule\]"
contains "the stale comment is a notice" "$TMP/err" "conf.c:$STALE: the suppression comment suppresses no finding of this run \[suppression-unused\]"
lacks "a comment that suppresses is not" "$TMP/err" "conf.c:$USED: the suppression"
equals "in the JSON report" "$(jq -c '[.run.notices[] | .code] | sort' "$TMP/out")" '["suppression-unknown-rule","suppression-unused"]'
equals "and in the database" "$(sqlite3 "$TMP/n.db" "SELECT group_concat(code, ',') FROM (SELECT code FROM notices ORDER BY code)")" "suppression-unknown-rule,suppression-unused"

echo "# fix hints name only a lock that belongs with the location"
# conn.c accesses c->rbuf at three places; worker.c holds its hang_lock
# around two of them (held for the whole worker loop), monitor() at the
# third holds nothing. hang_lock covers most places but is another
# module's: no hint. The same lock taken in conn.c belongs: a hint.
mkdir -p hint
cat >hint/conn.c <<'C'
struct conn { long rbuf; };
struct conn the_conn;
void handle(struct conn *c) { c->rbuf++; c->rbuf *= 2; }
void *monitor(void *arg) { the_conn.rbuf = 0; return arg; }
C
cat >hint/worker.c <<'C'
#include <pthread.h>
struct conn;
extern struct conn the_conn;
void handle(struct conn *c);
void *monitor(void *arg);
static pthread_mutex_t hang_lock = PTHREAD_MUTEX_INITIALIZER;
static void *worker(void *arg)
{
    pthread_mutex_lock(&hang_lock);
    handle(&the_conn);
    pthread_mutex_unlock(&hang_lock);
    return arg;
}
int main(void)
{
    pthread_t t[3];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, worker, 0);
    pthread_create(&t[2], 0, monitor, 0);
    for (int i = 0; i < 3; i++) pthread_join(t[i], 0);
    return 0;
}
C
expect "a lock of another module" 1 "$RL" check --no-db hint
contains "the race is reported" "$TMP/out" "warning: data race on 'c->rbuf'"
lacks "with no hint naming hang_lock" "$TMP/out" "hint:"
expect "racelint guards still sees it as the most held lock" 0 "$RL" guards hint --format csv
contains "guards" "$TMP/out" "the_conn.rbuf,hang_lock,2,3"
# the same lock, taken in the module of the data
sed -i 's|^void \*monitor|#include <pthread.h>\npthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;\nvoid locked_handle(struct conn *c) { pthread_mutex_lock(\&conn_lock); handle(c); pthread_mutex_unlock(\&conn_lock); }\nvoid *monitor|' hint/conn.c
sed -i -e 's|    pthread_mutex_lock(&hang_lock);||' -e 's|    pthread_mutex_unlock(&hang_lock);||' -e 's|    handle(&the_conn);|    locked_handle(\&the_conn);|' -e 's|^void handle(struct conn \*c);|void locked_handle(struct conn *c);|' hint/worker.c
expect "a lock of the data's own module" 1 "$RL" check --no-db hint
contains "gets the hint, with the counts" "$TMP/out" "hint: 'the_conn.rbuf' is accessed holding 'conn_lock' at 2 of 3 places; take it at line 7"

echo "# one of several objects a pointer may hold"
# Each thread works on the cached connection or on the spare one (a
# choice of two objects): its accesses through c are to each. A pair of
# two such sides may be two different objects (two doubts: low); a side
# naming the cached connection against one through the choice is medium;
# two sides naming it are high.
cat >choice.c <<'C'
#include <pthread.h>
struct conn { long reads; long writes; long state; };
static struct conn cached, spare;
static void *reader(void *arg)
{
    struct conn *c = arg ? &spare : &cached;
    c->reads++;
    c->writes++;
    cached.state = 1;
    return NULL;
}
static void *writer(void *arg)
{
    struct conn *c = arg ? &spare : &cached;
    c->reads++;
    cached.writes++;
    cached.state = 2;
    return NULL;
}
int main(void)
{
    pthread_t a, b;
    pthread_create(&a, 0, reader, 0);
    pthread_create(&b, 0, writer, 0);
    return 0;
}
C
expect "races through a choice" 1 "$RL" check --no-db --format json choice.c
equals "both sides through the choice: low" "$(jq -r '.findings[] | select(.location == "cached.reads") | .confidence' "$TMP/out")" low
equals "one side through it: medium" "$(jq -r '.findings[] | select(.location == "cached.writes") | .confidence' "$TMP/out")" medium
equals "both sides by name: high" "$(jq -r '.findings[] | select(.location == "cached.state") | .confidence' "$TMP/out")" high

# Many pairs at one location: past RL_MAX_PAIRS confirmed pairs, a pair of
# two sites already racing is confirmed only while it may still be among
# the most convincing. Its doubts are its own: the choice doubt of one
# pair (c->count) is not every pair's of the same two threads, so the two
# pairs naming `cached` on both sides (lines 18 against 24 and 25) are
# both kept (the doubts of the first pair met were taken for all of them).
cat >many.c <<'C'
#include <pthread.h>
struct conn { long count; };
static struct conn cached, spare;
static void *reader(void *arg)
{
    struct conn *c = arg ? &spare : &cached;
    c->count++;
    c->count++;
    c->count++;
    c->count++;
    c->count++;
    c->count++;
    c->count++;
    c->count++;
    c->count++;
    c->count++;
    c->count++;
    cached.count++;
    return NULL;
}
static void *writer(void *arg)
{
    (void)arg;
    cached.count = 2;
    cached.count = 3;
    return NULL;
}
int main(void)
{
    pthread_t a, b;
    pthread_create(&a, 0, reader, 0);
    pthread_create(&b, 0, writer, 0);
    return 0;
}
C
expect "many pairs through a choice" 1 "$RL" check --no-db --format json many.c
equals "both pairs by name kept" "$(jq '.findings[0] as $f | [$f.pairs[] | select($f.events[.[0]].line >= 18 and $f.events[.[1]].line >= 18)] | length' "$TMP/out")" 2

summary select
