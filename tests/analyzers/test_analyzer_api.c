/*
 * test_analyzer_api.c — the analyzers library as the language server and the plan generator
 * use it: one file's in-memory text (with an incremental reparse), the workspace index and
 * its cross-file facts, stable ids, deterministic output whatever the thread count, user
 * rules and broken user rules, files with parse errors, .gitignore, vendored and generated
 * code. Real files in temporary folders; no mocks.
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

static char tmpdir[256];

static int setup(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/fl-analyzer-test-XXXXXX");
    if (!mkdtemp(tmpdir)) return -1;
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *rel, const char *text) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    fl_error err;
    if (fl_file_write_atomic(path, text, strlen(text), &err) != 0)
        fail_msg("%s: %s", path, err.message);
}

static const char *go_retry = "package p\n"
                              "\n"
                              "import (\"context\"; \"time\")\n"
                              "\n"
                              "func Store(ctx context.Context, c Client) error {\n"
                              "\tvar err error\n"
                              "\tfor i := 0; i < 3; i++ {\n"
                              "\t\tif err = c.Put(ctx, \"k\", \"v\"); err == nil {\n"
                              "\t\t\treturn nil\n"
                              "\t\t}\n"
                              "\t\ttime.Sleep(time.Second)\n"
                              "\t}\n"
                              "\treturn err\n"
                              "}\n";

static const fl_site *find_rule(const fl_site *s, size_t n, const char *rule) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].rule, rule) == 0) return &s[i];
    return NULL;
}

static void scan_json(const char *root, int threads, char **out) {
    fl_scan_options o;
    memset(&o, 0, sizeof o);
    o.root = root;
    o.threads = threads;
    fl_scan_result r;
    fl_error err;
    const char *paths[] = {root};
    if (fl_scan(paths, 1, &o, &r, &err) != 0) fail_msg("%s: %s", err.path, err.message);
    fl_buf b = FL_BUF_INIT;
    fl_scan_write(&r, FL_SCAN_JSON, &b);
    fl_scan_result_free(&r);
    *out = fl_buf_take(&b);
}

/* One file's text, in memory, with a retry loop: sites with positions, target, function. */
static void test_one_file(void **state) {
    (void)state;
    fl_error err;
    fl_analyzer *a = fl_analyzer_new(NULL, &err);
    assert_non_null(a);
    TSTree *tree = NULL;
    fl_file_facts *f =
        fl_analyze_text(a, "store.go", NULL, go_retry, strlen(go_retry), NULL, &tree, &err);
    assert_non_null(f);
    assert_non_null(tree);
    size_t n = 0;
    const fl_site *s = fl_file_facts_sites(f, &n);
    const fl_site *loop = find_rule(s, n, "retry.loop");
    assert_non_null(loop);
    assert_int_equal(loop->line, 7);
    assert_int_equal(loop->column, 2);
    assert_int_equal(loop->category, FL_SITE_RETRY);
    assert_string_equal(loop->function, "Store");
    assert_string_equal(loop->target, "c.Put");
    assert_string_equal(loop->language, "go");
    const fl_site *w = find_rule(s, n, "idempotency.retried-write");
    assert_non_null(w);
    assert_int_equal(w->line, 8);

    /* incremental: insert a blank line at the top, reparse with the edited tree */
    char *text2 = malloc(strlen(go_retry) + 2);
    text2[0] = '\n';
    strcpy(text2 + 1, go_retry);
    TSInputEdit e = {0, 0, 1, {0, 0}, {0, 0}, {1, 0}};
    ts_tree_edit(tree, &e);
    TSTree *tree2 = NULL;
    fl_file_facts *f2 =
        fl_analyze_text(a, "store.go", NULL, text2, strlen(text2), tree, &tree2, &err);
    assert_non_null(f2);
    const fl_site *s2 = fl_file_facts_sites(f2, &n);
    const fl_site *loop2 = find_rule(s2, n, "retry.loop");
    assert_non_null(loop2);
    assert_int_equal(loop2->line, 8);

    /* the index gives both versions the same id (rule + path + function + ordinal) */
    fl_index *ix = fl_index_new();
    fl_index_put(ix, f);
    fl_scan_result r1;
    fl_index_result(ix, NULL, &r1);
    fl_index_put(ix, f2); /* replaces store.go */
    fl_scan_result r2;
    fl_index_result(ix, "store.go", &r2);
    assert_int_equal(r1.site_count, r2.site_count);
    for (size_t i = 0; i < r1.site_count; i++) {
        assert_string_equal(r1.sites[i].id, r2.sites[i].id);
        assert_int_equal(r1.sites[i].line + 1, r2.sites[i].line);
    }
    /* a hypothesis and an inferred claim cover the retried write */
    int found = 0;
    for (size_t i = 0; i < r2.hypothesis_count; i++)
        if (r2.hypotheses[i].pitfall == 5 && r2.hypotheses[i].missing_claim_count == 1) found = 1;
    assert_true(found);
    fl_scan_result_free(&r1);
    fl_scan_result_free(&r2);
    fl_index_remove(ix, "store.go");
    fl_scan_result r3;
    fl_index_result(ix, NULL, &r3);
    assert_int_equal(r3.site_count, 0);
    fl_scan_result_free(&r3);
    fl_index_free(ix);
    ts_tree_delete(tree);
    ts_tree_delete(tree2);
    free(text2);

    /* unknown languages are an error; Markdown gives claims */
    assert_null(fl_analyze_text(a, "x.unknown", NULL, "x", 1, NULL, NULL, &err));
    assert_true(strstr(err.message, "expected") != NULL);
    const char *md =
        "# Store\n\nWrites are durable and exactly-once.\n\n```\nexactly-once in code\n```\n";
    fl_file_facts *d = fl_analyze_text(a, "README.md", NULL, md, strlen(md), NULL, NULL, &err);
    assert_non_null(d);
    size_t nc = 0;
    const fl_claim *c = fl_file_facts_claims(d, &nc);
    assert_int_equal(nc, 2); /* durable + exactly-once, not the fenced block */
    assert_int_equal(c[0].line, 3);
    fl_file_facts_free(d);
    fl_analyzer_free(a);
}

