#!/usr/bin/env bash
# test_install.sh — skills/install.sh links both skills for Claude Code and Codex, writes one
# marked pointer block into AGENTS.md, replaces an older block where it stands (never a
# second copy), keeps the rest of the file byte for byte, and changes nothing when run again.
# Input: a fake $HOME and an AGENTS.md in a temporary folder. Output: assertions.
source "$FL_SOURCE_DIR/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inst="$FL_SOURCE_DIR/skills/install.sh"
skills="$FL_SOURCE_DIR/skills"
mkdir -p "$tmp/home/.claude" "$tmp/home/.codex/skills/designing-distributed-system-tests"
ln -s /nonexistent "$tmp/home/.codex/skills/executing-distributed-system-tests"
# the user's own file with an older block in the middle
printf '# Our agents\n\nUse tabs.\n\n<!-- faultline-skills:start -->\nold pointer text\n<!-- faultline-skills:end -->\n\n## Other rules\nkeep me\n' >"$tmp/AGENTS.md"

t_run "install" 1 "$inst" --home "$tmp/home" --agents-md "$tmp/AGENTS.md"
t_contains "real folder left alone" "$T_ERR" "exists and is not a link; left alone"
for s in designing-distributed-system-tests executing-distributed-system-tests; do
  t_eq "claude link $s" "$(readlink "$tmp/home/.claude/skills/$s")" "$skills/$s"
  [ -f "$tmp/home/.claude/skills/$s/SKILL.md" ] && t_ok || t_fail "no SKILL.md through the link $s"
done
t_eq "stale codex link re-pointed" "$(readlink "$tmp/home/.codex/skills/executing-distributed-system-tests")" "$skills/executing-distributed-system-tests"
[ -d "$tmp/home/.codex/skills/designing-distributed-system-tests" ] && [ ! -L "$tmp/home/.codex/skills/designing-distributed-system-tests" ] && t_ok || t_fail "the user's own folder was replaced"

a=$(cat "$tmp/AGENTS.md")
t_eq "one start marker" "$(grep -c '^<!-- faultline-skills:start -->$' "$tmp/AGENTS.md")" 1
t_eq "one end marker" "$(grep -c '^<!-- faultline-skills:end -->$' "$tmp/AGENTS.md")" 1
t_not_contains "old block gone" "$a" "old pointer text"
t_contains "points at the design skill" "$a" "$skills/designing-distributed-system-tests/SKILL.md"
t_contains "points at the execute skill" "$a" "$skills/executing-distributed-system-tests/SKILL.md"
t_eq "text before the block kept" "$(head -n 4 "$tmp/AGENTS.md")" "$(printf '# Our agents\n\nUse tabs.\n')"
t_eq "text after the block kept" "$(tail -n 3 "$tmp/AGENTS.md")" "$(printf '\n## Other rules\nkeep me')"
t_eq "block where the old one was" "$(sed -n 5p "$tmp/AGENTS.md")" "<!-- faultline-skills:start -->"

cp "$tmp/AGENTS.md" "$tmp/first"
t_run "install again" 1 "$inst" --home "$tmp/home" --agents-md "$tmp/AGENTS.md"
cmp -s "$tmp/first" "$tmp/AGENTS.md" && t_ok || t_fail "a second install changed AGENTS.md"
t_contains "second run says up to date" "$T_OUT" "pointer block up to date"

# a fresh project without AGENTS.md, an agent home without .codex: links for Claude only
mkdir -p "$tmp/p" "$tmp/home2/.claude"
t_run "fresh install" 0 bash -c "cd '$tmp/p' && '$inst' --home '$tmp/home2'"
[ -f "$tmp/p/AGENTS.md" ] && t_ok || t_fail "no AGENTS.md created in the project"
t_eq "fresh file is just the block" "$(head -n 1 "$tmp/p/AGENTS.md")" "<!-- faultline-skills:start -->"
[ ! -e "$tmp/home2/.codex" ] && t_ok || t_fail "created ~/.codex without --all"
t_run "--all" 0 "$inst" --home "$tmp/home2" --agents-md "$tmp/p/AGENTS.md" --all
t_eq "codex link with --all" "$(readlink "$tmp/home2/.codex/skills/designing-distributed-system-tests")" "$skills/designing-distributed-system-tests"

# an appended block to a file without one, then a second run
printf 'line\n' >"$tmp/B.md"
t_run "append" 0 "$inst" --home "$tmp/home2" --agents-md "$tmp/B.md"
t_eq "append keeps first line" "$(head -n 1 "$tmp/B.md")" "line"
t_run "append again" 0 "$inst" --home "$tmp/home2" --agents-md "$tmp/B.md"
t_eq "still one block" "$(grep -c 'faultline-skills:start' "$tmp/B.md")" 1

# an unterminated block is refused, and the file is not touched
printf 'x\n<!-- faultline-skills:start -->\nhalf\n' >"$tmp/C.md"
cp "$tmp/C.md" "$tmp/C.orig"
t_run "unterminated" 1 "$inst" --home "$tmp/home2" --agents-md "$tmp/C.md"
cmp -s "$tmp/C.md" "$tmp/C.orig" && t_ok || t_fail "an unterminated block's file was changed"
t_done
