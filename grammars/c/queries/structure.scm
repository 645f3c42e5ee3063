; structure.scm (C, also read for C++) — functions, calls and claim text (not sites).

(function_definition
  declarator: (function_declarator declarator: (identifier) @function.name)) @function
(function_definition
  declarator: (pointer_declarator
    declarator: (function_declarator declarator: (identifier) @function.name))) @function

(call_expression function: (_) @call.name) @call

; doc comments: /** ... */, /// and //!
((comment) @claim.doc (#match? @claim.doc "^(/\\*\\*|///|//!)"))

; test names: static void test_lease_expiry(void)
(function_definition
  declarator: (function_declarator declarator: (identifier) @claim.test_name)
  (#match? @claim.test_name "^test_"))
