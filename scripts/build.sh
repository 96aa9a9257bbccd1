#!/usr/bin/env bash
# Configures and builds everything into build/ (or $ONLOOKER_BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ONLOOKER_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${ONLOOKER_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
# ONLOOKER_BUILD_TARGETS: build only these (space-separated), e.g. for a
# sanitizer suite that runs the unit tests alone.
targets=()
for target in ${ONLOOKER_BUILD_TARGETS:-}; do targets+=(--target "$target"); done
cmake --build "$build" -j"$(nproc)" "${targets[@]}"
