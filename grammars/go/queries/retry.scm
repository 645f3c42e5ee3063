; retry.scm (Go) — retries: loops that sleep or back off after an error, retry helpers,
; gRPC retry options.

; for { ...; if err != nil { time.Sleep(backoff); continue } }: a sleep or back-off that
; follows an error check, or a loop that exits on success and sleeps otherwise
(for_statement
  body: (block) @_body
  (#match? @_body "(time\\.Sleep\\(|[Bb]ack[Oo]ff|\\bjitter|time\\.After\\(\\w*(?i:retry|backoff|wait|interval|delay))")
  (#match? @_body "(?s)((err\\s*!=\\s*nil|!ok\\b)((?!\\breturn\\b).){0,600}?(time\\.Sleep\\(|[Bb]ack[Oo]ff|\\bjitter|time\\.After\\(\\w*(?i:retry|backoff|wait|interval|delay)))|(time\\.Sleep\\(|time\\.After\\()[^\\n]*\\n\\s*continue\\b|err\\s*==\\s*nil\\s*\\{\\s*(break|return)|^\\{\\s*[^\\n]*\\berr\\s*:?=[^\\n]*\\n\\s*if\\s+err\\s*!=\\s*nil")) @retry.loop

; backoff.Retry(op, b), retry.Do(fn), retry.OnError(bo, fn), retry.RetryOnConflict(bo, fn),
; wait.ExponentialBackoff(bo, cond)
(call_expression
  . function: (selector_expression
    operand: (identifier) @_pkg
    field: (field_identifier) @_fn)
  (#match? @_pkg "^(backoff|retry|retrier|wait|retryutil)$")
  (#match? @_fn "^(Retry\\w*|Do|DoWithData|OnError|RetryOnConflict|ExponentialBackoff\\w*)$")) @retry.call

; gRPC retry interceptors and options
(call_expression
  . function: (selector_expression
    operand: (identifier) @_pkg
    field: (field_identifier) @_fn)
  (#match? @_pkg "^(grpc_retry|grpcretry|retry)$")
  (#match? @_fn "^(WithMax|WithBackoff|WithPerRetryTimeout|WithCodes|UnaryClientInterceptor|StreamClientInterceptor)$")) @retry.policy

; a service config that turns on gRPC retries
(call_expression
  . function: (selector_expression field: (field_identifier) @_f)
  arguments: (argument_list) @_cfg
  (#eq? @_f "WithDefaultServiceConfig")
  (#match? @_cfg "retryPolicy")) @retry.policy

; for { v, err := op(); if err == nil { return v, nil }; if fatal(err) { return } } — an
; immediate retry: the loop only exits on success or a fatal error
((for_statement body: (block) @_body) @retry.loop
  (#match? @retry.loop "^for\\s*\\{")
  (#match? @_body "^\\{\\s*[^\\n]*\\berr\\s*:?=\\s*[^\\n]*\\n\\s*if\\s+err\\s*==\\s*nil\\s*\\{"))

; START: if failures > 0 { <-time.After(backoff(...)) } ... goto START — a retry by goto
((labeled_statement) @retry.loop
  (#match? @retry.loop "(?s)^\\w+:\\s*.{0,300}?(time\\.Sleep\\(|[Bb]ack[Oo]ff\\(|time\\.After\\(\\w*(?i:retry|backoff|wait|delay))"))
