; lease.scm (C, also read for C++) — lease and lock calls of distributed-lock clients.

(call_expression
  . function: (identifier) @_f
  (#match? @_f "(?i)^\\w*(lease_(grant|acquire)|acquire_lease|dlock_acquire|redlock_lock)$")) @lease.acquire
(call_expression
  . function: (identifier) @_f
  (#match? @_f "(?i)^\\w*(lease_(renew|keepalive|keep_alive)|renew_lease)$")) @lease.renew
(call_expression
  . function: (identifier) @_f
  (#match? @_f "(?i)^\\w*(lease_(revoke|release)|release_lease|dlock_release)$")) @lease.release

; fencing tokens: a struct field or parameter named like one
(field_declaration declarator: (field_identifier) @lease.fencing (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))
(parameter_declaration declarator: (identifier) @lease.fencing (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))
