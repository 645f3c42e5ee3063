#!/usr/bin/env bash
# test_github_action.sh — the PR-bot recipe examples/github-action/faultline-review.yml: its
# structure (workflow.js: trigger, permissions, comment and upload steps wired to the files
# the review step writes), then its `faultline review` step run as written on a pull-request
# shaped repository made from examples/ledger (origin/main + a change), and its outputs
# validated (SARIF schema + GitHub rules, Markdown comment).
source "$FL_SOURCE_DIR/tests/lib.sh"
here="$FL_SOURCE_DIR/tests/formats"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t_run "npm ci" 0 bash "$FL_SOURCE_DIR/tests/editors/npm-ci.sh" "$here"
t_run "workflow structure" 0 node "$here/workflow.js" "$FL_SOURCE_DIR/examples/github-action/faultline-review.yml" "$tmp/review-step.sh"
echo "$T_OUT"
if ! "$FAULTLINE" help review >/dev/null 2>&1; then
  echo "SKIP: running the review step (faultline help review fails in this build)"
  t_done; exit $?
fi
repo="$tmp/pr"
cp -r "$FL_SOURCE_DIR/examples/ledger" "$repo"
( cd "$repo" && git init -q -b main && git add -A &&
  git -c user.email=t@example.com -c user.name=t commit -qm ledger &&
  git update-ref refs/remotes/origin/main main && git checkout -qb feature &&
  sed -i 's/concurrency.WithTTL(10)/concurrency.WithTTL(5)/' server/lease.go &&
  git -c user.email=t@example.com -c user.name=t commit -qam "shorter lease" ) || t_fail "PR repository"
mkdir -p "$tmp/bin"
ln -s "$FAULTLINE" "$tmp/bin/faultline"
t_run "review step as written" 0 bash -c "cd '$repo' && PATH='$tmp/bin':\$PATH BASE_REF=main bash -eo pipefail '$tmp/review-step.sh'"
t_contains "comment body" "$(cat "$repo/faultline-review.md" 2>/dev/null)" "## faultline review"
t_contains "comment lists the hypotheses" "$(cat "$repo/faultline-review.md" 2>/dev/null)" "server/lease.go"
t_run "uploaded SARIF is valid" 0 node "$here/validate.js" sarif "$repo/faultline.sarif"
echo "$T_OUT"
t_done
