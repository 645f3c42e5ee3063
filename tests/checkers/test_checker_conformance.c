/*
 * test_checker_conformance.c — every history of the shared conformance corpus
 * (porcupine/manifest.json: etcd and kv; knossos/manifest.json: cas-register and mutex) gets
 * its known answer from the linearizable checker, through the library entry point
 * fl_check_path. The etcd histories are also checked in their original jepsen.util log form.
 *
 * Data in: $FL_SHARED_DIR/conformance. Data out: cmocka assertions naming the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fl_checkers.h"

#include <stdio.h>
#include <string.h>

static int check_one(const char *corpus, const char *file, const char *model, int want) {
    char path[2048];
    snprintf(path, sizeof path, "%s/conformance/%s/%s", FL_SHARED_DIR, corpus, file);
    fl_check_options o;
    fl_check_options_init(&o);
    o.model = model;
    fl_check_result res;
    fl_error err;
    fl_error_clear(&err);
    if (fl_check_path(path, &o, &res, &err) < 0) {
        fl_error_print(&err, "conformance", stderr);
        return 0;
    }
    fl_check_verdict v = res.verdict;
    int ok = v == (want ? FL_CHECK_VALID : FL_CHECK_INVALID);
    if (!ok)
        fprintf(stderr, "%s: expected %s, got %s\n", path,
                want ? "linearizable" : "not linearizable",
                v == FL_CHECK_VALID     ? "valid"
                : v == FL_CHECK_INVALID ? "invalid"
                                        : "unknown");
    /* a violation always comes with a window of ops */
    if (ok && !want) {
        json_t *w = json_object_get(json_object_get(res.json, "counterexample"), "window");
        if (!json_is_array(w) || json_array_size(w) == 0) {
            fprintf(stderr, "%s: no counterexample window\n", path);
            ok = 0;
        }
    }
    fl_check_result_free(&res);
    return ok;
}

static void run_manifest(const char *corpus, int with_originals) {
    char path[2048];
    snprintf(path, sizeof path, "%s/conformance/%s/manifest.json", FL_SHARED_DIR, corpus);
    json_error_t je;
    json_t *man = json_load_file(path, 0, &je);
    assert_non_null(man);
    size_t i, failures = 0, n = 0;
    json_t *e;
    json_array_foreach(man, i, e) {
        const char *file = json_string_value(json_object_get(e, "file"));
        const char *model = json_string_value(json_object_get(e, "model"));
        int want = json_is_true(json_object_get(e, "linearizable"));
        n++;
        if (!check_one(corpus, file, model, want)) failures++;
        const char *orig = json_string_value(json_object_get(e, "original"));
        if (with_originals && orig && strcmp(orig, file) != 0) {
            n++;
            if (!check_one(corpus, orig, model, want)) failures++;
        }
    }
    json_decref(man);
    fprintf(stderr, "%s: %zu histories checked, %zu wrong\n", corpus, n, failures);
    assert_int_equal(failures, 0);
    assert_true(n > 100);
}

static void test_porcupine(void **state) {
    (void)state;
    run_manifest("porcupine", 1);
}

static void test_knossos(void **state) {
    (void)state;
    run_manifest("knossos", 0);
}

/* The six etcd histories Knossos never finished (2 timeouts after days, 4 out of memory)
 * get a definite answer here, within a budget that would make any hesitation "unknown". */
static void test_knossos_unfinished_etcd(void **state) {
    (void)state;
    static const struct {
        const char *n;
        int linearizable;
    } hard[] = {{"007", 1}, {"040", 0}, {"057", 0}, {"085", 0}, {"097", 0}, {"099", 0}};
    for (size_t i = 0; i < sizeof hard / sizeof *hard; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/conformance/porcupine/etcd/etcd_%s.log", FL_SHARED_DIR,
                 hard[i].n);
        fl_check_options o;
        fl_check_options_init(&o);
        o.model = "cas-register";
        o.timeout_s = 60;
        o.max_memory_bytes = (size_t)512 << 20;
        fl_check_result res;
        fl_error err;
        assert_int_equal(fl_check_path(path, &o, &res, &err), 0);
        assert_int_equal(res.verdict, hard[i].linearizable ? FL_CHECK_VALID : FL_CHECK_INVALID);
        fl_check_result_free(&res);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_porcupine),
        cmocka_unit_test(test_knossos),
        cmocka_unit_test(test_knossos_unfinished_etcd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
