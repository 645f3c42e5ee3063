#!/usr/bin/env bash
# test_analyzer_cli.sh — `faultline scan` end to end on the example service: the three
# formats, -o writes atomically, the planted bugs are found, bad input exits 2 with the file,
# line and column.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib.sh"
cd "$FL_SOURCE_DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

t_run "text" 0 "$FAULTLINE" scan examples/ledger
t_contains "text line format" "$T_OUT" "examples/ledger/client/client.go:28:9: idempotency.retried-write: retries c.PostTransfer"
t_contains "planted clock bug" "$T_OUT" "examples/ledger/server/lease.go:45:9: clock.expiry:"
t_contains "planted ack bug" "$T_OUT" "examples/ledger/server/ledger.go:52:2: commit.ack:"
t_contains "wrapper call" "$T_OUT" "retry.wrapper-call: calls Transfer"
t_contains "claims" "$T_OUT" "claim claim-"
t_contains "hypotheses" "$T_OUT" "hypothesis hyp-"

t_run "json" 0 "$FAULTLINE" scan examples/ledger --format json
json=$T_OUT
t_contains "json sites" "$json" '"sites": ['
t_contains "json claims" "$json" '"claims": ['
t_contains "json hypotheses" "$json" '"hypotheses": ['
t_contains "json site fields" "$json" '"end_column":'
t_contains "json claim source" "$json" '"source": {'
t_contains "json pitfall" "$json" '"checker": "exactly-once"'

t_run "json again" 0 "$FAULTLINE" scan examples/ledger --format json --jobs 1
t_eq "deterministic" "$(echo "$T_OUT" | md5sum)" "$(echo "$json" | md5sum)"

t_run "sarif to file" 0 "$FAULTLINE" scan examples/ledger --format sarif -o "$tmp/out.sarif"
t_contains "sarif version" "$(cat "$tmp/out.sarif")" '"version": "2.1.0"'
t_contains "sarif columnKind" "$(cat "$tmp/out.sarif")" '"columnKind": "utf16CodeUnits"'
t_eq "no temp files left" "$(ls "$tmp")" "out.sarif"

t_run "bad format" 2 "$FAULTLINE" scan --format xml examples/ledger
t_contains "bad format message" "$T_ERR" "--format expects text, json or sarif"
t_run "missing path" 2 "$FAULTLINE" scan "$tmp/nope"
t_contains "missing path message" "$T_ERR" "$tmp/nope: error: expected an existing file or folder"

mkdir -p "$tmp/svc/.faultline/queries/python"
printf 'import os\nos.fsync(3)\n' > "$tmp/svc/a.py"
printf '(call\n  function: (attribute) @x\n  (#match? @x "(unclosed")) @commit.x\n' > "$tmp/svc/.faultline/queries/python/bad.scm"
t_run "broken user query" 2 "$FAULTLINE" scan "$tmp/svc"
t_contains "broken query position" "$T_ERR" ".faultline/queries/python/bad.scm:1:1: error: regex '(unclosed' does not compile"

# every language's built-in queries compile and run (one file each, TSX included)
t_run "all grammars" 0 "$FAULTLINE" scan tests/fixtures/parse
t_contains "tsx read" "$T_OUT" "tests/fixtures/parse/panel.tsx:"

# libgit2 loads only when something needs it (analyzers/git_lazy.c): not for a tree outside
# any repository with no .gitignore; yes once a .gitignore turns up, and inside a repository
mkdir -p "$tmp/plain/sub"
printf 'package p\nfunc f(t Tx) { t.Commit() }\n' > "$tmp/plain/sub/a.go"
t_run "no git needed" 0 env LD_DEBUG=libs "$FAULTLINE" scan "$tmp/plain"
t_contains "plain tree scanned" "$T_OUT" "sub/a.go:2:"
t_not_contains "libgit2 not loaded" "$T_ERR" "libgit2"
printf 'ignored.go\n' > "$tmp/plain/sub/.gitignore"
cp "$tmp/plain/sub/a.go" "$tmp/plain/sub/ignored.go"
t_run "gitignore found" 0 env LD_DEBUG=libs "$FAULTLINE" scan "$tmp/plain"
t_contains "libgit2 loaded" "$T_ERR" "libgit2"
t_not_contains "ignored file skipped" "$T_OUT" "ignored.go"
mkdir -p "$tmp/repo" && git init -q "$tmp/repo" && cp "$tmp/plain/sub/a.go" "$tmp/repo/"
t_run "in a repository" 0 env LD_DEBUG=libs "$FAULTLINE" scan "$tmp/repo"
t_contains "libgit2 loaded in a repository" "$T_ERR" "libgit2"

t_run "help" 0 "$FAULTLINE" help scan
t_contains "help usage" "$T_OUT" "usage: faultline scan"
t_done
