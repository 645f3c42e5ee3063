; lease.scm (Python) — kazoo locks, leases and elections, ephemeral nodes, redis locks.

; zk.Lock("/path", "me"), zk.Semaphore(...), zk.Lease / NonBlockingLease / MultiNonBlockingLease
(call
  . function: (attribute object: (_) @_o attribute: (identifier) @_f)
  (#any-of? @_f "Lock" "ReadLock" "WriteLock" "Semaphore" "Lease" "NonBlockingLease" "MultiNonBlockingLease" "lock")
  (#not-match? @_o "^(threading|multiprocessing|asyncio|_thread|trio|anyio|self\\._?lock\\w*)$")) @lease.acquire
(call
  . function: (identifier) @_f
  (#any-of? @_f "NonBlockingLease" "MultiNonBlockingLease" "Redlock" "RedLock")) @lease.acquire

; zk.create(path, ephemeral=True)
(call
  . function: (attribute attribute: (identifier) @_f)
  arguments: (argument_list (keyword_argument name: (identifier) @_k value: (true)))
  (#any-of? @_f "create" "create_async" "ensure_path")
  (#eq? @_k "ephemeral")) @lease.acquire

; redis: r.set(key, token, nx=True, ex=30) — a lock with a TTL
(call
  . function: (attribute attribute: (identifier) @_f)
  arguments: (argument_list (keyword_argument name: (identifier) @_k))
  (#eq? @_f "set")
  (#eq? @_k "nx")) @lease.acquire

; lock.acquire(timeout=...) on something named like a lock or lease; lock.release()
(call
  . function: (attribute object: (_) @_o attribute: (identifier) @_f)
  (#eq? @_f "acquire")
  (#match? @_o "(?i)(lock|lease|mutex|semaphore)\\w*$")
  (#not-match? @_o "(?i)threading|_thread")) @lease.acquire
(call
  . function: (attribute object: (_) @_o attribute: (identifier) @_f)
  (#any-of? @_f "release" "unlock")
  (#match? @_o "(?i)(lease|zk_lock|zklock|redis_lock|dlock|distributed_lock)\\w*$")) @lease.release

; renewals: r.expire(key, ttl), r.pexpire(...), lock.extend(...), lease.renew()
(call
  . function: (attribute attribute: (identifier) @_f)
  (#any-of? @_f "expire" "pexpire" "extend" "renew" "refresh" "keepalive" "keep_alive" "heartbeat")) @lease.renew

; elections: zk.Election(path).run(fn), is_leader()
(call
  . function: (attribute attribute: (identifier) @_f)
  (#any-of? @_f "Election" "is_leader" "campaign" "contenders")) @lease.leader

; sessions with a TTL: KazooClient(hosts=..., timeout=...)
(call
  . function: (identifier) @_f
  (#eq? @_f "KazooClient")) @lease.ttl

; fencing tokens: a parameter, keyword argument or assignment named like one
(keyword_argument name: (identifier) @lease.fencing (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))
(parameters (identifier) @lease.fencing (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))
(assignment left: (identifier) @lease.fencing (#match? @lease.fencing "(?i)fenc\\w*_?token$"))
(assignment left: (attribute attribute: (identifier)) @lease.fencing (#match? @lease.fencing "(?i)fenc\\w*_?token$"))
