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
  libmaxminddb-dev mmdb-bin libmaxmind-db-writer-perl
  nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
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
echo "setup.sh: dependencies present"
