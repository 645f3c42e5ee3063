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
((attribute_item) @_a . (function_item name: (identifier) @claim.test_name)
  (#match? @_a "test"))
