#!/usr/bin/env bash
# nginx overhead of tracking, against what a user would otherwise run.
# One nginx (1 worker) serves the same small HTML page on four ports:
#   off        onlooker off, no access log
#   onlooker   onlooker on (onlookerd draining, as in production)
#   module     onlooker on without onlookerd's work: the module's own cost.
#              ONLOOKER_MODULE_RING says how its ring is consumed meanwhile:
#                paused (default): onlookerd stopped (SIGSTOP); the 1 GiB ring
#                  holds the whole run, nothing drops, nothing else competes
#                  for the cores, but every slot written is cold
#                sink: a 16 MiB ring (the default size) drained by
#                  onlooker_ring_sink, which only frees records, as
#                  onlookerd's drain does: slots reused, so cached, at the
#                  price of a third process on the cores
#   log-buf    access_log combined, buffer=64k
#   log-sync   access_log combined, unbuffered (a write(2) per request)
# wrk runs against them interleaved (off, onlooker, module, log-buf, ...)
# ROUNDS times for SECONDS each. Printed per variant: medians and ratios to
# "off" of requests/s, of p99 latency, and of the worker's CPU time per
# request (/proc utime + stime over the run: throughput here swings by ±10 %
# from run to run on a shared VM, CPU time per request much less), and the
# median over rounds of each round's requests/s ratio to that round's "off".
# Also the system's CPU per request: the worker's plus onlookerd's (all its
# threads, /proc utime + stime from the start of the run until it has drained
# what the run wrote), and off's system CPU over each variant's: the
# throughput ratio a CPU-bound machine would show, which other processes on
# a shared machine disturb far less than req/s (for `module`, onlookerd's
# share is the drain after the run; with ONLOOKER_MODULE_RING=sink the sink's
# CPU is not counted).
#   nginx_overhead.sh BUILD_DIR [ROUNDS=5] [SECONDS=5]
set -euo pipefail
source "$(dirname "$0")/bench_nginx.sh"
build=$1 rounds=${2:-5} seconds=${3:-5}
module_ring=${ONLOOKER_MODULE_RING:-paused}
case $module_ring in
  paused) ring_size=1024m ;;
  sink) ring_size=16m ;;
  *) echo "ONLOOKER_MODULE_RING must be paused or sink, not $module_ring" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/onlooker-bench-XXXXXX)
