; commit.scm (JavaScript, TypeScript) — commits and fsyncs.

; tx.commit(), session.commitTransaction(), consumer.commitOffsets()
(call_expression
  . function: (member_expression property: (property_identifier) @_p)
  (#any-of? @_p "commit" "commitTransaction" "commitOffsets" "commitSync")) @commit.call

; client.query('COMMIT')
(call_expression
  . function: (member_expression property: (property_identifier) @_p)
  arguments: (arguments . (string) @_s)
  (#any-of? @_p "query" "exec" "execute" "run")
  (#match? @_s "^['\"`]\\s*(?i:commit)\\b")) @commit.call

; fs.fsync(fd, cb), fs.fsyncSync(fd), fs.fdatasync(...), handle.sync()
(call_expression
  . function: (member_expression property: (property_identifier) @_p)
  (#any-of? @_p "fsync" "fsyncSync" "fdatasync" "fdatasyncSync" "sync" "datasync")) @commit.fsync
