# free-base.sh — source it, then `free_base` prints a base port with 64 free TCP ports above it,
# in 21000–32000 (below the kernel's ephemeral range, so no client connection takes a node's
# port). The search starts at an offset drawn from the shell's PID so tests that run at the
# same time rarely try the same ports first.
free_base() {
  local used base p ok i start
  used=$(ss -Htan 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)
  start=$(( ($$ * 7) % 110 ))
  for i in $(seq 0 109); do
    base=$(( 21000 + ((start + i) % 110) * 100 ))
    ok=1
    for p in $(seq "$base" "$((base + 63))"); do
      if grep -qx "$p" <<<"$used"; then ok=0; break; fi
    done
    if [ "$ok" = 1 ]; then echo "$base"; return 0; fi
  done
  echo 21000
}
