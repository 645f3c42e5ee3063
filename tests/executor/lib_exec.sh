# lib_exec.sh — helpers for the executor's cluster tests (source after tests/lib.sh).
# They start real servers on 127.0.0.1 (ports found free in 21000–32000, below the kernel's
# ephemeral range so no client connection can take a node's port during a restart) and in
# network namespaces of their own, and check that nothing is left running afterwards.

# fl_free_base: a base port with 64 free ports above it (other engineers' tests may run).
fl_free_base() {
  local used base p ok
  used=$(ss -Htan 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)
  for base in $(seq 21000 100 32000); do
    ok=1
    for p in $(seq "$base" "$((base + 63))"); do
      if grep -qx "$p" <<<"$used"; then ok=0; break; fi
    done
    if [ "$ok" = 1 ]; then echo "$base"; return 0; fi
  done
  echo 21000
}

# fl_plan_at SRC DST BASE: a copy of a plan with its base_port moved to BASE.
fl_plan_at() {
  sed -E "s/\"base_port\": *[0-9]+/\"base_port\": $3/" "$1" >"$2"
}

# fl_leftovers DIR: prints processes whose command line mentions DIR or the test's ports.
fl_leftovers() {
  pgrep -af -- "$1" | grep -v -e pgrep -e "$$" || true
}

# fl_wait_gone DIR: waits (bounded) until no process mentions DIR.
fl_wait_gone() {
  local i
  for i in $(seq 1 50); do
    [ -z "$(fl_leftovers "$1")" ] && return 0
    sleep 0.1
  done
  return 1
}

# fl_json_field FILE KEY: the first "KEY": "value" string in a pretty-printed JSON file.
fl_json_field() {
  grep -m1 -o "\"$2\": \"[^\"]*\"" "$1" | sed -E 's/.*: "(.*)"/\1/'
}
