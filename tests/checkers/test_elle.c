/*
 * test_elle.c — the elle checker on small hand-built histories: for every anomaly class a
 * history that must be flagged (with the models it rules out and an explanation in words)
 * and the nearest valid variant that must pass; list-append and rw-register; the
 * --consistency levels; unknown outcomes; preconditions (unique values) and bad input.
 *
 * Histories are written in Jepsen EDN (no quoting needed) and checked through the public
 * fl_check_buffer entry point, exactly as `faultline check` does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fl_checkers.h"

#include <stdlib.h>
#include <string.h>

/* one event; a txn run alone (invoke then ok) */
#define E(p, ty, v) "{:process " #p " :type :" #ty " :f :txn :value " v "}\n"
#define T(p, inv, res) E(p, invoke, inv) E(p, ok, res)
#define A(p, v) T(p, v, v) /* a txn without reads */

static fl_check_verdict run(const char *model, const char *consistency, const char *text,
                            json_t **out) {
    fl_check_options o;
    fl_check_options_init(&o);
    o.model = model;
    o.consistency = consistency;
    fl_check_result r;
    fl_error err;
    fl_error_clear(&err);
    int rc = fl_check_buffer("h.edn", text, strlen(text), &o, &r, &err);
    if (rc != 0) fprintf(stderr, "error: %s:%d: %s\n", err.path, err.line, err.message);
    assert_int_equal(rc, 0);
    fl_check_verdict v = r.verdict;
    if (out) *out = json_incref(r.json);
    fl_check_result_free(&r);
    return v;
}

static int has_type(json_t *r, const char *type) {
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(r, "anomaly_types"), i, t) {
        if (strcmp(json_string_value(t), type) == 0) return 1;
    }
    return 0;
}

static int in_list(json_t *arr, const char *name) {
    size_t i;
    json_t *t;
    json_array_foreach(arr, i, t) {
        if (strcmp(json_string_value(t), name) == 0) return 1;
    }
    return 0;
}

static const char *first_message(json_t *r, const char *type) {
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(r, "anomalies"), i, a) {
        if (strcmp(json_string_value(json_object_get(a, "type")), type) == 0)
            return json_string_value(json_object_get(a, "message"));
    }
    return NULL;
}

/* flagged with `type` under `consistency`, and the message says `words` */
static void expect(const char *model, const char *consistency, const char *text, const char *type,
                   const char *words) {
    json_t *r = NULL;
    fl_check_verdict v = run(model, consistency, text, &r);
    if (v != FL_CHECK_INVALID || !has_type(r, type)) {
        char *s = json_dumps(r, JSON_INDENT(1));
        fprintf(stderr, "expected %s:\n%s\n", type, s);
        free(s);
    }
    assert_int_equal(v, FL_CHECK_INVALID);
    assert_true(has_type(r, type));
    const char *msg = first_message(r, type);
    assert_non_null(msg);
    if (words && !strstr(msg, words)) fprintf(stderr, "message: %s\n", msg);
    if (words) assert_non_null(strstr(msg, words));
    assert_true(json_is_object(json_object_get(r, "counterexample")));
    json_decref(r);
}

static void expect_valid(const char *model, const char *consistency, const char *text) {
    json_t *r = NULL;
    fl_check_verdict v = run(model, consistency, text, &r);
    if (v != FL_CHECK_VALID) {
        char *s = json_dumps(r, JSON_INDENT(1));
        fprintf(stderr, "expected valid:\n%s\n", s);
        free(s);
    }
    assert_int_equal(v, FL_CHECK_VALID);
    assert_int_equal(json_array_size(json_object_get(r, "anomalies")), 0);
    json_decref(r);
}

/* ---- list-append ---------------------------------------------------------------------- */

