/*
 * history.h — the in-memory history every checker reads, and the readers that build it
 * (checkers module internal; checkers include it, callers outside use fl_checkers.h).
 *
 * Data in: bytes in one of the SPEC §3 formats (event JSONL or a JSON array of events,
 * op-record JSONL, Jepsen EDN, Jepsen's textual `jepsen.util` log; also the timeline page
 * Knossos renders), detected from the content or named. Data out: an fl_history — the client
 * operations, each an invoke paired with its completion, in invoke order, with positions in one
 * real-time order; nemesis events kept apart. Values stay jansson JSON (EDN is mapped to JSON, see
 * below) so every checker sees one representation; a checker that needs speed converts them once
 * into its own compact form (the linearizability checker interns them into small integers).
 *
 * Pairing is strict (an error, never a guess): a completion from a process with no
 * outstanding invoke, a second invoke from a process with one outstanding, and any event
 * from a process after it completed with `info` are bad input, reported with file and line.
 *
 * EDN → JSON: nil → null, true/false, integers (with "N") → integer, floats (with "M") and
 * ratios → real, strings → string, keywords and symbols → string without the ':' (":read" →
 * "read", ":foo/bar" → "foo/bar"), vectors, lists and sets → array, maps → object whose keys
 * are the key's JSON text if not a string (keywords → name, 0 → "0"), tagged values → their
 * body, chars → one-character strings, `#_` discards and `;` comments dropped.
 */
#ifndef FL_CHECKERS_HISTORY_H
#define FL_CHECKERS_HISTORY_H

#include "fl_common.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* How an operation completed. */
typedef enum {
    FL_OP_OK = 0,   /* definitely took effect; `result` holds the completion's value */
    FL_OP_FAIL = 1, /* definitely did not take effect */
    FL_OP_INFO = 2, /* outcome unknown: `info` completion, or an op-record timeout / unknown
                       commit; may take effect at any point after its invoke, or never */
    FL_OP_NONE = 3, /* never completed before the end of the history: same meaning as INFO */
} fl_op_type;

#define FL_POS_NONE SIZE_MAX   /* complete_pos of an op that never completed */
#define FL_TIME_NONE INT64_MIN /* a time that was not given */

/* One client operation: an invoke and its completion. */
typedef struct fl_op {
    size_t index;        /* position in fl_history.ops (ops are sorted by invoke_pos) */
    int proc;            /* dense process number 0..nprocs-1, index into fl_history.processes */
    const char *f;       /* function as written without ':' ("read", "cas", "txn"...); owned
                            by the history */
    json_t *key;         /* the "key" field, NULL when absent (single object); owned (ref) */
    json_t *value;       /* the invoke's value (JSON null when absent); owned (ref) */
    json_t *result;      /* the completion's value; NULL when there is no completion or the
                            completion carried none (an `info :timed-out`); owned (ref) */
    json_t *error;       /* the completion's "error" field, NULL when absent; owned (ref) */
    fl_op_type type;     /* ok / fail / info / none */
    size_t invoke_pos;   /* position of the invoke in the real-time order of all client
                            events (0-based; invokes and completions each take one slot) */
    size_t complete_pos; /* position of the completion; FL_POS_NONE for FL_OP_NONE; for an
                            op-record timeout it is the op's slot after every other event */
    int64_t invoke_time; /* ns as written ("time" / "invoke_ts"), FL_TIME_NONE if absent */
    int64_t complete_time;
    int invoke_line;        /* 1-based source line of the invoke (op-records: the record) */
    int complete_line;      /* 1-based source line of the completion; 0 when none */
    json_t *invoke_event;   /* the whole invoke object as read, for extra fields ("node",
                               ...); op-records: the record. NULL when the event had only the
                               standard fields (process, type, f, key, value, error, time,
                               index): the fast readers then skip building it. Owned (ref). */
    json_t *complete_event; /* the same for the completion (op-records: the record); NULL
                               when there is none or it had only standard fields */
} fl_op;

/* A nemesis (fault) event, kept apart from client ops. */
typedef struct fl_nemesis_event {
    json_t *event;    /* the object as read; owned (ref) */
    const char *f;    /* its "f" ("start", "kill", ...), "" when absent; points into `event` */
    const char *type; /* "invoke", "info", ... ("" when absent); points into `event` */
    size_t pos;       /* number of client events before it in the real-time order */
    int64_t time;     /* FL_TIME_NONE if absent */
    int line;         /* 1-based source line */
} fl_nemesis_event;

