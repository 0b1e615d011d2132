#!/usr/bin/env bash
# Builds the main example (examples/quickstart.cpp) in Release and runs it end to end.
# Arguments are passed on to the example.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j"$(nproc)" --target quickstart
exec build/release/examples/quickstart "$@"
