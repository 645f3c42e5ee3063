/*
 * test_lsp_protocol.c — drives the real `faultline serve` through the JSON-RPC test client:
 * lifecycle and exit codes, every error path of framing and JSON-RPC, capability
 * negotiation, incremental sync, cancellation, work-done progress, watched files, pull and
 * push diagnostics, and every method the server implements.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lsp_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define T 10000 /* ms: generous; never a timing assertion, only a hang guard */

static json_t *req(lc_client *c, const char *method, json_t *params) {
    int id = lc_request(c, method, params);
    json_t *r = lc_response(c, id, T);
    assert_non_null(r);
    return r;
}

static json_t *result_of(json_t *r) {
    assert_int_equal(lc_error_code(r), 0);
    return json_object_get(r, "result");
}

static lc_client *started(json_t *caps, json_t *opts, const char *root_uri) {
    lc_client *c = lc_start(NULL);
    json_t *r = lc_initialize(c, root_uri, caps, opts);
    assert_non_null(r);
    assert_int_equal(lc_error_code(r), 0);
    return c;
}

static const char *str_at(json_t *o, const char *k) {
    return json_string_value(json_object_get(o, k));
}

/* ---- lifecycle ------------------------------------------------------------------------- */

static void test_before_initialize(void **state) {
    (void)state;
    lc_client *c = lc_start(NULL);
    /* A notification before initialize is dropped; a request gets -32002. */
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", "file:///x.go",
                        "languageId", "go", "version", 1, "text", "package x\n"));
    json_t *r = req(c, "textDocument/hover", json_object());
    assert_int_equal(lc_error_code(r), -32002);
    r = req(c, "shutdown", NULL);
    assert_int_equal(lc_error_code(r), -32002);
    json_t *init = lc_initialize(c, NULL, NULL, NULL);
    assert_int_equal(lc_error_code(init), 0);
    /* The dropped didOpen left nothing behind. */
    json_t *st = result_of(req(c, "faultline/status", NULL));
    assert_int_equal(json_array_size(json_object_get(st, "documents")), 0);
    assert_int_equal(lc_stop(c), 0);
}

static void test_initialize_result(void **state) {
    (void)state;
    lc_client *c = lc_start((const char *const[]){"--stdio", NULL});
    json_t *r = lc_initialize(c, NULL, NULL, NULL);
    json_t *res = result_of(r);
    json_t *caps = json_object_get(res, "capabilities");
    assert_string_equal(str_at(caps, "positionEncoding"), "utf-16");
    json_t *sync = json_object_get(caps, "textDocumentSync");
    assert_int_equal(json_integer_value(json_object_get(sync, "change")), 2);
    assert_true(json_is_true(json_object_get(sync, "openClose")));
    assert_true(json_is_true(json_object_get(caps, "hoverProvider")));
    /* No literal support → plain true; no pull support → no diagnosticProvider. */
    assert_true(json_is_true(json_object_get(caps, "codeActionProvider")));
    assert_null(json_object_get(caps, "diagnosticProvider"));
    assert_non_null(json_object_get(json_object_get(caps, "executeCommandProvider"), "commands"));
    assert_non_null(json_object_get(caps, "codeLensProvider"));
    assert_string_equal(str_at(json_object_get(res, "serverInfo"), "name"), "faultline");
    /* A second initialize is refused. */
    json_t *again = req(c, "initialize", json_pack("{s:n, s:{}}", "processId", "capabilities"));
    assert_int_equal(lc_error_code(again), -32600);
    assert_int_equal(lc_stop(c), 0);
}

static void test_negotiation(void **state) {
    (void)state;
    json_t *caps = json_pack("{s:{s:[s,s]}, s:{s:{}, s:{s:{s:{s:[s]}}}}, s:{s:{s:b}}}", "general",
                             "positionEncodings", "utf-8", "utf-16", "textDocument", "diagnostic",
                             "codeAction", "codeActionLiteralSupport", "codeActionKind", "valueSet",
                             "quickfix", "workspace", "diagnostics", "refreshSupport", 1);
    lc_client *c = lc_start(NULL);
    json_t *res = result_of(lc_initialize(c, NULL, caps, NULL));
    json_t *sc = json_object_get(res, "capabilities");
    assert_string_equal(str_at(sc, "positionEncoding"), "utf-8");
    assert_true(json_is_object(json_object_get(sc, "diagnosticProvider")));
    assert_true(json_is_object(json_object_get(sc, "codeActionProvider")));
    assert_int_equal(lc_stop(c), 0);

    /* utf-32 only offered: the server stays on utf-16 (it must always support it). */
    c = lc_start(NULL);
    res = result_of(lc_initialize(
        c, NULL, json_pack("{s:{s:[s]}}", "general", "positionEncodings", "utf-32"), NULL));
    assert_string_equal(str_at(json_object_get(res, "capabilities"), "positionEncoding"), "utf-16");
    assert_int_equal(lc_stop(c), 0);
}

static void test_shutdown_then_requests(void **state) {
    (void)state;
    lc_client *c = started(NULL, NULL, NULL);
    json_t *r = req(c, "shutdown", NULL);
    assert_true(json_is_null(result_of(r)));
    r = req(c, "faultline/status", NULL);
    assert_int_equal(lc_error_code(r), -32600);
    /* shutdown with params null (eglot) is fine too, and also refused now. */
    r = req(c, "shutdown", json_null());
    assert_int_equal(lc_error_code(r), -32600);
    lc_notify(c, "exit", NULL);
    assert_int_equal(lc_wait_exit(c, T), 0);
    lc_free(c);
}

static void test_exit_codes(void **state) {
    (void)state;
    /* exit without shutdown → 1 */
    lc_client *c = started(NULL, NULL, NULL);
    lc_notify(c, "exit", NULL);
    assert_int_equal(lc_wait_exit(c, T), 1);
    lc_free(c);
    /* exit before initialize → 1 */
    c = lc_start(NULL);
    lc_notify(c, "exit", NULL);
    assert_int_equal(lc_wait_exit(c, T), 1);
    lc_free(c);
    /* end of input without shutdown → 1; after shutdown → 0 */
    c = started(NULL, NULL, NULL);
    lc_close_input(c);
    assert_int_equal(lc_wait_exit(c, T), 1);
    lc_free(c);
    c = started(NULL, NULL, NULL);
    req(c, "shutdown", NULL);
    lc_close_input(c);
    assert_int_equal(lc_wait_exit(c, T), 0);
    lc_free(c);
    /* processId of a dead process: the server exits by itself. */
    pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, NULL, 0);
    c = lc_start(NULL);
    int id = lc_request(c, "initialize",
                        json_pack("{s:i, s:{}}", "processId", (int)child, "capabilities"));
    assert_int_equal(lc_error_code(lc_response(c, id, T)), 0);
    assert_int_equal(lc_wait_exit(c, T), 1);
    lc_free(c);
}

/* ---- framing and JSON-RPC errors ------------------------------------------------------- */

static void test_malformed_frames(void **state) {
    (void)state;
    lc_client *c = started(NULL, NULL, NULL);
    size_t mark = lc_mark(c);
    /* No Content-Length at all. */
    const char *a = "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}";
    lc_write_raw(c, a, strlen(a));
    json_t *r = lc_null_response(c, mark, T);
    assert_non_null(r);
    assert_int_equal(lc_error_code(r), -32700);
    /* A length that is not a number. */
    mark = lc_mark(c);
    const char *b = "Content-Length: twelve\r\n\r\n{\"x\":1}";
    lc_write_raw(c, b, strlen(b));
    r = lc_null_response(c, mark, T);
    assert_int_equal(lc_error_code(r), -32700);
    /* A header line without a colon. */
    mark = lc_mark(c);
    const char *d = "hello there\r\n\r\n";
    lc_write_raw(c, d, strlen(d));
    r = lc_null_response(c, mark, T);
    assert_int_equal(lc_error_code(r), -32700);
    /* An unsupported charset: refused, and the body skipped. */
    mark = lc_mark(c);
    const char *e = "Content-Length: 2\r\nContent-Type: application/json; charset=latin1\r\n\r\n{}";
    lc_write_raw(c, e, strlen(e));
    r = lc_null_response(c, mark, T);
    assert_int_equal(lc_error_code(r), -32700);
    /* "utf8" is accepted as utf-8, and header names are case-insensitive. */
    const char *body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"faultline/status\"}";
    char frame[256];
    snprintf(frame, sizeof frame, "content-length: %zu\r\nContent-Type: x; charset=utf8\r\n\r\n%s",
             strlen(body), body);
    lc_write_raw(c, frame, strlen(frame));
    r = lc_response(c, 7, T);
    assert_non_null(r);
    assert_int_equal(lc_error_code(r), 0);
    /* Garbage, then a good message: the server resynchronises. */
    const char *g = "@@@@ garbage without a newline then ";
    lc_write_raw(c, g, strlen(g));
    r = req(c, "faultline/status", NULL);
    assert_int_equal(lc_error_code(r), 0);
    assert_int_equal(lc_stop(c), 0);
}

