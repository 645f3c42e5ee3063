/*
 * read_detect.c — picks the history format from the content (or takes the one named) and
 * runs that reader: fl_history_read is the one entry point every checker's input goes
 * through.
 *
 * Detection, after a UTF-8 BOM and whitespace:
 *   `{"` → JSON lines: op-records when the first object has "op_id", "invoke_ts" or
 *          "process_id", else events;
 *   `[` then `{"` or `]` → one JSON array of events;
 *   `{:`, `[{:`, `(`, `[` + anything else, `;`, `#` → EDN;
 *   `<` and a `class="op ` element → the timeline page Knossos renders;
 *   any line containing "jepsen.util" → Jepsen's textual log;
 *   an empty input → an empty event history.
 * Data in: bytes; data out: an fl_history or an fl_error.
 */
#include "readers.h"

#include <string.h>

static const char *const format_names[] = {"auto", "events",     "ops",
                                           "edn",  "jepsen-log", "knossos-html"};

int fl_history_format_parse(const char *name) {
    if (!name || !*name) return FL_FORMAT_AUTO;
    for (int i = 0; i < (int)(sizeof format_names / sizeof *format_names); i++)
        if (strcmp(name, format_names[i]) == 0) return i;
    if (strcmp(name, "jsonl") == 0 || strcmp(name, "json") == 0) return FL_FORMAT_EVENTS;
    if (strcmp(name, "op-records") == 0) return FL_FORMAT_OPS;
    if (strcmp(name, "jepsen") == 0 || strcmp(name, "log") == 0) return FL_FORMAT_JEPSEN_LOG;
    return -1;
}

const char *fl_history_format_name(fl_history_format f) {
    if ((int)f < 0 || (size_t)f >= sizeof format_names / sizeof *format_names) return "?";
    return format_names[f];
}

static size_t skip_ws(const char *d, size_t len, size_t i) {
    while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n' || d[i] == ','))
        i++;
    return i;
}

static int first_object_is_op_record(const char *d, size_t len, size_t i) {
    const char *nl = memchr(d + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - d) : len;
    json_t *o = json_loadb(d + i, end - i, 0, NULL);
    int yes = o && (json_object_get(o, "op_id") || json_object_get(o, "invoke_ts") ||
                    json_object_get(o, "process_id"));
    json_decref(o);
    return yes;
}

static int mentions(const char *d, size_t len, const char *m) {
    size_t n = strlen(m);
    for (size_t i = 0; i + n <= len; i++)
        if (d[i] == m[0] && memcmp(d + i, m, n) == 0) return 1;
    return 0;
}

fl_history_format fl_history_detect(const char *d, size_t len) {
    size_t i = 0;
    if (len >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB &&
        (unsigned char)d[2] == 0xBF)
        i = 3;
    i = skip_ws(d, len, i);
    if (i >= len) return FL_FORMAT_EVENTS;
    char c = d[i];
    if (c == '{') {
        size_t j = skip_ws(d, len, i + 1);
        if (j < len && d[j] == '"')
            return first_object_is_op_record(d, len, i) ? FL_FORMAT_OPS : FL_FORMAT_EVENTS;
        if (j < len && d[j] == '}') return FL_FORMAT_EVENTS;
        return FL_FORMAT_EDN;
    }
    if (c == '[') {
        size_t j = skip_ws(d, len, i + 1);
        if (j >= len || d[j] == ']') return FL_FORMAT_EVENTS;
        if (d[j] == '{') {
            size_t k = skip_ws(d, len, j + 1);
            if (k < len && (d[k] == '"' || d[k] == '}')) return FL_FORMAT_EVENTS;
        }
        return FL_FORMAT_EDN;
    }
    if (c == '(' || c == ';' || c == '#') return FL_FORMAT_EDN;
    if (c == '<' && mentions(d, len, "class=\"op ")) return FL_FORMAT_KNOSSOS_HTML;
    if (mentions(d, len, "jepsen.util")) return FL_FORMAT_JEPSEN_LOG;
    return FL_FORMAT_AUTO;
}

int fl_history_read(const char *name, const char *data, size_t len, fl_history_format format,
                    fl_history *out, fl_error *err) {
    memset(out, 0, sizeof *out);
    if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
        (unsigned char)data[2] == 0xBF) { /* a UTF-8 byte order mark is not content */
        data += 3;
        len -= 3;
    }
    if (format == FL_FORMAT_AUTO) {
        format = fl_history_detect(data, len);
        if (format == FL_FORMAT_AUTO) {
            fl_error_set(err, name, 1, 1,
                         "expected a history: event JSONL, op-record JSONL, Jepsen EDN or "
                         "jepsen.util log lines (or name one with --format)");
            return -1;
        }
    }
    fl_history_builder *b = fl_history_builder_new(name, format);
    int rc;
    switch (format) {
        case FL_FORMAT_EVENTS:
            rc = fl_read_events_json(name, data, len, b, err);
            break;
        case FL_FORMAT_OPS:
            rc = fl_read_op_records(name, data, len, b, err);
            break;
        case FL_FORMAT_EDN:
            rc = fl_read_edn(name, data, len, b, err);
            break;
        case FL_FORMAT_JEPSEN_LOG:
            rc = fl_read_jepsen_log(name, data, len, b, err);
            break;
        case FL_FORMAT_KNOSSOS_HTML:
            rc = fl_read_knossos_html(name, data, len, b, err);
            break;
        default:
            fl_error_set(err, name, 0, 0, "expected a known history format");
            rc = -1;
    }
    if (rc < 0) {
        fl_history_builder_free(b);
        return -1;
    }
    fl_history_builder_finish(b, out);
    return 0;
}
