/*
 * read_edn.c — the Jepsen EDN reader (SPEC §3 format 3): op maps one per line, or all inside
 * one top-level vector or list, `;` comments allowed.
 *
 * Data in: bytes; data out: each op map converted to JSON (edn.c) and added to the builder
 * as an event, with the line where the map starts.
 */
#include "edn.h"
#include "readers.h"

#include <stdlib.h>
#include <string.h>

/* The fast path for the common op map: keyword keys among :process :type :f :key :value
 * :error :time :index only. It fills the event without building the whole map as JSON (the
 * event's `object` stays NULL: nothing beyond those fields is lost). Returns 1 when it
 * handled the map, 0 to fall back to the general reader (cursor restored), -1 on error. */
static int is_kw(const char *s, size_t n, const char *kw) {
    return strlen(kw) == n && memcmp(s, kw, n) == 0;
}

static size_t tok(const fl_edn *p) {
    size_t i = p->pos;
    while (i < p->len && !(fl_edn_class[(unsigned char)p->s[i]] & FL_EDN_DELIM)) i++;
    return i - p->pos;
}

static int fast_op_map(const char *name, fl_edn *p, int line, fl_history_builder *b,
                       fl_error *err) {
    fl_edn save = *p;
    char fbuf[128], tbuf[16];
    fl_raw_event ev;
    memset(&ev, 0, sizeof ev);
    ev.time = FL_TIME_NONE;
    ev.line = line;
    json_t *process = NULL, *value = NULL, *key = NULL, *error = NULL;
    int have_type = 0, rc = 0, nemesis = 0;
    p->pos++; /* '{' */
    for (;;) {
        if (fl_edn_skip(p, err) < 0) goto fallback;
        if (p->pos >= p->len) goto fallback;
        if (p->s[p->pos] == '}') {
            p->pos++;
            break;
        }
        if (p->s[p->pos] != ':') goto fallback;
        p->pos++;
        size_t kn = tok(p);
        const char *k = p->s + p->pos;
        p->pos += kn;
        if (fl_edn_skip(p, err) < 0 || p->pos >= p->len) goto fallback;
        if (is_kw(k, kn, "type") || is_kw(k, kn, "f")) {
            if (p->s[p->pos] != ':') goto fallback;
            p->pos++;
            size_t vn = tok(p);
            int is_type = kn == 4;
            char *dst = is_type ? tbuf : fbuf;
            size_t cap = is_type ? sizeof tbuf : sizeof fbuf;
            if (vn == 0 || vn >= cap) goto fallback;
            memcpy(dst, p->s + p->pos, vn);
            dst[vn] = 0;
            p->pos += vn;
            if (is_type)
                have_type = 1;
            else
                ev.f = fbuf;
        } else if (is_kw(k, kn, "process") || is_kw(k, kn, "value") || is_kw(k, kn, "key") ||
                   is_kw(k, kn, "error")) {
            json_t *v = fl_edn_read(p, err);
            if (!v) {
                rc = -1;
                goto out;
            }
            json_t **slot = kn == 7                  ? &process
                            : kn == 5 && k[0] == 'v' ? &value
                            : kn == 3                ? &key
                                                     : &error;
            json_decref(*slot);
            *slot = v;
        } else if (is_kw(k, kn, "time") || is_kw(k, kn, "index")) {
            size_t vn = tok(p);
            char nb[32];
            if (vn == 0 || vn >= sizeof nb) goto fallback;
            memcpy(nb, p->s + p->pos, vn);
            nb[vn] = 0;
            char *end;
            long long t = strtoll(nb, &end, 10);
            if (*end) goto fallback;
            p->pos += vn;
            if (kn == 4) ev.time = t;
        } else {
            goto fallback;
        }
    }
    nemesis =
        process && json_is_string(process) && strcmp(json_string_value(process), "nemesis") == 0;
    if (!have_type || !process || nemesis) goto fallback;
    if (!strcmp(tbuf, "invoke"))
        ev.type = FL_EV_INVOKE;
    else if (!strcmp(tbuf, "ok"))
        ev.type = FL_EV_OK;
    else if (!strcmp(tbuf, "fail"))
        ev.type = FL_EV_FAIL;
    else if (!strcmp(tbuf, "info"))
        ev.type = FL_EV_INFO;
    else
        goto fallback; /* the general path reports it */
    ev.process = process;
    ev.value = value;
    ev.key = key;
    ev.error = error;
    rc = fl_history_builder_add(b, &ev, err) < 0 ? -1 : 1;
    goto out;
fallback:
    *p = save;
    rc = 0;
out:
    json_decref(process);
    json_decref(value);
    json_decref(key);
    json_decref(error);
    return rc;
}

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
        if (data[p.pos] == '{') {
            int fr = fast_op_map(name, &p, line, b, err);
            if (fr < 0) return -1;
            if (fr > 0) continue;
        }
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
