; retry.scm (Java) — retry loops, @Retryable, RetryTemplate, Resilience4j, Failsafe, Curator
; retry policies.

; while (...) { try { op(); break; } catch (IOException e) { Thread.sleep(backoff); } }
; (one pattern per loop type rather than an alternation: each compiles in its lean form,
; see analyzers/query_shape.c)
((while_statement body: (_) @_body) @retry.loop
  (#match? @_body "(?s)catch\\s*\\(.{0,800}?(Thread\\.sleep|\\.sleep\\(|[Bb]ackoff|backOff|\\bpause\\(|LockSupport\\.park)"))
((for_statement body: (_) @_body) @retry.loop
  (#match? @_body "(?s)catch\\s*\\(.{0,800}?(Thread\\.sleep|\\.sleep\\(|[Bb]ackoff|backOff|\\bpause\\(|LockSupport\\.park)"))
((do_statement body: (_) @_body) @retry.loop
  (#match? @_body "(?s)catch\\s*\\(.{0,800}?(Thread\\.sleep|\\.sleep\\(|[Bb]ackoff|backOff|\\bpause\\(|LockSupport\\.park)"))

; @Retryable on a method (Spring Retry), @Retry (Resilience4j / MicroProfile)
(method_declaration
  (modifiers (annotation name: (identifier) @_a) @retry.annotation)
  name: (identifier) @target
  (#any-of? @_a "Retryable" "Retry" "Retries"))
(method_declaration
  (modifiers (marker_annotation name: (identifier) @_a) @retry.annotation)
  name: (identifier) @target
  (#any-of? @_a "Retryable" "Retry" "Retries"))

; retryTemplate.execute(ctx -> ...), retry.executeSupplier(...), Retry.decorateSupplier(...),
; Failsafe.with(retryPolicy).get(...), RetryLoop.callWithRetry(...)
(method_invocation
  object: (_) @_o
  name: (identifier) @_m
  (#match? @_o "(?i)(retry\\w*|retrier|retryer|failsafe\\.with\\(.*\\))$")
  (#match? @_m "^(execute\\w*|call\\w*|get|run|decorate\\w*)$")) @retry.call
(method_invocation
  object: (identifier) @_o
  name: (identifier) @_m
  (#any-of? @_o "Retry" "RetryLoop")
  (#match? @_m "^(decorate\\w*|callWithRetry)$")) @retry.call

; retry policies: new ExponentialBackoffRetry(1000, 3) (Curator), RetryPolicy.builder(),
; RetryConfig.custom(), new RetryNTimes(...)
(object_creation_expression
  type: (type_identifier) @_t
  (#match? @_t "^(ExponentialBackoffRetry|BoundedExponentialBackoffRetry|RetryNTimes|RetryOneTime|RetryUntilElapsed|RetryForever|SimpleRetryPolicy|ExponentialBackOffPolicy|RetryTemplate|RetryPolicy)$")) @retry.policy
(method_invocation
  object: (identifier) @_o
  (#any-of? @_o "RetryPolicy" "RetryConfig" "RetryerBuilder" "RetryTemplate")) @retry.policy

; a loop bounded by a retry counter: while (conn == null && retries++ < 3),
; for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
((while_statement condition: (_) @_c) @retry.loop
  (#match? @_c "[<>]")
  (#match? @_c "(?i)(^|[^a-z])(max_?|num_?|n_?)?(retr(y|ies)|attempts?|tries)"))
((do_statement condition: (_) @_c) @retry.loop
  (#match? @_c "[<>]")
  (#match? @_c "(?i)(^|[^a-z])(max_?|num_?|n_?)?(retr(y|ies)|attempts?|tries)"))
((for_statement condition: (_) @_c) @retry.loop
  (#match? @_c "[<>]")
  (#match? @_c "(?i)(^|[^a-z])(max_?|num_?|n_?)?(retr(y|ies)|attempts?|tries)"))

; the decision to retry once or again: if (!failedOnce && ...), if (shouldRetry(e)),
; if (retryable && ...)
(if_statement
  condition: (_) @_c
  (#match? @_c "(?i)(^|[^a-z])(failed_?once|already_?retried|has_?retried|retried|retry_?once|should_?retry|can_?retry|is_?retr(y|i)able|retr(y|i)able)([^a-z0-9_]|$)")) @retry.decision
