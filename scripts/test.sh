#!/usr/bin/env bash
# Builds ticketflow and runs every test (unit, example, packaging and docs tests) the way
# CI does: a short run of every fuzzer first (scripts/fuzz.sh, a clang build of its own),
# then the `ci` preset, Debug at -O1 under AddressSanitizer and UBSan.
#
# The postgres tests run against a throwaway PostgreSQL cluster (scripts/pg-test-cluster.sh)
# started just before ctest; its URI is exported as TICKETFLOW_TEST_POSTGRES_URI, and the
# cluster is stopped and removed however the run ends.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
scripts/format.sh --check
scripts/fuzz.sh "${TICKETFLOW_FUZZ_SECONDS:-10}"
cmake --preset ci
cmake --build --preset ci -j"$(nproc)"

TICKETFLOW_PG_STATE=$(mktemp -u /tmp/ticketflow-pg-test.XXXXXX.state)
export TICKETFLOW_PG_STATE
trap 'scripts/pg-test-cluster.sh stop' EXIT
TICKETFLOW_TEST_POSTGRES_URI=$(scripts/pg-test-cluster.sh start)
export TICKETFLOW_TEST_POSTGRES_URI
echo "test.sh: PostgreSQL test cluster at $TICKETFLOW_TEST_POSTGRES_URI"

ctest --preset ci
