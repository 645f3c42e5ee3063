/*
 * test_common.c — fl_buf, fl_error and the atomic file writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fl_common.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

static void test_buf_grows_and_formats(void **state) {
    (void)state;
    fl_buf b = FL_BUF_INIT;
    assert_string_equal(fl_buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++) fl_buf_printf(&b, "%d,", i);
    assert_int_equal(b.len, strlen(b.data));
    assert_true(strncmp(b.data, "0,1,2,", 6) == 0);
    assert_non_null(strstr(b.data, ",999,"));
    fl_buf_reset(&b);
    assert_int_equal(b.len, 0);
    fl_buf_putc(&b, 'x');
    fl_buf_puts(&b, "yz");
    assert_string_equal(b.data, "xyz");
    char *owned = fl_buf_take(&b);
    assert_string_equal(owned, "xyz");
    assert_null(b.data);
    free(owned);
    fl_buf_free(&b);
}

static void test_error_print_style(void **state) {
    (void)state;
    fl_error e;
    fl_error_set(&e, "h.jsonl", 12, 3, "expected '%s'", "invoke");
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    fl_error_print(&e, "faultline", mem);
    fclose(mem);
    assert_string_equal(text, "faultline: h.jsonl:12:3: error: expected 'invoke'\n");
    free(text);

    fl_error_set(&e, NULL, 0, 0, "no file");
    mem = open_memstream(&text, &len);
    fl_error_print(&e, NULL, mem);
    fclose(mem);
    assert_string_equal(text, "error: no file\n");
    free(text);
}

static void test_atomic_write_roundtrip(void **state) {
    (void)state;
    char dir[] = "/tmp/fl-common-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/a/b/out.txt", dir);
    fl_error e;
    assert_int_equal(fl_file_write_atomic(path, "hello\n", 6, &e), 0);
    assert_int_equal(fl_file_write_atomic(path, "second\n", 7, &e), 0);
    fl_buf b = FL_BUF_INIT;
    assert_int_equal(fl_file_read(path, &b, &e), 0);
    assert_string_equal(b.data, "second\n");
    fl_buf_free(&b);
    /* no temporary file is left beside the target */
    char sub[256];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    DIR *d = opendir(sub);
    assert_non_null(d);
    int entries = 0;
    for (struct dirent *de; (de = readdir(d));)
        if (de->d_name[0] != '.') entries++;
    closedir(d);
    assert_int_equal(entries, 1);
    unlink(path);
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/a", dir);
    rmdir(sub);
    rmdir(dir);
}

static void test_read_missing_file_names_it(void **state) {
    (void)state;
    fl_buf b = FL_BUF_INIT;
    fl_error e;
    assert_int_equal(fl_file_read("/nonexistent/x.jsonl", &b, &e), -1);
    assert_string_equal(e.path, "/nonexistent/x.jsonl");
    assert_non_null(strstr(e.message, "cannot open"));
    fl_buf_free(&b);
}

static void test_write_to_device_keeps_it(void **state) {
    (void)state;
    fl_error e;
    /* A rename over /dev/null would replace the device with a regular file. */
    assert_int_equal(fl_file_write_atomic("/dev/null", "x\n", 2, &e), 0);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(fl_file_write_atomic("/tmp", "x", 1, &e), -1);
    assert_non_null(strstr(e.message, "folder"));
}

static void test_write_into_unwritable_place_fails(void **state) {
    (void)state;
    fl_error e;
    assert_int_equal(fl_file_write_atomic("/proc/fl-nope/x", "x", 1, &e), -1);
    assert_true(e.message[0] != '\0');
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_grows_and_formats),
        cmocka_unit_test(test_error_print_style),
        cmocka_unit_test(test_atomic_write_roundtrip),
        cmocka_unit_test(test_read_missing_file_names_it),
        cmocka_unit_test(test_write_to_device_keeps_it),
        cmocka_unit_test(test_write_into_unwritable_place_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