typedef enum {
    FL_FORMAT_AUTO = 0,
    FL_FORMAT_EVENTS,       /* event JSONL, or one JSON array of events */
    FL_FORMAT_OPS,          /* op-record JSONL */
    FL_FORMAT_EDN,          /* Jepsen EDN */
    FL_FORMAT_JEPSEN_LOG,   /* jepsen.util log lines */
    FL_FORMAT_KNOSSOS_HTML, /* the timeline page Knossos renders (some conformance data) */
} fl_history_format;

typedef struct fl_history {
    char *name;               /* file name used in errors and results */
    fl_history_format format; /* the format that was read */
    fl_op *ops;               /* client ops sorted by invoke_pos */
    size_t nops;
    json_t **processes; /* processes[proc] = the process as written (integer or string) */
    int nprocs;
    fl_nemesis_event *nemesis;
    size_t nnemesis;
    size_t nevents; /* number of client events (slots of the real-time order) */
    size_t count_ok, count_fail, count_info; /* count_info includes never-completed ops */
} fl_history;

/* "events", "ops", "edn", "jepsen-log", "knossos-html" → format; NULL or "" → AUTO; -1 when
 * unknown. */
int fl_history_format_parse(const char *name);
const char *fl_history_format_name(fl_history_format f);
/* Guesses the format from the first bytes (see read_detect.c for the rules). */
fl_history_format fl_history_detect(const char *data, size_t len);

/* Reads a history from bytes. `name` appears in errors. Returns 0, or -1 with err set. */
int fl_history_read(const char *name, const char *data, size_t len, fl_history_format format,
                    fl_history *out, fl_error *err);
void fl_history_free(fl_history *h);

/* The op's logical value: the completion's value when it is ok and not null (reads are
 * invoked with null and completed with what they read), else the invoke's value. Never
 * NULL (JSON null when neither is set). */
json_t *fl_op_logical_value(const fl_op *op);
/* "ok", "fail", "info", "none". */
const char *fl_op_type_name(fl_op_type t);
/* The process as text ("3", "nemesis", "client-a"); written into `buf` of size n. */
const char *fl_history_process_text(const fl_history *h, int proc, char *buf, size_t n);
/* 1 when op `a` completed before op `b` was invoked (real-time precedence). Ops that never
 * completed or whose outcome is unknown precede nothing. */
int fl_op_precedes(const fl_op *a, const fl_op *b);

/* ---- building a history (used by the readers; also handy for tests) ------------------- */

typedef enum { FL_EV_INVOKE, FL_EV_OK, FL_EV_FAIL, FL_EV_INFO } fl_event_type;

/* One event as a reader found it. The builder takes its own references. */
typedef struct fl_raw_event {
    json_t *process; /* integer or string; "nemesis" marks a fault event */
    fl_event_type type;
    const char *f;  /* without ':' */
    json_t *key;    /* NULL when absent */
    json_t *value;  /* NULL when absent */
    json_t *error;  /* NULL when absent */
    json_t *object; /* the whole event as JSON (may be NULL) */
    int64_t time;   /* FL_TIME_NONE when absent */
    int line;
} fl_raw_event;

typedef struct fl_history_builder fl_history_builder;

fl_history_builder *fl_history_builder_new(const char *name, fl_history_format format);
/* Adds one event in real-time order. Returns 0, or -1 with err set (pairing rules). */
int fl_history_builder_add(fl_history_builder *b, const fl_raw_event *ev, fl_error *err);
/* Adds a nemesis event (process "nemesis"); `object` is referenced. */
void fl_history_builder_add_nemesis(fl_history_builder *b, json_t *object, int line);
/* Adds one whole op whose real-time positions the caller computed (the op-record reader):
 * no pairing checks; ops must be added in increasing invoke_pos. `complete` is NULL for an
 * op that never completed; type FL_EV_INFO for an unknown outcome. */
void fl_history_builder_add_op(fl_history_builder *b, const fl_raw_event *invoke,
                               const fl_raw_event *complete, size_t invoke_pos,
                               size_t complete_pos);
/* Finishes: open invokes become FL_OP_NONE. Frees the builder. */
void fl_history_builder_finish(fl_history_builder *b, fl_history *out);
void fl_history_builder_free(fl_history_builder *b);

#endif
