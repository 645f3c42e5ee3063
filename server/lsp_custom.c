/*
 * lsp_custom.c — the faultline/ requests: sites, claims, plan, coverage, check, run.
 *
 * Params enter as JSON objects (validated here: a wrong shape is -32602), the answer comes
 * from the analysis bridge, the coverage reader, or the checkers and executor libraries,
 * and leaves as the SPEC's JSON shapes. faultline/run is refused unless the client set
 * initializationOptions.allowExecution: opening a folder never runs its commands.
 */
#include "lsp_analysis.h"
#include "lsp_coverage.h"
#include "lsp_features.h"

#include "fl_analyzers.h"
#include "fl_checkers.h"
#include "fl_server.h"

#include <string.h>

/* An optional params.textDocument.uri: the document, NULL for the workspace; false when a
 * uri names a document that is not open (r is set). */
static bool optional_doc(lsp_server *s, json_t *p, lsp_doc **doc, lsp_reply *r) {
    *doc = NULL;
    if (p && !json_is_object(p)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS, "params must be an object");
        return false;
    }
    if (!json_object_get(p, "textDocument")) return true;
    *doc = lsp_doc_param(s, p, r);
    return *doc != NULL;
}

void lsp_h_sites(lsp_server *s, json_t *p, lsp_reply *r) {
    lsp_doc *doc;
    if (!optional_doc(s, p, &doc, r)) return;
    lsp_analysis_sites(s, doc, r);
}

void lsp_h_claims(lsp_server *s, json_t *p, lsp_reply *r) {
    lsp_doc *doc;
    if (!optional_doc(s, p, &doc, r)) return;
    lsp_analysis_claims(s, doc, r);
}

void lsp_h_coverage(lsp_server *s, json_t *p, lsp_reply *r) {
    if (p && !json_is_object(p)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS, "params must be an object");
        return;
    }
    r->result = lsp_coverage_json(s);
}

void lsp_h_plan(lsp_server *s, json_t *p, lsp_reply *r) {
    if (p && !json_is_object(p)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS, "params must be an object");
        return;
    }
    json_t *scope = json_object_get(p, "scope");
    const char *sc = json_is_string(scope) ? json_string_value(scope) : "project";
    if (scope && !json_is_string(scope)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS, "params.scope must be \"project\" or \"change\"");
        return;
    }
    if (strcmp(sc, "project") != 0 && strcmp(sc, "change") != 0) {
        lsp_reply_error(r, LSP_INVALID_PARAMS,
                        "params.scope must be \"project\" or \"change\", not \"%.100s\"", sc);
        return;
    }
    json_t *base = json_object_get(p, "base"), *head = json_object_get(p, "head");
    if ((base && !json_is_string(base)) || (head && !json_is_string(head))) {
        lsp_reply_error(r, LSP_INVALID_PARAMS, "params.base and params.head must be strings");
        return;
    }
    if (strcmp(sc, "change") == 0 && !base) {
        lsp_reply_error(r, LSP_INVALID_PARAMS, "a change-scoped plan needs params.base");
        return;
    }
    json_t *slug = json_object_get(p, "slug"), *write = json_object_get(p, "write");
    if ((slug && !json_is_string(slug)) || (write && !json_is_boolean(write))) {
        lsp_reply_error(r, LSP_INVALID_PARAMS,
                        "params.slug must be a string, params.write a "
                        "boolean");
        return;
    }
    if (!s->nroots) {
        lsp_reply_error(r, LSP_REQUEST_FAILED,
                        "no workspace folder: faultline/plan plans the repository of the "
                        "workspace");
        return;
    }
    fl_plan_options o;
    memset(&o, 0, sizeof o);
    o.repo = s->roots[0];
    o.base = strcmp(sc, "change") == 0 ? json_string_value(base) : NULL;
    o.head = o.base && head ? json_string_value(head) : NULL;
    o.slug = slug ? json_string_value(slug) : NULL;
    fl_plan *plan = NULL;
    fl_error err;
    fl_error_clear(&err);
    if (fl_plan_build(&o, &plan, &err) != 0) {
        lsp_reply_error(r, LSP_REQUEST_FAILED, "%s%s%s", err.path, err.path[0] ? ": " : "",
                        err.message);
        r->data = json_pack("{s:s, s:i}", "path", err.path, "line", err.line);
        return;
    }
    json_t *pj = fl_plan_json(plan);
    fl_buf md = FL_BUF_INIT;
    fl_plan_markdown(plan, &md);
    json_t *written = json_array();
    /* With write: the same two files `faultline plan` writes, atomically; coverage follows. */
    if (json_is_true(write)) {
        for (int js = 0; js < 2; js++) {
            fl_buf path = FL_BUF_INIT, text = FL_BUF_INIT;
            fl_buf_printf(&path, "%sdocs/testing-plans/%s.%s", fl_plan_root(plan),
                          fl_plan_slug(plan), js ? "json" : "md");
            if (js) {
                char *t = json_dumps(pj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
                fl_buf_puts(&text, t);
                fl_buf_putc(&text, '\n');
                free(t);
            } else {
                fl_buf_append(&text, md.data ? md.data : "", md.len);
            }
            if (fl_file_write_atomic(path.data, text.data, text.len, &err) != 0)
                lsp_reply_error(r, LSP_REQUEST_FAILED, "%s: %s", path.data, err.message);
            else
                json_array_append_new(written, json_string(path.data));
            fl_buf_free(&path);
            fl_buf_free(&text);
        }
    }
    if (r->code == 0) {
        r->result = json_pack("{s:s, s:b, s:O, s:s, s:O}", "slug", fl_plan_slug(plan), "early_exit",
                              fl_plan_early_exit(plan), "plan", pj, "markdown",
                              md.data ? md.data : "", "written", written);
        if (json_array_size(written)) lsp_coverage_reload(s);
    }
    json_decref(written);
    json_decref(pj);
    fl_buf_free(&md);
    fl_plan_free(plan);
}

