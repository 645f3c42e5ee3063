/*
 * test_checker_models.c — the linearizable checker, model by model, on small hand-written
 * histories (register, cas-register, kv, set, queue, lock, counter): ok ops must take effect
 * inside their interval, fail ops never, unknown outcomes (info, never completed) at any
 * point after their invoke or never; per-key independence; ops a model does not know are
 * bad input naming the line; the budgets answer unknown.
 *
 * Data in: EDN / JSON text built here. Data out: cmocka assertions on verdicts and results.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fl_checkers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { V = FL_CHECK_VALID, I = FL_CHECK_INVALID, U = FL_CHECK_UNKNOWN };

static fl_check_verdict run(const char *model, const char *text) {
    fl_check_options o;
    fl_check_options_init(&o);
    o.model = model;
    o.checker = "linearizable";
    fl_check_result res;
    fl_error err;
    fl_error_clear(&err);
    if (fl_check_buffer("t.edn", text, strlen(text), &o, &res, &err) < 0) {
        fl_error_print(&err, "test", stderr);
        fail_msg("unexpected bad input: %s", text);
    }
    fl_check_verdict v = res.verdict;
    fl_check_result_free(&res);
    return v;
}

#define INV(p, f, v) "{:process " #p " :type :invoke :f :" f " :value " v "}\n"
#define OK(p, f, v) "{:process " #p " :type :ok :f :" f " :value " v "}\n"
#define FAIL(p, f, v) "{:process " #p " :type :fail :f :" f " :value " v "}\n"
#define INFO(p, f, v) "{:process " #p " :type :info :f :" f " :value " v "}\n"
#define KINV(p, f, k, v) "{:process " #p " :type :invoke :f :" f " :key \"" k "\" :value " v "}\n"
#define KOK(p, f, k, v) "{:process " #p " :type :ok :f :" f " :key \"" k "\" :value " v "}\n"

static void test_register(void **state) {
    (void)state;
    /* sequential */
    assert_int_equal(run("register", INV(0, "write", "1") OK(0, "write", "1") INV(0, "read", "nil")
                                         OK(0, "read", "1")),
                     V);
    assert_int_equal(run("register", INV(0, "write", "1") OK(0, "write", "1") INV(0, "read", "nil")
                                         OK(0, "read", "2")),
                     I);
    /* the initial value is null */
    assert_int_equal(run("register", INV(0, "read", "nil") OK(0, "read", "nil")), V);
    assert_int_equal(run("register", INV(0, "read", "nil") OK(0, "read", "0")), I);
    /* Porcupine's README: put 100 concurrent with get -> 100 and get -> 0 */
    assert_int_equal(run("register",
                         INV(0, "write", "100") INV(1, "read", "nil") INV(2, "read", "nil")
                             OK(2, "read", "0") OK(1, "read", "100") OK(0, "write", "100")),
                     I); /* 0 was never written: initial is null */
    assert_int_equal(run("register",
                         INV(0, "write", "0") OK(0, "write", "0") INV(0, "write", "100")
                             INV(1, "read", "nil") INV(2, "read", "nil") OK(2, "read", "0")
                                 OK(1, "read", "100") OK(0, "write", "100")),
                     V);
    /* ... and once a later read saw 100, an even later read of 0 is not linearizable */
    assert_int_equal(run("register",
                         INV(0, "write", "0") OK(0, "write", "0") INV(0, "write", "200")
                             INV(1, "read", "nil") OK(1, "read", "200") INV(2, "read", "nil")
                                 OK(2, "read", "0") OK(0, "write", "200")),
                     I);
    /* a failed write had no effect */
    assert_int_equal(run("register", INV(0, "write", "3") FAIL(0, "write", "3")
                                         INV(1, "read", "nil") OK(1, "read", "3")),
                     I);
    /* an unknown write may take effect late, or never */
    assert_int_equal(run("register",
                         INV(0, "write", "3") INFO(0, "write", "3") INV(1, "read", "nil")
                             OK(1, "read", "nil") INV(1, "read", "nil") OK(1, "read", "3")),
                     V);
    assert_int_equal(run("register", INV(0, "write", "3") INFO(0, "write", "3")
                                         INV(1, "read", "nil") OK(1, "read", "nil")),
                     V);
    /* once it took effect it stays */
    assert_int_equal(run("register",
                         INV(0, "write", "3") INFO(0, "write", "3") INV(1, "read", "nil")
                             OK(1, "read", "3") INV(1, "read", "nil") OK(1, "read", "nil")),
                     I);
    /* an op that never completed (no completion at all) is unknown too */
    assert_int_equal(run("register", INV(0, "write", "3") INV(1, "read", "nil") OK(1, "read", "3")),
                     V);
    /* but it cannot take effect before its invoke */
    assert_int_equal(run("register", INV(1, "read", "nil") OK(1, "read", "3") INV(0, "write", "3")),
                     I);
    /* get/put synonyms */
    assert_int_equal(run("register", INV(0, "put", "1") OK(0, "put", "1") INV(0, "get", "nil")
                                         OK(0, "get", "1")),
                     V);
}

