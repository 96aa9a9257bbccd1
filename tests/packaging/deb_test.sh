#!/usr/bin/env bash
# The onlooker .deb, end to end, without touching the machine's /etc or /usr:
#   1. cpack builds it from the build tree (into a scratch directory);
#   2. its control data: name, version, the nginx ABI, library dependencies
#      that this Debian 12 machine satisfies, conffiles, maintainer scripts;
#   3. its files: Debian's module layout, modes, nothing stray, md5sums;
#   4. unpacked into a scratch root (dpkg-deb -x), the package's sysusers.d
#      and tmpfiles.d entries create its user and /run/onlooker;
#   5. the system's /usr/sbin/nginx loads the module through the packaged
#      load_module snippet (via modules-enabled, as Debian's nginx.conf does)
#      and serves the packaged example site, which makes the ring
#      root:onlooker 0660; the packaged onlookerd runs with the packaged
#      config as the packaged user, opens that ring, counts a visitor,
#      classifies its browser, and cannot write into /run/onlooker;
#   6. both report the same version and ring layout;
#   7. systemd-analyze verifies the unit and rates its exposure;
#   8. the maintainer scripts run in a private mount namespace.
#
#   deb_test.sh BUILD_DIR SOURCE_DIR [CPACK]
# Needs root (a second user through setpriv, a mount namespace); exit 77
# (skipped) otherwise. It runs in a private mount namespace, where the
# scratch root's /etc/passwd and /etc/group (the host's plus the packaged
# user) are bind-mounted over the host's, so that nginx and setpriv know
# user onlooker while the host's files stay untouched.
set -euo pipefail

build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
cpack=${3:-cpack}
here=$(cd "$(dirname "$0")" && pwd)

if [[ $(id -u) -ne 0 ]]; then
  echo "deb_test: needs root; skipped"
  exit 77
fi
if [[ -z ${ONLOOKER_DEB_TEST_NAMESPACE:-} ]]; then
  ONLOOKER_DEB_TEST_NAMESPACE=1 exec unshare --mount --propagation private "$0" "$@"
fi

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { echo "ok: $*"; }

tmp=$(mktemp -d /tmp/onlooker-deb-test.XXXXXX)
nginx_pid= onlookerd_pid=
cleanup() {
  [[ -n $onlookerd_pid ]] && kill -TERM "$onlookerd_pid" 2>/dev/null || true
  [[ -n $nginx_pid ]] && kill -QUIT "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
chmod 0755 "$tmp"  # nginx workers and the onlooker user walk through it

version=$(sed -n 's/^#define ONLOOKER_VERSION "\(.*\)"$/\1/p' "$src/shared/onlooker_version.h")
layout=$(sed -n 's/^#define ONLOOKER_RING_LAYOUT_VERSION \([0-9]*\)u\{0,1\}$/\1/p' "$src/shared/onlooker_ring.h")
[[ -n $version && -n $layout ]] || fail "cannot read the version or ring layout from shared/"

# --- 1. build ----------------------------------------------------------------
"$cpack" --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/packages" \
  -D CPACK_COMPONENTS_ALL=onlooker >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log" >&2; fail "cpack -G DEB"; }
deb=$tmp/packages/onlooker_${version}_$(dpkg --print-architecture).deb
[[ -f $deb ]] || fail "cpack did not write $deb: $(ls "$tmp/packages")"
ok "cpack wrote $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# --- 2. control data ---------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == onlooker ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] || fail "Version: $(field Version), expected $version"
depends=$(field Depends)
abi=$(sed -n 's/^nginx:abi=//p' /usr/share/nginx/src/debian/libnginx-mod.abisubstvars)
[[ -n $abi ]] || fail "no nginx:abi in nginx-dev's libnginx-mod.abisubstvars"
grep -Eq "(^|, )$abi(,|$)" <<<"$depends" || fail "Depends lacks $abi: $depends"
for dependency in adduser libc6 libsqlite3-0 libmaxminddb0 libboost-program-options libre2 libyaml-cpp; do
  grep -q "$dependency" <<<"$depends" || fail "Depends lacks $dependency: $depends"
done
grep -q "iso-codes" <<<"$(field Recommends)" || fail "Recommends lacks iso-codes (country names)"
# Every dependency is satisfied by this Debian 12 machine's packages.
mkdir -p "$tmp/deps/debian"
printf 'Source: onlooker-deps\n\nPackage: onlooker-deps\nArchitecture: any\n' >"$tmp/deps/debian/control"
(cd "$tmp/deps" && dpkg-checkbuilddeps -d "$depends" debian/control) ||
  fail "Depends not satisfiable here: $depends"
