#!/usr/bin/env bash
# test_emacs.sh — editors/emacs/faultline.el in batch Emacs 28 + eglot 1.9 against the real
# server (emacs_test.el: setup, diagnostics, coverage, change-scoped plan, plan mode), then
# the shared batch harness ../shared/editor-checks/emacs/eglot-diag.el on the same file.
# Input: a git repository made from examples/ledger with a project plan.
source "$FL_SOURCE_DIR/tests/lib.sh"
command -v emacs >/dev/null || { echo "FAIL: emacs is missing (scripts/setup installs emacs-nox elpa-eglot)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home"
mkdir -p "$HOME"
repo="$tmp/ledger"
cp -r "$FL_SOURCE_DIR/examples/ledger" "$repo"
( cd "$repo" && git init -q -b main && git add -A &&
  git -c user.email=t@example.com -c user.name=t commit -qm ledger &&
  sed -i 's/concurrency.WithTTL(10)/concurrency.WithTTL(5)/' server/lease.go ) || t_fail "example repository"
have_plan=0
if "$FAULTLINE" help plan >/dev/null 2>&1; then
  have_plan=1
  t_run "project plan" 0 "$FAULTLINE" plan --repo "$repo"
fi

FL_EMACS_DIR="$FL_SOURCE_DIR/editors/emacs" FL_SERVER="$FAULTLINE" FL_FILE="$repo/server/lease.go" \
FL_HAVE_PLAN=$have_plan t_run "faultline.el in batch emacs" 0 \
  timeout -k 5 120 emacs --batch -l "$FL_SOURCE_DIR/tests/editors/emacs_test.el"
echo "$T_OUT"
t_contains "all emacs checks passed" "$T_OUT" "all passed"

# byte-compiles cleanly (no warnings about unknown functions or free variables)
cp "$FL_SOURCE_DIR/editors/emacs/faultline.el" "$tmp/faultline.el"
t_run "byte-compile" 0 emacs --batch -f batch-byte-compile "$tmp/faultline.el"
t_not_contains "no compile warnings" "$T_ERR" "Warning"

# the shared harness: eglot 1.9 on the same file, with a custom request. It connects with a
# transient project at the file's folder, which eglot only uses for the buffer outside a git
# work tree, so it gets a plain copy of the example.
plain="$tmp/plain"
cp -r "$FL_SOURCE_DIR/examples/ledger" "$plain"
( cd "$plain" && LSP_LSP_CMD="$FAULTLINE serve" LSP_FILE="$plain/server/lease.go" LSP_OUT="$tmp/eglot.json" \
  LSP_REQUEST=faultline/coverage LSP_PARAMS='{}' LSP_TIMEOUT=20 \
  timeout -k 5 90 emacs --batch -l "$FL_SHARED_DIR/editor-checks/emacs/eglot-diag.el" ) >"$tmp/eglot.log" 2>&1
rc=$?
t_eq "shared eglot harness exit" "$rc" 0
t_contains "shared harness diagnostics" "$(cat "$tmp/eglot.json" 2>/dev/null)" '"diagnostics":[{'
t_done
