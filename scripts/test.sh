#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest:
#   1. the normal build (build/): unit, integration (real nginx, onlookerd)
#   2. ASan+UBSan (build-asan/): every test again, onlookerd instrumented
#   3. TSan (build-tsan/): the unit and stress tests (threads, the ring)
#   4. libFuzzer (build-fuzz/, clang): each fuzz target for 20 s
# Exits non-zero on any failure. ONLOOKER_SANITIZERS=0 skips 2-4.
# Extra arguments go to every ctest run (e.g. -R Ring).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$root/scripts/setup.sh"

run_suite() {  # run_suite BUILD_DIR LABEL [cmake args...] -- [ctest args...]
  local build=$1 label=$2; shift 2
  local cmake_args=() ctest_args=()
  while (($#)) && [[ $1 != -- ]]; do cmake_args+=("$1"); shift; done
  (($#)) && shift
  ctest_args=("$@")
  echo "=== $label: build ($build)"
  ONLOOKER_BUILD_DIR=$build "$root/scripts/build.sh" "${cmake_args[@]}"
  echo "=== $label: test"
  (cd "$build" && ctest --output-on-failure -j"$jobs" --timeout 300 "${ctest_args[@]}")
}

run_suite "${ONLOOKER_BUILD_DIR:-$root/build}" "default" -- "$@"

if [[ ${ONLOOKER_SANITIZERS:-1} != 0 ]]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:quarantine_size_mb=32
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  run_suite "$root/build-asan" "ASan+UBSan" -DONLOOKER_SANITIZE=address,undefined \
    -DONLOOKER_BENCH=OFF -- "$@"
  ONLOOKER_BUILD_TARGETS=onlooker_unit_tests \
    run_suite "$root/build-tsan" "TSan" -DONLOOKER_SANITIZE=thread -DONLOOKER_BENCH=OFF -- -L unit "$@"
  echo "=== libFuzzer: build and run (build-fuzz)"
  "$root/fuzz/run.sh" "${ONLOOKER_FUZZ_SECONDS:-20}"
fi
