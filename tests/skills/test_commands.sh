#!/usr/bin/env bash
# test_commands.sh — runs every command the two SKILL.md files show, as written, against the
# bundled example, and checks each block works (exit 0) and produces what the skill says.
#
# Input: skills/*/SKILL.md (```sh blocks; the block after <!-- skill-vars --> sets the
# variables), examples/ledger (the design skill runs in a git repository made from it, with
# a change on a branch off `main`) and examples/plans/redis-replica-stale-read.json (the
# execute skill's plan: the bundled runnable example, copied with its own ports and a shorter
# workload so it does not collide with other tests). Blocks that need `faultline plan` or
# `faultline review` are skipped, with a message, while `faultline help plan|review` fails.
source "$FL_SOURCE_DIR/tests/lib.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# faultline on PATH, as an agent has it
mkdir -p "$tmp/bin"
ln -s "$FAULTLINE" "$tmp/bin/faultline"
export PATH="$tmp/bin:$PATH"
export TMPDIR="$tmp"

have() { "$FAULTLINE" help "$1" >/dev/null 2>&1; }
skipped=0

# run_skill SKILL DIR VARS_OVERRIDE: runs the blocks of SKILL in DIR. VARS_OVERRIDE, when not
# empty, replaces the variables block (after checking it sets the same names).
run_skill() {
  local skill=$1 dir=$2 override=$3 md="$FL_SOURCE_DIR/skills/$1/SKILL.md"
  local blocks="$tmp/$skill.blocks"
  awk -f "$here/extract-blocks.awk" "$md" >"$blocks"
  local n
  n=$(grep -c '^@@BLOCK ' "$blocks")
  [ "$n" -ge 3 ] || t_fail "$skill: only $n sh blocks"
  local vars="" i kind line body
  for i in $(seq 1 "$n"); do
    read -r _ _ kind line < <(grep "^@@BLOCK $i " "$blocks")
    body=$(awk -v i="$i" '/^@@BLOCK /{cur = ($2 == i); next} cur' "$blocks")
    if [ "$kind" = vars ]; then
      vars=$body
      if [ -n "$override" ]; then
        local want got
        want=$(printf '%s\n' "$body" | sed -n 's/^\([A-Z_]*\)=.*/\1/p' | sort | tr '\n' ' ')
        got=$(printf '%s\n' "$override" | sed -n 's/^\([A-Z_]*\)=.*/\1/p' | sort | tr '\n' ' ')
        t_eq "$skill: variables the test sets" "$got" "$want"
        vars=$override
      fi
      continue
    fi
    if grep -Eq 'faultline (help )?plan|docs/testing-plans/\$SLUG' <<<"$body" && ! have plan; then
      echo "SKIP: $skill block $i (line $line) needs 'faultline plan', which this build does not have yet (faultline help plan fails)"
      skipped=$((skipped + 1)); continue
    fi
    if grep -Eq 'faultline (help )?review' <<<"$body" && ! have review; then
      echo "SKIP: $skill block $i (line $line) needs 'faultline review', which this build does not have yet (faultline help review fails)"
      skipped=$((skipped + 1)); continue
    fi
    local out rc
    # Every command must succeed, except faultline run / check, whose exit code is a result
    # (1 = a FAIL or a violation) that the block prints with "exited $?".
    out=$(cd "$dir" && timeout 120 bash -c "set -u -o pipefail
trap 'case \"\$BASH_COMMAND\" in \"faultline run \"*|\"faultline check \"*) ;; *) echo \"command failed (\$?): \$BASH_COMMAND\" >&2; exit 97 ;; esac' ERR
$vars
$body" 2>&1 </dev/null)
    rc=$?
    printf '%s\n' "$out" >"$tmp/$skill.$i.out"
    if [ "$rc" -ne 0 ]; then
      t_fail "$skill block $i (SKILL.md line $line) exited $rc: ${out:0:600}"
    else
      t_ok
      echo "ok: $skill block $i (line $line)"
    fi
  done
}

# --- design skill: a git repository of the bundled example with a change on a branch
repo="$tmp/ledger"
cp -r "$FL_SOURCE_DIR/examples/ledger" "$repo"
(
  cd "$repo" && git init -q -b main && git config user.email t@example.com &&
    git config user.name test && git add -A && git commit -qm "ledger" &&
    git checkout -qb change &&
    sed -i 's|// BUG: a lost ack pays twice|// retried up to three times|' client/client.go &&
    git commit -qam "change the client"
) || t_fail "could not make the example repository"
run_skill designing-distributed-system-tests "$repo" ""
t_contains "scan json written" "$(head -c 200 "$tmp/faultline-scan-ledger-transfer-retries.json" 2>/dev/null)" '"sites"'
if have plan; then
  [ -f "$repo/docs/testing-plans/ledger-transfer-retries.md" ] || t_fail "the design skill's plan command wrote no docs/testing-plans/ledger-transfer-retries.md"
  [ -f "$repo/docs/testing-plans/ledger-transfer-retries.json" ] || t_fail "no docs/testing-plans/ledger-transfer-retries.json"
  grep -q 'Status: reviewed' "$repo/docs/testing-plans/ledger-transfer-retries.md" || t_fail "the Status sed did not mark the Markdown plan reviewed"
  grep -Eq '"status": *"reviewed"' "$repo/docs/testing-plans/ledger-transfer-retries.json" || t_fail "the status sed did not mark the JSON plan reviewed"
fi

# --- execute skill: the bundled runnable plan (Redis primary + replica), own ports, shorter
work="$tmp/exec"
mkdir -p "$work/plans"
source "$FL_SOURCE_DIR/tests/editors/free-base.sh"
port=$(free_base)
sed -e "s/\"base_port\": [0-9]*/\"base_port\": $port/" \
    -e 's/"duration_s": 5, "seed": 7/"duration_s": 2, "seed": 7/' \
    -e 's/"at_s": 1, "duration_s": 3/"at_s": 0.5, "duration_s": 1/' \
    -e 's/"seeds": 3/"seeds": 1/' \
    "$FL_SOURCE_DIR/examples/plans/redis-replica-stale-read.json" >"$work/plans/redis-replica-stale-read.json"
run_skill executing-distributed-system-tests "$work" 'PLAN=plans/redis-replica-stale-read.json
SCENARIO=S1'
for i in $(seq 1 20); do
  f="$tmp/executing-distributed-system-tests.$i.out"
  [ -f "$f" ] || continue
  if grep -q 'faultline run exited' "$f"; then
    rc=$(sed -n 's/.*faultline run exited \([0-9]*\).*/\1/p' "$f" | tail -n 1)
    case "$rc" in 0|1) t_ok ;; *) t_fail "execute block $i: faultline run exited $rc (the scenario did not run): $(tail -n 5 "$f")" ;; esac
  fi
  if grep -q 'faultline check exited' "$f"; then
    rc=$(sed -n 's/.*faultline check exited \([0-9]*\).*/\1/p' "$f" | tail -n 1)
    case "$rc" in 0|1|3) t_ok ;; *) t_fail "execute block $i: faultline check exited $rc: $(tail -n 5 "$f")" ;; esac
  fi
