; commit.scm (Rust) — fsyncs, commits, raft-rs propose/ready/advance.

; file.sync_all(), file.sync_data()
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#any-of? @_f "sync_all" "sync_data" "fsync" "fdatasync")) @commit.fsync

; tx.commit(), txn.commit().await
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#any-of? @_f "commit" "commit_transaction")) @commit.call

; raw_node.propose(ctx, data), propose_conf_change(...)
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#any-of? @_f "propose" "propose_conf_change" "client_write")) @commit.propose

; raw_node.ready(), raw_node.advance(rd), advance_append, on_persist_ready, apply_conf_change
(call_expression
  . function: (field_expression field: (field_identifier) @_f)
  (#any-of? @_f "ready" "has_ready" "advance" "advance_append" "advance_apply" "on_persist_ready" "apply_conf_change")) @commit.apply