/* Edits elsewhere in the file keep ids; the ids and the whole output are the same whatever
 * the thread count. Callers of a retrying function in another file become retry sites. */
static void test_tree_determinism_and_wrappers(void **state) {
    (void)state;
    char root[512];
    snprintf(root, sizeof root, "%s/det", tmpdir);
    char rel[64];
    write_file("det/store.go", go_retry);
    for (int i = 0; i < 12; i++) {
        snprintf(rel, sizeof rel, "det/caller%02d.go", i);
        write_file(rel, "package p\n\nfunc Use(c Client) error {\n\treturn Store(nil, c)\n}\n");
    }
    write_file("det/README.md", "Stores are exactly-once.\n");
    char *one = NULL, *two = NULL;
    scan_json(root, 1, &one);
    scan_json(root, 2, &two);
    assert_string_equal(one, two);
    assert_non_null(strstr(one, "\"rule\": \"retry.wrapper-call\""));
    assert_non_null(strstr(one, "\"path\": \"caller07.go\""));
    assert_non_null(strstr(one, "\"inferred\": false"));
    free(two);
    /* add a function above Store: the loop's id does not change */
    char *moved = malloc(strlen(go_retry) + 64);
    snprintf(moved, strlen(go_retry) + 64, "package p\n\nfunc Other() {}\n%s",
             strstr(go_retry, "\nimport"));
    write_file("det/store.go", moved);
    free(moved);
    scan_json(root, 2, &two);
    const char *needle = "\"rule\": \"retry.loop\"";
    const char *a1 = strstr(one, needle), *a2 = strstr(two, needle);
    assert_non_null(a1);
    assert_non_null(a2);
    /* the id precedes the rule in each site object */
    const char *id1 = a1;
    while (id1 > one && strncmp(id1, "\"id\"", 4) != 0) id1--;
    const char *id2 = a2;
    while (id2 > two && strncmp(id2, "\"id\"", 4) != 0) id2--;
    assert_memory_equal(id1, id2, 28);
    free(one);
    free(two);
}