static void test_partial_reads(void **state) {
    (void)state;
    lc_client *c = started(NULL, NULL, NULL);
    const char *body = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"faultline/status\"}";
    char frame[256];
    snprintf(frame, sizeof frame, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    for (size_t i = 0; frame[i]; i++) {
        lc_write_raw(c, &frame[i], 1);
        if (i % 7 == 0) usleep(1000);
    }
    json_t *r = lc_response(c, 9, T);
    assert_non_null(r);
    assert_int_equal(lc_error_code(r), 0);
    /* Two messages in one write. */
    char two[600];
    snprintf(two, sizeof two, "%s%s", frame, frame);
    char *second = strstr(two + 10, "\"id\":9");
    second[5] = '8';
    lc_write_raw(c, two, strlen(two));
    assert_non_null(lc_response(c, 8, T));
    assert_int_equal(lc_stop(c), 0);
}

static void test_huge_message(void **state) {
    (void)state;
    lc_client *c = started(NULL, NULL, NULL);
    size_t mark = lc_mark(c);
    /* 80 MiB: over the 64 MiB limit. The server refuses it and skips the body as it comes. */
    size_t n = (size_t)80 << 20;
    char hdr[64];
    snprintf(hdr, sizeof hdr, "Content-Length: %zu\r\n\r\n", n);
    lc_write_raw(c, hdr, strlen(hdr));
    json_t *r = lc_null_response(c, mark, T);
    assert_non_null(r);
    assert_int_equal(lc_error_code(r), -32600);
    char *chunk = malloc(1 << 20);
    memset(chunk, 'x', 1 << 20);
    for (size_t i = 0; i < n >> 20; i++) lc_write_raw(c, chunk, 1 << 20);
    free(chunk);
    r = req(c, "faultline/status", NULL);
    assert_int_equal(lc_error_code(r), 0);
    /* A big but allowed message (a 3 MB document) works. */
    size_t big = 3u << 20;
    char *text = malloc(big + 1);
    for (size_t i = 0; i < big; i++) text[i] = (i % 64 == 63) ? '\n' : 'a';
    text[big] = '\0';
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", "file:///big.txt",
                        "languageId", "plaintext", "version", 1, "text", text));
    free(text);
    json_t *st = result_of(req(c, "faultline/status", NULL));
    json_t *doc = json_array_get(json_object_get(st, "documents"), 0);
    assert_int_equal(json_integer_value(json_object_get(doc, "bytes")), (json_int_t)big);
    assert_int_equal(lc_stop(c), 0);
}

static void test_huge_then_eof(void **state) {
    (void)state;
    /* A claimed length that never arrives, then end of input: no hang. */
    lc_client *c = started(NULL, NULL, NULL);
    const char *h = "Content-Length: 1000\r\n\r\n{\"jsonrpc\":";
    lc_write_raw(c, h, strlen(h));
    lc_close_input(c);
    assert_int_equal(lc_wait_exit(c, T), 1);
    lc_free(c);
}

static void test_jsonrpc_errors(void **state) {
    (void)state;
    lc_client *c = started(NULL, NULL, NULL);
    size_t mark = lc_mark(c);
    lc_send_text(c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
    json_t *r = lc_null_response(c, mark, T);
    assert_int_equal(lc_error_code(r), -32700);
    mark = lc_mark(c);
    lc_send_text(c, "[1,2]"); /* a batch */
    assert_int_equal(lc_error_code(lc_null_response(c, mark, T)), -32600);
    mark = lc_mark(c);
    lc_send_text(c, "42");
    assert_int_equal(lc_error_code(lc_null_response(c, mark, T)), -32600);
    /* Wrong or missing "jsonrpc": answered to the id. */
    lc_send_text(c, "{\"id\":31,\"method\":\"faultline/status\"}");
    assert_int_equal(lc_error_code(lc_response(c, 31, T)), -32600);
    lc_send_text(c, "{\"jsonrpc\":\"1.0\",\"id\":32,\"method\":\"faultline/status\"}");
    assert_int_equal(lc_error_code(lc_response(c, 32, T)), -32600);
    /* method not a string */
    lc_send_text(c, "{\"jsonrpc\":\"2.0\",\"id\":33,\"method\":5}");
    assert_int_equal(lc_error_code(lc_response(c, 33, T)), -32600);
    /* params neither object nor array */
    lc_send_text(c, "{\"jsonrpc\":\"2.0\",\"id\":34,\"method\":\"faultline/status\",\"params\":3}");
    assert_int_equal(lc_error_code(lc_response(c, 34, T)), -32602);
    /* unknown methods, $/ requests */
    assert_int_equal(lc_error_code(req(c, "no/such/method", NULL)), -32601);
    assert_int_equal(lc_error_code(req(c, "$/somethingNew", NULL)), -32601);
    /* unknown notifications, $/ notifications, $/setTrace: ignored (no answer). */
    mark = lc_mark(c);
    lc_notify(c, "no/such/notification", json_object());
    lc_notify(c, "$/setTrace", json_pack("{s:s}", "value", "off"));
    lc_notify(c, "$/somethingElse", NULL);
    lc_send_text(c, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":7}");
    /* responses to requests the server never made, and malformed responses: ignored */
    lc_send_text(c, "{\"jsonrpc\":\"2.0\",\"id\":999,\"result\":null}");
    lc_send_text(c, "{\"jsonrpc\":\"2.0\",\"id\":998,\"result\":1,\"error\":{}}");
    lc_send_text(c, "{\"jsonrpc\":\"2.0\"}");
    json_t *st = req(c, "faultline/status", NULL);
    assert_int_equal(lc_error_code(st), 0);
    /* Only the "{jsonrpc}" without method got an answer (-32600, id null). */
    size_t nulls = 0;
    for (size_t i = mark; i < lc_mark(c); i++) {
        json_t *m = json_array_get(c->seen, i);
        if (json_is_null(json_object_get(m, "id"))) nulls++;
    }
    assert_int_equal(nulls, 1);
    /* Deeply nested JSON does not crash the parser. */
    char *deep = malloc(200010);
    size_t k = 0;
    for (int i = 0; i < 100000; i++) deep[k++] = '[';
    for (int i = 0; i < 100000; i++) deep[k++] = ']';
    deep[k] = '\0';
    mark = lc_mark(c);
    lc_send_text(c, deep);
    free(deep);
    assert_non_null(lc_null_response(c, mark, T));
    /* Invalid UTF-8 in the body: a parse error, not a crash. */
    mark = lc_mark(c);
    lc_send_text(c, "{\"jsonrpc\":\"2.0\",\"id\":40,\"method\":\"a\xff\xfe\"}");
    assert_int_equal(lc_error_code(lc_null_response(c, mark, T)), -32700);
    assert_int_equal(lc_error_code(req(c, "faultline/status", NULL)), 0);
    assert_int_equal(lc_stop(c), 0);
}

static void test_string_ids_and_cancel(void **state) {
    (void)state;
    lc_client *c = started(NULL, NULL, NULL);
    /* A string id is echoed. */
    lc_send_text(c, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"faultline/status\"}");
    json_t *m;
    bool found = false;
    for (int i = 0; i < 20 && !found && (m = lc_next(c, T)); i++)
        found = json_is_string(json_object_get(m, "id")) && strcmp(str_at(m, "id"), "abc") == 0;
    assert_true(found);
    /* A request and its cancel in one write: the queued request is answered -32800. */
    const char *b1 = "{\"jsonrpc\":\"2.0\",\"id\":501,\"method\":\"faultline/status\"}";
    const char *b2 = "{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":501}}";
    char both[512];
    snprintf(both, sizeof both, "Content-Length: %zu\r\n\r\n%sContent-Length: %zu\r\n\r\n%s",
             strlen(b1), b1, strlen(b2), b2);
    lc_write_raw(c, both, strlen(both));
    json_t *r = lc_response(c, 501, T);
    assert_int_equal(lc_error_code(r), -32800);
    /* Cancelling something already answered or unknown is harmless. */
    lc_notify(c, "$/cancelRequest", json_pack("{s:i}", "id", 501));
    lc_notify(c, "$/cancelRequest", json_pack("{s:s}", "id", "nope"));
    lc_notify(c, "$/cancelRequest", NULL);
    assert_int_equal(lc_error_code(req(c, "faultline/status", NULL)), 0);
    assert_int_equal(lc_stop(c), 0);
}

