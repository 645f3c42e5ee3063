/*
 * test_lsp_text.c — unit tests of the language server's pieces: position conversion
 * (UTF-16 / UTF-8 / UTF-32, line endings, clamping), text splicing with its tree-sitter
 * edit, Content-Length framing over a real pipe (partial reads, resynchronisation, huge
 * bodies), JSON-RPC classification, and file URIs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lsp.h"

#include <string.h>
#include <unistd.h>

/* \ts := "héllo😀"; go work(s) — the reference's example line. */
static const char *LINE = "\ts := \"h\xc3\xa9llo\xf0\x9f\x98\x80\"; go work(s)";

static void test_positions(void **state) {
    (void)state;
    char text[256];
    snprintf(text, sizeof text, "package main\r\n%s\nlast\rx", LINE);
    lsp_text t;
    lsp_text_init(&t, text, strlen(text));
    assert_int_equal(t.nlines, 4);
    const char *go = strstr(text, "go work");
    uint32_t off = (uint32_t)(go - text);
    /* `go` is UTF-16 character 17, UTF-8 byte 20, code point 16 on line 1. */
    lsp_pos p16 = lsp_text_position(&t, off, LSP_ENC_UTF16);
    assert_int_equal(p16.line, 1);
    assert_int_equal(p16.character, 17);
    assert_int_equal(lsp_text_position(&t, off, LSP_ENC_UTF8).character, 20);
    assert_int_equal(lsp_text_position(&t, off, LSP_ENC_UTF32).character, 16);
    assert_int_equal(lsp_text_offset(&t, (lsp_pos){1, 17}, LSP_ENC_UTF16), off);
    assert_int_equal(lsp_text_offset(&t, (lsp_pos){1, 20}, LSP_ENC_UTF8), off);
    assert_int_equal(lsp_text_offset(&t, (lsp_pos){1, 16}, LSP_ENC_UTF32), off);
    /* Inside the surrogate pair: before the emoji. Inside a UTF-8 sequence: its start. */
    uint32_t emoji = (uint32_t)(strstr(text, "\xf0") - text);
    assert_int_equal(lsp_text_offset(&t, (lsp_pos){1, 13}, LSP_ENC_UTF16), emoji);
    assert_int_equal(lsp_text_offset(&t, (lsp_pos){1, 14}, LSP_ENC_UTF16), emoji + 4);
    assert_int_equal(lsp_text_offset(&t, (lsp_pos){1, 15}, LSP_ENC_UTF8), emoji);
    /* Past the end of a line: the end of that line (before "\r\n"). */
    assert_int_equal(lsp_text_offset(&t, (lsp_pos){0, 500}, LSP_ENC_UTF16), 12);
    assert_int_equal(lsp_text_line_length(&t, 0), 12);
    /* "\r" alone ends a line too. */
    assert_int_equal(lsp_text_offset(&t, (lsp_pos){3, 0}, LSP_ENC_UTF16), strlen(text) - 1);
    /* Past the last line: the end of the text. */
    assert_int_equal(lsp_text_offset(&t, (lsp_pos){99, 0}, LSP_ENC_UTF16), strlen(text));
    /* Round trip of every offset that starts a character. */
    for (uint32_t o = 0; o <= strlen(text); o++) {
        if ((text[o] & 0xC0) == 0x80) continue;
        if (o > 0 && text[o - 1] == '\r' && text[o] == '\n') continue;
        lsp_pos p = lsp_text_position(&t, o, LSP_ENC_UTF16);
        assert_int_equal(lsp_text_offset(&t, p, LSP_ENC_UTF16), o);
    }
    TSPoint pt = lsp_text_point(&t, off);
    assert_int_equal(pt.row, 1);
    assert_int_equal(pt.column, 20);
    assert_int_equal(lsp_text_offset_of_point(&t, 1, 20), off);
    lsp_text_free(&t);
}

