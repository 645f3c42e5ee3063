#!/usr/bin/env bash
# test_review.sh — `faultline review --base REV`: the PR comment (what changed, new and
# affected hypotheses, coverage from the latest session under test-sessions/, residual
# risk), SARIF 2.1.0 and rdjson, and --fail-on uncovered|fail, against a real repository
# and session folders shaped like `faultline run` writes them (report.json naming its plan).
. "$FL_SOURCE_DIR/tests/lib.sh"
. "$FL_SOURCE_DIR/tests/plans/lib_plan.sh"
FL=$FAULTLINE
R=$(g_repo review)
# a project-wide plan, as a session would have run it
"$FL" plan --repo "$R" >/dev/null || t_fail "plan"
PLAN=docs/testing-plans/review-project-wide.json
# the change: Incr retries more (hypothesis H of the retry loop), plus a new file with a lease
sed -i 's/attempt < 5/attempt < 7/' "$R/store/counter.go"
g_commit "$R" "more retries"

t_run "review md, no session" 0 "$FL" review --repo "$R" --base HEAD~1 --head HEAD
t_contains "title" "$T_OUT" "## faultline review: HEAD~1"
t_contains "what changed" "$T_OUT" "### What changed"
t_contains "changed file" "$T_OUT" "store/counter.go"
t_contains "no session" "$T_OUT" "No session under"
t_contains "uncovered" "$T_OUT" "uncovered"
t_contains "affected, not new" "$T_OUT" "| affected |"
t_run "fail-on uncovered" 1 "$FL" review --repo "$R" --base HEAD~1 --head HEAD --fail-on uncovered
t_run "fail-on fail without a FAIL" 0 "$FL" review --repo "$R" --base HEAD~1 --head HEAD --fail-on fail

# the scenario that closes the retry hypothesis
ref=$(jq -r '.hypotheses[]|select(.pitfall==1)|.ref' "$R/$PLAN")
sid=$(jq -r --arg r "$ref" '(.hypotheses[]|select(.ref==$r)|.id) as $h | .scenarios[]|select(.closes|index($h))|.id' "$R/$PLAN")
t_eq "scenario found" "${sid:0:1}" "S"
session() { # DIR VERDICT
  mkdir -p "$R/test-sessions/review-project-wide/$1"
  jq -n --arg plan "$PLAN" --arg s "$sid" --arg v "$2" \
    '{session_verdict: "DONE", plan: $plan, slug: "review-project-wide", scenarios: [{scenario: $s, verdict: $v}]}' \
    >"$R/test-sessions/review-project-wide/$1/report.json"
}
session 20260101T000000Z FAIL-reproducible
session 20260102T000000Z PASS-hardening
t_run "review md, passing session" 0 "$FL" review --repo "$R" --base HEAD~1 --head HEAD
t_contains "latest session used" "$T_OUT" "20260102T000000Z"
t_contains "covered" "$T_OUT" "$sid PASS-hardening | covered"
t_run "fail-on uncovered, covered" 0 "$FL" review --repo "$R" --base HEAD~1 --head HEAD --fail-on uncovered
t_contains "residual none" "$T_OUT" "None: every hypothesis is covered"

session 20260103T000000Z FAIL-reproducible
t_run "fail-on fail" 1 "$FL" review --repo "$R" --base HEAD~1 --head HEAD --fail-on fail
t_contains "failed shown" "$T_OUT" "FAILED"

t_run "sarif" 0 "$FL" review --repo "$R" --base HEAD~1 --head HEAD --format sarif
t_eq "sarif version" "$(jq -r .version <<<"$T_OUT")" "2.1.0"
t_eq "sarif error level for the FAIL" "$(jq -r '.runs[0].results[0].level' <<<"$T_OUT")" "error"
t_eq "sarif location" "$(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri' <<<"$T_OUT")" "store/counter.go"
t_eq "sarif fingerprint" "$(jq -r '.runs[0].results[0].partialFingerprints["faultlineHypothesis/v1"]' <<<"$T_OUT")" "$ref"
# the same SARIF shape as `faultline scan` (both built by analyzers/sarif.c)
t_eq "sarif columnKind" "$(jq -r '.runs[0].columnKind' <<<"$T_OUT")" "utf16CodeUnits"
t_eq "sarif driver version" "$(jq -r '.runs[0].tool.driver.version' <<<"$T_OUT")" "$("$FL" --version | awk 'NR == 1 {print $2}')"
t_eq "sarif rules have full descriptions and help" "$(jq '[.runs[0].tool.driver.rules[] | select((.fullDescription.text // "") == "" or (.help.text // "") == "" or (.help.markdown // "") == "")] | length' <<<"$T_OUT")" "0"
t_eq "sarif rule properties" "$(jq -r '.runs[0].tool.driver.rules[0].properties | [.tags[0], .precision, .["problem.severity"]] | join(" ")' <<<"$T_OUT")" "reliability medium warning"
t_eq "sarif ruleIndex points at the rule" "$(jq -r '.runs[0] as $r | [$r.results[] | select($r.tool.driver.rules[.ruleIndex].id != .ruleId)] | length' <<<"$T_OUT")" "0"
t_eq "sarif uriBaseId" "$(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uriBaseId' <<<"$T_OUT")" "%SRCROOT%"
t_run "rdjson" 0 "$FL" review --repo "$R" --base HEAD~1 --head HEAD --format rdjson
t_eq "rdjson severity" "$(jq -r '.diagnostics[0].severity' <<<"$T_OUT")" "ERROR"
t_eq "rdjson path" "$(jq -r '.diagnostics[0].location.path' <<<"$T_OUT")" "store/counter.go"

# a new hypothesis: a file that did not exist at the base
cat >"$R/store/lease.go" <<'GO'
package store

import (
	"context"

	"go.etcd.io/etcd/client/v3/concurrency"
)

func Hold(ctx context.Context, s *concurrency.Session) error {
	m := concurrency.NewMutex(s, "/l")
	return m.Lock(ctx)
}
GO
t_run "work tree review" 0 "$FL" review --repo "$R" --base HEAD
t_contains "new hypothesis" "$T_OUT" "| new |"

# early exit: docs only
git -C "$R" checkout -q -- . && rm -f "$R/store/lease.go"
echo "more" >>"$R/README.md"
g_commit "$R" "docs"
t_run "docs-only review" 0 "$FL" review --repo "$R" --base HEAD~1 --head HEAD --fail-on uncovered
t_contains "no risk" "$T_OUT" "No distributed-systems risk to review: docs only"

t_run "review without base" 2 "$FL" review --repo "$R"
t_run "review bad rev" 2 "$FL" review --repo "$R" --base nope
t_run "review bad format" 2 "$FL" review --repo "$R" --base HEAD --format xml
t_done
