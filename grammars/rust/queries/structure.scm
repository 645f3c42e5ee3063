; structure.scm (Rust) — functions, calls and claim text (not sites).

(function_item name: (identifier) @function.name) @function

(call_expression function: (_) @call.name) @call

; doc comments: /// and //! lines, /** */ blocks
((line_comment) @claim.doc (#match? @claim.doc "^//[/!]"))
((block_comment) @claim.doc (#match? @claim.doc "^/\\*[*!]"))

; error types: enum StoreError, struct StaleRead
(enum_item name: (type_identifier) @claim.error_type
  (#match? @claim.error_type "(Error|Err)$"))
(struct_item name: (type_identifier) @claim.error_type
  (#match? @claim.error_type "(Error|Err)$"))

; test names: #[test] fn linearizable_under_partition()
; (one pattern per kind of item container, so each starts at one node)
(source_file (attribute_item) @_a . (function_item name: (identifier) @claim.test_name)
  (#match? @_a "test"))
(declaration_list (attribute_item) @_a . (function_item name: (identifier) @claim.test_name)
  (#match? @_a "test"))
(block (attribute_item) @_a . (function_item name: (identifier) @claim.test_name)
  (#match? @_a "test"))
