#!/usr/bin/env bash
# test_cli.sh — `faultline run` as a user meets it: usage errors, broken plans rejected with
# file:line and exit 2, a plan whose scenarios have no run block (NOT-RUN, exit 3, BLOCKED),
# and the shipped adapters' own usage and helper modes against nothing listening.
. "$FL_SOURCE_DIR/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
A=$FL_BINARY_DIR/executor/adapters

t_run "no plan" 2 "$FAULTLINE" run
t_contains "no plan" "$T_ERR" "expected a plan file"
t_run "bad seed" 2 "$FAULTLINE" run x.json --seed abc
t_contains "bad seed" "$T_ERR" "--seed expects a number"
t_run "missing plan" 2 "$FAULTLINE" run "$tmp/nope.json"
t_contains "missing plan" "$T_ERR" "nope.json"

printf '{\n  "scenarios": [\n    {"id": "S1",,}\n  ]\n}\n' >"$tmp/syntax.json"
t_run "syntax" 2 "$FAULTLINE" run "$tmp/syntax.json"
t_contains "syntax" "$T_ERR" "syntax.json:3:"

cat >"$tmp/kind.json" <<'J'
{"scenarios": [
  {"id": "S1", "name": "x"},
  {"id": "S2",
   "run": {"cluster": {"nodes": 1, "base_port": 42000, "start": "true", "health": "true"},
           "client": {"command": "cat"},
           "workload": {"model": "register"},
           "nemesis": [{"kind": "meteor"}]}}
]}
J
t_run "bad nemesis" 2 "$FAULTLINE" run "$tmp/kind.json"
t_contains "bad nemesis" "$T_ERR" "kind.json:7:"
t_contains "bad nemesis" "$T_ERR" "'meteor' is not one of kill"
cat >"$tmp/norun.json" <<'J'
{"slug": "norun", "scenarios": [{"id": "S1", "name": "documented only"}]}
J
t_run "unknown scenario" 2 "$FAULTLINE" run "$tmp/norun.json" --scenario S9
t_contains "unknown scenario" "$T_ERR" "no scenario with id 'S9'"

t_run "no run block" 3 "$FAULTLINE" run "$tmp/norun.json" --out "$tmp/s"
t_contains "no run block" "$T_OUT" "S1: NOT-RUN"
t_contains "blocked" "$(cat "$tmp/s/report.json")" '"session_verdict": "BLOCKED"'
t_contains "verdict file" "$(cat "$tmp/s/scenarios/S1/verdict.json")" '"verdict": "NOT-RUN"'
t_contains "sarif" "$(cat "$tmp/s/report.sarif")" '"version": "2.1.0"'
t_contains "session log" "$(cat "$tmp/s/session-log.md")" "## Environment capability matrix"

# harness gaps: an adapter that cannot start is INCONCLUSIVE-env; one that answers garbage
# (here `cat` echoes the request, which has no "type") leaves a history too weak to judge
. "$FL_SOURCE_DIR/tests/executor/lib_exec.sh"
hb=$(fl_free_base)
cat >"$tmp/harness.json" <<J
{"slug": "harness", "scenarios": [
  {"id": "S1", "run": {"cluster": {"nodes": 1, "base_port": $hb, "start": "sleep 30", "health": "true"},
                       "client": {"command": "no-such-adapter-here", "concurrency": 2},
                       "workload": {"model": "register", "duration_s": 0.5}}},
  {"id": "S2", "run": {"cluster": {"nodes": 1, "base_port": $((hb + 10)), "start": "sleep 30", "health": "true"},
                       "client": {"command": "cat", "concurrency": 2, "op_timeout_ms": 200},
                       "workload": {"model": "register", "rate": 20, "duration_s": 0.5}}}
]}
J
t_run "harness gaps" 0 "$FAULTLINE" run "$tmp/harness.json" --out "$tmp/h"
t_contains "adapter missing" "$(cat "$tmp/h/scenarios/S1/verdict.json")" '"verdict": "INCONCLUSIVE-env"'
t_contains "adapter missing reason" "$(cat "$tmp/h/scenarios/S1/verdict.json")" "exited at start (status 127)"
t_contains "garbage replies" "$(cat "$tmp/h/scenarios/S2/verdict.json")" '"verdict": "INCONCLUSIVE-oracle-too-weak"'
t_contains "garbage reason" "$(cat "$tmp/h/scenarios/S2/verdict.json")" "no op succeeded"
t_eq "nothing left" "$(pgrep -f 'sleep 30' -P $$ | wc -l)" "0"

t_run "help" 0 "$FAULTLINE" help run
t_contains "help" "$T_OUT" "--scenario ID"

# adapters: usage, and health/leader against a port nobody listens on
t_run "etcd adapter usage" 2 "$A/faultline-adapter-etcd" --bogus
t_run "etcd health refused" 1 "$A/faultline-adapter-etcd" --health 127.0.0.1:1
t_run "redis health refused" 1 "$A/faultline-adapter-redis" --health 127.0.0.1:1
t_run "proxy usage" 2 "$A/faultline-proxy"
out=$(printf '%s\n' '{"id":1,"f":"read","key":"x"}' 'not json' |
  FAULTLINE_NODES=127.0.0.1:1 "$A/faultline-adapter-etcd")
t_contains "adapter refused is fail" "$out" '{"id":1,"node":"n1","error":"connection refused","type":"fail"}'
t_contains "adapter bad request" "$out" '"error":"request is not {id, f, ...} JSON"'
out=$(printf '%s\n' '{"id":2,"f":"write","key":"x","value":1}' |
  FAULTLINE_NODES=127.0.0.1:1 "$A/faultline-adapter-redis")
t_contains "redis refused before send is fail" "$out" '"type":"fail"'
t_done
