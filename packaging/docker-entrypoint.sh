#!/bin/bash
# The container's main process (under tini): nginx and onlookerd, set up as
# the .deb sets them up on a host, without systemd. nginx's master runs as
# root and its workers as www-data (Debian's nginx.conf); onlookerd runs as
# the onlooker user. Every log goes to stdout. When either server exits, the
# other is stopped and the container exits; `docker stop` (SIGTERM) stops both
# (onlookerd drains the ring and commits first).
set -euo pipefail
exec 2>&1

# What systemd-tmpfiles (tmpfiles.d/onlooker.conf) and StateDirectory= do on
# a host: /run/onlooker root:onlooker 0750, where nginx creates the ring
# (root:onlooker 0660, group=onlooker), and the history volume owned by
# onlooker.
install -d -o root -g onlooker -m 0750 /run/onlooker
install -d -o onlooker -g onlooker -m 0750 /var/lib/onlooker

nginx -t -q
nginx -g 'daemon off;' &
nginx_pid=$!
# nginx initialises the ring while it reads its configuration.
for _ in $(seq 100); do
  [[ -s /run/onlooker/ring ]] && break
  sleep 0.1
done

setpriv --reuid=onlooker --regid=onlooker --init-groups --no-new-privs -- \
  onlookerd --config /etc/onlooker/onlookerd.conf &
onlookerd_pid=$!

signalled=0
stop() {
  kill -TERM "$onlookerd_pid" 2>/dev/null || true
  wait "$onlookerd_pid" 2>/dev/null || true
  kill -QUIT "$nginx_pid" 2>/dev/null || true
}
trap 'signalled=1; stop' TERM INT

set +e
wait -n "$nginx_pid" "$onlookerd_pid"
status=$?
stop
wait
if ((signalled)); then
  exit 0  # docker stop: both servers stopped cleanly
fi
echo "docker-entrypoint: a server exited with status $status; stopping" >&2
exit "$status"
