/*
 * queries.c — lookup over the query files embedded at build time by
 * cmake/EmbedQueries.cmake (grammars/<lang>/queries/<name>.scm, sorted by path).
 */
#include "fl_grammars.h"

#include <string.h>

extern const fl_query_source fl_grammar_embedded_queries[];

const fl_query_source *fl_grammar_queries(const char *language, size_t *count) {
    const fl_query_source *first = NULL;
    size_t n = 0;
    for (const fl_query_source *q = fl_grammar_embedded_queries; q->language; q++) {
        if (strcmp(q->language, language) != 0) continue;
        if (!first) first = q;
        n++;
    }
    *count = n;
    return first;
}