ok "control: $abi, shlibdeps, all satisfiable on this machine"

dpkg-deb -e "$deb" "$tmp/control"
for script in postinst prerm postrm; do
  [[ -x $tmp/control/$script ]] || fail "no executable $script"
  sh -n "$tmp/control/$script" || fail "$script: syntax"
done
[[ $(cat "$tmp/control/conffiles") == /etc/onlooker/onlookerd.conf ]] ||
  fail "conffiles: $(cat "$tmp/control/conffiles")"
ok "maintainer scripts and conffiles"

# --- 3. files ----------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{ print $1, $2, $NF }' >"$tmp/contents"
expect_file() {  # MODE PATH
  grep -qxF -- "$1 root/root .$2" "$tmp/contents" || fail "the package lacks $1 $2"
}
expect_file -rw-r--r-- /usr/lib/nginx/modules/ngx_http_onlooker_module.so
expect_file -rw-r--r-- /usr/share/nginx/modules-available/mod-http-onlooker.conf
expect_file -rwxr-xr-x /usr/sbin/onlookerd
expect_file -rw-r--r-- /lib/systemd/system/onlookerd.service
expect_file -rw-r--r-- /usr/lib/tmpfiles.d/onlooker.conf
expect_file -rw-r--r-- /usr/lib/sysusers.d/onlooker.conf
expect_file -rw-r--r-- /etc/onlooker/onlookerd.conf
expect_file -rw-r--r-- /usr/share/onlooker/regexes.yaml
expect_file -rw-r--r-- /usr/share/doc/onlooker/copyright
expect_file -rw-r--r-- /usr/share/doc/onlooker/INSTALL.md
expect_file -rw-r--r-- /usr/share/doc/onlooker/examples/nginx-site.conf
stray=$(awk '$1 !~ /^d/ { print $3 }' "$tmp/contents" |
  grep -Ev '^\./(usr/lib/nginx/modules|usr/share/nginx/modules-available|usr/sbin|lib/systemd/system|usr/lib/tmpfiles\.d|usr/lib/sysusers\.d|etc/onlooker|usr/share/onlooker|usr/share/doc/onlooker)/' || true)
[[ -z $stray ]] || fail "files outside Debian's layout: $stray"
ok "layout: $(grep -vc '^d' "$tmp/contents") files, all where Debian puts them"

root=$tmp/root
dpkg-deb -x "$deb" "$root"
(cd "$root" && md5sum --quiet -c "$tmp/control/md5sums") || fail "md5sums"
[[ $(cat "$root/usr/share/nginx/modules-available/mod-http-onlooker.conf") == \
   "load_module modules/ngx_http_onlooker_module.so;" ]] || fail "mod-http-onlooker.conf"
readelf -S "$root/usr/lib/nginx/modules/ngx_http_onlooker_module.so" | grep -q '\.symtab' &&
  fail "the module is not stripped"
ok "unpacked, md5sums match, module stripped"

# --- 4. user and /run/onlooker, from the package's own entries ----------------
# The scratch root starts with the host's users, so that the IDs sysusers
# picks are free on the host too; then this namespace sees the result.
mkdir -p "$root/etc"
getent passwd >"$root/etc/passwd"
getent group >"$root/etc/group"
systemd-sysusers --root="$root" onlooker.conf 2>"$tmp/sysusers.log" ||
  { cat "$tmp/sysusers.log" >&2; fail "systemd-sysusers"; }
uid=$(awk -F: '$1 == "onlooker" { print $3 }' "$root/etc/passwd")
gid=$(awk -F: '$1 == "onlooker" { print $3 }' "$root/etc/group")
[[ -n $uid && -n $gid && $uid -ne 0 ]] || fail "sysusers.d did not create user onlooker"
mount --bind "$root/etc/passwd" /etc/passwd
mount --bind "$root/etc/group" /etc/group
[[ $(id -u onlooker) == "$uid" ]] || fail "user onlooker not visible in the test's namespace"
systemd-tmpfiles --root="$root" --create onlooker.conf || fail "systemd-tmpfiles"
ring=$root/run/onlooker/ring
[[ $(stat -c '%u:%g %a' "$root/run/onlooker") == "0:$gid 750" ]] ||
  fail "/run/onlooker is $(stat -c '%u:%g %a' "$root/run/onlooker"), expected root:onlooker 750"
