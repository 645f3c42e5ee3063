/*
 * test_jepsen.c — the Jepsen-family checkers on small hand-built histories: for each
 * checker, histories that must be flagged (with the anomaly type and a sentence naming
 * the ops) and the nearest valid variants that must pass; unknown outcomes taken into
 * account; "unknown" when there is nothing to check; bad input naming the line.
 *
 * Histories are Jepsen EDN, checked through the public fl_check_buffer entry point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fl_checkers.h"

#include <stdlib.h>
#include <string.h>

#define OP(p, ty, f, v) "{:process " #p " :type :" #ty " :f :" #f " :value " v "}\n"
#define OK(p, f, inv, res) OP(p, invoke, f, inv) OP(p, ok, f, res)

typedef struct opts {
    const char *checker;
    long long total;
    int allow_negative;
} opts;

static fl_check_verdict run(const char *model, const opts *x, const char *text, json_t **out) {
    fl_check_options o;
    fl_check_options_init(&o);
    o.model = model;
    if (x) {
        o.checker = x->checker;
        o.total = x->total;
        o.allow_negative = x->allow_negative;
    }
    fl_check_result r;
    fl_error err;
    fl_error_clear(&err);
    int rc = fl_check_buffer("h.edn", text, strlen(text), &o, &r, &err);
    if (rc != 0) fprintf(stderr, "error: %s:%d: %s\n", err.path, err.line, err.message);
    assert_int_equal(rc, 0);
    fl_check_verdict v = r.verdict;
    if (out)
        *out = json_incref(r.json);
    else if (getenv("FL_TEST_VERBOSE")) {
        char *s = json_dumps(r.json, JSON_INDENT(1));
        fprintf(stderr, "%s\n", s);
        free(s);
    }
    fl_check_result_free(&r);
    return v;
}

static void expect(const char *model, const opts *x, const char *text, const char *type,
                   const char *words) {
    json_t *r;
    fl_check_verdict v = run(model, x, text, &r);
    json_t *a = json_array_get(json_object_get(r, "anomalies"), 0);
    const char *t = json_string_value(json_object_get(a, "type"));
    const char *msg = json_string_value(json_object_get(a, "message"));
    if (v != FL_CHECK_INVALID || !t || strcmp(t, type) || (words && !strstr(msg, words))) {
        char *s = json_dumps(r, JSON_INDENT(1));
        fprintf(stderr, "expected %s (%s):\n%s\n", type, words ? words : "", s);
        free(s);
    }
    assert_int_equal(v, FL_CHECK_INVALID);
    assert_non_null(t);
    assert_string_equal(t, type);
    if (words) assert_non_null(strstr(msg, words));
    assert_true(json_integer_value(json_object_get(json_object_get(r, "anomaly_counts"), type)) >=
                1);
    json_decref(r);
}

static void expect_verdict(const char *model, const opts *x, const char *text,
                           fl_check_verdict want) {
    json_t *r;
    fl_check_verdict v = run(model, x, text, &r);
    if (v != want) {
        char *s = json_dumps(r, JSON_INDENT(1));
        fprintf(stderr, "expected verdict %d:\n%s\n", want, s);
        free(s);
    }
    assert_int_equal(v, want);
    json_decref(r);
}

/* ---- set ------------------------------------------------------------------------------ */

