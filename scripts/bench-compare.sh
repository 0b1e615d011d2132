#!/usr/bin/env bash
# Times one benchmark counter of the working tree against an older commit, the two
# builds run alternately so that both see the same state of the machine, and prints each
# round, each build's lowest and median figure (for times the lowest is the fastest run),
# and the median of the per-round ratios.
# A 2-vCPU VM drifts between speed phases from one run to the next; a few runs of each
# build can mislead, twenty alternating rounds seldom do.
#
#   scripts/bench-compare.sh aa1af48
#   scripts/bench-compare.sh --rounds 30 --filter 'BM_DeskCommandLatency/notifier:0/' aa1af48
#   scripts/bench-compare.sh --bench privacy_bench --filter BM_PiiMask_Sparse --counter bytes_per_second HEAD~3
#
# Options: --bench NAME (lifecycle_bench), --filter REGEX (BM_DeskCommandLatency/notifier:0/;
# the first benchmark it matches is read), --counter NAME (median_ns: any counter the
# benchmark prints as NAME=value, or real_time, cpu_time), --rounds N (20). For rates
# (bytes_per_second) a ratio above 1 is the faster; for times, below 1. The commit is
# checked out as a git worktree and built in Release under
# ${TICKETFLOW_BENCH_BASE_DIR:-/tmp/ticketflow-bench-base}/<commit>, kept for the next
# comparison (`git worktree remove` drops it); the working tree is built with the release
# preset.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bench=lifecycle_bench
filter='BM_DeskCommandLatency/notifier:0/'
counter=median_ns
rounds=20
while [ $# -gt 1 ]; do
  case "$1" in
  --bench) bench="$2" ;;
  --filter) filter="$2" ;;
  --counter) counter="$2" ;;
  --rounds) rounds="$2" ;;
  *)
    echo "bench-compare.sh: unknown option $1" >&2
    exit 2
    ;;
  esac
  shift 2
done
if [ $# -ne 1 ]; then
  echo "usage: scripts/bench-compare.sh [--bench NAME] [--filter REGEX] [--counter NAME] [--rounds N] COMMIT" >&2
  exit 2
fi
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench-compare.sh: --rounds must be a positive number, not '$rounds'" >&2
  exit 2
fi
commit=$(git rev-parse --verify --quiet "$1^{commit}") || {
  echo "bench-compare.sh: '$1' is not a commit of this repository" >&2
  exit 2
}
jobs="${BENCH_BUILD_JOBS:-$(nproc)}"

base_dir="${TICKETFLOW_BENCH_BASE_DIR:-/tmp/ticketflow-bench-base}/$commit"
if [ ! -d "$base_dir" ]; then
  mkdir -p "$(dirname "$base_dir")"
  git worktree add --detach "$base_dir" "$commit" >/dev/null
fi
echo "bench-compare: building $bench at ${commit:0:7} in $base_dir/build" >&2
cmake -S "$base_dir" -B "$base_dir/build" -DCMAKE_BUILD_TYPE=Release -DTICKETFLOW_BUILD_BENCHMARKS=ON \
  -DTICKETFLOW_BUILD_TESTS=OFF -DTICKETFLOW_BUILD_EXAMPLES=OFF -DTICKETFLOW_BUILD_DOCS=OFF >/dev/null
cmake --build "$base_dir/build" -j "$jobs" --target "$bench" >/dev/null
echo "bench-compare: building $bench of the working tree in build/release" >&2
cmake --preset release -DTICKETFLOW_BUILD_BENCHMARKS=ON >/dev/null
cmake --build --preset release -j "$jobs" --target "$bench" >/dev/null

# The counter's value in nanoseconds or units, from one run's console output
# ("median_ns=1.102k", "733030 ns", "1.33G/s"); nothing when the benchmark does not report it.
run_once() {
  "$1" --benchmark_filter="$filter" --benchmark_format=console --benchmark_counters_tabular=false 2>/dev/null |
    awk -v counter="$counter" '
      function scaled(v,   suffix, n) {
        suffix = v; sub(/^[0-9.]+/, "", suffix); n = v + 0
        if (suffix ~ /^k/) n *= 1e3; else if (suffix ~ /^M/) n *= 1e6; else if (suffix ~ /^G/) n *= 1e9
        return n
      }
      /^BM_/ {
        if (counter == "real_time") { print scaled($2); exit }
        if (counter == "cpu_time") { print scaled($4); exit }
        for (i = 1; i <= NF; i++)
          if (index($i, counter "=") == 1) { print scaled(substr($i, length(counter) + 2)); exit }
      }'
}

# The working tree's figure over the base's.
ratio() { awk -v base="$1" -v current="$2" 'BEGIN { print current / base }'; }

base_binary=$(find "$base_dir/build" -type f -name "$bench" -perm -u+x | head -n 1)
current_binary=build/release/bench/$bench
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for ((round = 1; round <= rounds; ++round)); do
  base=$(run_once "$base_binary")
  current=$(run_once "$current_binary")
  if [ -z "$base" ] || [ -z "$current" ]; then
    echo "bench-compare.sh: '$filter' reported no $counter (base '${base}', current '${current}')" >&2
    exit 1
  fi
  echo "$base $current" >>"$results"
  printf 'round %2d  %s %12.1f  working tree %12.1f  ratio %.3f\n' "$round" "${commit:0:7}" "$base" "$current" \
    "$(ratio "$base" "$current")"
done

# Lowest and median of each column, and the median of the per-round ratios.
summary() {
  sort -g | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s %s\n", v[1], m }'
}
read -r base_min base_median < <(awk '{ print $1 }' "$results" | summary)
read -r current_min current_median < <(awk '{ print $2 }' "$results" | summary)
read -r _ ratio_median < <(awk '{ print $2 / $1 }' "$results" | summary)
printf '%s, %s, %d rounds:\n' "$bench" "$counter" "$rounds"
printf '  %-12s lowest %14.1f  median %14.1f\n' "${commit:0:7}" "$base_min" "$base_median"
printf '  %-12s lowest %14.1f  median %14.1f\n' "working tree" "$current_min" "$current_median"
printf '  working tree / %s: lowest %.3f, median %.3f, median of the rounds %.3f\n' "${commit:0:7}" \
  "$(ratio "$base_min" "$current_min")" "$(ratio "$base_median" "$current_median")" "$ratio_median"
