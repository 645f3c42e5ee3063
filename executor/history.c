/*
 * history.c — records the run as event JSONL (SPEC §3 format 1) and the nemesis log.
 *
 * Client ops and fault windows enter as calls; lines leave in two buffers that the scenario
 * writes to history.jsonl and nemesis.jsonl. Every line is stamped with the monotonic clock
 * (`time`, nanoseconds since the workload started) and carries the active `fault_epoch`
 * (null outside fault windows) and the `node` contacted when the adapter said. Nemesis lines
 * (`"process":"nemesis"`) go into both, so the history shows the fault windows in order.
 */
#include "exec.h"

#include <stdlib.h>
#include <string.h>

void fl_exec_rec_init(fl_rec *h) {
    memset(h, 0, sizeof *h);
    h->t0_ns = fl_exec_now_ns();
}

void fl_exec_rec_free(fl_rec *h) {
    fl_buf_free(&h->events);
    fl_buf_free(&h->nemesis);
    free(h->timeout_at);
    free(h->lat_at);
    free(h->lat_s);
    free(h->err_at);
}

static void append_line(fl_buf *b, json_t *o) {
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fl_buf_puts(b, s);
    fl_buf_putc(b, '\n');
    free(s);
}

void fl_exec_rec_op(fl_rec *h, int process, const char *type, json_t *op, const char *node,
                    const char *error) {
    json_t *e = json_object();
    json_object_set_new(e, "process", json_integer(process));
    json_object_set_new(e, "type", json_string(type));
    json_object_set(e, "f", json_object_get(op, "f"));
    json_t *key = json_object_get(op, "key");
    if (key) json_object_set(e, "key", key);
    json_t *v = json_object_get(op, "value");
    json_object_set(e, "value", v ? v : json_null());
    json_object_set_new(e, "time", json_integer(fl_exec_now_ns() - h->t0_ns));
    if (node) json_object_set_new(e, "node", json_string(node));
    if (error) json_object_set_new(e, "error", json_string(error));
    json_object_set_new(e, "fault_epoch",
                        h->fault_epoch ? json_integer(h->fault_epoch) : json_null());
    append_line(&h->events, e);
    json_decref(e);
    if (!strcmp(type, "invoke")) {
        h->ops++;
    } else if (!strcmp(type, "ok")) {
        h->ok++;
    } else if (!strcmp(type, "fail")) {
        h->fail++;
    } else {
        h->info++;
    }
}

void fl_exec_rec_nemesis(fl_rec *h, const char *f, json_t *value) {
    json_t *e = json_object();
    json_object_set_new(e, "process", json_string("nemesis"));
    json_object_set_new(e, "type", json_string("info"));
    json_object_set_new(e, "f", json_string(f));
    json_object_set_new(e, "value", value ? value : json_null());
    json_object_set_new(e, "time", json_integer(fl_exec_now_ns() - h->t0_ns));
    json_object_set_new(e, "fault_epoch",
                        h->fault_epoch ? json_integer(h->fault_epoch) : json_null());
    append_line(&h->events, e);
    append_line(&h->nemesis, e);
    json_decref(e);
}

void fl_exec_rec_note_timeout(fl_rec *h, double t) {
    if (h->ntimeout_at == h->timeout_cap) {
        h->timeout_cap = h->timeout_cap ? h->timeout_cap * 2 : 64;
        h->timeout_at = fl_xrealloc(h->timeout_at, (size_t)h->timeout_cap * sizeof(double));
    }
    h->timeout_at[h->ntimeout_at++] = t;
    h->timeouts++;
}

void fl_exec_rec_note_latency(fl_rec *h, double t, double latency) {
    if (h->nlat == h->lat_cap) {
        h->lat_cap = h->lat_cap ? h->lat_cap * 2 : 1024;
        h->lat_at = fl_xrealloc(h->lat_at, (size_t)h->lat_cap * sizeof(double));
        h->lat_s = fl_xrealloc(h->lat_s, (size_t)h->lat_cap * sizeof(double));
    }
    h->lat_at[h->nlat] = t;
    h->lat_s[h->nlat++] = latency;
}

void fl_exec_rec_note_error(fl_rec *h, double t) {
    if (h->nerr == h->err_cap) {
        h->err_cap = h->err_cap ? h->err_cap * 2 : 256;
        h->err_at = fl_xrealloc(h->err_at, (size_t)h->err_cap * sizeof(double));
    }
    h->err_at[h->nerr++] = t;
}
