; timeout.scm (Rust) — tokio::time::timeout, socket timeouts, client timeouts.

; tokio::time::timeout(d, fut), time::timeout(d, fut), timeout(d, fut)
(call_expression
  . function: (identifier) @_f
  (#any-of? @_f "timeout" "timeout_at")) @timeout.wait
(call_expression
  . function: (scoped_identifier name: (identifier) @_f)
  (#any-of? @_f "timeout" "timeout_at")) @timeout.wait

; stream.set_read_timeout(Some(d)), set_write_timeout, TcpStream::connect_timeout(addr, d)
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#match? @_f "^(set_read_timeout|set_write_timeout|connect_timeout|set_timeout)$")) @timeout.socket
(call_expression
  . function: (scoped_identifier name: (identifier) @_f)
  (#match? @_f "^(set_read_timeout|set_write_timeout|connect_timeout|set_timeout)$")) @timeout.socket

; reqwest/tonic builders: .timeout(d), .connect_timeout(d); rx.recv_timeout(d)
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#any-of? @_f "timeout" "recv_timeout" "wait_timeout" "request_timeout" "tcp_keepalive")) @timeout.call