static void test_set(void **state) {
    (void)state;
    const char *good = OK(0, add, "1", "1") OK(1, add, "2", "2") OK(0, read, "nil", "[1 2]")
        OK(1, read, "nil", "[2 1]");
    expect_verdict("set", NULL, good, FL_CHECK_VALID);
    const char *lost = OK(0, add, "1", "1") OK(1, add, "2", "2") OK(0, read, "nil", "[1 2]")
        OK(1, read, "nil", "[2]");
    expect("set", NULL, lost, "lost", "element 1");
    const char *unexpected = OK(0, add, "1", "1") OK(0, read, "nil", "[1 3]");
    expect("set", NULL, unexpected, "unexpected", "ever attempted");
    const char *failed = OP(0, invoke, add, "1") OP(0, fail, add, "1") OK(1, read, "nil", "[1]");
    expect("set", NULL, failed, "unexpected", "failed");
    const char *dup = OK(0, add, "1", "1") OK(0, read, "nil", "[1 1]");
    expect("set", NULL, dup, "duplicated", "more than once");
    /* an acknowledged element missed by a read, then seen: stale, reported but not lost */
    const char *stale = OK(0, add, "1", "1") OK(1, read, "nil", "[]") OK(1, read, "nil", "[1]");
    json_t *r;
    assert_int_equal(run("set", NULL, stale, &r), FL_CHECK_VALID);
    assert_int_equal(json_integer_value(json_object_get(r, "stale_count")), 1);
    assert_int_equal(json_integer_value(json_object_get(r, "lost_count")), 0);
    json_decref(r);
    /* a read concurrent with the add may miss it */
    const char *conc = OP(0, invoke, add, "1") OP(1, invoke, read, "nil") OP(0, ok, add, "1")
        OP(1, ok, read, "[]") OK(1, read, "nil", "[1]");
    expect_verdict("set", NULL, conc, FL_CHECK_VALID);
    /* an indeterminate add may or may not show up */
    const char *info = OP(0, invoke, add, "1") OP(0, info, add, "1") OK(1, read, "nil", "[]");
    expect_verdict("set", NULL, info, FL_CHECK_VALID);
    expect_verdict("set", NULL, OK(0, add, "1", "1"), FL_CHECK_UNKNOWN);
}

/* ---- queue ---------------------------------------------------------------------------- */

static void test_queue(void **state) {
    (void)state;
    const char *good = OK(0, enqueue, "1", "1") OK(0, enqueue, "2", "2") OK(1, dequeue, "nil", "1")
        OK(1, dequeue, "nil", "2") OK(1, dequeue, "nil", "nil");
    expect_verdict("queue", NULL, good, FL_CHECK_VALID);
    const char *lost = OK(0, enqueue, "1", "1") OK(0, enqueue, "2", "2") OK(1, dequeue, "nil", "1")
        OK(1, dequeue, "nil", "nil");
    expect("queue", NULL, lost, "lost", "element 2");
    const char *dup =
        OK(0, enqueue, "1", "1") OK(1, dequeue, "nil", "1") OK(1, dequeue, "nil", "1");
    expect("queue", NULL, dup, "duplicated", "delivered 2 times");
    const char *unexp = OK(0, enqueue, "1", "1") OK(1, drain, "nil", "[1 7]");
    expect("queue", NULL, unexp, "unexpected", "never enqueued");
    /* an indeterminate enqueue delivered: recovered, fine */
    const char *info =
        OP(0, invoke, enqueue, "1") OP(0, info, enqueue, "1") OK(1, drain, "nil", "[1]");
    expect_verdict("queue", NULL, info, FL_CHECK_VALID);
}

/* ---- counter -------------------------------------------------------------------------- */

static void test_counter(void **state) {
    (void)state;
    const char *good =
        OK(0, add, "1", "1") OK(0, add, "2", "2") OK(1, read, "nil", "3") OK(1, add, "5", "5");
    expect_verdict("counter", NULL, good, FL_CHECK_VALID);
    const char *low = OK(0, add, "1", "1") OK(0, add, "2", "2") OK(1, read, "nil", "1");
    expect("counter", NULL, low, "out-of-bounds", "between 3");
    const char *high = OK(0, add, "1", "1") OK(1, read, "nil", "4");
    expect("counter", NULL, high, "out-of-bounds", "and 1");
    /* concurrent add: either value is fine; a failed add never counts, an unknown one may */
    const char *conc = OP(0, invoke, add, "5") OP(1, invoke, read, "nil") OP(1, ok, read, "5")
        OP(0, ok, add, "5") OK(1, read, "nil", "5");
    expect_verdict("counter", NULL, conc, FL_CHECK_VALID);
    const char *failed = OP(0, invoke, add, "5") OP(0, fail, add, "5") OK(1, read, "nil", "5");
    expect("counter", NULL, failed, "out-of-bounds", NULL);
    const char *info = OP(0, invoke, add, "5") OP(0, info, add, "5") OK(1, read, "nil", "5")
        OK(1, read, "nil", "5");
    expect_verdict("counter", NULL, info, FL_CHECK_VALID);
}

