#!/bin/sh
# Prints the path of the official SARIF validator, Microsoft's
# Sarif.Multitool (npm package @microsoft/sarif-multitool), installing it
# under BUILD_DIR/tools/sarif-multitool on first use. Exits 1, printing
# nothing, when it cannot be had (no npm, the registry unreachable).
# $SARIF_MULTITOOL names an installed one instead.
# usage: validator.sh BUILD_DIR
set -u
BUILD=$1
VERSION=5.7.0
PREFIX=$BUILD/tools/sarif-multitool
if [ -n "${SARIF_MULTITOOL:-}" ] && [ -x "$SARIF_MULTITOOL" ]; then
  echo "$SARIF_MULTITOOL"
  exit 0
fi
find_tool() {
  for p in "$PREFIX"/node_modules/@microsoft/sarif-multitool-*/Sarif.Multitool; do
    [ -f "$p" ] || continue
    [ -x "$p" ] || chmod u+x "$p" 2>/dev/null
    [ -x "$p" ] && echo "$p" && return 0
  done
  return 1
}
find_tool && exit 0
command -v npm >/dev/null 2>&1 || exit 1
mkdir -p "$PREFIX" || exit 1
# One install at a time when several tests ask at once.
(
  command -v flock >/dev/null 2>&1 && flock 9
  find_tool >/dev/null ||
    timeout 600 npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error \
      "@microsoft/sarif-multitool@$VERSION" >"$PREFIX/npm.log" 2>&1
) 9>"$PREFIX/.lock"
find_tool
