; sites.scm (C++) — what C++ adds to the C site queries: std::chrono timed waits, futures,
; system_clock expiry checks.

; cv.wait_for(lk, 100ms), fut.wait_until(t), m.try_lock_for(d), timer.expires_after(d)
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#any-of? @_f "wait_for" "wait_until" "try_lock_for" "try_lock_until" "try_acquire_for" "expires_after" "expires_at" "async_wait")) @timeout.wait

; std::this_thread::sleep_for inside a loop that catches: the C retry loop query covers it

; f.sync(), file->fsync(), log_->Sync()
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#any-of? @_f "fsync" "Sync" "sync" "fdatasync" "Fsync")) @commit.fsync
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#any-of? @_f "commit" "Commit" "CommitTransaction")) @commit.call