/* A language server's flow: index the workspace once, then re-analyse one edited file; the
 * cross-file facts follow (callers stop being retry sites when the loop goes away). */
static void test_index_add_tree(void **state) {
    (void)state;
    char root[512];
    snprintf(root, sizeof root, "%s/lsp", tmpdir);
    write_file("lsp/store.go", go_retry);
    write_file("lsp/use.go",
               "package p\n\nfunc Use(c Client) error {\n\treturn Store(nil, c)\n}\n");
    fl_error err;
    char qdir[600];
    snprintf(qdir, sizeof qdir, "%s/.faultline/queries", root);
    fl_analyzer *a = fl_analyzer_new(qdir, &err);
    assert_non_null(a);
    fl_index *ix = fl_index_new();
    fl_scan_options o;
    memset(&o, 0, sizeof o);
    o.root = root;
    const char *paths[] = {root};
    char *got_root = NULL;
    assert_int_equal(fl_index_add_tree(ix, a, paths, 1, &o, &got_root, &err), 0);
    assert_non_null(got_root);
    assert_non_null(strstr(got_root, "/lsp"));
    free(got_root);
    fl_scan_result r;
    fl_index_result(ix, "use.go", &r);
    assert_int_equal(r.site_count, 1);
    assert_string_equal(r.sites[0].rule, "retry.wrapper-call");
    assert_int_equal(r.sites[0].line, 4);
    fl_scan_result_free(&r);

    const char *edited = "package p\n\nfunc Store(ctx context.Context, c Client) error {\n"
                         "\treturn c.Put(ctx, \"k\", \"v\")\n}\n";
    fl_file_facts *f =
        fl_analyze_text(a, "store.go", NULL, edited, strlen(edited), NULL, NULL, &err);
    assert_non_null(f);
    fl_index_put(ix, f);
    fl_index_result(ix, "use.go", &r);
    assert_int_equal(r.site_count, 0);
    fl_scan_result_free(&r);
    fl_index_free(ix);
    fl_analyzer_free(a);
}

/* User rules extend the built-ins; a broken user query names its file, line and column. */
static void test_user_queries(void **state) {
    (void)state;
    char root[512];
    snprintf(root, sizeof root, "%s/user", tmpdir);
    write_file("user/main.go", "package p\n\nfunc f(q Queue) {\n\tq.Enqueue(1)\n}\n");
    write_file("user/.faultline/queries/go/queue.scm",
               "; our queue's enqueue is a commit point\n"
               "(call_expression\n"
               "  function: (selector_expression field: (field_identifier) @_f)\n"
               "  (#eq? @_f \"Enqueue\")\n"
               "  (#set! message \"enqueue is a commit point\")) @commit.enqueue\n");
    char *out = NULL;
    scan_json(root, 1, &out);
    assert_non_null(strstr(out, "\"rule\": \"commit.enqueue\""));
    assert_non_null(strstr(out, "\"message\": \"enqueue is a commit point\""));
    free(out);

    write_file("user/.faultline/queries/go/broken.scm",
               "(call_expression\n  function: (no_such_node) @x) @retry.call\n");
    fl_scan_options o;
    memset(&o, 0, sizeof o);
    o.root = root;
    fl_scan_result r;
    fl_error err;
    const char *paths[] = {root};
    assert_int_equal(fl_scan(paths, 1, &o, &r, &err), -1);
    assert_non_null(strstr(err.path, ".faultline/queries/go/broken.scm"));
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 14);

    write_file("user/.faultline/queries/go/broken.scm", "((identifier) @x (#frobnicate? @x))\n");
    assert_int_equal(fl_scan(paths, 1, &o, &r, &err), -1);
    assert_non_null(strstr(err.message, "#frobnicate?"));
    assert_int_equal(err.line, 1);
}

