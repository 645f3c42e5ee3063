#!/usr/bin/env bash
# test_formats.sh — faultline's PR-bot and report formats, validated offline: SARIF 2.1.0
# against the OASIS JSON schema shipped in the npm package @microsoft/jest-sarif (ajv) plus
# GitHub code scanning's upload rules, and rdjson against reviewdog's Diagnostic Format
# (@umbrelladocs/rdformat-validator). Outputs checked: `faultline scan --format sarif` on
# examples/ledger, `report.sarif` of a real `faultline run` (the Redis example, shortened), and
# `faultline review --format sarif|rdjson|md` on a change to the example (a shorter lease, and
# a tenant-boundary claim whose hypothesis has no site).
source "$FL_SOURCE_DIR/tests/lib.sh"
here="$FL_SOURCE_DIR/tests/formats"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t_run "npm ci" 0 bash "$FL_SOURCE_DIR/tests/editors/npm-ci.sh" "$here"
v() { node "$here/validate.js" "$@"; }

t_run "validators reject known-bad documents" 0 v selftest
echo "$T_OUT"

t_run "scan sarif" 0 "$FAULTLINE" scan "$FL_SOURCE_DIR/examples/ledger" --root "$FL_SOURCE_DIR" --format sarif -o "$tmp/scan.sarif"
t_run "scan sarif valid" 0 v sarif "$tmp/scan.sarif"
echo "$T_OUT"
t_contains "scan sarif has results" "$(cat "$tmp/scan.sarif")" '"ruleId"'

# a real run: the bundled Redis example with its own ports and a 2 s workload
source "$FL_SOURCE_DIR/tests/editors/free-base.sh"
port=$(free_base)
sed -e "s/\"base_port\": [0-9]*/\"base_port\": $port/" \
    -e 's/"duration_s": 5, "seed": 7/"duration_s": 2, "seed": 7/' \
    -e 's/"at_s": 1, "duration_s": 3/"at_s": 0.5, "duration_s": 1/' \
    -e 's/"seeds": 3/"seeds": 1/' \
    "$FL_SOURCE_DIR/examples/plans/redis-replica-stale-read.json" >"$tmp/redis.json"
( cd "$tmp" && "$FAULTLINE" run redis.json --out "$tmp/session" --quiet ) >/dev/null 2>&1
[ -f "$tmp/session/report.sarif" ] && t_ok || t_fail "faultline run wrote no report.sarif"
t_run "run report.sarif valid" 0 v sarif "$tmp/session/report.sarif"
echo "$T_OUT"

if ! "$FAULTLINE" help review >/dev/null 2>&1; then
  echo "SKIP: review formats (faultline help review fails in this build)"
  t_done; exit $?
fi
repo="$tmp/ledger"
cp -r "$FL_SOURCE_DIR/examples/ledger" "$repo"
( cd "$repo" && git init -q -b main && git add -A &&
  git -c user.email=t@example.com -c user.name=t commit -qm ledger &&
  sed -i 's/concurrency.WithTTL(10)/concurrency.WithTTL(5)/' server/lease.go &&
  echo "Each tenant only sees its own data; no cross-tenant reads." >>README.md ) || t_fail "example repository"
t_run "review sarif" 0 "$FAULTLINE" review --repo "$repo" --base main --format sarif -o "$tmp/review.sarif"
# schema, GitHub's hard rules and its recommendations (rule fullDescription and help,
# run columnKind) all fail the test, as for scan's SARIF
t_run "review sarif valid" 0 v sarif "$tmp/review.sarif"
echo "$T_OUT"
t_contains "review sarif has the change's hypotheses" "$(cat "$tmp/review.sarif")" '"uri": "server/lease.go"'
# the tenant claim's hypothesis has no site: it is reported at the claim (GitHub needs a location)
t_contains "review sarif places a site-less hypothesis at its claim" "$(cat "$tmp/review.sarif")" '"uri": "README.md"'
t_run "review rdjson" 0 "$FAULTLINE" review --repo "$repo" --base main --format rdjson -o "$tmp/review.rdjson"
t_run "review rdjson valid" 0 v rdjson "$tmp/review.rdjson"
echo "$T_OUT"
t_contains "rdjson names the file" "$(cat "$tmp/review.rdjson")" '"path": "server/lease.go"'
t_contains "rdjson places a site-less hypothesis at its claim" "$(cat "$tmp/review.rdjson")" '"path": "README.md"'
t_run "review md" 0 "$FAULTLINE" review --repo "$repo" --base main --format md
t_contains "review md" "$T_OUT" "## faultline review"
t_done