ok "user onlooker ($uid:$gid); /run/onlooker root:onlooker 0750"

# --- 5. nginx with the module, onlookerd as onlooker ---------------------------
free_port() {
  local port
  while :; do
    # Below the kernel's ephemeral range (32768-60999): no client connection
    # of a test running beside this one can be holding it.
    port=$((20000 + RANDOM % 12000))
    [[ -z $(ss -Htln "sport = :$port") ]] && { echo "$port"; return; }
  done
}
port=$(free_port)
api_port=$(free_port)
while [[ $api_port == "$port" ]]; do api_port=$(free_port); done

# What nginx-common and the postinst provide on a real system.
ln -s ../../lib/nginx/modules "$root/usr/share/nginx/modules"
# (The postinst's link is absolute, /usr/share/nginx/...; here it points into $root.)
mkdir -p "$root/etc/nginx/modules-enabled"
ln -s "$root/usr/share/nginx/modules-available/mod-http-onlooker.conf" \
  "$root/etc/nginx/modules-enabled/50-mod-http-onlooker.conf"

# The packaged example site, moved into the scratch directory. Each rewrite
# must hit exactly once, so that a changed example fails here, not silently.
site=$tmp/site.conf
cp "$root/usr/share/doc/onlooker/examples/nginx-site.conf" "$site"
rewrite() {  # FILE FROM TO
  local count
  count=$(grep -cxF -- "$2" "$1" || true)
  [[ $count -eq 1 ]] || fail "$(basename "$1"): expected one line '$2', found $count"
  FROM=$2 TO=$3 perl -i -pe 'chomp; $_ = $ENV{TO} if $_ eq $ENV{FROM}; $_ .= "\n"' "$1"
}
rewrite "$site" "onlooker_zone /run/onlooker/ring size=16m group=onlooker;" \
  "onlooker_zone $ring size=16m group=onlooker;"
rewrite "$site" "    listen 80;" "    listen 127.0.0.1:$port;"
rewrite "$site" "    listen [::]:80;" ""
rewrite "$site" "    root /var/www/html;" "    root $tmp/www;"
rewrite "$site" "        proxy_pass http://127.0.0.1:9190/;" "        proxy_pass http://127.0.0.1:$api_port/;"
mkdir -p "$tmp/www" "$tmp/nginx-tmp"
printf '<!doctype html><title>packaged</title><p>hello\n' >"$tmp/www/index.html"
echo ready >"$tmp/www/ready.txt"  # not text/html: not a page view

cat >"$tmp/nginx.conf" <<CONF
# Debian's nginx.conf loads modules this way.
include $root/etc/nginx/modules-enabled/*.conf;
pid $tmp/nginx.pid;
error_log $tmp/error.log notice;
worker_processes 1;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path $tmp/nginx-tmp/body;
    proxy_temp_path $tmp/nginx-tmp/proxy;
    fastcgi_temp_path $tmp/nginx-tmp/fastcgi;
    uwsgi_temp_path $tmp/nginx-tmp/uwsgi;
    scgi_temp_path $tmp/nginx-tmp/scgi;
    include $site;
}
CONF
# nginx's prefix is Debian's /usr/share/nginx, moved into $root: the
# snippet's relative "modules/..." resolves through nginx-common's link.
nginx_args=(-p "$root/usr/share/nginx/" -c "$tmp/nginx.conf" -e "$tmp/error.log")
/usr/sbin/nginx -t -q "${nginx_args[@]}" || { cat "$tmp/error.log" >&2; fail "nginx -t"; }
ok "nginx -t: the system's nginx loads the packaged module and the example site"

/usr/sbin/nginx "${nginx_args[@]}" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/ready.txt" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/ready.txt" || { cat "$tmp/error.log" >&2; fail "nginx does not serve"; }
[[ $(stat -c '%u:%g %a' "$ring") == "0:$gid 660" && -s $ring ]] ||
  fail "nginx made the ring $(stat -c '%u:%g %a %s' "$ring" 2>&1), expected root:onlooker 660"
grep -qF "onlooker module $version (ring layout $layout)" "$tmp/error.log" ||
  { cat "$tmp/error.log" >&2; fail "nginx did not log 'onlooker module $version (ring layout $layout)'"; }
ok "nginx made the ring root:onlooker 0660; logs module $version, ring layout $layout"

# The packaged config, moved into the scratch directory the same way; no
# active setting may still name a path outside it.
config=$tmp/onlookerd.conf
cp "$root/etc/onlooker/onlookerd.conf" "$config"
rewrite "$config" "ring = /run/onlooker/ring" "ring = $ring"
rewrite "$config" "db = /var/lib/onlooker/onlooker.db" "db = $tmp/state/onlooker.db"
rewrite "$config" "listen = 127.0.0.1:9190" "listen = 127.0.0.1:$api_port"
rewrite "$config" "ua-regexes = /usr/share/onlooker/regexes.yaml" \
  "ua-regexes = $root/usr/share/onlooker/regexes.yaml"
outside=$(grep -Ev '^[[:space:]]*(#|$)' "$config" | grep -E '= */' | grep -vF "= $tmp/" || true)
[[ -z $outside ]] || fail "onlookerd.conf names paths the test did not move: $outside"
install -d -o "$uid" -g "$gid" -m 0750 "$tmp/state"  # StateDirectory=onlooker

