; idempotency.scm (JavaScript, TypeScript) — idempotency keys, request ids, dedup sets.

((string) @idempotency.key
  (#any-of? @idempotency.key "\"Idempotency-Key\"" "\"idempotency-key\"" "\"X-Idempotency-Key\"" "\"x-idempotency-key\"" "\"X-Request-Id\"" "\"X-Request-ID\"" "\"x-request-id\"" "'Idempotency-Key'" "'idempotency-key'" "'X-Idempotency-Key'" "'x-idempotency-key'" "'X-Request-Id'" "'X-Request-ID'" "'x-request-id'"))
(pair
  key: [(property_identifier) (string)] @idempotency.key
  (#match? @idempotency.key "^['\"]?(idempotencyKey|idempotency_key|requestId|request_id|clientToken|dedupId|Idempotency-Key)['\"]?$"))
(call_expression
  . function: (member_expression object: (_) @_o property: (property_identifier) @_p)
  (#match? @_o "(?i)(dedup\\w*|seen|processed\\w*|applied\\w*)$")
  (#any-of? @_p "has" "add" "get" "set")) @idempotency.key
