/*
 * read_knossos_html.c — reads the timeline page Knossos/Jepsen render for a history
 * (`timeline.html`): one `<div class="op TYPE" style="...;top:Y;height:H" title="...">
 * PROCESS :F VALUE</div>` per op, where TYPE is ok, fail, info or invoke (never completed),
 * and the op runs from Y (its invoke) to Y+H (its completion) on the page's time axis. Some
 * conformance data exists only in this form.
 *
 * Data in: bytes of the page; data out: events added to the builder in the page's time
 * order (an invoke before a completion drawn at the same height: ops drawn touching are
 * taken as overlapping). VALUE is EDN; for ok ops it is the completion's value.
 */
#include "edn.h"
#include "readers.h"

#include <stdlib.h>
#include <string.h>

typedef struct hev {
    long y;
    int completion; /* 0 invoke, 1 completion */
    size_t op;
} hev;

typedef struct hop {
    char type[8]; /* ok, fail, info, invoke */
    json_t *process, *value;
    char *f;
    int line;
    long y0, y1; /* invoke and completion heights */
} hop;

static int hev_cmp(const void *a, const void *b) {
    const hev *x = a, *y = b;
    if (x->y != y->y) return x->y < y->y ? -1 : 1;
    if (x->completion != y->completion) return x->completion - y->completion;
    return x->op < y->op ? -1 : x->op > y->op;
}

static const char *find(const char *s, const char *end, const char *needle) {
    size_t n = strlen(needle);
    for (; s + n <= end; s++)
        if (*s == needle[0] && memcmp(s, needle, n) == 0) return s;
    return NULL;
}

static long style_num(const char *style, const char *style_end, const char *name) {
    const char *p = find(style, style_end, name);
    if (!p) return -1;
    return strtol(p + strlen(name), NULL, 10);
}

static int line_at(const char *data, const char *p, int *line, const char **last) {
    for (const char *q = *last; q < p; q++)
        if (*q == '\n') (*line)++;
    *last = p;
    return *line;
}

int fl_read_knossos_html(const char *name, const char *data, size_t len, fl_history_builder *b,
                         fl_error *err) {
    const char *p = data, *end = data + len, *last = data;
    int line = 1, rc = -1;
    hop *ops = NULL;
    size_t n = 0, cap = 0;
    while ((p = find(p, end, "<div class=\"op ")) != NULL) {
        int l = line_at(data, p, &line, &last);
        const char *t = p + 15, *te = find(t, end, "\"");
        const char *st = te ? find(te, end, "style=\"") : NULL;
        const char *se = st ? find(st + 7, end, "\"") : NULL;
        const char *gt = se ? find(se, end, ">") : NULL;
        const char *ce = gt ? find(gt, end, "</div>") : NULL;
        if (!ce || te - t >= 8) {
            fl_error_set(err, name, l, 0,
                         "expected <div class=\"op TYPE\" style=\"...\">...</div>");
            goto done;
        }
        long top = style_num(st, se, "top:"), height = style_num(st, se, "height:");
        if (top < 0 || height < 0) {
            fl_error_set(err, name, l, 0, "expected top: and height: in the op's style");
            goto done;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            ops = fl_xrealloc(ops, cap * sizeof *ops);
        }
        hop *o = &ops[n];
        memset(o, 0, sizeof *o);
        memcpy(o->type, t, (size_t)(te - t));
        o->line = l;
        /* content: PROCESS :F VALUE (HTML-escaped) */
        fl_buf text = FL_BUF_INIT;
        for (const char *q = gt + 1; q < ce; q++) {
            if (*q == '&') {
                static const struct {
                    const char *ent;
                    char c;
                } ents[] = {{"&quot;", '"'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}};
                int done = 0;
                for (size_t k = 0; k < 4 && !done; k++) {
                    size_t el = strlen(ents[k].ent);
                    if ((size_t)(ce - q) >= el && memcmp(q, ents[k].ent, el) == 0) {
                        fl_buf_putc(&text, ents[k].c);
                        q += el - 1;
                        done = 1;
                    }
                }
                if (!done) fl_buf_putc(&text, '&');
            } else {
                fl_buf_putc(&text, *q);
            }
        }
        fl_edn e;
        fl_edn_init(&e, name, text.data ? text.data : "", text.len);
        e.line = l;
        json_t *proc = fl_edn_read(&e, err);
        json_t *f = proc ? fl_edn_read(&e, err) : NULL;
        json_t *value = NULL;
        if (f && fl_edn_skip(&e, err) == 0)
            value = fl_edn_at_end(&e) ? json_null() : fl_edn_read(&e, err);
        fl_buf_free(&text);
        if (!proc || !f || !value || !json_is_string(f)) {
            json_decref(proc);
            json_decref(f);
            json_decref(value);
            fl_error_set(err, name, l, 0, "expected the op text PROCESS :F VALUE");
            goto done;
        }
        o->process = proc;
        o->f = fl_xstrdup(json_string_value(f));
        json_decref(f);
        o->value = value;
        o->y0 = top;
        o->y1 = top + height;
        n++;
        p = ce;
    }
    /* events in time order, then the builder's pairing rules */
    hev *evs = fl_xmalloc((2 * n + 1) * sizeof *evs);
    size_t ne = 0;
    for (size_t i = 0; i < n; i++) {
        evs[ne++] = (hev){ops[i].y0, 0, i};
        if (strcmp(ops[i].type, "invoke") != 0) evs[ne++] = (hev){ops[i].y1, 1, i};
    }
    qsort(evs, ne, sizeof *evs, hev_cmp);
    for (size_t k = 0; k < ne; k++) {
        hop *o = &ops[evs[k].op];
        fl_raw_event ev;
        memset(&ev, 0, sizeof ev);
        ev.process = o->process;
        ev.f = o->f;
        ev.line = o->line;
        ev.time = FL_TIME_NONE;
        int is_read = strcmp(o->f, "read") == 0;
        if (!evs[k].completion) {
            ev.type = FL_EV_INVOKE;
            ev.value = is_read ? NULL : o->value;
        } else {
            const char *t = o->type;
            ev.type = !strcmp(t, "ok") ? FL_EV_OK : !strcmp(t, "fail") ? FL_EV_FAIL : FL_EV_INFO;
            if (ev.type == FL_EV_INFO && strcmp(t, "info") != 0) {
                fl_error_set(err, name, o->line, 0,
                             "unknown op class \"%s\"; expected ok, fail, info or invoke", t);
                free(evs);
                goto done;
            }
            ev.value = o->value;
        }
        if (fl_history_builder_add(b, &ev, err) < 0) {
            free(evs);
            goto done;
        }
    }
    free(evs);
    rc = 0;
done:
    for (size_t i = 0; i < n; i++) {
        json_decref(ops[i].process);
        json_decref(ops[i].value);
        free(ops[i].f);
    }
    free(ops);
    return rc;
}
