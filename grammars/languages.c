/*
 * languages.c — the table of languages: id, file extensions, and the grammar's entry point
 * (the `tree_sitter_<lang>` function each compiled parser.c exports).
 */
#include "fl_grammars.h"

#include <string.h>

const TSLanguage *tree_sitter_c(void);
const TSLanguage *tree_sitter_cpp(void);
const TSLanguage *tree_sitter_go(void);
const TSLanguage *tree_sitter_java(void);
const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_python(void);
const TSLanguage *tree_sitter_rust(void);
const TSLanguage *tree_sitter_typescript(void);
const TSLanguage *tree_sitter_tsx(void);

static const char *const ext_c[] = {".c", ".h", NULL};
static const char *const ext_cpp[] = {".cc", ".cpp", ".cxx", ".c++", ".hh", ".hpp", ".hxx", NULL};
static const char *const ext_go[] = {".go", NULL};
static const char *const ext_java[] = {".java", NULL};
static const char *const ext_js[] = {".js", ".mjs", ".cjs", ".jsx", NULL};
static const char *const ext_py[] = {".py", ".pyi", NULL};
static const char *const ext_rust[] = {".rs", NULL};
static const char *const ext_ts[] = {".ts", ".mts", ".cts", NULL};
static const char *const ext_tsx[] = {".tsx", NULL};

static const fl_language languages[] = {
    {"go", ext_go, tree_sitter_go},
    {"java", ext_java, tree_sitter_java},
    {"python", ext_py, tree_sitter_python},
    {"rust", ext_rust, tree_sitter_rust},
    {"c", ext_c, tree_sitter_c},
    {"cpp", ext_cpp, tree_sitter_cpp},
    {"javascript", ext_js, tree_sitter_javascript},
    {"typescript", ext_ts, tree_sitter_typescript},
    {"tsx", ext_tsx, tree_sitter_tsx},
};

const fl_language *fl_grammar_languages(size_t *count) {
    *count = sizeof languages / sizeof languages[0];
    return languages;
}

const fl_language *fl_grammar_by_name(const char *name) {
    for (size_t i = 0; i < sizeof languages / sizeof languages[0]; i++)
        if (strcmp(languages[i].name, name) == 0) return &languages[i];
    return NULL;
}

const fl_language *fl_grammar_for_path(const char *path) {
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (!dot) return NULL;
    for (size_t i = 0; i < sizeof languages / sizeof languages[0]; i++)
        for (const char *const *e = languages[i].extensions; *e; e++)
            if (strcmp(dot, *e) == 0) return &languages[i];
    return NULL;
}

const char *fl_grammar_runtime_version(void) {
    return FL_TREE_SITTER_VERSION;
}
