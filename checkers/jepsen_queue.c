/*
 * jepsen_queue.c — the `queue` checker (Jepsen's total-queue): `enqueue` ops offer an
 * element, `dequeue` ops (ok) deliver one (null = the queue was empty), `drain` ops (ok)
 * deliver a list. Meaningful when the test drains the queue at the end.
 *
 * Multisets: attempts (enqueue invokes that did not fail), acknowledged (ok enqueues),
 * deliveries. lost = acknowledged but delivered fewer times; unexpected = delivered but
 * never offered (or every offer failed); duplicated = delivered more times than offered.
 * Each is an anomaly; valid when there is none; unknown when nothing was enqueued or
 * delivered.
 *
 * Data in: the history. Data out: counts and anomalies in the result object.
 */
#include "jepsen.h"

#include <stdlib.h>
#include <string.h>

typedef struct qel {
    json_t *value;
    long long offered, failed, acked, delivered;
    const fl_op *first_enq, *last_deq;
} qel;

static const char *const ENQ[] = {"enqueue", "offer", "put", NULL};
static const char *const DEQ[] = {"dequeue", "poll", "take", NULL};
static const char *const DRAIN[] = {"drain", NULL};

static qel *get(json_t *index, qel **arr, size_t *n, size_t *cap, json_t *v) {
    char *k = jepsen_key(v);
    json_t *i = json_object_get(index, k);
    qel *q;
    if (i) {
        q = &(*arr)[json_integer_value(i)];
    } else {
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *arr = fl_xrealloc(*arr, *cap * sizeof **arr);
        }
        q = &(*arr)[*n];
        memset(q, 0, sizeof *q);
        q->value = v;
        json_object_set_new(index, k, json_integer((json_int_t)(*n)++));
    }
    free(k);
    return q;
}

int fl_checker_queue_run(const fl_history *h, fl_check_ctx *ctx, json_t *result,
                         fl_check_verdict *verdict, fl_error *err) {
    (void)ctx;
    json_t *index = json_object();
    qel *q = NULL;
    size_t n = 0, cap = 0;
    long long attempts = 0, acked = 0, deliveries = 0;
    for (size_t i = 0; i < h->nops; i++) {
        const fl_op *op = &h->ops[i];
        if (jepsen_f_in(op, ENQ)) {
            qel *e = get(index, &q, &n, &cap, op->value);
            attempts++;
            if (!e->first_enq) e->first_enq = op;
            if (op->type == FL_OP_FAIL)
                e->failed++;
            else
                e->offered++;
            if (op->type == FL_OP_OK) e->acked++, acked++;
        } else if (jepsen_f_in(op, DEQ) || jepsen_f_in(op, DRAIN)) {
            if (op->type != FL_OP_OK || !op->result || json_is_null(op->result)) continue;
            if (jepsen_f_in(op, DRAIN)) {
                if (!json_is_array(op->result)) {
                    fl_error_set(err, h->name, op->complete_line, 0,
                                 "expected a drain to return a list of elements");
                    json_decref(index);
                    free(q);
                    return -1;
                }
                size_t j;
                json_t *v;
                json_array_foreach(op->result, j, v) {
                    qel *e = get(index, &q, &n, &cap, v);
                    e->delivered++, deliveries++;
                    e->last_deq = op;
                }
            } else {
                qel *e = get(index, &q, &n, &cap, op->result);
                e->delivered++, deliveries++;
                e->last_deq = op;
            }
        } else {
            json_decref(index);
            free(q);
            return jepsen_bad_op(h, op, "queue", "enqueue, dequeue or drain", err);
        }
    }
    long long lost = 0, unexpected = 0, duplicated = 0, recovered = 0;
    for (size_t i = 0; i < n; i++) {
        qel *e = &q[i];
        char *k = jepsen_key(e->value);
        fl_buf m = FL_BUF_INIT;
        json_t *x = json_object();
        json_object_set(x, "element", e->value);
        if (e->delivered && !e->offered) {
            unexpected++;
            fl_buf_printf(&m, "element %s was delivered by ", k);
            jepsen_op_text(h, e->last_deq, &m);
            fl_buf_puts(&m, e->failed ? ", but every enqueue of it failed"
                                      : ", but it was never enqueued");
            json_object_set_new(x, "delivery", jepsen_op_json(h, e->last_deq));
            jepsen_anomaly(result, "unexpected", fl_buf_cstr(&m), x);
        } else if (e->delivered > e->offered) {
            duplicated++;
            fl_buf_printf(&m, "element %s was delivered %lld times but enqueued %lld time%s", k,
                          e->delivered, e->offered, e->offered == 1 ? "" : "s");
            json_object_set_new(x, "delivery", jepsen_op_json(h, e->last_deq));
            jepsen_anomaly(result, "duplicated", fl_buf_cstr(&m), x);
        } else if (e->acked > e->delivered) {
            lost++;
            fl_buf_printf(&m, "element %s was enqueued (", k);
            jepsen_op_text(h, e->first_enq, &m);
            fl_buf_printf(&m, ") and acknowledged %lld time%s, but delivered %lld time%s", e->acked,
                          e->acked == 1 ? "" : "s", e->delivered, e->delivered == 1 ? "" : "s");
            json_object_set_new(x, "enqueue", jepsen_op_json(h, e->first_enq));
            jepsen_anomaly(result, "lost", fl_buf_cstr(&m), x);
        } else {
            if (e->delivered > e->acked) recovered++;
            json_decref(x);
        }
        free(k);
        fl_buf_free(&m);
    }
    json_object_set_new(result, "attempt_count", json_integer(attempts));
    json_object_set_new(result, "acknowledged_count", json_integer(acked));
    json_object_set_new(result, "delivered_count", json_integer(deliveries));
    json_object_set_new(result, "lost_count", json_integer(lost));
    json_object_set_new(result, "unexpected_count", json_integer(unexpected));
    json_object_set_new(result, "duplicated_count", json_integer(duplicated));
    json_object_set_new(result, "recovered_count", json_integer(recovered));
    if (lost || unexpected || duplicated)
        *verdict = FL_CHECK_INVALID;
    else if (!attempts && !deliveries) {
        *verdict = FL_CHECK_UNKNOWN;
        json_object_set_new(result, "cause", json_string("nothing was enqueued or delivered"));
    } else
        *verdict = FL_CHECK_VALID;
    json_decref(index);
    free(q);
    return 0;
}
