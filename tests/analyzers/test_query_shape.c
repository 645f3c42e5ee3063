/*
 * test_query_shape.c — how the analyzers sort a language's patterns (analyzers/query_shape.c)
 * and what they compile from them (rules.c, rules_walk.c, rules_dispatch.c): the call root,
 * call patterns dispatched by a name in the callee or in the call (whole names and regex
 * prefixes), patterns that must stay in the main query, rooted and sibling patterns, the
 * offset-keeping and lean query texts, and the rules a Go query compiles into. The results
 * of a scan with and without these are compared on real trees by test_scan_exact.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const char *go_src =
    "; a comment\n"
    "(call_expression function: (_) @call.name) @call\n"
    /* 1: dispatched by exact callee names */
    "(call_expression\n"
    "  . function: (selector_expression field: (field_identifier) @_fn)\n"
    "  (#any-of? @_fn \"Grant\" \"Revoke\")) @lease.acquire\n"
    /* 2: dispatched by a callee prefix (regex) */
    "(call_expression . function: (identifier) @_f (#match? @_f \"^wait(Deletes?|ForLock)$\"))"
    " @lease.acquire\n"
    /* 3: dispatched by a name anywhere in the call */
    "(call_expression arguments: (argument_list (selector_expression field: (field_identifier)"
    " @_a)) (#eq? @_a \"CommittedEntries\")) @commit.apply\n"
    /* 4: optional capture: its predicate may hold vacuously, so not dispatched */
    "(call_expression function: (identifier)? @_g (#eq? @_g \"Sync\")) @commit.fsync\n"
    /* 5: rooted, with a path predicate */
    "(keyed_element key: (literal_element (identifier) @_k) (#eq? @_k \"Timeout\")) "
    "@timeout.call\n"
    /* 6: siblings */
    "((comment)+ @claim.doc . (function_declaration))\n";

static const fl_query_form *form(const fl_query_split *sp, size_t i) {
    assert_true(i < sp->form_count);
    return &sp->forms[i];
}

static int has_name(const fl_query_split *sp, const char *text, int prefix, int callee) {
    for (size_t i = 0; i < sp->name_count; i++)
        if (strcmp(sp->names[i].text, text) == 0 && sp->names[i].prefix == prefix &&
            sp->names[i].callee == callee)
            return 1;
    return 0;
}

static void test_split(void **state) {
    (void)state;
    fl_query_split sp;
    fl__query_split(go_src, strlen(go_src), &sp);
    assert_int_equal(sp.form_count, 7);
    assert_int_equal(sp.root_count, 1);
    assert_string_equal(sp.roots[0].type, "call_expression");
    assert_string_equal(sp.roots[0].field, "function");
    assert_int_equal(sp.roots[0].start, form(&sp, 0)->start);
    assert_int_equal(form(&sp, 0)->start, strlen("; a comment\n"));

    assert_false(form(&sp, 0)->dispatched);
    assert_true(form(&sp, 0)->rooted);
    assert_true(form(&sp, 1)->dispatched);
    assert_true(form(&sp, 2)->dispatched);
    assert_true(form(&sp, 3)->dispatched);
    assert_false(form(&sp, 4)->dispatched);
    assert_true(form(&sp, 4)->rooted);
    assert_false(form(&sp, 5)->dispatched);
    assert_true(form(&sp, 5)->rooted);
    assert_string_equal(form(&sp, 5)->types[0], "keyed_element");
    assert_false(form(&sp, 6)->rooted);
    assert_true(form(&sp, 6)->sibling);
    assert_string_equal(form(&sp, 6)->types[0], "comment");
    assert_string_equal(form(&sp, 6)->root_caps[0], "claim.doc");
    assert_int_equal(sp.dispatch_count, 3);
    assert_int_equal(sp.sibling_count, 1);
    assert_true(sp.walkable);

    assert_true(has_name(&sp, "Grant", 0, 1));
    assert_true(has_name(&sp, "Revoke", 0, 1));
    assert_true(has_name(&sp, "wait", 1, 1));
    assert_true(has_name(&sp, "CommittedEntries", 0, 0));

    /* the path to @_k: key: (literal_element) then (identifier) */
    const fl_query_form *k = form(&sp, 5);
    int found = 0;
    for (size_t i = 0; i < k->path_count; i++) {
        if (strcmp(k->paths[i].capture, "_k") != 0) continue;
        found = 1;
        assert_int_equal(k->paths[i].steps, 2);
        assert_string_equal(k->paths[i].fields[0], "key");
        assert_string_equal(k->paths[i].types[0], "literal_element");
        assert_null(k->paths[i].fields[1]);
        assert_string_equal(k->paths[i].types[1], "identifier");
    }
    assert_true(found);
    fl__query_split_free(&sp);
}

