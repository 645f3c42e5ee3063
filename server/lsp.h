/*
 * lsp.h — internals of `faultline serve`, the JSON-RPC language server (LSP 3.17 over stdio).
 *
 * Data enters as bytes on stdin: lsp_frame.c cuts them into Content-Length framed bodies,
 * lsp_rpc.c turns a body into a classified JSON-RPC message, lsp_server.c queues and
 * dispatches it. Documents live in lsp_docs.c (text + incremental tree-sitter tree),
 * positions are converted in lsp_text.c, the workspace index is built in lsp_index.c, and
 * the answers (diagnostics, hover, lens, actions, faultline/...) are made in
 * lsp_features.c and lsp_custom.c. Everything leaves as framed JSON on stdout.
 * The server is single-threaded: long work runs in slices between messages, and long
 * requests poll the input for `$/cancelRequest`.
 */
#ifndef FL_LSP_H
#define FL_LSP_H

#include "fl_common.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

struct fl_language;

/* ---- JSON-RPC error codes (LSP 3.17) ----------------------------------------------------- */
enum {
    LSP_PARSE_ERROR = -32700,
    LSP_INVALID_REQUEST = -32600,
    LSP_METHOD_NOT_FOUND = -32601,
    LSP_INVALID_PARAMS = -32602,
    LSP_INTERNAL_ERROR = -32603,
    LSP_SERVER_NOT_INITIALIZED = -32002,
    LSP_UNKNOWN_ERROR = -32001,
    LSP_REQUEST_FAILED = -32803,
    LSP_SERVER_CANCELLED = -32802,
    LSP_CONTENT_MODIFIED = -32801,
    LSP_REQUEST_CANCELLED = -32800,
};

/* ---- framing (lsp_frame.c) --------------------------------------------------------------- */

/* Reads Content-Length framed messages from a file descriptor. Robust against partial reads,
 * malformed headers (it reports the problem and resynchronises on the next
 * "Content-Length:"), and huge bodies (reported, then skipped without being buffered). */
typedef struct lsp_reader {
    int fd;
    char *buf; /* bytes read but not consumed are buf[pos, len) */
    size_t len, pos, cap;
    size_t max_body;   /* larger bodies are refused and skipped */
    uint64_t skipping; /* bytes of a refused body still to discard */
    bool eof;          /* read() returned 0 or a hard error */
} lsp_reader;

enum lsp_frame_status {
    LSP_FRAME_MESSAGE,   /* *body holds one message body */
    LSP_FRAME_NEED_MORE, /* no complete message buffered */
    LSP_FRAME_EOF,       /* input ended (a partial message at the end is dropped) */
    LSP_FRAME_ERROR,     /* malformed frame; problem/code say what; the reader resynchronised */
};

void lsp_reader_init(lsp_reader *r, int fd, size_t max_body);
void lsp_reader_free(lsp_reader *r);
/* Waits up to timeout_ms (-1: forever, 0: do not wait) for input and appends what is there.
 * Returns 1 when bytes arrived, 0 on timeout, -1 at end of input. */
int lsp_reader_fill(lsp_reader *r, int timeout_ms);
/* Cuts the next message out of the buffered bytes (never reads). On LSP_FRAME_ERROR,
 * *code is the JSON-RPC error code to answer with and problem the sentence. */
enum lsp_frame_status lsp_reader_next(lsp_reader *r, fl_buf *body, int *code, char *problem,
                                      size_t problem_size);

/* Writes one framed message to fd. Returns 0, or -1 when the output is gone. */
int lsp_write_frame(int fd, const char *body, size_t len);

/* ---- JSON-RPC messages (lsp_rpc.c) ------------------------------------------------------- */

enum lsp_msg_kind {
    LSP_MSG_REQUEST,      /* method + id */
    LSP_MSG_NOTIFICATION, /* method, no id */
    LSP_MSG_RESPONSE,     /* id + result or error: the answer to one of our requests */
    LSP_MSG_INVALID,      /* answer with error code/problem (to id when it is known, else null) */
};

typedef struct lsp_msg {
    enum lsp_msg_kind kind;
    json_t *root;       /* the whole message (owned) */
    const char *method; /* borrowed from root; NULL for responses */
    json_t *id;         /* borrowed: integer or string; NULL for notifications/unknown */
    json_t *params;     /* borrowed: object, array, or NULL when absent/null */
    int code;           /* LSP_MSG_INVALID: the error code */
    char problem[256];  /* LSP_MSG_INVALID: why */
    bool silent;        /* LSP_MSG_INVALID that must not be answered (a notification or a
                           malformed response) */
    bool cancelled;     /* a $/cancelRequest for this request arrived while it waited */
} lsp_msg;

/* Parses and classifies one body. Always fills *m (root may be NULL on a parse error). */
void lsp_msg_parse(const char *body, size_t len, lsp_msg *m);
void lsp_msg_free(lsp_msg *m);

