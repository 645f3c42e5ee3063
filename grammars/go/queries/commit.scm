; commit.scm (Go) — commits, fsyncs, WAL appends, raft propose/apply.

; tx.Commit(), txn.If(...).Then(...).Commit()
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  (#any-of? @_fn "Commit" "CommitTx" "CommitTxn")) @commit.call

; f.Sync(), w.Sync(); unix.Fsync(fd), fileutil.Fsync(f), fileutil.Fdatasync(f)
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  arguments: (argument_list) @_args
  (#eq? @_fn "Sync")
  (#eq? @_args "()")) @commit.fsync
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  (#match? @_fn "^(Fsync|Fdatasync|SyncFileRange)$")) @commit.fsync

; raft: n.Propose(ctx, data), n.ProposeConfChange(ctx, cc); hashicorp raft: r.Apply(cmd, timeout)
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  (#any-of? @_fn "Propose" "ProposeConfChange" "ProposeConfChangeV2" "ApplyLog" "AddVoter" "RemoveServer")) @commit.propose
(call_expression
  . function: (selector_expression operand: (_) @_r field: (field_identifier) @_fn)
  arguments: (argument_list (_) (_))
  (#eq? @_fn "Apply")
  (#match? @_r "(?i)raft")) @commit.propose

; raft: rd := <-n.Ready(); n.Advance(); hashicorp FSM: func (f *fsm) Apply(l *raft.Log)
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  arguments: (argument_list) @_args
  (#any-of? @_fn "Ready" "Advance")
  (#eq? @_args "()")) @commit.apply
(call_expression
  . function: (selector_expression field: (field_identifier) @_fn)
  (#any-of? @_fn "ApplyConfChange" "ApplyConfChangeV2" "ApplySnapshot")) @commit.apply
; handing committed entries to the state machine: publishEntries(rd.CommittedEntries)
(call_expression
  . function: (_) @_callee
  arguments: (argument_list (selector_expression field: (field_identifier) @_f))
  (#eq? @_f "CommittedEntries")
  (#not-any-of? @_callee "len" "cap" "append" "copy")) @commit.apply
(call_expression
  . function: (_) @_callee
  arguments: (argument_list
    (call_expression arguments: (argument_list (selector_expression field: (field_identifier) @_f))))
  (#eq? @_f "CommittedEntries")
  (#not-any-of? @_callee "len" "cap" "append" "copy")) @commit.apply
(method_declaration
  name: (field_identifier) @_fn
  . parameters: (parameter_list
    (parameter_declaration type: (pointer_type (qualified_type package: (package_identifier) @_pkg name: (type_identifier) @_t))))
  (#eq? @_fn "Apply")
  (#eq? @_pkg "raft")
  (#eq? @_t "Log")) @commit.apply

; WAL appends: w.Save(st, ents), wal.Append(...)
(call_expression
  . function: (selector_expression operand: (_) @_r field: (field_identifier) @_fn)
  (#any-of? @_fn "Save" "Append" "AppendEntries" "StoreLogs" "StoreLog" "SaveSnapshot" "SaveSnap")
  (#match? @_r "(?i)(wal|log|storage|store|raft|snap\\w*)\\w*$")) @commit.call

; the ack sent to a client: acks <- id, s.ackc <- resp
(send_statement
  channel: (_) @_c
  (#match? @_c "(?i)(ack|reply|resp)\\w*$")) @commit.ack

; a state machine applying committed entries: r.fsm.Apply(l), fsm.ApplyBatch(logs)
(call_expression
  . function: (selector_expression operand: (_) @_r field: (field_identifier) @_fn)
  (#any-of? @_fn "Apply" "ApplyBatch" "Restore")
  (#match? @_r "(?i)fsm$")) @commit.apply

; publishing a file atomically: os.Rename(tmp, final)
(call_expression
  . function: (selector_expression operand: (identifier) @_p field: (field_identifier) @_fn)
  arguments: (argument_list) @_args
  (#eq? @_p "os")
  (#eq? @_fn "Rename")
  (#match? @_args "(?i)(tmp|temp|new|partial|staging)")) @commit.call