static void test_replace(void **state) {
    (void)state;
    lsp_text t;
    lsp_text_init(&t, "a\nbc\nd", 6);
    TSInputEdit e;
    /* Insert a line in the middle. */
    lsp_text_replace(&t, 3, 3, "X\nY", 3, &e);
    assert_string_equal(t.buf.data, "a\nbX\nYc\nd");
    assert_int_equal(t.nlines, 4);
    assert_int_equal(e.start_byte, 3);
    assert_int_equal(e.old_end_byte, 3);
    assert_int_equal(e.new_end_byte, 6);
    assert_int_equal(e.start_point.row, 1);
    assert_int_equal(e.start_point.column, 1);
    assert_int_equal(e.new_end_point.row, 2);
    assert_int_equal(e.new_end_point.column, 1);
    /* Delete across lines. */
    lsp_text_replace(&t, 1, 8, "", 0, &e);
    assert_string_equal(t.buf.data, "ad");
    assert_int_equal(t.nlines, 1);
    assert_int_equal(e.old_end_point.row, 3);
    /* "\r" then "\n" inserted right after it make one line ending. */
    lsp_text_replace(&t, 1, 1, "\r", 1, NULL);
    assert_int_equal(t.nlines, 2);
    lsp_text_replace(&t, 2, 2, "\n", 1, NULL);
    assert_int_equal(t.nlines, 2);
    assert_int_equal(t.lines[1], 3);
    /* Out-of-range offsets are clamped. */
    lsp_text_replace(&t, 100, 200, "!", 1, NULL);
    assert_string_equal(t.buf.data, "a\r\nd!");
    lsp_text_free(&t);
    /* Empty text: one empty line. */
    lsp_text_init(&t, NULL, 0);
    assert_int_equal(t.nlines, 1);
    assert_int_equal(lsp_text_offset(&t, (lsp_pos){0, 5}, LSP_ENC_UTF16), 0);
    lsp_text_free(&t);
}

static void test_document_edits(void **state) {
    (void)state;
    lsp_docs d;
    lsp_docs_init(&d);
    const char *src = "package main\n\nfunc main() {\n}\n";
    lsp_doc *doc = lsp_docs_open(&d, "file:///m.go", "go", 0, src, strlen(src));
    assert_non_null(doc->tree);
    json_error_t je;
    json_t *c = json_loads("{\"range\":{\"start\":{\"line\":2,\"character\":13},\"end\":{\"line\":"
                           "2,\"character\":13}},\"text\":\"\\n\\tx := 1\\n\\t_ = x\"}",
                           0, &je);
    char problem[256];
    assert_int_equal(lsp_doc_apply_change(doc, c, LSP_ENC_UTF16, problem, sizeof problem), 0);
    json_decref(c);
    lsp_doc_reparse(&d, doc);
    assert_int_equal(doc->reparses, 1);
    assert_false(ts_node_has_error(ts_tree_root_node(doc->tree)));
    char *sexp = ts_node_string(ts_tree_root_node(doc->tree));
    assert_non_null(strstr(sexp, "short_var_declaration"));
    free(sexp);
    /* Bad shapes are reported, not applied. */
    c = json_loads("{\"range\":{\"start\":{\"line\":-1}},\"text\":\"z\"}", 0, &je);
    assert_int_equal(lsp_doc_apply_change(doc, c, LSP_ENC_UTF16, problem, sizeof problem), -1);
    json_decref(c);
    c = json_loads("{\"text\":5}", 0, &je);
    assert_int_equal(lsp_doc_apply_change(doc, c, LSP_ENC_UTF16, problem, sizeof problem), -1);
    json_decref(c);
    assert_non_null(lsp_docs_find(&d, "file:///m.go"));
    lsp_docs_close(&d, "file:///m.go");
    assert_null(lsp_docs_find(&d, "file:///m.go"));
    lsp_docs_free(&d);
}

static void test_uris(void **state) {
    (void)state;
    char *p = lsp_uri_to_path("file:///tmp/dir%20with%20space/m%c3%a4in.go");
    assert_string_equal(p, "/tmp/dir with space/m\xc3\xa4in.go");
    char *u = lsp_path_to_uri(p);
    assert_string_equal(u, "file:///tmp/dir%20with%20space/m%C3%A4in.go");
    free(p);
    free(u);
    assert_null(lsp_uri_to_path("untitled:Untitled-1"));
    assert_null(lsp_uri_to_path("file://otherhost/x"));
    assert_null(lsp_uri_to_path("file:///a%00b"));
    p = lsp_uri_to_path("file://localhost/x/y.go");
    assert_string_equal(p, "/x/y.go");
    free(p);
}

/* Writes `data` to a pipe and cuts frames from it. */
static enum lsp_frame_status frame_from(lsp_reader *r, int wfd, const char *data, fl_buf *body,
                                        int *code) {
    if (data) assert_int_equal(write(wfd, data, strlen(data)), (ssize_t)strlen(data));
    char problem[256];
    lsp_reader_fill(r, 100);
    return lsp_reader_next(r, body, code, problem, sizeof problem);
}