static void test_cas_register(void **state) {
    (void)state;
    assert_int_equal(run("cas-register",
                         INV(0, "write", "1") OK(0, "write", "1") INV(0, "cas", "[1 2]")
                             OK(0, "cas", "[1 2]") INV(0, "read", "nil") OK(0, "read", "2")),
                     V);
    /* a cas that succeeded although the value was different */
    assert_int_equal(run("cas-register", INV(0, "write", "1") OK(0, "write", "1")
                                             INV(0, "cas", "[5 2]") OK(0, "cas", "[5 2]")),
                     I);
    /* a failed cas had no effect */
    assert_int_equal(run("cas-register",
                         INV(0, "write", "1") OK(0, "write", "1") INV(0, "cas", "[1 2]")
                             FAIL(0, "cas", "[1 2]") INV(0, "read", "nil") OK(0, "read", "1")),
                     V);
    /* an unknown cas applies only if its compare held */
    assert_int_equal(run("cas-register",
                         INV(0, "write", "1") OK(0, "write", "1") INV(1, "cas", "[7 2]")
                             INFO(1, "cas", "[7 2]") INV(0, "read", "nil") OK(0, "read", "2")),
                     I);
    assert_int_equal(run("cas-register",
                         INV(0, "write", "1") OK(0, "write", "1") INV(1, "cas", "[1 2]")
                             INFO(1, "cas", "[1 2]") INV(0, "read", "nil") OK(0, "read", "2")),
                     V);
}

static void test_kv(void **state) {
    (void)state;
    /* keys are independent objects */
    assert_int_equal(run("kv", KINV(0, "put", "a", "\"x\"") KOK(0, "put", "a", "\"x\"")
                                   KINV(1, "get", "b", "nil") KOK(1, "get", "b", "\"\"")
                                       KINV(1, "get", "a", "nil") KOK(1, "get", "a", "\"x\"")),
                     V);
    assert_int_equal(run("kv", KINV(0, "put", "a", "\"x\"") KOK(0, "put", "a", "\"x\"")
                                   KINV(1, "get", "b", "nil") KOK(1, "get", "b", "\"x\"")),
                     I);
    /* append concatenates, in linearization order */
    assert_int_equal(run("kv", KINV(0, "append", "a", "\"p\"") KINV(1, "append", "a", "\"q\"")
                                   KOK(0, "append", "a", "\"p\"") KOK(1, "append", "a", "\"q\"")
                                       KINV(2, "get", "a", "nil") KOK(2, "get", "a", "\"qp\"")),
                     V);
    assert_int_equal(run("kv", KINV(0, "append", "a", "\"p\"") KOK(0, "append", "a", "\"p\"")
                                   KINV(1, "append", "a", "\"q\"") KOK(1, "append", "a", "\"q\"")
                                       KINV(2, "get", "a", "nil") KOK(2, "get", "a", "\"qp\"")),
                     I);
    /* put resets what appends built */
    assert_int_equal(run("kv", KINV(0, "append", "a", "\"p\"") KOK(0, "append", "a", "\"p\"")
                                   KINV(0, "put", "a", "\"z\"") KOK(0, "put", "a", "\"z\"") KINV(
                                       0, "append", "a", "\"q\"") KOK(0, "append", "a", "\"q\"")
                                       KINV(2, "get", "a", "nil") KOK(2, "get", "a", "\"zq\"")),
                     V);
    /* an unknown append, seen by one read */
    assert_int_equal(
        run("kv",
            KINV(
                0, "append", "a",
                "\"p\"") "{:process 0 :type :info :f :append :key \"a\" :value \"p\"}\n" KINV(2,
                                                                                              "get",
                                                                                              "a",
                                                                                              "nil")
                KOK(2, "get", "a", "\"\"") KINV(2, "get", "a", "nil") KOK(2, "get", "a", "\"p\"")),
        V);
    /* cas on a key */
    assert_int_equal(run("kv", KINV(0, "put", "a", "1") KOK(0, "put", "a", "1")
                                   KINV(0, "cas", "a", "[1 2]") KOK(0, "cas", "a", "[1 2]")
                                       KINV(2, "read", "a", "nil") KOK(2, "read", "a", "2")),
                     V);
}

