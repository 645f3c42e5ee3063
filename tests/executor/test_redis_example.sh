#!/usr/bin/env bash
# test_redis_example.sh — the shipped Redis example against real Redis from Debian: a
# primary and a replica on 127.0.0.1, reads served by the replica while its replication
# link (a faultline-proxy) is paused, ends FAIL-reproducible blamed on the SUT, with a
# counterexample that shows the stale read; exit code 1; nothing left running.
. "$FL_SOURCE_DIR/tests/lib.sh"
. "$FL_SOURCE_DIR/tests/executor/lib_exec.sh"
tmp=$(mktemp -d /tmp/fl-redis-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
base=$(fl_free_base)
fl_plan_at "$FL_SOURCE_DIR/examples/plans/redis-replica-stale-read.json" "$tmp/plan.json" "$base"

t_run "redis example" 1 "$FAULTLINE" run "$tmp/plan.json" --out "$tmp/s"
echo "$T_OUT"
v="$tmp/s/scenarios/S1/verdict.json"
t_eq "verdict" "$(fl_json_field "$v" verdict)" "FAIL-reproducible"
t_eq "blame" "$(fl_json_field "$v" blame)" "SUT"
body=$(cat "$v")
t_contains "counterexample" "$body" '"counterexample"'
t_contains "stale read in counterexample" "$body" '"read"'
t_contains "blame reasons" "$body" "reproduced on a re-run with the same seed"
t_contains "stale read spelled out" "$body" "stale read: history line"
t_contains "history context" "$body" "writes_completed_before_its_invoke"
t_contains "pause victim" "$body" "state T"
t_contains "replication lag evidence" "$body" "lag="
t_contains "re-run" "$T_OUT" "re-run of seed 7"
t_contains "session" "$T_OUT" "session verdict: FAIL"
t_contains "sarif error" "$(cat "$tmp/s/report.sarif")" '"level": "error"'
t_contains "finding" "$(cat "$tmp/s/report.md")" "### Finding F1"
if fl_wait_gone "$base"; then t_ok; else t_fail "left running: $(fl_leftovers "$base")"; fi
t_done
