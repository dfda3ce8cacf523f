#!/bin/sh
# Rule options end to end: race.volatile and race.free from the project
# config's check_options: and from --check-option (which wins), refused
# with a message naming the file and line or the option when wrong,
# recorded with the run (JSON run.options, SARIF configuration overrides
# and rule parameters, the database's runs.options, racelint runs), the
# whole-program results never reused across options, and a folder's own
# config with check_options: named in a warning (they are the run's).
# usage: check_options.sh PATH/TO/racelint SOURCE_DIR
set -u
RL=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$SRC/tests/lib.sh"
cd "$TMP" || exit 1
# races FILE: the locations of the race findings of a text report, sorted
races() { sed -n "s/.*warning: data race on '\([^']*\)'.*/\1/p" "$1" | sort | tr '\n' ' '; }

# A volatile stop flag, a plain counter and a session freed while its
# worker may still use it: three races by default.
mkdir -p proj/sub
cat >proj/main.c <<'C'
#include <pthread.h>
#include <stdlib.h>
struct session { int hits; };
static volatile int stop;
static long served;
static void *work(void *arg)
{
    struct session *s = arg;
    while (!stop) served++;
    s->hits++;
    return NULL;
}
int main(void)
{
    pthread_t a, b;
    struct session *s = malloc(sizeof *s);
    if (!s) return 1;
    pthread_create(&a, 0, work, s);
    pthread_create(&b, 0, work, s);
    stop = 1;
    free(s);
    pthread_join(a, 0);
    pthread_join(b, 0);
    return 0;
}
C
ALL="s->hits served stop "

echo "# --check-option"
expect "default: the three races" 1 "$RL" check --no-db proj/main.c --
equals "volatile, plain and free races" "$(races "$TMP/out")" "$ALL"
expect "race.volatile=ignore" 1 "$RL" check --no-db --check-option race.volatile=ignore proj/main.c --
equals "the volatile flag is not reported, the rest is" "$(races "$TMP/out")" "s->hits served "
expect "race.free=ignore" 1 "$RL" check --no-db --check-option=race.free=ignore proj/main.c --
equals "the free is not reported; the workers' own race on s->hits is" "$(races "$TMP/out")" "$ALL"
lacks "no event at the free" "$TMP/out" "main.c:21:"
expect "both" 1 "$RL" check --no-db --check-option race.free=ignore --check-option race.volatile=ignore proj/main.c --
equals "only the plain counter and the workers' own race" "$(races "$TMP/out")" "s->hits served "
expect "the last of one option wins" 1 "$RL" check --no-db --check-option race.volatile=ignore --check-option race.volatile=report proj/main.c --
equals "volatile reported again" "$(races "$TMP/out")" "$ALL"
expect "a bad value" 2 "$RL" check --no-db --check-option race.volatile=maybe proj/main.c --
contains "names the option and the values" "$TMP/err" "--check-option: option 'race.volatile' takes 'report' or 'ignore', not 'maybe'"
expect "an unknown option" 2 "$RL" check --no-db --check-option race.fre=ignore proj/main.c --
contains "lists the options" "$TMP/err" "unknown option 'race.fre' (the options: race.volatile, race.free)"
expect "not NAME=VALUE" 2 "$RL" check --no-db --check-option volatile proj/main.c --
contains "says what is wanted" "$TMP/err" "'volatile' is not NAME=VALUE"
expect "only check takes it" 2 "$RL" guards --check-option race.volatile=ignore proj/main.c --
contains "named" "$TMP/err" "option '--check-option' does not apply to 'guards'"

echo "# check_options: of the project config"
cat >proj/.racelint.yaml <<'Y'
check_options:
  race.volatile: ignore
