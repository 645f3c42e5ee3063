; commit.scm (Java) — commits, flushes to stable storage, forces.

; conn.commit(), tx.commit(), producer.commitTransaction(), consumer.commitSync()
(method_invocation
  name: (identifier) @_m
  (#any-of? @_m "commit" "commitTransaction" "commitSync" "commitAsync" "commitOffsets")) @commit.call

; channel.force(true), fd.sync(), out.getFD().sync()
(method_invocation
  name: (identifier) @_m
  (#any-of? @_m "force" "sync" "fsync")) @commit.fsync

; wal.flush(), journal.flush(), fileChannel.flush()
(method_invocation
  object: (_) @_o
  name: (identifier) @_m
  (#eq? @_m "flush")
  (#match? @_o "(?i)(wal|journal|log|segment|channel|raf|file\\w*|fos)$")) @commit.call