as_onlooker=(setpriv --reuid=onlooker --regid=onlooker --init-groups --no-new-privs --)
"${as_onlooker[@]}" "$root/usr/sbin/onlookerd" --config "$config" 2>"$tmp/onlookerd.log" &
onlookerd_pid=$!
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/onlooker/healthz" 2>/dev/null && break
  kill -0 "$onlookerd_pid" 2>/dev/null || break
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/onlooker/healthz" ||
  { cat "$tmp/onlookerd.log" >&2; fail "onlookerd (as onlooker, packaged config) is not healthy"; }
ok "onlookerd runs as onlooker with the packaged config, behind the packaged site"

# The onlooker user may use the ring but not replace entries next to it.
if "${as_onlooker[@]}" ln -s /etc/passwd "$root/run/onlooker/planted" 2>/dev/null; then
  fail "user onlooker can create files in /run/onlooker"
fi
ok "user onlooker cannot create entries in /run/onlooker"

# Without a token (the packaged file has none; the postinst writes one, see
# step 8), the private endpoints answer this machine only, not through nginx.
site=http://127.0.0.1:$port/onlooker
code() { curl -sS -o /dev/null -w '%{http_code}' "$@"; }
websocket=(-H "Connection: Upgrade" -H "Upgrade: websocket" -H "Sec-WebSocket-Version: 13"
           -H "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")
for path in /api/live /api/history /metrics /; do
  [[ $(code "$site$path") == 401 ]] || fail "no token: $path through nginx answered $(code "$site$path"), expected 401"
done
[[ $(code "${websocket[@]}" "$site/ws") == 401 ]] || fail "no token: /ws through nginx not 401"
for path in /api/count /widget.js /beacon.js; do
  [[ $(code "$site$path") == 200 ]] || fail "public $path through nginx answered $(code "$site$path")"
done
ok "no token: dashboard, /api/live, /api/history, /metrics, /ws 401 through nginx; count and scripts 200"

chrome="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
curl -fsS -o /dev/null -A "$chrome" "http://127.0.0.1:$port/"
live=
for _ in $(seq 50); do
  live=$(curl -fsS "http://127.0.0.1:$api_port/api/live")  # this machine itself
  grep -Eq '"active": ?1[,}]' <<<"$live" && break
  sleep 0.1
done
grep -Eq '"active": ?1[,}]' <<<"$live" || fail "no active visitor: $live"
grep -Eq '"device": ?"desktop"' <<<"$live" && grep -Eq '"browser": ?"Chrome"' <<<"$live" ||
  fail "the packaged regexes did not classify the visitor: $live"
ok "a page view: active 1, desktop Chrome (packaged uap-core regexes)"

# With a token (as the postinst writes it): through nginx only with it.
kill -TERM "$onlookerd_pid"
wait "$onlookerd_pid" || fail "onlookerd exited $? on SIGTERM"
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
printf 'token = %s\n' "$token" >>"$config"
"${as_onlooker[@]}" "$root/usr/sbin/onlookerd" --config "$config" 2>>"$tmp/onlookerd.log" &
onlookerd_pid=$!
for _ in $(seq 100); do
  curl -fsS -o /dev/null "$site/healthz" 2>/dev/null && break
  sleep 0.1
