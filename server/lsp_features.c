/*
 * lsp_features.c — capability negotiation and the standard LSP requests that sit on top of
 * the analysis: hover, code action, code lens, executeCommand; plus what happens after
 * `initialized` (file watchers, the workspace index) and in idle time.
 *
 * Params enter as JSON from the dispatcher; positions are converted to byte offsets with
 * the negotiated encoding, the analysis bridge (lsp_analysis.c) builds the answer, and the
 * reply leaves through the lsp_reply.
 */
#include "lsp_analysis.h"
#include "lsp_coverage.h"
#include "lsp_features.h"
#include "lsp_index.h"

#include <stdio.h>
#include <string.h>

/* Commands the server executes (ids are globally unique: VS Code registers them). */
static const char *const commands[] = {"faultline.addScenario", "faultline.markReviewed",
                                       "faultline.reanalyze", "faultline.showCoverage", NULL};

json_t *lsp_server_capabilities(lsp_server *s) {
    json_t *caps = json_object();
    json_object_set_new(caps, "positionEncoding",
                        json_string(s->enc == LSP_ENC_UTF8 ? "utf-8" : "utf-16"));
    json_object_set_new(
        caps, "textDocumentSync",
        json_pack("{s:b, s:i, s:{s:b}}", "openClose", 1, "change", 2, "save", "includeText", 0));
    if (s->caps.pull_diagnostics)
        json_object_set_new(caps, "diagnosticProvider",
                            json_pack("{s:s, s:b, s:b}", "identifier", "faultline",
                                      "interFileDependencies", 1, "workspaceDiagnostics", 0));
    json_object_set_new(caps, "hoverProvider", json_true());
    if (s->caps.code_action_literals)
        json_object_set_new(caps, "codeActionProvider",
                            json_pack("{s:[s,s], s:b}", "codeActionKinds", "quickfix", "refactor",
                                      "resolveProvider", 0));
    else
        json_object_set_new(caps, "codeActionProvider", json_true());
    json_object_set_new(caps, "codeLensProvider", json_pack("{s:b}", "resolveProvider", 0));
    json_t *cmds = json_array();
    for (const char *const *c = commands; *c; c++) json_array_append_new(cmds, json_string(*c));
    json_object_set_new(caps, "executeCommandProvider", json_pack("{s:o}", "commands", cmds));
    json_object_set_new(
        caps, "workspace",
        json_pack("{s:{s:b, s:b}}", "workspaceFolders", "supported", 1, "changeNotifications", 1));
    json_object_set_new(caps, "experimental",
                        json_pack("{s:[s,s,s,s,s,s,s], s:b}", "faultlineRequests",
                                  "faultline/sites", "faultline/claims", "faultline/plan",
                                  "faultline/coverage", "faultline/check", "faultline/run",
                                  "faultline/status", "allowExecution", s->allow_execution));
    return caps;
}

static void registered(lsp_server *s, void *ctx, json_t *result, json_t *error) {
    if (error) lsp_log(s, 2, "the client refused the file watchers; coverage updates on save");
}

void lsp_on_initialized(lsp_server *s) {
    lsp_coverage_load(s);
    if (s->caps.watched_files_dynamic) {
        /* Plans and session results: coverage follows them as they arrive. */
        json_t *watchers =
            json_pack("[{s:s}, {s:s}]", "globPattern", "**/docs/testing-plans/*.json",
                      "globPattern", "**/test-sessions/**/*.json");
        json_t *reg = json_pack("{s:[{s:s, s:s, s:{s:o}}]}", "registrations", "id",
                                "faultline-watch", "method", "workspace/didChangeWatchedFiles",
                                "registerOptions", "watchers", watchers);
        lsp_request(s, "client/registerCapability", reg, registered, NULL);
    }
    lsp_index_start(s);
}

bool lsp_idle_work(lsp_server *s) {
    if (lsp_run_poll(s)) return true;
    if (lsp_publish_dirty(s)) return true;
    if (lsp_analyse_pending(s)) return true;
    return lsp_index_step(s);
}

void lsp_features_free(lsp_server *s) {
    lsp_run_stop_all();
    lsp_index_free(s);
    lsp_coverage_free(s);
    lsp_analysis_shutdown(s);
}

/* Reads params.position into a byte offset of doc. */
static bool position_param(lsp_server *s, json_t *pos, lsp_doc *doc, uint32_t *offset) {
    json_t *l = json_object_get(pos, "line"), *c = json_object_get(pos, "character");
    if (!json_is_integer(l) || !json_is_integer(c) || json_integer_value(l) < 0 ||
        json_integer_value(c) < 0)
        return false;
    json_int_t lv = json_integer_value(l), cv = json_integer_value(c);
    lsp_pos p = {lv > UINT32_MAX ? UINT32_MAX : (uint32_t)lv,
                 cv > UINT32_MAX ? UINT32_MAX : (uint32_t)cv};
    *offset = lsp_text_offset(&doc->text, p, s->enc);
    return true;
}

void lsp_h_hover(lsp_server *s, json_t *p, lsp_reply *r) {
    lsp_doc *doc = lsp_doc_param(s, p, r);
    if (!doc) return;
    uint32_t off;
    if (!position_param(s, json_object_get(p, "position"), doc, &off)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS,
                        "params.position needs non-negative integer line and character");
        return;
    }
    r->result = lsp_analysis_hover(s, doc, off);
}

