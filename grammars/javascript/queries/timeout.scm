; timeout.scm (JavaScript, TypeScript) — AbortSignal.timeout, timers that abort or reject,
; timeout options, socket timeouts.

; AbortSignal.timeout(ms)
(call_expression
  . function: (member_expression object: (identifier) @_o property: (property_identifier) @_p)
  (#eq? @_o "AbortSignal")
  (#eq? @_p "timeout")) @timeout.call

; setTimeout(() => controller.abort(), ms), setTimeout(() => reject(new Error('timeout')), ms)
(call_expression
  . function: (identifier) @_f
  arguments: (arguments . (_) @_cb)
  (#eq? @_f "setTimeout")
  (#match? @_cb "(?i)(abort|reject|timeout|timed.?out|cancel|destroy)")) @timeout.call

; fetch(url, {timeout: 5000}), axios.get(url, {timeout: 2000})
(pair
  key: (property_identifier) @_k
  (#match? @_k "^(timeout|connectTimeout|requestTimeout|socketTimeout|readTimeout|idleTimeout|acquireTimeout|lockTimeout)$")) @timeout.call

; socket.setTimeout(ms)
(call_expression
  . function: (member_expression property: (property_identifier) @_p)
  (#eq? @_p "setTimeout")) @timeout.socket
