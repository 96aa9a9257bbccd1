#!/usr/bin/env bash
# Configures and builds everything (or ONLOOKER_BUILD_TARGETS) into build/
# (or $ONLOOKER_BUILD_DIR). Extra arguments go to cmake's configure step.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ONLOOKER_BUILD_DIR:-$root/build}
build_type=${ONLOOKER_BUILD_TYPE:-RelWithDebInfo}
# Configure only a new (or half-configured) build directory, new settings,
# another build type, or CMake files newer than the generated build files (a
# pull that adds a target: make cannot build a target its Makefile predates,
# such as onlooker_run_set in a build dir made before it existed).
configured_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null ||
  true)
cmake_changed() {
  local generated=$build/Makefile
  [[ -f $generated ]] || generated=$build/build.ninja
  [[ -n $(find "$root" \( -name node_modules -o -name '.git' -o -path "$root/build*" \) -prune             -o \( -name CMakeLists.txt -o -name '*.cmake' \) -newer "$generated" -print -quit) ]]
}
if (($#)) || [[ $configured_type != "$build_type" ]] ||
   [[ ! -f $build/Makefile && ! -f $build/build.ninja ]] || cmake_changed; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="$build_type" "$@" >/dev/null
fi
# ONLOOKER_BUILD_TARGETS: build only these (space-separated), e.g. for a
# sanitizer suite that runs the unit tests alone, or run.sh's onlooker_run_set.
targets=()
for target in ${ONLOOKER_BUILD_TARGETS:-}; do targets+=(--target "$target"); done
cmake --build "$build" -j"$(nproc)" "${targets[@]}"
