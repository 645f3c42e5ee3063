/*
 * lsp_client.h — a JSON-RPC test client for `faultline serve`, independent of the server's
 * own code: it starts the real binary with pipes, writes framed (or deliberately broken)
 * messages, reads framed answers with a timeout, and answers the server's own requests.
 */
#ifndef LSP_CLIENT_H
#define LSP_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct lc_client {
    pid_t pid;
    int to_server, from_server;
    char *buf; /* unread bytes from the server */
    size_t len, cap;
    json_t *seen;    /* every message received, in order */
    size_t consumed; /* lc_next returns seen[consumed...] */
    int next_id;
    int exit_status; /* after lc_wait_exit: the exit code, or 128+signal */
    bool exited;
    /* How to answer the server's requests: NULL → result null; otherwise this error code. */
    int refuse_progress; /* answer window/workDoneProgress/create with an error */
} lc_client;

/* Starts `faultline serve` (path from $FAULTLINE) with extra arguments (NULL-terminated). */
lc_client *lc_start(const char *const *extra_args);
/* Writes raw bytes. */
void lc_write_raw(lc_client *c, const void *data, size_t n);
/* Writes one framed message (body given as text). */
void lc_send_text(lc_client *c, const char *body);
/* Writes one framed JSON message (steals it). */
void lc_send(lc_client *c, json_t *msg);
/* Sends a request and returns its id. */
int lc_request(lc_client *c, const char *method, json_t *params /* stolen, may be NULL */);
void lc_notify(lc_client *c, const char *method, json_t *params /* stolen, may be NULL */);
/* The next message from the server within timeout_ms (borrowed; valid until lc_stop), or
 * NULL. Server→client requests are answered automatically (and still returned). */
json_t *lc_next(lc_client *c, int timeout_ms);
/* Waits for the response with this id (integer) — other messages are kept in `seen`. */
json_t *lc_response(lc_client *c, int id, int timeout_ms);
/* Waits for a response whose id is null (an error about an unreadable message) that
 * arrives at or after message index `after` (see lc_mark). */
json_t *lc_null_response(lc_client *c, size_t after, int timeout_ms);
/* The index the next received message will get. */
size_t lc_mark(lc_client *c);
/* Waits for a notification or request with this method (and, for publishDiagnostics, this
 * uri when uri != NULL) that arrives after message index `after`. */
json_t *lc_wait_method(lc_client *c, const char *method, const char *uri, size_t after,
                       int timeout_ms);
/* Count of messages with this method seen so far. */
size_t lc_count_method(lc_client *c, const char *method);
/* Standard initialize + initialized; capabilities may be NULL ({}). Returns the result. */
json_t *lc_initialize(lc_client *c, const char *root_uri, json_t *capabilities,
                      json_t *init_options);
/* Closes the server's stdin. */
void lc_close_input(lc_client *c);
/* Waits for the process to exit (kills it after timeout_ms); returns its exit status. */
int lc_wait_exit(lc_client *c, int timeout_ms);
/* Shutdown + exit, waits, frees everything; returns the exit status. */
int lc_stop(lc_client *c);
/* Frees (kills the server if it still runs). */
void lc_free(lc_client *c);

/* Kills every server still running (a cmocka teardown: a failed assertion skips lc_stop). */
int lc_kill_all(void **state);

/* Helpers. */
int lc_error_code(json_t *response); /* 0 when it is not an error */
char *lc_file_uri(const char *path); /* file:// URI (malloc'd) */
/* A fresh temporary folder (malloc'd path); lc_rmtree removes it. */
char *lc_tempdir(void);
void lc_rmtree(const char *path);
void lc_write_file(const char *path, const char *text);

#endif
