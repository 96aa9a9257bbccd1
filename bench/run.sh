#!/usr/bin/env bash
# Builds Release into build-release/ and runs the benchmarks on loopback.
# Bounded in time; prints results to stdout and bench/results/*.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-release
"$root/scripts/setup.sh"
ONLOOKER_BUILD_DIR=$build ONLOOKER_BUILD_TYPE=Release "$root/scripts/build.sh" --target onlooker_ring_bench
mkdir -p "$root/bench/results"
# Repetitions interleave nothing by themselves; the median of 5 is what
# docs/BENCHMARKS.md quotes.
"$build/bench/onlooker_ring_bench" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_min_time=0.5 \
  --benchmark_out="$root/bench/results/ring.json" --benchmark_out_format=json
