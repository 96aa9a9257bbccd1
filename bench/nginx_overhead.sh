#!/usr/bin/env bash
# nginx overhead of tracking, against what a user would otherwise run.
# One nginx (1 worker) serves the same small HTML page on four ports:
#   off        onlooker off, no access log
#   onlooker   onlooker on (onlookerd draining, as in production)
#   module     onlooker on with onlookerd stopped (SIGSTOP): the module's own
#              cost, with nothing else competing for the cores; the ring is
#              big enough to hold the whole run, so nothing is dropped
#   log-buf    access_log combined, buffer=64k
#   log-sync   access_log combined, unbuffered (a write(2) per request)
# wrk runs against them interleaved (off, onlooker, module, log-buf, ...)
# ROUNDS times for SECONDS each; medians and ratios to "off" are printed.
#   nginx_overhead.sh BUILD_DIR [ROUNDS=5] [SECONDS=5]
set -euo pipefail
build=$1 rounds=${2:-5} seconds=${3:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/onlooker-bench-XXXXXX)
ring=/dev/shm/onlooker-bench-$$  # tmpfs, as in production (/run or /dev/shm)
chmod 755 "$dir"
mkdir -p "$dir/site" "$dir/tmp"
printf '<!doctype html><title>bench</title><p>%s</p>\n' "$(head -c 600 /dev/zero | tr '\0' 'x')" >"$dir/site/index.html"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
p_off=$(port) p_on=$(port) p_buf=$(port) p_sync=$(port) p_api=$(port)
cat >"$dir/nginx.conf" <<CONF
load_module $build/nginx-module/ngx_http_onlooker_module.so;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/tmp;
    onlooker_zone $ring size=1024m;
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
# nginx answers once it has created the ring (1 GiB of slots to initialise).
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$p_off/" && break; sleep 0.1; done
"$build/aggregator/onlookerd" --ring "$ring" --db "$dir/history.db" --listen "127.0.0.1:$p_api" \
  2>"$dir/onlookerd.log" &
onlookerd_pid=$!
cleanup() {
  cat "$dir/onlookerd.log" >&2 || true
  kill -CONT "$onlookerd_pid" 2>/dev/null || true
  kill -TERM "$onlookerd_pid" 2>/dev/null || true; kill -QUIT "$nginx_pid" 2>/dev/null || true
  wait || true; rm -rf "$dir" "$ring"
}
trap cleanup EXIT
sleep 0.5

results=$dir/results.txt
for round in $(seq "$rounds"); do
  for variant in off:$p_off onlooker:$p_on module:$p_on log-buf:$p_buf log-sync:$p_sync; do
    name=${variant%%:*} p=${variant##*:}
    [ "$name" = module ] && kill -STOP "$onlookerd_pid"
    out=$(wrk -t1 -c16 -d"${seconds}s" --latency "http://127.0.0.1:$p/index.html")
    if [ "$name" = module ]; then
      kill -CONT "$onlookerd_pid"
      # Let onlookerd catch up before the next variant is measured.
      for _ in $(seq 600); do
        fill=$(curl -s "http://127.0.0.1:$p_api/metrics" | awk '$1 == "onlooker_ring_fill" {print $2}')
        [ "${fill:-1}" = 0 ] && break
        sleep 0.1
      done
    fi
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    echo "$round $name $rps $p99" >>"$results"
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
rps = {n: statistics.median(float(r[2]) for r in rows if r[1] == n) for n in names}
p99 = {n: statistics.median(ms(r[3]) for r in rows if r[1] == n) for n in names}
print(f"{'variant':10} {'req/s (median)':>15} {'vs off':>8} {'p99 ms':>8} {'vs off':>8}")
for n in names:
    print(f"{n:10} {rps[n]:15.0f} {rps[n]/rps['off']:8.3f} {p99[n]:8.3f} {p99[n]/p99['off']:8.3f}")
print(f"rounds: {len(rows)//len(names)}; ring records dropped during the run: {sys.argv[2]}")
PY
