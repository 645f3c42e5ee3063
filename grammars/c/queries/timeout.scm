; timeout.scm (C, also read for C++) — poll/select/epoll timeouts, socket timeouts, timed waits.

; poll(fds, n, timeout_ms), epoll_wait(ep, evs, n, timeout), select(n, r, w, e, &tv)
(call_expression
  . function: (identifier) @_f
  (#any-of? @_f "poll" "ppoll" "epoll_wait" "epoll_pwait" "select" "pselect" "WSAPoll" "kevent")) @timeout.wait

; setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv)
(call_expression
  . function: (identifier) @_f
  arguments: (argument_list) @_args
  (#eq? @_f "setsockopt")
  (#match? @_args "SO_(RCV|SND)TIMEO|TCP_USER_TIMEOUT")) @timeout.socket

; pthread_mutex_timedlock, pthread_cond_timedwait, sem_timedwait, alarm
(call_expression
  . function: (identifier) @_f
  (#any-of? @_f "pthread_mutex_timedlock" "pthread_cond_timedwait" "sem_timedwait" "pthread_rwlock_timedrdlock" "pthread_rwlock_timedwrlock" "mq_timedsend" "mq_timedreceive" "alarm")) @timeout.wait
