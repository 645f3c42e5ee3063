; clock.scm (Rust) — SystemTime (the wall clock) in expiry decisions; Instant is monotonic.

((binary_expression) @clock.expiry
  (#match? @clock.expiry "SystemTime::now\\(\\)|\\bnow\\b|UNIX_EPOCH")
  (#match? @clock.expiry "(?i)(expir|deadline|ttl|lease|until|valid)")
  (#not-match? @clock.expiry "Instant"))
(call_expression
  . function: (scoped_identifier path: (identifier) @_t name: (identifier) @_f)
  (#eq? @_t "SystemTime")
  (#eq? @_f "now")) @clock.now
