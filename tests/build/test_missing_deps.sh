#!/usr/bin/env bash
# test_missing_deps.sh — when a dependency is missing, configuring stops with a message that
# names the command installing it (Debian libraries through pkg-config; the npm packages).
. "$FL_SOURCE_DIR/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# CMake wraps long messages: compare with white space folded.
flat() { printf '%s %s' "$T_ERR" "$T_OUT" | tr -s ' \n\t' '   '; }

# No pkg-config modules visible: jansson is the first one looked up.
t_run "no jansson" 1 env PKG_CONFIG_LIBDIR="$tmp/none" PKG_CONFIG_PATH= cmake -S "$FL_SOURCE_DIR" -B "$tmp/b1"
t_contains "no jansson" "$(flat)" "jansson is missing. Install it with: sudo apt-get install -y libjansson-dev"

# No npm packages: the runtime's lib.c is missing.
t_run "no node_modules" 1 cmake -S "$FL_SOURCE_DIR" -B "$tmp/b2" -DFL_NODE_MODULES="$tmp/empty"
t_contains "no node_modules" "$(flat)" "npm ci --ignore-scripts"

t_done
