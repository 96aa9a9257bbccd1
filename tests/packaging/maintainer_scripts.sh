#!/usr/bin/env bash
# Runs the onlooker package's postinst, prerm and postrm as dpkg would, in a
# private mount namespace (deb_test.sh starts this with `unshare --mount`)
# where /etc and /run are empty tmpfs mounts, and every command that would
# change the system (adduser, dpkg-statoverride, systemd-tmpfiles,
# dpkg-trigger, deb-systemd-helper, deb-systemd-invoke, systemctl) is a stub
# that records its arguments. Nothing outlives the namespace.
#   maintainer_scripts.sh CONTROL_DIR WORK_DIR PACKAGED_ONLOOKERD_CONF
set -euo pipefail

control=$1
work=$2
packaged_conf=$3
fail() {
  echo "FAIL (maintainer scripts): $*" >&2
  exit 1
}

# Refuse to touch /etc or /run outside a private mount namespace.
[[ $(readlink /proc/self/ns/mnt) != "$(readlink /proc/1/ns/mnt)" ]] ||
  fail "not in a private mount namespace (run through unshare --mount)"
mount -t tmpfs -o mode=0755 onlooker-test-etc /etc
mount -t tmpfs -o mode=0755 onlooker-test-run /run
mkdir -p /etc/nginx/modules-enabled

mkdir -p "$work/stubs" "$work/bin"
for command in adduser dpkg-statoverride systemd-tmpfiles dpkg-trigger \
               deb-systemd-helper deb-systemd-invoke systemctl getent; do
  cat >"$work/stubs/$command" <<STUB
#!/bin/sh
echo "$command \$*" >>"$work/calls"
case "$command \$*" in
  "getent passwd onlooker") exit 2 ;;              # no such user yet
  "dpkg-statoverride --list "*) exit 1 ;;          # no override yet
  "deb-systemd-helper --quiet was-enabled "*) exit 0 ;;  # defaults to enabled
esac
exit 0
STUB
  chmod 0755 "$work/stubs/$command"
done
# For the run without systemd: the stubs and the few tools the scripts use.
for tool in sh install ln rm mv rmdir grep od tr sed cat; do
  ln -sf "$(command -v "$tool")" "$work/bin/$tool"
done
for stub in adduser dpkg-statoverride dpkg-trigger deb-systemd-helper getent; do
  ln -sf "$work/stubs/$stub" "$work/bin/$stub"
done

run() {  # SCRIPT ARGS...
  : >"$work/calls"
  PATH=$work/stubs:$PATH sh "$control/$1" "${@:2}" >"$work/output" 2>&1 ||
    fail "$1 $* exited $?: $(cat "$work/output")"
}
called() {
  grep -qxF -- "$1" "$work/calls" || fail "expected call '$1'; calls were: $(cat "$work/calls")"
}
not_called() {
  if grep -q -- "$1" "$work/calls"; then fail "unexpected call '$1': $(cat "$work/calls")"; fi
}
link=/etc/nginx/modules-enabled/50-mod-http-onlooker.conf
target=/usr/share/nginx/modules-available/mod-http-onlooker.conf

conf=/etc/onlooker/onlookerd.conf
fresh_conf() {  # what dpkg unpacks, with the mode dpkg-statoverride gives it
  mkdir -p /etc/onlooker
  cp "$packaged_conf" "$conf"
  chmod 0640 "$conf"
}
token_in_conf() {
  sed -n 's/^token = \([0-9a-f]*\)$/\1/p' "$conf"
}
grep -Eq '^[[:space:]]*token[[:space:]]*=' "$packaged_conf" && fail "the packaged config sets a token"

# A fresh install on a system running systemd.
mkdir -p /run/systemd/system
fresh_conf
inode=$(stat -c %i "$conf")
run postinst configure
first=$(token_in_conf)
[[ ${#first} -eq 48 ]] || fail "postinst wrote no 192-bit token into $conf: '$first'"
[[ $(grep -c '^token = ' "$conf") -eq 1 ]] || fail "more than one token line"
[[ $(stat -c '%i %a' "$conf") == "$inode 640" ]] || fail "postinst replaced $conf or changed its mode"
grep -qF -- "--login-url" "$work/output" || fail "postinst did not say how to sign in: $(cat "$work/output")"
grep -qF -- "$first" "$work/output" && fail "postinst printed the token into the install output"
called "adduser --quiet --system --group --no-create-home --home /var/lib/onlooker --gecos Onlooker analytics daemon onlooker"
called "dpkg-statoverride --quiet --update --add root onlooker 0640 /etc/onlooker/onlookerd.conf"
called "systemd-tmpfiles --create onlooker.conf"
called "dpkg-trigger --no-await nginx-reload"
called "deb-systemd-helper enable onlookerd.service"
called "systemctl --system daemon-reload"
called "deb-systemd-invoke start onlookerd.service"
[[ $(readlink "$link") == "$target" ]] || fail "postinst did not link $link"

# Removal: onlookerd stopped, the link kept as .removed, nginx reloaded.
run prerm remove
called "deb-systemd-invoke stop onlookerd.service"
[[ ! -e $link && $(readlink "$link.removed") == "$target" ]] || fail "prerm did not set the link aside"
run postrm remove
called "dpkg-trigger --no-await nginx-reload"
called "deb-systemd-helper mask onlookerd.service"

# Reinstall after that removal: the link comes back, the service restarts,
# the token stays.
run postinst configure 0.0.1
[[ $(token_in_conf) == "$first" ]] || fail "an upgrade changed the token"
[[ $(readlink "$link") == "$target" && ! -e $link.removed ]] || fail "reinstall did not restore the link"
called "deb-systemd-invoke restart onlookerd.service"

# An upgrade keeps an administrator's own removal of the link.
rm "$link"
run postinst configure 0.0.1
[[ ! -e $link ]] || fail "an upgrade re-enabled a module the administrator disabled"

# Purge: the links go, the unit's state is purged.
ln -s "$target" "$link"
ln -s "$target" "$link.removed"
run postrm purge
[[ ! -e $link && ! -e $link.removed ]] || fail "purge left the module links"
called "deb-systemd-helper purge onlookerd.service"

# Another machine's install: another token. An explicit `open = true` is kept.
fresh_conf
run postinst configure
second=$(token_in_conf)
[[ ${#second} -eq 48 && $second != "$first" ]] || fail "two installs, tokens '$first' and '$second'"
fresh_conf
echo "open = true" >>"$conf"
run postinst configure
[[ -z $(token_in_conf) ]] || fail "postinst set a token although open = true"
fresh_conf

# Without systemd (a container): the postinst makes /run/onlooker itself,
# with the same ownership as tmpfiles.d/onlooker.conf.
rm -rf /run/systemd /run/onlooker
echo "root:x:0:0:root:/root:/bin/sh" >/etc/passwd
printf 'root:x:0:\nonlooker:x:64123:\n' >/etc/group
: >"$work/calls"
PATH=$work/bin sh "$control/postinst" configure || fail "postinst without systemd exited $?"
not_called systemctl
[[ $(stat -c '%u:%g %a' /run/onlooker) == "0:64123 750" ]] ||
  fail "without systemd, /run/onlooker is $(stat -c '%u:%g %a' /run/onlooker)"

[[ $(token_in_conf | wc -c) -eq 49 ]] || fail "without systemd, no token written"

echo "maintainer scripts: all checks passed"
