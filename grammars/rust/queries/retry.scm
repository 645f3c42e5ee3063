; retry.scm (Rust) — retry loops, tokio-retry, backoff.

; loop { match op().await { Ok(v) => break v, Err(e) => { sleep(delay).await; } } }
; (one pattern per node type rather than an alternation: each compiles in its lean form,
; see analyzers/query_shape.c)
((loop_expression body: (block) @_body) @retry.loop
  (#match? @_body "(?s)(Err\\b|is_err\\(\\)|\\?).{0,800}?(sleep\\(|backoff|next_backoff|delay)"))
((while_expression body: (block) @_body) @retry.loop
  (#match? @_body "(?s)(Err\\b|is_err\\(\\)|\\?).{0,800}?(sleep\\(|backoff|next_backoff|delay)"))
((for_expression body: (block) @_body) @retry.loop
  (#match? @_body "(?s)(Err\\b|is_err\\(\\)|\\?).{0,800}?(sleep\\(|backoff|next_backoff|delay)"))

; Retry::spawn(strategy, action) (tokio-retry), backoff::retry(policy, op),
; backoff::future::retry(policy, op), RetryIf::spawn(...)
(call_expression
  . function: (scoped_identifier path: (_) @_p name: (identifier) @_f)
  (#match? @_p "(^|::)(Retry|RetryIf|backoff|future|tokio_retry)$")
  (#match? @_f "^(spawn|retry|retry_notify)$")) @retry.call
(call_expression
  . function: (identifier) @_f
  (#any-of? @_f "retry" "retry_notify")) @retry.call

; policies: ExponentialBackoff::default(), ExponentialBackoffBuilder::new(), ExponentialBuilder
(call_expression
  . function: (scoped_identifier path: (identifier) @_p)
  (#match? @_p "^(ExponentialBackoff\\w*|FixedInterval|FibonacciBackoff|ExponentialBuilder|ConstantBuilder)$")) @retry.policy
