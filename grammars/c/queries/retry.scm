; retry.scm (C, also read for C++) — retry loops around send/recv/write/connect that sleep
; or back off on error.

; while (send(fd, buf, n, 0) < 0) { if (errno != EINTR && errno != EAGAIN) break; usleep(d); }
; (one pattern per node type rather than an alternation: each compiles in its lean form,
; see analyzers/query_shape.c)
((while_statement body: (_) @_body) @retry.loop
  (#match? @retry.loop "(?s)(<\\s*0|==\\s*-1|!=\\s*0|==\\s*0\\s*\\)\\s*(return|break)|errno|EAGAIN|EINTR|EWOULDBLOCK|ETIMEDOUT|\\bretr|\\brc\\b|\\bret\\b|!\\s*ok|failed|false).{0,800}?\\b(u?sleep|nanosleep|Sleep|sleep_for|backoff\\w*|delay\\w*)\\s*\\(")
  (#match? @_body "\\b(u?sleep|nanosleep|Sleep|sleep_for|backoff\\w*|delay\\w*)\\s*\\("))
((for_statement body: (_) @_body) @retry.loop
  (#match? @retry.loop "(?s)(<\\s*0|==\\s*-1|!=\\s*0|==\\s*0\\s*\\)\\s*(return|break)|errno|EAGAIN|EINTR|EWOULDBLOCK|ETIMEDOUT|\\bretr|\\brc\\b|\\bret\\b|!\\s*ok|failed|false).{0,800}?\\b(u?sleep|nanosleep|Sleep|sleep_for|backoff\\w*|delay\\w*)\\s*\\(")
  (#match? @_body "\\b(u?sleep|nanosleep|Sleep|sleep_for|backoff\\w*|delay\\w*)\\s*\\("))
((do_statement body: (_) @_body) @retry.loop
  (#match? @retry.loop "(?s)(<\\s*0|==\\s*-1|!=\\s*0|==\\s*0\\s*\\)\\s*(return|break)|errno|EAGAIN|EINTR|EWOULDBLOCK|ETIMEDOUT|\\bretr|\\brc\\b|\\bret\\b|!\\s*ok|failed|false).{0,800}?\\b(u?sleep|nanosleep|Sleep|sleep_for|backoff\\w*|delay\\w*)\\s*\\(")
  (#match? @_body "\\b(u?sleep|nanosleep|Sleep|sleep_for|backoff\\w*|delay\\w*)\\s*\\("))
