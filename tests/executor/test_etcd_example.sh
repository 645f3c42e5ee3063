#!/usr/bin/env bash
# test_etcd_example.sh — the shipped etcd example end to end against real etcd from Debian:
# a 3-member cluster on 127.0.0.1 under leader kill and pause with a cas-register workload
# ends PASS-hardening, with landing evidence from both sides cited, and leaves nothing
# running.
. "$FL_SOURCE_DIR/tests/lib.sh"
. "$FL_SOURCE_DIR/tests/executor/lib_exec.sh"
tmp=$(mktemp -d /tmp/fl-etcd-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
base=$(fl_free_base)
fl_plan_at "$FL_SOURCE_DIR/examples/plans/etcd-kill-pause.json" "$tmp/plan.json" "$base"

t_run "etcd example" 0 "$FAULTLINE" run "$tmp/plan.json" --out "$tmp/s"
echo "$T_OUT"
v="$tmp/s/scenarios/S1/verdict.json"
t_eq "verdict" "$(fl_json_field "$v" verdict)" "PASS-hardening"
t_eq "tier" "$(fl_json_field "$v" budget_tier_met)" "hardening"
t_contains "progress" "$T_OUT" "cluster of 3 up"
t_contains "progress" "$T_OUT" "session verdict: DONE"
body=$(cat "$v")
t_contains "kill injector" "$body" "SIGKILL to pid"
t_contains "kill victim" "$body" "answered its health check as pid"
t_contains "kill victim old pid" "$body" "is gone"
t_contains "pause victim" "$body" "state T"
t_contains "log evidence" "$body" "became leader at term"
t_not_contains "all proven" "$body" "\"proven\": false"
t_contains "oracle evidence" "$(fl_json_field "$v" oracle_evidence)" "linearizable"
t_contains "seeds" "$body" "\"seeds\": [
    1,
    2,
    3
  ]"
for f in report.md report.json report.sarif session-log.md scenarios/S1/history.jsonl \
  scenarios/S1/nemesis.jsonl scenarios/S1/checker.json scenarios/S1/logs/n1.log; do
  if [ -s "$tmp/s/$f" ]; then t_ok; else t_fail "missing $f"; fi
done
t_contains "history has nemesis lines" "$(cat "$tmp/s/scenarios/S1/history.jsonl")" '"process":"nemesis"'
t_contains "report" "$(cat "$tmp/s/report.md")" "## Scenario results"
if fl_wait_gone "$tmp"; then t_ok; else t_fail "left running: $(fl_leftovers "$tmp")"; fi
t_done
