; structure.scm (Java) — functions, calls and claim text (not sites).

(method_declaration name: (identifier) @function.name) @function
(constructor_declaration name: (identifier) @function.name) @function

(method_invocation name: (identifier) @call.name) @call

; Javadoc
((block_comment) @claim.doc (#match? @claim.doc "^/\\*\\*"))

; exception types: StaleReadException, LeaseExpiredError
(class_declaration name: (identifier) @claim.error_type
  (#match? @claim.error_type "(Exception|Error)$"))

; test names: @Test void linearizableUnderPartition(), testExactlyOnce()
(method_declaration
  (modifiers (marker_annotation name: (identifier) @_a))
  name: (identifier) @claim.test_name
  (#eq? @_a "Test"))
(method_declaration name: (identifier) @claim.test_name
  (#match? @claim.test_name "^test[A-Z_]"))
