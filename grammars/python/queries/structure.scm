; structure.scm (Python) — functions, calls and claim text (not sites).

(function_definition name: (identifier) @function.name) @function
; a decorated function spans its decorators, so @retry(...) sits inside it
(decorated_definition
  definition: (function_definition name: (identifier) @function.name)) @function

(call function: (_) @call.name) @call

; docstrings of modules, classes and functions
(module . (expression_statement (string) @claim.doc))
(function_definition body: (block . (expression_statement (string) @claim.doc)))
(class_definition body: (block . (expression_statement (string) @claim.doc)))

; exception types: StaleReadError, IdempotencyConflict(Exception)
(class_definition name: (identifier) @claim.error_type
  (#match? @claim.error_type "(Error|Exception|Conflict|Timeout)$"))

; test names: test_exactly_once_under_partition
(function_definition name: (identifier) @claim.test_name
  (#match? @claim.test_name "^test_?"))
