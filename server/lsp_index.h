/*
 * lsp_index.h — the workspace index: every source and doc file under the workspace
 * folders, analysed once at startup in slices between messages (with work-done progress
 * once the client acknowledged the token), then kept current from file-watcher events.
 * The analysis of each file is done by lsp_analysis.c (lsp_analysis_index_file); this file
 * owns the file list, the slicing and the progress protocol.
 */
#ifndef FL_LSP_INDEX_H
#define FL_LSP_INDEX_H

#include "lsp.h"

void lsp_index_start(lsp_server *s);
/* Drops the file list and starts over (new workspace folder, reanalyze command). */
void lsp_index_restart(lsp_server *s);
/* Analyses the next slice of files; returns true while there is more to do. */
bool lsp_index_step(lsp_server *s);
void lsp_index_free(lsp_server *s);
/* A watched file changed on disk (deleted: removed from the index). */
void lsp_index_file_changed(lsp_server *s, const char *path, bool deleted);
/* window/workDoneProgress/cancel for our token: stop reporting and stop indexing. */
void lsp_index_cancel_progress(lsp_server *s, json_t *token);
/* {"state", "files", "done", "elapsed_ms", "progress"} */
json_t *lsp_index_status(lsp_server *s);
/* The workspace-relative path of an absolute path (malloc'd): relative to the first root
 * that holds it, else the path itself. */
char *lsp_index_relpath(lsp_server *s, const char *path);
/* How long the idle loop may wait for input: short while workers are indexing. */
int lsp_index_wait_ms(lsp_server *s);
/* True once the first full pass finished. */
bool lsp_index_ready(lsp_server *s);

/* Implemented by lsp_analysis.c: read one file from disk into the analysis index
 * (deleted: forget it). `rel` is its workspace-relative path. */
void lsp_analysis_index_file(lsp_server *s, const char *path, const char *rel, bool deleted);
/* Called when a full pass finished (the analysis may resolve cross-file facts). */
void lsp_analysis_index_done(lsp_server *s);

#endif