/* ---- documents ------------------------------------------------------------------------- */

static json_t *change(int sl, int sc, int el, int ec, const char *text) {
    return json_pack("{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}", "range", "start", "line", sl,
                     "character", sc, "end", "line", el, "character", ec, "text", text);
}

static json_t *doc_status(lc_client *c, const char *uri) {
    json_t *st = result_of(req(c, "faultline/status", NULL));
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(st, "documents"), i,
                       d) if (strcmp(str_at(d, "uri"), uri) == 0) return d;
    return NULL;
}

static void test_incremental_sync(void **state) {
    (void)state;
    lc_client *c = started(NULL, NULL, NULL);
    const char *uri = "file:///tmp/fl-lsp-none/m%c3%a4in.go";
    const char *text =
        "package main\n\nfunc main() {\n\ts := \"h\xc3\xa9llo\xf0\x9f\x98\x80\"; go work(s)\n}\n";
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", uri, "languageId", "go",
                        "version", 0, "text", text));
    /* Pushed diagnostics echo the exact URI and the version. */
    json_t *pub = lc_wait_method(c, "textDocument/publishDiagnostics", uri, 0, T);
    assert_non_null(pub);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(pub, "params"), "version")),
                     0);
    json_t *d = doc_status(c, uri);
    size_t len0 = (size_t)json_integer_value(json_object_get(d, "bytes"));
    assert_int_equal(len0, strlen(text));
    assert_true(json_is_true(json_object_get(d, "parsed")));
    /* Insert "xx" just after the emoji (😀 is UTF-16 characters 12-13 of line 3), then
     * delete it again. Versions skip numbers, as Neovim's do. */
    size_t mark = lc_mark(c);
    lc_notify(c, "textDocument/didChange",
              json_pack("{s:{s:s, s:i}, s:[o]}", "textDocument", "uri", uri, "version", 4,
                        "contentChanges", change(3, 14, 3, 14, "xx")));
    pub = lc_wait_method(c, "textDocument/publishDiagnostics", uri, mark, T);
    assert_non_null(pub);
    d = doc_status(c, uri);
    assert_int_equal(json_integer_value(json_object_get(d, "bytes")), len0 + 2);
    assert_int_equal(json_integer_value(json_object_get(d, "version")), 4);
    assert_true(json_integer_value(json_object_get(d, "edits")) >= 1);
    assert_true(json_integer_value(json_object_get(d, "reparses")) >= 1);
    /* Several changes in one notification, each relative to the previous state; an append
     * at {line: lineCount, character: 0} (Neovim's form); a character past the end of a line. */
    lc_notify(c, "textDocument/didChange",
              json_pack("{s:{s:s, s:i}, s:[o,o,o]}", "textDocument", "uri", uri, "version", 9,
                        "contentChanges", change(3, 14, 3, 16, ""), change(5, 0, 5, 0, "// tail\n"),
                        change(0, 999, 0, 999, " ")));
    d = doc_status(c, uri);
    assert_int_equal(json_integer_value(json_object_get(d, "bytes")), len0 + 8 + 1);
    assert_false(json_is_true(json_object_get(d, "has_error")));
    /* A full replacement (no range). */
    lc_notify(c, "textDocument/didChange",
              json_pack("{s:{s:s, s:i}, s:[{s:s}]}", "textDocument", "uri", uri, "version", 10,
                        "contentChanges", "text", "package x\n"));
    d = doc_status(c, uri);
    assert_int_equal(json_integer_value(json_object_get(d, "bytes")), 10);
    /* Broken changes are skipped, not fatal. */
    lc_notify(c, "textDocument/didChange",
              json_pack("{s:{s:s, s:i}, s:[{s:i}, {s:{s:i}, s:s}]}", "textDocument", "uri", uri,
                        "version", 11, "contentChanges", "text", 5, "range", "start", -1, "text",
                        "y"));
    lc_notify(c, "textDocument/didChange",
              json_pack("{s:{s:s}, s:i}", "textDocument", "uri", "file:///not-open.go",
                        "contentChanges", 3));
    d = doc_status(c, uri);
    assert_int_equal(json_integer_value(json_object_get(d, "bytes")), 10);
    /* didClose clears the pushed diagnostics and forgets the document. */
    mark = lc_mark(c);
    lc_notify(c, "textDocument/didClose", json_pack("{s:{s:s}}", "textDocument", "uri", uri));
    pub = lc_wait_method(c, "textDocument/publishDiagnostics", uri, mark, T);
    assert_non_null(pub);
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(pub, "params"), "diagnostics")), 0);
    assert_null(doc_status(c, uri));
    assert_int_equal(lc_stop(c), 0);
}

static void test_unparsable_files(void **state) {
    (void)state;
    lc_client *c = started(NULL, NULL, NULL);
    /* Binary garbage in a .go file, NUL bytes, an unknown language: all answered. */
    char garbage[4096];
    for (size_t i = 0; i < sizeof garbage - 1; i++) garbage[i] = (char)(1 + (i * 7919) % 255);
    garbage[sizeof garbage - 1] = '\0';
    json_t *g = json_stringn(garbage, sizeof garbage - 1);
    if (!g) g = json_string("func ((((((( {{{{{ \"unterminated");
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:o}}", "textDocument", "uri", "file:///g.go",
                        "languageId", "go", "version", 1, "text", g));
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s%}}", "textDocument", "uri", "file:///n.c",
                        "languageId", "c", "version", 1, "text", "int\0x;", (size_t)6));
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", "untitled:Untitled-1",
                        "languageId", "cobol", "version", 1, "text", "IDENTIFICATION DIVISION."));
    json_t *pub = lc_wait_method(c, "textDocument/publishDiagnostics", "untitled:Untitled-1", 0, T);
    assert_non_null(pub);
    json_t *r = req(c, "textDocument/hover",
                    json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri", "file:///g.go",
                              "position", "line", 0, "character", 3));
    assert_int_equal(lc_error_code(r), 0);
    r = req(c, "textDocument/codeLens",
            json_pack("{s:{s:s}}", "textDocument", "uri", "untitled:Untitled-1"));
    assert_true(json_is_array(result_of(r)));
    assert_int_equal(lc_stop(c), 0);
}

/* ---- the standard requests ----------------------------------------------------------- */

static void test_requests_param_errors(void **state) {
    (void)state;
    lc_client *c = started(NULL, NULL, NULL);
    const char *methods[] = {"textDocument/hover", "textDocument/codeAction",
                             "textDocument/codeLens", "textDocument/diagnostic", NULL};
    for (int i = 0; methods[i]; i++) {
        /* No textDocument; a document that is not open. */
        assert_int_equal(lc_error_code(req(c, methods[i], json_object())), -32602);
        assert_int_equal(
            lc_error_code(req(c, methods[i],
                              json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri",
                                        "file:///nope.go", "position", "line", 0, "character", 0))),
            -32602);
    }
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", "file:///a.go",
                        "languageId", "go", "version", 1, "text", "package a\n"));
    assert_int_equal(lc_error_code(req(c, "textDocument/hover",
                                       json_pack("{s:{s:s}, s:{s:s}}", "textDocument", "uri",
                                                 "file:///a.go", "position", "line", "x"))),
                     -32602);
    assert_int_equal(
        lc_error_code(req(c, "textDocument/codeAction",
                          json_pack("{s:{s:s}}", "textDocument", "uri", "file:///a.go"))),
        -32602);
    /* Positions far outside the document are clamped, not errors. */
    json_t *r = req(c, "textDocument/hover",
                    json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri", "file:///a.go",
                              "position", "line", 100000, "character", 100000));
    assert_int_equal(lc_error_code(r), 0);
    r = req(c, "textDocument/codeAction",
            json_pack("{s:{s:s}, s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:{s:[]}}", "textDocument", "uri",
                      "file:///a.go", "range", "start", "line", 5, "character", 0, "end", "line", 0,
                      "character", 0, "context", "diagnostics"));
    assert_true(json_is_array(result_of(r)));
    /* executeCommand: unknown command, missing command, bad arguments. */
    assert_int_equal(
        lc_error_code(req(c, "workspace/executeCommand", json_pack("{s:s}", "command", "rm -rf"))),
        -32602);
    assert_int_equal(lc_error_code(req(c, "workspace/executeCommand", json_object())), -32602);
    assert_int_equal(lc_error_code(req(c, "workspace/executeCommand",
                                       json_pack("{s:s, s:i}", "command", "faultline.showCoverage",
                                                 "arguments", 3))),
                     -32602);
    r = req(c, "workspace/executeCommand", json_pack("{s:s}", "command", "faultline.showCoverage"));
    assert_true(json_is_object(result_of(r)));
    r = req(c, "workspace/executeCommand", json_pack("{s:s}", "command", "faultline.reanalyze"));
    assert_int_equal(lc_error_code(r), 0);
    assert_int_equal(lc_stop(c), 0);
}

