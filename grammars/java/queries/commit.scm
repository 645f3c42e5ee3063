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

; publishing a file atomically: tmpFile.renameTo(target), Files.move(tmp, target, ATOMIC_MOVE)
(method_invocation
  object: (_) @_o
  name: (identifier) @_m
  (#eq? @_m "renameTo")
  (#match? @_o "(?i)(tmp|temp|new|partial|staging)")) @commit.call
(method_invocation
  object: (identifier) @_o
  name: (identifier) @_m
  arguments: (argument_list) @_args
  (#eq? @_o "Files")
  (#eq? @_m "move")
  (#match? @_args "ATOMIC_MOVE")) @commit.call

; java.util.prefs: prefs.flush() / root.sync() force the node to its backing store;
; writeBackCache() and the like write cached state back
(method_invocation
  object: (_) @_o
  name: (identifier) @_m
  (#eq? @_m "flush")
  (#match? @_o "((?i:prefs|preferences|root)|Rt)$")) @commit.call
(method_invocation
  name: (identifier) @_m
  (#match? @_m "^writeBack\\w*$")) @commit.call
