#!/usr/bin/env bash
# Builds Release into build-release/ and runs every benchmark on loopback,
# bounded in time (about 25 minutes in all), printing what docs/BENCHMARKS.md
# quotes. Installs wrk, goaccess and procps (Debian) if missing.
#   bench/run.sh [ring|ingest|stages|nginx|nginx-sink|goaccess|latency|cluster-latency|
#                 cluster-ingest|fanout|fanout-deflate|history]...
#   (default: all)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-release
"$root/scripts/setup.sh"
for tool in wrk:wrk goaccess:goaccess pgrep:procps; do  # command:Debian package
  command -v "${tool%%:*}" >/dev/null ||
    { apt-get update -qq && apt-get install -y -qq "${tool##*:}" >/dev/null; }
done
ONLOOKER_BUILD_DIR=$build ONLOOKER_BUILD_TYPE=Release "$root/scripts/build.sh"
mkdir -p "$root/bench/results"
parts=("$@")
((${#parts[@]})) || parts=(ring ingest stages nginx nginx-sink goaccess latency cluster-latency
                             cluster-ingest fanout fanout-deflate history)
echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo)"
for part in "${parts[@]}"; do
  echo "=== $part"
  case $part in
    ring)
      # The ring on tmpfs, where nginx puts it in production.
      TMPDIR=/dev/shm "$build/bench/onlooker_ring_bench" --benchmark_repetitions=5 \
        --benchmark_report_aggregates_only=true --benchmark_min_time=0.5 ;;
    ingest)
      "$build/bench/onlooker_ingest_bench" --benchmark_repetitions=3 \
        --benchmark_report_aggregates_only=true ;;
    stages)  # the drain thread's cost by stage (issue 20)
      "$build/bench/onlooker_stages_bench" --benchmark_repetitions=3 \
        --benchmark_report_aggregates_only=true ;;
    nginx)
      "$root/bench/nginx_overhead.sh" "$build" 5 5 ;;
    nginx-sink)  # the module writing into a drained 16 MiB ring (see the script)
      ONLOOKER_MODULE_RING=sink "$root/bench/nginx_overhead.sh" "$build" 5 5 ;;
    goaccess)
      # The same traffic as a combined log, parsed by GoAccess, per hit.
      log=$(mktemp /tmp/onlooker-combined-XXXXXX.log)
      "$build/bench/onlooker_ingest_bench" --write-combined-log="$log" 1000000
      for run in 1 2 3; do
        start=$(date +%s.%N)
        goaccess "$log" --log-format=COMBINED --no-global-config -o /tmp/onlooker-goaccess.json \
          >/dev/null 2>&1
        end=$(date +%s.%N)
        python3 -c "print(f'goaccess run $run: {1000000/($end-$start):.0f} hits/s')"
      done
      rm -f "$log" /tmp/onlooker-goaccess.json ;;
    latency|fanout)
      "$root/bench/live.sh" "$build" "$part" ;;
    cluster-latency)  # three onlookerd on one redis-server, 10,000 hits/s in all
      "$build/bench/onlooker_cluster_latency_bench" 10000 10 10 100 1000 ;;
    cluster-ingest)  # one node's ingest: SQLite, PostgreSQL, SQLite + the cluster link
      "$build/bench/onlooker_history_ingest_bench" --rounds=3 --fills=4 ;;
    fanout-deflate)  # the clients negotiate permessage-deflate, as browsers do
      ONLOOKER_FANOUT_DEFLATE=1 "$root/bench/live.sh" "$build" fanout ;;
    history)
      db=$root/bench/results/history-10M.db
      "$build/bench/onlooker_history_bench" "$db" 10000000 ;;
    *) echo "unknown part $part" >&2; exit 2 ;;
  esac
done