/* Message builders: each returns a new reference. `id` may be NULL (→ null). */
json_t *lsp_make_result(json_t *id, json_t *result /* stolen; NULL → null */);
json_t *lsp_make_error(json_t *id, int code, const char *message, json_t *data /* stolen */);
json_t *lsp_make_notification(const char *method, json_t *params /* stolen */);
json_t *lsp_make_request(json_t *id /* stolen */, const char *method, json_t *params /* stolen */);
/* Appends s as a JSON string literal; invalid UTF-8 bytes become U+FFFD. */
void lsp_json_string(fl_buf *b, const char *s);

/* ---- text and positions (lsp_text.c) ----------------------------------------------------- */

enum lsp_encoding { LSP_ENC_UTF16 = 0, LSP_ENC_UTF8 = 1, LSP_ENC_UTF32 = 2 };

/* A document's text with the byte offset where each line starts. Lines end at "\n", "\r\n"
 * or "\r". */
typedef struct lsp_text {
    fl_buf buf;
    uint32_t *lines; /* lines[i] = byte offset of line i; nlines >= 1 */
    uint32_t nlines, lines_cap;
} lsp_text;

typedef struct lsp_pos {
    uint32_t line, character; /* 0-based; character in the negotiated encoding */
} lsp_pos;

void lsp_text_init(lsp_text *t, const char *data, size_t len);
void lsp_text_free(lsp_text *t);
/* Byte offset for an LSP position: a character past the end of its line means the end of
 * the line, a line past the end means the end of the text. */
uint32_t lsp_text_offset(const lsp_text *t, lsp_pos p, enum lsp_encoding enc);
/* LSP position of a byte offset (clamped to the text; inside a UTF-8 sequence → its start). */
lsp_pos lsp_text_position(const lsp_text *t, uint32_t offset, enum lsp_encoding enc);
/* Row and byte column (tree-sitter's TSPoint) of a byte offset. */
TSPoint lsp_text_point(const lsp_text *t, uint32_t offset);
/* Byte offset of a 0-based row and byte column (clamped to the line). */
uint32_t lsp_text_offset_of_point(const lsp_text *t, uint32_t row, uint32_t column);
/* Replaces bytes [start, end) with `ins`; keeps the line table right. Fills *edit (may be
 * NULL) with the matching tree-sitter edit. */
void lsp_text_replace(lsp_text *t, uint32_t start, uint32_t end, const char *ins, size_t n,
                      TSInputEdit *edit);
/* Length of the line's content without its end-of-line bytes. */
uint32_t lsp_text_line_length(const lsp_text *t, uint32_t line);

/* ---- documents (lsp_docs.c) -------------------------------------------------------------- */

struct lsp_analysis;

typedef struct lsp_doc {
    char *uri;                      /* the client's exact URI string (echoed back) */
    char *path;                     /* local path decoded from a file: URI, else NULL */
    char *language_id;              /* what the client said in didOpen */
    const struct fl_language *lang; /* the grammar, NULL when faultline does not read it */
    int64_t version;
    lsp_text text;
    TSTree *tree;                  /* NULL when not parsed (unknown language or parse failure) */
    bool parse_failed;             /* the parser gave up (cancelled/timeout): answers degrade */
    uint64_t edits;                /* incremental edits applied to the tree since didOpen */
    uint64_t reparses;             /* incremental reparses done */
    struct lsp_analysis *analysis; /* findings for `analysis_version`, or NULL */
    int64_t analysis_version;
    bool dirty;           /* changed since diagnostics were last published */
    bool needs_analysis;  /* edited since the last analysis: the findings are carried over
                             (shifted through `pending`) until the idle loop re-analyses */
    bool full_change;     /* a whole-document replacement is pending: nothing to carry over */
    bool needs_refresh;   /* another file changed: re-resolve the cross-file facts */
    TSInputEdit *pending; /* the edits since the last analysis, in order */
    size_t npending, pending_cap;
    void *job;               /* lsp_analysis.c's background re-analysis, or NULL */
    uint64_t published_hash; /* of the last pushed diagnostics, and their version */
    int64_t published_version;
    char *last_result_id; /* pull diagnostics: resultId of the last full answer */
} lsp_doc;

typedef struct lsp_docs {
    lsp_doc **items;
    size_t count, cap;
    TSParser *parser;
    bool defer_parse; /* lsp_docs_open leaves parsing to the caller (the analysis does it) */
} lsp_docs;

void lsp_docs_init(lsp_docs *d);
void lsp_docs_free(lsp_docs *d);
lsp_doc *lsp_docs_find(lsp_docs *d, const char *uri);
/* Opens (or reopens) a document and parses it. */
lsp_doc *lsp_docs_open(lsp_docs *d, const char *uri, const char *language_id, int64_t version,
                       const char *text, size_t len);
