/*
 * render_html.c — one self-contained HTML page for check results (`faultline check --html`),
 * in the spirit of Porcupine's visualisation: per history and per key, a timeline with one
 * row per process and one bar per op from its invoke to its completion (ops that never
 * completed or whose outcome is unknown run to the right edge); ok ops blue, failed ops
 * grey, unknown outcomes orange. The ops of the smallest failing window are outlined in red
 * and the op any order got furthest to is filled red; the longest partial linearization the
 * search found is numbered on the bars (1, 2, 3... in linearization order) and listed with
 * the state after each op. Hovering a bar shows the op (process, f, value, lines, times).
 *
 * Data in: a JSON array of result objects carrying "details" (fl_check_options.want_details).
 * Data out: a malloc'd HTML string (inline CSS, no scripts, no external resources).
 */
#include "fl_checkers.h"

#include <stdlib.h>
#include <string.h>

static void esc(fl_buf *b, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
            case '<':
                fl_buf_puts(b, "&lt;");
                break;
            case '>':
                fl_buf_puts(b, "&gt;");
                break;
            case '&':
                fl_buf_puts(b, "&amp;");
                break;
            case '"':
                fl_buf_puts(b, "&quot;");
                break;
            default:
                fl_buf_putc(b, *s);
        }
    }
}

static void esc_json(fl_buf *b, const json_t *v) {
    if (!v) {
        fl_buf_puts(b, "-");
        return;
    }
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    esc(b, s ? s : "?");
    free(s);
}

