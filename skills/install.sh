#!/usr/bin/env bash
# skills/install.sh — makes faultline's agent skills visible to coding agents. Idempotent.
#
#   skills/install.sh [--agents-md FILE] [--home DIR] [--all] [--dry-run]
#
# What it does (running it again changes nothing; a newer checkout updates in place):
#   1. Links each skill folder (skills/<name>/, holding SKILL.md) into the skill folders of
#      agents that load skills from disk: ~/.claude/skills/<name> (Claude Code) and
#      ~/.codex/skills/<name> (Codex), for each agent whose ~/.claude or ~/.codex exists
#      (--all: create them). An existing link is re-pointed; a real folder or file of the same
#      name is left alone and reported.
#   2. Writes a pointer block between the markers
#        <!-- faultline-skills:start --> ... <!-- faultline-skills:end -->
#      into AGENTS.md (default: ./AGENTS.md, created when missing), read by Codex, Cursor,
#      Copilot CLI, Gemini CLI (with contextFileName AGENTS.md) and others. An older block is
#      replaced where it stands, never duplicated; the rest of the file is kept byte for byte.
# Exit: 0 done, 1 something was left alone (reported on stderr), 2 bad usage.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
agents_md="AGENTS.md"
home="${HOME:?HOME is not set}"
all=0
dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    --agents-md) agents_md="${2:?--agents-md needs a file}"; shift 2 ;;
    --home) home="${2:?--home needs a folder}"; shift 2 ;;
    --all) all=1; shift ;;
    --dry-run) dry=1; shift ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "skills/install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "skills: $*"; }
do_or_say() { if [ "$dry" = 1 ]; then say "would run: $*"; else "$@"; fi; }
left_alone=0

skills=()
for d in "$here"/*/; do
  [ -f "$d/SKILL.md" ] && skills+=("$(basename "$d")")
done
[ ${#skills[@]} -gt 0 ] || { echo "skills/install.sh: no */SKILL.md under $here" >&2; exit 2; }

# 1. links
for agent_dir in "$home/.claude" "$home/.codex"; do
  if [ ! -d "$agent_dir" ] && [ "$all" = 0 ]; then
    say "skipping $agent_dir (not there; --all creates it)"
    continue
  fi
  do_or_say mkdir -p "$agent_dir/skills"
  for s in "${skills[@]}"; do
    link="$agent_dir/skills/$s"
    if [ -L "$link" ]; then
      if [ "$(readlink "$link")" = "$here/$s" ]; then
        say "ok $link"
        continue
      fi
      do_or_say ln -sfn "$here/$s" "$link"
      say "re-linked $link -> $here/$s"
    elif [ -e "$link" ]; then
      echo "skills/install.sh: $link exists and is not a link; left alone" >&2
      left_alone=1
    else
      do_or_say ln -s "$here/$s" "$link"
      say "linked $link -> $here/$s"
    fi
  done
done

# 2. the AGENTS.md pointer block
start='<!-- faultline-skills:start -->'
end='<!-- faultline-skills:end -->'
block_file=$(mktemp)
trap 'rm -f "$block_file" "${new_file:-}"' EXIT
{
  echo "$start"
  echo "## Distributed-system tests: faultline skills"
  echo
  echo "For test plans and fault-injection runs of distributed or stateful code (replication,"
  echo "consensus, leases, retries, idempotency, durability), follow these skills. They drive"
  echo "\`faultline plan\` and \`faultline run\`; do not do their work by hand."
  echo
  for s in "${skills[@]}"; do
    desc=$(sed -n 's/^description: *//p' "$here/$s/SKILL.md" | head -n 1 | sed 's/\. .*//; s/\.$//')
    echo "- \`$here/$s/SKILL.md\` — $desc."
  done
  echo "$end"
} >"$block_file"

new_file=$(mktemp)
if [ -f "$agents_md" ]; then
  # Keep every line outside the markers; put the new block where the first old one was.
  awk -v start="$start" -v end="$end" -v blockfile="$block_file" '
    function emit_block(  line) { while ((getline line < blockfile) > 0) print line; close(blockfile) }
    $0 == start { if (!done) { emit_block(); done = 1 } inside = 1; next }
    inside && $0 == end { inside = 0; next }
    inside { next }
    { print }
    END {
      if (inside) { print "unterminated faultline-skills block" > "/dev/stderr"; exit 3 }
      if (!done) { if (NR > 0) print ""; emit_block() }
    }' "$agents_md" >"$new_file" || { echo "skills/install.sh: $agents_md has a start marker without an end marker; fix it by hand" >&2; exit 1; }
else
  cp "$block_file" "$new_file"
fi
if [ -f "$agents_md" ] && cmp -s "$new_file" "$agents_md"; then
  say "ok $agents_md (pointer block up to date)"
elif [ "$dry" = 1 ]; then
  say "would write the pointer block into $agents_md"
else
  mkdir -p "$(dirname "$agents_md")"
  # same folder, then rename: the file is never half-written
  tmp="$agents_md.faultline-tmp.$$"
  cp "$new_file" "$tmp"
  mv -f "$tmp" "$agents_md"
  say "wrote the pointer block into $agents_md"
fi
exit "$left_alone"