Y
(cd proj && "$RL" check --no-db -v main.c -- >"$TMP/out" 2>"$TMP/err")
equals "the config's option is used" "$(races "$TMP/out")" "s->hits served "
contains "-v names it" "$TMP/err" "racelint: check options: race.volatile=ignore"
(cd proj && "$RL" check --no-db --check-option race.volatile=report main.c -- >"$TMP/out" 2>"$TMP/err")
equals "--check-option wins over the config" "$(races "$TMP/out")" "$ALL"
expect "--config FILE too" 1 "$RL" check --no-db --config proj/.racelint.yaml proj/main.c --
equals "the option of --config" "$(races "$TMP/out")" "s->hits served "
printf 'checks: race\ncheck_options:\n  race.free: never\n' >"$TMP/bad.yaml"
expect "a bad value in the config" 2 "$RL" check --no-db --config "$TMP/bad.yaml" proj/main.c --
contains "names the file and line" "$TMP/err" "bad.yaml:3: option 'race.free' takes 'report' or 'ignore', not 'never'"
printf 'check_options: [race.free]\n' >"$TMP/bad.yaml"
expect "check_options: not a mapping" 2 "$RL" check --no-db --config "$TMP/bad.yaml" proj/main.c --
contains "says what is wanted" "$TMP/err" "bad.yaml:1: 'check_options:' wants a mapping of NAME: VALUE"
rm proj/.racelint.yaml
printf 'check_options:\n  race.free: ignore\n' >proj/sub/.racelint.yaml
cp proj/main.c proj/sub/main.c
expect "a folder's config with check_options:" 1 "$RL" check --no-db proj/sub/main.c --
equals "its options are not used" "$(races "$TMP/out")" "$ALL"
contains "and a warning says so" "$TMP/err" "sub/.racelint.yaml: its check_options: are not used: rule options apply to the whole run"
rm -r proj/sub

echo "# recorded with the run"
expect "JSON" 1 "$RL" check --no-db --format json --check-option race.free=ignore proj/main.c --
if jq -e '.run.options == {"race.volatile": "report", "race.free": "ignore"}' "$TMP/out" >/dev/null 2>&1; then
  ok "run.options holds every option"; else not_ok "run.options holds every option"; fi
if jq -e '[.findings[].events[] | select(.line == 21)] | length == 0' "$TMP/out" >/dev/null 2>&1; then
  ok "no event at the free"; else not_ok "no event at the free"; fi
expect "SARIF" 1 "$RL" check --no-db --format sarif --check-option race.volatile=ignore proj/main.c --
if jq -e '.runs[0].invocations[0].ruleConfigurationOverrides == [{"descriptor": {"id": "race", "index": 0}, "configuration": {"parameters": {"volatile": "ignore"}}}]' "$TMP/out" >/dev/null 2>&1; then
  ok "an override of race's volatile parameter"; else not_ok "an override of race's volatile parameter"; fi
if jq -e '.runs[0].tool.driver.rules[0].defaultConfiguration.parameters == {"volatile": "report", "free": "report"}' "$TMP/out" >/dev/null 2>&1; then
  ok "race's parameters and their defaults"; else not_ok "race's parameters and their defaults"; fi
expect "SARIF with the defaults" 1 "$RL" check --no-db --format sarif proj/main.c --
if jq -e '.runs[0].invocations[0] | has("ruleConfigurationOverrides") | not' "$TMP/out" >/dev/null 2>&1; then
  ok "no override"; else not_ok "no override"; fi

echo "# the database, and the results cache"
DB=$TMP/r.db
expect "a recorded run" 1 "$RL" check --db "$DB" -q proj/main.c --
equals "the defaults" "$(races "$TMP/out")" "$ALL"
expect "the same inputs, another option" 1 "$RL" check --db "$DB" -q --check-option race.volatile=ignore proj/main.c --
equals "not the results of the first run" "$(races "$TMP/out")" "s->hits served "
expect "the defaults again" 1 "$RL" check --db "$DB" -q -v proj/main.c --
equals "the first run's findings" "$(races "$TMP/out")" "$ALL"
contains "(from the results cache)" "$TMP/err" "whole-program results reused"
expect "runs.options" 0 "$RL" sql --db "$DB" --format csv 'SELECT options FROM runs ORDER BY id'
equals "each run's options" "$(sed -n 3p "$TMP/out" | tr -d '\r')" '"{""race.volatile"": ""ignore"", ""race.free"": ""report""}"'
expect "racelint runs" 0 "$RL" runs --db "$DB" --format json
if jq -e '.[1].options == {"race.volatile": "ignore", "race.free": "report"}' "$TMP/out" >/dev/null 2>&1; then
  ok "runs shows the options as an object"; else not_ok "runs shows the options as an object"; fi
expect "findings of a recorded run" 1 "$RL" findings --db "$DB" --run 2 --format json --fail-on any
if jq -e '.run.options."race.volatile" == "ignore"' "$TMP/out" >/dev/null 2>&1; then
  ok "its report names them"; else not_ok "its report names them"; fi

summary check_options
