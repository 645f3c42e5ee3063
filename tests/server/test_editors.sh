#!/usr/bin/env bash
# test_editors.sh — real-editor checks of `faultline serve`: headless Neovim 0.7 (its built-in
# LSP client) and batch Emacs 28 + eglot, both from Debian, driven by the shared harnesses in
# ${FL_SHARED_DIR}/editor-checks. On a copy of the fixture workspace they must get the
# expected diagnostics (with UTF-16 columns mapped right by the editor), a faultline/plan
# round trip, an incremental edit answered by a new publish, and a clean exit.
# Usage: test_editors.sh nvim|emacs
. "$FL_SOURCE_DIR/tests/lib.sh"
which=${1:-${FL_EDITOR:?set FL_EDITOR or pass nvim|emacs}}
checks="$FL_SHARED_DIR/editor-checks"
[ -d "$checks" ] || { echo "FAIL: $checks is missing"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/fl-editor.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$FL_SOURCE_DIR/tests/server/fixtures/ws" "$work/ws"
out="$work/result.json"

if [ "$which" = nvim ]; then
  command -v nvim >/dev/null || { echo "FAIL: nvim is not installed (scripts/setup installs it)"; exit 1; }
  cd "$work/ws" || exit 1
  t_run "nvim harness" 0 "$checks/nvim/run-nvim-lsp.sh" --server "$FAULTLINE serve" --timeout 20 \
    --out "$out" --root "$work/ws" --min-diags 4 --settle-ms 1500 \
    --request faultline/plan '{"scope":"project"}' \
    --request faultline/sites '{"textDocument":{"uri":"${uri}"}}' \
    --request faultline/coverage '{}' \
    --allow-request-errors --append-line 'func extra() {}' --require-clean-exit store/store.go
  r=$(cat "$out" 2>/dev/null)
  t_eq "status" "$(jq -r .status <<<"$r")" ok
  # the four sites of store.go, as faultline diagnostics
  t_eq "diagnostics" "$(jq '[.diagnostics[] | select(.source == "faultline")] | length' <<<"$r")" 4
  t_eq "retry.loop" "$(jq -r '[.diagnostics[] | select(.code == "retry.loop")][0].severity' <<<"$r")" 2
  # UTF-16 character 36 after "héllo😀" is Neovim's byte column 39
  t_eq "utf-16 column" "$(jq '[.diagnostics[] | select(.code == "timeout.context")][0].range.start.character' <<<"$r")" 36
  t_eq "nvim byte column" "$(jq '[.nvim_diagnostics[] | select(.code == "timeout.context")][0].col' <<<"$r")" 39
  # relatedInformation points at the README claim (once the workspace index is complete:
  # the settle time lets the publish that follows it arrive)
  t_contains "related claim" "$(jq -r '[.diagnostics[] | select(.code == "retry.loop")][0].relatedInformation[0].location.uri' <<<"$r")" README.md
  # faultline/plan round trip: the request reaches the server and comes back answered
  # (a plan, or the clear error of a build without the plan generator)
  plan=$(jq -c '.requests[0]' <<<"$r")
  t_contains "plan request" "$plan" '"method":"faultline/plan"'
  t_contains "plan params echoed" "$plan" '"scope":"project"'
  if [ "$(jq -r .ok <<<"$plan")" = true ]; then
    t_contains "plan result" "$plan" '"scenarios"'
  else
    t_eq "plan error code" "$(jq .error.code <<<"$plan")" -32803
    t_contains "plan error says why" "$(jq -r .error.message <<<"$plan")" "plan generator"
  fi
  t_eq "sites request" "$(jq '.requests[1].result.sites | length' <<<"$r")" 4
  t_eq "coverage request" "$(jq -r '.requests[2].ok' <<<"$r")" true
  # the incremental edit got a new publish, still with the four findings
  t_eq "publish after edit" "$(jq -r .after_edit.got_publish <<<"$r")" true
  t_eq "diagnostics after edit" "$(jq '.after_edit.diagnostics | length' <<<"$r")" 4
  t_eq "clean exit" "$(jq .server_exit.code <<<"$r")" 0
elif [ "$which" = emacs ]; then
  command -v emacs >/dev/null || { echo "FAIL: emacs is not installed (scripts/setup installs it)"; exit 1; }
  cd "$work/ws" || exit 1
  export LSP_LSP_CMD="$FAULTLINE serve" LSP_FILE=store/store.go LSP_OUT="$out" LSP_TIMEOUT=20
  export LSP_REQUEST=faultline/plan LSP_PARAMS='{"scope":"project"}'
  # eglot 1.9 turns an error answer into a failed run: when the plan generator is not built,
  # the round trip is checked with faultline/sites after the plan error was seen.
  timeout 120 emacs --batch -l "$checks/emacs/eglot-diag.el" >"$work/emacs.log" 2>&1
  rc=$?
  r=$(cat "$out" 2>/dev/null)
  if [ "$rc" = 0 ]; then
    t_contains "plan result" "$r" '"scenarios"'
  else
    # eglot turns an error answer into a Lisp error: it must be the plan generator's clear one
    t_contains "plan error reached emacs" "$r" "plan generator is not built yet"
    export LSP_REQUEST=faultline/sites LSP_PARAMS='{}'
    t_run "emacs sites" 0 timeout 120 emacs --batch -l "$checks/emacs/eglot-diag.el"
    r=$(cat "$out" 2>/dev/null)
    t_eq "sites round trip" "$(jq '.result.sites | length' <<<"$r")" 4
  fi
  t_eq "diagnostics" "$(jq '.diagnostics | length' <<<"$r")" 4
  # Emacs maps the UTF-16 range onto the exact characters of the call
  t_eq "covered text" "$(jq -r '[.diagnostics[] | select(.text | contains("timeout.context"))][0].covered' <<<"$r")" \
    "context.WithTimeout(ctx, time.Second)"
  t_eq "covered retry" "$(jq -r '[.diagnostics[] | select(.text | contains("retry.loop"))][0].covered' <<<"$r")" \
    "for attempt := 0; attempt < 5; attempt++ {"
  t_contains "warning" "$(jq -r '.diagnostics[0].type' <<<"$r")" "warning"
else
  echo "usage: test_editors.sh nvim|emacs" >&2
  exit 2
fi
t_done
