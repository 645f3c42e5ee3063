#!/usr/bin/env bash
# test_partition_example.sh — the partition example: etcd members in network namespaces,
# the leader isolated with iptables DROP rules. Where the machine allows namespaces (root
# here) it runs and must prove the cut (DROP counters rose, the cut node failed its
# health check) and pass; run without CAP_NET_ADMIN (as nobody) it must end
# INCONCLUSIVE-env naming the reason, exit 3, never silently skip. No namespace or process
# may be left behind.
. "$FL_SOURCE_DIR/tests/lib.sh"
. "$FL_SOURCE_DIR/tests/executor/lib_exec.sh"
tmp=$(mktemp -d /tmp/fl-part-test.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
cp "$FL_SOURCE_DIR/examples/plans/partition.json" "$tmp/plan.json"
chmod 644 "$tmp/plan.json"

if [ "$(id -u)" = 0 ] && ip netns add "fltestprobe$$" 2>/dev/null; then
  ip netns del "fltestprobe$$"
  "$FAULTLINE" run "$tmp/plan.json" --out "$tmp/s" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  wait $pid
  rc=$?
  cat "$tmp/out"
  t_eq "exit" "$rc" 0
  v="$tmp/s/scenarios/S1/verdict.json"
  t_eq "verdict" "$(fl_json_field "$v" verdict)" "PASS-hardening"
  body=$(cat "$v")
  t_contains "drop counters" "$body" "DROP rule packet counters 0 -> "
  t_not_contains "drop counters rose" "$body" "DROP rule packet counters 0 -> 0;"
  t_contains "victim" "$body" "failed its health check"
  t_contains "namespaces" "$(cat "$tmp/out")" "in network namespaces"
  t_eq "no namespace left" "$(ip netns list | grep -c "^fl$pid" || true)" "0"
  if fl_wait_gone "$tmp"; then t_ok; else t_fail "left running: $(fl_leftovers "$tmp")"; fi
else
  echo "namespaces are not available to this test user: only the INCONCLUSIVE-env path runs"
fi

# Without CAP_NET_ADMIN: INCONCLUSIVE-env with the reason.
mkdir -p "$tmp/bin" "$tmp/nobody"
cp "$FAULTLINE" "$tmp/bin/faultline"
chmod 755 "$tmp/bin" "$tmp/bin/faultline"
chmod 777 "$tmp/nobody"
if [ "$(id -u)" = 0 ]; then
  t_run "as nobody" 3 setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$tmp/bin/faultline" run "$tmp/plan.json" --out "$tmp/nobody/s"
else
  t_run "unprivileged" 3 "$tmp/bin/faultline" run "$tmp/plan.json" --out "$tmp/nobody/s"
fi
v="$tmp/nobody/s/scenarios/S1/verdict.json"
t_eq "env verdict" "$(fl_json_field "$v" verdict)" "INCONCLUSIVE-env"
t_contains "env reason" "$(cat "$v")" "partition fault needs network namespaces"
t_contains "env session" "$T_OUT" "session verdict: INCONCLUSIVE"
t_done