/* faultline/check {"model", "checker"?, "history": path | "text": history bytes,
 * "consistency"?, "total"?, "timeout_s"?}: the SPEC §3 result object. A relative history
 * path is taken from the first workspace folder. The check runs with a time budget (30 s
 * unless timeout_s says otherwise, at most 600): past it the answer is "unknown", never a
 * guess, and the server is never held longer. */
void lsp_h_check(lsp_server *s, json_t *p, lsp_reply *r) {
    if (!json_is_object(p)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS,
                        "params must be an object with \"model\" and \"history\" (a path) or "
                        "\"text\" (the history itself)");
        return;
    }
    json_t *model = json_object_get(p, "model"), *checker = json_object_get(p, "checker");
    json_t *hist = json_object_get(p, "history"), *text = json_object_get(p, "text");
    json_t *cons = json_object_get(p, "consistency"), *total = json_object_get(p, "total");
    json_t *tmo = json_object_get(p, "timeout_s");
    if (!json_is_string(model) || (!json_is_string(hist) && !json_is_string(text)) ||
        (checker && !json_is_string(checker)) || (cons && !json_is_string(cons)) ||
        (total && !json_is_integer(total)) || (tmo && !json_is_number(tmo))) {
        lsp_reply_error(r, LSP_INVALID_PARAMS,
                        "params.model and params.history (a history file path) or params.text "
                        "(the history) are required strings; checker and consistency are "
                        "strings, total an integer, timeout_s a number");
        return;
    }
    fl_check_options o;
    fl_check_options_init(&o);
    o.model = json_string_value(model);
    o.checker = checker ? json_string_value(checker) : NULL;
    o.consistency = cons ? json_string_value(cons) : NULL;
    o.total = total ? (long long)json_integer_value(total) : -1;
    double t = tmo ? json_number_value(tmo) : 30.0;
    o.timeout_s = t > 0 && t <= 600 ? t : 30.0;
    char why[512];
    if (!fl_check_resolve(&o, why, sizeof why)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS, "%s", why);
        return;
    }
    fl_check_result res = {0};
    fl_error err;
    fl_error_clear(&err);
    int rc;
    if (hist) {
        const char *h = json_string_value(hist);
        fl_buf path = FL_BUF_INIT;
        if (h[0] != '/' && s->nroots)
            fl_buf_printf(&path, "%s/%s", s->roots[0], h);
        else
            fl_buf_puts(&path, h);
        rc = fl_check_path(path.data, &o, &res, &err);
        fl_buf_free(&path);
    } else {
        rc = fl_check_buffer("params.text", json_string_value(text), json_string_length(text), &o,
                             &res, &err);
    }
    if (rc != 0) {
        lsp_reply_error(r, LSP_REQUEST_FAILED, "%s%s%d: %s", err.path, err.path[0] ? ":" : "",
                        err.line, err.message);
        r->data =
            json_pack("{s:s, s:i, s:i}", "path", err.path, "line", err.line, "column", err.column);
        return;
    }
    r->result = json_incref(res.json);
    fl_check_result_free(&res);
}

/* faultline/run {"plan", "scenario"?, "seed"?, "out"?}: starts `faultline run` as a child
 * process (a run takes minutes; the server must keep answering) and answers at once with
 * its pid, command line and log. When the child ends, the server sends the notification
 * faultline/runFinished {pid, exitCode, log, out} and reloads coverage (the session's
 * verdicts). Refused unless the client set initializationOptions.allowExecution. */
void lsp_h_run(lsp_server *s, json_t *p, lsp_reply *r) {
    if (!s->allow_execution) {
        lsp_reply_error(r, LSP_REQUEST_FAILED,
                        "faultline/run is refused: the client did not set "
                        "initializationOptions.allowExecution (opening a folder never runs "
                        "its commands)");
        r->data = json_pack("{s:s}", "reason", "execution-not-allowed");
        return;
    }
    json_t *plan = json_object_get(p, "plan"), *sc = json_object_get(p, "scenario");
    json_t *seed = json_object_get(p, "seed"), *out = json_object_get(p, "out");
    if (!json_is_object(p) || !json_is_string(plan) || (sc && !json_is_string(sc)) ||
        (seed && !json_is_integer(seed)) || (out && !json_is_string(out))) {
        lsp_reply_error(r, LSP_INVALID_PARAMS,
                        "params.plan (the plan JSON path) is required; params.scenario and "
                        "params.out are strings, params.seed an integer");
        return;
    }
    if (!fl_command_find("run")) {
        lsp_reply_error(r, LSP_REQUEST_FAILED,
                        "the executor is not built yet: this faultline has no `run` command, "
                        "so faultline/run cannot run scenarios");
        return;
    }
    lsp_run_start(s, p, r);
}
