; clock.scm (JavaScript, TypeScript) — Date.now() / new Date() in expiry decisions
; (performance.now() is monotonic).

((binary_expression) @clock.expiry
  (#match? @clock.expiry "(Date\\.now\\(\\)|new Date\\(\\)|\\bnow\\b)")
  (#match? @clock.expiry "(?i)(expir|deadline|ttl|lease|until|valid)")
  (#match? @clock.expiry "[<>]")
  (#not-match? @clock.expiry "performance\\.now"))
