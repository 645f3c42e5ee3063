/*
 * render_text.c — the readable text form of a check result (what `faultline check` prints
 * without --json).
 *
 * Data in: the SPEC §3 result object. Data out: lines appended to an fl_buf: a verdict line,
 * then for a violation each anomaly and the counterexample's op window as a table
 * (process, op, value, invoke, completion).
 */
#include "fl_checkers.h"

#include <stdlib.h>
#include <string.h>

static void put_json(fl_buf *out, const json_t *v) {
    if (!v) {
        fl_buf_puts(out, "-");
        return;
    }
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    fl_buf_puts(out, s ? s : "?");
    free(s);
}

static long long geti(const json_t *o, const char *k) {
    return (long long)json_integer_value(json_object_get(o, k));
}

/* "line 12 (t=1200)" or "never" */
static void put_point(fl_buf *out, const json_t *op, const char *line_key, const char *time_key,
                      const char *none) {
    json_t *line = json_object_get(op, line_key);
    if (!json_is_integer(line) || json_integer_value(line) == 0) {
        fl_buf_printf(out, "%-22s", none);
        return;
    }
    char tmp[64];
    json_t *t = json_object_get(op, time_key);
    if (json_is_integer(t))
        snprintf(tmp, sizeof tmp, "line %lld (t=%lld)", (long long)json_integer_value(line),
                 (long long)json_integer_value(t));
    else
        snprintf(tmp, sizeof tmp, "line %lld", (long long)json_integer_value(line));
    fl_buf_printf(out, "%-22s", tmp);
}

static void put_window(fl_buf *out, const json_t *ce) {
    const json_t *window = json_object_get(ce, "window");
    if (!json_is_array(window)) return;
    json_t *key = json_object_get(ce, "key");
    fl_buf_printf(out, "  smallest window that cannot be linearized (%zu ops",
                  json_array_size(window));
    if (key) {
        fl_buf_puts(out, ", key ");
        put_json(out, key);
    }
    fl_buf_puts(out, "):\n");
    fl_buf_printf(out, "    %-8s %-6s %-10s %-24s %-22s %s\n", "process", "type", "op", "value",
                  "invoke", "completion");
    size_t i;
    json_t *op;
    json_array_foreach(window, i, op) {
        fl_buf v = FL_BUF_INIT;
        put_json(&v, json_object_get(op, "value"));
        json_t *res = json_object_get(op, "result");
        if (res && !json_is_null(res) && !json_equal(res, json_object_get(op, "value"))) {
            fl_buf_puts(&v, " -> ");
            put_json(&v, res);
        }
        fl_buf p = FL_BUF_INIT;
        put_json(&p, json_object_get(op, "process"));
        const char *type = json_string_value(json_object_get(op, "type"));
        fl_buf_printf(out, "  %s %-8s %-6s %-10s %-24s ",
                      json_is_true(json_object_get(op, "failing")) ? "*" : " ", fl_buf_cstr(&p),
                      type ? type : "?", json_string_value(json_object_get(op, "f")),
                      fl_buf_cstr(&v));
        put_point(out, op, "invoke_line", "invoke_time", "-");
        fl_buf_puts(out, " ");
        put_point(out, op, "complete_line", "complete_time",
                  type && strcmp(type, "none") == 0 ? "never" : "-");
        while (out->len && out->data[out->len - 1] == ' ') out->data[--out->len] = 0;
        fl_buf_putc(out, '\n');
        fl_buf_free(&v);
        fl_buf_free(&p);
    }
    const char *msg = json_string_value(json_object_get(ce, "explanation"));
    if (msg) fl_buf_printf(out, "  %s\n", msg);
}

void fl_check_render_text(const json_t *r, fl_buf *out) {
    json_t *valid = json_object_get(r, "valid");
    const char *verdict = json_is_true(valid)    ? "valid"
                          : json_is_false(valid) ? "INVALID"
                                                 : "unknown";
    fl_buf_printf(out,
                  "%s: %s — %s checker, model %s, %lld ops (%lld ok, %lld info, %lld fail), "
                  "%.1f ms\n",
                  json_string_value(json_object_get(r, "file")), verdict,
                  json_string_value(json_object_get(r, "checker")),
                  json_string_value(json_object_get(r, "model")), geti(r, "ops"), geti(r, "ok"),
                  geti(r, "info"), geti(r, "fail"),
                  json_number_value(json_object_get(r, "elapsed_ms")));
    const char *cause = json_string_value(json_object_get(r, "cause"));
    if (cause && !json_is_boolean(valid))
        fl_buf_printf(out, "  gave up: %s budget exhausted; no answer is a guess\n", cause);
    json_t *anomalies = json_object_get(r, "anomalies");
    size_t i;
    json_t *a;
    json_array_foreach(anomalies, i, a) {
        const char *type = json_string_value(json_object_get(a, "type"));
        const char *msg = json_string_value(json_object_get(a, "message"));
        fl_buf_printf(out, "  %s: %s\n", type ? type : "anomaly", msg ? msg : "");
    }
    json_t *ce = json_object_get(r, "counterexample");
    if (json_is_object(ce)) put_window(out, ce);
}