/* Parse errors stay local; .gitignore, vendored and generated code are skipped by default. */
static void test_walk_rules(void **state) {
    (void)state;
    char root[512];
    snprintf(root, sizeof root, "%s/walk", tmpdir);
    /* syntax the grammar does not know, then a good function */
    write_file("walk/broken.py", "def new_syntax():\n    x = (yield from ??? ]]]\n\n"
                                 "def persist(f):\n    import os\n    os.fsync(f.fileno())\n");
    write_file("walk/.gitignore", "ignored/\n*.gen.py\n");
    write_file("walk/ignored/a.py", "import os\nos.fsync(1)\n");
    write_file("walk/b.gen.py", "import os\nos.fsync(1)\n");
    write_file("walk/vendor/lib.go", "package v\nfunc f(t Tx) { t.Commit() }\n");
    write_file("walk/node_modules/x/index.js", "fs.fsyncSync(1);\n");
    write_file("walk/api.pb.go", "package p\nfunc f(t Tx) { t.Commit() }\n");
    write_file(
        "walk/gen.go",
        "// Code generated by hand. DO NOT EDIT.\n\npackage p\nfunc f(t Tx) { t.Commit() }\n");
    write_file("walk/real.go", "package p\nfunc f(t Tx) { t.Commit() }\n");
    fl_scan_options o;
    memset(&o, 0, sizeof o);
    o.root = root;
    fl_scan_result r;
    fl_error err;
    const char *paths[] = {root};
    assert_int_equal(fl_scan(paths, 1, &o, &r, &err), 0);
    int broken_fsync = 0, real = 0, others = 0;
    for (size_t i = 0; i < r.site_count; i++) {
        if (strcmp(r.sites[i].path, "broken.py") == 0 && r.sites[i].line == 6)
            broken_fsync = 1;
        else if (strcmp(r.sites[i].path, "real.go") == 0)
            real = 1;
        else
            others++;
    }
    assert_true(broken_fsync);
    assert_true(real);
    assert_int_equal(others, 0);
    assert_int_equal(r.note_count, 1);
    assert_string_equal(r.notes[0].path, "broken.py");
    fl_scan_result_free(&r);

    o.include_vendored = 1;
    o.no_ignore = 1;
    assert_int_equal(fl_scan(paths, 1, &o, &r, &err), 0);
    size_t with_all = r.site_count;
    fl_scan_result_free(&r);
    assert_int_equal(with_all, 8); /* every file's one site */

    const char *missing[] = {"/nonexistent/faultline"};
    assert_int_equal(fl_scan(missing, 1, &o, &r, &err), -1);
    assert_string_equal(err.path, "/nonexistent/faultline");
}

/* Sites per file name in a scan of `path` (root `root`, or the default when NULL). */
static size_t count_sites(const char *path, const char *root, const char *file) {
    fl_scan_options o;
    memset(&o, 0, sizeof o);
    o.root = root;
    fl_scan_result r;
    fl_error err;
    const char *paths[] = {path};
    assert_int_equal(fl_scan(paths, 1, &o, &r, &err), 0);
    size_t n = 0;
    for (size_t i = 0; i < r.site_count; i++)
        if (!file || strcmp(r.sites[i].path, file) == 0) n++;
    fl_scan_result_free(&r);
    return n;
}

/* Outside a repository, .gitignore files in the tree apply to their own folder and below,
 * wherever they are; one between --root and the scanned folder applies too. */
