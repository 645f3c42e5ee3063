; structure.scm (Go) — functions, calls and claim text. Not sites: analyzers/ uses these
; for enclosing functions, retry targets, retry wrappers and claims.

(function_declaration name: (identifier) @function.name) @function
(method_declaration name: (field_identifier) @function.name) @function

(call_expression function: (_) @call.name) @call

; doc comments: the comment block right above a declaration
[(function_declaration) (method_declaration) (type_declaration) (const_declaration)
 (var_declaration) (package_clause)] @claim.doc_above

; error types and error values: ErrLeaseExpired, StaleReadError
(type_spec name: (type_identifier) @claim.error_type
  (#match? @claim.error_type "(Error|Err)$"))
(var_spec name: (identifier) @claim.error_type
  (#match? @claim.error_type "^Err[A-Z]"))

; test names: TestLinearizableUnderPartition
(function_declaration name: (identifier) @claim.test_name
  (#match? @claim.test_name "^Test[A-Z_]"))
