#!/usr/bin/env bash
# test_plan_git.sh — `faultline plan` against real git repositories built by scripted
# commits: project-wide plans, change scope (hunks → functions, one level of callers),
# renames, deletions, binary files, a merge, a dirty work tree with untracked and ignored
# files, a shallow clone, bad revisions and folders (exit 2), early exits for docs-only,
# tests-only and formatting-only changes, and id stability across unrelated edits.
. "$FL_SOURCE_DIR/tests/lib.sh"
. "$FL_SOURCE_DIR/tests/plans/lib_plan.sh"
FL=$FAULTLINE

R=$(g_repo base)

# ---- project-wide ----
t_run "project-wide json" 0 "$FL" plan --repo "$R" --format json
P=$T_OUT
t_eq "mode" "$(jq -r .mode <<<"$P")" "project-wide"
t_eq "date from the head commit" "$(jq -r .date <<<"$P")" "2026-01-01"
t_eq "slug" "$(jq -r .slug <<<"$P")" "base-project-wide"
t_eq "change is null" "$(jq -r .change <<<"$P")" "null"
t_eq "hypotheses found" "$(jq '.hypotheses|length>=4' <<<"$P")" "true"
t_eq "every hypothesis cites a claim or a missing claim" \
  "$(jq '[.hypotheses[]|select((.claims|length)+(.missing_claims|length)==0)]|length' <<<"$P")" "0"
t_eq "every hypothesis closed by a scenario" \
  "$(jq '[.hypotheses[]|select((.scenarios|length)==0)]|length' <<<"$P")" "0"
t_eq "serious scenarios name model, checker, landing evidence, ambiguity" \
  "$(jq '[.scenarios[]|select(.serious and (.checker=="" or .landing_evidence=="" or .ambiguous_outcomes=="" or (.history_fields|length)==0))]|length' <<<"$P")" "0"
t_eq "etcd stack gives runnable scenarios" \
  "$(jq '[.scenarios[]|select(.run!=null and .run.client.command=="faultline-adapter-etcd")]|length>0' <<<"$P")" "true"
t_eq "others are NOT-RUN with a skeleton" \
  "$(jq '[.scenarios[]|select(.run==null and (.status!="NOT-RUN" or (.skeleton|contains("AUTO-GENERATED")|not)))]|length' <<<"$P")" "0"
t_eq "ids look like C/H/S numbers" \
  "$(jq -r '[.claims[0].id, .hypotheses[0].id, .scenarios[0].id]|map(test("^[CHS][0-9]+$"))|all' <<<"$P")" "true"
t_eq "inventory finds the test referencing Incr" \
  "$(jq -r '.existing_tests[0].path' <<<"$P")" "store/counter_test.go"
t_eq "boundary and fairness claims get §7.M.S scenarios with arms" \
  "$(jq -c '[.scenarios[]|select(.surface_decomposition!=null)|[.name,(.surface_decomposition.arms|length>=3),.status]]' <<<"$P")" \
  '[["tenant_boundary_holds_on_every_surface",true,"NOT-RUN"],["per_group_latency_stays_fair_under_noisy_neighbour",true,"NOT-RUN"]]'
printf '%s\n' "$P" >"$T_TMP/pw.json"
t_run "generated plan passes --check" 0 "$FL" plan --check "$T_TMP/pw.json"
t_run "project-wide md" 0 "$FL" plan --repo "$R" --format md
for h in "# Test Plan: base-project-wide" "## 0. Architectural summary" "## 1b. Claims under test" \
  "## 1c. Missing claims discovered" "## 2. SUT model" "## 3. Existing test inventory" \
  "## 4. Failure-mode hypotheses" "## 5. Coverage matrix" "## 6. Technique selection" \
  "## 6b. Environment requirements" "## 7. Scenarios" "#### §7.M Model / history / checker" \
  "## 7b. Coverage adequacy argument" "## 7c. Residual uncertainty" "## 7d. Confidence statement" \
  "## 8. What this plan does NOT cover" "## 9. Open questions / followups" \
  "- Falsifies if it FAILs:" "- Release budget: not provided — " "Plan mode: project-wide" \
  "#### §7.M.S Surface decomposition" "§7.M: not applicable (no gated claim category falsified)" \
  "§7.M.S: not applicable (no boundary or fairness claim falsified)"; do
  t_contains "md has $h" "$T_OUT" "$h"
