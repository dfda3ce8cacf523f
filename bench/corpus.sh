#!/bin/sh
# Prepares the real codebases racelint is measured on (bench/real.sh):
# memcached (with its proxy's vendored Lua), redis, curl, zstd, pigz, libuv
# and the SQLite 3.6.11 amalgamation, each exported at a pinned commit into
# $CORPUS/NAME with the compile_commands.json of the project's own build
# (configure + `make -n`, or CMake's CMAKE_EXPORT_COMPILE_COMMANDS; nothing
# is compiled). memcached's and redis's databases are kept whole: every
# program of their builds (server, tests, tools, vendored Lua). The sources
# are third-party code: they stay outside this repository and are never
# committed. The work is done by bench/corpus/prepare.sh (pins and build
# options are there); this script checks the mirrors, runs it, and prints the
# commits used ($CORPUS/commits.tsv) and the size of each database.
#
# usage: MIRROR=DIR bench/corpus.sh [NAME...]
#   NAME       memcached pigz redis zstd libuv curl sqlite (default: all)
# environment:
#   MIRROR       folder of bare git mirrors laid out as OWNER+NAME/repo:
#                memcached+memcached, memcached+memcached-vendor, madler+pigz,
#                redis+redis, facebook+zstd, libuv+libuv, curl+curl,
#                rma92+sqlite36_nt31 (required)
#   CORPUS       where the codebases go (default: /tmp/corpus)
#   INSTALL_DEPS=1  apt-get install the build tools and headers that are
#                missing (autotools, cmake, libevent, zlib, openssl headers)
#   CHECK=1      afterwards run clang -fsyntax-only on every database entry
#   UNPINNED=1   export each mirror's HEAD instead of the pinned commits (a
#                missing pin falls back to HEAD anyway, with a warning)
#   CC           compiler named in the databases (default: clang)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
: "${MIRROR:?set MIRROR to the folder holding the git mirrors (OWNER+NAME/repo)}"
CORPUS=${CORPUS:-/tmp/corpus}
export MIRROR CORPUS
NAMES=${*:-memcached pigz redis zstd libuv curl sqlite}

for n in $NAMES; do
  case $n in
    memcached) m="memcached+memcached memcached+memcached-vendor" ;;
    pigz) m=madler+pigz ;;
    redis) m=redis+redis ;;
    zstd) m=facebook+zstd ;;
    libuv) m=libuv+libuv ;;
    curl) m=curl+curl ;;
    sqlite) m=rma92+sqlite36_nt31 ;;
    *) echo "corpus: unknown codebase $n (memcached pigz redis zstd libuv curl sqlite)" >&2; exit 2 ;;
  esac
  for d in $m; do
    [ -d "$MIRROR/$d/repo" ] || { echo "corpus: no mirror $MIRROR/$d/repo" >&2; exit 1; }
  done
done

# shellcheck disable=SC2086
bash "$HERE/corpus/prepare.sh" $NAMES

echo
echo "commits used ($CORPUS/commits.tsv):"
column -t -s "$(printf '\t')" "$CORPUS/commits.tsv" 2>/dev/null || cat "$CORPUS/commits.tsv"
echo
printf "%-10s %8s %s\n" codebase units database
for n in $NAMES; do
  db=$CORPUS/$n/compile_commands.json
  u=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$db")
  printf "%-10s %8s %s\n" "$n" "$u" "$db"
done
