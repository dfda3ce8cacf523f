#!/bin/sh
# Extraction inside the build (docs/performance.md, "Facts files"): on a
# generated codebase of UNITS units (bench/gen.sh), with a ninja build of
# it (one compile per unit, one link), measures with wall-clock time:
#   build      a clean `ninja -j JOBS` with the plain compiler
#   launcher   the same build with `racelint cc` as the compiler launcher
#              (added = launcher - build: what extraction costs the build)
#   link       `racelint check -p --facts` alone (no parsing; -p gives the
#              database's unit order, hence byte-identical findings)
#   cold       a cold `racelint check -p` (no cache) at -j JOBS
#   shards     4 x `check -p --shard K/4 --facts-out`, one after the
#              other, then their link (the sum is the CPU a CI matrix pays)
# and checks that the link, the shards' link and the cold run report the
# same findings (fingerprints and positions, `--format json`), and that a
# link without -p (units in file-name order) finds the same fingerprints.
# usage: bench/facts.sh [-j N] [-r RACELINT] UNITS
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
JOBS=2
RL=
while [ $# -gt 1 ]; do
  case $1 in
    -j) JOBS=$2; shift 2 ;;
    -r) RL=$2; shift 2 ;;
    *) break ;;
  esac
done
UNITS=${1:?usage: bench/facts.sh [-j N] [-r RACELINT] UNITS}
RL=${RL:-$HERE/../build/racelint}
RL=$(cd "$(dirname "$RL")" && pwd)/$(basename "$RL")
command -v ninja >/dev/null || { echo "facts.sh: ninja is needed (apt-get install ninja-build)" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
sh "$HERE/gen.sh" "$UNITS" "$WORK/tree" >/dev/null
TREE=$WORK/tree

# build.ninja: each unit compiled in src/ exactly as compile_commands.json
# says (so the launcher's facts have the database's keys), then one link.
write_ninja() { # COMPILER_PREFIX OUT
  {
    printf 'rule cc\n  command = cd %s/src && %s cc -I%s/include -O2 -c $name -o $out\n' "$TREE" "$1" "$TREE"
    printf 'rule link\n  command = cc -pthread $in -o $out\n'
    objs=
    for f in "$TREE"/src/*.c; do
      n=$(basename "$f" .c)
      printf 'build %s/obj/%s.o: cc %s\n  name = %s.c\n' "$2" "$n" "$f" "$n"
      objs="$objs $2/obj/$n.o"
    done
    printf 'build %s/prog: link%s\n' "$2" "$objs"
  } >"$2/build.ninja"
}
# measure NAME CMD...: runs CMD under GNU time; $NAME_wall and $NAME_cpu
# (user + system, children included) in seconds.
measure() {
  name=$1; shift
  /usr/bin/time -f '%e %U %S' -o "$WORK/time" "$@" >/dev/null 2>&1 || true
  eval "${name}_wall=$(tail -n 1 "$WORK/time" | awk '{printf "%.1f", $1}')"
  eval "${name}_cpu=$(tail -n 1 "$WORK/time" | awk '{printf "%.1f", $2 + $3}')"
}

keyed() { jq -r '.findings[] | "\(.fingerprint) \(.primary.file):\(.primary.line):\(.primary.col)"' "$1"; }

mkdir -p "$WORK/plain" "$WORK/launch"
write_ninja "" "$WORK/plain"
write_ninja "$RL cc --facts-dir $WORK/facts --" "$WORK/launch"
measure build ninja -C "$WORK/plain" -j "$JOBS"
measure launch ninja -C "$WORK/launch" -j "$JOBS"
nfacts=$(find "$WORK/facts" -name '*.rlf' | wc -l)
size=$(du -sk "$WORK/facts" | cut -f1)
measure link "$RL" check --no-db -q -p "$TREE" --facts "$WORK/facts" --format json -o "$WORK/link.json"
"$RL" check --no-db -q --facts "$WORK/facts" --format json -o "$WORK/bare.json" || true
measure cold "$RL" check --no-db -q -p "$TREE" -j "$JOBS" --format json -o "$WORK/cold.json"
measure shards sh -c 'for k in 1 2 3 4; do "$1" check -q -p "$2" -j "$3" --shard $k/4 --facts-out "$4/shard$k"; done' \
  sh "$RL" "$TREE" "$JOBS" "$WORK"
measure shardlink "$RL" check --no-db -q -p "$TREE" --facts "$WORK/shard1" --facts "$WORK/shard2" \
  --facts "$WORK/shard3" --facts "$WORK/shard4" --format json -o "$WORK/shards.json"
keyed "$WORK/cold.json" >"$WORK/cold.keys"
keyed "$WORK/link.json" >"$WORK/link.keys"
keyed "$WORK/shards.json" >"$WORK/shards.keys"
jq -r '.findings[].fingerprint' "$WORK/cold.json" | sort >"$WORK/cold.fp"
jq -r '.findings[].fingerprint' "$WORK/bare.json" | sort >"$WORK/bare.fp"
same() { if cmp -s "$WORK/cold.keys" "$1"; then echo "identical ($(wc -l <"$1") findings)"; else echo DIFFERENT; fi; }
added() { echo "$1 $2" | awk '{printf "%.1f", $1 - $2}'; }
cat <<REPORT
units                 $((UNITS + 2)) ($nfacts facts files, ${size} KiB); seconds, wall / CPU
build, plain          ${build_wall} / ${build_cpu}   (ninja -j $JOBS)
build, launcher       ${launch_wall} / ${launch_cpu}   (added: $(added "$launch_wall" "$build_wall") / $(added "$launch_cpu" "$build_cpu"))
link (check --facts)  ${link_wall} / ${link_cpu}
cold check -p         ${cold_wall} / ${cold_cpu}   (-j $JOBS)
4 shards, in turn     ${shards_wall} / ${shards_cpu}, then their link ${shardlink_wall} / ${shardlink_cpu}
findings, link        $(same "$WORK/link.keys")
findings, 4 shards    $(same "$WORK/shards.keys")
link without -p       $(if cmp -s "$WORK/cold.fp" "$WORK/bare.fp"; then echo "the same fingerprints"; else echo "OTHER fingerprints"; fi)
REPORT
