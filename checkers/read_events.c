/*
 * read_events.c — the event reader (SPEC §3 format 1): one JSON object per line, or one
 * JSON array of the same objects (elle-cli's form). Also the shared step that turns an
 * event object (from JSON or EDN) into a builder event.
 *
 * Data in: bytes; data out: events added to the history builder in line order.
 */
#include "json_fast.h"
#include "readers.h"

#include <stdlib.h>
#include <string.h>

int fl_add_event_object(const char *name, json_t *obj, int line, fl_history_builder *b,
                        fl_error *err) {
    if (!json_is_object(obj)) {
        fl_error_set(err, name, line, 0,
                     "expected an event object {\"process\", \"type\", \"f\", ...}");
        return -1;
    }
    fl_raw_event ev;
    memset(&ev, 0, sizeof ev);
    ev.process = json_object_get(obj, "process");
    ev.object = obj;
    ev.line = line;
    if (!ev.process) {
        fl_error_set(err, name, line, 0, "expected a \"process\" field");
        return -1;
    }
    if (json_is_string(ev.process) && strcmp(json_string_value(ev.process), "nemesis") == 0) {
        fl_history_builder_add_nemesis(b, obj, line);
        return 0;
    }
    const char *type = json_string_value(json_object_get(obj, "type"));
    if (!type) {
        fl_error_set(err, name, line, 0, "expected a \"type\" field: invoke, ok, fail or info");
        return -1;
    }
    if (strcmp(type, "invoke") == 0)
        ev.type = FL_EV_INVOKE;
    else if (strcmp(type, "ok") == 0)
        ev.type = FL_EV_OK;
    else if (strcmp(type, "fail") == 0)
        ev.type = FL_EV_FAIL;
    else if (strcmp(type, "info") == 0)
        ev.type = FL_EV_INFO;
    else {
        fl_error_set(err, name, line, 0, "unknown type \"%s\"; expected invoke, ok, fail or info",
                     type);
        return -1;
    }
    json_t *f = json_object_get(obj, "f");
    if (f && !json_is_string(f)) {
        fl_error_set(err, name, line, 0, "expected \"f\" to be a string or keyword");
        return -1;
    }
    ev.f = f ? json_string_value(f) : NULL;
    ev.key = json_object_get(obj, "key");
    ev.value = json_object_get(obj, "value");
    ev.error = json_object_get(obj, "error");
    json_t *t = json_object_get(obj, "time");
    ev.time = json_is_integer(t) ? (int64_t)json_integer_value(t)
              : json_is_real(t)  ? (int64_t)json_real_value(t)
                                 : FL_TIME_NONE;
    return fl_history_builder_add(b, &ev, err);
}

/* One JSON array of events: parse it whole, then find each element's line by scanning
 * for the start of each top-level element. */
static int read_array(const char *name, const char *data, size_t len, fl_history_builder *b,
                      fl_error *err) {
    json_error_t je;
    json_t *arr = json_loadb(data, len, 0, &je);
    if (!arr || !json_is_array(arr)) {
        fl_error_set(err, name, je.line > 0 ? je.line : 1, je.column > 0 ? je.column : 0,
                     "expected one JSON array of event objects: %s",
                     arr ? "not an array" : je.text);
        json_decref(arr);
        return -1;
    }
    /* Lines of the top-level elements: depth-1 '{' positions, skipping strings. */
    size_t n = json_array_size(arr), k = 0;
    int *lines = fl_xcalloc(n ? n : 1, sizeof *lines);
    int depth = 0, in_str = 0, line = 1;
    for (size_t i = 0; i < len && k < n; i++) {
        char c = data[i];
        if (c == '\n') line++;
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"')
            in_str = 1;
        else if (c == '[' || c == '{') {
            if (depth == 1) lines[k++] = line;
            depth++;
        } else if (c == ']' || c == '}')
            depth--;
        else if (depth == 1 && c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ',') {
            lines[k++] = line; /* a scalar element: skip its characters */
            while (i + 1 < len && !strchr(",]\n", data[i + 1])) i++;
        }
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = fl_add_event_object(name, json_array_get(arr, i), lines[i] ? lines[i] : 1, b, err);
    free(lines);
    json_decref(arr);
    return rc;
}

int fl_read_events_json(const char *name, const char *data, size_t len, fl_history_builder *b,
                        fl_error *err) {
    size_t i = 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i < len && data[i] == '[') return read_array(name, data, len, b, err);
    int line = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        line++;
        size_t s = pos;
        while (s < end && (data[s] == ' ' || data[s] == '\t' || data[s] == '\r')) s++;
        if (s < end) {
            /* fast path: a flat event with the usual fields only */
            fl_json_event fe;
            if (fl_json_fast_event(data + s, end - s, &fe)) {
                int rc = 1;
                fl_raw_event ev;
                memset(&ev, 0, sizeof ev);
                ev.process = fe.process;
                ev.f = fe.has_f ? fe.f : NULL;
                ev.key = fe.key;
                ev.value = fe.value;
                ev.error = fe.error;
                ev.time = fe.time;
                ev.line = line;
                int nemesis = json_is_string(fe.process) &&
                              strcmp(json_string_value(fe.process), "nemesis") == 0;
                if (!strcmp(fe.type, "invoke"))
                    ev.type = FL_EV_INVOKE;
                else if (!strcmp(fe.type, "ok"))
                    ev.type = FL_EV_OK;
                else if (!strcmp(fe.type, "fail"))
                    ev.type = FL_EV_FAIL;
                else if (!strcmp(fe.type, "info"))
                    ev.type = FL_EV_INFO;
                else
                    rc = 0;
                if (rc && !nemesis)
                    rc = fl_history_builder_add(b, &ev, err) < 0 ? -1 : 1;
                else
                    rc = 0;
                fl_json_event_free(&fe);
                if (rc < 0) return -1;
                if (rc > 0) {
                    pos = end + 1;
                    continue;
                }
            }
            json_t *obj = fl_json_fast_value(data + s, end - s);
            json_error_t je;
            if (!obj) obj = json_loadb(data + s, end - s, 0, &je);
            if (!obj) {
                fl_error_set(err, name, line, je.column > 0 ? je.column + (int)(s - pos) : 0,
                             "expected one JSON event object per line: %s", je.text);
                return -1;
            }
            int rc = fl_add_event_object(name, obj, line, b, err);
            json_decref(obj);
            if (rc < 0) return -1;
        }
        pos = end + 1;
    }
    return 0;
}
