#!/usr/bin/env bash
# elle_cli.sh — `faultline check --checker elle` end to end on generated histories:
# valid histories (random transactions executed serially, each at an instant inside its
# interval, with failures and unknown outcomes) must pass under every consistency model, at
# several concurrencies and sizes; the same history in all three formats (event JSONL,
# op-record JSONL, EDN) gives the same result; a deliberately buggy store (stale reads) is
# flagged identically in all three formats; exit codes follow SPEC §2.
. "$FL_SOURCE_DIR/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GEN=$FL_BINARY_DIR/tests/checkers/fl_elle_gen

# the fields that must agree across formats
summary() {
  grep -o '"valid":[^,]*\|"ops":[0-9]*\|"ok":[0-9]*\|"info":[0-9]*\|"fail":[0-9]*\|"anomaly_types":\[[^]]*\]\|"anomaly_counts":{[^}]*}\|"edges":[0-9]*\|"not":\[[^]]*\]' "$1" | tr '\n' ' '
}

for model in list-append rw-register; do
  for procs in 1 5 30; do
    for fmt in events ops edn; do
      "$GEN" --model $model --txns 3000 --procs $procs --keys 6 --seed $procs --format $fmt >"$tmp/h.$fmt"
    done
    for c in read-committed repeatable-read snapshot-isolation serializable strict-serializable; do
      for fmt in events ops edn; do
        t_run "$model p$procs $c $fmt valid" 0 "$FAULTLINE" check --model $model --consistency $c --json "$tmp/h.$fmt"
        echo "$T_OUT" >"$tmp/r.$fmt"
      done
      t_eq "$model p$procs $c events=ops" "$(summary "$tmp/r.events")" "$(summary "$tmp/r.ops")"
      t_eq "$model p$procs $c events=edn" "$(summary "$tmp/r.events")" "$(summary "$tmp/r.edn")"
    done
  done
done
t_contains "format detected" "$(cat "$tmp/r.edn")" '"format":"edn"'

# larger valid histories
"$GEN" --model list-append --txns 60000 --procs 20 --keys 30 --per-key 24 --seed 7 >"$tmp/big.jsonl"
t_run "60k list-append strict" 0 "$FAULTLINE" check --model list-append --consistency strict-serializable "$tmp/big.jsonl"
t_contains "60k list-append strict" "$T_OUT" "valid"
"$GEN" --model rw-register --txns 40000 --procs 10 --keys 20 --seed 8 >"$tmp/bigr.jsonl"
t_run "40k rw-register strict" 0 "$FAULTLINE" check --model rw-register --consistency strict-serializable "$tmp/bigr.jsonl"

# a buggy store: stale reads are flagged, identically in every format
for model in list-append rw-register; do
  for fmt in events ops edn; do
    "$GEN" --model $model --txns 3000 --procs 5 --keys 4 --stale 20 --seed 3 --format $fmt >"$tmp/s.$fmt"
    t_run "$model stale $fmt" 1 "$FAULTLINE" check --model $model --consistency strict-serializable --json "$tmp/s.$fmt"
    echo "$T_OUT" >"$tmp/r.$fmt"
  done
  t_contains "$model stale flagged" "$(cat "$tmp/r.events")" '"valid":false'
  t_eq "$model stale events=ops" "$(summary "$tmp/r.events")" "$(summary "$tmp/r.ops")"
  t_eq "$model stale events=edn" "$(summary "$tmp/r.events")" "$(summary "$tmp/r.edn")"
done

# text output explains the cycle in words
"$GEN" --model list-append --txns 3000 --procs 5 --keys 4 --stale 20 --seed 3 >"$tmp/s.jsonl"
t_run "stale text" 1 "$FAULTLINE" check --model list-append --consistency strict-serializable "$tmp/s.jsonl"
t_contains "stale text" "$T_OUT" "Let:"
t_contains "stale text" "$T_OUT" "a contradiction"

# the model picks elle; bad consistency is bad input
t_run "default checker" 0 "$FAULTLINE" check --model list-append --json "$tmp/big.jsonl"
t_contains "default checker" "$T_OUT" '"checker":"elle"'
t_run "bad consistency" 2 "$FAULTLINE" check --model list-append --consistency linearizable "$tmp/big.jsonl"
t_contains "bad consistency" "$T_ERR" "unknown consistency model"
printf '%s\n' '{"process":0,"type":"invoke","f":"txn","value":[["append","x",1]]}' \
  '{"process":0,"type":"ok","f":"txn","value":[["w","x",1]]}' >"$tmp/badmop.jsonl"
t_run "bad micro-op" 2 "$FAULTLINE" check --model list-append "$tmp/badmop.jsonl"
t_contains "bad micro-op" "$T_ERR" "badmop.jsonl:2"

# a budget that runs out answers unknown (exit 3), never a guess
t_run "budget" 3 "$FAULTLINE" check --model list-append --timeout 0.000001 "$tmp/big.jsonl"

t_done
