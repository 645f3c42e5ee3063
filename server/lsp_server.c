/*
 * lsp_server.c — the language server's loop, lifecycle and dispatcher.
 *
 * Bytes enter from in_fd; lsp_frame.c cuts them into bodies and lsp_rpc.c classifies them.
 * Messages wait in a queue in arrival order ($/cancelRequest is applied as soon as it is
 * read, so a queued request it names is answered -32800 without being run). Requests are
 * answered from the handler table below; the lifecycle rules of LSP 3.17 are enforced here:
 * before `initialize` every request gets -32002 and notifications are dropped (except
 * `exit`); after `shutdown` requests get -32600; `exit` ends the loop with 0 after shutdown,
 * 1 otherwise; the end of input ends it the same way. When the queue is empty the loop
 * publishes diagnostics of changed documents, then advances the workspace index by a slice,
 * then waits for input (checking once a second that the client's process still lives).
 * Answers leave through lsp_send as framed JSON on out_fd.
 */
#include "lsp.h"
#include "lsp_features.h"
#include "lsp_index.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The largest message body accepted: 64 MiB (a whole big file in didOpen fits). */
#define MAX_BODY ((size_t)64 << 20)
/* Reading stops while this many messages wait (a flood must not eat all memory). */
#define QUEUE_LIMIT 4096

void lsp_reply_error(lsp_reply *r, int code, const char *fmt, ...) {
    r->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    if (r->result) {
        json_decref(r->result);
        r->result = NULL;
    }
}

void lsp_send(lsp_server *s, json_t *msg) {
    if (!msg) return;
    char *body = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    if (!body) return;
    if (lsp_write_frame(s->out_fd, body, strlen(body)) != 0) {
        /* The client is gone: nothing more can be said. */
        s->exit_now = true;
        s->exit_code = 1;
    }
    s->messages_out++;
    free(body);
}

void lsp_notify(lsp_server *s, const char *method, json_t *params) {
    lsp_send(s, lsp_make_notification(method, params));
}

void lsp_request(lsp_server *s, const char *method, json_t *params, lsp_response_fn fn, void *ctx) {
    int64_t id = ++s->next_id;
    if (s->nout == s->outcap) {
        s->outcap = s->outcap ? s->outcap * 2 : 8;
        s->out = fl_xrealloc(s->out, s->outcap * sizeof *s->out);
    }
    s->out[s->nout++] = (lsp_outgoing){id, fl_xstrdup(method), fn, ctx};
    lsp_send(s, lsp_make_request(json_integer(id), method, params));
}

void lsp_log(lsp_server *s, int type, const char *fmt, ...) {
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    lsp_notify(s, "window/logMessage", json_pack("{s:i, s:s}", "type", type, "message", text));
}

/* ---- the queue ------------------------------------------------------------------------- */

static void queue_push(lsp_server *s, lsp_msg *m) {
    if (s->qlen == s->qcap) {
        size_t ncap = s->qcap ? s->qcap * 2 : 64;
        lsp_msg *nq = fl_xcalloc(ncap, sizeof *nq);
        for (size_t i = 0; i < s->qlen; i++) nq[i] = s->queue[(s->qhead + i) % s->qcap];
        free(s->queue);
        s->queue = nq;
        s->qcap = ncap;
        s->qhead = 0;
    }
    s->queue[(s->qhead + s->qlen) % s->qcap] = *m;
    s->qlen++;
}

static bool queue_pop(lsp_server *s, lsp_msg *m) {
    if (s->qlen == 0) return false;
    *m = s->queue[s->qhead];
    s->qhead = (s->qhead + 1) % s->qcap;
    s->qlen--;
    return true;
}

static bool same_id(json_t *a, json_t *b) {
    return a && b && json_equal(a, b);
}

/* $/cancelRequest: marks the named request, queued or running. */
static void apply_cancel(lsp_server *s, json_t *params) {
    json_t *id = json_object_get(params, "id");
    if (!id) return;
    if (same_id(s->current_id, id)) s->current_cancelled = true;
    for (size_t i = 0; i < s->qlen; i++) {
        lsp_msg *q = &s->queue[(s->qhead + i) % s->qcap];
        if (q->kind == LSP_MSG_REQUEST && same_id(q->id, id)) q->cancelled = true;
    }
}

static void answer_invalid(lsp_server *s, lsp_msg *m) {
    if (m->silent) return;
    lsp_send(s, lsp_make_error(m->id, m->code, m->problem, NULL));
}

