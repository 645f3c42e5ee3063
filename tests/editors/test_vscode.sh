#!/usr/bin/env bash
# test_vscode.sh — the VS Code extension (editors/vscode): installs its pinned packages,
# compiles it with tsc, runs node's test runner (unit tests of the client options and the
# coverage tree, and the protocol test of those options against the real `faultline serve`
# over vscode-jsonrpc) and packages a .vsix with @vscode/vsce.
# Input: editors/vscode, a git repository made from examples/ledger with a plan.
# VS Code itself cannot be downloaded here, so no test starts it.
source "$FL_SOURCE_DIR/tests/lib.sh"
ext="$FL_SOURCE_DIR/editors/vscode"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t_run "npm ci" 0 bash "$FL_SOURCE_DIR/tests/editors/npm-ci.sh" "$ext"

ws="$tmp/ledger"
cp -r "$FL_SOURCE_DIR/examples/ledger" "$ws"
( cd "$ws" && git init -q -b main && git add -A &&
  git -c user.email=t@example.com -c user.name=t commit -qm ledger &&
  sed -i 's/concurrency.WithTTL(10)/concurrency.WithTTL(5)/' server/lease.go ) || t_fail "example repository"
if "$FAULTLINE" help plan >/dev/null 2>&1; then
  t_run "project plan" 0 "$FAULTLINE" plan --repo "$ws"
else
  echo "SKIP: no plan for the coverage tree (faultline help plan fails in this build)"
fi

# the plan faultline/run executes: the bundled Redis example with free ports, 2 s of workload
source "$FL_SOURCE_DIR/tests/editors/free-base.sh"
port=$(free_base)
sed -e "s/\"base_port\": [0-9]*/\"base_port\": $port/" \
    -e 's/"duration_s": 5, "seed": 7/"duration_s": 2, "seed": 7/' \
    -e 's/"at_s": 1, "duration_s": 3/"at_s": 0.5, "duration_s": 1/' \
    -e 's/"seeds": 3/"seeds": 1/' \
    "$FL_SOURCE_DIR/examples/plans/redis-replica-stale-read.json" >"$ws/redis-run.json"
export FL_RUN_PLAN="$ws/redis-run.json"

cd "$ext" || exit 1
t_run "tsc" 0 node_modules/.bin/tsc -p .
[ -f out/extension.js ] && [ -f out/options.js ] && [ -f out/coverageModel.js ] && t_ok || t_fail "tsc wrote no out/*.js"
FL_WS="$ws" t_run "node --test" 0 node --test test/
echo "$T_OUT" | tail -n 9
t_contains "node tests ran" "$T_OUT" "# fail 0"
t_not_contains "protocol test not skipped" "$T_OUT" "# skipped 1"

t_run "vsce package" 0 node_modules/.bin/vsce package --allow-missing-repository --skip-license -o "$tmp/faultline.vsix"
[ "$(head -c 2 "$tmp/faultline.vsix" 2>/dev/null)" = "PK" ] && t_ok || t_fail "the .vsix is not a zip"
for f in extension/package.json extension/out/extension.js extension/node_modules/vscode-languageclient/package.json; do
  grep -aq "$f" "$tmp/faultline.vsix" && t_ok || t_fail "the .vsix lacks $f"
done
grep -aq "extension/src/extension.ts" "$tmp/faultline.vsix" && t_fail "the .vsix ships src/" || t_ok
t_done
