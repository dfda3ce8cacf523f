#!/usr/bin/env bash
# Recreate $CORPUS/NAME (source tree at a pinned commit) and
# $CORPUS/NAME/compile_commands.json for each corpus codebase, from the
# bare git mirrors kept in one folder as OWNER+NAME/repo.  Normally run
# through bench/corpus.sh.
#
# Configure-only: cmake projects are configured with
# CMAKE_EXPORT_COMPILE_COMMANDS=ON; Makefile/autotools projects are
# configured (autogen + ./configure where they have one) and their compile
# commands are read from `make -n` (dry run) by make_n_to_ccdb.py.  Nothing
# is compiled or linked, except what configure / cmake / redis' Makefile
# themselves run as feature probes (tiny test programs) and header
# dependency generation (redis' Makefile.dep, clang -MM).
#
# Usage: prepare.sh [NAME...]     names: memcached pigz redis zstd libuv curl sqlite
# Env:   MIRROR=<mirror folder>  CORPUS=/tmp/corpus  CHECK=1 (run clang -fsyntax-only
#        on every entry afterwards)  INSTALL_DEPS=1 (apt-get install what is missing)
#        UNPINNED=1 (use each mirror's HEAD instead of the pinned commits)
#        CC=clang (the compiler named in the databases)
# A pinned commit missing from its mirror (a shallow or newer snapshot) falls
# back to the mirror's HEAD with a warning.  The commit each codebase was
# exported at is written to $CORPUS/NAME/.corpus_commit and to
# $CORPUS/commits.tsv (name, commit, pinned|HEAD, mirror).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MIRROR=${MIRROR:?set MIRROR to the folder holding the git mirrors (OWNER+NAME/repo)}
CORPUS=${CORPUS:-/tmp/corpus}
CC=${CC:-clang}
export CC
M2C="python3 $HERE/make_n_to_ccdb.py"
TOOL="python3 $HERE/ccdb_tool.py"

# name  mirror-dir  pinned commit
SPECS="
memcached memcached+memcached            2d51e364799bc9698bd4b11728ea978cea12da6e
pigz      madler+pigz                    fe4894f57739e3039a2ffc2a2a360d35e19bacbe
redis     redis+redis                    4f8cdc2a1ea53e42955af758aabffee67cb455dd
zstd      facebook+zstd                  2dddf0905619b70c25faeca7f1a39601dc97616f
libuv     libuv+libuv                    6179e7af87413396d5853a1c3722c8b5749336c8
curl      curl+curl                      5c61e168698a72b87437d58ed728bcdea6d5db42
sqlite    rma92+sqlite36_nt31            85ab0ea1d89d82c77bfd98b8470a0e682e7701b8
"
# memcached's proxy needs its vendored Lua (commit pinned in vendor/fetch.sh)
MC_VENDOR_MIRROR=memcached+memcached-vendor
MC_VENDOR_COMMIT=fc32e928f0f42343634cfa153924b83a16a296f8

