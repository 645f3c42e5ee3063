/*
 * lsp_features.h — what the language server answers, beyond the lifecycle: document sync,
 * diagnostics, hover, code lens, code actions, commands, the workspace index with its
 * progress, watched files and the custom faultline/ requests. The dispatcher
 * (lsp_server.c) calls these; each takes the request's params and fills an lsp_reply.
 */
#ifndef FL_LSP_FEATURES_H
#define FL_LSP_FEATURES_H

#include "lsp.h"

/* The InitializeResult capabilities, negotiated against s->caps. */
json_t *lsp_server_capabilities(lsp_server *s);
/* After `initialized`: register file watchers, start the workspace index. */
void lsp_on_initialized(lsp_server *s);
/* Work to do while no message waits (publish diagnostics, index a slice of files).
 * Returns true when it did something (the loop then checks for input again). */
bool lsp_idle_work(lsp_server *s);
void lsp_features_free(lsp_server *s);

/* notifications */
void lsp_n_did_open(lsp_server *s, json_t *p);
void lsp_n_did_change(lsp_server *s, json_t *p);
void lsp_n_did_close(lsp_server *s, json_t *p);
void lsp_n_watched_files(lsp_server *s, json_t *p);
void lsp_n_workspace_folders(lsp_server *s, json_t *p);
void lsp_n_progress_cancel(lsp_server *s, json_t *p);

/* requests */
void lsp_h_hover(lsp_server *s, json_t *p, lsp_reply *r);
void lsp_h_code_action(lsp_server *s, json_t *p, lsp_reply *r);
void lsp_h_code_lens(lsp_server *s, json_t *p, lsp_reply *r);
void lsp_h_diagnostic(lsp_server *s, json_t *p, lsp_reply *r);
void lsp_h_execute_command(lsp_server *s, json_t *p, lsp_reply *r);
void lsp_h_sites(lsp_server *s, json_t *p, lsp_reply *r);
void lsp_h_claims(lsp_server *s, json_t *p, lsp_reply *r);
void lsp_h_plan(lsp_server *s, json_t *p, lsp_reply *r);
void lsp_h_coverage(lsp_server *s, json_t *p, lsp_reply *r);
void lsp_h_check(lsp_server *s, json_t *p, lsp_reply *r);
void lsp_h_run(lsp_server *s, json_t *p, lsp_reply *r);
/* faultline/status: counters and state, for tests and for people debugging a client. */
void lsp_h_status(lsp_server *s, json_t *p, lsp_reply *r);

/* faultline/run's children (lsp_run.c). */
void lsp_run_start(lsp_server *s, json_t *p, lsp_reply *r);
bool lsp_run_poll(lsp_server *s);
bool lsp_run_active(void);
void lsp_run_stop_all(void);

#endif
