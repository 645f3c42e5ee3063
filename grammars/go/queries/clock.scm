; clock.scm (Go) — wall-clock time in a safety decision: time.Now() compared with an expiry,
; deadline, TTL or lease.

; time.Now().After(l.expiry), time.Now().Before(deadline), l.expiry.Before(time.Now())
(call_expression
  . function: (selector_expression operand: (_) @_recv field: (field_identifier) @_fn)
  arguments: (argument_list) @_args
  (#any-of? @_fn "After" "Before" "Sub" "Equal" "Compare")
  (#match? @_recv "^(time\\.Now\\(\\)|.*(?i:expir|deadline|ttl|lease|until|valid|stale).*)$")
  (#match? @_args "(time\\.Now\\(\\)|\\bnow\\b|(?i:expir|deadline|ttl|lease|until|valid|stale))")) @clock.expiry

; time.Now().Unix() > lease.Expiry, now.UnixNano() - start > ttl
; (one-node patterns: a pattern waiting for a later child of a binary expression piles up
; states along long a + b + c chains)
((binary_expression) @clock.expiry
  (#match? @clock.expiry "[<>-]")
  (#match? @clock.expiry "time\\.Now\\(\\)\\.Unix\\w*\\(\\)|time\\.Since\\(")
  (#match? @clock.expiry "(?i:expir|deadline|ttl|lease|until|timeout)"))

; l.expires = time.Now().Unix() + ttl: a wall-clock expiry that other nodes or restarts will
; compare against their own clocks
((assignment_statement left: (_) @_l right: (_) @_r) @clock.now
  (#match? @_l "(?i)(expir|deadline|lease|until)")
  (#match? @_r "time\\.Now\\(\\)\\.Unix"))
((short_var_declaration left: (_) @_l right: (_) @_r) @clock.now
  (#match? @_l "(?i)(expir|deadline|lease|until)")
  (#match? @_r "time\\.Now\\(\\)\\.Unix"))