static void test_set(void **state) {
    (void)state;
    assert_int_equal(run("set", INV(0, "add", "1") INV(1, "add", "2") OK(0, "add", "1")
                                    OK(1, "add", "2") INV(2, "read", "nil") OK(2, "read", "[2 1]")),
                     V);
    assert_int_equal(run("set", INV(0, "add", "1") OK(0, "add", "1") INV(1, "add", "2")
                                    OK(1, "add", "2") INV(2, "read", "nil") OK(2, "read", "[1]")),
                     I);
    /* a read with a duplicate never matches */
    assert_int_equal(run("set", INV(0, "add", "1") OK(0, "add", "1") INV(2, "read", "nil")
                                    OK(2, "read", "[1 1]")),
                     I);
    /* concurrent read may or may not see the add */
    assert_int_equal(
        run("set", INV(0, "add", "1") INV(2, "read", "nil") OK(2, "read", "[]") OK(0, "add", "1")),
        V);
    assert_int_equal(run("set", INV(0, "add", "1") INFO(0, "add", "1") INV(2, "read", "nil")
                                    OK(2, "read", "#{1}")),
                     V);
}

static void test_queue(void **state) {
    (void)state;
#define H12                                                                                        \
    INV(0, "enqueue", "1") OK(0, "enqueue", "1") INV(0, "enqueue", "2") OK(0, "enqueue", "2")
    const char *h12 = H12;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s%s", h12, INV(1, "dequeue", "nil") OK(1, "dequeue", "1"));
    assert_int_equal(run("queue", buf), V);
    snprintf(buf, sizeof buf, "%s%s", h12, INV(1, "dequeue", "nil") OK(1, "dequeue", "2"));
    assert_int_equal(run("queue", buf), I);
    /* dequeue from an empty queue receives nothing */
    assert_int_equal(run("queue", INV(1, "dequeue", "nil") OK(1, "dequeue", "nil")), V);
    assert_int_equal(run("queue", h12), V);
    snprintf(buf, sizeof buf, "%s%s", h12, INV(1, "dequeue", "nil") OK(1, "dequeue", "nil"));
    assert_int_equal(run("queue", buf), I);
    /* concurrent enqueues in either order */
    assert_int_equal(run("queue",
                         INV(0, "enqueue", "1") INV(1, "enqueue", "2") OK(0, "enqueue", "1")
                             OK(1, "enqueue", "2") INV(2, "dequeue", "nil") OK(2, "dequeue", "2")),
                     V);
    /* an unknown dequeue may have taken the head */
    assert_int_equal(run("queue", H12 INV(3, "dequeue", "nil") INFO(3, "dequeue", "nil")
                                      INV(2, "dequeue", "nil") OK(2, "dequeue", "2")),
                     V);
    /* fifo-queue is the same model */
    snprintf(buf, sizeof buf, "%s%s", h12, INV(1, "dequeue", "nil") OK(1, "dequeue", "2"));
    assert_int_equal(run("fifo-queue", buf), I);
}

static void test_lock(void **state) {
    (void)state;
    assert_int_equal(run("lock", INV(0, "acquire", "nil") OK(0, "acquire", "nil")
                                     INV(0, "release", "nil") OK(0, "release", "nil")
                                         INV(1, "acquire", "nil") OK(1, "acquire", "nil")),
                     V);
    assert_int_equal(run("lock", INV(0, "acquire", "nil") OK(0, "acquire", "nil")
                                     INV(1, "acquire", "nil") OK(1, "acquire", "nil")),
                     I);
    /* a release that failed (not held) had no effect */
    assert_int_equal(run("lock", INV(1, "release", "nil") FAIL(1, "release", "nil")
                                     INV(0, "acquire", "nil") OK(0, "acquire", "nil")),
                     V);
    assert_int_equal(run("lock", INV(1, "release", "nil") OK(1, "release", "nil")), I);
    /* an unknown release lets the next acquire through */
    assert_int_equal(run("mutex", INV(0, "acquire", "nil") OK(0, "acquire", "nil")
                                      INV(0, "release", "nil") INFO(0, "release", "nil")
                                          INV(1, "acquire", "nil") OK(1, "acquire", "nil")),
                     V);
}

