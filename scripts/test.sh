#!/usr/bin/env bash
# Builds ticketflow and runs every test (unit, example, packaging and docs tests) the way
# CI does: a short run of every fuzzer first (scripts/fuzz.sh, a clang build of its own),
# then the `ci` preset, Debug at -O1 under AddressSanitizer and UBSan.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
scripts/fuzz.sh "${TICKETFLOW_FUZZ_SECONDS:-10}"
cmake --preset ci
cmake --build --preset ci -j"$(nproc)"
ctest --preset ci
