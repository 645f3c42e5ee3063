#!/usr/bin/env bash
# checker_cli.sh — `faultline check` as a user meets it: usage errors, bad input naming
# file:line with exit 2, several files, --format override, --json result objects.
. "$FL_SOURCE_DIR/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
C=$FL_SHARED_DIR/conformance

t_run "no model" 2 "$FAULTLINE" check "$C/porcupine/etcd/etcd_000.log"
t_contains "no model" "$T_ERR" "--model is required"
t_run "unknown model" 2 "$FAULTLINE" check --model frob "$C/porcupine/etcd/etcd_000.log"
t_contains "unknown model" "$T_ERR" "unknown model 'frob'"
t_run "unknown checker" 2 "$FAULTLINE" check --model register --checker frob x
t_contains "unknown checker" "$T_ERR" "checker 'frob' is not available"
t_run "bad format" 2 "$FAULTLINE" check --model register --format yaml x
t_contains "bad format" "$T_ERR" "unknown format 'yaml'"
t_run "no files" 2 "$FAULTLINE" check --model register
t_contains "no files" "$T_ERR" "expected at least one history"
t_run "bad timeout" 2 "$FAULTLINE" check --model register --timeout soon x
t_run "missing file" 2 "$FAULTLINE" check --model register "$tmp/nope.jsonl"
t_contains "missing file" "$T_ERR" "nope.jsonl"

printf '%s\n' '{"process":1,"type":"invoke","f":"read","value":null}' \
  '{"process":2,"type":"ok","f":"read","value":1}' >"$tmp/orphan.jsonl"
t_run "orphan completion" 2 "$FAULTLINE" check --model register "$tmp/orphan.jsonl"
t_contains "orphan completion" "$T_ERR" "orphan.jsonl:2"
t_contains "orphan completion" "$T_ERR" "no outstanding invoke"

printf '%s\n' '{:process 1 :type :invoke :f :read}' '{:process 1 :type :invoke :f :read}' >"$tmp/twice.edn"
t_run "double invoke" 2 "$FAULTLINE" check --model register "$tmp/twice.edn"
t_contains "double invoke" "$T_ERR" "twice.edn:2"

printf '%s\n' 'INFO jepsen.util - 1 :invoke :write 1' 'INFO jepsen.util - 1 :info :write :timed-out' \
  'INFO jepsen.util - 1 :invoke :read nil' >"$tmp/reuse.log"
t_run "reuse after info" 2 "$FAULTLINE" check --model register "$tmp/reuse.log"
t_contains "reuse after info" "$T_ERR" "reuse.log:3"

# --format overrides detection: an EDN file named as events is rejected at line 1
t_run "format override" 2 "$FAULTLINE" check --model register --format events "$tmp/twice.edn"
t_contains "format override" "$T_ERR" "twice.edn:1"

# stdin
t_run "stdin" 0 bash -c "printf '%s\n' '{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}' '{\"process\":1,\"type\":\"ok\",\"f\":\"write\",\"value\":1}' | \"$FAULTLINE\" check --model register --json -"
t_contains "stdin" "$T_OUT" '"file":"<stdin>"'

# verdicts and exit codes: valid 0, violation 1, several files: 1 if any violation
E=$C/porcupine/etcd
t_run "valid" 0 "$FAULTLINE" check --model cas-register "$E/etcd_002.log"
t_contains "valid text" "$T_OUT" "etcd_002.log: valid"
t_run "invalid" 1 "$FAULTLINE" check --model cas-register "$E/etcd_000.log"
t_contains "invalid text" "$T_OUT" "INVALID"
t_contains "window header" "$T_OUT" "smallest window that cannot be linearized"
t_contains "window columns" "$T_OUT" "process  type   op"
t_run "several files" 1 "$FAULTLINE" check --model cas-register --json "$E/etcd_002.log" "$E/etcd_000.jsonl" "$C/knossos/cas-register/good/cas-register-bug.edn"
t_eq "one line per file" "$(printf '%s\n' "$T_OUT" | wc -l)" 3
t_contains "json valid" "$T_OUT" '"valid":true'
t_contains "json invalid" "$T_OUT" '"valid":false'
t_contains "json checker" "$T_OUT" '"checker":"linearizable"'
t_contains "json window" "$T_OUT" '"window":['
t_contains "json file" "$T_OUT" "etcd_000.jsonl"
for k in '"ops":' '"ok":' '"info":' '"fail":' '"elapsed_ms":' '"anomalies":' '"counterexample":'; do
  t_contains "json field $k" "$T_OUT" "$k"
done
t_not_contains "json without details" "$T_OUT" '"details"'
# a bad file among good ones: the others are still checked, exit 2
t_run "bad among good" 2 "$FAULTLINE" check --model cas-register "$E/etcd_002.log" "$tmp/twice.edn"
t_contains "bad among good out" "$T_OUT" "etcd_002.log: valid"
t_contains "bad among good err" "$T_ERR" "twice.edn:2"
# the model picks the checker; kv per key
t_run "kv" 0 "$FAULTLINE" check --model kv "$C/porcupine/kv/c10-ok.txt"
t_run "kv bad" 1 "$FAULTLINE" check --model kv --json "$C/porcupine/kv/c10-bad.txt"
t_contains "kv key" "$T_OUT" '"key":'
t_run "lock" 1 "$FAULTLINE" check --model lock "$C/knossos/mutex/bad/etcd.edn"

# --html writes one self-contained page with the timeline and the window highlighted
t_run "html" 1 "$FAULTLINE" check --model cas-register --html "$tmp/out/page.html" "$C/knossos/cas-register/bad/rethink-fail-minimal.edn" "$E/etcd_005.log"
if [ -f "$tmp/out/page.html" ]; then
  page=$(cat "$tmp/out/page.html")
  t_contains "html svg" "$page" "<svg"
  t_contains "html failing" "$page" "failing"
  t_contains "html window" "$page" " window"
  t_contains "html both files" "$page" "etcd_005.log"
  t_contains "html partial" "$page" "longest partial linearization"
  t_not_contains "html external" "$page" "<script src"
  t_not_contains "html no stylesheet link" "$page" "<link"
else
  t_fail "html: no page written"
fi

# budgets: a history whose search explodes (20 concurrent writes, then an impossible read)
{
  for i in $(seq 1 20); do echo "{\"process\":$i,\"type\":\"invoke\",\"f\":\"write\",\"value\":$i}"; done
  for i in $(seq 1 20); do echo "{\"process\":$i,\"type\":\"ok\",\"f\":\"write\",\"value\":$i}"; done
  echo '{"process":0,"type":"invoke","f":"read","value":null}'
  echo '{"process":0,"type":"ok","f":"read","value":99}'
} >"$tmp/hard.jsonl"
t_run "max-memory" 3 "$FAULTLINE" check --model register --max-memory 4M --json "$tmp/hard.jsonl"
t_contains "max-memory unknown" "$T_OUT" '"valid":"unknown"'
t_contains "max-memory cause" "$T_OUT" '"cause":"memory"'
t_run "timeout" 3 "$FAULTLINE" check --model register --timeout 0.2 "$tmp/hard.jsonl"
t_contains "timeout text" "$T_OUT" "unknown"
t_contains "timeout cause" "$T_OUT" "timeout"
# a definite violation elsewhere wins over unknown
t_run "invalid beats unknown" 1 "$FAULTLINE" check --model register --timeout 0.2 "$tmp/hard.jsonl" "$E/etcd_000.log"

t_done