/* Reads what input is there (waiting up to timeout_ms for the first bytes) and queues the
 * messages. Returns -1 at the end of input, else 0. */
static int pump(lsp_server *s, int timeout_ms) {
    fl_buf body = FL_BUF_INIT;
    int rc = 0;
    for (int round = 0; round < 64 && s->qlen < QUEUE_LIMIT; round++) {
        for (;;) {
            int code = 0;
            char problem[256];
            enum lsp_frame_status st =
                lsp_reader_next(&s->in, &body, &code, problem, sizeof problem);
            if (st == LSP_FRAME_NEED_MORE) break;
            if (st == LSP_FRAME_EOF) {
                rc = -1;
                goto out;
            }
            if (st == LSP_FRAME_ERROR) {
                lsp_send(s, lsp_make_error(NULL, code, problem, NULL));
                continue;
            }
            s->messages_in++;
            lsp_msg m;
            lsp_msg_parse(body.data, body.len, &m);
            if (m.kind == LSP_MSG_NOTIFICATION && strcmp(m.method, "$/cancelRequest") == 0) {
                if (s->state != LSP_UNINITIALIZED) apply_cancel(s, m.params);
                lsp_msg_free(&m);
                continue;
            }
            queue_push(s, &m);
            if (s->qlen >= QUEUE_LIMIT) break;
        }
        if (s->qlen >= QUEUE_LIMIT) break;
        int fr = lsp_reader_fill(&s->in, round == 0 ? timeout_ms : 0);
        if (fr == 0) break;
        if (fr < 0) {
            /* Cut what is still buffered, then report the end. */
            timeout_ms = 0;
        }
    }
out:
    fl_buf_free(&body);
    return rc;
}

bool lsp_cancelled(lsp_server *s) {
    if (!s->current_cancelled) pump(s, 0);
    return s->current_cancelled;
}

/* ---- lifecycle ------------------------------------------------------------------------- */

static bool flag_at(json_t *root, const char *path) {
    json_t *v = root;
    char key[64];
    const char *p = path;
    while (v && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof key) return false;
        memcpy(key, p, n);
        key[n] = '\0';
        v = json_object_get(v, key);
        p = dot ? dot + 1 : p + n;
    }
    return v && (json_is_true(v) || json_is_object(v));
}

static void read_client_caps(lsp_server *s, json_t *caps) {
    lsp_client_caps *c = &s->caps;
    c->pull_diagnostics =
        json_is_object(json_object_get(json_object_get(caps, "textDocument"), "diagnostic"));
    c->diagnostic_refresh = flag_at(caps, "workspace.diagnostics.refreshSupport");
    c->work_done_progress = flag_at(caps, "window.workDoneProgress");
    c->code_action_literals = flag_at(caps, "textDocument.codeAction.codeActionLiteralSupport");
    c->watched_files_dynamic = flag_at(caps, "workspace.didChangeWatchedFiles.dynamicRegistration");
    c->related_information = flag_at(caps, "textDocument.publishDiagnostics.relatedInformation");
    c->version_support = flag_at(caps, "textDocument.publishDiagnostics.versionSupport");
    c->document_changes = flag_at(caps, "workspace.workspaceEdit.documentChanges");
    json_t *ops = json_object_get(
        json_object_get(json_object_get(caps, "workspace"), "workspaceEdit"), "resourceOperations");
    size_t i;
    json_t *op;
    json_array_foreach(ops, i,
                       op) if (json_is_string(op) && strcmp(json_string_value(op), "create") == 0)
        c->resource_create = true;

    /* Position encoding: UTF-16 unless the client offers UTF-8. */
    s->enc = LSP_ENC_UTF16;
    json_t *encs = json_object_get(json_object_get(caps, "general"), "positionEncodings");
    json_array_foreach(encs, i,
                       op) if (json_is_string(op) && strcmp(json_string_value(op), "utf-8") == 0)
        s->enc = LSP_ENC_UTF8;
}

static void add_root(lsp_server *s, const char *uri_or_path, bool is_uri) {
    char *path = is_uri ? lsp_uri_to_path(uri_or_path) : fl_xstrdup(uri_or_path);
    if (!path) return;
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') path[--n] = '\0';
    for (size_t i = 0; i < s->nroots; i++)
        if (strcmp(s->roots[i], path) == 0) {
            free(path);
            return;
        }
    s->roots = fl_xrealloc(s->roots, (s->nroots + 1) * sizeof *s->roots);
    s->roots[s->nroots++] = path;
}

