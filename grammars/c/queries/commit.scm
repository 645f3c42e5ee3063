; commit.scm (C, also read for C++) — fsync and friends, transaction commits.

(call_expression
  . function: (identifier) @_f
  (#any-of? @_f "fsync" "fdatasync" "sync_file_range" "msync" "syncfs" "FlushFileBuffers" "pmem_persist" "fcntl_fullfsync")) @commit.fsync

; mdb_txn_commit(txn), wal_commit(w), sqlite3_exec(db, "COMMIT", ...)
(call_expression
  . function: (identifier) @_f
  (#match? @_f "(?i)(^commit|_commit$|_commit_\\w+$|txn_commit|commit_txn)")) @commit.call
(call_expression
  . function: (identifier) @_f
  arguments: (argument_list) @_args
  (#match? @_f "^sqlite3_(exec|prepare\\w*)$")
  (#match? @_args "\"\\s*(?i:commit|end)\\b")) @commit.call
