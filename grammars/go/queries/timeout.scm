; timeout.scm (Go) — deadlines and timeouts.

; context.WithTimeout(ctx, d), context.WithDeadline(ctx, t)
(call_expression
  . function: (selector_expression
    operand: (identifier) @_pkg
    field: (field_identifier) @_fn)
  (#eq? @_pkg "context")
  (#any-of? @_fn "WithTimeout" "WithDeadline" "WithTimeoutCause" "WithDeadlineCause")) @timeout.context

; conn.SetDeadline(t), SetReadDeadline, SetWriteDeadline; net.DialTimeout(network, addr, d)
; (one pattern for all: each pattern costs every call expression a query-cursor state)
(call_expression
  . function: (selector_expression
    field: (field_identifier) @_fn)
  (#any-of? @_fn "SetDeadline" "SetReadDeadline" "SetWriteDeadline" "DialTimeout")) @timeout.call

; http.Client{Timeout: ...}, clientv3.Config{DialTimeout: ...}
(keyed_element
  key: (literal_element (identifier) @_key)
  (#match? @_key "^(Timeout|DialTimeout|\\w+Timeout)$")) @timeout.call

; select { case <-time.After(d): return ErrTimeout } — a bounded wait (a periodic tick that
; just does work is not)
((communication_case
  communication: (receive_statement
    right: (unary_expression
      operand: (call_expression
        . function: (selector_expression
          operand: (identifier) @_pkg
          field: (field_identifier) @_fn))))) @timeout.wait
  (#eq? @_pkg "time")
  (#eq? @_fn "After")
  (#match? @timeout.wait "(?i)(return|\\berr|timeout|timed out|cancel|break)"))

; deadline := time.Now().Add(d), ka.deadline = time.Now().Add(ttl), {deadline: time.Now().Add(d)}
((assignment_statement left: (_) @_l right: (expression_list . (call_expression) @_r)) @timeout.call
  (#match? @_l "(?i)deadline$")
  (#match? @_r "^time\\.Now\\(\\)\\.Add\\("))
((short_var_declaration left: (_) @_l right: (expression_list . (call_expression) @_r)) @timeout.call
  (#match? @_l "(?i)deadline$")
  (#match? @_r "^time\\.Now\\(\\)\\.Add\\("))
((keyed_element key: (literal_element (identifier) @_l) value: (literal_element (call_expression) @_r)) @timeout.call
  (#match? @_l "(?i)deadline$")
  (#match? @_r "^time\\.Now\\(\\)\\.Add\\("))

; stream.Dial(target, n.timeout) (net.DialTimeout: with SetDeadline above)
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  arguments: (argument_list) @_args
  (#match? @_fn "^Dial\\w*$")
  (#match? @_args "(?i)timeout|deadline")) @timeout.call
