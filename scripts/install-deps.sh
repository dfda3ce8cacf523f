#!/bin/sh
# Installs what racelint needs to build and test on Debian (bookworm or
# newer): a C compiler, CMake, libclang 19, SQLite, jansson, libyaml, and the
# tools the tests use (sqlite3, jq). Run as root; does nothing when all is
# already there. With --tests (scripts/test.sh), also chromium (the HTML
# report in a real browser), pre-commit (the hook recipe), ninja-build (the
# facts-folder test builds a CMake project with ninja), clang 19 with
# its runtime libraries (libFuzzer, for tests/fuzz/run.sh), and csmith with
# its headers (random programs for tests/robustness/csmith.sh), zsh and
# groff (the completion's syntax and the man page, tests/cli/options.sh); the SARIF
# test installs Microsoft's SARIF validator with npm into the build folder.
set -eu
PACKAGES="build-essential cmake pkg-config libclang-19-dev libsqlite3-dev libjansson-dev libyaml-dev libgit2-dev sqlite3 jq"
if [ "${1:-}" = --tests ]; then PACKAGES="$PACKAGES chromium pre-commit git ninja-build clang-19 libclang-rt-19-dev csmith libcsmith-dev zsh groff-base"; fi
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing packages:$missing; run this script as root (or: sudo $0)" >&2
  exit 2
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
