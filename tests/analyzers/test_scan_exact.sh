#!/usr/bin/env bash
# test_scan_exact.sh — the scanner's fast paths (patterns run node by node, call patterns
# dispatched by name, lean queries; see analyzers/internal.h) find exactly what one query
# cursor over all patterns finds (FAULTLINE_QUERY_DISPATCH=0): `faultline scan --format json`
# is byte-identical both ways on the labelled fixtures of every language, the example service,
# real code from Debian packages when installed (etcd, hashicorp raft, Go's and Python's
# standard libraries), and trees with user rules of every kind (dispatched, rooted, sibling
# patterns, and a wildcard root that turns the fast paths off). Both lean forms of rooted
# patterns are checked: typed roots and wildcard, type-checked roots (FAULTLINE_WILD_ROOTS=0
# and 1; by default a grammar's size picks one).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib.sh"
cd "$FL_SOURCE_DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

same() { # name path...: both ways byte-identical, and something was found
  local name=$1
  shift
  FAULTLINE_QUERY_DISPATCH=0 "$FAULTLINE" scan --format json --jobs 2 "$@" >"$tmp/slow.json" 2>"$tmp/slow.err"
  local rs=$?
  for wild in "" 0 1; do
    FAULTLINE_WILD_ROOTS=$wild "$FAULTLINE" scan --format json --jobs 2 "$@" >"$tmp/fast.json" \
      2>"$tmp/fast.err"
    local rf=$?
    t_eq "$name (wild roots '$wild'): exit codes" "$rf" "$rs"
    if cmp -s "$tmp/slow.json" "$tmp/fast.json"; then
      t_ok
    else
      t_fail "$name (wild roots '$wild'): outputs differ: $(diff "$tmp/slow.json" "$tmp/fast.json" | head -20)"
    fi
  done
  t_contains "$name: sites found" "$(cat "$tmp/fast.json")" '"rule":'
}

for lang in go java python rust c js; do
  same "fixtures $lang" tests/analyzers/fixtures/$lang
done
same "parse fixtures" tests/fixtures/parse
same "example service" examples/ledger

etcd=/usr/share/gocode/src/go.etcd.io/etcd
[ -d "$etcd" ] && same "etcd clientv3, etcdserver, raft" "$etcd/clientv3" "$etcd/etcdserver" "$etcd/raft"
[ -d /usr/share/gocode/src/github.com/hashicorp/raft ] &&
  same "hashicorp raft" /usr/share/gocode/src/github.com/hashicorp/raft
[ -d /usr/share/go-1.19/src/net/http ] && same "Go net/http" /usr/share/go-1.19/src/net/http
py=$(ls -d /usr/lib/python3.*/ 2>/dev/null | head -1)
[ -n "$py" ] && same "Python asyncio, logging, concurrent" "$py/asyncio" "$py/logging" "$py/concurrent"

# user rules: a dispatched call pattern, a rooted one with a path predicate, a sibling one
mkdir -p "$tmp/svc/.faultline/queries/go" "$tmp/svc/.faultline/queries/python"
cat >"$tmp/svc/main.go" <<'EOF'
package main

// Transfer moves money exactly once.
func Transfer(c *Client) error {
	cfg := Config{Timeout: 3, Retries: 5}
	for {
		if err := c.Charge(cfg); err == nil {
			return nil
		}
		c.Backoff()
	}
}

// audit
// trail
var ledger = openLedger()
EOF
cat >"$tmp/svc/.faultline/queries/go/team.scm" <<'EOF'
; our client's charge call retries inside
(call_expression
  function: (selector_expression field: (field_identifier) @_m)
  (#eq? @_m "Charge")) @retry.call
; retry budgets in config literals
(keyed_element key: (literal_element (identifier) @_k) (#eq? @_k "Retries")) @retry.policy
; a variable documented by a comment pair
((comment) @_c . (comment) . (var_declaration) @commit.call)
EOF
printf 'def f(c):\n    c.charge_card(1)\n' >"$tmp/svc/pay.py"
printf '(call function: (attribute attribute: (identifier) @_a) (#eq? @_a "charge_card")) @commit.call\n' \
  >"$tmp/svc/.faultline/queries/python/pay.scm"
same "user rules" "$tmp/svc"
t_contains "user dispatched rule" "$(cat "$tmp/fast.json")" '"rule": "retry.call"'
t_contains "user rooted rule" "$(cat "$tmp/fast.json")" '"rule": "retry.policy"'
t_contains "user python rule" "$(cat "$tmp/fast.json")" '"target": "c.charge_card"'
t_contains "user sibling rule" "$(cat "$tmp/fast.json")" '"line": 16'

# a wildcard root: the fast paths are off for Go, results still the same
printf '(_ (comment) @_c (#match? @_c "audit")) @commit.ack\n' >"$tmp/svc/.faultline/queries/go/wild.scm"
same "user rule with a wildcard root" "$tmp/svc"
t_contains "wildcard rule found" "$(cat "$tmp/fast.json")" '"rule": "commit.ack"'
t_done
