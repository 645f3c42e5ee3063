/*
 * test_analyzer_labels.c — precision and recall of `faultline scan` per site category
 * against hand-labelled code: the per-language fixture trees (tests/analyzers/fixtures/<lang>/
 * with their labels.tsv), the example service (examples/ledger), and real distributed-systems
 * code Debian ships (etcd, hashicorp raft, Python's standard library, OpenJDK 17's class
 * library, whose labelled files are first extracted from its src.zip into a temporary folder),
 * of which only the labelled files are scanned. A label is "path<TAB>line<TAB>category"; a line
 * with a path alone names a file that was read and has no sites. Goal per category: precision >=
 * 0.9 and recall >= 0.85. Mismatches are printed so a failure says which lines to look at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fl_analyzers.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct label {
    char path[512];
    int line;
    int category; /* -1: the file has no sites */
    int hit;
} label;

typedef struct labels {
    label *v;
    size_t n;
} labels;

static void read_labels(const char *file, labels *out) {
    fl_buf b = FL_BUF_INIT;
    fl_error err;
    assert_int_equal(fl_file_read(file, &b, &err), 0);
    out->v = NULL;
    out->n = 0;
    char *save = NULL;
    for (char *ln = strtok_r(b.data, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        if (ln[0] == '#' || ln[0] == 0) continue;
        label l;
        memset(&l, 0, sizeof l);
        char cat[64] = "";
        int got = sscanf(ln, "%511[^\t]\t%d\t%63s", l.path, &l.line, cat);
        assert_true(got == 1 || got == 3);
        l.category = got == 3 ? fl_site_category_from_name(cat) : -1;
        if (got == 3 && l.category < 0) fail_msg("%s: unknown category '%s'", file, cat);
        out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
        out->v[out->n++] = l;
    }
    fl_buf_free(&b);
}

/* Scans `root` (or only the labelled files when `only_labelled`), prints precision and recall
 * per category and returns 1 when the goal is not met (0 when it is). */
static int measure_tree(const char *name, const char *root, const char *label_file,
                        int only_labelled) {
    labels L;
    read_labels(label_file, &L);
    const char **paths = calloc(L.n + 1, sizeof *paths);
    char **owned = calloc(L.n + 1, sizeof *owned);
    size_t np = 0;
    if (only_labelled) {
        for (size_t i = 0; i < L.n; i++) {
            int dup = 0;
            for (size_t k = 0; k < i; k++)
                if (strcmp(L.v[k].path, L.v[i].path) == 0) dup = 1;
            if (dup) continue;
            size_t len = strlen(root) + strlen(L.v[i].path) + 2;
            owned[np] = malloc(len);
            snprintf(owned[np], len, "%s/%s", root, L.v[i].path);
            paths[np] = owned[np];
            np++;
        }
    } else {
        paths[np++] = root;
    }
    fl_scan_options o;
    memset(&o, 0, sizeof o);
    o.root = root;
    fl_scan_result r;
    fl_error err;
    fl_error_clear(&err);
    if (fl_scan(paths, np, &o, &r, &err) != 0)
        fail_msg("%s: %s:%d: %s", name, err.path, err.line, err.message);

    int tp[FL_SITE_CATEGORY_COUNT] = {0}, fp[FL_SITE_CATEGORY_COUNT] = {0},
        fn[FL_SITE_CATEGORY_COUNT] = {0};
    for (size_t i = 0; i < r.site_count; i++) {
        const fl_site *s = &r.sites[i];
        int dup = 0; /* one (path, line, category) counts once */
        for (size_t k = 0; k < i && !dup; k++)
            if (r.sites[k].line == s->line && r.sites[k].category == s->category &&
                strcmp(r.sites[k].path, s->path) == 0)
                dup = 1;
        if (dup) continue;
        int found = 0;
        for (size_t k = 0; k < L.n; k++) {
            if (L.v[k].category == (int)s->category && L.v[k].line == s->line &&
                strcmp(L.v[k].path, s->path) == 0) {
                L.v[k].hit = 1;
                found = 1;
            }
        }
        if (found) {
            tp[s->category]++;
        } else {
            fp[s->category]++;
            fprintf(stderr, "  %s: unexpected %s:%d %s (%s: %s)\n", name, s->path, s->line,
                    fl_site_category_name(s->category), s->rule, s->message);
        }
    }
    for (size_t k = 0; k < L.n; k++) {
        if (L.v[k].category < 0 || L.v[k].hit) continue;
        fn[L.v[k].category]++;
        fprintf(stderr, "  %s: missed %s:%d %s\n", name, L.v[k].path, L.v[k].line,
                fl_site_category_name(L.v[k].category));
    }
    int bad = 0;
    for (int c = 0; c < FL_SITE_CATEGORY_COUNT; c++) {
        if (tp[c] + fp[c] + fn[c] == 0) continue;
        double p = tp[c] + fp[c] ? (double)tp[c] / (tp[c] + fp[c]) : 1.0;
        double rc = tp[c] + fn[c] ? (double)tp[c] / (tp[c] + fn[c]) : 1.0;
        printf("%-16s %-12s precision %.2f recall %.2f (tp %d, fp %d, fn %d)\n", name,
               fl_site_category_name(c), p, rc, tp[c], fp[c], fn[c]);
        if (p < 0.9 || rc < 0.85) bad = 1;
    }
    fl_scan_result_free(&r);
    for (size_t i = 0; i < np; i++) free(owned[i]);
    free(owned);
    free(paths);
    free(L.v);
    return bad;
}

/* Scans as measure_tree does and fails the test when the goal is not met. */
static void check_tree(const char *name, const char *root, const char *label_file,
                       int only_labelled) {
    if (measure_tree(name, root, label_file, only_labelled))
        fail_msg("%s: precision >= 0.9 and recall >= 0.85 per category not met", name);
}

#define FIXTURE(lang)                                                                              \
    static void test_fixture_##lang(void **state) {                                                \
        (void)state;                                                                               \
        check_tree(#lang, FL_SOURCE_DIR "/tests/analyzers/fixtures/" #lang,                        \
                   FL_SOURCE_DIR "/tests/analyzers/fixtures/" #lang "/labels.tsv", 0);             \
    }

FIXTURE(go)
FIXTURE(java)
FIXTURE(python)
FIXTURE(rust)
FIXTURE(c)
FIXTURE(js)

static void test_examples(void **state) {
    (void)state;
    check_tree("examples/ledger", FL_SOURCE_DIR "/examples/ledger",
               FL_SOURCE_DIR "/tests/analyzers/labels/examples-ledger.tsv", 0);
}

/* Real code from Debian packages (scripts/debian-packages.txt installs them). */
static void real(const char *name, const char *root, const char *labels_name) {
    struct stat st;
    if (stat(root, &st) != 0) {
        fprintf(stderr, "%s is not installed (scripts/setup installs it)\n", root);
        skip();
    }
    char lf[1024];
    snprintf(lf, sizeof lf, "%s/tests/analyzers/labels/%s", FL_SOURCE_DIR, labels_name);
    check_tree(name, root, lf, 1);
}

static void test_real_etcd(void **state) {
    (void)state;
    real("etcd", "/usr/share/gocode/src/go.etcd.io/etcd", "etcd.tsv");
}

static void test_real_raft(void **state) {
    (void)state;
    real("hashicorp-raft", "/usr/share/gocode/src/github.com/hashicorp/raft", "hashicorp-raft.tsv");
}

static void test_real_python(void **state) {
    (void)state;
    real("python3.11", "/usr/lib/python3.11", "python3.11.tsv");
}

/* Files of OpenJDK 17 (openjdk-17-source ships the sources as one zip): the labelled files are
 * extracted with unzip into a temporary folder, scanned there, and the folder is removed. */
static void test_real_openjdk(void **state) {
    (void)state;
    const char *zip = "/usr/lib/jvm/openjdk-17/lib/src.zip";
    struct stat st;
    if (stat(zip, &st) != 0) {
        fprintf(stderr, "%s is not installed (openjdk-17-source; scripts/setup installs it)\n",
                zip);
        skip();
    }
    char lf[1024];
    snprintf(lf, sizeof lf, "%s/tests/analyzers/labels/openjdk-17.tsv", FL_SOURCE_DIR);
    labels L;
    read_labels(lf, &L);
    char tmp[] = "/tmp/fl-openjdk-XXXXXX";
    assert_non_null(mkdtemp(tmp));
    for (size_t i = 0; i < L.n; i++) {
        int dup = 0;
        for (size_t k = 0; k < i; k++)
            if (strcmp(L.v[k].path, L.v[i].path) == 0) dup = 1;
        if (dup) continue;
        assert_null(strpbrk(L.v[i].path, "'\\ \t")); /* safe inside single quotes */
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", tmp, L.v[i].path);
        *strrchr(dir, '/') = 0;
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "mkdir -p '%s' && unzip -p '%s' '%s' > '%s/%s'", dir, zip,
                 L.v[i].path, tmp, L.v[i].path);
        if (system(cmd) != 0) fail_msg("could not extract %s from %s", L.v[i].path, zip);
    }
    free(L.v);
    int bad = measure_tree("openjdk-17", tmp, lf, 1);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    assert_int_equal(system(cmd), 0);
    if (bad) fail_msg("openjdk-17: precision >= 0.9 and recall >= 0.85 per category not met");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_go),     cmocka_unit_test(test_fixture_java),
        cmocka_unit_test(test_fixture_python), cmocka_unit_test(test_fixture_rust),
        cmocka_unit_test(test_fixture_c),      cmocka_unit_test(test_fixture_js),
        cmocka_unit_test(test_examples),       cmocka_unit_test(test_real_etcd),
        cmocka_unit_test(test_real_raft),      cmocka_unit_test(test_real_python),
        cmocka_unit_test(test_real_openjdk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