static void test_pull_diagnostics(void **state) {
    (void)state;
    lc_client *c = started(json_pack("{s:{s:{}}}", "textDocument", "diagnostic"), NULL, NULL);
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", "file:///p.go",
                        "languageId", "go", "version", 1, "text", "package p\n"));
    json_t *r = result_of(req(c, "textDocument/diagnostic",
                              json_pack("{s:{s:s}}", "textDocument", "uri", "file:///p.go")));
    assert_string_equal(str_at(r, "kind"), "full");
    assert_true(json_is_array(json_object_get(r, "items")));
    char rid[128];
    snprintf(rid, sizeof rid, "%s", str_at(r, "resultId"));
    r = result_of(req(c, "textDocument/diagnostic",
                      json_pack("{s:{s:s}, s:s}", "textDocument", "uri", "file:///p.go",
                                "previousResultId", rid)));
    assert_string_equal(str_at(r, "kind"), "unchanged");
    assert_string_equal(str_at(r, "resultId"), rid);
    /* After an edit the answer is full again. */
    lc_notify(c, "textDocument/didChange",
              json_pack("{s:{s:s, s:i}, s:[o]}", "textDocument", "uri", "file:///p.go", "version",
                        2, "contentChanges", change(1, 0, 1, 0, "// x\n")));
    r = result_of(req(c, "textDocument/diagnostic",
                      json_pack("{s:{s:s}, s:s}", "textDocument", "uri", "file:///p.go",
                                "previousResultId", rid)));
    assert_string_equal(str_at(r, "kind"), "full");
    /* A pull client never gets pushed diagnostics. */
    req(c, "faultline/status", NULL);
    assert_int_equal(lc_count_method(c, "textDocument/publishDiagnostics"), 0);
    assert_int_equal(lc_stop(c), 0);
}

/* ---- workspace: progress, watched files, coverage ------------------------------------ */

static char *make_workspace(void) {
    char *dir = lc_tempdir();
    char p[4096];
    snprintf(p, sizeof p, "%s/src/a.go", dir);
    lc_write_file(p, "package a\n\nfunc A() int { return 1 }\n");
    snprintf(p, sizeof p, "%s/README.md", dir);
    lc_write_file(p, "# a\n\nWrites are never lost once acknowledged.\n");
    snprintf(p, sizeof p, "%s/node_modules/x/skip.js", dir);
    lc_write_file(p, "var x = 1;\n");
    return dir;
}

static json_t *wait_index_ready(lc_client *c) {
    for (int i = 0; i < 500; i++) {
        json_t *st = result_of(req(c, "faultline/status", NULL));
        json_t *ix = json_object_get(st, "index");
        if (strcmp(str_at(ix, "state"), "indexing") != 0) return ix;
        usleep(10000);
    }
    fail_msg("the index never finished");
    return NULL;
}

static void test_progress(void **state) {
    (void)state;
    char *dir = make_workspace();
    char *uri = lc_file_uri(dir);
    /* Client with window.workDoneProgress that accepts the token. */
    lc_client *c = started(json_pack("{s:{s:b}}", "window", "workDoneProgress", 1), NULL, uri);
    json_t *create = lc_wait_method(c, "window/workDoneProgress/create", NULL, 0, T);
    assert_non_null(create);
    const char *token = str_at(json_object_get(create, "params"), "token");
    json_t *ix = wait_index_ready(c);
    assert_int_equal(json_integer_value(json_object_get(ix, "files")),
                     2); /* node_modules skipped */
    json_t *end = NULL;
    for (int i = 0; i < 100 && !end; i++) {
        size_t k;
        json_t *m;
        json_array_foreach(c->seen, k, m) {
            const char *mm = str_at(m, "method");
            json_t *v = json_object_get(json_object_get(m, "params"), "value");
            if (mm && strcmp(mm, "$/progress") == 0 && strcmp(str_at(v, "kind"), "end") == 0)
                end = m;
        }
        if (!end) req(c, "faultline/status", NULL);
    }
    assert_non_null(end);
    /* Order: create (answered) → begin → ... → end, all on the token. */
    size_t k;
    json_t *m;
    int seen_create = 0, seen_begin = 0, seen_end = 0;
    json_array_foreach(c->seen, k, m) {
        const char *mm = str_at(m, "method");
        if (!mm) continue;
        if (strcmp(mm, "window/workDoneProgress/create") == 0) seen_create = 1;
        if (strcmp(mm, "$/progress") == 0) {
            assert_true(seen_create);
            json_t *p = json_object_get(m, "params");
            assert_string_equal(str_at(p, "token"), token);
            const char *kind = str_at(json_object_get(p, "value"), "kind");
            if (strcmp(kind, "begin") == 0) seen_begin++;
            if (strcmp(kind, "end") == 0) {
                assert_int_equal(seen_begin, 1);
                seen_end++;
            }
        }
    }
    assert_int_equal(seen_begin, 1);
    assert_int_equal(seen_end, 1);
    assert_int_equal(lc_stop(c), 0);

    /* A client that refuses the token never gets $/progress. */
    c = lc_start(NULL);
    c->refuse_progress = 1;
    lc_initialize(c, uri, json_pack("{s:{s:b}}", "window", "workDoneProgress", 1), NULL);
    assert_non_null(lc_wait_method(c, "window/workDoneProgress/create", NULL, 0, T));
    wait_index_ready(c);
    req(c, "faultline/status", NULL);
    assert_int_equal(lc_count_method(c, "$/progress"), 0);
    assert_int_equal(lc_stop(c), 0);

    /* A client without the capability is never asked. */
    c = started(NULL, NULL, uri);
    wait_index_ready(c);
    assert_int_equal(lc_count_method(c, "window/workDoneProgress/create"), 0);
    assert_int_equal(lc_count_method(c, "$/progress"), 0);
    assert_int_equal(lc_stop(c), 0);
    free(uri);
    lc_rmtree(dir);
    free(dir);
}

static const char *plan_json =
    "{\"slug\":\"demo\",\"mode\":\"project-wide\",\"sites\":[{\"id\":\"site-1\",\"rule\":"
    "\"retry.loop\",\"path\":\"src/a.go\",\"line\":3,\"function\":\"A\"}],"
    "\"hypotheses\":[{\"id\":\"H1\",\"title\":\"retry duplicates writes\",\"claims\":[],"
    "\"sites\":[\"site-1\"]}],\"scenarios\":[{\"id\":\"S1\",\"name\":\"partition during "
    "retry\",\"closes\":[\"H1\"],\"falsifies\":[]}]}";

