#!/usr/bin/env bash
# Renders conf/nginx.conf.in for one nginx instance:
#   render-conf.sh OUT MODULE RUN_DIR RING LISTEN DOCROOT ONLOOKERD
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1 module=$2 run_dir=$3 ring=$4 listen=$5 docroot=$6 onlookerd=$7
mkdir -p "$run_dir/tmp"
sed -e "s|@MODULE@|$module|g" -e "s|@RUN_DIR@|$run_dir|g" -e "s|@RING@|$ring|g" \
    -e "s|@LISTEN@|$listen|g" -e "s|@DOCROOT@|$docroot|g" -e "s|@ONLOOKERD@|$onlookerd|g" \
    "$root/conf/nginx.conf.in" >"$out"
