/*
 * fl_grammars.h — which languages faultline reads, and the query files that teach it each
 * language's distributed-systems idioms.
 *
 * Languages are named by short ids ("go", "java", "python", "rust", "c", "cpp",
 * "javascript", "typescript", "tsx"). A path maps to a language by its extension. Query
 * files live in grammars/<lang>/queries/<name>.scm and are embedded into the library at build
 * time; analyzers/ compiles them with tree-sitter's query API.
 */
#ifndef FL_GRAMMARS_H
#define FL_GRAMMARS_H

#include <stddef.h>
#include <tree_sitter/api.h>

typedef struct fl_language {
    const char *name;              /* short id, e.g. "go" */
    const char *const *extensions; /* NULL-terminated, with the dot: ".go" */
    const TSLanguage *(*load)(void);
} fl_language;

/* All languages, in a fixed order. */
const fl_language *fl_grammar_languages(size_t *count);
/* By id; NULL when unknown. */
const fl_language *fl_grammar_by_name(const char *name);
/* By a file path's extension; NULL when faultline does not read that kind of file. */
const fl_language *fl_grammar_for_path(const char *path);

/* One embedded query file. */
typedef struct fl_query_source {
    const char *language; /* language id (the folder name) */
    const char *name;     /* file name, e.g. "retry.scm" */
    const char *path;     /* repository-relative path, for error messages */
    const char *text;     /* NUL-terminated contents */
    size_t length;        /* bytes, without the NUL */
} fl_query_source;

/* The built-in query files of one language (may be zero); the array stays valid forever. */
const fl_query_source *fl_grammar_queries(const char *language, size_t *count);

/* A pre-order walk over the visible nodes below a start node: the nodes, order and TSNode
 * values TSTreeCursor gives, at a small part of its cost (tree_walk.c). One walk serves one
 * thread; start it again for each tree. */
typedef struct fl_tree_walk fl_tree_walk;
fl_tree_walk *fl_tree_walk_new(void);
void fl_tree_walk_free(fl_tree_walk *w);
/* Walks `start` and its descendants; the tree must outlive the walk. */
void fl_tree_walk_start(fl_tree_walk *w, TSNode start);
/* The next node (the start node first), its public symbol (ts_node_symbol) and its depth
 * below the start node (0 for it). Returns 0 when the walk is over. */
int fl_tree_walk_next(fl_tree_walk *w, TSNode *node, TSSymbol *symbol, uint32_t *depth);

/* Version of the tree-sitter runtime compiled in (the npm package's), e.g. "0.25.1". */
const char *fl_grammar_runtime_version(void);

#endif
