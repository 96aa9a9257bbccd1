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

# The dashboard's token: ONLOOKER_TOKEN if given, else a mounted config's,
# else one made on first
# start and kept in the history volume (the image itself holds none: the
# Dockerfile removes the one the .deb wrote, which every container would
# share). The sign-in link is printed once, when a token is made.
# ONLOOKER_PUBLIC_URL (default http://localhost/onlooker/): where browsers
# reach the dashboard, for that link and Secure cookies. The token goes into
# a runtime copy of the config (root:onlooker 0640), not onto a command line.
public_url=${ONLOOKER_PUBLIC_URL:-http://localhost/onlooker/}
token_file=/var/lib/onlooker/token
made_token=0
configured=$(sed -n 's/^[[:space:]]*token[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p' \
  /etc/onlooker/onlookerd.conf | tail -n 1)
if [[ -n ${ONLOOKER_TOKEN:-} ]]; then
  token=$ONLOOKER_TOKEN
elif [[ -n $configured ]]; then
  token=$configured  # a mounted onlookerd.conf of your own
else
  if [[ ! -s $token_file ]]; then
    (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$token_file.new")
    mv "$token_file.new" "$token_file"
    made_token=1
  fi
  token=$(cat "$token_file")
fi
conf=/run/onlooker/onlookerd.conf
(umask 027 && grep -Ev '^[[:space:]]*(token|public-url)[[:space:]]*=' /etc/onlooker/onlookerd.conf >"$conf")
printf 'token = %s\npublic-url = %s\n' "$token" "$public_url" >>"$conf"
chgrp onlooker "$conf"
if ((made_token)); then
  echo "docker-entrypoint: the dashboard needs a sign-in; a new token is in $token_file (volume)."
  echo "docker-entrypoint: sign in at $(onlookerd --config "$conf" --login-url)"
fi

setpriv --reuid=onlooker --regid=onlooker --init-groups --no-new-privs -- \
  onlookerd --config "$conf" &
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
