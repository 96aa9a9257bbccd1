#!/usr/bin/env bash
# Builds ngx_http_onlooker_module.so against Debian's nginx-dev tree, the way
# Debian builds its own dynamic modules (see debhelper's nginx_mod.pm):
# configure a writable copy of /usr/share/nginx/src with the flags Debian's
# nginx was built with (which include --with-compat), then `make modules`.
#   build-module.sh BUILD_DIR OUTPUT.so
# configure (~17 s) runs only when the module's config changed.
set -euo pipefail

build=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
ngx_src=/usr/share/nginx/src

if [[ ! -f $ngx_src/conf_flags ]]; then
  echo "build-module.sh: $ngx_src is missing: install nginx-dev (scripts/setup.sh)" >&2
  exit 1
fi

mkdir -p "$build"
stamp=$build/configured.stamp
if [[ ! -f $stamp || $here/config -nt $stamp || $ngx_src/conf_flags -nt $stamp ]]; then
  rm -rf "$build/nginx-src" "$build/objs"
  cp -a "$ngx_src" "$build/nginx-src"
  (
    cd "$build/nginx-src"
    # shellcheck disable=SC1091
    . ./conf_flags
    ./configure \
      --with-cc-opt="$(dpkg-buildflags --get CFLAGS) -fPIC $(dpkg-buildflags --get CPPFLAGS)" \
      --with-ld-opt="$(dpkg-buildflags --get LDFLAGS) -fPIC" \
      "${NGX_CONF_FLAGS[@]}" \
      --add-dynamic-module="$here" \
      --builddir="$build/objs" >"$build/configure.log" 2>&1 \
      || { tail -30 "$build/configure.log" >&2; exit 1; }
  )
  touch "$stamp"
fi

make -s -f "$build/objs/Makefile" -C "$build/nginx-src" modules
cp "$build/objs/ngx_http_onlooker_module.so" "$out"
