#!/usr/bin/env bash
# test_cli.sh — the command frame as a user meets it: --version names the four libraries,
# help lists commands, unknown commands and flags fail with one line, usage and exit 2.
. "$FL_SOURCE_DIR/tests/lib.sh"

t_run version 0 "$FAULTLINE" --version
t_contains version "$T_OUT" "faultline 0."
for lib in "tree-sitter 0.25" jansson libgit2 pcre2; do t_contains "version $lib" "$T_OUT" "$lib"; done
t_eq "version line count" "$(printf '%s\n' "$T_OUT" | wc -l)" 5

t_run help 0 "$FAULTLINE" help
t_contains help "$T_OUT" "usage: faultline COMMAND"
t_contains help "$T_OUT" "exit codes"

t_run "no args" 2 "$FAULTLINE"
t_contains "no args" "$T_ERR" "usage:"

t_run "unknown command" 2 "$FAULTLINE" frobnicate
t_eq "unknown command first line" "$(printf '%s\n' "$T_ERR" | head -1)" "faultline: unknown command 'frobnicate'"
t_contains "unknown command usage" "$T_ERR" "usage: faultline"
t_eq "unknown command stdout empty" "$T_OUT" ""

t_run "unknown flag" 2 "$FAULTLINE" --frobnicate
t_contains "unknown flag" "$T_ERR" "unknown option '--frobnicate'"

t_run "help unknown" 2 "$FAULTLINE" help frobnicate
t_contains "help unknown" "$T_ERR" "unknown command 'frobnicate'"

t_run "version extra" 2 "$FAULTLINE" --version extra

# Every command in the table has help and rejects an unknown flag with exit 2.
for cmd in $("$FAULTLINE" help | awk '/^commands:/{on=1;next} on && /^  [a-z]/{print $1}'); do
  [ "$cmd" = help ] && continue
  t_run "help $cmd" 0 "$FAULTLINE" help "$cmd"
  t_contains "help $cmd" "$T_OUT" "usage: faultline $cmd"
  t_run "$cmd bad flag" 2 "$FAULTLINE" "$cmd" --no-such-flag-here
  t_contains "$cmd bad flag" "$T_ERR" "no-such-flag-here"
done

t_done