static void test_watched_files_coverage(void **state) {
    (void)state;
    char *dir = make_workspace();
    char *uri = lc_file_uri(dir);
    json_t *caps =
        json_pack("{s:{s:{s:b}}}", "workspace", "didChangeWatchedFiles", "dynamicRegistration", 1);
    lc_client *c = started(caps, NULL, uri);
    /* The server registers watchers for plans and sessions. */
    json_t *reg = lc_wait_method(c, "client/registerCapability", NULL, 0, T);
    assert_non_null(reg);
    char *dump = json_dumps(reg, 0);
    assert_non_null(strstr(dump, "testing-plans"));
    assert_non_null(strstr(dump, "test-sessions"));
    free(dump);
    json_t *cov = result_of(req(c, "faultline/coverage", NULL));
    assert_int_equal(json_array_size(json_object_get(cov, "plans")), 0);
    json_int_t gen0 = json_integer_value(json_object_get(cov, "generation"));

    /* A plan appears: the hypothesis is planned. */
    char p[4096];
    snprintf(p, sizeof p, "%s/docs/testing-plans/demo.json", dir);
    lc_write_file(p, plan_json);
    char *puri = lc_file_uri(p);
    lc_notify(c, "workspace/didChangeWatchedFiles",
              json_pack("{s:[{s:s, s:i}]}", "changes", "uri", puri, "type", 1));
    cov = result_of(req(c, "faultline/coverage", NULL));
    assert_int_equal(json_array_size(json_object_get(cov, "plans")), 1);
    assert_true(json_integer_value(json_object_get(cov, "generation")) > gen0);
    json_t *h = json_array_get(json_object_get(cov, "hypotheses"), 0);
    assert_string_equal(str_at(h, "status"), "planned");
    /* A session verdict arrives: PASS, then a newer session FAILs. */
    snprintf(p, sizeof p, "%s/test-sessions/demo/20260101T000000Z/scenarios/S1/verdict.json", dir);
    lc_write_file(p, "{\"scenario\":\"S1\",\"verdict\":\"PASS-hardening\"}");
    char *vuri = lc_file_uri(p);
    lc_notify(c, "workspace/didChangeWatchedFiles",
              json_pack("{s:[{s:s, s:i}]}", "changes", "uri", vuri, "type", 1));
    cov = result_of(req(c, "faultline/coverage", NULL));
    h = json_array_get(json_object_get(cov, "hypotheses"), 0);
    assert_string_equal(str_at(h, "status"), "pass");
    assert_string_equal(str_at(h, "verdict"), "PASS-hardening");
    snprintf(p, sizeof p, "%s/test-sessions/demo/20260102T000000Z/report.json", dir);
    lc_write_file(p, "{\"verdict\":\"FAIL\",\"scenarios\":[{\"scenario\":\"S1\",\"verdict\":"
                     "\"FAIL-reproducible\",\"blame\":\"SUT\"}]}");
    free(vuri);
    vuri = lc_file_uri(p);
    lc_notify(c, "workspace/didChangeWatchedFiles",
              json_pack("{s:[{s:s, s:i}]}", "changes", "uri", vuri, "type", 1));
    cov = result_of(req(c, "faultline/coverage", NULL));
    h = json_array_get(json_object_get(cov, "hypotheses"), 0);
    assert_string_equal(str_at(h, "status"), "fail");
    /* A broken plan file is reported, not fatal. */
    snprintf(p, sizeof p, "%s/docs/testing-plans/broken.json", dir);
    lc_write_file(p, "{\"slug\": ");
    char *buri = lc_file_uri(p);
    lc_notify(c, "workspace/didChangeWatchedFiles",
              json_pack("{s:[{s:s, s:i}, {s:i}]}", "changes", "uri", buri, "type", 2, "type", 3));
    cov = result_of(req(c, "faultline/coverage", NULL));
    assert_true(json_array_size(json_object_get(cov, "problems")) >= 1);
    free(buri);
    free(vuri);
    free(puri);
    assert_int_equal(lc_stop(c), 0);
    free(uri);
    lc_rmtree(dir);
    free(dir);
}

/* ---- custom requests ------------------------------------------------------------------- */

static void test_custom_requests(void **state) {
    (void)state;
    lc_client *c = started(NULL, NULL, NULL);
    /* faultline/run: refused without allowExecution. */
    json_t *r = req(c, "faultline/run", json_pack("{s:s}", "plan", "/tmp/p.json"));
    assert_int_equal(lc_error_code(r), -32803);
    assert_non_null(strstr(str_at(json_object_get(r, "error"), "message"), "allowExecution"));
    /* faultline/plan: params validated. */
    assert_int_equal(lc_error_code(req(c, "faultline/plan", json_pack("{s:s}", "scope", "all"))),
                     -32602);
    assert_int_equal(lc_error_code(req(c, "faultline/plan", json_pack("{s:i}", "scope", 1))),
                     -32602);
    assert_int_equal(lc_error_code(req(c, "faultline/plan", json_pack("{s:s}", "scope", "change"))),
                     -32602);
    assert_int_equal(lc_error_code(req(c, "faultline/plan", json_pack("[]"))), -32602);
    /* faultline/check: params validated, then real checks of small histories. */
    assert_int_equal(lc_error_code(req(c, "faultline/check", json_object())), -32602);
    assert_int_equal(lc_error_code(req(c, "faultline/check", NULL)), -32602);
    assert_int_equal(
        lc_error_code(req(c, "faultline/check",
                          json_pack("{s:s, s:s}", "model", "no-such-model", "text", "x"))),
        -32602);
    const char *good = "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
                       "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\n"
                       "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n"
                       "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n";
    json_t *chk = result_of(
        req(c, "faultline/check", json_pack("{s:s, s:s}", "model", "register", "text", good)));
    assert_true(json_is_true(json_object_get(chk, "valid")));
    assert_string_equal(str_at(chk, "checker"), "linearizable");
    char bad[600];
    snprintf(bad, sizeof bad, "%s", good);
    bad[strlen(bad) - 3] = '2'; /* the read returns 2, which nobody wrote */
    chk = result_of(
        req(c, "faultline/check", json_pack("{s:s, s:s}", "model", "register", "text", bad)));
    assert_true(json_is_false(json_object_get(chk, "valid")));
    r = req(c, "faultline/check",
            json_pack("{s:s, s:s}", "model", "register", "history", "/nonexistent/h.jsonl"));
    assert_int_equal(lc_error_code(r), -32803);
    r = req(c, "faultline/check", json_pack("{s:s, s:s}", "model", "register", "text", "{{{"));
    assert_int_equal(lc_error_code(r), -32803);
    /* sites/claims: a document that is not open is an error. */
    assert_int_equal(
        lc_error_code(req(c, "faultline/sites",
                          json_pack("{s:{s:s}}", "textDocument", "uri", "file:///nope.go"))),
        -32602);
    assert_int_equal(lc_error_code(req(c, "faultline/claims", json_pack("[i]", 1))), -32602);
    r = req(c, "faultline/coverage", NULL);
    assert_true(json_is_object(result_of(r)));
    assert_int_equal(lc_stop(c), 0);

    /* With allowExecution, faultline/run checks its params. */
    c = started(NULL, json_pack("{s:b}", "allowExecution", 1), NULL);
    assert_int_equal(lc_error_code(req(c, "faultline/run", json_object())), -32602);
    assert_int_equal(lc_error_code(req(c, "faultline/run",
                                       json_pack("{s:s, s:s}", "plan", "p.json", "seed", "x"))),
                     -32602);
    /* A plan that does not exist: without the executor in this build, a clear error; with
     * it, the run starts as a child and ends with exit 2 (bad input), reported by
     * faultline/runFinished. */
    r = req(c, "faultline/run", json_pack("{s:s}", "plan", "/nonexistent/plan.json"));
    if (lc_error_code(r)) {
        assert_int_equal(lc_error_code(r), -32803);
        assert_non_null(strstr(str_at(json_object_get(r, "error"), "message"), "executor"));
    } else {
        json_t *fin = lc_wait_method(c, "faultline/runFinished", NULL, 0, T);
        assert_non_null(fin);
        assert_int_equal(
            json_integer_value(json_object_get(json_object_get(fin, "params"), "exitCode")), 2);
    }
    assert_int_equal(lc_stop(c), 0);
}

/* ---- analysis: diagnostics, hover, lens, actions, coverage round trip ---------------- */

static char *read_text(const char *path) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *t = malloc((size_t)n + 1);
    assert_int_equal(fread(t, 1, (size_t)n, f), (size_t)n);
    t[n] = '\0';
    fclose(f);
    return t;
}

