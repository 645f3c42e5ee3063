/*
 * jepsen.h — helpers shared by the Jepsen-family checkers (set, queue, counter, ledger,
 * lease, exactly-once, unique-ids, monotonic-read, read-your-writes); checkers module
 * internal.
 *
 * Data in: fl_history ops. Data out: anomaly objects appended to the SPEC §3 result's
 * "anomalies" ({"type", "message", ...}), op descriptions, and a JSON-text key for values
 * (so elements of any JSON type can be counted in a jansson object used as a hash map).
 */
#ifndef FL_CHECKERS_JEPSEN_H
#define FL_CHECKERS_JEPSEN_H

#include "checker.h"

/* How many examples each anomaly type lists (counts are always complete). */
#define JEPSEN_EXAMPLES 32

/* {"op", "process", "type", "f", "value", "line"} of one op. */
json_t *jepsen_op_json(const fl_history *h, const fl_op *op);
/* "process 3, line 12" */
void jepsen_op_text(const fl_history *h, const fl_op *op, fl_buf *out);
/* Appends {"type": type, "message": message, ...fields of `extra`} to result.anomalies
 * (at most JEPSEN_EXAMPLES per type) and bumps result.anomaly_counts[type]. `extra` is
 * stolen and may be NULL. */
void jepsen_anomaly(json_t *result, const char *type, const char *message, json_t *extra);
/* Compact JSON text of a value, used as a hash key; malloc'd. */
char *jepsen_key(const json_t *v);
/* 1 when op->f is one of the names in the NULL-terminated list. */
int jepsen_f_in(const fl_op *op, const char *const *names);
/* Bad-input error for an op whose f the model does not know; returns -1. */
int jepsen_bad_op(const fl_history *h, const fl_op *op, const char *checker, const char *expected,
                  fl_error *err);
/* Integer of a JSON number (reals truncated); 0 with *ok = 0 when not a number. */
long long jepsen_int(const json_t *v, int *ok);

#endif
