/*
 * read_ops.c — the op-record reader (SPEC §3 format 2): one completed op per line with the
 * reference's 12 fields (op_id, process_id, invoke_ts, complete_ts, op_type, key, input,
 * output, error, timeout_marker, node_seen, fault_epoch).
 *
 * Outcome: timeout_marker true or complete_ts null → unknown (info; the op may take effect
 * any time after its invoke, or never); else a non-null error → fail; else ok. Real-time
 * order comes from the timestamps: intervals are closed (an invoke at t comes before a
 * completion at t), unknown outcomes complete after everything. Per process, ops must not
 * overlap and a process whose op timed out is never reused; a repeated op_id is a recorder
 * bug. All three are errors naming the line.
 *
 * Data in: bytes; data out: ops added to the builder in invoke order.
 */
#include "json_fast.h"
#include "readers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct rec {
    json_t *obj;
    int line;
    int proc; /* index into the distinct process list */
    double invoke_ts, complete_ts;
    int unknown;       /* timeout / unknown commit */
    size_t ipos, cpos; /* real-time positions */
} rec;

typedef struct slot {
    double t;
    int kind; /* 0 invoke, 1 completion */
    size_t rec;
} slot;

static int slot_cmp(const void *a, const void *b) {
    const slot *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->kind != y->kind) return x->kind - y->kind;
    return x->rec < y->rec ? -1 : x->rec > y->rec;
}

static int by_proc_then_invoke(const void *a, const void *b) {
    const rec *x = *(const rec *const *)a, *y = *(const rec *const *)b;
    if (x->proc != y->proc) return x->proc - y->proc;
    if (x->invoke_ts != y->invoke_ts) return x->invoke_ts < y->invoke_ts ? -1 : 1;
    return x->line - y->line;
}

static int by_ipos(const void *a, const void *b) {
    const rec *x = a, *y = b;
    return x->ipos < y->ipos ? -1 : x->ipos > y->ipos;
}

