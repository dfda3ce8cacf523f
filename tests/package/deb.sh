#!/bin/sh
# The .deb on a bare Debian: builds racelint in Release, packs it with
# CPack (cmake/Packaging.cmake), installs the package with apt on a bare
# Debian bookworm (debootstrap minbase, in a chroot) and runs the bundled
# example there: `racelint --version`, the installed models, man page and
# completions, then `racelint check examples/bank`, which must find its
# race (exit 1) and nothing else.
#
# Not run by ctest: it needs root, debootstrap and the Debian mirror. It
# drives a script that runs two commands in a fresh chroot holding a copy
# of the current folder's git HEAD (here: a small checkout made of
# examples/bank) and of ../shared (here: the .deb), e.g. the project's
# fresh-machine.sh. See README.md, "Installing".
#
# usage (as root): tests/package/deb.sh FRESH_MACHINE_SCRIPT [BUILD_DIR]
#   BUILD_DIR defaults to build-deb/ in the source tree.
set -u
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 FRESH_MACHINE_SCRIPT [BUILD_DIR] (the script runs commands in a bare Debian chroot)" >&2
  exit 2
fi
FRESH=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${2:-$SRC/build-deb}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "=== build and pack ($BUILD)"
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >"$TMP/cmake.log" 2>&1 || { cat "$TMP/cmake.log"; exit 1; }
nice cmake --build "$BUILD" -j2 --target racelint racelint_docs >"$TMP/build.log" 2>&1 || { tail -30 "$TMP/build.log"; exit 1; }
rm -f "$BUILD"/racelint_*.deb
(cd "$BUILD" && cpack -G DEB) >"$TMP/cpack.log" 2>&1 || { cat "$TMP/cpack.log"; exit 1; }
DEB=$(ls "$BUILD"/racelint_*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || { echo "cpack made no .deb"; cat "$TMP/cpack.log"; exit 1; }
echo "$(basename "$DEB"): $(wc -c <"$DEB") bytes"
dpkg-deb --info "$DEB" | sed -n 's/^ *\(Depends\|Version\|Installed-Size\):/  &/p'
dpkg-deb --contents "$DEB" | awk '{print "  " $6}' | grep -v '/$'

# The chroot gets the current folder's HEAD and ../shared: a checkout of
# the example, and the package beside it.
mkdir -p "$TMP/shared" "$TMP/checkout/examples"
cp "$DEB" "$TMP/shared/racelint.deb"
cp -r "$SRC/examples/bank" "$TMP/checkout/examples/bank"
(cd "$TMP/checkout" && git init -q && git add -A &&
  git -c user.name=racelint -c user.email=racelint@invalid commit -qm "examples/bank") || exit 1

INSTALL='apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /root/shared/racelint.deb && dpkg -s racelint | sed -n "s/^\(Version\|Depends\):/&/p"'
RUN='set -u; fail() { echo "FAILED: $1"; exit 1; }
racelint --version || fail "--version"
racelint --version | grep -q "libclang: .*clang version" || fail "--version names libclang"
ls /usr/share/racelint/models/*.yaml || fail "the models are installed"
ls /usr/share/man/man1/racelint.1* || fail "the man page is installed"
zcat -f /usr/share/man/man1/racelint.1* | grep -q "max.-parse.-failures" || fail "the man page lists the options"
ls /usr/share/bash-completion/completions/racelint /usr/share/zsh/site-functions/_racelint || fail "the completions are installed"
grep -q "check" /usr/share/bash-completion/completions/racelint || fail "the bash completion knows the commands"
racelint check examples/bank >out.txt 2>err.txt; rc=$?
cat out.txt err.txt
[ "$rc" -eq 1 ] || fail "racelint check examples/bank exits $rc, wanted 1 (its race)"
grep -q "data race on .stats.failed." out.txt || fail "the race on stats.failed is reported"
grep -q "error" err.txt && fail "errors on standard error"
echo "PASSED: racelint installed from the .deb finds the race of examples/bank"'

echo "=== on a bare Debian ($FRESH)"
cd "$TMP/checkout" || exit 1
"$FRESH" "$INSTALL" "$RUN"
rc=$?
echo "=== deb.sh: exit $rc"
exit $rc
