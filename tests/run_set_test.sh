#!/usr/bin/env bash
# scripts/run.sh builds only what it runs. Configures an empty build
# directory, builds the run.sh target set (onlooker_run_set) and checks that
# the only binaries made are onlookerd, the module and the three libraries
# onlookerd links: no test, benchmark or fuzz binary.
#   run_set_test.sh SOURCE_DIR BUILD_DIR [cmake configure args, e.g. launchers]
# BUILD_DIR is emptied first and removed after. A fixed path (inside the
# parent build) lets ccache with CCACHE_BASEDIR hit on the next run.
set -euo pipefail
source_dir=$1 build=$2; shift 2
rm -rf "$build"
mkdir -p "$build"
trap 'rm -rf "$build"' EXIT

cmake -S "$source_dir" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" \
  >"$build/configure.out" 2>&1 \
  || { cat "$build/configure.out"; exit 1; }
cmake --build "$build" -j2 --target onlooker_run_set >"$build/build.out" 2>&1 \
  || { tail -40 "$build/build.out"; exit 1; }

# Every ELF file and static archive outside CMake's own probes (CMakeFiles).
built=$(cd "$build" && find . -path '*/CMakeFiles' -prune -o -type f -print | sort |
  while read -r file; do
    magic=$(head -c 7 "$file" | od -An -c | tr -d ' ')
    case $magic in \177ELF*|'!<arch>'*) [[ $file == *.o ]] || echo "${file#./}" ;; esac
  done)
expected="aggregator/enrich/libonlooker_enrich.a
aggregator/libonlooker_alert_delivery.a
aggregator/libonlooker_core.a
aggregator/onlookerd
nginx-module/nginx-build/objs/ngx_http_onlooker_module.so
nginx-module/ngx_http_onlooker_module.so"
if [[ $built != "$expected" ]]; then
  echo "run_set_test: the run.sh target set built other binaries than onlookerd and the module:"
  diff <(echo "$expected") <(echo "$built") || true
  exit 1
fi
"$build/aggregator/onlookerd" --version
echo "run_set_test: only onlookerd, the module and their libraries were built"