done

# ---- default output files, determinism ----
t_run "writes docs/testing-plans" 0 "$FL" plan --repo "$R"
t_contains "wrote md" "$T_OUT" "docs/testing-plans/base-project-wide.md"
cp "$R/docs/testing-plans/base-project-wide.json" "$T_TMP/a.json"
cp "$R/docs/testing-plans/base-project-wide.md" "$T_TMP/a.md"
t_run "again, one thread" 0 "$FL" plan --repo "$R" --jobs 1
cmp -s "$T_TMP/a.json" "$R/docs/testing-plans/base-project-wide.json" && t_ok || t_fail "json not byte-identical"
cmp -s "$T_TMP/a.md" "$R/docs/testing-plans/base-project-wide.md" && t_ok || t_fail "md not byte-identical"
rm -rf "$R/docs"

# ---- change-scoped: a hunk inside Incr; Bump calls it ----
sed -i 's/attempt < 5/attempt < 7/' "$R/store/counter.go"
g_commit "$R" "more retries"
t_run "change-scoped" 0 "$FL" plan --repo "$R" --base HEAD~1 --head HEAD --format json
P=$T_OUT
t_eq "mode change-scoped" "$(jq -r .mode <<<"$P")" "change-scoped"
t_eq "one file" "$(jq -r '.change.files|map(.path)|join(",")' <<<"$P")" "store/counter.go"
t_eq "hunk lines" "$(jq -c '.change.files[0].hunks[0]|[.old_start,.old_lines,.new_start,.new_lines]' <<<"$P")" "[15,1,15,1]"
t_eq "hunk's function" "$(jq -r '.change.files[0].hunks[0].functions|join(",")' <<<"$P")" "Incr"
t_eq "caller one level" "$(jq -r '[.change.functions[]|select(.why=="caller")|.function]|join(",")' <<<"$P")" "Bump"
t_eq "sites scoped" "$(jq -r '[.sites[]|.scope]|unique|join(",")' <<<"$P")" "caller,changed"
t_eq "retry hypothesis in scope, lease not" \
  "$(jq -r '[.hypotheses[]|.pitfall]|unique|map(tostring)|join(",")' <<<"$P")" "1"
t_eq "head commit recorded" "$(jq -r '.change.head|length' <<<"$P")" "40"
printf '%s\n' "$P" >"$T_TMP/cs.json"
t_run "change plan passes --check" 0 "$FL" plan --check "$T_TMP/cs.json"
# the same hypothesis keeps its id in both plans
hid=$(jq -r '.hypotheses[0].ref' <<<"$P")
t_eq "H id shared with the project-wide plan" "$(jq -r --arg r "$hid" '.hypotheses[]|select(.ref==$r)|.id' "$T_TMP/pw.json")" \
  "$(jq -r '.hypotheses[0].id' <<<"$P")"

# ---- rename (followed), deletion, binary ----
git -C "$R" mv lock/lock.go lock/locker.go
sed -i 's/5\*time.Second/6*time.Second/' "$R/lock/locker.go"
git -C "$R" rm -q store/counter_test.go
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01' >"$R/logo.png"
g_commit "$R" "rename, delete, binary"
t_run "rename etc" 0 "$FL" plan --repo "$R" --base HEAD~1 --head HEAD --format json
P=$T_OUT
t_eq "rename followed" "$(jq -r '.change.files[]|select(.status=="R")|.old_path+">"+.path' <<<"$P")" "lock/lock.go>lock/locker.go"
t_eq "deletion listed" "$(jq -r '.change.files[]|select(.status=="D")|.path' <<<"$P")" "store/counter_test.go"
t_eq "binary without hunks" "$(jq -c '.change.files[]|select(.path=="logo.png")|[.binary,(.hunks|length)]' <<<"$P")" "[true,0]"
t_eq "renamed file's function in scope" "$(jq -r '[.change.functions[]|select(.why=="changed")|.function]|join(",")' <<<"$P")" "Acquire"

