#!/usr/bin/env bash
# jepsen_cli.sh — the Jepsen-family checkers end to end on generated VALID histories
# (tests/checkers/jepsen_gen.c: a correct store applying each op at one instant inside its
# interval, with failures and unknown outcomes): every checker must pass them, in all three
# formats with the same result, at several concurrencies; plus exit codes and usage.
. "$FL_SOURCE_DIR/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GEN=$FL_BINARY_DIR/tests/checkers/fl_jepsen_gen

summary() {
  grep -o '"valid":[^,]*\|"ops":[0-9]*\|"ok":[0-9]*\|"info":[0-9]*\|"fail":[0-9]*\|"[a-z_]*_count":[0-9]*' "$1" | tr '\n' ' '
}

# gen-model  faultline-model  checker  ops  [extra flags]
cases=(
  "set set set 1500"
  "set set monotonic-read 1500"
  "set set read-your-writes 1500"
  "queue queue queue 4000"
  "counter counter counter 4000"
  "counter counter monotonic-read 4000"
  "counter counter read-your-writes 4000"
  "ledger ledger ledger 4000 --total 500"
  "lease lease lease 4000"
  "lease lock lease 4000"
  "unique-ids unique-ids unique-ids 4000"
  "register register monotonic-read 4000"
  "register kv read-your-writes 4000"
)
for c in "${cases[@]}"; do
  read -r gm fm ck n extra <<<"$c"
  for procs in 1 4 12; do
    for fmt in events ops edn; do
      "$GEN" --model "$gm" --ops "$n" --procs $procs --seed $procs --format $fmt >"$tmp/h.$fmt"
      # shellcheck disable=SC2086
      t_run "$fm/$ck p$procs $fmt valid" 0 "$FAULTLINE" check --model "$fm" --checker "$ck" $extra --json "$tmp/h.$fmt"
      echo "$T_OUT" >"$tmp/r.$fmt"
    done
    t_eq "$fm/$ck p$procs events=ops" "$(summary "$tmp/r.events")" "$(summary "$tmp/r.ops")"
    t_eq "$fm/$ck p$procs events=edn" "$(summary "$tmp/r.events")" "$(summary "$tmp/r.edn")"
  done
done

# a violation: exit 1, text names the anomaly
"$GEN" --model ledger --ops 500 --procs 3 --seed 2 >"$tmp/l.jsonl"
t_run "ledger wrong total" 1 "$FAULTLINE" check --model ledger --total 499 "$tmp/l.jsonl"
t_contains "ledger wrong total" "$T_OUT" "wrong-total"
t_run "ledger negative flag" 0 "$FAULTLINE" check --model ledger --allow-negative "$tmp/l.jsonl"
# a budget that runs out answers unknown (exit 3), never a guess
"$GEN" --model set --ops 1500 --procs 4 >"$tmp/set.jsonl"
t_run "set budget" 3 "$FAULTLINE" check --model set --timeout 0.000001 "$tmp/set.jsonl"
t_contains "set budget" "$T_OUT" "gave up"
# nothing to check: unknown (exit 3)
printf '%s\n' '{"process":0,"type":"invoke","f":"add","value":1}' '{"process":0,"type":"ok","f":"add","value":1}' >"$tmp/noread.jsonl"
t_run "set never read" 3 "$FAULTLINE" check --model set "$tmp/noread.jsonl"
# a checker that does not know the model's ops names the line
t_run "bad op" 2 "$FAULTLINE" check --model counter "$tmp/l.jsonl"
t_contains "bad op" "$T_ERR" "l.jsonl:1"
t_run "wrong model" 2 "$FAULTLINE" check --model queue --checker monotonic-read "$tmp/l.jsonl"
t_contains "wrong model" "$T_ERR" "does not check model"

t_done
