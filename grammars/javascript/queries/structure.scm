; structure.scm (JavaScript, also read for TypeScript and TSX) — functions, calls and claim
; text (not sites). Node names here exist in all three grammars.

(function_declaration name: (identifier) @function.name) @function
(generator_function_declaration name: (identifier) @function.name) @function
(method_definition name: (property_identifier) @function.name) @function
(variable_declarator
  name: (identifier) @function.name
  value: [(arrow_function) (function_expression)]) @function

(call_expression function: (_) @call.name) @call

; JSDoc
((comment) @claim.doc (#match? @claim.doc "^/\\*\\*"))

; error classes: class StaleReadError extends Error
(class_declaration name: (_) @claim.error_type
  (#match? @claim.error_type "(Error|Exception)$"))

; test names: it('is linearizable under partition', ...), test(...), describe(...)
(call_expression
  . function: (identifier) @_f
  arguments: (arguments . (string) @claim.test_name)
  (#any-of? @_f "it" "test" "describe"))