static void test_g0(void **state) {
    (void)state;
    const char *bad = E(0, invoke, "[[:append :x 1] [:append :y 1]]")
        E(1, invoke, "[[:append :x 2] [:append :y 2]]") E(0, ok, "[[:append :x 1] [:append :y 1]]")
            E(1, ok, "[[:append :x 2] [:append :y 2]]")
                T(0, "[[:r :x nil] [:r :y nil]]", "[[:r :x [1 2]] [:r :y [2 1]]]");
    expect("list-append", "read-committed", bad, "G0", "right after");
    json_t *r;
    run("list-append", "read-committed", bad, &r);
    assert_true(in_list(json_object_get(r, "not"), "read-committed"));
    assert_true(in_list(json_object_get(r, "also_not"), "serializable"));
    json_t *steps = json_object_get(json_object_get(r, "counterexample"), "steps");
    assert_int_equal(json_array_size(steps), 2);
    json_decref(r);
    const char *good = E(0, invoke, "[[:append :x 1] [:append :y 1]]")
        E(1, invoke, "[[:append :x 2] [:append :y 2]]") E(0, ok, "[[:append :x 1] [:append :y 1]]")
            E(1, ok, "[[:append :x 2] [:append :y 2]]")
                T(0, "[[:r :x nil] [:r :y nil]]", "[[:r :x [1 2]] [:r :y [1 2]]]");
    expect_valid("list-append", "strict-serializable", good);
}

static void test_g1a(void **state) {
    (void)state;
    const char *bad = E(0, invoke, "[[:append :x 1]]") E(0, fail, "[[:append :x 1]]")
        T(1, "[[:r :x nil]]", "[[:r :x [1]]]");
    expect("list-append", "read-committed", bad, "G1a", "failed");
    const char *good = E(0, invoke, "[[:append :x 1]]") E(0, ok, "[[:append :x 1]]")
        T(1, "[[:r :x nil]]", "[[:r :x [1]]]");
    expect_valid("list-append", NULL, good);
    /* an indeterminate (info) append may have committed: reading it is fine */
    const char *info = E(0, invoke, "[[:append :x 1]]") E(0, info, "[[:append :x 1]]")
        T(1, "[[:r :x nil]]", "[[:r :x [1]]]");
    expect_valid("list-append", "strict-serializable", info);
}

static void test_g1b(void **state) {
    (void)state;
    const char *bad =
        A(0, "[[:append :x 1] [:append :x 2]]") T(1, "[[:r :x nil]]", "[[:r :x [1]]]");
    expect("list-append", "read-committed", bad, "G1b", "intermediate");
    const char *good =
        A(0, "[[:append :x 1] [:append :x 2]]") T(1, "[[:r :x nil]]", "[[:r :x [1 2]]]");
    expect_valid("list-append", NULL, good);
}

static void test_g1c(void **state) {
    (void)state;
    const char *bad =
        E(0, invoke, "[[:append :x 1] [:r :y nil]]") E(1, invoke, "[[:append :y 1] [:r :x nil]]")
            E(0, ok, "[[:append :x 1] [:r :y [1]]]") E(1, ok, "[[:append :y 1] [:r :x [1]]]");
    expect("list-append", "read-committed", bad, "G1c", "observed");
    const char *good =
        E(0, invoke, "[[:append :x 1] [:r :y nil]]") E(1, invoke, "[[:append :y 1] [:r :x nil]]")
            E(0, ok, "[[:append :x 1] [:r :y [1]]]") E(1, ok, "[[:append :y 1] [:r :x []]]");
    expect_valid("list-append", NULL, good);
}

