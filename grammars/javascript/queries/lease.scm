; lease.scm (JavaScript, TypeScript) — redlock and redis locks, leases.

; redlock.acquire([resource], ttl), redlock.lock(resource, ttl), redlock.using(...)
(call_expression
  . function: (member_expression object: (_) @_o property: (property_identifier) @_p)
  (#match? @_o "(?i)(redlock|lock|lease|mutex)\\w*$")
  (#any-of? @_p "acquire" "lock" "using" "tryAcquire" "grant")) @lease.acquire
(call_expression
  . function: (member_expression object: (_) @_o property: (property_identifier) @_p)
  (#match? @_o "(?i)(redlock|lock|lease|mutex)\\w*$")
  (#any-of? @_p "extend" "renew" "keepAlive" "refresh")) @lease.renew
(call_expression
  . function: (member_expression object: (_) @_o property: (property_identifier) @_p)
  (#match? @_o "(?i)(redlock|lock|lease|mutex)\\w*$")
  (#any-of? @_p "release" "unlock" "revoke")) @lease.release

; redis.set(key, token, 'NX', 'PX', ttl) / {NX: true, PX: ttl}
(call_expression
  . function: (member_expression property: (property_identifier) @_p)
  arguments: (arguments) @_args
  (#eq? @_p "set")
  (#match? @_args "(['\"]NX['\"]|\\bNX\\s*:)")) @lease.acquire
(call_expression
  . function: (member_expression property: (property_identifier) @_p)
  (#any-of? @_p "pexpire" "expire")) @lease.renew

; new Redlock(...)
(new_expression constructor: (identifier) @_c (#any-of? @_c "Redlock" "Mutex" "Lease")) @lease.acquire

; leadership
(call_expression
  . function: (member_expression property: (property_identifier) @_p)
  (#any-of? @_p "isLeader" "campaign" "becomeLeader")) @lease.leader

; fencing tokens: an object key, variable or parameter named like one
(pair key: (property_identifier) @lease.fencing (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))
(variable_declarator name: (identifier) @lease.fencing (#any-of? @lease.fencing "fencingToken" "FencingToken" "fencing_token" "FENCING_TOKEN" "fenceToken" "FenceToken" "fence_token"))
