/*
 * test_grammars.c — every grammar loads into the runtime and parses one realistic snippet
 * (tests/fixtures/parse/) with no ERROR or MISSING node and the expected top-level kinds;
 * paths map to the right language; fl_tree_walk gives the nodes, symbols and depths a
 * TSTreeCursor gives, on every fixture file of every language and on broken code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fl_common.h"
#include "fl_grammars.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct case_t {
    const char *language;
    const char *fixture;
    const char *top_kinds[6]; /* each must appear among the root's named children */
} case_t;

static const case_t cases[] = {
    {"go",
     "retry.go",
     {"package_clause", "import_declaration", "type_declaration", "method_declaration"}},
    {"java", "Lease.java", {"package_declaration", "import_declaration", "class_declaration"}},
    {"python",
     "queue.py",
     {"expression_statement", "import_statement", "import_from_statement", "class_definition",
      "function_definition"}},
    {"rust", "wal.rs", {"use_declaration", "struct_item", "impl_item", "function_item"}},
    {"c", "send.c", {"preproc_include", "function_definition", "comment"}},
    {"cpp", "lock.cpp", {"preproc_include", "namespace_definition", "function_definition"}},
    {"javascript",
     "client.js",
     {"import_statement", "lexical_declaration", "export_statement", "class_declaration"}},
    {"typescript", "lock.ts", {"import_statement", "export_statement"}},
    {"tsx", "panel.tsx", {"import_statement", "type_alias_declaration", "export_statement"}},
};

static int count_errors(TSNode n) {
    if (ts_node_is_error(n) || ts_node_is_missing(n)) return 1;
    int total = 0;
    uint32_t c = ts_node_child_count(n);
    for (uint32_t i = 0; i < c; i++) total += count_errors(ts_node_child(n, i));
    return total;
}

static void check_case(const case_t *tc) {
    const fl_language *lang = fl_grammar_by_name(tc->language);
    assert_non_null(lang);
    const TSLanguage *ts = lang->load();
    assert_non_null(ts);
    uint32_t abi = ts_language_abi_version(ts);
    assert_true(abi >= TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION);
    assert_true(abi <= TREE_SITTER_LANGUAGE_VERSION);

    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/parse/%s", FL_SOURCE_DIR, tc->fixture);
    assert_ptr_equal(fl_grammar_for_path(path), lang);
    fl_buf src = FL_BUF_INIT;
    fl_error err;
    assert_int_equal(fl_file_read(path, &src, &err), 0);

    TSParser *p = ts_parser_new();
    assert_true(ts_parser_set_language(p, ts));
    TSTree *tree = ts_parser_parse_string(p, NULL, src.data, (uint32_t)src.len);
    assert_non_null(tree);
    TSNode root = ts_tree_root_node(tree);
    if (ts_node_has_error(root) || count_errors(root)) {
        char *s = ts_node_string(root);
        fail_msg("%s: parse errors in %s\n%s", tc->language, tc->fixture, s);
    }
    for (int k = 0; k < 6 && tc->top_kinds[k]; k++) {
        int found = 0;
        for (uint32_t i = 0; i < ts_node_named_child_count(root); i++)
            if (strcmp(ts_node_type(ts_node_named_child(root, i)), tc->top_kinds[k]) == 0)
                found = 1;
        if (!found)
            fail_msg("%s: no top-level %s in %s", tc->language, tc->top_kinds[k], tc->fixture);
    }
    ts_tree_delete(tree);
    ts_parser_delete(p);
    fl_buf_free(&src);
}

static void test_every_language_parses(void **state) {
    (void)state;
    size_t n = 0;
    fl_grammar_languages(&n);
    assert_int_equal(n, sizeof cases / sizeof cases[0]);
    for (size_t i = 0; i < n; i++) check_case(&cases[i]);
}

static void test_paths_map_to_languages(void **state) {
    (void)state;
    assert_string_equal(fl_grammar_for_path("a/b/c.go")->name, "go");
    assert_string_equal(fl_grammar_for_path("x.hpp")->name, "cpp");
    assert_string_equal(fl_grammar_for_path("x.h")->name, "c");
    assert_string_equal(fl_grammar_for_path("dir.v2/x.tsx")->name, "tsx");
    assert_string_equal(fl_grammar_for_path("m.mjs")->name, "javascript");
    assert_null(fl_grammar_for_path("README.md"));
    assert_null(fl_grammar_for_path("dir.go/Makefile"));
    assert_null(fl_grammar_by_name("cobol"));
    assert_string_equal(fl_grammar_runtime_version(), "0.25.1");
}

static void test_parse_error_stays_local(void **state) {
    (void)state;
    /* New syntax a grammar lags behind must not swallow the rest of the file. */
    const char *src = "package p\n\nfunc good() { retry() }\n\nfunc bad() { x := := }\n\n"
                      "func alsoGood() { retry() }\n";
    TSParser *p = ts_parser_new();
    ts_parser_set_language(p, fl_grammar_by_name("go")->load());
    TSTree *tree = ts_parser_parse_string(p, NULL, src, (uint32_t)strlen(src));
    TSNode root = ts_tree_root_node(tree);
    assert_true(ts_node_has_error(root));
    int fn = 0;
    for (uint32_t i = 0; i < ts_node_named_child_count(root); i++)
        if (strcmp(ts_node_type(ts_node_named_child(root, i)), "function_declaration") == 0) fn++;
    assert_int_equal(fn, 3);
    ts_tree_delete(tree);
    ts_parser_delete(p);
}

