#!/usr/bin/env bash
# test_teardown.sh — nothing is left running after any exit: SIGTERM and SIGINT in the middle
# of a workload (faultline tears down and keeps the reports it wrote so far), and SIGKILL
# (the nodes die with faultline through PDEATHSIG; namespaces are reaped by the next run).
. "$FL_SOURCE_DIR/tests/lib.sh"
. "$FL_SOURCE_DIR/tests/executor/lib_exec.sh"
tmp=$(mktemp -d /tmp/fl-teardown-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
base=$(fl_free_base)
fl_plan_at "$FL_SOURCE_DIR/examples/plans/etcd-kill-pause.json" "$tmp/p.json" "$base"
sed -E 's/"duration_s": 8/"duration_s": 60/' "$tmp/p.json" >"$tmp/plan.json"

wait_for() { # FILE TEXT: up to 30 s
  local i
  for i in $(seq 1 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

for sig in TERM INT KILL; do
  "$FAULTLINE" run "$tmp/plan.json" --out "$tmp/s-$sig" >"$tmp/out-$sig" 2>&1 &
  pid=$!
  if wait_for "$tmp/out-$sig" "cluster of 3 up"; then t_ok; else t_fail "$sig: cluster never came up: $(cat "$tmp/out-$sig")"; fi
  sleep 1
  t_contains "$sig: etcd runs" "$(fl_leftovers "$tmp/s-$sig")" "etcd"
  kill -"$sig" $pid
  wait $pid
  rc=$?
  if [ "$sig" != KILL ]; then
    t_eq "$sig: exit" "$rc" 3
    t_contains "$sig: report kept" "$(cat "$tmp/s-$sig/report.json")" '"scenario": "S1"'
    t_contains "$sig: not run" "$(cat "$tmp/s-$sig/scenarios/S1/verdict.json")" '"verdict": "NOT-RUN"'
    t_contains "$sig: history kept" "$(cat "$tmp/s-$sig"/scenarios/S1/run-1-seed-1/history.jsonl)" '"type":"invoke"'
  fi
  if fl_wait_gone "$tmp/s-$sig"; then t_ok; else t_fail "$sig: left running: $(fl_leftovers "$tmp/s-$sig")"; fi
done
t_done
