#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz/ and runs each for
# SECONDS (default 300), growing build-fuzz/fuzz/corpus/. Crashes are saved
# as crash-* files in the current directory, as libFuzzer does.
#   fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
shift || true
build=$root/build-fuzz
"$root/scripts/setup.sh"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DONLOOKER_FUZZ=ON \
  -DONLOOKER_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_record fuzz_query fuzz_user_agent fuzz_http
cd "$build"
if (($#)); then
  for target in "$@"; do ctest --output-on-failure -R "fuzz.$target\$"; done
else
  ctest --output-on-failure -L fuzz
fi
