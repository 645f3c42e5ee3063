; idempotency.scm (Python) — idempotency keys, request ids, dedup sets.

(keyword_argument name: (identifier) @idempotency.key
  (#match? @idempotency.key "^(idempotency_key|request_id|client_token|dedup_id|dedupe_key)$"))

((string) @idempotency.key
  (#any-of? @idempotency.key "\"Idempotency-Key\"" "\"idempotency-key\"" "\"X-Idempotency-Key\"" "\"x-idempotency-key\"" "\"X-Request-Id\"" "\"X-Request-ID\"" "\"x-request-id\"" "'Idempotency-Key'" "'idempotency-key'" "'X-Idempotency-Key'" "'x-idempotency-key'" "'X-Request-Id'" "'X-Request-ID'" "'x-request-id'"))

; if request_id in self.processed:
((comparison_operator) @idempotency.key
  (#match? @idempotency.key "\\bin\\s+(self\\.)?_?(processed|seen|dedup\\w*|applied\\w*|idempoten\\w*)"))