need_tools() {
  local miss=()
  for t in git cmake make autoconf automake libtoolize pkg-config perl python3 "$CC"; do
    command -v "$t" >/dev/null || miss+=("$t")
  done
  for h in /usr/include/event2/event.h /usr/include/zlib.h /usr/include/openssl/ssl.h; do
    [ -e "$h" ] || miss+=("$h")
  done
  if [ ${#miss[@]} -gt 0 ]; then
    echo "missing: ${miss[*]}" >&2
    local pkgs="autoconf automake libtool pkg-config cmake make libevent-dev zlib1g-dev libssl-dev"
    if [ -n "${INSTALL_DEPS:-}" ]; then
      apt-get update -qq && apt-get install -y -qq $pkgs
    else
      echo "run: apt-get install $pkgs   (or INSTALL_DEPS=1 $0)" >&2; exit 1
    fi
  fi
}

spec() { echo "$SPECS" | awk -v n="$1" '$1==n{print $2, $3}'; }

commit_of() {  # commit_of GITDIR PINNED -> the commit to use, and whether it is the pin
  local gd=$1 pin=$2
  if [ -n "${UNPINNED:-}" ]; then
    echo "$(git --git-dir="$gd" rev-parse HEAD) HEAD"
  elif git --git-dir="$gd" cat-file -e "$pin^{commit}" 2>/dev/null; then
    echo "$pin pinned"
  else
    echo "warning: pinned commit $pin is not in $gd; using its HEAD" >&2
    echo "$(git --git-dir="$gd" rev-parse HEAD) HEAD"
  fi
}

record_commit() {  # record_commit NAME COMMIT HOW MIRROR-DIR
  local f=$CORPUS/commits.tsv
  [ -f "$f" ] || printf 'name\tcommit\tsource\tmirror\n' > "$f"
  { grep -v "^$1	" "$f" || true; } > "$f.tmp"
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$f.tmp"
  mv "$f.tmp" "$f"
}

export_tree() {  # export_tree NAME [paths...] -> fresh $CORPUS/NAME at the pinned commit
  local name=$1; shift
  local mdir pin commit how
  read -r mdir pin < <(spec "$name")
  local gd="$MIRROR/$mdir/repo"
  [ -d "$gd" ] || { echo "$name: no mirror at $gd (mirror the repository there first)" >&2; return 1; }
  read -r commit how < <(commit_of "$gd" "$pin")
  rm -rf "${CORPUS:?}/$name"; mkdir -p "$CORPUS/$name"
  git --git-dir="$gd" archive "$commit" "$@" | tar -x -C "$CORPUS/$name"
  echo "$commit" > "$CORPUS/$name/.corpus_commit"
  record_commit "$name" "$commit" "$how" "$mdir"
  echo "== $name @ $commit ($how)"
}

prep_memcached() {
  export_tree memcached
  local d=$CORPUS/memcached
  local vgd="$MIRROR/$MC_VENDOR_MIRROR/repo" vcommit vhow
  read -r vcommit vhow < <(commit_of "$vgd" "$MC_VENDOR_COMMIT")
  git --git-dir="$vgd" archive "$vcommit" lua routelib | tar -x -C "$d/vendor"
  record_commit memcached-vendor "$vcommit" "$vhow" "$MC_VENDOR_MIRROR"
  # autogen.sh runs version.pl (git describe); point it at the mirror
  (cd "$d" && GIT_DIR="$MIRROR/memcached+memcached/repo" ./autogen.sh) > "$d/.autogen.log" 2>&1
  (cd "$d" && ./configure --enable-proxy --enable-tls) > "$d/.configure.log" 2>&1
  (cd "$d" && make -n) > "$d/.make_n.log" 2>&1
  $M2C --root "$d" "$d/.make_n.log" > "$d/compile_commands.json"
}

prep_pigz() {
  export_tree pigz
  local d=$CORPUS/pigz
  (cd "$d" && make -n CC="$CC") > "$d/.make_n.log" 2>&1
  $M2C --root "$d" "$d/.make_n.log" > "$d/compile_commands.json"
}

prep_redis() {
  export_tree redis
  local d=$CORPUS/redis
  # MALLOC=libc: skip the vendored jemalloc (whose configure would run under
  # make -n, since its recipe line calls $(MAKE)); V=1: plain commands.
  # GNU make still remakes the included src/Makefile.dep under -n (clang -MM).
  (cd "$d" && make -n MALLOC=libc CC="$CC" V=1) > "$d/.make_n.log" 2>&1
  $M2C --root "$d" "$d/.make_n.log" > "$d/compile_commands.json"
}

cmake_ccdb() {  # cmake_ccdb NAME SRCDIR EXCLUDE_RE [cmake args...]
  local name=$1 src=$2 excl=$3; shift 3
  local d=$CORPUS/$name
  cmake -S "$d/$src" -B "$d/_cc" -G "Unix Makefiles" -DCMAKE_C_COMPILER="$CC" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "$@" > "$d/.cmake.log" 2>&1
  # one entry per .c file (CMake lists a file once per target compiling it)
  $TOOL filter "$d/_cc/compile_commands.json" "$d/compile_commands.json" ${excl:+--exclude "$excl"}
}

prep_zstd() {
  export_tree zstd
  cmake_ccdb zstd build/cmake "" -DZSTD_BUILD_SHARED=OFF -DZSTD_BUILD_STATIC=ON \
    -DZSTD_BUILD_PROGRAMS=ON -DZSTD_BUILD_TESTS=OFF -DZSTD_MULTITHREAD_SUPPORT=ON \
    -DZSTD_LEGACY_SUPPORT=ON
}

prep_libuv() {
  export_tree libuv
  cmake_ccdb libuv . "" -DLIBUV_BUILD_SHARED=OFF -DLIBUV_BUILD_TESTS=OFF \
    -DLIBUV_BUILD_BENCH=OFF -DENABLE_CLANG_TIDY=OFF
}

prep_curl() {
  export_tree curl
  # the curltool unity file under _cc/ duplicates src/*.c: left out
  cmake_ccdb curl . "/_cc/" -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON \
    -DBUILD_CURL_EXE=ON -DBUILD_TESTING=OFF -DBUILD_EXAMPLES=OFF \
    -DBUILD_LIBCURL_DOCS=OFF -DBUILD_MISC_DOCS=OFF -DENABLE_CURL_MANUAL=OFF \
    -DCURL_USE_OPENSSL=ON -DCURL_ZLIB=ON -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF \
    -DUSE_NGHTTP2=OFF -DUSE_LIBIDN2=OFF -DCURL_USE_LIBPSL=OFF -DCURL_USE_LIBSSH2=OFF \
    -DENABLE_THREADED_RESOLVER=ON -DCURL_DISABLE_LDAP=ON
}

prep_sqlite() {
  # SQLite 3.6.11 amalgamation (the only sqlite3.c whose blob the mirrors
  # hold: sqlite/sqlite is too large to mirror here and newer amalgamation
  # repos arrive without their ~9 MB sqlite3.c).  No build system: one TU,
  # the flags of sqlite's own Makefile for a thread-safe library.
  export_tree sqlite sqlite3.c sqlite3.h sqlite3ext.h Readme.md
  local d=$CORPUS/sqlite
  python3 - "$d" "$CC" <<'EOF'
import json, sys
d, cc = sys.argv[1], sys.argv[2]
json.dump([{'directory': d, 'file': d + '/sqlite3.c',
            'arguments': [cc, '-DSQLITE_THREADSAFE=1', '-D_REENTRANT=1', '-O2',
                          '-c', 'sqlite3.c', '-o', 'sqlite3.o'],
            'output': 'sqlite3.o'}], open(d + '/compile_commands.json', 'w'), indent=2)
EOF
}

need_tools
mkdir -p "$CORPUS"
NAMES=${*:-memcached pigz redis zstd libuv curl sqlite}
for n in $NAMES; do
  "prep_$n"
  echo "$n: $($TOOL stats "$CORPUS/$n/compile_commands.json")"
  if [ -n "${CHECK:-}" ]; then
    $TOOL check "$CORPUS/$n/compile_commands.json" --clang "$CC" | tail -1
  fi
done