static void test_g_single(void **state) {
    (void)state;
    /* read skew: T2 sees T1's y but not T1's x */
    const char *bad =
        A(0, "[[:append :x 1] [:append :y 1]]") E(1, invoke, "[[:append :x 2] [:append :y 2]]")
            E(2, invoke, "[[:r :x nil] [:r :y nil]]") E(1, ok, "[[:append :x 2] [:append :y 2]]")
                E(2, ok, "[[:r :x [1]] [:r :y [1 2]]]") T(3, "[[:r :x nil]]", "[[:r :x [1 2]]]");
    expect("list-append", "snapshot-isolation", bad, "G-single", "did not see");
    expect("list-append", "repeatable-read", bad, "G-single", NULL);
    json_t *r;
    assert_int_equal(run("list-append", "read-committed", bad, &r), FL_CHECK_VALID);
    assert_true(has_type(r, "G-single")); /* found, but read committed allows it */
    assert_true(in_list(json_object_get(r, "not"), "repeatable-read"));
    assert_true(in_list(json_object_get(r, "not"), "snapshot-isolation"));
    assert_false(in_list(json_object_get(r, "also_not"), "read-committed"));
    json_decref(r);
    const char *good =
        A(0, "[[:append :x 1] [:append :y 1]]") E(1, invoke, "[[:append :x 2] [:append :y 2]]")
            E(2, invoke, "[[:r :x nil] [:r :y nil]]") E(1, ok, "[[:append :x 2] [:append :y 2]]")
                E(2, ok, "[[:r :x [1 2]] [:r :y [1 2]]]") T(3, "[[:r :x nil]]", "[[:r :x [1 2]]]");
    expect_valid("list-append", "strict-serializable", good);
}

static const char write_skew[] = E(0, invoke, "[[:r :x nil] [:r :y nil] [:append :x 1]]")
    E(1, invoke, "[[:r :x nil] [:r :y nil] [:append :y 1]]")
        E(0, ok, "[[:r :x []] [:r :y []] [:append :x 1]]")
            E(1, ok, "[[:r :x []] [:r :y []] [:append :y 1]]");

static void test_g2_item(void **state) {
    (void)state;
    expect("list-append", "serializable", write_skew, "G2-item", "did not see");
    expect("list-append", "repeatable-read", write_skew, "G2-item", NULL);
    /* write skew is allowed by snapshot isolation */
    json_t *r;
    assert_int_equal(run("list-append", "snapshot-isolation", write_skew, &r), FL_CHECK_VALID);
    assert_true(has_type(r, "G2-item"));
    assert_false(in_list(json_object_get(r, "also_not"), "snapshot-isolation"));
    json_decref(r);
    const char *good = E(0, invoke, "[[:r :x nil] [:r :y nil] [:append :x 1]]") E(
        0, ok, "[[:r :x []] [:r :y []] [:append :x 1]]")
        T(1, "[[:r :x nil] [:r :y nil] [:append :y 1]]", "[[:r :x [1]] [:r :y []] [:append :y 1]]");
    expect_valid("list-append", "strict-serializable", good);
}

static void test_internal(void **state) {
    (void)state;
    const char *bad = T(0, "[[:append :x 1] [:r :x nil]]", "[[:append :x 1] [:r :x []]]");
    expect("list-append", "serializable", bad, "internal", "own earlier");
    const char *bad2 = A(1, "[[:append :x 5]]") T(0, "[[:r :x nil] [:append :x 1] [:r :x nil]]",
                                                  "[[:r :x [5]] [:append :x 1] [:r :x [1]]]");
    expect("list-append", "serializable", bad2, "internal", "exactly [5 1]");
    const char *good = A(1, "[[:append :x 5]]") T(0, "[[:r :x nil] [:append :x 1] [:r :x nil]]",
                                                  "[[:r :x [5]] [:append :x 1] [:r :x [5 1]]]");
    expect_valid("list-append", NULL, good);
}

static void test_incompatible_and_duplicates(void **state) {
    (void)state;
    const char *bad = A(0, "[[:append :x 1]]") A(1, "[[:append :x 2]]")
        T(2, "[[:r :x nil]]", "[[:r :x [1 2]]]") T(3, "[[:r :x nil]]", "[[:r :x [2 1]]]");
    expect("list-append", "read-committed", bad, "incompatible-order", "not a prefix");
    const char *good = A(0, "[[:append :x 1]]") A(1, "[[:append :x 2]]")
        T(2, "[[:r :x nil]]", "[[:r :x [1]]]") T(3, "[[:r :x nil]]", "[[:r :x [1 2]]]");
    expect_valid("list-append", NULL, good);
    const char *dup = A(0, "[[:append :x 1]]") T(2, "[[:r :x nil]]", "[[:r :x [1 1]]]");
    expect("list-append", "read-committed", dup, "duplicate-elements", "more than once");
    const char *garbage = A(0, "[[:append :x 1]]") T(2, "[[:r :x nil]]", "[[:r :x [1 9]]]");
    expect("list-append", "read-committed", garbage, "garbage-read", "no transaction");
}