static void test_texts(void **state) {
    (void)state;
    fl_query_split sp;
    size_t n = strlen(go_src);
    fl__query_split(go_src, n, &sp);
    /* plain texts keep every offset and line */
    char *main_text = fl__query_text(go_src, n, &sp, FL_FORM_OTHER);
    assert_int_equal(strlen(main_text), n);
    for (size_t i = 0; i < n; i++)
        if (go_src[i] == '\n') assert_int_equal(main_text[i], '\n');
    assert_non_null(strstr(main_text, "@call.name"));
    assert_null(strstr(main_text, "Grant"));
    assert_non_null(strstr(main_text, "\"Sync\""));
    assert_null(strstr(main_text, "a comment"));
    free(main_text);
    char *d = fl__query_text(go_src, n, &sp, FL_FORM_DISPATCH);
    assert_non_null(strstr(d, "Grant"));
    assert_null(strstr(d, "@call.name"));
    free(d);
    /* lean texts: a dispatched pattern's root and parents become wildcards */
    char *lean = fl__query_lean_text(go_src, &sp, FL_FORM_DISPATCH, 0);
    assert_non_null(strstr(lean, "(_\n  . function: (_ field: (field_identifier) @_fn)"
                                 " @__t.selector_expression"));
    assert_null(strstr(lean, "call_expression"));
    free(lean);
    lean = fl__query_lean_text(go_src, &sp, FL_FORM_OTHER, 0);
    assert_non_null(strstr(lean, "(keyed_element key: (_ (identifier) @_k) @__t.literal_element"));
    free(lean);
    /* wildcard roots: the root is type-checked too */
    lean = fl__query_lean_text(go_src, &sp, FL_FORM_OTHER, 1);
    assert_non_null(strstr(lean, "(_ key: (_ (identifier) @_k) @__t.literal_element"));
    assert_non_null(strstr(lean, "@__t.keyed_element"));
    assert_null(strstr(lean, "(keyed_element"));
    free(lean);
    /* a user's pattern is compiled as written */
    sp.forms[5].user = 1;
    lean = fl__query_lean_text(go_src, &sp, FL_FORM_OTHER, 1);
    assert_non_null(strstr(lean, "(keyed_element key: (literal_element (identifier) @_k)"));
    free(lean);
    fl__query_split_free(&sp);
}

static void test_not_walkable(void **state) {
    (void)state;
    /* a wildcard root: everything runs in one query cursor */
    const char *src = "(call_expression function: (_) @call.name) @call\n"
                      "(_ (comment) @claim.doc)\n";
    fl_query_split sp;
    fl__query_split(src, strlen(src), &sp);
    assert_int_equal(sp.form_count, 2);
    assert_false(sp.walkable);
    fl__query_split_free(&sp);
    /* text the reader does not understand: no forms, tree-sitter reports the error */
    const char *bad = "(call_expression \"unterminated)\n";
    fl__query_split(bad, strlen(bad), &sp);
    assert_null(sp.forms);
    char *t = fl__query_text(bad, strlen(bad), &sp, FL_FORM_OTHER);
    assert_string_equal(t, bad);
    free(t);
    fl__query_split_free(&sp);
}

static void test_compiled_go(void **state) {
    (void)state;
    fl_error err;
    fl_analyzer *a = fl_analyzer_new(NULL, &err);
    assert_non_null(a);
    const fl_lang_rules *r = fl__analyzer_rules(a, fl_grammar_by_name("go"));
    assert_non_null(r);
    assert_non_null(r->main.query);
    assert_non_null(r->dispatch.query);
    assert_true(r->walk);
    assert_null(r->siblings.query); /* Go's doc comments use @claim.doc_above */
    /* most call patterns are dispatched: main keeps few patterns */
    assert_true(r->dispatch.pattern_count > 20);
    assert_true(r->main.pattern_count < r->dispatch.pattern_count);
    /* the callee "cli.Grant" is a candidate, "fmt.Println" is not */
    const char *t1 = "cli.Grant(ctx, 5)", *t2 = "fmt.Println(x)";
    assert_true(fl__rules_dispatch_candidate(r, t1, 0, (uint32_t)strlen(t1), 0, 9));
    assert_false(fl__rules_dispatch_candidate(r, t2, 0, (uint32_t)strlen(t2), 0, 11));
    /* a name in the arguments: s.apply(rd.CommittedEntries) */
    const char *t3 = "s.apply(rd.CommittedEntries)";
    assert_true(fl__rules_dispatch_candidate(r, t3, 0, (uint32_t)strlen(t3), 0, 7));
    /* part of a longer identifier is not the name */
    const char *t4 = "s.apply(rd.CommittedEntriesX)";
    assert_false(fl__rules_dispatch_candidate(r, t4, 0, (uint32_t)strlen(t4), 0, 7));
    fl_analyzer_free(a);
}

/* UTF-16 columns (LSP, SARIF) of byte columns, ASCII fast path and multi-byte text alike. */
static void test_utf16_columns(void **state) {
    (void)state;
    assert_int_equal(fl__utf16_column("", 0), 1);
    assert_int_equal(fl__utf16_column("abcdefghijklmnopqrst", 13), 14);
    assert_int_equal(fl__utf16_column("abcdefghijklmnop", 16), 17);
    /* é is 2 bytes, 1 unit; 😀 is 4 bytes, 2 units (a surrogate pair) */
    assert_int_equal(fl__utf16_column("h\xc3\xa9llo x", 7), 7);
    assert_int_equal(fl__utf16_column("\xf0\x9f\x98\x80x", 5), 4);
    /* past the first 8 ASCII bytes, then multi-byte */
    assert_int_equal(fl__utf16_column("0123456789\xc3\xa9\xc3\xa9"
                                      "ab",
                                      15),
                     14);
    assert_int_equal(fl__utf16_column("012345678901234\xe2\x82\xacz", 19), 18);
    /* multi-byte in the first word, ASCII after */
    assert_int_equal(fl__utf16_column("\xc3\xa9"
                                      "abcdefghijk",
                                      12),
                     12);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),         cmocka_unit_test(test_texts),
        cmocka_unit_test(test_not_walkable),  cmocka_unit_test(test_compiled_go),
        cmocka_unit_test(test_utf16_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
