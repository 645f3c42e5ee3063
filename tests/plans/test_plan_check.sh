#!/usr/bin/env bash
# test_plan_check.sh — `faultline plan --check FILE` on hand-edited plans: a valid plan
# passes; broken references (a scenario citing a claim that does not exist, a hypothesis
# closed by nothing), a serious scenario without a checker, a run block with an unknown
# nemesis or target, and malformed JSON are each reported with their JSON path, exit 2.
. "$FL_SOURCE_DIR/tests/lib.sh"
. "$FL_SOURCE_DIR/tests/plans/lib_plan.sh"
R=$(g_repo check)
"$FAULTLINE" plan --repo "$R" --format json -o "$T_TMP/plan.json" || t_fail "plan"
t_run "valid plan" 0 "$FAULTLINE" plan --check "$T_TMP/plan.json"
t_contains "ok line" "$T_OUT" "plan.json: ok"

edit() { jq "$1" "$T_TMP/plan.json" >"$T_TMP/bad.json"; }

edit '.scenarios[0].falsifies[0] = "C99999"'
t_run "unknown claim" 2 "$FAULTLINE" plan --check "$T_TMP/bad.json"
t_contains "unknown claim path" "$T_ERR" "bad.json: \$.scenarios[0].falsifies[0]: claim 'C99999' does not exist"

edit '(.scenarios|map(.serious)|index(true)) as $i | .scenarios[$i].checker = ""'
t_run "serious without checker" 2 "$FAULTLINE" plan --check "$T_TMP/bad.json"
t_contains "serious checker path" "$T_ERR" ".checker: a serious scenario (it falsifies a gated claim) needs a checker"

edit '(.scenarios|map(.run != null)|index(true)) as $i | .scenarios[$i].run.nemesis[0].kind = "explode" | .scenarios[$i].run.nemesis[0].target = "moon"'
t_run "unknown nemesis" 2 "$FAULTLINE" plan --check "$T_TMP/bad.json"
t_contains "unknown nemesis path" "$T_ERR" ".run.nemesis[0].kind: unknown nemesis 'explode'"
t_contains "unknown target path" "$T_ERR" ".run.nemesis[0].target: unknown target 'moon'"

edit '.hypotheses[0].claims = ["C424242"] | .hypotheses[0].missing_claims = []'
t_run "hypothesis cites a missing claim id" 2 "$FAULTLINE" plan --check "$T_TMP/bad.json"
t_contains "hypothesis claim path" "$T_ERR" "\$.hypotheses[0].claims[0]: claim 'C424242' does not exist"

edit '.scenarios[0].closes = []'
t_run "hypothesis closed by nothing" 2 "$FAULTLINE" plan --check "$T_TMP/bad.json"
t_contains "closed by nothing" "$T_ERR" "is closed by no scenario"

edit '.scenarios[0].budgets.release = "TBD"'
t_run "TBD release budget" 2 "$FAULTLINE" plan --check "$T_TMP/bad.json"
t_contains "release budget" "$T_ERR" "\$.scenarios[0].budgets.release: expected a concrete budget"

edit '.scenarios[1].id = .scenarios[0].id'
t_run "duplicate id" 2 "$FAULTLINE" plan --check "$T_TMP/bad.json"
t_contains "duplicate id" "$T_ERR" "\$.scenarios[1].id: duplicate id"

printf '{"slug": "x",\n  "date": }\n' >"$T_TMP/broken.json"
t_run "malformed json" 2 "$FAULTLINE" plan --check "$T_TMP/broken.json"
t_contains "malformed json position" "$T_ERR" "broken.json:2:"
t_run "missing file" 2 "$FAULTLINE" plan --check "$T_TMP/nope.json"
t_done