static void test_counter(void **state) {
    (void)state;
    assert_int_equal(run("counter", INV(0, "add", "1") OK(0, "add", "1") INV(0, "add", "2")
                                        OK(0, "add", "2") INV(1, "read", "nil") OK(1, "read", "3")),
                     V);
    assert_int_equal(run("counter", INV(0, "add", "1") OK(0, "add", "1") INV(0, "add", "2")
                                        OK(0, "add", "2") INV(1, "read", "nil") OK(1, "read", "4")),
                     I);
    assert_int_equal(run("counter", INV(0, "add", "1") INV(2, "add", "5") INV(1, "read", "nil")
                                        OK(1, "read", "5") OK(0, "add", "1") OK(2, "add", "5")),
                     V);
    assert_int_equal(run("counter", INV(0, "add", "-2") OK(0, "add", "-2") INV(1, "read", "nil")
                                        OK(1, "read", "-2")),
                     V);
}

static void test_bad_ops(void **state) {
    (void)state;
    fl_check_options o;
    fl_check_options_init(&o);
    o.model = "register";
    fl_check_result res;
    fl_error err;
    const char *t = INV(0, "write", "1") OK(0, "write", "1") INV(0, "frob", "1");
    assert_int_equal(fl_check_buffer("b.edn", t, strlen(t), &o, &res, &err), -1);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "frob"));
    o.model = "cas-register";
    t = INV(0, "cas", "5") OK(0, "cas", "5");
    assert_int_equal(fl_check_buffer("b.edn", t, strlen(t), &o, &res, &err), -1);
    assert_non_null(strstr(err.message, "[expected, new]"));
    o.model = "kv";
    t = KINV(0, "append", "a", "5") KOK(0, "append", "a", "5");
    assert_int_equal(fl_check_buffer("b.edn", t, strlen(t), &o, &res, &err), -1);
    o.model = "counter";
    t = INV(0, "read", "nil") OK(0, "read", "\"x\"");
    assert_int_equal(fl_check_buffer("b.edn", t, strlen(t), &o, &res, &err), -1);
    o.model = "elle-thing";
    assert_int_equal(fl_check_buffer("b.edn", t, strlen(t), &o, &res, &err), -1);
    assert_non_null(strstr(err.message, "unknown model"));
    /* model set without --checker names the set checker, which is not in this registry */
    o.model = "set";
    o.checker = NULL;
    char why[256];
    const char *c = fl_check_resolve(&o, why, sizeof why);
    if (c) assert_string_equal(c, "set");
}

/* The result object of a violation: SPEC fields and a window with the failing op. */
static void test_result_object(void **state) {
    (void)state;
    const char *t = INV(0, "write", "0") OK(0, "write", "0") INV(1, "read", "nil")
        INV(2, "write", "4") OK(1, "read", "3") OK(2, "write", "4");
    fl_check_options o;
    fl_check_options_init(&o);
    o.model = "cas-register";
    o.want_details = 1;
    fl_check_result res;
    fl_error err;
    assert_int_equal(fl_check_buffer("r.edn", t, strlen(t), &o, &res, &err), 0);
    assert_int_equal(res.verdict, FL_CHECK_INVALID);
    json_t *r = res.json;
    assert_true(json_is_false(json_object_get(r, "valid")));
    assert_string_equal(json_string_value(json_object_get(r, "checker")), "linearizable");
    assert_string_equal(json_string_value(json_object_get(r, "model")), "cas-register");
    assert_int_equal(json_integer_value(json_object_get(r, "ops")), 3);
    assert_int_equal(json_integer_value(json_object_get(r, "ok")), 3);
    assert_true(json_is_number(json_object_get(r, "elapsed_ms")));
    assert_int_equal(json_array_size(json_object_get(r, "anomalies")), 1);
    json_t *w = json_object_get(json_object_get(r, "counterexample"), "window");
    assert_int_equal(json_array_size(w), 2); /* the read of 3 and the write of 4, from 0 */
    json_t *starts = json_object_get(json_object_get(r, "counterexample"), "start_states");
    assert_int_equal(json_integer_value(json_array_get(starts, 0)), 0);
    int failing = 0;
    size_t i;
    json_t *op;
    json_array_foreach(w, i, op) if (json_is_true(json_object_get(op, "failing"))) {
        failing++;
        assert_string_equal(json_string_value(json_object_get(op, "f")), "read");
        assert_int_equal(json_integer_value(json_object_get(op, "complete_line")), 5);
    }
    assert_int_equal(failing, 1);
    assert_non_null(json_object_get(r, "details"));
    fl_buf text = FL_BUF_INIT;
    fl_check_render_text(r, &text);
    assert_non_null(strstr(fl_buf_cstr(&text), "INVALID"));
    assert_non_null(strstr(fl_buf_cstr(&text), "smallest window"));
    fl_buf_free(&text);
    json_t *all = json_pack("[O]", r);
    char *html = fl_check_render_html(all);
    json_decref(all);
    assert_non_null(strstr(html, "<svg"));
    assert_non_null(strstr(html, "failing"));
    free(html);
    fl_check_result_free(&res);
}

