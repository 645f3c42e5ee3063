/*
 * test_checker_history.c — the history readers (checkers/history.h): every SPEC §3 format,
 * content detection and --format override, the strict pairing rules with file:line errors,
 * nemesis events kept apart, op-record timeouts as unknown outcomes, EDN details, and the
 * conformance corpus read in both of its encodings with the same ops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_str(const char *text, fl_history_format fmt, fl_history *h, fl_error *err) {
    fl_error_clear(err);
    return fl_history_read("h.txt", text, strlen(text), fmt, h, err);
}

static void test_events_jsonl(void **state) {
    (void)state;
    const char *text =
        "{\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"x\",\"value\":[1,2],\"time\":"
        "1200}\n"
        "\n"
        "{\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"start\",\"value\":null}\n"
        "{\"process\":4,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n"
        "{\"process\":3,\"type\":\"ok\",\"f\":\"cas\",\"key\":\"x\",\"value\":[1,2],\"time\":1500,"
        "\"node\":\"n1\"}\n"
        "{\"process\":4,\"type\":\"info\",\"f\":\"read\",\"value\":null,\"error\":\"timeout\"}\n"
        "{\"process\":5,\"type\":\"invoke\",\"f\":\"write\",\"value\":7}\n";
    assert_int_equal(fl_history_detect(text, strlen(text)), FL_FORMAT_EVENTS);
    fl_history h;
    fl_error err;
    assert_int_equal(read_str(text, FL_FORMAT_AUTO, &h, &err), 0);
    assert_int_equal(h.format, FL_FORMAT_EVENTS);
    assert_int_equal(h.nops, 3);
    assert_int_equal(h.nnemesis, 1);
    assert_string_equal(h.nemesis[0].f, "start");
    assert_int_equal(h.nemesis[0].line, 3);
    assert_int_equal(h.nemesis[0].pos, 1);
    fl_op *a = &h.ops[0], *b = &h.ops[1], *c = &h.ops[2];
    assert_string_equal(a->f, "cas");
    assert_string_equal(json_string_value(a->key), "x");
    assert_int_equal(a->type, FL_OP_OK);
    assert_int_equal(a->invoke_pos, 0);
    assert_int_equal(a->complete_pos, 2);
    assert_int_equal(a->invoke_time, 1200);
    assert_int_equal(a->complete_time, 1500);
    assert_int_equal(a->invoke_line, 1);
    assert_int_equal(a->complete_line, 5);
    assert_string_equal(json_string_value(json_object_get(a->complete_event, "node")), "n1");
    assert_int_equal(b->type, FL_OP_INFO);
    assert_string_equal(json_string_value(b->error), "timeout");
    assert_null(b->key);
    assert_int_equal(c->type, FL_OP_NONE);
    assert_true(c->complete_pos == FL_POS_NONE);
    assert_int_equal(c->invoke_time, FL_TIME_NONE);
    assert_int_equal(h.count_ok, 1);
    assert_int_equal(h.count_info, 2);
    char buf[32];
    assert_string_equal(fl_history_process_text(&h, c->proc, buf, sizeof buf), "5");
    assert_int_equal(json_integer_value(fl_op_logical_value(c)), 7);
    fl_history_free(&h);
}

static void test_json_array(void **state) {
    (void)state;
    const char *text = "[{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null},\n"
                       " {\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":5}\n"
                       "]\n";
    fl_history h;
    fl_error err;
    assert_int_equal(read_str(text, FL_FORMAT_AUTO, &h, &err), 0);
    assert_int_equal(h.format, FL_FORMAT_EVENTS);
    assert_int_equal(h.nops, 1);
    assert_int_equal(h.ops[0].complete_line, 2);
    assert_int_equal(json_integer_value(fl_op_logical_value(&h.ops[0])), 5);
    fl_history_free(&h);
}

static void test_op_records(void **state) {
    (void)state;
    const char *text =
        "{\"op_id\":1,\"process_id\":\"c1\",\"invoke_ts\":10,\"complete_ts\":20,\"op_type\":"
        "\"write\",\"key\":\"k\",\"input\":1,\"output\":null,\"error\":null,\"timeout_marker\":"
        "false,"
        "\"node_seen\":\"n1\",\"fault_epoch\":null}\n"
        "{\"op_id\":2,\"process_id\":\"c2\",\"invoke_ts\":5,\"complete_ts\":null,\"op_type\":"
        "\"write\",\"key\":\"k\",\"input\":2,\"output\":null,\"error\":null,\"timeout_marker\":"
        "true,"
        "\"node_seen\":null,\"fault_epoch\":3}\n"
        "{\"op_id\":3,\"process_id\":\"c1\",\"invoke_ts\":20,\"complete_ts\":30,\"op_type\":"
        "\"read\",\"key\":\"k\",\"input\":null,\"output\":2,\"error\":null,\"timeout_marker\":"
        "false,"
        "\"node_seen\":\"n1\",\"fault_epoch\":null}\n"
        "{\"op_id\":4,\"process_id\":\"c3\",\"invoke_ts\":25,\"complete_ts\":26,\"op_type\":"
        "\"write\",\"key\":\"k\",\"input\":9,\"output\":null,\"error\":\"conflict\","
        "\"timeout_marker\":false,\"node_seen\":null,\"fault_epoch\":null}\n";
    assert_int_equal(fl_history_detect(text, strlen(text)), FL_FORMAT_OPS);
    fl_history h;
    fl_error err;
    assert_int_equal(read_str(text, FL_FORMAT_AUTO, &h, &err), 0);
    assert_int_equal(h.nops, 4);
    /* sorted by invoke time: op 2 (t=5) first */
    assert_int_equal(json_integer_value(h.ops[0].value), 2);
    assert_int_equal(h.ops[0].type, FL_OP_INFO);
    assert_int_equal(h.ops[0].invoke_line, 2);
    assert_int_equal(json_integer_value(h.ops[1].value), 1);
    assert_int_equal(h.ops[1].type, FL_OP_OK);
    /* closed intervals: the read invoked at 20 overlaps the write completed at 20 */
    assert_true(h.ops[2].invoke_pos < h.ops[1].complete_pos);
    assert_int_equal(json_integer_value(fl_op_logical_value(&h.ops[2])), 2);
    assert_int_equal(h.ops[3].type, FL_OP_FAIL);
    /* the timeout completes after everything */
    assert_true(h.ops[0].complete_pos > h.ops[3].complete_pos);
    assert_int_equal(h.count_info, 1);
    assert_int_equal(h.count_fail, 1);
    fl_history_free(&h);

    const char *dup =
        "{\"op_id\":1,\"process_id\":1,\"invoke_ts\":1,\"complete_ts\":2,\"op_type\":\"read\"}\n"
        "{\"op_id\":1,\"process_id\":2,\"invoke_ts\":1,\"complete_ts\":2,\"op_type\":\"read\"}\n";
    assert_int_equal(read_str(dup, FL_FORMAT_AUTO, &h, &err), -1);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "op_id"));
    const char *reuse =
        "{\"op_id\":1,\"process_id\":1,\"invoke_ts\":1,\"complete_ts\":null,\"op_type\":\"write\","
        "\"timeout_marker\":true}\n"
        "{\"op_id\":2,\"process_id\":1,\"invoke_ts\":5,\"complete_ts\":6,\"op_type\":\"read\"}\n";
    assert_int_equal(read_str(reuse, FL_FORMAT_AUTO, &h, &err), -1);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "reused"));
    const char *overlap =
        "{\"op_id\":1,\"process_id\":1,\"invoke_ts\":1,\"complete_ts\":9,\"op_type\":\"write\"}\n"
        "{\"op_id\":2,\"process_id\":1,\"invoke_ts\":5,\"complete_ts\":6,\"op_type\":\"read\"}\n";
    assert_int_equal(read_str(overlap, FL_FORMAT_AUTO, &h, &err), -1);
    assert_int_equal(err.line, 2);
    const char *badts =
        "{\"op_id\":1,\"process_id\":1,\"invoke_ts\":\"x\",\"op_type\":\"write\"}\n";
    assert_int_equal(read_str(badts, FL_FORMAT_AUTO, &h, &err), -1);
    assert_non_null(strstr(err.message, "invoke_ts"));
}