/* Walks `start` with a TSTreeCursor and with fl_tree_walk side by side; returns the nodes
 * seen. */
static size_t walk_both(fl_tree_walk *tw, TSNode start, const char *what) {
    TSTreeCursor c = ts_tree_cursor_new(start);
    fl_tree_walk_start(tw, start);
    uint32_t depth = 0;
    size_t seen = 0;
    for (;;) {
        TSNode want = ts_tree_cursor_current_node(&c), got;
        TSSymbol sym;
        uint32_t d;
        if (!fl_tree_walk_next(tw, &got, &sym, &d))
            fail_msg("%s: walk ended early at node %zu", what, seen);
        if (!ts_node_eq(want, got) || sym != ts_node_symbol(want) || d != depth ||
            ts_node_start_byte(got) != ts_node_start_byte(want) ||
            ts_node_end_byte(got) != ts_node_end_byte(want) ||
            ts_node_start_point(got).row != ts_node_start_point(want).row ||
            ts_node_start_point(got).column != ts_node_start_point(want).column ||
            strcmp(ts_node_type(got), ts_node_type(want)) != 0)
            fail_msg("%s: node %zu: walk gave %s at %u depth %u, cursor %s at %u depth %u", what,
                     seen, ts_node_type(got), ts_node_start_byte(got), d, ts_node_type(want),
                     ts_node_start_byte(want), depth);
        seen++;
        if (ts_tree_cursor_goto_first_child(&c)) {
            depth++;
            continue;
        }
        int more = 0;
        while (!(more = ts_tree_cursor_goto_next_sibling(&c)) && ts_tree_cursor_goto_parent(&c))
            depth--;
        if (!more) break;
    }
    TSNode extra;
    TSSymbol sym;
    uint32_t d;
    if (fl_tree_walk_next(tw, &extra, &sym, &d)) fail_msg("%s: walk went on past the cursor", what);
    ts_tree_cursor_delete(&c);
    return seen;
}

static void walk_file(fl_tree_walk *tw, TSParser *p, const char *path, size_t *files,
                      size_t *nodes) {
    const fl_language *lang = fl_grammar_for_path(path);
    if (!lang) return;
    fl_buf src = FL_BUF_INIT;
    fl_error err;
    assert_int_equal(fl_file_read(path, &src, &err), 0);
    ts_parser_set_language(p, lang->load());
    TSTree *tree = ts_parser_parse_string(p, NULL, src.data ? src.data : "", (uint32_t)src.len);
    TSNode root = ts_tree_root_node(tree);
    *nodes += walk_both(tw, root, path);
    /* from a node inside the tree too */
    if (ts_node_named_child_count(root) > 1) walk_both(tw, ts_node_named_child(root, 1), path);
    (*files)++;
    ts_tree_delete(tree);
    fl_buf_free(&src);
}

static void walk_dir(fl_tree_walk *tw, TSParser *p, const char *dir, size_t *files, size_t *nodes) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode))
            walk_dir(tw, p, path, files, nodes);
        else if (S_ISREG(st.st_mode))
            walk_file(tw, p, path, files, nodes);
    }
    closedir(d);
}

static void test_tree_walk_matches_cursor(void **state) {
    (void)state;
    fl_tree_walk *tw = fl_tree_walk_new();
    TSParser *p = ts_parser_new();
    size_t files = 0, nodes = 0;
    /* our fixtures and example service, in every language */
    static const char *ours[] = {"tests/fixtures", "tests/analyzers/fixtures", "examples"};
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", FL_SOURCE_DIR, ours[i]);
        walk_dir(tw, p, dir, &files, &nodes);
    }
    assert_true(files >= 25);
    assert_true(nodes >= 10000);
    /* real code that scripts/setup installs (hashicorp raft, Python's asyncio) */
    static const char *real[] = {"/usr/share/gocode/src/github.com/hashicorp/raft",
                                 "/usr/lib/python3.11/asyncio"};
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++) {
        struct stat st;
        if (stat(real[i], &st) == 0) walk_dir(tw, p, real[i], &files, &nodes);
    }
    /* broken code: ERROR and MISSING nodes */
    const char *bad = "package p\n\nfunc good() { retry() }\n\nfunc bad() { x := := }\n"
                      "func f( { if x { \n";
    ts_parser_set_language(p, fl_grammar_by_name("go")->load());
    TSTree *tree = ts_parser_parse_string(p, NULL, bad, (uint32_t)strlen(bad));
    assert_true(ts_node_has_error(ts_tree_root_node(tree)));
    assert_true(walk_both(tw, ts_tree_root_node(tree), "broken Go") > 10);
    ts_tree_delete(tree);
    /* a null node gives nothing */
    TSNode n;
    TSSymbol sym;
    uint32_t d;
    fl_tree_walk_start(tw, (TSNode){0});
    assert_false(fl_tree_walk_next(tw, &n, &sym, &d));
    ts_parser_delete(p);
    fl_tree_walk_free(tw);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_language_parses),
        cmocka_unit_test(test_paths_map_to_languages),
        cmocka_unit_test(test_parse_error_stays_local),
        cmocka_unit_test(test_tree_walk_matches_cursor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
