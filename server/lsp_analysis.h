/*
 * lsp_analysis.h — the bridge between the language server and the analyzers: a document's
 * findings (sites, claims, hypotheses and their coverage) turned into LSP answers.
 *
 * A document enters with lsp_analysis_update after each didOpen/didChange (it is
 * re-analysed there, reusing its edited tree); the answers leave as JSON built for the
 * negotiated position encoding: diagnostics, hover, code lenses, code actions, and the
 * faultline/sites and faultline/claims lists.
 */
#ifndef FL_LSP_ANALYSIS_H
#define FL_LSP_ANALYSIS_H

#include "lsp.h"

/* Re-analyses a document after it was opened or changed; marks it for publishing. */
void lsp_analysis_update(lsp_server *s, lsp_doc *doc);
/* After edits: carries the findings over (byte ranges shifted through doc->pending; sites
 * the edits touched are dropped until the re-analysis). Cheap. */
void lsp_analysis_shift(lsp_server *s, lsp_doc *doc);
/* Re-analyses now when edits are pending. */
void lsp_analysis_ensure(lsp_server *s, lsp_doc *doc);
/* Idle work: start the background re-analysis of edited documents, take finished ones;
 * true when it did something. */
bool lsp_analyse_pending(lsp_server *s);
/* A background re-analysis is running (the loop then polls input briefly). */
bool lsp_analysis_busy(lsp_server *s);
/* Waits for a document's background re-analysis and drops its result. */
void lsp_analysis_forget_job(lsp_server *s, lsp_doc *doc);
/* The document is closing: its file's facts go back to what is on disk. */
void lsp_analysis_closed(lsp_server *s, lsp_doc *doc);
/* LSP Diagnostic[] of the document, as JSON text appended to out. */
void lsp_analysis_diagnostics_text(lsp_server *s, lsp_doc *doc, fl_buf *out);
/* The same as a JSON value (new reference). */
json_t *lsp_analysis_diagnostics(lsp_server *s, lsp_doc *doc);
/* Hover at a byte offset, or NULL when there is nothing there. */
json_t *lsp_analysis_hover(lsp_server *s, lsp_doc *doc, uint32_t offset);
/* CodeLens[] of the document. */
json_t *lsp_analysis_lenses(lsp_server *s, lsp_doc *doc);
/* (Command | CodeAction)[] for the byte range [start, end). */
json_t *lsp_analysis_actions(lsp_server *s, lsp_doc *doc, uint32_t start, uint32_t end);
/* Runs a faultline.* command; fills r. */
void lsp_analysis_command(lsp_server *s, const char *command, json_t *args, lsp_reply *r);
/* faultline/sites and faultline/claims: the SPEC §1 JSON of one document (doc != NULL) or of
 * the workspace; fills r. */
void lsp_analysis_sites(lsp_server *s, lsp_doc *doc, lsp_reply *r);
void lsp_analysis_claims(lsp_server *s, lsp_doc *doc, lsp_reply *r);
/* Frees the workspace analysis state (at exit). */
void lsp_analysis_shutdown(lsp_server *s);
/* Frees an lsp_doc's analysis. */
void lsp_analysis_free(struct lsp_analysis *a);

/* lsp_sync.c helpers shared with the other feature files. */
lsp_doc *lsp_doc_param(lsp_server *s, json_t *p, lsp_reply *r);
void lsp_publish(lsp_server *s, lsp_doc *doc);
bool lsp_publish_dirty(lsp_server *s);

#endif