/* Copies the fixture workspace into a fresh temporary folder. */
static char *fixture_workspace(void) {
    char *dir = lc_tempdir();
    const char *files[] = {"README.md", "store/store.go", NULL};
    for (int i = 0; files[i]; i++) {
        char src[4096], dst[4096];
        snprintf(src, sizeof src, "%s/tests/server/fixtures/ws/%s", FL_SOURCE_DIR, files[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, files[i]);
        char *t = read_text(src);
        lc_write_file(dst, t);
        free(t);
    }
    return dir;
}

static json_t *find_diag(json_t *diags, const char *code) {
    size_t i;
    json_t *d;
    json_array_foreach(diags, i, d) if (strcmp(str_at(d, "code"), code) == 0) return d;
    return NULL;
}

/* The newest publish for uri after `mark` whose retry.loop diagnostic has the wanted
 * severity (waits for the server to get there). */
static json_t *wait_publish_severity(lc_client *c, const char *uri, size_t mark, int severity) {
    for (int round = 0; round < 50; round++) {
        json_t *pub = lc_wait_method(c, "textDocument/publishDiagnostics", uri, mark, T);
        if (!pub) break;
        json_t *d =
            find_diag(json_object_get(json_object_get(pub, "params"), "diagnostics"), "retry.loop");
        if (d && json_integer_value(json_object_get(d, "severity")) == severity) return pub;
        mark = lc_mark(c);
        /* find the index just after this publish */
        size_t k;
        json_t *m;
        json_array_foreach(c->seen, k, m) if (m == pub) mark = k + 1;
    }
    fail_msg("no publish with retry.loop at severity %d", severity);
    return NULL;
}

static void test_analysis_round_trip(void **state) {
    (void)state;
    char *dir = fixture_workspace();
    char *root = lc_file_uri(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/store/store.go", dir);
    char *uri = lc_file_uri(path);
    char *text = read_text(path);
    json_t *caps = json_pack("{s:{s:{s:{s:{s:[s,s]}}}, s:{s:b}}}", "textDocument", "codeAction",
                             "codeActionLiteralSupport", "codeActionKind", "valueSet", "quickfix",
                             "refactor", "publishDiagnostics", "relatedInformation", 1);
    lc_client *c = started(caps, NULL, root);
    wait_index_ready(c);
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", uri, "languageId", "go",
                        "version", 1, "text", text));
    json_t *pub = wait_publish_severity(c, uri, 0, 2);
    json_t *diags = json_object_get(json_object_get(pub, "params"), "diagnostics");
    assert_true(json_array_size(diags) >= 4);
    /* The retry loop: source, code, severity (uncovered → Warning), the claim it relates to. */
    json_t *d = find_diag(diags, "retry.loop");
    assert_non_null(d);
    assert_string_equal(str_at(d, "source"), "faultline");
    json_t *start = json_object_get(json_object_get(d, "range"), "start");
    assert_int_equal(json_integer_value(json_object_get(start, "line")), 16);
    assert_int_equal(json_integer_value(json_object_get(start, "character")), 1);
    assert_non_null(strstr(str_at(d, "message"), "uncovered"));
    json_t *rel = json_object_get(d, "relatedInformation");
    assert_true(json_array_size(rel) >= 1);
    json_t *loc = json_object_get(json_array_get(rel, 0), "location");
    assert_non_null(strstr(str_at(loc, "uri"), "README.md"));
    assert_non_null(strstr(str_at(json_array_get(rel, 0), "message"), "idempotent"));
    /* UTF-16 columns: on `label := "héllo😀"; ctx, cancel := context.WithTimeout(...)` the
     * call starts at UTF-16 character 36 (byte 39). */
    d = find_diag(diags, "timeout.context");
    assert_non_null(d);
    start = json_object_get(json_object_get(d, "range"), "start");
    assert_int_equal(json_integer_value(json_object_get(start, "line")), 27);
    assert_int_equal(json_integer_value(json_object_get(start, "character")), 36);

    /* Hover: the hypothesis, its claim, the scenario that would falsify it. */
    json_t *h = result_of(req(c, "textDocument/hover",
                              json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri", uri,
                                        "position", "line", 16, "character", 2)));
    const char *md = str_at(json_object_get(h, "contents"), "value");
    assert_non_null(strstr(md, "retry.loop"));
    assert_non_null(strstr(md, "Hypothesis"));
    assert_non_null(strstr(md, "Retried transfers are idempotent"));
    assert_non_null(strstr(md, "Falsified by"));
    assert_non_null(strstr(md, "uncovered"));
    /* Hover on the README claim line through its own document is covered below; nothing
     * here is NULL. */
    h = req(c, "textDocument/hover",
            json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri", uri, "position", "line", 2,
                      "character", 0));
    assert_true(json_is_null(result_of(h)));

    /* Code lens per function: "N hypotheses · M uncovered". */
    json_t *lenses = result_of(
        req(c, "textDocument/codeLens", json_pack("{s:{s:s}}", "textDocument", "uri", uri)));
    assert_true(json_array_size(lenses) >= 2);
    bool transfer = false;
    size_t i;
    json_t *l;
    json_array_foreach(lenses, i, l) {
        json_t *cmd = json_object_get(l, "command");
        const char *fn = json_string_value(json_array_get(json_object_get(cmd, "arguments"), 1));
        if (fn && strcmp(fn, "Transfer") == 0) {
            transfer = true;
            assert_string_equal(str_at(cmd, "title"), "2 hypotheses · 2 uncovered");
        }
    }
    assert_true(transfer);

    /* Code actions at the retry loop: add a scenario (a WorkspaceEdit needs the file to exist
     * or create support; here neither, so a command) and mark a claim reviewed. */
    json_t *acts = result_of(
        req(c, "textDocument/codeAction",
            json_pack("{s:{s:s}, s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:{s:[]}}", "textDocument", "uri",
                      uri, "range", "start", "line", 16, "character", 2, "end", "line", 16,
                      "character", 2, "context", "diagnostics")));
    json_t *add = NULL, *review = NULL;
    json_array_foreach(acts, i, l) {
        json_t *cmd = json_object_get(l, "command");
        const char *name = str_at(cmd, "command");
        if (name && strcmp(name, "faultline.addScenario") == 0 && !add) add = cmd;
        if (name && strcmp(name, "faultline.markReviewed") == 0 && !review) review = cmd;
    }
    assert_non_null(add);
    assert_non_null(review);
    size_t mark = lc_mark(c);
    json_t *res = result_of(req(c, "workspace/executeCommand", json_deep_copy(add)));
    assert_string_equal(str_at(res, "scenario"), "S1");
    char plan[4096];
    snprintf(plan, sizeof plan, "%s/docs/testing-plans/faultline.json", dir);
    char *pt = read_text(plan);
    assert_non_null(strstr(pt, "\"closes\""));
    free(pt);
    /* Coverage: planned now (still a Warning), and the message says so. */
    pub = wait_publish_severity(c, uri, mark, 2);
    d = find_diag(json_object_get(json_object_get(pub, "params"), "diagnostics"), "retry.loop");
    (void)d;
    json_t *cov = result_of(req(c, "faultline/coverage", NULL));
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(cov, "summary"), "planned")), 1);
    res = result_of(req(c, "workspace/executeCommand", json_deep_copy(review)));
    char reviewed[4096];
    snprintf(reviewed, sizeof reviewed, "%s/.faultline/reviewed.json", dir);
    pt = read_text(reviewed);
    assert_non_null(strstr(pt, "reviewed_at"));
    free(pt);

    /* Now that the plan exists, the code action for the other hypothesis is a real
     * WorkspaceEdit on the plan file. */
    acts = result_of(
        req(c, "textDocument/codeAction",
            json_pack("{s:{s:s}, s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:{s:[]}}", "textDocument", "uri",
                      uri, "range", "start", "line", 17, "character", 9, "end", "line", 17,
                      "character", 9, "context", "diagnostics")));
    bool edit = false;
    json_array_foreach(acts, i, l) {
        json_t *changes = json_object_get(json_object_get(l, "edit"), "changes");
        if (changes) {
            edit = true;
            const char *k;
            json_t *v;
            json_object_foreach(changes, k, v) {
                assert_non_null(strstr(k, "faultline.json"));
                assert_non_null(strstr(str_at(json_array_get(v, 0), "newText"), "\"S2\""));
            }
        }
    }
    assert_true(edit);

    /* A session verdict arrives: PASS → Information; then FAIL → Error. */
    char verdict[4096];
    snprintf(verdict, sizeof verdict,
             "%s/test-sessions/faultline/20260101T000000Z/scenarios/S1/verdict.json", dir);
    lc_write_file(verdict, "{\"scenario\":\"S1\",\"verdict\":\"PASS-hardening\"}");
    char *vuri = lc_file_uri(verdict);
    mark = lc_mark(c);
    lc_notify(c, "workspace/didChangeWatchedFiles",
              json_pack("{s:[{s:s, s:i}]}", "changes", "uri", vuri, "type", 1));
    wait_publish_severity(c, uri, mark, 3);
    lc_write_file(verdict, "{\"scenario\":\"S1\",\"verdict\":\"FAIL-reproducible\"}");
    mark = lc_mark(c);
    lc_notify(c, "workspace/didChangeWatchedFiles",
              json_pack("{s:[{s:s, s:i}]}", "changes", "uri", vuri, "type", 2));
    pub = wait_publish_severity(c, uri, mark, 1);
    free(vuri);

    /* An incremental edit: a line inserted above moves the findings down. */
    mark = lc_mark(c);
    lc_notify(c, "textDocument/didChange",
              json_pack("{s:{s:s, s:i}, s:[o]}", "textDocument", "uri", uri, "version", 5,
                        "contentChanges", change(13, 0, 13, 0, "// a comment line\n")));
    pub = lc_wait_method(c, "textDocument/publishDiagnostics", uri, mark, T);
    d = find_diag(json_object_get(json_object_get(pub, "params"), "diagnostics"), "retry.loop");
    start = json_object_get(json_object_get(d, "range"), "start");
    assert_int_equal(json_integer_value(json_object_get(start, "line")), 17);
    json_t *st = doc_status(c, uri);
    assert_true(json_integer_value(json_object_get(st, "reparses")) >= 1);
    /* An edit over the loop's first token: the carried-over answer leaves the site out, the
     * re-analysis brings it back (same text, so the same finding). */
    mark = lc_mark(c);
    lc_notify(c, "textDocument/didChange",
              json_pack("{s:{s:s, s:i}, s:[o]}", "textDocument", "uri", uri, "version", 6,
                        "contentChanges", change(17, 0, 17, 4, "\tfor")));
    bool back = false;
    for (int round = 0; round < 20 && !back; round++) {
        pub = lc_wait_method(c, "textDocument/publishDiagnostics", uri, mark, T);
        assert_non_null(pub);
        size_t k;
        json_t *m;
        json_array_foreach(c->seen, k, m) if (m == pub) mark = k + 1;
        json_t *pp = json_object_get(pub, "params");
        back = json_integer_value(json_object_get(pp, "version")) == 6 &&
               find_diag(json_object_get(pp, "diagnostics"), "retry.loop") != NULL;
    }
    assert_true(back);

    /* faultline/sites and faultline/claims: per document and for the workspace. */
    json_t *sites =
        result_of(req(c, "faultline/sites", json_pack("{s:{s:s}}", "textDocument", "uri", uri)));
    assert_int_equal(json_array_size(json_object_get(sites, "sites")), 4);
    assert_non_null(json_object_get(json_array_get(json_object_get(sites, "sites"), 0), "range"));
    json_t *claims = result_of(req(c, "faultline/claims", NULL));
    assert_true(json_array_size(json_object_get(claims, "claims")) >= 3);
    assert_true(json_array_size(json_object_get(claims, "hypotheses")) >= 4);
    assert_int_equal(lc_stop(c), 0);
    free(text);
    free(uri);
    free(root);
    lc_rmtree(dir);
    free(dir);
}

