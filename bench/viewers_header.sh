#!/usr/bin/env bash
# What `add_header X-Viewers $onlooker_viewers` costs a request (issue 19:
# reading the variable under 200 ns, measured in the same run as a request
# without it). One nginx (1 worker), onlooker on, onlookerd publishing the
# viewers table; the same small HTML page on two ports:
#   plain    onlooker on
#   viewers  onlooker on + add_header X-Viewers $onlooker_viewers
# A table of PAGES live pages is made first (views of /p/1 ... /p/PAGES by
# distinct clients), so the lookup probes a populated table. wrk runs the
# two in interleaved pairs (plain, viewers, plain, viewers, ...) ROUNDS
# times for SECONDS each. Printed: medians of requests/s and of the
# worker's CPU time per request (/proc utime + stime: far steadier than
# req/s on a shared VM), each pair's ratio and the median of those, and the
# median per pair of the CPU difference per request: the header's cost.
#   viewers_header.sh BUILD_DIR [ROUNDS=7] [SECONDS=5] [PAGES=1000]
set -euo pipefail
source "$(dirname "$0")/bench_nginx.sh"
build=$1 rounds=${2:-7} seconds=${3:-5} pages=${4:-1000}
dir=$(mktemp -d /tmp/onlooker-viewers-bench-XXXXXX)
ring=/dev/shm/onlooker-viewers-bench-$$
viewers=/dev/shm/onlooker-viewers-bench-$$-table
chmod 755 "$dir"
mkdir -p "$dir/site/p" "$dir/tmp"
printf '<!doctype html><title>bench</title><p>%s</p>\n' "$(head -c 600 /dev/zero | tr '\0' 'x')" >"$dir/site/index.html"
for i in $(seq "$pages"); do ln "$dir/site/index.html" "$dir/site/p/$i"; done  # one page each
p_plain=$(port) p_viewers=$(port) p_api=$(port)
cat >"$dir/nginx.conf" <<CONF
$(nginx_conf_head "$build" "$dir")
    onlooker_zone $ring size=64m;
    onlooker_viewers_zone $viewers size=8m;
    default_type text/html;
    root $dir/site;
    real_ip_header X-Forwarded-For;
    set_real_ip_from 127.0.0.1;
    server { listen 127.0.0.1:$p_plain; onlooker on; }
    server { listen 127.0.0.1:$p_viewers; onlooker on; add_header X-Viewers \$onlooker_viewers; }
}
CONF
/usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$p_plain/" && break; sleep 0.1; done
worker_pid=$(pgrep -P "$nginx_pid" | head -n1)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$worker_pid/stat"; }  # utime + stime
"$build/aggregator/onlookerd" --ring "$ring" --db "$dir/history.db" --listen "127.0.0.1:$p_api" \
  --viewers-zone "$viewers" --active-window 3600 2>>"$dir/onlookerd.log" &
onlookerd_pid=$!
cleanup() {
  kill -TERM "$onlookerd_pid" 2>/dev/null && wait "$onlookerd_pid" 2>/dev/null || true
  kill -QUIT "$nginx_pid" 2>/dev/null || true
  wait || true
  rm -rf "$dir" "$ring" "$viewers"
}
trap cleanup EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$p_api/healthz" && break; sleep 0.1; done
# PAGES live pages, one visitor each (distinct addresses: distinct visitors).
for i in $(seq "$pages"); do
  [ "$i" = 1 ] || echo "next"  # options after a next are this URL's own
  echo "url = \"http://127.0.0.1:$p_plain/p/$i\""
  echo "header = \"X-Forwarded-For: 10.$((i / 65536 % 256)).$((i / 256 % 256)).$((i % 256))\""
  echo "user-agent = \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36\""
  echo "output = /dev/null"
done >"$dir/curl.cfg"
curl -s --parallel --parallel-max 16 --no-progress-meter -K "$dir/curl.cfg"
# The page wrk reads is /p/1: in the table with one viewer.
for _ in $(seq 100); do
  shown=$(curl -s -D - -o /dev/null "http://127.0.0.1:$p_viewers/p/1" | tr -d '\r' |
    awk 'tolower($1) == "x-viewers:" {print $2}')
  [ "$shown" = 1 ] && break
  sleep 0.1
done
[ "$shown" = 1 ] || { curl -s "http://127.0.0.1:$p_api/api/live" | head -c 600 >&2; echo "X-Viewers never showed /p/1's viewer (got '$shown')" >&2; exit 1; }
live=$(curl -s "http://127.0.0.1:$p_api/api/live" | python3 -c 'import json,sys; print(json.load(sys.stdin)["active"])')

results=$dir/results.txt
for round in $(seq "$rounds"); do
  for variant in plain:$p_plain viewers:$p_viewers; do
    name=${variant%%:*} p=${variant##*:}
    ticks_before=$(cpu_ticks)
    out=$(wrk -t1 -c16 -d"${seconds}s" "http://127.0.0.1:$p/p/1")
    ticks=$(($(cpu_ticks) - ticks_before))
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    echo "$round $name $rps $ticks $requests" >>"$results"
  done
done
python3 - "$results" "$live" "$pages" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
ticks_per_s = 100  # USER_HZ
def cpu_ns(r): return int(r[3]) * 1e9 / ticks_per_s / int(r[4])
by = {(r[0], r[1]): r for r in rows}
rounds = sorted({r[0] for r in rows}, key=int)
med = lambda xs: statistics.median(xs)
rps = {n: med([float(by[k, n][2]) for k in rounds]) for n in ("plain", "viewers")}
cpu = {n: med([cpu_ns(by[k, n]) for k in rounds]) for n in ("plain", "viewers")}
rps_ratio = med([float(by[k, "viewers"][2]) / float(by[k, "plain"][2]) for k in rounds])
cpu_diff = [cpu_ns(by[k, "viewers"]) - cpu_ns(by[k, "plain"]) for k in rounds]
print(f"live people {sys.argv[2]} on {sys.argv[3]} pages; {len(rounds)} pairs")
print(f"{'variant':8} {'req/s (median)':>15} {'CPU ns/req (median)':>20}")
for n in ("plain", "viewers"):
    print(f"{n:8} {rps[n]:15.0f} {cpu[n]:20.0f}")
print(f"viewers / plain, median of the pairs: req/s {rps_ratio:.3f}; "
      f"CPU per request {med([cpu_ns(by[k,'viewers'])/cpu_ns(by[k,'plain']) for k in rounds]):.3f}")
print(f"CPU difference per request (the variable + add_header), median of pairs: "
      f"{med(cpu_diff):.0f} ns (pairs: {' '.join(f'{d:.0f}' for d in cpu_diff)})")
PY