# ---- a merge ----
git -C "$R" checkout -q -b feature
sed -i 's/time.Second)$/2*time.Second)/' "$R/store/counter.go"
g_commit "$R" "feature: longer timeout"
git -C "$R" checkout -q main
echo "More words." >>"$R/README.md"
g_commit "$R" "docs"
GIT_AUTHOR_DATE=2026-01-20T10:00:00Z GIT_COMMITTER_DATE=2026-01-20T10:00:00Z git -C "$R" merge -q --no-edit feature
t_run "merge: base = first parent" 0 "$FL" plan --repo "$R" --base HEAD^1 --head HEAD --format json
P=$T_OUT
t_eq "merge brings the feature's file" "$(jq -r '.change.files|map(.path)|join(",")' <<<"$P")" "store/counter.go"
t_eq "merge date" "$(jq -r .date <<<"$P")" "2026-01-20"
t_eq "function put changed" "$(jq -r '[.change.functions[]|select(.why=="changed")|.function]|join(",")' <<<"$P")" "put"

# ---- dirty work tree: modified, untracked, ignored ----
echo "ignored.go" >"$R/.gitignore"
g_commit "$R" "gitignore"
cat >"$R/store/extra.go" <<'GO'
package store

import "time"

func Again(f func() error) error {
	var err error
	for i := 0; i < 3; i++ {
		if err = f(); err == nil {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return err
}
GO
cp "$R/store/extra.go" "$R/ignored.go"
sed -i 's/attempt < 7/attempt < 9/' "$R/store/counter.go"
t_run "work tree" 0 "$FL" plan --repo "$R" --base HEAD --format json
P=$T_OUT
t_eq "work tree: head null" "$(jq -r .change.head <<<"$P")" "null"
t_eq "work tree files" "$(jq -r '.change.files|map(.path)|join(",")' <<<"$P")" "store/counter.go,store/extra.go"
t_eq "untracked flagged" "$(jq -r '.change.files[]|select(.path=="store/extra.go")|.untracked' <<<"$P")" "true"
t_eq "slug names the work tree" "$(jq -r .slug <<<"$P")" "base-$(git -C "$R" rev-parse --short=7 HEAD)-worktree"
t_eq "untracked file's retry site in scope" "$(jq -r '[.sites[]|select(.path=="store/extra.go")]|length>0' <<<"$P")" "true"
git -C "$R" checkout -q -- store/counter.go
rm -f "$R/store/extra.go" "$R/ignored.go"

# ---- early exits ----
echo "Even more words." >>"$R/README.md"
g_commit "$R" "docs only"
t_run "docs only" 0 "$FL" plan --repo "$R" --base HEAD~1 --head HEAD --format json
t_eq "docs-only status" "$(jq -r .status <<<"$T_OUT")" "early-exit"
t_eq "docs-only kind" "$(jq -r .early_exit.kind <<<"$T_OUT")" "docs-only"
printf '%s\n' "$T_OUT" >"$T_TMP/early.json"
t_run "early-exit plan passes --check" 0 "$FL" plan --check "$T_TMP/early.json"
t_run "docs only md" 0 "$FL" plan --repo "$R" --base HEAD~1 --head HEAD --format md
t_contains "md says why" "$T_OUT" "does not warrant a distributed test plan: docs only"
mkdir -p "$R/store" && printf 'package store\n\nfunc TestMore(t *testing.T) {}\n' >"$R/store/more_test.go"
g_commit "$R" "tests only"
t_run "tests only" 0 "$FL" plan --repo "$R" --base HEAD~1 --head HEAD --format json
t_eq "tests-only kind" "$(jq -r .early_exit.kind <<<"$T_OUT")" "tests-only"
sed -i 's/^\tvar err error$/\tvar err   error/' "$R/store/counter.go"
g_commit "$R" "formatting"
t_run "formatting only" 0 "$FL" plan --repo "$R" --base HEAD~1 --head HEAD --format json
t_eq "formatting-only kind" "$(jq -r .early_exit.kind <<<"$T_OUT")" "formatting-only"
t_run "no change" 0 "$FL" plan --repo "$R" --base HEAD --head HEAD --format json
t_eq "no-change kind" "$(jq -r .early_exit.kind <<<"$T_OUT")" "no-change"

cat >"$R/store/util.go" <<'GO'
package store

func double(x int) int { return 2 * x }
GO
g_commit "$R" "a helper without sites"
t_run "no sites" 0 "$FL" plan --repo "$R" --base HEAD~1 --head HEAD --format json
t_eq "no-sites kind" "$(jq -r .early_exit.kind <<<"$T_OUT")" "no-sites"
t_contains "no-sites names the function" "$(jq -r .early_exit.reason <<<"$T_OUT")" "double (store/util.go)"

# ---- a subfolder of the repository: diff and analysis limited to it ----
sed -i 's/attempt < 7/attempt < 8/' "$R/store/counter.go"
sed -i 's/6\*time.Second/7*time.Second/' "$R/lock/locker.go"
g_commit "$R" "two folders"
t_run "subfolder" 0 "$FL" plan --repo "$R/store" --base HEAD~1 --head HEAD --format json
t_eq "subfolder: only its files" "$(jq -r '.change.files|map(.path)|join(",")' <<<"$T_OUT")" "store/counter.go"
t_eq "subfolder slug" "$(jq -r .slug <<<"$T_OUT")" "store-$(git -C "$R" rev-parse --short=7 HEAD~1)-$(git -C "$R" rev-parse --short=7 HEAD)"
t_eq "subfolder: sites only inside it" "$(jq -r '[.sites[]|.path|startswith("store/")]|all' <<<"$T_OUT")" "true"

# ---- ids stay stable when unrelated code and docs are added ----
t_run "ids before" 0 "$FL" plan --repo "$R" --format json
before=$(jq -c '[.claims[]|{ref,id}], [.hypotheses[]|{ref,id}], [.scenarios[]|{name,id}]' <<<"$T_OUT")
mkdir -p "$R/queue"
cat >"$R/queue/q.go" <<'GO'
package queue

import "os"

// Append adds a message to the queue file.
func Append(f *os.File, b []byte) error {
	if _, err := f.Write(b); err != nil {
		return err
	}
	return f.Sync()
}
GO
echo "The queue keeps messages in a file." >"$R/QUEUE.md"
g_commit "$R" "queue"
t_run "ids after" 0 "$FL" plan --repo "$R" --format json
ok=1
while read -r pair; do
  ref=$(jq -r .ref <<<"$pair"); id=$(jq -r .id <<<"$pair")
  got=$(jq -r --arg r "$ref" '[.claims[],.hypotheses[]]|map(select(.ref==$r))|.[0].id' <<<"$T_OUT")
  [ "$got" = "$id" ] || { ok=0; t_fail "id of $ref moved: $id -> $got"; }
done < <(jq -c '.[]' <<<"$(echo "$before" | head -2 | jq -s 'add')")
[ $ok = 1 ] && t_ok

# ---- the inventory says which tests inject faults ----
cat >"$R/store/chaos_test.go" <<'GO'
package store

import (
	"os/exec"
	"testing"
)

func TestIncrUnderPartition(t *testing.T) {
	_ = exec.Command("iptables", "-A", "INPUT", "-j", "DROP").Run()
	_ = (&Counter{}).Incr
}
GO
t_run "inventory" 0 "$FL" plan --repo "$R" --format json
t_eq "fault-injecting test found" \
  "$(jq -c '.existing_tests[]|select(.path=="store/chaos_test.go")|[.functions,.injects_faults,.fault_marker,.fault_marker_line]' <<<"$T_OUT")" \
  '[["Incr"],true,"iptables",9]'
t_eq "plain test found, no faults" \
  "$(jq -c '.existing_tests[]|select(.path=="store/more_test.go")|.injects_faults' <<<"$T_OUT")" ""
rm -f "$R/store/chaos_test.go"

# ---- the stack picks the adapter: Redis runs, SQL carries a skeleton ----
S="$T_TMP/stacks"
mkdir -p "$S/cache" "$S/db"
cat >"$S/cache/cache.go" <<'GO'
package cache

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

func Set(ctx context.Context, r *redis.Client, k, v string) error {
	var err error
	for i := 0; i < 3; i++ {
		if err = r.Set(ctx, k, v, 0).Err(); err == nil {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return err
}
GO
cat >"$S/db/db.go" <<'GO'
package db

import (
	"database/sql"
	"time"
)

func Save(db *sql.DB, v string) error {
	var err error
	for i := 0; i < 3; i++ {
		if _, err = db.Exec("INSERT INTO t VALUES ($1)", v); err == nil {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return err
}
GO
git -C "$S" init -q -b main
g_commit "$S" "stacks"
t_run "stacks" 0 "$FL" plan --repo "$S" --format json
t_eq "redis scenario runs through the redis adapter" \
  "$(jq -r '[.scenarios[]|select(.stack=="redis" and .run!=null)|.run.client.command]|unique|join(",")' <<<"$T_OUT")" \
  "faultline-adapter-redis"
t_eq "sql scenario is NOT-RUN with a skeleton" \
  "$(jq -r '[.scenarios[]|select(.stack=="sql")|[.status,(.run==null),(.skeleton|startswith("// AUTO-GENERATED"))]|map(tostring)|join(" ")]|unique|join(",")' <<<"$T_OUT")" \
  "NOT-RUN true true"
printf '%s\n' "$T_OUT" >"$T_TMP/stacks.json"
t_run "stacks plan passes --check" 0 "$FL" plan --check "$T_TMP/stacks.json"

# ---- errors: exit 2 with a clear message ----
t_run "bad rev" 2 "$FL" plan --repo "$R" --base no-such-rev
t_contains "bad rev message" "$T_ERR" "'no-such-rev' does not name a commit"
t_run "bad head" 2 "$FL" plan --repo "$R" --base HEAD --head nope
t_contains "bad head message" "$T_ERR" "--head"
mkdir -p "$T_TMP/notrepo"
t_run "not a repository" 2 "$FL" plan --repo "$T_TMP/notrepo"
t_contains "not a repository message" "$T_ERR" "inside a git repository"
t_run "missing folder" 2 "$FL" plan --repo "$T_TMP/nope"
t_contains "missing folder message" "$T_ERR" "expected an existing folder"
t_run "positional" 2 "$FL" plan somewhere
t_run "head without base" 2 "$FL" plan --repo "$R" --head HEAD
t_run "bad format" 2 "$FL" plan --repo "$R" --format pdf

# ---- shallow clone ----
git clone -q --depth 1 "file://$R" "$T_TMP/shallow"
t_run "shallow: missing base" 2 "$FL" plan --repo "$T_TMP/shallow" --base HEAD~1
t_contains "shallow hint" "$T_ERR" "shallow"
t_run "shallow: base present" 0 "$FL" plan --repo "$T_TMP/shallow" --base HEAD --format json
t_eq "shallow no-change" "$(jq -r .early_exit.kind <<<"$T_OUT")" "no-change"

t_done