static void test_code_action_create_file(void **state) {
    (void)state;
    /* A client that supports documentChanges + create gets a CreateFile edit for a new plan. */
    char *dir = fixture_workspace();
    char *root = lc_file_uri(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/store/store.go", dir);
    char *uri = lc_file_uri(path);
    char *text = read_text(path);
    json_t *caps =
        json_pack("{s:{s:{s:{s:{s:[s]}}}}, s:{s:{s:b, s:[s]}}}", "textDocument", "codeAction",
                  "codeActionLiteralSupport", "codeActionKind", "valueSet", "quickfix", "workspace",
                  "workspaceEdit", "documentChanges", 1, "resourceOperations", "create");
    lc_client *c = started(caps, NULL, root);
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", uri, "languageId", "go",
                        "version", 1, "text", text));
    json_t *acts = result_of(
        req(c, "textDocument/codeAction",
            json_pack("{s:{s:s}, s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:{s:[]}}", "textDocument", "uri",
                      uri, "range", "start", "line", 16, "character", 2, "end", "line", 16,
                      "character", 2, "context", "diagnostics")));
    bool created = false;
    size_t i;
    json_t *a;
    json_array_foreach(acts, i, a) {
        json_t *dc = json_object_get(json_object_get(a, "edit"), "documentChanges");
        if (dc && strcmp(str_at(json_array_get(dc, 0), "kind"), "create") == 0) created = true;
    }
    assert_true(created);
    assert_int_equal(lc_stop(c), 0);
    free(text);
    free(uri);
    free(root);
    lc_rmtree(dir);
    free(dir);
}

static void test_plan_requests(void **state) {
    (void)state;
    char *dir = fixture_workspace();
    char *root = lc_file_uri(dir);
    lc_client *c = started(NULL, NULL, root);
    /* Not a git repository yet: a clear error. */
    json_t *r = req(c, "faultline/plan", json_pack("{s:s}", "scope", "project"));
    assert_int_equal(lc_error_code(r), -32803);
    /* A repository: the plan comes back; with write it lands in docs/testing-plans. */
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && git init -q && git add -A && git -c user.name=t "
             "-c user.email=t@example.com commit -qm fixture",
             dir);
    assert_int_equal(system(cmd), 0);
    json_t *res = result_of(req(c, "faultline/plan", json_pack("{s:s}", "scope", "project")));
    json_t *plan = json_object_get(res, "plan");
    assert_string_equal(str_at(plan, "mode"), "project-wide");
    assert_true(json_array_size(json_object_get(plan, "scenarios")) > 0);
    assert_true(json_array_size(json_object_get(plan, "hypotheses")) > 0);
    assert_non_null(strstr(str_at(res, "markdown"), "#"));
    assert_int_equal(json_array_size(json_object_get(res, "written")), 0);
    res =
        result_of(req(c, "faultline/plan",
                      json_pack("{s:s, s:s, s:b}", "scope", "project", "slug", "lsp", "write", 1)));
    assert_int_equal(json_array_size(json_object_get(res, "written")), 2);
    json_t *cov = result_of(req(c, "faultline/coverage", NULL));
    assert_int_equal(json_array_size(json_object_get(cov, "plans")), 1);
    assert_true(json_integer_value(json_object_get(json_object_get(cov, "summary"), "planned")) >
                0);
    /* A change-scoped plan against a revision that does not exist: a clear error. */
    r = req(c, "faultline/plan", json_pack("{s:s, s:s}", "scope", "change", "base", "nope"));
    assert_int_equal(lc_error_code(r), -32803);
    assert_int_equal(lc_stop(c), 0);
    free(root);
    lc_rmtree(dir);
    free(dir);
}

static unsigned long long xorshift(unsigned long long *x) {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Mutated messages (bytes flipped, cut, duplicated; random frames and garbage): the server
 * never crashes or hangs, and answers a well-formed request afterwards. Deterministic. */
static void test_mutation_storm(void **state) {
    (void)state;
    lc_client *c = started(json_pack("{s:{s:b}}", "window", "workDoneProgress", 1), NULL, NULL);
    const char *seeds[] = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"textDocument/hover\",\"params\":{"
        "\"textDocument\":{\"uri\":\"file:///m.go\"},\"position\":{\"line\":3,\"character\":4}}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":"
        "{\"uri\":\"file:///m.go\",\"languageId\":\"go\",\"version\":1,\"text\":\"package m\\n"
        "func f() {\\n\\tfor i := 0; i < 3; i++ {\\n\\t\\tif err := g(); err == nil "
        "{ return }\\n\\t}\\n}\\n\"}}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":"
        "{\"uri\":\"file:///m.go\",\"version\":2},\"contentChanges\":[{\"range\":{\"start\":"
        "{\"line\":1,\"character\":2},\"end\":{\"line\":4,\"character\":1}},\"text\":\"x\\ny\"}]}}",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"textDocument/codeLens\",\"params\":{"
        "\"textDocument\":{\"uri\":\"file:///m.go\"}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"faultline/sites\",\"params\":{}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":2}}",
        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"textDocument/codeAction\",\"params\":{"
        "\"textDocument\":{\"uri\":\"file:///m.go\"},\"range\":{\"start\":{\"line\":0,"
        "\"character\":0},\"end\":{\"line\":9,\"character\":0}},\"context\":{\"diagnostics\":[]}}}",
    };
    unsigned long long x = 88172645463325252ull;