static void test_edn(void **state) {
    (void)state;
    const char *text =
        "; a comment\n"
        "[{:type :invoke, :f :cas, :value [0 2], :process 0, :time 5, :index 0}\n"
        " {:type :info :f :start :process :nemesis}\n"
        " #_{:type :ok :process 99}\n"
        " {:type :ok, :f :cas, :value [0 2], :process 0 :extra {1 \"a\\nb\" :k #{1}}}\n"
        " #jepsen.history.Op{:type :invoke :f :read :value nil :process 1}\n"
        "]\n";
    assert_int_equal(fl_history_detect(text, strlen(text)), FL_FORMAT_EDN);
    fl_history h;
    fl_error err;
    assert_int_equal(read_str(text, FL_FORMAT_AUTO, &h, &err), 0);
    assert_int_equal(h.nops, 2);
    assert_int_equal(h.nnemesis, 1);
    assert_string_equal(h.ops[0].f, "cas");
    assert_int_equal(h.ops[0].invoke_line, 2);
    assert_int_equal(h.ops[0].complete_line, 5);
    assert_int_equal(h.ops[0].invoke_time, 5);
    json_t *extra = json_object_get(h.ops[0].complete_event, "extra");
    assert_string_equal(json_string_value(json_object_get(extra, "1")), "a\nb");
    assert_true(json_is_array(json_object_get(extra, "k")));
    assert_int_equal(json_array_size(h.ops[0].value), 2);
    assert_int_equal(h.ops[1].type, FL_OP_NONE);
    assert_true(json_is_null(h.ops[1].value));
    fl_history_free(&h);

    /* one op map per line, Porcupine kv style */
    const char *kv = "{:process 1, :type :invoke, :f :append, :key \"0\", :value \"x 1 0 y\"}\n"
                     "{:process 1, :type :ok, :f :append, :key \"0\", :value \"x 1 0 y\"}\n";
    assert_int_equal(read_str(kv, FL_FORMAT_AUTO, &h, &err), 0);
    assert_int_equal(h.nops, 1);
    assert_string_equal(json_string_value(h.ops[0].key), "0");
    fl_history_free(&h);

    const char *bad = "[{:type :invoke :f :read :process 0}\n {:type :ok :f :read :value [1 2}\n]";
    assert_int_equal(read_str(bad, FL_FORMAT_AUTO, &h, &err), -1);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.path, "h.txt");
    const char *unclosed = "[{:type :invoke :f :read :process 0}\n";
    assert_int_equal(read_str(unclosed, FL_FORMAT_AUTO, &h, &err), -1);
    assert_non_null(strstr(err.message, "closing"));
}

