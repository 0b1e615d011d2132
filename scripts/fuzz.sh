#!/usr/bin/env bash
# Builds the libFuzzer targets with clang++ in build/fuzz (address and undefined-behaviour
# sanitizers, the library instrumented for coverage) and runs each one for SECONDS
# (default 10) over its seed corpus. Exits non-zero on the first crash, leak, sanitizer
# report or foreign exception; the input that caused it is kept in build/fuzz/artifacts/.
#
#   scripts/fuzz.sh          # short run, 10 s per fuzzer
#   scripts/fuzz.sh 600      # the long run, 10 minutes per fuzzer (docs/fuzzing.md)
#
# Needs clang and libFuzzer (Debian: clang libfuzzer-14-dev, in scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-10}"
build=build/fuzz
jobs="${FUZZ_BUILD_JOBS:-2}"

cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="${FUZZ_CXX:-clang++}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTICKETFLOW_BUILD_FUZZERS=ON -DTICKETFLOW_SANITIZE=address,undefined \
  -DTICKETFLOW_BUILD_TESTS=OFF -DTICKETFLOW_BUILD_EXAMPLES=OFF -DTICKETFLOW_BUILD_BENCHMARKS=OFF \
  -DTICKETFLOW_BUILD_DOCS=OFF -DTICKETFLOW_INSTALL=OFF -DTICKETFLOW_WERROR="${FUZZ_WERROR:-OFF}" >/dev/null
cmake --build "$build" -j "$jobs" --target ticketflow_fuzzers

# fuzzer  dictionary  seed directories (read only; new inputs go to build/fuzz/corpus/)
fuzzers=(
  "calendar_json_fuzzer tests/fuzz/calendar.dict tests/fuzz/corpus/calendar_json data/calendars"
  "ics_fuzzer tests/fuzz/ics.dict tests/fuzz/corpus/ics tests/data/calendars"
  "routing_rules_fuzzer tests/fuzz/routing.dict tests/fuzz/corpus/routing_rules"
  "fuzz_ticket_binary - tests/fuzz/corpus/ticket_binary"
  "fuzz_ticket_json - tests/fuzz/corpus/ticket_json"
  "json_loaders_fuzzer tests/fuzz/json_loaders.dict tests/fuzz/corpus/json_loaders"
  "pii_scanner_fuzzer tests/fuzz/pii_scanner.dict tests/fuzz/corpus/pii_scanner"
  "desk_commands_fuzzer - tests/fuzz/corpus/desk_commands"
)
mkdir -p "$build/artifacts"
for entry in "${fuzzers[@]}"; do
  read -r name dict seeds <<<"$entry"
  mkdir -p "$build/corpus/$name"
  echo "fuzz: $name for ${seconds}s"
  dict_option=()
  [ "$dict" = "-" ] || dict_option=(-dict="$dict")
  # shellcheck disable=SC2086 # $seeds is a list of directories
  "$build/tests/fuzz/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    "${dict_option[@]}" -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" \
    "$build/corpus/$name" $seeds 2>"$build/$name.log" || {
    tail -n 60 "$build/$name.log" >&2
    echo "fuzz: $name FAILED (log: $build/$name.log, input: $build/artifacts/)" >&2
    exit 1
  }
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$build/$name.log" | tail -n 2
done
echo "fuzz: all fuzzers ran ${seconds}s each without a crash"
