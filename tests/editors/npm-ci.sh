#!/usr/bin/env bash
# npm-ci.sh DIR — installs DIR's pinned npm packages (package-lock.json) with
# `npm ci --ignore-scripts` unless DIR/node_modules is already newer than the lock. Serialised
# with flock so two tests never install into the same folder at once. CI starts from a clean
# clone, so the editor and format tests call this first.
set -euo pipefail
dir=$1
stamp="$dir/node_modules/.faultline-stamp"
exec 9>"$dir/.npm-ci.lock"
flock 9
if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
  echo "npm ci --ignore-scripts in $dir"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$stamp"
fi