void lsp_h_code_action(lsp_server *s, json_t *p, lsp_reply *r) {
    lsp_doc *doc = lsp_doc_param(s, p, r);
    if (!doc) return;
    json_t *range = json_object_get(p, "range");
    uint32_t a, b;
    if (!position_param(s, json_object_get(range, "start"), doc, &a) ||
        !position_param(s, json_object_get(range, "end"), doc, &b)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS, "params.range needs start and end positions");
        return;
    }
    if (b < a) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    r->result = lsp_analysis_actions(s, doc, a, b);
}

void lsp_h_code_lens(lsp_server *s, json_t *p, lsp_reply *r) {
    lsp_doc *doc = lsp_doc_param(s, p, r);
    if (!doc) return;
    r->result = lsp_analysis_lenses(s, doc);
}

void lsp_h_execute_command(lsp_server *s, json_t *p, lsp_reply *r) {
    json_t *cmd = json_object_get(p, "command");
    if (!json_is_string(cmd)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS, "params.command must be a string");
        return;
    }
    const char *name = json_string_value(cmd);
    bool known = false;
    for (const char *const *c = commands; *c; c++)
        if (strcmp(*c, name) == 0) known = true;
    if (!known) {
        lsp_reply_error(r, LSP_INVALID_PARAMS, "unknown command %.200s", name);
        return;
    }
    json_t *args = json_object_get(p, "arguments");
    if (args && !json_is_array(args)) {
        lsp_reply_error(r, LSP_INVALID_PARAMS, "params.arguments must be an array");
        return;
    }
    if (strcmp(name, "faultline.reanalyze") == 0) {
        lsp_index_restart(s);
        for (size_t i = 0; i < s->docs.count; i++) lsp_analysis_update(s, s->docs.items[i]);
        r->result = json_null();
        return;
    }
    if (strcmp(name, "faultline.showCoverage") == 0) {
        r->result = lsp_coverage_json(s);
        return;
    }
    lsp_analysis_command(s, name, args, r);
}

void lsp_n_watched_files(lsp_server *s, json_t *p) {
    json_t *changes = json_object_get(p, "changes");
    size_t i;
    json_t *c;
    bool coverage = false;
    json_array_foreach(changes, i, c) {
        json_t *u = json_object_get(c, "uri");
        json_t *t = json_object_get(c, "type"); /* 1 created, 2 changed, 3 deleted */
        if (!json_is_string(u)) continue;
        char *path = lsp_uri_to_path(json_string_value(u));
        if (!path) continue;
        if (lsp_coverage_is_input(path))
            coverage = true;
        else
            lsp_index_file_changed(s, path, json_is_integer(t) && json_integer_value(t) == 3);
        free(path);
    }
    if (coverage) lsp_coverage_reload(s);
}

void lsp_n_workspace_folders(lsp_server *s, json_t *p) {
    /* New folders are indexed; removed ones stay indexed until restart (harmless). */
    json_t *added = json_object_get(json_object_get(p, "event"), "added");
    size_t i;
    json_t *f;
    bool any = false;
    json_array_foreach(added, i, f) {
        char *path = lsp_uri_to_path(json_string_value(json_object_get(f, "uri")));
        if (!path) continue;
        bool dup = false;
        for (size_t k = 0; k < s->nroots; k++)
            if (strcmp(s->roots[k], path) == 0) dup = true;
        if (dup) {
            free(path);
            continue;
        }
        s->roots = fl_xrealloc(s->roots, (s->nroots + 1) * sizeof *s->roots);
        s->roots[s->nroots++] = path;
        any = true;
    }
    if (any) {
        lsp_coverage_reload(s);
        lsp_index_restart(s);
    }
}

void lsp_n_progress_cancel(lsp_server *s, json_t *p) {
    lsp_index_cancel_progress(s, json_object_get(p, "token"));
}

void lsp_h_status(lsp_server *s, json_t *p, lsp_reply *r) {
    /* The state after every pending re-analysis. */
    for (size_t i = 0; i < s->docs.count; i++) lsp_analysis_ensure(s, s->docs.items[i]);
    json_t *docs = json_array();
    for (size_t i = 0; i < s->docs.count; i++) {
        lsp_doc *d = s->docs.items[i];
        json_array_append_new(
            docs, json_pack("{s:s, s:I, s:I, s:I, s:I, s:b, s:b, s:s}", "uri", d->uri, "version",
                            (json_int_t)d->version, "bytes", (json_int_t)d->text.buf.len, "edits",
                            (json_int_t)d->edits, "reparses", (json_int_t)d->reparses, "parsed",
                            d->tree != NULL, "parse_failed", d->parse_failed, "language",
                            d->lang ? "known" : "unknown"));
        if (d->tree) {
            json_object_set_new(json_array_get(docs, json_array_size(docs) - 1), "has_error",
                                json_boolean(ts_node_has_error(ts_tree_root_node(d->tree))));
        }
    }
    r->result =
        json_pack("{s:s, s:o, s:I, s:I, s:b, s:o, s:I}", "positionEncoding",
                  s->enc == LSP_ENC_UTF8 ? "utf-8" : "utf-16", "documents", docs, "messagesIn",
                  (json_int_t)s->messages_in, "messagesOut", (json_int_t)s->messages_out,
                  "allowExecution", s->allow_execution, "index", lsp_index_status(s), "generation",
                  (json_int_t)s->coverage_generation);
}