static void test_walk_nested_ignores(void **state) {
    (void)state;
    const char *commit = "package p\nfunc f(t Tx) { t.Commit() }\n";
    write_file("nest/.gitignore", "*.tmp.go\n");
    write_file("nest/a/.gitignore", "skip/\n");
    write_file("nest/a/skip/x.go", commit);
    write_file("nest/a/y.tmp.go", commit);
    write_file("nest/a/keep.go", commit);
    write_file("nest/b/z.go", commit);
    write_file("nest/b/skip/w.go", commit);
    write_file("nest/b/v.tmp.go", commit);
    char nest[512], b[512];
    snprintf(nest, sizeof nest, "%s/nest", tmpdir);
    snprintf(b, sizeof b, "%s/nest/b", tmpdir);
    assert_int_equal(count_sites(nest, nest, NULL), 3);
    assert_int_equal(count_sites(nest, nest, "a/keep.go"), 1);
    assert_int_equal(count_sites(nest, nest, "b/skip/w.go"), 1);
    /* nest/.gitignore sits between the root and the scanned folder */
    assert_int_equal(count_sites(b, nest, NULL), 2);
    assert_int_equal(count_sites(b, nest, "b/v.tmp.go"), 0);
    /* with nest/b as the root, nest/.gitignore is outside the tree */
    assert_int_equal(count_sites(b, NULL, NULL), 3);
    assert_int_equal(count_sites(b, NULL, "v.tmp.go"), 1);
    /* no .gitignore at all: every file counts */
    write_file("plain/c/d.go", commit);
    write_file("plain/e.tmp.go", commit);
    char plain[512];
    snprintf(plain, sizeof plain, "%s/plain", tmpdir);
    assert_int_equal(count_sites(plain, NULL, NULL), 2);
}

/* SARIF has what GitHub code scanning asks for. */
static void test_sarif(void **state) {
    (void)state;
    fl_scan_options o;
    memset(&o, 0, sizeof o);
    const char *root = FL_SOURCE_DIR "/examples/ledger";
    o.root = root;
    fl_scan_result r;
    fl_error err;
    const char *paths[] = {root};
    assert_int_equal(fl_scan(paths, 1, &o, &r, &err), 0);
    fl_buf b = FL_BUF_INIT;
    fl_scan_write(&r, FL_SCAN_SARIF, &b);
    json_error_t je;
    json_t *doc = json_loads(fl_buf_cstr(&b), 0, &je);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "version")), "2.1.0");
    json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
    json_t *rules =
        json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
    json_t *results = json_object_get(run, "results");
    assert_int_equal(json_array_size(results), r.site_count);
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule) {
        assert_non_null(json_object_get(rule, "id"));
        assert_non_null(json_object_get(json_object_get(rule, "shortDescription"), "text"));
        assert_non_null(json_object_get(json_object_get(rule, "fullDescription"), "text"));
        assert_non_null(json_object_get(json_object_get(rule, "help"), "text"));
        assert_non_null(json_object_get(json_object_get(rule, "help"), "markdown"));
        assert_non_null(json_object_get(json_object_get(rule, "properties"), "tags"));
    }
    assert_string_equal(json_string_value(json_object_get(run, "columnKind")), "utf16CodeUnits");
    json_t *res;
    json_array_foreach(results, i, res) {
        json_t *loc = json_array_get(json_object_get(res, "locations"), 0);
        json_t *pl = json_object_get(loc, "physicalLocation");
        const char *uri =
            json_string_value(json_object_get(json_object_get(pl, "artifactLocation"), "uri"));
        assert_non_null(uri);
        assert_true(uri[0] != '/');
        assert_true(
            json_integer_value(json_object_get(json_object_get(pl, "region"), "startLine")) >= 1);
        assert_non_null(json_object_get(res, "partialFingerprints"));
    }
    json_decref(doc);
    fl_buf_free(&b);
    fl_scan_result_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_file),       cmocka_unit_test(test_tree_determinism_and_wrappers),
        cmocka_unit_test(test_index_add_tree), cmocka_unit_test(test_user_queries),
        cmocka_unit_test(test_walk_rules),     cmocka_unit_test(test_walk_nested_ignores),
        cmocka_unit_test(test_sarif),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
