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
# a git repository: faultline/plan plans the repository of the workspace
git -C "$work/ws" init -q && git -C "$work/ws" add -A &&
  git -C "$work/ws" -c user.name=t -c user.email=t@example.com commit -qm fixture ||
  { echo "FAIL: cannot make the fixture repository"; exit 1; }
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
  # faultline/plan round trip: a project-wide plan of the fixture repository
  plan=$(jq -c '.requests[0]' <<<"$r")
  t_contains "plan request" "$plan" '"method":"faultline/plan"'
  t_contains "plan params echoed" "$plan" '"scope":"project"'
  t_eq "plan ok" "$(jq -r .ok <<<"$plan")" true
  t_eq "plan mode" "$(jq -r .result.plan.mode <<<"$plan")" project-wide
  t_eq "plan has scenarios" "$(jq '.result.plan.scenarios | length > 0' <<<"$plan")" true
  t_contains "plan markdown" "$(jq -r .result.markdown <<<"$plan")" "#"
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
  # The fixture is a git repository (for the plan); Emacs's project.el would then put the file
  # in the repository's project rather than the harness's transient one, and eglot would not
  # manage the buffer: project lookup is switched off for this run.
  t_run "emacs" 0 timeout 120 emacs --batch --eval '(setq project-find-functions nil)' \
    -l "$checks/emacs/eglot-diag.el"
  r=$(cat "$out" 2>/dev/null)
  # eglot's project is the file's folder (store/), inside the fixture repository
  t_eq "plan round trip" "$(jq -r .result.plan.mode <<<"$r")" project-wide
  t_eq "plan scenarios" "$(jq '.result.plan.scenarios | length > 0' <<<"$r")" true
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