static int get_ts(const char *name, json_t *obj, const char *field, int line, int allow_null,
                  double *out, fl_error *err) {
    json_t *v = json_object_get(obj, field);
    if ((!v || json_is_null(v)) && allow_null) {
        *out = NAN;
        return 0;
    }
    if (!json_is_number(v)) {
        fl_error_set(err, name, line, 0, "expected \"%s\" to be a number%s", field,
                     allow_null ? " or null" : "");
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

static void fill_event(json_t *obj, int line, double ts, fl_raw_event *ev) {
    memset(ev, 0, sizeof *ev);
    ev->process = json_object_get(obj, "process_id");
    ev->f = json_string_value(json_object_get(obj, "op_type"));
    ev->key = json_object_get(obj, "key");
    if (json_is_null(ev->key)) ev->key = NULL;
    ev->object = obj;
    ev->line = line;
    ev->time = isnan(ts) ? FL_TIME_NONE : (int64_t)ts;
}

int fl_read_op_records(const char *name, const char *data, size_t len, fl_history_builder *b,
                       fl_error *err) {
    rec *recs = NULL;
    size_t n = 0, cap = 0;
    json_t *ids = json_object(), *procs = json_object();
    int rc = -1, line = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        line++;
        size_t s = pos;
        pos = end + 1;
        while (s < end && (data[s] == ' ' || data[s] == '\t' || data[s] == '\r')) s++;
        if (s == end) continue;
        json_error_t je;
        json_t *obj = fl_json_fast_value(data + s, end - s);
        if (!obj) obj = json_loadb(data + s, end - s, 0, &je);
        if (!obj || !json_is_object(obj)) {
            fl_error_set(err, name, line, obj ? 0 : je.column,
                         "expected one op-record JSON object per line%s%s", obj ? "" : ": ",
                         obj ? "" : je.text);
            json_decref(obj);
            goto done;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            recs = fl_xrealloc(recs, cap * sizeof *recs);
        }
        rec *r = &recs[n++];
        memset(r, 0, sizeof *r);
        r->obj = obj;
        r->line = line;
        json_t *p = json_object_get(obj, "process_id");
        if (!json_is_integer(p) && !json_is_string(p)) {
            fl_error_set(err, name, line, 0,
                         "expected \"process_id\" to be an integer or a string");
            goto done;
        }
        if (!json_is_string(json_object_get(obj, "op_type"))) {
            fl_error_set(err, name, line, 0, "expected \"op_type\" to be a string");
            goto done;
        }
        if (get_ts(name, obj, "invoke_ts", line, 0, &r->invoke_ts, err) < 0 ||
            get_ts(name, obj, "complete_ts", line, 1, &r->complete_ts, err) < 0)
            goto done;
        r->unknown = json_is_true(json_object_get(obj, "timeout_marker")) || isnan(r->complete_ts);
        if (!isnan(r->complete_ts) && r->complete_ts < r->invoke_ts) {
            fl_error_set(err, name, line, 0, "expected \"complete_ts\" not before \"invoke_ts\"");
            goto done;
        }
        json_t *id = json_object_get(obj, "op_id");
        if (id && !json_is_null(id)) {
            char *k = json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT);
            json_t *prev = json_object_get(ids, k);
            if (prev) {
                fl_error_set(err, name, line, 0,
                             "op_id %s repeats the record at line %lld; expected each op_id "
                             "once (a duplicate response is a recorder bug)",
                             k, (long long)json_integer_value(prev));
                free(k);
                goto done;
            }
            json_object_set_new(ids, k, json_integer(line));
            free(k);
        }
        char *pk = json_dumps(p, JSON_ENCODE_ANY | JSON_COMPACT);
        json_t *pi = json_object_get(procs, pk);
        if (!pi) {
            pi = json_integer((json_int_t)json_object_size(procs));
            json_object_set_new(procs, pk, pi);
        }
        r->proc = (int)json_integer_value(pi);
        free(pk);
    }
    /* Per process: no overlap, no reuse after an unknown outcome. */
    const rec **order = fl_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) order[i] = &recs[i];
    qsort(order, n, sizeof *order, by_proc_then_invoke);
    for (size_t i = 1; i < n; i++) {
        const rec *a = order[i - 1], *c = order[i];
        if (a->proc != c->proc) continue;
        char *pk = json_dumps(json_object_get(c->obj, "process_id"), JSON_ENCODE_ANY);
        if (a->unknown) {
            fl_error_set(err, name, c->line, 0,
                         "process %s is reused after its op at line %d timed out (unknown "
                         "outcome); expected a new process id",
                         pk, a->line);
        } else if (c->invoke_ts < a->complete_ts) {
            fl_error_set(err, name, c->line, 0,
                         "process %s invoked this op before its op at line %d completed; "
                         "expected one outstanding op per process",
                         pk, a->line);
        } else {
            free(pk);
            continue;
        }
        free(pk);
        free((void *)order);
        goto done;
    }
    free((void *)order);
    /* Real-time positions. */
    slot *slots = fl_xmalloc((2 * n + 1) * sizeof *slots);
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        slots[ns++] = (slot){recs[i].invoke_ts, 0, i};
        slots[ns++] = (slot){recs[i].unknown ? INFINITY : recs[i].complete_ts, 1, i};
    }
    qsort(slots, ns, sizeof *slots, slot_cmp);
    for (size_t i = 0; i < ns; i++) {
        if (slots[i].kind == 0)
            recs[slots[i].rec].ipos = i;
        else
            recs[slots[i].rec].cpos = i;
    }
    free(slots);
    qsort(recs, n, sizeof *recs, by_ipos);
    for (size_t i = 0; i < n; i++) {
        rec *r = &recs[i];
        fl_raw_event inv, comp;
        fill_event(r->obj, r->line, r->invoke_ts, &inv);
        inv.type = FL_EV_INVOKE;
        inv.value = json_object_get(r->obj, "input");
        fill_event(r->obj, r->line, r->complete_ts, &comp);
        json_t *error = json_object_get(r->obj, "error");
        if (json_is_null(error)) error = NULL;
        comp.type = r->unknown ? FL_EV_INFO : error ? FL_EV_FAIL : FL_EV_OK;
        comp.value = r->unknown ? NULL : json_object_get(r->obj, "output");
        comp.error = error;
        fl_history_builder_add_op(b, &inv, &comp, r->ipos, r->cpos);
    }
    rc = 0;
done:
    for (size_t i = 0; i < n; i++) json_decref(recs[i].obj);
    free(recs);
    json_decref(ids);
    json_decref(procs);
    return rc;
}
