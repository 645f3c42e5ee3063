; timeout.scm (Go) — deadlines and timeouts.

; context.WithTimeout(ctx, d), context.WithDeadline(ctx, t)
(call_expression
  function: (selector_expression
    operand: (identifier) @_pkg
    field: (field_identifier) @_fn)
  (#eq? @_pkg "context")
  (#any-of? @_fn "WithTimeout" "WithDeadline" "WithTimeoutCause" "WithDeadlineCause")) @timeout.context

; conn.SetDeadline(t), SetReadDeadline, SetWriteDeadline
(call_expression
  function: (selector_expression
    field: (field_identifier) @_fn)
  (#any-of? @_fn "SetDeadline" "SetReadDeadline" "SetWriteDeadline")) @timeout.call

; http.Client{Timeout: ...}, clientv3.Config{DialTimeout: ...}
(keyed_element
  key: (literal_element (identifier) @_key)
  (#match? @_key "^(Timeout|DialTimeout|\\w+Timeout)$")) @timeout.call

; select { case <-time.After(d): } — a bounded wait
(communication_case
  communication: (receive_statement
    right: (unary_expression
      operand: (call_expression
        function: (selector_expression
          operand: (identifier) @_pkg
          field: (field_identifier) @_fn))))
  (#eq? @_pkg "time")
  (#eq? @_fn "After")) @timeout.wait
