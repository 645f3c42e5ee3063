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

t_done
