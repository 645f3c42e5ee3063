; idempotency.scm (Java) — idempotency keys, request ids, dedup sets.

(field_declaration
  declarator: (variable_declarator name: (identifier) @idempotency.key)
  (#match? @idempotency.key "^(?i:idempotency_?key|request_?id|dedup\\w*|client_?token|processed_?ids|seen_?ids)$"))

((string_literal) @idempotency.key
  (#any-of? @idempotency.key "\"Idempotency-Key\"" "\"idempotency-key\"" "\"X-Idempotency-Key\"" "\"x-idempotency-key\"" "\"X-Request-Id\"" "\"X-Request-ID\"" "\"x-request-id\""))

; processed.contains(id), seen.add(id), dedup.putIfAbsent(id, ...)
(method_invocation
  object: (_) @_o
  name: (identifier) @_m
  (#match? @_o "(?i)(dedup\\w*|seen\\w*|processed\\w*|applied\\w*|idempoten\\w*)$")
  (#any-of? @_m "contains" "containsKey" "add" "putIfAbsent" "get" "computeIfAbsent")) @idempotency.key
