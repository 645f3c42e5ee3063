; idempotency.scm (Python) — idempotency keys, request ids, dedup sets.

(keyword_argument name: (identifier) @idempotency.key
  (#match? @idempotency.key "^(idempotency_key|request_id|client_token|dedup_id|dedupe_key)$"))

((string) @idempotency.key
  (#match? @idempotency.key "^[bru]*['\"](?i:idempotency-key|x-idempotency-key|x-request-id)['\"]$"))

; if request_id in self.processed:
((comparison_operator) @idempotency.key
  (#match? @idempotency.key "\\bin\\s+(self\\.)?_?(processed|seen|dedup\\w*|applied\\w*|idempoten\\w*)"))