#define RND() xorshift(&x)
    char buf[2048];
    for (int round = 0; round < 600; round++) {
        const char *seed = seeds[RND() % (sizeof seeds / sizeof seeds[0])];
        size_t n = strlen(seed);
        memcpy(buf, seed, n + 1);
        int kind = (int)(RND() % 6);
        if (kind == 0) { /* flip bytes */
            for (int k = 0; k < 4; k++) {
                size_t at = (size_t)(RND() % n);
                buf[at] = (char)(RND() & 0xff);
            }
        } else if (kind == 1) { /* cut */
            n = (size_t)(RND() % n);
            buf[n] = '\0';
        } else if (kind == 2) { /* a wrong Content-Length */
            char hdr[64];
            snprintf(hdr, sizeof hdr, "Content-Length: %zu\r\n\r\n", (size_t)(RND() % (n + 20)));
            lc_write_raw(c, hdr, strlen(hdr));
            lc_write_raw(c, buf, n);
            continue;
        } else if (kind == 3) { /* raw garbage */
            for (size_t k = 0; k < 64; k++) buf[k] = (char)(RND() & 0xff);
            lc_write_raw(c, buf, 64);
            continue;
        } else if (kind == 4) { /* numbers replaced by big or negative ones */
            char *d = strpbrk(buf, "0123456789");
            if (d) *d = (RND() & 1) ? '-' : '9';
        }
        /* kind 5: unchanged */
        for (size_t k = 0; buf[k]; k++)
            if (buf[k] == '\0') buf[k] = ' ';
        lc_send_text(c, buf);
    }
#undef RND
    /* Resynchronise: a frame whose declared length swallowed following bytes may still be
     * waiting; blank padding completes it, then a clean request must be answered. */
    char pad[2100];
    memset(pad, ' ', sizeof pad);
    lc_write_raw(c, pad, sizeof pad);
    json_t *r = NULL;
    for (int i = 0; i < 5 && !r; i++) {
        int id = lc_request(c, "faultline/status", NULL);
        r = lc_response(c, id, 3000);
    }
    assert_non_null(r);
    assert_int_equal(lc_error_code(r), 0);
    assert_int_equal(lc_stop(c), 0);
}

static void test_utf8_positions_and_doc_claims(void **state) {
    (void)state;
    char *dir = fixture_workspace();
    char *root = lc_file_uri(dir);
    char path[4096], readme[4096];
    snprintf(path, sizeof path, "%s/store/store.go", dir);
    snprintf(readme, sizeof readme, "%s/README.md", dir);
    char *uri = lc_file_uri(path), *ruri = lc_file_uri(readme);
    char *text = read_text(path), *rtext = read_text(readme);
    /* utf-8 offered: the server takes it, and columns are bytes. */
    lc_client *c = started(
        json_pack("{s:{s:[s,s]}}", "general", "positionEncodings", "utf-8", "utf-16"), NULL, root);
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", uri, "languageId", "go",
                        "version", 1, "text", text));
    json_t *pub = lc_wait_method(c, "textDocument/publishDiagnostics", uri, 0, T);
    json_t *d = find_diag(json_object_get(json_object_get(pub, "params"), "diagnostics"),
                          "timeout.context");
    assert_non_null(d);
    json_t *start = json_object_get(json_object_get(d, "range"), "start");
    assert_int_equal(json_integer_value(json_object_get(start, "character")), 39);
    /* Hover on the same call, by its UTF-8 column. */
    json_t *h = result_of(req(c, "textDocument/hover",
                              json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri", uri,
                                        "position", "line", 27, "character", 40)));
    assert_non_null(strstr(str_at(json_object_get(h, "contents"), "value"), "timeout.context"));
    /* A claim in the README: hover names it and the hypotheses that could falsify it. */
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", ruri, "languageId",
                        "markdown", "version", 1, "text", rtext));
    h = result_of(req(c, "textDocument/hover",
                      json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri", ruri, "position",
                                "line", 5, "character", 3)));
    const char *md = str_at(json_object_get(h, "contents"), "value");
    assert_non_null(strstr(md, "claim"));
    assert_non_null(strstr(md, "idempotent"));
    json_t *claims =
        result_of(req(c, "faultline/claims", json_pack("{s:{s:s}}", "textDocument", "uri", ruri)));
    assert_int_equal(json_array_size(json_object_get(claims, "claims")), 2);
    assert_int_equal(lc_stop(c), 0);
    free(text);
    free(rtext);
    free(uri);
    free(ruri);
    free(root);
    lc_rmtree(dir);
    free(dir);
}

/* Cross-file facts come from the workspace index: a call in caller.go to a function of
 * retry.go whose body retries is a retry site of caller.go; editing retry.go (the wrapper
 * stops retrying) takes it away after the re-analysis. */
static void test_cross_file_wrappers(void **state) {
    (void)state;
    char *dir = lc_tempdir();
    const char *files[] = {"retry.go", "caller.go", NULL};
    for (int i = 0; files[i]; i++) {
        char src[4096], dst[4096];
        snprintf(src, sizeof src, "%s/tests/server/fixtures/wrappers/%s", FL_SOURCE_DIR, files[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, files[i]);
        char *t = read_text(src);
        lc_write_file(dst, t);
        free(t);
    }
    char *root = lc_file_uri(dir);
    char cpath[4096], rpath[4096];
    snprintf(cpath, sizeof cpath, "%s/caller.go", dir);
    snprintf(rpath, sizeof rpath, "%s/retry.go", dir);
    char *curi = lc_file_uri(cpath), *ruri = lc_file_uri(rpath);
    char *ctext = read_text(cpath), *rtext = read_text(rpath);
    lc_client *c = started(NULL, NULL, root);
    wait_index_ready(c);
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", curi, "languageId", "go",
                        "version", 1, "text", ctext));
    json_t *sites =
        result_of(req(c, "faultline/sites", json_pack("{s:{s:s}}", "textDocument", "uri", curi)));
    json_t *s0 = json_array_get(json_object_get(sites, "sites"), 0);
    assert_non_null(s0);
    assert_string_equal(str_at(s0, "rule"), "retry.wrapper-call");
    assert_string_equal(str_at(s0, "target"), "doWithRetries");
    /* The wrapper, opened and edited: its loop becomes a single call. */
    lc_notify(c, "textDocument/didOpen",
              json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", ruri, "languageId", "go",
                        "version", 1, "text", rtext));
    lc_notify(c, "textDocument/didChange",
              json_pack("{s:{s:s, s:i}, s:[{s:s}]}", "textDocument", "uri", ruri, "version", 2,
                        "contentChanges", "text",
                        "package wr\n\nfunc doWithRetries(op func() error) error {\n"
                        "\treturn op()\n}\n"));
    /* caller.go itself did not change: its cross-file facts are re-resolved. */
    sites =
        result_of(req(c, "faultline/sites", json_pack("{s:{s:s}}", "textDocument", "uri", curi)));
    assert_int_equal(json_array_size(json_object_get(sites, "sites")), 0);
    assert_int_equal(lc_stop(c), 0);
    free(ctext);
    free(rtext);
    free(curi);
    free(ruri);
    free(root);
    lc_rmtree(dir);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_before_initialize, lc_kill_all),
        cmocka_unit_test_teardown(test_initialize_result, lc_kill_all),
        cmocka_unit_test_teardown(test_negotiation, lc_kill_all),
        cmocka_unit_test_teardown(test_shutdown_then_requests, lc_kill_all),
        cmocka_unit_test_teardown(test_exit_codes, lc_kill_all),
        cmocka_unit_test_teardown(test_malformed_frames, lc_kill_all),
        cmocka_unit_test_teardown(test_partial_reads, lc_kill_all),
        cmocka_unit_test_teardown(test_huge_message, lc_kill_all),
        cmocka_unit_test_teardown(test_huge_then_eof, lc_kill_all),
        cmocka_unit_test_teardown(test_jsonrpc_errors, lc_kill_all),
        cmocka_unit_test_teardown(test_string_ids_and_cancel, lc_kill_all),
        cmocka_unit_test_teardown(test_incremental_sync, lc_kill_all),
        cmocka_unit_test_teardown(test_unparsable_files, lc_kill_all),
        cmocka_unit_test_teardown(test_requests_param_errors, lc_kill_all),
        cmocka_unit_test_teardown(test_pull_diagnostics, lc_kill_all),
        cmocka_unit_test_teardown(test_progress, lc_kill_all),
        cmocka_unit_test_teardown(test_watched_files_coverage, lc_kill_all),
        cmocka_unit_test_teardown(test_custom_requests, lc_kill_all),
        cmocka_unit_test_teardown(test_analysis_round_trip, lc_kill_all),
        cmocka_unit_test_teardown(test_code_action_create_file, lc_kill_all),
        cmocka_unit_test_teardown(test_plan_requests, lc_kill_all),
        cmocka_unit_test_teardown(test_mutation_storm, lc_kill_all),
        cmocka_unit_test_teardown(test_utf8_positions_and_doc_claims, lc_kill_all),
        cmocka_unit_test_teardown(test_cross_file_wrappers, lc_kill_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
