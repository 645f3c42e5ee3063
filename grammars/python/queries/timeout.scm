; timeout.scm (Python) — timeouts: keyword timeouts, asyncio.wait_for, socket timeouts.

; requests.get(url, timeout=5), conn.request(..., timeout=...), subprocess.run(..., timeout=)
(call
  arguments: (argument_list (keyword_argument name: (identifier) @_k))
  (#match? @_k "^(timeout|connect_timeout|read_timeout|socket_timeout|request_timeout)$")) @timeout.call

; asyncio.wait_for(coro, 5), asyncio.timeout(5), async_timeout.timeout(5)
(call
  . function: (attribute object: (identifier) @_m attribute: (identifier) @_f)
  (#any-of? @_m "asyncio" "async_timeout" "anyio" "trio")
  (#match? @_f "^(wait_for|timeout|timeout_at|fail_after|move_on_after|wait)$")) @timeout.wait

; sock.settimeout(5), socket.setdefaulttimeout(5), sock.setsockopt(..., SO_RCVTIMEO, ...)
(call
  . function: (attribute attribute: (identifier) @_f)
  (#any-of? @_f "settimeout" "setdefaulttimeout" "set_timeout")) @timeout.socket
(call
  . function: (attribute attribute: (identifier) @_f)
  arguments: (argument_list) @_args
  (#eq? @_f "setsockopt")
  (#match? @_args "SO_(RCV|SND)TIMEO")) @timeout.socket

; socket.create_connection(address, timeout) — the timeout passed by position
(call
  . function: (attribute object: (identifier) @_m attribute: (identifier) @_f)
  arguments: (argument_list (_) (_))
  (#eq? @_m "socket")
  (#eq? @_f "create_connection")) @timeout.socket