static void test_jepsen_log(void **state) {
    (void)state;
    const char *text = "INFO  jepsen.core - starting\n"
                       "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
                       "INFO  jepsen.util - 1\t:invoke\t:cas\t[1 2]\n"
                       "some noise\n"
                       "INFO  jepsen.util - 0\t:ok\t:read\t3\n"
                       "INFO jepsen.util - 1 :info :cas :timed-out\n"
                       "INFO jepsen.util - :nemesis :info :start nil\n"
                       "INFO  jepsen.util - 2\t:invoke\t:read\tnil\n"
                       "INFO  jepsen.util - 2\t:fail\t:read\t:timed-out\n";
    assert_int_equal(fl_history_detect(text, strlen(text)), FL_FORMAT_JEPSEN_LOG);
    fl_history h;
    fl_error err;
    assert_int_equal(read_str(text, FL_FORMAT_AUTO, &h, &err), 0);
    assert_int_equal(h.format, FL_FORMAT_JEPSEN_LOG);
    assert_int_equal(h.nops, 3);
    assert_int_equal(h.nnemesis, 1);
    assert_int_equal(json_integer_value(fl_op_logical_value(&h.ops[0])), 3);
    assert_int_equal(h.ops[0].invoke_line, 2);
    assert_int_equal(h.ops[1].type, FL_OP_INFO);
    assert_null(h.ops[1].result);
    assert_string_equal(json_string_value(h.ops[1].error), "timed-out");
    assert_int_equal(json_array_size(fl_op_logical_value(&h.ops[1])), 2);
    assert_int_equal(h.ops[2].type, FL_OP_FAIL);
    fl_history_free(&h);
}

static void test_pairing_errors(void **state) {
    (void)state;
    fl_history h;
    fl_error err;
    const char *orphan = "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\"}\n"
                         "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n"
                         "{\"process\":2,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n";
    assert_int_equal(read_str(orphan, FL_FORMAT_AUTO, &h, &err), -1);
    assert_string_equal(err.path, "h.txt");
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "no outstanding invoke"));

    const char *twice =
        "{:process 1 :type :invoke :f :read}\n{:process 1 :type :invoke :f :read}\n";
    assert_int_equal(read_str(twice, FL_FORMAT_AUTO, &h, &err), -1);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "outstanding"));

    const char *reuse = "INFO jepsen.util - 1 :invoke :write 1\n"
                        "INFO jepsen.util - 1 :info :write :timed-out\n"
                        "INFO jepsen.util - 1 :invoke :read nil\n";
    assert_int_equal(read_str(reuse, FL_FORMAT_AUTO, &h, &err), -1);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "info"));

    const char *badtype = "{\"process\":1,\"type\":\"done\",\"f\":\"read\"}\n";
    assert_int_equal(read_str(badtype, FL_FORMAT_AUTO, &h, &err), -1);
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "invoke, ok, fail or info"));

    const char *badjson = "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\"}\n{\"process\": }\n";
    assert_int_equal(read_str(badjson, FL_FORMAT_AUTO, &h, &err), -1);
    assert_int_equal(err.line, 2);

    const char *garbage = "hello world\n";
    assert_int_equal(read_str(garbage, FL_FORMAT_AUTO, &h, &err), -1);
    assert_non_null(strstr(err.message, "expected a history"));
}

