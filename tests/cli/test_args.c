/*
 * test_args.c — the shared flag parser: long/short/inline values, switches, positionals,
 * "--", and the problems it reports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fl_server.h"

#include <string.h>

static const fl_opt opts[] = {
    {"format", 0, 1},
    {"out", 'o', 1},
    {"json", 0, 0},
    {NULL, 0, 0},
};

static void test_mixed(void **state) {
    (void)state;
    char *argv[] = {"a.jsonl", "--format", "md", "-o", "x.md", "--json", "--format=json",
                    "--", "--not-a-flag"};
    fl_args a;
    fl_args_init(&a, 9, argv);
    assert_int_equal(fl_args_next(&a, opts), FL_ARGS_POSITIONAL);
    assert_string_equal(a.value, "a.jsonl");
    assert_int_equal(fl_args_next(&a, opts), 0);
    assert_string_equal(a.value, "md");
    assert_int_equal(fl_args_next(&a, opts), 1);
    assert_string_equal(a.value, "x.md");
    assert_int_equal(fl_args_next(&a, opts), 2);
    assert_int_equal(fl_args_next(&a, opts), 0);
    assert_string_equal(a.value, "json");
    assert_int_equal(fl_args_next(&a, opts), FL_ARGS_POSITIONAL);
    assert_string_equal(a.value, "--not-a-flag");
    assert_int_equal(fl_args_next(&a, opts), FL_ARGS_END);
}

static void test_problems(void **state) {
    (void)state;
    char *argv1[] = {"--bogus"};
    fl_args a;
    fl_args_init(&a, 1, argv1);
    assert_int_equal(fl_args_next(&a, opts), FL_ARGS_ERROR);
    assert_non_null(strstr(a.problem, "unknown option '--bogus'"));

    char *argv2[] = {"--format"};
    fl_args_init(&a, 1, argv2);
    assert_int_equal(fl_args_next(&a, opts), FL_ARGS_ERROR);
    assert_non_null(strstr(a.problem, "needs a value"));

    char *argv3[] = {"--json=yes"};
    fl_args_init(&a, 1, argv3);
    assert_int_equal(fl_args_next(&a, opts), FL_ARGS_ERROR);
    assert_non_null(strstr(a.problem, "takes no value"));

    char *argv4[] = {"-x"};
    fl_args_init(&a, 1, argv4);
    assert_int_equal(fl_args_next(&a, opts), FL_ARGS_ERROR);

    char *argv5[] = {"-"}; /* "-" is stdin: a positional */
    fl_args_init(&a, 1, argv5);
    assert_int_equal(fl_args_next(&a, opts), FL_ARGS_POSITIONAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_problems),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
