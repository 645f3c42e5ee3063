#!/usr/bin/env bash
# test_nvim.sh — faultline.nvim in headless Neovim (Debian's 0.7) against the real server:
# on a git repository made from examples/ledger (with a project plan from `faultline plan`),
# the plugin starts `faultline serve` for a Go file, shows diagnostics and a hover, answers
# :FaultlineCoverage and :FaultlinePlan, and makes a change-scoped plan against main. Run
# twice: with 0.7's start_client path, and with a stand-in vim.lsp.start for the 0.8+ path.
# Also runs the shared editor-check harness (../shared/editor-checks/nvim) on the same file.
source "$FL_SOURCE_DIR/tests/lib.sh"
command -v nvim >/dev/null || { echo "FAIL: nvim is missing (scripts/setup installs neovim)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/xdg/config" XDG_DATA_HOME="$tmp/xdg/data" XDG_CACHE_HOME="$tmp/xdg/cache" XDG_STATE_HOME="$tmp/xdg/state"

repo="$tmp/ledger"
cp -r "$FL_SOURCE_DIR/examples/ledger" "$repo"
( cd "$repo" && git init -q -b main && git add -A &&
  git -c user.email=t@example.com -c user.name=t commit -qm ledger &&
  sed -i 's/concurrency.WithTTL(10)/concurrency.WithTTL(5)/' server/lease.go ) || t_fail "example repository"
have_plan=0
if "$FAULTLINE" help plan >/dev/null 2>&1; then
  have_plan=1
  t_run "project plan" 0 "$FAULTLINE" plan --repo "$repo"
else
  echo "SKIP: plan parts (faultline help plan fails in this build)"
fi

for mode in 0 1; do
  out="$tmp/result-$mode.json"
  FL_PLUGIN="$FL_SOURCE_DIR/editors/nvim" FL_SERVER="$FAULTLINE" FL_OUT="$out" FL_ROOT="$repo" \
  FL_POLYFILL_START=$mode FL_HAVE_PLAN=$have_plan FL_BASE=main \
    timeout -k 5 120 nvim --headless --clean -u "$FL_SOURCE_DIR/tests/editors/nvim_test.lua" \
    "$repo/server/lease.go" </dev/null >"$tmp/nvim-$mode.log" 2>&1
  rc=$?
  cat "$tmp/nvim-$mode.log"
  t_eq "nvim plugin run (polyfill=$mode) exit" "$rc" 0
  [ -s "$out" ] && t_ok || t_fail "no result from the nvim run (polyfill=$mode)"
done

# the shared harness: the same server through Neovim's client, with a custom request
t_run "shared nvim harness" 0 bash "$FL_SHARED_DIR/editor-checks/nvim/run-nvim-lsp.sh" \
  --server "$FAULTLINE serve" --timeout 20 --root "$repo" --out "$tmp/shared.json" \
  --request faultline/coverage '{}' --require-clean-exit "$repo/server/lease.go"
t_contains "shared harness diagnostics" "$(cat "$tmp/shared.json" 2>/dev/null)" '"source":"faultline"'
t_done
