; lease.scm (Go) — leases, distributed locks, TTLs, leadership and fencing.

; etcd clientv3: cli.Grant(ctx, ttl) / cli.Lease.Grant / lessor.Grant
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  arguments: (argument_list (_) (_))
  (#eq? @_fn "Grant")) @lease.acquire

; KeepAlive(ctx, id), KeepAliveOnce(ctx, id); hashicorp: RenewLease
(call_expression
  . function: (selector_expression operand: (_) @_o field: (field_identifier) @_fn)
  (#any-of? @_fn "KeepAlive" "KeepAliveOnce" "Renew" "RenewLease" "RenewLock" "Refresh" "Heartbeat")
  (#not-eq? @_o "runtime")) @lease.renew

; Revoke(ctx, id)
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  arguments: (argument_list (_))
  (#any-of? @_fn "Revoke" "RevokeLease" "Resign" "ReleaseLock")) @lease.release

; concurrency.NewSession(cli, concurrency.WithTTL(n)), concurrency.NewMutex(s, prefix),
; concurrency.NewElection(s, prefix), concurrency.NewLocker(s, prefix)
(call_expression
  . function: (selector_expression
    operand: (identifier) @_pkg
    field: (field_identifier) @_fn)
  (#eq? @_pkg "concurrency")
  (#any-of? @_fn "NewSession" "NewMutex" "NewElection" "NewLocker")) @lease.acquire

; a distributed mutex takes a context: m.Lock(ctx), m.TryLock(ctx), m.Unlock(ctx)
; (sync.Mutex's Lock() takes nothing and is not a site)
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  arguments: (argument_list . (_) @_ctx .)
  (#any-of? @_fn "Lock" "TryLock" "Acquire" "TryAcquire" "AcquireLock")
  (#match? @_ctx "(?i)ctx|context")) @lease.acquire
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  arguments: (argument_list . (_) @_ctx .)
  (#eq? @_fn "Unlock")
  (#match? @_ctx "(?i)ctx|context")) @lease.release

; clientv3.WithLease(id), concurrency.WithTTL(n); the gRPC API's LeaseTimeToLive, TimeToLive
; (one pattern for all: each pattern costs every call expression a query-cursor state)
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  (#any-of? @_fn "WithLease" "WithTTL" "LeaseTimeToLive" "TimeToLive")) @lease.ttl

; leadership: e.Campaign(ctx, v), e.Leader(ctx), e.Observe(ctx); raft.VerifyLeader(),
; r.State() == raft.Leader, r.LeaderCh(), n.IsLeader()
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  (#any-of? @_fn "Campaign" "VerifyLeader" "LeaderCh" "IsLeader" "AmLeader" "isLeader")) @lease.leader
((binary_expression) @lease.leader
  (#match? @lease.leader "[!=]=\\s*raft\\.(Leader|StateLeader)\\b"))


; etcd recipes: v3.Compare(v3.CreateRevision(key), "=", rev) — an ownership check on the
; lock or leader key (a revision used as a fencing token)
(call_expression
  . function: (selector_expression field: (field_identifier) @_f)
  arguments: (argument_list . (call_expression function: (selector_expression field: (field_identifier) @_g)))
  (#eq? @_f "Compare")
  (#eq? @_g "CreateRevision")) @lease.fencing

; lock recipes waiting for earlier holders to go: waitDeletes(ctx, client, pfx, rev)
(call_expression
  . function: (identifier) @_f
  (#match? @_f "^wait(Deletes?|ForDeletes?|ForRelease|ForLock)$")) @lease.acquire

; the etcd lease gRPC API: remote.LeaseGrant, LeaseKeepAlive, LeaseRevoke (LeaseTimeToLive:
; with WithLease above)
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  (#eq? @_fn "LeaseGrant")) @lease.acquire
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  (#eq? @_fn "LeaseKeepAlive")) @lease.renew
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  (#eq? @_fn "LeaseRevoke")) @lease.release
; stream.Send(&pb.LeaseKeepAliveRequest{...})
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  arguments: (argument_list) @_args
  (#eq? @_fn "Send")
  (#match? @_args "KeepAliveRequest")) @lease.renew

; fencing tokens: a field, parameter or keyed value named like one
(field_declaration name: (field_identifier) @lease.fencing (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))
(parameter_declaration name: (identifier) @lease.fencing (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))
(keyed_element key: (literal_element (identifier) @lease.fencing) (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))
