#!/bin/sh
# `racelint --version` names racelint's version and libclang's
# (clang_getClangVersion), whose major version is the one racelint was
# built with.
# usage: version.sh PATH/TO/racelint LLVM_MAJOR
set -u
RL=$1
MAJOR=$2
out=$("$RL" --version)
rc=$?
echo "# $out"
if [ "$rc" -ne 0 ]; then echo "not ok - --version exits $rc"; exit 1; fi
if ! printf '%s\n' "$out" | grep -Eq "^racelint [0-9]+\.[0-9]+\.[0-9]+ \(libclang: .*clang version $MAJOR\.[0-9]+"; then
  echo "not ok - --version names libclang $MAJOR: '$out'"
  exit 1
fi
echo "ok - --version names libclang $MAJOR"
