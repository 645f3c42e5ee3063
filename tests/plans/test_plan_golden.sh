#!/usr/bin/env bash
# test_plan_golden.sh — golden plans for the bundled example service (examples/ledger) and
# the kvlock fixture: each is committed into a temp repository with fixed dates, planned
# project-wide and change-scoped (a scripted change: Transfer retries 7 times), and every
# rendering must equal tests/plans/golden/<name>.{md,json} byte for byte.
# Regenerate deliberately, never silently:  tests/plans/test_plan_golden.sh --update
# (needs FAULTLINE=path/to/faultline and FL_SOURCE_DIR=the checkout).
. "$FL_SOURCE_DIR/tests/lib.sh"
. "$FL_SOURCE_DIR/tests/plans/lib_plan.sh"
GOLDEN="$FL_SOURCE_DIR/tests/plans/golden"
update=0
[ "${1:-}" = "--update" ] && update=1

check() { # NAME: compares $T_TMP/out/NAME with the golden file
  if [ "$update" = 1 ]; then
    mkdir -p "$GOLDEN"
    cp "$T_TMP/out/$1" "$GOLDEN/$1"
    echo "updated $GOLDEN/$1"
    t_ok
  elif [ ! -f "$GOLDEN/$1" ]; then
    t_fail "golden $1 is missing (run tests/plans/test_plan_golden.sh --update)"
  elif cmp -s "$T_TMP/out/$1" "$GOLDEN/$1"; then
    t_ok
  else
    t_fail "$1 differs from its golden file:"
    diff -u "$GOLDEN/$1" "$T_TMP/out/$1" | head -40 >&2
  fi
}

mkdir -p "$T_TMP/out"
# the example service
L="$T_TMP/ledger"
mkdir -p "$L"
cp -r "$FL_SOURCE_DIR/examples/ledger/." "$L/"
git -C "$L" init -q -b main
g_commit "$L" "ledger"
sed -i 's/attempt < 5; attempt++ {/attempt < 7; attempt++ {/' "$L/client/client.go"
g_commit "$L" "client: retry transfers 7 times"
for fmt in md json; do
  t_run "ledger project-wide $fmt" 0 "$FAULTLINE" plan --repo "$L" --slug ledger-project-wide \
    --format "$fmt" -o "$T_TMP/out/ledger-project-wide.$fmt"
  check "ledger-project-wide.$fmt"
  t_run "ledger change $fmt" 0 "$FAULTLINE" plan --repo "$L" --base HEAD~1 --head HEAD \
    --slug ledger-change --format "$fmt" -o "$T_TMP/out/ledger-change.$fmt"
  check "ledger-change.$fmt"
done
# the kvlock fixture (etcd client: runnable scenarios)
K=$(g_repo kvlock)
for fmt in md json; do
  t_run "kvlock project-wide $fmt" 0 "$FAULTLINE" plan --repo "$K" --slug kvlock-project-wide \
    --format "$fmt" -o "$T_TMP/out/kvlock-project-wide.$fmt"
  check "kvlock-project-wide.$fmt"
done
# the goldens themselves are valid plans
for f in ledger-project-wide ledger-change kvlock-project-wide; do
  t_run "golden $f passes --check" 0 "$FAULTLINE" plan --check "$T_TMP/out/$f.json"
done
t_done
