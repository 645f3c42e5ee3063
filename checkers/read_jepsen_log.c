/*
 * read_jepsen_log.c — the reader for Jepsen's textual log (SPEC §3 format 4): lines
 *   INFO  jepsen.util - PROCESS :TYPE :F VALUE
 * from old jepsen.log files (Porcupine's etcd data). Fields are separated by spaces or tabs;
 * VALUE is EDN and may be absent. Lines that are not of this shape are skipped (log noise).
 * A completion whose value is the keyword :timed-out carries no value (an `info` keeps its
 * invoke's value) and gets "error": "timed-out".
 *
 * Data in: bytes; data out: events added to the builder in line order.
 */
#include "edn.h"
#include "readers.h"

#include <ctype.h>
#include <string.h>

static const char *skip_ws(const char *s, const char *end) {
    while (s < end && (*s == ' ' || *s == '\t')) s++;
    return s;
}

static const char *token_end(const char *s, const char *end) {
    while (s < end && *s != ' ' && *s != '\t' && *s != '\r') s++;
    return s;
}

/* Handles one line; returns 1 if it was an event line, 0 if skipped, -1 on error. */
static int read_line(const char *name, const char *s, const char *end, int line,
                     fl_history_builder *b, fl_error *err) {
    static const char marker[] = "jepsen.util";
    const char *m = NULL;
    for (const char *q = s; q + sizeof marker - 1 <= end; q++)
        if (memcmp(q, marker, sizeof marker - 1) == 0) {
            m = q;
            break;
        }
    if (!m) return 0;
    const char *q = skip_ws(m + sizeof marker - 1, end);
    if (q >= end || *q != '-') return 0;
    q = skip_ws(q + 1, end);
    /* process */
    const char *pe = token_end(q, end);
    if (pe == q) return 0;
    json_t *process;
    int numeric = 1;
    for (const char *r = q; r < pe; r++)
        if (!isdigit((unsigned char)*r)) numeric = 0;
    if (numeric) {
        long long v = 0;
        for (const char *r = q; r < pe; r++) v = v * 10 + (*r - '0');
        process = json_integer(v);
    } else if (*q == ':') {
        process = json_stringn(q + 1, (size_t)(pe - q - 1));
    } else {
        return 0; /* some other jepsen.util message */
    }
    /* :type */
    q = skip_ws(pe, end);
    const char *te = token_end(q, end);
    /* :f */
    const char *fq = skip_ws(te, end);
    const char *fe = token_end(fq, end);
    if (te - q < 2 || *q != ':' || fe - fq < 2 || *fq != ':') {
        json_decref(process);
        return 0;
    }
    const char *vq = skip_ws(fe, end);
    const char *ve = end;
    while (ve > vq && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r')) ve--;
    int is_invoke = te - q == 7 && memcmp(q, ":invoke", 7) == 0;
    json_t *value = NULL, *error = NULL;
    if (vq < ve) {
        if (!is_invoke && ve - vq == 10 && memcmp(vq, ":timed-out", 10) == 0) {
            error = json_string("timed-out");
        } else if (ve - vq == 3 && memcmp(vq, "nil", 3) == 0) {
            value = json_null();
        } else {
            fl_edn p;
            fl_edn_init(&p, name, vq, (size_t)(ve - vq));
            p.line = line;
            value = fl_edn_read(&p, err);
            if (value && (fl_edn_skip(&p, err) < 0 || !fl_edn_at_end(&p))) {
                json_decref(value);
                value = NULL;
                fl_error_set(err, name, line, 0, "expected one EDN value after the op's :f");
            }
            if (!value) {
                json_decref(process);
                return -1;
            }
        }
    }
    char type[16], f[128];
    size_t tn = (size_t)(te - q - 1), fn = (size_t)(fe - fq - 1);
    int rc;
    if (json_is_integer(process) && tn < sizeof type && fn < sizeof f) {
        /* a client op: straight to the builder */
        memcpy(type, q + 1, tn);
        type[tn] = 0;
        memcpy(f, fq + 1, fn);
        f[fn] = 0;
        fl_raw_event ev;
        memset(&ev, 0, sizeof ev);
        ev.process = process;
        ev.f = f;
        ev.value = value;
        ev.error = error;
        ev.time = FL_TIME_NONE;
        ev.line = line;
        rc = 0;
        if (!strcmp(type, "invoke"))
            ev.type = FL_EV_INVOKE;
        else if (!strcmp(type, "ok"))
            ev.type = FL_EV_OK;
        else if (!strcmp(type, "fail"))
            ev.type = FL_EV_FAIL;
        else if (!strcmp(type, "info"))
            ev.type = FL_EV_INFO;
        else {
            fl_error_set(err, name, line, 0,
                         "unknown type \"%s\"; expected invoke, ok, fail or info", type);
            rc = -1;
        }
        if (rc == 0) rc = fl_history_builder_add(b, &ev, err);
    } else {
        json_t *obj = json_object();
        json_object_set_new(obj, "process", json_incref(process));
        json_object_set_new(obj, "type", json_stringn(q + 1, tn));
        json_object_set_new(obj, "f", json_stringn(fq + 1, fn));
        if (value) json_object_set(obj, "value", value);
        if (error) json_object_set(obj, "error", error);
        rc = fl_add_event_object(name, obj, line, b, err);
        json_decref(obj);
    }
    json_decref(process);
    json_decref(value);
    json_decref(error);
    return rc < 0 ? -1 : 1;
}

int fl_read_jepsen_log(const char *name, const char *data, size_t len, fl_history_builder *b,
                       fl_error *err) {
    size_t pos = 0;
    int line = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        line++;
        if (read_line(name, data + pos, data + end, line, b, err) < 0) return -1;
        pos = end + 1;
    }
    return 0;
}
