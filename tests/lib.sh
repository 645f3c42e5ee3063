# tests/lib.sh — assertions for the shell tests run by ctest. Source it; call `t_done` last.
# Environment from ctest: FAULTLINE (the binary), FL_SOURCE_DIR, FL_SHARED_DIR, FL_BINARY_DIR.
set -u
T_FAILS=0
T_COUNT=0
: "${FAULTLINE:?FAULTLINE must name the faultline binary}"

t_fail() { echo "FAIL: $*" >&2; T_FAILS=$((T_FAILS + 1)); }
t_ok() { T_COUNT=$((T_COUNT + 1)); }

# t_run NAME EXPECTED_EXIT CMD...: runs CMD, keeps stdout in $T_OUT and stderr in $T_ERR.
t_run() {
  local name=$1 want=$2
  shift 2
  local outf errf
  outf=$(mktemp) errf=$(mktemp)
  "$@" >"$outf" 2>"$errf"
  T_RC=$?
  T_OUT=$(cat "$outf")
  T_ERR=$(cat "$errf")
  rm -f "$outf" "$errf"
  if [ "$T_RC" != "$want" ]; then
    t_fail "$name: exit $T_RC, expected $want; stderr: ${T_ERR:0:400}"
  else
    t_ok
  fi
}
# t_contains NAME HAYSTACK NEEDLE
t_contains() {
  case "$2" in *"$3"*) t_ok ;; *) t_fail "$1: expected to find '$3' in: ${2:0:400}" ;; esac
}
t_not_contains() {
  case "$2" in *"$3"*) t_fail "$1: did not expect '$3' in: ${2:0:400}" ;; *) t_ok ;; esac
}
t_eq() {
  if [ "$2" == "$3" ]; then t_ok; else t_fail "$1: got '$2', expected '$3'"; fi
}
t_done() {
  echo "$T_COUNT assertions passed, $T_FAILS failed"
  [ "$T_FAILS" -eq 0 ]
}
