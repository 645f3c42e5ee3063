# lib_plan.sh — helpers for the plan and review tests: real git repositories built in temp
# folders by scripted commits with fixed dates (so plans are reproducible). Source after
# tests/lib.sh.
FIXTURES="$FL_SOURCE_DIR/tests/plans/fixtures"
export GIT_AUTHOR_NAME=faultline GIT_AUTHOR_EMAIL=t@faultline.invalid
export GIT_COMMITTER_NAME=faultline GIT_COMMITTER_EMAIL=t@faultline.invalid
export GIT_CONFIG_NOSYSTEM=1 HOME=${TMPDIR:-/tmp}
T_DAY=1
# g_commit DIR MSG: commits everything with the next fixed date (2026-01-01, 02, ...).
g_commit() {
  local d
  d=$(printf '2026-01-%02dT10:00:00Z' "$T_DAY")
  T_DAY=$((T_DAY + 1))
  git -C "$1" add -A
  GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git -C "$1" commit -q -m "$2"
}
# g_repo NAME: a fresh repository holding the kvlock fixture, one commit; prints its path.
g_repo() {
  local r="$T_TMP/$1"
  mkdir -p "$r"
  cp -r "$FIXTURES/kvlock/." "$r/"
  git -C "$r" init -q -b main
  g_commit "$r" "initial" >/dev/null
  echo "$r"
}
T_TMP=$(mktemp -d)
trap 'rm -rf "$T_TMP"' EXIT
