/*
 * read_edn.c — the Jepsen EDN reader (SPEC §3 format 3): op maps one per line, or all inside
 * one top-level vector or list, `;` comments allowed.
 *
 * Data in: bytes; data out: each op map converted to JSON (edn.c) and added to the builder
 * as an event, with the line where the map starts.
 */
#include "edn.h"
#include "readers.h"

int fl_read_edn(const char *name, const char *data, size_t len, fl_history_builder *b,
                fl_error *err) {
    fl_edn p;
    fl_edn_init(&p, name, data, len);
    if (fl_edn_skip(&p, err) < 0) return -1;
    char close = 0;
    int open_line = 0;
    if (!fl_edn_at_end(&p) && (data[p.pos] == '[' || data[p.pos] == '(')) {
        close = data[p.pos] == '[' ? ']' : ')';
        open_line = p.line;
        p.pos++;
    }
    for (;;) {
        if (fl_edn_skip(&p, err) < 0) return -1;
        if (fl_edn_at_end(&p)) {
            if (close) {
                fl_error_set(err, name, p.line, 0,
                             "expected '%c' closing the history opened at line %d", close,
                             open_line);
                return -1;
            }
            return 0;
        }
        if (close && data[p.pos] == close) {
            p.pos++;
            if (fl_edn_skip(&p, err) < 0) return -1;
            if (!fl_edn_at_end(&p)) {
                fl_error_set(err, name, p.line, (int)(p.pos - p.line_start) + 1,
                             "expected nothing after the closing '%c' of the history", close);
                return -1;
            }
            return 0;
        }
        int line = p.line;
        json_t *form = fl_edn_read(&p, err);
        if (!form) return -1;
        if (!json_is_object(form)) {
            json_decref(form);
            fl_error_set(err, name, line, 0, "expected an op map {:type .. :f .. :process ..}");
            return -1;
        }
        int rc = fl_add_event_object(name, form, line, b, err);
        json_decref(form);
        if (rc < 0) return -1;
    }
}
