; retry.scm (Python) — tenacity, backoff, urllib3 Retry, hand-written retry loops.

; @retry / @retry(stop=...) (tenacity, retrying), @backoff.on_exception(...)
(decorated_definition
  (decorator) @retry.decorator
  definition: (function_definition name: (identifier) @target)
  (#match? @retry.decorator "^@\\s*(tenacity\\.)?(retry|retrying\\.retry|backoff\\.on_exception|backoff\\.on_predicate|on_exception|on_predicate|retry_on_exception|retry_call)\\b"))

; for attempt in Retrying(...): / tenacity.Retrying(...)(fn) / retry_call(fn, ...)
(call
  . function: (identifier) @_f
  (#any-of? @_f "Retrying" "AsyncRetrying" "retry_call" "call_with_retry")) @retry.call
(call
  . function: (attribute attribute: (identifier) @_f)
  (#any-of? @_f "Retrying" "AsyncRetrying" "retry_call" "call_with_retry")) @retry.call

; urllib3 Retry(total=5, backoff_factor=...), HTTPAdapter(max_retries=...)
(call
  . function: (identifier) @_f
  (#eq? @_f "Retry")) @retry.policy
(call
  . function: (attribute attribute: (identifier) @_f)
  (#eq? @_f "Retry")) @retry.policy
(call
  arguments: (argument_list (keyword_argument name: (identifier) @_k))
  (#eq? @_k "max_retries")) @retry.policy

; while True: try: op(); break / return; except SomeError: time.sleep(delay)
; (one pattern per node type rather than an alternation: each compiles in its lean form,
; see analyzers/query_shape.c)
((while_statement body: (block) @_body) @retry.loop
  (#match? @_body "(?s)except\\b.{0,800}?(\\bsleep\\(|backoff|\\bdelay\\b)"))
((for_statement body: (block) @_body) @retry.loop
  (#match? @_body "(?s)except\\b.{0,800}?(\\bsleep\\(|backoff|\\bdelay\\b)"))

; reconnect with backoff across calls: if now >= self.retry_time: (logging's SocketHandler)
((comparison_operator) @retry.policy
  (#match? @retry.policy "(?i)(retry_?time|next_?(retry|attempt)|retry_?at|backoff_?until)")
  (#match? @retry.policy "[<>]"))
