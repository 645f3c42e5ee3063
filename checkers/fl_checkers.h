/*
 * fl_checkers.h — the public face of faultline's consistency checkers (SPEC.md §3).
 *
 * Callers (the `check` command, the executor, the language server) hand over a history, as a
 * file path or bytes in memory in any supported format, plus options naming the model and
 * optionally the checker; they get back a verdict and the SPEC §3 result object as jansson
 * JSON. Bad input returns -1 with an fl_error naming file, line and what was expected.
 *
 * Inside the module, histories are read by checkers/history.h and checked by the rows of
 * the checker registry (checkers/checker.h).
 */
#ifndef FL_CHECKERS_H
#define FL_CHECKERS_H

#include "fl_common.h"

#include <jansson.h>
#include <stddef.h>

typedef struct fl_check_options {
    const char *model;       /* "register", "cas-register", "kv", "set", ... (required) */
    const char *checker;     /* NULL: the model picks it (SPEC §3) */
    const char *format;      /* NULL: detect from content; or "events", "ops", "edn", "jepsen-log",
                                "knossos-html" */
    double timeout_s;        /* 0: no limit; budget hit → valid = unknown */
    size_t max_memory_bytes; /* 0: no limit; budget hit → valid = unknown */
    const char *consistency; /* elle only; NULL = serializable */
    long long total;         /* ledger only; < 0 when not given */
    int allow_negative;      /* ledger only: negative balances are allowed */
    int want_details;        /* 1: also fill json "details" used by --html (partial
                                linearizations, per-op data); 0 by default */
} fl_check_options;

typedef enum { FL_CHECK_VALID = 0, FL_CHECK_INVALID = 1, FL_CHECK_UNKNOWN = 3 } fl_check_verdict;

/* The result object: {"file", "valid": true|false|"unknown", "checker", "model", "format",
 * "ops", "ok", "info" (unknown outcomes, incl. never completed), "fail", "elapsed_ms",
 * "anomalies": [{"type", "message", ...}], "counterexample": null | {...}} plus
 * "cause": "timeout"|"memory" when a budget ran out, and checker-specific fields. The
 * linearizable checker adds "stats" {partitions, steps, cache_entries, peak_search_bytes}
 * and, for a violation, counterexample = {"key" (if any), "window": [op...] (op = {"index",
 * "process", "f", "key", "value", "result", "type", "invoke_line", "complete_line",
 * "invoke_pos", "complete_pos", "invoke_time", "complete_time", "failing": true on the op
 * any order got furthest to, "open": true on an ok op still running where the window ends}),
 * "failing_op", "start_states", "start_configurations": [{"state", "already_applied"}],
 * "explanation"}; with want_details also "details" {"ops", "partitions"} for the page. */
typedef struct fl_check_result {
    fl_check_verdict verdict;
    json_t *json; /* the result object above (owned; free with fl_check_result_free) */
} fl_check_result;

void fl_check_options_init(fl_check_options *o);
/* Reads and checks one history file. 0 on success (any verdict), -1 on bad input with err set
 * (file, line, what was expected). The result's json carries "file" = path. */
int fl_check_path(const char *path, const fl_check_options *o, fl_check_result *out, fl_error *err);
/* Same on a history already in memory (bytes of any supported format); `name` is used in
 * errors and as "file" in the result. */
int fl_check_buffer(const char *name, const char *data, size_t len, const fl_check_options *o,
                    fl_check_result *out, fl_error *err);
void fl_check_result_free(fl_check_result *r);

/* The registered checkers: i-th name for i < fl_checker_count() (static storage). */
size_t fl_checker_count(void);
const char *fl_checker_name(size_t i);
/* The checker a model uses when none is named (SPEC §3), or NULL for an unknown model. */
const char *fl_checker_default_for_model(const char *model);
/* 1 when `format` is one of the accepted --format names (or NULL). */
int fl_check_format_known(const char *format);
/* Checks that the options name a known model, checker and format and that the checker
 * accepts the model; returns the checker that will run (the model's default when none is
 * named), or NULL with a sentence in `why`. Callers use it to report bad usage early. */
const char *fl_check_resolve(const fl_check_options *o, char *why, size_t why_len);

/* Renders results (a JSON array of result objects from fl_check_* with want_details = 1, so
 * they carry the ops and partial linearizations) as one self-contained HTML page: per
 * history, a timeline of its ops per process, failing ops highlighted. Returns a malloc'd
 * string. */
char *fl_check_render_html(const json_t *results);
/* Renders a result as readable text (what `faultline check` prints without --json).
 * Appends to `out`. */
void fl_check_render_text(const json_t *result, fl_buf *out);

#endif
