; lease.scm (Java) — Curator locks and leader election, ZooKeeper sessions and ephemeral nodes.

; new InterProcessMutex(client, path), InterProcessSemaphoreMutex, InterProcessReadWriteLock,
; InterProcessSemaphoreV2
(object_creation_expression
  type: (type_identifier) @_t
  (#match? @_t "^(InterProcess\\w+|DistributedLock|ZkLock|RedissonLock)$")) @lease.acquire

; new LeaderLatch(...), new LeaderSelector(...); latch.hasLeadership(), isLeader()
(object_creation_expression
  type: (type_identifier) @_t
  (#any-of? @_t "LeaderLatch" "LeaderSelector")) @lease.leader
(method_invocation
  name: (identifier) @_m
  (#any-of? @_m "hasLeadership" "isLeader" "takeLeadership" "getLeader" "requeue")) @lease.leader

; lock.acquire(...), mutex.acquire(10, TimeUnit.SECONDS); lock.release()
(method_invocation
  object: (_) @_o
  name: (identifier) @_m
  (#eq? @_m "acquire")
  (#match? @_o "(?i)(lock|mutex|lease|semaphore|latch)\\w*$")) @lease.acquire
(method_invocation
  object: (_) @_o
  name: (identifier) @_m
  (#any-of? @_m "release" "revoke")
  (#match? @_o "(?i)(lock|mutex|lease)\\w*$")) @lease.release
; unlock() is mostly java.util.concurrent's in-process Lock (lock.unlock(), rwLock.writeLock()
; .unlock()); only a lock named as a distributed one counts: redisLock.unlock(), rLock,
; fencedLock, zkMutex, leaseLock
(method_invocation
  object: (_) @_o
  name: (identifier) @_m
  (#eq? @_m "unlock")
  (#match? @_o "(?i)(lease\\w*|mutex|(dist\\w*|distributed|redis\\w*|zk|zoo\\w*|fenced|global|cluster|r)lock)$")) @lease.release

; zk.create(path, data, acl, CreateMode.EPHEMERAL[_SEQUENTIAL]): a node that lives as long as
; the session
(method_invocation
  name: (identifier) @_m
  arguments: (argument_list) @_args
  (#any-of? @_m "create" "withMode")
  (#match? @_args "EPHEMERAL")) @lease.acquire

; new ZooKeeper(connect, sessionTimeoutMs, watcher): the session is a lease
(object_creation_expression
  type: (type_identifier) @_t
  (#eq? @_t "ZooKeeper")) @lease.ttl
(method_invocation
  name: (identifier) @_m
  (#any-of? @_m "sessionTimeoutMs" "getSessionTimeout" "setTtl" "withTtl" "expireAfterWrite")) @lease.ttl

; renewals
(method_invocation
  name: (identifier) @_m
  (#any-of? @_m "renewLease" "renew" "keepAlive" "extendLease" "heartbeat")) @lease.renew

; fencing tokens: a field or parameter named like one
(variable_declarator name: (identifier) @lease.fencing (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))
(formal_parameter name: (identifier) @lease.fencing (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))

; named lock helpers around an inter-process lock: lockFile(shared), lockFile0(...),
; acquireLock(...), tryAcquireLease(...); unlockFile(), releaseLock()
(method_invocation
  name: (identifier) @_m
  (#match? @_m "^(try)?([Ll]ockFile\\w*|[Aa]cquire(Lock|Lease|FileLock)\\w*)$")) @lease.acquire
(method_invocation
  name: (identifier) @_m
  (#match? @_m "^(unlockFile\\w*|release(Lock|Lease|FileLock)\\w*)$")) @lease.release

; file locks between processes: channel.tryLock(), fileChannel.lock(0, Long.MAX_VALUE, false)
(method_invocation
  object: (_) @_o
  name: (identifier) @_m
  (#any-of? @_m "lock" "tryLock")
  (#match? @_o "(?i)(channel|chan|fc)$")) @lease.acquire