static void h_initialize(lsp_server *s, json_t *p, lsp_reply *r) {
    if (p && !json_is_object(p)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS, "initialize needs an object of params");
        return;
    }
    json_t *caps = json_object_get(p, "capabilities");
    read_client_caps(s, caps);
    json_t *pid = json_object_get(p, "processId");
    if (json_is_integer(pid) && json_integer_value(pid) > 0)
        s->parent_pid = (long)json_integer_value(pid);
    json_t *opts = json_object_get(p, "initializationOptions");
    s->allow_execution = json_is_true(json_object_get(opts, "allowExecution"));

    json_t *folders = json_object_get(p, "workspaceFolders");
    size_t i;
    json_t *f;
    json_array_foreach(folders, i, f) {
        json_t *u = json_object_get(f, "uri");
        if (json_is_string(u)) add_root(s, json_string_value(u), true);
    }
    if (s->nroots == 0) {
        json_t *ru = json_object_get(p, "rootUri");
        json_t *rp = json_object_get(p, "rootPath");
        if (json_is_string(ru))
            add_root(s, json_string_value(ru), true);
        else if (json_is_string(rp))
            add_root(s, json_string_value(rp), false);
    }
    s->state = LSP_RUNNING;
    r->result = json_pack("{s:o, s:{s:s, s:s}}", "capabilities", lsp_server_capabilities(s),
                          "serverInfo", "name", "faultline", "version", FL_VERSION);
}

static void h_shutdown(lsp_server *s, json_t *p, lsp_reply *r) {
    s->state = LSP_SHUT_DOWN;
    r->result = json_null();
}

static void n_initialized(lsp_server *s, json_t *p) {
    if (s->initialized_received) return;
    s->initialized_received = true;
    lsp_on_initialized(s);
}

static void n_exit(lsp_server *s, json_t *p) {
    s->exit_now = true;
    s->exit_code = s->state == LSP_SHUT_DOWN ? 0 : 1;
}

static void n_ignore(lsp_server *s, json_t *p) {}

/* ---- the dispatch table ---------------------------------------------------------------- */

typedef struct request_row {
    const char *method;
    void (*fn)(lsp_server *s, json_t *params, lsp_reply *r);
} request_row;

typedef struct notification_row {
    const char *method;
    void (*fn)(lsp_server *s, json_t *params);
} notification_row;

static const request_row requests[] = {
    {"initialize", h_initialize},
    {"shutdown", h_shutdown},
    {"textDocument/hover", lsp_h_hover},
    {"textDocument/codeAction", lsp_h_code_action},
    {"textDocument/codeLens", lsp_h_code_lens},
    {"textDocument/diagnostic", lsp_h_diagnostic},
    {"workspace/executeCommand", lsp_h_execute_command},
    {"faultline/sites", lsp_h_sites},
    {"faultline/claims", lsp_h_claims},
    {"faultline/plan", lsp_h_plan},
    {"faultline/coverage", lsp_h_coverage},
    {"faultline/check", lsp_h_check},
    {"faultline/run", lsp_h_run},
    {"faultline/status", lsp_h_status},
    {NULL, NULL},
};

static const notification_row notifications[] = {
    {"initialized", n_initialized},
    {"exit", n_exit},
    {"textDocument/didOpen", lsp_n_did_open},
    {"textDocument/didChange", lsp_n_did_change},
    {"textDocument/didClose", lsp_n_did_close},
    {"textDocument/didSave", n_ignore},
    {"workspace/didChangeWatchedFiles", lsp_n_watched_files},
    {"workspace/didChangeConfiguration", n_ignore},
    {"workspace/didChangeWorkspaceFolders", lsp_n_workspace_folders},
    {"window/workDoneProgress/cancel", lsp_n_progress_cancel},
    {"$/setTrace", n_ignore},
    {NULL, NULL},
};

static void handle_response(lsp_server *s, lsp_msg *m) {
    json_t *idv = m->id;
    if (!json_is_integer(idv)) return;
    int64_t id = json_integer_value(idv);
    for (size_t i = 0; i < s->nout; i++) {
        if (s->out[i].id != id) continue;
        lsp_outgoing o = s->out[i];
        s->out[i] = s->out[--s->nout];
        json_t *err = json_object_get(m->root, "error");
        if (o.fn) o.fn(s, o.ctx, err ? NULL : json_object_get(m->root, "result"), err);
        free(o.method);
        return;
    }
}

