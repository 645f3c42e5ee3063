; idempotency.scm (Rust) — idempotency keys, request ids, dedup sets.

(field_declaration name: (field_identifier) @idempotency.key
  (#match? @idempotency.key "^(idempotency_key|request_id|client_token|dedup\\w*)$"))
((string_literal) @idempotency.key
  (#any-of? @idempotency.key "\"Idempotency-Key\"" "\"idempotency-key\"" "\"X-Idempotency-Key\"" "\"x-idempotency-key\"" "\"X-Request-Id\"" "\"X-Request-ID\"" "\"x-request-id\""))
(call_expression
  . function: (field_expression value: (_) @_o field: (field_identifier) @_f)
  (#match? @_o "(?i)(dedup\\w*|seen|processed|applied\\w*)$")
  (#any-of? @_f "contains" "contains_key" "insert" "get")) @idempotency.key
