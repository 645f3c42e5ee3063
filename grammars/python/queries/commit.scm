; commit.scm (Python) — commits and fsyncs.

; conn.commit(), session.commit(), txn.commit(), producer.commit_transaction()
(call
  . function: (attribute attribute: (identifier) @_f)
  (#match? @_f "^_?commit(_\\w+)?$|^commitTransaction$")) @commit.call

; publishing a file atomically: os.replace(tmp, path), os.rename(...)
(call
  . function: (attribute object: (_) @_m attribute: (identifier) @_f)
  arguments: (argument_list . (_) @_src)
  (#match? @_m "(^|\\.)_?os$")
  (#any-of? @_f "replace" "rename")
  (#match? @_src "(?i)(tmp|temp|new|partial|staging)")) @commit.call

; os.fsync(fd), os.fdatasync(fd)
(call
  . function: (attribute object: (identifier) @_m attribute: (identifier) @_f)
  (#eq? @_m "os")
  (#any-of? @_f "fsync" "fdatasync" "sync")) @commit.fsync

; cursor.execute("COMMIT")
(call
  . function: (attribute attribute: (identifier) @_f)
  arguments: (argument_list . (string) @_s)
  (#eq? @_f "execute")
  (#match? @_s "^[bru]*['\"]+\\s*(?i:commit)\\b")) @commit.call
