; retry.scm (JavaScript, TypeScript) — p-retry, async-retry, axios-retry, retry loops.

; pRetry(fn, {retries: 5}), retry(async bail => {...}), backoff(fn)
(call_expression
  . function: (identifier) @_f
  (#any-of? @_f "pRetry" "retry" "asyncRetry" "promiseRetry" "backOff" "exponentialBackoff" "withRetry" "retryAsync")) @retry.call

; axiosRetry(axios, {retries: 3}); got's {retry: {limit: 3}}
(call_expression
  . function: (identifier) @_f
  (#eq? @_f "axiosRetry")) @retry.policy
(pair
  key: (property_identifier) @_k
  value: [(object) (number)]
  (#any-of? @_k "retry" "retries" "maxRetries" "retryPolicy")) @retry.policy

; for (let i = 0; i < 5; i++) { try { return await op(); } catch (e) { await sleep(delay); } }
; (one pattern per node type rather than an alternation: each compiles in its lean form,
; see analyzers/query_shape.c)
((while_statement body: (_) @_body) @retry.loop
  (#match? @_body "(?s)catch\\b.{0,800}?(\\bsleep\\(|\\bdelay\\(|\\bwait\\(|setTimeout|backoff|backOff)"))
((for_statement body: (_) @_body) @retry.loop
  (#match? @_body "(?s)catch\\b.{0,800}?(\\bsleep\\(|\\bdelay\\(|\\bwait\\(|setTimeout|backoff|backOff)"))
((do_statement body: (_) @_body) @retry.loop
  (#match? @_body "(?s)catch\\b.{0,800}?(\\bsleep\\(|\\bdelay\\(|\\bwait\\(|setTimeout|backoff|backOff)"))
