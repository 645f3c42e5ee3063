; lease.scm (Rust) — etcd-client leases and locks, raft-rs leadership.

; client.lease_grant(ttl, None), client.lock(name, opts)
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#any-of? @_f "lease_grant" "acquire_lease")) @lease.acquire
; a distributed lock takes a name (std's Mutex::lock() takes nothing)
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  arguments: (arguments (_))
  (#any-of? @_f "lock" "grant" "try_lock_for")) @lease.acquire
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#any-of? @_f "lease_keep_alive" "keep_alive" "renew" "renew_lease")) @lease.renew
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#any-of? @_f "lease_revoke" "revoke" "unlock" "release_lease")) @lease.release

; raft-rs: raw_node.campaign(), raft.state == StateRole::Leader
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#any-of? @_f "campaign" "is_leader" "transfer_leader" "leader_id")) @lease.leader
((binary_expression) @lease.leader
  (#match? @lease.leader "StateRole::Leader"))

; fencing tokens: a struct field or parameter named like one
(field_declaration name: (field_identifier) @lease.fencing (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))
(parameter pattern: (identifier) @lease.fencing (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))
