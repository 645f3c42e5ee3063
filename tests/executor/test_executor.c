/*
 * test_executor.c — the executor's pure parts: the verdict decision tree with hand-given
 * checker results, the session verdict, placeholder expansion, plan parsing (and its
 * file:line errors on broken plans), the seeded workload generators and the recorder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "exec.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static fl_verdict_input base(void) {
    fl_verdict_input in;
    memset(&in, 0, sizeof in);
    in.attempted = 1;
    in.faults_scheduled = 2;
    in.faults_proven = 2;
    in.first = FL_CHK_VALID;
    in.ops_checked = in.ops_recorded = 100;
    in.seeds_passed = 3;
    in.seeds_required = 3;
    return in;
}

static const char *decide(fl_verdict_input in) {
    static fl_verdict_output out;
    fl_verdict_decide(&in, &out);
    return out.verdict;
}

static void test_decision_tree(void **state) {
    (void)state;
    fl_verdict_input in = base();
    assert_string_equal(decide(in), "PASS-hardening");
    in.attempted = 0;
    assert_string_equal(decide(in), "NOT-RUN");
    in = base();
    in.env_gap = 1;
    in.first = FL_CHK_INVALID;
    assert_string_equal(decide(in), "INCONCLUSIVE-env"); /* env gap is decided before FAIL */
    in = base();
    in.first = FL_CHK_INVALID;
    in.rerun = FL_CHK_INVALID;
    in.faults_proven = 0; /* FAIL takes precedence over unproven faults */
    assert_string_equal(decide(in), "FAIL-reproducible");
    in.rerun = FL_CHK_VALID;
    assert_string_equal(decide(in), "FAIL-nondeterministic");
    in = base();
    in.faults_proven = 1;
    assert_string_equal(decide(in), "INCONCLUSIVE-fault-not-proven");
    in = base();
    in.first = FL_CHK_NOT_RUN;
    assert_string_equal(decide(in), "PARTIAL-surface");
    in = base();
    in.weak_history = 1;
    assert_string_equal(decide(in), "INCONCLUSIVE-oracle-too-weak");
    in = base();
    in.first = FL_CHK_UNKNOWN;
    assert_string_equal(decide(in), "INCONCLUSIVE-oracle-too-weak");
    in = base();
    in.ops_checked = 50;
    assert_string_equal(decide(in), "PARTIAL-model");
    in = base();
    in.seeds_passed = 1; /* a single seed is PARTIAL-model until 3 agree */
    assert_string_equal(decide(in), "PARTIAL-model");
    in = base();
    in.faults_scheduled = in.faults_proven = 0;
    in.seeds_passed = 1;
    assert_string_equal(decide(in), "PASS-smoke");
}

static void test_budget_tier(void **state) {
    (void)state;
    fl_verdict_output out;
    fl_verdict_input in = base();
    fl_verdict_decide(&in, &out);
    assert_string_equal(out.budget_tier_met, "hardening");
    in.seeds_passed = 1;
    fl_verdict_decide(&in, &out);
    assert_string_equal(out.budget_tier_met, "smoke");
    in.env_gap = 1;
    fl_verdict_decide(&in, &out);
    assert_string_equal(out.budget_tier_met, "none");
    assert_true(strlen(out.reason) > 0);
}

static void test_session_verdict(void **state) {
    (void)state;
    const char *a[] = {"PASS-hardening", "FAIL-reproducible", "INCONCLUSIVE-env"};
    assert_string_equal(fl_exec_session_verdict(a, 3), "FAIL");
    const char *b[] = {"PASS-hardening", "PASS-smoke"};
    assert_string_equal(fl_exec_session_verdict(b, 2), "DONE");
    const char *c[] = {"PASS-hardening", "NOT-RUN"};
    assert_string_equal(fl_exec_session_verdict(c, 2), "DONE_WITH_CONCERNS");
    const char *d[] = {"INCONCLUSIVE-env", "PARTIAL-model"};
    assert_string_equal(fl_exec_session_verdict(d, 2), "INCONCLUSIVE");
    const char *e[] = {"NOT-RUN"};
    assert_string_equal(fl_exec_session_verdict(e, 1), "BLOCKED");
    assert_string_equal(fl_exec_session_verdict(NULL, 0), "BLOCKED");
}

