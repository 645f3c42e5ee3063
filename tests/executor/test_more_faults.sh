#!/usr/bin/env bash
# test_more_faults.sh — the faults the examples do not use, against real servers: latency
# through a faultline-proxy delay file in front of Redis (this kernel has no netem) must be
# proven by client latency and pass on 3 seeds; clock skew on etcd (a Go program, whose
# clock libfaketime cannot move) must end INCONCLUSIVE-fault-not-proven with that reason;
# a scenario without a run block is NOT-RUN; loss, a one-way minority partition and a
# graceful restart on one seed each are proven but only PARTIAL-model (hardening needs 3).
# Session: DONE_WITH_CONCERNS, exit 0.
. "$FL_SOURCE_DIR/tests/lib.sh"
. "$FL_SOURCE_DIR/tests/executor/lib_exec.sh"
tmp=$(mktemp -d /tmp/fl-faults-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
base=$(fl_free_base)
sed -E "s/\"base_port\": 43000/\"base_port\": $base/; s/\"base_port\": 43100/\"base_port\": $((base + 40))/; s/\"base_port\": 43400/\"base_port\": $((base + 50))/" \
  "$FL_SOURCE_DIR/tests/executor/plans/more-faults.json" >"$tmp/plan.json"

t_run "more faults" 0 "$FAULTLINE" run "$tmp/plan.json" --out "$tmp/s"
echo "$T_OUT"
t_eq "latency verdict" "$(fl_json_field "$tmp/s/scenarios/S1/verdict.json" verdict)" "PASS-hardening"
t_contains "latency injector" "$(cat "$tmp/s/scenarios/S1/verdict.json")" "proxy delay 150 ms written"
t_contains "latency victim" "$(cat "$tmp/s/scenarios/S1/verdict.json")" "mean op latency"
v2="$tmp/s/scenarios/S2/verdict.json"
t_eq "skew verdict" "$(fl_json_field "$v2" verdict)" "INCONCLUSIVE-fault-not-proven"
t_contains "skew reason" "$(cat "$v2")" "is a Go program"
t_contains "skew injector" "$(cat "$v2")" "libfaketime offset +3600s written"
t_eq "not run" "$(fl_json_field "$tmp/s/scenarios/S3/verdict.json" verdict)" "NOT-RUN"
v6="$tmp/s/scenarios/S6/verdict.json"
t_eq "restart (1 seed)" "$(fl_json_field "$v6" verdict)" "PARTIAL-model"
t_contains "restart injector" "$(cat "$v6")" "SIGTERM to pid"
t_contains "restart victim" "$(cat "$v6")" "answered its health check as pid"
v4="$tmp/s/scenarios/S4/verdict.json"
if [ "$(id -u)" = 0 ] && ip netns add "fltestprobe$$" 2>/dev/null; then
  ip netns del "fltestprobe$$"
  t_eq "loss verdict (1 seed)" "$(fl_json_field "$v4" verdict)" "PARTIAL-model"
  t_contains "loss injector" "$(cat "$v4")" "iptables statistic DROP on n1"
  t_not_contains "loss counters rose" "$(cat "$v4")" "DROP rule packet counters 0 -> 0;"
  t_contains "loss reason" "$(cat "$v4")" "hardening needs 3 seeds"
  v5="$tmp/s/scenarios/S5/verdict.json"
  t_eq "one-way minority partition (1 seed)" "$(fl_json_field "$v5" verdict)" "PARTIAL-model"
  t_contains "one-way rules" "$(cat "$v5")" "iptables DROP on n"
  t_not_contains "one-way counters rose" "$(cat "$v5")" "DROP rule packet counters 0 -> 0;"
else
  t_eq "loss verdict (no namespaces)" "$(fl_json_field "$v4" verdict)" "INCONCLUSIVE-env"
fi
t_contains "session" "$T_OUT" "session verdict: DONE_WITH_CONCERNS"
if fl_wait_gone "$tmp"; then t_ok; else t_fail "left running: $(fl_leftovers "$tmp")"; fi
t_done