static void test_realtime(void **state) {
    (void)state;
    /* T2 starts after T1 committed its append, yet does not see it: a stale read */
    const char *stale = A(0, "[[:append :x 1]]") T(1, "[[:r :x nil]]", "[[:r :x []]]");
    expect_valid("list-append", "serializable", stale);
    expect("list-append", "strict-serializable", stale, "G-single-realtime", "before");
    json_t *r;
    run("list-append", "strict-serializable", stale, &r);
    assert_true(in_list(json_object_get(r, "not"), "strict-serializable"));
    assert_false(in_list(json_object_get(r, "also_not"), "serializable"));
    json_decref(r);
    /* the same two txns overlapping in time are fine */
    const char *conc = E(0, invoke, "[[:append :x 1]]") E(1, invoke, "[[:r :x nil]]")
        E(0, ok, "[[:append :x 1]]") E(1, ok, "[[:r :x []]]");
    expect_valid("list-append", "strict-serializable", conc);
    /* an indeterminate txn precedes nothing in real time */
    const char *info = E(0, invoke, "[[:append :x 1]]") E(0, info, "[[:append :x 1]]")
        T(1, "[[:r :x nil]]", "[[:r :x []]]");
    expect_valid("list-append", "strict-serializable", info);
}

/* ---- rw-register ---------------------------------------------------------------------- */

static void test_rw_register(void **state) {
    (void)state;
    const char *g1a =
        E(0, invoke, "[[:w :x 1]]") E(0, fail, "[[:w :x 1]]") T(1, "[[:r :x nil]]", "[[:r :x 1]]");
    expect("rw-register", "read-committed", g1a, "G1a", "failed");
    const char *g1b = A(0, "[[:w :x 1] [:w :x 2]]") T(1, "[[:r :x nil]]", "[[:r :x 1]]");
    expect("rw-register", "read-committed", g1b, "G1b", "overwrote");
    const char *good = A(0, "[[:w :x 1] [:w :x 2]]") T(1, "[[:r :x nil]]", "[[:r :x 2]]");
    expect_valid("rw-register", "strict-serializable", good);
    const char *internal =
        T(0, "[[:w :x 1] [:r :x nil]]", "[[:w :x 1] [:r :x 3]]") A(1, "[[:w :x 3]]");
    expect("rw-register", "serializable", internal, "internal", "own earlier");
    /* read skew: T2 saw T1's y but the initial x */
    const char *skew =
        E(0, invoke, "[[:w :x 1] [:w :y 1]]") E(1, invoke, "[[:r :x nil] [:r :y nil]]")
            E(0, ok, "[[:w :x 1] [:w :y 1]]") E(1, ok, "[[:r :x nil] [:r :y 1]]");
    expect("rw-register", "serializable", skew, "G-single", "initial version");
    const char *noskew =
        E(0, invoke, "[[:w :x 1] [:w :y 1]]") E(1, invoke, "[[:r :x nil] [:r :y nil]]")
            E(0, ok, "[[:w :x 1] [:w :y 1]]") E(1, ok, "[[:r :x 1] [:r :y 1]]");
    expect_valid("rw-register", "strict-serializable", noskew);
    const char *ws = E(0, invoke, "[[:r :x nil] [:r :y nil] [:w :x 1]]")
        E(1, invoke, "[[:r :x nil] [:r :y nil] [:w :y 1]]")
            E(0, ok, "[[:r :x nil] [:r :y nil] [:w :x 1]]")
                E(1, ok, "[[:r :x nil] [:r :y nil] [:w :y 1]]");
    expect("rw-register", "serializable", ws, "G2-item", NULL);
    assert_int_equal(run("rw-register", "snapshot-isolation", ws, NULL), FL_CHECK_VALID);
    /* G1c through a read-then-overwrite version order */
    const char *g1c =
        E(0, invoke, "[[:w :x 1] [:r :y nil]]") E(1, invoke, "[[:r :x nil] [:w :y 2]]")
            E(0, ok, "[[:w :x 1] [:r :y 2]]") E(1, ok, "[[:r :x 1] [:w :y 2]]");
    expect("rw-register", "read-committed", g1c, "G1c", "wrote");
    /* lost update: both read 1 and overwrote it */
    const char *lost = A(0, "[[:w :x 1]]") E(1, invoke, "[[:r :x nil] [:w :x 2]]")
        E(2, invoke, "[[:r :x nil] [:w :x 3]]") E(1, ok, "[[:r :x 1] [:w :x 2]]")
            E(2, ok, "[[:r :x 1] [:w :x 3]]");
    expect("rw-register", "repeatable-read", lost, "G2-item", "read and then replaced");
}