/* ---- ledger --------------------------------------------------------------------------- */

static void test_ledger(void **state) {
    (void)state;
    const char *good = OK(0, read, "nil", "{0 10 1 10}")
        OK(1, transfer, "{:from 0 :to 1 :amount 5}", "{:from 0 :to 1 :amount 5}")
            OK(0, read, "nil", "{0 5 1 15}");
    expect_verdict("ledger", NULL, good, FL_CHECK_VALID);
    opts total = {NULL, 20, 0};
    expect_verdict("ledger", &total, good, FL_CHECK_VALID);
    opts wrong_total = {NULL, 25, 0};
    expect("ledger", &wrong_total, good, "wrong-total", "must stay 25");
    const char *created = OK(0, read, "nil", "{0 10 1 10}") OK(0, read, "nil", "{0 10 1 15}");
    expect("ledger", NULL, created, "wrong-total", "created");
    const char *neg = OK(0, read, "nil", "{0 10 1 10}") OK(0, read, "nil", "{0 -5 1 25}");
    expect("ledger", NULL, neg, "negative-value", "negative");
    opts allow = {NULL, -1, 1};
    expect_verdict("ledger", &allow, neg, FL_CHECK_VALID);
    const char *nil = OK(0, read, "nil", "{0 10 1 10}") OK(0, read, "nil", "{0 nil 1 10}");
    expect("ledger", NULL, nil, "nil-balance", "no balance");
    const char *extra = OK(0, read, "nil", "{0 10 1 10}") OK(0, read, "nil", "{0 10 1 10 9 0}");
    expect("ledger", NULL, extra, "unexpected-key", "account 9");
}

/* ---- lease / lock --------------------------------------------------------------------- */

static void test_lease(void **state) {
    (void)state;
    opts lk = {"lease", -1, 0};
    const opts *L = &lk;
    const char *good = OK(0, acquire, "nil", "1") OK(0, release, "nil", "nil")
        OK(1, acquire, "nil", "2") OK(1, release, "nil", "nil");
    expect_verdict("lock", L, good, FL_CHECK_VALID);
    expect_verdict("lease", NULL, good, FL_CHECK_VALID);
    const char *overlap = OK(0, acquire, "nil", "1") OK(1, acquire, "nil", "2")
        OK(0, release, "nil", "nil") OK(1, release, "nil", "nil");
    expect("lock", L, overlap, "overlapping-holders", "still held");
    expect("lease", NULL, overlap, "overlapping-holders", NULL);
    /* a holder that never releases keeps a lock, but a lease may expire */
    const char *crash = OK(0, acquire, "nil", "nil") OK(1, acquire, "nil", "nil");
    expect("lock", L, crash, "overlapping-holders", "never released");
    expect_verdict("lease", NULL, crash, FL_CHECK_VALID);
    /* an acquire with an unknown outcome proves nothing */
    const char *unknown = OP(0, invoke, acquire, "nil") OP(0, info, acquire, "nil")
        OK(1, acquire, "nil", "nil") OK(1, release, "nil", "nil");
    expect_verdict("lock", L, unknown, FL_CHECK_VALID);
    /* concurrent acquires whose release was invoked before the other acquire completed */
    const char *handoff =
        OP(0, invoke, acquire, "nil") OP(0, ok, acquire, "1") OP(0, invoke, release, "nil")
            OP(1, invoke, acquire, "nil") OP(0, ok, release, "nil") OP(1, ok, acquire, "2");
    expect_verdict("lease", NULL, handoff, FL_CHECK_VALID);
    /* fencing tokens */
    const char *backwards = OK(0, acquire, "nil", "5") OK(0, release, "nil", "nil")
        OK(1, acquire, "nil", "3") OK(1, release, "nil", "nil");
    expect("lease", NULL, backwards, "non-monotonic-token", "token 3");
    const char *twice = OK(0, acquire, "nil", "5") OK(0, release, "nil", "nil")
        OK(1, acquire, "nil", "5") OK(1, release, "nil", "nil");
    expect("lease", NULL, twice, "duplicate-token", "granted twice");
}

