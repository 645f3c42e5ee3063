/*
 * lsp_analysis.c — placeholder bridge until the analyzers library is merged: documents are
 * reparsed incrementally and produce no findings.
 */
#include "lsp_analysis.h"
#include "lsp_index.h"

void lsp_analysis_update(lsp_server *s, lsp_doc *doc) {
    lsp_doc_reparse(&s->docs, doc);
    doc->dirty = true;
}

void lsp_analysis_closed(lsp_server *s, lsp_doc *doc) {}

json_t *lsp_analysis_diagnostics(lsp_server *s, lsp_doc *doc) {
    return json_array();
}

json_t *lsp_analysis_hover(lsp_server *s, lsp_doc *doc, uint32_t offset) {
    return NULL;
}

json_t *lsp_analysis_lenses(lsp_server *s, lsp_doc *doc) {
    return json_array();
}

json_t *lsp_analysis_actions(lsp_server *s, lsp_doc *doc, uint32_t start, uint32_t end) {
    return json_array();
}

void lsp_analysis_command(lsp_server *s, const char *command, json_t *args, lsp_reply *r) {
    lsp_reply_error(r, LSP_REQUEST_FAILED, "the analyzers are not built yet");
}

void lsp_analysis_sites(lsp_server *s, lsp_doc *doc, lsp_reply *r) {
    lsp_reply_error(r, LSP_REQUEST_FAILED, "the analyzers are not built yet");
}

void lsp_analysis_claims(lsp_server *s, lsp_doc *doc, lsp_reply *r) {
    lsp_reply_error(r, LSP_REQUEST_FAILED, "the analyzers are not built yet");
}

void lsp_analysis_free(struct lsp_analysis *a) {}

void lsp_analysis_index_file(lsp_server *s, const char *path, const char *rel, bool deleted) {}

void lsp_analysis_index_done(lsp_server *s) {}