static void test_format_override(void **state) {
    (void)state;
    fl_history h;
    fl_error err;
    const char *edn = "{:process 1 :type :invoke :f :read}\n";
    /* named wrongly: the JSON reader rejects EDN with the line */
    assert_int_equal(read_str(edn, FL_FORMAT_EVENTS, &h, &err), -1);
    assert_int_equal(err.line, 1);
    /* a log whose first line looks like JSON is still read as a log when named */
    const char *log = "{\"not\":\"history\"}\nINFO jepsen.util - 1 :invoke :read nil\n";
    assert_int_equal(read_str(log, FL_FORMAT_JEPSEN_LOG, &h, &err), 0);
    assert_int_equal(h.nops, 1);
    fl_history_free(&h);
    assert_int_equal(fl_history_format_parse("edn"), FL_FORMAT_EDN);
    assert_int_equal(fl_history_format_parse("jepsen-log"), FL_FORMAT_JEPSEN_LOG);
    assert_int_equal(fl_history_format_parse("ops"), FL_FORMAT_OPS);
    assert_int_equal(fl_history_format_parse(NULL), FL_FORMAT_AUTO);
    assert_int_equal(fl_history_format_parse("yaml"), -1);
    /* a byte order mark is skipped */
    assert_int_equal(
        read_str("\xEF\xBB\xBF{:process 1 :type :invoke :f :read}\n", FL_FORMAT_AUTO, &h, &err), 0);
    assert_int_equal(h.nops, 1);
    fl_history_free(&h);
    /* empty input is an empty history */
    assert_int_equal(read_str("", FL_FORMAT_AUTO, &h, &err), 0);
    assert_int_equal(h.nops, 0);
    fl_history_free(&h);
}

static int read_file(const char *path, fl_history *h) {
    fl_buf b = FL_BUF_INIT;
    fl_error err;
    int rc = fl_file_read(path, &b, &err);
    if (rc == 0) rc = fl_history_read(path, b.data ? b.data : "", b.len, FL_FORMAT_AUTO, h, &err);
    if (rc < 0) fl_error_print(&err, "test", stderr);
    fl_buf_free(&b);
    return rc;
}

/* The etcd corpus exists as jepsen.util logs and as event JSONL: both give the same ops. */
static void test_etcd_both_encodings(void **state) {
    (void)state;
    for (int i = 0; i <= 102; i++) {
        char p1[1024], p2[1024];
        snprintf(p1, sizeof p1, "%s/conformance/porcupine/etcd/etcd_%03d.log", FL_SHARED_DIR, i);
        snprintf(p2, sizeof p2, "%s/conformance/porcupine/etcd/etcd_%03d.jsonl", FL_SHARED_DIR, i);
        fl_history a, b;
        assert_int_equal(read_file(p1, &a), 0);
        assert_int_equal(read_file(p2, &b), 0);
        if (i != 95) { /* etcd_095 is empty (the run failed) */
            assert_int_equal(a.format, FL_FORMAT_JEPSEN_LOG);
            assert_int_equal(b.format, FL_FORMAT_EVENTS);
        }
        assert_int_equal(a.nops, b.nops);
        for (size_t k = 0; k < a.nops; k++) {
            assert_string_equal(a.ops[k].f, b.ops[k].f);
            assert_int_equal(a.ops[k].type, b.ops[k].type);
            assert_int_equal(a.ops[k].invoke_pos, b.ops[k].invoke_pos);
            assert_int_equal(a.ops[k].complete_pos, b.ops[k].complete_pos);
            if (a.ops[k].type == FL_OP_OK)
                assert_true(
                    json_equal(fl_op_logical_value(&a.ops[k]), fl_op_logical_value(&b.ops[k])));
        }
        fl_history_free(&a);
        fl_history_free(&b);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_jsonl),    cmocka_unit_test(test_json_array),
        cmocka_unit_test(test_op_records),      cmocka_unit_test(test_edn),
        cmocka_unit_test(test_jepsen_log),      cmocka_unit_test(test_pairing_errors),
        cmocka_unit_test(test_format_override), cmocka_unit_test(test_etcd_both_encodings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