static void handle_request(lsp_server *s, lsp_msg *m) {
    if (m->cancelled) {
        lsp_send(s,
                 lsp_make_error(m->id, LSP_REQUEST_CANCELLED, "the request was cancelled", NULL));
        return;
    }
    bool is_init = strcmp(m->method, "initialize") == 0;
    if (s->state == LSP_UNINITIALIZED && !is_init) {
        lsp_send(s, lsp_make_error(m->id, LSP_SERVER_NOT_INITIALIZED,
                                   "the server is not initialized: send initialize first", NULL));
        return;
    }
    if (s->state != LSP_UNINITIALIZED && is_init) {
        lsp_send(
            s, lsp_make_error(m->id, LSP_INVALID_REQUEST, "initialize was already received", NULL));
        return;
    }
    if (s->state == LSP_SHUT_DOWN) {
        lsp_send(s, lsp_make_error(m->id, LSP_INVALID_REQUEST,
                                   "the server is shut down: only exit is accepted", NULL));
        return;
    }
    const request_row *row = NULL;
    for (const request_row *r = requests; r->method; r++)
        if (strcmp(r->method, m->method) == 0) row = r;
    if (!row) {
        char text[300];
        snprintf(text, sizeof text, "unknown method %.200s", m->method);
        lsp_send(s, lsp_make_error(m->id, LSP_METHOD_NOT_FOUND, text, NULL));
        return;
    }
    lsp_reply r = {0};
    s->current_id = m->id;
    s->current_cancelled = false;
    row->fn(s, m->params, &r);
    s->current_id = NULL;
    if (r.code) {
        lsp_send(s, lsp_make_error(m->id, r.code, r.message, r.data));
        json_decref(r.result);
    } else {
        lsp_send(s, lsp_make_result(m->id, r.result));
    }
}

static void handle_notification(lsp_server *s, lsp_msg *m) {
    bool is_exit = strcmp(m->method, "exit") == 0;
    if (s->state == LSP_UNINITIALIZED && !is_exit) return; /* dropped, as LSP says */
    for (const notification_row *r = notifications; r->method; r++)
        if (strcmp(r->method, m->method) == 0) {
            r->fn(s, m->params);
            return;
        }
    /* Unknown notifications (including $/ ones) are ignored. */
}

static void handle(lsp_server *s, lsp_msg *m) {
    switch (m->kind) {
        case LSP_MSG_REQUEST:
            handle_request(s, m);
            break;
        case LSP_MSG_NOTIFICATION:
            handle_notification(s, m);
            break;
        case LSP_MSG_RESPONSE:
            handle_response(s, m);
            break;
        case LSP_MSG_INVALID:
            answer_invalid(s, m);
            break;
    }
}

static bool parent_alive(lsp_server *s) {
    if (s->parent_pid <= 0) return true;
    return !(kill((pid_t)s->parent_pid, 0) != 0 && errno == ESRCH);
}

int lsp_serve(int in_fd, int out_fd) {
    signal(SIGPIPE, SIG_IGN);
    lsp_server *s = fl_xcalloc(1, sizeof *s);
    lsp_reader_init(&s->in, in_fd, MAX_BODY);
    s->out_fd = out_fd;
    s->exit_code = 1;
    lsp_docs_init(&s->docs);
    s->docs.defer_parse = true;
    bool input_ended = false;
    while (!s->exit_now) {
        if (!input_ended && pump(s, 0) < 0) input_ended = true;
        lsp_msg m;
        if (queue_pop(s, &m)) {
            handle(s, &m);
            lsp_msg_free(&m);
            continue;
        }
        if (input_ended) {
            /* The client closed our input: exit as if it had sent exit. */
            s->exit_code = s->state == LSP_SHUT_DOWN ? 0 : 1;
            break;
        }
        if (lsp_idle_work(s)) continue;
        if (pump(s, lsp_index_wait_ms(s)) < 0) input_ended = true;
        if (!parent_alive(s)) {
            s->exit_code = 1;
            break;
        }
    }
    int code = s->exit_code;
    lsp_msg m;
    while (queue_pop(s, &m)) lsp_msg_free(&m);
    free(s->queue);
    for (size_t i = 0; i < s->nout; i++) free(s->out[i].method);
    free(s->out);
    lsp_features_free(s);
    lsp_docs_free(&s->docs);
    for (size_t i = 0; i < s->nroots; i++) free(s->roots[i]);
    free(s->roots);
    lsp_reader_free(&s->in);
    free(s);
    return code;
}
