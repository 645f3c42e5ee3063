; structure.scm (C++) — what C++ adds to the C structure queries: methods and qualified names,
; exception types.

(function_definition
  declarator: (function_declarator
    declarator: [(qualified_identifier) (field_identifier) (destructor_name)] @function.name)) @function
(function_definition
  declarator: (reference_declarator
    (function_declarator declarator: [(qualified_identifier) (field_identifier) (identifier)] @function.name))) @function

(class_specifier name: (type_identifier) @claim.error_type
  (#match? @claim.error_type "(Error|Exception)$"))
(struct_specifier name: (type_identifier) @claim.error_type
  (#match? @claim.error_type "(Error|Exception)$"))
