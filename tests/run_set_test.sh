#!/usr/bin/env bash
# scripts/run.sh builds only what it runs. Configures an empty build
# directory, builds the run.sh target set (onlooker_run_set) and checks that
# the only binaries made are onlookerd, the module and the two libraries
# onlookerd links: no test, benchmark or fuzz binary.
#   run_set_test.sh SOURCE_DIR [cmake configure args, e.g. compiler launchers]
set -euo pipefail
source_dir=$1; shift
build=$(mktemp -d "${TMPDIR:-/tmp}/onlooker-run-set-XXXXXX")
trap 'rm -rf "$build"' EXIT

cmake -S "$source_dir" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$build.configure.log" 2>&1 \
  || { cat "$build.configure.log"; rm -f "$build.configure.log"; exit 1; }
rm -f "$build.configure.log"
cmake --build "$build" -j2 --target onlooker_run_set >/dev/null

# Every ELF file and static archive outside CMake's own probes (CMakeFiles).
built=$(cd "$build" && find . -path '*/CMakeFiles' -prune -o -type f -print | sort |
  while read -r file; do
    magic=$(head -c 7 "$file" | od -An -c | tr -d ' ')
    case $magic in \177ELF*|'!<arch>'*) [[ $file == *.o ]] || echo "${file#./}" ;; esac
  done)
expected="aggregator/enrich/libonlooker_enrich.a
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
