; clock.scm (Python) — time.time() (wall clock, jumps) where time.monotonic() belongs: in
; expiry, deadline, TTL and lease decisions.

((comparison_operator) @clock.expiry
  (#match? @clock.expiry "(time\\.time\\(\\)|datetime\\.(utc)?now\\(|\\bnow\\b)")
  (#match? @clock.expiry "(?i)(expir|deadline|ttl|lease|until|valid|timeout)")
  (#not-match? @clock.expiry "monotonic"))

; deadline = time.time() + timeout
((assignment left: (_) @_l right: (_) @_r) @clock.now
  (#match? @_l "(?i)(expir|deadline|lease|valid_until|until)")
  (#match? @_r "(time\\.time\\(\\)|datetime\\.(utc)?now\\()"))