void lsp_docs_close(lsp_docs *d, const char *uri);
/* Applies one contentChanges entry. Returns 0, or -1 with problem set (bad shape). The tree
 * is edited (ts_tree_edit) but not reparsed: call lsp_doc_reparse after the batch. */
int lsp_doc_apply_change(lsp_doc *doc, json_t *change, enum lsp_encoding enc, char *problem,
                         size_t problem_size);
/* Reparses with the edited old tree (incremental). */
void lsp_doc_reparse(lsp_docs *d, lsp_doc *doc);
/* file:///a%20b/c.go → /a b/c.go (malloc'd), NULL when not a file URI. */
char *lsp_uri_to_path(const char *uri);
/* /a b/c.go → file:///a%20b/c.go (malloc'd). */
char *lsp_path_to_uri(const char *path);

/* ---- the server (lsp_server.c) ----------------------------------------------------------- */

struct lsp_server;
struct lsp_index;

/* What a request handler hands back: a result (NULL means null) or an error. */
typedef struct lsp_reply {
    json_t *result;
    int code;          /* 0: success; otherwise the JSON-RPC error code */
    char message[512]; /* the error's sentence */
    json_t *data;      /* optional error data (owned) */
} lsp_reply;

void lsp_reply_error(lsp_reply *r, int code, const char *fmt, ...) FL_PRINTF(3, 4);

/* Called when the client answers one of our requests: exactly one of result/error is set. */
typedef void (*lsp_response_fn)(struct lsp_server *s, void *ctx, json_t *result, json_t *error);

typedef struct lsp_outgoing {
    int64_t id;
    char *method;
    lsp_response_fn fn;
    void *ctx;
} lsp_outgoing;

enum lsp_state { LSP_UNINITIALIZED, LSP_RUNNING, LSP_SHUT_DOWN };

typedef struct lsp_client_caps {
    bool pull_diagnostics;       /* textDocument.diagnostic */
    bool diagnostic_refresh;     /* workspace.diagnostics.refreshSupport */
    bool work_done_progress;     /* window.workDoneProgress */
    bool code_action_literals;   /* textDocument.codeAction.codeActionLiteralSupport */
    bool watched_files_dynamic;  /* workspace.didChangeWatchedFiles.dynamicRegistration */
    bool related_information;    /* textDocument.publishDiagnostics.relatedInformation */
    bool version_support;        /* textDocument.publishDiagnostics.versionSupport */
    bool workspace_edit_changes; /* any client; documentChanges when it says so */
    bool document_changes;       /* workspace.workspaceEdit.documentChanges */
    bool resource_create;        /* workspace.workspaceEdit.resourceOperations has "create" */
} lsp_client_caps;

typedef struct lsp_server {
    lsp_reader in;
    int out_fd;
    enum lsp_state state;
    bool initialized_received;
    bool exit_now;
    int exit_code;
    enum lsp_encoding enc;
    lsp_client_caps caps;
    bool allow_execution; /* initializationOptions.allowExecution */
    long parent_pid;      /* processId from initialize, 0 when none */
    char **roots;         /* workspace folders as local paths */
    size_t nroots;
    lsp_docs docs;

    lsp_msg *queue; /* messages read but not handled yet, in arrival order */
    size_t qhead, qlen, qcap;
    json_t *current_id; /* the request being handled, or NULL */
    bool current_cancelled;

    int64_t next_id; /* ids of our own requests */
    lsp_outgoing *out;
    size_t nout, outcap;

    void *coverage;              /* lsp_coverage.c's state */
    void *analysis;              /* lsp_analysis.c's workspace state (analyzer + index) */
    struct lsp_index *index;     /* the workspace index (sites/claims of files on disk) */
    int64_t coverage_generation; /* bumps when plans or session results change */

    uint64_t messages_in, messages_out; /* counters (for faultline/status in tests) */
} lsp_server;

/* Sends a message already serialised as JSON text. */
void lsp_send_text(lsp_server *s, const char *body, size_t len);
/* Sends a message (steals it). Write failure ends the server. */
void lsp_send(lsp_server *s, json_t *msg);
void lsp_notify(lsp_server *s, const char *method, json_t *params /* stolen */);
/* Sends a request to the client; fn (may be NULL) gets its answer. */
void lsp_request(lsp_server *s, const char *method, json_t *params /* stolen */, lsp_response_fn fn,
                 void *ctx);
/* For long handlers: reads pending input and says whether the current request was
 * cancelled by $/cancelRequest. */
bool lsp_cancelled(lsp_server *s);
void lsp_log(lsp_server *s, int type, const char *fmt, ...) FL_PRINTF(3, 4);

/* Runs the server on the given descriptors until exit; returns the exit code. */
int lsp_serve(int in_fd, int out_fd);

#endif