static void test_template(void **state) {
    (void)state;
    fl_node_addr a[3] = {{"127.0.0.1", 42000}, {"127.0.0.1", 42010}, {"10.0.0.3", 42020}};
    fl_error err;
    char *s = fl_template_expand("{name} {host}:{port} p{peer_port} k{port:3} {dir} {{x}", 2, 3, a,
                                 "/d", &err);
    assert_non_null(s);
    assert_string_equal(s, "n2 127.0.0.1:42010 p42011 k42020 /d {x}");
    free(s);
    s = fl_template_expand("{peers}", 1, 3, a, "/d", &err);
    assert_string_equal(s, "n1=http://127.0.0.1:42001,n2=http://127.0.0.1:42011,n3=http://"
                           "10.0.0.3:42021");
    free(s);
    s = fl_template_expand("{nodes}", 1, 3, a, NULL, &err);
    assert_string_equal(s, "127.0.0.1:42000,127.0.0.1:42010,10.0.0.3:42020");
    free(s);
    assert_null(fl_template_expand("{bogus}", 1, 3, a, NULL, &err));
    assert_non_null(strstr(err.message, "{bogus}"));
    assert_null(fl_template_expand("{port:9}", 1, 3, a, NULL, &err));
}

static char *write_tmp(const char *text) {
    char *path = strdup("/tmp/fl-plan-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static const char *GOOD =
    "{\"slug\": \"t\", \"scenarios\": [\n"
    "  {\"id\": \"S1\", \"name\": \"no run\"},\n"
    "  {\"id\": \"S2\",\n"
    "   \"run\": {\"cluster\": {\"nodes\": 3, \"base_port\": 42000, \"start\": \"x {port}\",\n"
    "                         \"health\": \"true\"},\n"
    "            \"client\": {\"command\": \"cat\"},\n"
    "            \"workload\": {\"model\": \"cas-register\", \"keys\": 2, \"duration_s\": \"3\"},\n"
    "            \"nemesis\": [{\"kind\": \"partition\", \"target\": \"leader\", \"at_s\": 1}],\n"
    "            \"evidence\": [{\"kind\": \"log\", \"pattern\": \"x\"}]}}\n"
    "]}\n";

static void test_plan_parses(void **state) {
    (void)state;
    char *p = write_tmp(GOOD);
    fl_plan plan;
    fl_error err;
    assert_int_equal(fl_exec_plan_load(p, &plan, &err), 0);
    assert_int_equal(plan.n, 2);
    assert_false(plan.scenarios[0].has_run);
    fl_scenario *s = &plan.scenarios[1];
    assert_true(s->has_run);
    assert_int_equal(s->line, 3);
    assert_int_equal(s->nodes, 3);
    assert_int_equal(s->port_stride, 10);
    assert_int_equal(s->concurrency, 5);
    assert_int_equal((int)s->duration_s, 3); /* numbers as strings are accepted */
    assert_true(s->needs_netns);
    assert_int_equal(s->nnemesis, 1);
    assert_string_equal(s->checker_model, "cas-register");
    assert_string_equal(s->start[2], "x {port}");
    fl_exec_plan_free(&plan);
    unlink(p);
    free(p);
}

static void expect_error(const char *text, int line, const char *needle) {
    char *p = write_tmp(text);
    fl_plan plan;
    fl_error err;
    fl_error_clear(&err);
    assert_int_equal(fl_exec_plan_load(p, &plan, &err), -1);
    if (line) assert_int_equal(err.line, line);
    if (!strstr(err.message, needle)) fail_msg("'%s' not in '%s'", needle, err.message);
    assert_string_equal(err.path, p);
    unlink(p);
    free(p);
}

static void test_plan_errors(void **state) {
    (void)state;
    expect_error("{\"scenarios\": [\n  {\"id\": \"S1\",,}]}", 2, "expected a JSON plan");
    expect_error("{\"slug\": 1}", 1, "scenarios");
    expect_error("{\"scenarios\": [{\"id\": \"S1\"},\n {\"id\": \"S1\"}]}", 2, "used twice");
    char *bad = strdup(GOOD);
    char *k = strstr(bad, "partition");
    memcpy(k, "partitio!", 9);
    expect_error(bad, 8, "is not one of kill");
    free(bad);
    bad = strdup(GOOD);
    k = strstr(bad, "cas-register");
    memcpy(k, "cas-regist3r", 12);
    expect_error(bad, 7, "not a model the generator knows");
    free(bad);
    bad = strdup(GOOD);
    k = strstr(bad, "\"nodes\": 3");
    memcpy(k, "\"nodes\": 0", 10);
    expect_error(bad, 4, "run.cluster.nodes");
    free(bad);
}

static void test_workload_is_seeded(void **state) {
    (void)state;
    const char *models[] = {"register", "cas-register", "kv",      "set",
                            "queue",    "list-append",  "counter", "ledger"};
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        fl_scenario sc;
        memset(&sc, 0, sizeof sc);
        sc.model = (char *)models[m];
        sc.keys = 3;
        fl_workload a, b, c;
        fl_exec_workload_init(&a, &sc, 42);
        fl_exec_workload_init(&b, &sc, 42);
        fl_exec_workload_init(&c, &sc, 43);
        int differs = 0;
        for (int i = 0; i < 50; i++) {
            json_t *x = fl_exec_workload_next(&a), *y = fl_exec_workload_next(&b),
                   *z = fl_exec_workload_next(&c);
            assert_true(json_equal(x, y));
            differs |= !json_equal(x, z);
            assert_true(json_is_string(json_object_get(x, "f")));
            json_decref(x);
            json_decref(y);
            json_decref(z);
        }
        if (strcmp(models[m], "list-append")) assert_true(differs || !strcmp(models[m], "x"));
    }
    assert_false(fl_exec_workload_model_known("frob"));
}

static void test_recorder_lines(void **state) {
    (void)state;
    fl_rec h;
    fl_exec_rec_init(&h);
    json_t *op = json_pack("{s:s,s:s,s:[i,i]}", "f", "cas", "key", "k1", "value", 1, 2);
    fl_exec_rec_op(&h, 3, "invoke", op, NULL, NULL);
    h.fault_epoch = 2;
    fl_exec_rec_nemesis(&h, "start", json_pack("{s:s}", "kind", "kill"));
    fl_exec_rec_op(&h, 3, "info", op, "n1", "timeout");
    json_decref(op);
    assert_int_equal(h.ops, 1);
    assert_int_equal(h.info, 1);
    const char *t = fl_buf_cstr(&h.events);
    assert_non_null(strstr(t, "{\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k1\","
                              "\"value\":[1,2],\"time\":"));
    assert_non_null(strstr(t, "\"fault_epoch\":null}\n"));
    assert_non_null(strstr(t, "\"process\":\"nemesis\""));
    assert_non_null(strstr(t, "\"node\":\"n1\",\"error\":\"timeout\",\"fault_epoch\":2}"));
    assert_non_null(strstr(fl_buf_cstr(&h.nemesis), "\"kind\":\"kill\""));
    fl_exec_rec_free(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decision_tree),      cmocka_unit_test(test_budget_tier),
        cmocka_unit_test(test_session_verdict),    cmocka_unit_test(test_template),
        cmocka_unit_test(test_plan_parses),        cmocka_unit_test(test_plan_errors),
        cmocka_unit_test(test_workload_is_seeded), cmocka_unit_test(test_recorder_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