done
bearer=(-H "Authorization: Bearer $token")
for path in /api/live /api/history /metrics; do
  [[ $(code "$site$path") == 401 ]] || fail "token set: $path without it answered $(code "$site$path")"
  [[ $(code "${bearer[@]}" "$site$path") == 200 ]] || fail "token set: $path with it not 200"
done
[[ $(code "$site/") == 303 && $(code "${bearer[@]}" "$site/") == 200 ]] ||
  fail "token set: the dashboard answered $(code "$site/") / $(code "${bearer[@]}" "$site/")"
[[ $(code "${websocket[@]}" "$site/ws") == 401 ]] || fail "token set: /ws without it not 401"
[[ $(code --max-time 2 "${websocket[@]}" "${bearer[@]}" "$site/ws" || true) == 101 ]] ||
  fail "token set: /ws with it not 101"
[[ $(code "$site/api/count") == 200 && $(code "$site/widget.js") == 200 ]] || fail "token set: public paths"
[[ $("$root/usr/sbin/onlookerd" --config "$config" --login-url) == "http://127.0.0.1:$api_port/login#token=$token" ]] ||
  fail "--login-url: $("$root/usr/sbin/onlookerd" --config "$config" --login-url)"
ok "token set: private paths 401 without it, 200 with it (dashboard 303 to sign-in); --login-url"

kill -TERM "$onlookerd_pid"
status=0
wait "$onlookerd_pid" || status=$?
onlookerd_pid=
[[ $status -eq 0 ]] || { cat "$tmp/onlookerd.log" >&2; fail "onlookerd exited $status on SIGTERM"; }
[[ $(stat -c '%u %a' "$tmp/state/onlooker.db") == "$uid 600" ]] ||
  fail "database is $(stat -c '%u %a' "$tmp/state/onlooker.db")"
views=$(sqlite3 "$tmp/state/onlooker.db" "SELECT count(*) FROM hits WHERE kind = 'view'")
[[ $views == 1 ]] || fail "hits holds $views views, expected 1"
ok "SIGTERM: exit 0, the view committed to a 0600 database owned by onlooker"
kill -QUIT "$nginx_pid"
wait "$nginx_pid" || true
nginx_pid=

# --- 6. versions ---------------------------------------------------------------
reported=$("$root/usr/sbin/onlookerd" --version)
[[ $reported == "onlookerd $version (ring layout $layout)" ]] ||
  fail "onlookerd --version: '$reported'"
ok "onlookerd --version: $reported (the module said the same)"

# --- 7. systemd ----------------------------------------------------------------
# What systemd and dash provide on a real system, for the unit's commands
# and default dependencies.
mkdir -p "$root/usr/bin" "$root/bin"
cp /usr/bin/systemd-tmpfiles "$root/usr/bin/"
cp /bin/dash "$root/bin/"
ln -s dash "$root/bin/sh"
for target in sysinit basic shutdown network multi-user; do
  cp /lib/systemd/system/$target.target "$root/lib/systemd/system/"
done
verify=$(systemd-analyze verify --root="$root" onlookerd.service 2>&1) ||
  fail "systemd-analyze verify: $verify"
[[ -z $verify ]] || fail "systemd-analyze verify warns: $verify"
exposure=$(systemd-analyze security --offline=yes --root="$root" onlookerd.service 2>&1 |
  sed -n 's/.*Overall exposure level for onlookerd.service: \([0-9.]*\).*/\1/p')
[[ -n $exposure ]] || fail "systemd-analyze security gave no exposure level"
awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' ||
  fail "onlookerd.service exposure $exposure, expected at most 2.0"
unit=$root/lib/systemd/system/onlookerd.service
grep -qx "User=onlooker" "$unit" && grep -qx "StateDirectory=onlooker" "$unit" &&
  grep -qx "ReadWritePaths=/run/onlooker" "$unit" ||
  fail "onlookerd.service: User=, StateDirectory= or ReadWritePaths= changed"
ok "systemd-analyze verify: clean; security exposure $exposure"

# --- 8. maintainer scripts -------------------------------------------------------
unshare --mount --propagation private \
  "$here/maintainer_scripts.sh" "$tmp/control" "$tmp/maintainer" "$root/etc/onlooker/onlookerd.conf" ||
  fail "maintainer scripts"
ok "maintainer scripts: user, stat override, tmpfiles, module link, trigger, service"

echo "deb_test: all checks passed"