/* Every format reaches the checker the same way. */
static void test_formats(void **state) {
    (void)state;
    /* op-records: a timed-out write may take effect after its invoke, or never */
    const char *rec =
        "{\"op_id\":1,\"process_id\":\"a\",\"invoke_ts\":10,\"complete_ts\":null,\"op_type\":"
        "\"write\",\"key\":\"k\",\"input\":5,\"output\":null,\"error\":\"timeout\","
        "\"timeout_marker\":true,\"node_seen\":null,\"fault_epoch\":1}\n"
        "{\"op_id\":2,\"process_id\":\"b\",\"invoke_ts\":20,\"complete_ts\":30,\"op_type\":"
        "\"read\",\"key\":\"k\",\"input\":null,\"output\":null,\"error\":null,"
        "\"timeout_marker\":false,\"node_seen\":\"n1\",\"fault_epoch\":1}\n"
        "{\"op_id\":3,\"process_id\":\"b\",\"invoke_ts\":40,\"complete_ts\":50,\"op_type\":"
        "\"read\",\"key\":\"k\",\"input\":null,\"output\":5,\"error\":null,"
        "\"timeout_marker\":false,\"node_seen\":\"n1\",\"fault_epoch\":null}\n";
    assert_int_equal(run("kv", rec), V);
    /* ... but once seen, it stays */
    char buf[4096];
    snprintf(
        buf, sizeof buf, "%s%s", rec,
        "{\"op_id\":4,\"process_id\":\"b\",\"invoke_ts\":60,\"complete_ts\":70,"
        "\"op_type\":\"read\",\"key\":\"k\",\"input\":null,\"output\":null,"
        "\"error\":null,\"timeout_marker\":false,\"node_seen\":\"n1\",\"fault_epoch\":null}\n");
    assert_int_equal(run("kv", buf), I);
    /* an op-record with an error and no timeout marker failed: no effect */
    const char *failed =
        "{\"op_id\":1,\"process_id\":1,\"invoke_ts\":1,\"complete_ts\":2,\"op_type\":\"write\","
        "\"input\":5,\"error\":\"conflict\",\"timeout_marker\":false}\n"
        "{\"op_id\":2,\"process_id\":1,\"invoke_ts\":3,\"complete_ts\":4,\"op_type\":\"read\","
        "\"output\":5,\"error\":null,\"timeout_marker\":false}\n";
    assert_int_equal(run("register", failed), I);
    /* one JSON array of events */
    assert_int_equal(run("register",
                         "[{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1},"
                         "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1},"
                         "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"value\":null},"
                         "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"value\":1}]"),
                     V);
    /* jepsen.util log lines, with an info that keeps its invoke's value */
    assert_int_equal(run("cas-register", "INFO jepsen.util - 0 :invoke :write 3\n"
                                         "INFO jepsen.util - 0 :info :write :timed-out\n"
                                         "INFO jepsen.util - 1 :invoke :read nil\n"
                                         "INFO jepsen.util - 1 :ok :read 3\n"),
                     V);
    /* nemesis events are not ops */
    assert_int_equal(run("register",
                         "{\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"start\"}\n"
                         "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n"
                         "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":null}\n"
                         "{\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"stop\"}\n"),
                     V);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register),
        cmocka_unit_test(test_cas_register),
        cmocka_unit_test(test_kv),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_queue),
        cmocka_unit_test(test_lock),
        cmocka_unit_test(test_counter),
        cmocka_unit_test(test_bad_ops),
        cmocka_unit_test(test_result_object),
        cmocka_unit_test(test_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
