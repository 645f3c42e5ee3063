; clock.scm (Java) — wall-clock time in expiry and lease decisions.

; if (System.currentTimeMillis() > expiresAt), now - lastRenew > ttl
((binary_expression) @clock.expiry
  (#match? @clock.expiry "[<>]")
  (#match? @clock.expiry "(System\\.currentTimeMillis\\(\\)|System\\.nanoTime\\(\\)|new Date\\(\\)|Instant\\.now\\(\\)|\\bnow\\b)")
  (#match? @clock.expiry "(?i)(expir|deadline|ttl|lease|until|valid|timeout)"))

; Instant.now().isAfter(expiry), new Date().after(deadline)
(method_invocation
  object: (_) @_o
  name: (identifier) @_m
  arguments: (argument_list) @_args
  (#any-of? @_m "isAfter" "isBefore" "after" "before")
  (#match? @_o "(Instant\\.now\\(\\)|new Date\\(\\)|System\\.currentTimeMillis|(?i:expir|deadline|lease))")
  (#match? @_args "(?i)(expir|deadline|ttl|lease|until|now)")) @clock.expiry