/* ---- exactly-once, unique-ids --------------------------------------------------------- */

static void test_exactly_once(void **state) {
    (void)state;
    opts eo = {"exactly-once", -1, 0};
    /* a retry (new op_id, same business key) answered with the same result: one effect */
    const char *retry =
        OK(0, order, "{:request_id \"r1\" :op_id 1}", "{:request_id \"r1\" :order 7}")
            OK(1, order, "{:request_id \"r1\" :op_id 2}", "{:request_id \"r1\" :order 7}")
                OK(2, list, "nil", "[{:request_id \"r1\" :order 7}]");
    expect_verdict("kv", &eo, retry, FL_CHECK_VALID);
    const char *twice =
        OK(0, order, "{:request_id \"r1\" :op_id 1}", "{:request_id \"r1\" :order 7}")
            OK(1, order, "{:request_id \"r1\" :op_id 2}", "{:request_id \"r1\" :order 8}");
    expect("kv", &eo, twice, "duplicate-effect", "different result");
    const char *seen_twice =
        OK(2, list, "nil", "[{:request_id \"r1\" :order 7} {:request_id \"r1\" :order 8}]");
    expect("kv", &eo, seen_twice, "duplicate-effect", "appears twice");
    const char *delivered = OK(0, dequeue, "nil", "{:idempotency_key \"k\"}")
        OK(1, dequeue, "nil", "{:idempotency_key \"k\"}");
    expect("queue", &eo, delivered, "duplicate-effect", "delivered again");
    /* op_id is never the key: distinct op_ids, no business key → nothing to check */
    const char *nokey =
        OK(0, order, "{:op_id 1}", "{:order 7}") OK(1, order, "{:op_id 1}", "{:order 8}");
    expect_verdict("kv", &eo, nokey, FL_CHECK_UNKNOWN);
}

static void test_unique_ids(void **state) {
    (void)state;
    const char *good =
        OK(0, generate, "nil", "1") OK(1, generate, "nil", "2") OK(0, generate, "nil", "3");
    json_t *r;
    assert_int_equal(run("unique-ids", NULL, good, &r), FL_CHECK_VALID);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(r, "range"), 1)), 3);
    json_decref(r);
    const char *dup =
        OK(0, generate, "nil", "1") OK(1, generate, "nil", "2") OK(0, generate, "nil", "1");
    expect("unique-ids", NULL, dup, "duplicated", "id 1 was returned again");
    const char *failed =
        OK(0, generate, "nil", "1") OP(1, invoke, generate, "nil") OP(1, fail, generate, "1");
    expect_verdict("unique-ids", NULL, failed, FL_CHECK_VALID);
}

/* ---- session guarantees ---------------------------------------------------------------- */