static void test_framing(void **state) {
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    lsp_reader r;
    lsp_reader_init(&r, fds[0], 100);
    fl_buf body = FL_BUF_INIT;
    int code = 0;
    /* A message in two pieces. */
    assert_int_equal(frame_from(&r, fds[1], "Content-Length: 2\r\n", &body, &code),
                     LSP_FRAME_NEED_MORE);
    assert_int_equal(frame_from(&r, fds[1], "\r\n{}", &body, &code), LSP_FRAME_MESSAGE);
    assert_string_equal(body.data, "{}");
    /* Bare LF line endings and extra headers are accepted. */
    assert_int_equal(frame_from(&r, fds[1], "X-Other: 1\nContent-Length: 3\n\n[1]", &body, &code),
                     LSP_FRAME_MESSAGE);
    assert_string_equal(body.data, "[1]");
    /* No Content-Length: error, then the next good frame. */
    assert_int_equal(frame_from(&r, fds[1], "X: y\r\n\r\nContent-Length: 1\r\n\r\n5", &body, &code),
                     LSP_FRAME_ERROR);
    assert_int_equal(code, LSP_PARSE_ERROR);
    char problem[256];
    assert_int_equal(lsp_reader_next(&r, &body, &code, problem, sizeof problem), LSP_FRAME_MESSAGE);
    assert_string_equal(body.data, "5");
    /* Too big (limit 100): refused, skipped in pieces, then in step again. */
    assert_int_equal(frame_from(&r, fds[1], "Content-Length: 150\r\n\r\n", &body, &code),
                     LSP_FRAME_ERROR);
    assert_int_equal(code, LSP_INVALID_REQUEST);
    char junk[151];
    memset(junk, 'j', 150);
    junk[150] = '\0';
    junk[100] = '\0';
    assert_int_equal(frame_from(&r, fds[1], junk, &body, &code), LSP_FRAME_NEED_MORE);
    memset(junk, 'j', 50);
    junk[50] = '\0';
    assert_int_equal(frame_from(&r, fds[1], junk, &body, &code), LSP_FRAME_NEED_MORE);
    assert_int_equal(frame_from(&r, fds[1], "Content-Length: 1\r\n\r\n7", &body, &code),
                     LSP_FRAME_MESSAGE);
    assert_string_equal(body.data, "7");
    /* Negative or overlong lengths are malformed. */
    assert_int_equal(frame_from(&r, fds[1], "Content-Length: -1\r\n\r\n", &body, &code),
                     LSP_FRAME_ERROR);
    assert_int_equal(
        frame_from(&r, fds[1], "Content-Length: 99999999999999999999\r\n\r\n", &body, &code),
        LSP_FRAME_ERROR);
    /* End of input in the middle of a body. */
    assert_int_equal(frame_from(&r, fds[1], "Content-Length: 9\r\n\r\n{", &body, &code),
                     LSP_FRAME_NEED_MORE);
    close(fds[1]);
    lsp_reader_fill(&r, 100);
    assert_int_equal(lsp_reader_next(&r, &body, &code, problem, sizeof problem), LSP_FRAME_EOF);
    close(fds[0]);
    lsp_reader_free(&r);
    fl_buf_free(&body);
}

static void test_rpc_classify(void **state) {
    (void)state;
    struct {
        const char *body;
        enum lsp_msg_kind kind;
        int code;
    } cases[] = {
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\"}", LSP_MSG_REQUEST, 0},
        {"{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"m\",\"params\":[]}", LSP_MSG_REQUEST, 0},
        {"{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":null}", LSP_MSG_NOTIFICATION, 0},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}", LSP_MSG_RESPONSE, 0},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1}}", LSP_MSG_RESPONSE, 0},
        {"{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"m\"}", LSP_MSG_INVALID, LSP_INVALID_REQUEST},
        {"{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"m\"}", LSP_MSG_INVALID,
         LSP_INVALID_REQUEST},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":\"x\"}", LSP_MSG_INVALID,
         LSP_INVALID_PARAMS},
        {"{\"id\":1,\"method\":\"m\"}", LSP_MSG_INVALID, LSP_INVALID_REQUEST},
        {"[]", LSP_MSG_INVALID, LSP_INVALID_REQUEST},
        {"\"str\"", LSP_MSG_INVALID, LSP_INVALID_REQUEST},
        {"{", LSP_MSG_INVALID, LSP_PARSE_ERROR},
        {"", LSP_MSG_INVALID, LSP_PARSE_ERROR},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lsp_msg m;
        lsp_msg_parse(cases[i].body, strlen(cases[i].body), &m);
        assert_int_equal(m.kind, cases[i].kind);
        if (cases[i].code) assert_int_equal(m.code, cases[i].code);
        lsp_msg_free(&m);
    }
    json_t *e = lsp_make_error(NULL, LSP_METHOD_NOT_FOUND, "no", NULL);
    assert_true(json_is_null(json_object_get(e, "id")));
    assert_null(json_object_get(e, "result"));
    json_decref(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions),      cmocka_unit_test(test_replace),
        cmocka_unit_test(test_document_edits), cmocka_unit_test(test_uris),
        cmocka_unit_test(test_framing),        cmocka_unit_test(test_rpc_classify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
