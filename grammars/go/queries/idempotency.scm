; idempotency.scm (Go) — idempotency keys, request ids, dedup tables.

; struct fields and keyed values: IdempotencyKey, RequestID, DedupID
(field_declaration name: (field_identifier) @idempotency.key
  (#match? @idempotency.key "^(?i:idempotency_?key|request_?id|dedup\\w*|client_?token|op_?id)$"))
(keyed_element
  key: (literal_element (identifier) @idempotency.key)
  (#match? @idempotency.key "^(?i:idempotency_?key|request_?id|dedup\\w*|client_?token)$"))

; the Idempotency-Key header
((interpreted_string_literal) @idempotency.key
  (#any-of? @idempotency.key "\"Idempotency-Key\"" "\"idempotency-key\"" "\"X-Idempotency-Key\"" "\"x-idempotency-key\"" "\"X-Request-Id\"" "\"X-Request-ID\"" "\"x-request-id\""))

; dedup tables: if _, seen := s.applied[id]; seen { ... }
(index_expression
  operand: (_) @_m
  (#match? @_m "(?i)(dedup\\w*|seen_?(ids|requests|keys|msgs|messages)|processed(_?(ids|requests|keys|msgs))?|applied(_?(ids|requests|keys|txns))?|idempoten\\w*)$")) @idempotency.key