static void test_monotonic_read(void **state) {
    (void)state;
    opts mr = {"monotonic-read", -1, 0};
    const char *good = OK(0, write, "1", "1") OK(0, write, "2", "2") OK(1, read, "nil", "1")
        OK(1, read, "nil", "2") OK(1, read, "nil", "2");
    expect_verdict("register", &mr, good, FL_CHECK_VALID);
    const char *back = OK(0, write, "1", "1") OK(0, write, "2", "2") OK(1, read, "nil", "2")
        OK(1, read, "nil", "1");
    expect("register", &mr, back, "non-monotonic-read", "already read 2");
    const char *tonull = OK(0, write, "1", "1") OK(1, read, "nil", "1") OK(1, read, "nil", "nil");
    expect("register", &mr, tonull, "non-monotonic-read", NULL);
    /* concurrent writes have no order: either sequence of reads is fine */
    const char *conc = OP(0, invoke, write, "1") OP(2, invoke, write, "2") OP(0, ok, write, "1")
        OP(2, ok, write, "2") OK(1, read, "nil", "2") OK(1, read, "nil", "1");
    expect_verdict("register", &mr, conc, FL_CHECK_VALID);
    /* other processes may see other orders: only a single process is checked */
    const char *twoproc = OK(0, write, "1", "1") OK(0, write, "2", "2") OK(1, read, "nil", "2")
        OK(2, read, "nil", "1");
    expect_verdict("register", &mr, twoproc, FL_CHECK_VALID);
    const char *cnt = OK(0, add, "1", "1") OK(1, read, "nil", "1") OK(1, read, "nil", "0");
    expect("counter", &mr, cnt, "non-monotonic-read", "already read 1");
    const char *setb = OK(0, add, "1", "1") OK(1, read, "nil", "[1]") OK(1, read, "nil", "[]");
    expect("set", &mr, setb, "non-monotonic-read", "missing 1");
    const char *la = "{:process 0 :type :invoke :f :txn :value [[:r :x nil]]}\n"
                     "{:process 0 :type :ok :f :txn :value [[:r :x [1 2]]]}\n"
                     "{:process 0 :type :invoke :f :txn :value [[:r :x nil]]}\n"
                     "{:process 0 :type :ok :f :txn :value [[:r :x [1]]]}\n";
    expect("list-append", &mr, la, "non-monotonic-read", "does not extend");
}

static void test_read_your_writes(void **state) {
    (void)state;
    opts ryw = {"read-your-writes", -1, 0};
    const char *good = OK(0, write, "1", "1") OK(0, read, "nil", "1") OK(1, write, "2", "2")
        OK(0, read, "nil", "2");
    expect_verdict("register", &ryw, good, FL_CHECK_VALID);
    const char *miss = OK(0, write, "1", "1") OK(0, read, "nil", "nil");
    expect("register", &ryw, miss, "read-your-writes", "own acknowledged write of 1");
    const char *old = OK(1, write, "7", "7") OK(0, write, "1", "1") OK(0, read, "nil", "7");
    expect("register", &ryw, old, "read-your-writes", NULL);
    const char *setm = OK(0, add, "1", "1") OK(0, read, "nil", "[]");
    expect("set", &ryw, setm, "read-your-writes", "added itself");
    const char *cnt = OK(0, add, "3", "3") OK(0, read, "nil", "2");
    expect("counter", &ryw, cnt, "read-your-writes", "own acknowledged adds");
    const char *la = "{:process 0 :type :invoke :f :txn :value [[:append :x 5]]}\n"
                     "{:process 0 :type :ok :f :txn :value [[:append :x 5]]}\n"
                     "{:process 0 :type :invoke :f :txn :value [[:r :x nil]]}\n"
                     "{:process 0 :type :ok :f :txn :value [[:r :x [1]]]}\n";
    expect("list-append", &ryw, la, "read-your-writes", "missing 5");
    /* a failed write is not the process's own write */
    const char *failed =
        OP(0, invoke, write, "1") OP(0, fail, write, "1") OK(0, read, "nil", "nil");
    expect_verdict("register", &ryw, failed, FL_CHECK_VALID);
}

static void test_bad_input(void **state) {
    (void)state;
    fl_check_options o;
    fl_check_options_init(&o);
    o.model = "set";
    fl_check_result r;
    fl_error err;
    const char *text = OK(0, add, "1", "1") OK(0, frob, "nil", "nil");
    assert_int_equal(fl_check_buffer("h.edn", text, strlen(text), &o, &r, &err), -1);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "frob"));
    o.model = "counter";
    const char *c = OK(0, add, "\"x\"", "\"x\"");
    assert_int_equal(fl_check_buffer("h.edn", c, strlen(c), &o, &r, &err), -1);
    assert_non_null(strstr(err.message, "number"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_queue),
        cmocka_unit_test(test_counter),
        cmocka_unit_test(test_ledger),
        cmocka_unit_test(test_lease),
        cmocka_unit_test(test_exactly_once),
        cmocka_unit_test(test_unique_ids),
        cmocka_unit_test(test_monotonic_read),
        cmocka_unit_test(test_read_your_writes),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