/* ---- preconditions, verdict shapes, bad input ----------------------------------------- */

static void test_preconditions(void **state) {
    (void)state;
    const char *dupw = A(0, "[[:append :x 1]]") A(1, "[[:append :x 1]]");
    json_t *r;
    assert_int_equal(run("list-append", NULL, dupw, &r), FL_CHECK_UNKNOWN);
    assert_non_null(strstr(json_string_value(json_object_get(r, "cause")), "more than once"));
    json_decref(r);
    assert_int_equal(run("list-append", NULL, "", NULL), FL_CHECK_UNKNOWN);

    fl_check_options o;
    fl_check_options_init(&o);
    o.model = "list-append";
    fl_check_result res;
    fl_error err;
    const char *wrong = A(0, "[[:append :x 1]]") "{:process 1 :type :invoke :f :read :value nil}\n";
    assert_int_equal(fl_check_buffer("h.edn", wrong, strlen(wrong), &o, &res, &err), -1);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "txn"));
    const char *wmop = A(0, "[[:w :x 1]]");
    assert_int_equal(fl_check_buffer("h.edn", wmop, strlen(wmop), &o, &res, &err), -1);
    assert_non_null(strstr(err.message, "append"));
    o.consistency = "linearizable";
    assert_int_equal(fl_check_buffer("h.edn", wmop, strlen(wmop), &o, &res, &err), -1);
    assert_non_null(strstr(err.message, "consistency"));
}

static void test_result_object(void **state) {
    (void)state;
    json_t *r;
    run("list-append", "strict-serializable", write_skew, &r);
    const char *fields[] = {"valid",         "checker", "model",      "ops",       "ok",
                            "info",          "fail",    "elapsed_ms", "anomalies", "counterexample",
                            "anomaly_types", "not",     "also_not"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        assert_non_null(json_object_get(r, fields[i]));
    assert_string_equal(json_string_value(json_object_get(r, "checker")), "elle");
    json_t *a = json_array_get(json_object_get(r, "anomalies"), 0);
    assert_non_null(json_object_get(a, "rules_out"));
    assert_int_equal(json_array_size(json_object_get(a, "cycle")), 3); /* T1 T2 T1 */
    json_decref(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_g0),
        cmocka_unit_test(test_g1a),
        cmocka_unit_test(test_g1b),
        cmocka_unit_test(test_g1c),
        cmocka_unit_test(test_g_single),
        cmocka_unit_test(test_g2_item),
        cmocka_unit_test(test_internal),
        cmocka_unit_test(test_incompatible_and_duplicates),
        cmocka_unit_test(test_realtime),
        cmocka_unit_test(test_rw_register),
        cmocka_unit_test(test_preconditions),
        cmocka_unit_test(test_result_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
