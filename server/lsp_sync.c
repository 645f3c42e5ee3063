/*
 * lsp_sync.c — text document synchronisation and diagnostics delivery.
 *
 * didOpen/didChange/didClose enter here and update the document store (incremental sync:
 * each contentChanges entry is applied in order, the tree is edited, and the document is
 * re-analysed once per notification, reusing the edited tree). Diagnostics leave either as
 * pushed textDocument/publishDiagnostics (sent from the idle loop, so a burst of edits
 * costs one publish) or as the answer to a pull textDocument/diagnostic when the client
 * supports pull; a document is never both pushed and pulled.
 */
#include "lsp_analysis.h"
#include "lsp_features.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

static const char *get_str(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The document named by params.textDocument.uri, or NULL with the reply's error set. */
lsp_doc *lsp_doc_param(lsp_server *s, json_t *p, lsp_reply *r) {
    const char *uri = get_str(json_object_get(p, "textDocument"), "uri");
    if (!uri) {
        if (r) lsp_reply_error(r, LSP_INVALID_PARAMS, "params.textDocument.uri is required");
        return NULL;
    }
    lsp_doc *doc = lsp_docs_find(&s->docs, uri);
    if (doc) lsp_analysis_ensure(s, doc); /* answers use the findings of the current text */
    if (!doc && r)
        lsp_reply_error(r, LSP_INVALID_PARAMS, "document %.300s is not open (send didOpen first)",
                        uri);
    return doc;
}

void lsp_n_did_open(lsp_server *s, json_t *p) {
    json_t *td = json_object_get(p, "textDocument");
    const char *uri = get_str(td, "uri");
    json_t *text = json_object_get(td, "text");
    if (!uri || !json_is_string(text)) {
        lsp_log(s, 1, "didOpen ignored: textDocument.uri and textDocument.text are required");
        return;
    }
    json_t *ver = json_object_get(td, "version");
    lsp_doc *old = lsp_docs_find(&s->docs, uri);
    if (old) lsp_analysis_forget_job(s, old);
    lsp_doc *doc = lsp_docs_open(&s->docs, uri, get_str(td, "languageId"),
                                 json_is_integer(ver) ? json_integer_value(ver) : 0,
                                 json_string_value(text), json_string_length(text));
    lsp_analysis_update(s, doc);
}

void lsp_n_did_change(lsp_server *s, json_t *p) {
    /* Not lsp_doc_param: that waits for the re-analysis, which an edit must not do. */
    const char *uri = get_str(json_object_get(p, "textDocument"), "uri");
    lsp_doc *doc = uri ? lsp_docs_find(&s->docs, uri) : NULL;
    if (!doc) {
        lsp_log(s, 1, "didChange ignored: the document is not open");
        return;
    }
    json_t *changes = json_object_get(p, "contentChanges");
    if (!json_is_array(changes)) {
        lsp_log(s, 1, "didChange ignored: contentChanges must be an array");
        return;
    }
    size_t i;
    json_t *c;
    json_array_foreach(changes, i, c) {
        char problem[256];
        if (lsp_doc_apply_change(doc, c, s->enc, problem, sizeof problem) != 0) {
            /* The client's copy and ours may now differ: say so; later full syncs fix it. */
            lsp_log(s, 1, "didChange %s: change %zu skipped: %s", doc->uri, i, problem);
        }
    }
    json_t *ver = json_object_get(json_object_get(p, "textDocument"), "version");
    if (json_is_integer(ver)) doc->version = json_integer_value(ver);
    /* The findings are carried over through the edits and published at once; the idle loop
     * re-analyses and publishes again when the answer changed. A whole-document replacement
     * (or a document without findings yet) is analysed now. */
    if (doc->full_change || !doc->analysis) {
        lsp_analysis_update(s, doc);
    } else {
        lsp_analysis_shift(s, doc);
        doc->needs_analysis = true;
        doc->dirty = true;
    }
}

void lsp_n_did_close(lsp_server *s, json_t *p) {
    const char *uri = get_str(json_object_get(p, "textDocument"), "uri");
    lsp_doc *doc = uri ? lsp_docs_find(&s->docs, uri) : NULL;
    if (!doc) return;
    /* Pushed diagnostics of a closed file are cleared, as clients expect. */
    if (!s->caps.pull_diagnostics)
        lsp_notify(s, "textDocument/publishDiagnostics",
                   json_pack("{s:s, s:[]}", "uri", doc->uri, "diagnostics"));
    lsp_analysis_closed(s, doc);
    lsp_docs_close(&s->docs, doc->uri);
}

static uint64_t fnv(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

void lsp_publish(lsp_server *s, lsp_doc *doc) {
    doc->dirty = false;
    if (s->caps.pull_diagnostics) return;
    fl_buf d = FL_BUF_INIT;
    lsp_analysis_diagnostics_text(s, doc, &d);
    uint64_t h = fnv(d.data, d.len);
    /* The same diagnostics for the same version were already sent (a re-analysis that
     * confirmed the carried-over findings): nothing new to say. */
    if (doc->published_version == doc->version && doc->published_hash == h) {
        fl_buf_free(&d);
        return;
    }
    doc->published_version = doc->version;
    doc->published_hash = h;
    fl_buf m = FL_BUF_INIT;
    fl_buf_puts(&m, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\","
                    "\"params\":{\"uri\":");
    lsp_json_string(&m, doc->uri);
    fl_buf_printf(&m, ",\"version\":%lld,\"diagnostics\":", (long long)doc->version);
    fl_buf_append(&m, d.data, d.len);
    fl_buf_puts(&m, "}}");
    lsp_send_text(s, m.data, m.len);
    fl_buf_free(&m);
    fl_buf_free(&d);
}

bool lsp_publish_dirty(lsp_server *s) {
    bool did = false;
    for (size_t i = 0; i < s->docs.count; i++) {
        lsp_doc *doc = s->docs.items[i];
        if (!doc->dirty) continue;
        lsp_publish(s, doc);
        did = true;
    }
    return did;
}

void lsp_h_diagnostic(lsp_server *s, json_t *p, lsp_reply *r) {
    lsp_doc *doc = lsp_doc_param(s, p, r);
    if (!doc) return;
    doc->dirty = false;
    char rid[96];
    snprintf(rid, sizeof rid, "%lld-%lld", (long long)doc->version,
             (long long)s->coverage_generation);
    const char *prev = get_str(p, "previousResultId");
    if (prev && strcmp(prev, rid) == 0) {
        r->result = json_pack("{s:s, s:s}", "kind", "unchanged", "resultId", rid);
        return;
    }
    r->result = json_pack("{s:s, s:s, s:o}", "kind", "full", "resultId", rid, "items",
                          lsp_analysis_diagnostics(s, doc));
}
