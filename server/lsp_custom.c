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
    lsp_reply_error(r, LSP_REQUEST_FAILED,
                    "the plan generator is not built yet: faultline/plan cannot produce a "
                    "plan in this build");
}

void lsp_h_check(lsp_server *s, json_t *p, lsp_reply *r) {
    if (!json_is_object(p)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS,
                        "params must be an object with \"model\" and \"history\"");
        return;
    }
    json_t *model = json_object_get(p, "model");
    json_t *hist = json_object_get(p, "history");
    if (!json_is_string(model) || !json_is_string(hist)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS,
                        "params.model and params.history (a history file path) are required "
                        "strings");
        return;
    }
    lsp_reply_error(r, LSP_REQUEST_FAILED,
                    "the checkers are not built yet: faultline/check cannot check histories "
                    "in this build");
}

void lsp_h_run(lsp_server *s, json_t *p, lsp_reply *r) {
    if (!s->allow_execution) {
        lsp_reply_error(r, LSP_REQUEST_FAILED,
                        "faultline/run is refused: the client did not set "
                        "initializationOptions.allowExecution (opening a folder never runs "
                        "its commands)");
        r->data = json_pack("{s:s}", "reason", "execution-not-allowed");
        return;
    }
    if (!json_is_object(p) || !json_is_string(json_object_get(p, "plan"))) {
        lsp_reply_error(r, LSP_INVALID_PARAMS,
                        "params.plan (the plan JSON path) is required; params.scenario and "
                        "params.seed are optional");
        return;
    }
    lsp_reply_error(r, LSP_REQUEST_FAILED,
                    "the executor is not built yet: faultline/run cannot run scenarios in this "
                    "build");
}
