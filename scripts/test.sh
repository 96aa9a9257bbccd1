#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest. Exits
# non-zero on any failure. Extra arguments go to ctest (e.g. -R Ring).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ONLOOKER_BUILD_DIR:-$root/build}

"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure -j"$(nproc)" --timeout 300 "$@"
