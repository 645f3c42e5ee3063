/*
 * lsp_rpc.c — JSON-RPC 2.0 messages: parsing and classifying a message body, and building
 * results, errors, notifications and requests.
 *
 * A body enters lsp_msg_parse as bytes and leaves as an lsp_msg: a request, a notification,
 * a response (to one of the server's own requests) or an invalid message with the error
 * code and sentence to answer with (-32700 for bad JSON, -32600 for a wrong shape, -32602
 * for params that are neither an object nor an array). Batches are not part of LSP and are
 * refused with -32600.
 */
#include "lsp.h"

#include <stdio.h>
#include <string.h>

static void invalid(lsp_msg *m, int code, const char *fmt, const char *arg) {
    m->kind = LSP_MSG_INVALID;
    m->code = code;
    snprintf(m->problem, sizeof m->problem, fmt, arg ? arg : "");
}

void lsp_msg_parse(const char *body, size_t len, lsp_msg *m) {
    memset(m, 0, sizeof *m);
    json_error_t jerr;
    m->root = json_loadb(body, len, JSON_DECODE_ANY, &jerr);
    if (!m->root) {
        m->kind = LSP_MSG_INVALID;
        m->code = LSP_PARSE_ERROR;
        snprintf(m->problem, sizeof m->problem, "invalid JSON at byte %d: %s", jerr.position,
                 jerr.text);
        return;
    }
    if (json_is_array(m->root)) {
        invalid(m, LSP_INVALID_REQUEST, "JSON-RPC batches are not supported by LSP%s", NULL);
        return;
    }
    if (!json_is_object(m->root)) {
        invalid(m, LSP_INVALID_REQUEST, "a JSON-RPC message must be an object%s", NULL);
        return;
    }
    json_t *id = json_object_get(m->root, "id");
    bool id_ok = id && (json_is_integer(id) || json_is_string(id));
    if (id_ok) m->id = id;
    json_t *ver = json_object_get(m->root, "jsonrpc");
    if (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0") != 0) {
        invalid(m, LSP_INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"%s", NULL);
        return;
    }
    json_t *method = json_object_get(m->root, "method");
    if (method) {
        if (!json_is_string(method)) {
            invalid(m, LSP_INVALID_REQUEST, "\"method\" must be a string%s", NULL);
            return;
        }
        m->method = json_string_value(method);
        if (id && !id_ok) {
            invalid(m, LSP_INVALID_REQUEST, "\"id\" must be an integer or a string%s", NULL);
            return;
        }
        json_t *params = json_object_get(m->root, "params");
        if (params && !json_is_null(params)) {
            if (!json_is_object(params) && !json_is_array(params)) {
                m->kind = LSP_MSG_INVALID;
                m->code = LSP_INVALID_PARAMS;
                m->silent = !id; /* a notification is never answered */
                snprintf(m->problem, sizeof m->problem,
                         "\"params\" of %s must be an object or an array", m->method);
                return;
            }
            m->params = params;
        }
        m->kind = id ? LSP_MSG_REQUEST : LSP_MSG_NOTIFICATION;
        return;
    }
    json_t *result = json_object_get(m->root, "result");
    json_t *error = json_object_get(m->root, "error");
    if (id_ok && ((result != NULL) != (error != NULL))) {
        m->kind = LSP_MSG_RESPONSE;
        return;
    }
    if (result || error) {
        invalid(m, LSP_INVALID_REQUEST,
                "a response needs an integer or string \"id\" and exactly one of \"result\" "
                "and \"error\"%s",
                NULL);
        m->silent = true; /* never answer something that looks like a response */
        return;
    }
    invalid(m, LSP_INVALID_REQUEST, "a JSON-RPC message needs a \"method\"%s", NULL);
}

void lsp_msg_free(lsp_msg *m) {
    json_decref(m->root);
    memset(m, 0, sizeof *m);
}

json_t *lsp_make_result(json_t *id, json_t *result) {
    return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(), "result",
                     result ? result : json_null());
}

json_t *lsp_make_error(json_t *id, int code, const char *message, json_t *data) {
    json_t *err = json_pack("{s:i, s:s}", "code", code, "message", message);
    if (data) json_object_set_new(err, "data", data);
    return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(), "error",
                     err);
}

json_t *lsp_make_notification(const char *method, json_t *params) {
    return json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", method, "params",
                     params ? params : json_object());
}

json_t *lsp_make_request(json_t *id, const char *method, json_t *params) {
    json_t *m = json_pack("{s:s, s:o, s:s}", "jsonrpc", "2.0", "id", id, "method", method);
    if (params) json_object_set_new(m, "params", params);
    return m;
}
