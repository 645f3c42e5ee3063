; clock.scm (C, also read for C++) — CLOCK_REALTIME / time(NULL) / gettimeofday in expiry
; decisions (CLOCK_MONOTONIC is the safe clock).

((binary_expression) @clock.expiry
  (#match? @clock.expiry "(\\btime\\s*\\(\\s*(NULL|0|nullptr)?\\s*\\)|\\bnow\\w*\\b|tv_sec|system_clock)")
  (#match? @clock.expiry "(?i)(expir|deadline|ttl|lease|until|valid)")
  (#match? @clock.expiry "[<>]"))

(call_expression
  . function: (identifier) @_f
  arguments: (argument_list . (identifier) @_c)
  (#eq? @_f "clock_gettime")
  (#eq? @_c "CLOCK_REALTIME")) @clock.now