done
sessions=$(ls -d "$work"/test-sessions/redis-replica-stale-read/*/ 2>/dev/null | wc -l)
[ "$sessions" -ge 3 ] || t_fail "expected a session folder per faultline run, found $sessions"
verdict=$(cat "$(ls -td "$work"/test-sessions/*/*/ | head -n 1)/scenarios/S1/verdict.json" 2>/dev/null)
# one of the ten verdicts (the example's known answer is a FAIL, but this test is about the
# skill's commands, not the system under test); a FAIL carries a blame
v=$(sed -n 's/.*"verdict": *"\([A-Za-z-]*\)".*/\1/p' <<<"$verdict" | head -n 1)
case "$v" in
  PASS-smoke|PASS-hardening|FAIL-reproducible|FAIL-nondeterministic|INCONCLUSIVE-env|INCONCLUSIVE-oracle-too-weak|INCONCLUSIVE-fault-not-proven|PARTIAL-surface|PARTIAL-model|NOT-RUN) t_ok ;;
  *) t_fail "verdict.json has no known verdict: ${verdict:0:300}" ;;
esac
case "$v" in FAIL-*) t_not_contains "a FAIL carries a blame" "$verdict" '"blame": null' ;; esac
echo "execute skill's last verdict: $v"

# Commands named in the prose (`faultline ...` code spans) and in the blocks: each subcommand
# exists, and each --flag it is shown with is one its help text documents.
for skill in designing-distributed-system-tests executing-distributed-system-tests; do
  md="$FL_SOURCE_DIR/skills/$skill/SKILL.md"
  { grep -o '`faultline [^`]*`' "$md" | tr -d '`'
    grep -v '^@@BLOCK ' "$tmp/$skill.blocks" | grep -o '^faultline [a-z][^;|&]*'; } |
    sort -u >"$tmp/$skill.cmds"
  while read -r _ sub rest; do
    case "$sub" in help) sub=$(awk '{print $1}' <<<"$rest"); [ -n "$sub" ] || continue ;; esac
    [ "$sub" = plan ] && ! have plan && continue
    [ "$sub" = review ] && ! have review && continue
    if ! usage=$("$FAULTLINE" help "$sub" 2>&1); then
      t_fail "$skill shows 'faultline $sub', which is not a faultline command"; continue
    fi
    t_ok
    for flag in $(grep -oE '(^| )--?[a-z][a-z-]*' <<<" $rest" | tr -d ' '); do
      case "$usage" in *"$flag"*) t_ok ;; *) t_fail "$skill shows 'faultline $sub $flag', which 'faultline help $sub' does not document" ;; esac
    done
  done <"$tmp/$skill.cmds"
done

echo "skipped blocks: $skipped"
t_done
