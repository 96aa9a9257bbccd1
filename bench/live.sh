#!/usr/bin/env bash
# Hit-to-dashboard latency (1,000 and 10,000 hits/s; push interval 100 and
# 1000 ms) and WebSocket fan-out (ONLOOKER_FANOUT_CLIENTS, default 10,000, for
# ONLOOKER_FANOUT_SECONDS, default 15; ONLOOKER_FANOUT_DEFLATE=1 for clients
# that negotiate permessage-deflate, as browsers do) against a real nginx +
# onlookerd on loopback.   live.sh BUILD_DIR [latency|fanout]...
set -euo pipefail
source "$(dirname "$0")/bench_nginx.sh"
build=$1; shift
parts=("$@"); ((${#parts[@]})) || parts=(latency fanout)
dir=$(mktemp -d /tmp/onlooker-live-XXXXXX)
chmod 755 "$dir"; mkdir -p "$dir/site" "$dir/tmp"
echo '<!doctype html><title>live</title><p>hello</p>' >"$dir/site/index.html"
site=$(port) api=$(port)
cat >"$dir/nginx.conf" <<CONF
$(nginx_conf_head "$build" "$dir" 4096)
    onlooker_zone $dir/ring size=64m;
    set_real_ip_from 127.0.0.1; real_ip_header X-Forwarded-For;
    default_type text/html;
    server { listen 127.0.0.1:$site; root $dir/site; onlooker on; onlooker_query on; }
}
CONF
/usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;' &
nginx_pid=$! onlookerd_pid=
cleanup() {
  [[ -n $onlookerd_pid ]] && kill -TERM "$onlookerd_pid" 2>/dev/null || true
  kill -QUIT "$nginx_pid" 2>/dev/null || true; wait || true; rm -rf "$dir"
}
trap cleanup EXIT
sleep 0.5
start_onlookerd() {
  [[ -n $onlookerd_pid ]] && { kill -TERM "$onlookerd_pid"; wait "$onlookerd_pid" || true; }
  rm -f "$dir/history.db"*
  "$build/aggregator/onlookerd" --ring "$dir/ring" --db "$dir/history.db" \
    --listen "127.0.0.1:$api" --push-interval "$1" 2>>"$dir/onlookerd.log" &
  onlookerd_pid=$!
  sleep 0.5
}
clients=${ONLOOKER_FANOUT_CLIENTS:-10000} seconds=${ONLOOKER_FANOUT_SECONDS:-15}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
for part in "${parts[@]}"; do
  case $part in
    latency)
      for push in 100 1000; do
        start_onlookerd "$push"
        for rate in 1000 10000; do
          echo -n "push-interval $push ms: "
          "$build/bench/onlooker_live_bench" latency "$site" "$api" "$rate" 10
        done
      done ;;
    fanout)
      # Alternately against its peer, the least any server can do (a bare
      # send() loop of one 2,000-byte frame, about onlookerd's message size
      # half way through), unless the clients deflate, which that peer does not.
      for round in 1 2; do
        [[ -n ${ONLOOKER_FANOUT_DEFLATE:-} ]] ||
          "$build/bench/onlooker_live_bench" fanout-floor "$clients" "$seconds" 2000
        start_onlookerd 1000
        ONLOOKERD_PID=$onlookerd_pid "$build/bench/onlooker_live_bench" fanout "$api" \
          "$clients" "$seconds" "$site"
      done ;;
  esac
done
