#!/bin/sh
# The README's second command: build racelint with AddressSanitizer and
# UndefinedBehaviorSanitizer in build-asan/ and run every test through ctest.
# A sanitizer report fails the test that triggered it.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh --tests
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DRACELINT_SANITIZE=ON -DRACELINT_WERROR=ON >/dev/null
cmake --build build-asan -j "$(nproc)"
ctest --test-dir build-asan --output-on-failure -j 2
