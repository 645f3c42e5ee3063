/*
 * jepsen_util.c — small helpers of the Jepsen-family checkers (see jepsen.h): op JSON and
 * text, anomaly objects with per-type counts, value keys, op-name tests and errors.
 *
 * Data in: history ops and values. Data out: JSON added to the result object; fl_error.
 */
#include "jepsen.h"

#include <stdlib.h>
#include <string.h>

json_t *jepsen_op_json(const fl_history *h, const fl_op *op) {
    json_t *o = json_object();
    json_object_set_new(o, "op", json_integer((json_int_t)op->index));
    json_object_set(o, "process", h->processes[op->proc]);
    json_object_set_new(o, "type", json_string(fl_op_type_name(op->type)));
    json_object_set_new(o, "f", json_string(op->f));
    if (op->key) json_object_set(o, "key", op->key);
    json_object_set(o, "value", fl_op_logical_value(op));
    json_object_set_new(o, "line", json_integer(op->invoke_line));
    if (op->complete_line) json_object_set_new(o, "complete_line", json_integer(op->complete_line));
    return o;
}

void jepsen_op_text(const fl_history *h, const fl_op *op, fl_buf *out) {
    char p[64];
    fl_buf_printf(out, "the %s %s of process %s at line %d", fl_op_type_name(op->type), op->f,
                  fl_history_process_text(h, op->proc, p, sizeof p), op->invoke_line);
}

void jepsen_anomaly(json_t *result, const char *type, const char *message, json_t *extra) {
    json_t *counts = json_object_get(result, "anomaly_counts");
    if (!counts) {
        counts = json_object();
        json_object_set_new(result, "anomaly_counts", counts);
    }
    json_t *c = json_object_get(counts, type);
    long long n = c ? (long long)json_integer_value(c) : 0;
    json_object_set_new(counts, type, json_integer(n + 1));
    if (n >= JEPSEN_EXAMPLES) {
        json_decref(extra);
        return;
    }
    json_t *a = json_object();
    json_object_set_new(a, "type", json_string(type));
    json_object_set_new(a, "message", json_string(message));
    if (extra) {
        json_object_update(a, extra);
        json_decref(extra);
    }
    json_array_append_new(json_object_get(result, "anomalies"), a);
    if (!json_is_object(json_object_get(result, "counterexample"))) {
        json_t *ce = json_deep_copy(a);
        json_object_set_new(ce, "explanation", json_string(message));
        json_object_set_new(result, "counterexample", ce);
    }
}

char *jepsen_key(const json_t *v) {
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
    return s ? s : fl_xstrdup("null");
}

int jepsen_f_in(const fl_op *op, const char *const *names) {
    for (; *names; names++)
        if (strcmp(op->f, *names) == 0) return 1;
    return 0;
}

int jepsen_bad_op(const fl_history *h, const fl_op *op, const char *checker, const char *expected,
                  fl_error *err) {
    fl_error_set(err, h->name, op->invoke_line, 0,
                 "the %s checker does not know f \"%s\"; expected %s", checker, op->f, expected);
    return -1;
}

long long jepsen_int(const json_t *v, int *ok) {
    if (json_is_integer(v)) {
        *ok = 1;
        return (long long)json_integer_value(v);
    }
    if (json_is_real(v)) {
        *ok = 1;
        return (long long)json_real_value(v);
    }
    *ok = 0;
    return 0;
}