static long long geti(const json_t *o, const char *k, long long dflt) {
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

static int same_key(const json_t *a, const json_t *b) {
    if (!a || !b) return !a && !b;
    return json_equal((json_t *)a, (json_t *)b);
}

static void op_label(fl_buf *b, const json_t *op) {
    fl_buf_puts(b, json_string_value(json_object_get(op, "f")));
    fl_buf_putc(b, ' ');
    const json_t *res = json_object_get(op, "result");
    const json_t *val = json_object_get(op, "value");
    if (res && !json_is_null(res) && !json_is_null(val) &&
        !json_equal((json_t *)res, (json_t *)val)) {
        esc_json(b, val);
        fl_buf_puts(b, " &#8594; ");
        esc_json(b, res);
    } else {
        esc_json(b, res && !json_is_null(res) ? res : val);
    }
}

static void op_title(fl_buf *b, const json_t *op) {
    fl_buf_puts(b, "process ");
    esc_json(b, json_object_get(op, "process"));
    fl_buf_puts(b, ": ");
    op_label(b, op);
    fl_buf_printf(b, " (%s)&#10;invoke: line %lld", json_string_value(json_object_get(op, "type")),
                  geti(op, "invoke_line", 0));
    if (json_object_get(op, "invoke_time"))
        fl_buf_printf(b, ", t=%lld", geti(op, "invoke_time", 0));
    if (geti(op, "complete_line", 0)) {
        fl_buf_printf(b, "&#10;completion: line %lld", geti(op, "complete_line", 0));
        if (json_object_get(op, "complete_time"))
            fl_buf_printf(b, ", t=%lld", geti(op, "complete_time", 0));
    } else {
        fl_buf_puts(b, "&#10;never completed");
    }
}

/* One timeline (one key of one history). */
static void timeline(fl_buf *b, const json_t *result, const json_t *part, const json_t *ops) {
    const json_t *pkey = json_object_get(part, "key");
    const json_t *ce = json_object_get(result, "counterexample");
    const json_t *window = json_object_get(ce, "window");
    const json_t *lin = json_object_get(part, "longest_partial_linearization");
    int is_failing_part = json_is_object(ce) && same_key(json_object_get(ce, "key"), pkey);
    /* the ops of this key, their processes and the time range */
    size_t n = json_array_size(ops), count = 0;
    long long maxpos = 1;
    json_t *procs = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *op = json_array_get(ops, i);
        if (!same_key(json_object_get(op, "key"), pkey)) continue;
        count++;
        long long c = geti(op, "complete_pos", -1), v = geti(op, "invoke_pos", 0);
        if (c > maxpos) maxpos = c;
        if (v + 1 > maxpos) maxpos = v + 1;
        json_t *p = json_object_get(op, "process");
        size_t k;
        json_t *q;
        int seen = 0;
        json_array_foreach(procs, k, q) if (json_equal(q, p)) seen = 1;
        if (!seen) json_array_append(procs, p);
    }
    maxpos += 2;
    double unit = 14.0;
    if (maxpos * unit > 9000) unit = 9000.0 / (double)maxpos;
    if (maxpos * unit < 700) unit = 700.0 / (double)maxpos;
    int left = 90, row = 24;
    double width = left + maxpos * unit + 20;
    size_t nprocs = json_array_size(procs);
    fl_buf_printf(b, "<h3>key ");
    if (pkey)
        esc_json(b, pkey);
    else
        fl_buf_puts(b, "(single object)");
    fl_buf_printf(b, " — %zu ops — %s</h3>\n", count,
                  json_is_true(json_object_get(part, "valid")) ? "linearizable"
                  : json_is_false(json_object_get(part, "valid"))
                      ? "<b class=bad>not linearizable</b>"
                      : "not decided");
    fl_buf_printf(b, "<div class=scroll><svg width=\"%.0f\" height=\"%zu\">\n", width,
                  (nprocs + 1) * (size_t)row + 10);
    for (size_t r = 0; r < nprocs; r++) {
        fl_buf_printf(b, "<text x=\"4\" y=\"%zu\" class=proc>", r * (size_t)row + 18);
        esc_json(b, json_array_get(procs, r));
        fl_buf_puts(b, "</text>");
        fl_buf_printf(b, "<line x1=\"%d\" x2=\"%.0f\" y1=\"%zu\" y2=\"%zu\" class=grid/>\n", left,
                      width, r * (size_t)row + 12, r * (size_t)row + 12);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *op = json_array_get(ops, i);
        if (!same_key(json_object_get(op, "key"), pkey)) continue;
        json_t *p = json_object_get(op, "process");
        size_t r = 0;
        while (r < nprocs && !json_equal(json_array_get(procs, r), p)) r++;
        long long idx = geti(op, "index", -1);
        long long x0 = geti(op, "invoke_pos", 0), x1 = geti(op, "complete_pos", -1);
        const char *type = json_string_value(json_object_get(op, "type"));
        int open = !type || strcmp(type, "info") == 0 || strcmp(type, "none") == 0;
        if (x1 < 0 || open) x1 = maxpos - 1;
        int in_window = 0, failing = 0;
        size_t k;
        json_t *w;
        if (is_failing_part) json_array_foreach(window, k, w) if (geti(w, "index", -2) == idx) {
                in_window = 1;
                failing = json_is_true(json_object_get(w, "failing"));
            }
        long long order = -1;
        json_t *step;
        json_array_foreach(lin, k, step) if (geti(step, "index", -2) == idx) order =
            (long long)k + 1;
        double x = left + x0 * unit, wdt = (x1 - x0) * unit;
        if (wdt < 4) wdt = 4;
        fl_buf_printf(b, "<g><title>");
        op_title(b, op);
        if (order > 0)
            fl_buf_printf(b, "&#10;linearized #%lld in the longest partial order", order);
        fl_buf_printf(
            b,
            "</title><rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"16\" class=\"%s%s%s%s\"/>",
            x, r * (size_t)row + 4, wdt, type ? type : "none", open ? " open" : "",
            in_window ? " window" : "", failing ? " failing" : "");
        fl_buf_printf(b, "<text x=\"%.1f\" y=\"%zu\" class=lbl>", x + 3, r * (size_t)row + 16);
        if (order > 0) fl_buf_printf(b, "#%lld ", order);
        op_label(b, op);
        fl_buf_puts(b, "</text></g>\n");
    }
    fl_buf_puts(b, "</svg></div>\n");
    json_decref(procs);
    /* the longest partial linearization, in order */
    if (json_array_size(lin) > 0 && !json_is_true(json_object_get(part, "valid"))) {
        fl_buf_printf(b, "<details><summary>longest partial linearization (%zu ops)</summary><ol>",
                      json_array_size(lin));
        size_t k;
        json_t *step;
        json_array_foreach(lin, k, step) {
            long long idx = geti(step, "index", -1);
            json_t *op = idx >= 0 ? json_array_get(ops, (size_t)idx) : NULL;
            fl_buf_puts(b, "<li>");
            if (op) {
                fl_buf_puts(b, "process ");
                esc_json(b, json_object_get(op, "process"));
                fl_buf_puts(b, " ");
                op_label(b, op);
            }
            fl_buf_puts(b, " &#8658; state ");
            esc_json(b, json_object_get(step, "state"));
            fl_buf_puts(b, "</li>");
        }
        fl_buf_puts(b, "</ol></details>\n");
    }
}

