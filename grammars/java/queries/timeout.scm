; timeout.scm (Java) — timeouts and bounded waits.

; future.get(5, TimeUnit.SECONDS), latch.await(n, unit), pool.awaitTermination(n, unit),
; queue.poll(n, unit), lock.tryLock(n, unit)
(method_invocation
  name: (identifier) @_m
  arguments: (argument_list (_) (_) .) @_args
  (#any-of? @_m "get" "await" "awaitTermination" "poll" "tryLock" "tryAcquire" "offer" "invokeAll" "invokeAny")
  (#match? @_args "(TimeUnit|SECONDS|MILLISECONDS|MINUTES|Duration|\\bunit\\b)")) @timeout.wait

; socket.setSoTimeout(ms), conn.setConnectTimeout(ms), conn.setReadTimeout(ms),
; CompletableFuture.orTimeout(...), stub.withDeadlineAfter(...)
(method_invocation
  name: (identifier) @_m
  (#match? @_m "^(setSoTimeout|setConnectTimeout|setReadTimeout|setWriteTimeout|setTimeout|setQueryTimeout|setConnectionTimeout|setSessionTimeout|connectTimeout|readTimeout|writeTimeout|callTimeout|orTimeout|completeOnTimeout|withDeadlineAfter|withDeadline|timeout)$")) @timeout.call

; socket.connect(addr, timeoutMs)
(method_invocation
  name: (identifier) @_m
  arguments: (argument_list (_) (_) @_t .)
  (#eq? @_m "connect")
  (#match? @_t "(?i)^(\\d+|\\w*timeout\\w*|\\w*millis\\w*|\\w*ms)$")) @timeout.socket

; long deadline = System.nanoTime() + nanos; deadline = System.currentTimeMillis() + timeoutMs
((variable_declarator name: (identifier) @_l value: (_) @_r) @timeout.call
  (#match? @_l "(?i)deadline$")
  (#match? @_r "(System\\.(nanoTime|currentTimeMillis)\\(\\)\\s*\\+|Instant\\.now\\(\\)\\.plus)"))
((assignment_expression left: (_) @_l right: (_) @_r) @timeout.call
  (#match? @_l "(?i)deadline$")
  (#match? @_r "(System\\.(nanoTime|currentTimeMillis)\\(\\)\\s*\\+|Instant\\.now\\(\\)\\.plus)"))