ring=/dev/shm/onlooker-bench-$$  # tmpfs, as in production (/run or /dev/shm)
chmod 755 "$dir"
mkdir -p "$dir/site" "$dir/tmp"
printf '<!doctype html><title>bench</title><p>%s</p>\n' "$(head -c 600 /dev/zero | tr '\0' 'x')" >"$dir/site/index.html"
p_off=$(port) p_on=$(port) p_buf=$(port) p_sync=$(port) p_api=$(port)
cat >"$dir/nginx.conf" <<CONF
$(nginx_conf_head "$build" "$dir")
    onlooker_zone $ring size=$ring_size;
    default_type text/html;
    root $dir/site;
    server { listen 127.0.0.1:$p_off; }
    server { listen 127.0.0.1:$p_on; onlooker on; }
    server { listen 127.0.0.1:$p_buf; access_log $dir/access-buf.log combined buffer=64k; }
    server { listen 127.0.0.1:$p_sync; access_log $dir/access-sync.log combined; }
}
CONF
/usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$p_off/" && break; sleep 0.1; done
worker_pid=$(pgrep -P "$nginx_pid" | head -n1)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$worker_pid/stat"; }  # utime + stime
onlookerd_ticks() {  # every thread's; 0 while no onlookerd runs (the sink's turn)
  if [ -n "$onlookerd_pid" ] && [ -r "/proc/$onlookerd_pid/stat" ]; then
    awk '{print $14 + $15}' "/proc/$onlookerd_pid/stat"
  else
    echo 0
  fi
}
onlookerd_pid='' sink_pid=''
start_onlookerd() {
  "$build/aggregator/onlookerd" --ring "$ring" --db "$dir/history.db" --listen "127.0.0.1:$p_api" \
    2>>"$dir/onlookerd.log" &
  onlookerd_pid=$!
  for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$p_api/healthz" && break
    sleep 0.1
  done
  # A first view, waited for until committed and counted: after a start the
  # unique visitors already counted today (the bench's own earlier hits) load
  # in the background, a restart's cost, not the steady state the next
  # variants measure.
  curl -sf -o /dev/null "http://127.0.0.1:$p_on/index.html"
  wait_until_drained
}
wait_until_drained() {  # everything in the ring committed and counted (at most 60 s)
  for _ in $(seq 600); do
    left=$(curl -s "http://127.0.0.1:$p_api/metrics" |
      awk '$1 == "onlooker_ring_fill" || $1 == "onlooker_rollups_behind" {n += $2; seen++}
           END {print seen == 2 ? n : -1}')
    [ "$left" = 0 ] && return
    sleep 0.1
  done
  echo "onlookerd did not drain the ring" >&2
  exit 1
}
stop() {  # PID: TERM and wait (onlookerd commits what it read; the sink frees)
  [ -n "$1" ] && kill -TERM "$1" 2>/dev/null && wait "$1" 2>/dev/null || true
}
cleanup() {
  cat "$dir/onlookerd.log" >&2 || true
  stop "$sink_pid"; stop "$onlookerd_pid"; kill -QUIT "$nginx_pid" 2>/dev/null || true
  wait || true; rm -rf "$dir" "$ring"
}
trap cleanup EXIT
start_onlookerd

results=$dir/results.txt
for round in $(seq "$rounds"); do
  for variant in off:$p_off onlooker:$p_on module:$p_on log-buf:$p_buf log-sync:$p_sync; do
    name=${variant%%:*} p=${variant##*:}
    if [ "$name-$module_ring" = module-paused ]; then
      kill -STOP "$onlookerd_pid"
    elif [ "$name-$module_ring" = module-sink ]; then  # one consumer at a time
      stop "$onlookerd_pid"
      "$build/bench/onlooker_ring_sink" "$ring" >>"$dir/sink.log" &
      sink_pid=$!
      sleep 0.2
    fi
    ticks_before=$(cpu_ticks) daemon_before=$(onlookerd_ticks)
    out=$(wrk -t1 -c16 -d"${seconds}s" --latency "http://127.0.0.1:$p/index.html")
    ticks=$(($(cpu_ticks) - ticks_before))
    if [ "$name-$module_ring" = module-paused ]; then
      kill -CONT "$onlookerd_pid"
      wait_until_drained
      daemon_ticks=$(($(onlookerd_ticks) - daemon_before))
    elif [ "$name-$module_ring" = module-sink ]; then
      daemon_ticks=0
      stop "$sink_pid"
      sink_pid=''
      start_onlookerd
    else
      wait_until_drained  # onlookerd's CPU for this run's records, all of it
      daemon_ticks=$(($(onlookerd_ticks) - daemon_before))
    fi
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    echo "$round $name $rps $p99 $ticks $requests $daemon_ticks" >>"$results"
  done
done
dropped=$(curl -s "http://127.0.0.1:$p_api/metrics" | awk '$1 == "onlooker_ring_dropped_total" {print $2}')
python3 - "$results" "$dropped" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def ms(text):
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[:-len(unit)]) * factor
    return float(text)
names = ["off", "onlooker", "module", "log-buf", "log-sync"]
ticks_per_s = 100  # USER_HZ
def cpu_us(r):
    return int(r[4]) * 1e6 / ticks_per_s / int(r[5])
def median(name, value):
    return statistics.median(value(r) for r in rows if r[1] == name)
rps = {n: median(n, lambda r: float(r[2])) for n in names}
p99 = {n: median(n, lambda r: ms(r[3])) for n in names}
cpu = {n: median(n, cpu_us) for n in names}
def system_us(r):
    return (int(r[4]) + int(r[6])) * 1e6 / ticks_per_s / int(r[5])
system = {n: median(n, system_us) for n in names}
off_by_round = {r[0]: float(r[2]) for r in rows if r[1] == "off"}
paired = {n: median(n, lambda r: float(r[2]) / off_by_round[r[0]]) for n in names}
print(f"{'variant':10} {'req/s (median)':>15} {'vs off':>8} {'paired':>8} {'p99 ms':>8} {'vs off':>8}"
      f" {'CPU us/req':>11} {'vs off':>8}")
for n in names:
    print(f"{n:10} {rps[n]:15.0f} {rps[n]/rps['off']:8.3f} {paired[n]:8.3f} {p99[n]:8.3f}"
          f" {p99[n]/p99['off']:8.3f} {cpu[n]:11.2f} {cpu[n]/cpu['off']:8.3f}")
print(f"{'variant':10} {'system CPU us/req':>18} {'off / it':>9}   (worker + onlookerd)")
for n in names:
    print(f"{n:10} {system[n]:18.2f} {system['off']/system[n]:9.3f}")
print(f"rounds: {len(rows)//len(names)}; ring records dropped during the run: {sys.argv[2]}")
print("each run (round variant req/s p99 worker-ticks requests onlookerd-ticks):")
for r in rows:
    print("  " + " ".join(r))
PY