char *fl_check_render_html(const json_t *results) {
    fl_buf b = FL_BUF_INIT;
    fl_buf_puts(
        &b, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>faultline check</title>\n"
            "<style>\n"
            "body{font:14px system-ui,sans-serif;margin:20px;color:#222}\n"
            ".scroll{overflow-x:auto;border:1px solid #ddd;margin-bottom:8px}\n"
            "svg text{font:11px monospace}.proc{fill:#555}.lbl{fill:#000;pointer-events:none}\n"
            ".grid{stroke:#eee}rect{stroke:#888;stroke-width:1}\n"
            "rect.ok{fill:#9cc9f5}rect.fail{fill:#e4e4e4;stroke:#bbb}rect.info,rect.none{fill:#"
            "ffd08a}\n"
            "rect.open{stroke-dasharray:4 2}rect.window{stroke:#d00;stroke-width:2.5}\n"
            "rect.failing{fill:#f77}.bad{color:#c00}.ok{color:#080}\n"
            "table.win td,table.win th{padding:2px 8px;text-align:left;font:12px monospace}\n"
            ".legend span{display:inline-block;padding:1px 6px;margin-right:6px;border:1px solid "
            "#888}\n"
            "</style></head><body>\n<h1>faultline check</h1>\n"
            "<p class=legend><span style=\"background:#9cc9f5\">ok</span>"
            "<span style=\"background:#e4e4e4\">fail (no effect)</span>"
            "<span style=\"background:#ffd08a\">unknown outcome (may take effect any time "
            "after its invoke, or never)</span>"
            "<span style=\"border:2.5px solid #d00\">in the smallest failing window</span>"
            "<span style=\"background:#f77\">furthest op any order reached</span> "
            "#n: position in the longest partial linearization. Hover a bar for details.</p>\n");
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
        json_t *valid = json_object_get(r, "valid");
        fl_buf_puts(&b, "<section><h2>");
        esc(&b, json_string_value(json_object_get(r, "file")));
        fl_buf_printf(&b, " — <span class=%s>%s</span></h2>\n", json_is_true(valid) ? "ok" : "bad",
                      json_is_true(valid)    ? "valid"
                      : json_is_false(valid) ? "INVALID"
                                             : "unknown");
        fl_buf_printf(
            &b, "<p>model %s, checker %s, %lld ops (%lld ok, %lld info, %lld fail), %.1f ms</p>\n",
            json_string_value(json_object_get(r, "model")),
            json_string_value(json_object_get(r, "checker")), geti(r, "ops", 0), geti(r, "ok", 0),
            geti(r, "info", 0), geti(r, "fail", 0),
            json_number_value(json_object_get(r, "elapsed_ms")));
        json_t *ce = json_object_get(r, "counterexample");
        if (json_is_object(ce)) {
            fl_buf_puts(&b, "<p><b>");
            esc(&b, json_string_value(json_object_get(ce, "explanation")));
            fl_buf_puts(&b, "</b></p>\n<table class=win><tr><th></th><th>process</th><th>type</th>"
                            "<th>op</th><th>invoke</th><th>completion</th></tr>\n");
            size_t k;
            json_t *op;
            json_array_foreach(json_object_get(ce, "window"), k, op) {
                fl_buf_printf(&b, "<tr><td>%s</td><td>",
                              json_is_true(json_object_get(op, "failing")) ? "&#9654;" : "");
                esc_json(&b, json_object_get(op, "process"));
                fl_buf_printf(&b, "</td><td>%s</td><td>",
                              json_string_value(json_object_get(op, "type")));
                op_label(&b, op);
                fl_buf_printf(&b, "</td><td>line %lld</td><td>", geti(op, "invoke_line", 0));
                if (geti(op, "complete_line", 0))
                    fl_buf_printf(&b, "line %lld", geti(op, "complete_line", 0));
                else
                    fl_buf_puts(&b, "never");
                fl_buf_puts(&b, "</td></tr>\n");
            }
            fl_buf_puts(&b, "</table>\n");
        }
        json_t *details = json_object_get(r, "details");
        json_t *ops = json_object_get(details, "ops");
        json_t *parts = json_object_get(details, "partitions");
        /* the failing key first, then the others */
        json_t *p;
        size_t k;
        json_array_foreach(parts, k, p) if (json_is_false(json_object_get(p, "valid")))
            timeline(&b, r, p, ops);
        json_array_foreach(parts, k, p) if (!json_is_false(json_object_get(p, "valid")))
            timeline(&b, r, p, ops);
        if (!details) fl_buf_puts(&b, "<p>(no timeline: the checker gave no op details)</p>\n");
        fl_buf_puts(&b, "</section>\n");
    }
    fl_buf_puts(&b, "</body></html>\n");
    return fl_buf_take(&b);
}
